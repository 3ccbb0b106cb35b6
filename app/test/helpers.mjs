// Test helpers: run the built dist/ entry points as real child processes and
// talk to them over loopback only. Every wait is bounded in time.
import { spawn } from "node:child_process";
import { once } from "node:events";
import http from "node:http";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const APP_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** A minimal, explicit environment: nothing (AWS settings included) leaks in from the caller. */
export function baseEnv(extra = {}) {
  return {
    PATH: process.env.PATH,
    APP_VERSION: "test-1.2.3",
    STACK: "test",
    PORT: "0",
    LOG_LEVEL: "info",
    ...extra,
  };
}

/**
 * Settings for anything that may load the AWS SDK: dummy static credentials, no
 * AWS config files, no instance-metadata lookups, so no call leaves 127.0.0.1
 * (each test points AWS_ENDPOINT_URL_<SERVICE> at its local fake).
 */
export function awsTestEnv(home) {
  return {
    HOME: home,
    AWS_ACCESS_KEY_ID: "AKIDFAKEFORTESTS",
    AWS_SECRET_ACCESS_KEY: "fake-secret-for-tests",
    AWS_REGION: "us-east-1",
    AWS_CONFIG_FILE: join(home, "no-aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, "no-aws-credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
  };
}

/** Spawns `node <script>` in APP_DIR and collects its JSON log lines. `options.uid/gid`: run as another user. */
export function spawnNode(script, env, { uid, gid } = {}) {
  const child = spawn(process.execPath, [script], {
    cwd: APP_DIR,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    ...(uid === undefined ? {} : { uid, gid }),
  });
  const proc = {
    child,
    logs: [],
    nonJsonStdout: [],
    stderr: "",
    exit: null,
    /** Resolves with { code, signal } when the process has exited. */
    exited: null,
  };
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (d) => (proc.stderr += d));
  const rl = createInterface({ input: child.stdout });
  const stdoutClosed = once(rl, "close");
  const logWaiters = new Set();
  rl.on("line", (line) => {
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      proc.nonJsonStdout.push(line);
      return;
    }
    proc.logs.push(entry);
    for (const w of logWaiters) w(entry);
  });
  proc.exited = new Promise((resolveExit) => {
    child.once("exit", async (code, signal) => {
      await stdoutClosed; // all log lines parsed before anyone looks at them
      proc.exit = { code, signal };
      resolveExit(proc.exit);
    });
  });
  /** Waits for a log line matching `pred` (already seen or future). */
  proc.waitForLog = (pred, timeoutMs = 5000) => {
    const seen = proc.logs.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((res, rej) => {
      const timer = setTimeout(() => {
        logWaiters.delete(waiter);
        rej(new Error(`no matching log line within ${timeoutMs} ms; stderr=${proc.stderr} logs=${JSON.stringify(proc.logs)}`));
      }, timeoutMs);
      const waiter = (entry) => {
        if (!pred(entry)) return;
        clearTimeout(timer);
        logWaiters.delete(waiter);
        res(entry);
      };
      logWaiters.add(waiter);
    });
  };
  proc.kill = (signal = "SIGKILL") => {
    if (proc.exit === null) child.kill(signal);
  };
  return proc;
}

/** Waits for the process to exit, failing (and killing it) after timeoutMs. */
export async function waitExit(proc, timeoutMs = 5000) {
  let timer;
  const timeout = new Promise((_, rej) => {
    timer = setTimeout(() => {
      proc.kill("SIGKILL");
      rej(new Error(`process did not exit within ${timeoutMs} ms; stderr=${proc.stderr}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([proc.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Starts an HTTP service (web: dist/server.js, api: dist/api.js) on a free port (PORT=0) and waits for its "listening" line. */
export async function startServer(extraEnv = {}, script = "dist/server.js") {
  const proc = spawnNode(script, baseEnv(extraEnv));
  const listening = await Promise.race([
    proc.waitForLog((l) => l.msg === "listening", 10_000),
    proc.exited.then((e) => {
      throw new Error(`server exited early: ${JSON.stringify(e)} stderr=${proc.stderr}`);
    }),
  ]);
  proc.port = listening.port;
  return proc;
}

/** Runs a script to completion; returns { code, signal, logs, stderr, durationMs }. */
export async function runNode(script, env, timeoutMs = 10_000, spawnOptions = {}) {
  const started = Date.now();
  const proc = spawnNode(script, env, spawnOptions);
  const { code, signal } = await waitExit(proc, timeoutMs);
  return { code, signal, logs: proc.logs, stderr: proc.stderr, nonJsonStdout: proc.nonJsonStdout, durationMs: Date.now() - started };
}

/** GET on 127.0.0.1. Resolves { status, headers, body, json }; `onFinish` is called once the request is written. */
export function get(port, path, { agent, headers = {}, timeoutMs = 10_000, onFinish } = {}) {
  return new Promise((resolveRes, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, path, method: "GET", agent, headers, timeout: timeoutMs },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (body += d));
        res.on("end", () => {
          let json;
          try {
            json = JSON.parse(body);
          } catch {
            json = undefined;
          }
          resolveRes({ status: res.statusCode, headers: res.headers, body, json });
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("client timeout")));
    req.on("error", reject);
    if (onFinish) req.on("finish", onFinish);
    req.end();
  });
}

/** Starts a throwaway HTTP server on 127.0.0.1 with a random port. */
export async function listenLocal(handler) {
  const server = http.createServer(handler);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    server,
    port: server.address().port,
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}
