/**
 * An environment's alert settings, checked whole before any resource (addresses, every threshold
 * and period against CloudWatch's limits, alarms only where they apply) and merged per service:
 * an alarm's settings are its defaults, under the environment's `alerts.thresholds`, under the
 * service's `alarms`. Keys are paths in `EnvironmentArgs` after `keyPrefix` (the stack config
 * passes `webapp:`).
 */
import { AlarmKind, AlarmSettings, AlarmThresholds, ALARM_KIND_NAMES, PUBLIC_SERVICE_ALARMS, QUEUE_ALARMS, SERVICE_ALARMS, thresholdsProblems } from "./alarm-catalog";
import { alertsProblems } from "./alerts";
import type { EnvironmentAlertsArgs, EnvironmentArgs, EnvironmentServiceArgs } from "./environment";
import { EVENT_RULE_NAME } from "./job-alerts";
import { Exposure, exposureOf } from "./service";

/** The alarm prefix of an environment: `alerts.namePrefix`, else `<project>-<stack>`. */
export function alertsNamePrefix(alerts: EnvironmentAlertsArgs | undefined, project: string, stack: string): string {
    return alerts?.namePrefix ?? `${project}-${stack}`;
}

/** The alarms a service gets, by what it is. */
export function serviceAlarmKinds(s: Pick<EnvironmentServiceArgs, "expose" | "route" | "queue">): AlarmKind[] {
    return [...(exposureOf(s) === Exposure.Public ? PUBLIC_SERVICE_ALARMS : []), ...SERVICE_ALARMS, ...(s.queue ? QUEUE_ALARMS : [])];
}

const merged = (kind: AlarmKind, ...layers: (AlarmThresholds | undefined)[]): AlarmSettings | undefined => {
    const present = layers.map((l) => l?.[kind]).filter((x): x is AlarmSettings => x !== undefined);
    return present.length === 0 ? undefined : Object.assign({}, ...present);
};

/** A service's settings for each of its alarms (environment thresholds under its own). */
export function serviceThresholds(env: AlarmThresholds | undefined, s: EnvironmentServiceArgs): AlarmThresholds {
    const out: AlarmThresholds = {};
    for (const kind of serviceAlarmKinds(s)) {
        const m = merged(kind, env, s.alarms);
        if (m) out[kind] = m;
    }
    return out;
}

/** Every problem with an environment's alert settings (empty when valid). */
export function environmentAlertsProblems(args: Pick<EnvironmentArgs, "alerts" | "services" | "jobs">, namePrefix: string, keyPrefix = ""): string[] {
    const a = args.alerts ?? {};
    const k = (path: string) => `${keyPrefix}${path}`;
    const p = alertsProblems({ namePrefix, email: a.email, https: a.https }).map((x) => k(`alerts.${x}`));
    p.push(...thresholdsProblems(k("alerts.thresholds"), a.thresholds));
    for (const s of args.services ?? []) {
        const own = s.alarms ?? {};
        const key = k(`services.${s.name}.alarms`);
        const applies = serviceAlarmKinds(s);
        for (const kind of ALARM_KIND_NAMES) {
            if (own[kind] === undefined) continue;
            if (!applies.includes(kind)) {
                const why = PUBLIC_SERVICE_ALARMS.includes(kind) ? `only a public service has load-balancer metrics, but expose is "${exposureOf(s)}"`
                    : QUEUE_ALARMS.includes(kind) ? "the service consumes no queue"
                    : "it is the load balancer's alarm (set it in alerts.thresholds)";
                p.push(`${key}.${kind}: ${why}`);
                continue;
            }
            p.push(...thresholdsProblems(key, { [kind]: own[kind] }, a.thresholds));
        }
    }
    for (const job of args.jobs ?? []) {
        for (const rule of [`${namePrefix}-job-${job.name}-failed`, `${namePrefix}-job-${job.name}-runs`]) {
            if (!EVENT_RULE_NAME.test(rule)) p.push(k(`jobs.${job.name}.name: the job's EventBridge rule "${rule}" would have ${rule.length} characters; allowed: 64 (shorten the job name or alerts.namePrefix)`));
        }
    }
    return p;
}
