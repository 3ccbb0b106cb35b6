/**
 * Reading settings from environment variables, shared by every entry point
 * (web, api, worker). An EnvReader collects every problem instead of stopping
 * at the first, so that a broken task definition is fixed in one deploy, not
 * one variable at a time.
 */

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type Env = Record<string, string | undefined>;

export type ConfigResult<C> = { ok: true; config: C } | { ok: false; errors: string[] };

function parseIntStrict(raw: string): number | undefined {
  if (!/^\d+$/.test(raw.trim())) return undefined;
  const n = Number(raw.trim());
  return Number.isSafeInteger(n) ? n : undefined;
}

export class EnvReader {
  readonly errors: string[] = [];
  private readonly missing: string[] = [];

  constructor(private readonly env: Env) {}

  /** The trimmed value, or undefined when unset or blank. */
  get(name: string): string | undefined {
    const v = this.env[name]?.trim();
    return v ? v : undefined;
  }

  /** A required variable; every missing one is reported in a single line. */
  required(name: string): string {
    const v = this.get(name);
    if (v === undefined) this.missing.push(name);
    return v ?? "";
  }

  /** An integer in [min, max]; `fallback` when unset. */
  int(name: string, fallback: number, min: number, max?: number): number;
  int(name: string, fallback: undefined, min: number, max?: number): number | undefined;
  int(name: string, fallback: number | undefined, min: number, max: number = Number.MAX_SAFE_INTEGER): number | undefined {
    const raw = this.env[name];
    if (raw === undefined || raw.trim() === "") return fallback;
    const n = parseIntStrict(raw);
    if (n === undefined || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer between ${min} and ${max}`;
      this.errors.push(`${name} must be ${range} (got ${JSON.stringify(raw)})`);
      return fallback;
    }
    return n;
  }

  logLevel(name = "LOG_LEVEL"): LogLevel {
    const raw = this.get(name)?.toLowerCase();
    if (!raw) return "info";
    if ((LOG_LEVELS as readonly string[]).includes(raw)) return raw as LogLevel;
    this.errors.push(`${name} must be one of ${LOG_LEVELS.join(", ")} (got ${JSON.stringify(this.env[name])})`);
    return "info";
  }

  /**
   * An absolute http:// or https:// URL without credentials, query or fragment
   * (with `originOnly`, without a path either); undefined when unset.
   */
  httpUrl(name: string, example: string, { originOnly = false } = {}): URL | undefined {
    const raw = this.get(name);
    if (raw === undefined) return undefined;
    let url: URL | undefined;
    try {
      url = new URL(raw);
    } catch {
      url = undefined;
    }
    const bad =
      !url ||
      (url.protocol !== "http:" && url.protocol !== "https:") ||
      url.search !== "" ||
      url.hash !== "" ||
      url.username !== "" ||
      url.password !== "" ||
      (originOnly && url.pathname !== "/");
    if (bad) {
      const what = originOnly ? "scheme, host and port only" : "no credentials, query or fragment";
      this.errors.push(`${name} must be an http:// or https:// URL with ${what}, e.g. ${example} (got ${JSON.stringify(raw)})`);
      return undefined;
    }
    return url;
  }

  /** Adds a problem found by a check across several variables. */
  problem(message: string): void {
    this.errors.push(message);
  }

  result<C>(config: C): ConfigResult<C> {
    const errors = [...this.errors];
    if (this.missing.length > 0) errors.unshift(`missing required environment variable(s): ${this.missing.join(", ")}`);
    return errors.length > 0 ? { ok: false, errors } : { ok: true, config };
  }
}

/** Prints every configuration problem on stderr and exits 1 (before anything listens or polls). */
export function refuseToStart(errors: string[]): never {
  process.stderr.write(`fatal: invalid configuration, refusing to start:\n${errors.map((e) => `  - ${e}`).join("\n")}\n`);
  process.exit(1);
}
