/**
 * The stack-config schema: bad configs are refused before any resource registers, every problem at
 * once, each naming its key, the value given and what is allowed.
 */
import { RunError } from "@pulumi/pulumi";
import { strict as assert } from "node:assert";
import { inspect } from "node:util";
import { ConfigError, didYouMean, parseConfig } from "../config";
import { projectConfig, runStack } from "./harness";

const SM = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-password-AbCdEf";

/** Each case: a dev-stack override and the fragments its error must contain. */
const badConfigs: { title: string; override: Record<string, unknown>; expect: string[] }[] = [
    { title: "impossible cpu/memory pair", override: { service: { cpu: 256, memory: 4096 } }, expect: ["webapp:service.cpu", "256/4096", "512, 1024, 2048"] },
    { title: "cpu that Fargate does not offer", override: { service: { cpu: 300, memory: 512 } }, expect: ["webapp:service.cpu", "cpu 300", "256, 512, 1024"] },
    { title: "unknown top-level key, with did-you-mean", override: { servce: { cpu: 256 } }, expect: ["webapp:servce", 'did you mean "webapp:service"'] },
    { title: "unknown nested key, with did-you-mean", override: { service: { desiredCont: 2 } }, expect: ["webapp:service.desiredCont", 'did you mean "desiredCount"'] },
    { title: "NAT strategy outside the enum", override: { network: { natGateways: "double" } }, expect: ['webapp:network.natGateways: got "double"; allowed: "none", "single", "perAz"'] },
    { title: "a single AZ (an ALB needs two)", override: { network: { azCount: 1 } }, expect: ["webapp:network.azCount: got 1; allowed: an integer from 2 to 6"] },
    { title: "min > max autoscaling", override: { service: { desiredCount: 3, autoscaling: { minCount: 4, maxCount: 2 } } }, expect: ["webapp:service.autoscaling", "minCount 4 is greater than maxCount 2"] },
    { title: "desired outside min..max", override: { service: { desiredCount: 1, autoscaling: { minCount: 2, maxCount: 4 } } }, expect: ["webapp:service.desiredCount", "got 1", "between autoscaling.minCount 2"] },
    { title: "HTTPS without certificate or domain", override: { https: { tlsPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06" } }, expect: ["webapp:https", "certificateArn or domain"] },
    { title: "HTTPS domain without a zone", override: { https: { domain: "app.example.com" } }, expect: ["webapp:https.hostedZoneId", "app.example.com"] },
    { title: "malformed certificate ARN", override: { https: { certificateArn: "arn:aws:acm:us-east-1:123:cert/abc" } }, expect: ["webapp:https.certificateArn", "arn:aws:acm:<region>:<account>:certificate/<uuid>"] },
    { title: "malformed secret ARN", override: { service: { secrets: { DB_PASSWORD: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db" } } }, expect: ["webapp:service.secrets.DB_PASSWORD", "secret:db", "<6 chars>"] },
    { title: "log retention CloudWatch does not offer", override: { service: { logRetentionDays: 10 } }, expect: ["webapp:service.logRetentionDays", "got 10", "7, 14, 30"] },
    { title: "health-check timeout ≥ interval", override: { service: { healthCheck: { interval: 5, timeout: 5 } } }, expect: ["webapp:service.healthCheck.timeout", "less than healthCheck.interval"] },
    { title: "health-check interval out of range", override: { service: { healthCheck: { interval: 1 } } }, expect: ["webapp:service.healthCheck.interval: got 1; allowed: an integer from 5 to 300"] },
    { title: "private tasks without NAT", override: { network: { natGateways: "none" }, service: { subnets: "private" } }, expect: ["webapp:service.subnets", "NAT gateway"] },
    { title: "ECS Exec with a read-only root filesystem", override: { service: { exec: true, readonlyRootFilesystem: true } }, expect: ["webapp:service.readonlyRootFilesystem", "ECS Exec"] },
    { title: "stopTimeout beyond Fargate's 120 s", override: { service: { stopTimeout: 300 } }, expect: ["webapp:service.stopTimeout: got 300; allowed: an integer from 2 to 120"] },
    { title: "a VPC range with host bits set", override: { network: { cidrBlock: "10.0.0.1/16" } }, expect: ["webapp:network.cidrBlock", "10.0.0.1/16", "did you mean 10.0.0.0/16"] },
    { title: "a build context that does not exist", override: { image: { context: "appp" } }, expect: ["webapp:image.context", '"appp"', "no such directory"] },
    { title: "a Dockerfile the context lacks", override: { image: { dockerfile: "Containerfile" } }, expect: ["webapp:image.dockerfile", '"Containerfile"', "not found"] },
    { title: "wrong type", override: { registry: { forceDelete: "yes" } }, expect: ['webapp:registry.forceDelete: got "yes"; allowed: true or false'] },
];

describe("stack config", () => {
    describe("bad configs are refused before any resource registers, naming the key", () => {
        for (const c of badConfigs) {
            it(c.title, async () => {
                let error: unknown;
                let registered = -1;
                try {
                    const run = await runStack("dev", c.override);
                    registered = run.resources.length;
                } catch (e) {
                    error = e;
                }
                assert.ok(error instanceof Error, `expected a refusal, but ${registered} resources registered`);
                // Only the stack itself exists: the refusal came before the first resource.
                assert.deepEqual((error as Error & { registered: string[] }).registered, ["pulumi:pulumi:Stack"]);
                for (const fragment of c.expect) assert.ok(error.message.includes(fragment), `"${fragment}" missing from:\n${error.message}`);
            });
        }
    });

    describe("every problem in one run", () => {
        /** The ConfigError parseConfig throws for `raw`. */
        const refusal = (raw: Record<string, unknown>): ConfigError => {
            try {
                parseConfig(raw, "webapp", "dev");
            } catch (e) {
                assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${e}`);
                return e;
            }
            assert.fail("expected a ConfigError");
        };
        /** The key each problem names (the text before the first ": "). */
        const keysOf = (e: ConfigError) => e.problems.map((p) => p.slice(0, p.indexOf(": ")));
        const cron5 = { name: "cleanup", schedule: "cron(0 3 * * *)", command: ["node", "dist/jobs/cleanup.js"] };

        it("an unknown key, a type error, a cpu/memory pair, a secret ARN and a cron expression: all five at once", () => {
            const e = refusal({
                servce: { cpu: 256 },
                service: { desiredCount: "2", cpu: 256, memory: 4096, secrets: { DB_PASSWORD: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db" } },
                jobs: [cron5],
            });
            assert.deepEqual(keysOf(e), [
                "webapp:servce",
                "webapp:service.desiredCount",
                "webapp:service.cpu/webapp:service.memory",
                "webapp:service.secrets.DB_PASSWORD",
                "webapp:jobs.cleanup.schedule",
            ]);
            assert.match(e.message, /^Invalid configuration for stack "dev" \(5 problems\):\n {2}- webapp:servce: unknown key/);
        });

        it("an unknown nested key hides no rule over the fields beside it", () => {
            const e = refusal({ service: { desiredCont: 2, cpu: 256, memory: 4096, healthCheck: { interval: 5, timeout: 5 } } });
            assert.deepEqual(keysOf(e), ["webapp:service.desiredCont", "webapp:service.cpu/webapp:service.memory", "webapp:service.healthCheck.timeout"]);
        });

        it("a field that does not parse skips only the rules that read it", () => {
            // memory is not a number: the cpu/memory rule cannot run, the health-check and NAT rules still do.
            const e = refusal({ network: { natGateways: "none" }, service: { memory: "lots", subnets: "private", healthCheck: { interval: 5, timeout: 5 } } });
            assert.deepEqual(keysOf(e), ["webapp:service.memory", "webapp:service.healthCheck.timeout", "webapp:service.subnets"]);
        });

        it("a job that does not parse hides nothing of the other jobs", () => {
            const e = refusal({ jobs: [{ ...cron5, cpu: "big" }, { ...cron5, name: "nightly" }, { ...cron5, name: "nightly", schedule: "rate(1 hours)", timezone: "Mars/Olympus" }] });
            assert.deepEqual(keysOf(e), [
                "webapp:jobs.0.cpu",
                "webapp:jobs.nightly.schedule",
                "webapp:jobs[2].name",
                "webapp:jobs.nightly.schedule",
                "webapp:jobs.nightly.timezone",
            ]);
        });
    });

    describe("one wording for the schema's problems: <key>: got <value>; allowed: <what>", () => {
        const job = { name: "cleanup", schedule: "rate(1 day)", command: ["node", "x.js"] };
        const cases: { title: string; raw: Record<string, unknown>; line: string }[] = [
            { title: "below a minimum", raw: { network: { azCount: 1 } }, line: "webapp:network.azCount: got 1; allowed: an integer from 2 to 6" },
            { title: "above a maximum", raw: { registry: { keepTaggedImages: 5000 } }, line: "webapp:registry.keepTaggedImages: got 5000; allowed: an integer from 1 to 1000" },
            { title: "not an integer", raw: { service: { desiredCount: 1.5 } }, line: "webapp:service.desiredCount: got 1.5; allowed: an integer from 0 to 1000" },
            { title: "a string for a number", raw: { service: { port: "8080" } }, line: 'webapp:service.port: got "8080"; allowed: an integer from 1 to 65535' },
            { title: "a string for a boolean", raw: { retainOnDelete: "yes" }, line: 'webapp:retainOnDelete: got "yes"; allowed: true or false' },
            { title: "outside an enum", raw: { cluster: { containerInsights: "on" } }, line: 'webapp:cluster.containerInsights: got "on"; allowed: "disabled", "enabled", "enhanced"' },
            { title: "a pattern", raw: { https: { domain: "App.Example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" } }, line: 'webapp:https.domain: got "App.Example.com"; allowed: a lowercase DNS name such as app.example.com' },
            { title: "a value a refinement refuses", raw: { service: { logRetentionDays: 10 } }, line: "webapp:service.logRetentionDays: got 10; allowed: one of " },
            { title: "a variable name", raw: { service: { environment: { "1X": "a" } } }, line: 'webapp:service.environment.1X: got the name "1X"; allowed: an environment variable name' },
            { title: "an empty list", raw: { jobs: [{ ...job, command: [] }] }, line: "webapp:jobs.0.command: got []; allowed: at least 1 item" },
            { title: "an empty string", raw: { image: { context: "" } }, line: 'webapp:image.context: got ""; allowed: at least 1 character' },
            { title: "a missing field", raw: { jobs: [{ name: "cleanup", command: ["x"] }] }, line: "webapp:jobs.0.schedule: got nothing; allowed: a non-empty string" },
        ];
        for (const c of cases) {
            it(c.title, () => {
                try {
                    parseConfig(c.raw, "webapp", "dev");
                    assert.fail("expected a ConfigError");
                } catch (e) {
                    assert.ok(e instanceof ConfigError, String(e));
                    assert.equal(e.problems.length, 1, e.message);
                    assert.ok(e.problems[0].startsWith(c.line), `${e.problems[0]}\n does not start with\n${c.line}`);
                    assert.doesNotMatch(e.problems[0], /Too (small|big)|Invalid (input|option)|expected \w+ to/, "zod's own wording");
                }
            });
        }
    });

    describe("ConfigError", () => {
        const error = () => {
            try {
                parseConfig({ network: { azCount: 1 }, service: { cpu: 256, memory: 4096 } }, "webapp", "dev");
            } catch (e) {
                return e as ConfigError;
            }
            assert.fail("expected a ConfigError");
        };

        it("keeps Error.stack a stack trace and names the stack in stackName", () => {
            const e = error();
            assert.equal(e.stackName, "dev");
            assert.match(e.stack ?? "", /^ConfigError: Invalid configuration for stack "dev" \(2 problems\):\n {2}- webapp:network.azCount: got 1;[^]*\n {4}at /);
        });

        it("util.inspect shows the headline and every problem, and no stack frames", () => {
            const shown = inspect(error());
            assert.equal(shown, [
                'ConfigError: Invalid configuration for stack "dev" (2 problems):',
                "  - webapp:network.azCount: got 1; allowed: an integer from 2 to 6",
                "  - webapp:service.cpu/webapp:service.memory: got 256/4096; memory 4096 MiB does not go with cpu 256 on Fargate; allowed with cpu 256: 512, 1024, 2048 MiB",
            ].join("\n"));
            assert.equal(inspect(error(), { colors: true }), shown, "the runner inspects with colors: the same text");
        });

        it("is a Pulumi RunError, whose message alone Pulumi's runner prints", () => {
            assert.ok(RunError.isInstance(error()));
        });
    });

    it("accepts both committed stack files and fills defaults", () => {
        const dev = parseConfig(projectConfig("dev"), "webapp", "dev");
        assert.equal(dev.service.cpu, 256);
        assert.equal(dev.service.healthCheck.interval, 10);
        assert.equal(dev.service.deregistrationDelay, 30);
        const prod = parseConfig(projectConfig("prod"), "webapp", "prod");
        assert.equal(prod.network.natGateways, "perAz");
        assert.ok(prod.service.autoscaling && prod.service.autoscaling.minCount >= 2);
    });

    it("accepts valid secrets, including JSON-key selection and SSM parameters", () => {
        const c = parseConfig({ service: { secrets: { A: SM, B: `${SM}:password::`, C: "arn:aws:ssm:us-east-1:123456789012:parameter/app/token" } } }, "webapp", "dev");
        assert.equal(Object.keys(c.service.secrets).length, 3);
    });

    it("suggests the nearest key for typos and nothing for unrelated words", () => {
        assert.equal(didYouMean("servce", ["service", "network"]), "service");
        assert.equal(didYouMean("loadbalancer", ["loadBalancer", "https"]), "loadBalancer");
        assert.equal(didYouMean("banana", ["service", "network"]), undefined);
    });
});
