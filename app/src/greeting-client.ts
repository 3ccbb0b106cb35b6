/**
 * web's client for the api (ECS Service Connect: API_URL such as
 * http://api:8080). One bounded call: the whole exchange, connection included,
 * must finish within `timeoutMs`; the request id travels in `x-request-id` so
 * the api's log lines carry the same id as web's.
 *
 * Uses Node's built-in fetch, which keeps connections alive (the api's
 * keepAliveTimeout of 65 s outlives fetch's 4 s idle pool timeout, so web never
 * sends on a connection the api has just closed).
 */

export type ApiResult =
  | { ok: true; status: number; body: unknown; durationMs: number }
  /** The api refused the caller's input (400): web passes it on. */
  | { ok: false; kind: "client_error"; status: number; body: unknown; detail: string; durationMs: number }
  /** Anything else is the api's failure, answered by web with 502. */
  | { ok: false; kind: "timeout" | "unavailable" | "error"; status?: number; detail: string; durationMs: number };

export interface ApiCall {
  baseUrl: URL;
  path: string;
  query?: Record<string, string>;
  reqId: string;
  timeoutMs: number;
  /** Aborts the call early (e.g. web's own client went away). */
  signal?: AbortSignal;
}

const MAX_BODY_BYTES = 64 * 1024;

export async function callApi({ baseUrl, path, query = {}, reqId, timeoutMs, signal }: ApiCall): Promise<ApiResult> {
  const url = new URL(path, baseUrl);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const started = Date.now();
  const elapsed = () => Date.now() - started;
  const timeout = AbortSignal.timeout(timeoutMs);
  const abort = signal ? AbortSignal.any([timeout, signal]) : timeout;

  let res: Response;
  let text: string;
  try {
    res = await fetch(url, {
      headers: { accept: "application/json", "x-request-id": reqId },
      signal: abort,
      redirect: "error",
    });
    text = await res.text(); // still under the same signal
  } catch (err) {
    if (timeout.aborted) return { ok: false, kind: "timeout", detail: `no answer from the api within ${timeoutMs} ms`, durationMs: elapsed() };
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.code ?? cause?.message ?? (err as Error).message;
    return { ok: false, kind: "unavailable", detail: `api unreachable: ${detail}`, durationMs: elapsed() };
  }

  let body: unknown;
  try {
    if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new Error("too large");
    body = JSON.parse(text);
  } catch {
    return { ok: false, kind: "error", status: res.status, detail: `api answered ${res.status} with a body that is not JSON (or over 64 KiB)`, durationMs: elapsed() };
  }
  if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, body, durationMs: elapsed() };
  if (res.status === 400) return { ok: false, kind: "client_error", status: 400, body, detail: "api refused the input", durationMs: elapsed() };
  return { ok: false, kind: "error", status: res.status, detail: `api answered ${res.status}`, durationMs: elapsed() };
}
