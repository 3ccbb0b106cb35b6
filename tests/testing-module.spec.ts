/**
 * `fargatekit/testing`, the mocks the package exports for its users' tests (and the ones this
 * repository's harness answers with): every invoke the components make is answered, every resource
 * type they create gets realistic outputs, and an invoke nobody answers fails loudly by name.
 */
import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import { Cluster, LoadBalancer, Network, Service } from "fargatekit";
import { MOCKED_INVOKES, MOCKED_RESOURCE_TYPES, setFargatekitMocks, valueOf } from "fargatekit/testing";
import { committedStack } from "./harness";

const componentsDir = path.join(__dirname, "..", "components");
const sources = readdirSync(componentsDir).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts") && f !== "testing.ts")
    .map((f) => ({ file: f, text: readFileSync(path.join(componentsDir, f), "utf8") }));
const lowerFirst = (s: string) => s[0].toLowerCase() + s.slice(1);

/** Type tokens of `new <pkg>.<module>.<Class>(` / `new docker.Image(` in the components' source. */
function createdTypes(): Map<string, string> {
    const found = new Map<string, string>();
    for (const { file, text } of sources) {
        for (const m of text.matchAll(/new (aws|docker|dockerBuild)\.(?:(\w+)\.)?([A-Z]\w*)\(/g)) {
            const [, pkg, mod, cls] = m;
            const token = pkg === "aws" ? `aws:${mod}/${lowerFirst(cls)}:${cls}` : pkg === "docker" ? `docker:index/${lowerFirst(cls)}:${cls}` : `docker-build:index:${cls}`;
            found.set(token, file);
        }
    }
    return found;
}

/** Invoke tokens of `aws.[<module>.]get<Name>Output(` / `get<Name>(` in the components' source. */
function invokedTokens(): Map<string, string> {
    const found = new Map<string, string>();
    for (const { file, text } of sources) {
        for (const m of text.matchAll(/\baws\.(?:(\w+)\.)?get([A-Z]\w*?)(?:Output)?\(/g)) {
            const [, mod, fn] = m;
            found.set(`aws:${mod ?? "index"}/get${fn}:get${fn}`, file);
        }
    }
    return found;
}

describe("fargatekit/testing", () => {
    it("answers every invoke the components' source makes, and creates outputs for every resource type it creates", () => {
        const invokes = invokedTokens();
        assert.ok(invokes.size >= 6, `found the components' invokes: ${[...invokes.keys()]}`);
        const unanswered = [...invokes].filter(([token]) => !MOCKED_INVOKES.includes(token)).map(([t, f]) => `${t} (${f})`);
        assert.deepEqual(unanswered, [], "invokes without a built-in answer");
        const types = createdTypes();
        assert.ok(types.size >= 40, `found the components' resource types: ${types.size}`);
        const unmocked = [...types].filter(([type]) => !MOCKED_RESOURCE_TYPES.includes(type)).map(([t, f]) => `${t} (${f})`);
        assert.deepEqual(unmocked, [], "resource types without realistic outputs");
    });

    it("both committed stacks register only mocked resource types and make only answered invokes", async () => {
        for (const stack of ["dev", "prod"] as const) {
            const run = await committedStack(stack);
            const types = [...new Set(run.resources.map((r) => r.type))].filter((t) => !t.startsWith("fargatekit:") && t !== "pulumi:pulumi:Stack");
            assert.deepEqual(types.filter((t) => !MOCKED_RESOURCE_TYPES.includes(t)), [], `${stack}: types without realistic outputs`);
            assert.deepEqual([...new Set(run.invokes)].filter((t) => !MOCKED_INVOKES.includes(t)), [], `${stack}: unanswered invokes`);
        }
    });

    it("a consumer's program under setFargatekitMocks: realistic ids, ARNs and names in the chosen account and region", async () => {
        const mocks = await setFargatekitMocks({ region: "eu-west-1", accountId: "210987654321", project: "shop", stack: "staging" });
        const network = new Network("net");
        const lb = new LoadBalancer("lb", { network });
        new Service("web", { cluster: new Cluster("apps"), network, route: { loadBalancer: lb, priority: 10, healthCheck: { path: "/" } }, task: { image: "public.ecr.aws/nginx/nginx-unprivileged:1.28-alpine", cpu: 256, memory: 512, port: 8080, user: "101", writablePaths: ["/tmp"] } });
        await mocks.settled();
        assert.match(await valueOf(lb.url), /^http:\/\/lb-alb-[0-9a-f]{7}-\d+\.eu-west-1\.elb\.amazonaws\.com$/);
        assert.match(await valueOf(network.vpcId), /^vpc-[0-9a-f]{17}$/);
        const subnets = mocks.ofType("aws:ec2/subnet:Subnet");
        assert.deepEqual(subnets.map((s) => s.inputs.availabilityZone).sort(), ["eu-west-1a", "eu-west-1a", "eu-west-1b", "eu-west-1b"]);
        const td = mocks.ofType("aws:ecs/taskDefinition:TaskDefinition")[0];
        assert.equal(td.outputs.arn, "arn:aws:ecs:eu-west-1:210987654321:task-definition/shop-staging-web:1", "family <project>-<stack>-<name>, revision 1");
        const [app] = JSON.parse(td.inputs.containerDefinitions);
        assert.equal(app.logConfiguration.options["awslogs-region"], "eu-west-1");
        const svc = mocks.ofType("aws:ecs/service:Service")[0];
        assert.match(svc.id, /^arn:aws:ecs:eu-west-1:210987654321:service\/apps-[0-9a-f]{7}\/web-[0-9a-f]{7}$/);
        const role = mocks.ofType("aws:iam/role:Role").find((r) => r.name === "web-task")!;
        assert.equal(JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Condition.ArnLike["aws:SourceArn"], "arn:aws:ecs:eu-west-1:210987654321:*");
        assert.ok(mocks.invokes.some((i) => i.token === "aws:index/getAvailabilityZones:getAvailabilityZones"));
        assert.deepEqual(mocks.unansweredInvokes, []);
    });

    it("an invoke nobody answers is named with how to answer it; given in `invokes`, it is answered", async () => {
        const told: string[] = [];
        const mocks = await setFargatekitMocks({ onUnansweredInvoke: (e) => told.push(e.token) });
        const vpc = aws.ec2.getVpcOutput({ default: true });
        vpc.id.apply(() => undefined); // a consumer of the failed Output, as a program would have
        await assert.rejects(mocks.settled(), (e: Error) =>
            e.message.includes('no mock answer for invoke "aws:ec2/getVpc:getVpc"') && e.message.includes('setFargatekitMocks({ invokes: { "aws:ec2/getVpc:getVpc": (args, env) =>'));
        assert.equal(mocks.unansweredInvokes[0].token, "aws:ec2/getVpc:getVpc");
        assert.deepEqual(told, ["aws:ec2/getVpc:getVpc"], "told at once, not only at the end");

        const answered = await setFargatekitMocks({ invokes: { "aws:ec2/getVpc:getVpc": () => ({ id: "vpc-0default", cidrBlock: "172.31.0.0/16" }) } });
        assert.equal(await valueOf(aws.ec2.getVpcOutput({ default: true }).cidrBlock), "172.31.0.0/16");
        await answered.settled();
    });
});
