import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, test } from "node:test";
import { baseEnv, get, runNode, startServer, waitExit } from "./helpers.mjs";

describe("HTTP endpoints", () => {
  let srv;
  before(async () => {
    srv = await startServer({ SERVICE_NAME: "sample-svc" });
  });
  after(async () => {
    srv.kill("SIGTERM");
    await waitExit(srv, 5000).catch(() => srv.kill("SIGKILL"));
  });

  test("GET /health answers 200 {status: ok}", async () => {
    const res = await get(srv.port, "/health");
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { status: "ok" });
    assert.match(res.headers["content-type"], /^application\/json/);
  });

  test("GET / reports service, version and stack", async () => {
    const res = await get(srv.port, "/");
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { service: "sample-svc", version: "test-1.2.3", stack: "test" });
  });

  test("unknown path answers 404 JSON", async () => {
    const res = await get(srv.port, "/no/such/path?x=1");
    assert.equal(res.status, 404);
    assert.deepEqual(res.json, { error: "not_found" });
    assert.match(res.headers["content-type"], /^application\/json/);
  });

  test("debug routes are off unless ENABLE_DEBUG_ROUTES=true", async () => {
    const res = await get(srv.port, "/debug/sleep?ms=1");
    assert.equal(res.status, 404);
  });

  test("a write method on /health answers 405 with Allow", async () => {
    const res = await new Promise((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port: srv.port, path: "/health", method: "POST" }, (r) => {
        r.resume();
        r.on("end", () => resolve(r));
      });
      req.on("error", reject);
      req.end();
    });
    assert.equal(res.statusCode, 405);
    assert.equal(res.headers.allow, "GET, HEAD");
  });

  test("keep-alive outlives the ALB's 60 s idle timeout", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const res = await get(srv.port, "/health", { agent });
      assert.equal(res.headers.connection, "keep-alive");
      assert.equal(res.headers["keep-alive"], "timeout=65");
    } finally {
      agent.destroy();
    }
  });

  test("request ids: x-amzn-trace-id, then x-request-id, else generated; logged as JSON with latency", async () => {
    const trace = "Root=1-67891233-abcdef012345678912345678";
    const r1 = await get(srv.port, "/", { headers: { "x-amzn-trace-id": trace, "x-request-id": "ignored" } });
    assert.equal(r1.headers["x-request-id"], trace);
    const r2 = await get(srv.port, "/", { headers: { "x-request-id": "client-req-42" } });
    assert.equal(r2.headers["x-request-id"], "client-req-42");
    const r3 = await get(srv.port, "/missing");
    assert.match(r3.headers["x-request-id"], /^[0-9a-f-]{36}$/);

    for (const id of [trace, "client-req-42", r3.headers["x-request-id"]]) {
      const line = await srv.waitForLog((l) => l.reqId === id && l.msg === "request completed");
      assert.equal(line.level, "info");
      assert.equal(line.service, "sample-svc");
      assert.equal(line.version, "test-1.2.3");
      assert.equal(line.stack, "test");
      assert.equal(typeof line.durationMs, "number");
      assert.ok(line.durationMs >= 0);
      assert.ok(!Number.isNaN(Date.parse(line.time)));
    }
    const notFound = srv.logs.find((l) => l.reqId === r3.headers["x-request-id"]);
    assert.equal(notFound.statusCode, 404);
    assert.equal(notFound.path, "/missing");
    // Every stdout line is JSON.
    assert.deepEqual(srv.nonJsonStdout, []);
  });
});

describe("configuration", () => {
  test("KEEP_ALIVE_TIMEOUT_MS follows a longer ALB idle timeout", async () => {
    const srv = await startServer({ KEEP_ALIVE_TIMEOUT_MS: "125000" });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const res = await get(srv.port, "/health", { agent });
      assert.equal(res.headers["keep-alive"], "timeout=125");
    } finally {
      agent.destroy();
      srv.kill("SIGTERM");
      assert.deepEqual(await waitExit(srv, 5000), { code: 0, signal: null });
    }
  });

  test("missing required variables and a bad PORT fail at start, all named at once, exit 1", async () => {
    const env = baseEnv({ PORT: "not-a-port", KEEP_ALIVE_TIMEOUT_MS: "10" });
    delete env.APP_VERSION;
    delete env.STACK;
    const r = await runNode("dist/server.js", env, 5000);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /APP_VERSION/);
    assert.match(r.stderr, /STACK/);
    assert.match(r.stderr, /PORT/);
    assert.match(r.stderr, /KEEP_ALIVE_TIMEOUT_MS/);
    assert.equal(r.logs.length, 0, "nothing is served or logged as running");
  });

  test("an out-of-range PORT alone fails too", async () => {
    const r = await runNode("dist/server.js", baseEnv({ PORT: "70000" }), 5000);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /PORT must be an integer/);
    assert.doesNotMatch(r.stderr, /APP_VERSION/);
  });
});
