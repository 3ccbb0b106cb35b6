/**
 * `npm run plan -- <stack | path/to/Pulumi.<stack>.yaml> [--json <file|->] [--diff <old.json>]`: what a
 * stack will create, cost and break, with no cloud credentials. Runs the real program under the SDK's
 * mock engine with the stack's real config (secure values replaced by placeholders), checks it with
 * the policy pack's rules, estimates cost and rollout time. Exits 1 when a mandatory rule is violated,
 * 2 on bad usage, a missing or unreadable file, or an invalid configuration (each one message).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import * as path from "node:path";
import type { PlanResource } from "../adapter";
import type { Snapshot } from "./snapshot";

/** The project directory: where Pulumi.yaml and the committed stack files are. */
const PROJECT_DIR = path.resolve(__dirname, "..", "..");

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

/** A mistake in how the plan was asked for: printed as one line, exit code 2. */
export class UsageError extends Error {}

const STACK_FILE = /^Pulumi\.(.+)\.ya?ml$/;

/**
 * The stack file an argument names: a stack of this project (`dev` → `Pulumi.dev.yaml` next to
 * Pulumi.yaml) or a path to a `Pulumi.<stack>.yaml`. Throws a UsageError naming the file and the
 * stacks that exist when there is no such file.
 */
export function stackFileOf(arg: string, projectDir = PROJECT_DIR): { stack: string; file: string } {
    const byPath = arg.includes("/") || arg.includes(path.sep) || /\.ya?ml$/.test(arg);
    const file = byPath ? path.resolve(arg) : path.join(projectDir, `Pulumi.${arg}.yaml`);
    const stack = byPath ? STACK_FILE.exec(path.basename(file))?.[1] : arg;
    if (!stack) throw new UsageError(`${file}: a stack file is named Pulumi.<stack>.yaml`);
    if (!existsSync(file)) {
        const dir = path.dirname(file);
        const stacks = existsSync(dir) ? readdirSync(dir).map((f) => STACK_FILE.exec(f)?.[1]).filter((s) => s !== undefined) : [];
        throw new UsageError(`no stack file ${file}; stacks there: ${stacks.length > 0 ? stacks.join(", ") : "none"}`);
    }
    return { stack, file };
}

/** Reads the snapshot `--diff` compares against, or throws a UsageError saying how to make one. */
export function readSnapshot(file: string): Snapshot {
    const make = "make it on the base commit with `npm run plan -- <stack> --json <file>`";
    const full = path.resolve(file);
    if (!existsSync(full)) throw new UsageError(`--diff ${full}: no such file; ${make}`);
    let snapshot: Partial<Snapshot>;
    try {
        snapshot = JSON.parse(readFileSync(full, "utf8"));
    } catch (e) {
        throw new UsageError(`--diff ${full}: not JSON (${(e as Error).message}); ${make}`);
    }
    if (!snapshot || typeof snapshot !== "object" || typeof snapshot.resources !== "object" || !snapshot.cost) {
        throw new UsageError(`--diff ${full}: not a plan snapshot (no resources and cost); ${make}`);
    }
    return snapshot as Snapshot;
}

/** Runs the program for `stack` with the config in `file` and builds the whole plan. */
export async function planStack(stack: string, file = stackFileOf(stack).file): Promise<Plan> {
    // Loaded lazily: the harness sets up the mock engine and requires the program.
    const { PROJECT, readStackFile, runProgram } = await import("../../tests/harness");
    const config = withSecretPlaceholders(readStackFile(file)) as Record<string, unknown>;
    // As a preview (isDryRun): what `pulumi preview` would show, so a stack whose domain is still the
    // placeholder can be planned (only `pulumi up` refuses it: config/deploy-guard.ts).
    const run = await runProgram(stack, config, { preview: true });
    const { toPlanResources } = await import("../adapter");
    return planFromResources(toPlanResources(run.resources), stack, PROJECT);
}

export async function planFromResources(resources: PlanResource[], stack: string, project: string): Promise<Plan> {
    const [{ blocks, evaluate }, { estimateCost }, { estimateRollouts }, { buildSnapshot }] = await Promise.all([
        import("../adapter"), import("./cost"), import("./rollout"), import("./snapshot"),
    ]);
    const evaluation = await evaluate(resources);
    const snapshot = buildSnapshot(stack, project, resources, evaluation, estimateCost(resources), estimateRollouts(resources));
    return { snapshot, resources, blocked: blocks(evaluation) };
}

const USAGE = "usage: npm run plan -- <stack | path/to/Pulumi.<stack>.yaml> [--json <out.json|->] [--diff <old.json>]";

/**
 * Writes and resolves once the text is handed to the OS, so a pipe to a slow reader gets every byte.
 * A reader that went away (`| head`) is not an error of the plan.
 */
function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
    return new Promise((resolve, reject) => stream.write(text, (e) => (e && (e as NodeJS.ErrnoException).code !== "EPIPE" ? reject(e) : resolve())));
}

export async function main(argv: string[]): Promise<number> {
    const stackArg = argv.find((a, i) => !a.startsWith("--") && !["--json", "--diff"].includes(argv[i - 1]));
    const opt = (name: string) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
    if (!stackArg || (argv.includes("--json") && !opt("--json")) || (argv.includes("--diff") && !opt("--diff"))) {
        throw new UsageError(USAGE);
    }
    // Every file is checked before the program runs: a typo costs a second, not a plan.
    const { stack, file } = stackFileOf(stackArg);
    const json = opt("--json");
    const diff = opt("--diff");
    const old = diff ? readSnapshot(diff) : undefined;

    const plan = await planStack(stack, file);
    const { diffSnapshots, stableStringify } = await import("./snapshot");
    if (json === "-") await write(process.stdout, stableStringify(plan.snapshot));
    else {
        if (json) await writeFile(json, stableStringify(plan.snapshot));
        if (old) await write(process.stdout, diffSnapshots(old, plan.snapshot));
        else {
            const { renderPlan } = await import("./render");
            await write(process.stdout, renderPlan(plan.snapshot, plan.resources));
        }
    }
    if (plan.blocked) await write(process.stderr, `plan: mandatory rule(s) violated in stack ${stack}; pulumi preview --policy-pack policy would fail\n`);
    return plan.blocked ? 1 : 0;
}

/**
 * What the CLI prints for an error: people's mistakes (usage, files, the stack config, which is a
 * Pulumi RunError) as their message alone; anything else is a bug, printed with its stack.
 */
export function errorText(e: unknown): string {
    if (e instanceof UsageError) return `plan: ${e.message}\n`;
    const { RunError } = require("@pulumi/pulumi/errors") as typeof import("@pulumi/pulumi/errors");
    if (RunError.isInstance(e)) return `plan: ${e.message}\n`;
    return `${e instanceof Error ? e.stack ?? e.message : String(e)}\n`;
}

if (require.main === module) {
    process.stdout.on("error", (e: NodeJS.ErrnoException) => { if (e.code !== "EPIPE") throw e; });
    // An error of the program also rejects promises inside the SDK (the stack's outputs): report each
    // error once, whichever way it arrives.
    const reported = new Set<unknown>();
    const fail = (e: unknown) => {
        if (reported.has(e)) return;
        reported.add(e);
        process.stderr.write(errorText(e));
        process.exitCode = 2;
    };
    process.on("unhandledRejection", fail);
    // process.exitCode, not process.exit(): the process ends once stdout and stderr are written out.
    main(process.argv.slice(2)).then((code) => { if (reported.size === 0) process.exitCode = code; }, fail);
}
