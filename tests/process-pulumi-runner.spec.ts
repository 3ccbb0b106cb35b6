/**
 * The program as `pulumi preview` runs it: started with Pulumi.yaml's runtime options by
 * @pulumi/pulumi's own runner, against a test engine (tests/pulumi-engine.ts): what people see when
 * their config is wrong, and that nothing is type-checked at deploy time. (The mocked specs run the
 * program transpile-only too, with the same export condition; `npm run bench:startup` runs a whole
 * dev preview this way.)
 */
import { strict as assert } from "node:assert";
import { readStackConfig } from "./harness";
import { early } from "./early";
import { EngineRun, previewLikePulumi, projectFile } from "./pulumi-engine";

/** What the CLI prints of a run: the engine's log lines other than debug ones. */
const printed = (run: EngineRun) => run.logs.filter((l) => l.severity !== "debug");

const { options } = projectFile();
const badConfig = early(() => previewLikePulumi("dev", {
    ...readStackConfig("dev"),
    "webapp:network": { azCount: 0 },
    "webapp:services": [{ name: "worker", cpu: 256, memory: 4096 }],
}, options));
// tests/fixtures/type-error/index.ts assigns a string to a number: Pulumi's default TypeScript support
// (its own ts-node) refuses it with TS2322 before the first resource.
const typeError = early(() => previewLikePulumi("dev", {}, options, "tests/fixtures/type-error/index.ts"));

describe("pulumi preview with Pulumi.yaml's runtime options", function () {
    this.timeout(60_000);

    it("a bad stack config: one error, the headline and every problem, no stack trace; nothing but the stack registered", async () => {
        const run = await badConfig();
        assert.deepEqual(printed(run), [{
            severity: "error",
            message: [
                'Invalid configuration for stack "dev" (2 problems):',
                "  - webapp:network.azCount: got 0; allowed: an integer from 1 to 6",
                "  - webapp:services.worker.cpu/webapp:services.worker.memory: got 256/4096; memory 4096 MiB does not go with cpu 256 on Fargate; allowed with cpu 256: 512, 1024, 2048 MiB",
            ].join("\n"),
        }]);
        assert.equal(run.code, 32, "the runner's exit code for an error it has shown to people");
        assert.deepEqual(run.registered, ["pulumi:pulumi:Stack::webapp-dev"]);
        assert.equal(run.stderr, "");
    });

    it("does not type-check: a program with a type error runs (npm test type-checks; npm run bench:startup times the difference)", async () => {
        const run = await typeError();
        assert.deepEqual(printed(run), []);
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(run.registered, ["pulumi:pulumi:Stack::webapp-dev"]);
    });
});
