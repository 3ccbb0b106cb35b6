import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AlarmThresholds } from "./alarm-catalog";
import { Alerts } from "./alerts";
import { AutoscalingArgs } from "./autoscaling";
import { CapacityMode } from "./capacity";
import { Cluster, ContainerInsights } from "./cluster";
import { alertsNamePrefix, environmentAlertsProblems, serviceThresholds } from "./environment-alerts";
import { environmentProblems, servicesInCallOrder } from "./environment-rules";
import { cpuArchitectureOf, Image, ImagePlatform } from "./image";
import { legacyWebServiceAliases, LEGACY_WEB_SERVICE_TYPE } from "./legacy-urns";
import { ecrRepositoryArn } from "./iam";
import { HttpsArgs, LoadBalancer, TargetHealthCheckArgs } from "./load-balancer";
import { FlowLogsArgs } from "./flow-log-policies";
import { Network, NatGateways } from "./network";
import { TaskSubnets } from "./placement";
import { Queue } from "./queue";
import { Registry } from "./registry";
import { ReleaseArgs, shiftsTraffic } from "./release";
import { OverlapPolicy, ScheduledTask, ScheduleRetryArgs } from "./scheduled-task";
import { Exposure, InternalServiceRef, Service } from "./service";
import { ContainerHealthCheck } from "./task-definition";

/** The environment's network: a VPC it creates. */
export interface EnvironmentNetworkArgs {
    /** The VPC's IPv4 range. @default "10.0.0.0/16" */
    cidrBlock?: string;
    /** Availability zones to span; a load balancer needs at least 2. @default 2 */
    azCount?: number;
    /** NAT strategy for private subnets. @default NatGateways.None */
    natGateways?: NatGateways;
    /** VPC flow logs (Security Hub EC2.6); kept on destroy with `retainOnDelete`. @default on, REJECT, CloudWatch Logs */
    flowLogs?: FlowLogsArgs;
    /** Take the VPC's default security group under management with no rules (Security Hub EC2.2). @default true */
    restrictDefaultSecurityGroup?: boolean;
    /** An S3 gateway endpoint on the private route tables (image layers skip NAT). @default true with NAT */
    s3GatewayEndpoint?: boolean;
    /** ECR and CloudWatch Logs interface endpoints in each AZ (~$7.30/month each per AZ). @default false */
    interfaceEndpoints?: boolean;
}

/** The environment's image repository. */
export interface EnvironmentRegistryArgs {
    /** Delete the repository even when it holds images (dev). @default false */
    forceDelete?: boolean;
    /** Tagged images the lifecycle policy keeps. @default 30 */
    keepTaggedImages?: number;
}

/** The image every service and job runs: built from source, or a prebuilt one pinned by digest. */
export interface EnvironmentImageArgs {
    /** Build context directory (absolute, or relative to the program's working directory). @default "app" */
    context?: string;
    /** The Dockerfile, relative to the context. @default "Dockerfile" */
    dockerfile?: string;
    /** The platform to build for. @default ImagePlatform.LinuxAmd64 */
    platform?: ImagePlatform;
    /**
     * Run this prebuilt image instead of building (`<registry>/<repo>@sha256:<64 hex>`, e.g. the
     * `imageRef` output of the stack that built it). Nothing is built when it is set.
     */
    ref?: string;
}

/** The environment's cluster. */
export interface EnvironmentClusterArgs {
    /** Container Insights metrics. @default ContainerInsights.Enabled */
    containerInsights?: ContainerInsights;
}

/** The environment's shared load balancer (created when a service is public). */
export interface EnvironmentLoadBalancerArgs {
    /** Refuse deletion through the API until turned off. @default false */
    deletionProtection?: boolean;
    /** Write access logs to a bucket created for them. @default false */
    accessLogs?: boolean;
    /** Days access logs are kept. @default 90 */
    accessLogsExpireDays?: number;
    /** Seconds an idle connection stays open; public services get `KEEP_ALIVE_TIMEOUT_MS` 5 s above it. @default 60 */
    idleTimeout?: number;
    /** IPv4 CIDRs that may reach the test listeners (`services[].release.testListenerPort`); required with one. */
    testListenerCidrs?: string[];
}

/** A public service's route on the environment's load balancer. */
export interface EnvironmentRouteArgs {
    /** Path patterns, e.g. `["/api/*"]`. @default ["/*"] when no hosts are given */
    paths?: string[];
    /** Host names, e.g. `["api.example.com"]`. */
    hosts?: string[];
    /** The listener rule's priority, 1–50000, unique; fixed per service so others never shift. */
    priority: number;
    /** The target group's health check. */
    healthCheck?: TargetHealthCheckArgs;
    /** Seconds the load balancer drains a target before ECS stops it. @default 30 */
    deregistrationDelay?: number;
}

/** A work queue the environment creates for a service to consume (with its own dead-letter queue). */
export interface EnvironmentQueueArgs {
    /** Seconds a received message stays hidden; longer than the longest a message takes. @default 60 */
    visibilityTimeoutSeconds?: number;
    /** Receives before a message moves to the dead-letter queue. @default 5 */
    maxReceiveCount?: number;
    /** Seconds a message is kept. @default 345600 */
    retentionSeconds?: number;
}

/** The environment's alerts: who is notified, and the alarms' settings for every service, queue, job and the load balancer. */
export interface EnvironmentAlertsArgs {
    /** E-mail addresses to notify; each must confirm the subscription SNS mails it. */
    email?: string[];
    /** HTTPS endpoints to notify (a pager or chat integration); each must confirm its subscription. */
    https?: string[];
    /** Settings of every alarm of the environment over the defaults (a service's `alarms` override them). */
    thresholds?: AlarmThresholds;
    /** Prefix of the alarm, rule, topic and dashboard names. @default "<project>-<stack>" */
    namePrefix?: string;
}

/** A service's alarms: per-alarm settings over the environment's, and whether they are made at all. */
export interface EnvironmentServiceAlarmsArgs extends AlarmThresholds {
    /** Make the service's (and its queue's) alarms. @default true */
    enabled?: boolean;
    /** ECS rolls a deployment back when a deployment alarm (target 5xx rate, p99 latency) goes to ALARM. @default true */
    rollback?: boolean;
}

/** One service of the environment. */
export interface EnvironmentServiceArgs {
    /** The service's name (lowercase letters, digits, hyphens; at most 21 characters). Internal services are called by it. */
    name: string;
    /** Who can reach it. @default Exposure.Public with `route`, else Exposure.None */
    expose?: Exposure;
    /** The container command; the image's CMD when omitted. */
    command?: string[];
    /** The container port (public and internal services); workers have none. */
    port?: number;
    /** Task CPU units. @default 256 */
    cpu?: number;
    /** Task memory in MiB. @default 512 */
    memory?: number;
    /** Tasks at first deploy, and always without autoscaling. @default 1 */
    desiredCount?: number;
    /** Where tasks run. @default CapacityMode.Fargate */
    capacity?: CapacityMode;
    /** Public or private subnets. @default private with NAT, public without */
    subnets?: TaskSubnets;
    /** Plain environment variables. */
    environment?: Record<string, string>;
    /** Variable name → full ARN of a Secrets Manager secret or SSM parameter. */
    secrets?: Record<string, string>;
    /** Customer-managed KMS key ARNs the secrets are encrypted with (the execution role may decrypt with exactly these). */
    secretsKmsKeyArns?: string[];
    /** Days to keep logs. @default 30 */
    logRetentionDays?: number;
    /** ECS Exec into running tasks. @default false */
    exec?: boolean;
    /** Read-only root filesystem. @default true (false with exec) */
    readonlyRootFilesystem?: boolean;
    /** Seconds between SIGTERM and SIGKILL, 2–120. @default 30 */
    stopTimeout?: number;
    /** Seconds ECS ignores failing load-balancer health checks of a new task. @default 30 */
    healthCheckGracePeriod?: number;
    /** The container health check ECS runs. None when omitted. */
    containerHealthCheck?: ContainerHealthCheck;
    /** The load-balancer route (public services). */
    route?: EnvironmentRouteArgs;
    /** Names of internal services this one calls (it gets `<NAME>_URL` for each). */
    calls?: string[];
    /** A work queue created for this service to consume (it gets `QUEUE_URL`). */
    queue?: EnvironmentQueueArgs;
    /** Target-tracking autoscaling. */
    autoscaling?: AutoscalingArgs;
    /** The service's alarms over the environment's `alerts.thresholds`. @default every alarm that applies, with rollback */
    alarms?: EnvironmentServiceAlarmsArgs;
    /** How a new task definition goes live (public services may shift traffic blue/green, canary, linear). @default rolling */
    release?: ReleaseArgs;
}

/** One scheduled job of the environment: the image with its own command, size and schedule. */
export interface EnvironmentJobArgs {
    /** The job's name. */
    name: string;
    /** `rate(…)`, `cron(…)` or `at(…)`. */
    schedule: string;
    /** IANA time zone of the schedule. @default "UTC" */
    timezone?: string;
    /** DISABLED keeps the schedule but starts nothing. @default true */
    enabled?: boolean;
    /** The container command. */
    command: string[];
    /** Task CPU units. @default 256 */
    cpu?: number;
    /** Task memory in MiB. @default 512 */
    memory?: number;
    /** Plain environment variables. */
    environment?: Record<string, string>;
    /** Variable name → full ARN of a Secrets Manager secret or SSM parameter. */
    secrets?: Record<string, string>;
    /** Customer-managed KMS key ARNs the secrets are encrypted with. */
    secretsKmsKeyArns?: string[];
    /** Scheduler's retries of a run it could not start. */
    retries?: ScheduleRetryArgs;
    /** What a run does while the previous one still runs. @default OverlapPolicy.Allow */
    overlap?: OverlapPolicy;
    /** Minutes Scheduler may start late; 0 = on time. @default 0 */
    flexibleWindowMinutes?: number;
    /** Where the task runs. @default CapacityMode.Fargate */
    capacity?: CapacityMode;
    /** Public or private subnets. @default private with NAT, public without */
    subnets?: TaskSubnets;
    /** Days to keep logs. @default 30 */
    logRetentionDays?: number;
}

export interface EnvironmentArgs {
    /** The VPC. */
    network?: EnvironmentNetworkArgs;
    /** The image repository. */
    registry?: EnvironmentRegistryArgs;
    /** The image every service and job runs. */
    image?: EnvironmentImageArgs;
    /** The ECS cluster. */
    cluster?: EnvironmentClusterArgs;
    /** The shared load balancer's settings. */
    loadBalancer?: EnvironmentLoadBalancerArgs;
    /** HTTPS on the load balancer (HTTP→HTTPS redirect). HTTP only when omitted. */
    https?: HttpsArgs;
    /** The services, each public, internal or a worker. */
    services: EnvironmentServiceArgs[];
    /** Scheduled jobs. */
    jobs?: EnvironmentJobArgs[];
    /** Who is notified of alarms and failed jobs, and the alarms' settings. @default a topic with no subscriber (a warning says so) */
    alerts?: EnvironmentAlertsArgs;
    /** Keep stateful resources (image repository, log groups, access logs) in AWS on destroy. @default false */
    retainOnDelete?: boolean;
    /** Tags for every resource. */
    tags?: Record<string, string>;
}

export { ecrRepositoryArn };

/** What `APP_VERSION` says of a prebuilt reference: its tag, else the digest's first 12 hex. */
export function versionOfRef(ref: string): string {
    const [name, digest] = ref.split("@");
    const tag = /:([^:/]+)$/.exec(name)?.[1];
    return tag ?? `sha256-${(digest ?? "").replace(/^sha256:/, "").slice(0, 12)}`;
}

interface Parts {
    network?: Network;
    registry?: Registry;
    cluster?: Cluster;
    image?: Image;
    loadBalancer?: LoadBalancer;
    services: Record<string, Service>;
    queues: Record<string, Queue>;
    jobs: Record<string, ScheduledTask>;
    alerts?: Alerts;
}
const parts = new WeakMap<Environment, Parts>();

/**
 * A whole environment from one typed description: network, image repository, image (built or
 * prebuilt), cluster with a Service Connect namespace, one shared load balancer for the public
 * services, the services (public, internal, workers with their queues) and scheduled jobs.
 *
 * Every container gets `STACK` and `APP_VERSION`; services with a port get `PORT`, public ones
 * `KEEP_ALIVE_TIMEOUT_MS` (the load balancer's idle timeout + 5 s), callers `<NAME>_URL` and queue
 * consumers `QUEUE_URL`; jobs get `JOB_NAME`.
 */
export class Environment extends pulumi.ComponentResource {
    // The children, as getters over one private record: Pulumi's schema inference cannot describe
    // component-typed outputs for other languages, so they are TypeScript-only escape hatches.
    /** The network component. */
    public get network(): Network { return parts.get(this)!.network!; }
    /** The image repository component. */
    public get registry(): Registry { return parts.get(this)!.registry!; }
    /** The cluster component. */
    public get cluster(): Cluster { return parts.get(this)!.cluster!; }
    /** The image build (undefined with a prebuilt `image.ref`). */
    public get image(): Image | undefined { return parts.get(this)!.image; }
    /** The shared load balancer (undefined without public services). */
    public get loadBalancer(): LoadBalancer | undefined { return parts.get(this)!.loadBalancer; }
    /** The services by name. */
    public get services(): Record<string, Service> { return parts.get(this)!.services; }
    /** The work queues by consuming service name. */
    public get queues(): Record<string, Queue> { return parts.get(this)!.queues; }
    /** The scheduled jobs by name. */
    public get jobs(): Record<string, ScheduledTask> { return parts.get(this)!.jobs; }
    /** The alerts topic, its key, subscriptions and the dashboard. */
    public get alerts(): Alerts { return parts.get(this)!.alerts!; }
    /** The load balancer's URL (undefined without public services). */
    public readonly url?: pulumi.Output<string>;
    /** What every task runs: `<repo>@sha256:…`. */
    public readonly imageRef: pulumi.Output<string>;
    public readonly clusterName: pulumi.Output<string>;
    public readonly repositoryUrl: pulumi.Output<string>;
    public readonly vpcId: pulumi.Output<string>;
    /** Each service's ECS service name. */
    public readonly serviceNames: pulumi.Output<Record<string, string>>;
    /** Each service's log group. */
    public readonly logGroupNames: pulumi.Output<Record<string, string>>;
    /** A ready-to-run `aws ecs run-task` per service (a one-off from its task definition). */
    public readonly runTaskCommands: pulumi.Output<Record<string, string>>;
    /** A ready-to-run `aws ecs execute-command` per service with ECS Exec. */
    public readonly execCommands: pulumi.Output<Record<string, string>>;
    /** A ready-to-run `aws ecs run-task` per job (one run now). */
    public readonly jobRunTaskCommands: pulumi.Output<Record<string, string>>;
    /** Each job's dead-letter queue URL (runs Scheduler could not start). */
    public readonly jobDeadLetterQueues: pulumi.Output<Record<string, string>>;
    /** Each work queue's URL, by consuming service. */
    public readonly queueUrls: pulumi.Output<Record<string, string>>;
    /** The SNS topic alarms and failed jobs notify. */
    public readonly alertsTopicArn: pulumi.Output<string>;
    /** Every alarm's name. */
    public readonly alarmNames: pulumi.Output<string[]>;
    /** The CloudWatch dashboard's console URL. */
    public readonly dashboardUrl: pulumi.Output<string>;

    constructor(name: string, args: EnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fargatekit:index:Environment", name, {}, opts);
        const own: Parts = { services: {}, queues: {}, jobs: {} };
        parts.set(this, own);
        const namePrefix = alertsNamePrefix(args.alerts, pulumi.getProject(), pulumi.getStack());
        const problems = [...environmentProblems(args), ...environmentAlertsProblems(args, namePrefix)];
        if (problems.length > 0) throw new Error(`Environment "${name}": ${problems.join("; ")}`);

        const tags = args.tags ?? {};
        const retain = args.retainOnDelete ?? false;
        // 0.1 stacks had these components at the top of the stack: keep their URNs.
        const wasTopLevel = (): pulumi.ComponentResourceOptions => ({ parent: this, aliases: [{ parent: pulumi.rootStackResource }] });

        // Flow-log records are kept on destroy like the other logs (retainOnDelete).
        const network = args.network ?? {};
        own.network = new Network("net", { ...network, flowLogs: { ...network.flowLogs, retainOnDelete: network.flowLogs?.retainOnDelete ?? retain }, tags }, wasTopLevel());
        own.registry = new Registry("app", { ...args.registry, retainOnDelete: retain, tags }, wasTopLevel());
        const image = args.image ?? {};
        const platform = image.platform ?? ImagePlatform.LinuxAmd64;
        let version: pulumi.Input<string>;
        let repositoryArn: pulumi.Input<string> | undefined;
        if (image.ref) {
            this.imageRef = pulumi.output(image.ref);
            version = versionOfRef(image.ref);
            // No repositoryArn: each task definition derives its pull permission from the image
            // reference itself (private ECR: exactly that repository; other registries: none).
        } else {
            own.image = new Image("app", {
                repositoryUrl: this.registry.repositoryUrl,
                registryId: this.registry.registryId,
                context: image.context ?? "app",
                dockerfile: image.dockerfile,
                platform,
            }, wasTopLevel());
            this.imageRef = own.image.imageRef;
            version = own.image.tag;
            repositoryArn = this.registry.repositoryArn;
        }
        const cpuArchitecture = cpuArchitectureOf(platform);
        own.cluster = new Cluster("main", { ...args.cluster, tags }, wasTopLevel());
        const alertsArgs = args.alerts ?? {};
        const alerts = own.alerts = new Alerts("alerts", { namePrefix, email: alertsArgs.email, https: alertsArgs.https, tags }, { parent: this });
        const envThresholds = alertsArgs.thresholds ?? {};
        const containerInsights = (args.cluster?.containerInsights ?? ContainerInsights.Enabled) !== ContainerInsights.Disabled;

        const services = servicesInCallOrder(args.services);
        const publicServices = services.filter((s) => s.route !== undefined);
        const idleTimeout = args.loadBalancer?.idleTimeout ?? 60;
        if (publicServices.length > 0) {
            // 0.1 made one WebService per load balancer; the first public service inherits that
            // WebService's load balancer, so its listeners, certificate and DNS records stay.
            const legacyName = args.services.find((s) => s.route !== undefined)!.name;
            // One test listener per port that a traffic-shifting public service asks for.
            const testListenerPorts = [...new Set(publicServices.filter((s) => shiftsTraffic(s.release) && s.release?.testListenerPort !== undefined).map((s) => s.release!.testListenerPort!))];
            own.loadBalancer = new LoadBalancer("lb", {
                ...args.loadBalancer,
                ...(testListenerPorts.length > 0 ? { testListenerPorts } : {}),
                network: this.network,
                https: args.https,
                retainAccessLogsOnDelete: retain,
                alarms: { alerts, loadBalancerErrors: envThresholds.loadBalancerErrors },
                tags,
            }, { parent: this, transformations: [legacyWebServiceAliases("lb", legacyName)] });
            this.url = own.loadBalancer.url;
        }

        for (const s of services) {
            const alarmsOn = s.alarms?.enabled ?? true;
            const thresholds = serviceThresholds(envThresholds, s);
            if (s.queue) {
                this.queues[s.name] = new Queue(`${s.name}-queue`, {
                    ...s.queue,
                    alarms: alarmsOn ? { alerts, queueAge: thresholds.queueAge, deadLetters: thresholds.deadLetters } : undefined,
                    tags,
                }, { parent: this });
            }
            const calls: InternalServiceRef[] = (s.calls ?? []).map((callee) => this.services[callee]);
            const environment: Record<string, pulumi.Input<string>> = {
                STACK: pulumi.getStack(),
                APP_VERSION: version,
                ...(s.port !== undefined ? { PORT: String(s.port) } : {}),
                // The app's keep-alive must outlast the ALB's idle timeout, or the ALB may reuse a
                // connection the app just closed and answer 502.
                ...(s.route ? { KEEP_ALIVE_TIMEOUT_MS: String((idleTimeout + 5) * 1000) } : {}),
                ...s.environment,
            };
            const isLegacyWeb = this.loadBalancer !== undefined && s.name === args.services.find((x) => x.route !== undefined)!.name;
            this.services[s.name] = new Service(s.name, {
                cluster: this.cluster,
                network: this.network,
                subnets: s.subnets,
                expose: s.expose,
                route: s.route ? {
                    ...s.route,
                    loadBalancer: this.loadBalancer!,
                    ...(shiftsTraffic(s.release) && s.release?.testListenerPort !== undefined ? { testListenerArn: this.loadBalancer!.testListenerArn(s.release.testListenerPort) } : {}),
                } : undefined,
                calls,
                queue: this.queues[s.name],
                task: {
                    image: this.imageRef,
                    cpu: s.cpu ?? 256,
                    memory: s.memory ?? 512,
                    port: s.port,
                    command: s.command,
                    cpuArchitecture,
                    repositoryArn,
                    environment,
                    secrets: s.secrets,
                    secretsKmsKeyArns: s.secretsKmsKeyArns,
                    logRetentionDays: s.logRetentionDays,
                    retainLogsOnDelete: retain,
                    readonlyRootFilesystem: s.readonlyRootFilesystem,
                    stopTimeout: s.stopTimeout,
                    healthCheck: s.containerHealthCheck,
                    tags,
                },
                desiredCount: s.desiredCount,
                capacity: s.capacity,
                healthCheckGracePeriod: s.healthCheckGracePeriod,
                enableExecuteCommand: s.exec,
                autoscaling: s.autoscaling,
                alarms: alarmsOn ? {
                    alerts,
                    thresholds: { ...thresholds, queueAge: undefined, deadLetters: undefined },
                    rollback: s.alarms?.rollback ?? true,
                    containerInsights,
                } : undefined,
                release: s.release,
                tags,
            }, { parent: this, aliases: isLegacyWeb ? [{ type: LEGACY_WEB_SERVICE_TYPE, parent: pulumi.rootStackResource }] : [] });
        }

        for (const job of args.jobs ?? []) {
            this.jobs[job.name] = new ScheduledTask(`job-${job.name}`, {
                cluster: this.cluster,
                network: this.network,
                subnets: job.subnets,
                schedule: job.schedule,
                timezone: job.timezone,
                enabled: job.enabled,
                flexibleWindowMinutes: job.flexibleWindowMinutes,
                retries: job.retries,
                overlap: job.overlap,
                capacity: job.capacity,
                task: {
                    image: this.imageRef,
                    cpu: job.cpu ?? 256,
                    memory: job.memory ?? 512,
                    command: job.command,
                    cpuArchitecture,
                    repositoryArn,
                    environment: { STACK: pulumi.getStack(), APP_VERSION: version, JOB_NAME: job.name, ...job.environment },
                    secrets: job.secrets,
                    secretsKmsKeyArns: job.secretsKmsKeyArns,
                    logRetentionDays: job.logRetentionDays,
                    retainLogsOnDelete: retain,
                    tags,
                },
                alarms: { alerts, deadLetters: envThresholds.deadLetters },
                tags,
            }, wasTopLevel());
        }

        const region = aws.getRegionOutput({}, { parent: this }).region;
        const dashboard = alerts.addDashboard({
            title: namePrefix,
            region,
            loadBalancer: this.loadBalancer?.arnSuffix,
            clusterName: this.cluster.clusterName,
            containerInsights,
            services: args.services.map((s) => ({
                name: s.name,
                serviceName: this.services[s.name].serviceName,
                targetGroup: this.services[s.name].targetGroupArnSuffix,
                alternateTargetGroup: this.services[s.name].alternateTargetGroup?.arnSuffix,
                queueName: this.queues[s.name]?.queueName,
                deadLetterQueueName: this.queues[s.name]?.deadLetterQueueName,
            })),
            jobs: Object.entries(this.jobs).map(([jobName, j]) => ({ name: jobName, runsRule: j.runsRule!.name, failuresRule: j.failureRule!.name, deadLetterQueueName: j.deadLetterQueueName })),
            alarmArns: this.allAlarms().map((a) => a.arn),
        });

        const byName = <T>(items: Record<string, T>, pick: (t: T) => pulumi.Input<string> | undefined) =>
            pulumi.output(Object.fromEntries(Object.entries(items).flatMap(([k, v]) => {
                const value = pick(v);
                return value === undefined ? [] : [[k, value]];
            }))) as pulumi.Output<Record<string, string>>;
        this.clusterName = this.cluster.clusterName;
        this.repositoryUrl = this.registry.repositoryUrl;
        this.vpcId = this.network.vpcId;
        this.serviceNames = byName(this.services, (s) => s.serviceName);
        this.logGroupNames = byName(this.services, (s) => s.logGroupName);
        this.runTaskCommands = byName(this.services, (s) => s.runTaskCommand);
        this.execCommands = byName(this.services, (s) => s.execCommand);
        this.jobRunTaskCommands = byName(this.jobs, (j) => j.runTaskCommand);
        this.jobDeadLetterQueues = byName(this.jobs, (j) => j.deadLetterQueueUrl);
        this.queueUrls = byName(this.queues, (q) => q.queueUrl);
        this.alertsTopicArn = alerts.topicArn;
        this.alarmNames = pulumi.output(this.allAlarms().map((a) => a.name));
        this.dashboardUrl = pulumi.interpolate`https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${dashboard.dashboardName}`;
        this.registerOutputs({
            url: this.url, imageRef: this.imageRef, clusterName: this.clusterName, repositoryUrl: this.repositoryUrl, vpcId: this.vpcId,
            serviceNames: this.serviceNames, logGroupNames: this.logGroupNames, runTaskCommands: this.runTaskCommands, execCommands: this.execCommands,
            jobRunTaskCommands: this.jobRunTaskCommands, jobDeadLetterQueues: this.jobDeadLetterQueues, queueUrls: this.queueUrls,
            alertsTopicArn: this.alertsTopicArn, alarmNames: this.alarmNames, dashboardUrl: this.dashboardUrl,
        });
    }

    /** Every alarm of the environment: the load balancer's, each service's and queue's, each job's. */
    private allAlarms() {
        return [
            ...(this.loadBalancer?.alarms ?? []),
            ...Object.values(this.services).flatMap((s) => s.alarms),
            ...Object.values(this.queues).flatMap((q) => q.alarms),
            ...Object.values(this.jobs).flatMap((j) => j.alarms),
        ];
    }
}
