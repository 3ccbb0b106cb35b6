/**
 * The program as `pulumi preview` runs it: started with Pulumi.yaml's runtime options by
 * @pulumi/pulumi's own runner, against a test engine (tests/pulumi-engine.ts). What people see when
 * their config is wrong, that nothing is type-checked at deploy time, and that the deploy-time path
 * registers the same resources as the mocked specs.
 */
import { strict as assert } from "node:assert";
import { committedStack, readStackConfig } from "./harness";
import { EngineRun, previewLikePulumi, projectFile } from "./pulumi-engine";

/** What the CLI prints of a run: the engine's log lines other than debug ones. */
const printed = (run: EngineRun) => run.logs.filter((l) => l.severity !== "debug");

describe("pulumi preview with Pulumi.yaml's runtime options", function () {
    this.timeout(60_000);
    const { options } = projectFile();

    it("a bad stack config: one error, the headline and every problem, no stack trace; nothing but the stack registered", async () => {
        const run = await previewLikePulumi("dev", {
            ...readStackConfig("dev"),
            "webapp:network": { azCount: 1 },
            "webapp:service": { cpu: 256, memory: 4096 },
        }, options);
        assert.deepEqual(printed(run), [{
            severity: "error",
            message: [
                'Invalid configuration for stack "dev" (2 problems):',
                "  - webapp:network.azCount: got 1; allowed: an integer from 2 to 6",
                "  - webapp:service.cpu/webapp:service.memory: got 256/4096; memory 4096 MiB does not go with cpu 256 on Fargate; allowed with cpu 256: 512, 1024, 2048 MiB",
            ].join("\n"),
        }]);
        assert.equal(run.code, 32, "the runner's exit code for an error it has shown to people");
        assert.deepEqual(run.registered, ["pulumi:pulumi:Stack::webapp-dev"]);
        assert.equal(run.stderr, "");
    });

    it("does not type-check: a program with a type error runs (Pulumi's default would refuse it)", async () => {
        const fixture = "tests/fixtures/type-error/index.ts";
        const ours = await previewLikePulumi("dev", {}, options, fixture);
        assert.deepEqual(printed(ours), []);
        assert.equal(ours.code, 0, ours.stderr);
        // The same program with Pulumi's default TypeScript support (its own ts-node, type-checking): refused.
        const checked = await previewLikePulumi("dev", {}, { nodeargs: "--conditions=fargatekit-source" }, fixture);
        assert.equal(checked.code, 32);
        assert.match(printed(checked)[0].message, /error TS2322: Type 'string' is not assignable to type 'number'/);
    });

    it("registers what the mocked specs see: the same resources, in dev", async () => {
        const run = await previewLikePulumi("dev", readStackConfig("dev"), options);
        assert.deepEqual(printed(run), []);
        assert.equal(run.code, 0, run.stderr);
        const mocked = (await committedStack("dev")).resources.map((r) => `${r.type}::${r.name}`);
        assert.ok(mocked.length > 50);
        assert.deepEqual([...run.registered].sort(), [...mocked].sort());
    });
});
