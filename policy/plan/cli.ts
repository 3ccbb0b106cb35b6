/**
 * `npm run plan -- <stack> [--json <file|->] [--diff <old.json>]`: what a stack will create, cost and
 * break, with no cloud credentials. Runs the real program under the SDK's mock engine with the stack's
 * real config (secure values replaced by placeholders), checks it with the policy pack's rules,
 * estimates cost and rollout time. Exits 1 when a mandatory rule is violated, 2 on bad usage.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { blocks, evaluate, PlanResource, toPlanResources } from "../adapter";
import { estimateCost } from "./cost";
import { renderPlan } from "./render";
import { estimateRollouts } from "./rollout";
import { buildSnapshot, diffSnapshots, Snapshot, stableStringify } from "./snapshot";

/** Replaces `{ secure: "…" }` values (encrypted config) with a placeholder the program can parse. */
export function withSecretPlaceholders(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(withSecretPlaceholders);
    if (value && typeof value === "object") {
        const o = value as Record<string, unknown>;
        if (Object.keys(o).length === 1 && typeof o.secure === "string") return "secret-placeholder";
        return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, withSecretPlaceholders(v)]));
    }
    return value;
}

export interface Plan { snapshot: Snapshot; resources: PlanResource[]; blocked: boolean }

/** Runs the program for `stack` and builds the whole plan. */
export async function planStack(stack: string): Promise<Plan> {
    // Loaded lazily: the harness sets up the mock engine and requires the program.
    const { PROJECT, readStackConfig, runProgram } = await import("../../tests/harness");
    const config = withSecretPlaceholders(readStackConfig(stack)) as Record<string, unknown>;
    // As a preview (isDryRun): what `pulumi preview` would show, so a stack whose domain is still the
    // placeholder can be planned (only `pulumi up` refuses it: config/deploy-guard.ts).
    const run = await runProgram(stack, config, { preview: true });
    return planFromResources(toPlanResources(run.resources), stack, PROJECT);
}

export async function planFromResources(resources: PlanResource[], stack: string, project: string): Promise<Plan> {
    const evaluation = await evaluate(resources);
    const snapshot = buildSnapshot(stack, project, resources, evaluation, estimateCost(resources), estimateRollouts(resources));
    return { snapshot, resources, blocked: blocks(evaluation) };
}

const USAGE = "usage: npm run plan -- <stack> [--json <out.json|->] [--diff <old.json>]";

export async function main(argv: string[]): Promise<number> {
    const stack = argv.find((a, i) => !a.startsWith("--") && !["--json", "--diff"].includes(argv[i - 1]));
    const opt = (name: string) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
    if (!stack || (argv.includes("--json") && !opt("--json")) || (argv.includes("--diff") && !opt("--diff"))) {
        process.stderr.write(`${USAGE}\n`);
        return 2;
    }
    const plan = await planStack(stack);
    const json = opt("--json");
    const diff = opt("--diff");
    if (json === "-") process.stdout.write(stableStringify(plan.snapshot));
    else {
        if (json) writeFileSync(json, stableStringify(plan.snapshot));
        if (diff) process.stdout.write(diffSnapshots(JSON.parse(readFileSync(diff, "utf8")) as Snapshot, plan.snapshot));
        else process.stdout.write(renderPlan(plan.snapshot, plan.resources));
    }
    if (plan.blocked) process.stderr.write(`plan: mandatory rule(s) violated in stack ${stack}; pulumi preview --policy-pack policy would fail\n`);
    return plan.blocked ? 1 : 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => process.exit(code), (e) => { process.stderr.write(`${(e as Error).stack ?? e}\n`); process.exit(2); });
}
