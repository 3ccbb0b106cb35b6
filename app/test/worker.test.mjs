import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import { runNode, waitExit } from "./helpers.mjs";
import { useWorkerHarness } from "./worker-harness.mjs";

// The real dist/worker.js against a fake SQS on 127.0.0.1 (test/fake-sqs.mjs):
// receiving, handling, deleting, failures, settings, health. Signals: worker-shutdown.test.mjs.
const h = useWorkerHarness();

describe("worker (dist/worker.js) against a fake SQS", () => {
  test("a message is received with a long poll, handled, deleted; SIGTERM while idle then exits 0 at once", async () => {
    const id = h.sqs.enqueue({ kind: "greet", name: "Ada" });
    const w = await h.startWorker();
    const processed = await w.waitForLog((l) => l.msg === "message processed" && l.messageId === id);
    assert.equal(processed.kind, "greet");
    assert.equal(processed.receiveCount, 1);
    const greeted = w.logs.find((l) => l.msg === "greeted");
    assert.equal(greeted.greeting, "Hello, Ada!");
    assert.equal(greeted.messageId, id);

    const [first] = h.receives();
    assert.equal(first.input.QueueUrl, h.sqs.queueUrl);
    assert.equal(first.input.WaitTimeSeconds, 20, "long polling at SQS's maximum");
    assert.equal(first.input.MaxNumberOfMessages, 1);
    assert.deepEqual(first.input.MessageSystemAttributeNames, ["ApproximateReceiveCount"]);
    assert.equal(first.input.VisibilityTimeout, undefined, "the queue's visibility timeout unless WORKER_VISIBILITY_TIMEOUT is set");
    assert.equal(first.contentType, "application/x-amz-json-1.0");
    assert.match(first.auth, /Credential=AKIDFAKEFORTESTS\/\d{8}\/us-east-1\/sqs\/aws4_request/);

    assert.equal(h.deletes().length, 1);
    assert.equal(h.deletes()[0].messageId, id);
    assert.equal(h.sqs.messages.length, 0, "the queue is empty");

    // Idle now: the worker is back in a long poll. SIGTERM aborts it.
    await h.sqs.waitForCall((c) => c.action === "ReceiveMessage" && c !== first);
    const t0 = Date.now();
    w.child.kill("SIGTERM");
    assert.deepEqual(await waitExit(w, 5000), { code: 0, signal: null });
    assert.ok(Date.now() - t0 < 2000, `exit took ${Date.now() - t0} ms`);
    const done = w.logs.find((l) => l.msg === "shutdown complete");
    assert.equal(done.processed, 1);
    assert.equal(done.failed, 0);
    assert.deepEqual(w.nonJsonStdout, []);
  });

  test("a message that fails processing is not deleted and is delivered again after the visibility timeout", async () => {
    const bad = h.sqs.enqueue("this is not JSON");
    const good = h.sqs.enqueue({ kind: "greet", name: "Grace" });
    const w = await h.startWorker({ WORKER_CONCURRENCY: "2", WORKER_VISIBILITY_TIMEOUT: "1" });

    const failed1 = await w.waitForLog((l) => l.msg.startsWith("message processing failed") && l.messageId === bad);
    assert.equal(failed1.level, "warn");
    assert.equal(failed1.receiveCount, 1);
    assert.match(failed1.err.message, /not JSON/);
    await w.waitForLog((l) => l.msg === "message processed" && l.messageId === good);

    // Visible again after 1 s: received a second time, fails again, still not deleted.
    const failed2 = await w.waitForLog((l) => l.msg.startsWith("message processing failed") && l.messageId === bad && l.receiveCount === 2, 5000);
    assert.ok(failed2);
    assert.equal(h.receives()[0].input.VisibilityTimeout, 1);
    assert.equal(h.receives()[0].input.MaxNumberOfMessages, 2);
    assert.deepEqual(h.deletes().map((c) => c.messageId), [good], "only the good message was deleted");
    assert.deepEqual(h.sqs.messages.map((m) => m.id), [bad], "the failing message stays on the queue (for the DLQ redrive)");

    w.child.kill("SIGTERM");
    assert.equal((await waitExit(w, 5000)).code, 0);
    const done = w.logs.find((l) => l.msg === "shutdown complete");
    assert.equal(done.processed, 1);
    assert.ok(done.failed >= 2);
  });

  test("a failing receive is logged and retried with back-off; the worker keeps going", async () => {
    h.sqs.failNextReceives({ status: 400, type: "AccessDenied", message: "not authorized to perform: sqs:receivemessage" });
    const id = h.sqs.enqueue({ kind: "greet", name: "Retry" });
    const w = await h.startWorker();
    const err = await w.waitForLog((l) => l.msg === "receive failed, retrying");
    assert.equal(err.level, "error");
    assert.equal(err.consecutiveFailures, 1);
    assert.equal(err.retryInMs, 500);
    assert.match(err.err.message, /not authorized/);
    await w.waitForLog((l) => l.msg === "message processed" && l.messageId === id, 5000);
    w.child.kill("SIGTERM");
    assert.equal((await waitExit(w, 5000)).code, 0);
  });

  test("bad settings stop the worker before any call, every problem named at once, exit 1", async () => {
    const env = h.workerEnv({ WORKER_WAIT_SECONDS: "30", WORKER_CONCURRENCY: "0", WORKER_VISIBILITY_TIMEOUT: "-1", WORKER_HEARTBEAT_MAX_AGE_SECONDS: "15" });
    delete env.QUEUE_URL;
    delete env.STACK;
    const r = await runNode("dist/worker.js", env, 5000);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /missing required environment variable\(s\): STACK, QUEUE_URL/);
    assert.match(r.stderr, /WORKER_WAIT_SECONDS must be an integer between 0 and 20 \(got "30"\)/);
    assert.match(r.stderr, /WORKER_CONCURRENCY must be an integer between 1 and 10 \(got "0"\)/);
    assert.match(r.stderr, /WORKER_VISIBILITY_TIMEOUT must be an integer between 0 and 43200 \(got "-1"\)/);
    assert.match(r.stderr, /WORKER_HEARTBEAT_MAX_AGE_SECONDS must exceed WORKER_WAIT_SECONDS \+ 10/);
    assert.equal(r.logs.length, 0);
    assert.equal(h.sqs.calls.length, 0);

    const r2 = await runNode("dist/worker.js", h.workerEnv({ QUEUE_URL: "sqs://nope" }), 5000);
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /QUEUE_URL must be an http:\/\/ or https:\/\/ URL/);
  });
});

describe("worker health check (dist/worker-healthcheck.js)", () => {
  const probe = (file, extra = {}) =>
    runNode("dist/worker-healthcheck.js", { PATH: process.env.PATH, WORKER_HEARTBEAT_FILE: file, ...extra }, 5000);

  test("healthy while the worker polls: the heartbeat file is fresh", async () => {
    const w = await h.startWorker();
    await h.sqs.waitForCall((c) => c.action === "ReceiveMessage");
    assert.ok(existsSync(w.env.WORKER_HEARTBEAT_FILE));
    const r = await probe(w.env.WORKER_HEARTBEAT_FILE);
    assert.equal(r.code, 0, r.stderr);
  });

  test("unhealthy without a heartbeat file, or when the last beat is older than the bound", async () => {
    const missing = await probe(join(h.scratch, "never-written"));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no heartbeat file/);

    const file = join(h.scratch, "stale-heartbeat");
    await writeFile(file, "x");
    const old = new Date(Date.now() - 90_000);
    await utimes(file, old, old);
    const stale = await probe(file);
    assert.equal(stale.code, 1);
    assert.match(stale.stderr, /last heartbeat 90 s ago, more than 60 s/);
    assert.equal((await probe(file, { WORKER_HEARTBEAT_MAX_AGE_SECONDS: "120" })).code, 0, "the bound is configurable");
  });
});
