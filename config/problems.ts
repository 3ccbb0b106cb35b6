/**
 * How the stack config's problems are found and worded, whatever the schema says: each top-level key
 * is parsed on its own, zod's issues become `<key>: got <value>; allowed: <what>` here and nowhere
 * else, and what parsed is kept (unknown keys left out; of a list, the items that parsed; of a map of
 * fields, the fields that parsed) so that the rules spanning several fields still run. One run
 * reports every problem.
 */
import { RunError } from "@pulumi/pulumi";
import { inspect } from "node:util";
import { z } from "zod";

/**
 * An invalid configuration; `problems` holds one line per problem.
 *
 * It is a Pulumi `RunError`, like the SDK's own config errors (`ConfigTypeError`, `ConfigMissingError`
 * in @pulumi/pulumi/config): for those, `pulumi preview` and `pulumi up` print the message alone —
 * `log.error(err.message)` in @pulumi/pulumi/cmd/run/run.js — instead of "Running program … failed
 * with an unhandled exception" and a stack trace.
 */
export class ConfigError extends RunError {
    readonly problems: readonly string[];

    constructor(readonly stackName: string, problems: readonly string[]) {
        super(`Invalid configuration for stack "${stackName}" (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n  - ${problems.join("\n  - ")}`);
        this.name = "ConfigError";
        this.problems = problems;
    }

    /**
     * What `util.inspect` shows (console.log/error, Pulumi's runner for errors that are not
     * RunErrors): the headline and every problem. No stack frames: they point into the config
     * loader, not at the mistake. (Node's own report of an uncaught error ignores this.)
     */
    [inspect.custom](): string {
        return `${this.name}: ${this.message}`;
    }
}

function levenshtein(a: string, b: string): number {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
        }
    }
    return d[a.length][b.length];
}

/** The closest known key, when it is close enough to be a typo. */
export function didYouMean(given: string, known: readonly string[]): string | undefined {
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const k of known) {
        const dist = levenshtein(given, k);
        if (dist < bestDistance) [best, bestDistance] = [k, dist];
    }
    return best !== undefined && bestDistance <= Math.max(2, Math.floor(given.length / 3)) ? best : undefined;
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
    let s: any = schema;
    for (;;) {
        if (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodNullable) s = s.unwrap();
        else if (s instanceof z.ZodPipe) s = s.in; // .transform(): what is parsed is its input schema
        else return s;
    }
}

/** The schema of the value at `path` inside `schema` (through objects, lists and maps). */
export function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
    let s = unwrap(schema);
    for (const seg of path) {
        if (s instanceof z.ZodObject) s = (s.shape as Record<string, z.ZodType>)[String(seg)];
        else if (s instanceof z.ZodArray) s = s.element as z.ZodType;
        else if (s instanceof z.ZodRecord) s = s.valueType as z.ZodType;
        else return undefined;
        s = unwrap(s);
    }
    return s;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
    return path.reduce<unknown>((v, seg) => (v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[seg] : undefined), value);
}

const show = (v: unknown) => (v === undefined ? "nothing" : JSON.stringify(v));

/** zod keeps "no bound" as ±Infinity, or ±MAX_SAFE_INTEGER for integers. */
const bound = (v: number | null | undefined) => (typeof v === "number" && Math.abs(v) < Number.MAX_SAFE_INTEGER ? v : undefined);

/** What a schema accepts, in words: "an integer from 2 to 6", "a boolean: true or false", `"none", "single"`. */
export function allowedBy(schema: z.ZodType | undefined): string | undefined {
    const s = unwrap(schema);
    if (s instanceof z.ZodNumber) {
        const kind = s.isInt ? "an integer" : "a number";
        const [lo, hi] = [bound(s.minValue), bound(s.maxValue)];
        if (lo !== undefined && hi !== undefined) return `${kind} from ${lo} to ${hi}`;
        if (lo !== undefined) return `${kind} ≥ ${lo}`;
        if (hi !== undefined) return `${kind} ≤ ${hi}`;
        return kind;
    }
    if (s instanceof z.ZodBoolean) return "true or false";
    if (s instanceof z.ZodEnum) return (s.options as string[]).map((o) => JSON.stringify(o)).join(", ");
    if (s instanceof z.ZodString) return (s.minLength ?? 0) > 0 ? "a non-empty string" : "a string";
    if (s instanceof z.ZodArray) return `a list (${allowedBy(s.element as z.ZodType) ?? "items"} each)`;
    if (s instanceof z.ZodRecord) return "a map of names to strings";
    if (s instanceof z.ZodObject) return `a map with the keys ${Object.keys(s.shape).join(", ")}`;
    return undefined;
}

/**
 * Where a problem is: `<project>:<key>.<path>`, a list item named by its `name` where it has a valid
 * one (`services.web.cpu` rather than `services.0.cpu`).
 */
const keyName = (prefix: string, path: readonly PropertyKey[], raw?: unknown) => [prefix, ...path.map((seg, i) => {
    const item = typeof seg === "number" ? valueAt(raw, path.slice(0, i + 1)) : undefined;
    const name = item && typeof item === "object" ? (item as Record<string, unknown>).name : undefined;
    return typeof name === "string" && /^[a-z][a-z0-9-]*$/.test(name) ? name : String(seg);
})].join(".");

/**
 * zod's issues for one top-level key, in this project's words: `<key>: got <value>; allowed: <what>`,
 * and an unknown key with a did-you-mean and the keys allowed there. The schema's own messages
 * (regular expressions, refinements) are phrased as what is allowed.
 */
export function issueProblems(issue: z.core.$ZodIssue, prefix: string, schema: z.ZodType, raw: unknown): string[] {
    const where = keyName(prefix, issue.path, raw);
    const given = show(valueAt(raw, issue.path));
    switch (issue.code) {
        case "unrecognized_keys": {
            const at = schemaAt(schema, issue.path);
            const keys = at instanceof z.ZodObject ? Object.keys(at.shape) : [];
            return issue.keys.map((k) => {
                const hint = didYouMean(k, keys);
                return `${where}.${k}: unknown key${hint ? `; did you mean "${hint}"?` : ""} Allowed: ${keys.join(", ")}`;
            });
        }
        case "invalid_key": {
            const name = issue.path[issue.path.length - 1];
            const allowed = issue.issues.map((i) => i.message).join("; ");
            return [`${where}: got the name ${JSON.stringify(name)}; allowed: ${allowed}`];
        }
        case "invalid_value":
            return [`${where}: got ${given}; allowed: ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`];
        case "invalid_format":
        case "custom":
            return [`${where}: got ${given}; allowed: ${issue.message}`];
        case "too_small":
        case "too_big":
        case "invalid_type":
        case "not_multiple_of": {
            const fromSchema = allowedBy(schemaAt(schema, issue.path));
            if (issue.code === "too_small" && (issue.origin === "array" || issue.origin === "string")) {
                const unit = issue.origin === "array" ? "item" : "character";
                return [`${where}: got ${given}; allowed: at least ${issue.minimum} ${unit}${Number(issue.minimum) === 1 ? "" : "s"}`];
            }
            return [`${where}: got ${given}; allowed: ${fromSchema ?? issue.message}`];
        }
        default:
            return [`${where}: got ${given}; ${issue.message}`];
    }
}

/** Removes the keys zod called unknown, so the rest can still parse. */
function withoutUnknownKeys(raw: unknown, issues: readonly z.core.$ZodIssue[]): unknown {
    const copy = structuredClone(raw);
    for (const issue of issues) {
        if (issue.code !== "unrecognized_keys") continue;
        const at = valueAt(copy, issue.path);
        if (at && typeof at === "object") for (const k of issue.keys) delete (at as Record<string, unknown>)[k];
    }
    return copy;
}

/** One value parsed, forgiving unknown keys (they are reported, and contribute nothing to the value). */
function parseForgiving(schema: z.ZodType, raw: unknown): { parsed: boolean; value?: unknown; issues: z.core.$ZodIssue[] } {
    const first = schema.safeParse(raw);
    if (first.success) return { parsed: true, value: first.data, issues: [] };
    const issues = first.error.issues;
    if (issues.every((i) => i.code === "unrecognized_keys")) {
        const again = schema.safeParse(withoutUnknownKeys(raw, issues));
        if (again.success) return { parsed: true, value: again.data, issues };
    }
    return { parsed: false, issues };
}

/** A top-level key after parsing: its problems, and what parsed. */
export interface ParsedKey {
    problems: string[];
    /** Whether the whole key parsed (unknown keys aside); its value is then `value`. */
    parsed: boolean;
    value?: unknown;
    /** For a list that did not parse whole: each item that parsed, undefined for the others (indexes as in the stack file). */
    items?: unknown[];
    /** For a map of fields that did not parse whole: the fields that did (with their defaults). */
    fields?: Record<string, unknown>;
}

/** Parses one top-level key (`prefix` names it in messages: `<project>:<key>`). */
export function parseKey(schema: z.ZodType, raw: unknown, prefix: string): ParsedKey {
    const { parsed, value, issues } = parseForgiving(schema, raw);
    const problems = issues.flatMap((issue) => issueProblems(issue, prefix, schema, raw));
    if (parsed) return { problems, parsed, value };
    const s = unwrap(schema);
    if (s instanceof z.ZodArray && Array.isArray(raw)) {
        return { problems, parsed, items: raw.map((item) => parseForgiving(s.element as z.ZodType, item).value) };
    }
    if (s instanceof z.ZodObject && raw !== null && typeof raw === "object" && !Array.isArray(raw)) {
        const fields: Record<string, unknown> = {};
        for (const [name, field] of Object.entries(s.shape as Record<string, z.ZodType>)) {
            const f = parseForgiving(field, (raw as Record<string, unknown>)[name]);
            if (f.parsed) fields[name] = f.value;
        }
        return { problems, parsed, fields };
    }
    return { problems, parsed };
}
