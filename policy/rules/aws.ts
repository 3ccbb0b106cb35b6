/**
 * AWS's hard rules: configurations AWS refuses, or that never become healthy. Each cites its source.
 */
// The one Fargate size table, shared with the components (a pure module: no Pulumi imports).
import { FARGATE_MAX_STOP_TIMEOUT, HEALTH_CHECK_LIMITS, LOG_RETENTION_DAYS, TARGET_HEALTH_CHECK_LIMITS } from "../../components/aws-limits";
import { fargateSizeProblem } from "../../components/fargate-sizes";
import { ELB_NAME_MAX, IAM_ROLE_NAME_MAX } from "../../components/names";
import { releaseProblems, ReleaseStrategy } from "../../components/release";
import { scheduleExpressionProblems } from "../../components/schedule-expression";
import { asArray, containersOf, physicalNameLength, ProjectRule, resourceRule, RuleCategory, stackRule, TYPES } from "./util";

const ECS_TD_PARAMS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html";
const isFargate = (p: Record<string, any>) => asArray<string>(p.requiresCompatibilities).includes("FARGATE");
const between = (v: unknown, lo: number, hi: number) => typeof v === "number" && Number.isInteger(v) && v >= lo && v <= hi;

export const awsRules: ProjectRule[] = [
    resourceRule({
        name: "fargate-task-size",
        description: "A Fargate task's cpu/memory must be one of the pairs Fargate offers.",
        category: RuleCategory.Aws,
        source: "ECS developer guide, Fargate task size (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size)",
        types: [TYPES.taskDefinition],
    }, (p, _a, report) => {
        if (!isFargate(p)) return;
        const problem = fargateSizeProblem(Number(p.cpu), Number(p.memory));
        if (problem) report(`cpu ${p.cpu} / memory ${p.memory}: ${problem}`);
    }),
    resourceRule({
        name: "fargate-awsvpc",
        description: "Fargate task definitions use the awsvpc network mode and declare FARGATE compatibility.",
        category: RuleCategory.Aws,
        source: `ECS developer guide, task definition parameters: networkMode (${ECS_TD_PARAMS}#network_mode)`,
        types: [TYPES.taskDefinition],
    }, (p, _a, report) => {
        if (!isFargate(p)) report(`requiresCompatibilities is ${JSON.stringify(p.requiresCompatibilities ?? [])}; a Fargate task needs "FARGATE"`);
        else if (p.networkMode !== "awsvpc") report(`networkMode is ${JSON.stringify(p.networkMode)}; Fargate requires "awsvpc"`);
    }),
    resourceRule({
        name: "awsvpc-host-port",
        description: "In awsvpc mode a port mapping's hostPort equals its containerPort (or is omitted).",
        category: RuleCategory.Aws,
        source: "ECS API reference, PortMapping hostPort (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html)",
        types: [TYPES.taskDefinition],
    }, (p, _a, report) => {
        if (p.networkMode !== "awsvpc") return;
        for (const c of containersOf(p)) {
            for (const m of asArray<any>(c.portMappings)) {
                if (m.hostPort !== undefined && m.hostPort !== m.containerPort) report(`container "${c.name}": hostPort ${m.hostPort} differs from containerPort ${m.containerPort}`);
            }
        }
    }),
    resourceRule({
        name: "fargate-awslogs-options",
        description: "awslogs on Fargate needs awslogs-group, awslogs-region and awslogs-stream-prefix.",
        category: RuleCategory.Aws,
        source: "ECS developer guide, Send Amazon ECS logs to CloudWatch (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html)",
        types: [TYPES.taskDefinition],
    }, (p, _a, report) => {
        if (!isFargate(p)) return;
        for (const c of containersOf(p)) {
            const lc = c.logConfiguration;
            if (lc?.logDriver !== "awslogs") continue;
            const missing = ["awslogs-group", "awslogs-region", "awslogs-stream-prefix"].filter((k) => !lc.options?.[k]);
            if (missing.length) report(`container "${c.name}": awslogs option(s) ${missing.join(", ")} missing`);
        }
    }),
    resourceRule({
        name: "container-limits",
        description: "Container health-check ranges (interval 5–300, timeout 2–60 and below interval, retries 1–10, startPeriod 0–300) and Fargate's stopTimeout ≤ 120 s.",
        category: RuleCategory.Aws,
        source: "ECS API reference, HealthCheck and ContainerDefinition stopTimeout (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html)",
        types: [TYPES.taskDefinition],
    }, (p, _a, report) => {
        for (const c of containersOf(p)) {
            const hc = c.healthCheck;
            if (hc) {
                for (const [k, [lo, hi]] of Object.entries(HEALTH_CHECK_LIMITS)) if (hc[k] !== undefined && !between(hc[k], lo, hi)) report(`container "${c.name}": healthCheck.${k} ${hc[k]} outside ${lo}–${hi}`);
                if ((hc.timeout ?? 5) >= (hc.interval ?? 30)) report(`container "${c.name}": healthCheck.timeout ${hc.timeout} must be below interval ${hc.interval}`);
            }
            if (isFargate(p) && c.stopTimeout !== undefined && !between(c.stopTimeout, 0, FARGATE_MAX_STOP_TIMEOUT)) report(`container "${c.name}": stopTimeout ${c.stopTimeout} exceeds Fargate's ${FARGATE_MAX_STOP_TIMEOUT} seconds`);
        }
    }),
    resourceRule({
        name: "target-health-check-ranges",
        description: "Target-group health check: interval 5–300, timeout 2–120 and below interval, thresholds 2–10, matcher 200–499, path starting with /.",
        category: RuleCategory.Aws,
        source: "ELB API reference, CreateTargetGroup (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html)",
        types: [TYPES.targetGroup],
    }, (p, _a, report) => {
        const hc = p.healthCheck ?? {};
        for (const [k, [lo, hi]] of Object.entries(TARGET_HEALTH_CHECK_LIMITS)) if (hc[k] !== undefined && !between(hc[k], lo, hi)) report(`healthCheck.${k} ${hc[k]} outside ${lo}–${hi}`);
        if (hc.timeout !== undefined && hc.interval !== undefined && hc.timeout >= hc.interval) report(`healthCheck.timeout ${hc.timeout} must be below interval ${hc.interval}`);
        if (hc.matcher !== undefined && !/^([2-4]\d\d)([-,]([2-4]\d\d))*$/.test(String(hc.matcher))) report(`healthCheck.matcher "${hc.matcher}" is not HTTP codes 200–499`);
        if (hc.path !== undefined && !String(hc.path).startsWith("/")) report(`healthCheck.path "${hc.path}" must start with "/"`);
    }),
    stackRule({
        name: "service-target-group-ip",
        description: "A target group an awsvpc (Fargate) service registers with has target type ip, and the service's container and port exist in its task definition.",
        category: RuleCategory.Aws,
        source: "ECS developer guide, Use a load balancer to distribute service traffic (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb.html)",
    }, (g, _a, report) => {
        for (const svc of g.ofType(TYPES.service)) {
            const td = g.byRef(svc.props.taskDefinition);
            for (const lb of asArray<any>(svc.props.loadBalancers)) {
                const tg = g.byRef(lb.targetGroupArn);
                if (tg && tg.props.targetType !== "ip") report(`service "${svc.name}" uses target group "${tg.name}" of type ${tg.props.targetType ?? "instance"}; awsvpc tasks register by ip`, svc.urn);
                if (td) {
                    const c = containersOf(td.props).find((x) => x.name === lb.containerName);
                    if (!c) report(`service "${svc.name}": container "${lb.containerName}" is not in task definition "${td.name}"`, svc.urn);
                    else if (!asArray<any>(c.portMappings).some((m) => m.containerPort === lb.containerPort)) report(`service "${svc.name}": container "${lb.containerName}" maps no port ${lb.containerPort}`, svc.urn);
                }
            }
        }
    }),
    stackRule({
        name: "alb-two-azs",
        description: "An Application Load Balancer has subnets in at least two Availability Zones.",
        category: RuleCategory.Aws,
        source: "ELB user guide, Availability Zones for your ALB (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#availability-zones); Security Hub ELB.13",
    }, (g, _a, report) => {
        for (const lb of g.ofType(TYPES.loadBalancer)) {
            if ((lb.props.loadBalancerType ?? "application") !== "application") continue;
            const ids = asArray<string>(lb.props.subnets).concat(asArray<any>(lb.props.subnetMappings).map((m) => m.subnetId));
            const azs = new Set(ids.map((id) => g.byRef(id)?.props.availabilityZone ?? id));
            if (azs.size < 2) report(`load balancer "${lb.name}" spans ${azs.size} Availability Zone(s); an ALB needs at least 2`, lb.urn);
        }
    }),
    resourceRule({
        name: "https-listener-certificate",
        description: "An HTTPS listener names a certificate and a security policy.",
        category: RuleCategory.Aws,
        source: "ELB user guide, Create an HTTPS listener (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/create-https-listener.html)",
        types: [TYPES.listener],
    }, (p, _a, report) => {
        if (p.protocol !== "HTTPS") return;
        if (!p.certificateArn) report("HTTPS listener without certificateArn");
        if (!p.sslPolicy) report("HTTPS listener without sslPolicy");
    }),
    resourceRule({
        name: "elb-name-length",
        description: "Load balancer and target group names are at most 32 characters (after Pulumi's auto-name suffix).",
        category: RuleCategory.Aws,
        source: "ELB API reference, CreateLoadBalancer/CreateTargetGroup Name (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html)",
        types: [TYPES.loadBalancer, TYPES.targetGroup],
    }, (p, a, report) => {
        const n = physicalNameLength(p, a.name);
        if (n > ELB_NAME_MAX) report(`name would be ${n} characters; the limit is ${ELB_NAME_MAX}`);
    }),
    resourceRule({
        name: "iam-role-name-length",
        description: "IAM role names are at most 64 characters (after Pulumi's auto-name suffix).",
        category: RuleCategory.Aws,
        source: "IAM user guide, IAM object quotas (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html)",
        types: [TYPES.role],
    }, (p, a, report) => {
        const n = physicalNameLength(p, a.name);
        if (n > IAM_ROLE_NAME_MAX) report(`role name would be ${n} characters; the limit is ${IAM_ROLE_NAME_MAX}`);
    }),
    resourceRule({
        name: "log-retention-value",
        description: "Log group retention is one of the values CloudWatch Logs accepts.",
        category: RuleCategory.Aws,
        source: "CloudWatch Logs API reference, PutRetentionPolicy retentionInDays (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html)",
        types: [TYPES.logGroup],
    }, (p, _a, report) => {
        const allowed: readonly number[] = LOG_RETENTION_DAYS;
        if (p.retentionInDays !== undefined && !allowed.includes(p.retentionInDays)) report(`retentionInDays ${p.retentionInDays} is not one of ${allowed.join(", ")}`);
    }),
    stackRule({
        name: "service-capacity-provider-associated",
        description: "A service's capacity providers are associated with its cluster.",
        category: RuleCategory.Aws,
        source: "ECS API reference, CreateService capacityProviderStrategy (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html)",
    }, (g, _a, report) => {
        for (const svc of g.ofType(TYPES.service)) {
            const cluster = g.byRef(svc.props.cluster);
            if (!cluster) continue;
            const attached = g.ofType(TYPES.capacityProviders).filter((c) => c.props.clusterName === cluster.props.name).flatMap((c) => asArray<string>(c.props.capacityProviders));
            for (const s of asArray<any>(svc.props.capacityProviderStrategies)) {
                if (!attached.includes(s.capacityProvider)) report(`service "${svc.name}" uses ${s.capacityProvider}, which cluster "${cluster.name}" does not have (has: ${attached.join(", ") || "none"})`, svc.urn);
            }
        }
    }),
    stackRule({
        name: "ecs-traffic-shifting",
        description: "A blue/green, canary or linear ECS service has an alternate target group, a production listener rule forwarding to both groups, an infrastructure role ECS may assume with AmazonECSInfrastructureRolePolicyForLoadBalancers, and its strategy's settings in AWS's ranges.",
        category: RuleCategory.Aws,
        source: "ECS developer guide, Application Load Balancer resources for blue/green, linear, and canary deployments (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb-resources-for-blue-green.html), Amazon ECS infrastructure IAM role for load balancers; API reference, DeploymentConfiguration, CanaryConfiguration, LinearConfiguration",
    }, (g, args, report) => {
        const shifting = g.ofType(TYPES.service).filter((s) => (s.props.deploymentConfiguration?.strategy ?? ReleaseStrategy.Rolling) !== ReleaseStrategy.Rolling);
        if (shifting.length === 0) args.notApplicable("no service releases blue/green, canary or linear");
        const known = (v: unknown) => typeof v === "string" && v.length > 0;
        for (const svc of shifting) {
            const dc = svc.props.deploymentConfiguration;
            const where = `service "${svc.name}" (${dc.strategy})`;
            // The settings, read back into the release's terms and checked with the components' own ranges.
            const release = {
                strategy: dc.strategy,
                bakeTimeMinutes: dc.bakeTimeInMinutes !== undefined ? Number(dc.bakeTimeInMinutes) : undefined,
                canaryPercent: dc.canaryConfiguration?.canaryPercent,
                canaryBakeTimeMinutes: dc.canaryConfiguration?.canaryBakeTimeInMinutes !== undefined ? Number(dc.canaryConfiguration.canaryBakeTimeInMinutes) : undefined,
                linearStepPercent: dc.linearConfiguration?.stepPercent,
                linearStepBakeTimeMinutes: dc.linearConfiguration?.stepBakeTimeInMinutes !== undefined ? Number(dc.linearConfiguration.stepBakeTimeInMinutes) : undefined,
            };
            for (const problem of releaseProblems(release, "deploymentConfiguration", { publicService: asArray(svc.props.loadBalancers).length > 0, exposure: "without a load balancer" })) report(`${where}: ${problem}`, svc.urn);
            if (dc.strategy === ReleaseStrategy.BlueGreen && dc.bakeTimeInMinutes === undefined) report(`${where}: bakeTimeInMinutes is required with BLUE_GREEN`, svc.urn);
            const lb = asArray<any>(svc.props.loadBalancers)[0];
            const adv = lb?.advancedConfiguration;
            if (!adv) { report(`${where}: loadBalancers[0].advancedConfiguration (alternate target group, production listener rule, role) is missing`, svc.urn); continue; }
            if (known(adv.alternateTargetGroupArn) && adv.alternateTargetGroupArn === lb.targetGroupArn) report(`${where}: the alternate target group is the production one`, svc.urn);
            // Both groups on the production rule, or ECS rolls the deployment back ("Both targetGroup and
            // alternateTargetGroup must be associated with the productionListenerRule or testListenerRule").
            const rule = g.byRef(adv.productionListenerRule);
            if (rule && known(lb.targetGroupArn) && known(adv.alternateTargetGroupArn)) {
                const forwarded = asArray<any>(rule.props.actions).filter((a) => a.type === "forward")
                    .flatMap((a) => [a.targetGroupArn, ...asArray<any>(a.forward?.targetGroups).map((t) => t.arn)]);
                for (const [label, arn] of [["target group", lb.targetGroupArn], ["alternate target group", adv.alternateTargetGroupArn]]) {
                    if (!forwarded.includes(arn)) report(`${where}: the production listener rule "${rule.name}" does not forward to its ${label}`, svc.urn);
                }
            }
            const role = g.byRef(adv.roleArn);
            if (role) {
                const trust = typeof role.props.assumeRolePolicy === "string" ? JSON.parse(role.props.assumeRolePolicy) : role.props.assumeRolePolicy;
                const trusted = asArray<any>(trust?.Statement).some((st) => st.Effect === "Allow" && asArray(st.Principal?.Service).includes("ecs.amazonaws.com") && asArray(st.Action).includes("sts:AssumeRole"));
                if (!trusted) report(`${where}: role "${role.name}" does not let ecs.amazonaws.com assume it`, svc.urn);
                const attached = g.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => a.props.role === role.props.name).map((a) => String(a.props.policyArn));
                if (!attached.some((arn) => arn.endsWith(":iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers"))) {
                    report(`${where}: role "${role.name}" lacks the managed policy AmazonECSInfrastructureRolePolicyForLoadBalancers`, svc.urn);
                }
            }
        }
    }),
    resourceRule({
        name: "service-deployment-percents",
        description: "A rolling deploy can start a new task: deploymentMaximumPercent is above deploymentMinimumHealthyPercent.",
        category: RuleCategory.Aws,
        source: "ECS developer guide, Rolling update deployments (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html)",
        types: [TYPES.service],
    }, (p, _a, report) => {
        const min = p.deploymentMinimumHealthyPercent ?? 100;
        const max = p.deploymentMaximumPercent ?? 200;
        if (max <= min) report(`deploymentMaximumPercent ${max} ≤ deploymentMinimumHealthyPercent ${min}: no task can be replaced`);
    }),
    resourceRule({
        name: "schedule-ecs-target",
        description: "An EventBridge Scheduler schedule has a valid expression, and an ECS target of an awsvpc task names subnets.",
        category: RuleCategory.Aws,
        source: "EventBridge Scheduler user guide, Schedule types (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html); API reference, EcsParameters/NetworkConfiguration",
        types: [TYPES.schedule],
    }, (p, _a, report) => {
        const expr = String(p.scheduleExpression ?? "");
        for (const problem of scheduleExpressionProblems(expr)) report(`scheduleExpression "${expr}": ${problem}`);
        const ecs = p.target?.ecsParameters;
        if (ecs && !(asArray(ecs.networkConfiguration?.subnets).length > 0)) report("ECS target without networkConfiguration.subnets: Fargate (awsvpc) tasks cannot start");
    }),
];
