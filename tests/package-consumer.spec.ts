/**
 * The package as another project gets it: `npm pack` the component package, install the tarball
 * into a Pulumi TypeScript project in a temp dir outside the source tree, type-check that project
 * against the packed `.d.ts` and run it under Pulumi's mock engine. Offline: the consumer's
 * @pulumi/* and @types come from this repository's node_modules through symlinks (they are peer
 * dependencies, so the tarball brings none of its own).
 *
 * Part of `npm run test:package` (not `npm test`: packing builds the package with tsc, which alone
 * takes longer than the unit suite's budget allows).
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

const root = path.join(__dirname, "..");
const componentsDir = path.join(root, "components");
const fixture = path.join(__dirname, "fixtures", "consumer");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

interface PackedFile { path: string }
interface ConsumerRun {
    resolvedFrom: string;
    outputs: Record<string, any>;
    resources: { type: string; name: string; inputs: Record<string, any> }[];
}

describe("the packed fargatekit package, used by a project outside the source tree", function () {
    this.timeout(180_000);
    let work: string;
    let packed: { filename: string; files: PackedFile[] };
    let run: ConsumerRun;

    before(() => {
        work = mkdtempSync(path.join(tmpdir(), "fargatekit-consumer-"));
        const out = execFileSync(npm, ["pack", "--json", "--pack-destination", work], { cwd: componentsDir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        packed = JSON.parse(out)[0];
    });
    after(() => rmSync(work, { recursive: true, force: true }));

    it("the tarball holds the built JavaScript, its declarations, the plugin manifest, README and CHANGELOG, and no sources", () => {
        const files = packed.files.map((f) => f.path).sort();
        for (const f of ["bin/index.js", "bin/index.d.ts", "bin/service.js", "bin/service.d.ts", "PulumiPlugin.yaml", "README.md", "CHANGELOG.md", "package.json"]) {
            assert.ok(files.includes(f), `${f} missing from ${packed.filename}: ${files.join(", ")}`);
        }
        const stray = files.filter((f) => (f.endsWith(".ts") && !f.endsWith(".d.ts")) || f.startsWith("node_modules/") || f.includes("tsconfig") || f.endsWith(".map"));
        assert.deepEqual(stray, [], "only built files ship");
        // Every source module has its built twin, so `exports` never points at something missing.
        const manifest = JSON.parse(readFileSync(path.join(componentsDir, "package.json"), "utf8"));
        assert.ok(files.includes(manifest.main) && files.includes(manifest.types), `main ${manifest.main} / types ${manifest.types} are packed`);
        assert.ok(files.includes(manifest.exports["."].default.replace(/^\.\//, "")) && files.includes(manifest.exports["."].types.replace(/^\.\//, "")));
    });

    it("installs into a Pulumi TypeScript project, type-checks against the packed .d.ts and runs under mocks", () => {
        const consumer = path.join(work, "consumer");
        cpSync(fixture, consumer, { recursive: true });
        execFileSync(npm, ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--legacy-peer-deps", "--no-package-lock", path.join(work, packed.filename)], { cwd: consumer, stdio: "pipe" });
        // The peers a consumer would install itself, taken from this checkout (no network in tests).
        symlinkSync(path.join(root, "node_modules", "@pulumi"), path.join(consumer, "node_modules", "@pulumi"), "dir");
        symlinkSync(path.join(root, "node_modules", "@types"), path.join(consumer, "node_modules", "@types"), "dir");

        // Type-check (index.ts holds @ts-expect-error lines: they fail tsc if the types went missing) and emit.
        const tsc = require.resolve("typescript/bin/tsc", { paths: [root] });
        try {
            execFileSync(process.execPath, [tsc, "-p", consumer], { cwd: consumer, encoding: "utf8", stdio: "pipe" });
        } catch (e) {
            assert.fail(`the consumer project does not type-check against the packed package:\n${(e as { stdout?: string }).stdout}`);
        }
        run = JSON.parse(execFileSync(process.execPath, [path.join(consumer, "out", "mocked-run.js")], { cwd: consumer, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }));

        assert.equal(run.resolvedFrom, path.join(consumer, "node_modules", "fargatekit", "bin", "index.js"), "the consumer runs the packed JavaScript, not the workspace sources");
        const types = run.resources.map((r) => r.type);
        for (const t of ["fargatekit:index:Network", "fargatekit:index:Registry", "fargatekit:index:Cluster"]) assert.ok(types.includes(t), `${t} registered`);
    });

    it("the consumer's components behave as documented: outputs resolve, args reach the resources", () => {
        assert.ok(run, "the previous test ran the consumer");
        const { outputs, resources } = run;
        assert.equal(outputs.clusterName, "apps-0000001");
        assert.equal(outputs.clusterArn, "arn:aws:ecs:eu-west-1:123456789012:cluster/apps-0000001");
        assert.equal(outputs.repositoryUrl, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/images-0000001");
        assert.equal(outputs.vpcId, "net-vpc-id");
        assert.deepEqual(outputs.publicSubnetIds, ["net-public-0-id", "net-public-1-id"]);

        const cluster = resources.find((r) => r.type === "aws:ecs/cluster:Cluster")!;
        assert.deepEqual(cluster.inputs.settings, [{ name: "containerInsights", value: "enhanced" }]);
        const providers = resources.find((r) => r.type === "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders")!;
        assert.deepEqual(providers.inputs.capacityProviders, ["FARGATE", "FARGATE_SPOT"]);
        const repo = resources.find((r) => r.type === "aws:ecr/repository:Repository")!;
        assert.equal(repo.inputs.forceDelete, true);
        assert.equal(repo.inputs.imageTagMutability, "IMMUTABLE");
        const lifecycle = JSON.parse(resources.find((r) => r.type === "aws:ecr/lifecyclePolicy:LifecyclePolicy")!.inputs.policy);
        assert.equal(lifecycle.rules[1].selection.countNumber, 10);
        assert.equal(resources.filter((r) => r.type === "aws:ec2/natGateway:NatGateway").length, 0, "natGateways: none");
        // Secure by default in a consumer's VPC too: flow logs (with the consumer's choices) and a closed default group.
        const flowLog = resources.find((r) => r.type === "aws:ec2/flowLog:FlowLog")!;
        assert.deepEqual([flowLog.inputs.vpcId, flowLog.inputs.trafficType, flowLog.inputs.logDestinationType], ["net-vpc-id", "ALL", "cloud-watch-logs"]);
        assert.equal(resources.find((r) => r.type === "aws:cloudwatch/logGroup:LogGroup")!.inputs.retentionInDays, 14);
        const trust = JSON.parse(resources.find((r) => r.type === "aws:iam/role:Role")!.inputs.assumeRolePolicy as string);
        assert.equal(trust.Statement[0].Condition.ArnLike["aws:SourceArn"], "arn:aws:ec2:eu-west-1:123456789012:vpc-flow-log/*", "the consumer's own region and account");
        const closed = resources.find((r) => r.type === "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")!;
        assert.deepEqual([closed.inputs.ingress, closed.inputs.egress], [[], []]);
    });
});
