/**
 * A deploy is a sequence, not a graph: the program runs under mocks over successive copies of app/
 * (in temp dirs, without node_modules), and the mocked ECR repository holds what earlier deploys
 * pushed. Each step asserts what the docker-build provider would be asked to do: its diff is over
 * the Image's inputs (tags, push, context.location, dockerfile, platforms, ...) plus the context hash.
 *
 * Moving the checkout is simulated the way Pulumi runs a program: the working directory is the
 * project directory, and it moves with the tree.
 */
import { strict as assert } from "node:assert";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Image, Registry } from "fargatekit";
import { committedStack, EcrImageId, Graph, MockWorld, ProgramRun, runComponents, runStack } from "./harness";

const APP = path.join(__dirname, "..", "app");
const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A checkout's project directory holding a copy of app/ (no node_modules, no build output). */
function checkout(...nested: string[]): string {
    const project = path.join(mkdtempSync(path.join(tmpdir(), "checkout-")), ...nested);
    made.push(project);
    cpSync(APP, path.join(project, "app"), { recursive: true, filter: (src) => !/[\\/](node_modules|dist)$/.test(src) });
    return project;
}
const edit = (project: string, file: string, change: (text: string) => string) => {
    const full = path.join(project, "app", file);
    writeFileSync(full, change(readFileSync(full, "utf8")));
};

interface Deploy { run: ProgramRun; inputs: Record<string, any>; state: Record<string, any>; tag: string; pushed: boolean; imageRef: string }

/** Runs Registry + Image from `project` as the working directory, against the repository's images. */
async function deploy(project: string, world: MockWorld): Promise<Deploy> {
    const cwd = process.cwd();
    process.chdir(project);
    try {
        const run = await runComponents(() => {
            const registry = new Registry("app", {});
            const image = new Image("app", { repositoryUrl: registry.repositoryUrl, registryId: registry.registryId, context: "app" });
            return { imageRef: image.imageRef, tag: image.tag, pushed: image.pushed };
        }, "dev", {}, { world, preview: false });
        const image = new Graph(run).one("docker-build:index:Image");
        return { run, inputs: image.inputs, state: image.state, tag: String(run.outputs.tag), pushed: run.outputs.pushed as boolean, imageRef: String(run.outputs.imageRef) };
    } finally {
        process.chdir(cwd);
    }
}

/** The repository after a deploy: what it held, plus the tag that deploy pushed. */
function afterPush(world: MockWorld, d: Deploy): MockWorld {
    const pushed: EcrImageId[] = d.pushed ? [{ imageTag: d.tag, imageDigest: d.state.digest }] : [];
    return { ecrImages: [...(world.ecrImages ?? []), ...pushed] };
}

/** Input keys whose values differ between two deploys (what the provider's diff would list). */
function changedInputs(a: Record<string, any>, b: Record<string, any>): string[] {
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).sort();
}

describe("deploy sequence: the image across successive trees", function () {
    this.timeout(60_000);
    const empty: MockWorld = { ecrImages: [] };

    it("the same tree at another absolute path gives a zero diff of the Image's inputs and the same context hash", async () => {
        const laptop = checkout("home", "dev", "fargatekit");
        const ci = checkout("runner", "work", "fargatekit", "fargatekit");
        for (const world of [empty, { ecrImages: [{ imageTag: "img-0000000000000000", imageDigest: `sha256:${"1".repeat(64)}` }] }]) {
            const [a, b] = [await deploy(laptop, world), await deploy(ci, world)];
            assert.deepEqual(changedInputs(a.inputs, b.inputs), []);
            assert.equal(a.state.contextHash, b.state.contextHash);
            assert.equal(a.inputs.context.location, "app");
            const absolute = JSON.stringify(a.inputs).match(/"\/[^"]*"/g) ?? [];
            assert.deepEqual(absolute, [], "no absolute path reaches the provider");
        }
    });

    it("a laptop deploy, then CI from another checkout: CI finds the tag and pushes nothing; the task runs the same digest", async () => {
        const first = await deploy(checkout("home", "me", "repo"), empty);
        assert.equal(first.pushed, true);
        const second = await deploy(checkout("runner", "repo"), afterPush(empty, first));
        assert.equal(second.tag, first.tag);
        assert.equal(second.pushed, false, "never a second push to an existing tag");
        assert.equal(second.imageRef, first.imageRef);
        // The one input that moves: push. docker-build then builds once without pushing (see README).
        assert.deepEqual(changedInputs(first.inputs, second.inputs), ["push"]);
    });

    it("a source change, a Dockerfile-only change (base image bump) and chmod +x each give a new tag and one push", async () => {
        const project = checkout();
        let world = empty;
        const start = await deploy(project, world);
        world = afterPush(world, start);
        const steps: [string, () => void][] = [
            ["source change", () => edit(project, "src/app.ts", (t) => `${t}\n// a change\n`)],
            ["Dockerfile only", () => edit(project, "Dockerfile", (t) => t.replace(/^ARG NODE_IMAGE=.*$/m, "ARG NODE_IMAGE=node:22.99.0-bookworm-slim"))],
            ["mode only", () => chmodSync(path.join(project, "app", "src", "healthcheck.ts"), 0o755)],
        ];
        const tags = [start.tag];
        for (const [what, change] of steps) {
            change();
            const d = await deploy(project, world);
            assert.ok(!tags.includes(d.tag), `${what}: a new tag`);
            assert.equal(d.pushed, true, `${what}: pushed once`);
            assert.equal(d.imageRef, `${d.inputs.tags[0].replace(/:img-[0-9a-f]+$/, "")}@${d.state.digest}`, `${what}: the task runs the pushed digest`);
            tags.push(d.tag);
            world = afterPush(world, d);
        }
    });

    it("a file the build never receives (ignored by .dockerignore) changes nothing", async () => {
        const a = checkout(), b = checkout();
        edit(b, "README.md", (t) => `${t}\nMore docs.\n`);
        mkdirSync(path.join(b, "app", "test", "more"), { recursive: true });
        writeFileSync(path.join(b, "app", "test", "more", "new.test.mjs"), "// ignored\n");
        writeFileSync(path.join(b, "app", ".env.local"), "SECRET=never-sent\n");
        const [da, db] = [await deploy(a, empty), await deploy(b, empty)];
        assert.equal(db.tag, da.tag);
        assert.deepEqual(changedInputs(da.inputs, db.inputs), []);
        assert.equal(db.state.contextHash, da.state.contextHash);
    });

    it("a revert gives the earlier tag with no push, runs the earlier digest, and a redeploy of it changes nothing", async () => {
        const project = checkout();
        const v1 = await deploy(project, empty);
        let world = afterPush(empty, v1);
        const original = readFileSync(path.join(project, "app", "src", "server.ts"), "utf8");
        edit(project, "src/server.ts", (t) => `${t}\n// v2\n`);
        const v2 = await deploy(project, world);
        world = afterPush(world, v2);
        assert.notEqual(v2.tag, v1.tag);

        writeFileSync(path.join(project, "app", "src", "server.ts"), original); // git revert
        const reverted = await deploy(project, world);
        assert.equal(reverted.tag, v1.tag);
        assert.equal(reverted.pushed, false);
        assert.equal(reverted.inputs.push, false, "the provider is told not to push");
        assert.equal(reverted.imageRef, v1.imageRef, "the task definition goes back to v1's digest");
        const again = await deploy(project, afterPush(world, reverted));
        assert.deepEqual(changedInputs(reverted.inputs, again.inputs), [], "no diff, no build");

        // Once the lifecycle policy has expired v1's image, its tag is free: built and pushed again.
        const expired = await deploy(project, { ecrImages: world.ecrImages!.filter((i) => i.imageTag !== v1.tag) });
        assert.equal(expired.tag, v1.tag);
        assert.equal(expired.pushed, true);
    });

    it("the first deploy after the upgrade never meets a tag of the old scheme", async () => {
        const legacy = { ecrImages: [{ imageTag: "src-0123456789ab", imageDigest: `sha256:${"2".repeat(64)}` }, { imageDigest: `sha256:${"3".repeat(64)}` }] };
        const d = await deploy(checkout(), legacy);
        assert.match(d.tag, /^img-[0-9a-f]{16}$/);
        assert.equal(d.pushed, true);
    });
});

describe("Image and Registry refuse bad arguments before building, every problem at once", () => {
    it("Image: a missing context, an unknown platform, a bad ARG name and a cache tag that could be a release tag", () => {
        assert.throws(() => new Image("app", {
            repositoryUrl: "123456789012.dkr.ecr.us-east-1.amazonaws.com/app", registryId: "123456789012",
            context: path.join(tmpdir(), "no-such-context"), platform: "windows/amd64" as never, buildArgs: { "1BAD": "x" }, cacheTag: "img-cache",
        }), (e: Error) => ['context: got "', 'platform: got "windows/amd64"', "buildArgs.1BAD", 'cacheTag: got "img-cache"'].every((f) => e.message.includes(f)));
    });

    it("Image: a .dockerignore pattern Docker refuses, named with its file", () => {
        const project = checkout();
        writeFileSync(path.join(project, "app", ".dockerignore"), "node_modules\n!\n");
        assert.throws(() => new Image("app", { repositoryUrl: "r/app", registryId: "1", context: path.join(project, "app") }),
            (e: Error) => e.message.includes(`${path.join(project, "app", ".dockerignore")}: "!" is a lone "!"`));
    });

    it("Registry: a cache tag that is not a valid exact tag", () => {
        assert.throws(() => new Registry("app", { cacheTag: "cache*" }), /cacheTag: got "cache\*"/);
        assert.throws(() => new Registry("app", { cacheTag: "src-cache", keepTaggedImages: 0 }), (e: Error) => /cacheTag: got "src-cache"; a cache tag must not start/.test(e.message) && /keepTaggedImages: got 0/.test(e.message));
    });
});

describe("deploy sequence: through the program", function () {
    this.timeout(60_000);

    const webImage = (run: ProgramRun) => JSON.parse(new Graph(run).ofType("aws:ecs/taskDefinition:TaskDefinition").find((t) => t.name === "web")!.inputs.containerDefinitions)[0].image;

    it("a source change gives a new task definition image; a revert puts the earlier digest back without a push", async () => {
        const project = checkout();
        const context = path.join(project, "app");
        const v1 = await runStack("dev", { image: { context } }, { preview: false });
        const v1Image = new Graph(v1).one("docker-build:index:Image");
        const world: MockWorld = { ecrImages: [{ imageTag: String(v1Image.inputs.tags[0]).split(":").pop(), imageDigest: v1Image.state.digest }] };

        edit(project, "src/app.ts", (t) => `${t}\n// v2\n`);
        const v2 = await runStack("dev", { image: { context } }, { world, preview: false });
        assert.notEqual(webImage(v2), webImage(v1));
        // Nothing else changes: only the image and the task definitions that run it (each a new
        // revision, since a task definition is replaced, never updated; its services then roll to it).
        const inputsByUrn = (run: ProgramRun) => new Map(run.resources.map((r) => [r.urn, JSON.stringify(r.inputs)]));
        const [before, after] = [inputsByUrn(v1), inputsByUrn(v2)];
        assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort(), "the same resources");
        const changed = [...after].filter(([urn, inputs]) => before.get(urn) !== inputs).map(([urn]) => urn.split("::").slice(-2).join("::").replace(/^.*\$/, "")).sort();
        const tds = v2.resources.filter((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition").map((r) => `${r.type}::${r.name}`);
        assert.deepEqual(changed, ["docker-build:index:Image::app", ...tds].sort(), "only the image and the task definitions that run it");
        assert.equal(webImage(v2), v2.outputs.imageRef);
        assert.equal(new Graph(v2).one("docker-build:index:Image").inputs.push, true);

        edit(project, "src/app.ts", (t) => t.replace("\n// v2\n", ""));
        const reverted = await runStack("dev", { image: { context } }, { world, preview: false });
        assert.equal(webImage(reverted), webImage(v1));
        assert.equal(new Graph(reverted).one("docker-build:index:Image").inputs.push, false);
        const jobImage = JSON.parse(new Graph(reverted).ofType("aws:ecs/taskDefinition:TaskDefinition").find((t) => t.name === "job-cleanup")!.inputs.containerDefinitions)[0].image;
        assert.equal(jobImage, webImage(v1), "the jobs follow the same image");
    });
});

/** ECR's WILDCARD filters and lifecycle tag patterns: `*` is any run of characters, the rest literal. */
const wildcard = (pattern: string) => new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);

for (const stack of ["dev", "prod"] as const) {
    describe(`image and repository agree over the ${stack} graph`, () => {
        it("release tags stay immutable and are kept by the lifecycle; the cache tag is the one mutable tag and no rule counts it", async () => {
            // ECR API reference: ImageTagMutabilityExclusionFilter (WILDCARD); lifecycle policy
            // properties (tagPatternList: every pattern of a list must match; * is a wildcard).
            const g = new Graph(await committedStack(stack));
            for (const image of g.ofType("docker-build:index:Image")) {
                const [release] = image.inputs.tags as string[];
                const repoUrl = release.slice(0, release.lastIndexOf(":"));
                const repo = g.ofType("aws:ecr/repository:Repository").find((r) => r.state.repositoryUrl === repoUrl)!;
                assert.ok(repo, `${image.name} pushes to a repository of the stack`);
                const releaseTag = release.slice(release.lastIndexOf(":") + 1);
                const cacheTags = [...image.inputs.cacheFrom, ...image.inputs.cacheTo].map((c: any) => String(c.registry.ref)).map((ref) => ref.slice(ref.lastIndexOf(":") + 1));
                assert.equal(new Set(cacheTags).size, 1, "reads and writes one cache");
                const filters = (repo.inputs.imageTagMutabilityExclusionFilters ?? []).map((f: any) => f.filter as string);
                assert.equal(repo.inputs.imageTagMutability, "IMMUTABLE_WITH_EXCLUSION");
                assert.ok(filters.some((f: string) => wildcard(f).test(cacheTags[0])), "the cache tag can be overwritten");
                assert.ok(!filters.some((f: string) => wildcard(f).test(releaseTag)), "a release tag can never be overwritten");
                const rules = JSON.parse(g.ofType("aws:ecr/lifecyclePolicy:LifecyclePolicy").find((l) => l.inputs.repository === repo.state.name)!.inputs.policy).rules;
                const selecting = (tag: string) => rules.filter((r: any) => r.selection.tagStatus === "tagged" && r.selection.tagPatternList.every((p: string) => wildcard(p).test(tag)));
                assert.equal(selecting(releaseTag).length, 1, "one rule keeps the newest release images");
                assert.deepEqual(selecting(cacheTags[0]), [], "the cache tag is neither expired nor counted");
            }
        });
    });
}
