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
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { componentsDir, installPacked, packOnce, Packed, tscPath } from "./packed";

const fixture = path.join(__dirname, "fixtures", "consumer");

interface ConsumerRun {
    resolvedFrom: string;
    testingFrom: string;
    outputs: Record<string, any>;
    resources: { type: string; name: string; inputs: Record<string, any>; outputs: Record<string, any> }[];
    dockerModules: string[];
}

/** Every path a manifest's main, types, exports and typesVersions point at. */
function manifestTargets(manifest: Record<string, any>): string[] {
    const strings = (v: unknown): string[] => (typeof v === "string" ? [v] : v && typeof v === "object" ? Object.values(v).flatMap(strings) : []);
    return [manifest.main, manifest.types, ...strings(manifest.exports), ...strings(manifest.typesVersions)].map((p: string) => p.replace(/^\.\//, ""));
}

describe("the packed fargatekit package, used by a project outside the source tree", function () {
    this.timeout(180_000);
    let work: string;
    let packed: Packed;
    let run: ConsumerRun;

    before(() => {
        work = mkdtempSync(path.join(tmpdir(), "fargatekit-consumer-"));
        packed = packOnce();
    });
    after(() => rmSync(work, { recursive: true, force: true }));

    it("every path the manifest exports is in the tarball; built JavaScript and declarations for every source; no tests, examples or tooling", () => {
        const files = packed.files;
        const manifest = JSON.parse(readFileSync(path.join(componentsDir, "package.json"), "utf8"));
        const targets = manifestTargets(manifest);
        assert.ok(targets.includes("testing.ts") && targets.includes("bin/testing.d.ts") && targets.includes("bin/testing.js"), `fargatekit/testing is exported: ${targets}`);
        assert.deepEqual(targets.filter((t) => !files.includes(t)), [], `exported paths missing from the tarball (${files.length} files)`);
        for (const f of ["PulumiPlugin.yaml", "README.md", "CHANGELOG.md", "package.json"]) assert.ok(files.includes(f), `${f} is packed`);
        const sources = files.filter((f) => !f.includes("/") && f.endsWith(".ts"));
        assert.ok(sources.length >= 30, "the TypeScript sources ship (the fargatekit-source condition points at them)");
        for (const src of sources) {
            for (const built of [`bin/${src.replace(/\.ts$/, ".js")}`, `bin/${src.replace(/\.ts$/, ".d.ts")}`]) assert.ok(files.includes(built), `${built} (built from ${src}) is packed`);
        }
        for (const built of files.filter((f) => f.startsWith("bin/") && f.endsWith(".js"))) assert.ok(sources.includes(built.slice(4).replace(/\.js$/, ".ts")), `${built} has a source (no stale build output)`);
        const stray = files.filter((f) => f.startsWith("node_modules/") || f.startsWith("examples/") || f.includes("tsconfig") || f.endsWith(".map") || f.endsWith(".tgz"));
        assert.deepEqual(stray, [], "nothing but the package");
    });

    it("installs into a Pulumi TypeScript project, type-checks against the packed .d.ts and runs under fargatekit/testing's mocks", () => {
        const consumer = path.join(work, "consumer");
        cpSync(fixture, consumer, { recursive: true });
        installPacked(consumer);

        // Type-check (index.ts holds @ts-expect-error lines: they fail tsc if the types went missing) and emit.
        try {
            execFileSync(process.execPath, [tscPath(), "-p", consumer], { cwd: consumer, encoding: "utf8", stdio: "pipe" });
        } catch (e) {
            assert.fail(`the consumer project does not type-check against the packed package:\n${(e as { stdout?: string }).stdout}`);
        }
        run = JSON.parse(execFileSync(process.execPath, [path.join(consumer, "out", "mocked-run.js")], { cwd: consumer, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }));

        assert.equal(run.resolvedFrom, path.join(consumer, "node_modules", "fargatekit", "bin", "index.js"), "the consumer runs the packed JavaScript, not the workspace sources");
        assert.equal(run.testingFrom, path.join(consumer, "node_modules", "fargatekit", "bin", "testing.js"), "fargatekit/testing resolves to the packed build");
        assert.deepEqual(run.dockerModules, [], "no Docker provider package is loaded by a program without an Image");
        const types = run.resources.map((r) => r.type);
        for (const t of ["fargatekit:index:Network", "fargatekit:index:Registry", "fargatekit:index:Cluster", "fargatekit:index:Service"]) assert.ok(types.includes(t), `${t} registered`);
        // What a consumer's own mocks used to lose silently (a missing invoke): the task definition and the service.
        for (const t of ["aws:ecs/taskDefinition:TaskDefinition", "aws:ecs/service:Service", "aws:lb/targetGroup:TargetGroup"]) assert.ok(types.includes(t), `${t} registered`);
    });

    it("the consumer's components behave as documented: outputs resolve to realistic values, args reach the resources", () => {
        assert.ok(run, "the previous test ran the consumer");
        const { outputs, resources } = run;
        assert.match(outputs.clusterName, /^apps-[0-9a-f]{7}$/);
        assert.equal(outputs.clusterArn, `arn:aws:ecs:eu-west-1:123456789012:cluster/${outputs.clusterName}`);
        assert.match(outputs.repositoryUrl, /^123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/images-[0-9a-f]{7}$/);
        assert.match(outputs.vpcId, /^vpc-[0-9a-f]{17}$/);
        assert.equal(outputs.publicSubnetIds.length, 2);
        assert.match(outputs.url, /^http:\/\/lb-alb-[0-9a-f]{7}-\d+\.eu-west-1\.elb\.amazonaws\.com$/);

        const cluster = resources.find((r) => r.type === "aws:ecs/cluster:Cluster")!;
        assert.deepEqual(cluster.inputs.settings, [{ name: "containerInsights", value: "enhanced" }]);
        const providers = resources.find((r) => r.type === "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders")!;
        assert.deepEqual(providers.inputs.capacityProviders, ["FARGATE", "FARGATE_SPOT"]);
        const repo = resources.find((r) => r.type === "aws:ecr/repository:Repository")!;
        assert.equal(repo.inputs.forceDelete, true);
        assert.equal(repo.inputs.imageTagMutability, "IMMUTABLE_WITH_EXCLUSION");
        assert.deepEqual(repo.inputs.imageTagMutabilityExclusionFilters, [{ filter: "buildcache", filterType: "WILDCARD" }], "only the build-cache tag is mutable");
        const lifecycle = JSON.parse(resources.find((r) => r.type === "aws:ecr/lifecyclePolicy:LifecyclePolicy")!.inputs.policy);
        assert.equal(lifecycle.rules[1].selection.countNumber, 10);
        assert.equal(resources.filter((r) => r.type === "aws:ec2/natGateway:NatGateway").length, 0, "natGateways: none");
        // Secure by default in a consumer's VPC too: flow logs (with the consumer's choices) and a closed default group.
        const flowLog = resources.find((r) => r.type === "aws:ec2/flowLog:FlowLog")!;
        assert.deepEqual([flowLog.inputs.vpcId, flowLog.inputs.trafficType, flowLog.inputs.logDestinationType], [outputs.vpcId, "ALL", "cloud-watch-logs"]);
        assert.equal(resources.find((r) => r.type === "aws:cloudwatch/logGroup:LogGroup" && r.name === "net-flow-logs")!.inputs.retentionInDays, 14);
        const trust = JSON.parse(resources.find((r) => r.type === "aws:iam/role:Role" && r.name.startsWith("net-"))!.inputs.assumeRolePolicy as string);
        assert.equal(trust.Statement[0].Condition.ArnLike["aws:SourceArn"], "arn:aws:ec2:eu-west-1:123456789012:vpc-flow-log/*", "the consumer's own region and account");
        const closed = resources.find((r) => r.type === "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")!;
        assert.deepEqual([closed.inputs.ingress, closed.inputs.egress], [[], []]);
        // The third-party image runs as documented: uid 101 on 8080, /tmp opened by the setup container, health on /.
        const [app, setup] = JSON.parse(resources.find((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition")!.inputs.containerDefinitions);
        assert.deepEqual([app.user, app.portMappings[0].containerPort, app.readonlyRootFilesystem, setup.command], ["101", 8080, true, ["chmod", "1777", "/tmp"]]);
        assert.equal(resources.find((r) => r.type === "aws:lb/targetGroup:TargetGroup")!.inputs.healthCheck.path, "/");
        const service = resources.find((r) => r.type === "aws:ecs/service:Service")!;
        assert.deepEqual([service.inputs.networkConfiguration.assignPublicIp, service.inputs.networkConfiguration.subnets], [true, outputs.publicSubnetIds], "no NAT: public subnets and a public IP, so the image can be pulled");
    });
});
