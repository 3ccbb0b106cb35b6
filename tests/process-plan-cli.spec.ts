/**
 * `npm run plan` as people run it: a process, its exit code, and the lines it prints for their mistakes
 * (a missing stack or --diff file, a bad stack config), and every byte of `--json -` through a pipe
 * whose reader is slow.
 */
import { strict as assert } from "node:assert";
import { ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stableStringify } from "../policy/plan/snapshot";
import { early } from "./early";

const ROOT = path.join(__dirname, "..");

interface CliRun { code: number | null; stdout: string; stderr: string }


/** The command line of `npm run plan` (package.json's script), without npm. */
function planCommand(): string[] {
    const script = (require(path.join(ROOT, "package.json")) as { scripts: { plan: string } }).scripts.plan;
    const [node, ...args] = script.split(" ");
    assert.equal(node, "node");
    return [process.execPath, ...args];
}

function collect(child: ChildProcess): Promise<CliRun> {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on("data", (b: Buffer) => out.push(b));
    child.stderr!.on("data", (b: Buffer) => err.push(b));
    return new Promise((resolve, reject) => {
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }));
    });
}

/** Runs the plan CLI the way `npm run plan` does. */
function plan(args: string[]): Promise<CliRun> {
    const [node, ...nodeArgs] = planCommand();
    return collect(spawn(node, [...nodeArgs, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] }));
}

/**
 * Runs the plan CLI with its stdout piped into a reader that takes one byte, then reads nothing for a
 * second: the pipe fills (64 KiB on Linux) and the rest must wait in the process. The CLI's exit code
 * arrives on stderr as `exit=<code>`.
 */
function planIntoSlowReader(args: string[]): Promise<CliRun> {
    const script = '{ "$0" "$@"; echo "exit=$?" >&2; } | { dd bs=1 count=1 2>/dev/null; sleep 1; cat; }';
    return collect(spawn("sh", ["-c", script, ...planCommand(), ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] }));
}

/** Plans a stack file with three mistakes (an unknown key, a value out of range, a cpu/memory pair). */
async function planBadStackFile(): Promise<CliRun> {
    const dir = mkdtempSync(path.join(tmpdir(), "fargatekit-plan-"));
    const file = path.join(dir, "Pulumi.dev.yaml");
    writeFileSync(file, [
        "config:",
        "  webapp:servce: {}",
        "  webapp:network:",
        "    azCount: 0",
        "  webapp:services:",
        "    - name: worker",
        "      cpu: 256",
        "      memory: 4096",
    ].join("\n"));
    try {
        return await plan([file]);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

const missingStack = early(() => plan(["staging"]));
const missingDiff = early(() => plan(["dev", "--diff", "old.json"]));
const badConfig = early(planBadStackFile);
const slowPipe = early(() => planIntoSlowReader(["prod", "--json", "-"]));

describe("npm run plan, the command", function () {
    this.timeout(60_000);

    it("a stack without a stack file: one line naming the file and the stacks there, exit 2", async () => {
        const run = await missingStack();
        assert.equal(run.code, 2);
        assert.equal(run.stdout, "");
        assert.equal(run.stderr, `plan: no stack file ${path.join(ROOT, "Pulumi.staging.yaml")}; stacks there: dev, prod\n`);
    });

    it("a missing --diff file: one line naming it and how to make one, exit 2, before the program runs", async () => {
        const run = await missingDiff();
        assert.equal(run.code, 2);
        assert.equal(run.stderr, `plan: --diff ${path.join(ROOT, "old.json")}: no such file; make it on the base commit with \`npm run plan -- <stack> --json <file>\`\n`);
    });

    it("a bad stack config: the headline and every problem, no stack trace, exit 2", async () => {
        const run = await badConfig();
        assert.equal(run.code, 2);
        assert.equal(run.stdout, "");
        assert.deepEqual(run.stderr.split("\n"), [
            'plan: Invalid configuration for stack "dev" (3 problems):',
            '  - webapp:servce: unknown key; did you mean "webapp:services"? Known keys: network, registry, image, cluster, services, loadBalancer, https, retainOnDelete, tags, jobs, alerts',
            "  - webapp:network.azCount: got 0; allowed: an integer from 1 to 6",
            "  - webapp:services.worker.cpu/webapp:services.worker.memory: got 256/4096; memory 4096 MiB does not go with cpu 256 on Fargate; allowed with cpu 256: 512, 1024, 2048 MiB",
            "",
        ]);
    });

    it("--json - through a pipe whose reader is slow: every byte, valid JSON, exit 0", async () => {
        const run = await slowPipe();
        assert.equal(run.stderr, "exit=0\n");
        const bytes = Buffer.byteLength(run.stdout);
        // More than a pipe holds (64 KiB on Linux): the process must wait for the reader.
        assert.ok(bytes > 64 * 1024, `${bytes} bytes: cut off at the pipe's 64 KiB? (or the snapshot got too small to test this)`);
        const snapshot = JSON.parse(run.stdout);
        assert.equal(snapshot.stack, "prod");
        assert.equal(stableStringify(snapshot), run.stdout, "the whole snapshot, as written");
    });
});
