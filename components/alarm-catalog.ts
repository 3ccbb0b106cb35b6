/**
 * The alarms this package creates: what each watches, its defaults, the threshold values that make
 * sense, its name, and whether ECS rolls a deployment back on it. Pure (types only from Pulumi):
 * components build `aws.cloudwatch.MetricAlarm`s from these specs, the stack config checks
 * thresholds against them, and the policy pack and tests read the same table.
 *
 * Metrics and their dimensions:
 * - AWS/ApplicationELB (ELB user guide, "CloudWatch metrics for your Application Load Balancer"):
 *   RequestCount, HTTPCode_Target_5XX_Count, TargetResponseTime, HealthyHostCount and
 *   UnHealthyHostCount are published per target group with the dimensions TargetGroup and
 *   LoadBalancer (the resources' ARN suffixes); HTTPCode_ELB_5XX_Count (errors the load balancer
 *   makes itself: no healthy target, target timeout) only per LoadBalancer (and per
 *   AvailabilityZone, LoadBalancer) — so that alarm is one per load balancer, not per service.
 * - AWS/ECS CPUUtilization and MemoryUtilization per ClusterName, ServiceName; sent only while the
 *   service has RUNNING tasks (ECS developer guide, "Amazon ECS CloudWatch metrics").
 * - ECS/ContainerInsights DesiredTaskCount and RunningTaskCount per ClusterName, ServiceName (needs
 *   Container Insights on the cluster).
 * - AWS/SQS ApproximateAgeOfOldestMessage and ApproximateNumberOfMessagesVisible per QueueName (SQS
 *   developer guide, "Available CloudWatch metrics for Amazon SQS").
 */
import type * as pulumi from "@pulumi/pulumi";
import { alarmTimingProblems } from "./alarm-limits";

/** One alarm's settings; what is omitted takes the alarm's default. */
export interface AlarmSettings {
    /** The value that breaches (its unit depends on the alarm: %, seconds, count). */
    threshold?: number;
    /** Seconds per data point: 10, 20, 30 or a multiple of 60. */
    period?: number;
    /** Data points looked at (the N of "M out of N"); period × evaluationPeriods ≤ 1 day under an hour's period. */
    evaluationPeriods?: number;
    /** Breaching data points among them that set ALARM (the M); at most evaluationPeriods. */
    datapointsToAlarm?: number;
}

/** Settings per alarm; each omitted alarm keeps its defaults. */
export interface AlarmThresholds {
    /** Public services: % of requests answered 5xx by the tasks. Deployment alarm. */
    targetErrorRate?: AlarmSettings;
    /** Public services: p99 target response time, seconds. Deployment alarm. */
    latencyP99?: AlarmSettings;
    /** Public services: unhealthy targets (count) in the service's target group. */
    unhealthyHosts?: AlarmSettings;
    /** Every service: average CPU utilisation, %. */
    cpu?: AlarmSettings;
    /** Every service: average memory utilisation, %. */
    memory?: AlarmSettings;
    /** Every service (Container Insights): desired minus running tasks. */
    runningTasks?: AlarmSettings;
    /** Queue consumers: age of the oldest message, seconds. */
    queueAge?: AlarmSettings;
    /** Dead-letter queues (queue consumers, jobs): messages waiting. */
    deadLetters?: AlarmSettings;
    /** The load balancer: 5xx it answered itself (no healthy target, timeouts), count per period. */
    loadBalancerErrors?: AlarmSettings;
}

export type AlarmKind = keyof AlarmThresholds;

interface KindInfo {
    /** The alarm name's last part. */
    slug: string;
    /** The threshold's unit, for messages and descriptions. */
    unit: string;
    /** Allowed thresholds (inclusive); `integer` when only whole numbers make sense. */
    range: readonly [number, number];
    integer: boolean;
    defaults: Required<AlarmSettings>;
    /** ECS watches it during a deployment and rolls back when it goes to ALARM. */
    deployment: boolean;
}

/**
 * The defaults. Deployment alarms watch rates and latencies that a bad release changes at once;
 * level alarms (dead letters, CPU) are not deployment alarms: an alarm already in ALARM when a
 * deployment starts is not watched by ECS at all, and a level that was high before the release says
 * nothing about it.
 */
export const ALARM_KINDS: Record<AlarmKind, KindInfo> = {
    targetErrorRate: { slug: "target-5xx-rate", unit: "%", range: [0, 100], integer: false, defaults: { threshold: 5, period: 60, evaluationPeriods: 5, datapointsToAlarm: 3 }, deployment: true },
    latencyP99: { slug: "p99-latency", unit: "s", range: [0.001, 3600], integer: false, defaults: { threshold: 2, period: 60, evaluationPeriods: 5, datapointsToAlarm: 3 }, deployment: true },
    unhealthyHosts: { slug: "unhealthy-hosts", unit: "targets", range: [0, 1000], integer: true, defaults: { threshold: 0, period: 60, evaluationPeriods: 5, datapointsToAlarm: 5 }, deployment: false },
    cpu: { slug: "cpu-high", unit: "%", range: [1, 100], integer: false, defaults: { threshold: 90, period: 300, evaluationPeriods: 3, datapointsToAlarm: 3 }, deployment: false },
    memory: { slug: "memory-high", unit: "%", range: [1, 100], integer: false, defaults: { threshold: 90, period: 300, evaluationPeriods: 3, datapointsToAlarm: 3 }, deployment: false },
    runningTasks: { slug: "tasks-below-desired", unit: "tasks", range: [0, 1000], integer: true, defaults: { threshold: 0, period: 60, evaluationPeriods: 5, datapointsToAlarm: 5 }, deployment: false },
    queueAge: { slug: "oldest-message-age", unit: "s", range: [1, 1_209_600], integer: true, defaults: { threshold: 900, period: 60, evaluationPeriods: 5, datapointsToAlarm: 5 }, deployment: false },
    deadLetters: { slug: "dead-letters", unit: "messages", range: [0, 1_000_000], integer: true, defaults: { threshold: 0, period: 300, evaluationPeriods: 1, datapointsToAlarm: 1 }, deployment: false },
    loadBalancerErrors: { slug: "elb-5xx", unit: "responses", range: [0, 1_000_000_000], integer: true, defaults: { threshold: 5, period: 300, evaluationPeriods: 1, datapointsToAlarm: 1 }, deployment: false },
};

export const ALARM_KIND_NAMES = Object.keys(ALARM_KINDS) as AlarmKind[];

/** Alarms that apply to a public service, to any service, to a queue consumer, to a load balancer, to a job. */
export const PUBLIC_SERVICE_ALARMS: readonly AlarmKind[] = ["targetErrorRate", "latencyP99", "unhealthyHosts"];
export const SERVICE_ALARMS: readonly AlarmKind[] = ["cpu", "memory", "runningTasks"];
export const QUEUE_ALARMS: readonly AlarmKind[] = ["queueAge", "deadLetters"];
export const LOAD_BALANCER_ALARMS: readonly AlarmKind[] = ["loadBalancerErrors"];
export const JOB_ALARMS: readonly AlarmKind[] = ["deadLetters"];

/** A target-5xx rate over fewer requests than this per period counts as 0 (2 errors in 3 requests is noise, not an outage). */
export const MIN_REQUESTS_FOR_RATE = 10;

/** The settings of `kind` with each layer's fields over the defaults (later layers win). */
export function resolveSettings(kind: AlarmKind, ...layers: (AlarmSettings | undefined)[]): Required<AlarmSettings> {
    const out: Required<AlarmSettings> = { ...ALARM_KINDS[kind].defaults };
    for (const layer of layers) {
        for (const [k, v] of Object.entries(layer ?? {})) if (v !== undefined) (out as unknown as Record<string, number>)[k] = v;
    }
    return out;
}

/** Every problem with one alarm's settings, each as `<key>.<field>: got …; allowed: …`. */
export function alarmSettingsProblems(key: string, kind: AlarmKind, s: AlarmSettings): string[] {
    const info = ALARM_KINDS[kind];
    const p: string[] = [];
    if (s.threshold !== undefined) {
        const [lo, hi] = info.range;
        if (!(Number.isFinite(s.threshold) && s.threshold >= lo && s.threshold <= hi && (!info.integer || Number.isInteger(s.threshold)))) {
            p.push(`${key}.threshold: got ${s.threshold}; allowed: ${info.integer ? "an integer" : "a number"} ${lo}–${hi} (${info.unit})`);
        }
    }
    p.push(...alarmTimingProblems(key, s));
    return p;
}

/** `<prefix>-<owner>-<slug>`: deterministic, so a service can name its deployment alarms before they exist. */
export function alarmName(prefix: string, owner: string, kind: AlarmKind): string {
    return `${prefix}-${owner}-${ALARM_KINDS[kind].slug}`;
}

type In<T> = pulumi.Input<T>;

/** What a MetricAlarm needs besides its name, actions and tags. */
export interface AlarmSpec {
    kind: AlarmKind;
    description: string;
    comparisonOperator: string;
    threshold: number;
    evaluationPeriods: number;
    datapointsToAlarm: number;
    treatMissingData: string;
    namespace?: string;
    metricName?: string;
    period?: number;
    statistic?: string;
    extendedStatistic?: string;
    evaluateLowSampleCountPercentiles?: string;
    dimensions?: Record<string, In<string>>;
    metricQueries?: {
        id: string;
        label?: string;
        expression?: string;
        returnData: boolean;
        metric?: { namespace: string; metricName: string; period: number; stat: string; dimensions: Record<string, In<string>> };
    }[];
}

const ELB = "AWS/ApplicationELB";

function base(kind: AlarmKind, s: Required<AlarmSettings>, description: string) {
    return {
        kind, description,
        comparisonOperator: "GreaterThanThreshold",
        threshold: s.threshold,
        evaluationPeriods: s.evaluationPeriods,
        datapointsToAlarm: s.datapointsToAlarm,
        // No data is no traffic (ELB), no running task (ECS) or an idle queue (SQS): not a breach.
        treatMissingData: "notBreaching",
    };
}

const window = (s: Required<AlarmSettings>) => `${s.datapointsToAlarm} of ${s.evaluationPeriods} periods of ${s.period} s`;

/**
 * The target groups a public service's traffic reaches: one, or two for a blue/green, canary or
 * linear release, whose live group ECS swaps at every deployment. Alarms over two groups read both
 * with metric math, so they watch the live one whichever it is (an idle group reports no data,
 * filled as 0).
 */
export type TargetGroups = In<string> | readonly In<string>[];
const groupsOf = (targetGroups: TargetGroups): In<string>[] => (Array.isArray(targetGroups) ? [...targetGroups] : [targetGroups as In<string>]);

/** % of a target group's requests the tasks answered 5xx: metric math over the request count, not a raw count. */
export function targetErrorRateAlarm(owner: string, s: Required<AlarmSettings>, loadBalancer: In<string>, targetGroups: TargetGroups): AlarmSpec {
    const groups = groupsOf(targetGroups);
    const queries: NonNullable<AlarmSpec["metricQueries"]> = [];
    groups.forEach((targetGroup, i) => {
        const dimensions = { LoadBalancer: loadBalancer, TargetGroup: targetGroup };
        const n = groups.length === 1 ? "" : String(i + 1);
        queries.push(
            { id: `errors${n}`, label: `Target 5xx${n && ` (group ${n})`}`, returnData: false, metric: { namespace: ELB, metricName: "HTTPCode_Target_5XX_Count", period: s.period, stat: "Sum", dimensions } },
            { id: `requests${n}`, label: `Requests${n && ` (group ${n})`}`, returnData: false, metric: { namespace: ELB, metricName: "RequestCount", period: s.period, stat: "Sum", dimensions } },
        );
    });
    const errors = groups.length === 1 ? "FILL(errors, 0)" : groups.map((_, i) => `FILL(errors${i + 1}, 0)`).join(" + ");
    const requests = groups.length === 1 ? "requests" : `(${groups.map((_, i) => `FILL(requests${i + 1}, 0)`).join(" + ")})`;
    const expression = groups.length === 1
        ? `IF(requests >= ${MIN_REQUESTS_FOR_RATE}, 100 * FILL(errors, 0) / requests, 0)`
        : `IF(${requests} >= ${MIN_REQUESTS_FOR_RATE}, 100 * (${errors}) / ${requests}, 0)`;
    return {
        ...base("targetErrorRate", s, `${owner}: more than ${s.threshold} % of requests answered 5xx by its tasks in ${window(s)} (periods with fewer than ${MIN_REQUESTS_FOR_RATE} requests count as 0). A deployment rolls back on it. Look at the service's logs and its last deployment.`),
        metricQueries: [...queries, { id: "rate", label: "Target 5xx rate (%)", returnData: true, expression }],
    };
}

/** p99 of the time targets take to answer (the higher of the two groups' under traffic shifting). */
export function latencyP99Alarm(owner: string, s: Required<AlarmSettings>, loadBalancer: In<string>, targetGroups: TargetGroups): AlarmSpec {
    const groups = groupsOf(targetGroups);
    const description = `${owner}: p99 response time above ${s.threshold} s in ${window(s)}. A deployment rolls back on it.`;
    if (groups.length === 1) {
        return {
            ...base("latencyP99", s, description),
            namespace: ELB, metricName: "TargetResponseTime", period: s.period, extendedStatistic: "p99",
            // Too few requests for a meaningful percentile: keep the state (CloudWatch user guide, "Percentile-based alarms and low data samples").
            evaluateLowSampleCountPercentiles: "ignore",
            dimensions: { LoadBalancer: loadBalancer, TargetGroup: groups[0] },
        };
    }
    return {
        ...base("latencyP99", s, description),
        metricQueries: [
            ...groups.map((targetGroup, i) => ({
                id: `p99g${i + 1}`, label: `p99 (group ${i + 1})`, returnData: false,
                metric: { namespace: ELB, metricName: "TargetResponseTime", period: s.period, stat: "p99", dimensions: { LoadBalancer: loadBalancer, TargetGroup: targetGroup } },
            })),
            { id: "p99", label: "p99 response time (s)", returnData: true, expression: `MAX([${groups.map((_, i) => `FILL(p99g${i + 1}, 0)`).join(", ")}])` },
        ],
    };
}

export function unhealthyHostsAlarm(owner: string, s: Required<AlarmSettings>, loadBalancer: In<string>, targetGroups: TargetGroups): AlarmSpec {
    const groups = groupsOf(targetGroups);
    const description = `${owner}: more than ${s.threshold} unhealthy target(s) in ${window(s)}: tasks fail the load balancer's health check.`;
    if (groups.length === 1) {
        return {
            ...base("unhealthyHosts", s, description),
            namespace: ELB, metricName: "UnHealthyHostCount", period: s.period, statistic: "Maximum",
            dimensions: { LoadBalancer: loadBalancer, TargetGroup: groups[0] },
        };
    }
    return {
        ...base("unhealthyHosts", s, description),
        metricQueries: [
            ...groups.map((targetGroup, i) => ({
                id: `unhealthy${i + 1}`, label: `Unhealthy targets (group ${i + 1})`, returnData: false,
                metric: { namespace: ELB, metricName: "UnHealthyHostCount", period: s.period, stat: "Maximum", dimensions: { LoadBalancer: loadBalancer, TargetGroup: targetGroup } },
            })),
            { id: "unhealthy", label: "Unhealthy targets", returnData: true, expression: groups.map((_, i) => `FILL(unhealthy${i + 1}, 0)`).join(" + ") },
        ],
    };
}

export function loadBalancerErrorsAlarm(owner: string, s: Required<AlarmSettings>, loadBalancer: In<string>): AlarmSpec {
    return {
        ...base("loadBalancerErrors", s, `${owner}: the load balancer itself answered more than ${s.threshold} 5xx in ${window(s)} (no healthy target, target timeouts or resets). CloudWatch publishes this per load balancer only.`),
        namespace: ELB, metricName: "HTTPCode_ELB_5XX_Count", period: s.period, statistic: "Sum",
        dimensions: { LoadBalancer: loadBalancer },
    };
}

export function utilisationAlarm(kind: "cpu" | "memory", owner: string, s: Required<AlarmSettings>, clusterName: In<string>, serviceName: In<string>): AlarmSpec {
    const what = kind === "cpu" ? "CPU" : "memory";
    return {
        ...base(kind, s, `${owner}: average ${what} above ${s.threshold} % in ${window(s)}. Scale out (autoscaling maximum) or give the task more ${what}.`),
        namespace: "AWS/ECS", metricName: kind === "cpu" ? "CPUUtilization" : "MemoryUtilization", period: s.period, statistic: "Average",
        dimensions: { ClusterName: clusterName, ServiceName: serviceName },
    };
}

export function runningTasksAlarm(owner: string, s: Required<AlarmSettings>, clusterName: In<string>, serviceName: In<string>): AlarmSpec {
    const dimensions = { ClusterName: clusterName, ServiceName: serviceName };
    return {
        ...base("runningTasks", s, `${owner}: more than ${s.threshold} task(s) below the desired count in ${window(s)}: tasks fail to start or keep stopping (see the service's events), or Spot capacity is short.`),
        metricQueries: [
            { id: "desired", label: "Desired tasks", returnData: false, metric: { namespace: "ECS/ContainerInsights", metricName: "DesiredTaskCount", period: s.period, stat: "Maximum", dimensions } },
            { id: "running", label: "Running tasks", returnData: false, metric: { namespace: "ECS/ContainerInsights", metricName: "RunningTaskCount", period: s.period, stat: "Minimum", dimensions } },
            { id: "missing", label: "Tasks below desired", returnData: true, expression: "desired - running" },
        ],
    };
}

export function queueAgeAlarm(owner: string, s: Required<AlarmSettings>, queueName: In<string>): AlarmSpec {
    return {
        ...base("queueAge", s, `${owner}: the oldest message has waited more than ${s.threshold} s in ${window(s)}: the consumer is down, stuck or too slow.`),
        namespace: "AWS/SQS", metricName: "ApproximateAgeOfOldestMessage", period: s.period, statistic: "Maximum",
        dimensions: { QueueName: queueName },
    };
}

export function deadLettersAlarm(owner: string, s: Required<AlarmSettings>, queueName: In<string>, what: string): AlarmSpec {
    return {
        ...base("deadLetters", s, `${owner}: more than ${s.threshold} message(s) in the dead-letter queue (${what}). Read them, fix the cause, then redrive or purge.`),
        namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", period: s.period, statistic: "Maximum",
        dimensions: { QueueName: queueName },
    };
}

/**
 * Every problem with a set of per-alarm settings, each checked merged over its defaults (so a
 * `datapointsToAlarm` above the default `evaluationPeriods` is caught) and named `<key>.<alarm>.<field>`.
 * `layers` are applied before `t` (e.g. an environment's thresholds under a service's overrides).
 */
export function thresholdsProblems(key: string, t: AlarmThresholds | undefined, ...layers: (AlarmThresholds | undefined)[]): string[] {
    const p: string[] = [];
    for (const [kind, s] of Object.entries(t ?? {})) {
        if (!(kind in ALARM_KINDS)) {
            p.push(`${key}.${kind}: unknown alarm; allowed: ${ALARM_KIND_NAMES.join(", ")}`);
            continue;
        }
        if (s === undefined) continue;
        const k = kind as AlarmKind;
        p.push(...alarmSettingsProblems(`${key}.${kind}`, k, resolveSettings(k, ...layers.map((l) => l?.[k]), s)));
    }
    return p;
}
