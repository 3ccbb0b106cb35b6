/**
 * Images we did not build, run as their documentation says they run: their user, the paths they
 * write (volumes, not a writable root), and root or a writable root only as a named exception that
 * the plan shows. Secure defaults stay for our own images.
 */
import { strict as assert } from "node:assert";
import {
    Cluster, FargateTaskDefinition, FargateTaskDefinitionArgs, LoadBalancer, Network, NatGateways, Service, WRITABLE_PATHS_INIT_CONTAINER, WRITABLE_PATHS_INIT_IMAGE,
} from "fargatekit";
import { evaluate, toPlanResources } from "../policy/adapter";
import { rules } from "../policy/rules";
import { healthCheckProblems, imagePullProblems, imageRunProblems, publicReachProblems } from "./graph-rules";
import { Graph, runComponents } from "./harness";
import { publicImageFacts } from "./image-facts";

const NGINX = "public.ecr.aws/nginx/nginx-unprivileged:1.28-alpine";
const base: FargateTaskDefinitionArgs = { image: NGINX, cpu: 256, memory: 512, port: 8080 };

/** Builds one task definition and returns its graph, its containers and the policy's verdict on it. */
async function taskDefinition(args: FargateTaskDefinitionArgs) {
    const run = await runComponents(() => { new FargateTaskDefinition("site", args); });
    const g = new Graph(run);
    const td = g.one("aws:ecs/taskDefinition:TaskDefinition");
    const containers: Record<string, any>[] = JSON.parse(td.inputs.containerDefinitions);
    const security = await evaluate(toPlanResources(run.resources), rules.filter((r) => ["ecs-non-privileged-non-root", "ecs-readonly-root-filesystem", "ecs-logging"].includes(r.name)));
    return { g, td, containers, app: containers.find((c) => c.name === "app")!, init: containers.find((c) => c.name === WRITABLE_PATHS_INIT_CONTAINER), security };
}

describe("third-party images: FargateTaskDefinition", () => {
    it("our own images keep the defaults: uid 1000, read-only root, one scratch volume at /tmp, no setup container, no exception", async () => {
        const { td, containers, app, security } = await taskDefinition({ ...base, image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:" + "a".repeat(64) });
        assert.equal(containers.length, 1);
        assert.deepEqual([app.user, app.readonlyRootFilesystem, app.dependsOn], ["1000:1000", true, undefined]);
        assert.deepEqual(td.inputs.volumes, [{ name: "scratch" }]);
        assert.deepEqual(app.mountPoints, [{ sourceVolume: "scratch", containerPath: "/tmp", readOnly: false }]);
        assert.equal(td.inputs.tags, undefined, "no exception tag");
        assert.deepEqual([security.findings, security.exceptions], [[], []]);
    });

    it("writablePaths for a non-root image: a volume per path, opened by a capability-less setup container the app waits for", async () => {
        const { td, app, init, security } = await taskDefinition({ ...base, user: "101", writablePaths: ["/tmp", "/var/cache/nginx"] });
        assert.deepEqual(td.inputs.volumes, [{ name: "writable-0" }, { name: "writable-1" }], "ephemeral bind-mount volumes (no host, no docker volume config)");
        const mounts = [{ sourceVolume: "writable-0", containerPath: "/tmp", readOnly: false }, { sourceVolume: "writable-1", containerPath: "/var/cache/nginx", readOnly: false }];
        assert.deepEqual([app.user, app.readonlyRootFilesystem, app.mountPoints], ["101", true, mounts]);
        assert.ok(init, "the setup container");
        assert.deepEqual(
            [init!.image, init!.essential, init!.user, init!.readonlyRootFilesystem, init!.command, init!.linuxParameters, init!.mountPoints],
            [WRITABLE_PATHS_INIT_IMAGE, false, "0", true, ["chmod", "1777", "/tmp", "/var/cache/nginx"], { capabilities: { drop: ["ALL"] } }, mounts],
        );
        // ECS ContainerDependency: the app starts only after the setup container exited 0.
        assert.deepEqual(app.dependsOn, [{ containerName: WRITABLE_PATHS_INIT_CONTAINER, condition: "SUCCESS" }]);
        assert.equal(init!.logConfiguration.options["awslogs-group"], app.logConfiguration.options["awslogs-group"], "its output lands in the task's log group");
        assert.deepEqual(security.findings, [], "no violation: the setup container is a structural exception");
        assert.deepEqual(security.exceptions.map((x) => x.rule), ["ecs-non-privileged-non-root"]);
        assert.match(security.exceptions[0].reason, /"writable-paths" runs as root \(user "0"\) only to open the writable volumes/);
    });

    it("runAsRoot: user 0, no setup container (root writes its volumes), the reason tagged and accepted by the policy", async () => {
        const reason = "the official nginx image starts as root and drops to its nginx user";
        const { td, containers, app, security } = await taskDefinition({
            ...base, image: "public.ecr.aws/nginx/nginx:stable", port: 80, runAsRoot: { reason }, writablePaths: ["/var/cache/nginx", "/var/run"],
        });
        assert.equal(containers.length, 1);
        assert.deepEqual([app.user, app.readonlyRootFilesystem, app.dependsOn], ["0", true, undefined]);
        assert.deepEqual(td.inputs.tags, { "fargatekit:exception:ecs-non-privileged-non-root": reason });
        assert.deepEqual(security.findings, []);
        assert.deepEqual(security.exceptions.map((x) => [x.rule, x.reason]), [["ecs-non-privileged-non-root", `container "app" runs as root (user "0"): ${reason}`]]);
    });

    it("writableRootFilesystem: a writable root with its reason tagged and accepted; readonlyRootFilesystem false without one is a violation", async () => {
        const reason = "the image rewrites its own config at start";
        const named = await taskDefinition({ ...base, user: "101", writableRootFilesystem: { reason }, tags: { team: "web" } });
        assert.equal(named.app.readonlyRootFilesystem, false);
        assert.deepEqual(named.td.inputs.tags, { team: "web", "fargatekit:exception:ecs-readonly-root-filesystem": reason });
        assert.deepEqual(named.security.findings, []);
        assert.deepEqual(named.security.exceptions.map((x) => x.rule), ["ecs-readonly-root-filesystem"]);
        const bare = await taskDefinition({ ...base, user: "101", readonlyRootFilesystem: false });
        assert.deepEqual(bare.security.findings.map((f) => f.rule), ["ecs-readonly-root-filesystem"], "an unexplained relaxation is reported");
    });

    it("the execution role may pull exactly the private ECR repository the image names, and needs nothing for a public image", async () => {
        const statementsOf = async (image: string) => {
            const { g } = await taskDefinition({ ...base, image });
            return JSON.parse(g.ofType("aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "site-exec")!.inputs.policy).Statement as any[];
        };
        const ecr = await statementsOf("210987654321.dkr.ecr.eu-west-1.amazonaws.com/shop/web@sha256:" + "b".repeat(64));
        assert.deepEqual(ecr.find((x) => x.Sid === "PullImage").Resource, ["arn:aws:ecr:eu-west-1:210987654321:repository/shop/web"]);
        assert.ok(ecr.some((x) => x.Sid === "EcrToken"));
        const pub = await statementsOf(NGINX);
        assert.deepEqual(pub.map((x) => x.Sid), ["WriteLogs"], "ECR Public and Docker Hub images are pulled anonymously");
    });

    it("refuses root without runAsRoot, contradictions, bad reasons and bad paths, all at once", () => {
        assert.throws(() => new FargateTaskDefinition("site", { ...base, user: "0:0", writablePaths: ["tmp", "/", "/a/../b", "/x/", "/c", "/c"], scratchPath: "/scratch" }), (e: Error) => [
            'user: got "0:0"; containers never run as root unless runAsRoot: { reason }',
            'writablePaths[0]: got "tmp"; allowed: an absolute path', 'writablePaths[1]: got "/"', 'writablePaths[2]: got "/a/../b"', 'writablePaths[3]: got "/x/"',
            'writablePaths[5]: "/c" is listed twice', 'scratchPath: got "/scratch" with writablePaths',
        ].every((k) => e.message.includes(k)) || assert.fail(e.message));
        assert.throws(() => new FargateTaskDefinition("site", { ...base, user: "101", runAsRoot: { reason: "needs root, really" }, writableRootFilesystem: { reason: " " }, readonlyRootFilesystem: true }), (e: Error) => [
            'runAsRoot: given, but user is "101" (not root)', 'runAsRoot.reason: got "needs root, really"; allowed: 1–256 letters, digits, spaces and _ . : / = + - @',
            "writableRootFilesystem.reason: required", "writableRootFilesystem: given, but readonlyRootFilesystem is true",
        ].every((k) => e.message.includes(k)) || assert.fail(e.message));
        assert.throws(() => new FargateTaskDefinition("site", { ...base, writablePaths: [] }), /writablePaths: got an empty list/);
        assert.throws(() => new FargateTaskDefinition("site", { ...base, runAsRoot: { reason: "x".repeat(257) } }), /runAsRoot\.reason: got "x{257}"/);
    });

    it("Service and ScheduledTask pass them through: a public nginx on 8080 with health path / and a writable /tmp", async () => {
        const run = await runComponents(() => {
            const network = new Network("net");
            const lb = new LoadBalancer("lb", { network });
            new Service("web", {
                cluster: new Cluster("apps"), network,
                route: { loadBalancer: lb, priority: 100, healthCheck: { path: "/" } },
                task: { ...base, user: "101", writablePaths: ["/tmp"] },
            });
        });
        const g = new Graph(run);
        const [app, init] = JSON.parse(g.one("aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions);
        assert.deepEqual([app.name, app.user, init.name], ["app", "101", WRITABLE_PATHS_INIT_CONTAINER]);
        assert.equal(g.one("aws:lb/targetGroup:TargetGroup").inputs.healthCheck.path, "/");
        assert.deepEqual(g.one("aws:ecs/service:Service").inputs.loadBalancers.map((l: any) => [l.containerName, l.containerPort]), [["app", 8080]], "the load balancer targets the app, not the setup container");
    });
});

describe("the existing-image recipe's commented variant: the official nginx image as root", () => {
    it("passes the graph rules (root, port 80, /var/cache/nginx and /var/run writable) with root as an accepted exception", async () => {
        const reason = "the official nginx image starts as root and drops to its nginx user";
        const run = await runComponents(() => {
            const network = new Network("net");
            const lb = new LoadBalancer("lb", { network });
            new Service("web", {
                cluster: new Cluster("apps"), network,
                route: { loadBalancer: lb, priority: 100, healthCheck: { path: "/" } },
                task: { image: "public.ecr.aws/nginx/nginx:1.28-alpine", cpu: 256, memory: 512, port: 80, runAsRoot: { reason }, writablePaths: ["/var/cache/nginx", "/var/run"] },
            });
        });
        const g = run.resources;
        for (const problems of [imagePullProblems(g), healthCheckProblems(g, publicImageFacts), publicReachProblems(g), imageRunProblems(g, publicImageFacts)]) assert.deepEqual(problems, []);
        const { findings, exceptions } = await evaluate(toPlanResources(g));
        assert.deepEqual(findings.filter((f) => f.enforcementLevel === "mandatory"), []);
        assert.deepEqual(exceptions.map((x) => [x.rule, x.reason.endsWith(reason)]), [["ecs-non-privileged-non-root", true]]);
        // Without runAsRoot it would run as uid 1000, which the image cannot (the rules say so before AWS does).
        const asUser = await runComponents(() => {
            const network = new Network("net");
            new Service("web", { cluster: new Cluster("apps"), network, route: { loadBalancer: new LoadBalancer("lb", { network }), priority: 100, healthCheck: { path: "/" } }, task: { image: "public.ecr.aws/nginx/nginx:1.28-alpine", cpu: 256, memory: 512, port: 80 } });
        });
        assert.match(imageRunProblems(asUser.resources, publicImageFacts).join("\n"), /the image needs root, but runs as 1000:1000[\s\S]*writes \/var\/cache\/nginx, but the root is read-only/);
    });
});

describe("LoadBalancer on a network of one AZ", () => {
    it("is refused before anything is created, naming network.azCount; two AZs or an unknown count pass", async () => {
        const run = await runComponents(() => {
            const one = new Network("one", { azCount: 1 });
            assert.equal(one.azCount, 1, "Network exposes its AZ count as a plain number");
            assert.throws(() => new LoadBalancer("lb", { network: one }), /network\.azCount: got 1; allowed: 2 or more — an Application Load Balancer needs public subnets in at least two AZs/);
            assert.throws(() => new LoadBalancer("lb2", { network: { vpcId: "vpc-1", publicSubnetIds: ["subnet-1"], azCount: 1 } }), /network\.azCount: got 1/);
            new LoadBalancer("two", { network: new Network("net", { azCount: 2, natGateways: NatGateways.None }) });
            new LoadBalancer("adopted", { network: new Network("shared", { existing: { vpcId: "vpc-1", publicSubnetIds: ["a", "b"], privateSubnetIds: ["c", "d"] } }) });
        });
        const lbs = new Graph(run).ofType("aws:lb/loadBalancer:LoadBalancer").map((r) => r.name).sort();
        assert.deepEqual(lbs, ["adopted-alb", "two-alb"], "the refused load balancers registered nothing");
    });
});
