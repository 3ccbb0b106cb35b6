/**
 * The environment's CloudWatch dashboard body, built from the same resource outputs the alarms
 * use (target group and load balancer ARN suffixes, ECS service names, queue and rule names), so it
 * cannot drift from what is deployed. The body holds Outputs; the caller serialises it with
 * pulumi.jsonStringify. Widget syntax: CloudWatch API reference, "Dashboard Body Structure and
 * Syntax" (metric widgets need `region`; a metric is [namespace, name, dim, value, …, {options}]; an
 * alarm widget lists at most 100 alarm ARNs).
 */
import type * as pulumi from "@pulumi/pulumi";

type In<T> = pulumi.Input<T>;

/** At most this many alarms in one alarm-status widget (Dashboard Body Structure, alarm widget). */
export const ALARMS_PER_WIDGET = 100;
/** Dashboard names: letters, digits, `-`, `_`, at most 255 (CloudWatch API reference, PutDashboard). */
export const DASHBOARD_NAME = /^[A-Za-z0-9_-]{1,255}$/;

export interface DashboardModel {
    title: string;
    region: In<string>;
    /** The load balancer's ARN suffix, when a service is public. */
    loadBalancer?: In<string>;
    clusterName: In<string>;
    /** Container Insights is on (running and desired task counts exist). */
    containerInsights: boolean;
    services: { name: string; serviceName: In<string>; targetGroup?: In<string>; alternateTargetGroup?: In<string>; queueName?: In<string>; deadLetterQueueName?: In<string> }[];
    jobs: { name: string; runsRule: In<string>; failuresRule: In<string>; deadLetterQueueName: In<string> }[];
    alarmArns: In<string>[];
}

type Metric = In<string>[] | [...In<string>[], Record<string, unknown>];

const WIDTH = 12;
const HEIGHT = 6;

/** The dashboard as an object (Outputs inside): alarm status, then one graph per concern. */
export function dashboardBody(m: DashboardModel): { widgets: Record<string, unknown>[] } {
    const widgets: Record<string, unknown>[] = [];
    let slot = 0;
    const place = (w: Record<string, unknown>, full = false) => {
        if (full && slot % 2 === 1) slot++;
        widgets.push({ ...w, x: full ? 0 : (slot % 2) * WIDTH, y: Math.floor(slot / 2) * HEIGHT, width: full ? 2 * WIDTH : WIDTH, height: HEIGHT });
        slot += full ? 2 : 1;
    };
    const graph = (title: string, metrics: Metric[], extra: Record<string, unknown> = {}) => {
        if (metrics.length === 0) return;
        place({ type: "metric", properties: { title, region: m.region, view: "timeSeries", stacked: false, period: 60, metrics, ...extra } });
    };

    for (let i = 0; i < m.alarmArns.length; i += ALARMS_PER_WIDGET) {
        place({ type: "alarm", properties: { title: `${m.title}: alarms`, alarms: m.alarmArns.slice(i, i + ALARMS_PER_WIDGET) } }, true);
    }

    // A traffic-shifting service has two target groups and ECS swaps the live one: graph both.
    const pub = m.services.flatMap((s) => [s.targetGroup, s.alternateTargetGroup].flatMap((targetGroup, i) =>
        targetGroup === undefined ? [] : [{ ...s, targetGroup, name: i === 0 ? s.name : `${s.name} (group 2)` }]));
    const tg = (s: typeof pub[number]) => ["LoadBalancer", m.loadBalancer!, "TargetGroup", s.targetGroup!] as In<string>[];
    const ELB = "AWS/ApplicationELB";
    graph("Requests (per minute)", pub.map((s) => [ELB, "RequestCount", ...tg(s), { stat: "Sum", label: s.name }]));
    graph("5xx responses", [
        ...pub.map((s) => [ELB, "HTTPCode_Target_5XX_Count", ...tg(s), { stat: "Sum", label: `${s.name} (tasks)` }]),
        ...(m.loadBalancer !== undefined && pub.length > 0 ? [[ELB, "HTTPCode_ELB_5XX_Count", "LoadBalancer", m.loadBalancer, { stat: "Sum", label: "load balancer" }]] : []),
    ] as Metric[]);
    graph("Latency p50 / p99 (seconds)", pub.flatMap((s) => [
        [ELB, "TargetResponseTime", ...tg(s), { stat: "p50", label: `${s.name} p50` }],
        [ELB, "TargetResponseTime", ...tg(s), { stat: "p99", label: `${s.name} p99` }],
    ]));
    graph("Healthy / unhealthy targets", pub.flatMap((s) => [
        [ELB, "HealthyHostCount", ...tg(s), { stat: "Minimum", label: `${s.name} healthy` }],
        [ELB, "UnHealthyHostCount", ...tg(s), { stat: "Maximum", label: `${s.name} unhealthy` }],
    ]));

    const svc = (s: DashboardModel["services"][number]) => ["ClusterName", m.clusterName, "ServiceName", s.serviceName] as In<string>[];
    graph("CPU utilisation (%)", m.services.map((s) => ["AWS/ECS", "CPUUtilization", ...svc(s), { stat: "Average", label: s.name }]), { yAxis: { left: { min: 0, max: 100 } } });
    graph("Memory utilisation (%)", m.services.map((s) => ["AWS/ECS", "MemoryUtilization", ...svc(s), { stat: "Average", label: s.name }]), { yAxis: { left: { min: 0, max: 100 } } });
    if (m.containerInsights) {
        graph("Running / desired tasks", m.services.flatMap((s) => [
            ["ECS/ContainerInsights", "RunningTaskCount", ...svc(s), { stat: "Minimum", label: `${s.name} running` }],
            ["ECS/ContainerInsights", "DesiredTaskCount", ...svc(s), { stat: "Maximum", label: `${s.name} desired` }],
        ]));
    }

    graph("Job runs and failures (per hour)", m.jobs.flatMap((j) => [
        ["AWS/Events", "MatchedEvents", "RuleName", j.runsRule, { stat: "Sum", label: `${j.name} runs` }],
        ["AWS/Events", "MatchedEvents", "RuleName", j.failuresRule, { stat: "Sum", label: `${j.name} failures` }],
    ]), { period: 3600 });
    const queues = m.services.filter((s) => s.queueName !== undefined);
    graph("Oldest message (seconds)", queues.map((s) => ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", s.queueName!, { stat: "Maximum", label: s.name }]));
    graph("Dead-letter queue depth", [
        ...queues.map((s) => ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", s.deadLetterQueueName!, { stat: "Maximum", label: `${s.name} queue` }]),
        ...m.jobs.map((j) => ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", j.deadLetterQueueName, { stat: "Maximum", label: `job ${j.name}` }]),
    ] as Metric[], { period: 300 });
    return { widgets };
}
