/**
 * CloudWatch's limits on a metric alarm, written once for the components (argument checks), the
 * stack config (every threshold and period checked before any resource) and the policy pack (rules
 * over a graph). Pure: no Pulumi imports.
 *
 * Source: CloudWatch API reference, PutMetricAlarm (request parameters):
 * - AlarmName: 1–255 characters, unique in the Region; AlarmDescription: at most 1024.
 * - AlarmActions, OKActions, InsufficientDataActions: at most 5 ARNs each.
 * - Dimensions: at most 30.
 * - Period: "Valid values are 10, 20, 30, and any multiple of 60" (minimum 10); 10, 20 or 30 make a
 *   high-resolution alarm (a higher charge), useful only for metrics stored at 1-second resolution.
 * - "An alarm's total current evaluation period can be no longer than seven days, so Period
 *   multiplied by EvaluationPeriods can't be more than 604,800 seconds. For alarms with a period of
 *   less than one hour (3,600 seconds), the total evaluation period can't be longer than one day
 *   (86,400 seconds)."
 * - EvaluationPeriods and DatapointsToAlarm: at least 1; DatapointsToAlarm is the M of an "M out of
 *   N" alarm, so at most EvaluationPeriods (CloudWatch user guide, "Evaluating an alarm").
 * - Metrics (metric math): "One item in the Metrics array is the expression that the alarm
 *   watches. You designate this expression by setting ReturnData to true"; with Metrics, none of
 *   Namespace, MetricName, Dimensions, Period, Unit, Statistic, ExtendedStatistic may be given.
 */

export const ALARM_LIMITS = {
    nameLength: 255,
    descriptionLength: 1024,
    actionsPerState: 5,
    dimensions: 30,
    minPeriod: 10,
    highResolutionPeriods: [10, 20, 30] as readonly number[],
    maxWindowSeconds: 604_800,
    subHourWindowSeconds: 86_400,
    oneHour: 3_600,
} as const;

/** The alarm's timing: each period's statistic, how many periods are looked at, how many must breach. */
export interface AlarmTiming {
    /** Seconds per data point: 10, 20, 30 or a multiple of 60. */
    period?: number;
    /** Periods looked at (the N of "M out of N"). */
    evaluationPeriods?: number;
    /** Breaching periods among them that set ALARM (the M). */
    datapointsToAlarm?: number;
}

/** Why `period` is not a period CloudWatch accepts, or undefined. */
export function periodProblem(period: number): string | undefined {
    if (!Number.isInteger(period) || period < ALARM_LIMITS.minPeriod) return `got ${period}; allowed: 10, 20, 30 or a multiple of 60 seconds`;
    if (ALARM_LIMITS.highResolutionPeriods.includes(period) || period % 60 === 0) return undefined;
    return `got ${period}; allowed: 10, 20, 30 or a multiple of 60 seconds (CloudWatch PutMetricAlarm Period)`;
}

/** True for a period that makes a high-resolution alarm (priced higher). */
export const isHighResolution = (period: number) => period < 60;

/**
 * Every problem with an alarm's timing, each as `<key>.<field>: got …; allowed: …`. `key` names the
 * settings (a config path or an argument name).
 */
export function alarmTimingProblems(key: string, t: AlarmTiming): string[] {
    const p: string[] = [];
    if (t.period !== undefined) {
        const why = periodProblem(t.period);
        if (why) p.push(`${key}.period: ${why}`);
    }
    const n = t.evaluationPeriods;
    if (n !== undefined && !(Number.isInteger(n) && n >= 1)) p.push(`${key}.evaluationPeriods: got ${n}; allowed: an integer ≥ 1`);
    const m = t.datapointsToAlarm;
    if (m !== undefined && !(Number.isInteger(m) && m >= 1)) p.push(`${key}.datapointsToAlarm: got ${m}; allowed: an integer ≥ 1`);
    if (m !== undefined && n !== undefined && Number.isInteger(m) && Number.isInteger(n) && m > n) {
        p.push(`${key}.datapointsToAlarm: got ${m}; allowed: at most evaluationPeriods (${n}): it is the M of "M out of N"`);
    }
    if (t.period !== undefined && n !== undefined && Number.isInteger(n) && n >= 1 && !periodProblem(t.period)) {
        const window = t.period * n;
        const limit = t.period < ALARM_LIMITS.oneHour ? ALARM_LIMITS.subHourWindowSeconds : ALARM_LIMITS.maxWindowSeconds;
        if (window > limit) {
            p.push(`${key}.evaluationPeriods: got ${n} × period ${t.period} s = ${window} s; allowed: at most ${limit} s (${limit === ALARM_LIMITS.subHourWindowSeconds ? "one day for periods under an hour" : "seven days"}), so at most ${Math.floor(limit / t.period)} periods of ${t.period} s`);
        }
    }
    return p;
}

/** The alarm properties the graph checks read (a MetricAlarm's inputs as the provider takes them). */
export interface MetricAlarmProps {
    name?: string;
    alarmDescription?: string;
    alarmActions?: unknown[];
    okActions?: unknown[];
    insufficientDataActions?: unknown[];
    metricName?: string;
    namespace?: string;
    period?: number;
    statistic?: string;
    extendedStatistic?: string;
    dimensions?: Record<string, unknown>;
    evaluationPeriods?: number;
    datapointsToAlarm?: number;
    metricQueries?: { id: string; expression?: string; returnData?: boolean; period?: number; metric?: { metricName: string; namespace?: string; period: number; stat: string; dimensions?: Record<string, unknown> } }[];
}

/** Every PutMetricAlarm rule a metric alarm breaks (empty when CloudWatch would accept it). */
export function metricAlarmProblems(a: MetricAlarmProps): string[] {
    const p: string[] = [];
    if (a.name !== undefined && (a.name.length < 1 || a.name.length > ALARM_LIMITS.nameLength)) p.push(`name: ${a.name.length} characters; allowed: 1–${ALARM_LIMITS.nameLength}`);
    if ((a.alarmDescription ?? "").length > ALARM_LIMITS.descriptionLength) p.push(`alarmDescription: ${a.alarmDescription!.length} characters; allowed: at most ${ALARM_LIMITS.descriptionLength}`);
    for (const key of ["alarmActions", "okActions", "insufficientDataActions"] as const) {
        const n = (a[key] ?? []).length;
        if (n > ALARM_LIMITS.actionsPerState) p.push(`${key}: ${n} actions; allowed: at most ${ALARM_LIMITS.actionsPerState}`);
    }
    const queries = a.metricQueries ?? [];
    if (queries.length > 0) {
        const single = (["metricName", "namespace", "period", "statistic", "extendedStatistic", "dimensions"] as const).filter((k) => a[k] !== undefined);
        if (single.length > 0) p.push(`metric math alarm also sets ${single.join(", ")}; with metricQueries these belong in the queries`);
        const returned = queries.filter((q) => q.returnData === true);
        if (returned.length !== 1) p.push(`metricQueries: ${returned.length} queries return data; exactly one (the expression the alarm watches) must`);
        const ids = new Set<string>();
        for (const q of queries) {
            if (ids.has(q.id)) p.push(`metricQueries: id "${q.id}" used twice`);
            ids.add(q.id);
            if (!/^[a-z][a-zA-Z0-9_]*$/.test(q.id)) p.push(`metricQueries: id "${q.id}" must start with a lowercase letter and hold letters, digits and underscores (MetricDataQuery Id)`);
            if ((q.metric === undefined) === (q.expression === undefined)) p.push(`metricQueries.${q.id}: exactly one of metric and expression`);
            const period = q.metric?.period ?? q.period;
            if (period !== undefined) p.push(...alarmTimingProblems(`metricQueries.${q.id}`, { period, evaluationPeriods: a.evaluationPeriods }));
            if (q.metric && Object.keys(q.metric.dimensions ?? {}).length > ALARM_LIMITS.dimensions) p.push(`metricQueries.${q.id}: more than ${ALARM_LIMITS.dimensions} dimensions`);
        }
        p.push(...alarmTimingProblems("alarm", { evaluationPeriods: a.evaluationPeriods, datapointsToAlarm: a.datapointsToAlarm }));
    } else {
        if (a.metricName === undefined) p.push("neither metricName nor metricQueries: an alarm watches a metric or an expression");
        if ((a.statistic === undefined) === (a.extendedStatistic === undefined)) p.push("exactly one of statistic and extendedStatistic");
        if (Object.keys(a.dimensions ?? {}).length > ALARM_LIMITS.dimensions) p.push(`dimensions: more than ${ALARM_LIMITS.dimensions}`);
        p.push(...alarmTimingProblems("alarm", { period: a.period, evaluationPeriods: a.evaluationPeriods, datapointsToAlarm: a.datapointsToAlarm }));
    }
    if (a.evaluationPeriods === undefined) p.push("evaluationPeriods: required for a metric alarm");
    return p;
}

/** The period an alarm evaluates at: its own, or (metric math) the shortest of its metrics'. */
export function alarmPeriod(a: MetricAlarmProps): number | undefined {
    if (a.period !== undefined) return a.period;
    const periods = (a.metricQueries ?? []).map((q) => q.metric?.period ?? q.period).filter((x): x is number => typeof x === "number");
    return periods.length > 0 ? Math.min(...periods) : undefined;
}
