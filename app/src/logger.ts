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
