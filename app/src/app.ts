import type { WebConfig } from "./config.js";
import { callApi } from "./greeting-client.js";
import { healthRoute, type Routes } from "./http-handler.js";
import type { Logger } from "./logger.js";

/**
 * The routes of `web`, the public service behind the ALB. Replace them with
 * your application; keep GET /health cheap and local (the ALB and the container
 * health check call it).
 */
export function webRoutes(config: WebConfig, logger: Logger): Routes {
  return {
    "/health": healthRoute,

    "/": ({ send }) => send(200, { service: config.serviceName, version: config.appVersion, stack: config.stack }),

    // web → api through ECS Service Connect (API_URL, e.g. http://api:8080).
    "/api/greeting": async ({ req, res, reqId, query, send }) => {
      if (!config.apiUrl) {
        return send(503, { error: "api_not_configured", detail: "API_URL is not set for this service", reqId });
      }
      // Stop waiting for the api if our own client goes away.
      const clientGone = new AbortController();
      const onClose = () => {
        if (!res.writableEnded) clientGone.abort();
      };
      req.once("close", onClose);
      try {
        const name = query.get("name");
        const result = await callApi({
          baseUrl: config.apiUrl,
          path: "/v1/greeting",
          query: name === null ? {} : { name },
          reqId,
          timeoutMs: config.apiTimeoutMs,
          signal: clientGone.signal,
        });
        if (clientGone.signal.aborted) return; // nobody to answer; the request line logs `aborted`
        if (result.ok) return send(200, { via: config.serviceName, api: result.body });
        if (result.kind === "client_error") return send(400, result.body);
        logger.warn({ reqId, apiError: result.kind, detail: result.detail, durationMs: result.durationMs }, "api call failed");
        return send(502, { error: `api_${result.kind}`, detail: result.detail, reqId });
      } finally {
        req.off("close", onClose);
      }
    },
  };
}
