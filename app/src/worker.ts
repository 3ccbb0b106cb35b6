import { SQSClient } from "@aws-sdk/client-sqs";
import { constants as osConstants } from "node:os";
import { refuseToStart } from "./env.js";
import { startProcessLogging } from "./logger.js";
import { loadWorkerConfig, RECEIVE_TIMEOUT_MARGIN_SECONDS } from "./worker/config.js";
import { handleMessage } from "./worker/messages.js";
import { Poller } from "./worker/poller.js";

/**
 * `worker`: consumes the SQS queue QUEUE_URL. Entry point `node dist/worker.js`
 * (command override of the same image); no port. Health: `node
 * dist/worker-healthcheck.js` (heartbeat file, see src/worker/heartbeat.ts).
 *
 * Shutdown mirrors the HTTP services: on the first SIGTERM/SIGINT it stops
 * polling (the long poll in flight is aborted), finishes and deletes the
 * messages in hand, and exits 0. If that takes longer than SHUTDOWN_TIMEOUT_MS
 * (20 s, below ECS's 30 s stopTimeout) it exits 1, leaving the unfinished
 * messages to SQS's redelivery; a second signal exits at once with 128+signal.
 */

const result = loadWorkerConfig(process.env);
if (!result.ok) refuseToStart(result.errors);
const config = result.config;

const logger = startProcessLogging(config);

// Credentials: the task role on ECS (default provider chain). Endpoint: the
// queue URL's host (SQS's default), or AWS_ENDPOINT_URL_SQS.
const sqsClient = (maxAttempts: number) =>
  new SQSClient({
    region: config.region,
    maxAttempts,
    // The SDK logs each call at info (bodies included): keep only its warnings.
    logger: logger.child({ component: "aws-sdk" }, { level: "warn" }),
    requestHandler: {
      connectionTimeout: 5_000,
      // SQS API reference (ReceiveMessage): the HTTP response timeout must be
      // longer than WaitTimeSeconds; an overdue call fails instead of hanging.
      requestTimeout: (config.waitSeconds + RECEIVE_TIMEOUT_MARGIN_SECONDS) * 1000,
      throwOnRequestTimeout: true,
    },
  });
// Receives: one attempt each; the poll loop retries with its own back-off and
// heartbeat, so one receive never holds the loop longer than its timeout.
// Deletes: the SDK's standard 3 attempts, so a blip does not cause a redelivery.
const receiveClient = sqsClient(1);
const client = sqsClient(3);

const poller = new Poller({ receiveClient, client, config, logger, handle: handleMessage });

const started = Date.now();
let stopping = false;
const onSignal = (signal: NodeJS.Signals) => {
  if (stopping) {
    logger.error({ signal, inFlight: poller.inFlightCount }, "second signal received during shutdown, forcing exit");
    process.exit(128 + (osConstants.signals[signal] ?? 0));
  }
  stopping = true;
  logger.info(
    { signal, timeoutMs: config.shutdownTimeoutMs, inFlight: poller.inFlightCount },
    "shutdown started: no new receives, finishing the messages in hand",
  );
  setTimeout(() => {
    logger.error(
      { timeoutMs: config.shutdownTimeoutMs, inFlight: poller.inFlightCount },
      "shutdown deadline exceeded, exiting with messages unfinished (SQS delivers them again)",
    );
    process.exit(1);
  }, config.shutdownTimeoutMs);
  poller.stop();
};
process.on("SIGTERM", onSignal);
process.on("SIGINT", onSignal);

logger.info(
  {
    queueUrl: config.queueUrl,
    region: config.region,
    concurrency: config.concurrency,
    waitSeconds: config.waitSeconds,
    visibilityTimeoutSeconds: config.visibilityTimeoutSeconds ?? "queue default",
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    heartbeatFile: config.heartbeatFile,
    heartbeatMaxAgeSeconds: config.heartbeatMaxAgeSeconds,
    node: process.version,
  },
  "worker started",
);

try {
  await poller.run();
} catch (err) {
  logger.fatal({ err }, "poll loop crashed");
  process.exit(1);
}
logger.info({ ...poller.stats, durationMs: Date.now() - started }, "shutdown complete");
receiveClient.destroy();
client.destroy();
process.exit(0);
