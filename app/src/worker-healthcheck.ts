import { heartbeatAgeSeconds, heartbeatSettings } from "./worker/heartbeat.js";

/**
 * Container health check of the worker: `node dist/worker-healthcheck.js`.
 * Exit 0 if the heartbeat file (WORKER_HEARTBEAT_FILE) was written within the
 * last WORKER_HEARTBEAT_MAX_AGE_SECONDS (60 s by default), else 1 with the
 * reason on stderr. Loads only node builtins.
 */

function finish(code: number, reason?: string): never {
  if (reason) process.stderr.write(`worker healthcheck failed: ${reason}\n`);
  process.exit(code);
}

const settings = heartbeatSettings(process.env);
if (settings.error) finish(1, settings.error);

try {
  const age = await heartbeatAgeSeconds(settings.file);
  if (age === undefined) finish(1, `no heartbeat file at ${settings.file} (the worker has not polled yet, or cannot write it)`);
  if (age > settings.maxAgeSeconds) {
    finish(1, `last heartbeat ${Math.round(age)} s ago, more than ${settings.maxAgeSeconds} s (${settings.file})`);
  }
  finish(0);
} catch (err) {
  finish(1, `cannot read ${settings.file}: ${(err as Error).message}`);
}
