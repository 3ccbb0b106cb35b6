/**
 * Ready-to-run AWS CLI command lines for one-off tasks (`aws ecs run-task`) and for a shell in a
 * service's task (`aws ecs execute-command`). Pure string building, so the outputs can be tested.
 *
 * CLI reference: https://docs.aws.amazon.com/cli/latest/reference/ecs/run-task.html and
 * https://docs.aws.amazon.com/cli/latest/reference/ecs/execute-command.html. `--launch-type` and
 * `--capacity-provider-strategy` are mutually exclusive in RunTask (ECS API reference, RunTask).
 */

export interface CapacityProviderItem {
    capacityProvider: string;
    weight: number;
    base?: number;
}

export interface RunTaskCommandArgs {
    region: string;
    cluster: string;
    /** Task definition ARN (or family:revision). */
    taskDefinition: string;
    subnets: string[];
    securityGroups: string[];
    assignPublicIp: boolean;
    /** A capacity provider strategy; FARGATE launch type when omitted or empty. */
    capacityProviderStrategy?: CapacityProviderItem[];
    /** Container whose command is overridden. */
    containerName: string;
    /** The command override; the task definition's command when omitted. */
    command?: string[];
    /** Tag the task with the task definition's tags. @default true */
    propagateTags?: boolean;
    /** Recorded in the task's `startedBy` (≤ 36 characters). @default "one-off" */
    startedBy?: string;
}

/** Quotes a word for POSIX shells (single quotes; an embedded `'` becomes `'\''`). */
export function shellQuote(word: string): string {
    return /^[A-Za-z0-9_./:=,@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `aws ecs run-task …` as one line that can be pasted into a shell. */
export function runTaskCommand(a: RunTaskCommandArgs): string {
    const network = {
        awsvpcConfiguration: {
            subnets: a.subnets,
            securityGroups: a.securityGroups,
            assignPublicIp: a.assignPublicIp ? "ENABLED" : "DISABLED",
        },
    };
    const words = [
        "aws", "ecs", "run-task",
        "--region", a.region,
        "--cluster", a.cluster,
        "--task-definition", a.taskDefinition,
        "--count", "1",
    ];
    const strategy = a.capacityProviderStrategy ?? [];
    if (strategy.length > 0) {
        words.push("--capacity-provider-strategy", ...strategy.map((s) =>
            `capacityProvider=${s.capacityProvider},weight=${s.weight}${s.base !== undefined ? `,base=${s.base}` : ""}`));
    } else {
        words.push("--launch-type", "FARGATE");
    }
    words.push("--network-configuration", JSON.stringify(network));
    if (a.command) {
        words.push("--overrides", JSON.stringify({ containerOverrides: [{ name: a.containerName, command: a.command }] }));
    }
    if (a.propagateTags ?? true) words.push("--propagate-tags", "TASK_DEFINITION");
    words.push("--started-by", a.startedBy ?? "one-off");
    return words.map(shellQuote).join(" ");
}

export interface ExecuteCommandArgs {
    region: string;
    cluster: string;
    serviceName: string;
    containerName: string;
    /** @default "/bin/sh" */
    command?: string;
}

/**
 * `aws ecs execute-command …` into the first running task of a service (the task id is looked up
 * with `aws ecs list-tasks` in the same line, since tasks come and go). Needs the Session Manager
 * plugin for the AWS CLI.
 */
export function executeCommandLine(a: ExecuteCommandArgs): string {
    const listTasks = ["aws", "ecs", "list-tasks", "--region", a.region, "--cluster", a.cluster, "--service-name", a.serviceName,
        "--desired-status", "RUNNING", "--query", "taskArns[0]", "--output", "text"].map(shellQuote).join(" ");
    const exec = ["aws", "ecs", "execute-command", "--region", a.region, "--cluster", a.cluster, "--container", a.containerName,
        "--interactive", "--command", a.command ?? "/bin/sh"].map(shellQuote).join(" ");
    return `${exec} --task "$(${listTasks})"`;
}
