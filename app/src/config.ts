/**
 * Environment configuration of the HTTP services: `web` (dist/server.js) and
 * `api` (dist/api.js) share every setting below; web adds the api client's.
 */
import { EnvReader, type ConfigResult, type Env, type LogLevel } from "./env.js";

export { LOG_LEVELS, type LogLevel } from "./env.js";

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

export interface WebConfig extends Config {
  /** Base URL of the api (Service Connect, e.g. http://api:8080); undefined: GET /api/greeting answers 503. */
  apiUrl: URL | undefined;
  /** Bound of one call to the api, connection included. */
  apiTimeoutMs: number;
}

export const DEFAULT_PORT = 8080;
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 20_000;
// ALB idle timeout (60 s by default) + 5 s: see server.ts for why.
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 65_000;
export const DEFAULT_SERVICE_NAME = "fargatekit-app";
export const DEFAULT_API_TIMEOUT_MS = 2_000;

function readHttpConfig(r: EnvReader, defaultServiceName: string): Config {
  const appVersion = r.required("APP_VERSION");
  const stack = r.required("STACK");
  return {
    port: r.int("PORT", DEFAULT_PORT, 0, 65535),
    logLevel: r.logLevel(),
    appVersion,
    stack,
    serviceName: r.get("SERVICE_NAME") ?? defaultServiceName,
    shutdownTimeoutMs: r.int("SHUTDOWN_TIMEOUT_MS", DEFAULT_SHUTDOWN_TIMEOUT_MS, 1),
    keepAliveTimeoutMs: r.int("KEEP_ALIVE_TIMEOUT_MS", DEFAULT_KEEP_ALIVE_TIMEOUT_MS, 1000),
    enableDebugRoutes: r.get("ENABLE_DEBUG_ROUTES") === "true",
  };
}

/** The settings every HTTP service reads (the api uses exactly these). */
export function loadConfig(env: Env = process.env, defaultServiceName = DEFAULT_SERVICE_NAME): ConfigResult<Config> {
  const r = new EnvReader(env);
  return r.result(readHttpConfig(r, defaultServiceName));
}

/** web: the common settings plus the api client's (API_URL, API_TIMEOUT_MS). */
export function loadWebConfig(env: Env = process.env): ConfigResult<WebConfig> {
  const r = new EnvReader(env);
  const base = readHttpConfig(r, DEFAULT_SERVICE_NAME);
  return r.result({
    ...base,
    apiUrl: r.httpUrl("API_URL", "http://api:8080", { originOnly: true }),
    apiTimeoutMs: r.int("API_TIMEOUT_MS", DEFAULT_API_TIMEOUT_MS, 1, 60_000),
  });
}
