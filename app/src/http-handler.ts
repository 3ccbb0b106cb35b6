import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "./logger.js";

/**
 * The request plumbing every HTTP service of this image shares (web and api):
 * request ids, one JSON log line per request, JSON answers, `Connection: close`
 * while draining, 404/405/500. A service only supplies its routes.
 */

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** The request id, also sent back in `x-request-id`; forward it on calls to other services. */
  reqId: string;
  query: URLSearchParams;
  logger: Logger;
  /** Writes a JSON answer (with `Connection: close` while draining). */
  send: (status: number, body: unknown, headers?: Record<string, string>) => void;
}

/** A route answers GET and HEAD; any other method on its path gets 405. */
export type Route = (ctx: RouteContext) => void | Promise<void>;
export type Routes = Record<string, Route>;

export interface HandlerOptions {
  logger: Logger;
  routes: Routes;
  /** True once SIGTERM/SIGINT was received: responses then carry `Connection: close`. */
  isDraining: () => boolean;
}

const REQUEST_ID_PATTERN = /^[\x21-\x7e]{1,256}$/; // visible ASCII, bounded length
const MAX_DEBUG_SLEEP_MS = 30_000;

/** Prefer the ALB's trace id, then a caller-supplied id, else a fresh UUID. */
export function requestIdFrom(req: IncomingMessage): string {
  for (const name of ["x-amzn-trace-id", "x-request-id"]) {
    const value = req.headers[name];
    const v = Array.isArray(value) ? value[0] : value;
    if (v && REQUEST_ID_PATTERN.test(v)) return v;
  }
  return randomUUID();
}

/** `GET /health`: local and instant, checks nothing remote (the ALB and the container health check call it). */
export const healthRoute: Route = ({ send }) => send(200, { status: "ok" });

/** Test-only routes (ENABLE_DEBUG_ROUTES=true): `GET /debug/sleep?ms=N`, a slow in-flight request. */
export const debugRoutes: Routes = {
  "/debug/sleep": async ({ query, reqId, logger, send }) => {
    const ms = Math.min(Math.max(Number(query.get("ms")) || 0, 0), MAX_DEBUG_SLEEP_MS);
    logger.info({ reqId, ms }, "debug sleep started");
    await sleep(ms);
    send(200, { slept: ms });
  },
};

export function createRequestHandler({ logger, routes, isDraining }: HandlerOptions): RequestHandler {
  const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    if (res.headersSent || res.destroyed) return; // the client went away, or an answer was already written
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

    const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (!route) return sendJson(res, 404, { error: "not_found" });
    const method = req.method ?? "GET";
    if (method !== "GET" && method !== "HEAD") {
      return sendJson(res, 405, { error: "method_not_allowed" }, { allow: "GET, HEAD" });
    }

    const ctx: RouteContext = {
      req,
      res,
      reqId,
      query: url.searchParams,
      logger,
      send: (status, body, headers) => sendJson(res, status, body, headers),
    };
    Promise.resolve()
      .then(() => route(ctx))
      .catch((err: unknown) => {
        logger.error({ reqId, err }, "request failed");
        if (!res.headersSent) sendJson(res, 500, { error: "internal_error", reqId });
        else res.destroy();
      });
  };
}
