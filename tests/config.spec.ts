/**
 * The stack-config schema: bad configs are refused before any resource registers, every problem at
 * once, each naming its key, the value given and what is allowed.
 */
import { RunError } from "@pulumi/pulumi";
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { inspect } from "node:util";
import { ConfigError, didYouMean, parseConfig } from "../config";
import { projectConfig, refusedRun } from "./harness";

const SM = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-password-AbCdEf";
const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

const madeDirs: string[] = [];
after(() => madeDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A build context (temp dir) with a Dockerfile and this .dockerignore. */
function contextWithIgnore(ignore: string): string {
    const dir = mkdtempSync(path.join(tmpdir(), "ctx-"));
    madeDirs.push(dir);
    writeFileSync(path.join(dir, "Dockerfile"), "FROM scratch\n");
    writeFileSync(path.join(dir, ".dockerignore"), ignore);
    return dir;
}

/** The dev stack's services with the web service's entry patched (`webapp:services` is one list). */
function web(patch: Record<string, unknown>): { services: Record<string, unknown>[] } {
    const services = projectConfig("dev").services as Record<string, unknown>[];
    return { services: services.map((s) => (s.name === "web" ? { ...s, ...patch } : s)) };
}

/** Each case: a dev-stack override and the fragments its error must contain. */
const badConfigs: { title: string; override: Record<string, unknown>; expect: string[] }[] = [
    { title: "impossible cpu/memory pair", override: web({ cpu: 256, memory: 4096 }), expect: ["webapp:services.web.cpu", "256/4096", "512, 1024, 2048"] },
    { title: "cpu that Fargate does not offer", override: web({ cpu: 300, memory: 512 }), expect: ["webapp:services.web.cpu", "cpu 300", "256, 512, 1024"] },
    { title: "unknown top-level key, with did-you-mean", override: { servces: [] }, expect: ["webapp:servces", 'did you mean "webapp:services"'] },
    { title: "unknown nested key, with did-you-mean", override: web({ desiredCont: 2 }), expect: ["webapp:services.web.desiredCont", 'did you mean "desiredCount"'] },
    { title: "NAT strategy outside the enum", override: { network: { natGateways: "double" } }, expect: ['webapp:network.natGateways: got "double"; allowed: "none", "single", "perAz"'] },
    { title: "a single AZ (an ALB needs two)", override: { network: { azCount: 1 } }, expect: ["webapp:network.azCount", "got 1", "at least 2 AZs", "services.web.route"] },
    { title: "min > max autoscaling", override: web({ desiredCount: 3, autoscaling: { minCount: 4, maxCount: 2 } }), expect: ["webapp:services.web.autoscaling", "minCount 4 is greater than maxCount 2"] },
    { title: "desired outside min..max", override: web({ desiredCount: 1, autoscaling: { minCount: 2, maxCount: 4 } }), expect: ["webapp:services.web.desiredCount", "got 1", "between autoscaling.minCount 2"] },
    { title: "HTTPS without certificate or domain", override: { https: { tlsPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06" } }, expect: ["webapp:https", "certificateArn or domain"] },
    { title: "HTTPS domain without a zone", override: { https: { domain: "app.example.com" } }, expect: ["webapp:https.hostedZoneId", "app.example.com"] },
    { title: "malformed certificate ARN", override: { https: { certificateArn: "arn:aws:acm:us-east-1:123:cert/abc" } }, expect: ["webapp:https.certificateArn", "arn:aws:acm:<region>:<account>:certificate/<uuid>"] },
    { title: "malformed secret ARN", override: web({ secrets: { DB_PASSWORD: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db" } }), expect: ["webapp:services.web.secrets.DB_PASSWORD", "secret:db", "<6 chars>"] },
    { title: "log retention CloudWatch does not offer", override: web({ logRetentionDays: 10 }), expect: ["webapp:services.web.logRetentionDays", "got 10", "7, 14, 30"] },
    { title: "health-check timeout ≥ interval", override: web({ route: { priority: 50000, healthCheck: { interval: 5, timeout: 5 } } }), expect: ["webapp:services.web.route.healthCheck.timeout", "less than route.healthCheck.interval"] },
    { title: "health-check interval out of range", override: web({ route: { priority: 50000, healthCheck: { interval: 1 } } }), expect: ["webapp:services.web.route.healthCheck.interval: got 1; allowed: an integer from 5 to 300"] },
    { title: "private tasks without NAT", override: { network: { natGateways: "none" }, ...web({ subnets: "private" }) }, expect: ["webapp:services.web.subnets", "NAT gateway"] },
    { title: "ECS Exec with a read-only root filesystem", override: web({ exec: true, readonlyRootFilesystem: true }), expect: ["webapp:services.web.readonlyRootFilesystem", "ECS Exec"] },
    { title: "stopTimeout beyond Fargate's 120 s", override: web({ stopTimeout: 300 }), expect: ["webapp:services.web.stopTimeout: got 300; allowed: an integer from 2 to 120"] },
    { title: "a KMS alias (or a wildcard) instead of a key ARN for the secrets", override: web({ secrets: { DB_PASSWORD: SM }, secretsKmsKeyArns: ["arn:aws:kms:us-east-1:123456789012:alias/app", "arn:aws:kms:us-east-1:123456789012:key/*"] }), expect: ["webapp:services.web.secretsKmsKeyArns[0]", '"arn:aws:kms:us-east-1:123456789012:alias/app"', "webapp:services.web.secretsKmsKeyArns[1]", "key/*", "arn:aws:kms:<region>:<account>:key/<key id>"] },
    { title: "KMS keys with no secret to decrypt", override: web({ secretsKmsKeyArns: [KEY] }), expect: ["webapp:services.web.secretsKmsKeyArns", "no secrets are injected"] },
    { title: "a VPC range with host bits set", override: { network: { cidrBlock: "10.0.0.1/16" } }, expect: ["webapp:network.cidrBlock", "10.0.0.1/16", "did you mean 10.0.0.0/16"] },
    { title: "a build context that does not exist", override: { image: { context: "appp" } }, expect: ["webapp:image.context", '"appp"', "no such directory"] },
    { title: "a Dockerfile the context lacks", override: { image: { dockerfile: "Containerfile" } }, expect: ["webapp:image.dockerfile", '"Containerfile"', "not found"] },
    { title: "wrong type", override: { registry: { forceDelete: "yes" } }, expect: ['webapp:registry.forceDelete: got "yes"; allowed: true or false'] },
    { title: "flow logs of accepted traffic only", override: { network: { flowLogs: { trafficType: "ACCEPT" } } }, expect: ["webapp:network.flowLogs.trafficType", '"ACCEPT"', '"ALL"', '"REJECT"'] },
    { title: "a flow-log destination AWS has but the component does not offer", override: { network: { flowLogs: { destination: "kinesis-data-firehose" } } }, expect: ["webapp:network.flowLogs.destination", '"kinesis-data-firehose"', '"cloudWatchLogs"', '"s3"'] },
    { title: "flow-log retention CloudWatch Logs does not offer", override: { network: { flowLogs: { retentionDays: 10 } } }, expect: ["webapp:network.flowLogs.retentionDays", "got 10", 'destination "cloudWatchLogs"', "7, 14, 30"] },
    { title: "flow-log retention beyond the S3 expiry range", override: { network: { flowLogs: { destination: "s3", retentionDays: 4000 } } }, expect: ["webapp:network.flowLogs.retentionDays: got 4000; allowed: an integer from 1 to 3650"] },
    { title: "a typo in a flow-log key, with did-you-mean", override: { network: { flowLogs: { retentionDay: 7 } } }, expect: ["webapp:network.flowLogs.retentionDay", 'did you mean "retentionDays"'] },
    { title: "an endpoint switch that is not a boolean", override: { network: { s3GatewayEndpoint: "yes", interfaceEndpoints: 1 } }, expect: ["webapp:network.s3GatewayEndpoint", '"yes"', "webapp:network.interfaceEndpoints", "got 1"] },
    { title: "a .dockerignore pattern Docker refuses", override: { image: { context: contextWithIgnore("node_modules\n[abc\n") } }, expect: ["webapp:image.context", ".dockerignore", '"[abc" has an unclosed ['] },
];

describe("stack config", () => {
    describe("bad configs are refused before any resource registers, naming the key", () => {
        for (const c of badConfigs) {
            it(c.title, async () => {
                const error = await refusedRun("dev", c.override);
                for (const fragment of c.expect) assert.ok(error.message.includes(fragment), `"${fragment}" missing from:\n${error.message}`);
            });
        }
    });

    describe("every problem in one run", () => {
        /** The ConfigError parseConfig throws for `raw`. */
        /** `raw` over the dev stack's services (a stack needs services; the cases vary other keys). */
        const refusal = (raw: Record<string, unknown>): ConfigError => {
            try {
                parseConfig({ services: projectConfig("dev").services, ...raw }, "webapp", "dev");
            } catch (e) {
                assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${e}`);
                return e;
            }
            assert.fail("expected a ConfigError");
        };
        /** The key each problem names (the text before the first ": "). */
        const keysOf = (e: ConfigError) => e.problems.map((p) => p.slice(0, p.indexOf(": ")));
        const cron5 = { name: "cleanup", schedule: "cron(0 3 * * *)", command: ["node", "dist/jobs/cleanup.js"] };

        /** The dev stack's services, each patched by name. */
        const services = (patches: Record<string, Record<string, unknown>>) =>
            (projectConfig("dev").services as Record<string, unknown>[]).map((s) => ({ ...s, ...patches[String(s.name)] }));

        it("an unknown key, a type error, a cpu/memory pair, a secret ARN and a cron expression: all five at once", () => {
            const e = refusal({
                servce: { cpu: 256 },
                services: services({
                    worker: { desiredCount: "2" },
                    web: { cpu: 256, memory: 4096 },
                    api: { secrets: { DB_PASSWORD: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db" } },
                }),
                jobs: [cron5],
            });
            assert.deepEqual(keysOf(e), [
                "webapp:servce",
                "webapp:services.worker.desiredCount",
                "webapp:services.web.cpu/webapp:services.web.memory",
                "webapp:services.api.secrets.DB_PASSWORD",
                "webapp:jobs.cleanup.schedule",
            ]);
            assert.match(e.message, /^Invalid configuration for stack "dev" \(5 problems\):\n {2}- webapp:servce: unknown key/);
        });

        it("a service that does not parse hides nothing of the other services, nor the rules over other keys", () => {
            // web's memory is not a number: web's own rules cannot run; api's, the network's and the jobs' still do.
            const e = refusal({
                network: { cidrBlock: "10.0.0.1/16" },
                services: services({ web: { memory: "lots" }, api: { cpu: 256, memory: 4096, exec: true, readonlyRootFilesystem: true } }),
            });
            assert.deepEqual(keysOf(e), [
                "webapp:services.web.memory",
                "webapp:services.api.cpu/webapp:services.api.memory",
                "webapp:services.api.readonlyRootFilesystem",
                "webapp:network.cidrBlock",
            ]);
        });

        it("a job that does not parse hides nothing of the other jobs", () => {
            const e = refusal({ jobs: [{ ...cron5, cpu: "big" }, { ...cron5, name: "nightly" }, { ...cron5, name: "nightly", schedule: "rate(1 hours)", timezone: "Mars/Olympus" }] });
            assert.deepEqual(keysOf(e), [
                "webapp:jobs.cleanup.cpu",
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
            { title: "below a minimum", raw: { network: { azCount: 0 } }, line: "webapp:network.azCount: got 0; allowed: an integer from 1 to 6" },
            { title: "above a maximum", raw: { registry: { keepTaggedImages: 5000 } }, line: "webapp:registry.keepTaggedImages: got 5000; allowed: an integer from 1 to 1000" },
            { title: "not an integer", raw: { services: [{ name: "worker", desiredCount: 1.5 }] }, line: "webapp:services.worker.desiredCount: got 1.5; allowed: an integer from 0 to 1000" },
            { title: "a string for a number", raw: { services: [{ name: "worker", port: "8080" }] }, line: 'webapp:services.worker.port: got "8080"; allowed: an integer from 1 to 65535' },
            { title: "a string for a boolean", raw: { retainOnDelete: "yes" }, line: 'webapp:retainOnDelete: got "yes"; allowed: true or false' },
            { title: "outside an enum", raw: { cluster: { containerInsights: "on" } }, line: 'webapp:cluster.containerInsights: got "on"; allowed: "disabled", "enabled", "enhanced"' },
            { title: "a pattern", raw: { https: { domain: "App.Example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" } }, line: 'webapp:https.domain: got "App.Example.com"; allowed: a lowercase DNS name such as app.example.com' },
            { title: "a value a refinement refuses", raw: { services: [{ name: "worker", logRetentionDays: 10 }] }, line: "webapp:services.worker.logRetentionDays: got 10; allowed: one of " },
            { title: "a variable name", raw: { services: [{ name: "worker", environment: { "1X": "a" } }] }, line: 'webapp:services.worker.environment.1X: got the name "1X"; allowed: an environment variable name' },
            { title: "an empty list", raw: { jobs: [{ ...job, command: [] }] }, line: "webapp:jobs.cleanup.command: got []; allowed: at least 1 item" },
            { title: "an empty string", raw: { image: { context: "" } }, line: 'webapp:image.context: got ""; allowed: at least 1 character' },
            { title: "a missing field", raw: { jobs: [{ name: "cleanup", command: ["x"] }] }, line: "webapp:jobs.cleanup.schedule: got nothing; allowed: a non-empty string" },
        ];
        for (const c of cases) {
            it(c.title, () => {
                try {
                    parseConfig({ services: projectConfig("dev").services, ...c.raw }, "webapp", "dev");
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
                parseConfig({ network: { azCount: 0 }, services: [{ name: "worker", cpu: 256, memory: 4096 }] }, "webapp", "dev");
            } catch (e) {
                return e as ConfigError;
            }
            assert.fail("expected a ConfigError");
        };

        it("keeps Error.stack a stack trace and names the stack in stackName", () => {
            const e = error();
            assert.equal(e.stackName, "dev");
            assert.match(e.stack ?? "", /^ConfigError: Invalid configuration for stack "dev" \(2 problems\):\n {2}- webapp:network.azCount: got 0;[^]*\n {4}at /);
        });

        it("util.inspect shows the headline and every problem, and no stack frames", () => {
            const shown = inspect(error());
            assert.equal(shown, [
                'ConfigError: Invalid configuration for stack "dev" (2 problems):',
                "  - webapp:network.azCount: got 0; allowed: an integer from 1 to 6",
                "  - webapp:services.worker.cpu/webapp:services.worker.memory: got 256/4096; memory 4096 MiB does not go with cpu 256 on Fargate; allowed with cpu 256: 512, 1024, 2048 MiB",
            ].join("\n"));
            assert.equal(inspect(error(), { colors: true }), shown, "the runner inspects with colors: the same text");
        });

        it("is a Pulumi RunError, whose message alone Pulumi's runner prints", () => {
            assert.ok(RunError.isInstance(error()));
        });
    });

    it("accepts both committed stack files and fills defaults", () => {
        const dev = parseConfig(projectConfig("dev"), "webapp", "dev");
        const devWeb = dev.services.find((s) => s.name === "web")!;
        assert.equal(devWeb.route?.healthCheck.interval, 10);
        assert.equal(devWeb.route?.deregistrationDelay, 30);
        assert.deepEqual(devWeb.containerHealthCheck.command, ["CMD", "node", "dist/healthcheck.js"]);
        assert.deepEqual(dev.services.find((s) => s.name === "worker")!.containerHealthCheck.command, ["CMD", "node", "dist/worker-healthcheck.js"]);
        const prod = parseConfig(projectConfig("prod"), "webapp", "prod");
        assert.equal(prod.network.natGateways, "perAz");
        assert.deepEqual(dev.network.flowLogs, { enabled: true, destination: "cloudWatchLogs", trafficType: "REJECT", retentionDays: 7 });
        assert.deepEqual(prod.network.flowLogs, { enabled: true, destination: "cloudWatchLogs", trafficType: "ALL", retentionDays: 365 });
        assert.deepEqual([dev.network.s3GatewayEndpoint, prod.network.s3GatewayEndpoint], [false, true]);
        assert.deepEqual(parseConfig({ services: projectConfig("dev").services }, "webapp", "dev").network.flowLogs, { enabled: true, destination: "cloudWatchLogs", trafficType: "REJECT", retentionDays: 90 }, "defaults");
        for (const s of prod.services) assert.ok(s.autoscaling && s.autoscaling.minCount >= 2, `prod ${s.name} scales from at least 2`);
    });

    it("accepts valid secrets, including JSON-key selection and SSM parameters", () => {
        const c = parseConfig(web({ secrets: { A: SM, B: `${SM}:password::`, C: "arn:aws:ssm:us-east-1:123456789012:parameter/app/token" } }), "webapp", "dev");
        assert.equal(Object.keys(c.services.find((s) => s.name === "web")!.secrets).length, 3);
    });

    it("suggests the nearest key for typos and nothing for unrelated words", () => {
        assert.equal(didYouMean("servce", ["service", "network"]), "service");
        assert.equal(didYouMean("loadbalancer", ["loadBalancer", "https"]), "loadBalancer");
        assert.equal(didYouMean("banana", ["service", "network"]), undefined);
    });
});
