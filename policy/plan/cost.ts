/**
 * Monthly cost estimate of a plan, per resource and in total, from the price table (./prices.ts) and
 * what the graph says (sizes, counts, capacity providers, retention, schedules).
 */
import type { PlanResource } from "../adapter";
import { ASSUMPTIONS as A, HOURS_PER_MONTH as H, PRICES as P } from "./prices";

export interface CostLine { urn: string; name: string; type: string; monthly: number; basis: string }
export interface CostEstimate { lines: CostLine[]; total: number; freeResources: number }

const round4 = (n: number) => Math.round(n * 10_000) / 10_000;
const money = (n: number) => `$${n.toFixed(2)}`;

const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/** Runs per month of an EventBridge Scheduler expression (cron fields counted; `at()` runs once). */
export function monthlyInvocations(expression: string): number {
    const rate = /^rate\(\s*(\d+)\s+(minute|hour|day)s?\s*\)$/.exec(expression.trim());
    if (rate) {
        const minutes = Number(rate[1]) * { minute: 1, hour: 60, day: 1440 }[rate[2] as "minute" | "hour" | "day"];
        return (H * 60) / minutes;
    }
    const cron = /^cron\((.+)\)$/.exec(expression.trim());
    if (cron) {
        const [min, hour, dom, , dow] = cron[1].trim().split(/\s+/);
        const count = (field: string, size: number): number => field.split(",").reduce((n, part) => {
            const step = /\/(\d+)$/.exec(part);
            const base = part.replace(/\/\d+$/, "").toUpperCase().replace(/SUN|MON|TUE|WED|THU|FRI|SAT/g, (d) => String(DAYS.indexOf(d) + 1));
            const range = /^(\d+)-(\d+)$/.exec(base);
            const span = base === "*" || base === "?" ? size : range ? Number(range[2]) - Number(range[1]) + 1 : step ? size - Number(base) : 1;
            return n + Math.ceil(span / (step ? Number(step[1]) : 1));
        }, 0);
        const days = dom !== "?" && dom !== "*" ? count(dom, 31) : dow !== "?" && dow !== "*" ? count(dow, 7) * (30.42 / 7) : 30.42;
        return count(min, 60) * count(hour, 24) * days;
    }
    return /^at\(/.test(expression.trim()) ? 1 : 0;
}

/** Hourly Fargate price of one task of a task definition on a capacity provider. */
function taskHourly(td: PlanResource, provider: string): number {
    const arm = td.inputs.runtimePlatform?.cpuArchitecture === "ARM64";
    const vcpu = Number(td.inputs.cpu) / 1024;
    const gb = Number(td.inputs.memory) / 1024;
    const onDemand = vcpu * (arm ? P.fargateVcpuHourArm : P.fargateVcpuHourX86).usd + gb * (arm ? P.fargateGbHourArm : P.fargateGbHourX86).usd;
    return provider === "FARGATE_SPOT" ? onDemand * A.spotFactor : onDemand;
}

/** How `tasks` split over a capacity provider strategy: bases first, the rest by weight. */
export function splitTasks(tasks: number, strategy: { capacityProvider: string; weight?: number; base?: number }[]): Record<string, number> {
    const out: Record<string, number> = {};
    let left = tasks;
    for (const s of strategy) {
        const b = Math.min(left, s.base ?? 0);
        out[s.capacityProvider] = (out[s.capacityProvider] ?? 0) + b;
        left -= b;
    }
    const weight = strategy.reduce((n, s) => n + (s.weight ?? 0), 0);
    for (const s of strategy) if (weight > 0) out[s.capacityProvider] = (out[s.capacityProvider] ?? 0) + (left * (s.weight ?? 0)) / weight;
    if (strategy.length === 0 || weight === 0) out.FARGATE = (out.FARGATE ?? 0) + (strategy.length === 0 ? left : 0);
    return out;
}

export function estimateCost(resources: PlanResource[]): CostEstimate {
    const byRef = (ref: unknown) => resources.find((r) => ref !== undefined && (r.outputs.id === ref || r.outputs.arn === ref));
    const ofType = (t: string) => resources.filter((r) => r.type === t);
    const containers = (td: PlanResource): any[] => { try { return JSON.parse(td.inputs.containerDefinitions ?? "[]"); } catch { return []; } };
    const services = ofType("aws:ecs/service:Service");
    const schedules = ofType("aws:scheduler/schedule:Schedule");
    const runningTasks = services.reduce((n, s) => n + (s.inputs.desiredCount ?? 0), 0);
    const flowLogs = ofType("aws:ec2/flowLog:FlowLog");
    const flowLogGb = (f: PlanResource) => A.flowLogGbPerMonth[String(f.inputs.trafficType ?? "ALL")] ?? 0;
    /** Flow logs that deliver to a destination ARN (a log group, or a bucket with an optional prefix). */
    const flowLogsInto = (arn: unknown) => flowLogs.filter((f) => typeof arn === "string" && (f.inputs.logDestination === arn || String(f.inputs.logDestination).startsWith(`${arn}/`)));
    const s3GatewayRouteTables = new Set(ofType("aws:ec2/vpcEndpoint:VpcEndpoint")
        .filter((e) => (e.inputs.vpcEndpointType ?? "Gateway") === "Gateway" && String(e.inputs.serviceName).endsWith(".s3"))
        .flatMap((e) => e.inputs.routeTableIds ?? []));
    const lines: CostLine[] = [];
    const add = (r: PlanResource, monthly: number, basis: string) => lines.push({ urn: r.urn, name: r.name, type: r.type, monthly: round4(monthly), basis });

    for (const r of resources) {
        const i = r.inputs;
        switch (r.type) {
            case "aws:ecs/service:Service": {
                const td = byRef(i.taskDefinition);
                if (!td) break;
                const tasks = i.desiredCount ?? 0;
                const split = splitTasks(tasks, i.capacityProviderStrategies ?? []);
                const compute = Object.entries(split).reduce((n, [p, count]) => n + count * taskHourly(td, p) * H, 0);
                const ips = i.networkConfiguration?.assignPublicIp === true ? tasks * P.publicIpv4Hour.usd * H : 0;
                const where = Object.entries(split).filter(([, c]) => c > 0).map(([p, c]) => `${+c.toFixed(2)} on ${p}`).join(", ");
                const scaling = ofType("aws:appautoscaling/target:Target").find((t) => String(t.inputs.resourceId).endsWith(`/${r.outputs.name}`));
                const max = scaling ? `; up to ${money((compute + ips) * (scaling.inputs.maxCapacity / Math.max(tasks, 1)))} at ${scaling.inputs.maxCapacity} tasks` : "";
                add(r, compute + ips, `${tasks} × ${Number(td.inputs.cpu) / 1024} vCPU/${Number(td.inputs.memory) / 1024} GB × ${H} h (${where || "none"})${ips ? `, ${tasks} public IPv4` : ""}${max}`);
                break;
            }
            case "aws:scheduler/schedule:Schedule": {
                const runs = monthlyInvocations(String(i.scheduleExpression ?? ""));
                const ecs = i.target?.ecsParameters;
                const td = ecs ? byRef(ecs.taskDefinitionArn) : undefined;
                let compute = 0;
                if (td) {
                    const split = splitTasks(ecs.taskCount ?? 1, ecs.capacityProviderStrategies ?? [{ capacityProvider: "FARGATE", weight: 1 }]);
                    compute = Object.entries(split).reduce((n, [p, c]) => n + c * taskHourly(td, p), 0) * runs * (A.jobMinutesPerRun / 60);
                }
                const ips = td && ecs?.networkConfiguration?.assignPublicIp ? runs * (A.jobMinutesPerRun / 60) * P.publicIpv4Hour.usd : 0;
                add(r, (runs / 1e6) * P.schedulerMillionInvocations.usd + compute + ips, `${Math.round(runs)} runs × ${A.jobMinutesPerRun} min of ${td ? `${Number(td.inputs.cpu) / 1024} vCPU/${Number(td.inputs.memory) / 1024} GB` : "(no task)"} + invocations`);
                break;
            }
            case "aws:lb/loadBalancer:LoadBalancer": {
                const azs = (i.subnets ?? []).length;
                add(r, (P.albHour.usd + A.albLcus * P.albLcuHour.usd + azs * P.publicIpv4Hour.usd) * H, `${H} h + ${A.albLcus} LCU + ${azs} public IPv4 (one per AZ)`);
                break;
            }
            case "aws:ec2/natGateway:NatGateway": {
                // Behind an S3 gateway endpoint, the private subnets routed through this gateway fetch image layers without it.
                const routes = ofType("aws:ec2/routeTable:RouteTable").filter((rt) => (rt.inputs.routes ?? []).some((x: any) => x.natGatewayId === r.outputs.id));
                const bypass = routes.length > 0 && routes.every((rt) => s3GatewayRouteTables.has(rt.outputs.id));
                const gb = A.natGbPerMonth - (bypass ? A.natGbImageLayers : 0);
                add(r, P.natHour.usd * H + gb * P.natGb.usd, `${H} h + ${gb} GB processed${bypass ? ` (${A.natGbImageLayers} GB of image layers through the S3 gateway endpoint instead)` : ""}`);
                break;
            }
            case "aws:ec2/flowLog:FlowLog": {
                const gb = flowLogGb(r);
                const s3 = r.inputs.logDestinationType === "s3";
                add(r, gb * (s3 ? P.vendedLogsToS3Gb : P.vendedLogsToCloudWatchGb).usd, `${gb} GB/month of ${r.inputs.trafficType} records delivered to ${s3 ? "S3" : "CloudWatch Logs"} (vended logs; storage on the destination's line)`);
                break;
            }
            case "aws:ec2/vpcEndpoint:VpcEndpoint": {
                if ((i.vpcEndpointType ?? "Gateway") === "Gateway") {
                    add(r, P.gatewayEndpointHour.usd * H, "gateway endpoint: no charge");
                } else {
                    const azs = (i.subnetIds ?? []).length;
                    add(r, azs * P.interfaceEndpointAzHour.usd * H + A.interfaceEndpointGbPerMonth * P.interfaceEndpointGb.usd, `${azs} AZ(s) × ${H} h + ${A.interfaceEndpointGbPerMonth} GB processed`);
                }
                break;
            }
            case "aws:ec2/eip:Eip":
                add(r, P.publicIpv4Hour.usd * H, "1 public IPv4");
                break;
            case "aws:cloudwatch/logGroup:LogGroup": {
                const writers = ofType("aws:ecs/taskDefinition:TaskDefinition").filter((td) => containers(td).some((c) => c.logConfiguration?.options?.["awslogs-group"] === r.outputs.name));
                let gb = 0;
                for (const td of writers) {
                    gb += services.filter((s) => byRef(s.inputs.taskDefinition) === td).reduce((n, s) => n + (s.inputs.desiredCount ?? 0) * A.logGbPerTaskMonth, 0);
                    gb += schedules.filter((s) => byRef(s.inputs.target?.ecsParameters?.taskDefinitionArn) === td).reduce((n, s) => n + monthlyInvocations(s.inputs.scheduleExpression) * A.jobLogGbPerRun, 0);
                }
                const days = i.retentionInDays || 365;
                const stored = gb * Math.min(days, 365) / 30;
                // Flow logs pay delivery on their own line; their records are stored here.
                const flowGb = flowLogsInto(r.outputs.arn).reduce((n, f) => n + flowLogGb(f), 0);
                const flowStored = flowGb * Math.min(days, 365) / 30;
                const app = `${+gb.toFixed(3)} GB/month ingested, ~${+stored.toFixed(2)} GB kept`;
                const flow = `~${+flowStored.toFixed(2)} GB of flow logs kept (their delivery is on the flow log's line)`;
                const basis = flowGb && gb ? `${app} + ${flow}` : flowGb ? flow : app;
                add(r, gb * P.logsIngestGb.usd + (stored + flowStored) * P.logsStoreGbMonth.usd, `${basis} (${i.retentionInDays || "no"} days)`);
                break;
            }
            case "aws:ecs/cluster:Cluster": {
                const mode = (i.settings ?? []).find((s: any) => s.name === "containerInsights")?.value;
                if (mode === "enabled" || mode === "enhanced") {
                    const families = ofType("aws:ecs/taskDefinition:TaskDefinition").length;
                    const metrics = A.insightsMetricsPerCluster + families * A.insightsMetricsPerFamily;
                    add(r, metrics * P.customMetricMonth.usd + runningTasks * A.insightsGbPerTaskMonth * P.logsIngestGb.usd, `Container Insights: ${metrics} metrics + ${runningTasks} task(s) of performance events`);
                }
                break;
            }
            case "aws:ecr/repository:Repository": {
                const lc = ofType("aws:ecr/lifecyclePolicy:LifecyclePolicy").find((l) => l.inputs.repository === r.outputs.name);
                const rules: any[] = lc ? JSON.parse(lc.inputs.policy).rules ?? [] : [];
                const keep = rules.find((x) => x.selection?.countType === "imageCountMoreThan")?.selection.countNumber ?? 10;
                const gb = A.ecrFirstImageGb + A.ecrGbPerExtraImage * (keep - 1);
                add(r, gb * P.ecrGbMonth.usd, `~${+gb.toFixed(2)} GB for ${keep} kept images`);
                break;
            }
            case "aws:ecs/taskDefinition:TaskDefinition": {
                const secrets = new Set(containers(r).flatMap((c) => (c.secrets ?? []).map((s: any) => String(s.valueFrom))).filter((v) => v.includes(":secretsmanager:")).map((v) => v.split(":").slice(0, 7).join(":")));
                if (secrets.size) add(r, secrets.size * P.secretMonth.usd, `${secrets.size} Secrets Manager secret(s)`);
                break;
            }
            case "aws:secretsmanager/secret:Secret":
                add(r, P.secretMonth.usd, "1 secret");
                break;
            case "aws:sqs/queue:Queue":
                add(r, (A.sqsRequestsPerMonth / 1e6) * P.sqsMillionRequests.usd, `${A.sqsRequestsPerMonth} requests`);
                break;
            case "aws:cloudwatch/metricAlarm:MetricAlarm": {
                const queries: any[] = i.metricQueries ?? [];
                const metrics = queries.length > 0 ? queries.filter((q) => q.metric).length : 1;
                const periods = queries.length > 0 ? queries.map((q) => q.metric?.period ?? q.period).filter((x) => typeof x === "number") : [i.period];
                const highRes = periods.some((x: number) => x < 60);
                const price = (highRes ? P.highResolutionAlarmMetricMonth : P.alarmMetricMonth).usd;
                add(r, metrics * price, `${metrics} alarm metric(s)${queries.length ? " (metric math)" : ""} × $${price.toFixed(2)}, ${highRes ? "high" : "standard"} resolution`);
                break;
            }
            case "aws:cloudwatch/dashboard:Dashboard":
                add(r, P.dashboardMonth.usd, "1 dashboard");
                break;
            case "aws:kms/key:Key":
                add(r, P.kmsKeyMonth.usd + (A.alertKeyRequestsPerMonth / 10_000) * P.kmsTenThousandRequests.usd, `1 key + ${A.alertKeyRequestsPerMonth} requests`);
                break;
            case "aws:sns/topic:Topic": {
                const subs = ofType("aws:sns/topicSubscription:TopicSubscription").filter((x) => x.inputs.topic === r.outputs.arn);
                const emails = subs.filter((x) => String(x.inputs.protocol).startsWith("email")).length;
                const https = subs.filter((x) => String(x.inputs.protocol).startsWith("http")).length;
                const n = A.alertMessagesPerMonth;
                add(r, (n / 1e6) * P.snsMillionPublishes.usd + emails * (n / 1e5) * P.snsHundredThousandEmails.usd + https * (n / 1e6) * P.snsMillionHttps.usd,
                    `${n} messages × (1 publish + ${emails} e-mail + ${https} HTTPS deliveries)`);
                break;
            }
            case "aws:s3/bucket:Bucket":
            case "aws:s3/bucketV2:BucketV2": {
                const flows = flowLogsInto(r.outputs.arn);
                if (flows.length > 0) {
                    const expiry = ofType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").find((l) => l.inputs.bucket === r.outputs.id)?.inputs.rules?.[0]?.expiration?.days ?? 365;
                    const gb = flows.reduce((n, f) => n + flowLogGb(f), 0) * Math.min(expiry, 365) / 30;
                    add(r, gb * P.s3GbMonth.usd, `~${+gb.toFixed(2)} GB of flow logs kept (${expiry} days)`);
                } else {
                    add(r, A.accessLogGbStored * P.s3GbMonth.usd, `${A.accessLogGbStored} GB stored`);
                }
                break;
            }
        }
    }
    lines.sort((a, b) => b.monthly - a.monthly || a.urn.localeCompare(b.urn));
    const total = round4(lines.reduce((n, l) => n + l.monthly, 0));
    return { lines, total, freeResources: resources.length - lines.length };
}
