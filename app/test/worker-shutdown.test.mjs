import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, test } from "node:test";
import { waitExit } from "./helpers.mjs";
import { eventually, useWorkerHarness } from "./worker-harness.mjs";

// The worker's shutdown on SIGTERM/SIGINT, against a fake SQS (test/fake-sqs.mjs).
const h = useWorkerHarness();

describe("worker shutdown", () => {
  test("SIGTERM during a long poll on an empty queue: the poll is aborted, no new receive, exit 0 well under 20 s", async () => {
    const w = await h.startWorker();
    const poll = await h.sqs.waitForCall((c) => c.action === "ReceiveMessage");
    assert.equal(poll.input.WaitTimeSeconds, 20);
    await sleep(200); // let it sit in the long poll
    assert.equal(h.sqs.pendingReceives().length, 1, "the fake holds the long poll");
    const signalAt = Date.now();
    w.child.kill("SIGTERM");
    const exit = await waitExit(w, 5000);
    const took = Date.now() - signalAt;
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.ok(took < 2000, `exit took ${took} ms`);
    await eventually(() => poll.aborted === true, 1000, "the worker hung up on the long poll instead of waiting it out");
    assert.equal(h.receives().filter((c) => c.at >= signalAt).length, 0, "no receive after the signal");
    assert.ok(w.logs.some((l) => l.msg === "shutdown started: no new receives, finishing the messages in hand"));
  });

  test("SIGTERM while a slow message is processed: it finishes and is deleted, no receive after the signal, exit 0", async () => {
    const id = h.sqs.enqueue({ kind: "greet", name: "Slow", workMs: 800 });
    const w = await h.startWorker();
    await w.waitForLog((l) => l.msg === "message received" && l.messageId === id);
    const signalAt = Date.now();
    w.child.kill("SIGTERM");
    await w.waitForLog((l) => l.msg === "shutdown started: no new receives, finishing the messages in hand");
    const exit = await waitExit(w, 8000);
    assert.deepEqual(exit, { code: 0, signal: null });

    const processed = w.logs.find((l) => l.msg === "message processed" && l.messageId === id);
    assert.ok(processed, "the message in hand was finished");
    assert.ok(processed.durationMs >= 750, `handled for ${processed.durationMs} ms`);
    assert.equal(h.deletes().length, 1);
    assert.ok(h.deletes()[0].at >= signalAt, "deleted after the signal");
    assert.equal(h.receives().length, 1, "exactly one receive: none after the signal");
    assert.equal(h.sqs.messages.length, 0);
    assert.equal(w.logs.find((l) => l.msg === "shutdown started: no new receives, finishing the messages in hand").inFlight, 1);
  });

  test("the shutdown deadline exits 1 and leaves the unfinished message on the queue", async () => {
    const id = h.sqs.enqueue({ kind: "greet", name: "Slower", workMs: 5000 });
    const w = await h.startWorker({ SHUTDOWN_TIMEOUT_MS: "300" });
    await w.waitForLog((l) => l.msg === "message received" && l.messageId === id);
    const t0 = Date.now();
    w.child.kill("SIGTERM");
    const exit = await waitExit(w, 4000);
    assert.deepEqual(exit, { code: 1, signal: null });
    assert.ok(Date.now() - t0 < 2500, `deadline exit after ${Date.now() - t0} ms`);
    assert.ok(w.logs.some((l) => l.msg.startsWith("shutdown deadline exceeded") && l.level === "error" && l.inFlight === 1));
    assert.equal(h.deletes().length, 0);
    assert.deepEqual(h.sqs.messages.map((m) => m.id), [id]);
  });

  test("a second signal exits at once with 128+signal", async () => {
    const id = h.sqs.enqueue({ kind: "greet", name: "Slower", workMs: 5000 });
    const w = await h.startWorker();
    await w.waitForLog((l) => l.msg === "message received" && l.messageId === id);
    w.child.kill("SIGTERM");
    await w.waitForLog((l) => l.msg.startsWith("shutdown started"));
    w.child.kill("SIGINT");
    const exit = await waitExit(w, 3000);
    assert.equal(exit.code, 130);
    assert.ok(w.logs.some((l) => l.msg === "second signal received during shutdown, forcing exit"));
    assert.equal(h.deletes().length, 0);
  });
});
