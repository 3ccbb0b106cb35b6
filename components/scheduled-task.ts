import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AlarmSettings, alarmName, deadLettersAlarm, resolveSettings, thresholdsProblems } from "./alarm-catalog";
import { AlertsRef, createAlarm } from "./alerts";
import { EVENT_RULE_NAME, familyArnPrefix, jobFailureNotification, jobFailurePattern, jobStoppedPattern } from "./job-alerts";
import { assertComponentName, IAM_ROLE_NAME_MAX } from "./names";
import { runTaskCommand } from "./run-task-command";
import { scheduleExpressionProblems, timezoneProblems } from "./schedule-expression";
import { listOwnRunsStatement, schedulerPermissionStatements, schedulerTrustPolicy } from "./scheduler-iam";
import { FargateTaskDefinition, FargateTaskDefinitionArgs, taskDefinitionProblems } from "./task-definition";
import { CapacityMode, runTaskStrategy } from "./capacity";
import { ClusterRef } from "./cluster";
import { NetworkRef, placementProblem, taskPlacement, TaskSubnets } from "./placement";
import { checkEnum, checkInteger } from "./validate";

/** What a run does when the previous run of the same job is still going. */
export enum OverlapPolicy {
    /** Start anyway: runs may overlap. */
    Allow = "allow",
    /**
     * Exit early: the task role may list its cluster's tasks and the container gets
     * `JOB_SKIP_IF_RUNNING=true`, so the job entry exits 0 when another task of its family is RUNNING.
     */
    Skip = "skip",
}

/** Scheduler's retry policy limits (Scheduler API reference, RetryPolicy). */
export const RETRY_LIMITS = { attempts: [0, 185], maxEventAgeSeconds: [60, 86400] } as const;
/** Scheduler's flexible time window limit in minutes (Scheduler API reference, FlexibleTimeWindow). */
export const FLEXIBLE_WINDOW_MAX_MINUTES = 1440;
/** The longest an SQS queue keeps a message: 14 days (SQS developer guide, quotas). */
export const DLQ_RETENTION_SECONDS = 1_209_600;
/** The environment variable app/ reads to exit early when a previous run is still going. */
export const SKIP_IF_RUNNING_ENV = "JOB_SKIP_IF_RUNNING";

export interface ScheduleRetryArgs {
    /** Retries after a failed start (throttling, no capacity), 0–185. @default 3 */
    attempts?: number;
    /** Give up (and dead-letter) a run not started within this many seconds, 60–86400. @default 3600 */
    maxEventAgeSeconds?: number;
}

/**
 * A job's alerts: an alarm on its dead-letter queue (runs Scheduler could not start) and an
 * EventBridge rule that notifies the topic of every run that stopped with a non-zero exit code or
 * never started (runs Scheduler did start, so its dead-letter queue never sees them).
 */
export interface ScheduledTaskAlarmsArgs {
    /** Where the alarm and the failure rule notify and how they are named (an `Alerts` fits). */
    alerts: AlertsRef;
    /** Messages in the job's dead-letter queue. @default more than 0 in 300 s */
    deadLetters?: AlarmSettings;
}

/** The names of a job's EventBridge rules: `<prefix>-<job>-failed` (notifies) and `<prefix>-<job>-runs` (counts). */
export const jobRuleNames = (prefix: string, job: string) => ({ failed: `${prefix}-${job}-failed`, runs: `${prefix}-${job}-runs` });

export interface ScheduledTaskArgs {
    /** The cluster (a `Cluster` fits: its ARN resolves once its capacity providers exist). */
    cluster: ClusterRef;
    /** The network (a `Network` fits): the VPC of the job's security group and its subnets. */
    network: NetworkRef;
    /** Where the task runs. @default private behind NAT, public with a public IP when the network has no NAT */
    subnets?: TaskSubnets;
    /**
     * `rate(…)`, `cron(…)` with 6 fields, or `at(…)`; validated locally.
     * @example "cron(0 3 * * ? *)"
     */
    schedule: string;
    /** IANA time zone the cron/at expression is read in. @default "UTC" */
    timezone?: string;
    /** DISABLED keeps the schedule but starts nothing. @default true */
    enabled?: boolean;
    /** Let Scheduler start up to this many minutes late to spread load, 1–1440; exact time when 0. @default 0 */
    flexibleWindowMinutes?: number;
    /** How often Scheduler retries a run it could not start, and for how long. @default { attempts: 3, maxEventAgeSeconds: 3600 } */
    retries?: ScheduleRetryArgs;
    /** Whether a run starts while the previous one is still running. @default OverlapPolicy.Allow */
    overlap?: OverlapPolicy;
    /** On-demand Fargate, Fargate Spot, or mixed. @default CapacityMode.Fargate (launch type FARGATE) */
    capacity?: CapacityMode;
    /** Fargate platform version, numeric (e.g. "1.4.0"); ECS uses LATEST when omitted. @default undefined */
    platformVersion?: string;
    /**
     * The job's container: the app's image, its own command, size, environment and secrets.
     * `logStreamPrefix` defaults to the component name, so the job's logs are told apart.
     */
    task: FargateTaskDefinitionArgs;
    /** Alerts on missed and failed runs; none when omitted. */
    alarms?: ScheduledTaskAlarmsArgs;
    tags?: Record<string, string>;
}


/** Every problem with a ScheduledTask's arguments (empty when valid). */
export function scheduledTaskProblems(args: ScheduledTaskArgs): string[] {
    const problems = taskDefinitionProblems(args.task).map((p) => `task.${p}`);
    if (args.task.port !== undefined) problems.push(`task.port: got ${args.task.port}; a scheduled task serves no traffic, omit it`);
    problems.push(...scheduleExpressionProblems(args.schedule).map((p) => `schedule: ${p}`));
    problems.push(...timezoneProblems(args.timezone ?? "UTC").map((p) => `timezone: ${p}`));
    const w = args.flexibleWindowMinutes;
    if (w !== undefined && !(Number.isInteger(w) && w >= 0 && w <= FLEXIBLE_WINDOW_MAX_MINUTES)) problems.push(`flexibleWindowMinutes: got ${w}; allowed: 0 (off) or 1–${FLEXIBLE_WINDOW_MAX_MINUTES}`);
    const r = args.retries ?? {};
    checkInteger(problems, "retries.attempts", r.attempts, ...RETRY_LIMITS.attempts);
    checkInteger(problems, "retries.maxEventAgeSeconds", r.maxEventAgeSeconds, ...RETRY_LIMITS.maxEventAgeSeconds);
    checkEnum(problems, "overlap", args.overlap, OverlapPolicy);
    checkEnum(problems, "capacity", args.capacity, CapacityMode);
    checkEnum(problems, "subnets", args.subnets, TaskSubnets);
    const placement = placementProblem(args.network, args.subnets);
    if (placement) problems.push(placement);
    if (args.platformVersion !== undefined && !/^\d+\.\d+\.\d+$/.test(args.platformVersion)) problems.push(`platformVersion: got "${args.platformVersion}"; allowed: a numeric version such as "1.4.0" (omit for LATEST)`);
    if (SKIP_IF_RUNNING_ENV in (args.task.environment ?? {})) problems.push(`task.environment.${SKIP_IF_RUNNING_ENV}: set by the overlap policy; use overlap instead`);
    if (args.alarms) problems.push(...thresholdsProblems("alarms", { deadLetters: args.alarms.deadLetters }));
    return problems;
}

/** Each ScheduledTask's task definition component (see `ScheduledTask.taskDefinition`). */
const taskDefinitions = new WeakMap<ScheduledTask, FargateTaskDefinition>();

/**
 * A job on a schedule: its own Fargate task definition (the app's image, its own command and size),
 * an EventBridge Scheduler schedule that runs it on the cluster, a security group that allows egress
 * only, a role Scheduler assumes that may start exactly this task definition, retries, and an SQS
 * dead-letter queue for runs that could not be started.
 */
export class ScheduledTask extends pulumi.ComponentResource {
    /**
     * The job's task definition component (its roles, log group and revisions). A getter, not a
     * field: Pulumi's schema inference cannot describe a component-typed output for other languages.
     */
    public get taskDefinition(): FargateTaskDefinition { return taskDefinitions.get(this)!; }
    public readonly securityGroup: aws.ec2.SecurityGroup;
    public readonly deadLetterQueue: aws.sqs.Queue;
    public readonly schedulerRole: aws.iam.Role;
    public readonly schedule: aws.scheduler.Schedule;
    public readonly taskDefinitionArn: pulumi.Output<string>;
    public readonly securityGroupId: pulumi.Output<string>;
    public readonly scheduleArn: pulumi.Output<string>;
    public readonly deadLetterQueueUrl: pulumi.Output<string>;
    public readonly logGroupName: pulumi.Output<string>;
    /** `aws ecs run-task …` that starts one run now, exactly as the schedule would. */
    public readonly runTaskCommand: pulumi.Output<string>;
    /** The dead-letter queue's name (its CloudWatch `QueueName`). */
    public readonly deadLetterQueueName: pulumi.Output<string>;
    /** With `alarms`: the dead-letter alarm, and the rules matching failed and all stopped runs. */
    public readonly alarms: aws.cloudwatch.MetricAlarm[] = [];
    public readonly failureRule?: aws.cloudwatch.EventRule;
    public readonly runsRule?: aws.cloudwatch.EventRule;
    public readonly alarmArns: pulumi.Output<string[]>;

    constructor(name: string, args: ScheduledTaskArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fargatekit:index:ScheduledTask", name, {}, opts);
        const problems = scheduledTaskProblems(args);
        try {
            // The longest IAM role name is "<name>-scheduler" plus Pulumi's suffix.
            assertComponentName("ScheduledTask", name, "-scheduler", IAM_ROLE_NAME_MAX);
        } catch (e) {
            problems.unshift((e as Error).message);
        }
        if (args.alarms) {
            for (const rule of Object.values(jobRuleNames(args.alarms.alerts.namePrefix, name))) {
                if (!EVENT_RULE_NAME.test(rule)) problems.push(`alarms: the rule name "${rule}" is ${rule.length} characters; EventBridge allows 64 of letters, digits, ".", "-", "_" (shorten the job name or the alerts' namePrefix)`);
            }
        }
        if (problems.length > 0) throw new Error(`ScheduledTask "${name}": ${problems.join("; ")}`);

        const parent = { parent: this };
        const skip = (args.overlap ?? OverlapPolicy.Allow) === OverlapPolicy.Skip;
        const capacity = args.capacity ?? CapacityMode.Fargate;
        const { subnetIds, assignPublicIp } = taskPlacement(args.network, args.subnets);
        const region = aws.getRegionOutput({}, parent);
        const identity = aws.getCallerIdentityOutput({}, parent);
        const partition = aws.getPartitionOutput({}, parent);
        const clusterArn = pulumi.output(args.cluster.clusterArn);

        const extraStatements = args.task.taskRoleStatements;
        taskDefinitions.set(this, new FargateTaskDefinition(name, {
            ...args.task,
            logStreamPrefix: args.task.logStreamPrefix ?? name,
            environment: { ...args.task.environment, ...(skip ? { [SKIP_IF_RUNNING_ENV]: "true" } : {}) },
            taskRoleStatements: skip
                ? pulumi.all([clusterArn, pulumi.output(extraStatements ?? [])]).apply(([arn, extra]) => [listOwnRunsStatement(arn), ...extra])
                : extraStatements,
            tags: args.tags,
        }, parent));

        // Jobs take no inbound traffic: no ingress rule at all, egress for the image, logs, secrets
        // and whatever the job calls.
        this.securityGroup = new aws.ec2.SecurityGroup(`${name}-sg`, {
            vpcId: args.network.vpcId,
            description: `Scheduled task ${name}: egress only`,
            tags: { ...args.tags, Name: `${name}-sg` },
        }, parent);
        new aws.vpc.SecurityGroupEgressRule(`${name}-out`, {
            securityGroupId: this.securityGroup.id,
            description: "Outbound (ECR, CloudWatch Logs, Secrets Manager, the job's dependencies)",
            ipProtocol: "-1",
            cidrIpv4: "0.0.0.0/0",
        }, parent);

        // Standard queue (Scheduler does not support FIFO dead-letter queues), encrypted with SQS-managed
        // keys (no KMS grant needed for Scheduler), kept for SQS's maximum of 14 days.
        this.deadLetterQueue = new aws.sqs.Queue(`${name}-dlq`, {
            sqsManagedSseEnabled: true,
            messageRetentionSeconds: DLQ_RETENTION_SECONDS,
            tags: args.tags,
        }, parent);

        const scheduleGroup = "default";
        this.schedulerRole = new aws.iam.Role(`${name}-scheduler`, {
            description: `EventBridge Scheduler role of ${name}: start exactly its task definition`,
            assumeRolePolicy: schedulerTrustPolicy({
                accountId: identity.accountId,
                scheduleGroupArn: pulumi.interpolate`arn:${partition.partition}:scheduler:${region.region}:${identity.accountId}:schedule-group/${scheduleGroup}`,
            }),
            tags: args.tags,
        }, parent);
        const clusterName = clusterArn.apply((arn) => arn.split("/").pop() ?? arn);
        const policy = new aws.iam.RolePolicy(`${name}-scheduler`, {
            role: this.schedulerRole.id,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: schedulerPermissionStatements({
                    taskDefinitionArn: this.taskDefinition.taskDefinitionArn,
                    clusterArn,
                    executionRoleArn: this.taskDefinition.executionRole.arn,
                    taskRoleArn: this.taskDefinition.taskRole.arn,
                    deadLetterQueueArn: this.deadLetterQueue.arn,
                    taskArnPattern: pulumi.interpolate`arn:${partition.partition}:ecs:${region.region}:${identity.accountId}:task/${clusterName}/*`,
                }),
            }),
        }, parent);

        const strategy = runTaskStrategy(capacity);
        const window = args.flexibleWindowMinutes ?? 0;
        this.schedule = new aws.scheduler.Schedule(`${name}`, {
            groupName: scheduleGroup,
            description: `Runs ${name} on ${args.schedule} (${args.timezone ?? "UTC"})`,
            scheduleExpression: args.schedule.trim(),
            scheduleExpressionTimezone: args.timezone ?? "UTC",
            state: (args.enabled ?? true) ? "ENABLED" : "DISABLED",
            flexibleTimeWindow: window > 0 ? { mode: "FLEXIBLE", maximumWindowInMinutes: window } : { mode: "OFF" },
            target: {
                arn: clusterArn,
                roleArn: this.schedulerRole.arn,
                ecsParameters: {
                    taskDefinitionArn: this.taskDefinition.taskDefinitionArn,
                    taskCount: 1,
                    // RunTask takes a launch type or a capacity provider strategy, never both (ECS API reference, RunTask).
                    ...(strategy ? { capacityProviderStrategies: strategy } : { launchType: "FARGATE" }),
                    ...(args.platformVersion ? { platformVersion: args.platformVersion } : {}),
                    networkConfiguration: { subnets: subnetIds, securityGroups: [this.securityGroup.id], assignPublicIp },
                    // Tasks carry the task definition's tags (cost allocation); needs ecs:TagResource above.
                    propagateTags: "TASK_DEFINITION",
                    enableEcsManagedTags: true,
                },
                retryPolicy: {
                    maximumRetryAttempts: args.retries?.attempts ?? 3,
                    maximumEventAgeInSeconds: args.retries?.maxEventAgeSeconds ?? 3600,
                },
                deadLetterConfig: { arn: this.deadLetterQueue.arn },
            },
        }, {
            parent: this,
            // Start the schedule only once its role may start the (new) task definition revision.
            dependsOn: [policy],
        });

        this.deadLetterQueueName = this.deadLetterQueue.name;
        if (args.alarms) {
            const alerts = args.alarms.alerts;
            this.alarms.push(createAlarm(`${name}-dead-letters`, alarmName(alerts.namePrefix, name, "deadLetters"),
                deadLettersAlarm(name, resolveSettings("deadLetters", args.alarms.deadLetters), this.deadLetterQueue.name, "runs EventBridge Scheduler could not start"), alerts, parent, args.tags));
            const source = {
                clusterArn,
                taskDefinitionArnPrefix: pulumi.all([partition.partition, region.region, identity.accountId, this.taskDefinition.family])
                    .apply(([p, r, a, f]) => familyArnPrefix(p, r, a, f)),
            };
            const names = jobRuleNames(alerts.namePrefix, name);
            this.failureRule = new aws.cloudwatch.EventRule(`${name}-failed`, {
                name: names.failed,
                description: `Runs of ${name} that stopped with a non-zero exit code or never started: notify the alerts topic`,
                eventPattern: pulumi.jsonStringify(jobFailurePattern(source)),
                tags: args.tags,
            }, parent);
            const message = jobFailureNotification({ name, environment: alerts.namePrefix, logGroupName: this.taskDefinition.logGroupName });
            new aws.cloudwatch.EventTarget(`${name}-failed`, {
                rule: this.failureRule.name,
                arn: alerts.topicArn,
                inputTransformer: { inputPaths: message.inputPaths, inputTemplate: pulumi.output(message.parts).apply((p) => p.join("")) },
            }, parent);
            // No target: its MatchedEvents count the runs on the dashboard.
            this.runsRule = new aws.cloudwatch.EventRule(`${name}-runs`, {
                name: names.runs,
                description: `Every stopped run of ${name} (counted on the dashboard)`,
                eventPattern: pulumi.jsonStringify(jobStoppedPattern(source)),
                tags: args.tags,
            }, parent);
        }
        this.alarmArns = pulumi.output(this.alarms.map((x) => x.arn));

        this.taskDefinitionArn = this.taskDefinition.taskDefinitionArn;
        this.securityGroupId = this.securityGroup.id;
        this.scheduleArn = this.schedule.arn;
        this.deadLetterQueueUrl = this.deadLetterQueue.url;
        this.logGroupName = this.taskDefinition.logGroupName;
        this.runTaskCommand = pulumi.output({
            region: region.region,
            cluster: clusterArn,
            taskDefinition: this.taskDefinitionArn,
            subnets: subnetIds,
            securityGroups: [this.securityGroup.id],
            assignPublicIp,
            capacityProviderStrategy: strategy,
            containerName: this.taskDefinition.containerName,
            command: args.task.command,
            startedBy: "one-off",
        }).apply(runTaskCommand);
        this.registerOutputs({
            taskDefinitionArn: this.taskDefinitionArn,
            securityGroupId: this.securityGroupId,
            scheduleArn: this.scheduleArn,
            deadLetterQueueUrl: this.deadLetterQueueUrl,
            logGroupName: this.logGroupName,
            runTaskCommand: this.runTaskCommand,
            deadLetterQueueName: this.deadLetterQueueName,
            alarmArns: this.alarmArns,
        });
    }
}
