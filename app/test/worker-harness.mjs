// Shared set-up of the worker tests: the real dist/worker.js against a fresh
// fake SQS (test/fake-sqs.mjs) per test, on 127.0.0.1 only.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, beforeEach } from "node:test";
import { startFakeSqs } from "./fake-sqs.mjs";
import { awsTestEnv, spawnNode } from "./helpers.mjs";

/** Registers the hooks of a worker test file; the returned object's fields are set per test. */
export function useWorkerHarness() {
  const h = { scratch: undefined, sqs: undefined };
  let n = 0;
  const running = new Set();

  before(async () => {
    h.scratch = await mkdtemp(join(tmpdir(), "app-worker-test-"));
  });
  after(async () => {
    await rm(h.scratch, { recursive: true, force: true });
  });
  beforeEach(async () => {
    h.sqs = await startFakeSqs();
  });
  afterEach(async () => {
    for (const w of running) w.kill("SIGKILL");
    running.clear();
    await h.sqs.close();
  });

  /** The worker's environment: fake credentials, QUEUE_URL and AWS_ENDPOINT_URL_SQS at the fake, a heartbeat file per run. */
  h.workerEnv = (extra = {}) => ({
    PATH: process.env.PATH,
    APP_VERSION: "test-1.2.3",
    STACK: "test",
    LOG_LEVEL: "info",
    ...awsTestEnv(h.scratch),
    QUEUE_URL: h.sqs.queueUrl,
    AWS_ENDPOINT_URL_SQS: h.sqs.url,
    WORKER_HEARTBEAT_FILE: join(h.scratch, `heartbeat-${++n}`),
    ...extra,
  });

  /** Starts dist/worker.js and waits for its "worker started" line. */
  h.startWorker = async (extra = {}) => {
    const env = h.workerEnv(extra);
    const w = spawnNode("dist/worker.js", env);
    running.add(w);
    await Promise.race([
      w.waitForLog((l) => l.msg === "worker started", 10_000),
      w.exited.then((e) => {
        throw new Error(`worker exited early: ${JSON.stringify(e)} stderr=${w.stderr}`);
      }),
    ]);
    w.env = env;
    return w;
  };

  h.receives = () => h.sqs.calls.filter((c) => c.action === "ReceiveMessage");
  h.deletes = () => h.sqs.calls.filter((c) => c.action === "DeleteMessage");
  return h;
}

/** Polls `cond` every 10 ms until true; fails after timeoutMs. */
export async function eventually(cond, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
