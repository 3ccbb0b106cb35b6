/**
 * EventBridge Scheduler schedule expressions and time zones, checked locally so a typo fails
 * `pulumi preview` with the rule spelled out instead of failing `pulumi up` halfway.
 *
 * Rules (EventBridge Scheduler User Guide, "Schedule types on EventBridge Scheduler",
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html; the cron table is the
 * same as EventBridge's, https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html):
 * - `rate(value unit)`: value a positive integer, unit minute|minutes|hour|hours|day|days; the unit is
 *   singular when the value is 1 and plural otherwise (`rate(1 hour)`, `rate(2 hours)`).
 * - `cron(minutes hours day-of-month month day-of-week year)`: six fields, in the schedule's time zone.
 *   Exactly one of day-of-month and day-of-week is `?`.
 * - `at(yyyy-mm-ddThh:mm:ss)`: one run, in the schedule's time zone.
 * - Time zones are IANA names (`Europe/Paris`, `UTC`).
 */

export enum ScheduleKind {
    Rate = "rate",
    Cron = "cron",
    At = "at",
}

export interface ParsedSchedule {
    kind: ScheduleKind;
    expression: string;
    /** rate: the interval in minutes. */
    intervalMinutes?: number;
    /** cron: the six fields. */
    fields?: string[];
    /** at: the local date-time. */
    at?: string;
}

/** The shape of each accepted form, for error messages. */
export const SCHEDULE_FORMS = "rate(<n> minute|minutes|hour|hours|day|days), cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>) or at(yyyy-mm-ddThh:mm:ss)";

const RATE_UNITS: Record<string, { minutes: number; singular: string; plural: string }> = {
    minute: { minutes: 1, singular: "minute", plural: "minutes" },
    hour: { minutes: 60, singular: "hour", plural: "hours" },
    day: { minutes: 1440, singular: "day", plural: "days" },
};

interface CronField {
    name: string;
    min: number;
    max: number;
    /** Wildcards AWS allows in this field besides digits and names. */
    special: string;
    names?: string[];
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/** The six cron fields with their ranges and wildcards, as AWS documents them. */
export const CRON_FIELDS: readonly CronField[] = [
    { name: "minutes", min: 0, max: 59, special: ", - * /" },
    { name: "hours", min: 0, max: 23, special: ", - * /" },
    { name: "day-of-month", min: 1, max: 31, special: ", - * ? / L W" },
    { name: "month", min: 1, max: 12, special: ", - * /", names: MONTHS },
    { name: "day-of-week", min: 1, max: 7, special: ", - * ? L #", names: DAYS },
    { name: "year", min: 1970, max: 2199, special: ", - * /" },
];

function allowedText(f: CronField): string {
    return `${f.min}–${f.max}${f.names ? ` or ${f.names[0]}–${f.names[f.names.length - 1]}` : ""}, wildcards ${f.special}`;
}

/** A single value of a field (number or name); undefined when it is not one. */
function fieldValue(f: CronField, token: string): number | undefined {
    if (/^\d+$/.test(token)) {
        const n = Number(token);
        return n >= f.min && n <= f.max ? n : undefined;
    }
    const i = f.names?.indexOf(token.toUpperCase()) ?? -1;
    return i >= 0 ? f.min + i : undefined;
}

/** Problems with one cron field (empty when valid). */
function cronFieldProblems(f: CronField, index: number, raw: string): string[] {
    const where = `field ${index + 1} (${f.name}) "${raw}"`;
    const bad = (why: string) => [`${where}: ${why}; allowed: ${allowedText(f)}`];
    if (raw === "?") return f.special.includes("?") ? [] : bad(`"?" is only allowed in day-of-month and day-of-week`);
    const parts = raw.split(",");
    if (parts.some((p) => p === "")) return bad("empty value in a list");
    if (raw.includes("#") && parts.length > 1) return bad(`a "#" expression must stand alone in day-of-week (AWS reads "3#1,6#3" as two expressions)`);
    for (const part of parts) {
        // Field-specific wildcards first.
        if (f.name === "day-of-month" && (part === "L" || part === "LW" || /^\d+W$/.test(part))) {
            if (part.endsWith("W") && part !== "LW" && fieldValue(f, part.slice(0, -1)) === undefined) return bad(`"${part}" names no day 1–31`);
            continue;
        }
        if (f.name === "day-of-week" && (part === "L" || /^[^#L]+L$/.test(part))) {
            if (part !== "L" && fieldValue(f, part.slice(0, -1)) === undefined) return bad(`"${part}" names no day of the week`);
            continue;
        }
        if (f.name === "day-of-week" && part.includes("#")) {
            const [day, nth] = part.split("#");
            if (fieldValue(f, day) === undefined || !/^[1-5]$/.test(nth ?? "")) return bad(`"${part}" must be <day>#<1–5>, such as 3#2 for the second Tuesday`);
            continue;
        }
        const [base, step, ...rest] = part.split("/");
        if (rest.length > 0) return bad(`"${part}" has more than one "/"`);
        if (step !== undefined) {
            if (!f.special.includes("/")) return bad(`"/" is not allowed in ${f.name}`);
            if (!/^\d+$/.test(step) || Number(step) < 1) return bad(`the increment in "${part}" must be a positive integer`);
        }
        if (base === "*") continue;
        const ends = base.split("-");
        if (ends.length > 2) return bad(`"${base}" is not a value or a range a-b`);
        const values = ends.map((e) => fieldValue(f, e));
        if (values.some((v) => v === undefined)) return bad(`"${base}" is out of range or not a value of ${f.name}`);
    }
    return [];
}

function rateProblems(expr: string, body: string): string[] {
    const m = /^\s*(\S+)\s+(\S+)\s*$/.exec(body);
    const form = `a rate is rate(<value> <unit>): a positive integer and minute|minutes|hour|hours|day|days, singular for 1 ("rate(1 hour)") and plural otherwise ("rate(2 hours)")`;
    if (!m) return [`"${expr}": ${form}`];
    const [, value, unitRaw] = m;
    if (!/^\d+$/.test(value) || Number(value) < 1) return [`"${expr}": the value "${value}" must be a positive integer; ${form}`];
    const n = Number(value);
    const key = unitRaw.replace(/s$/, "");
    const unit = RATE_UNITS[key];
    if (!unit) return [`"${expr}": unknown unit "${unitRaw}"; ${form}`];
    const expected = n === 1 ? unit.singular : unit.plural;
    if (unitRaw !== expected) {
        return [`"${expr}": the unit must be "${expected}" with the value ${n} (AWS wants the singular for 1 and the plural otherwise); write "rate(${n} ${expected})"`];
    }
    return [];
}

function cronProblems(expr: string, body: string): string[] {
    const fields = body.trim().split(/\s+/).filter((f) => f !== "");
    const names = CRON_FIELDS.map((f) => f.name).join(" ");
    if (fields.length !== 6) {
        return [`"${expr}": a cron expression has 6 fields (${names}), got ${fields.length}${fields.length === 5 ? "; unlike Unix cron, AWS needs the year as the 6th field (use *)" : ""}`];
    }
    const problems = fields.flatMap((raw, i) => cronFieldProblems(CRON_FIELDS[i], i, raw)).map((p) => `"${expr}": ${p}`);
    const [dom, dow] = [fields[2], fields[4]];
    if (dom === "?" && dow === "?") problems.push(`"${expr}": day-of-month and day-of-week are both "?"; exactly one of them must be "?" (the other says which days)`);
    if (dom !== "?" && dow !== "?") {
        problems.push(`"${expr}": day-of-month "${dom}" and day-of-week "${dow}" are both set; AWS needs exactly one of them to be "?", e.g. cron(0 3 * * ? *) every day or cron(0 3 ? * MON *) on Mondays`);
    }
    return problems;
}

function atProblems(expr: string, body: string): string[] {
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body.trim());
    if (!m) return [`"${expr}": a one-time schedule is at(yyyy-mm-ddThh:mm:ss), e.g. at(2030-01-31T02:00:00), in the schedule's time zone`];
    const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
    const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
    if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
        return [`"${expr}": ${body.trim()} is not a real date and time`];
    }
    return [];
}

/** Every problem with a schedule expression (empty when AWS would accept it). */
export function scheduleExpressionProblems(expression: string): string[] {
    if (typeof expression !== "string") return [`got ${JSON.stringify(expression)}; expected a string: ${SCHEDULE_FORMS}`];
    const m = /^(rate|cron|at)\((.*)\)$/.exec(expression.trim());
    if (!m) return [`"${expression}" is not a schedule expression; allowed: ${SCHEDULE_FORMS}`];
    const [, kind, body] = m;
    if (kind === "rate") return rateProblems(expression, body);
    if (kind === "cron") return cronProblems(expression, body);
    return atProblems(expression, body);
}

/** Parses a valid expression; throws an Error listing the problems otherwise. */
export function parseScheduleExpression(expression: string): ParsedSchedule {
    const problems = scheduleExpressionProblems(expression);
    if (problems.length > 0) throw new Error(problems.join("; "));
    const expr = expression.trim();
    const [, kind, body] = /^(rate|cron|at)\((.*)\)$/.exec(expr)!;
    if (kind === "rate") {
        const [value, unit] = body.trim().split(/\s+/);
        return { kind: ScheduleKind.Rate, expression: expr, intervalMinutes: Number(value) * RATE_UNITS[unit.replace(/s$/, "")].minutes };
    }
    if (kind === "cron") return { kind: ScheduleKind.Cron, expression: expr, fields: body.trim().split(/\s+/) };
    return { kind: ScheduleKind.At, expression: expr, at: body.trim() };
}

/**
 * Problems with a time zone name (empty when valid). Accepts IANA names the runtime's time-zone
 * database knows, spelled exactly (Scheduler's `ScheduleExpressionTimezone` takes IANA names).
 */
export function timezoneProblems(timezone: string): string[] {
    const hint = 'allowed: an IANA time zone name such as "UTC", "Europe/Paris" or "America/New_York"';
    if (typeof timezone !== "string" || timezone.trim() === "") return [`got ${JSON.stringify(timezone)}; ${hint}`];
    // Intl also accepts UTC offsets such as "+01:00"; Scheduler wants a zone name.
    if (/^[+-]\d/.test(timezone)) return [`"${timezone}" is a UTC offset, not a time zone name; ${hint} (or "Etc/GMT-1" for a fixed offset)`];
    let resolved: string;
    try {
        resolved = new Intl.DateTimeFormat("en-US", { timeZone: timezone }).resolvedOptions().timeZone;
    } catch {
        return [`"${timezone}" is not a known time zone; ${hint}`];
    }
    if (resolved !== timezone && resolved.toLowerCase() === timezone.toLowerCase()) {
        return [`"${timezone}" must be spelled exactly; did you mean "${resolved}"?`];
    }
    return [];
}
