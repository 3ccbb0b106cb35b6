import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { Config } from "./config.js";
import type { Logger } from "./logger.js";

/**
 * The service's routes. Replace this file with your own application; keep
 * GET /health cheap and local (the ALB and the container health check call it).
 */

export interface AppOptions {
  config: Config;
  logger: Logger;
  /** True once SIGTERM/SIGINT was received: responses then carry `Connection: close`. */
  isDraining: () => boolean;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

const MAX_DEBUG_SLEEP_MS = 30_000;
const REQUEST_ID_PATTERN = /^[\x21-\x7e]{1,256}$/; // visible ASCII, bounded length

/** Prefer the ALB's trace id, then a caller-supplied id, else a fresh UUID. */
export function requestIdFrom(req: IncomingMessage): string {
  for (const name of ["x-amzn-trace-id", "x-request-id"]) {
    const value = req.headers[name];
    const v = Array.isArray(value) ? value[0] : value;
    if (v && REQUEST_ID_PATTERN.test(v)) return v;
  }
  return randomUUID();
}

export function createRequestHandler({ config, logger, isDraining }: AppOptions): RequestHandler {
  const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const payload = JSON.stringify(body);
    res.statusCode = status;
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    res.setHeader("content-type", "application/json; charset=utf-8");
    res.setHeader("content-length", Buffer.byteLength(payload));
    res.setHeader("cache-control", "no-store");
    // While draining, tell keep-alive clients (the ALB) not to reuse this
    // connection; Node then closes the socket once the response is written.
    if (isDraining()) res.setHeader("connection", "close");
    res.end(payload);
  };

  const route = async (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams) => {
    const method = req.method ?? "GET";
    const readOnly = method === "GET" || method === "HEAD";

    if (path === "/health") {
      if (!readOnly) return sendJson(res, 405, { error: "method_not_allowed" }, { allow: "GET, HEAD" });
      return sendJson(res, 200, { status: "ok" });
    }

    if (path === "/") {
      if (!readOnly) return sendJson(res, 405, { error: "method_not_allowed" }, { allow: "GET, HEAD" });
      return sendJson(res, 200, { service: config.serviceName, version: config.appVersion, stack: config.stack });
    }

    if (config.enableDebugRoutes && path === "/debug/sleep" && readOnly) {
      // Test-only: a slow request to prove in-flight work survives SIGTERM.
      const ms = Math.min(Math.max(Number(query.get("ms")) || 0, 0), MAX_DEBUG_SLEEP_MS);
      logger.info({ reqId: res.getHeader("x-request-id"), ms }, "debug sleep started");
      await sleep(ms);
      return sendJson(res, 200, { slept: ms });
    }

    return sendJson(res, 404, { error: "not_found" });
  };

  return (req, res) => {
    const start = process.hrtime.bigint();
    const reqId = requestIdFrom(req);
    res.setHeader("x-request-id", reqId);

    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname;

    let logged = false;
    const logDone = (event: "finish" | "close") => {
      if (logged) return;
      logged = true;
      const durationMs = Number(process.hrtime.bigint() - start) / 1e6;
      const fields = {
        reqId,
        method: req.method,
        path,
        statusCode: res.statusCode,
        durationMs: Math.round(durationMs * 100) / 100,
        ...(event === "close" ? { aborted: true } : {}),
      };
      // Health checks arrive every few seconds from the ALB and ECS: keep them at
      // debug so they do not drown the useful lines (set LOG_LEVEL=debug to see them).
      if (path === "/health" && res.statusCode === 200) logger.debug(fields, "request completed");
      else logger.info(fields, "request completed");
    };
    res.once("finish", () => logDone("finish"));
    res.once("close", () => logDone("close"));

    route(req, res, path, url.searchParams).catch((err: unknown) => {
      logger.error({ reqId, err }, "request failed");
      if (!res.headersSent) sendJson(res, 500, { error: "internal_error", reqId });
      else res.destroy();
    });
  };
}
