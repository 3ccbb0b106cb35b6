import { hostname } from "node:os";
import type { Config } from "./config.js";
import { healthRoute, type Routes } from "./http-handler.js";

/**
 * The routes of `api`, the internal service that web reaches through ECS
 * Service Connect. Replace them with your own; keep GET /health local.
 */

const NAME_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} .'-]{0,63}$/u;

export function apiRoutes(config: Config): Routes {
  // On Fargate (awsvpc) the hostname names the task's network interface, e.g.
  // ip-10-0-1-23.ec2.internal: enough to see which task answered.
  const servedBy = hostname();
  return {
    "/health": healthRoute,

    "/v1/greeting": ({ query, reqId, send }) => {
      const name = query.get("name") ?? "world";
      if (!NAME_PATTERN.test(name)) {
        return send(400, {
          error: "invalid_name",
          detail: `name must be 1-64 letters, digits, spaces, dots, apostrophes or hyphens, starting with a letter or digit (got ${JSON.stringify(name.slice(0, 80))})`,
          reqId,
        });
      }
      send(200, {
        message: `Hello, ${name}!`,
        service: config.serviceName,
        stack: config.stack,
        version: config.appVersion,
        servedBy,
      });
    },
  };
}
