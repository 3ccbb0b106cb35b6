/**
 * `pulumi up` runs index.ts with the options in Pulumi.yaml: it must find the component sources, and
 * start without type-checking (tests/process-pulumi-runner.spec.ts runs it that way).
 */
import { strict as assert } from "node:assert";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

describe("Pulumi.yaml", () => {
    const root = path.join(__dirname, "..");
    const project = parse(readFileSync(path.join(root, "Pulumi.yaml"), "utf8"));

    it("names the project whose config keys the stack files use, on the nodejs runtime", () => {
        assert.equal(project.runtime.name, "nodejs");
        for (const stack of ["dev", "prod"]) {
            const keys = Object.keys(parse(readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8")).config);
            assert.ok(keys.some((k) => k.startsWith(`${project.name}:`)), `Pulumi.${stack}.yaml uses ${project.name}:`);
            assert.ok(keys.every((k) => k.startsWith(`${project.name}:`) || k.startsWith("aws:")), `only ${project.name}: and aws: keys in Pulumi.${stack}.yaml`);
        }
    });

    it("starts transpile-only: Pulumi's own (type-checking) ts-node off, ts-node's transpile-only hook on", () => {
        assert.equal(project.runtime.options.typescript, false);
        const args: string[] = project.runtime.options.nodeargs.split(/\s+/);
        const i = args.indexOf("--require");
        assert.equal(args[i + 1], "ts-node/register/transpile-only");
        // What `pulumi up` loads is a dependency, installed whatever npm omits.
        const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
        assert.ok(pkg.dependencies["ts-node"] && pkg.dependencies.typescript, "ts-node and typescript in dependencies");
    });

    it("resolves fargatekit to sources that exist, with no build step after npm ci", () => {
        const condition = /--conditions=([\w-]+)/.exec(project.runtime.options.nodeargs)?.[1];
        assert.ok(condition, "nodeargs sets an export condition");
        const pkg = JSON.parse(readFileSync(path.join(root, "components", "package.json"), "utf8"));
        const target = pkg.exports["."][condition!];
        assert.ok(target, `components/package.json maps the "${condition}" condition`);
        assert.ok(existsSync(path.join(root, "components", target)), `${target} exists`);
        const mocharc = JSON.parse(readFileSync(path.join(root, ".mocharc.json"), "utf8"));
        assert.ok(mocharc["node-option"].includes(`conditions=${condition}`), "the specs resolve the package the same way");
    });
});
