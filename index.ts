/**
 * The program: load the stack's config (validated whole, before any resource), compose the
 * components, export what people need. Run with `pulumi up --stack dev|prod`.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { Cluster, cpuArchitectureOf, Image, Network, NatGateways, Registry, ScheduledTask, WebService } from "fargatekit";
import { loadConfig, PROJECT_DIR, StackConfig, TaskSubnets } from "./config";

/** Builds one environment from its config; returns the stack outputs. */
function createEnvironment(config: StackConfig) {
    const tags = { project: config.project, stack: config.stack, "managed-by": "pulumi", ...config.tags };
    const retain = config.retainOnDelete;

    const network = new Network("net", { ...config.network, tags });
    const registry = new Registry("app", { ...config.registry, retainOnDelete: retain, tags });
    const image = new Image("app", {
        repositoryUrl: registry.repositoryUrl,
        registryId: registry.registryId,
        context: path.resolve(PROJECT_DIR, config.image.context),
        dockerfile: config.image.dockerfile,
        platform: config.image.platform,
    });
    const cpuArchitecture = cpuArchitectureOf(config.image.platform);
    const cluster = new Cluster("main", { containerInsights: config.cluster.containerInsights, tags });

    const s = config.service;
    const taskSubnets = s.subnets ?? (config.network.natGateways === NatGateways.None ? TaskSubnets.Public : TaskSubnets.Private);
    const taskSubnetIds = taskSubnets === TaskSubnets.Public ? network.publicSubnetIds : network.privateSubnetIds;
    const assignPublicIp = taskSubnets === TaskSubnets.Public;
    const web = new WebService("web", {
        clusterArn: cluster.clusterArn,
        clusterName: cluster.clusterName,
        vpcId: network.vpcId,
        loadBalancerSubnetIds: network.publicSubnetIds,
        taskSubnetIds,
        assignPublicIp,
        task: {
            image: image.imageRef,
            cpu: s.cpu,
            memory: s.memory,
            port: s.port,
            cpuArchitecture,
            repositoryArn: registry.repositoryArn,
            environment: {
                PORT: String(s.port),
                STACK: config.stack,
                APP_VERSION: image.tag,
                // The app's keep-alive must outlast the ALB's idle timeout, or the ALB may reuse a
                // connection the app just closed and answer 502.
                KEEP_ALIVE_TIMEOUT_MS: String((config.loadBalancer.idleTimeout + 5) * 1000),
                ...s.environment,
            },
            secrets: s.secrets,
            secretsKmsKeyArns: s.secretsKmsKeyArns,
            logRetentionDays: s.logRetentionDays,
            retainLogsOnDelete: retain,
            readonlyRootFilesystem: s.readonlyRootFilesystem,
            stopTimeout: s.stopTimeout,
            // The image has no curl; app/ ships a tiny Node health probe.
            healthCheck: { command: ["CMD", "node", "dist/healthcheck.js"], ...s.containerHealthCheck },
            tags,
        },
        desiredCount: s.desiredCount,
        capacity: s.capacity,
        healthCheck: s.healthCheck,
        deregistrationDelay: s.deregistrationDelay,
        healthCheckGracePeriod: s.healthCheckGracePeriod,
        enableExecuteCommand: s.exec,
        https: config.https,
        loadBalancer: { ...config.loadBalancer, retainAccessLogsOnDelete: retain },
        autoscaling: s.autoscaling,
        tags,
    });

    // Scheduled jobs: the app's image, the service's subnets, their own command and size.
    const jobRunTaskCommands: Record<string, pulumi.Output<string>> = {};
    const jobDeadLetterQueues: Record<string, pulumi.Output<string>> = {};
    for (const job of config.jobs) {
        const task = new ScheduledTask(`job-${job.name}`, {
            clusterArn: cluster.clusterArn,
            vpcId: network.vpcId,
            subnetIds: taskSubnetIds,
            assignPublicIp,
            schedule: job.schedule,
            timezone: job.timezone,
            enabled: job.enabled,
            flexibleWindowMinutes: job.flexibleWindowMinutes,
            retries: job.retries,
            overlap: job.overlap,
            capacity: job.capacity,
            task: {
                image: image.imageRef,
                cpu: job.cpu,
                memory: job.memory,
                command: job.command,
                cpuArchitecture,
                repositoryArn: registry.repositoryArn,
                environment: { STACK: config.stack, APP_VERSION: image.tag, JOB_NAME: job.name, ...job.environment },
                secrets: job.secrets,
                secretsKmsKeyArns: job.secretsKmsKeyArns,
                logRetentionDays: job.logRetentionDays ?? s.logRetentionDays,
                retainLogsOnDelete: retain,
            },
            tags,
        });
        jobRunTaskCommands[job.name] = task.runTaskCommand;
        jobDeadLetterQueues[job.name] = task.deadLetterQueueUrl;
    }

    return {
        webRunTaskCommand: web.runTaskCommand,
        ...(web.execCommand ? { execCommand: web.execCommand } : {}),
        jobRunTaskCommands,
        jobDeadLetterQueues,
        url: web.url,
        clusterName: cluster.clusterName,
        serviceName: web.serviceName,
        repositoryUrl: registry.repositoryUrl,
        imageRef: image.imageRef,
        logGroupName: web.logGroupName,
        vpcId: network.vpcId,
    };
}

/**
 * Pulumi calls the exported function and takes its result as the stack outputs. Config is loaded
 * (and refused, with every problem listed) inside it, before the first resource is registered.
 */
export = async () => createEnvironment(loadConfig());
