import type { Server } from "node:http";
import type { Socket } from "node:net";
import { constants as osConstants } from "node:os";
import type { Logger } from "./logger.js";

/**
 * Graceful shutdown for a rolling deploy behind an ALB.
 *
 * Timeline on ECS: the target is deregistered and drained by the ALB
 * (deregistration delay 30 s), then ECS sends SIGTERM, then after the task's
 * stopTimeout (30 s) it sends SIGKILL. On the first SIGTERM/SIGINT we:
 *   1. mark the server as draining: every response written from now on carries
 *      `Connection: close`, so keep-alive clients do not reuse the connection;
 *   2. stop accepting new connections (server.close) and close the keep-alive
 *      connections that are idle right now;
 *   3. close each remaining connection as soon as its in-flight response is done;
 *   4. exit 0 once the last connection is gone.
 * A second signal, or the SHUTDOWN_TIMEOUT_MS deadline, forces the exit with a
 * non-zero code, well before ECS's SIGKILL.
 */

export interface ShutdownOptions {
  server: Server;
  logger: Logger;
  timeoutMs: number;
  /** Injected for tests; defaults to process.exit. */
  exit?: (code: number) => void;
}

export interface ShutdownController {
  isDraining(): boolean;
  /** Starts the drain as if `signal` was received (what the signal handlers call). */
  begin(signal: NodeJS.Signals): void;
}

export const EXIT_DEADLINE = 1;

export function installGracefulShutdown({ server, logger, timeoutMs, exit = (c) => process.exit(c) }: ShutdownOptions): ShutdownController {
  let draining = false;
  let startedAt = 0;
  const sockets = new Set<Socket>();
  let inFlight = 0;

  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });

  server.on("request", (_req, res) => {
    inFlight++;
    res.once("close", () => {
      inFlight--;
      // A response whose headers went out before the drain began had no
      // `Connection: close`; its socket is idle now, so close it (and any other
      // that became idle). setImmediate lets Node finish detaching the response.
      if (draining) setImmediate(() => server.closeIdleConnections());
    });
  });

  const begin = (signal: NodeJS.Signals) => {
    if (draining) {
      logger.error({ signal, inFlight, openConnections: sockets.size }, "second signal received during shutdown, forcing exit");
      server.closeAllConnections();
      exit(128 + (osConstants.signals[signal] ?? 0));
      return;
    }
    draining = true;
    startedAt = Date.now();
    logger.info({ signal, timeoutMs, inFlight, openConnections: sockets.size }, "shutdown started, draining connections");

    const deadline = setTimeout(() => {
      logger.error(
        { timeoutMs, inFlight, openConnections: sockets.size },
        "shutdown deadline exceeded, closing remaining connections and forcing exit",
      );
      server.closeAllConnections();
      exit(EXIT_DEADLINE);
    }, timeoutMs);

    // Wait one event-loop turn before closing idle connections: a request whose
    // bytes reached the socket just before the signal is then parsed and served
    // (with `Connection: close`) instead of being cut off with the idle socket.
    setImmediate(() => {
      server.close((err) => {
        clearTimeout(deadline);
        if (err && (err as NodeJS.ErrnoException).code !== "ERR_SERVER_NOT_RUNNING") {
          logger.error({ err }, "error while closing server");
        }
        logger.info({ durationMs: Date.now() - startedAt }, "shutdown complete");
        exit(0);
      });
      // server.close() already closes idle connections on Node >= 19; explicit for clarity.
      server.closeIdleConnections();
    });
  };

  process.on("SIGTERM", () => begin("SIGTERM"));
  process.on("SIGINT", () => begin("SIGINT"));

  return { isDraining: () => draining, begin };
}
