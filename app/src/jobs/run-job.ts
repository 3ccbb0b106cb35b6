import { LOG_LEVELS, type LogLevel } from "../config.js";
import { createLogger, type Logger } from "../logger.js";
import { checkForOverlap } from "./overlap.js";

/**
 * Shared runner for scheduled jobs. A job is one file in src/jobs/ that calls
 *
 *   runJob("my-job", async ({ logger, signal, env }) => {
 *     ...do the work...
 *     return { itemsProcessed: 42 }; // logged in the success line
 *   });
 *
 * and is scheduled with the command override `node dist/jobs/my-job.js`.
 *
 * The runner gives every job the same behaviour:
 * - JSON logs with the job name, version and stack; one start line, one end line;
 * - exit 0 on success, 1 on failure (thrown error, rejected promise, uncaught
 *   exception), after logging the error;
 * - SIGTERM/SIGINT abort `signal` so the job can stop early (throw, e.g. via
 *   signal.throwIfAborted(), and the run is logged as failed); a second signal
 *   exits at once;
 * - optional no-overlap check (JOB_SKIP_IF_RUNNING=true): if a previous run of
 *   the same task family is still RUNNING, log "previous run still going,
 *   skipping" and exit 0 without doing the work. If the check itself fails, the
 *   job does not run and exits 1 (fail closed: a duplicate run is exactly what
 *   the setting exists to prevent, and a failed task is visible in ECS/alarms).
 */

export interface JobContext {
  logger: Logger;
  /** Aborted when the task is asked to stop (SIGTERM from ECS, Ctrl-C locally). */
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
}

export type JobSummary = Record<string, unknown> | void;
export type JobFn = (ctx: JobContext) => Promise<JobSummary>;

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;

function logLevelFrom(env: NodeJS.ProcessEnv): LogLevel {
  const raw = env.LOG_LEVEL?.trim().toLowerCase();
  return raw && (LOG_LEVELS as readonly string[]).includes(raw) ? (raw as LogLevel) : "info";
}

export async function runJob(name: string, fn: JobFn, env: NodeJS.ProcessEnv = process.env): Promise<never> {
  const logger = createLogger(logLevelFrom(env), {
    job: name,
    version: env.APP_VERSION,
    stack: env.STACK,
  });
  const started = Date.now();
  const exit = (code: number): never => process.exit(code);

  process.on("uncaughtException", (err) => {
    logger.error({ err, durationMs: Date.now() - started }, "job failed: uncaught exception");
    exit(EXIT_FAILED);
  });
  process.on("unhandledRejection", (reason) => {
    logger.error({ err: reason, durationMs: Date.now() - started }, "job failed: unhandled promise rejection");
    exit(EXIT_FAILED);
  });

  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (abort.signal.aborted) {
      logger.error({ signal }, "second signal received, exiting now");
      exit(EXIT_FAILED);
    }
    logger.warn({ signal }, "stop requested, aborting job");
    abort.abort(new Error(`received ${signal}`));
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);

  logger.info("job started");

  if (env.JOB_SKIP_IF_RUNNING === "true") {
    try {
      const overlap = await checkForOverlap(env, logger);
      if (overlap.skip) {
        logger.info(
          { taskArn: overlap.taskArn, runningTaskArns: overlap.runningTaskArns, durationMs: Date.now() - started },
          "previous run still going, skipping",
        );
        return exit(EXIT_OK);
      }
      if (overlap.reason === "no-other-run") {
        logger.info({ taskArn: overlap.taskArn }, "no other run of this job is going, proceeding");
      }
    } catch (err) {
      logger.error(
        { err, durationMs: Date.now() - started },
        "overlap check failed; not running the job (fail closed, to avoid a duplicate run)",
      );
      return exit(EXIT_FAILED);
    }
  }

  try {
    const summary = await fn({ logger, signal: abort.signal, env });
    logger.info({ ...(summary ?? {}), durationMs: Date.now() - started }, "job succeeded");
    return exit(EXIT_OK);
  } catch (err) {
    logger.error({ err, durationMs: Date.now() - started }, "job failed");
    return exit(EXIT_FAILED);
  }
}
