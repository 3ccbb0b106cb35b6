import { pino, type Logger, type LevelWithSilent } from "pino";

export type { Logger };

/**
 * JSON lines on stdout, one object per event, for CloudWatch Logs (awslogs
 * driver). Level is written as a label ("info"), time as ISO-8601.
 *
 * pino writes synchronously to fd 1 by default, so nothing is lost when the
 * process exits right after logging (shutdown, failed jobs).
 */
export function createLogger(level: LevelWithSilent, base: Record<string, unknown>): Logger {
  return pino({
    level,
    base,
    messageKey: "msg",
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
    },
  });
}

/** What a process's logger and its fatal handlers need of its config. */
export interface ProcessIdentity {
  logLevel: LevelWithSilent;
  serviceName: string;
  appVersion: string;
  stack: string;
}

/**
 * The start every long-running process shares (web, api, worker): its JSON
 * logger, tagged with service, version and stack, and fatal handlers that log
 * an uncaught exception or an unhandled rejection and exit 1 (ECS then
 * replaces the task), rather than running on in an unknown state.
 */
export function startProcessLogging(config: ProcessIdentity): Logger {
  const logger = createLogger(config.logLevel, {
    service: config.serviceName,
    version: config.appVersion,
    stack: config.stack,
  });
  process.on("uncaughtException", (err) => {
    logger.fatal({ err }, "uncaught exception");
    process.exit(1);
  });
  process.on("unhandledRejection", (reason) => {
    logger.fatal({ err: reason }, "unhandled promise rejection");
    process.exit(1);
  });
  return logger;
}
