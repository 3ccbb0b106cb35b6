import { request } from "node:http";

/**
 * Container health check: `node dist/healthcheck.js` (the slim image has no curl).
 * GET http://127.0.0.1:$PORT/health; exit 0 on HTTP 200, else 1.
 * Deliberately loads nothing but node:http so it starts in a few milliseconds.
 */

const port = Number(process.env.PORT || 8080);
const timeoutMs = Number(process.env.HEALTHCHECK_TIMEOUT_MS || 2000);

let done = false;
function finish(code: number, reason: string): void {
  if (done) return;
  done = true;
  if (code !== 0) process.stderr.write(`healthcheck failed: ${reason}\n`);
  process.exit(code);
}

// Overall bound, whatever stage the request is stuck in (connect, headers, body).
setTimeout(() => finish(1, `no answer within ${timeoutMs} ms`), timeoutMs).unref();

const req = request(
  { host: "127.0.0.1", port, path: "/health", method: "GET", agent: false, headers: { "x-request-id": "healthcheck" } },
  (res) => {
    res.resume();
    res.on("end", () => (res.statusCode === 200 ? finish(0, "ok") : finish(1, `status ${res.statusCode}`)));
    res.on("error", (err) => finish(1, err.message));
  },
);
req.on("error", (err) => finish(1, err.message));
req.end();
