import { DeleteMessageCommand, ReceiveMessageCommand, type Message, type SQSClient } from "@aws-sdk/client-sqs";
import type { Logger } from "../logger.js";
import type { WorkerConfig } from "./config.js";
import { beat } from "./heartbeat.js";

/**
 * The SQS poll loop.
 *
 * - Long polls (ReceiveMessage WaitTimeSeconds, 20 s by default) for up to as
 *   many messages as there are free slots (WORKER_CONCURRENCY, <= 10).
 * - Each message is handled on its own; on success it is deleted, on failure it
 *   is left alone, so SQS makes it visible again after the visibility timeout
 *   and, after the queue's maxReceiveCount, moves it to the dead-letter queue.
 * - stop() (SIGTERM/SIGINT) aborts the long poll in flight and starts no new
 *   receive; run() resolves once every message in hand is handled and deleted.
 *   A receive cut off that way may have reserved messages on the SQS side:
 *   they are not lost, SQS delivers them again after the visibility timeout.
 * - A failed receive (network, throttling, permissions) is logged and retried
 *   with exponential back-off (0.5 s doubling up to 20 s); the loop never dies.
 * - The heartbeat file is written before each receive, after each message, and
 *   around each back-off, so the gap between two beats is at most one receive
 *   (WaitTimeSeconds + 10 s: receives are single attempts, retried by this loop),
 *   one back-off (20 s) or one message's handling.
 */

export type MessageHandler = (body: string, ctx: { logger: Logger }) => Promise<Record<string, unknown> | void>;

export interface PollerOptions {
  /** For ReceiveMessage: one attempt per call, the loop's own back-off retries (and beats in between). */
  receiveClient: SQSClient;
  /** For DeleteMessage: the SDK's retries apply. */
  client: SQSClient;
  config: Pick<WorkerConfig, "queueUrl" | "concurrency" | "waitSeconds" | "visibilityTimeoutSeconds" | "heartbeatFile">;
  logger: Logger;
  handle: MessageHandler;
}

export const BACKOFF_BASE_MS = 500;
export const BACKOFF_MAX_MS = 20_000;

export class Poller {
  readonly stats = { received: 0, processed: 0, failed: 0, deleteFailures: 0 };
  private stopping = false;
  private receiveAbort: AbortController | undefined;
  private wakeUp: (() => void) | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private heartbeatBroken = false;

  constructor(private readonly opts: PollerOptions) {}

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Polls until stop() is called, then waits for the messages in hand. */
  async run(): Promise<void> {
    const { concurrency } = this.opts.config;
    let failures = 0;
    while (!this.stopping) {
      await this.beat();
      if (this.stopping) break;
      if (this.inFlight.size >= concurrency) {
        await Promise.race(this.inFlight);
        continue;
      }
      let messages: Message[];
      try {
        messages = await this.receive(concurrency - this.inFlight.size);
        failures = 0;
      } catch (err) {
        if (this.stopping) break; // the long poll was aborted by stop()
        failures++;
        const retryInMs = Math.min(BACKOFF_BASE_MS * 2 ** (failures - 1), BACKOFF_MAX_MS);
        this.opts.logger.error({ err, consecutiveFailures: failures, retryInMs }, "receive failed, retrying");
        await this.beat();
        await this.pause(retryInMs);
        continue;
      }
      // Messages that arrived are in hand, even if stop() came meanwhile: handle them.
      for (const message of messages) this.start(message);
    }
    await Promise.all([...this.inFlight]);
  }

  /** No new receive from now on; the long poll in flight, if any, is aborted. */
  stop(): void {
    this.stopping = true;
    this.receiveAbort?.abort(new Error("worker stopping"));
    this.wakeUp?.();
  }

  private async receive(max: number): Promise<Message[]> {
    const { queueUrl, waitSeconds, visibilityTimeoutSeconds } = this.opts.config;
    const abort = new AbortController();
    this.receiveAbort = abort;
    try {
      const out = await this.opts.receiveClient.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: max,
          WaitTimeSeconds: waitSeconds,
          ...(visibilityTimeoutSeconds === undefined ? {} : { VisibilityTimeout: visibilityTimeoutSeconds }),
          MessageSystemAttributeNames: ["ApproximateReceiveCount"],
        }),
        { abortSignal: abort.signal },
      );
      const messages = out.Messages ?? [];
      this.stats.received += messages.length;
      return messages;
    } finally {
      this.receiveAbort = undefined;
    }
  }

  private start(message: Message): void {
    const p: Promise<void> = this.processOne(message).finally(() => {
      this.inFlight.delete(p);
      void this.beat();
    });
    this.inFlight.add(p);
  }

  /** Never rejects: every outcome is logged and counted. */
  private async processOne(message: Message): Promise<void> {
    const started = Date.now();
    const log = this.opts.logger.child({
      messageId: message.MessageId,
      receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 0) || undefined,
    });
    log.info("message received");
    let result: Record<string, unknown> | void;
    try {
      result = await this.opts.handle(message.Body ?? "", { logger: log });
    } catch (err) {
      this.stats.failed++;
      log.warn(
        { err, durationMs: Date.now() - started },
        "message processing failed; not deleted: SQS delivers it again after the visibility timeout (to the DLQ after maxReceiveCount)",
      );
      return;
    }
    try {
      // Not tied to stop(): a message handled during shutdown is still deleted.
      await this.opts.client.send(new DeleteMessageCommand({ QueueUrl: this.opts.config.queueUrl, ReceiptHandle: message.ReceiptHandle }));
      this.stats.processed++;
      log.info({ ...(result ?? {}), durationMs: Date.now() - started }, "message processed");
    } catch (err) {
      this.stats.deleteFailures++;
      log.error({ err, durationMs: Date.now() - started }, "message processed but not deleted: SQS will deliver it again");
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = undefined;
        done();
      };
    });
  }

  private async beat(): Promise<void> {
    try {
      await beat(this.opts.config.heartbeatFile);
      if (this.heartbeatBroken) this.opts.logger.info({ file: this.opts.config.heartbeatFile }, "heartbeat file writable again");
      this.heartbeatBroken = false;
    } catch (err) {
      // The health check will report the worker unhealthy; say why, once.
      if (!this.heartbeatBroken) this.opts.logger.error({ err, file: this.opts.config.heartbeatFile }, "cannot write the heartbeat file");
      this.heartbeatBroken = true;
    }
  }
}
