import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AlarmSettings, alarmName, deadLettersAlarm, queueAgeAlarm, resolveSettings, thresholdsProblems } from "./alarm-catalog";
import { AlertsRef, createAlarm } from "./alerts";
import { COMPONENT_NAME_PATTERN } from "./names";
import { checkInteger } from "./validate";

/** SQS limits (SQS developer guide, "Amazon SQS quotas"; API reference, SetQueueAttributes / RedrivePolicy). */
export const QUEUE_LIMITS = {
    /** VisibilityTimeout, seconds. */
    visibilityTimeoutSeconds: [0, 43_200],
    /** MessageRetentionPeriod, seconds (1 minute to 14 days). */
    retentionSeconds: [60, 1_209_600],
    /** RedrivePolicy maxReceiveCount. */
    maxReceiveCount: [1, 1000],
} as const;

export interface QueueArgs {
    /**
     * Seconds a received message stays hidden from other consumers; longer than the longest a worker
     * takes over one message (else it is handled twice). @default 60
     */
    visibilityTimeoutSeconds?: number;
    /** Receives before a message moves to the dead-letter queue. @default 5 */
    maxReceiveCount?: number;
    /** Seconds a message is kept. @default 345600 (4 days) */
    retentionSeconds?: number;
    /** Alarms on the oldest message's age and on the dead-letter queue; none when omitted. */
    alarms?: QueueAlarmsArgs;
    /** Tags for every resource. */
    tags?: Record<string, string>;
}

/** A queue's alarms: its consumer falling behind, and messages in its dead-letter queue. */
export interface QueueAlarmsArgs {
    /** Where the alarms notify and how they are named (an `Alerts` fits). */
    alerts: AlertsRef;
    /** Oldest message's age, seconds. @default threshold 900 over 5 periods of 60 s */
    queueAge?: AlarmSettings;
    /** Messages in the dead-letter queue. @default more than 0 in 300 s */
    deadLetters?: AlarmSettings;
}

/** What a consumer needs of a queue; a `Queue` is one. */
export interface QueueRef {
    /** The queue's ARN (what its consumers are granted). */
    queueArn: pulumi.Input<string>;
    /** The queue's URL (what its consumers are given). */
    queueUrl: pulumi.Input<string>;
    /** The queue's name (the CloudWatch dimension depth scaling reads). */
    queueName: pulumi.Input<string>;
}

/** Every problem with a Queue's arguments (empty when valid). */
export function queueProblems(args: QueueArgs): string[] {
    const problems: string[] = [];
    checkInteger(problems, "visibilityTimeoutSeconds", args.visibilityTimeoutSeconds, ...QUEUE_LIMITS.visibilityTimeoutSeconds);
    checkInteger(problems, "maxReceiveCount", args.maxReceiveCount, ...QUEUE_LIMITS.maxReceiveCount);
    checkInteger(problems, "retentionSeconds", args.retentionSeconds, ...QUEUE_LIMITS.retentionSeconds);
    if (args.alarms) problems.push(...thresholdsProblems("alarms", { queueAge: args.alarms.queueAge, deadLetters: args.alarms.deadLetters }));
    return problems;
}

/**
 * A work queue with its own dead-letter queue: SSE-SQS encrypted, a message that fails
 * `maxReceiveCount` times moves to the DLQ (kept the maximum 14 days), and only this queue may
 * redrive into that DLQ.
 */
export class Queue extends pulumi.ComponentResource {
    public readonly queue: aws.sqs.Queue;
    public readonly deadLetterQueue: aws.sqs.Queue;
    public readonly queueArn: pulumi.Output<string>;
    public readonly queueUrl: pulumi.Output<string>;
    public readonly queueName: pulumi.Output<string>;
    public readonly deadLetterQueueArn: pulumi.Output<string>;
    public readonly deadLetterQueueUrl: pulumi.Output<string>;
    /** The dead-letter queue's name (its CloudWatch `QueueName`). */
    public readonly deadLetterQueueName: pulumi.Output<string>;
    /** The queue's alarms (none without `alarms`). */
    public readonly alarms: aws.cloudwatch.MetricAlarm[] = [];
    public readonly alarmNames: pulumi.Output<string[]>;
    public readonly alarmArns: pulumi.Output<string[]>;

    constructor(name: string, args: QueueArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super("fargatekit:index:Queue", name, {}, opts);
        const problems = queueProblems(args);
        if (!COMPONENT_NAME_PATTERN.test(name)) problems.unshift(`name "${name}" must be lowercase letters, digits and hyphens`);
        if (problems.length > 0) throw new Error(`Queue "${name}": ${problems.join("; ")}`);
        const parent = { parent: this };
        this.deadLetterQueue = new aws.sqs.Queue(`${name}-dlq`, {
            messageRetentionSeconds: QUEUE_LIMITS.retentionSeconds[1],
            sqsManagedSseEnabled: true,
            tags: args.tags,
        }, parent);
        this.queue = new aws.sqs.Queue(name, {
            visibilityTimeoutSeconds: args.visibilityTimeoutSeconds ?? 60,
            messageRetentionSeconds: args.retentionSeconds ?? 345_600,
            // Consumers long-poll: an empty receive waits up to 20 s instead of returning at once.
            receiveWaitTimeSeconds: 20,
            sqsManagedSseEnabled: true,
            redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: this.deadLetterQueue.arn, maxReceiveCount: args.maxReceiveCount ?? 5 }),
            tags: args.tags,
        }, parent);
        new aws.sqs.RedriveAllowPolicy(`${name}-dlq`, {
            queueUrl: this.deadLetterQueue.url,
            redriveAllowPolicy: pulumi.jsonStringify({ redrivePermission: "byQueue", sourceQueueArns: [this.queue.arn] }),
        }, parent);
        this.queueArn = this.queue.arn;
        this.queueUrl = this.queue.url;
        this.queueName = this.queue.name;
        this.deadLetterQueueArn = this.deadLetterQueue.arn;
        this.deadLetterQueueUrl = this.deadLetterQueue.url;
        this.deadLetterQueueName = this.deadLetterQueue.name;
        const a = args.alarms;
        if (a) {
            this.alarms.push(
                createAlarm(`${name}-oldest-message-age`, alarmName(a.alerts.namePrefix, name, "queueAge"), queueAgeAlarm(name, resolveSettings("queueAge", a.queueAge), this.queue.name), a.alerts, parent, args.tags),
                createAlarm(`${name}-dead-letters`, alarmName(a.alerts.namePrefix, name, "deadLetters"),
                    deadLettersAlarm(name, resolveSettings("deadLetters", a.deadLetters), this.deadLetterQueue.name, `messages received ${args.maxReceiveCount ?? 5} times without being deleted`), a.alerts, parent, args.tags),
            );
        }
        this.alarmNames = pulumi.output(this.alarms.map((x) => x.name));
        this.alarmArns = pulumi.output(this.alarms.map((x) => x.arn));
        this.registerOutputs({
            queueArn: this.queueArn, queueUrl: this.queueUrl, queueName: this.queueName, deadLetterQueueArn: this.deadLetterQueueArn, deadLetterQueueUrl: this.deadLetterQueueUrl,
            deadLetterQueueName: this.deadLetterQueueName, alarmNames: this.alarmNames, alarmArns: this.alarmArns,
        });
    }
}

/** What a consumer of `queueArn` may do: receive, delete, hide for longer, read the depth. */
export function queueConsumerStatements(queueArn: pulumi.Input<string>): pulumi.Input<Record<string, any>>[] {
    return [{
        Sid: "ConsumeQueue",
        Effect: "Allow",
        Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"],
        Resource: [queueArn],
    }];
}
