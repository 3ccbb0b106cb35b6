/**
 * Hearing about a scheduled job that started and then failed. EventBridge Scheduler dead-letters
 * only runs it could not start (RunTask refused); a task that starts and exits non-zero reaches
 * nobody. ECS puts an "ECS Task State Change" event on the account's default event bus for every
 * task state change (ECS developer guide, "Amazon ECS task state change events"): a rule matching
 * the STOPPED events of the job's task-definition family with a non-zero container exit code, or
 * with stop code TaskFailedToStart (the image could not be pulled, a secret could not be read: no
 * container ever ran, so there is no exit code), sends a readable message to the alerts topic.
 *
 * The overlap-skip path of app/src/jobs (a previous run still going) exits 0: a success, no message.
 * Pure: no Pulumi resources, values may be Outputs.
 */
import type * as pulumi from "@pulumi/pulumi";

type In<T> = pulumi.Input<T>;

/** EventBridge rule names: 1–64 of letters, digits, `.`, `-`, `_` (EventBridge API reference, PutRule Name). */
export const EVENT_RULE_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;
/** Input transformer limits (EventBridge API reference, InputTransformer): at most 100 paths; keys alphanumeric, not starting with "AWS."; template ≤ 8192 characters. */
export const INPUT_TRANSFORMER_LIMITS = { paths: 100, key: /^[A-Za-z0-9]+$/, templateLength: 8192 } as const;

/** What the job rules need: the cluster the job runs on and the ARN prefix of its task-definition family. */
export interface JobEventSource {
    clusterArn: In<string>;
    /** `arn:<partition>:ecs:<region>:<account>:task-definition/<family>:` — the colon keeps `cleanup` from matching `cleanup-2`. */
    taskDefinitionArnPrefix: In<string>;
}

/** The ARN prefix of every revision of a task-definition family. */
export function familyArnPrefix(partition: string, region: string, accountId: string, family: string): string {
    return `arn:${partition}:ecs:${region}:${accountId}:task-definition/${family}:`;
}

/** Every run of the job that stopped, whatever its exit: the dashboard's "runs" (the rule's MatchedEvents). */
export function jobStoppedPattern(source: JobEventSource) {
    return {
        source: ["aws.ecs"],
        "detail-type": ["ECS Task State Change"],
        detail: {
            clusterArn: [source.clusterArn],
            lastStatus: ["STOPPED"],
            taskDefinitionArn: [{ prefix: source.taskDefinitionArnPrefix }],
        },
    };
}

/**
 * Runs that failed: STOPPED with a container whose exit code is not 0, or never started
 * (stopCode TaskFailedToStart). Event pattern syntax: EventBridge user guide, "Content filtering in
 * Amazon EventBridge event patterns" (`prefix`, numeric `anything-but`, `$or`; a field of an array of
 * objects matches when any element matches).
 */
export function jobFailurePattern(source: JobEventSource) {
    const stopped = jobStoppedPattern(source);
    return {
        ...stopped,
        detail: {
            ...stopped.detail,
            $or: [
                { containers: { exitCode: [{ "anything-but": 0 }] } },
                { stopCode: ["TaskFailedToStart"] },
            ],
        },
    };
}

/** The e-mail/HTTPS message of a failed run: what failed, how, and where to look. */
export function jobFailureNotification(job: { name: string; environment: string; logGroupName: In<string> }) {
    const inputPaths = {
        task: "$.detail.taskArn",
        stopCode: "$.detail.stopCode",
        reason: "$.detail.stoppedReason",
        exitCode: "$.detail.containers[0].exitCode",
        container: "$.detail.containers[0].name",
        containerReason: "$.detail.containers[0].reason",
        stoppedAt: "$.detail.stoppedAt",
    };
    const parts: In<string>[] = [
        `Job ${job.name} of ${job.environment} failed: task <task> stopped at <stoppedAt> (<stopCode>: <reason>).`,
        ` Container <container> exit code <exitCode> <containerReason>.`,
        " Its logs: CloudWatch Logs group ", job.logGroupName, ".",
        " A run that could not be started at all is in the job's dead-letter queue instead; a run skipped because the previous one was still going exits 0 and is not reported.",
    ];
    return { inputPaths, parts };
}
