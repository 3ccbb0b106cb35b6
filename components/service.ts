import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    alarmName, AlarmThresholds, ALARM_KINDS, latencyP99Alarm, PUBLIC_SERVICE_ALARMS, resolveSettings, runningTasksAlarm, targetErrorRateAlarm, thresholdsProblems,
    unhealthyHostsAlarm, utilisationAlarm,
} from "./alarm-catalog";
import { AlertsRef, createAlarm } from "./alerts";
import { AutoscalingArgs, createAutoscaling } from "./autoscaling";
import { CapacityMode, capacityProviderStrategy, runTaskStrategy } from "./capacity";
import { ClusterRef } from "./cluster";
import { runningTaskDefinition } from "./deploy-check";
import { assumeRolePolicy } from "./iam";
import { LoadBalancerRef, TARGET_HEALTH_CHECK_LIMITS, TargetHealthCheckArgs } from "./load-balancer";
import { listenerRuleProblems, routeConditions } from "./listener-rules";
import { assertComponentName, ELB_NAME_MAX } from "./names";
import { NetworkRef, placementProblem, taskPlacement, TaskSubnets } from "./placement";
import { QueueRef, queueConsumerStatements } from "./queue";
import { deploymentConfiguration, ECS_LOAD_BALANCER_INFRASTRUCTURE_POLICY, ReleaseArgs, releaseProblems, shiftsTraffic } from "./release";
import { executeCommandLine, runTaskCommand } from "./run-task-command";
import { FargateTaskDefinition, FargateTaskDefinitionArgs, taskDefinitionProblems } from "./task-definition";
import { checkEnum, checkInteger } from "./validate";

/** Who can reach a service. */
export enum Exposure {
    /** From the internet, through a load balancer's listener rule and a target group of its own. */
    Public = "public",
    /** Only from other services of the cluster that call it, through ECS Service Connect. */
    Internal = "internal",
    /** From nobody: a worker (it may still call others). */
    None = "none",
}

/** The Service Connect port name every service's container port mapping carries. */
export const SERVICE_CONNECT_PORT_NAME = "http";

/** A public service's route on the shared load balancer. */
export interface PublicRouteArgs {
    /** The load balancer whose listener gets the rule (a `LoadBalancer` fits). */
    loadBalancer: LoadBalancerRef;
    /**
     * Path patterns the rule matches (`*` and `?` wildcards, case-sensitive), e.g. `["/api/*"]`.
     * With `hosts`, both must match. Paths and hosts together hold at most 5 values.
     * @default ["/*"] when no hosts are given
     */
    paths?: string[];
    /** Host names the rule matches (`*` and `?` wildcards), e.g. `["api.example.com"]`. */
    hosts?: string[];
    /**
     * The rule's priority on the listener, 1–50000, unique per listener; the lowest matching number
     * wins. Give each service a fixed number, so adding or removing one never renumbers the others;
     * a catch-all (`/*`) takes a high one such as 50000.
     */
    priority: number;
    /** The target group's health check. */
    healthCheck?: TargetHealthCheckArgs;
    /** Seconds the load balancer drains a target before ECS stops it (AWS default 300). @default 30 */
    deregistrationDelay?: number;
    /**
     * A listener for test traffic (blue/green, canary, linear): the service gets a test rule there with
     * the same match and priority, which ECS points at green before production traffic moves.
     */
    testListenerArn?: pulumi.Input<string>;
}

/** What a caller needs of an internal service; an internal `Service` is one. */
export interface InternalServiceRef {
    /** The name callers use: `http://<discoveryName>:<port>`. */
    discoveryName: string;
    /** The called service's task security group: it gets an ingress rule from each caller. */
    securityGroupId: pulumi.Input<string>;
    /** The called service's container port. */
    port?: number;
}

/** The service's alarms: what they watch is in `AlarmThresholds`; they notify `alerts`. */
export interface ServiceAlarmsArgs {
    /** Where the alarms notify and how they are named (an `Alerts` fits). */
    alerts: AlertsRef;
    /** Per-alarm settings over the defaults (see the package README, "Alarms"). */
    thresholds?: AlarmThresholds;
    /**
     * ECS watches the deployment alarms (a public service's target 5xx rate and p99 latency) during
     * each deployment and its bake time, and rolls back when one goes to ALARM. @default true
     */
    rollback?: boolean;
    /** The cluster has Container Insights (the running-tasks alarm reads its task counts). @default true */
    containerInsights?: boolean;
}

export interface ServiceArgs {
    /** The cluster (a `Cluster` fits). Internal services and callers need its Service Connect namespace. */
    cluster: ClusterRef;
    /** The network (a `Network` fits). */
    network: NetworkRef;
    /** Where the tasks run. @default private behind NAT, public with a public IP when the network has no NAT */
    subnets?: TaskSubnets;
    /** The container and its task definition; `port` is required for public and internal services. */
    task: FargateTaskDefinitionArgs;
    /** Who can reach the service. @default Exposure.Public with `route`, else Exposure.None */
    expose?: Exposure;
    /** The load-balancer route of a public service. */
    route?: PublicRouteArgs;
    /**
     * Internal services this one calls. Each gets an ingress rule from this service on its port, and
     * this service gets `<NAME>_URL=http://<name>:<port>` (name upper-cased, `-` as `_`).
     */
    calls?: InternalServiceRef[];
    /** A queue the service consumes: it may receive and delete its messages and gets `QUEUE_URL`. */
    queue?: QueueRef;
    /** Tasks at first deploy, and always when autoscaling is off. @default 1 */
    desiredCount?: number;
    /** On-demand Fargate, Fargate Spot, or one on-demand task with the rest on Spot. @default CapacityMode.Fargate */
    capacity?: CapacityMode;
    /** Seconds ECS ignores failing load-balancer health checks of a new task (public services). @default 30 */
    healthCheckGracePeriod?: number;
    /** ECS Exec (`aws ecs execute-command`) into running tasks. @default false */
    enableExecuteCommand?: boolean;
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
    /**
     * Seconds the Service Connect proxy keeps an idle connection to this internal service's tasks
     * (AWS's default is 300). Keep it below the app's keep-alive timeout, or the proxy reuses a
     * connection the app already closed and the caller gets a 503. @default 60
     */
    serviceConnectIdleTimeout?: number;
    /** CloudWatch alarms on the service, notifying an alerts topic; none when omitted. */
    alarms?: ServiceAlarmsArgs;
    /**
     * How a new task definition goes live: rolling (the default), or, for a public service, ECS's
     * blue/green, canary or linear traffic shifting between two target groups.
     */
    release?: ReleaseArgs;
    /** Tags for every resource. */
    tags?: Record<string, string>;
}

/** The exposure a service's args amount to. */
export function exposureOf(args: { expose?: Exposure; route?: unknown }): Exposure {
    return args.expose ?? (args.route ? Exposure.Public : Exposure.None);
}

/** `api-v2` → `API_V2_URL`: the variable a caller reads an internal service's URL from. */
export function urlVariable(discoveryName: string): string {
    return `${discoveryName.toUpperCase().replace(/-/g, "_")}_URL`;
}

/** Every problem with a Service's arguments (empty when valid). */
export function serviceProblems(args: ServiceArgs): string[] {
    const problems = taskDefinitionProblems(args.task).map((p) => `task.${p}`);
    checkEnum(problems, "expose", args.expose, Exposure);
    const expose = exposureOf(args);
    if (expose !== Exposure.None && args.task.port === undefined) problems.push(`task.port: required for a ${expose} service`);
    if (expose === Exposure.None && args.task.port !== undefined) problems.push(`task.port: got ${args.task.port}; a service exposed to nobody (a worker) listens on no port, omit it`);
    if (expose === Exposure.Public && !args.route) problems.push("route: required for a public service (its load balancer, paths or hosts, priority)");
    if (expose !== Exposure.Public && args.route) problems.push(`route: only a public service has one, but expose is "${expose}"`);
    const needsNamespace = expose === Exposure.Internal || (args.calls ?? []).length > 0;
    if (needsNamespace && args.cluster.serviceConnectNamespaceArn === undefined) {
        problems.push("cluster.serviceConnectNamespaceArn: internal services and their callers need the cluster's Service Connect namespace");
    }
    const desired = args.desiredCount ?? 1;
    checkInteger(problems, "desiredCount", desired, 0, 1000);
    checkInteger(problems, "healthCheckGracePeriod", args.healthCheckGracePeriod, 0, 2147483647);
    checkInteger(problems, "serviceConnectIdleTimeout", args.serviceConnectIdleTimeout, 0, 2147483647);
    checkEnum(problems, "capacity", args.capacity, CapacityMode);
    checkEnum(problems, "subnets", args.subnets, TaskSubnets);
    const placement = placementProblem(args.network, args.subnets);
    if (placement) problems.push(placement);
    if (args.route) {
        const r = args.route;
        problems.push(...listenerRuleProblems(r).map((p) => `route.${p}`));
        checkInteger(problems, "route.deregistrationDelay", r.deregistrationDelay, 0, 3600);
        const hc = r.healthCheck ?? {};
        for (const [key, [lo, hi]] of Object.entries(TARGET_HEALTH_CHECK_LIMITS)) checkInteger(problems, `route.healthCheck.${key}`, (hc as Record<string, number>)[key], lo, hi);
        if ((hc.timeout ?? 5) >= (hc.interval ?? 10)) problems.push(`route.healthCheck.timeout (${hc.timeout ?? 5}) must be less than route.healthCheck.interval (${hc.interval ?? 10})`);
        if (hc.path !== undefined && !/^\/[\x21-\x7e]{0,1023}$/.test(hc.path)) problems.push(`route.healthCheck.path: got "${hc.path}"; allowed: a path starting with "/", at most 1024 characters`);
        if (hc.matcher !== undefined && !/^([2-4]\d\d)([-,]([2-4]\d\d))*$/.test(hc.matcher)) problems.push(`route.healthCheck.matcher: got "${hc.matcher}"; allowed: HTTP codes 200–499 such as "200", "200,204" or "200-299"`);
    }
    const seen = new Set<string>();
    for (const [i, callee] of (args.calls ?? []).entries()) {
        if (callee.port === undefined) problems.push(`calls[${i}] (${callee.discoveryName}): has no port; only an internal service can be called`);
        if (seen.has(callee.discoveryName)) problems.push(`calls[${i}]: "${callee.discoveryName}" is listed twice`);
        seen.add(callee.discoveryName);
        const variable = urlVariable(callee.discoveryName);
        if (variable in (args.task.environment ?? {}) || variable in (args.task.secrets ?? {})) problems.push(`task.environment.${variable}: set by calls (${callee.discoveryName}); remove it`);
    }
    if (args.queue && ("QUEUE_URL" in (args.task.environment ?? {}))) problems.push("task.environment.QUEUE_URL: set by queue; remove it");
    if (args.alarms) {
        const t = args.alarms.thresholds ?? {};
        problems.push(...thresholdsProblems("alarms.thresholds", t));
        for (const kind of PUBLIC_SERVICE_ALARMS) if (t[kind] !== undefined && expose !== Exposure.Public) problems.push(`alarms.thresholds.${kind}: only a public service has load-balancer metrics, but expose is "${expose}"`);
        for (const kind of ["queueAge", "deadLetters", "loadBalancerErrors"] as const) {
            if (t[kind] !== undefined) problems.push(`alarms.thresholds.${kind}: not a service alarm (the queue's and the load balancer's alarms are theirs)`);
        }
    }
    problems.push(...releaseProblems(args.release, "release", { publicService: expose === Exposure.Public, exposure: expose }));
    if (args.route?.testListenerArn !== undefined && !shiftsTraffic(args.release)) {
        problems.push(`route.testListenerArn: only a blue/green, canary or linear release sends test traffic, but release.strategy is "${args.release?.strategy ?? "ROLLING"}"`);
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
        if (a.requestsPerTarget !== undefined && expose !== Exposure.Public) problems.push(`autoscaling.requestsPerTarget: only a public service has load-balancer requests to track, but expose is "${expose}"`);
        checkInteger(problems, "autoscaling.backlogPerTask", a.backlogPerTask, 1, 1000000);
        if (a.backlogPerTask !== undefined && !args.queue) problems.push("autoscaling.backlogPerTask: needs the queue the service consumes (queue)");
        if (a.backlogPerTask !== undefined && a.minCount < 1) problems.push(`autoscaling.minCount: got ${a.minCount}; backlog per task divides by the running tasks, so at least 1`);
        checkInteger(problems, "autoscaling.scaleInCooldown", a.scaleInCooldown, 0, 3600);
        checkInteger(problems, "autoscaling.scaleOutCooldown", a.scaleOutCooldown, 0, 3600);
    }
    return problems;
}

/** Each Service's task definition component (see `Service.taskDefinition`). */
const taskDefinitions = new WeakMap<Service, FargateTaskDefinition>();

/**
 * A Fargate service: its task definition (roles, log group), a task security group, the ECS service
 * (circuit breaker with rollback, 100/200 rolling deploys, spread across the subnets' AZs) and
 * optional target-tracking autoscaling, exposed in one of three ways:
 * - public: a target group of type `ip` and a listener rule on a shared `LoadBalancer`; the tasks
 *   admit the load balancer only, on their port;
 * - internal: registered in the cluster's Service Connect namespace as `http://<name>:<port>`; the
 *   tasks admit only the services that list it in `calls`;
 * - none: a worker that admits nothing (it may consume a `Queue` and scale on its backlog).
 */
export class Service extends pulumi.ComponentResource {
    /**
     * The service's task definition component (its roles, log group and revisions). A getter, not a
     * field: Pulumi's schema inference cannot describe a component-typed output for other languages.
     */
    public get taskDefinition(): FargateTaskDefinition { return taskDefinitions.get(this)!; }
    public readonly service: aws.ecs.Service;
    public readonly taskSecurityGroup: aws.ec2.SecurityGroup;
    public readonly targetGroup?: aws.lb.TargetGroup;
    /** The second target group of a blue/green, canary or linear release (ECS alternates the two). */
    public readonly alternateTargetGroup?: aws.lb.TargetGroup;
    /** The production listener rule; with a traffic-shifting release ECS owns its forward weights. */
    public readonly listenerRule?: aws.lb.ListenerRule;
    /** The test listener rule of a traffic-shifting release with a test listener. */
    public readonly testListenerRule?: aws.lb.ListenerRule;
    /** The role ECS assumes to move traffic between the two target groups (traffic-shifting releases). */
    public readonly infrastructureRole?: aws.iam.Role;
    public readonly scalableTarget?: aws.appautoscaling.Target;
    /** How the service is exposed. */
    public readonly expose: Exposure;
    /** The name callers use (`http://<discoveryName>:<port>` inside the cluster's namespace). */
    public readonly discoveryName: string;
    /** The container port (undefined for a worker). */
    public readonly port?: number;
    /** The task security group's id. */
    public readonly securityGroupId: pulumi.Output<string>;
    public readonly serviceName: pulumi.Output<string>;
    public readonly logGroupName: pulumi.Output<string>;
    public readonly taskDefinitionArn: pulumi.Output<string>;
    /**
     * The task definition the service runs after this `pulumi up`: the one it was given, or the update
     * fails, naming the revision ECS rolled back to (see deploy-check.ts).
     */
    public readonly runningTaskDefinitionArn: pulumi.Output<string>;
    /** The target group's ARN suffix (public services; the CloudWatch `TargetGroup` dimension). */
    public readonly targetGroupArnSuffix?: pulumi.Output<string>;
    /** A ready-to-run `aws ecs run-task` line for a one-off task of this service's task definition. */
    public readonly runTaskCommand: pulumi.Output<string>;
    /** A ready-to-run `aws ecs execute-command` line into a running task (only with ECS Exec). */
    public readonly execCommand?: pulumi.Output<string>;
    /** The service's CloudWatch alarms (none without `alarms`). */
    public readonly alarms: aws.cloudwatch.MetricAlarm[];
    /** Their names and ARNs. */
    public readonly alarmNames: pulumi.Output<string[]>;
    public readonly alarmArns: pulumi.Output<string[]>;
    /** The alarms ECS rolls a deployment back on. */
    public readonly deploymentAlarmNames: pulumi.Output<string[]>;

    constructor(name: string, args: ServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fargatekit:index:Service", name, {}, opts);
        const problems = serviceProblems(args);
        const shifting = shiftsTraffic(args.release) && args.route !== undefined;
        try {
            // The longest ELB child is the target group "<name>-tg" ("<name>-tg2" with a traffic-shifting
            // release); with Pulumi's suffix it must fit 32.
            assertComponentName("Service", name, shifting ? "-tg2" : "-tg", ELB_NAME_MAX);
        } catch (e) {
            problems.unshift((e as Error).message);
        }
        if (problems.length > 0) throw new Error(`Service "${name}": ${problems.join("; ")}`);

        const parent = { parent: this };
        const expose = exposureOf(args);
        const port = args.task.port;
        const exec = args.enableExecuteCommand ?? false;
        const calls = args.calls ?? [];
        const { subnetIds, assignPublicIp } = taskPlacement(args.network, args.subnets);
        const region = aws.getRegionOutput({}, parent).region;
        this.expose = expose;
        this.discoveryName = name;
        this.port = port;

        // Tasks admit only what the exposure allows; they may reach out (image pulls, logs, secrets,
        // the services they call, the app's own dependencies).
        this.taskSecurityGroup = new aws.ec2.SecurityGroup(`${name}-task`, {
            vpcId: args.network.vpcId,
            description: expose === Exposure.Public ? `Tasks of ${name}: port ${port} from its load balancer only`
                : expose === Exposure.Internal ? `Tasks of ${name}: port ${port} from its callers only`
                : `Tasks of ${name}: no inbound traffic`,
            tags: { ...args.tags, Name: `${name}-task` },
        }, parent);
        this.securityGroupId = this.taskSecurityGroup.id;
        new aws.vpc.SecurityGroupEgressRule(`${name}-task-out`, {
            securityGroupId: this.taskSecurityGroup.id,
            description: "Outbound (ECR, CloudWatch Logs, Secrets Manager, called services, the app's dependencies)",
            ipProtocol: "-1",
            cidrIpv4: "0.0.0.0/0",
        }, parent);
        for (const callee of calls) {
            // Service Connect's proxy in the caller's task connects to the callee's tasks on their
            // container port, from the caller's ENI (ECS developer guide, "Service Connect": security groups).
            new aws.vpc.SecurityGroupIngressRule(`${name}-to-${callee.discoveryName}`, {
                securityGroupId: callee.securityGroupId,
                description: `Calls from ${name} (Service Connect)`,
                ipProtocol: "tcp",
                fromPort: callee.port!,
                toPort: callee.port!,
                referencedSecurityGroupId: this.taskSecurityGroup.id,
            }, parent);
        }

        const environment: Record<string, pulumi.Input<string>> = { ...args.task.environment };
        for (const callee of calls) environment[urlVariable(callee.discoveryName)] = `http://${callee.discoveryName}:${callee.port}`;
        let taskRoleStatements = args.task.taskRoleStatements;
        if (args.queue) {
            environment.QUEUE_URL = args.queue.queueUrl;
            environment.AWS_REGION = environment.AWS_REGION ?? region;
            const consume = queueConsumerStatements(args.queue.queueArn);
            taskRoleStatements = pulumi.output(args.task.taskRoleStatements ?? []).apply((extra) => [...consume, ...extra]) as pulumi.Input<pulumi.Input<Record<string, any>>[]>;
        }
        taskDefinitions.set(this, new FargateTaskDefinition(name, { ...args.task, environment, taskRoleStatements, enableExecuteCommand: exec }, parent));
        const containerName = this.taskDefinition.containerName;

        let loadBalancers: aws.types.input.ecs.ServiceLoadBalancer[] = [];
        const dependsOn: pulumi.Resource[] = [];
        if (args.route) {
            const r = args.route;
            const hc = r.healthCheck ?? {};
            const targetGroup = (logicalName: string) => new aws.lb.TargetGroup(logicalName, {
                vpcId: args.network.vpcId,
                // Fargate tasks use awsvpc networking: they register by IP, never by instance
                // (ECS developer guide, "Use a load balancer to distribute Amazon ECS service traffic").
                targetType: "ip",
                port: port!,
                protocol: "HTTP",
                protocolVersion: "HTTP1",
                deregistrationDelay: r.deregistrationDelay ?? 30,
                healthCheck: {
                    enabled: true,
                    protocol: "HTTP",
                    port: "traffic-port",
                    path: hc.path ?? "/health",
                    interval: hc.interval ?? 10,
                    timeout: hc.timeout ?? 5,
                    healthyThreshold: hc.healthyThreshold ?? 2,
                    unhealthyThreshold: hc.unhealthyThreshold ?? 3,
                    matcher: hc.matcher ?? "200",
                },
                tags: args.tags,
            }, parent);
            this.targetGroup = targetGroup(`${name}-tg`);
            // Blue/green, canary and linear: a second, identical target group. ECS registers the new
            // revision in whichever of the two carries no production traffic, then moves the weights
            // ("Application Load Balancer resources for blue/green, linear, and canary deployments").
            if (shifting) this.alternateTargetGroup = targetGroup(`${name}-tg2`);
            this.targetGroupArnSuffix = this.targetGroup.arnSuffix;
            // A traffic-shifting release needs both target groups on the production (and test) rule,
            // weighted 100/0 at creation: ECS rolls back a deployment whose target groups are not
            // "associated with the productionListenerRule or testListenerRule". ECS then rewrites the
            // weights at every deployment (and leaves them swapped: the live group alternates), so
            // Pulumi must not put its own weights back: `ignoreChanges: ["actions"]` keeps whatever ECS
            // set (terraform-aws-modules/terraform-aws-alb#409 is the same drift under Terraform). A
            // change of paths, hosts or priority still updates the rule.
            const actions = shifting
                ? [{ type: "forward", forward: { targetGroups: [{ arn: this.targetGroup.arn, weight: 100 }, { arn: this.alternateTargetGroup!.arn, weight: 0 }] } }]
                : [{ type: "forward", targetGroupArn: this.targetGroup.arn }];
            const ruleOptions = { parent: this, ignoreChanges: shifting ? ["actions"] : [] };
            this.listenerRule = new aws.lb.ListenerRule(`${name}-route`, {
                listenerArn: r.loadBalancer.listenerArn,
                priority: r.priority,
                conditions: routeConditions(r),
                actions,
                tags: args.tags,
            }, ruleOptions);
            if (shifting && r.testListenerArn !== undefined) {
                this.testListenerRule = new aws.lb.ListenerRule(`${name}-test-route`, {
                    listenerArn: r.testListenerArn,
                    priority: r.priority,
                    conditions: routeConditions(r),
                    actions,
                    tags: args.tags,
                }, ruleOptions);
            }
            new aws.vpc.SecurityGroupIngressRule(`${name}-task-from-alb`, {
                securityGroupId: this.taskSecurityGroup.id,
                description: "Traffic from the load balancer",
                ipProtocol: "tcp",
                fromPort: port!,
                toPort: port!,
                referencedSecurityGroupId: r.loadBalancer.securityGroupId,
            }, parent);
            new aws.vpc.SecurityGroupEgressRule(`${name}-alb-to-task`, {
                securityGroupId: r.loadBalancer.securityGroupId,
                description: `Requests and health checks to the tasks of ${name}`,
                ipProtocol: "tcp",
                fromPort: port!,
                toPort: port!,
                referencedSecurityGroupId: this.taskSecurityGroup.id,
            }, parent);
            let advancedConfiguration: aws.types.input.ecs.ServiceLoadBalancerAdvancedConfiguration | undefined;
            if (shifting) {
                // The role ECS assumes to register tasks and move the rule's weights. Trust and policy as
                // the ECS developer guide gives them ("Amazon ECS infrastructure IAM role for load
                // balancers"): ecs.amazonaws.com may assume it, with the AWS managed policy
                // AmazonECSInfrastructureRolePolicyForLoadBalancers. The guide's trust policy has no
                // condition, and ECS documents no aws:SourceAccount/SourceArn for it, so none is added (one
                // ECS did not send would break every deployment); a role cannot be passed to another
                // account's service, and iam:PassRole decides who may hand it to ECS.
                this.infrastructureRole = new aws.iam.Role(`${name}-ecs-lb`, {
                    description: `ECS moves traffic between the target groups of ${name} during deployments`,
                    assumeRolePolicy: assumeRolePolicy("ecs.amazonaws.com"),
                    tags: args.tags,
                }, parent);
                const partition = aws.getPartitionOutput({}, parent).partition;
                const attachment = new aws.iam.RolePolicyAttachment(`${name}-ecs-lb`, {
                    role: this.infrastructureRole.name,
                    policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${ECS_LOAD_BALANCER_INFRASTRUCTURE_POLICY}`,
                }, parent);
                // The service must not start (or be deleted) without the role's permissions.
                dependsOn.push(attachment);
                advancedConfiguration = {
                    alternateTargetGroupArn: this.alternateTargetGroup!.arn,
                    productionListenerRule: this.listenerRule.arn,
                    roleArn: this.infrastructureRole.arn,
                    ...(this.testListenerRule ? { testListenerRule: this.testListenerRule.arn } : {}),
                };
            }
            loadBalancers = [{ targetGroupArn: this.targetGroup.arn, containerName, containerPort: port!, ...(advancedConfiguration ? { advancedConfiguration } : {}) }];
            // The target group must belong to a load balancer before a service can use it
            // ("The target group … does not have an associated load balancer"): wait for the rule.
            dependsOn.push(this.listenerRule);
            if (this.testListenerRule) dependsOn.push(this.testListenerRule);
        }

        // Alarms that need only the load balancer's metrics exist before the ECS service, so its
        // deployment alarms name alarms that are there when the first deployment is watched.
        const alarmArgs = args.alarms;
        const thresholds = alarmArgs?.thresholds ?? {};
        const alarms: aws.cloudwatch.MetricAlarm[] = [];
        const deploymentAlarms: aws.cloudwatch.MetricAlarm[] = [];
        const alarm = (kind: keyof AlarmThresholds, build: (s: ReturnType<typeof resolveSettings>) => Parameters<typeof createAlarm>[2]) => {
            const a = createAlarm(`${name}-${ALARM_KINDS[kind].slug}`, alarmName(alarmArgs!.alerts.namePrefix, name, kind), build(resolveSettings(kind, thresholds[kind])), alarmArgs!.alerts, { parent: this }, args.tags);
            alarms.push(a);
            if (ALARM_KINDS[kind].deployment) deploymentAlarms.push(a);
            return a;
        };
        if (alarmArgs && args.route && this.targetGroup) {
            const lb = args.route.loadBalancer.arnSuffix;
            // Under traffic shifting ECS swaps the live group at each deployment: watch both.
            const tg = this.alternateTargetGroup ? [this.targetGroup.arnSuffix, this.alternateTargetGroup.arnSuffix] : this.targetGroup.arnSuffix;
            alarm("targetErrorRate", (st) => targetErrorRateAlarm(name, st, lb, tg));
            alarm("latencyP99", (st) => latencyP99Alarm(name, st, lb, tg));
            alarm("unhealthyHosts", (st) => unhealthyHostsAlarm(name, st, lb, tg));
        }
        const rollbackOn = (alarmArgs?.rollback ?? true) ? deploymentAlarms : [];
        dependsOn.push(...rollbackOn);

        // Only tasks started after a Service Connect endpoint exists can resolve it (ECS developer guide,
        // "Amazon ECS Service Connect components"): a caller starts after the services it calls.
        for (const callee of calls) if (callee instanceof pulumi.Resource) dependsOn.push(callee);
        const serviceConnect = expose === Exposure.Internal || calls.length > 0;
        const autoscaling = args.autoscaling;
        this.service = new aws.ecs.Service(name, {
            cluster: args.cluster.clusterArn,
            taskDefinition: this.taskDefinition.taskDefinitionArn,
            desiredCount: args.desiredCount ?? 1,
            capacityProviderStrategies: capacityProviderStrategy(args.capacity ?? CapacityMode.Fargate),
            platformVersion: "LATEST",
            networkConfiguration: { subnets: subnetIds, securityGroups: [this.taskSecurityGroup.id], assignPublicIp },
            loadBalancers,
            ...(args.route ? { healthCheckGracePeriodSeconds: args.healthCheckGracePeriod ?? 30 } : {}),
            ...(serviceConnect ? {
                serviceConnectConfiguration: {
                    enabled: true,
                    namespace: args.cluster.serviceConnectNamespaceArn!,
                    // A server registers its named port; a client-only service just gets the proxy
                    // (ECS developer guide, "Service Connect configuration").
                    ...(expose === Exposure.Internal ? {
                        services: [{
                            portName: SERVICE_CONNECT_PORT_NAME,
                            discoveryName: name,
                            clientAlias: [{ port: port!, dnsName: name }],
                            timeout: { idleTimeoutSeconds: args.serviceConnectIdleTimeout ?? 60 },
                        }],
                    } : {}),
                },
            } : {}),
            // Rolling deploys keep full capacity (100%) and may double it (200%) while new tasks start;
            // a deploy whose tasks never get healthy is stopped and rolled back.
            deploymentMinimumHealthyPercent: 100,
            deploymentMaximumPercent: 200,
            // The circuit breaker stays on with every strategy: ECS applies it to rolling and blue/green
            // deployments ("Amazon ECS deployment failure detection"), so green tasks that never get
            // healthy fail the deployment before any production traffic moves.
            deploymentCircuitBreaker: { enable: true, rollback: true },
            // A release that passes the health checks but answers 5xx or slowly is rolled back too
            // (ECS developer guide, "How CloudWatch alarms detect Amazon ECS deployment failures").
            ...(rollbackOn.length > 0 ? { alarms: { alarmNames: rollbackOn.map((a) => a.name), enable: true, rollback: true } } : {}),
            ...(shifting ? { deploymentConfiguration: deploymentConfiguration(args.release) } : {}),
            enableExecuteCommand: exec,
            enableEcsManagedTags: true,
            propagateTags: "SERVICE",
            availabilityZoneRebalancing: (args.availabilityZoneRebalancing ?? true) ? "ENABLED" : "DISABLED",
            waitForSteadyState: true,
            tags: args.tags,
        }, {
            parent: this,
            dependsOn,
            ignoreChanges: [
                // Once autoscaling owns the task count, a deploy must not reset it.
                ...(autoscaling ? ["desiredCount"] : []),
                // After each traffic-shifting deployment ECS swaps the service's target group and its
                // alternate (the live one alternates). Sending the configured pair back would make the
                // next deployment land on the live group (hashicorp/terraform-provider-aws#45678), so
                // the block is what it was at creation. Consequence: switching an existing service to or
                // from a traffic-shifting release needs `pulumi up --replace <service URN>` (README,
                // "Release strategies").
                ...(shifting ? ["loadBalancers"] : []),
            ],
        });

        if (autoscaling) {
            this.scalableTarget = createAutoscaling(name, {
                ...autoscaling,
                clusterName: args.cluster.clusterName,
                serviceName: this.service.name,
                loadBalancerArnSuffix: args.route?.loadBalancer.arnSuffix,
                targetGroupArnSuffix: this.targetGroup?.arnSuffix,
                alternateTargetGroupArnSuffix: this.alternateTargetGroup?.arnSuffix,
                queueName: args.queue?.queueName,
            }, this).target;
        }

        if (alarmArgs) {
            const cluster = args.cluster.clusterName;
            const service = this.service.name;
            alarm("cpu", (st) => utilisationAlarm("cpu", name, st, cluster, service));
            alarm("memory", (st) => utilisationAlarm("memory", name, st, cluster, service));
            if (alarmArgs.containerInsights ?? true) alarm("runningTasks", (st) => runningTasksAlarm(name, st, cluster, service));
        }
        this.alarms = alarms;
        this.alarmNames = pulumi.output(alarms.map((a) => a.name));
        this.alarmArns = pulumi.output(alarms.map((a) => a.arn));
        this.deploymentAlarmNames = pulumi.output(rollbackOn.map((a) => a.name));

        this.serviceName = this.service.name;
        this.logGroupName = this.taskDefinition.logGroupName;
        this.taskDefinitionArn = this.taskDefinition.taskDefinitionArn;
        this.runningTaskDefinitionArn = runningTaskDefinition({
            service: name,
            resource: this.service,
            running: this.service.taskDefinition,
            wanted: this.taskDefinitionArn,
            ecsServiceName: this.service.name,
            cluster: args.cluster.clusterName,
            region,
        });
        const capacity = args.capacity ?? CapacityMode.Fargate;
        this.runTaskCommand = pulumi.output({
            region,
            cluster: args.cluster.clusterArn,
            taskDefinition: this.taskDefinitionArn,
            subnets: subnetIds,
            securityGroups: [this.taskSecurityGroup.id],
            assignPublicIp,
            // Where the service runs (Spot in dev), so a one-off costs what a service task costs.
            capacityProviderStrategy: runTaskStrategy(capacity),
            containerName,
            command: args.oneOffCommand ?? ["node", "--version"],
        }).apply(runTaskCommand);
        this.execCommand = exec
            ? pulumi.output({ region, cluster: args.cluster.clusterArn, serviceName: this.serviceName, containerName }).apply(executeCommandLine)
            : undefined;
        this.registerOutputs({
            runTaskCommand: this.runTaskCommand, execCommand: this.execCommand, serviceName: this.serviceName, securityGroupId: this.securityGroupId,
            logGroupName: this.logGroupName, taskDefinitionArn: this.taskDefinitionArn, targetGroupArnSuffix: this.targetGroupArnSuffix,
            alarmNames: this.alarmNames, alarmArns: this.alarmArns, deploymentAlarmNames: this.deploymentAlarmNames,
            // Registered so a rolled-back deploy fails the program (deploy-check.ts).
            runningTaskDefinitionArn: this.runningTaskDefinitionArn,
        });
    }
}
