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
 * The ARN of the private ECR repository an image reference points into
 * (`<account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repo>[:tag|@digest]`); undefined for any other
 * registry (ECR Public, Docker Hub, …), whose public images need no IAM permission to pull.
 */
export function ecrRepositoryArn(ref: string, partition = "aws"): string | undefined {
    const m = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)/.exec(ref);
    return m ? `arn:${partition}:ecr:${m[2]}:${m[1]}:repository/${m[3]}` : undefined;
}

/**
 * What an ECS task execution role needs, and no more: pull from one repository (when the image is
 * in private ECR), write to one log group, read exactly the injected secrets and decrypt them with
 * exactly their customer-managed keys. (The managed
 * AmazonECSTaskExecutionRolePolicy grants ecr:* pulls and logs:* writes on every resource; this
 * narrows both.) Source: ECS developer guide, "Amazon ECS task execution IAM role".
 */
export function executionRoleStatements(args: {
    repositoryArn?: pulumi.Input<string | undefined>;
    logGroupArn: pulumi.Input<string>;
    secretValueFroms: readonly string[];
    /** Customer-managed KMS keys of those secrets (kms:Decrypt on exactly these). */
    secretsKmsKeyArns?: readonly string[];
}): pulumi.Output<object[]> {
    const secrets = [...secretReadStatements(args.secretValueFroms), ...kmsDecryptStatements(args.secretsKmsKeyArns, args.secretValueFroms)];
    return pulumi.all([args.repositoryArn, args.logGroupArn]).apply(([repositoryArn, logGroupArn]) => [
        ...(repositoryArn !== undefined ? [
            // GetAuthorizationToken has no resource-level permissions: "*" is the only resource it accepts
            // (Service Authorization Reference, Amazon ECR actions).
            { Sid: "EcrToken", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" },
            { Sid: "PullImage", Effect: "Allow", Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], Resource: [repositoryArn] },
        ] : []),
        { Sid: "WriteLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${logGroupArn}:log-stream:*`] },
        ...secrets,
    ]);
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
