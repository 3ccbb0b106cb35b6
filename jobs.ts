/**
 * The program's jobs: one ScheduledTask per `webapp:jobs` entry, and the ready-to-run command lines
 * for one-off tasks (each job, and the web service's task definition) and for ECS Exec.
 */
import * as pulumi from "@pulumi/pulumi";
import {
    CapacityMode, capacityProviderStrategy, CpuArchitecture, executeCommandLine, runTaskCommand, ScheduledTask, WebService,
} from "fargatekit";
import { JobConfig } from "./jobs-config";

export interface JobsContext {
    clusterArn: pulumi.Output<string>;
    vpcId: pulumi.Input<string>;
    taskSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    assignPublicIp: boolean;
    image: pulumi.Input<string>;
    imageTag: pulumi.Input<string>;
    repositoryArn: pulumi.Input<string>;
    cpuArchitecture: CpuArchitecture;
    stack: string;
    logRetentionDays: number;
    retainLogs: boolean;
    tags: Record<string, string>;
}

/** One ScheduledTask per job, named `job-<name>`. */
export function createJobs(jobs: readonly JobConfig[], c: JobsContext): Map<string, ScheduledTask> {
    const out = new Map<string, ScheduledTask>();
    for (const job of jobs) {
        out.set(job.name, new ScheduledTask(`job-${job.name}`, {
            clusterArn: c.clusterArn,
            vpcId: c.vpcId,
            subnetIds: c.taskSubnetIds,
            assignPublicIp: c.assignPublicIp,
            schedule: job.schedule,
            timezone: job.timezone,
            enabled: job.enabled,
            flexibleWindowMinutes: job.flexibleWindowMinutes,
            retries: job.retries,
            overlap: job.overlap,
            capacity: job.capacity,
            task: {
                image: c.image,
                cpu: job.cpu,
                memory: job.memory,
                command: job.command,
                cpuArchitecture: c.cpuArchitecture,
                repositoryArn: c.repositoryArn,
                environment: { STACK: c.stack, APP_VERSION: c.imageTag, JOB_NAME: job.name, ...job.environment },
                secrets: job.secrets,
                logRetentionDays: job.logRetentionDays ?? c.logRetentionDays,
                retainLogsOnDelete: c.retainLogs,
            },
            tags: c.tags,
        }));
    }
    return out;
}

/** The command the web service's one-off line runs; replace it with yours (a migration, a script). */
export const WEB_ONE_OFF_EXAMPLE_COMMAND = ["node", "--version"];

/** Stack outputs for one-off runs and ECS Exec. */
export function oneOffOutputs(jobs: Map<string, ScheduledTask>, web: WebService, c: JobsContext & { capacity: CapacityMode; exec: boolean }) {
    const region = c.clusterArn.apply((arn) => arn.split(":")[3]);
    const strategy = capacityProviderStrategy(c.capacity);
    const webRunTaskCommand = pulumi.all([region, c.clusterArn, web.taskDefinitionArn, pulumi.output(c.taskSubnetIds), web.taskSecurityGroup.id])
        .apply(([reg, cluster, taskDefinition, subnets, sg]) => runTaskCommand({
            region: reg,
            cluster,
            taskDefinition,
            subnets,
            securityGroups: [sg],
            assignPublicIp: c.assignPublicIp,
            // Where the service runs (Spot in dev), so a one-off costs what a service task costs.
            capacityProviderStrategy: c.capacity === CapacityMode.Fargate ? undefined : strategy,
            containerName: web.taskDefinition.containerName,
            command: WEB_ONE_OFF_EXAMPLE_COMMAND,
        }));
    const jobRunTaskCommands: Record<string, pulumi.Output<string>> = {};
    const jobDeadLetterQueues: Record<string, pulumi.Output<string>> = {};
    for (const [name, job] of jobs) {
        jobRunTaskCommands[name] = job.runTaskCommand;
        jobDeadLetterQueues[name] = job.deadLetterQueueUrl;
    }
    const execCommand = c.exec
        ? pulumi.all([region, c.clusterArn, web.serviceName]).apply(([reg, cluster, serviceName]) =>
            executeCommandLine({ region: reg, cluster, serviceName, containerName: web.taskDefinition.containerName }))
        : undefined;
    return { webRunTaskCommand, jobRunTaskCommands, jobDeadLetterQueues, ...(execCommand ? { execCommand } : {}) };
}
