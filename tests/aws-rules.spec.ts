/**
 * AWS's documented rules, asserted as properties over the whole resource graph of both committed
 * stacks. Each rule names its source; a graph that breaks one would be rejected by AWS or would
 * never become healthy, whatever the mocks say.
 */
import { strict as assert } from "node:assert";
import { FARGATE_MEMORY_BY_CPU, HEALTH_CHECK_LIMITS, TARGET_HEALTH_CHECK_LIMITS } from "fargatekit";
import { healthCheckProblems, imagePullProblems, imageRunProblems, loadBalancerAzProblems, publicReachProblems } from "./graph-rules";
import { committedStack, Graph, RecordedResource } from "./harness";
import { APP_FACTS, ImageFacts, publicImageFacts } from "./image-facts";

/** The stacks run the image built from app/ (in their ECR repository), or a public one the table knows. */
const stackImageFacts = (image: string): ImageFacts | undefined => (/\.dkr\.ecr\..*\/app-[0-9a-f]+@sha256:/.test(image) ? APP_FACTS : publicImageFacts(image));

const T = {
    taskDef: "aws:ecs/taskDefinition:TaskDefinition",
    service: "aws:ecs/service:Service",
    cluster: "aws:ecs/cluster:Cluster",
    capacity: "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
    tg: "aws:lb/targetGroup:TargetGroup",
    lb: "aws:lb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    subnet: "aws:ec2/subnet:Subnet",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    scalingTarget: "aws:appautoscaling/target:Target",
    scalingPolicy: "aws:appautoscaling/policy:Policy",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
};

const containers = (td: RecordedResource): any[] => JSON.parse(td.inputs.containerDefinitions);

for (const stack of ["dev", "prod"] as const) {
    describe(`AWS rules over the ${stack} graph`, () => {
        let g: Graph;
        before(async () => { g = new Graph(await committedStack(stack)); });

        it("every task definition is a valid Fargate size, awsvpc and FARGATE-compatible", () => {
            // ECS developer guide, "Task definition parameters for Fargate": task-level cpu/memory from
            // the Fargate table, networkMode awsvpc, requiresCompatibilities FARGATE.
            const tds = g.ofType(T.taskDef);
            assert.ok(tds.length >= 1);
            for (const td of tds) {
                const cpu = Number(td.inputs.cpu), memory = Number(td.inputs.memory);
                assert.ok(FARGATE_MEMORY_BY_CPU[cpu]?.includes(memory), `${td.name}: ${cpu}/${memory} is not a Fargate size`);
                assert.equal(td.inputs.networkMode, "awsvpc");
                assert.deepEqual(td.inputs.requiresCompatibilities, ["FARGATE"]);
                assert.equal(td.inputs.runtimePlatform.operatingSystemFamily, "LINUX");
            }
        });

        it("containers: name, digest-pinned image, awsvpc hostPort rule, awslogs options Fargate requires", () => {
            for (const td of g.ofType(T.taskDef)) {
                const defs = containers(td);
                assert.ok(defs.length >= 1);
                const names = defs.map((c) => c.name);
                assert.equal(new Set(names).size, names.length, "container names are unique");
                assert.ok(defs.some((c) => c.essential), "at least one essential container");
                for (const c of defs) {
                    assert.match(c.name, /^[A-Za-z0-9_-]{1,255}$/);
                    assert.match(c.image, /@sha256:[0-9a-f]{64}$/, "image pinned by digest, never a mutable tag");
                    for (const pm of c.portMappings ?? []) {
                        // awsvpc: hostPort must be omitted or equal containerPort (ECS API reference, PortMapping).
                        assert.ok(pm.hostPort === undefined || pm.hostPort === pm.containerPort, `${c.name}: hostPort ${pm.hostPort} ≠ ${pm.containerPort}`);
                    }
                    // Fargate's awslogs driver requires group, region and stream prefix
                    // (ECS developer guide, "Send Amazon ECS logs to CloudWatch").
                    assert.equal(c.logConfiguration.logDriver, "awslogs");
                    for (const key of ["awslogs-group", "awslogs-region", "awslogs-stream-prefix"]) assert.ok(c.logConfiguration.options[key], `${c.name}: ${key}`);
                    const group = g.ofType(T.logGroup).find((l) => l.state.name === c.logConfiguration.options["awslogs-group"]);
                    assert.ok(group, "the awslogs group is a log group of this stack");
                    assert.ok(group!.inputs.retentionInDays > 0, "log retention is set");
                }
            }
        });

        it("containers run as non-root with an init process, a stop timeout ≤ 120 s and valid health checks", () => {
            for (const td of g.ofType(T.taskDef)) {
                for (const c of containers(td)) {
                    assert.ok(c.user && !/^(0|root)(:|$)/.test(c.user), `${c.name} runs as ${c.user}`);
                    assert.equal(c.linuxParameters.initProcessEnabled, true);
                    assert.ok(c.stopTimeout >= 2 && c.stopTimeout <= 120, "Fargate stopTimeout max is 120 s");
                    const scratch = c.mountPoints.find((m: any) => m.readOnly === false);
                    assert.ok(td.inputs.volumes.some((v: any) => v.name === scratch.sourceVolume), "the scratch mount names a task volume");
                    if (c.healthCheck) {
                        for (const [k, [lo, hi]] of Object.entries(HEALTH_CHECK_LIMITS)) {
                            assert.ok(c.healthCheck[k] >= lo && c.healthCheck[k] <= hi, `healthCheck.${k}=${c.healthCheck[k]} outside ${lo}–${hi}`);
                        }
                        assert.ok(["CMD", "CMD-SHELL"].includes(c.healthCheck.command[0]));
                    }
                }
            }
        });

        it("the execution and task roles are separate roles ECS tasks may assume", () => {
            for (const td of g.ofType(T.taskDef)) {
                assert.notEqual(td.inputs.executionRoleArn, td.inputs.taskRoleArn);
                for (const arn of [td.inputs.executionRoleArn, td.inputs.taskRoleArn]) {
                    const role = g.byRef(arn);
                    assert.ok(role && role.type === T.role, `${arn} is a role of this graph`);
                    const trust = JSON.parse(role!.inputs.assumeRolePolicy);
                    assert.ok(trust.Statement.some((s: any) => s.Principal.Service === "ecs-tasks.amazonaws.com" && s.Action === "sts:AssumeRole"));
                }
            }
        });

        it("the execution role may read exactly the secrets it injects, and nothing with *", () => {
            for (const td of g.ofType(T.taskDef)) {
                const execRole = g.byRef(td.inputs.executionRoleArn)!;
                const policies = g.ofType(T.rolePolicy).filter((p) => p.inputs.role === execRole.id).map((p) => JSON.parse(p.inputs.policy));
                const statements = policies.flatMap((p) => p.Statement);
                const secretActions = statements.filter((s) => s.Action.some((a: string) => a.startsWith("secretsmanager:") || a.startsWith("ssm:")));
                const granted = secretActions.flatMap((s) => s.Resource);
                for (const r of granted) assert.ok(!r.includes("*"), `secret resource ${r} has a wildcard`);
                for (const c of containers(td)) {
                    for (const secret of c.secrets ?? []) {
                        assert.ok(granted.some((arn: string) => secret.valueFrom.startsWith(arn)), `${secret.name} (${secret.valueFrom}) is readable`);
                    }
                }
                for (const s of statements) {
                    const resources = [s.Resource].flat();
                    if (resources.includes("*")) assert.deepEqual(s.Action, ["ecr:GetAuthorizationToken"], "only the ECR token action (no resource-level permissions) takes *");
                }
            }
        });

        it("target groups are of type ip with health checks inside AWS's ranges", () => {
            // ECS on Fargate (awsvpc) registers tasks by IP; ELB API reference, CreateTargetGroup, for ranges.
            for (const tg of g.ofType(T.tg)) {
                assert.equal(tg.inputs.targetType, "ip");
                const hc = tg.inputs.healthCheck;
                for (const [k, [lo, hi]] of Object.entries(TARGET_HEALTH_CHECK_LIMITS)) assert.ok(hc[k] >= lo && hc[k] <= hi, `${k}=${hc[k]}`);
                assert.ok(hc.timeout < hc.interval, "timeout < interval");
                assert.ok(tg.inputs.deregistrationDelay >= 0 && tg.inputs.deregistrationDelay <= 3600);
                assert.match(hc.path, /^\//);
            }
        });

        it("load balancers span ≥ 2 public subnets in distinct AZs, drop invalid headers", () => {
            assert.deepEqual(loadBalancerAzProblems(g.resources), []);
            for (const lb of g.ofType(T.lb)) {
                assert.equal(lb.inputs.dropInvalidHeaderFields, true);
                assert.equal(lb.inputs.internal, false);
            }
        });

        it("every task can pull its image: a route out (public IP or NAT) and, for private ECR, the execution role's pull rights", () => {
            assert.deepEqual(imagePullProblems(g.resources), []);
        });

        it("every public service is reachable from the internet through its load balancer on its port, and health-checked on a path the app answers", () => {
            assert.deepEqual(publicReachProblems(g.resources), []);
            assert.deepEqual(healthCheckProblems(g.resources, stackImageFacts), []);
        });

        it("every container runs as its image needs: its user, its port, a writable place for what it writes", () => {
            assert.deepEqual(imageRunProblems(g.resources, stackImageFacts), []);
        });

        it("HTTPS listeners carry a certificate and a TLS 1.3 policy; HTTP redirects to HTTPS when it is on; unmatched requests get a 404", () => {
            const listeners = g.ofType(T.listener);
            const https = listeners.some((x) => x.inputs.protocol === "HTTPS");
            for (const l of listeners) {
                const action = l.inputs.defaultActions[0];
                if (l.inputs.protocol === "HTTPS") {
                    assert.ok(l.inputs.certificateArn, "HTTPS listener needs a certificate (ELB API reference, CreateListener)");
                    assert.match(l.inputs.sslPolicy, /^ELBSecurityPolicy-TLS13-/);
                } else if (https) {
                    assert.deepEqual([action.type, action.redirect?.protocol, action.redirect?.statusCode], ["redirect", "HTTPS", "HTTP_301"]);
                    continue;
                }
                // The listener services add rules to answers what no rule matches with a fixed 404.
                assert.deepEqual([action.type, action.fixedResponse?.statusCode], ["fixed-response", "404"]);
            }
        });

        it("each public service depends on the listener rule forwarding to its target group; loadBalancers name a real container and port", () => {
            const publicServices = g.ofType(T.service).filter((svc) => svc.inputs.loadBalancers.length > 0);
            assert.ok(publicServices.length >= 1, "the stack has a public service");
            for (const svc of publicServices) {
                const td = g.byRef(svc.inputs.taskDefinition)!;
                assert.ok(td, "the service's task definition is in the graph");
                for (const lbRef of svc.inputs.loadBalancers) {
                    // The plain forward, or the weighted one of a blue/green, canary or linear release; a
                    // test listener's rule (`-test-route`) forwards to the same groups.
                    const forwards = (r: { inputs: Record<string, any> }) => r.inputs.actions.some((a: any) => a.type === "forward" &&
                        (a.targetGroupArn === lbRef.targetGroupArn || (a.forward?.targetGroups ?? []).some((t: any) => t.arn === lbRef.targetGroupArn)));
                    const rules = g.ofType("aws:lb/listenerRule:ListenerRule").filter((r) => forwards(r) && !r.name.endsWith("-test-route"));
                    assert.equal(rules.length, 1, "one production listener rule forwards to the service's target group");
                    assert.ok(g.byRef(rules[0].inputs.listenerArn), "the rule is on a listener of this graph");
                    assert.ok(svc.dependsOn.includes(rules[0].name), `service waits for rule ${rules[0].name} (else: target group has no associated load balancer)`);
                    const c = containers(td).find((x) => x.name === lbRef.containerName);
                    assert.ok(c, `container ${lbRef.containerName} exists`);
                    assert.ok(c.portMappings.some((p: any) => p.containerPort === lbRef.containerPort), `container port ${lbRef.containerPort} is mapped`);
                    assert.equal(g.byRef(lbRef.targetGroupArn)!.inputs.port, lbRef.containerPort);
                }
            }
        });

        it("services: Fargate capacity on the cluster, circuit breaker with rollback, full-capacity rolling deploys", () => {
            const capacity = g.one(T.capacity);
            for (const svc of g.ofType(T.service)) {
                assert.equal(svc.inputs.launchType, undefined, "launchType and a capacity provider strategy are exclusive");
                for (const s of svc.inputs.capacityProviderStrategies) assert.ok(capacity.inputs.capacityProviders.includes(s.capacityProvider));
                assert.equal(svc.inputs.cluster, g.one(T.cluster).state.arn);
                assert.deepEqual(svc.inputs.deploymentCircuitBreaker, { enable: true, rollback: true });
                assert.equal(svc.inputs.deploymentMinimumHealthyPercent, 100);
                assert.equal(svc.inputs.deploymentMaximumPercent, 200);
                // The grace period only applies to services behind a load balancer (ECS API reference, CreateService).
                if (svc.inputs.loadBalancers.length > 0) assert.ok(svc.inputs.healthCheckGracePeriodSeconds > 0);
                else assert.equal(svc.inputs.healthCheckGracePeriodSeconds, undefined);
                assert.equal(svc.inputs.waitForSteadyState, true);
            }
        });

        it("the security-group path: internet → ALB on 80/443, ALB → each public service on its port only", () => {
            const lb = g.one(T.lb);
            const [albSgId] = lb.inputs.securityGroups;
            const into = (sg: string) => g.ofType(T.ingress).filter((r) => r.inputs.securityGroupId === sg);
            for (const rule of into(albSgId)) {
                assert.ok([80, 443].includes(rule.inputs.fromPort) && rule.inputs.fromPort === rule.inputs.toPort, "ALB admits only 80/443");
            }
            const listenerPorts = g.ofType(T.listener).map((l) => l.inputs.port).sort();
            assert.deepEqual(into(albSgId).map((r) => r.inputs.fromPort).sort(), listenerPorts, "ALB admits exactly its listener ports");
            for (const svc of g.ofType(T.service).filter((x) => x.inputs.loadBalancers.length > 0)) {
                const taskSgIds: string[] = svc.inputs.networkConfiguration.securityGroups;
                const port = svc.inputs.loadBalancers[0].containerPort;
                for (const sg of taskSgIds) {
                    const rules = into(sg);
                    assert.ok(rules.length >= 1);
                    for (const r of rules) {
                        assert.equal(r.inputs.referencedSecurityGroupId, albSgId, "public tasks admit only the ALB's security group");
                        assert.equal(r.inputs.cidrIpv4, undefined);
                        assert.deepEqual([r.inputs.fromPort, r.inputs.toPort], [port, port]);
                    }
                }
                const albOut = g.ofType(T.egress).filter((r) => r.inputs.securityGroupId === albSgId);
                assert.ok(albOut.some((r) => taskSgIds.includes(r.inputs.referencedSecurityGroupId) && r.inputs.fromPort === port && r.inputs.toPort === port), `ALB may reach ${svc.name}'s tasks on ${port}`);
            }
        });

        it("autoscaling: resource id service/<cluster>/<service>, request-count label <alb arnSuffix>/<its tg arnSuffix>", () => {
            const targets = g.ofType(T.scalingTarget);
            if (stack === "prod") assert.equal(targets.length, g.ofType(T.service).length, "every prod service autoscales");
            for (const t of targets) {
                const svc = g.ofType(T.service).find((x) => t.inputs.resourceId === `service/${g.one(T.cluster).state.name}/${x.state.name}`);
                assert.ok(svc, `${t.inputs.resourceId} names a service of the graph`);
                assert.equal(t.inputs.scalableDimension, "ecs:service:DesiredCount");
                assert.equal(t.inputs.serviceNamespace, "ecs");
                assert.ok(t.inputs.minCapacity <= svc.inputs.desiredCount && svc.inputs.desiredCount <= t.inputs.maxCapacity);
                assert.ok(svc.ignoreChanges.includes("desiredCount"), "autoscaling owns desiredCount");
                for (const p of g.ofType(T.scalingPolicy).filter((x) => x.inputs.resourceId === t.inputs.resourceId)) {
                    const spec = p.inputs.targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification;
                    if (spec?.predefinedMetricType === "ALBRequestCountPerTarget") {
                        const tg: { state: Record<string, any> } = g.byRef(svc.inputs.loadBalancers[0].targetGroupArn)!;
                        assert.equal(spec.resourceLabel, `${g.one(T.lb).state.arnSuffix}/${tg.state.arnSuffix}`);
                    }
                }
            }
            for (const p of g.ofType(T.scalingPolicy)) assert.ok(targets.some((t) => t.inputs.resourceId === p.inputs.resourceId), `${p.name} scales a registered target`);
        });

        it("names stay inside AWS's length limits after Pulumi's 8-character suffix", () => {
            for (const r of g.resources) {
                const physical = r.name.length + 8;
                if (r.type === T.lb || r.type === T.tg) assert.ok((r.inputs.name ?? "").length <= 32 && physical <= 32, `${r.name}: ALB/TG names ≤ 32`);
                if (r.type === T.role) assert.ok(physical <= 64, `${r.name}: IAM role names ≤ 64`);
                if (r.type === T.taskDef) assert.match(r.inputs.family, /^[A-Za-z0-9_-]{1,255}$/);
                if (r.type === "aws:ecr/repository:Repository") assert.match(r.name, /^[a-z0-9][a-z0-9._/-]*$/, "ECR names are lowercase");
            }
        });

        it("spans the AZs it is configured for, each subnet in its own AZ", () => {
            const subnets = g.ofType(T.subnet);
            const publicAzs = subnets.filter((s) => s.inputs.tags.tier === "public").map((s) => s.inputs.availabilityZone);
            assert.equal(new Set(publicAzs).size, publicAzs.length);
            assert.ok(publicAzs.length >= (stack === "prod" ? 3 : 2));
        });
    });
}

describe("the shared graph rules fail on graphs that would not run", () => {
    const broken = async (stack: "dev" | "prod", edit: (g: Graph) => void): Promise<RecordedResource[]> => {
        const copy = structuredClone((await committedStack(stack)).resources);
        edit(new Graph({ resources: copy, outputs: {}, invokes: [], warnings: [] }));
        return copy;
    };
    const named = (g: Graph, type: string, name: string) => g.ofType(type).find((r) => r.name === name)!;
    const editContainer = (td: RecordedResource, fn: (c: any) => void) => {
        const list = JSON.parse(td.inputs.containerDefinitions);
        fn(list[0]);
        td.inputs.containerDefinitions = JSON.stringify(list);
    };

    it("image pull: no public IP without NAT, no NAT route in prod, an ECR image the role may not pull", async () => {
        const noIp = await broken("dev", (g) => { named(g, T.service, "api").inputs.networkConfiguration.assignPublicIp = false; });
        assert.match(imagePullProblems(noIp).join("\n"), /service api: tasks in net-public-0 cannot pull their image: a public subnet, but no public IP/);
        const noNat = await broken("prod", (g) => { for (const rt of g.ofType("aws:ec2/routeTable:RouteTable")) if (rt.name.startsWith("net-private")) rt.inputs.routes = []; });
        assert.match(imagePullProblems(noNat).join("\n"), /tasks in net-private-0 cannot pull their image: no route to a NAT gateway/);
        const noRights = await broken("dev", (g) => {
            const policy = named(g, "aws:iam/rolePolicy:RolePolicy", "web-exec");
            const doc = JSON.parse(policy.inputs.policy);
            doc.Statement = doc.Statement.filter((x: any) => x.Sid !== "PullImage");
            policy.inputs.policy = JSON.stringify(doc);
        });
        assert.match(imagePullProblems(noRights).join("\n"), /the execution role of web may not ecr:BatchGetImage, ecr:GetDownloadUrlForLayer/);
    });

    it("reach and health: a path the app does not serve, a wrong port, a missing ingress rule, one AZ", async () => {
        const badPath = await broken("dev", (g) => { named(g, T.tg, "web-tg").inputs.healthCheck.path = "/healthz"; });
        assert.match(healthCheckProblems(badPath, stackImageFacts).join("\n"), /health check path \/healthz is not one .* answers 200 on \(\/health, \/\)/);
        const badPort = await broken("dev", (g) => { named(g, T.service, "web").inputs.loadBalancers[0].containerPort = 80; });
        assert.match(healthCheckProblems(badPort, stackImageFacts).join("\n"), /sends to port 80, but .* listens on 8080/);
        assert.match(publicReachProblems(badPort).join("\n"), /container app does not map port 80/);
        const closed = await broken("prod", (g) => { g.run.resources.splice(g.run.resources.indexOf(named(g, T.ingress, "web-task-from-alb")), 1); });
        assert.match(publicReachProblems(closed).join("\n"), /service web: its tasks' security group does not admit the load balancer's on 8080/);
        const oneAz = await broken("dev", (g) => { const lb = g.one(T.lb); lb.inputs.subnets = lb.inputs.subnets.slice(0, 1); });
        assert.match(loadBalancerAzProblems(oneAz).join("\n"), /subnets in 1 AZ\(s\)/);
    });

    it("image needs: another user than the image's, a written path with no writable volume", async () => {
        const otherUser = await broken("dev", (g) => editContainer(named(g, T.taskDef, "api"), (c) => { c.user = "1001:1001"; }));
        assert.match(imageRunProblems(otherUser, stackImageFacts).join("\n"), /api\/app .*: the image is built to run as uid 1000, but runs as 1001:1001/);
        const writer = (image: string) => (image.includes(".dkr.ecr.") ? { ...APP_FACTS, writes: ["/var/lib/app"] } : undefined);
        const prod = (await committedStack("prod")).resources;
        assert.match(imageRunProblems(prod, writer).join("\n"), /the image writes \/var\/lib\/app, but the root is read-only and no writable volume is mounted there/);
    });
});
