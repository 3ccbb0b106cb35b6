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
 * What the job may not delete (EACCES/EPERM, e.g. a root-owned cache directory
 * a base image ships under /tmp) is skipped and counted, not a failure; any
 * other error on an entry fails the run (exit 1) after the walk.
 *
 *   node dist/jobs/cleanup.js
 */

const MAX_DEPTH = 32;
const MAX_SKIPPED_EXAMPLES = 5;
const NOT_PERMITTED = new Set(["EACCES", "EPERM"]);

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

  // A dry run deletes nothing: it counts what it would delete separately.
  const stats = { scanned: 0, deleted: 0, bytesFreed: 0, wouldDelete: 0, bytesWouldFree: 0, skipped: 0, errors: 0 };
  const skippedExamples: string[] = [];

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
        const ageMinutes = Math.round((Date.now() - st.mtimeMs) / 60_000);
        if (dryRun) {
          stats.wouldDelete++;
          stats.bytesWouldFree += st.size;
          logger.debug({ path: child, ageMinutes }, "would delete");
          continue;
        }
        await unlink(child);
        stats.deleted++;
        stats.bytesFreed += st.size;
        logger.debug({ path: child, ageMinutes }, "deleted");
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ENOENT") continue; // removed meanwhile: fine
        if (signal.aborted) throw err;
        if (code && NOT_PERMITTED.has(code)) {
          // Not ours to delete (another user's file, a directory we cannot read or write).
          stats.skipped++;
          if (skippedExamples.length < MAX_SKIPPED_EXAMPLES) skippedExamples.push(child);
          logger.debug({ path: child, code }, "skipped: not permitted");
          continue;
        }
        stats.errors++;
        logger.warn({ path: child, err }, "could not clean up entry");
      }
    }
  };

  await walk(dir, 0);

  const counts = dryRun
    ? { scanned: stats.scanned, deleted: 0, bytesFreed: 0, wouldDelete: stats.wouldDelete, bytesWouldFree: stats.bytesWouldFree }
    : { scanned: stats.scanned, deleted: stats.deleted, bytesFreed: stats.bytesFreed };
  const summary = {
    dir,
    maxAgeMinutes,
    dryRun,
    ...counts,
    skipped: stats.skipped,
    ...(skippedExamples.length > 0 ? { skippedExamples } : {}),
    errors: stats.errors,
  };
  if (stats.skipped > 0) logger.info({ skipped: stats.skipped, skippedExamples }, "entries skipped: no permission to delete them (EACCES/EPERM)");
  if (stats.errors > 0) {
    throw Object.assign(new Error(`cleanup finished with ${stats.errors} error(s)`), { summary });
  }
  return summary;
});
