import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { FARGATE_MAX_STOP_TIMEOUT, HEALTH_CHECK_LIMITS, LOG_RETENTION_DAYS } from "./aws-limits";
import { fargateSizeProblem } from "./fargate-sizes";
import { assumeRolePolicy, ecrRepositoryArn, ecsExecStatements, executionRoleStatements } from "./iam";
import { containerSecurityProblems, isRootUser, writableLayout, WRITABLE_PATHS_INIT_CONTAINER, WRITABLE_PATHS_INIT_IMAGE } from "./container-security";
import { SecurityExceptionArgs } from "./exceptions";
import { COMPONENT_NAME_PATTERN } from "./names";
import { kmsKeyProblems, parseSecretArn, SECRET_ARN_FORMS } from "./secrets";
import { checkInteger } from "./validate";

/** CPU architecture of the task; must match the image's platform. */
export enum CpuArchitecture {
    X86_64 = "X86_64",
    ARM64 = "ARM64",
}

export { FARGATE_MAX_STOP_TIMEOUT, HEALTH_CHECK_LIMITS, LOG_RETENTION_DAYS };

export { WRITABLE_PATHS_INIT_IMAGE, WRITABLE_PATHS_INIT_CONTAINER, isRootUser };

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
     * Read-only root filesystem; writable volumes are mounted at `scratchPath` (our own images) or at
     * each of `writablePaths`. Must be false when `enableExecuteCommand` is on: the SSM agent behind
     * ECS Exec writes to the root filesystem. To make it writable for an image, prefer
     * `writableRootFilesystem: { reason }`, which the plan reports as an accepted exception.
     * @default true (false when enableExecuteCommand or writableRootFilesystem)
     */
    readonlyRootFilesystem?: boolean;
    /** Where the writable scratch volume is mounted (when `writablePaths` is not given). @default "/tmp" */
    scratchPath?: string;
    /**
     * The paths the image writes to, as its documentation lists them (for an image you did not build):
     * each gets an empty volume of its own in the task's ephemeral storage (a bind mount, gone when
     * the task stops), so the root filesystem stays read-only. Fargate creates such a volume owned by
     * root and writable by root only, so for a non-root `user` a small init container
     * (`writablePathsInitImage`) first opens them to every user of the task (mode 1777, like /tmp) and
     * exits; the app starts only after it succeeded. Replaces the scratch volume: list "/tmp" too if
     * the image writes there.
     * @example ["/tmp"] for nginxinc/nginx-unprivileged; ["/var/cache/nginx", "/var/run"] for nginx as root
     */
    writablePaths?: string[];
    /**
     * The image of the init container that makes `writablePaths` writable for a non-root user (it
     * needs `chmod`). @default WRITABLE_PATHS_INIT_IMAGE (busybox from ECR Public)
     */
    writablePathsInitImage?: string;
    /**
     * User the container runs as (`uid`, `uid:gid` or a name the image knows), e.g. the user an image's
     * documentation names ("101" for nginxinc/nginx-unprivileged). Never root without `runAsRoot`.
     * @default "1000:1000" ("0" with runAsRoot)
     */
    user?: string;
    /**
     * Run the container as root, for an image that cannot run otherwise (it starts as root to bind a
     * low port or to drop privileges itself). An explicit, named exception: the reason is tagged on
     * the task definition and the plan reports it as an accepted exception to
     * ecs-non-privileged-non-root, never as a pass.
     * @example { reason: "the official nginx image starts as root and drops to its nginx user" }
     */
    runAsRoot?: SecurityExceptionArgs;
    /**
     * Keep the root filesystem writable, for an image that writes to paths you cannot list in
     * `writablePaths`. Like `runAsRoot`, an explicit exception: tagged with its reason and reported as
     * an accepted exception to ecs-readonly-root-filesystem. (`readonlyRootFilesystem: false` without
     * a reason is allowed but shows in the plan as a violation.)
     */
    writableRootFilesystem?: SecurityExceptionArgs;
    /** Seconds ECS waits after SIGTERM before SIGKILL (Fargate: at most 120). @default 30 */
    stopTimeout?: number;
    /** Grant the task role what ECS Exec needs (SSM messages). @default false */
    enableExecuteCommand?: boolean;
    /** The CPU architecture the image was built for. @default CpuArchitecture.X86_64 */
    cpuArchitecture?: CpuArchitecture;
    /**
     * The ECR repository the image is pulled from; the execution role may pull from exactly it.
     * @default the repository of `image` when it is a private ECR reference (`<account>.dkr.ecr.<region>.amazonaws.com/<repo>…`); none for public registries
     */
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
    problems.push(...containerSecurityProblems(args));
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
        const readonlyRoot = args.writableRootFilesystem ? false : (args.readonlyRootFilesystem ?? !exec);
        const user = args.user ?? (args.runAsRoot ? "0" : "1000:1000");
        const layout = writableLayout(args, user);
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
                    // Given, or read from a private ECR image reference (none for public registries).
                    repositoryArn: args.repositoryArn ?? pulumi.all([args.image, partition.partition]).apply(([image, p]) => ecrRepositoryArn(image, p)),
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
        const logConfiguration = (streamPrefix: string) => ({
            logDriver: "awslogs",
            // Fargate requires awslogs-group, awslogs-region and awslogs-stream-prefix
            // (ECS developer guide, "Send Amazon ECS logs to CloudWatch").
            options: {
                "awslogs-group": this.logGroup.name,
                "awslogs-region": region.region,
                "awslogs-stream-prefix": streamPrefix,
                // Never block the app on CloudWatch; buffer instead.
                mode: "non-blocking",
                "max-buffer-size": "25m",
            },
        });

        const container = {
            name: containerName,
            image: args.image,
            essential: true,
            ...(args.command ? { command: args.command } : {}),
            // awsvpc: hostPort must equal containerPort or be omitted (ECS API reference, PortMapping).
            portMappings: args.port ? [{ name: "http", containerPort: args.port, hostPort: args.port, protocol: "tcp", appProtocol: "http" }] : [],
            environment: sortedEntries(args.environment ?? {}).map(([n, value]) => ({ name: n, value })),
            secrets: sortedEntries(args.secrets ?? {}).map(([n, valueFrom]) => ({ name: n, valueFrom })),
            logConfiguration: logConfiguration(args.logStreamPrefix ?? containerName),
            ...(hc ? {
                healthCheck: {
                    command: hc.command,
                    interval: hc.interval ?? 10,
                    timeout: hc.timeout ?? 5,
                    retries: hc.retries ?? 3,
                    startPeriod: hc.startPeriod ?? 10,
                },
            } : {}),
            user,
            readonlyRootFilesystem: readonlyRoot,
            mountPoints: layout.mountPoints,
            // An init process reaps zombies and forwards signals to the app (needed by ECS Exec too).
            linuxParameters: { initProcessEnabled: true },
            stopTimeout: args.stopTimeout ?? 30,
            ...(layout.dependsOn ? { dependsOn: layout.dependsOn } : {}),
        };
        const init = layout.setupContainer?.(logConfiguration(args.logStreamPrefix ?? containerName));
        const tags = Object.keys(layout.exceptionTags).length > 0 ? { ...args.tags, ...layout.exceptionTags } : args.tags;

        this.taskDefinition = new aws.ecs.TaskDefinition(`${name}`, {
            family: args.family ?? defaultFamily(name),
            requiresCompatibilities: ["FARGATE"],
            networkMode: "awsvpc",
            cpu: String(args.cpu),
            memory: String(args.memory),
            runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: args.cpuArchitecture ?? CpuArchitecture.X86_64 },
            executionRoleArn: this.executionRole.arn,
            taskRoleArn: this.taskRole.arn,
            volumes: layout.volumes,
            containerDefinitions: pulumi.jsonStringify(init ? [container, init] : [container]),
            tags,
        }, parent);

        this.taskDefinitionArn = this.taskDefinition.arn;
        this.family = this.taskDefinition.family;
        this.logGroupName = this.logGroup.name;
        this.registerOutputs({ taskDefinitionArn: this.taskDefinitionArn, family: this.family, logGroupName: this.logGroupName });
    }
}
