import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { FARGATE_MAX_STOP_TIMEOUT, HEALTH_CHECK_LIMITS, LOG_RETENTION_DAYS } from "./aws-limits";
import { fargateSizeProblem } from "./fargate-sizes";
import { assumeRolePolicy, ecsExecStatements, executionRoleStatements } from "./iam";
import { COMPONENT_NAME_PATTERN } from "./names";
import { kmsKeyProblems, parseSecretArn, SECRET_ARN_FORMS } from "./secrets";
import { checkInteger } from "./validate";

/** CPU architecture of the task; must match the image's platform. */
export enum CpuArchitecture {
    X86_64 = "X86_64",
    ARM64 = "ARM64",
}

export { FARGATE_MAX_STOP_TIMEOUT, HEALTH_CHECK_LIMITS, LOG_RETENTION_DAYS };

/** Container health check run by ECS inside the container. Ranges: ECS API reference, `HealthCheck`. */
export interface ContainerHealthCheck {
    /** `["CMD", …]` or `["CMD-SHELL", "…"]`. */
    command: string[];
    /** Seconds between checks, 5–300. @default 10 */
    interval?: number;
    /** Seconds before a check fails, 2–60 and less than the interval. @default 5 */
    timeout?: number;
    /** Failures before the container is unhealthy, 1–10. @default 3 */
    retries?: number;
    /** Grace period in seconds before failures count, 0–300. @default 10 */
    startPeriod?: number;
}

export interface FargateTaskDefinitionArgs {
    /** The image to run, ideally pinned by digest (`Image.imageRef`). */
    image: pulumi.Input<string>;
    /** Task CPU units (256 = 0.25 vCPU). Must pair with `memory` per Fargate's table. */
    cpu: number;
    /** Task memory in MiB. */
    memory: number;
    /**
     * Task definition family (revisions of one family replace each other).
     * @default "<project>-<stack>-<name>", so stacks sharing an account never share a family
     */
    family?: string;
    /** The container's name (what load balancers and `aws ecs execute-command` refer to). @default "app" */
    containerName?: string;
    /** Command override (the image's CMD otherwise). */
    command?: string[];
    /** The port the container listens on (awsvpc: the host port is the same). Omit for jobs. */
    port?: number;
    /** Plain environment variables. */
    environment?: Record<string, pulumi.Input<string>>;
    /**
     * Secrets injected as environment variables: variable name → full ARN of a Secrets Manager secret
     * (optionally with `:json-key::`) or an SSM parameter. The execution role may read exactly these.
     */
    secrets?: Record<string, string>;
    /**
     * ARNs of the customer-managed KMS keys that encrypt those secrets (`arn:aws:kms:<region>:<account>:key/<id>`).
     * The execution role may `kms:Decrypt` with exactly these keys, only through Secrets Manager or
     * Parameter Store. Not needed for secrets under the AWS managed keys (`aws/secretsmanager`, `aws/ssm`).
     * @default [] (no kms:Decrypt)
     * @example ["arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"]
     */
    secretsKmsKeyArns?: string[];
    /** Days to keep logs (one of LOG_RETENTION_DAYS). @default 30 */
    logRetentionDays?: number;
    /** Keep the log group in AWS when the stack is destroyed. @default false */
    retainLogsOnDelete?: boolean;
    /** awslogs stream prefix; streams are `<prefix>/<container>/<task id>`. @default the container name */
    logStreamPrefix?: string;
    /** Container health check; none when omitted. */
    healthCheck?: ContainerHealthCheck;
    /**
     * Read-only root filesystem; a writable scratch volume is mounted at `scratchPath`.
     * Must be false when `enableExecuteCommand` is on: the SSM agent behind ECS Exec writes to the root filesystem.
     * @default true (false when enableExecuteCommand)
     */
    readonlyRootFilesystem?: boolean;
    /** Where the writable scratch volume is mounted. @default "/tmp" */
    scratchPath?: string;
    /** User (uid:gid) the container runs as; never root. @default "1000:1000" */
    user?: string;
    /** Seconds ECS waits after SIGTERM before SIGKILL (Fargate: at most 120). @default 30 */
    stopTimeout?: number;
    /** Grant the task role what ECS Exec needs (SSM messages). @default false */
    enableExecuteCommand?: boolean;
    /** The CPU architecture the image was built for. @default CpuArchitecture.X86_64 */
    cpuArchitecture?: CpuArchitecture;
    /** The ECR repository the image is pulled from; the execution role may pull from exactly it. */
    repositoryArn?: pulumi.Input<string>;
    /** Extra IAM statements for the task role (what the application itself may do). */
    taskRoleStatements?: pulumi.Input<pulumi.Input<Record<string, any>>[]>;
    /** Tags for every resource. */
    tags?: Record<string, string>;
}

/** `<project>-<stack>-<name>`, reduced to the characters a family allows (letters, digits, `-`, `_`; ≤ 255). */
export function defaultFamily(name: string): string {
    return `${pulumi.getProject()}-${pulumi.getStack()}-${name}`.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 255);
}

/** Validates task-definition arguments; returns every problem found (empty when valid). */
export function taskDefinitionProblems(args: FargateTaskDefinitionArgs): string[] {
    const problems: string[] = [];
    const size = fargateSizeProblem(args.cpu, args.memory);
    if (size) problems.push(`cpu/memory: ${size}`);
    checkInteger(problems, "port", args.port, 1, 65535);
    const retention = args.logRetentionDays ?? 30;
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(retention)) {
        problems.push(`logRetentionDays: got ${retention}; allowed: ${LOG_RETENTION_DAYS.join(", ")}`);
    }
    for (const [key, valueFrom] of Object.entries(args.secrets ?? {})) {
        if (!parseSecretArn(valueFrom)) problems.push(`secrets.${key}: got "${valueFrom}"; allowed: ${SECRET_ARN_FORMS}`);
    }
    problems.push(...kmsKeyProblems("secretsKmsKeyArns", args.secretsKmsKeyArns, Object.values(args.secrets ?? {})));
    const envAndSecrets = Object.keys(args.environment ?? {}).filter((k) => k in (args.secrets ?? {}));
    if (envAndSecrets.length > 0) problems.push(`environment and secrets both set ${envAndSecrets.join(", ")}; a variable comes from one place`);
    const hc = args.healthCheck;
    if (hc) {
        if (!Array.isArray(hc.command) || hc.command.length < 2 || !["CMD", "CMD-SHELL"].includes(hc.command[0])) {
            problems.push(`healthCheck.command: got ${JSON.stringify(hc.command)}; allowed: ["CMD", …] or ["CMD-SHELL", "…"]`);
        }
        for (const [key, [lo, hi]] of Object.entries(HEALTH_CHECK_LIMITS)) {
            const v = (hc as unknown as Record<string, number | undefined>)[key];
            checkInteger(problems, `healthCheck.${key}`, v, lo, hi);
        }
        if ((hc.timeout ?? 5) >= (hc.interval ?? 10)) problems.push(`healthCheck.timeout (${hc.timeout ?? 5}) must be less than healthCheck.interval (${hc.interval ?? 10})`);
    }
    const stop = args.stopTimeout ?? 30;
    if (!Number.isInteger(stop) || stop < 2 || stop > FARGATE_MAX_STOP_TIMEOUT) problems.push(`stopTimeout: got ${stop}; allowed: 2–${FARGATE_MAX_STOP_TIMEOUT} seconds on Fargate`);
    if (args.enableExecuteCommand && args.readonlyRootFilesystem === true) {
        problems.push("readonlyRootFilesystem: true cannot be combined with enableExecuteCommand: the ECS Exec agent writes to the container's root filesystem (AWS ECS Exec considerations)");
    }
    if (args.family !== undefined && !/^[A-Za-z0-9_-]{1,255}$/.test(args.family)) problems.push(`family: got "${args.family}"; allowed: 1–255 letters, digits, hyphens and underscores`);
    if (/^0(:|$)|^root(:|$)/.test(args.user ?? "1000:1000")) problems.push(`user: got "${args.user}"; containers never run as root`);
    return problems;
}

/**
 * A Fargate task definition with its log group, an execution role (pull the image, write logs,
 * read exactly the injected secrets, decrypt them with exactly their customer-managed keys) and a separate task role (what the application may do).
 */
export class FargateTaskDefinition extends pulumi.ComponentResource {
    public readonly taskDefinition: aws.ecs.TaskDefinition;
    public readonly logGroup: aws.cloudwatch.LogGroup;
    public readonly executionRole: aws.iam.Role;
    public readonly taskRole: aws.iam.Role;
    public readonly taskDefinitionArn: pulumi.Output<string>;
    public readonly family: pulumi.Output<string>;
    public readonly logGroupName: pulumi.Output<string>;
    public readonly containerName: string;
    public readonly containerPort?: number;

    constructor(name: string, args: FargateTaskDefinitionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fargatekit:index:FargateTaskDefinition", name, {}, opts);
        const problems = taskDefinitionProblems(args);
        if (!COMPONENT_NAME_PATTERN.test(name)) problems.unshift(`name "${name}" must be lowercase letters, digits and hyphens`);
        if (problems.length > 0) throw new Error(`FargateTaskDefinition "${name}": ${problems.join("; ")}`);

        const parent = { parent: this };
        const containerName = args.containerName ?? "app";
        const exec = args.enableExecuteCommand ?? false;
        const readonlyRoot = args.readonlyRootFilesystem ?? !exec;
        const scratchPath = args.scratchPath ?? "/tmp";
        this.containerName = containerName;
        this.containerPort = args.port;

        const region = aws.getRegionOutput({}, parent);
        const identity = aws.getCallerIdentityOutput({}, parent);
        const partition = aws.getPartitionOutput({}, parent);

        this.logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, {
            retentionInDays: args.logRetentionDays ?? 30,
            tags: args.tags,
        }, { parent: this, retainOnDelete: args.retainLogsOnDelete ?? false });

        this.executionRole = new aws.iam.Role(`${name}-exec`, {
            description: `ECS execution role of ${name}: pull its image, write its logs, read its secrets`,
            assumeRolePolicy: assumeRolePolicy("ecs-tasks.amazonaws.com"),
            tags: args.tags,
        }, parent);
        new aws.iam.RolePolicy(`${name}-exec`, {
            role: this.executionRole.id,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: executionRoleStatements({
                    repositoryArn: args.repositoryArn,
                    logGroupArn: this.logGroup.arn,
                    secretValueFroms: Object.values(args.secrets ?? {}),
                    secretsKmsKeyArns: args.secretsKmsKeyArns,
                }),
            }),
        }, parent);

        this.taskRole = new aws.iam.Role(`${name}-task`, {
            description: `ECS task role of ${name}: what the application may call`,
            // Confused-deputy guard recommended for task roles (ECS developer guide, "Task IAM role").
            assumeRolePolicy: assumeRolePolicy("ecs-tasks.amazonaws.com", {
                StringEquals: { "aws:SourceAccount": identity.accountId },
                ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:${partition.partition}:ecs:${region.region}:${identity.accountId}:*` },
            }),
            tags: args.tags,
        }, parent);
        const taskStatements = pulumi.output(args.taskRoleStatements ?? []).apply((extra) => [...(exec ? ecsExecStatements() : []), ...extra]);
        // A role policy must hold at least one statement, so create it only when there is something to grant.
        if (exec || args.taskRoleStatements !== undefined) {
            new aws.iam.RolePolicy(`${name}-task`, {
                role: this.taskRole.id,
                policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: taskStatements }),
            }, parent);
        }

        const sortedEntries = <T>(o: Record<string, T>) => Object.entries(o).sort(([a], [b]) => a.localeCompare(b));
        const hc = args.healthCheck;
        const container = {
            name: containerName,
            image: args.image,
            essential: true,
            ...(args.command ? { command: args.command } : {}),
            // awsvpc: hostPort must equal containerPort or be omitted (ECS API reference, PortMapping).
            portMappings: args.port ? [{ name: "http", containerPort: args.port, hostPort: args.port, protocol: "tcp", appProtocol: "http" }] : [],
            environment: sortedEntries(args.environment ?? {}).map(([n, value]) => ({ name: n, value })),
            secrets: sortedEntries(args.secrets ?? {}).map(([n, valueFrom]) => ({ name: n, valueFrom })),
            logConfiguration: {
                logDriver: "awslogs",
                // Fargate requires awslogs-group, awslogs-region and awslogs-stream-prefix
                // (ECS developer guide, "Send Amazon ECS logs to CloudWatch").
                options: {
                    "awslogs-group": this.logGroup.name,
                    "awslogs-region": region.region,
                    "awslogs-stream-prefix": args.logStreamPrefix ?? containerName,
                    // Never block the app on CloudWatch; buffer instead.
                    mode: "non-blocking",
                    "max-buffer-size": "25m",
                },
            },
            ...(hc ? {
                healthCheck: {
                    command: hc.command,
                    interval: hc.interval ?? 10,
                    timeout: hc.timeout ?? 5,
                    retries: hc.retries ?? 3,
                    startPeriod: hc.startPeriod ?? 10,
                },
            } : {}),
            user: args.user ?? "1000:1000",
            readonlyRootFilesystem: readonlyRoot,
            mountPoints: [{ sourceVolume: "scratch", containerPath: scratchPath, readOnly: false }],
            // An init process reaps zombies and forwards signals to the app (needed by ECS Exec too).
            linuxParameters: { initProcessEnabled: true },
            stopTimeout: args.stopTimeout ?? 30,
        };

        this.taskDefinition = new aws.ecs.TaskDefinition(`${name}`, {
            family: args.family ?? defaultFamily(name),
            requiresCompatibilities: ["FARGATE"],
            networkMode: "awsvpc",
            cpu: String(args.cpu),
            memory: String(args.memory),
            runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: args.cpuArchitecture ?? CpuArchitecture.X86_64 },
            executionRoleArn: this.executionRole.arn,
            taskRoleArn: this.taskRole.arn,
            volumes: [{ name: "scratch" }],
            containerDefinitions: pulumi.jsonStringify([container]),
            tags: args.tags,
        }, parent);

        this.taskDefinitionArn = this.taskDefinition.arn;
        this.family = this.taskDefinition.family;
        this.logGroupName = this.logGroup.name;
        this.registerOutputs({ taskDefinitionArn: this.taskDefinitionArn, family: this.family, logGroupName: this.logGroupName });
    }
}
