// Benchmark: start dist/server.js on a free loopback port, run autocannon
// against GET /health for a bounded time, print requests/s and p99 latency,
// then stop the server with SIGTERM (which also exercises the graceful path).
//
//   npm run bench                                  # 5 s, 50 connections
//   BENCH_DURATION=10 BENCH_CONNECTIONS=100 npm run bench
//
// Loopback only. This prints figures; it is not a test and asserts nothing
// beyond "no errors".
import autocannon from "autocannon";
import { spawn } from "node:child_process";
import { dirname, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const APP_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DURATION_S = Math.min(Math.max(Number(process.env.BENCH_DURATION) || 5, 1), 60);
const CONNECTIONS = Math.min(Math.max(Number(process.env.BENCH_CONNECTIONS) || 50, 1), 1000);
const PATH = process.env.BENCH_PATH || "/health";

const server = spawn(process.execPath, ["dist/server.js"], {
  cwd: APP_DIR,
  env: { PATH: process.env.PATH, APP_VERSION: "bench", STACK: "bench", PORT: "0", LOG_LEVEL: "info", SHUTDOWN_TIMEOUT_MS: "5000" },
  stdio: ["ignore", "pipe", "inherit"],
});
const serverExited = new Promise((r) => server.once("exit", (code, signal) => r({ code, signal })));

// The server logs its port in the "listening" line (PORT=0: the OS picks one).
// Successful /health requests are logged at debug, so at info the benchmark
// measures the server, not stdout; BENCH_PATH=/ includes per-request logging.
const port = await new Promise((resolvePort, reject) => {
  const timer = setTimeout(() => reject(new Error("server did not start within 10 s")), 10_000);
  server.once("exit", () => reject(new Error("server exited before listening")));
  createInterface({ input: server.stdout }).on("line", (line) => {
    try {
      const entry = JSON.parse(line);
      if (entry.msg === "listening") {
        clearTimeout(timer);
        resolvePort(entry.port);
      }
    } catch {
      /* not JSON: ignore */
    }
  });
});

console.log(`autocannon: GET http://127.0.0.1:${port}${PATH}, ${CONNECTIONS} connections, ${DURATION_S} s, node ${process.version}`);
const result = await autocannon({
  url: `http://127.0.0.1:${port}${PATH}`,
  connections: CONNECTIONS,
  duration: DURATION_S,
  timeout: 10,
});

server.kill("SIGTERM");
const exit = await Promise.race([
  serverExited,
  new Promise((r) => setTimeout(() => r({ code: "timeout" }), 10_000).unref()),
]);
if (exit.code === "timeout") server.kill("SIGKILL");

const non2xx = result.non2xx ?? 0;
console.log(`requests:        ${result.requests.total} (${result.errors} errors, ${result.timeouts} timeouts, ${non2xx} non-2xx)`);
console.log(`requests/sec:    ${result.requests.average.toFixed(0)} avg (p50 ${result.requests.p50}, min ${result.requests.min})`);
console.log(`latency:         avg ${result.latency.average.toFixed(2)} ms, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`);
console.log(`server exit:     ${JSON.stringify(exit)} after SIGTERM`);
if (result.errors > 0 || non2xx > 0) process.exitCode = 1;
