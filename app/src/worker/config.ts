import { EnvReader, type ConfigResult, type Env, type LogLevel } from "../env.js";
import { heartbeatSettings } from "./heartbeat.js";

/**
 * Environment configuration of the worker (dist/worker.js). Every problem is
 * reported at once, before the first poll.
 */

export interface WorkerConfig {
  logLevel: LogLevel;
  appVersion: string;
  stack: string;
  serviceName: string;
  /** The SQS queue to consume, e.g. https://sqs.eu-west-1.amazonaws.com/123456789012/fargatekit-dev-jobs. */
  queueUrl: string;
  region: string;
  /** Messages processed at the same time (also ReceiveMessage's MaxNumberOfMessages, hence <= 10). */
  concurrency: number;
  /** ReceiveMessage WaitTimeSeconds: long polling, 0-20 (SQS's maximum). */
  waitSeconds: number;
  /** ReceiveMessage VisibilityTimeout in seconds; undefined: the queue's own setting. */
  visibilityTimeoutSeconds: number | undefined;
  /** Hard deadline for finishing the messages in hand after SIGTERM/SIGINT. */
  shutdownTimeoutMs: number;
  heartbeatFile: string;
  heartbeatMaxAgeSeconds: number;
}

export const DEFAULT_WORKER_SERVICE_NAME = "fargatekit-worker";
export const DEFAULT_WAIT_SECONDS = 20;
export const DEFAULT_CONCURRENCY = 1;
export const DEFAULT_WORKER_SHUTDOWN_TIMEOUT_MS = 20_000;
/**
 * Extra time a ReceiveMessage may take beyond WaitTimeSeconds before the
 * client gives up (SQS API reference, ReceiveMessage: the HTTP response timeout
 * must be longer than WaitTimeSeconds).
 */
export const RECEIVE_TIMEOUT_MARGIN_SECONDS = 10;

/** https://sqs.<region>.amazonaws.com[.cn]/… or the legacy https://<region>.queue.amazonaws.com/… */
export function regionFromQueueUrl(url: URL): string | undefined {
  const host = url.hostname;
  return /^sqs\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(host)?.[1] ?? /^([a-z0-9-]+)\.queue\.amazonaws\.com(\.cn)?$/.exec(host)?.[1];
}

export function loadWorkerConfig(env: Env = process.env): ConfigResult<WorkerConfig> {
  const r = new EnvReader(env);
  const appVersion = r.required("APP_VERSION");
  const stack = r.required("STACK");
  const queueUrlRaw = r.required("QUEUE_URL");
  const queueUrl = queueUrlRaw ? r.httpUrl("QUEUE_URL", "https://sqs.eu-west-1.amazonaws.com/123456789012/my-queue") : undefined;

  const region = r.get("AWS_REGION") ?? r.get("AWS_DEFAULT_REGION") ?? (queueUrl && regionFromQueueUrl(queueUrl));
  if (!region && queueUrl) {
    r.problem(`AWS_REGION is not set and QUEUE_URL ${JSON.stringify(queueUrlRaw)} does not name a region (ECS sets AWS_REGION on every task)`);
  }

  const waitSeconds = r.int("WORKER_WAIT_SECONDS", DEFAULT_WAIT_SECONDS, 0, 20);
  const hb = heartbeatSettings(env);
  if (hb.error) r.problem(hb.error);
  else if (hb.maxAgeSeconds <= waitSeconds + RECEIVE_TIMEOUT_MARGIN_SECONDS) {
    r.problem(
      `WORKER_HEARTBEAT_MAX_AGE_SECONDS must exceed WORKER_WAIT_SECONDS + ${RECEIVE_TIMEOUT_MARGIN_SECONDS} = ${waitSeconds + RECEIVE_TIMEOUT_MARGIN_SECONDS} s, ` +
        `the longest one receive can take (got ${hb.maxAgeSeconds})`,
    );
  }

  return r.result({
    logLevel: r.logLevel(),
    appVersion,
    stack,
    serviceName: r.get("SERVICE_NAME") ?? DEFAULT_WORKER_SERVICE_NAME,
    queueUrl: queueUrl ? queueUrlRaw : "",
    region: region ?? "",
    concurrency: r.int("WORKER_CONCURRENCY", DEFAULT_CONCURRENCY, 1, 10),
    waitSeconds,
    // SQS allows 0 to 43,200 s (12 hours).
    visibilityTimeoutSeconds: r.int("WORKER_VISIBILITY_TIMEOUT", undefined, 0, 43_200),
    shutdownTimeoutMs: r.int("SHUTDOWN_TIMEOUT_MS", DEFAULT_WORKER_SHUTDOWN_TIMEOUT_MS, 1),
    heartbeatFile: hb.file,
    heartbeatMaxAgeSeconds: hb.maxAgeSeconds,
  });
}
