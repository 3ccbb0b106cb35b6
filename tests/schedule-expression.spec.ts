/** Pure modules behind scheduled tasks: schedule expressions, time zones, CLI command lines. */
import { strict as assert } from "node:assert";
import {
    executeCommandLine, parseScheduleExpression, runTaskCommand, scheduleExpressionProblems, ScheduleKind, shellQuote, timezoneProblems,
} from "fargatekit";

describe("schedule expressions (EventBridge Scheduler rules)", () => {
    const valid = [
        "rate(1 minute)", "rate(5 minutes)", "rate(1 hour)", "rate(2 hours)", "rate(1 day)", "rate(7 days)",
        "cron(0 3 * * ? *)", "cron(*/30 * * * ? *)", "cron(0/15 8-18 ? * MON-FRI *)", "cron(0 12 L * ? *)",
        "cron(0 9 15W * ? *)", "cron(0 10 ? * 3#2 *)", "cron(0 10 ? * 6L *)", "cron(30 2 1,15 JAN,JUL ? 2030-2035)",
        "at(2030-01-31T02:00:00)",
    ];
    for (const expr of valid) it(`accepts ${expr}`, () => assert.deepEqual(scheduleExpressionProblems(expr), []));

    const invalid: [string, RegExp][] = [
        ["rate(1 hours)", /must be "hour" with the value 1/],
        ["rate(2 hour)", /must be "hours" with the value 2/],
        ["rate(1 minutes)", /"minute"/],
        ["rate(0 minutes)", /positive integer/],
        ["rate(1.5 hours)", /positive integer/],
        ["rate(3 weeks)", /unknown unit "weeks"/],
        ["rate(hourly)", /rate\(<value> <unit>\)/],
        ["cron(0 3 * * *)", /6 fields .* got 5; unlike Unix cron, AWS needs the year/],
        ["cron(0 3 * * ? * *)", /6 fields .* got 7/],
        ["cron(0 3 * * MON *)", /both set; AWS needs exactly one of them to be "\?"/],
        ["cron(0 3 ? * ? *)", /both "\?"/],
        ["cron(60 3 * * ? *)", /field 1 \(minutes\) "60".*0–59/],
        ["cron(0 24 * * ? *)", /field 2 \(hours\) "24".*0–23/],
        ["cron(0 3 32 * ? *)", /field 3 \(day-of-month\) "32".*1–31/],
        ["cron(0 3 * 13 ? *)", /field 4 \(month\) "13".*JAN–DEC/],
        ["cron(0 3 ? * 8 *)", /field 5 \(day-of-week\) "8".*SUN–SAT/],
        ["cron(0 3 * * ? 1969)", /field 6 \(year\) "1969".*1970–2199/],
        ["cron(? 3 * * ? *)", /"\?" is only allowed in day-of-month and day-of-week/],
        ["cron(0 3 ? * 3#1,6#3 *)", /must stand alone/],
        ["cron(0 3 ? * 3#6 *)", /<day>#<1–5>/],
        ["cron(0/0 3 * * ? *)", /increment .* positive integer/],
        ["at(2030-02-30T02:00:00)", /not a real date/],
        ["at(2030-01-31 02:00)", /at\(yyyy-mm-ddThh:mm:ss\)/],
        ["every 5 minutes", /not a schedule expression; allowed: rate\(/],
    ];
    for (const [expr, message] of invalid) {
        it(`refuses ${expr}`, () => {
            const problems = scheduleExpressionProblems(expr);
            assert.ok(problems.length > 0, `${expr} accepted`);
            assert.match(problems.join("\n"), message);
        });
    }

    it("parses the kind and, for rates, the interval", () => {
        assert.deepEqual(parseScheduleExpression("rate(30 minutes)"), { kind: ScheduleKind.Rate, expression: "rate(30 minutes)", intervalMinutes: 30 });
        assert.equal(parseScheduleExpression("rate(2 days)").intervalMinutes, 2880);
        assert.deepEqual(parseScheduleExpression("cron(0 3 * * ? *)").fields, ["0", "3", "*", "*", "?", "*"]);
        assert.equal(parseScheduleExpression("at(2030-01-31T02:00:00)").at, "2030-01-31T02:00:00");
        assert.throws(() => parseScheduleExpression("rate(2 hour)"), /"hours"/);
    });
});

describe("time zones", () => {
    for (const tz of ["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Etc/GMT-1"]) it(`accepts ${tz}`, () => assert.deepEqual(timezoneProblems(tz), []));
    it("refuses unknown names, offsets, wrong case and empty", () => {
        assert.match(timezoneProblems("Europe/Pariss")[0], /"Europe\/Pariss" is not a known time zone; allowed: an IANA/);
        assert.match(timezoneProblems("+02:00")[0], /UTC offset, not a time zone name/);
        assert.match(timezoneProblems("europe/paris")[0], /did you mean "Europe\/Paris"/);
        assert.match(timezoneProblems("")[0], /IANA time zone name/);
    });
});

/** Splits a POSIX command line quoted by shellQuote (single quotes only) back into words. */
function shellWords(line: string): string[] {
    const words: string[] = [];
    const re = /'((?:[^']|'\\'')*)'|(\S+)/g;
    for (const m of line.matchAll(re)) words.push(m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]);
    return words;
}

describe("one-off command lines", () => {
    const base = {
        region: "us-east-1",
        cluster: "arn:aws:ecs:us-east-1:123456789012:cluster/main",
        taskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/webapp-dev-job:3",
        subnets: ["subnet-1", "subnet-2"],
        securityGroups: ["sg-1"],
        assignPublicIp: true,
        containerName: "app",
        command: ["node", "dist/jobs/cleanup.js", "it's"],
    };

    it("run-task: FARGATE launch type, network configuration and command override that survive the shell", () => {
        const words = shellWords(runTaskCommand(base));
        const flag = (f: string) => words[words.indexOf(f) + 1];
        assert.deepEqual(words.slice(0, 3), ["aws", "ecs", "run-task"]);
        assert.equal(flag("--cluster"), base.cluster);
        assert.equal(flag("--task-definition"), base.taskDefinition);
        assert.equal(flag("--launch-type"), "FARGATE");
        assert.ok(!words.includes("--capacity-provider-strategy"), "launch type and capacity provider strategy are exclusive");
        assert.deepEqual(JSON.parse(flag("--network-configuration")), { awsvpcConfiguration: { subnets: base.subnets, securityGroups: ["sg-1"], assignPublicIp: "ENABLED" } });
        assert.deepEqual(JSON.parse(flag("--overrides")), { containerOverrides: [{ name: "app", command: base.command }] });
    });

    it("run-task: a capacity provider strategy instead of a launch type", () => {
        const words = shellWords(runTaskCommand({ ...base, assignPublicIp: false, capacityProviderStrategy: [{ capacityProvider: "FARGATE", weight: 0, base: 1 }, { capacityProvider: "FARGATE_SPOT", weight: 1 }] }));
        const i = words.indexOf("--capacity-provider-strategy");
        assert.deepEqual(words.slice(i + 1, i + 3), ["capacityProvider=FARGATE,weight=0,base=1", "capacityProvider=FARGATE_SPOT,weight=1"]);
        assert.ok(!words.includes("--launch-type"));
        assert.equal(JSON.parse(words[words.indexOf("--network-configuration") + 1]).awsvpcConfiguration.assignPublicIp, "DISABLED");
    });

    it("execute-command: finds a running task of the service in the same line", () => {
        const line = executeCommandLine({ region: "eu-west-1", cluster: "arn:aws:ecs:eu-west-1:1:cluster/c", serviceName: "web-1", containerName: "app" });
        assert.match(line, /^aws ecs execute-command --region eu-west-1 --cluster arn:aws:ecs:eu-west-1:1:cluster\/c --container app --interactive --command \/bin\/sh --task "\$\(aws ecs list-tasks .*--service-name web-1 --desired-status RUNNING --query 'taskArns\[0\]' --output text\)"$/);
    });

    it("shellQuote leaves plain words alone and quotes the rest", () => {
        assert.equal(shellQuote("subnet-1"), "subnet-1");
        assert.equal(shellQuote("a b"), "'a b'");
        assert.equal(shellQuote("it's"), `'it'\\''s'`);
    });
});
