/**
 * The `alerts` key of the stack config and each service's `alarms`: who is notified, and every
 * alarm's threshold and timing. Shapes are checked by the schema; the rules that need more than
 * one field (CloudWatch's period and window limits, thresholds in range, alarms only where they
 * apply, rule-name lengths) by `environmentAlertsProblems`, each naming `<project>:<key>`.
 */
import { z } from "zod";
import { ALARM_KIND_NAMES, EnvironmentAlertsArgs, EnvironmentServiceAlarmsArgs } from "fargatekit";

import { int } from "./fields";

/** One alarm's settings; ranges per alarm and CloudWatch's combined limits are checked across fields. */
const alarmSettings = z.strictObject({
    threshold: z.number().optional(),
    period: int(10, 604_800).optional(),
    evaluationPeriods: int(1, 86_400).optional(),
    datapointsToAlarm: int(1, 86_400).optional(),
});

const kinds = Object.fromEntries(ALARM_KIND_NAMES.map((k) => [k, alarmSettings.optional()])) as Record<(typeof ALARM_KIND_NAMES)[number], z.ZodOptional<typeof alarmSettings>>;

export const thresholdsSchema = z.strictObject(kinds);

export const alertsSchema = z.strictObject({
    /** E-mail addresses; each confirms the subscription SNS mails it. */
    email: z.array(z.email({ error: "must be an e-mail address such as ops@example.com" })).default([]),
    /** HTTPS endpoints (pager, chat); each confirms its subscription. */
    https: z.array(z.string().regex(/^https:\/\/[^\s/?#]+[^\s]*$/, "must be an https:// URL")).default([]),
    /** Every alarm's settings over the defaults (README, "Alerts"). */
    thresholds: thresholdsSchema.default({}),
    /** Prefix of alarm, rule, topic and dashboard names; `<project>-<stack>` when omitted. */
    namePrefix: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, "must be 1–40 letters, digits, \"-\" and \"_\"").optional(),
});

/** A service's `alarms`: its own settings over `alerts.thresholds`, and the two switches. */
export const serviceAlarmsSchema = z.strictObject({
    ...kinds,
    /** false: no alarms for this service and its queue. */
    enabled: z.boolean().default(true),
    /** false: ECS does not roll back on the deployment alarms (they still notify). */
    rollback: z.boolean().default(true),
});

// A config that parses is valid Environment args.
const _isAlerts: EnvironmentAlertsArgs = {} as z.output<typeof alertsSchema>;
const _isServiceAlarms: EnvironmentServiceAlarmsArgs = {} as z.output<typeof serviceAlarmsSchema>;
void _isAlerts;
void _isServiceAlarms;
