/**
 * IAM documents of a scheduled task: the role EventBridge Scheduler assumes to start it, and the
 * task-role statement behind `overlap: skip`. Pure builders, each grant justified by its source.
 */
import * as pulumi from "@pulumi/pulumi";
import { assumeRolePolicy } from "./iam";

export interface SchedulerRoleArgs {
    /** The account that owns the schedule (confused-deputy guard). */
    accountId: pulumi.Input<string>;
    /** ARN of the schedule group the schedule is in (`…:schedule-group/default`). */
    scheduleGroupArn: pulumi.Input<string>;
}

/**
 * Trust policy for EventBridge Scheduler's execution role. Scheduler evaluates confused-deputy
 * conditions against the schedule *group* ARN (EventBridge Scheduler User Guide, "Set up the
 * execution role" and its document history entry of 2023-09-07).
 */
export function schedulerTrustPolicy(a: SchedulerRoleArgs): pulumi.Output<string> {
    return assumeRolePolicy("scheduler.amazonaws.com", { StringEquals: { "aws:SourceAccount": a.accountId, "aws:SourceArn": a.scheduleGroupArn } });
}

export interface SchedulerPermissionArgs {
    /** The task definition ARN, with its revision: the only one the schedule may start. */
    taskDefinitionArn: pulumi.Input<string>;
    clusterArn: pulumi.Input<string>;
    executionRoleArn: pulumi.Input<string>;
    taskRoleArn: pulumi.Input<string>;
    deadLetterQueueArn: pulumi.Input<string>;
    /**
     * Tasks of the cluster, `arn:<partition>:ecs:<region>:<account>:task/<cluster name>/*`: what
     * `ecs:TagResource` may tag when RunTask propagates tags. Omit when tags are not propagated.
     */
    taskArnPattern?: pulumi.Input<string>;
}

/** What Scheduler's execution role may do: start exactly one task definition on one cluster, and no more. */
export function schedulerPermissionStatements(a: SchedulerPermissionArgs): pulumi.Input<object>[] {
    const statements: pulumi.Input<object>[] = [
        {
            // RunTask is authorised on the task definition; ecs:cluster pins the cluster it may run on
            // (Service Authorization Reference, Amazon ECS, RunTask: task-definition*, ecs:cluster).
            Sid: "RunTheJob",
            Effect: "Allow",
            Action: ["ecs:RunTask"],
            Resource: [a.taskDefinitionArn],
            Condition: { ArnEquals: { "ecs:cluster": a.clusterArn } },
        },
        {
            // ECS needs the task's execution and task roles passed to it (ECS developer guide,
            // "Amazon ECS EventBridge IAM role"; Scheduler User Guide, ECS RunTask target).
            Sid: "PassTheJobRoles",
            Effect: "Allow",
            Action: ["iam:PassRole"],
            Resource: [a.executionRoleArn, a.taskRoleArn],
            Condition: { StringLike: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
        },
        {
            // Scheduler delivers dead-letter events with the schedule's execution role, which needs
            // sqs:SendMessage on the queue (Scheduler User Guide, "Configuring a schedule's dead-letter queue").
            Sid: "DeadLetters",
            Effect: "Allow",
            Action: ["sqs:SendMessage"],
            Resource: [a.deadLetterQueueArn],
        },
    ];
    if (a.taskArnPattern !== undefined) {
        statements.push({
            // RunTask with tags (propagated or managed) also authorises ecs:TagResource on the new task
            // (ECS developer guide, "Grant permission to tag resources on creation"); ecs:CreateAction
            // limits it to tagging at RunTask, so the role can never retag existing resources.
            Sid: "TagTheJobsTasks",
            Effect: "Allow",
            Action: ["ecs:TagResource"],
            Resource: [a.taskArnPattern],
            Condition: { StringEquals: { "ecs:CreateAction": "RunTask" } },
        });
    }
    return statements;
}

/**
 * Task-role statement for `overlap: skip`: the job may list tasks of its own cluster (it filters by
 * its family and RUNNING). ListTasks authorises against the container-instance resource type, which
 * Fargate tasks do not have, so "*" is the only usable resource; the `ecs:cluster` condition confines
 * it to one cluster (Service Authorization Reference, Amazon ECS, ListTasks: container-instance,
 * condition ecs:cluster; aws/aws-cdk#3199 and awsdocs/amazon-ecs-developer-guide#211 for the
 * wildcard-plus-condition form that works).
 */
export function listOwnRunsStatement(clusterArn: string): Record<string, any> {
    return {
        Sid: "ListRunsOfThisJob",
        Effect: "Allow",
        Action: ["ecs:ListTasks"],
        Resource: "*",
        Condition: { ArnEquals: { "ecs:cluster": clusterArn } },
    };
}
