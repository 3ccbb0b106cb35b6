/**
 * Reliability practices: deploys that roll back instead of breaking, full capacity during deploys,
 * production spread over zones, jobs whose failures are kept. Advisory: reported, never blocking.
 */
import { asArray, containersOf, isProduction, ProjectRule, resourceRule, RuleCategory, stackRule, TYPES } from "./util";

const ECS_BP = "ECS best practices guide, Deployments and Availability (https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/)";

export const reliabilityRules: ProjectRule[] = [
    resourceRule({
        name: "ecs-circuit-breaker",
        description: "Services stop and roll back a deployment whose tasks never become healthy.",
        category: RuleCategory.Reliability,
        source: "ECS developer guide, deployment circuit breaker (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html)",
        types: [TYPES.service],
    }, (p, _a, report) => {
        const cb = p.deploymentCircuitBreaker;
        if (!(cb?.enable === true && cb?.rollback === true)) report("deploymentCircuitBreaker is not enabled with rollback");
    }),
    resourceRule({
        name: "ecs-full-capacity-deploys",
        description: "Rolling deploys keep 100% of the desired tasks running (minimum healthy percent 100).",
        category: RuleCategory.Reliability,
        source: ECS_BP,
        types: [TYPES.service],
    }, (p, _a, report) => {
        const min = p.deploymentMinimumHealthyPercent ?? 100;
        if (min < 100) report(`deploymentMinimumHealthyPercent ${min}: a deploy lowers capacity`);
    }),
    stackRule({
        name: "production-spread",
        description: "Production services run at least 2 tasks (desired and autoscaling minimum) in subnets of at least 2 Availability Zones.",
        category: RuleCategory.Reliability,
        source: `${ECS_BP}; AWS Well-Architected REL10-BP01 (deploy to multiple locations)`,
    }, (g, _a, report) => {
        for (const svc of g.ofType(TYPES.service).filter((s) => isProduction(s.props))) {
            if ((svc.props.desiredCount ?? 1) < 2) report(`service "${svc.name}" runs ${svc.props.desiredCount ?? 1} task(s)`, svc.urn);
            const target = g.ofType(TYPES.scalableTarget).find((t) => typeof t.props.resourceId === "string" && t.props.resourceId.endsWith(`/${svc.props.name}`));
            if (target && target.props.minCapacity < 2) report(`service "${svc.name}" may scale in to ${target.props.minCapacity} task(s)`, svc.urn);
            const subnets = asArray<string>(svc.props.networkConfiguration?.subnets);
            const azs = new Set(subnets.map((id) => g.byRef(id)?.props.availabilityZone ?? id));
            if (azs.size < 2) report(`service "${svc.name}" runs in ${azs.size} Availability Zone(s)`, svc.urn);
        }
    }),
    stackRule({
        name: "service-health-checks",
        description: "Containers of load-balanced services define a container health check.",
        category: RuleCategory.Reliability,
        source: "ECS developer guide, container health checks (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/healthcheck.html)",
    }, (g, _a, report) => {
        for (const svc of g.ofType(TYPES.service)) {
            const td = g.byRef(svc.props.taskDefinition);
            if (!td) continue;
            for (const lb of asArray<any>(svc.props.loadBalancers)) {
                const c = containersOf(td.props).find((x) => x.name === lb.containerName);
                if (c && !c.healthCheck) report(`container "${c.name}" of service "${svc.name}" has no health check`, td.urn);
            }
        }
    }),
    resourceRule({
        name: "production-repository-kept",
        description: "Production image repositories are not force-deleted with their images.",
        category: RuleCategory.Reliability,
        source: "Pulumi/Terraform aws_ecr_repository force_delete; the project's rule: images of production releases survive a destroy",
        types: [TYPES.repository],
    }, (p, _a, report) => {
        if (isProduction(p) && p.forceDelete === true) report("forceDelete is true in production");
    }),
    resourceRule({
        name: "schedule-failures-kept",
        description: "Schedules that start tasks retry and send undeliverable events to a dead-letter queue.",
        category: RuleCategory.Reliability,
        source: "EventBridge Scheduler user guide, Configuring a dead-letter queue (https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html)",
        types: [TYPES.schedule],
    }, (p, _a, report) => {
        if (!p.target?.deadLetterConfig?.arn) report("no dead-letter queue: failed invocations vanish");
        if (!p.target?.retryPolicy) report("no retryPolicy");
    }),
];
