/**
 * The model tests/workflows.spec.ts reads the workflows through: the parsed files and helpers over
 * jobs and steps, and the runners that execute the logic a step holds: its shell under bash with a
 * fake `pulumi`, its github-script with fake globals, deploy-order against a fake GitHub API.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";

export const root = path.join(__dirname, "..");
const dir = path.join(root, ".github", "workflows");
export const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
export const text = (f: string) => readFileSync(path.join(dir, f), "utf8");
const parsed = new Map<string, Workflow>();
export const workflow = (f: string) => parsed.get(f) ?? parsed.set(f, parseYaml(text(f)) as Workflow).get(f)!;
export const readJson = (p: string) => JSON.parse(readFileSync(path.join(root, p), "utf8"));
export const rootPackage = readJson("package.json");

export interface Step {
    name?: string;
    id?: string;
    if?: string;
    uses?: string;
    run?: string;
    with?: Record<string, any>;
    env?: Record<string, string>;
    "working-directory"?: string;
}
export interface Job {
    name?: string;
    if?: string;
    needs?: string | string[];
    "timeout-minutes"?: number;
    permissions?: Record<string, string>;
    environment?: string | { name: string; url?: string };
    concurrency?: { group: string; "cancel-in-progress"?: boolean | string };
    strategy?: { matrix?: Record<string, any> };
    outputs?: Record<string, string>;
    env?: Record<string, string>;
    steps: Step[];
}
export interface Workflow {
    name: string;
    on: Record<string, any>;
    permissions?: Record<string, string>;
    concurrency?: { group: string; "cancel-in-progress"?: boolean | string };
    env?: Record<string, string>;
    jobs: Record<string, Job>;
}

export const allJobs = () => files.flatMap((f) => Object.entries(workflow(f).jobs).map(([name, job]) => ({ key: `${f}/${name}`, f, name, job })));
export const allSteps = () => allJobs().flatMap(({ key, job }) => job.steps.map((step, i) => ({ key: `${key}#${i}`, job, step })));
export const uses = (job: Job, action: string) => job.steps.filter((s) => s.uses?.startsWith(`${action}@`));
export const runs = (job: Job) => job.steps.map((s) => s.run ?? "").join("\n");
export const needs = (job: Job) => (Array.isArray(job.needs) ? job.needs : job.needs ? [job.needs] : []);
export const envName = (job: Job) => (typeof job.environment === "string" ? job.environment : job.environment?.name);
export const stepIndex = (job: Job, pred: (s: Step) => boolean) => job.steps.findIndex(pred);
/** A pulumi/actions step that runs a command (without one it only installs the CLI). */
export const pulumiCommand = (s: Step) => (s.uses?.startsWith("pulumi/actions@") ? (s.with?.command as string | undefined) : undefined);
/** Steps that run the Pulumi CLI: pulumi/actions with a command, or a shell calling `pulumi`. */
export const runsPulumi = (s: Step) => Boolean(pulumiCommand(s)) || /(^|[\s;(|&$])pulumi\s/m.test(s.run ?? "");
/** `secrets.NAME` referenced anywhere in a value. */
export const secretsIn = (value: unknown) => [...new Set([...JSON.stringify(value ?? null).matchAll(/secrets\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]))].sort();

// ---- running the logic the workflows hold -----------------------------------------------------

export interface ShellCase { env: Record<string, string>; stackOutput?: string }
export interface ShellResult { status: number; stdout: string; pulumi: string[]; output: string }
const sq = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
/**
 * Runs a step's shell once per case as GitHub's default shell does (`bash -e -o pipefail`), all in one
 * bash process: each case
 * in a subshell with its env, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY, and a fake `pulumi` (a shell
 * function) that logs its arguments and answers `stack output` with the case's value, or fails.
 */
export function runShell(step: Step, cases: ShellCase[]): ShellResult[] {
    assert.ok(step.run, "a shell step");
    const tmp = mkdtempSync(path.join(tmpdir(), "wf-step-"));
    try {
        writeFileSync(path.join(tmp, "step.sh"), step.run);
        const driver = [
            'pulumi() { echo "$*" >> "$PULUMI_LOG"; if [ "$1 $2" = "stack output" ]; then if [ -n "${FAKE_OUTPUT+x}" ]; then echo "$FAKE_OUTPUT"; else echo "error: no output" >&2; return 255; fi; fi; }',
            ...cases.map((c, i) => {
                const env = { ...c.env, PULUMI_LOG: `${tmp}/${i}.log`, GITHUB_OUTPUT: `${tmp}/${i}.out`, GITHUB_STEP_SUMMARY: `${tmp}/${i}.md`, ...(c.stackOutput === undefined ? {} : { FAKE_OUTPUT: c.stackOutput }) };
                const exports = Object.entries(env).map(([k, v]) => `export ${k}=${sq(v)}`).join("; ");
                return `: > ${sq(env.GITHUB_OUTPUT)}; ( ${exports}; set -eo pipefail; . ${sq(`${tmp}/step.sh`)} ) > ${sq(`${tmp}/${i}.txt`)} 2>&1; echo $? > ${sq(`${tmp}/${i}.status`)}`;
            }),
        ].join("\n");
        const r = spawnSync("bash", ["-c", driver], { encoding: "utf8" });
        assert.equal(r.status, 0, r.stderr);
        const read = (p: string) => { try { return readFileSync(path.join(tmp, p), "utf8"); } catch { return ""; } };
        return cases.map((_, i) => ({
            status: Number(read(`${i}.status`)),
            stdout: read(`${i}.txt`),
            pulumi: read(`${i}.log`).split("\n").filter(Boolean),
            output: read(`${i}.out`),
        }));
    } finally {
        rmSync(tmp, { recursive: true, force: true });
    }
}

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<unknown>;
/** Runs a github-script step's script the way the action does: an async function of its globals. */
export async function runGithubScript(step: Step, globals: { require: (m: string) => unknown; github: unknown; context: unknown; core: unknown }, env: Record<string, string> = {}) {
    const script = String(step.with?.script);
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
        return await new AsyncFunction("require", "github", "context", "core", script)(globals.require, globals.github, globals.context, globals.core);
    } finally {
        for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k];
    }
}
export function fakeCore() {
    const calls = { outputs: {} as Record<string, string>, failed: [] as string[], notices: [] as string[], warnings: [] as string[] };
    const core = {
        info: () => {},
        notice: (m: string) => calls.notices.push(m),
        warning: (m: string) => calls.warnings.push(m),
        setFailed: (m: string) => calls.failed.push(m),
        setOutput: (k: string, v: string) => { calls.outputs[k] = v; },
        summary: { addRaw() { return this; }, async write() {} },
    };
    return { core, calls };
}

export const { newerCommitThatPassed } = require("../.github/scripts/deploy-order.js") as {
    newerCommitThatPassed: (a: { github: unknown; owner: string; repo: string; sha: string; environment: string; log?: (l: string) => void }) => Promise<string | undefined>;
};

/**
 * A fake of the three GitHub REST calls deploy-order makes. `history` is main, oldest first;
 * `deployments` newest first, each with its statuses newest first.
 */
export function fakeDeploymentsApi(history: string[], deployments: { sha: string; statuses: string[] }[], opts: { unknown?: string[]; diverged?: string[] } = {}) {
    const calls: string[] = [];
    const github = {
        rest: {
            repos: {
                listDeployments: async (p: { environment: string }) => {
                    calls.push(`list ${p.environment}`);
                    return { data: deployments.map((d, i) => ({ id: 100 + i, sha: d.sha })) };
                },
                listDeploymentStatuses: async (p: { deployment_id: number }) => ({ data: deployments[p.deployment_id - 100].statuses.map((state) => ({ state })) }),
                compareCommitsWithBasehead: async (p: { basehead: string }) => {
                    const [base, head] = p.basehead.split("...");
                    calls.push(`compare ${p.basehead}`);
                    if (opts.unknown?.includes(head)) throw Object.assign(new Error("Not Found"), { status: 404 });
                    if (opts.diverged?.includes(head)) return { data: { status: "diverged" } };
                    const b = history.indexOf(base), h = history.indexOf(head);
                    return { data: { status: h > b ? "ahead" : h < b ? "behind" : "identical" } };
                },
            },
        },
    };
    return { github, calls };
}
