import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../logger.js";

/**
 * The worker's message format and handler: replace them with your own.
 *
 * A message body is a JSON object with a `kind`. The one kind today:
 *
 *   {"kind": "greet", "name": "Ada", "workMs": 250}
 *
 * - `name`: 1-64 characters (required);
 * - `workMs`: simulated work, an integer 0-10000 (optional, default 0).
 *
 * The handler logs `greeted` with the greeting. A body that is not JSON, an
 * unknown kind or a bad field makes processing fail: the message is not
 * deleted, SQS delivers it again after the visibility timeout and, after the
 * queue's maxReceiveCount, moves it to the dead-letter queue.
 *
 * Handlers must be idempotent: SQS delivers at least once.
 */

export const MAX_WORK_MS = 10_000;

export interface GreetMessage {
  kind: "greet";
  name: string;
  workMs: number;
}
export type WorkerMessage = GreetMessage;

export class InvalidMessageError extends Error {
  override name = "InvalidMessageError";
}

export function parseMessage(body: string): WorkerMessage {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    throw new InvalidMessageError(`body is not JSON (${body.length} characters)`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new InvalidMessageError("body must be a JSON object");
  }
  const { kind, name, workMs = 0 } = data as Record<string, unknown>;
  if (kind !== "greet") throw new InvalidMessageError(`unknown kind ${JSON.stringify(kind)}; known kinds: "greet"`);
  const problems: string[] = [];
  if (typeof name !== "string" || name.trim().length === 0 || name.length > 64) {
    problems.push(`name must be a string of 1-64 characters (got ${JSON.stringify(name)?.slice(0, 80)})`);
  }
  if (typeof workMs !== "number" || !Number.isInteger(workMs) || workMs < 0 || workMs > MAX_WORK_MS) {
    problems.push(`workMs must be an integer between 0 and ${MAX_WORK_MS} (got ${JSON.stringify(workMs)?.slice(0, 40)})`);
  }
  if (problems.length > 0) throw new InvalidMessageError(`invalid "greet" message: ${problems.join("; ")}`);
  return { kind, name: name as string, workMs: workMs as number };
}

export interface HandlerContext {
  logger: Logger;
}

/** Processes one message; resolves with fields for the "message processed" log line. */
export async function handleMessage(body: string, { logger }: HandlerContext): Promise<Record<string, unknown>> {
  const msg = parseMessage(body);
  // The work is not cut short by SIGTERM: the worker finishes the messages in
  // hand within its shutdown deadline (bounded work, MAX_WORK_MS).
  if (msg.workMs > 0) await sleep(msg.workMs);
  const greeting = `Hello, ${msg.name}!`;
  logger.info({ kind: msg.kind, greeting }, "greeted");
  return { kind: msg.kind, workMs: msg.workMs };
}
