/** The offline plan: the adapter's arguments, snapshot determinism, the diff, cost and rollout arithmetic. */
import { strict as assert } from "node:assert";
import type { ResourceValidationArgs } from "@pulumi/policy";
import { blocks, evaluate } from "../policy/adapter";
import { withSecretPlaceholders, planFromResources } from "../policy/plan/cli";
import { estimateCost, monthlyInvocations, splitTasks } from "../policy/plan/cost";
import { estimateRollouts } from "../policy/plan/rollout";
import { renderPlan } from "../policy/plan/render";
import { diffSnapshots, stableStringify } from "../policy/plan/snapshot";
import { resourceRule, RuleCategory, stackRule } from "../policy/rules/util";
import { containers, mutate, planResources, synthetic } from "./policy-helpers";

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 0.005, `${a} ≠ ${b}`);

describe("offline plan", () => {
    it("the adapter passes validateResource the inputs, URN, name and options; validateStack the outputs with parents", async () => {
        const dev = await planResources("dev");
        const seen: ResourceValidationArgs[] = [];
        let stackSaw: { urn: string; props: Record<string, any>; parent?: string }[] = [];
        const probe = resourceRule({ name: "probe", description: "d", category: RuleCategory.Aws, source: "s", types: ["aws:ecs/taskDefinition:TaskDefinition"] }, (_p, a, report) => { seen.push(a); report("seen"); });
        const stackProbe = stackRule({ name: "stack-probe", description: "d", category: RuleCategory.Reliability, source: "s" }, (g, _a, report) => {
            stackSaw = g.resources.map((r) => ({ urn: r.urn, props: r.props, parent: r.parent?.urn }));
            report("whole stack");
        });
        const { findings, outcomes } = await evaluate(dev, [probe, stackProbe]);
        const web = seen.find((a) => a.name === "web")!;
        assert.equal(web.urn, "urn:pulumi:dev::webapp::fargatekit:index:Environment$fargatekit:index:Service$fargatekit:index:FargateTaskDefinition$aws:ecs/taskDefinition:TaskDefinition::web");
        assert.equal(web.opts.parent, "urn:pulumi:dev::webapp::fargatekit:index:Environment$fargatekit:index:Service$fargatekit:index:FargateTaskDefinition::web");
        assert.equal(web.props.cpu, "512");
        assert.equal(web.props.arn, undefined, "resource rules see inputs, not outputs");
        const service = stackSaw.find((r) => r.urn.endsWith("aws:ecs/service:Service::web"))!;
        assert.match(service.props.name, /^web-/, "stack rules see outputs");
        assert.equal(service.parent, "urn:pulumi:dev::webapp::fargatekit:index:Environment$fargatekit:index:Service::web");
        assert.deepEqual(outcomes.map((o) => [o.rule, o.checked, o.violations]), [["probe", seen.length, seen.length], ["stack-probe", -1, 1]]);
        assert.ok(findings.some((f) => f.rule === "probe" && f.urn === web.urn && f.message === "seen"));
        assert.equal(findings.find((f) => f.rule === "stack-probe")!.urn, undefined);
        assert.equal(blocks({ findings: findings.filter((f) => f.rule === "stack-probe"), outcomes }), false, "advisory findings never block");
        assert.equal(blocks({ findings, outcomes }), true, "a mandatory finding blocks");
    });

    it("a broken graph blocks the plan (what makes `npm run plan` exit 1)", async () => {
        const broken = mutate(await planResources("dev"), "aws:ecs/taskDefinition:TaskDefinition", "web", (p) => { p.cpu = "300"; });
        assert.equal((await planFromResources(broken, "dev", "webapp")).blocked, true);
        assert.equal((await planFromResources(await planResources("dev"), "dev", "webapp")).blocked, false);
    });

    it("the snapshot is deterministic: same graph, same bytes, whatever the resource order", async () => {
        const dev = await planResources("dev");
        const a = stableStringify((await planFromResources(dev, "dev", "webapp")).snapshot);
        const b = stableStringify((await planFromResources([...structuredClone(dev)].reverse(), "dev", "webapp")).snapshot);
        assert.equal(a, b);
        assert.doesNotMatch(a, /20\d\d-\d\d-\d\dT/, "no timestamps");
        assert.ok(a.endsWith("}\n"));
    });

    it("the diff names added, removed and changed resources with the changed properties and the cost change", async () => {
        const dev = await planResources("dev");
        const before = (await planFromResources(dev, "dev", "webapp")).snapshot;
        const bigger = mutate(dev, "aws:ecs/taskDefinition:TaskDefinition", "web", (p) => { p.cpu = "1024"; p.memory = "2048"; });
        const after = (await planFromResources([...bigger.filter((r) => r.name !== "app-lifecycle"), synthetic("aws:sqs/queue:Queue", "extra", { sqsManagedSseEnabled: true })], "dev", "webapp")).snapshot;
        const text = diffSnapshots(before, after);
        assert.match(text, /^~ web {2}\(aws:ecs\/taskDefinition:TaskDefinition\)\n {4}inputs\.cpu: "512" → "1024"\n {4}inputs\.memory: "1024" → "2048"$/m);
        assert.match(text, /^- app-lifecycle {2}\(aws:ecr\/lifecyclePolicy:LifecyclePolicy\)$/m);
        assert.match(text, /^\+ extra {2}\(aws:sqs\/queue:Queue\)$/m);
        assert.match(text, /^Monthly cost: \$\d+\.\d\d → \$\d+\.\d\d \(\+\$\d+\.\d\d\)$/m);
        assert.match(text, /^! new violation \[mandatory\] ecr-lifecycle-policy /m);
        assert.match(diffSnapshots(before, before), /no resource changes/);
    });

    it("cost arithmetic on a known graph: one on-demand task, an ALB in 2 AZs, a NAT gateway with its address", () => {
        const td = synthetic("aws:ecs/taskDefinition:TaskDefinition", "td", { cpu: "256", memory: "512", containerDefinitions: "[]" }, { arn: "td-arn" });
        const svc = synthetic("aws:ecs/service:Service", "svc", { taskDefinition: "td-arn", desiredCount: 1, capacityProviderStrategies: [{ capacityProvider: "FARGATE", weight: 1 }], networkConfiguration: { assignPublicIp: true } });
        const lb = synthetic("aws:lb/loadBalancer:LoadBalancer", "alb", { subnets: ["a", "b"] });
        const nat = synthetic("aws:ec2/natGateway:NatGateway", "nat", {});
        const eip = synthetic("aws:ec2/eip:Eip", "eip", {});
        const cost = estimateCost([td, svc, lb, nat, eip]);
        const line = (n: string) => cost.lines.find((l) => l.name === n)!.monthly;
        close(line("svc"), (0.25 * 0.04048 + 0.5 * 0.004445) * 730 + 0.005 * 730); // 9.01 compute + 3.65 public IPv4
        close(line("alb"), (0.0225 + 0.008 + 2 * 0.005) * 730); // 29.57
        close(line("nat"), 0.045 * 730 + 10 * 0.045); // 33.30
        close(line("eip"), 3.65);
        close(cost.total, 12.66 + 29.565 + 33.3 + 3.65);
        const spot = estimateCost([td, mutate([svc], svc.type, undefined, (p) => { p.capacityProviderStrategies = [{ capacityProvider: "FARGATE_SPOT", weight: 1 }]; p.networkConfiguration.assignPublicIp = false; })[0]]);
        close(spot.total, 9.010025 * 0.3);
        assert.deepEqual(splitTasks(3, [{ capacityProvider: "FARGATE", weight: 0, base: 1 }, { capacityProvider: "FARGATE_SPOT", weight: 1 }]), { FARGATE: 1, FARGATE_SPOT: 2 });
        assert.equal(monthlyInvocations("rate(30 minutes)"), 1460);
        close(monthlyInvocations("cron(0 3 * * ? *)"), 30.42);
        close(monthlyInvocations("cron(0/15 9-17 ? * MON-FRI *)"), 4 * 9 * 5 * 30.42 / 7);
    });

    it("dev costs less than prod, and jobs cost something", async () => {
        const [dev, prod] = await Promise.all([planResources("dev"), planResources("prod")]);
        assert.ok(estimateCost(dev).total < estimateCost(prod).total);
        const job = estimateCost([
            synthetic("aws:ecs/taskDefinition:TaskDefinition", "td", { cpu: "256", memory: "512" }, { arn: "td-arn" }),
            synthetic("aws:scheduler/schedule:Schedule", "job", { scheduleExpression: "rate(1 hour)", target: { ecsParameters: { taskDefinitionArn: "td-arn", capacityProviderStrategies: [{ capacityProvider: "FARGATE", weight: 1 }] } } }),
        ]);
        close(job.total, 730 / 1e6 + 730 * (2 / 60) * (0.25 * 0.04048 + 0.5 * 0.004445));
    });

    it("a rule that does not apply is reported as not applicable with its reason, in the outcome, the text and the diff", async () => {
        const dev = await planResources("dev");
        const services = resourceRule({ name: "on-services", description: "d", category: RuleCategory.Aws, source: "s", types: ["aws:ecs/service:Service"] }, (p, a) => {
            if (p.enableExecuteCommand !== true) a.notApplicable("only services with ECS Exec");
        });
        const queues = resourceRule({ name: "on-databases", description: "d", category: RuleCategory.Aws, source: "s", types: ["aws:rds/instance:Instance"] }, () => undefined);
        const whole = stackRule({ name: "whole", description: "d", category: RuleCategory.Security, source: "s" }, (_g, a) => a.notApplicable("nothing to see"));
        const { outcomes } = await evaluate(dev, [services, queues, whole]);
        assert.deepEqual(outcomes.map((o) => [o.rule, o.checked, o.violations, o.notApplicable]), [
            // dev's web runs ECS Exec: the rule applied to it and passed; api and worker do not, and are not counted
            ["on-services", 1, 0, undefined],
            ["on-databases", 0, 0, "no resource of type aws:rds/instance:Instance in this stack"],
            ["whole", -1, 0, "nothing to see"],
        ]);
        const noExec = mutate(dev, "aws:ecs/service:Service", "web", (p) => { p.enableExecuteCommand = false; });
        assert.equal((await evaluate(noExec, [services])).outcomes[0].notApplicable, "only services with ECS Exec", "every resource it looked at was not applicable");

        const before = (await planFromResources(dev, "dev", "webapp")).snapshot;
        const text = renderPlan(before, dev);
        // dev: no VPC endpoint, no production service to alert on, and every service rolls.
        assert.match(text, /^== Checks: \d+ rules, 0 violation\(s\), 1 accepted exception\(s\), 3 not applicable$/m);
        assert.match(text, /^– production-alerting \[reliability\] not applicable: no production service in this stack — /m);
        assert.match(text, /^– ecs-traffic-shifting \[aws\] not applicable: no service releases blue\/green, canary or linear — /m);
        assert.match(text, /^– vpc-endpoint-placement \[aws\] not applicable: the stack creates no VPC endpoint — /m);
        assert.doesNotMatch(text, /^✓ vpc-endpoint-placement/m, "never listed as passed");
        const adopted = dev.filter((r) => !["aws:ec2/vpc:Vpc", "aws:ec2/flowLog:FlowLog", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"].includes(r.type));
        const diff = diffSnapshots(before, (await planFromResources(adopted, "dev", "webapp")).snapshot);
        assert.match(diff, /^– no longer applies: vpc-flow-logs \(the stack creates no VPC/m);
        assert.match(diff, /^– no longer applies: flow-log-delivery \(no resource of type aws:ec2\/flowLog:FlowLog in this stack\)$/m);
    });

    it("a deliberate exception is neither a pass nor a violation: listed with its reason in the outcome, the snapshot, the text and the diff", async () => {
        const dev = await planResources("dev");
        const before = (await planFromResources(dev, "dev", "webapp")).snapshot;
        // dev's web runs ECS Exec, whose agent needs a writable root: the rule's own exception, named.
        assert.deepEqual(before.checks.exceptions.map((x) => [x.rule, x.urn?.split("::").pop()]), [["ecs-readonly-root-filesystem", "web"]]);
        assert.match(before.checks.exceptions[0].reason, /ECS Exec's agent writes there/);
        assert.equal(before.checks.rules.find((r) => r.rule === "ecs-readonly-root-filesystem")!.exceptions, 1);
        const text = renderPlan(before, dev);
        assert.match(text, /^! accepted exception ecs-readonly-root-filesystem \[security\] — web: task definition "web": container\(s\) "app" have a writable root filesystem: ECS Exec's agent writes there \(outside production only\) {2}\(Security Hub ECS\.5/m);
        assert.match(text, /^✓ ecs-readonly-root-filesystem \[security\] whole stack, 1 accepted exception\(s\) listed above — /m);

        // A container made root with a reason (the tag runAsRoot sets) is accepted, and the diff says so.
        const root = mutate(dev, "aws:ecs/taskDefinition:TaskDefinition", "api", (p) => {
            p.tags = { ...p.tags, "fargatekit:exception:ecs-non-privileged-non-root": "the vendor image binds port 80 as root" };
            containers((c) => { c.user = "0"; })(p);
        });
        const after = await planFromResources(root, "dev", "webapp");
        assert.equal(after.blocked, false);
        assert.deepEqual(after.snapshot.checks.violations, []);
        assert.match(renderPlan(after.snapshot, root), /^! accepted exception ecs-non-privileged-non-root \[security\] — api: container "app" runs as root \(user "0"\): the vendor image binds port 80 as root/m);
        assert.match(diffSnapshots(before, after.snapshot), /^! new accepted exception ecs-non-privileged-non-root urn:\S+::api: container "app" runs as root/m);
        // The same container without the reason is a violation, and blocks.
        const bare = mutate(dev, "aws:ecs/taskDefinition:TaskDefinition", "api", containers((c) => { c.user = "0"; }));
        assert.equal((await planFromResources(bare, "dev", "webapp")).blocked, true);
    });

    it("cost of network hygiene: flow-log delivery and storage by destination, gateway endpoints free, interface endpoints per AZ, NAT bypassed by S3", () => {
        const vpc = synthetic("aws:ec2/vpc:Vpc", "vpc", {});
        const group = synthetic("aws:cloudwatch/logGroup:LogGroup", "flow", { retentionInDays: 365 }, { arn: "arn:aws:logs:us-east-1:123456789012:log-group:flow" });
        const toLogs = synthetic("aws:ec2/flowLog:FlowLog", "fl", { vpcId: "vpc-id", trafficType: "ALL", logDestinationType: "cloud-watch-logs", logDestination: group.outputs.arn });
        const bucket = synthetic("aws:s3/bucket:Bucket", "flow-bucket", {}, { arn: "arn:aws:s3:::flow-bucket" });
        const expiry = synthetic("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "flow-bucket", { bucket: "flow-bucket-id", rules: [{ expiration: { days: 90 } }] });
        const toS3 = synthetic("aws:ec2/flowLog:FlowLog", "fl-s3", { vpcId: "vpc-id", trafficType: "REJECT", logDestinationType: "s3", logDestination: bucket.outputs.arn });
        const cost = estimateCost([vpc, group, toLogs, bucket, expiry, toS3]);
        const line = (n: string) => cost.lines.find((l) => l.name === n)!.monthly;
        close(line("fl"), 5 * 0.5); // ALL: 5 GB delivered to CloudWatch Logs at $0.50
        close(line("flow"), (5 * 365 / 30) * 0.03); // a year of it stored: 60.8 GB × $0.03 = $1.83
        close(line("fl-s3"), 0.5 * 0.25); // REJECT: 0.5 GB delivered to S3 at $0.25
        close(line("flow-bucket"), (0.5 * 90 / 30) * 0.023); // 90 days kept: 1.5 GB × $0.023

        const rt = synthetic("aws:ec2/routeTable:RouteTable", "private", { routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: "nat-id" }] });
        const nat = synthetic("aws:ec2/natGateway:NatGateway", "nat", {});
        const s3 = synthetic("aws:ec2/vpcEndpoint:VpcEndpoint", "s3", { vpcEndpointType: "Gateway", serviceName: "com.amazonaws.us-east-1.s3", routeTableIds: ["private-id"] });
        const ecr = synthetic("aws:ec2/vpcEndpoint:VpcEndpoint", "ecr", { vpcEndpointType: "Interface", serviceName: "com.amazonaws.us-east-1.ecr.dkr", subnetIds: ["a", "b", "c"] });
        const net = estimateCost([rt, nat, s3, ecr]);
        const netLine = (n: string) => net.lines.find((l) => l.name === n)!.monthly;
        close(netLine("s3"), 0);
        close(netLine("ecr"), 3 * 0.01 * 730 + 1 * 0.01); // $21.90 per endpoint in 3 AZs + 1 GB
        close(netLine("nat"), 0.045 * 730 + (10 - 4.5) * 0.045); // image layers no longer through NAT
        close(estimateCost([rt, nat]).lines[0].monthly, 0.045 * 730 + 10 * 0.045);
    });

    it("cost of alerts: alarms per alarm metric (metric math counts each metric, high resolution triples), the dashboard, the key, topic deliveries", () => {
        const single = synthetic("aws:cloudwatch/metricAlarm:MetricAlarm", "cpu", { metricName: "CPUUtilization", period: 300, statistic: "Average" });
        const math = synthetic("aws:cloudwatch/metricAlarm:MetricAlarm", "rate", { metricQueries: [
            { id: "errors", returnData: false, metric: { metricName: "HTTPCode_Target_5XX_Count", period: 60, stat: "Sum" } },
            { id: "requests", returnData: false, metric: { metricName: "RequestCount", period: 60, stat: "Sum" } },
            { id: "rate", returnData: true, expression: "100 * errors / requests" },
        ] });
        const fast = synthetic("aws:cloudwatch/metricAlarm:MetricAlarm", "fast", { metricName: "Custom", period: 10, statistic: "Maximum" });
        const dashboard = synthetic("aws:cloudwatch/dashboard:Dashboard", "ops", { dashboardName: "ops", dashboardBody: "{\"widgets\":[]}" });
        const key = synthetic("aws:kms/key:Key", "key", { enableKeyRotation: true });
        const topic = synthetic("aws:sns/topic:Topic", "alerts", {}, { arn: "arn:aws:sns:us-east-1:123456789012:alerts" });
        const mail = synthetic("aws:sns/topicSubscription:TopicSubscription", "mail", { topic: topic.outputs.arn, protocol: "email", endpoint: "ops@example.com" });
        const hook = synthetic("aws:sns/topicSubscription:TopicSubscription", "hook", { topic: topic.outputs.arn, protocol: "https", endpoint: "https://hooks.example.com/x" });
        const rule = synthetic("aws:cloudwatch/eventRule:EventRule", "failed", { eventPattern: "{}" });
        const cost = estimateCost([single, math, fast, dashboard, key, topic, mail, hook, rule]);
        const line = (n: string) => cost.lines.find((l) => l.name === n)?.monthly;
        close(line("cpu")!, 0.10);
        close(line("rate")!, 2 * 0.10); // two metrics read, the expression is free
        close(line("fast")!, 0.30);
        close(line("ops")!, 3.00);
        close(line("key")!, 1.00 + 0.2 * 0.03); // 2,000 requests
        close(line("alerts")!, 200 / 1e6 * 0.5 + 200 / 1e5 * 2 + 200 / 1e6 * 0.6);
        assert.equal(line("failed"), undefined, "a rule on AWS service events costs nothing");
    });

    it("the rollout estimate follows its formula from the health-check and drain settings", async () => {
        const dev = await planResources("dev");
        const of = (resources: typeof dev, name: string) => estimateRollouts(resources).find((r) => r.service === name)!;
        const web = of(dev, "web");
        // 1 wave × (45 s start + 2 × 10 s checks) + 30 s deregistration + 30 s stopTimeout
        assert.equal(web.totalSeconds, 45 + 2 * 10 + 30 + 30);
        // No target group: healthy at the first passing container check (≤ one 10 s interval), no drain;
        // a task that never passes fails after startPeriod 10 s + 3 retries × 10 s.
        const worker = of(dev, "worker");
        assert.equal(worker.totalSeconds, 45 + 10 + 0 + 30);
        assert.equal(worker.failureDetectionSeconds, 3 * (45 + 10 + 3 * 10));
        assert.deepEqual(estimateRollouts(dev).map((r) => r.service).sort(), ["api", "web", "worker"], "every service has an estimate");
        const slow = mutate(mutate(dev, "aws:lb/targetGroup:TargetGroup", undefined, (p) => { p.deregistrationDelay = 300; p.healthCheck.interval = 30; }), "aws:ecs/taskDefinition:TaskDefinition", "web", containers((c) => { c.stopTimeout = 60; }));
        assert.equal(of(slow, "web").totalSeconds, 45 + 2 * 30 + 300 + 60);
        const four = mutate(dev, "aws:ecs/service:Service", "web", (p) => { p.desiredCount = 4; p.deploymentMaximumPercent = 150; });
        assert.equal(of(four, "web").waves, 2);
    });

    it("the rollout and rollback estimate of each strategy follows its formula", async () => {
        const prod = await planResources("prod");
        const of = (resources: typeof prod, name: string) => estimateRollouts(resources).find((r) => r.service === name)!;
        // prod's web is blue/green with a 5-minute bake: green at full size (45 s start + 2 × 10 s checks),
        // all traffic at once, 300 s bake, then blue drains 30 s and stops within 30 s.
        const web = of(prod, "web");
        assert.equal(web.strategy, "BLUE_GREEN");
        assert.equal(web.totalSeconds, 45 + 2 * 10 + 0 + 300 + 30 + 30);
        assert.equal(web.rollbackSeconds, 10, "during the bake a rollback moves the weights back");
        assert.equal(web.rollbackWindowSeconds, 300);
        // Green starts all 2 tasks at once: the circuit breaker's 3 failures take 2 rounds of 45 s + 30 s.
        assert.equal(web.failureDetectionSeconds, 2 * (45 + 30));
        const withRelease = (dc: Record<string, unknown>) => mutate(prod, "aws:ecs/service:Service", "web", (p) => { p.deploymentConfiguration = dc; });
        const canary = of(withRelease({ strategy: "CANARY", bakeTimeInMinutes: "5", canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: "15" } }), "web");
        assert.equal(canary.totalSeconds, 45 + 20 + 15 * 60 + 300 + 30 + 30);
        // 25 % steps: 4 steps, 3 step bakes of 3 minutes between them, none after the 100 % step.
        const linear = of(withRelease({ strategy: "LINEAR", bakeTimeInMinutes: "0", linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: "3" } }), "web");
        assert.equal(linear.totalSeconds, 45 + 20 + 3 * 3 * 60 + 0 + 30 + 30);
        assert.equal(linear.rollbackWindowSeconds, 0);
        // 33.3 % does not reach 100 % in 3 steps: 4 steps, 3 bakes.
        const thirds = of(withRelease({ strategy: "LINEAR", bakeTimeInMinutes: "5", linearConfiguration: { stepPercent: 33.3, stepBakeTimeInMinutes: "1" } }), "web");
        assert.equal(thirds.totalSeconds, 45 + 20 + 3 * 60 + 300 + 30 + 30);
        // Rolling: a rollback is the previous revision rolling out again.
        const api = of(prod, "api");
        assert.equal(api.strategy, "ROLLING");
        assert.equal(api.rollbackSeconds, api.totalSeconds);
        assert.equal(api.rollbackWindowSeconds, 0);
    });

    it("secure config values become placeholders", () => {
        assert.deepEqual(withSecretPlaceholders({ a: { secure: "v1:abc" }, b: [{ secure: "x" }, 1], c: "plain" }), { a: "secret-placeholder", b: ["secret-placeholder", 1], c: "plain" });
    });
});
