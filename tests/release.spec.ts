/**
 * Release strategies as AWS's rules over whole graphs: both committed stacks (dev rolling, prod's web
 * blue/green) and a dev stack whose web service turns on each traffic-shifting strategy in turn.
 * Sources, ECS developer guide: "Amazon ECS blue/green deployments", "... linear deployments", "...
 * canary deployments", "Application Load Balancer resources for blue/green, linear, and canary
 * deployments", "Amazon ECS infrastructure IAM role for load balancers", "Amazon ECS deployment
 * failure detection"; ECS API reference: DeploymentConfiguration, CanaryConfiguration,
 * LinearConfiguration, AdvancedConfiguration.
 */
import { strict as assert } from "node:assert";
import { blocks, evaluate, toPlanResources } from "../policy/adapter";
import { committedStack, Graph, ProgramRun, projectConfig, RecordedResource, runStack } from "./harness";

const T = {
    service: "aws:ecs/service:Service",
    tg: "aws:lb/targetGroup:TargetGroup",
    rule: "aws:lb/listenerRule:ListenerRule",
    listener: "aws:lb/listener:Listener",
    lb: "aws:lb/loadBalancer:LoadBalancer",
    role: "aws:iam/role:Role",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    policy: "aws:appautoscaling/policy:Policy",
    target: "aws:appautoscaling/target:Target",
};
const SHIFTING = ["BLUE_GREEN", "CANARY", "LINEAR"];
const MANAGED_POLICY = "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers";

/** The dev stack with web's entry patched (`webapp:services` is one list). */
function devWeb(patch: Record<string, unknown>): { services: Record<string, unknown>[] } {
    const services = projectConfig("dev").services as Record<string, unknown>[];
    return { services: services.map((s) => (s.name === "web" ? { ...s, ...patch } : s)) };
}

const strategyOf = (svc: RecordedResource): string => svc.inputs.deploymentConfiguration?.strategy ?? "ROLLING";
const inRange = (v: number, lo: number, hi: number) => v >= lo && v <= hi;
const isTenth = (v: number) => Math.abs(v * 10 - Math.round(v * 10)) < 1e-9;
/** The one forward action's weighted groups of a rule, as { arn: weight }. */
function weights(rule: RecordedResource): Record<string, number> {
    assert.equal(rule.inputs.actions.length, 1, `${rule.name}: one action (ECS refuses rules that mix forward with other actions)`);
    const [action] = rule.inputs.actions;
    assert.equal(action.type, "forward", `${rule.name}: a forward action`);
    return Object.fromEntries((action.forward?.targetGroups ?? []).map((t: any) => [t.arn, t.weight]));
}

/** Every release rule, over one graph. */
function assertReleaseRules(g: Graph): { shifting: number } {
    const lb = g.ofType(T.lb)[0];
    const listeners = g.ofType(T.listener);
    let shifting = 0;
    for (const svc of g.ofType(T.service)) {
        const strategy = strategyOf(svc);
        // The circuit breaker and the 100/200 envelope hold for every strategy (failure detection
        // applies to rolling and blue/green deployments).
        assert.deepEqual(svc.inputs.deploymentCircuitBreaker, { enable: true, rollback: true }, svc.name);
        assert.equal(svc.inputs.deploymentMinimumHealthyPercent, 100, svc.name);
        assert.equal(svc.inputs.deploymentMaximumPercent, 200, svc.name);
        if (strategy === "ROLLING") {
            for (const ref of svc.inputs.loadBalancers) assert.equal(ref.advancedConfiguration, undefined, `${svc.name}: rolling has no alternate group`);
            assert.ok(!svc.ignoreChanges.includes("loadBalancers"), `${svc.name}: rolling keeps loadBalancers managed`);
            continue;
        }
        shifting++;
        assert.ok(SHIFTING.includes(strategy), `${svc.name}: strategy ${strategy}`);
        // Traffic shifting goes through a load balancer: only a public service has one here.
        assert.equal(svc.inputs.loadBalancers.length, 1, `${svc.name}: a ${strategy} service sits behind the load balancer`);
        const ref = svc.inputs.loadBalancers[0];
        const adv = ref.advancedConfiguration;
        assert.ok(adv, `${svc.name}: advancedConfiguration (required with ${strategy})`);

        // Two distinct target groups of the graph, configured alike.
        const primary = g.byRef(ref.targetGroupArn)!;
        const alternate = g.byRef(adv.alternateTargetGroupArn)!;
        assert.ok(primary && alternate && primary !== alternate, `${svc.name}: two target groups`);
        for (const key of ["vpcId", "port", "protocol", "protocolVersion", "targetType", "healthCheck", "deregistrationDelay"]) {
            assert.deepEqual(alternate.inputs[key], primary.inputs[key], `${svc.name}: both groups have the same ${key}`);
        }
        assert.equal(primary.inputs.targetType, "ip");
        assert.equal(primary.inputs.port, ref.containerPort);

        // The production rule: on the load balancer's production listener, forwarding to exactly the two
        // groups, 100 to the one ECS starts from and 0 to the alternate.
        const prod = g.byRef(adv.productionListenerRule)!;
        assert.equal(prod?.type, T.rule, `${svc.name}: productionListenerRule is a listener rule of the graph`);
        const prodListener = g.byRef(prod.inputs.listenerArn)!;
        assert.ok([80, 443].includes(prodListener.inputs.port) && g.byRef(prodListener.inputs.loadBalancerArn) === lb, `${svc.name}: production rule on the production listener`);
        assert.ok(!listeners.some((l) => l.inputs.loadBalancerArn === lb.state.arn && l.inputs.port === 443) || prodListener.inputs.port === 443, `${svc.name}: on HTTPS when HTTPS is on`);
        assert.deepEqual(weights(prod), { [primary.state.arn]: 100, [alternate.state.arn]: 0 }, `${svc.name}: both groups on the production rule, weights 100/0`);
        // ECS rewrites the weights at each deployment; Pulumi must not put them back, nor send back the
        // swapped target groups of the service.
        assert.ok(prod.ignoreChanges.includes("actions"), `${svc.name}: the production rule ignores changes to its actions`);
        assert.ok(svc.ignoreChanges.includes("loadBalancers"), `${svc.name}: the service ignores changes to loadBalancers`);

        // The optional test rule: another port of the same load balancer, same match and priority, same
        // groups and weights, open in the load balancer's security group.
        if (adv.testListenerRule !== undefined) {
            const test = g.byRef(adv.testListenerRule)!;
            const testListener = g.byRef(test.inputs.listenerArn)!;
            assert.ok(![80, 443].includes(testListener.inputs.port), `${svc.name}: the test listener is not a production port`);
            assert.equal(testListener.inputs.loadBalancerArn, lb.state.arn);
            assert.equal(testListener.inputs.protocol, prodListener.inputs.protocol, "test listener speaks the production protocol");
            assert.deepEqual(test.inputs.conditions, prod.inputs.conditions);
            assert.equal(test.inputs.priority, prod.inputs.priority);
            assert.deepEqual(weights(test), weights(prod));
            assert.ok(test.ignoreChanges.includes("actions"));
            // Admitted only from the given ranges, never the internet (Security Hub EC2.18: 80 and 443 only).
            const admits = g.ofType(T.ingress).filter((r) => r.inputs.fromPort <= testListener.inputs.port && testListener.inputs.port <= r.inputs.toPort && g.byRef(r.inputs.securityGroupId, "id")?.name === "lb-alb");
            assert.ok(admits.length > 0, "test port admitted");
            assert.ok(admits.every((r) => r.inputs.cidrIpv4 !== "0.0.0.0/0" && r.inputs.cidrIpv6 === undefined), "test port not open to the internet");
        }

        // The infrastructure role: trusted by ECS, with the AWS managed policy for load balancers, attached
        // before the service exists.
        const role = g.byRef(adv.roleArn)!;
        assert.equal(role?.type, T.role, `${svc.name}: roleArn is a role of the graph`);
        const trust = JSON.parse(role.inputs.assumeRolePolicy);
        assert.deepEqual(trust.Statement, [{ Effect: "Allow", Principal: { Service: "ecs.amazonaws.com" }, Action: "sts:AssumeRole" }]);
        const attachment = g.ofType(T.attachment).find((a) => a.inputs.role === role.state.name);
        assert.equal(attachment?.inputs.policyArn, MANAGED_POLICY, `${svc.name}: AmazonECSInfrastructureRolePolicyForLoadBalancers attached`);
        assert.ok(svc.dependsOn.includes(attachment!.name), `${svc.name}: the service waits for the role's policy`);

        // The strategy's own settings, in AWS's ranges (bakeTimeInMinutes is required with BLUE_GREEN).
        const dc = svc.inputs.deploymentConfiguration;
        assert.ok(dc.bakeTimeInMinutes !== undefined && inRange(Number(dc.bakeTimeInMinutes), 0, 1440) && Number.isInteger(Number(dc.bakeTimeInMinutes)), `${svc.name}: bake time 0–1440`);
        assert.equal(dc.canaryConfiguration !== undefined, strategy === "CANARY", `${svc.name}: canaryConfiguration only with CANARY`);
        assert.equal(dc.linearConfiguration !== undefined, strategy === "LINEAR", `${svc.name}: linearConfiguration only with LINEAR`);
        if (dc.canaryConfiguration) {
            const { canaryPercent, canaryBakeTimeInMinutes } = dc.canaryConfiguration;
            assert.ok(inRange(canaryPercent, 0.1, 100) && isTenth(canaryPercent), `canaryPercent ${canaryPercent}`);
            assert.ok(inRange(Number(canaryBakeTimeInMinutes), 0, 1440));
        }
        if (dc.linearConfiguration) {
            const { stepPercent, stepBakeTimeInMinutes } = dc.linearConfiguration;
            assert.ok(inRange(stepPercent, 3, 100) && isTenth(stepPercent), `stepPercent ${stepPercent}`);
            assert.ok(inRange(Number(stepBakeTimeInMinutes), 0, 1440));
        }

        // Requests-per-target scaling follows the live group: the sum over both groups, never the
        // predefined metric of one of them.
        const scaling = g.ofType(T.target).find((t) => t.inputs.resourceId.endsWith(`/${svc.state.name}`));
        for (const p of g.ofType(T.policy).filter((x) => scaling && x.inputs.resourceId === scaling.inputs.resourceId)) {
            const cfg = p.inputs.targetTrackingScalingPolicyConfiguration;
            assert.notEqual(cfg.predefinedMetricSpecification?.predefinedMetricType, "ALBRequestCountPerTarget", `${p.name}: not one group's request count`);
            const metrics = cfg.customizedMetricSpecification?.metrics ?? [];
            const perTarget = metrics.filter((m: any) => m.metricStat?.metric.metricName === "RequestCountPerTarget");
            if (perTarget.length === 0) continue;
            const groups = perTarget.map((m: any) => Object.fromEntries(m.metricStat.metric.dimensions.map((d: any) => [d.name, d.value])));
            assert.deepEqual(groups.map((d: any) => d.TargetGroup).sort(), [primary.state.arnSuffix, alternate.state.arnSuffix].sort(), `${p.name}: both groups`);
            assert.ok(groups.every((d: any) => d.LoadBalancer === lb.state.arnSuffix));
            assert.deepEqual(metrics.filter((m: any) => m.returnData).map((m: any) => m.expression), [perTarget.map((m: any) => m.id).join(" + ")]);
        }
    }
    return { shifting };
}

describe("release strategies", function () {
    this.timeout(60000);

    describe("committed stacks", () => {
        for (const stack of ["dev", "prod"] as const) {
            it(`${stack}: every service keeps AWS's rules of its strategy`, async () => {
                const g = new Graph(await committedStack(stack));
                const { shifting } = assertReleaseRules(g);
                // The per-stack choice (README, "Release strategies"): dev rolls, prod's web is blue/green.
                assert.equal(shifting, stack === "prod" ? 1 : 0);
                if (stack === "prod") assert.equal(strategyOf(g.ofType(T.service).find((s) => s.name === "web")!), "BLUE_GREEN");
            });
        }
    });

    const variants: [string, Record<string, unknown>, Record<string, unknown>?][] = [
        ["BLUE_GREEN with a test listener", { strategy: "BLUE_GREEN", bakeTimeMinutes: 15, testListenerPort: 8443 }, { loadBalancer: { testListenerCidrs: ["203.0.113.0/24"] } }],
        ["LINEAR", { strategy: "LINEAR", linearStepPercent: 25, linearStepBakeTimeMinutes: 3 }],
    ];
    const runs = new Map<string, ProgramRun>();
    for (const [title, release, extra] of variants) {
        it(`dev with web on ${title}: the graph keeps every rule`, async () => {
            runs.set(title, await runStack("dev", { ...devWeb({ release }), ...extra }));
            const g = new Graph(runs.get(title)!);
            assert.equal(assertReleaseRules(g).shifting, 1);
            const web = g.ofType(T.service).find((s) => s.name === "web")!;
            assert.equal(web.inputs.deploymentConfiguration.strategy, release.strategy);
            // The policy pack (what `pulumi preview --policy-pack policy` runs) passes it too.
            const evaluation = await evaluate(toPlanResources(runs.get(title)!.resources));
            assert.equal(blocks(evaluation), false, JSON.stringify(evaluation.findings.filter((f) => f.enforcementLevel === "mandatory"), null, 1));
            assert.equal(evaluation.outcomes.find((o) => o.rule === "ecs-traffic-shifting")?.violations, 0);
        });
    }

    it("prod with web on CANARY and requests scaling: the scaling policy sums both groups", async () => {
        const services = (projectConfig("prod").services as Record<string, unknown>[]).map((s) => (s.name === "web" ? { ...s, release: { strategy: "CANARY" } } : s));
        const run = await runStack("prod", { services });
        const g = new Graph(run);
        assert.equal(assertReleaseRules(g).shifting, 1);
        assert.equal(blocks(await evaluate(toPlanResources(run.resources))), false, "the policy pack passes it");
        const dc = g.ofType(T.service).find((s) => s.name === "web")!.inputs.deploymentConfiguration;
        assert.deepEqual(dc, { strategy: "CANARY", bakeTimeInMinutes: "5", canaryConfiguration: { canaryPercent: 5, canaryBakeTimeInMinutes: "10" } }, "AWS's canary defaults, the package's 5-minute bake");
    });

    it("the rules can fail: a graph where the alternate group is missing from the production rule is caught", () => {
        const g = new Graph(structuredClone(runs.get(variants[0][0])!));
        const rule = g.ofType(T.rule).find((r) => r.name === "web-route")!;
        rule.inputs.actions = [{ type: "forward", targetGroupArn: g.ofType(T.tg).find((t) => t.name === "web-tg")!.state.arn }];
        assert.throws(() => assertReleaseRules(g), /web-route|weights 100\/0/);
    });
});

describe("release config: bad values are refused before any resource, naming the key", function () {
    this.timeout(60000);
    const services = projectConfig("dev").services as Record<string, unknown>[];
    const patch = (name: string, p: Record<string, unknown>) => ({ services: services.map((s) => (s.name === name ? { ...s, ...p } : s)) });
    const cases: [string, Record<string, unknown>, string[]][] = [
        ["blue/green on an internal service", patch("api", { release: { strategy: "BLUE_GREEN" } }), ["webapp:services.api.release.strategy", '"BLUE_GREEN"', '"internal"', '"ROLLING"']],
        ["canary on a worker", patch("worker", { release: { strategy: "CANARY" } }), ["webapp:services.worker.release.strategy", '"none"', "listener rule"]],
        ["an unknown strategy", patch("web", { release: { strategy: "RED_BLACK" } }), ["webapp:services.web.release.strategy", '"RED_BLACK"', "BLUE_GREEN"]],
        ["a canary field with blue/green", patch("web", { release: { strategy: "BLUE_GREEN", canaryPercent: 10 } }), ["webapp:services.web.release.canaryPercent", "got 10", "does not read it", "CANARY"]],
        ["a bake time with rolling", patch("web", { release: { bakeTimeMinutes: 5 } }), ["webapp:services.web.release.bakeTimeMinutes", '"ROLLING"', "BLUE_GREEN, CANARY, LINEAR"]],
        ["a canary percent below AWS's 0.1", patch("web", { release: { strategy: "CANARY", canaryPercent: 0.05 } }), ["webapp:services.web.release.canaryPercent", "0.05"]],
        ["a canary percent not in steps of 0.1", patch("web", { release: { strategy: "CANARY", canaryPercent: 12.34 } }), ["webapp:services.web.release.canaryPercent", "steps of 0.1", "12.34"]],
        ["a linear step below AWS's 3 %", patch("web", { release: { strategy: "LINEAR", linearStepPercent: 2 } }), ["webapp:services.web.release.linearStepPercent", "got 2"]],
        ["a bake time beyond 24 hours", patch("web", { release: { strategy: "BLUE_GREEN", bakeTimeMinutes: 2000 } }), ["webapp:services.web.release.bakeTimeMinutes", "2000"]],
        ["a test listener on the HTTPS port", patch("web", { release: { strategy: "BLUE_GREEN", testListenerPort: 443 } }), ["webapp:services.web.release.testListenerPort", "got 443", "production"]],
        ["a test listener without the ranges that may reach it", patch("web", { release: { strategy: "BLUE_GREEN", testListenerPort: 8443 } }), ["webapp:loadBalancer.testListenerCidrs", "required with webapp:services.web.release.testListenerPort 8443", "EC2.18"]],
        ["a test listener open to the internet", { ...patch("web", { release: { strategy: "BLUE_GREEN", testListenerPort: 8443 } }), loadBalancer: { testListenerCidrs: ["0.0.0.0/0"] } }, ["webapp:loadBalancer.testListenerCidrs[0]", '"0.0.0.0/0"', "EC2.18"]],
        ["a typo in a release key", patch("web", { release: { strategy: "CANARY", canaryPercnt: 10 } }), ["webapp:services.web.release.canaryPercnt", 'did you mean "canaryPercent"']],
        ["a 21-character name with blue/green (its second target group would not fit 32)", {
            services: services.map((s) => (s.name === "web" ? { ...s, name: "storefront-web-public", release: { strategy: "BLUE_GREEN" } } : s)),
        }, ["webapp:services.storefront-web-public.release.strategy", "storefront-web-public-tg2", "at most 20 characters"]],
    ];
    for (const [title, override, expect] of cases) {
        it(title, async () => {
            await assert.rejects(runStack("dev", override), (e: Error & { registered?: string[] }) => {
                assert.deepEqual(e.registered, ["pulumi:pulumi:Stack"], "refused before the first resource");
                for (const fragment of expect) assert.ok(e.message.includes(fragment), `"${fragment}" missing from:\n${e.message}`);
                return true;
            });
        });
    }
});
