import assert from "node:assert/strict";
import { hostname } from "node:os";
import { after, afterEach, before, describe, test } from "node:test";
import { baseEnv, get, listenLocal, runNode, startServer, waitExit } from "./helpers.mjs";

// The real dist/api.js and dist/server.js (web) as child processes, on 127.0.0.1.

const running = new Set();
async function start(env, script) {
  const proc = await startServer(env, script);
  running.add(proc);
  return proc;
}
const startApi = (env = {}) => start(env, "dist/api.js");
const startWeb = (env = {}) => start(env, "dist/server.js");
async function stop(proc) {
  proc.kill("SIGTERM");
  const exit = await waitExit(proc, 5000);
  running.delete(proc);
  return exit;
}
const killAll = () => {
  for (const p of running) p.kill("SIGKILL");
  running.clear();
};

describe("api (dist/api.js)", () => {
  let api;
  before(async () => {
    api = await startApi();
  });
  after(async () => {
    assert.deepEqual(await stop(api), { code: 0, signal: null }, "graceful shutdown, exit 0");
    killAll();
  });

  test("GET /health answers 200 {status: ok}", async () => {
    const res = await get(api.port, "/health");
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { status: "ok" });
  });

  test("GET /v1/greeting answers JSON with message, service, stack, version, servedBy", async () => {
    const res = await get(api.port, "/v1/greeting", { headers: { "x-request-id": "greet-1" } });
    assert.equal(res.status, 200);
    assert.match(res.headers["content-type"], /^application\/json/);
    assert.deepEqual(res.json, {
      message: "Hello, world!",
      service: "fargatekit-api",
      stack: "test",
      version: "test-1.2.3",
      servedBy: hostname(),
    });
    assert.equal(res.headers["x-request-id"], "greet-1");
    const line = await api.waitForLog((l) => l.reqId === "greet-1" && l.msg === "request completed");
    assert.equal(line.service, "fargatekit-api");
    assert.equal(line.path, "/v1/greeting");
    assert.equal(line.statusCode, 200);
  });

  test("?name= is greeted; a bad name answers 400 naming the rule and the value", async () => {
    const ok = await get(api.port, `/v1/greeting?name=${encodeURIComponent("Ada Lovelace")}`);
    assert.equal(ok.json.message, "Hello, Ada Lovelace!");
    const bad = await get(api.port, `/v1/greeting?name=${encodeURIComponent("<script>")}`);
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error, "invalid_name");
    assert.match(bad.json.detail, /1-64 letters.*got "<script>"/);
  });

  test("unknown paths 404, other methods 405, no debug routes by default", async () => {
    assert.equal((await get(api.port, "/")).status, 404);
    assert.equal((await get(api.port, "/debug/sleep?ms=1")).status, 404);
    const post = await fetch(`http://127.0.0.1:${api.port}/v1/greeting`, { method: "POST" });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get("allow"), "GET, HEAD");
    await post.body?.cancel();
  });
});

describe("web → api (GET /api/greeting)", () => {
  afterEach(killAll);

  test("end to end: web calls the api with the request id, answers 200; once the api is down, 502", async () => {
    const api = await startApi();
    const web = await startWeb({ API_URL: `http://127.0.0.1:${api.port}` });

    const res = await get(web.port, "/api/greeting?name=Grace", { headers: { "x-request-id": "e2e-1" } });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json.via, "fargatekit-app");
    assert.equal(res.json.api.message, "Hello, Grace!");
    assert.equal(res.json.api.servedBy, hostname());
    // The api logged the same request id: it was forwarded.
    const apiLine = await api.waitForLog((l) => l.msg === "request completed" && l.reqId === "e2e-1");
    assert.equal(apiLine.path, "/v1/greeting");

    // The api refuses a bad name: web passes the 400 on (the caller's mistake, not a gateway failure).
    const bad = await get(web.port, "/api/greeting?name=%3C%3E");
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error, "invalid_name");

    assert.deepEqual(await stop(api), { code: 0, signal: null });
    const down = await get(web.port, "/api/greeting", { headers: { "x-request-id": "e2e-2" } });
    assert.equal(down.status, 502);
    assert.equal(down.json.error, "api_unavailable");
    assert.match(down.json.detail, /^api unreachable: /);
    assert.equal(down.json.reqId, "e2e-2");
    const warn = await web.waitForLog((l) => l.msg === "api call failed" && l.reqId === "e2e-2");
    assert.equal(warn.level, "warn");
    await stop(web);
  });

  test("an api that does not answer within API_TIMEOUT_MS: 502 api_timeout, on time", async () => {
    const hanging = await listenLocal(() => {}); // accepts, never answers
    try {
      const web = await startWeb({ API_URL: hanging.url, API_TIMEOUT_MS: "300" });
      const t0 = Date.now();
      const res = await get(web.port, "/api/greeting");
      const took = Date.now() - t0;
      assert.equal(res.status, 502);
      assert.equal(res.json.error, "api_timeout");
      assert.match(res.json.detail, /within 300 ms/);
      assert.ok(took >= 280 && took < 2000, `answered after ${took} ms`);
    } finally {
      await hanging.close();
    }
  });

  test("an api answering 500 or non-JSON: 502 api_error", async () => {
    let reply = { status: 500, body: JSON.stringify({ error: "boom" }) };
    const fake = await listenLocal((req, res) => {
      res.writeHead(reply.status, { "content-type": "application/json" }).end(reply.body);
    });
    try {
      const web = await startWeb({ API_URL: fake.url });
      const r500 = await get(web.port, "/api/greeting");
      assert.equal(r500.status, 502);
      assert.equal(r500.json.error, "api_error");
      assert.match(r500.json.detail, /api answered 500/);
      reply = { status: 200, body: "<html>proxy error</html>" };
      const html = await get(web.port, "/api/greeting");
      assert.equal(html.status, 502);
      assert.match(html.json.detail, /not JSON/);
    } finally {
      await fake.close();
    }
  });

  test("without API_URL the route answers 503 api_not_configured", async () => {
    const web = await startWeb();
    const res = await get(web.port, "/api/greeting");
    assert.equal(res.status, 503);
    assert.equal(res.json.error, "api_not_configured");
    assert.match(res.json.detail, /API_URL/);
  });

  test("a bad API_URL or API_TIMEOUT_MS stops web at start, both named, exit 1", async () => {
    const r = await runNode("dist/server.js", baseEnv({ API_URL: "api:8080/v1", API_TIMEOUT_MS: "soon" }), 5000);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /API_URL must be an http:\/\/ or https:\/\/ URL with scheme, host and port only, e\.g\. http:\/\/api:8080 \(got "api:8080\/v1"\)/);
    assert.match(r.stderr, /API_TIMEOUT_MS must be an integer between 1 and 60000 \(got "soon"\)/);
    assert.equal(r.logs.length, 0);
  });
});
