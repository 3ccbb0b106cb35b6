// Runs every test/**/*.test.mjs with Node's built-in test runner.
//
// The file list is built here and passed explicitly: Node's runner expands a
// glob argument only from Node 21 on (Node 20 takes "test/**/*.test.mjs" as a
// literal path and finds nothing), so `npm test` must not depend on it.
// Extra arguments are passed on, e.g. `node scripts/run-tests.mjs --test-reporter=dot`.
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const APP_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const files = readdirSync(join(APP_DIR, "test"), { recursive: true })
  .map(String)
  .filter((f) => f.endsWith(".test.mjs"))
  .sort()
  .map((f) => join("test", f));
if (files.length === 0) {
  console.error("run-tests: no test/**/*.test.mjs files found");
  process.exit(1);
}

const args = process.argv.slice(2);
const reporter = args.some((a) => a.startsWith("--test-reporter")) ? [] : ["--test-reporter=spec"];
const child = spawn(process.execPath, ["--test", "--test-concurrency=2", ...reporter, ...args, ...files], {
  cwd: APP_DIR,
  stdio: "inherit",
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
