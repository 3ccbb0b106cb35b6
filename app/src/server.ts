import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequestHandler } from "./app.js";
import { loadConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { installGracefulShutdown, type ShutdownController } from "./shutdown.js";

/**
 * Entry point: `node dist/server.js` (the image's CMD; no npm wrapper, so the
 * SIGTERM from ECS, forwarded by the init process, reaches this process).
 */

// Keep-alive vs the ALB. The ALB keeps idle connections to targets open for up
// to its idle timeout (60 s by default) and may send the next request on one at
// any moment. If Node closed an idle connection first (Node's default
// keepAliveTimeout is 5 s), a request the ALB sends at that instant would hit a
// closed socket and the client would get a 502. So the app must always outlive
// the ALB: KEEP_ALIVE_TIMEOUT_MS defaults to 65 s (> 60 s); raise it with the
// ALB's idle timeout. headersTimeout is kept above keepAliveTimeout so the
// headers timer never cuts a connection that is merely idle between requests.
const HEADERS_TIMEOUT_MARGIN_MS = 1_000;

const result = loadConfig(process.env);
if (!result.ok) {
  process.stderr.write(
    `fatal: invalid configuration, refusing to start:\n${result.errors.map((e) => `  - ${e}`).join("\n")}\n`,
  );
  process.exit(1);
}
const config = result.config;

const logger = createLogger(config.logLevel, {
  service: config.serviceName,
  version: config.appVersion,
  stack: config.stack,
});

process.on("uncaughtException", (err) => {
  logger.fatal({ err }, "uncaught exception");
  process.exit(1);
});
process.on("unhandledRejection", (reason) => {
  logger.fatal({ err: reason }, "unhandled promise rejection");
  process.exit(1);
});

let shutdown: ShutdownController | undefined;
const server = createServer(
  createRequestHandler({ config, logger, isDraining: () => shutdown?.isDraining() ?? false }),
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
    { port, shutdownTimeoutMs: config.shutdownTimeoutMs, keepAliveTimeoutMs: config.keepAliveTimeoutMs, debugRoutes: config.enableDebugRoutes, node: process.version },
    "listening",
  );
});
