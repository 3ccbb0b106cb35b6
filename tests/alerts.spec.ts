/**
 * Alerts over both committed stacks' graphs: the topic and who may publish to it, every alarm's
 * metric and dimensions against what CloudWatch publishes and the resources of the graph, the
 * deployment alarms ECS rolls back on, the job-failure rules (run through a model of EventBridge
 * matching with real-shaped ECS events), the dashboard, the no-subscriber warning, and bad alert
 * configs refused before any resource.
 */
import { strict as assert } from "node:assert";
import { Alerts, ALARM_KINDS, alarmPeriod, Environment, Exposure, metricAlarmProblems, NO_SUBSCRIPTION_WARNING, PUBLIC_SERVICE_ALARMS, SERVICE_ALARMS } from "fargatekit";
import { ACCOUNT, committedStack, Graph, projectConfig, RecordedResource, REGION, runComponents, refusedRun, runStack } from "./harness";
import { matches, taskStoppedEvent } from "./event-pattern-model";

const T = {
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    topic: "aws:sns/topic:Topic",
    topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
    subscription: "aws:sns/topicSubscription:TopicSubscription",
    key: "aws:kms/key:Key",
    alias: "aws:kms/alias:Alias",
    rule: "aws:cloudwatch/eventRule:EventRule",
    target: "aws:cloudwatch/eventTarget:EventTarget",
    dashboard: "aws:cloudwatch/dashboard:Dashboard",
    service: "aws:ecs/service:Service",
    cluster: "aws:ecs/cluster:Cluster",
    taskDef: "aws:ecs/taskDefinition:TaskDefinition",
    lb: "aws:lb/loadBalancer:LoadBalancer",
    tg: "aws:lb/targetGroup:TargetGroup",
    listener: "aws:lb/listener:Listener",
    listenerRule: "aws:lb/listenerRule:ListenerRule",
    queue: "aws:sqs/queue:Queue",
    schedule: "aws:scheduler/schedule:Schedule",
};

/** IAM's ArnLike: `*` any run of characters, `?` one character (IAM user guide, "ARN condition operators"). */
const arnLike = (pattern: string, arn: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`).test(arn);
const statements = (doc: string): any[] => [JSON.parse(doc).Statement].flat();
const list = <V>(v: V | V[] | undefined): V[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/**
 * The dimension sets CloudWatch publishes each metric with (an alarm on another set gets no data):
 * ELB user guide, "CloudWatch metrics for your Application Load Balancer" (HTTPCode_ELB_5XX_Count per
 * LoadBalancer only; target metrics per LoadBalancer and per TargetGroup+LoadBalancer); ECS developer
 * guide, "Amazon ECS CloudWatch metrics" and Container Insights metrics; SQS developer guide,
 * "Available CloudWatch metrics" (QueueName); EventBridge user guide, "Monitoring" (RuleName alone is
 * the default bus).
 */
const LB_TG = ["LoadBalancer", "TargetGroup"];
const PUBLISHED: Record<string, string[][]> = {
    "AWS/ApplicationELB RequestCount": [["LoadBalancer"], LB_TG],
    "AWS/ApplicationELB HTTPCode_Target_5XX_Count": [["LoadBalancer"], LB_TG],
    "AWS/ApplicationELB TargetResponseTime": [["LoadBalancer"], LB_TG],
    "AWS/ApplicationELB HealthyHostCount": [LB_TG],
    "AWS/ApplicationELB UnHealthyHostCount": [LB_TG],
    "AWS/ApplicationELB HTTPCode_ELB_5XX_Count": [["LoadBalancer"]],
    "AWS/ECS CPUUtilization": [["ClusterName"], ["ClusterName", "ServiceName"]],
    "AWS/ECS MemoryUtilization": [["ClusterName"], ["ClusterName", "ServiceName"]],
    "ECS/ContainerInsights RunningTaskCount": [["ClusterName", "ServiceName"]],
    "ECS/ContainerInsights DesiredTaskCount": [["ClusterName", "ServiceName"]],
    "AWS/SQS ApproximateAgeOfOldestMessage": [["QueueName"]],
    "AWS/SQS ApproximateNumberOfMessagesVisible": [["QueueName"]],
    "AWS/Events MatchedEvents": [["RuleName"]],
};

class AlertsGraph extends Graph {
    get alarms() { return this.ofType(T.alarm); }
    get topic() { return this.one(T.topic); }
    /** The load balancer a target group receives traffic from (listener rule → listener → load balancer). */
    loadBalancerOf(tg: RecordedResource): RecordedResource | undefined {
        // A plain forward names one group; a weighted forward (traffic-shifting releases) several.
        const forwardsTo = (a: any) => a.targetGroupArn === tg.state.arn || (a.forward?.targetGroups ?? []).some((g: any) => g.arn === tg.state.arn);
        const rule = this.ofType(T.listenerRule).find((r) => r.inputs.actions.some(forwardsTo));
        const listener = this.ofType(T.listener).find((l) => l.state.arn === rule?.inputs.listenerArn);
        return this.ofType(T.lb).find((lb) => lb.state.arn === listener?.inputs.loadBalancerArn);
    }
    /** Why a metric with these dimensions names no real thing of this graph (empty when it does). */
    metricProblems(where: string, namespace: string, metricName: string, dims: Record<string, string>): string[] {
        const p: string[] = [];
        const sets = PUBLISHED[`${namespace} ${metricName}`];
        const names = Object.keys(dims).sort();
        if (!sets) return [`${where}: ${namespace} ${metricName} is not a metric this project expects`];
        if (!sets.some((s) => JSON.stringify([...s].sort()) === JSON.stringify(names))) p.push(`${where}: ${metricName} is not published with dimensions ${names.join(", ")} (published: ${sets.map((s) => s.join("+")).join(" | ")})`);
        const lb = dims.LoadBalancer === undefined ? undefined : this.ofType(T.lb).find((x) => x.state.arnSuffix === dims.LoadBalancer);
        if (dims.LoadBalancer !== undefined && !lb) p.push(`${where}: LoadBalancer ${dims.LoadBalancer} is no load balancer's arnSuffix`);
        if (dims.TargetGroup !== undefined) {
            const tg = this.ofType(T.tg).find((x) => x.state.arnSuffix === dims.TargetGroup);
            if (!tg) p.push(`${where}: TargetGroup ${dims.TargetGroup} is no target group's arnSuffix`);
            else if (this.loadBalancerOf(tg) !== lb) p.push(`${where}: target group ${tg.name} does not receive traffic from load balancer ${lb?.name}`);
        }
        const cluster = this.one(T.cluster);
        if (dims.ClusterName !== undefined && dims.ClusterName !== cluster.state.name) p.push(`${where}: ClusterName ${dims.ClusterName} is not the cluster ${cluster.state.name}`);
        if (dims.ServiceName !== undefined && !this.ofType(T.service).some((s) => s.state.name === dims.ServiceName && s.inputs.cluster === cluster.state.arn)) p.push(`${where}: ServiceName ${dims.ServiceName} is no ECS service of the cluster`);
        if (dims.QueueName !== undefined && !this.ofType(T.queue).some((q) => q.state.name === dims.QueueName)) p.push(`${where}: QueueName ${dims.QueueName} is no queue of the graph`);
        if (dims.RuleName !== undefined && !this.ofType(T.rule).some((r) => r.state.name === dims.RuleName && r.inputs.eventBusName === undefined)) p.push(`${where}: RuleName ${dims.RuleName} is no rule of the default bus`);
        return p;
    }
    /** Each metric an alarm reads, with its dimensions. */
    metricsOf(alarm: RecordedResource): { namespace: string; metricName: string; dims: Record<string, string>; period: number }[] {
        const i = alarm.inputs;
        if (i.metricQueries) return i.metricQueries.filter((q: any) => q.metric).map((q: any) => ({ namespace: q.metric.namespace, metricName: q.metric.metricName, dims: q.metric.dimensions ?? {}, period: q.metric.period }));
        return [{ namespace: i.namespace, metricName: i.metricName, dims: i.dimensions ?? {}, period: i.period }];
    }
    /** The alarms whose metrics are dimensioned by `dim` = `value`. */
    alarmsOn(dim: string, value: string) { return this.alarms.filter((a) => this.metricsOf(a).some((m) => m.dims[dim] === value)); }
    kindOf(alarm: RecordedResource): string { return alarm.inputs.tags.alarm; }
}

interface ServiceEntry { name: string; expose?: string; route?: unknown; queue?: unknown; alarms?: { enabled?: boolean; rollback?: boolean } }
const servicesOf = (stack: "dev" | "prod"): ServiceEntry[] => projectConfig(stack).services;
const isPublic = (s: ServiceEntry) => (s.expose ?? (s.route ? "public" : "none")) === "public";

for (const stack of ["dev", "prod"] as const) {
    describe(`alerts: rules over the ${stack} graph`, () => {
        let g: AlertsGraph;
        const prefix = `webapp-${stack}`;
        before(async () => { g = new AlertsGraph(await committedStack(stack)); });

        it("one topic, encrypted with a customer managed key of the stack that rotates (not alias/aws/sns)", () => {
            // SNS developer guide, "Enable compatibility between event sources from AWS services and
            // encrypted topics": step 1 "Use a customer managed key" — alias/aws/sns's policy cannot grant
            // CloudWatch or EventBridge its use, so their messages would be dropped. KMS.4: rotation on.
            const topic = g.topic;
            assert.doesNotMatch(String(topic.inputs.kmsMasterKeyId), /alias\/aws\//, "not an AWS managed key");
            const key = g.ofType(T.key).find((k) => k.state.arn === topic.inputs.kmsMasterKeyId);
            assert.ok(key, `the topic's key ${topic.inputs.kmsMasterKeyId} is a key of the stack`);
            assert.equal(key!.inputs.enableKeyRotation, true);
            assert.equal(topic.state.name, `${prefix}-alerts`);
        });

        it("the key lets CloudWatch (this account's alarms of this stack) and EventBridge encrypt; the account administers it", () => {
            // Same SNS guide, step 2: the service principal gets kms:GenerateDataKey* and kms:Decrypt; step 3:
            // aws:SourceAccount/aws:SourceArn conditions — "not supported for EventBridge-to-encrypted topics".
            const key = g.ofType(T.key).find((k) => k.state.arn === g.topic.inputs.kmsMasterKeyId)!;
            const st = statements(key.inputs.policy);
            const forService = (svc: string) => st.filter((s) => s.Effect === "Allow" && s.Principal?.Service === svc);
            for (const svc of ["cloudwatch.amazonaws.com", "events.amazonaws.com"]) {
                const actions = forService(svc).flatMap((s) => list(s.Action));
                assert.deepEqual([...new Set(actions)].sort(), ["kms:Decrypt", "kms:GenerateDataKey*"], `${svc} may encrypt and nothing else`);
            }
            const cw = forService("cloudwatch.amazonaws.com")[0];
            assert.equal(cw.Condition.StringEquals["aws:SourceAccount"], ACCOUNT);
            for (const a of g.alarms) assert.ok(arnLike(cw.Condition.ArnLike["aws:SourceArn"], a.state.arn), `${a.state.arn} may use the key`);
            assert.equal(forService("events.amazonaws.com")[0].Condition, undefined, "no source conditions for EventBridge (unsupported)");
            const admin = st.find((s) => s.Principal?.AWS === `arn:aws:iam::${ACCOUNT}:root`);
            assert.ok(admin && list(admin.Action).includes("kms:*"), "the account administers the key (KMS default key policy)");
            assert.equal(st.length, 3, "no other principal");
            const alias = g.one(T.alias);
            assert.equal(alias.inputs.targetKeyId, key.state.keyId);
        });

        it("the topic policy lets exactly this stack's alarms and rules publish, scoped by source", () => {
            // CloudWatch user guide, "Confused deputy prevention" (aws:SourceArn of the alarm,
            // aws:SourceAccount); EventBridge user guide, "Amazon SNS permissions" (aws:SourceArn of the rule).
            const policy = g.one(T.topicPolicy);
            assert.equal(policy.inputs.arn, g.topic.state.arn);
            const st = statements(policy.inputs.policy);
            const cw = st.filter((s) => s.Principal?.Service === "cloudwatch.amazonaws.com");
            const ev = st.filter((s) => s.Principal?.Service === "events.amazonaws.com");
            assert.equal(cw.length, 1);
            assert.equal(ev.length, 1);
            assert.equal(st.length, 2, "nothing but the two services");
            for (const s of [...cw, ...ev]) {
                assert.equal(s.Effect, "Allow");
                assert.deepEqual(list(s.Action), ["sns:Publish"]);
                assert.equal(s.Resource, g.topic.state.arn);
            }
            assert.equal(cw[0].Condition.StringEquals["aws:SourceAccount"], ACCOUNT);
            const alarmPattern = cw[0].Condition.ArnLike["aws:SourceArn"];
            assert.equal(alarmPattern, `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${prefix}-*`);
            for (const a of g.alarms) assert.ok(arnLike(alarmPattern, a.state.arn), `${a.name} may publish`);
            const rulePattern = ev[0].Condition.ArnLike["aws:SourceArn"];
            const publishing = g.ofType(T.target).filter((t) => t.inputs.arn === g.topic.state.arn).map((t) => g.ofType(T.rule).find((r) => r.state.name === t.inputs.rule)!);
            assert.ok(publishing.length >= 1, "job rules publish to the topic");
            for (const r of publishing) assert.ok(arnLike(rulePattern, r.state.arn), `${r.state.arn} may publish`);
            assert.ok(!arnLike(alarmPattern, `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:another-stack-cpu`), "another stack's alarm may not");
        });

        it("every alarm: CloudWatch accepts it, it notifies the stack's topic only, its name starts with the stack's prefix", () => {
            // CloudWatch API reference, PutMetricAlarm (components/alarm-limits.ts).
            assert.ok(g.alarms.length >= 10);
            const names = g.alarms.map((a) => a.state.name);
            assert.equal(new Set(names).size, names.length, "alarm names are unique in the Region");
            for (const a of g.alarms) {
                assert.deepEqual(metricAlarmProblems(a.inputs), [], `${a.name}`);
                assert.deepEqual(a.inputs.alarmActions, [g.topic.state.arn], `${a.name}: notifies the topic`);
                assert.equal(a.inputs.actionsEnabled, true);
                assert.ok(a.state.name.startsWith(`${prefix}-`), a.state.name);
                assert.ok(alarmPeriod(a.inputs)! >= 60, `${a.name}: standard resolution (AWS metrics are per minute)`);
            }
        });

        it("every alarm's metrics are published with its dimensions, and the dimensions name real resources of the graph", () => {
            for (const a of g.alarms) {
                for (const m of g.metricsOf(a)) assert.deepEqual(g.metricProblems(a.name, m.namespace, m.metricName, m.dims), [], a.name);
            }
        });

        it("each service gets its alarms: public ones on their target group (5xx rate as metric math over requests, p99, unhealthy hosts), every one CPU, memory, tasks below desired", () => {
            for (const s of servicesOf(stack)) {
                const svc = g.ofType(T.service).find((x) => x.name === s.name)!;
                const mine = [...g.alarmsOn("ServiceName", svc.state.name)];
                // A traffic-shifting release has two groups and ECS swaps the live one: alarms read both.
                const tgs = g.ofType(T.tg).filter((t) => t.parent === s.name);
                for (const tg of tgs) for (const a of g.alarmsOn("TargetGroup", tg.state.arnSuffix)) if (!mine.includes(a)) mine.push(a);
                const kinds = mine.map((a) => g.kindOf(a)).sort();
                const expected = [...(isPublic(s) ? PUBLIC_SERVICE_ALARMS : []), ...SERVICE_ALARMS].slice().sort();
                assert.deepEqual(kinds, expected, `${s.name}'s alarms`);
                for (const a of mine) assert.equal(a.state.name, `${prefix}-${s.name}-${ALARM_KINDS[g.kindOf(a) as keyof typeof ALARM_KINDS].slug}`);
                if (tgs.length === 0) continue;
                const groupsRead = (a: RecordedResource) => new Set(g.metricsOf(a).map((m) => m.dims.TargetGroup).filter(Boolean));
                for (const kind of PUBLIC_SERVICE_ALARMS) {
                    const a = mine.find((x) => g.kindOf(x) === kind)!;
                    assert.deepEqual([...groupsRead(a)].sort(), tgs.map((t) => t.state.arnSuffix).sort(), `${s.name} ${kind} reads every target group of the service`);
                }
                const rate = mine.find((a) => g.kindOf(a) === "targetErrorRate")!;
                const metrics = g.metricsOf(rate);
                for (const tg of tgs) {
                    const of = (name: string) => metrics.filter((m) => m.metricName === name && m.dims.TargetGroup === tg.state.arnSuffix).length;
                    assert.equal(of("HTTPCode_Target_5XX_Count"), 1, `${tg.name}: its 5xx count`);
                    assert.equal(of("RequestCount"), 1, `${tg.name}: its request count (a rate: divided by the requests)`);
                }
                const returned = rate.inputs.metricQueries.filter((x: any) => x.returnData);
                assert.equal(returned.length, 1);
                assert.match(returned[0].expression, /errors\d?\b.*\/ \(?(FILL\()?requests/, "the expression divides errors by requests");
                const p99 = mine.find((a) => g.kindOf(a) === "latencyP99")!;
                if (tgs.length === 1) {
                    assert.equal(p99.inputs.extendedStatistic, "p99");
                    assert.equal(p99.inputs.metricName, "TargetResponseTime");
                } else {
                    const reads = p99.inputs.metricQueries.filter((x: any) => x.metric);
                    assert.ok(reads.every((x: any) => x.metric.metricName === "TargetResponseTime" && x.metric.stat === "p99"), "p99 of each group");
                    assert.match(p99.inputs.metricQueries.find((x: any) => x.returnData).expression, /^MAX\(\[/, "the worse of the groups");
                }
            }
        });

        it("the load balancer's own 5xx alarm is per load balancer (CloudWatch has no per-target-group ELB 5xx); queues and jobs alarm on their dead letters", () => {
            const lb = g.one(T.lb);
            const elb = g.alarms.filter((a) => g.kindOf(a) === "loadBalancerErrors");
            assert.equal(elb.length, 1);
            assert.deepEqual(elb[0].inputs.dimensions, { LoadBalancer: lb.state.arnSuffix });
            // Every dead-letter queue (a queue another queue redrives to, or a schedule's dead-letter target)
            // has an alarm on its visible messages; every work queue one on its oldest message.
            const queues = g.ofType(T.queue);
            const dlqArns = new Set([
                ...queues.filter((q) => q.inputs.redrivePolicy).map((q) => JSON.parse(q.inputs.redrivePolicy).deadLetterTargetArn),
                ...g.ofType(T.schedule).map((s) => s.inputs.target.deadLetterConfig.arn),
            ]);
            assert.ok(dlqArns.size >= 2);
            for (const q of queues) {
                const kinds = g.alarmsOn("QueueName", q.state.name).map((a) => g.kindOf(a));
                assert.deepEqual(kinds, dlqArns.has(q.state.arn) ? ["deadLetters"] : ["queueAge"], `${q.name}`);
            }
            for (const a of g.alarms.filter((x) => g.kindOf(x) === "deadLetters")) {
                assert.equal(a.inputs.metricName, "ApproximateNumberOfMessagesVisible");
                assert.equal(a.inputs.comparisonOperator, "GreaterThanThreshold");
                assert.equal(a.inputs.threshold, 0, "any message");
            }
        });

        it("deployment alarms: each public service rolls back on its 5xx rate and p99 alarms, which exist before the ECS service; others have none", () => {
            // ECS API reference, DeploymentAlarms (alarmNames, enable, rollback; ECS deployment controller
            // only); ECS developer guide, "How CloudWatch alarms detect Amazon ECS deployment failures".
            for (const s of servicesOf(stack)) {
                const svc = g.ofType(T.service).find((x) => x.name === s.name)!;
                const cfg = svc.inputs.alarms;
                if (!isPublic(s)) {
                    assert.equal(cfg, undefined, `${s.name}: no deployment alarms`);
                    continue;
                }
                assert.equal(cfg.enable, true);
                assert.equal(cfg.rollback, true);
                assert.equal(svc.inputs.deploymentController?.type ?? "ECS", "ECS", "deployment alarms need the ECS (rolling) controller");
                const named = cfg.alarmNames.map((n: string) => g.alarms.find((a) => a.state.name === n));
                assert.ok(named.every(Boolean), `${s.name}: every deployment alarm exists (${cfg.alarmNames})`);
                assert.deepEqual(named.map((a: RecordedResource) => g.kindOf(a)).sort(), ["latencyP99", "targetErrorRate"]);
                for (const a of named) assert.ok(svc.dependsOn.includes(a.name), `${s.name}'s ECS service waits for ${a.name}`);
            }
        });

        it("each job: a failure rule on its family's STOPPED events targeting the topic with a readable message, and a run counter", () => {
            const cluster = g.one(T.cluster);
            const schedules = g.ofType(T.schedule);
            assert.ok(schedules.length >= 1);
            const jobFamilies = schedules.map((s) => g.ofType(T.taskDef).find((td) => td.state.arn === s.inputs.target.ecsParameters.taskDefinitionArn)!);
            for (const td of jobFamilies) {
                const job = td.name; // job-<name>
                const failed = g.ofType(T.rule).find((r) => r.state.name === `${prefix}-${job}-failed`);
                const runs = g.ofType(T.rule).find((r) => r.state.name === `${prefix}-${job}-runs`);
                assert.ok(failed && runs, `${job}: both rules`);
                const pattern = JSON.parse(failed!.inputs.eventPattern);
                assert.deepEqual(pattern.source, ["aws.ecs"]);
                assert.deepEqual(pattern["detail-type"], ["ECS Task State Change"]);
                assert.deepEqual(pattern.detail.clusterArn, [cluster.state.arn]);
                assert.deepEqual(pattern.detail.lastStatus, ["STOPPED"]);
                assert.deepEqual(pattern.detail.taskDefinitionArn, [{ prefix: `${td.state.arnWithoutRevision}:` }], `${job}: exactly its family`);

                // Real-shaped events through the pattern (tests/event-pattern-model.ts).
                const ev = (o: { exitCode?: number; stopCode?: string; arn?: string; cluster?: string }) =>
                    taskStoppedEvent({ clusterArn: o.cluster ?? cluster.state.arn, taskDefinitionArn: o.arn ?? td.state.arn, exitCode: o.exitCode, stopCode: o.stopCode });
                assert.equal(matches(pattern, ev({ exitCode: 1 })), true, "a run that exits 1 is reported");
                assert.equal(matches(pattern, ev({ exitCode: 137 })), true, "a run killed by SIGKILL is reported");
                assert.equal(matches(pattern, ev({ stopCode: "TaskFailedToStart" })), true, "a run whose container never ran is reported");
                assert.equal(matches(pattern, ev({ exitCode: 0 })), false, "a run that succeeded is not");
                // app/test/jobs.test.mjs: "another run of the family is RUNNING: … skips the work, exit 0".
                assert.equal(matches(pattern, ev({ exitCode: 0 })), false, "the overlap skip exits 0: not reported");
                assert.equal(matches(pattern, ev({ exitCode: 1, arn: `${td.state.arnWithoutRevision}-2:1` })), false, "another family sharing the prefix is not");
                assert.equal(matches(pattern, ev({ exitCode: 1, arn: td.state.arn.replace(/:1$/, ":7") })), true, "any revision of the family");
                for (const svcTd of g.ofType(T.taskDef).filter((t) => !jobFamilies.includes(t))) assert.equal(matches(pattern, ev({ exitCode: 1, arn: svcTd.state.arn })), false, `${svcTd.name}'s tasks are not the job's`);
                assert.equal(matches(pattern, ev({ exitCode: 1, cluster: cluster.state.arn.replace(/cluster\/.*/, "cluster/other") })), false, "another cluster's tasks are not");
                assert.equal(matches(JSON.parse(runs!.inputs.eventPattern), ev({ exitCode: 0 })), true, "the run counter counts every stopped run");

                const targets = g.ofType(T.target).filter((t) => t.inputs.rule === failed!.state.name);
                assert.equal(targets.length, 1, `${job}: one target`);
                const t = targets[0];
                assert.equal(t.inputs.arn, g.topic.state.arn);
                const { inputPaths, inputTemplate } = t.inputs.inputTransformer;
                // EventBridge API reference, InputTransformer: ≤ 100 paths, keys alphanumeric, template ≤ 8192.
                assert.ok(Object.keys(inputPaths).length <= 100);
                for (const k of Object.keys(inputPaths)) assert.match(k, /^[A-Za-z0-9]+$/);
                const used = [...inputTemplate.matchAll(/<([A-Za-z0-9]+)>/g)].map((m: RegExpMatchArray) => m[1]);
                assert.deepEqual([...new Set(used)].sort(), Object.keys(inputPaths).sort(), "every placeholder has a path and every path is used");
                assert.ok(inputTemplate.length <= 8192);
                assert.ok(inputTemplate.includes(JSON.parse(td.inputs.containerDefinitions)[0].logConfiguration.options["awslogs-group"]), "the message names the job's log group");
                assert.equal(g.ofType(T.target).filter((x) => x.inputs.rule === runs!.state.name).length, 0, "the run counter has no target");
            }
        });

        it("the dashboard is built from the graph: every metric names real resources, every alarm is on it, every concern has a graph", () => {
            const d = g.one(T.dashboard);
            assert.equal(d.inputs.dashboardName, prefix);
            const body = JSON.parse(d.inputs.dashboardBody);
            const metricWidgets = body.widgets.filter((w: any) => w.type === "metric");
            for (const w of metricWidgets) {
                assert.equal(w.properties.region, REGION, `${w.properties.title}: a metric widget needs its region`);
                for (const m of w.properties.metrics) {
                    const [namespace, metricName, ...rest] = m;
                    const dims: Record<string, string> = {};
                    for (let i = 0; i + 1 < rest.length && typeof rest[i] === "string"; i += 2) dims[rest[i]] = rest[i + 1];
                    assert.deepEqual(g.metricProblems(`dashboard "${w.properties.title}"`, namespace, metricName, dims), []);
                }
            }
            for (const w of body.widgets) for (const k of ["x", "y", "width", "height"]) assert.ok(Number.isInteger(w[k]) && w[k] >= 0, `${k}`);
            const shown = body.widgets.filter((w: any) => w.type === "alarm").flatMap((w: any) => w.properties.alarms).sort();
            assert.deepEqual(shown, g.alarms.map((a) => a.state.arn).sort(), "the alarm widget shows every alarm");
            const titles = metricWidgets.map((w: any) => w.properties.title);
            for (const t of ["Requests", "5xx", "Latency p50 / p99", "Healthy", "CPU", "Memory", "Running / desired tasks", "Job runs and failures", "Dead-letter"]) {
                assert.ok(titles.some((x: string) => x.startsWith(t)), `a "${t}" graph (${titles})`);
            }
            assert.match(String(g.run.outputs.dashboardUrl), new RegExp(`^https://${REGION}\\.console\\.aws\\.amazon\\.com/cloudwatch/home\\?region=${REGION}#dashboards/dashboard/${prefix}$`));
        });

        const subscribers = (projectConfig(stack).alerts?.email ?? []) as string[];
        it(subscribers.length > 0 ? "its e-mail subscribers are subscribed, and no warning" : "nobody is subscribed: the warning says so (previews and updates)", () => {
            const subs = g.ofType(T.subscription);
            assert.deepEqual(subs.map((s) => [s.inputs.protocol, s.inputs.endpoint, s.inputs.topic]), subscribers.map((e) => ["email", e, g.topic.state.arn]));
            const warned = g.run.warnings.filter((w) => w.includes(NO_SUBSCRIPTION_WARNING));
            assert.equal(warned.length, subscribers.length > 0 ? 0 : 1);
        });
    });
}

const refusal = (override: Record<string, unknown>) => refusedRun("dev", override);

const devServices = (edit: (s: any[]) => void) => {
    const s = structuredClone(projectConfig("dev").services) as any[];
    edit(s);
    return s;
};
const named = (s: any[], n: string) => s.find((x) => x.name === n);

describe("alerts: bad alert configs are refused before any resource, naming the key", () => {
    const cases: { title: string; override: Record<string, unknown>; expect: string[] }[] = [
        { title: "a malformed e-mail address", override: { alerts: { email: ["ops@example"] } }, expect: ["webapp:alerts.email.0", "e-mail address", '"ops@example"'] },
        { title: "an HTTP (not HTTPS) endpoint", override: { alerts: { https: ["http://hooks.example.com/x"] } }, expect: ["webapp:alerts.https.0", "https://"] },
        { title: "the same address twice", override: { alerts: { email: ["ops@example.com", "OPS@example.com"] } }, expect: ["webapp:alerts.email", "listed twice"] },
        { title: "a period CloudWatch refuses (45 s)", override: { alerts: { thresholds: { cpu: { period: 45 } } } }, expect: ["webapp:alerts.thresholds.cpu.period", "got 45", "10, 20, 30 or a multiple of 60"] },
        { title: "an evaluation window over a day", override: { alerts: { thresholds: { memory: { period: 60, evaluationPeriods: 1441 } } } }, expect: ["webapp:alerts.thresholds.memory.evaluationPeriods", "86400", "at most 1440 periods"] },
        { title: "more breaching points than points looked at", override: { services: devServices((s) => { named(s, "web").alarms = { latencyP99: { datapointsToAlarm: 6 } }; }) }, expect: ["webapp:services.web.alarms.latencyP99.datapointsToAlarm", "got 6", "at most evaluationPeriods (5)"] },
        { title: "an error rate over 100 %", override: { services: devServices((s) => { named(s, "web").alarms = { targetErrorRate: { threshold: 150 } }; }) }, expect: ["webapp:services.web.alarms.targetErrorRate.threshold", "got 150", "0–100"] },
        { title: "a load-balancer alarm on a worker", override: { services: devServices((s) => { named(s, "worker").alarms = { targetErrorRate: { threshold: 1 } }; }) }, expect: ["webapp:services.worker.alarms.targetErrorRate", "only a public service", '"none"'] },
        { title: "a queue alarm on a service without a queue", override: { services: devServices((s) => { named(s, "api").alarms = { queueAge: { threshold: 60 } }; }) }, expect: ["webapp:services.api.alarms.queueAge", "consumes no queue"] },
        { title: "an unknown alarm", override: { alerts: { thresholds: { diskFull: { threshold: 1 } } } }, expect: ["webapp:alerts.thresholds.diskFull", "unknown key"] },
        {
            title: "a prefix and job name that make the job's rule name too long",
            override: { alerts: { namePrefix: "a".repeat(40) }, jobs: [{ ...structuredClone(projectConfig("dev").jobs[0]), name: "nightly-cleanup-of-old-uploads" }] },
            expect: ["webapp:jobs.nightly-cleanup-of-old-uploads.name", "82 characters", "64"],
        },
    ];
    for (const c of cases) {
        it(c.title, async () => {
            const error = await refusal(c.override);
            for (const fragment of c.expect) assert.ok(error.message.includes(fragment), `"${fragment}" missing from:\n${error.message}`);
        });
    }
});

describe("alerts: switches per service", () => {
    it("alarms.enabled false: the service and its queue get no alarm; rollback false: alarms stay, ECS does not roll back on them", async () => {
        const run = await runStack("dev", { services: devServices((s) => { named(s, "worker").alarms = { enabled: false }; named(s, "web").alarms = { rollback: false }; }) });
        const g = new AlertsGraph(run);
        const worker = g.ofType(T.service).find((x) => x.name === "worker")!;
        assert.deepEqual(g.alarmsOn("ServiceName", worker.state.name).map((a) => a.name), []);
        assert.deepEqual(g.alarms.filter((a) => a.parent === "worker-queue").map((a) => a.name), []);
        const web = g.ofType(T.service).find((x) => x.name === "web")!;
        assert.equal(web.inputs.alarms, undefined);
        assert.ok(g.alarms.some((a) => a.name === "web-target-5xx-rate"), "web's alarms still notify");
        // The environment thresholds reach a service unless it overrides them.
        const merged = await runStack("dev", { alerts: { thresholds: { cpu: { threshold: 70 } } }, services: devServices((s) => { named(s, "api").alarms = { cpu: { threshold: 50 } }; }) });
        const cpu = (n: string) => merged.resources.find((r) => r.type === T.alarm && r.name === `${n}-cpu-high`)!.inputs;
        assert.equal(cpu("web").threshold, 70);
        assert.equal(cpu("api").threshold, 50);
        assert.equal(cpu("api").period, ALARM_KINDS.cpu.defaults.period, "fields not overridden keep the default");
    });
});

describe("alerts: the components refuse bad alert args themselves, before any child", () => {
    const refused = async (build: () => void): Promise<{ message: string; registered: string[] }> => {
        try {
            await runComponents(build);
        } catch (e) {
            return e as { message: string; registered: string[] };
        }
        throw new Error("expected a refusal");
    };

    it("Environment: every alert problem at once, naming the arg, with nothing registered but the components", async () => {
        const e = await refused(() => {
            new Environment("env", {
                image: { ref: "123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:" + "a".repeat(64) },
                services: [{ name: "web", expose: Exposure.Public, port: 8080, route: { priority: 10 }, alarms: { cpu: { period: 45 } } }],
                alerts: { email: ["nobody"], thresholds: { targetErrorRate: { threshold: -1 } } },
            });
        });
        assert.match(e.message, /alerts\.email\[0\]: got "nobody"; allowed: an e-mail address/);
        assert.match(e.message, /alerts\.thresholds\.targetErrorRate\.threshold: got -1; allowed: a number 0–100/);
        assert.match(e.message, /services\.web\.alarms\.cpu\.period: got 45/);
        assert.deepEqual(e.registered.filter((t) => !t.startsWith("fargatekit:") && t !== "pulumi:pulumi:Stack"), [], "no cloud resource was registered");
    });

    it("Alerts: a prefix SNS, EventBridge and KMS all accept; no subscriber is a warning, not an error", async () => {
        const e = await refused(() => { new Alerts("alerts", { namePrefix: "web app" }); });
        assert.match(e.message, /namePrefix: got "web app"/);
        const run = await runComponents(() => { new Alerts("alerts", { namePrefix: "webapp-test" }); });
        assert.deepEqual(run.warnings, [`Alerts "alerts": ${NO_SUBSCRIPTION_WARNING}`]);
        const subscribed = await runComponents(() => { new Alerts("alerts", { namePrefix: "webapp-test", https: ["https://events.example.com/hook"] }); });
        assert.deepEqual(subscribed.warnings, []);
        assert.deepEqual(subscribed.resources.filter((r) => r.type === T.subscription).map((r) => [r.inputs.protocol, r.inputs.endpoint]), [["https", "https://events.example.com/hook"]]);
    });
});
