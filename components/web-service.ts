import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AutoscalingArgs, createAutoscaling } from "./autoscaling";
import { createLoadBalancer, HttpsArgs, LoadBalancerArgs, TARGET_HEALTH_CHECK_LIMITS, TargetHealthCheckArgs } from "./load-balancer";
import { assertComponentName, ELB_NAME_MAX } from "./names";
import { executeCommandLine, runTaskCommand } from "./run-task-command";
import { FargateTaskDefinition, FargateTaskDefinitionArgs, taskDefinitionProblems } from "./task-definition";
import { checkEnum, checkInteger } from "./validate";

/** Where the service's tasks run. */
export enum CapacityMode {
    /** On-demand Fargate. */
    Fargate = "fargate",
    /** Fargate Spot: up to ~70% cheaper, tasks may be reclaimed with a 2-minute warning. */
    FargateSpot = "fargateSpot",
    /** One on-demand task as a base, the rest on Spot. */
    Mixed = "mixed",
}

/** The capacity provider strategy for a capacity mode. */
export function capacityProviderStrategy(mode: CapacityMode): { capacityProvider: string; weight: number; base?: number }[] {
    switch (mode) {
        case CapacityMode.FargateSpot: return [{ capacityProvider: "FARGATE_SPOT", weight: 1 }];
        case CapacityMode.Mixed: return [{ capacityProvider: "FARGATE", weight: 0, base: 1 }, { capacityProvider: "FARGATE_SPOT", weight: 1 }];
        default: return [{ capacityProvider: "FARGATE", weight: 1 }];
    }
}

/** The container of a web service: a task definition whose `port` is required. */
export interface WebServiceTaskArgs extends FargateTaskDefinitionArgs {
    /** The port the container listens on; the target group forwards to it. */
    port: number;
}

/**
 * The strategy a one-off or scheduled RunTask uses for a capacity mode: none for on-demand Fargate
 * (RunTask then takes `launchType: FARGATE`; the two are exclusive, ECS API reference, RunTask).
 */
export function runTaskStrategy(mode: CapacityMode): { capacityProvider: string; weight: number; base?: number }[] | undefined {
    return mode === CapacityMode.Fargate ? undefined : capacityProviderStrategy(mode);
}

export interface WebServiceArgs {
    /** The cluster's ARN. */
    clusterArn: pulumi.Input<string>;
    /**
     * The cluster's name. Pass `Cluster.clusterName`: it resolves only once the capacity providers
     * are attached, so the service never asks for a provider the cluster lacks.
     */
    clusterName: pulumi.Input<string>;
    /** The VPC of the load balancer, the target group and the security groups. */
    vpcId: pulumi.Input<string>;
    /** Public subnets for the load balancer, in at least two AZs. */
    loadBalancerSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Subnets for the tasks (private with NAT, or public with `assignPublicIp`). */
    taskSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Give tasks public IPs (needed in public subnets without NAT to pull images). @default false */
    assignPublicIp?: boolean;
    /** The container and its task definition; `port` is required here. */
    task: WebServiceTaskArgs;
    /** Tasks at first deploy, and always when autoscaling is off. @default 1 */
    desiredCount?: number;
    /** On-demand Fargate, Fargate Spot, or one on-demand task with the rest on Spot. @default CapacityMode.Fargate */
    capacity?: CapacityMode;
    /** The target group's health check. */
    healthCheck?: TargetHealthCheckArgs;
    /** Seconds the load balancer drains a target before ECS stops it (AWS default 300). @default 30 */
    deregistrationDelay?: number;
    /** Seconds ECS ignores failing load-balancer health checks of a new task. @default 30 */
    healthCheckGracePeriod?: number;
    /** ECS Exec (`aws ecs execute-command`) into running tasks. @default false */
    enableExecuteCommand?: boolean;
    /** Serve HTTPS (and redirect HTTP to it). HTTP only when omitted. */
    https?: HttpsArgs;
    /** Load balancer settings. */
    loadBalancer?: LoadBalancerArgs;
    /** Target-tracking autoscaling; a fixed `desiredCount` when omitted. */
    autoscaling?: AutoscalingArgs;
    /**
     * The command of the ready-to-run `aws ecs run-task` line (`runTaskCommand` output) that starts a
     * one-off task from the service's task definition, e.g. a migration.
     * @default ["node", "--version"]
     */
    oneOffCommand?: string[];
    /** Move tasks to balance AZs after an AZ recovers. @default true */
    availabilityZoneRebalancing?: boolean;
    tags?: Record<string, string>;
}

/** Every problem with a WebService's arguments (empty when valid). */
export function webServiceProblems(args: WebServiceArgs): string[] {
    const problems = taskDefinitionProblems(args.task).map((p) => `task.${p}`);
    if (args.task.port === undefined) problems.push("task.port: required for a web service");
    const desired = args.desiredCount ?? 1;
    checkInteger(problems, "desiredCount", desired, 0, 1000);
    checkInteger(problems, "deregistrationDelay", args.deregistrationDelay, 0, 3600);
    checkInteger(problems, "healthCheckGracePeriod", args.healthCheckGracePeriod, 0, 2147483647);
    const hc = args.healthCheck ?? {};
    for (const [key, [lo, hi]] of Object.entries(TARGET_HEALTH_CHECK_LIMITS)) checkInteger(problems, `healthCheck.${key}`, (hc as Record<string, number>)[key], lo, hi);
    if ((hc.timeout ?? 5) >= (hc.interval ?? 10)) problems.push(`healthCheck.timeout (${hc.timeout ?? 5}) must be less than healthCheck.interval (${hc.interval ?? 10})`);
    if (hc.path !== undefined && !/^\/[\x21-\x7e]{0,1023}$/.test(hc.path)) problems.push(`healthCheck.path: got "${hc.path}"; allowed: a path starting with "/", at most 1024 characters`);
    if (hc.matcher !== undefined && !/^([2-4]\d\d)([-,]([2-4]\d\d))*$/.test(hc.matcher)) problems.push(`healthCheck.matcher: got "${hc.matcher}"; allowed: HTTP codes 200–499 such as "200", "200,204" or "200-299"`);
    checkEnum(problems, "capacity", args.capacity, CapacityMode);
    if (args.https) {
        const { certificateArn, domain, hostedZoneId } = args.https;
        if (!certificateArn && !domain) problems.push("https: needs certificateArn (an issued ACM certificate) or domain with hostedZoneId");
        if (domain && !hostedZoneId) problems.push(`https.hostedZoneId: required with https.domain "${domain}" to validate the certificate and create the alias record`);
        if (typeof certificateArn === "string" && !/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/.test(certificateArn)) {
            problems.push(`https.certificateArn: got "${certificateArn}"; allowed: arn:aws:acm:<region>:<account>:certificate/<uuid>`);
        }
    }
    if (args.enableExecuteCommand && args.task.readonlyRootFilesystem === true) {
        problems.push("enableExecuteCommand: ECS Exec needs a writable root filesystem, but task.readonlyRootFilesystem is true");
    }
    const a = args.autoscaling;
    if (a) {
        checkInteger(problems, "autoscaling.minCount", a.minCount, 0, 1000);
        checkInteger(problems, "autoscaling.maxCount", a.maxCount, 1, 1000);
        if (a.minCount > a.maxCount) problems.push(`autoscaling: minCount ${a.minCount} is greater than maxCount ${a.maxCount}`);
        if (desired < a.minCount || desired > a.maxCount) problems.push(`desiredCount ${desired} must lie between autoscaling.minCount ${a.minCount} and autoscaling.maxCount ${a.maxCount}`);
        for (const key of ["cpuTarget", "memoryTarget"] as const) {
            const v = a[key];
            if (v !== undefined && !(v >= 1 && v <= 100)) problems.push(`autoscaling.${key}: got ${v}; allowed: a percentage 1–100`);
        }
        checkInteger(problems, "autoscaling.requestsPerTarget", a.requestsPerTarget, 1, 1000000);
        checkInteger(problems, "autoscaling.scaleInCooldown", a.scaleInCooldown, 0, 3600);
        checkInteger(problems, "autoscaling.scaleOutCooldown", a.scaleOutCooldown, 0, 3600);
    }
    return problems;
}

/** Each WebService's task definition component (see `WebService.taskDefinition`). */
const taskDefinitions = new WeakMap<WebService, FargateTaskDefinition>();

/**
 * A load-balanced Fargate service: an internet-facing ALB (HTTP, or HTTPS with TLS 1.3 and an
 * HTTP→HTTPS redirect), a target group of type `ip`, security groups that admit the tasks only from
 * the ALB, the ECS service (circuit breaker with rollback, 100/200 rolling deploys) and optional
 * target-tracking autoscaling.
 */
export class WebService extends pulumi.ComponentResource {
    /**
     * The service's task definition component (its roles, log group and revisions). A getter, not a
     * field: Pulumi's schema inference cannot describe a component-typed output for other languages.
     */
    public get taskDefinition(): FargateTaskDefinition { return taskDefinitions.get(this)!; }
    public readonly service: aws.ecs.Service;
    public readonly loadBalancer: aws.lb.LoadBalancer;
    public readonly targetGroup: aws.lb.TargetGroup;
    public readonly loadBalancerSecurityGroup: aws.ec2.SecurityGroup;
    public readonly taskSecurityGroup: aws.ec2.SecurityGroup;
    public readonly httpListener: aws.lb.Listener;
    public readonly httpsListener?: aws.lb.Listener;
    public readonly scalableTarget?: aws.appautoscaling.Target;
    /** The URL users reach the service at. */
    public readonly url: pulumi.Output<string>;
    public readonly serviceName: pulumi.Output<string>;
    public readonly logGroupName: pulumi.Output<string>;
    public readonly taskDefinitionArn: pulumi.Output<string>;
    /** A ready-to-run `aws ecs run-task` line for a one-off task of this service's task definition. */
    public readonly runTaskCommand: pulumi.Output<string>;
    /** A ready-to-run `aws ecs execute-command` line into a running task (only with ECS Exec). */
    public readonly execCommand?: pulumi.Output<string>;

    constructor(name: string, args: WebServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fargatekit:index:WebService", name, {}, opts);
        // The longest ELB child is the target group "<name>-tg"; with Pulumi's suffix it must fit 32.
        const problems = webServiceProblems(args);
        try {
            assertComponentName("WebService", name, "-alb", ELB_NAME_MAX);
        } catch (e) {
            problems.unshift((e as Error).message);
        }
        if (problems.length > 0) throw new Error(`WebService "${name}": ${problems.join("; ")}`);

        const parent = { parent: this };
        const port = args.task.port;
        const exec = args.enableExecuteCommand ?? false;

        const lb = createLoadBalancer(name, {
            vpcId: args.vpcId,
            subnetIds: args.loadBalancerSubnetIds,
            port,
            deregistrationDelay: args.deregistrationDelay ?? 30,
            healthCheck: args.healthCheck ?? {},
            https: args.https,
            loadBalancer: args.loadBalancer ?? {},
            tags: args.tags,
        }, this);
        this.loadBalancer = lb.loadBalancer;
        this.targetGroup = lb.targetGroup;
        this.loadBalancerSecurityGroup = lb.securityGroup;
        this.httpListener = lb.httpListener;
        this.httpsListener = lb.httpsListener;

        // Tasks admit only the load balancer, on the container port; they may reach out (image pulls,
        // logs, secrets, the app's own calls).
        this.taskSecurityGroup = new aws.ec2.SecurityGroup(`${name}-task`, {
            vpcId: args.vpcId,
            description: `Tasks of ${name}: port ${port} from its load balancer only`,
            tags: { ...args.tags, Name: `${name}-task` },
        }, parent);
        new aws.vpc.SecurityGroupIngressRule(`${name}-task-from-alb`, {
            securityGroupId: this.taskSecurityGroup.id,
            description: "Traffic from the load balancer",
            ipProtocol: "tcp",
            fromPort: port,
            toPort: port,
            referencedSecurityGroupId: lb.securityGroup.id,
        }, parent);
        new aws.vpc.SecurityGroupEgressRule(`${name}-task-out`, {
            securityGroupId: this.taskSecurityGroup.id,
            description: "Outbound (ECR, CloudWatch Logs, Secrets Manager, the app's dependencies)",
            ipProtocol: "-1",
            cidrIpv4: "0.0.0.0/0",
        }, parent);
        new aws.vpc.SecurityGroupEgressRule(`${name}-alb-to-task`, {
            securityGroupId: lb.securityGroup.id,
            description: "Requests and health checks to the tasks",
            ipProtocol: "tcp",
            fromPort: port,
            toPort: port,
            referencedSecurityGroupId: this.taskSecurityGroup.id,
        }, parent);

        taskDefinitions.set(this, new FargateTaskDefinition(name, { ...args.task, enableExecuteCommand: exec }, parent));

        const autoscaling = args.autoscaling;
        this.service = new aws.ecs.Service(`${name}`, {
            cluster: args.clusterArn,
            taskDefinition: this.taskDefinition.taskDefinitionArn,
            desiredCount: args.desiredCount ?? 1,
            capacityProviderStrategies: capacityProviderStrategy(args.capacity ?? CapacityMode.Fargate),
            platformVersion: "LATEST",
            networkConfiguration: {
                subnets: args.taskSubnetIds,
                securityGroups: [this.taskSecurityGroup.id],
                assignPublicIp: args.assignPublicIp ?? false,
            },
            loadBalancers: [{ targetGroupArn: lb.targetGroup.arn, containerName: this.taskDefinition.containerName, containerPort: port }],
            healthCheckGracePeriodSeconds: args.healthCheckGracePeriod ?? 30,
            // Rolling deploys keep full capacity (100%) and may double it (200%) while new tasks start;
            // a deploy whose tasks never get healthy is stopped and rolled back.
            deploymentMinimumHealthyPercent: 100,
            deploymentMaximumPercent: 200,
            deploymentCircuitBreaker: { enable: true, rollback: true },
            enableExecuteCommand: exec,
            enableEcsManagedTags: true,
            propagateTags: "SERVICE",
            availabilityZoneRebalancing: (args.availabilityZoneRebalancing ?? true) ? "ENABLED" : "DISABLED",
            // `pulumi up` returns only when the deployment is steady, and fails when it is rolled back.
            waitForSteadyState: true,
            tags: args.tags,
        }, {
            parent: this,
            // The target group must belong to a load balancer before a service can use it
            // ("The target group … does not have an associated load balancer"): wait for the listener.
            dependsOn: [...new Set([lb.forwardingListener, lb.httpListener])],
            // Once autoscaling owns the task count, a deploy must not reset it.
            ignoreChanges: autoscaling ? ["desiredCount"] : [],
        });

        if (autoscaling) {
            this.scalableTarget = createAutoscaling(name, {
                ...autoscaling,
                clusterName: args.clusterName,
                serviceName: this.service.name,
                loadBalancerArnSuffix: lb.loadBalancer.arnSuffix,
                targetGroupArnSuffix: lb.targetGroup.arnSuffix,
            }, this).target;
        }

        this.url = lb.url;
        this.serviceName = this.service.name;
        this.logGroupName = this.taskDefinition.logGroupName;
        this.taskDefinitionArn = this.taskDefinition.taskDefinitionArn;
        const region = pulumi.output(args.clusterArn).apply((arn) => arn.split(":")[3]);
        const capacity = args.capacity ?? CapacityMode.Fargate;
        const containerName = this.taskDefinition.containerName;
        this.runTaskCommand = pulumi.output({
            region,
            cluster: args.clusterArn,
            taskDefinition: this.taskDefinitionArn,
            subnets: args.taskSubnetIds,
            securityGroups: [this.taskSecurityGroup.id],
            assignPublicIp: args.assignPublicIp ?? false,
            // Where the service runs (Spot in dev), so a one-off costs what a service task costs.
            capacityProviderStrategy: runTaskStrategy(capacity),
            containerName,
            command: args.oneOffCommand ?? ["node", "--version"],
        }).apply(runTaskCommand);
        this.execCommand = exec
            ? pulumi.output({ region, cluster: args.clusterArn, serviceName: this.serviceName, containerName }).apply(executeCommandLine)
            : undefined;
        this.registerOutputs({ runTaskCommand: this.runTaskCommand, execCommand: this.execCommand, url: this.url, serviceName: this.serviceName, logGroupName: this.logGroupName, taskDefinitionArn: this.taskDefinitionArn });
    }
}
