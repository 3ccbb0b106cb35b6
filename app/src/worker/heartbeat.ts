import { stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The worker's liveness signal. It has no HTTP server, so its poll loop writes
 * a heartbeat file (under /tmp, the task's scratch volume) and the container
 * health check `node dist/worker-healthcheck.js` fails when the file is older
 * than WORKER_HEARTBEAT_MAX_AGE_SECONDS.
 *
 * This module loads nothing but node builtins: the probe starts in milliseconds.
 */

export const DEFAULT_HEARTBEAT_MAX_AGE_SECONDS = 60;

export interface HeartbeatSettings {
  file: string;
  maxAgeSeconds: number;
}

/** WORKER_HEARTBEAT_FILE / WORKER_HEARTBEAT_MAX_AGE_SECONDS with their defaults; `error` names a bad value. */
export function heartbeatSettings(env: Record<string, string | undefined>): HeartbeatSettings & { error?: string } {
  const file = env.WORKER_HEARTBEAT_FILE?.trim() || join(tmpdir(), "fargatekit-worker.heartbeat");
  const raw = env.WORKER_HEARTBEAT_MAX_AGE_SECONDS?.trim();
  if (!raw) return { file, maxAgeSeconds: DEFAULT_HEARTBEAT_MAX_AGE_SECONDS };
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    return {
      file,
      maxAgeSeconds: DEFAULT_HEARTBEAT_MAX_AGE_SECONDS,
      error: `WORKER_HEARTBEAT_MAX_AGE_SECONDS must be an integer >= 1 (got ${JSON.stringify(env.WORKER_HEARTBEAT_MAX_AGE_SECONDS)})`,
    };
  }
  return { file, maxAgeSeconds: n };
}

/** Writes the current time into the file (its mtime is what the probe reads). */
export async function beat(file: string): Promise<void> {
  await writeFile(file, `${new Date().toISOString()}\n`);
}

/** Age of the last beat in seconds, or undefined if there is none. */
export async function heartbeatAgeSeconds(file: string, now = Date.now()): Promise<number | undefined> {
  try {
    const st = await stat(file);
    return Math.max(0, (now - st.mtimeMs) / 1000);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}
