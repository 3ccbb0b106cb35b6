/**
 * A Node.js older than package.json's engines is refused at once, with one line that says which
 * version is needed and how to get it: by `npm ci`, `npm test` and `npm run plan` (npm alone only
 * warns, and Node 20 then fails a minute into the tests).
 */
import { parse } from "acorn";
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..");
const CHECK = "node tests/tools/check-node.js";
const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));

/** Runs the check as npm would, with Node reporting `version` as its own. */
function checkAs(version: string) {
    const fake = `data:text/javascript,Object.defineProperty(process.versions,"node",{value:"${version}"})`;
    return spawnSync(process.execPath, ["--import", fake, CHECK.split(" ")[1]], { cwd: ROOT, encoding: "utf8" });
}

describe("Node.js version check", () => {
    for (const version of ["20.19.0", "21.7.3", "18.20.4"]) {
        it(`refuses Node ${version} with one line and exit code 1`, () => {
            const run = checkAs(version);
            assert.equal(run.status, 1);
            assert.equal(run.stdout, "");
            assert.equal(run.stderr, `fargatekit needs Node.js 22 or newer (package.json engines: ">=22"); this is Node.js ${version} (${process.execPath}). `
                + "Install Node.js 22+ from https://nodejs.org/en/download (or: nvm install 22 && nvm use 22), then run the command again.\n");
        });
    }

    for (const version of ["22.0.0", "24.11.1"]) {
        it(`lets Node ${version} through, silently`, () => {
            const run = checkAs(version);
            assert.deepEqual([run.status, run.stdout, run.stderr], [0, "", ""]);
        });
    }

    it("reads the version it needs from package.json's engines", () => {
        assert.equal(pkg.engines.node, ">=22");
    });

    it("guards npm ci, npm test and npm run plan", () => {
        assert.equal(pkg.scripts.preinstall, CHECK);
        assert.equal(pkg.scripts.pretest, CHECK);
        assert.equal(pkg.scripts.preplan, CHECK);
    });

    it("is ES5, so an old Node can run it and say its line", () => {
        const source = readFileSync(path.join(ROOT, "tests/tools/check-node.js"), "utf8");
        assert.doesNotThrow(() => parse(source, { ecmaVersion: 5, sourceType: "script" }));
    });
});
