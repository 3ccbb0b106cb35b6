/**
 * Environment configuration for the HTTP server.
 *
 * Every problem is collected before failing so that a broken task definition
 * is fixed in one deploy, not one variable at a time.
 */

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  /** TCP port to listen on. 0 asks the OS for a free port (tests use this). */
  port: number;
  logLevel: LogLevel;
  /** Image tag or commit the task runs. */
  appVersion: string;
  /** Pulumi stack name, e.g. dev or prod. */
  stack: string;
  /** Name reported by GET / and in every log line. */
  serviceName: string;
  /** Hard deadline for graceful shutdown after SIGTERM/SIGINT. */
  shutdownTimeoutMs: number;
  /** How long an idle keep-alive connection is kept; must exceed the ALB idle timeout. */
  keepAliveTimeoutMs: number;
  /** Enables /debug/* routes (tests only; never set in a task definition). */
  enableDebugRoutes: boolean;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

type Env = Record<string, string | undefined>;

export const DEFAULT_PORT = 8080;
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 20_000;
// ALB idle timeout (60 s by default) + 5 s: see server.ts for why.
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 65_000;
export const DEFAULT_SERVICE_NAME = "fargatekit-app";

function parseIntStrict(raw: string): number | undefined {
  if (!/^\d+$/.test(raw.trim())) return undefined;
  const n = Number(raw.trim());
  return Number.isSafeInteger(n) ? n : undefined;
}

export function loadConfig(env: Env = process.env): ConfigResult {
  const errors: string[] = [];
  const missing: string[] = [];

  const required = (name: string): string => {
    const v = env[name]?.trim();
    if (!v) missing.push(name);
    return v ?? "";
  };

  const appVersion = required("APP_VERSION");
  const stack = required("STACK");
  if (missing.length > 0) {
    errors.push(`missing required environment variable(s): ${missing.join(", ")}`);
  }

  let port = DEFAULT_PORT;
  const rawPort = env.PORT;
  if (rawPort !== undefined && rawPort.trim() !== "") {
    const n = parseIntStrict(rawPort);
    if (n === undefined || n > 65535) {
      errors.push(`PORT must be an integer between 0 and 65535 (got ${JSON.stringify(rawPort)})`);
    } else {
      port = n;
    }
  }

  let logLevel: LogLevel = "info";
  const rawLevel = env.LOG_LEVEL?.trim().toLowerCase();
  if (rawLevel) {
    if ((LOG_LEVELS as readonly string[]).includes(rawLevel)) {
      logLevel = rawLevel as LogLevel;
    } else {
      errors.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")} (got ${JSON.stringify(env.LOG_LEVEL)})`);
    }
  }

  let shutdownTimeoutMs = DEFAULT_SHUTDOWN_TIMEOUT_MS;
  const rawTimeout = env.SHUTDOWN_TIMEOUT_MS;
  if (rawTimeout !== undefined && rawTimeout.trim() !== "") {
    const n = parseIntStrict(rawTimeout);
    if (n === undefined || n < 1) {
      errors.push(`SHUTDOWN_TIMEOUT_MS must be a positive integer (got ${JSON.stringify(rawTimeout)})`);
    } else {
      shutdownTimeoutMs = n;
    }
  }

  let keepAliveTimeoutMs = DEFAULT_KEEP_ALIVE_TIMEOUT_MS;
  const rawKeepAlive = env.KEEP_ALIVE_TIMEOUT_MS;
  if (rawKeepAlive !== undefined && rawKeepAlive.trim() !== "") {
    const n = parseIntStrict(rawKeepAlive);
    if (n === undefined || n < 1000) {
      errors.push(`KEEP_ALIVE_TIMEOUT_MS must be an integer >= 1000 (got ${JSON.stringify(rawKeepAlive)})`);
    } else {
      keepAliveTimeoutMs = n;
    }
  }

  if (errors.length > 0) return { ok: false, errors };

  return {
    ok: true,
    config: {
      port,
      logLevel,
      appVersion,
      stack,
      serviceName: env.SERVICE_NAME?.trim() || DEFAULT_SERVICE_NAME,
      shutdownTimeoutMs,
      keepAliveTimeoutMs,
      enableDebugRoutes: env.ENABLE_DEBUG_ROUTES === "true",
    },
  };
}
