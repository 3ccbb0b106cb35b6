import * as pulumi from "@pulumi/pulumi";
import { kmsDecryptStatements, secretReadStatements } from "./secrets";

/**
 * Trust policy letting one AWS service assume a role, optionally only under `condition` (the
 * confused-deputy guard: `aws:SourceAccount` / `aws:SourceArn`).
 */
export function assumeRolePolicy(service: string, condition?: Record<string, Record<string, pulumi.Input<string>>>): pulumi.Output<string> {
    return pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole", ...(condition ? { Condition: condition } : {}) }],
    });
}

/**
 * What an ECS task execution role needs, and no more: pull from one repository, write to one log
 * group, read exactly the injected secrets and decrypt them with exactly their customer-managed keys. (The managed AmazonECSTaskExecutionRolePolicy grants
 * ecr:* pulls and logs:* writes on every resource; this narrows both.)
 * Source: ECS developer guide, "Amazon ECS task execution IAM role".
 */
export function executionRoleStatements(args: {
    repositoryArn?: pulumi.Input<string>;
    logGroupArn: pulumi.Input<string>;
    secretValueFroms: readonly string[];
    /** Customer-managed KMS keys of those secrets (kms:Decrypt on exactly these). */
    secretsKmsKeyArns?: readonly string[];
}): pulumi.Input<object>[] {
    const statements: pulumi.Input<object>[] = [];
    if (args.repositoryArn !== undefined) {
        // GetAuthorizationToken has no resource-level permissions: "*" is the only resource it accepts
        // (Service Authorization Reference, Amazon ECR actions).
        statements.push({ Sid: "EcrToken", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" });
        statements.push({
            Sid: "PullImage",
            Effect: "Allow",
            Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            Resource: [args.repositoryArn],
        });
    }
    statements.push({
        Sid: "WriteLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [pulumi.interpolate`${args.logGroupArn}:log-stream:*`],
    });
    statements.push(...secretReadStatements(args.secretValueFroms));
    statements.push(...kmsDecryptStatements(args.secretsKmsKeyArns, args.secretValueFroms));
    return statements;
}

/**
 * Task-role permissions ECS Exec needs: the SSM agent in the task opens its channels. These actions
 * have no resource-level permissions, so "*" is the only resource (ECS developer guide, "Monitor
 * Amazon ECS containers with ECS Exec", IAM permissions required).
 */
export function ecsExecStatements(): object[] {
    return [{
        Sid: "EcsExec",
        Effect: "Allow",
        Action: ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"],
        Resource: "*",
    }];
}
