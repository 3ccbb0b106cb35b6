import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { listenLocal, runNode, startServer, waitExit } from "./helpers.mjs";

const hcEnv = (port, extra = {}) => ({ PATH: process.env.PATH, PORT: String(port), ...extra });

describe("dist/healthcheck.js (container health check)", () => {
  let srv;
  before(async () => {
    srv = await startServer();
  });
  after(async () => {
    srv.kill("SIGTERM");
    await waitExit(srv, 5000).catch(() => srv.kill("SIGKILL"));
  });

  test("exit 0 when /health answers 200", async () => {
    const r = await runNode("dist/healthcheck.js", hcEnv(srv.port), 5000);
    assert.equal(r.code, 0, r.stderr);
  });

  test("exit 1 when nothing listens on PORT", async () => {
    const closed = await listenLocal(() => {});
    const port = closed.port;
    await closed.close();
    const r = await runNode("dist/healthcheck.js", hcEnv(port), 5000);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ECONNREFUSED/);
  });

  test("exit 1 when /health answers non-200", async () => {
    const fake = await listenLocal((req, res) => {
      res.writeHead(req.url === "/health" ? 503 : 200).end("{}");
    });
    try {
      const r = await runNode("dist/healthcheck.js", hcEnv(fake.port), 5000);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /status 503/);
    } finally {
      await fake.close();
    }
  });

  test("exit 1 within the timeout when /health hangs", async () => {
    const fake = await listenLocal(() => {}); // never answers
    try {
      const r = await runNode("dist/healthcheck.js", hcEnv(fake.port, { HEALTHCHECK_TIMEOUT_MS: "300" }), 5000);
      assert.equal(r.code, 1);
      assert.ok(r.durationMs < 3000, `took ${r.durationMs} ms`);
      assert.match(r.stderr, /no answer within 300 ms/);
    } finally {
      await fake.close();
    }
  });
});
