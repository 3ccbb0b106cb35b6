import { lstat, opendir, unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runJob } from "./run-job.js";

/**
 * Sample job: delete regular files older than CLEANUP_MAX_AGE_MINUTES under
 * CLEANUP_DIR (default: the OS temp dir, /tmp in the image, the only writable
 * path under a read-only root filesystem). Directories and symlinks are left in
 * place (symlinks are never followed). CLEANUP_DRY_RUN=true only reports.
 *
 *   node dist/jobs/cleanup.js
 */

const MAX_DEPTH = 32;

function positiveNumber(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number (got ${JSON.stringify(raw)})`);
  return n;
}

await runJob("cleanup", async ({ logger, signal, env }) => {
  const dir = resolve(env.CLEANUP_DIR?.trim() || tmpdir());
  if (dir === "/") throw new Error("refusing to clean up the filesystem root; set CLEANUP_DIR to a scratch directory");
  const maxAgeMinutes = positiveNumber("CLEANUP_MAX_AGE_MINUTES", env.CLEANUP_MAX_AGE_MINUTES, 60);
  const dryRun = env.CLEANUP_DRY_RUN === "true";
  const cutoff = Date.now() - maxAgeMinutes * 60_000;

  const stats = { scanned: 0, deleted: 0, bytesFreed: 0, errors: 0 };

  const walk = async (path: string, depth: number): Promise<void> => {
    // The top-level directory must exist and be readable: let that error fail the job.
    const handle = await opendir(path);
    for await (const entry of handle) {
      signal.throwIfAborted();
      const child = join(path, entry.name);
      try {
        if (entry.isDirectory()) {
          if (depth < MAX_DEPTH) await walk(child, depth + 1);
          continue;
        }
        if (!entry.isFile()) continue; // symlinks, sockets, fifos: leave alone
        stats.scanned++;
        const st = await lstat(child);
        if (st.mtimeMs >= cutoff) continue;
        if (!dryRun) await unlink(child);
        stats.deleted++;
        stats.bytesFreed += st.size;
        logger.debug({ path: child, ageMinutes: Math.round((Date.now() - st.mtimeMs) / 60_000) }, dryRun ? "would delete" : "deleted");
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") continue; // removed meanwhile: fine
        if (signal.aborted) throw err;
        stats.errors++;
        logger.warn({ path: child, err }, "could not clean up entry");
      }
    }
  };

  await walk(dir, 0);

  const summary = { dir, maxAgeMinutes, dryRun, ...stats };
  if (stats.errors > 0) {
    throw Object.assign(new Error(`cleanup finished with ${stats.errors} error(s)`), { summary });
  }
  return summary;
});
