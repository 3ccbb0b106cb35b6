// A small fake of Amazon SQS for the worker's tests, on 127.0.0.1 only.
//
// It speaks the protocol @aws-sdk/client-sqs uses (AWS JSON 1.0): POST / with
// `X-Amz-Target: AmazonSQS.<Action>` and a JSON body; errors are 400 with
// `__type`. It keeps one queue with SQS's semantics that the worker relies on:
// long polling (an empty ReceiveMessage waits up to WaitTimeSeconds for a
// message), visibility timeouts (a received message is hidden until deleted or
// until its timeout passes, then delivered again with a higher receive count),
// receipt handles that change on each delivery, MD5OfBody (the SDK checks it),
// and system attributes only when asked for. Every call is recorded.
import { createHash, randomUUID } from "node:crypto";
import { listenLocal } from "./helpers.mjs";

const ACCOUNT = "123456789012";
const DEFAULT_VISIBILITY_S = 30;
const MAX_LONG_POLL_S = 20;

export async function startFakeSqs({ queueName = "fargatekit-test-jobs" } = {}) {
  const messages = []; // { id, body, md5, receiveCount, visibleAt, handle }
  const calls = []; // { action, at, input, auth, answeredAt?, aborted?, status? }
  const waiters = new Set(); // long polls waiting for a message
  const scriptedReceiveErrors = []; // { status, type, message } answered to the next ReceiveMessage calls
  const callWaiters = new Set();
  let wakeTimer;

  const send = (res, status, body) => {
    res.writeHead(status, { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": randomUUID() });
    res.end(JSON.stringify(body));
  };
  const sendError = (res, call, status, type, message) => {
    call.status = status;
    call.answeredAt = Date.now();
    send(res, status, { __type: `com.amazonaws.sqs#${type}`, message });
  };

  /** Takes up to `max` visible messages, hides them, returns the wire form. */
  const take = (max, visibilityS, wantsReceiveCount) => {
    const now = Date.now();
    const out = [];
    for (const m of messages) {
      if (out.length >= max) break;
      if (m.visibleAt > now) continue;
      m.receiveCount++;
      m.handle = `rh-${m.id}-${m.receiveCount}-${randomUUID()}`;
      m.visibleAt = now + visibilityS * 1000;
      out.push({
        MessageId: m.id,
        ReceiptHandle: m.handle,
        MD5OfBody: m.md5,
        Body: m.body,
        ...(wantsReceiveCount ? { Attributes: { ApproximateReceiveCount: String(m.receiveCount) } } : {}),
      });
    }
    return out;
  };

  /** Answers waiting long polls if messages are visible; re-arms a timer for the next hidden one. */
  const serveWaiters = () => {
    clearTimeout(wakeTimer);
    for (const w of [...waiters]) {
      const got = take(w.max, w.visibilityS, w.wantsReceiveCount);
      if (got.length === 0) continue;
      waiters.delete(w);
      clearTimeout(w.timer);
      w.answer({ Messages: got });
    }
    const next = Math.min(...messages.map((m) => m.visibleAt).filter((t) => t > Date.now()));
    if (waiters.size > 0 && Number.isFinite(next)) wakeTimer = setTimeout(serveWaiters, next - Date.now() + 5);
  };

  const notifyCall = (call) => {
    for (const w of callWaiters) w(call);
  };

  const fake = await listenLocal((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (d) => (raw += d));
    req.on("end", () => {
      const target = String(req.headers["x-amz-target"] ?? "");
      const call = { action: target.replace(/^AmazonSQS\./, ""), at: Date.now(), auth: req.headers.authorization, contentType: req.headers["content-type"] };
      try {
        call.input = JSON.parse(raw || "{}");
      } catch {
        call.input = raw;
      }
      calls.push(call);
      notifyCall(call);
      const answer = (body) => {
        call.status = 200;
        call.answeredAt = Date.now();
        send(res, 200, body);
      };

      if (req.method !== "POST" || !target.startsWith("AmazonSQS.")) {
        return sendError(res, call, 400, "UnsupportedOperation", `unexpected ${req.method} with target ${target}`);
      }
      if (call.input?.QueueUrl !== fake.queueUrl) {
        return sendError(res, call, 400, "QueueDoesNotExist", `The specified queue does not exist: ${call.input?.QueueUrl}`);
      }

      if (call.action === "ReceiveMessage") {
        const scripted = scriptedReceiveErrors.shift();
        if (scripted) return sendError(res, call, scripted.status, scripted.type, scripted.message);
        const { MaxNumberOfMessages = 1, WaitTimeSeconds = 0, VisibilityTimeout = DEFAULT_VISIBILITY_S } = call.input;
        const max = Math.min(Math.max(MaxNumberOfMessages, 1), 10);
        const wantsReceiveCount = (call.input.MessageSystemAttributeNames ?? []).some((n) => n === "ApproximateReceiveCount" || n === "All");
        const got = take(max, VisibilityTimeout, wantsReceiveCount);
        if (got.length > 0 || WaitTimeSeconds <= 0) return answer({ Messages: got });
        const waiter = { max, visibilityS: VisibilityTimeout, wantsReceiveCount, answer, call };
        waiter.timer = setTimeout(() => {
          waiters.delete(waiter);
          answer({}); // nothing arrived within the wait: SQS answers without Messages
        }, Math.min(WaitTimeSeconds, MAX_LONG_POLL_S) * 1000);
        waiters.add(waiter);
        res.once("close", () => {
          if (!res.writableFinished) {
            call.aborted = true; // the client gave up on the long poll
            call.answeredAt = Date.now();
            clearTimeout(waiter.timer);
            waiters.delete(waiter);
          }
        });
        return serveWaiters();
      }

      if (call.action === "DeleteMessage") {
        const i = messages.findIndex((m) => m.handle === call.input.ReceiptHandle);
        if (i < 0) return sendError(res, call, 400, "ReceiptHandleIsInvalid", "The input receipt handle is invalid.");
        call.messageId = messages[i].id;
        messages.splice(i, 1);
        return answer({});
      }

      return sendError(res, call, 400, "UnsupportedOperation", `the fake does not implement ${call.action}`);
    });
  });

  fake.queueUrl = `${fake.url}/${ACCOUNT}/${queueName}`;
  fake.calls = calls;
  fake.messages = messages;

  /** Enqueues a message (a string, or an object sent as JSON); returns its MessageId. */
  fake.enqueue = (body) => {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    const id = randomUUID();
    messages.push({ id, body: text, md5: createHash("md5").update(text).digest("hex"), receiveCount: 0, visibleAt: 0, handle: undefined });
    serveWaiters();
    return id;
  };

  /** The next ReceiveMessage calls fail with these errors, in order. */
  fake.failNextReceives = (...errors) => scriptedReceiveErrors.push(...errors);

  /** Long polls the fake is holding right now. */
  fake.pendingReceives = () => [...waiters].map((w) => w.call);

  /** Resolves with the first recorded call matching `pred` (past or future); rejects after timeoutMs. */
  fake.waitForCall = (pred, timeoutMs = 5000) => {
    const seen = calls.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        callWaiters.delete(waiter);
        reject(new Error(`no matching SQS call within ${timeoutMs} ms; calls=${JSON.stringify(calls.map((c) => c.action))}`));
      }, timeoutMs);
      const waiter = (call) => {
        if (!pred(call)) return;
        clearTimeout(timer);
        callWaiters.delete(waiter);
        resolve(call);
      };
      callWaiters.add(waiter);
    });
  };

  const close = fake.close;
  fake.close = async () => {
    clearTimeout(wakeTimer);
    for (const w of waiters) clearTimeout(w.timer);
    waiters.clear();
    await close();
  };
  return fake;
}
