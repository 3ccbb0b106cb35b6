/**
 * Scheduled tasks over the whole graph of both committed stacks: what EventBridge Scheduler will be
 * asked to do, with which role, where the task runs, and that no run is lost silently.
 */
import { strict as assert } from "node:assert";
import { DLQ_RETENTION_SECONDS, NatGateways, scheduledTaskProblems, scheduleExpressionProblems, TaskSubnets, timezoneProblems } from "fargatekit";
import { ACCOUNT, committedStack, Graph, projectConfig, RecordedResource, REGION, runStack } from "./harness";

const T = {
    schedule: "aws:scheduler/schedule:Schedule",
    taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    queue: "aws:sqs/queue:Queue",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    cluster: "aws:ecs/cluster:Cluster",
    capacity: "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
    service: "aws:ecs/service:Service",
};

const statementsOf = (g: Graph, role: RecordedResource) =>
    g.ofType(T.rolePolicy).filter((p) => p.inputs.role === role.id).flatMap((p) => JSON.parse(p.inputs.policy).Statement as any[]);
const asList = (v: unknown) => (Array.isArray(v) ? v : [v]);

/** Splits a command line quoted with single quotes back into words. */
function shellWords(line: string): string[] {
    return [...line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]));
}
const flag = (words: string[], f: string) => (words.includes(f) ? words[words.indexOf(f) + 1] : undefined);

/** Everything a job is made of, found from its schedule. */
function jobParts(g: Graph, schedule: RecordedResource) {
    const ecs = schedule.inputs.target.ecsParameters;
    const taskDefinition = g.byRef(ecs.taskDefinitionArn)!;
    const role = g.byRef(schedule.inputs.target.roleArn)!;
    const queue = g.byRef(schedule.inputs.target.deadLetterConfig.arn)!;
    const [container] = JSON.parse(taskDefinition.inputs.containerDefinitions);
    const env = Object.fromEntries(container.environment.map((e: any) => [e.name, e.value]));
    const taskRole = g.byRef(taskDefinition.inputs.taskRoleArn)!;
    return { ecs, taskDefinition, role, queue, container, env, taskRole };
}

for (const stack of ["dev", "prod"] as const) {
    describe(`scheduled tasks over the ${stack} graph`, () => {
        let g: Graph;
        let schedules: RecordedResource[];
        before(async () => {
            g = new Graph(await committedStack(stack));
            schedules = g.ofType(T.schedule);
        });

        it("schedules every job of the stack file, with a valid expression and time zone", () => {
            const jobs = projectConfig(stack).jobs as any[];
            assert.ok(jobs.length >= 1, "the stack schedules at least one real job");
            assert.equal(schedules.length, jobs.length);
            for (const s of schedules) {
                assert.deepEqual(scheduleExpressionProblems(s.inputs.scheduleExpression), [], s.inputs.scheduleExpression);
                assert.deepEqual(timezoneProblems(s.inputs.scheduleExpressionTimezone), []);
                assert.ok(["ENABLED", "DISABLED"].includes(s.inputs.state));
                const w = s.inputs.flexibleTimeWindow;
                assert.ok(w.mode === "OFF" ? w.maximumWindowInMinutes === undefined : w.mode === "FLEXIBLE" && w.maximumWindowInMinutes >= 1 && w.maximumWindowInMinutes <= 1440);
            }
        });

        it("targets the cluster ARN with the job's own task definition, FARGATE or a capacity provider strategy (never both)", () => {
            const cluster = g.one(T.cluster);
            const providers: string[] = g.one(T.capacity).inputs.capacityProviders;
            for (const s of schedules) {
                assert.equal(s.inputs.target.arn, cluster.state.arn);
                const { ecs, taskDefinition, container } = jobParts(g, s);
                assert.equal(taskDefinition.type, T.taskDefinition);
                assert.equal(taskDefinition.name, s.name, "the job's own task definition, not the web service's");
                assert.deepEqual(taskDefinition.inputs.requiresCompatibilities, ["FARGATE"]);
                assert.equal(ecs.taskCount, 1);
                const strategy = ecs.capacityProviderStrategies ?? [];
                assert.ok((ecs.launchType === "FARGATE") !== (strategy.length > 0), "exactly one of launchType FARGATE and a capacity provider strategy");
                for (const p of strategy) assert.ok(providers.includes(p.capacityProvider), `${p.capacityProvider} is attached to the cluster`);
                assert.deepEqual(container.command, ["node", "dist/jobs/cleanup.js"]);
                assert.equal(container.logConfiguration.options["awslogs-stream-prefix"], s.name, "its own log stream prefix");
                assert.equal(container.portMappings.length, 0);
            }
            const spot = schedules.some((s) => (s.inputs.target.ecsParameters.capacityProviderStrategies ?? []).some((p: any) => p.capacityProvider === "FARGATE_SPOT"));
            assert.equal(spot, stack === "dev", "dev runs its job on Spot, prod on demand");
        });

        it("runs in the stack's task subnets with its own egress-only security group", () => {
            // The web service's placement: the jobs follow the same NAT rule (public without NAT, private with).
            const svc = g.ofType(T.service).find((x) => x.name === "web")!.inputs.networkConfiguration;
            for (const s of schedules) {
                const net = s.inputs.target.ecsParameters.networkConfiguration;
                assert.deepEqual(net.subnets, svc.subnets);
                assert.equal(net.assignPublicIp, svc.assignPublicIp);
                assert.equal(net.securityGroups.length, 1);
                const sg = g.byRef(net.securityGroups[0], "id")!;
                assert.equal(sg.type, T.sg);
                assert.notDeepEqual(net.securityGroups, svc.securityGroups, "not the web tasks' group");
                assert.ok(!sg.inputs.ingress || sg.inputs.ingress.length === 0, "no inline ingress");
                assert.equal(g.ofType(T.ingress).filter((r) => r.inputs.securityGroupId === sg.id).length, 0, "no ingress rule");
                assert.equal(g.ofType(T.egress).filter((r) => r.inputs.securityGroupId === sg.id).length, 1, "one egress rule");
            }
        });

        it("retries, then dead-letters to an encrypted SQS queue kept 14 days", () => {
            for (const s of schedules) {
                const r = s.inputs.target.retryPolicy;
                assert.ok(Number.isInteger(r.maximumRetryAttempts) && r.maximumRetryAttempts >= 0 && r.maximumRetryAttempts <= 185);
                assert.ok(r.maximumEventAgeInSeconds >= 60 && r.maximumEventAgeInSeconds <= 86400);
                const { queue } = jobParts(g, s);
                assert.equal(queue.type, T.queue);
                assert.equal(queue.inputs.sqsManagedSseEnabled, true);
                assert.equal(queue.inputs.messageRetentionSeconds, DLQ_RETENTION_SECONDS);
                assert.ok(!queue.inputs.fifoQueue, "Scheduler does not support FIFO dead-letter queues");
            }
        });

        it("Scheduler's role: trusted by scheduler.amazonaws.com of this account only; runs exactly this task definition", () => {
            const cluster = g.one(T.cluster);
            for (const s of schedules) {
                const { role, taskDefinition, queue } = jobParts(g, s);
                const trust = JSON.parse(role.inputs.assumeRolePolicy).Statement;
                assert.equal(trust.length, 1);
                assert.deepEqual(trust[0].Principal, { Service: "scheduler.amazonaws.com" });
                assert.equal(trust[0].Condition.StringEquals["aws:SourceAccount"], ACCOUNT);
                assert.equal(trust[0].Condition.StringEquals["aws:SourceArn"], `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule-group/${s.inputs.groupName}`);
                assert.equal(g.ofType(T.attachment).filter((a) => a.inputs.role === role.id).length, 0, "no managed policies");

                const statements = statementsOf(g, role);
                const byAction = (a: string) => statements.filter((st) => asList(st.Action).includes(a));
                assert.deepEqual(statements.flatMap((st) => asList(st.Action)).sort(), ["ecs:RunTask", "ecs:TagResource", "iam:PassRole", "sqs:SendMessage"]);
                for (const st of statements) {
                    assert.equal(st.Effect, "Allow");
                    assert.ok(!asList(st.Resource).includes("*"), `${st.Action}: every action here has resource-level permissions, so no "*"`);
                }
                const [run] = byAction("ecs:RunTask");
                assert.deepEqual(run.Resource, [taskDefinition.state.arn]);
                assert.equal(run.Condition.ArnEquals["ecs:cluster"], cluster.state.arn);
                const [pass] = byAction("iam:PassRole");
                assert.deepEqual([...pass.Resource].sort(), [taskDefinition.inputs.executionRoleArn, taskDefinition.inputs.taskRoleArn].sort());
                assert.equal(pass.Condition.StringLike["iam:PassedToService"], "ecs-tasks.amazonaws.com");
                assert.deepEqual(byAction("sqs:SendMessage")[0].Resource, [queue.state.arn]);
                // Tags propagate to the task, so RunTask also authorises ecs:TagResource: only at creation, only this cluster's tasks.
                const [tag] = byAction("ecs:TagResource");
                assert.deepEqual(tag.Resource, [`arn:aws:ecs:${REGION}:${ACCOUNT}:task/${cluster.state.name}/*`]);
                assert.equal(tag.Condition.StringEquals["ecs:CreateAction"], "RunTask");
                assert.equal(s.inputs.target.ecsParameters.propagateTags, "TASK_DEFINITION");
                assert.ok(s.dependsOn.includes(`${s.name}-scheduler`), "the schedule waits for its role's permissions");
            }
        });

        it("overlap skip: the job may list its cluster's tasks and is told to exit while a run is going", () => {
            const cluster = g.one(T.cluster);
            for (const s of schedules) {
                const { env, taskRole } = jobParts(g, s);
                assert.equal(env.JOB_SKIP_IF_RUNNING, "true");
                const statements = statementsOf(g, taskRole);
                assert.equal(statements.length, 1, "nothing but the overlap check");
                const [list] = statements;
                assert.deepEqual(asList(list.Action), ["ecs:ListTasks"]);
                // "*" is the only resource ListTasks can take for Fargate tasks; the condition pins the cluster.
                assert.equal(list.Resource, "*");
                assert.equal(list.Condition.ArnEquals["ecs:cluster"], cluster.state.arn);
            }
        });

        it("exports ready-to-run one-off commands matching the schedule, the web task definition and (when on) ECS Exec", () => {
            const { outputs } = g.run;
            const cluster = g.one(T.cluster);
            for (const s of schedules) {
                const ecs = s.inputs.target.ecsParameters;
                const words = shellWords((outputs.jobRunTaskCommands as Record<string, string>)[s.name.replace(/^job-/, "")]);
                assert.deepEqual(words.slice(0, 3), ["aws", "ecs", "run-task"]);
                assert.equal(flag(words, "--cluster"), cluster.state.arn);
                assert.equal(flag(words, "--task-definition"), ecs.taskDefinitionArn);
                assert.equal(flag(words, "--launch-type"), ecs.launchType);
                if (ecs.capacityProviderStrategies) assert.equal(flag(words, "--capacity-provider-strategy"), "capacityProvider=FARGATE_SPOT,weight=1");
                const net = JSON.parse(flag(words, "--network-configuration")!).awsvpcConfiguration;
                assert.deepEqual(net, { subnets: ecs.networkConfiguration.subnets, securityGroups: ecs.networkConfiguration.securityGroups, assignPublicIp: ecs.networkConfiguration.assignPublicIp ? "ENABLED" : "DISABLED" });
                assert.deepEqual(JSON.parse(flag(words, "--overrides")!).containerOverrides[0].command, ["node", "dist/jobs/cleanup.js"]);
            }
            const svc = g.ofType(T.service).find((x) => x.name === "web")!;
            const runTaskCommands = outputs.runTaskCommands as Record<string, string>;
            assert.deepEqual(Object.keys(runTaskCommands).sort(), g.ofType(T.service).map((x) => x.name).sort(), "a one-off line per service");
            const web = shellWords(String(runTaskCommands.web));
            assert.equal(flag(web, "--task-definition"), svc.inputs.taskDefinition);
            assert.deepEqual(JSON.parse(flag(web, "--network-configuration")!).awsvpcConfiguration.securityGroups, svc.inputs.networkConfiguration.securityGroups);
            assert.ok(flag(web, "--overrides"), "a command override to edit");
            const execCommands = outputs.execCommands as Record<string, string>;
            if (svc.inputs.enableExecuteCommand) {
                assert.match(String(execCommands.web), new RegExp(`^aws ecs execute-command --region ${REGION} --cluster \\S+ --container app --interactive .*--service-name ${svc.state.name} `));
            } else {
                assert.equal(execCommands.web, undefined, "no ECS Exec line when Exec is off");
            }
            for (const other of g.ofType(T.service).filter((x) => !x.inputs.enableExecuteCommand)) assert.equal(execCommands[other.name], undefined, `no ECS Exec line for ${other.name}`);
        });
    });
}

describe("scheduled tasks: the other paths", () => {
    it("overlap allow on FARGATE: no ListTasks permission, no skip flag, launch type instead of a strategy", async () => {
        const jobs = [{ name: "report", schedule: "cron(0 6 ? * MON *)", command: ["node", "dist/jobs/cleanup.js"], overlap: "allow", capacity: "fargate", enabled: false }];
        const g = new Graph(await runStack("dev", { jobs }));
        const [s] = g.ofType(T.schedule);
        assert.equal(s.inputs.state, "DISABLED");
        assert.equal(s.inputs.target.ecsParameters.launchType, "FARGATE");
        assert.equal(s.inputs.target.ecsParameters.capacityProviderStrategies, undefined);
        const { env, taskRole } = jobParts(g, s);
        assert.equal(env.JOB_SKIP_IF_RUNNING, undefined);
        assert.deepEqual(statementsOf(g, taskRole), [], "the task role may do nothing");
        assert.equal(g.ofType(T.rolePolicy).filter((p) => p.inputs.role === taskRole.id).length, 0);
    });

    it("the component refuses bad arguments with every problem named", () => {
        const problems = scheduledTaskProblems({
            cluster: { clusterArn: "c", clusterName: "c" }, network: { vpcId: "v", publicSubnetIds: [], privateSubnetIds: [], natMode: NatGateways.None },
            subnets: TaskSubnets.Private, schedule: "rate(1 hours)", timezone: "Mars/Olympus", platformVersion: "LATEST",
            flexibleWindowMinutes: 2000, retries: { attempts: 186, maxEventAgeSeconds: 30 },
            task: { image: "i", cpu: 256, memory: 4096, port: 80, environment: { JOB_SKIP_IF_RUNNING: "false" } },
        });
        for (const key of ["subnets:", "schedule:", "timezone:", "platformVersion:", "flexibleWindowMinutes:", "retries.attempts:", "retries.maxEventAgeSeconds:", "task.cpu/memory:", "task.port:", "task.environment.JOB_SKIP_IF_RUNNING"]) {
            assert.ok(problems.some((p) => p.startsWith(key)), `${key} in\n${problems.join("\n")}`);
        }
    });
});
