/**
 * Many services in one environment (public on the shared load balancer, internal through Service
 * Connect, workers on their queue): AWS's rules as properties over the whole resource graph of both
 * committed stacks, bad `services` lists refused before any resource, and adding a service that
 * leaves the existing routes alone.
 */
import { strict as assert } from "node:assert";
import { committedStack, Graph, projectConfig, RecordedResource, refusedRun, runStack } from "./harness";

const T = {
    service: "aws:ecs/service:Service",
    taskDef: "aws:ecs/taskDefinition:TaskDefinition",
    cluster: "aws:ecs/cluster:Cluster",
    namespace: "aws:servicediscovery/httpNamespace:HttpNamespace",
    vpc: "aws:ec2/vpc:Vpc",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    lb: "aws:lb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    rule: "aws:lb/listenerRule:ListenerRule",
    tg: "aws:lb/targetGroup:TargetGroup",
    queue: "aws:sqs/queue:Queue",
    scalingPolicy: "aws:appautoscaling/policy:Policy",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
};

/** A service of the stack file as written (`webapp:services[]`). */
interface ServiceEntry {
    name: string; expose?: string; port?: number; calls?: string[]; queue?: object; autoscaling?: Record<string, number>;
    route?: { priority: number; paths?: string[]; hosts?: string[] }; release?: { strategy?: string };
}
const servicesOf = (stack: "dev" | "prod"): ServiceEntry[] => projectConfig(stack).services;
const exposeOf = (s: ServiceEntry) => s.expose ?? (s.route ? "public" : "none");

const containers = (td: RecordedResource): any[] => JSON.parse(td.inputs.containerDefinitions);
/** The values a rule's conditions hold (each path pattern, host name, … counts one). */
const conditionValues = (rule: RecordedResource): string[] =>
    rule.inputs.conditions.flatMap((c: Record<string, { values?: string[] }>) => Object.values(c).flatMap((v) => v?.values ?? []));
/** Target groups an action forwards to (the plain and the weighted form). */
const forwardedTo = (actions: any[]): string[] =>
    actions.filter((a) => a.type === "forward").flatMap((a) => [a.targetGroupArn, ...(a.forward?.targetGroups ?? []).map((t: any) => t.arn)]).filter(Boolean);

/** A committed stack's graph with the ECS service of each config entry at hand. */
class ServicesGraph extends Graph {
    ecsService(name: string): RecordedResource {
        const found = this.ofType(T.service).filter((r) => r.name === name);
        assert.equal(found.length, 1, `one ECS service named ${name}`);
        return found[0];
    }
    taskDefinitionOf(svc: RecordedResource): RecordedResource {
        const td = this.ofType(T.taskDef).find((t) => t.state.arn === svc.inputs.taskDefinition);
        assert.ok(td, `${svc.name}: its task definition ${svc.inputs.taskDefinition} is in the graph`);
        return td!;
    }
    /** The service's one container (the app). */
    containerOf(svc: RecordedResource): any {
        const defs = containers(this.taskDefinitionOf(svc));
        assert.equal(defs.length, 1, `${svc.name}: one container`);
        return defs[0];
    }
    taskSgOf(svc: RecordedResource): string {
        const sgs: string[] = svc.inputs.networkConfiguration.securityGroups;
        assert.equal(sgs.length, 1, `${svc.name}: one task security group`);
        assert.ok(this.ofType(T.sg).some((sg) => sg.id === sgs[0]), `${svc.name}: its security group is in the graph`);
        return sgs[0];
    }
    ingressInto(sgId: string) { return this.ofType(T.ingress).filter((r) => r.inputs.securityGroupId === sgId); }
    egressFrom(sgId: string) { return this.ofType(T.egress).filter((r) => r.inputs.securityGroupId === sgId); }
    albSg(): string {
        const [sg, ...rest] = this.one(T.lb).inputs.securityGroups;
        assert.equal(rest.length, 0, "the load balancer has one security group");
        return sg;
    }
    env(container: any): Record<string, string> {
        return Object.fromEntries((container.environment ?? []).map((e: { name: string; value: string }) => [e.name, e.value]));
    }
}

for (const stack of ["dev", "prod"] as const) {
    describe(`services: AWS rules over the ${stack} graph`, () => {
        let g: ServicesGraph;
        const config = servicesOf(stack);
        const byExpose = (e: string) => config.filter((s) => exposeOf(s) === e);
        before(async () => { g = new ServicesGraph(await committedStack(stack)); });

        it("the stack file has public, internal and worker services (what the rules below range over)", () => {
            for (const e of ["public", "internal", "none"]) assert.ok(byExpose(e).length >= 1, `${stack} has a service with expose ${e}`);
            assert.deepEqual(g.ofType(T.service).map((s) => s.name).sort(), config.map((s) => s.name).sort(), "one ECS service per configured service");
        });

        it("listener-rule priorities are unique per listener and within 1–50000; rules sit on a listener that does not redirect", () => {
            // ELB user guide, "Listener rules for your Application Load Balancer": each rule has a
            // priority 1–50000, unique per listener (CreateRule fails with PriorityInUse otherwise);
            // the default rule has none.
            const rules = g.ofType(T.rule);
            assert.equal(rules.length, byExpose("public").length, "one rule per public service");
            const listeners = g.ofType(T.listener);
            for (const r of rules) {
                assert.ok(Number.isInteger(r.inputs.priority) && r.inputs.priority >= 1 && r.inputs.priority <= 50000, `${r.name}: priority ${r.inputs.priority}`);
                const listener = listeners.find((l) => l.state.arn === r.inputs.listenerArn);
                assert.ok(listener, `${r.name}: its listener is in the graph`);
                // A rule on the HTTP listener that redirects to HTTPS would shadow the redirect.
                assert.notEqual(listener!.inputs.defaultActions[0].type, "redirect", `${r.name} is on the redirecting listener`);
            }
            for (const l of listeners) {
                const priorities = rules.filter((r) => r.inputs.listenerArn === l.state.arn).map((r) => r.inputs.priority);
                assert.equal(new Set(priorities).size, priorities.length, `${l.name}: priorities ${priorities} are not unique`);
            }
            // Each rule keeps the priority its service was given (so no rule shifts when another is added).
            for (const s of byExpose("public")) {
                const rule = rules.find((r) => r.parent === s.name);
                assert.equal(rule?.inputs.priority, s.route!.priority, `${s.name}: rule priority`);
            }
        });

        it("every rule holds at most 5 condition values in all", () => {
            // ELB user guide, "Quotas for your Application Load Balancers" → Rules: "Condition values
            // per rule: 5" (not adjustable); each path pattern and host name is one value.
            for (const r of g.ofType(T.rule)) {
                const values = conditionValues(r);
                assert.ok(values.length >= 1 && values.length <= 5, `${r.name}: ${values.length} condition values (${values})`);
            }
        });

        it("each target group: one ECS service, one rule or default action, type ip, in the stack's VPC", () => {
            // ECS developer guide, "Use load balancing to distribute Amazon ECS service traffic":
            // awsvpc tasks register by IP, so the target type must be `ip`; ELB quotas, "Load
            // balancers per target group: 1"; a target group lives in one VPC (CreateTargetGroup VpcId)
            // and only targets in it can register. One service per target group: ECS registers and
            // deregisters the targets of its own tasks, so a shared group would mix two services.
            const vpc = g.one(T.vpc);
            const services = g.ofType(T.service);
            const reachers = [
                ...g.ofType(T.rule).map((r) => ({ name: r.name, tgs: forwardedTo(r.inputs.actions) })),
                ...g.ofType(T.listener).map((l) => ({ name: l.name, tgs: forwardedTo(l.inputs.defaultActions) })),
            ];
            const tgs = g.ofType(T.tg);
            // A blue/green, canary or linear release adds the alternate group ECS alternates with.
            const shifting = (s: ServiceEntry) => (s.release?.strategy ?? "ROLLING") !== "ROLLING";
            assert.equal(tgs.length, byExpose("public").reduce((n, s) => n + (shifting(s) ? 2 : 1), 0), "one target group per public service, two with traffic shifting");
            for (const tg of tgs) {
                const users = services.filter((s) => s.inputs.loadBalancers.some((lb: any) => lb.targetGroupArn === tg.state.arn || lb.advancedConfiguration?.alternateTargetGroupArn === tg.state.arn));
                assert.equal(users.length, 1, `${tg.name}: used by ${users.map((s) => s.name)}`);
                // The production rule (a test listener's rule, when there is one, reaches the same groups).
                const reaching = reachers.filter((r) => r.tgs.includes(tg.state.arn) && !r.name.endsWith("-test-route"));
                assert.equal(reaching.length, 1, `${tg.name}: reached by ${reaching.map((r) => r.name)}`);
                assert.equal(tg.inputs.targetType, "ip");
                assert.equal(tg.inputs.vpcId, vpc.id, `${tg.name}: in the stack's VPC`);
                assert.equal(tg.inputs.port, users[0].inputs.loadBalancers[0].containerPort, `${tg.name}: port is the container port`);
            }
            // Every forward action goes to a target group of this graph.
            for (const r of reachers) for (const arn of r.tgs) assert.ok(tgs.some((tg) => tg.state.arn === arn), `${r.name} forwards to ${arn}`);
        });

        it("every public service is reachable from the ALB on exactly its port, and admits nothing else", () => {
            // ELB user guide, "Security groups for your Application Load Balancer": the ALB's group
            // must allow outbound to the targets on the listener/health-check port, and the targets'
            // groups must allow inbound from the ALB's group on that port.
            const albSg = g.albSg();
            for (const s of byExpose("public")) {
                const svc = g.ecsService(s.name);
                const port = g.containerOf(svc).portMappings[0].containerPort;
                assert.equal(port, s.port, `${s.name}: container port`);
                assert.deepEqual(svc.inputs.loadBalancers.map((lb: any) => lb.containerPort), [port]);
                const taskSg = g.taskSgOf(svc);
                const into = g.ingressInto(taskSg);
                assert.equal(into.length, 1, `${s.name}: exactly one ingress rule, got ${into.map((r) => r.name)}`);
                assert.deepEqual(
                    [into[0].inputs.referencedSecurityGroupId, into[0].inputs.ipProtocol, into[0].inputs.fromPort, into[0].inputs.toPort, into[0].inputs.cidrIpv4],
                    [albSg, "tcp", port, port, undefined],
                    `${s.name}: ingress from the ALB's group on ${port} only`,
                );
                const out = g.egressFrom(albSg).filter((r) => r.inputs.referencedSecurityGroupId === taskSg);
                assert.equal(out.length, 1, `${s.name}: one ALB egress rule to its tasks`);
                assert.deepEqual([out[0].inputs.ipProtocol, out[0].inputs.fromPort, out[0].inputs.toPort], ["tcp", port, port]);
            }
            // The ALB reaches nothing but the public services' tasks.
            const publicSgs = byExpose("public").map((s) => g.taskSgOf(g.ecsService(s.name)));
            for (const r of g.egressFrom(albSg)) assert.ok(publicSgs.includes(r.inputs.referencedSecurityGroupId), `${r.name}: ALB egress to a non-public group`);
        });

        it("internal services admit only their callers, on their port; workers admit nothing", () => {
            // ECS developer guide, "Service Connect" → security groups: the client's proxy connects
            // to the server's tasks on the container port, so the server's group must allow inbound
            // from the client tasks' group; nothing else needs to reach an internal service.
            const internal = byExpose("internal");
            for (const s of internal) {
                const svc = g.ecsService(s.name);
                const port = g.containerOf(svc).portMappings[0].containerPort;
                const callers = config.filter((c) => (c.calls ?? []).includes(s.name));
                assert.ok(callers.length >= 1, `${s.name} has callers in the stack file`);
                const expected = callers.map((c) => g.taskSgOf(g.ecsService(c.name))).sort();
                const into = g.ingressInto(g.taskSgOf(svc));
                assert.deepEqual(into.map((r) => r.inputs.referencedSecurityGroupId).sort(), expected, `${s.name}: ingress from exactly ${callers.map((c) => c.name)}`);
                for (const r of into) {
                    assert.deepEqual([r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4], ["tcp", port, port, undefined], `${r.name}`);
                }
            }
            const workers = byExpose("none");
            for (const s of workers) {
                const svc = g.ecsService(s.name);
                assert.deepEqual(g.ingressInto(g.taskSgOf(svc)).map((r) => r.name), [], `${s.name}: a worker admits nothing`);
                assert.deepEqual(g.containerOf(svc).portMappings, [], `${s.name}: a worker maps no port`);
                assert.deepEqual(svc.inputs.loadBalancers, []);
                assert.equal(svc.inputs.serviceConnectConfiguration, undefined, `${s.name}: a worker that calls nobody needs no Service Connect`);
            }
        });

        it("Service Connect: the cluster's namespace, a named http port mapping, the alias on the container port, <NAME>_URL for callers", () => {
            // ECS API reference, ServiceConnectService: "The portName must match the name of one of the
            // portMappings from all the containers in the task definition"; ServiceConnectClientAlias:
            // dnsName:port is what clients connect to. PortMapping.appProtocol gives the proxy
            // protocol-aware handling (HTTP metrics, retries); ECS developer guide, "Service Connect
            // concepts": a namespace is set per service, the cluster's default is used by new services.
            const namespace = g.one(T.namespace);
            const cluster = g.one(T.cluster);
            assert.equal(cluster.inputs.serviceConnectDefaults?.namespace, namespace.state.arn, "the cluster's default namespace is the HttpNamespace");
            const withSc = g.ofType(T.service).filter((s) => s.inputs.serviceConnectConfiguration !== undefined);
            const expected = config.filter((s) => exposeOf(s) === "internal" || (s.calls ?? []).length > 0).map((s) => s.name).sort();
            assert.deepEqual(withSc.map((s) => s.name).sort(), expected, "internal services and their callers use Service Connect");
            const aliases = new Map<string, { dnsName: string; port: number }>();
            for (const svc of withSc) {
                const sc = svc.inputs.serviceConnectConfiguration;
                assert.equal(sc.enabled, true);
                assert.equal(sc.namespace, namespace.state.arn, `${svc.name}: the cluster's namespace`);
                const container = g.containerOf(svc);
                for (const entry of sc.services ?? []) {
                    const pm = container.portMappings.find((p: any) => p.name === entry.portName);
                    assert.ok(pm, `${svc.name}: portName "${entry.portName}" names a port mapping of ${container.name}`);
                    assert.ok(pm.appProtocol, `${svc.name}: port mapping ${pm.name} has an appProtocol`);
                    assert.equal(entry.clientAlias.length, 1, "at most one client alias (ServiceConnectService.clientAliases)");
                    assert.equal(entry.clientAlias[0].port, pm.containerPort, `${svc.name}: client alias port is the container port`);
                    // The proxy must drop an idle upstream connection before the app does (app/ keeps
                    // idle connections 65 s; Service Connect's own default is 300 s): else a reused,
                    // app-closed connection answers the caller with a 503.
                    assert.ok(entry.timeout?.idleTimeoutSeconds > 0 && entry.timeout.idleTimeoutSeconds < 65, `${svc.name}: proxy idle timeout ${entry.timeout?.idleTimeoutSeconds} s < the app's 65 s keep-alive`);
                    assert.match(entry.discoveryName, /^[a-z0-9_][a-z0-9_-]{0,63}$/, "discoveryName: up to 64 of a-z 0-9 _ -, not starting with -");
                    aliases.set(svc.name, entry.clientAlias[0]);
                }
            }
            for (const s of byExpose("internal")) assert.ok(aliases.has(s.name), `${s.name}: registered as a Service Connect server`);
            for (const s of config) {
                const env = g.env(g.containerOf(g.ecsService(s.name)));
                for (const callee of s.calls ?? []) {
                    const alias = aliases.get(callee)!;
                    const variable = `${callee.toUpperCase().replace(/-/g, "_")}_URL`;
                    assert.equal(env[variable], `http://${alias.dnsName}:${alias.port}`, `${s.name}: ${variable}`);
                }
                const urlVars = Object.keys(env).filter((k) => k.endsWith("_URL") && k !== "QUEUE_URL");
                assert.equal(urlVars.length, (s.calls ?? []).length, `${s.name}: a <NAME>_URL per call and no other (${urlVars})`);
            }
        });

        it("Service Connect: a caller's ECS service waits for the services it calls", () => {
            // ECS developer guide, "Amazon ECS Service Connect components": "Existing tasks can't resolve
            // and connect to the new endpoint. Only new tasks with a Service Connect configuration in the
            // same namespace and that start running after this deployment can resolve and connect to
            // this endpoint" — so for CloudFormation it says to add dependsOn from the front-end client
            // service to each back-end service it connects to. A caller created in parallel with its
            // callee may start tasks that cannot reach it until they are replaced.
            // (The harness sees explicit dependsOn by logical name; the callee's ECS service and its
            // Service component are both named after the service, either one orders the caller.)
            for (const s of config.filter((c) => (c.calls ?? []).length > 0)) {
                const svc = g.ecsService(s.name);
                for (const callee of s.calls!) assert.ok(svc.dependsOn.includes(callee), `${s.name}'s ECS service does not wait for ${callee} (dependsOn: ${svc.dependsOn})`);
            }
        });

        it("each queue consumer gets its own queue: QUEUE_URL, least-privilege task role, redrive to its own DLQ", () => {
            // SQS developer guide, "Using dead-letter queues": the source queue's RedrivePolicy names
            // the DLQ's ARN; IAM best practice (least privilege): sqs actions on the queue's ARN only.
            const consumers = config.filter((s) => s.queue);
            assert.ok(consumers.length >= 1, `${stack} has a service with a queue`);
            const queues = g.ofType(T.queue);
            for (const s of consumers) {
                const svc = g.ecsService(s.name);
                const queueUrl = g.env(g.containerOf(svc)).QUEUE_URL;
                const queue = queues.find((q) => q.state.url === queueUrl);
                assert.ok(queue, `${s.name}: QUEUE_URL ${queueUrl} is a queue of this graph`);
                assert.equal(queue!.parent, `${s.name}-queue`, `${s.name}: consumes the queue made for it`);
                const redrive = JSON.parse(queue!.inputs.redrivePolicy);
                const dlq = queues.find((q) => q.state.arn === redrive.deadLetterTargetArn);
                assert.ok(dlq, "the redrive target is a queue of this graph");
                assert.notEqual(dlq!.state.arn, queue!.state.arn);
                assert.equal(dlq!.parent, queue!.parent, "the DLQ is the queue's own");
                assert.equal(dlq!.inputs.redrivePolicy, undefined, "a DLQ does not redrive further");
                assert.ok(queues.filter((q) => q.inputs.redrivePolicy && JSON.parse(q.inputs.redrivePolicy).deadLetterTargetArn === dlq!.state.arn).length === 1, "no other queue shares the DLQ");

                const td = g.taskDefinitionOf(svc);
                const taskRole = g.ofType(T.role).find((r) => r.state.arn === td.inputs.taskRoleArn);
                assert.ok(taskRole, `${s.name}: task role in the graph`);
                const statements = g.ofType(T.rolePolicy).filter((p) => p.inputs.role === taskRole!.id).flatMap((p) => JSON.parse(p.inputs.policy).Statement);
                const sqs = statements.filter((st: any) => [st.Action].flat().some((a: string) => a.startsWith("sqs:")));
                for (const action of ["sqs:ReceiveMessage", "sqs:DeleteMessage"]) {
                    assert.ok(sqs.some((st: any) => st.Effect === "Allow" && [st.Action].flat().includes(action)), `${s.name}: may ${action}`);
                }
                for (const st of sqs) assert.deepEqual([st.Resource].flat(), [queue!.state.arn], `${s.name}: sqs actions on exactly its queue`);
                for (const st of statements) {
                    assert.ok(![st.Resource].flat().some((r: string) => r.includes("*")), `${s.name}: task-role resource with * (${JSON.stringify(st)})`);
                    assert.ok(![st.Action].flat().some((a: string) => a.includes("*")), `${s.name}: task-role action with *`);
                }
            }
            // Services without a queue get neither QUEUE_URL nor sqs permissions.
            for (const s of config.filter((c) => !c.queue)) assert.equal(g.env(g.containerOf(g.ecsService(s.name))).QUEUE_URL, undefined, `${s.name}: no QUEUE_URL`);
        });

        const backlogTitle = stack === "prod"
            ? "queue-depth scaling reads the worker's own queue and the worker's own cluster/service"
            : "queue-depth scaling: not configured in dev (asserts no backlogPerTask and no backlog policy, then skips)";
        it(backlogTitle, function () {
            // Application Auto Scaling user guide, "Create a target tracking scaling policy using metric
            // math": AWS/SQS ApproximateNumberOfMessagesVisible is dimensioned by QueueName, and ECS
            // Container Insights RunningTaskCount by ClusterName and ServiceName.
            const scaled = config.filter((s) => s.autoscaling?.backlogPerTask !== undefined);
            const backlogPolicies = g.ofType(T.scalingPolicy).filter((p) => (p.inputs.targetTrackingScalingPolicyConfiguration.customizedMetricSpecification?.metrics ?? [])
                .some((m: any) => m.metricStat?.metric.namespace === "AWS/SQS"));
            assert.equal(backlogPolicies.length, scaled.length, "one backlog policy per service with autoscaling.backlogPerTask");
            if (scaled.length === 0) {
                assert.equal(stack, "dev", "only dev is expected to configure no backlog scaling");
                this.skip();
            }
            const cluster = g.one(T.cluster);
            for (const s of scaled) {
                const svc = g.ecsService(s.name);
                const policy = backlogPolicies.find((p) => p.parent === s.name);
                assert.ok(policy, `${s.name}: has the backlog policy`);
                assert.equal(policy!.inputs.resourceId, `service/${cluster.state.name}/${svc.state.name}`);
                const cfg = policy!.inputs.targetTrackingScalingPolicyConfiguration;
                assert.equal(cfg.targetValue, s.autoscaling!.backlogPerTask);
                const metrics: any[] = cfg.customizedMetricSpecification.metrics;
                const dims = (namespace: string, metricName: string) => {
                    const m = metrics.filter((x) => x.metricStat?.metric.namespace === namespace && x.metricStat.metric.metricName === metricName);
                    assert.equal(m.length, 1, `one ${namespace} ${metricName} query`);
                    return Object.fromEntries(m[0].metricStat.metric.dimensions.map((d: any) => [d.name, d.value]));
                };
                const queueUrl = g.env(g.containerOf(svc)).QUEUE_URL;
                const queue = g.ofType(T.queue).find((q) => q.state.url === queueUrl)!;
                assert.deepEqual(dims("AWS/SQS", "ApproximateNumberOfMessagesVisible"), { QueueName: queue.state.name }, `${s.name}: the queue whose URL it consumes`);
                assert.deepEqual(dims("ECS/ContainerInsights", "RunningTaskCount"), { ClusterName: cluster.state.name, ServiceName: svc.state.name }, `${s.name}: its own service`);
                assert.equal(cluster.inputs.settings.find((x: any) => x.name === "containerInsights")?.value !== "disabled", true, "RunningTaskCount needs Container Insights");
                // Exactly one query returns data, and it is the expression over the two.
                const returned = metrics.filter((m) => m.returnData);
                assert.equal(returned.length, 1);
                const ids = metrics.filter((m) => m.metricStat).map((m) => m.id);
                for (const id of ids) assert.ok(returned[0].expression.includes(id), `the expression uses ${id}`);
            }
        });

        it("every ECS service: circuit breaker with rollback, 100 % minimum / 200 % maximum", () => {
            // ECS developer guide, "Deployment circuit breaker" and "Rolling update" (minimumHealthyPercent,
            // maximumPercent): full capacity during deploys, a deploy that never gets healthy rolls back.
            for (const svc of g.ofType(T.service)) {
                assert.deepEqual(svc.inputs.deploymentCircuitBreaker, { enable: true, rollback: true }, svc.name);
                assert.equal(svc.inputs.deploymentMinimumHealthyPercent, 100, svc.name);
                assert.equal(svc.inputs.deploymentMaximumPercent, 200, svc.name);
            }
        });

        const haTitle = stack === "prod"
            ? "prod: every service runs at least 2 tasks"
            : "dev: at least 2 tasks per service does not apply (dev runs one task per service to save cost; skipped)";
        it(haTitle, function () {
            // ECS developer guide, "Best practices – availability": run at least two tasks spread over
            // AZs so one AZ or task failure leaves the service up.
            if (stack === "dev") this.skip();
            for (const svc of g.ofType(T.service)) assert.ok(svc.inputs.desiredCount >= 2, `${svc.name}: desiredCount ${svc.inputs.desiredCount}`);
            for (const s of config) assert.ok(s.autoscaling === undefined || s.autoscaling.minCount >= 2, `${s.name}: autoscaling.minCount ${s.autoscaling?.minCount}`);
        });
    });
}

/** The dev stack's services as written, with `edit` applied to a deep copy. */
function devServices(edit: (services: any[]) => void): any[] {
    const services = structuredClone(servicesOf("dev")) as any[];
    edit(services);
    return services;
}
const named = (services: any[], name: string) => {
    const s = services.find((x) => x.name === name);
    if (!s) throw new Error(`no service ${name} in Pulumi.dev.yaml`);
    return s;
};
/** A public service like web, on its own path and priority. */
const extraPublic = (name: string, priority: number, paths?: string[]) => ({
    name, expose: "public", port: 8080, route: { priority, ...(paths ? { paths } : {}) },
    cpu: 256, memory: 512, desiredCount: 1, capacity: "fargateSpot", subnets: "public", logRetentionDays: 7,
});

/** Each case: a `services` list (or other keys) replacing the dev stack's, and the fragments its error must contain. */
const badServices: { title: string; override: Record<string, unknown>; expect: string[] }[] = [
    {
        title: "a duplicate route priority",
        override: { services: devServices((s) => s.push(extraPublic("admin", 50000, ["/admin/*"]))) },
        expect: ["webapp:services.admin.route.priority", "got 50000", "already used by web"],
    },
    {
        title: "a duplicate path (two public services matching the same)",
        override: { services: devServices((s) => s.push(extraPublic("admin", 100, ["/*"]))) },
        expect: ["webapp:services.admin.route", "matches exactly what web's route matches", "/*"],
    },
    {
        title: "an internal service nobody calls",
        override: { services: devServices((s) => { named(s, "web").calls = []; }) },
        expect: ["webapp:services.api.expose", '"internal" but no service lists "api"'],
    },
    {
        title: "a worker with a port",
        override: { services: devServices((s) => { named(s, "worker").port = 8080; }) },
        expect: ["webapp:services.worker.port", "got 8080", "worker"],
    },
    {
        title: "a rule with too many conditions (6 paths)",
        override: { services: devServices((s) => { named(s, "web").route.paths = ["/a", "/b", "/c", "/d", "/e", "/f"]; }) },
        expect: ["webapp:services.web.route.paths", "got 6 values", "at most 5"],
    },
    {
        title: "a call to an unknown service",
        override: { services: devServices((s) => { named(s, "web").calls = ["api", "billing"]; }) },
        expect: ["webapp:services.web.calls", '"billing" is not a service', "api, worker"],
    },
    {
        title: "a call to a public (non-internal) service",
        override: { services: devServices((s) => { named(s, "worker").calls = ["web"]; }) },
        expect: ["webapp:services.worker.calls", '"web" is public, not internal'],
    },
    {
        title: "a call cycle",
        override: {
            services: devServices((s) => {
                named(s, "api").calls = ["api2"];
                s.push({ ...structuredClone(named(s, "api")), name: "api2", port: 8081, calls: ["api"] });
            }),
        },
        expect: ["webapp:services", "calls go round in a circle", "api → api2 → api"],
    },
    {
        title: "backlogPerTask without a queue",
        override: { services: devServices((s) => { named(s, "api").autoscaling = { minCount: 1, maxCount: 3, backlogPerTask: 10 }; }) },
        expect: ["webapp:services.api.autoscaling.backlogPerTask", "got 10", "queue"],
    },
    {
        title: "requestsPerTarget on a worker",
        override: { services: devServices((s) => { named(s, "worker").autoscaling = { minCount: 1, maxCount: 3, requestsPerTarget: 100 }; }) },
        expect: ["webapp:services.worker.autoscaling.requestsPerTarget", "got 100", "only a public service"],
    },
    {
        title: "network.azCount 1 with a public service (names both keys)",
        override: { network: { azCount: 1, natGateways: "none" } },
        expect: ["webapp:network.azCount", "got 1", "webapp:services.web.route"],
    },
    {
        title: "a route on an internal service",
        override: { services: devServices((s) => { named(s, "api").route = { priority: 10, paths: ["/api/*"] }; }) },
        expect: ["webapp:services.api.route", 'expose is "internal"'],
    },
    {
        title: "two services with one name",
        override: { services: devServices((s) => s.push({ ...structuredClone(named(s, "worker")), queue: undefined })) },
        expect: ['webapp:services[3].name', 'got "worker"', "unique"],
    },
];

const refusal = (override: Record<string, unknown>) => refusedRun("dev", override);

describe("services: bad service lists are refused before any resource, naming the key", () => {
    for (const c of badServices) {
        it(c.title, async () => {
            const error = await refusal(c.override);
            for (const fragment of c.expect) assert.ok(error.message.includes(fragment), `"${fragment}" missing from:\n${error.message}`);
        });
    }
});

describe("services: adding and removing services", () => {
    it("a fourth public service with its own priority leaves the existing rules' priorities and every URN unchanged", async () => {
        const before = await committedStack("dev");
        const after = await runStack("dev", { services: devServices((s) => s.push(extraPublic("admin", 100, ["/admin/*"]))) });
        const rules = (run: typeof before) => new Map(run.resources.filter((r) => r.type === T.rule).map((r) => [r.urn, r.inputs]));
        const [was, is] = [rules(before), rules(after)];
        assert.ok(was.size >= 1);
        for (const [urn, inputs] of was) {
            assert.ok(is.has(urn), `rule ${urn} keeps its URN`);
            assert.equal(is.get(urn)!.priority, inputs.priority, `${urn}: priority`);
            assert.deepEqual(is.get(urn)!.conditions, inputs.conditions, `${urn}: conditions`);
        }
        const added = [...is.entries()].filter(([urn]) => !was.has(urn));
        assert.equal(added.length, 1, "one rule added");
        assert.equal(added[0][1].priority, 100);
        assert.deepEqual(conditionValues({ inputs: added[0][1] } as RecordedResource), ["/admin/*"]);
        // Nothing else is replaced: every URN of the committed stack is still made.
        const urns = new Set(after.resources.map((r) => r.urn));
        const gone = before.resources.map((r) => r.urn).filter((u) => !urns.has(u));
        assert.deepEqual(gone, [], "no existing resource changes URN");
        // The new service is wired like web: its own target group, reached by its own rule only.
        const g = new Graph(after);
        const adminTg = g.ofType(T.tg).find((t) => t.parent === "admin");
        assert.ok(adminTg, "admin has a target group");
        assert.deepEqual(forwardedTo(added[0][1].actions), [adminTg!.state.arn]);
    });

    it("removing api's only caller makes the config refuse (an internal service nobody calls)", async () => {
        const callers = servicesOf("dev").filter((s) => (s.calls ?? []).includes("api"));
        assert.deepEqual(callers.map((s) => s.name), ["web"], "web is api's only caller in Pulumi.dev.yaml");
        const error = await refusal({ services: devServices((s) => { delete named(s, "web").calls; }) });
        assert.match(error.message, /webapp:services\.api\.expose: "internal" but no service lists "api" in calls/);
    });
});
