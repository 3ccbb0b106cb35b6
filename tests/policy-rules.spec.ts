/**
 * Every rule of the policy pack, run through the offline adapter: each passes on the committed graph it
 * applies to and fails on a mutation of it (or on small synthetic resources), and both committed
 * stacks pass every rule.
 */
import { strict as assert } from "node:assert";
import { evaluate, PlanResource } from "../policy/adapter";
import { rules } from "../policy/rules";
import { containers, mutate, planResources, synthetic } from "./policy-helpers";

const TD = "aws:ecs/taskDefinition:TaskDefinition";
const SVC = "aws:ecs/service:Service";
const LB = "aws:lb/loadBalancer:LoadBalancer";
const VPC = "aws:ec2/vpc:Vpc";
const FLOW_LOG = "aws:ec2/flowLog:FlowLog";
const DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup";
const ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const TOPIC = "aws:sns/topic:Topic";

type Graphs = Record<"dev" | "prod", PlanResource[]>;
interface Case { stack: "dev" | "prod"; fail: (g: PlanResource[]) => PlanResource[] }

const schedule = (target: Record<string, any>, expression = "rate(30 minutes)") => [synthetic("aws:scheduler/schedule:Schedule", "job", {
    scheduleExpression: expression,
    target: { arn: "arn:aws:ecs:us-east-1:123456789012:cluster/main", roleArn: "arn:aws:iam::123456789012:role/r", ...target },
})];
const goodTarget = {
    ecsParameters: { taskDefinitionArn: "td", networkConfiguration: { subnets: ["subnet-1"], securityGroups: ["sg-1"] } },
    deadLetterConfig: { arn: "arn:aws:sqs:us-east-1:123456789012:dlq" },
    retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 900 },
};

/** How to break each rule. Synthetic-graph rules are tested separately below. */
const CASES: Record<string, Case> = {
    "fargate-task-size": { stack: "dev", fail: (g) => mutate(g, TD, "web", (p) => { p.cpu = "256"; p.memory = "4096"; }) },
    "fargate-awsvpc": { stack: "dev", fail: (g) => mutate(g, TD, "web", (p) => { p.networkMode = "bridge"; }) },
    "awsvpc-host-port": { stack: "dev", fail: (g) => mutate(g, TD, "web", containers((c) => { c.portMappings[0].hostPort = 80; })) },
    "fargate-awslogs-options": { stack: "dev", fail: (g) => mutate(g, TD, "web", containers((c) => { delete c.logConfiguration.options["awslogs-stream-prefix"]; })) },
    "container-limits": { stack: "prod", fail: (g) => mutate(g, TD, "web", containers((c) => { c.stopTimeout = 300; })) },
    "target-health-check-ranges": { stack: "dev", fail: (g) => mutate(g, "aws:lb/targetGroup:TargetGroup", undefined, (p) => { p.healthCheck.interval = 400; }) },
    "service-target-group-ip": { stack: "prod", fail: (g) => mutate(g, "aws:lb/targetGroup:TargetGroup", undefined, (p) => { p.targetType = "instance"; }) },
    "alb-two-azs": { stack: "dev", fail: (g) => mutate(g, LB, undefined, (p) => { p.subnets = p.subnets.slice(0, 1); }) },
    "https-listener-certificate": { stack: "prod", fail: (g) => mutate(g, "aws:lb/listener:Listener", "lb-https", (p) => { delete p.certificateArn; }) },
    "elb-name-length": { stack: "dev", fail: (g) => mutate(g, "aws:lb/targetGroup:TargetGroup", undefined, (p) => { p.name = "t".repeat(33); }) },
    "iam-role-name-length": { stack: "dev", fail: (g) => mutate(g, "aws:iam/role:Role", "web-exec", (p) => { p.name = "r".repeat(65); }) },
    "log-retention-value": { stack: "dev", fail: (g) => mutate(g, "aws:cloudwatch/logGroup:LogGroup", "web-logs", (p) => { p.retentionInDays = 8; }) },
    "ecs-traffic-shifting": { stack: "prod", fail: (g) => mutate(g, "aws:lb/listenerRule:ListenerRule", "web-route", (p) => { p.actions = [{ type: "forward", targetGroupArn: p.actions[0].forward.targetGroups[0].arn }]; }) },
    "service-capacity-provider-associated": { stack: "dev", fail: (g) => mutate(g, "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", undefined, (p) => { p.capacityProviders = ["FARGATE"]; }) },
    "service-deployment-percents": { stack: "prod", fail: (g) => mutate(g, SVC, "web", (p) => { p.deploymentMaximumPercent = 100; }) },
    "ecs-no-public-ip": { stack: "prod", fail: (g) => mutate(g, SVC, "web", (p) => { p.networkConfiguration.assignPublicIp = true; }) },
    "ecs-no-host-pid": { stack: "dev", fail: (g) => mutate(g, TD, "web", (p) => { p.pidMode = "host"; }) },
    "ecs-non-privileged-non-root": { stack: "prod", fail: (g) => mutate(g, TD, "web", containers((c) => { c.user = "0"; })) },
    "ecs-readonly-root-filesystem": { stack: "prod", fail: (g) => mutate(g, TD, "web", containers((c) => { c.readonlyRootFilesystem = false; })) },
    "ecs-no-env-secrets": { stack: "dev", fail: (g) => mutate(g, TD, "web", containers((c) => { c.environment.push({ name: "AWS_SECRET_ACCESS_KEY", value: "x" }); })) },
    "ecs-logging": { stack: "dev", fail: (g) => mutate(g, TD, "web", containers((c) => { delete c.logConfiguration; })) },
    "ecs-latest-platform": { stack: "dev", fail: (g) => mutate(g, SVC, "web", (p) => { p.platformVersion = "1.3.0"; }) },
    "ecs-container-insights": { stack: "dev", fail: (g) => mutate(g, "aws:ecs/cluster:Cluster", undefined, (p) => { p.settings = [{ name: "containerInsights", value: "disabled" }]; }) },
    "alb-hardening": { stack: "dev", fail: (g) => mutate(g, LB, undefined, (p) => { p.dropInvalidHeaderFields = false; }) },
    "alb-production-protection": { stack: "prod", fail: (g) => mutate(g, LB, undefined, (p) => { p.enableDeletionProtection = false; }) },
    "alb-https-only": { stack: "prod", fail: (g) => mutate(g, "aws:lb/listener:Listener", "lb-http", (p) => { p.defaultActions = [{ type: "forward", targetGroupArn: "tg" }]; }) },
    "alb-tls-policy": { stack: "prod", fail: (g) => mutate(g, "aws:lb/listener:Listener", "lb-https", (p) => { p.sslPolicy = "ELBSecurityPolicy-2016-08"; }) },
    "ecr-repository-hardening": { stack: "dev", fail: (g) => mutate(g, "aws:ecr/repository:Repository", undefined, (p) => { p.imageTagMutability = "MUTABLE"; }) },
    "ecr-lifecycle-policy": { stack: "dev", fail: (g) => g.filter((r) => r.type !== "aws:ecr/lifecyclePolicy:LifecyclePolicy") },
    "log-group-retention": { stack: "prod", fail: (g) => mutate(g, "aws:cloudwatch/logGroup:LogGroup", "web-logs", (p) => { p.retentionInDays = 30; }) },
    "sg-unrestricted-ingress": { stack: "dev", fail: (g) => mutate(g, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "web-task-from-alb", (p) => { delete p.referencedSecurityGroupId; p.cidrIpv4 = "0.0.0.0/0"; }) },
    "iam-least-privilege": { stack: "prod", fail: (g) => mutate(g, "aws:iam/rolePolicy:RolePolicy", "web-exec", (p) => {
        const doc = JSON.parse(p.policy);
        doc.Statement.push({ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: "*" });
        p.policy = JSON.stringify(doc);
    }) },
    "s3-bucket-private-tls": { stack: "prod", fail: (g) => g.filter((r) => r.type !== "aws:s3/bucketPolicy:BucketPolicy") },
    "ecs-circuit-breaker": { stack: "dev", fail: (g) => mutate(g, SVC, "web", (p) => { p.deploymentCircuitBreaker = { enable: true, rollback: false }; }) },
    "ecs-full-capacity-deploys": { stack: "dev", fail: (g) => mutate(g, SVC, "web", (p) => { p.deploymentMinimumHealthyPercent = 50; }) },
    "production-spread": { stack: "prod", fail: (g) => mutate(g, SVC, "web", (p) => { p.desiredCount = 1; }) },
    "service-health-checks": { stack: "dev", fail: (g) => mutate(g, TD, "web", containers((c) => { delete c.healthCheck; })) },
    "production-repository-kept": { stack: "prod", fail: (g) => mutate(g, "aws:ecr/repository:Repository", undefined, (p) => { p.forceDelete = true; }) },
    "vpc-flow-logs": { stack: "dev", fail: (g) => g.filter((r) => r.type !== FLOW_LOG) },
    "vpc-default-sg-closed": { stack: "prod", fail: (g) => mutate(g, DEFAULT_SG, undefined, (p) => { p.egress = [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }]; }) },
    "flow-log-delivery": { stack: "dev", fail: (g) => mutate(g, FLOW_LOG, undefined, (p) => { delete p.iamRoleArn; }) },
    "alarm-limits": { stack: "dev", fail: (g) => mutate(g, ALARM, "web-cpu-high", (p) => { p.period = 45; }) },
    "alerts-deliverable": { stack: "prod", fail: (g) => mutate(g, TOPIC, undefined, (p) => { p.kmsMasterKeyId = "alias/aws/sns"; }) },
    "ecs-deployment-alarms-exist": { stack: "prod", fail: (g) => mutate(g, SVC, "web", (p) => { p.alarms.alarmNames = ["webapp-prod-web-gone"]; }) },
    "production-alerting": { stack: "prod", fail: (g) => g.filter((r) => r.type !== "aws:sns/topicSubscription:TopicSubscription") },
    "job-failures-notified": { stack: "dev", fail: (g) => g.filter((r) => r.type !== "aws:cloudwatch/eventTarget:EventTarget") },
    "sns-encrypted": { stack: "dev", fail: (g) => mutate(g, TOPIC, undefined, (p) => { delete p.kmsMasterKeyId; }) },
    "kms-key-rotation": { stack: "dev", fail: (g) => mutate(g, "aws:kms/key:Key", undefined, (p) => { p.enableKeyRotation = false; }) },
    "vpc-endpoint-placement": { stack: "prod", fail: (g) => [
        ...mutate(g, ENDPOINT, "net-s3", (p) => { p.routeTableIds = [...p.routeTableIds, "rtb-elsewhere-id"]; }),
        synthetic("aws:ec2/routeTable:RouteTable", "rtb-elsewhere", { vpcId: "vpc-another" }),
    ] },
};

/** Rules on resource types the web stacks need not contain: pass and fail on synthetic graphs. */
const SYNTHETIC: Record<string, { pass: PlanResource[]; fail: PlanResource[] }> = {
    "schedule-ecs-target": {
        pass: schedule(goodTarget),
        fail: [...schedule(goodTarget, "every 5 minutes"), ...schedule({ ecsParameters: { taskDefinitionArn: "td" } })],
    },
    "schedule-failures-kept": { pass: schedule(goodTarget), fail: schedule({ ecsParameters: goodTarget.ecsParameters }) },
    "sqs-encrypted": {
        pass: [synthetic("aws:sqs/queue:Queue", "dlq", { sqsManagedSseEnabled: true })],
        fail: [synthetic("aws:sqs/queue:Queue", "dlq", { sqsManagedSseEnabled: false })],
    },
};

const violationsOf = async (rule: string, graph: PlanResource[]) => (await evaluate(graph, rules.filter((r) => r.name === rule))).findings;

describe("policy rules (offline, through the adapter)", () => {
    const graphs = {} as Graphs;
    before(async () => { graphs.dev = await planResources("dev"); graphs.prod = await planResources("prod"); });

    it("every rule has a passing and a failing case", () => {
        const covered = new Set([...Object.keys(CASES), ...Object.keys(SYNTHETIC)]);
        assert.deepEqual(rules.map((r) => r.name).filter((n) => !covered.has(n)), []);
        assert.deepEqual([...covered].filter((n) => !rules.some((r) => r.name === n)), []);
    });

    for (const stack of ["dev", "prod"] as const) {
        it(`the committed ${stack} stack passes every rule`, async () => {
            const { findings, outcomes } = await evaluate(graphs[stack]);
            assert.deepEqual(findings, []);
            assert.equal(outcomes.length, rules.length);
            // Every rule applies, except where the stack has nothing of its kind: dev makes no VPC endpoint
            // and runs no production service, and releases every service rolling.
            const skipped = outcomes.filter((o) => o.notApplicable !== undefined).map((o) => [o.rule, o.notApplicable]);
            assert.deepEqual(skipped.sort(), stack === "dev"
                ? [["ecs-traffic-shifting", "no service releases blue/green, canary or linear"], ["production-alerting", "no production service in this stack"], ["vpc-endpoint-placement", "the stack creates no VPC endpoint"]]
                : []);
        });
    }

    for (const [name, c] of Object.entries(CASES)) {
        it(`${name}: passes on committed ${c.stack}, fails when broken`, async () => {
            assert.deepEqual(await violationsOf(name, graphs[c.stack]), []);
            const found = await violationsOf(name, c.fail(graphs[c.stack]));
            assert.ok(found.length > 0, `${name} found nothing in the broken graph`);
            assert.ok(found.every((f) => f.rule === name && f.source.length > 0 && f.message.length > 0));
        });
    }

    for (const [name, c] of Object.entries(SYNTHETIC)) {
        it(`${name}: passes and fails on synthetic resources`, async () => {
            assert.deepEqual(await violationsOf(name, c.pass), []);
            assert.ok((await violationsOf(name, c.fail)).length > 0);
        });
    }

    it("dev's public task IPs are an exception only while nothing but the load balancer can reach the tasks", async () => {
        const open = mutate(graphs.dev, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "web-task-from-alb", (p) => { delete p.referencedSecurityGroupId; p.cidrIpv4 = "10.0.0.0/8"; });
        assert.match((await violationsOf("ecs-no-public-ip", open))[0].message, /admits a CIDR range/);
        const withNat = [...graphs.dev, synthetic("aws:ec2/natGateway:NatGateway", "nat", {})];
        assert.match((await violationsOf("ecs-no-public-ip", withNat))[0].message, /NAT gateway/);
    });

    it("dev's writable root filesystem is an exception only for a task that runs under ECS Exec", async () => {
        const noExec = mutate(graphs.dev, SVC, "web", (p) => { p.enableExecuteCommand = false; });
        assert.match((await violationsOf("ecs-readonly-root-filesystem", noExec))[0].message, /writable root filesystem/);
    });

    it("root and a writable root are accepted only as named exceptions (a reason tag) or a capability-less setup container", async () => {
        const evaluateRule = async (rule: string, g: PlanResource[]) => evaluate(g, rules.filter((r) => r.name === rule));
        const tagged = (rule: string, reason: string) => (p: Record<string, any>) => { p.tags = { ...p.tags, [`fargatekit:exception:${rule}`]: reason }; };
        const root = mutate(graphs.prod, TD, "web", (p) => { containers((c) => { c.user = "0"; })(p); tagged("ecs-non-privileged-non-root", "vendor image binds port 80")(p); });
        const rootEval = await evaluateRule("ecs-non-privileged-non-root", root);
        assert.deepEqual(rootEval.findings, []);
        assert.deepEqual(rootEval.exceptions.map((x) => [x.urn?.split("::").pop(), x.reason]), [["web", 'container "app" runs as root (user "0"): vendor image binds port 80']]);
        // The reason never covers a privileged container, nor a different rule's relaxation.
        const privileged = mutate(root, TD, "web", containers((c) => { c.privileged = true; }));
        assert.match((await evaluateRule("ecs-non-privileged-non-root", privileged)).findings[0].message, /is privileged/);
        const writable = mutate(graphs.prod, TD, "web", (p) => { containers((c) => { c.readonlyRootFilesystem = false; })(p); tagged("ecs-non-privileged-non-root", "wrong rule")(p); });
        assert.equal((await evaluateRule("ecs-readonly-root-filesystem", writable)).findings.length, 1);
        const named = mutate(writable, TD, "web", tagged("ecs-readonly-root-filesystem", "the image rewrites its config at start"));
        const namedEval = await evaluateRule("ecs-readonly-root-filesystem", named);
        assert.deepEqual([namedEval.findings.length, namedEval.exceptions.length, namedEval.outcomes[0].exceptions], [0, 1, 1]);
        assert.match(namedEval.exceptions[0].reason, /the image rewrites its config at start$/);

        // A setup container: root, not essential, every capability dropped, read-only, the app waits for it.
        const setup = { name: "writable-paths", image: "busybox", essential: false, user: "0", readonlyRootFilesystem: true, command: ["chmod", "1777", "/tmp"], linuxParameters: { capabilities: { drop: ["ALL"] } }, logConfiguration: { logDriver: "awslogs" } };
        const withSetup = (edit: (s: Record<string, any>, app: Record<string, any>) => void) => mutate(graphs.prod, TD, "web", (p) => {
            const list = JSON.parse(p.containerDefinitions);
            const extra = structuredClone(setup);
            list[0].dependsOn = [{ containerName: "writable-paths", condition: "SUCCESS" }];
            edit(extra, list[0]);
            p.containerDefinitions = JSON.stringify([...list, extra]);
        });
        const ok = await evaluateRule("ecs-non-privileged-non-root", withSetup(() => undefined));
        assert.deepEqual([ok.findings, ok.exceptions.length], [[], 1]);
        assert.match(ok.exceptions[0].reason, /only to open the writable volumes/);
        for (const [what, edit] of [
            ["keeps its capabilities", (x: Record<string, any>) => { delete x.linuxParameters; }],
            ["is essential", (x: Record<string, any>) => { x.essential = true; }],
            ["serves a port", (x: Record<string, any>) => { x.portMappings = [{ containerPort: 80 }]; }],
            ["is not waited for", (_x: Record<string, any>, app: Record<string, any>) => { delete app.dependsOn; }],
        ] as const) {
            const found = (await evaluateRule("ecs-non-privileged-non-root", withSetup(edit))).findings;
            assert.ok(found.some((f) => /"writable-paths" runs as root/.test(f.message)), `a root container that ${what} is a violation`);
        }
    });

    it("a stack that creates no VPC: the network rules report not applicable with the reason, never a pass", async () => {
        const adopted = graphs.dev.filter((r) => ![VPC, FLOW_LOG, DEFAULT_SG].includes(r.type));
        const { findings, outcomes } = await evaluate(adopted, rules.filter((r) => ["vpc-flow-logs", "vpc-default-sg-closed", "flow-log-delivery"].includes(r.name)));
        assert.deepEqual(findings, []);
        assert.deepEqual(outcomes.map((o) => [o.rule, o.notApplicable]), [
            ["vpc-flow-logs", "the stack creates no VPC (an adopted VPC's flow logs and default security group are its owner's)"],
            ["vpc-default-sg-closed", "the stack creates no VPC (an adopted VPC's flow logs and default security group are its owner's)"],
            ["flow-log-delivery", "no resource of type aws:ec2/flowLog:FlowLog in this stack"],
        ]);
    });

    it("EC2.6: a flow log of accepted traffic only does not count; EC2.2: an unmanaged default group, or a rule added to it, does not pass", async () => {
        const acceptOnly = mutate(graphs.prod, FLOW_LOG, undefined, (p) => { p.trafficType = "ACCEPT"; });
        assert.match((await violationsOf("vpc-flow-logs", acceptOnly))[0].message, /record only ACCEPT traffic/);
        const otherVpc = mutate(graphs.prod, FLOW_LOG, undefined, (p) => { p.vpcId = "vpc-another"; });
        assert.match((await violationsOf("vpc-flow-logs", otherVpc))[0].message, /VPC "net-vpc" has no flow log/);
        const unmanaged = graphs.dev.filter((r) => r.type !== DEFAULT_SG);
        assert.match((await violationsOf("vpc-default-sg-closed", unmanaged))[0].message, /not managed, so it keeps AWS's rules/);
        const sgId = graphs.dev.find((r) => r.type === DEFAULT_SG)!.outputs.id;
        const added = [...graphs.dev, synthetic("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "sneaky", { securityGroupId: sgId, ipProtocol: "-1", cidrIpv4: "10.0.0.0/8" })];
        assert.match((await violationsOf("vpc-default-sg-closed", added))[0].message, /"sneaky" adds a rule to the default security group/);
    });

    it("interface endpoints: two subnets in one AZ, or private DNS in a VPC without DNS hostnames, are refused", async () => {
        const subnets = graphs.prod.filter((r) => r.type === "aws:ec2/subnet:Subnet" && r.inputs.tags.tier === "private");
        const vpcId = graphs.prod.find((r) => r.type === VPC)!.outputs.id;
        const endpoint = (ids: string[]) => synthetic(ENDPOINT, "ecr-api", { vpcId, vpcEndpointType: "Interface", privateDnsEnabled: true, subnetIds: ids, serviceName: "com.amazonaws.us-east-1.ecr.api" });
        assert.deepEqual(await violationsOf("vpc-endpoint-placement", [...graphs.prod, endpoint(subnets.map((x) => x.outputs.id))]), []);
        const sameAz = [...mutate(graphs.prod, "aws:ec2/subnet:Subnet", subnets[1].name, (p) => { p.availabilityZone = subnets[0].inputs.availabilityZone; }), endpoint(subnets.map((x) => x.outputs.id))];
        assert.match((await violationsOf("vpc-endpoint-placement", sameAz))[0].message, /two subnets in one Availability Zone/);
        const noDns = [...mutate(graphs.prod, VPC, undefined, (p) => { p.enableDnsHostnames = false; }), endpoint([subnets[0].outputs.id])];
        assert.match((await violationsOf("vpc-endpoint-placement", noDns))[0].message, /private DNS but VPC "net-vpc" does not have DNS support and DNS hostnames on/);
    });

    it("alerts: a topic policy or key policy that leaves the publisher out, or a production service that does not roll back, is reported", async () => {
        const otherAlarms = mutate(graphs.prod, "aws:sns/topicPolicy:TopicPolicy", undefined, (p) => {
            const doc = JSON.parse(p.policy);
            doc.Statement[0].Condition.ArnLike["aws:SourceArn"] = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:another-stack-*";
            p.policy = JSON.stringify(doc);
        });
        assert.match((await violationsOf("alerts-deliverable", otherAlarms))[0].message, /policy does not let cloudwatch\.amazonaws\.com publish/);
        const noEvents = mutate(graphs.prod, "aws:kms/key:Key", undefined, (p) => {
            const doc = JSON.parse(p.policy);
            doc.Statement = doc.Statement.filter((st: any) => st.Principal?.Service !== "events.amazonaws.com");
            p.policy = JSON.stringify(doc);
        });
        assert.match((await violationsOf("alerts-deliverable", noEvents))[0].message, /rule "job-cleanup-failed": .*key "alerts-key" does not let events\.amazonaws\.com use/);
        const noRollback = mutate(graphs.prod, SVC, "web", (p) => { p.alarms.rollback = false; });
        assert.match((await violationsOf("production-alerting", noRollback))[0].message, /service "web": load-balanced, but no deployment alarms that roll back/);
        const unwatched = graphs.prod.filter((r) => !(r.type === ALARM && r.parentUrn?.endsWith("fargatekit:index:Service::api")));
        assert.match((await violationsOf("production-alerting", unwatched))[0].message, /service "api": no alarm watching it notifies/);
    });

    it("an HTTP listener that forwards is accepted outside production, and prod's redirect-only listener passes", async () => {
        assert.deepEqual(await violationsOf("alb-https-only", graphs.dev), []);
        const http = graphs.prod.find((r) => r.name === "lb-http")!;
        assert.equal(http.inputs.defaultActions[0].type, "redirect");
    });
});
