import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Config } from "./config.js";
import { refuseToStart, type ConfigResult } from "./env.js";
import { createRequestHandler, debugRoutes, type Routes } from "./http-handler.js";
import { startProcessLogging, type Logger } from "./logger.js";
import { installGracefulShutdown, type ShutdownController } from "./shutdown.js";

/**
 * The life of an HTTP service process, shared by web (dist/server.js) and api
 * (dist/api.js): configuration (refuse to start on any problem), JSON logger,
 * fatal-error handlers, keep-alive timeouts, graceful shutdown on SIGTERM/SIGINT.
 *
 * Keep-alive vs the ALB. The ALB keeps idle connections to targets open for up
 * to its idle timeout (60 s by default) and may send the next request on one at
 * any moment. If Node closed an idle connection first (Node's default
 * keepAliveTimeout is 5 s), a request the ALB sends at that instant would hit a
 * closed socket and the client would get a 502. So the app must always outlive
 * the ALB: KEEP_ALIVE_TIMEOUT_MS defaults to 65 s (> 60 s); raise it with the
 * ALB's idle timeout. headersTimeout is kept above keepAliveTimeout so the
 * headers timer never cuts a connection that is merely idle between requests.
 * The same holds for the Service Connect proxy in front of the api: its
 * `timeout.idleTimeoutSeconds` defaults to 300 s for HTTP (ECS API reference,
 * TimeoutConfiguration), so either set it below KEEP_ALIVE_TIMEOUT_MS (e.g. 60 s)
 * or raise KEEP_ALIVE_TIMEOUT_MS above it for the api.
 */

const HEADERS_TIMEOUT_MARGIN_MS = 1_000;

export interface HttpServiceOptions<C extends Config> {
  config: ConfigResult<C>;
  /** The service's own routes; /debug/* is added when ENABLE_DEBUG_ROUTES=true. */
  routes: (config: C, logger: Logger) => Routes;
}

export function runHttpService<C extends Config>({ config: result, routes }: HttpServiceOptions<C>): void {
  if (!result.ok) refuseToStart(result.errors);
  const config = result.config;

  const logger = startProcessLogging(config);

  let shutdown: ShutdownController | undefined;
  const server = createServer(
    createRequestHandler({
      logger,
      routes: { ...routes(config, logger), ...(config.enableDebugRoutes ? debugRoutes : {}) },
      isDraining: () => shutdown?.isDraining() ?? false,
    }),
  );
  server.keepAliveTimeout = config.keepAliveTimeoutMs;
  server.headersTimeout = config.keepAliveTimeoutMs + HEADERS_TIMEOUT_MARGIN_MS;

  shutdown = installGracefulShutdown({ server, logger, timeoutMs: config.shutdownTimeoutMs });

  server.on("error", (err) => {
    logger.fatal({ err }, "server error");
    process.exit(1);
  });

  server.listen(config.port, () => {
    const { port } = server.address() as AddressInfo;
    logger.info(
      {
        port,
        shutdownTimeoutMs: config.shutdownTimeoutMs,
        keepAliveTimeoutMs: config.keepAliveTimeoutMs,
        debugRoutes: config.enableDebugRoutes,
        node: process.version,
      },
      "listening",
    );
  });
}
