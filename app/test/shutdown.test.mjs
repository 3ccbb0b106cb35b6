import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, test } from "node:test";
import { get, startServer, waitExit } from "./helpers.mjs";

const running = new Set();
async function server(env) {
  const srv = await startServer({ ENABLE_DEBUG_ROUTES: "true", ...env });
  running.add(srv);
  return srv;
}
afterEach(() => {
  for (const srv of running) srv.kill("SIGKILL");
  running.clear();
});

function connectRefused(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port });
    s.setTimeout(2000, () => {
      s.destroy();
      resolve("timeout");
    });
    s.on("connect", () => {
      s.destroy();
      resolve("connected");
    });
    s.on("error", (err) => resolve(err.code));
  });
}

describe("graceful shutdown", () => {
  test("SIGTERM under keep-alive load: every request sent before the signal gets a 200, in-flight work finishes, exit 0", async () => {
    const srv = await server({ SHUTDOWN_TIMEOUT_MS: "10000" });
    const CONNECTIONS = 32;
    const MAX_REQUESTS_PER_CONNECTION = 400; // bound on the loop, whatever the timing
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    let signalled = false;
    const results = [];

    const worker = async () => {
      for (let n = 0; n < MAX_REQUESTS_PER_CONNECTION && !signalled; n++) {
        const r = { sentBeforeSignal: undefined };
        results.push(r);
        try {
          const res = await get(srv.port, "/", {
            agent,
            // "sent" = the request was fully written to the socket.
            onFinish: () => (r.sentBeforeSignal = !signalled),
          });
          r.status = res.status;
          r.connection = res.headers.connection;
        } catch (err) {
          r.error = err.code ?? err.message;
        }
      }
    };

    const workers = Array.from({ length: CONNECTIONS }, worker);

    // Let the load run for a while (bounded: at most 2 s or until 400 responses).
    const loadDeadline = Date.now() + 2000;
    while (Date.now() < loadDeadline && results.filter((r) => r.status).length < 400) await sleep(20);

    // A slow request that is in flight when the signal arrives (the load keeps going meanwhile).
    const slowAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const slowStarted = Date.now();
    const slow = get(srv.port, "/debug/sleep?ms=1000", { agent: slowAgent, headers: { "x-request-id": "slow-1" } });
    await srv.waitForLog((l) => l.msg === "debug sleep started" && l.reqId === "slow-1");

    signalled = true;
    const signalAt = Date.now();
    srv.child.kill("SIGTERM");

    // New connections are refused once draining started, while the slow request is still going.
    await srv.waitForLog((l) => l.msg === "shutdown started, draining connections");
    await sleep(100);
    const refusedWhileDraining = await connectRefused(srv.port);

    const slowRes = await slow;
    const slowDoneAt = Date.now();
    await Promise.all(workers);
    const exit = await waitExit(srv, 8000);
    const exitAt = Date.now();
    agent.destroy();
    slowAgent.destroy();

    const before = results.filter((r) => r.sentBeforeSignal === true);
    const failures = before.filter((r) => r.status !== 200);
    assert.ok(before.length >= 50, `expected real load before the signal, got ${before.length} requests`);
    assert.deepEqual(failures, [], `${failures.length}/${before.length} requests sent before SIGTERM failed`);

    assert.equal(slowRes.status, 200);
    assert.deepEqual(slowRes.json, { slept: 1000 });
    assert.equal(slowRes.headers.connection, "close", "a response written while draining must carry Connection: close");
    assert.ok(slowDoneAt - slowStarted >= 950, "the slow request really ran to completion");

    assert.equal(refusedWhileDraining, "ECONNREFUSED");
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.ok(exitAt - signalAt < 5000, `shutdown took ${exitAt - signalAt} ms`);
    assert.ok(srv.logs.some((l) => l.msg === "shutdown complete"));
    assert.deepEqual(srv.nonJsonStdout, []);
  });

  test("SIGINT with only idle keep-alive connections: they are closed and the process exits 0 at once", async () => {
    const srv = await server({ SHUTDOWN_TIMEOUT_MS: "10000" });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    await Promise.all([1, 2, 3, 4].map(() => get(srv.port, "/health", { agent })));
    const sockets = Object.values(agent.freeSockets).flat();
    assert.ok(sockets.length >= 1, "keep-alive sockets are idle in the pool");
    const closed = sockets.map((s) => new Promise((r) => s.once("close", r)));

    const t0 = Date.now();
    srv.child.kill("SIGINT");
    const exit = await waitExit(srv, 5000);
    // Without closing idle connections Node would wait for keepAliveTimeout (65 s).
    assert.ok(Date.now() - t0 < 2000, `exit took ${Date.now() - t0} ms`);
    assert.deepEqual(exit, { code: 0, signal: null });
    await Promise.race([Promise.all(closed), sleep(2000).then(() => assert.fail("idle sockets not closed"))]);
    agent.destroy();
  });

  test("a second signal forces exit while a request is still in flight (non-zero)", async () => {
    const srv = await server({ SHUTDOWN_TIMEOUT_MS: "10000" });
    const slow = get(srv.port, "/debug/sleep?ms=8000", { headers: { "x-request-id": "slow-2" } }).catch((e) => e);
    await srv.waitForLog((l) => l.msg === "debug sleep started" && l.reqId === "slow-2");
    srv.child.kill("SIGTERM");
    await srv.waitForLog((l) => l.msg === "shutdown started, draining connections");
    const t0 = Date.now();
    srv.child.kill("SIGTERM");
    const exit = await waitExit(srv, 3000);
    assert.ok(Date.now() - t0 < 2000);
    assert.equal(exit.code, 143);
    assert.ok(srv.logs.some((l) => l.msg === "second signal received during shutdown, forcing exit"));
    assert.ok((await slow) instanceof Error, "the cut-off request fails on the client side");
  });

  test("the SHUTDOWN_TIMEOUT_MS deadline forces exit (non-zero)", async () => {
    const srv = await server({ SHUTDOWN_TIMEOUT_MS: "400" });
    const slow = get(srv.port, "/debug/sleep?ms=8000", { headers: { "x-request-id": "slow-3" } }).catch((e) => e);
    await srv.waitForLog((l) => l.msg === "debug sleep started" && l.reqId === "slow-3");
    const t0 = Date.now();
    srv.child.kill("SIGTERM");
    const exit = await waitExit(srv, 4000);
    const took = Date.now() - t0;
    assert.ok(took >= 350 && took < 3000, `deadline exit after ${took} ms`);
    assert.deepEqual(exit, { code: 1, signal: null });
    const line = srv.logs.find((l) => l.msg === "shutdown deadline exceeded, closing remaining connections and forcing exit");
    assert.ok(line);
    assert.equal(line.level, "error");
    assert.equal(line.inFlight, 1);
    assert.ok((await slow) instanceof Error);
  });
});
