/**
 * Stable URNs: a refactor must never silently replace production resources. Every resource URN of
 * each committed stack is snapshotted in tests/urns/<stack>.json; a URN that disappears without an
 * `aliases` option keeping it fails the suite, whatever the mode.
 *
 * Updating the snapshot (see README, "Stable URNs"):
 *   UPDATE_URN_SNAPSHOT=1 npm run test:unit   records added URNs and aliased renames; it still fails
 *                                             on a URN that vanished without an alias.
 *   An intended removal: delete its lines from tests/urns/<stack>.json by hand, so reviewers see it.
 */
import { strict as assert } from "node:assert";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { committedStack, PROJECT } from "./harness";
import { aliasHints, diffUrns, nodeFor, UrnDiff, UrnNode, urnOf } from "./urn-model";

const UPDATE = process.env.UPDATE_URN_SNAPSHOT === "1";
const snapshotFile = (stack: string) => path.join(__dirname, "urns", `${stack}.json`);
const relative = (file: string) => path.relative(path.join(__dirname, ".."), file);

function readSnapshot(stack: string): string[] {
    const file = snapshotFile(stack);
    return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as string[]) : [];
}

/** The failure message: what would be replaced, the alias that would keep it, how to record additions. */
export function urnReport(stack: string, diff: UrnDiff, file: string): string {
    const lines: string[] = [];
    if (diff.vanished.length > 0) {
        lines.push(
            `${diff.vanished.length} resource(s) of stack ${stack} would be REPLACED (deleted, then created anew): their URN is in ${file} but the program no longer makes it, and no \`aliases\` option keeps it:`,
            ...aliasHints(diff).map((h) => `  - ${h}`),
            "  A URN is <stack>::<project>::<parent types$type>::<name>: renaming a resource or its component, or giving it another parent, changes it.",
            "  Keep the old identity with the `aliases` resource option (https://www.pulumi.com/docs/iac/concepts/options/aliases/);",
            "  an alias on a component carries over to its children whose names start with the component's name.",
            `  If the removal is intended, delete those lines from ${file} by hand (reviewers see it in the diff); UPDATE_URN_SNAPSHOT never removes URNs.`,
        );
    }
    if (diff.aliased.length > 0) {
        lines.push(
            `${diff.aliased.length} resource(s) renamed with an alias (no replacement): run \`UPDATE_URN_SNAPSHOT=1 npm run test:unit\` to record their new URNs; keep the alias until every stack has been deployed with it:`,
            ...diff.aliased.map((a) => `  - ${a.from}\n      → ${a.to}`),
        );
    }
    if (diff.appeared.length > 0) {
        lines.push(
            `${diff.appeared.length} new URN(s) not in ${file}: if these resources are intended additions, run \`UPDATE_URN_SNAPSHOT=1 npm run test:unit\` and commit ${file}:`,
            ...diff.appeared.map((u) => `  + ${u}`),
        );
    }
    return lines.join("\n");
}

describe("stable URNs", () => {
    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: every resource keeps the URN recorded in tests/urns/${stack}.json`, async () => {
            const run = await committedStack(stack);
            const current = new Map(run.resources.map((r) => [r.urn, r.aliasUrns]));
            const duplicates = run.resources.map((r) => r.urn).filter((u, i, all) => all.indexOf(u) !== i);
            assert.deepEqual(duplicates, [], "two resources share a URN; Pulumi refuses the program");
            const file = snapshotFile(stack);
            const diff = diffUrns(readSnapshot(stack), current);
            if (UPDATE) {
                // Additions and aliased renames only; a vanished URN is never accepted here.
                assert.equal(diff.vanished.length, 0, urnReport(stack, { ...diff, aliased: [], appeared: [] }, relative(file)));
                mkdirSync(path.dirname(file), { recursive: true });
                writeFileSync(file, `${JSON.stringify([...current.keys()].sort(), null, 2)}\n`);
                return;
            }
            const problems = urnReport(stack, diff, relative(file));
            assert.ok(problems === "", problems);
        });
    }
});

/**
 * 0.1 resources that are meant to go, each with why that replaces nothing of value. Anything else
 * of 0.1 must still be a current URN or an alias of one.
 */
const INTENDED_REMOVALS: Record<string, string> = {
    // The image build moved from @pulumi/docker to @pulumi/docker-build (another resource type, so no
    // alias can carry it). The old resource holds no data: its delete removes nothing from ECR.
    "fargatekit:index:Image$docker:index/image:Image::app": "replaced by the docker-build Image",
};

describe("stacks deployed with fargatekit 0.1 keep every resource (tests/urns/legacy/<stack>-0.1.json)", () => {
    // The URNs both stacks had before the Environment (one WebService with its own load balancer,
    // components at the top of the stack). Each must be the URN of a current resource or one of its
    // aliases, or the upgrade deploy would replace it: the VPC, subnets, NAT gateways and addresses,
    // the ALB, listeners, certificate and DNS records, the repository, log groups, the access-log
    // bucket, the cluster, the web service and the job queue among them.
    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: no 0.1 URN vanishes; each is kept by an alias or unchanged`, async () => {
            const all = JSON.parse(readFileSync(path.join(__dirname, "urns", "legacy", `${stack}-0.1.json`), "utf8")) as string[];
            const removed = all.filter((u) => Object.keys(INTENDED_REMOVALS).some((k) => u.endsWith(`::${k}`)));
            assert.equal(removed.length, Object.keys(INTENDED_REMOVALS).length, "each intended removal names a 0.1 resource");
            const legacy = all.filter((u) => !removed.includes(u));
            const run = await committedStack(stack);
            const diff = diffUrns(legacy, new Map(run.resources.map((r) => [r.urn, r.aliasUrns])));
            assert.deepEqual(diff.vanished, [], urnReport(stack, { ...diff, aliased: [], appeared: [] }, `tests/urns/legacy/${stack}-0.1.json`));
            // Each old URN is claimed by exactly one current resource (the engine refuses two claims).
            const claims = new Map<string, string[]>();
            for (const r of run.resources) for (const a of r.aliasUrns) if (legacy.includes(a)) claims.set(a, [...(claims.get(a) ?? []), r.urn]);
            assert.deepEqual([...claims].filter(([, by]) => by.length > 1), []);
            for (const kept of ["aws:ec2/vpc:Vpc::net-vpc", "aws:lb/loadBalancer:LoadBalancer::web-alb", "aws:ecs/service:Service::web", "aws:ecr/repository:Repository::app", "aws:sqs/queue:Queue::job-cleanup-dlq"]) {
                const old = legacy.find((u) => u.endsWith(`$${kept}`));
                assert.ok(old, `${kept} was in 0.1`);
                assert.ok(diff.aliased.some((a) => a.from === old), `${kept} is carried by an alias`);
            }
        });
    }
});

describe("URN model (how the engine names resources and follows aliases)", () => {
    const ctx = (nodes: Map<unknown, UrnNode> = new Map()) => ({ stack: "prod", project: PROJECT, nodeOfParent: (r: unknown) => nodes.get(r) });
    const urn = (n: { qualifiedType: string; name: string }) => urnOf("prod", PROJECT, n);

    it("chains parent types with $ and leaves the stack out", () => {
        const web = nodeFor("fargatekit:index:WebService", "web", undefined, undefined, ctx());
        const td = nodeFor("fargatekit:index:FargateTaskDefinition", "web", web, undefined, ctx());
        const role = nodeFor("aws:iam/role:Role", "web-exec", td, undefined, ctx());
        assert.equal(urn(web), "urn:pulumi:prod::webapp::fargatekit:index:WebService::web");
        assert.equal(urn(role), "urn:pulumi:prod::webapp::fargatekit:index:WebService$fargatekit:index:FargateTaskDefinition$aws:iam/role:Role::web-exec");
    });

    it("a rename without an alias is a replacement, reported with the alias that would keep it", () => {
        const before = ["urn:pulumi:prod::webapp::fargatekit:index:WebService$aws:lb/loadBalancer:LoadBalancer::web-alb"];
        const renamed = nodeFor("aws:lb/loadBalancer:LoadBalancer", "web-lb", nodeFor("fargatekit:index:WebService", "web", undefined, undefined, ctx()), undefined, ctx());
        const diff = diffUrns(before, new Map([[urn(renamed), renamed.aliases.map(urn)]]));
        assert.deepEqual(diff.vanished, before);
        const report = urnReport("prod", diff, "tests/urns/prod.json");
        assert.match(report, /would be REPLACED/);
        assert.match(report, /web-alb/);
        assert.ok(report.includes('aliases: [{ name: "web-alb" }]'), report);
        assert.match(report, /UPDATE_URN_SNAPSHOT never removes/);
    });

    it("an alias on the renamed resource keeps its old URN: no replacement", () => {
        const parent = nodeFor("fargatekit:index:WebService", "web", undefined, undefined, ctx());
        const before = ["urn:pulumi:prod::webapp::fargatekit:index:WebService$aws:lb/loadBalancer:LoadBalancer::web-alb"];
        const renamed = nodeFor("aws:lb/loadBalancer:LoadBalancer", "web-lb", parent, [{ name: "web-alb" }], ctx());
        const diff = diffUrns(before, new Map([[urn(renamed), renamed.aliases.map(urn)]]));
        assert.deepEqual(diff.vanished, []);
        assert.deepEqual(diff.aliased, [{ from: before[0], to: urn(renamed) }]);
        assert.deepEqual(diff.appeared, []);
    });

    it("a component's alias carries over to its children, with the old name prefix", () => {
        const site = nodeFor("fargatekit:index:WebService", "site", undefined, [{ name: "web" }], ctx());
        const alb = nodeFor("aws:lb/loadBalancer:LoadBalancer", "site-alb", site, undefined, ctx());
        const td = nodeFor("fargatekit:index:FargateTaskDefinition", "site", site, undefined, ctx());
        const role = nodeFor("aws:iam/role:Role", "site-exec", td, undefined, ctx());
        assert.ok(alb.aliases.map(urn).includes("urn:pulumi:prod::webapp::fargatekit:index:WebService$aws:lb/loadBalancer:LoadBalancer::web-alb"));
        assert.ok(role.aliases.map(urn).includes("urn:pulumi:prod::webapp::fargatekit:index:WebService$fargatekit:index:FargateTaskDefinition$aws:iam/role:Role::web-exec"));
    });

    it("follows parent, noParent and full-URN aliases; ignores aliases of other stacks", () => {
        const nodes = new Map<unknown, UrnNode>();
        const oldParent = {};
        nodes.set(oldParent, nodeFor("fargatekit:index:Network", "net", undefined, undefined, ctx()));
        const newParent = nodeFor("my:index:Platform", "platform", undefined, undefined, ctx());
        const vpc = nodeFor("aws:ec2/vpc:Vpc", "net-vpc", newParent, [
            { parent: oldParent },
            { noParent: true },
            "urn:pulumi:prod::webapp::aws:ec2/vpc:Vpc::legacy-vpc",
            { name: "x", stack: "dev" },
        ], ctx(nodes));
        assert.deepEqual(vpc.aliases.map(urn), [
            "urn:pulumi:prod::webapp::fargatekit:index:Network$aws:ec2/vpc:Vpc::net-vpc",
            "urn:pulumi:prod::webapp::aws:ec2/vpc:Vpc::net-vpc",
            "urn:pulumi:prod::webapp::aws:ec2/vpc:Vpc::legacy-vpc",
        ]);
    });

    it("a resource moved to another parent gets a parent-alias hint; additions alone ask for UPDATE_URN_SNAPSHOT", () => {
        const moved = diffUrns(
            ["urn:pulumi:prod::webapp::fargatekit:index:Network$aws:ec2/vpc:Vpc::net-vpc"],
            new Map([["urn:pulumi:prod::webapp::my:index:Platform$aws:ec2/vpc:Vpc::net-vpc", []]]),
        );
        assert.match(aliasHints(moved)[0], /aliases: \[\{ parent: <the old parent resource> \}\]/);
        const added = urnReport("dev", diffUrns([], new Map([["urn:pulumi:dev::webapp::aws:sqs/queue:Queue::q", []]])), "tests/urns/dev.json");
        assert.match(added, /UPDATE_URN_SNAPSHOT=1 npm run test:unit/);
        assert.doesNotMatch(added, /REPLACED/);
    });
});
