/**
 * The `webapp:jobs` key: bad jobs are refused before any resource registers, each problem naming
 * its key, the value given and what is allowed.
 */
import { strict as assert } from "node:assert";
import { ConfigError, parseConfig } from "../config";
import { projectConfig, runStack } from "./harness";

const job = (extra: Record<string, unknown> = {}) => ({ name: "cleanup", schedule: "rate(30 minutes)", command: ["node", "dist/jobs/cleanup.js"], ...extra });

/** Each case: the dev stack's jobs replaced by these, and the fragments the error must contain. */
const badJobs: { title: string; jobs: unknown[]; expect: string[] }[] = [
    { title: "cron with 5 fields", jobs: [job({ schedule: "cron(0 3 * * *)" })], expect: ["webapp:jobs.cleanup.schedule", "cron(0 3 * * *)", "6 fields", "got 5"] },
    { title: "both day fields set", jobs: [job({ schedule: "cron(0 3 * * MON *)" })], expect: ["webapp:jobs.cleanup.schedule", "exactly one of them to be \"?\""] },
    { title: "rate(1 hours)", jobs: [job({ schedule: "rate(1 hours)" })], expect: ["webapp:jobs.cleanup.schedule", "rate(1 hours)", 'write "rate(1 hour)"'] },
    { title: "rate(2 hour)", jobs: [job({ schedule: "rate(2 hour)" })], expect: ["webapp:jobs.cleanup.schedule", 'write "rate(2 hours)"'] },
    { title: "unknown time zone", jobs: [job({ timezone: "Europe/Pariss" })], expect: ["webapp:jobs.cleanup.timezone", "Europe/Pariss", "IANA"] },
    { title: "impossible Fargate size", jobs: [job({ cpu: 256, memory: 4096 })], expect: ["webapp:jobs.cleanup.cpu", "256/4096", "512, 1024, 2048"] },
    { title: "duplicate job names", jobs: [job(), job({ schedule: "rate(1 day)" })], expect: ["webapp:jobs[1].name", '"cleanup"', "jobs[0]", "unique"] },
    { title: "unknown job key, with did-you-mean", jobs: [job({ comand: ["x"] })], expect: ["webapp:jobs.cleanup.comand", 'did you mean "command"'] },
    { title: "name that cannot be an AWS name", jobs: [job({ name: "Nightly_Cleanup" })], expect: ["webapp:jobs.0.name", "lowercase", '"Nightly_Cleanup"'] },
    { title: "retries beyond Scheduler's 185", jobs: [job({ retries: { attempts: 200 } })], expect: ["webapp:jobs.cleanup.retries.attempts", "got 200", "185"] },
    { title: "overlap outside the enum", jobs: [job({ overlap: "never" })], expect: ["webapp:jobs.cleanup.overlap", '"never"', "allow", "skip"] },
    { title: "malformed secret ARN", jobs: [job({ secrets: { TOKEN: "arn:aws:ssm:us-east-1:123456789012:token" } })], expect: ["webapp:jobs.cleanup.secrets.TOKEN", "parameter/<name>"] },
    { title: "malformed KMS key ARN for the job's secrets", jobs: [job({ secrets: { TOKEN: "arn:aws:ssm:us-east-1:123456789012:parameter/app/token" }, secretsKmsKeyArns: ["1234abcd-12ab-34cd-56ef-1234567890ab"] })], expect: ["webapp:jobs.cleanup.secretsKmsKeyArns[0]", '"1234abcd-12ab-34cd-56ef-1234567890ab"', "key ARN"] },
    { title: "missing command", jobs: [{ name: "cleanup", schedule: "rate(1 day)" }], expect: ["webapp:jobs.cleanup.command"] },
];

describe("jobs config", () => {
    describe("bad jobs are refused before any resource registers, naming the key", () => {
        for (const c of badJobs) {
            it(c.title, async () => {
                let error: unknown;
                try {
                    await runStack("dev", { jobs: c.jobs });
                } catch (e) {
                    error = e;
                }
                assert.ok(error instanceof Error, "expected a refusal");
                assert.deepEqual((error as Error & { registered: string[] }).registered, ["pulumi:pulumi:Stack"]);
                for (const fragment of c.expect) assert.ok(error.message.includes(fragment), `"${fragment}" missing from:\n${error.message}`);
            });
        }
    });

    it("reports every job problem at once", () => {
        try {
            parseConfig({ services: projectConfig("dev").services, jobs: [job({ schedule: "rate(2 hour)", timezone: "Mars/Olympus", cpu: 300 }), job({ name: "other", schedule: "cron(0 3 ? * ? *)" })] }, "webapp", "dev");
            assert.fail("expected a ConfigError");
        } catch (e) {
            assert.ok(e instanceof ConfigError);
            const joined = e.problems.join("\n");
            for (const key of ["webapp:jobs.cleanup.schedule", "webapp:jobs.cleanup.timezone", "webapp:jobs.cleanup.cpu", "webapp:jobs.other.schedule"]) assert.ok(joined.includes(key), `${key} in\n${joined}`);
        }
    });

    it("fills defaults: UTC, enabled, on-demand Fargate, overlap allowed, 3 retries within an hour, 0.25 vCPU / 0.5 GB, 30-day logs", () => {
        const [j] = parseConfig({ services: projectConfig("dev").services, jobs: [job()] }, "webapp", "dev").jobs;
        assert.deepEqual({ ...j, retries: { ...j.retries } }, {
            name: "cleanup", schedule: "rate(30 minutes)", command: ["node", "dist/jobs/cleanup.js"], timezone: "UTC", enabled: true,
            cpu: 256, memory: 512, environment: {}, secrets: {}, secretsKmsKeyArns: [], retries: { attempts: 3, maxEventAgeSeconds: 3600 },
            overlap: "allow", flexibleWindowMinutes: 0, capacity: "fargate", logRetentionDays: 30,
        });
        assert.deepEqual(parseConfig({ services: projectConfig("dev").services }, "webapp", "dev").jobs, [], "no jobs unless asked");
    });

    it("the committed stacks: dev every 30 minutes on Spot, prod nightly on demand, both never overlapping", () => {
        const [dev] = parseConfig(projectConfig("dev"), "webapp", "dev").jobs;
        assert.equal(dev.schedule, "rate(30 minutes)");
        assert.equal(dev.capacity, "fargateSpot");
        const [prod] = parseConfig(projectConfig("prod"), "webapp", "prod").jobs;
        assert.match(prod.schedule, /^cron\(0 \d+ \* \* \? \*\)$/, "once a day");
        assert.equal(prod.capacity, "fargate");
        for (const j of [dev, prod]) {
            assert.equal(j.overlap, "skip");
            assert.deepEqual(j.command, ["node", "dist/jobs/cleanup.js"], "a real job of app/");
        }
    });
});
