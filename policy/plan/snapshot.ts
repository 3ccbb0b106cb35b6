/**
 * The plan as data: a deterministic snapshot (same graph → same bytes: keys sorted, no timestamps,
 * JSON-in-strings parsed so diffs show the field that changed) and the diff of two snapshots.
 */
import type { AcceptedException, Evaluation, Finding, PlanResource, RuleOutcome } from "../adapter";
import type { CostEstimate } from "./cost";
import type { Rollout } from "./rollout";

export interface SnapshotResource {
    type: string;
    name: string;
    parent?: string;
    protect: boolean;
    retainOnDelete: boolean;
    ignoreChanges: string[];
    dependsOn: string[];
    inputs: Record<string, unknown>;
}

export interface Snapshot {
    stack: string;
    project: string;
    resources: Record<string, SnapshotResource>;
    /** Violations, every rule's outcome, and the resources accepted as named exceptions (with their reasons). */
    checks: { violations: Finding[]; rules: RuleOutcome[]; exceptions: AcceptedException[] };
    cost: CostEstimate;
    rollouts: Rollout[];
}

/** Properties holding JSON documents as strings (task containers, IAM and bucket policies, lifecycle rules). */
const JSON_STRING_KEYS = new Set(["containerDefinitions", "policy", "assumeRolePolicy", "inlinePolicy"]);

function normalise(value: unknown, key?: string): unknown {
    if (typeof value === "string" && key && JSON_STRING_KEYS.has(key)) {
        try { return normalise(JSON.parse(value)); } catch { return value; }
    }
    if (Array.isArray(value)) return value.map((v) => normalise(v));
    if (value && typeof value === "object") {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = normalise(v, k);
        return out;
    }
    return value;
}

export function buildSnapshot(stack: string, project: string, resources: PlanResource[], evaluation: Evaluation, cost: CostEstimate, rollouts: Rollout[]): Snapshot {
    const out: Record<string, SnapshotResource> = {};
    for (const r of resources) {
        out[r.urn] = {
            type: r.type, name: r.name, ...(r.parentUrn ? { parent: r.parentUrn } : {}),
            protect: r.protect, retainOnDelete: r.retainOnDelete, ignoreChanges: [...r.ignoreChanges].sort(), dependsOn: r.dependsOn,
            inputs: normalise(r.inputs) as Record<string, unknown>,
        };
    }
    const violations = [...evaluation.findings].sort((a, b) => `${a.rule}\u0000${a.urn}\u0000${a.message}`.localeCompare(`${b.rule}\u0000${b.urn}\u0000${b.message}`));
    const exceptions = [...evaluation.exceptions].sort((a, b) => `${a.rule}\u0000${a.urn}\u0000${a.reason}`.localeCompare(`${b.rule}\u0000${b.urn}\u0000${b.reason}`));
    return { stack, project, resources: out, checks: { violations, rules: evaluation.outcomes, exceptions }, cost, rollouts };
}

/** JSON with object keys sorted at every level, two-space indented, newline-terminated. */
export function stableStringify(value: unknown): string {
    const sort = (v: unknown): unknown => {
        if (Array.isArray(v)) return v.map(sort);
        if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]));
        return v;
    };
    return `${JSON.stringify(sort(value), null, 2)}\n`;
}

/** path → JSON of the leaf, for comparing two resources property by property. */
function flatten(value: unknown, path: string, out: Map<string, string>): Map<string, string> {
    if (value && typeof value === "object" && !(Array.isArray(value) && value.every((x) => typeof x !== "object"))) {
        for (const [k, v] of Object.entries(value)) flatten(v, Array.isArray(value) ? `${path}[${k}]` : path ? `${path}.${k}` : k, out);
    } else {
        out.set(path, JSON.stringify(value));
    }
    return out;
}

/** The difference of two snapshots as review text: added (+), removed (-), changed (~) resources with their changed properties, the cost change and the check changes. */
export function diffSnapshots(before: Snapshot, after: Snapshot): string {
    const lines: string[] = [`Plan diff for stack ${after.stack} (${Object.keys(before.resources).length} → ${Object.keys(after.resources).length} resources)`];
    const urns = [...new Set([...Object.keys(before.resources), ...Object.keys(after.resources)])].sort();
    let changes = 0;
    for (const urn of urns) {
        const a = before.resources[urn];
        const b = after.resources[urn];
        if (!a) { lines.push(`+ ${b.name}  (${b.type})`); changes++; continue; }
        if (!b) { lines.push(`- ${a.name}  (${a.type})`); changes++; continue; }
        const { inputs: ai, ...am } = a;
        const { inputs: bi, ...bm } = b;
        const fa = flatten({ ...am, inputs: ai }, "", new Map());
        const fb = flatten({ ...bm, inputs: bi }, "", new Map());
        const paths = [...new Set([...fa.keys(), ...fb.keys()])].sort().filter((p) => fa.get(p) !== fb.get(p));
        if (paths.length === 0) continue;
        changes++;
        lines.push(`~ ${b.name}  (${b.type})`);
        for (const p of paths) lines.push(`    ${p}: ${fa.get(p) ?? "(unset)"} → ${fb.get(p) ?? "(unset)"}`);
    }
    if (changes === 0) lines.push("  no resource changes");
    const delta = after.cost.total - before.cost.total;
    lines.push(`Monthly cost: $${before.cost.total.toFixed(2)} → $${after.cost.total.toFixed(2)} (${delta >= 0 ? "+" : "-"}$${Math.abs(delta).toFixed(2)})`);
    const key = (f: Finding) => `${f.rule} ${f.urn ?? "stack"}: ${f.message}`;
    const was = new Set(before.checks.violations.map(key));
    const now = new Set(after.checks.violations.map(key));
    for (const f of after.checks.violations) if (!was.has(key(f))) lines.push(`! new violation [${f.enforcementLevel}] ${key(f)}`);
    for (const f of before.checks.violations) if (!now.has(key(f))) lines.push(`✓ resolved ${key(f)}`);
    // A new relaxation is what a reviewer must see even though nothing fails.
    const exceptionKey = (x: AcceptedException) => `${x.rule} ${x.urn ?? "stack"}: ${x.reason}`;
    const accepted = new Set((before.checks.exceptions ?? []).map(exceptionKey));
    const stillAccepted = new Set((after.checks.exceptions ?? []).map(exceptionKey));
    for (const x of after.checks.exceptions ?? []) if (!accepted.has(exceptionKey(x))) lines.push(`! new accepted exception ${exceptionKey(x)}`);
    for (const x of before.checks.exceptions ?? []) if (!stillAccepted.has(exceptionKey(x))) lines.push(`✓ exception gone ${exceptionKey(x)}`);
    // A rule that stops applying checks nothing any more: say so, it may hide a regression.
    const skippedBefore = new Set(before.checks.rules.filter((r) => r.notApplicable !== undefined).map((r) => r.rule));
    for (const r of after.checks.rules) if (r.notApplicable !== undefined && !skippedBefore.has(r.rule)) lines.push(`– no longer applies: ${r.rule} (${r.notApplicable})`);
    return `${lines.join("\n")}\n`;
}
