/**
 * The plan as text for people: the resource tree with the settings that matter, the checks
 * (violations first), the cost per resource and the rollout estimate.
 */
import type { PlanResource } from "../adapter";
import { ASSUMPTIONS, PRICES_DATE, PRICES_REGION } from "./prices";
import { TASK_START_SECONDS } from "./rollout";
import type { Snapshot } from "./snapshot";

const short = (type: string) => type.replace(/^aws:[^/]+\//, "").replace(/^[^:]+:index:/, "").replace(/:.*$/, "");
const list = (v: unknown) => (Array.isArray(v) ? v.length : 0);

/** The few settings of a resource a reviewer looks for. */
export function settingsOf(r: PlanResource, all: PlanResource[]): string {
    const i = r.inputs;
    const byRef = (ref: unknown) => all.find((x) => x.outputs.id === ref || x.outputs.arn === ref);
    const azs = (ids: unknown) => [...new Set(((ids as string[]) ?? []).map((id) => byRef(id)?.inputs.availabilityZone ?? "?"))].join(",");
    switch (r.type) {
        case "aws:ec2/vpc:Vpc": return `cidr ${i.cidrBlock}`;
        case "aws:ec2/subnet:Subnet": return `${i.availabilityZone} ${i.cidrBlock} ${i.tags?.tier ?? ""}`.trim();
        case "aws:ec2/natGateway:NatGateway": return `in ${byRef(i.subnetId)?.name ?? i.subnetId}`;
        case "aws:ec2/flowLog:FlowLog": return `${i.trafficType} of ${byRef(i.vpcId)?.name ?? i.vpcId} → ${i.logDestinationType} ${byRef(i.logDestination)?.name ?? i.logDestination}`;
        case "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": return `${(i.ingress ?? []).length} inbound / ${(i.egress ?? []).length} outbound rules`;
        case "aws:ec2/vpcEndpoint:VpcEndpoint": return `${i.vpcEndpointType} ${i.serviceName}${i.routeTableIds ? ` on ${i.routeTableIds.map((id: string) => byRef(id)?.name ?? id).join(", ")}` : ""}${i.subnetIds ? ` in ${i.subnetIds.length} subnet(s)` : ""}`;
        case "aws:ecr/repository:Repository": return `tags ${i.imageTagMutability}, scanOnPush ${i.imageScanningConfiguration?.scanOnPush}, forceDelete ${i.forceDelete}`;
        case "aws:ecr/lifecyclePolicy:LifecyclePolicy": return (JSON.parse(i.policy).rules ?? []).map((x: any) => x.description).join("; ");
        case "aws:ecs/cluster:Cluster": return `containerInsights ${(i.settings ?? []).find((s: any) => s.name === "containerInsights")?.value}`;
        case "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": return (i.capacityProviders ?? []).join(", ");
        case "aws:cloudwatch/logGroup:LogGroup": return `retention ${i.retentionInDays ?? "forever"} days`;
        case "aws:ecs/taskDefinition:TaskDefinition": {
            const c: any[] = JSON.parse(i.containerDefinitions ?? "[]");
            const ports = c.flatMap((x) => (x.portMappings ?? []).map((m: any) => m.containerPort));
            return `${Number(i.cpu) / 1024} vCPU / ${Number(i.memory)} MiB ${i.runtimePlatform?.cpuArchitecture ?? ""}, ${c.map((x) => `${x.name}${ports.length ? `:${ports.join(",")}` : ""} readonlyRoot ${x.readonlyRootFilesystem} stopTimeout ${x.stopTimeout}${x.healthCheck ? ` health every ${x.healthCheck.interval}s` : ""}${x.command ? ` cmd ${x.command.join(" ")}` : ""}`).join("; ")}`;
        }
        case "aws:ecs/service:Service": {
            const n = i.networkConfiguration ?? {};
            return `${i.desiredCount} task(s) on ${(i.capacityProviderStrategies ?? []).map((s: any) => s.capacityProvider).join("+")}, ${list(n.subnets)} subnets (${azs(n.subnets)}), publicIp ${n.assignPublicIp}, deploy ${i.deploymentMinimumHealthyPercent}–${i.deploymentMaximumPercent}%, circuitBreaker ${i.deploymentCircuitBreaker?.rollback ? "rollback" : "off"}, alarms ${i.alarms?.rollback ? `rollback on ${i.alarms.alarmNames.length}` : "off"}${i.healthCheckGracePeriodSeconds === undefined ? "" : `, grace ${i.healthCheckGracePeriodSeconds}s`}${i.serviceConnectConfiguration?.enabled ? `, serviceConnect ${(i.serviceConnectConfiguration.services ?? []).map((s: any) => `${s.discoveryName}:${s.clientAlias?.[0]?.port}`).join(",") || "client"}` : ""}, exec ${i.enableExecuteCommand}`;
        }
        case "aws:lb/loadBalancer:LoadBalancer": return `${i.internal ? "internal" : "internet-facing"}, ${list(i.subnets)} subnets (${azs(i.subnets)}), deletionProtection ${i.enableDeletionProtection}, accessLogs ${i.accessLogs?.enabled ?? false}, idle ${i.idleTimeout}s`;
        case "aws:lb/targetGroup:TargetGroup": {
            const h = i.healthCheck ?? {};
            return `${i.targetType} :${i.port}, health ${h.path} every ${h.interval}s (${h.healthyThreshold} ok / ${h.unhealthyThreshold} bad), drain ${i.deregistrationDelay}s`;
        }
        case "aws:lb/listener:Listener": return `${i.protocol}:${i.port} → ${(i.defaultActions ?? []).map((a: any) => (a.type === "redirect" ? `redirect ${a.redirect?.protocol}:${a.redirect?.port}` : a.type)).join(", ")}${i.sslPolicy ? ` (${i.sslPolicy})` : ""}`;
        case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
        case "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":
            return `${i.ipProtocol === "-1" ? "all" : `${i.ipProtocol} ${i.fromPort}${i.toPort !== i.fromPort ? `-${i.toPort}` : ""}`} ${r.type.includes("Ingress") ? "from" : "to"} ${i.cidrIpv4 ?? i.cidrIpv6 ?? byRef(i.referencedSecurityGroupId)?.name ?? i.referencedSecurityGroupId}`;
        case "aws:appautoscaling/target:Target": return `${i.minCapacity}–${i.maxCapacity} tasks`;
        case "aws:appautoscaling/policy:Policy": {
            const c = i.targetTrackingScalingPolicyConfiguration ?? {};
            return `${c.predefinedMetricSpecification?.predefinedMetricType} → ${c.targetValue} (in ${c.scaleInCooldown}s / out ${c.scaleOutCooldown}s)`;
        }
        case "aws:scheduler/schedule:Schedule": return `${i.scheduleExpression} ${i.scheduleExpressionTimezone ?? "UTC"}, ${i.state ?? "ENABLED"}, retries ${i.target?.retryPolicy?.maximumRetryAttempts ?? "default"}, DLQ ${i.target?.deadLetterConfig?.arn ? "yes" : "no"}`;
        case "aws:sqs/queue:Queue": return `retention ${Math.round((i.messageRetentionSeconds ?? 345600) / 86400)} days`;
        case "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": return (i.rules ?? []).map((x: any) => `expire after ${x.expiration?.days} days`).join("; ");
        case "aws:acm/certificate:Certificate": return `${i.domainName} (${i.validationMethod})`;
        case "aws:cloudwatch/metricAlarm:MetricAlarm": {
            const q: any[] = i.metricQueries ?? [];
            const watched = q.length ? `${q.find((x) => x.returnData)?.expression} of ${q.filter((x) => x.metric).map((x) => `${x.id}=${x.metric.metricName}`).join(", ")}` : `${i.metricName} ${i.extendedStatistic ?? i.statistic}`;
            const period = q.length ? q.find((x) => x.metric)?.metric.period : i.period;
            const deploy = all.filter((x) => x.type === "aws:ecs/service:Service" && (x.inputs.alarms?.alarmNames ?? []).includes(i.name)).map((x) => x.name);
            const op = { GreaterThanThreshold: ">", GreaterThanOrEqualToThreshold: "≥", LessThanThreshold: "<", LessThanOrEqualToThreshold: "≤" }[String(i.comparisonOperator)] ?? i.comparisonOperator;
            return `${i.name}: ${watched} ${op} ${i.threshold} in ${i.datapointsToAlarm ?? i.evaluationPeriods} of ${i.evaluationPeriods} × ${period}s → ${(i.alarmActions ?? []).map((a: string) => byRef(a)?.name ?? a).join(", ")}${deploy.length ? `; rolls back ${deploy.join(", ")}` : ""}`;
        }
        case "aws:sns/topic:Topic": return `${i.name}, encrypted with ${byRef(i.kmsMasterKeyId)?.name ?? i.kmsMasterKeyId ?? "nothing"}, ${all.filter((x) => x.type === "aws:sns/topicSubscription:TopicSubscription" && x.inputs.topic === r.outputs.arn).length} subscription(s)`;
        case "aws:sns/topicSubscription:TopicSubscription": return `${i.protocol} ${i.endpoint} (confirm it)`;
        case "aws:kms/key:Key": return `rotation ${i.enableKeyRotation ? "on" : "off"}, deletion window ${i.deletionWindowInDays} days`;
        case "aws:cloudwatch/eventRule:EventRule": {
            const p = JSON.parse(i.eventPattern ?? "{}");
            const family = [p.detail?.taskDefinitionArn?.[0]?.prefix].flat()[0]?.split("/").pop();
            return `${i.name}: ${p["detail-type"]?.[0] ?? "?"} ${p.detail?.lastStatus?.[0] ?? ""} of ${family ?? "?"}*${p.detail?.$or ? " with a non-zero exit code or never started" : ""}`;
        }
        case "aws:cloudwatch/eventTarget:EventTarget": return `${i.rule} → ${byRef(i.arn)?.name ?? i.arn}${i.inputTransformer ? " (readable message)" : ""}`;
        case "aws:cloudwatch/dashboard:Dashboard": return `${i.dashboardName}: ${JSON.parse(i.dashboardBody ?? "{\"widgets\":[]}").widgets.length} widgets`;
        default: return "";
    }
}

function tree(snapshot: Snapshot, resources: PlanResource[]): string[] {
    const children = new Map<string | undefined, PlanResource[]>();
    for (const r of resources) {
        if (r.type === "pulumi:pulumi:Stack") continue;
        const parent = r.parentUrn && resources.find((x) => x.urn === r.parentUrn)?.type !== "pulumi:pulumi:Stack" ? r.parentUrn : undefined;
        children.set(parent, [...(children.get(parent) ?? []), r]);
    }
    const costOf = new Map(snapshot.cost.lines.map((l) => [l.urn, l.monthly]));
    const lines: string[] = [];
    const walk = (parent: string | undefined, depth: number) => {
        for (const r of children.get(parent) ?? []) {
            const flags = [r.protect ? "protected" : "", r.retainOnDelete ? "retainOnDelete" : "", r.ignoreChanges.length ? `ignoreChanges ${r.ignoreChanges.join(",")}` : ""].filter(Boolean);
            const cost = costOf.get(r.urn);
            const s = settingsOf(r, resources);
            lines.push(`${"  ".repeat(depth)}${depth ? "└ " : ""}${short(r.type)} ${r.name}${s ? ` — ${s}` : ""}${flags.length ? ` [${flags.join(", ")}]` : ""}${cost ? `  $${cost.toFixed(2)}/mo` : ""}`);
            walk(r.urn, depth + 1);
        }
    };
    walk(undefined, 0);
    return lines;
}

export function renderPlan(snapshot: Snapshot, resources: PlanResource[]): string {
    const out: string[] = [`Offline plan: stack ${snapshot.stack} (${resources.length} resources, no cloud calls)`, "", "== Resources"];
    out.push(...tree(snapshot, resources));
    const v = snapshot.checks.violations;
    const rules = snapshot.checks.rules;
    const skipped = rules.filter((x) => x.notApplicable !== undefined);
    const accepted = snapshot.checks.exceptions ?? [];
    out.push("", `== Checks: ${rules.length} rules, ${v.length} violation(s), ${accepted.length} accepted exception(s), ${skipped.length} not applicable`);
    for (const f of v) out.push(`✗ [${f.enforcementLevel}] ${f.rule} — ${f.urn ? f.urn.split("::").pop() : "stack"}: ${f.message}  (${f.source})`);
    // Deliberate relaxations, each with its reason: neither a pass nor a violation.
    for (const x of accepted) out.push(`! accepted exception ${x.rule} [${x.category}] — ${x.urn ? x.urn.split("::").pop() : "stack"}: ${x.reason}  (${x.source})`);
    for (const r of rules.filter((x) => x.violations === 0 && x.notApplicable === undefined)) {
        const checked = r.checked >= 0 ? `${r.checked} resource(s)` : "whole stack";
        out.push(`✓ ${r.rule} [${r.category}] ${checked}${r.exceptions ? `, ${r.exceptions} accepted exception(s) listed above` : ""} — ${r.source}`);
    }
    for (const r of skipped) out.push(`– ${r.rule} [${r.category}] not applicable: ${r.notApplicable} — ${r.source}`);
    out.push("", `== Estimated monthly cost (USD, ${PRICES_REGION} list prices of ${PRICES_DATE}; see policy/plan/prices.ts)`);
    for (const l of snapshot.cost.lines.filter((x) => x.monthly > 0)) out.push(`${`$${l.monthly.toFixed(2)}`.padStart(9)}  ${short(l.type)} ${l.name} — ${l.basis}`);
    out.push(`${`$${snapshot.cost.total.toFixed(2)}`.padStart(9)}  TOTAL per month (${snapshot.cost.freeResources} resources cost nothing by themselves)`);
    out.push(`  assumptions: Spot = ${ASSUMPTIONS.spotFactor} × on-demand, ${ASSUMPTIONS.albLcus} LCU per ALB, ${ASSUMPTIONS.natGbPerMonth} GB per NAT (${ASSUMPTIONS.natGbImageLayers} GB of it image layers), flow logs ${ASSUMPTIONS.flowLogGbPerMonth.ALL} GB/month (ALL) or ${ASSUMPTIONS.flowLogGbPerMonth.REJECT} GB (REJECT) per VPC, ${ASSUMPTIONS.logGbPerTaskMonth} GB logs per task-month, ${ASSUMPTIONS.jobMinutesPerRun} min per job run, ${ASSUMPTIONS.alertMessagesPerMonth} alert messages a month; data transfer out not included`);
    out.push("", "== Rollout estimate per service");
    out.push(`  rolling:  rollout = waves × (task start ${TASK_START_SECONDS} s + healthyThreshold × interval) + deregistration delay + stopTimeout`);
    out.push(`  shifting: rollout = task start + healthyThreshold × interval + shift (canary/linear bakes) + bake + deregistration delay + stopTimeout`);
    for (const r of snapshot.rollouts) {
        out.push(`  ${r.service}: ~${r.totalSeconds} s (${r.formula}); a deploy that never gets healthy is rolled back after ~${r.failureDetectionSeconds} s`);
        out.push(`    rollback after the traffic moved: ~${r.rollbackSeconds} s (${r.rollbackFormula})`);
    }
    return `${out.join("\n")}\n`;
}
