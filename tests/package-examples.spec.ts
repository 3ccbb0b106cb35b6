/**
 * The recipes in components/examples, as a new user gets them: each is copied to a temp dir outside
 * the source tree next to the packed package, must name everything it imports in its package.json
 * (at versions that satisfy the ranges), type-check against the packed `.d.ts`, run under the
 * package's own mocks (fargatekit/testing) and pass the same graph rules and policy pack as the
 * repository's stacks: tasks can pull their image, health checks target a path the image answers,
 * the load balancer spans two AZs and reaches each public service on its port, every container runs
 * as its image needs. Prints each recipe's line count (README, "Recipes").
 *
 * Part of `npm run test:package` (not `npm test`).
 */
import { strict as assert } from "node:assert";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { evaluate, toPlanResources } from "../policy/adapter";
import { GraphResource, healthCheckProblems, imagePullProblems, imageRunProblems, loadBalancerAzProblems, publicReachProblems } from "./graph-rules";
import { ImageFacts, publicImageFacts, RECIPE_APP_FACTS } from "./image-facts";
import { componentsDir, installPacked, root, run, tscPath } from "./packed";

const examplesDir = path.join(componentsDir, "examples");
const EXAMPLES = ["existing-image", "from-dockerfile", "with-job", "many-services"];
/** Advisory rules a recipe may leave to its user: the recipes add no alerts topic (see "Alerts" in the components README). */
const ADVISORY_IN_RECIPES = ["job-failures-notified"];
const semver = require(require.resolve("semver", { paths: [root] })) as { satisfies(v: string, range: string): boolean };

/** Non-blank lines of code: comments (line and block) do not count. */
export function codeLines(source: string): number {
    let inBlock = false;
    return source.split("\n").filter((raw) => {
        const line = raw.trim();
        if (inBlock) { inBlock = !line.includes("*/"); return false; }
        if (line.startsWith("/*")) { inBlock = !line.includes("*/"); return false; }
        return line !== "" && !line.startsWith("//");
    }).length;
}

/** The recipes run public images from the table, or the image from-dockerfile builds (in its ECR repository). */
const recipeImageFacts = (image: string): ImageFacts | undefined => (/\.dkr\.ecr\..*\/app-[0-9a-f]{7}@sha256:/.test(image) ? RECIPE_APP_FACTS : publicImageFacts(image));

interface ExampleRun { project: string; outputs: Record<string, any>; resources: (GraphResource & { urn: string; parent?: string; parentType?: string; dependsOn: string[]; ignoreChanges: string[]; retainOnDelete: boolean; protect: boolean })[]; invokes: string[] }

describe("the recipes in components/examples, installed from the packed package", function () {
    this.timeout(240_000);
    let work: string;
    const runs: Record<string, ExampleRun> = {};
    const failures: Record<string, string> = {};
    const lines: Record<string, number> = {};

    before(async () => {
        work = mkdtempSync(path.join(tmpdir(), "fargatekit-examples-"));
        // One install serves every example: Node and TypeScript resolve packages from a parent's node_modules.
        writeFileSync(path.join(work, "package.json"), JSON.stringify({ private: true }));
        installPacked(work);
        for (const name of EXAMPLES) {
            cpSync(path.join(examplesDir, name), path.join(work, name), { recursive: true, filter: (src) => !/[/\\](node_modules|bin)$/.test(src) });
        }
        // Type-check and compile each project with its own tsconfig, side by side.
        const compiled = await Promise.allSettled(EXAMPLES.map((name) => run(process.execPath, [tscPath(), "-p", path.join(work, name)], { cwd: path.join(work, name) })));
        const failed = compiled.flatMap((r, i) => (r.status === "rejected" ? [`${EXAMPLES[i]}:\n${(r.reason as { stdout?: string }).stdout}`] : []));
        assert.deepEqual(failed, [], "every recipe type-checks against the packed package");
        const runner = path.join(__dirname, "fixtures", "examples", "run-example.js");
        await Promise.all(EXAMPLES.map(async (name) => {
            try {
                const { stdout } = await run(process.execPath, [runner, path.join(work, name)], { maxBuffer: 64 * 1024 * 1024 });
                runs[name] = JSON.parse(stdout);
            } catch (e) {
                failures[name] = (e as { stderr?: string }).stderr ?? String(e); // reported by the recipe's own test
            }
        }));
    });
    after(() => {
        if (Object.keys(lines).length > 0) {
            process.stdout.write(`\n  recipe size (non-blank, non-comment lines of index.ts): ${EXAMPLES.map((n) => `${n} ${lines[n]}`).join(", ")}\n`);
        }
        rmSync(work, { recursive: true, force: true });
    });

    it("every recipe directory is listed here and is a complete Pulumi TypeScript project", () => {
        assert.deepEqual(readdirSync(examplesDir).sort(), [...EXAMPLES].sort());
        for (const name of EXAMPLES) {
            for (const f of ["Pulumi.yaml", "index.ts", "package.json", "tsconfig.json"]) assert.ok(existsSync(path.join(examplesDir, name, f)), `${name}/${f}`);
            assert.match(readFileSync(path.join(examplesDir, name, "Pulumi.yaml"), "utf8"), new RegExp(`^name: ${name}\\ndescription: .+\\nruntime: nodejs\\n`));
            lines[name] = codeLines(readFileSync(path.join(examplesDir, name, "index.ts"), "utf8"));
        }
        // The package README quotes each recipe as it is, so what people copy is what was tested.
        const readme = readFileSync(path.join(componentsDir, "README.md"), "utf8");
        for (const name of EXAMPLES) {
            const code = readFileSync(path.join(examplesDir, name, "index.ts"), "utf8").trimEnd();
            assert.ok(readme.includes(`\`\`\`ts\n${code}\n\`\`\``), `components/README.md quotes examples/${name}/index.ts verbatim`);
        }
    });

    it("each package.json names what its program imports and what the package needs, at ranges the installed versions satisfy", () => {
        const peers = JSON.parse(readFileSync(path.join(componentsDir, "package.json"), "utf8")).peerDependencies as Record<string, string>;
        for (const name of EXAMPLES) {
            const dir = path.join(work, name);
            const manifest = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
            const declared: Record<string, string> = { ...manifest.dependencies, ...manifest.devDependencies };
            const imported = [...readFileSync(path.join(dir, "index.ts"), "utf8").matchAll(/from "([^"./][^"]*)"/g)].map((m) => m[1].replace(/^(@[^/]+\/[^/]+|[^/@][^/]*).*$/, "$1"));
            const needed = [...new Set([...imported, "@pulumi/pulumi", "@pulumi/aws", "typescript", "@types/node"])];
            assert.deepEqual(needed.filter((d) => !(d in declared)), [], `${name}: undeclared dependencies`);
            for (const [dep, range] of Object.entries(declared)) {
                const installed = JSON.parse(readFileSync(require.resolve(`${dep}/package.json`, { paths: [dir] }), "utf8")).version as string;
                assert.ok(semver.satisfies(installed, range), `${name}: ${dep}@${installed} does not satisfy ${range}`);
                if (dep in peers) assert.ok(semver.satisfies(installed, peers[dep]), `${name}: ${dep}@${installed} is outside fargatekit's peer range ${peers[dep]}`);
            }
            assert.ok(/\^?0\.1\./.test(declared.fargatekit), `${name}: names fargatekit`);
        }
    });

    for (const name of EXAMPLES) {
        it(`${name}: runs under fargatekit/testing and passes the graph rules and the policy pack`, async () => {
            const r = runs[name];
            assert.ok(r, `${name} did not run under the mocks:\n${failures[name]}`);
            const g = r.resources;
            const types = new Set(g.map((x) => x.type));
            for (const t of ["aws:ecs/taskDefinition:TaskDefinition", "aws:lb/loadBalancer:LoadBalancer", "aws:ec2/vpc:Vpc"]) assert.ok(types.has(t), `${name} registers ${t}`);
            assert.match(String(r.outputs.url), /^http:\/\/lb-alb-[0-9a-f]{7}-\d+\.us-east-1\.elb\.amazonaws\.com$/, "the url output resolves");
            assert.deepEqual(imagePullProblems(g), [], "every task can pull its image");
            assert.deepEqual(healthCheckProblems(g, recipeImageFacts), [], "health checks target what the image answers");
            assert.deepEqual(loadBalancerAzProblems(g), [], "the load balancer spans 2 AZs of public subnets");
            assert.deepEqual(publicReachProblems(g), [], "each public service is reachable on its port");
            assert.deepEqual(imageRunProblems(g, recipeImageFacts), [], "each container runs as its image needs");
            const { findings, exceptions } = await evaluate(toPlanResources(g));
            const said = (f: (typeof findings)[number]) => `[${f.enforcementLevel}] ${f.rule} ${f.urn?.split("::").pop()}: ${f.message}`;
            // A recipe is the shortest program that runs: nothing mandatory may fail. Advisory findings
            // are the operations a real project adds (alerts, for one): said, and limited to these.
            assert.deepEqual(findings.filter((f) => f.enforcementLevel === "mandatory").map(said), [], "no mandatory policy finding");
            const advisory = findings.filter((f) => f.enforcementLevel !== "mandatory");
            assert.deepEqual([...new Set(advisory.map((f) => f.rule))].filter((rule) => !ADVISORY_IN_RECIPES.includes(rule)), [], `advisory findings beyond ${ADVISORY_IN_RECIPES}: ${advisory.map(said).join("; ")}`);
            if (advisory.length > 0) process.stdout.write(`      ${name}: ${advisory.map(said).join("; ")}\n`);
            // Only the relaxations the recipe chose on purpose (the setup container that opens writable volumes).
            for (const x of exceptions) assert.match(x.reason, /only to open the writable volumes/, `${name}: unexpected exception ${x.rule}: ${x.reason}`);
        });
    }

    it("what each recipe shows: a third-party image as documented, a build, a job, Service Connect", () => {
        const containers = (n: string) => runs[n].resources.filter((x) => x.type === "aws:ecs/taskDefinition:TaskDefinition").flatMap((td) => JSON.parse(td.inputs.containerDefinitions));
        const nginx = containers("existing-image").find((c) => c.name === "app");
        assert.deepEqual([nginx.image, nginx.user, nginx.readonlyRootFilesystem], ["public.ecr.aws/nginx/nginx-unprivileged:1.28-alpine", "101", true]);
        const built = runs["from-dockerfile"].resources;
        assert.equal(built.filter((x) => x.type === "docker-build:index:Image").length, 1, "from-dockerfile builds one image with docker-build");
        assert.match(containers("from-dockerfile")[0].user, /^1000:1000$/, "our own image keeps the secure default user");
        const schedule = runs["with-job"].resources.find((x) => x.type === "aws:scheduler/schedule:Schedule");
        assert.equal(schedule?.inputs.scheduleExpression, "rate(1 hour)");
        const job = containers("with-job").find((c) => c.command?.[0] === "sh");
        assert.equal(job.environment.find((e: any) => e.name === "SITE_URL").value, runs["with-job"].outputs.url, "the job gets the site's URL");
        const services = runs["many-services"].resources.filter((x) => x.type === "aws:ecs/service:Service");
        const api = services.find((s) => s.name === "api")!;
        const web = services.find((s) => s.name === "web")!;
        assert.equal(api.inputs.serviceConnectConfiguration.services[0].clientAlias[0].dnsName, "api");
        assert.ok(web.inputs.serviceConnectConfiguration.enabled && web.dependsOn.includes("api"), "web uses Service Connect and starts after api");
        const webApp = containers("many-services").find((c) => c.environment?.some((e: any) => e.name === "API_URL"));
        assert.equal(webApp.environment.find((e: any) => e.name === "API_URL").value, "http://api:8080");
    });
});
