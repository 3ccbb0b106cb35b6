// Run-time checks of the built image with podman (called by container-check.sh,
// root only; not part of npm test):
//
//   node scripts/container-check.mjs <image> <scratch dir>
//
// Every container runs as the image's user, with a read-only root filesystem and
// no tmpfs: /tmp comes from a named volume, which podman fills from the image's
// VOLUME /tmp (owner and mode included), the way ECS fills a task's bind mount
// when the image declares the path as a VOLUME. Host network, loopback only.
import { execFile } from "node:child_process";
import { mkdirSync } from "node:fs";
import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { startFakeSqs } from "../test/fake-sqs.mjs";

const run = promisify(execFile);
const [image, work] = process.argv.slice(2);
if (!image || !work) {
  console.error("usage: node scripts/container-check.mjs <image> <scratch dir>");
  process.exit(2);
}

const PREFIX = `fkc-${process.pid}`;
const containers = [];
const volumes = [];
let failures = 0;

function report(ok, what, detail = "") {
  if (!ok) failures++;
  console.log(`${ok ? "PASS" : "FAIL"}  ${what}${detail ? `  [${detail}]` : ""}`);
}

// See container-check.sh: the OCI runtime and lowered ulimits this sandbox needs.
const RUNTIME = ["--runtime", process.env.OCI_RUNTIME || "runc"];
const ULIMITS = (process.env.CONTAINER_ULIMITS || "--ulimit nofile=4096:4096 --ulimit nproc=4096:4096").split(/\s+/).filter(Boolean);

async function podman(args, { check = true, timeoutMs = 60_000 } = {}) {
  if (args[0] === "run") args = ["run", ...ULIMITS, ...args.slice(1)];
  try {
    const { stdout, stderr } = await run("podman", [...RUNTIME, ...args], { timeout: timeoutMs, maxBuffer: 16 << 20 });
    return { code: 0, stdout: stdout.trim(), stderr: stderr.trim() };
  } catch (err) {
    if (check) throw new Error(`podman ${args.join(" ")} failed (${err.code}): ${err.stderr || err.message}`);
    return { code: typeof err.code === "number" ? err.code : 1, stdout: (err.stdout ?? "").trim(), stderr: (err.stderr ?? "").trim() };
  }
}

async function freePort() {
  const srv = net.createServer().listen(0, "127.0.0.1");
  await new Promise((r) => srv.once("listening", r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

const baseEnv = { APP_VERSION: "container-check", STACK: "check", LOG_LEVEL: "info" };

/** podman run -d as the image's user, read-only root, /tmp from a named volume (or `tmp` as given). */
async function start(name, { env = {}, command = [], tmp } = {}) {
  const full = `${PREFIX}-${name}`;
  const volume = `${full}-tmp`;
  if (!tmp) volumes.push(volume);
  const args = ["run", "-d", "--name", full, "--network", "host", "--read-only", "--read-only-tmpfs=false", "-v", `${tmp ?? volume}:/tmp`];
  for (const [k, v] of Object.entries({ ...baseEnv, ...env })) args.push("-e", `${k}=${v}`);
  containers.push(full);
  await podman([...args, image, ...command]);
  return full;
}

async function httpGet(port, path) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(5000) });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

async function waitHealthy(port, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const r = await httpGet(port, "/health");
      if (r.status === 200) return true;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) return false;
    await sleep(200);
  }
}

const exec = (container, ...cmd) => podman(["exec", container, ...cmd], { check: false });
const nodeEval = (container, code) => exec(container, "node", "-e", code);

async function stopAndExitCode(container, timeoutS = 30) {
  const t0 = Date.now();
  await podman(["stop", "-t", String(timeoutS), container], { check: false, timeoutMs: (timeoutS + 15) * 1000 });
  const code = (await podman(["inspect", "--format", "{{.State.ExitCode}}", container])).stdout;
  return { code: Number(code), ms: Date.now() - t0 };
}

async function main() {
  // ---- the image itself --------------------------------------------------------
  const [info] = JSON.parse((await podman(["image", "inspect", image])).stdout);
  const cfg = info.Config ?? {};
  report(cfg.User === "node", "image USER is node", cfg.User);
  report(Object.keys(cfg.Volumes ?? {}).includes("/tmp"), "image declares VOLUME /tmp", JSON.stringify(cfg.Volumes));
  report(JSON.stringify(cfg.Cmd) === JSON.stringify(["node", "dist/server.js"]), "CMD is node dist/server.js", JSON.stringify(cfg.Cmd));
  const healthTest = (info.Healthcheck ?? info.HealthCheck ?? cfg.Healthcheck)?.Test; // where podman 4 puts it: top level
  report(Boolean(healthTest?.includes("dist/healthcheck.js")), "HEALTHCHECK runs dist/healthcheck.js", JSON.stringify(healthTest));
  console.log(`info  image size ${(info.Size / 1e6).toFixed(1)} MB (uncompressed, stand-in base included)`);

  const tmpInfo = await podman([
    "run", "--rm", "--network", "none", "--read-only", "--read-only-tmpfs=false", "-v", `${PREFIX}-probe-tmp:/tmp`, image,
    "node", "-e",
    "const s=require('fs').statSync('/tmp');console.log(JSON.stringify({uid:s.uid,mode:(s.mode&0o7777).toString(8),entries:require('fs').readdirSync('/tmp'),me:process.getuid()}))",
  ], { check: false });
  volumes.push(`${PREFIX}-probe-tmp`);
  const t = tmpInfo.code === 0 ? JSON.parse(tmpInfo.stdout) : {};
  report(t.uid === 1000 && t.mode === "1777", "/tmp in the volume is owned by node (1000), mode 1777", tmpInfo.stdout || tmpInfo.stderr);
  report(Array.isArray(t.entries) && t.entries.length === 0, "/tmp starts empty (the base's root-owned /tmp/node-compile-cache is gone)", JSON.stringify(t.entries));
  report(t.me === 1000, "processes run as uid 1000", String(t.me));

  // ---- api and web ----------------------------------------------------------------
  const apiPort = await freePort();
  const webPort = await freePort();
  const api = await start("api", { env: { PORT: String(apiPort) }, command: ["node", "dist/api.js"] });
  const web = await start("web", { env: { PORT: String(webPort), API_URL: `http://127.0.0.1:${apiPort}` } });
  report(await waitHealthy(apiPort), "api: GET /health answers 200", `port ${apiPort}`);
  report(await waitHealthy(webPort), "web: GET /health answers 200", `port ${webPort}`);

  const greeting = await httpGet(apiPort, "/v1/greeting?name=Fargate");
  report(greeting.status === 200 && greeting.json?.message === "Hello, Fargate!", "api: GET /v1/greeting", greeting.text);
  const viaWeb = await httpGet(webPort, "/api/greeting?name=Web");
  report(viaWeb.status === 200 && viaWeb.json?.api?.message === "Hello, Web!", "web → api: GET /api/greeting answers 200", viaWeb.text);

  for (const [c, label] of [[web, "web"], [api, "api"]]) {
    const hc = await exec(c, "node", "dist/healthcheck.js");
    report(hc.code === 0, `${label}: node dist/healthcheck.js exits 0 inside the container`, hc.stderr);
  }
  const hcRun = await podman(["healthcheck", "run", web], { check: false });
  report(hcRun.code === 0, "web: podman healthcheck run (the image's HEALTHCHECK)", hcRun.stdout || hcRun.stderr);

  const writeTmp = await nodeEval(web, "require('fs').writeFileSync('/tmp/probe','x');console.log('ok')");
  report(writeTmp.code === 0, "/tmp is writable by the app", writeTmp.stdout || writeTmp.stderr);
  const writeRoot = await nodeEval(web, "try{require('fs').writeFileSync('/app/probe','x');console.log('WROTE')}catch(e){console.log(e.code)}");
  report(writeRoot.stdout === "EROFS", "the root filesystem is read-only (/app)", writeRoot.stdout);

  const apiStop = await stopAndExitCode(api, 30);
  report(apiStop.code === 0, "api: SIGTERM (podman stop) → exit 0", `exit ${apiStop.code} after ${apiStop.ms} ms`);
  const down = await httpGet(webPort, "/api/greeting");
  report(down.status === 502 && down.json?.error === "api_unavailable", "web: api down → 502 api_unavailable", down.text);
  const webStop = await stopAndExitCode(web, 30);
  report(webStop.code === 0, "web: SIGTERM → exit 0", `exit ${webStop.code} after ${webStop.ms} ms`);

  // ---- worker against a fake SQS on the host ---------------------------------------
  const sqs = await startFakeSqs();
  try {
    const id = sqs.enqueue({ kind: "greet", name: "Container", workMs: 100 });
    const awsEnv = {
      QUEUE_URL: sqs.queueUrl,
      AWS_ENDPOINT_URL_SQS: sqs.url,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "AKIDFAKEFORTESTS",
      AWS_SECRET_ACCESS_KEY: "fake-secret-for-tests",
      AWS_EC2_METADATA_DISABLED: "true",
    };
    const worker = await start("worker", { env: awsEnv, command: ["node", "dist/worker.js"] });
    const deleted = await sqs.waitForCall((c) => c.action === "DeleteMessage", 15_000).catch(() => undefined);
    report(deleted?.messageId === id, "worker: message received, handled and deleted");
    await sqs.waitForCall((c) => c.action === "ReceiveMessage" && c.at > (deleted?.at ?? 0), 5000).catch(() => undefined);
    const whc = await exec(worker, "node", "dist/worker-healthcheck.js");
    report(whc.code === 0, "worker: node dist/worker-healthcheck.js exits 0 (heartbeat in /tmp)", whc.stderr);
    const workerStop = await stopAndExitCode(worker, 30);
    report(workerStop.code === 0 && workerStop.ms < 10_000, "worker: SIGTERM during the long poll → exit 0 promptly", `exit ${workerStop.code} after ${workerStop.ms} ms`);
    const logs = (await podman(["logs", worker], { check: false })).stdout;
    report(/"msg":"shutdown complete"/.test(logs), "worker: logged shutdown complete");

    // Control: /tmp as ECS mounts a bind mount when the image declares no VOLUME
    // for it (root-owned 0755): the worker cannot write its heartbeat.
    const rootTmp = `${work}/root-owned-tmp`;
    mkdirSync(rootTmp, { recursive: true, mode: 0o755 });
    const ctl = await start("worker-control", { env: awsEnv, command: ["node", "dist/worker.js"], tmp: rootTmp });
    await sleep(1500);
    const ctlHc = await exec(ctl, "node", "dist/worker-healthcheck.js");
    report(ctlHc.code === 1, "control: with a root-owned /tmp bind mount the worker's health check fails", ctlHc.stderr);
    await stopAndExitCode(ctl, 5);
  } finally {
    await sqs.close();
  }

  // ---- a job -----------------------------------------------------------------------
  const job = await start("job", { command: ["node", "dist/jobs/cleanup.js"] });
  const jobExit = await podman(["wait", job], { timeoutMs: 30_000 });
  const jobLogs = (await podman(["logs", job], { check: false })).stdout;
  const summary = jobLogs.split("\n").map((l) => { try { return JSON.parse(l); } catch { return {}; } }).find((l) => l.msg === "job succeeded");
  report(jobExit.stdout === "0" && summary?.errors === 0, "cleanup job: exit 0 on the /tmp volume", summary ? JSON.stringify({ scanned: summary.scanned, deleted: summary.deleted, skipped: summary.skipped }) : jobLogs.slice(0, 300));
}

try {
  await main();
} catch (err) {
  failures++;
  console.log(`FAIL  ${err.message}`);
} finally {
  if (process.env.KEEP !== "1") {
    for (const c of containers) await podman(["rm", "-f", "-t", "0", c], { check: false });
    for (const v of volumes) await podman(["volume", "rm", "-f", v], { check: false });
  }
}
console.log(failures === 0 ? "\ncontainer check: all passed" : `\ncontainer check: ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
