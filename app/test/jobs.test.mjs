import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { chmod, chown, mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import { awsTestEnv, listenLocal, runNode } from "./helpers.mjs";

let scratch;
before(async () => {
  scratch = await mkdtemp(join(tmpdir(), "app-jobs-test-"));
});
after(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** Env for a job run: dummy AWS credentials, no AWS config files, no instance metadata lookups. */
function jobEnv(extra = {}) {
  return {
    PATH: process.env.PATH,
    APP_VERSION: "test-1.2.3",
    STACK: "test",
    LOG_LEVEL: "info",
    ...awsTestEnv(scratch),
    ...extra,
  };
}

/** A directory with one stale file (2 h old, also one level down) and one fresh file. */
async function makeCleanupDir(name) {
  const dir = join(scratch, name);
  await mkdir(join(dir, "nested"), { recursive: true });
  const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
  const files = { stale: join(dir, "stale.tmp"), staleNested: join(dir, "nested", "stale.tmp"), fresh: join(dir, "fresh.tmp") };
  await writeFile(files.stale, "x".repeat(100));
  await writeFile(files.staleNested, "y".repeat(50));
  await writeFile(files.fresh, "z");
  await utimes(files.stale, old, old);
  await utimes(files.staleNested, old, old);
  return { dir, files };
}

const summaryOf = (r) => r.logs.find((l) => l.msg === "job succeeded");

describe("cleanup job", () => {
  test("deletes files older than the max age, keeps fresh ones, logs a summary, exit 0", async () => {
    const { dir, files } = await makeCleanupDir("plain");
    const r = await runNode("dist/jobs/cleanup.js", jobEnv({ CLEANUP_DIR: dir, CLEANUP_MAX_AGE_MINUTES: "60" }));
    assert.equal(r.code, 0, r.stderr + JSON.stringify(r.logs));
    assert.equal(existsSync(files.stale), false);
    assert.equal(existsSync(files.staleNested), false);
    assert.equal(existsSync(files.fresh), true);
    const s = summaryOf(r);
    assert.equal(s.job, "cleanup");
    assert.equal(s.version, "test-1.2.3");
    assert.equal(s.scanned, 3);
    assert.equal(s.deleted, 2);
    assert.equal(s.bytesFreed, 150);
    assert.equal(s.errors, 0);
    assert.equal(typeof s.durationMs, "number");
    assert.ok(r.logs.some((l) => l.msg === "job started"));
    assert.deepEqual(r.nonJsonStdout, []);
  });

  test("CLEANUP_DRY_RUN=true deletes nothing and says so: deleted 0, wouldDelete 2", async () => {
    const { dir, files } = await makeCleanupDir("dry");
    const r = await runNode("dist/jobs/cleanup.js", jobEnv({ CLEANUP_DIR: dir, CLEANUP_DRY_RUN: "true", LOG_LEVEL: "debug" }));
    assert.equal(r.code, 0);
    const s = summaryOf(r);
    assert.equal(s.dryRun, true);
    assert.equal(s.deleted, 0, "a dry run reports no deletion");
    assert.equal(s.bytesFreed, 0);
    assert.equal(s.wouldDelete, 2);
    assert.equal(s.bytesWouldFree, 150);
    assert.equal(existsSync(files.stale), true);
    assert.equal(existsSync(files.staleNested), true);
    assert.deepEqual(r.logs.filter((l) => l.msg === "deleted"), [], "no per-file line claims a deletion");
    assert.equal(r.logs.filter((l) => l.msg === "would delete").length, 2);
  });

  test("what it may not delete (EACCES) is skipped and counted, the rest is cleaned, exit 0", async () => {
    // A root-owned cache directory (what a base image may ship under /tmp) and an
    // unreadable one. As root, permissions do not apply: run the job as nobody
    // (65534) and give it the rest of the tree; otherwise remove our own rights.
    const asRoot = process.getuid?.() === 0;
    const { dir, files } = await makeCleanupDir("permissions");
    const cache = join(dir, "node-compile-cache");
    const locked = join(dir, "locked");
    await mkdir(cache);
    await mkdir(locked);
    const cached = join(cache, "blob");
    await writeFile(cached, "c".repeat(10));
    await writeFile(join(locked, "old.tmp"), "l");
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(cached, old, old);
    await utimes(join(locked, "old.tmp"), old, old);
    const spawnAs = asRoot ? { uid: 65534, gid: 65534 } : {};
    if (asRoot) {
      await chmod(scratch, 0o755);
      for (const p of [dir, join(dir, "nested"), ...Object.values(files)]) await chown(p, 65534, 65534);
      await chmod(locked, 0o700); // root-owned: nobody can neither list nor write
    } else {
      await chmod(cache, 0o555); // no write permission: its files cannot be unlinked
      await chmod(locked, 0o000);
    }
    try {
      const r = await runNode("dist/jobs/cleanup.js", jobEnv({ CLEANUP_DIR: dir }), 10_000, spawnAs);
      assert.equal(r.code, 0, r.stderr + JSON.stringify(r.logs));
      const s = summaryOf(r);
      assert.equal(s.deleted, 2, "the deletable stale files are gone");
      assert.equal(s.skipped, 2);
      assert.deepEqual([...s.skippedExamples].sort(), [cached, locked].sort());
      assert.equal(s.errors, 0);
      assert.equal(existsSync(files.stale), false);
      assert.equal(existsSync(cached), true);
      assert.ok(r.logs.some((l) => l.msg.startsWith("entries skipped: no permission")));
    } finally {
      await chmod(cache, 0o755);
      await chmod(locked, 0o755);
    }
  });

  test("a missing directory fails the job: error logged, exit 1", async () => {
    const r = await runNode("dist/jobs/cleanup.js", jobEnv({ CLEANUP_DIR: join(scratch, "does-not-exist") }));
    assert.equal(r.code, 1);
    const line = r.logs.find((l) => l.msg === "job failed");
    assert.ok(line, JSON.stringify(r.logs));
    assert.equal(line.level, "error");
    assert.equal(line.err.code, "ENOENT");
  });

  test("an invalid setting fails the job, exit 1", async () => {
    const r = await runNode("dist/jobs/cleanup.js", jobEnv({ CLEANUP_DIR: scratch, CLEANUP_MAX_AGE_MINUTES: "soon" }));
    assert.equal(r.code, 1);
    assert.match(r.logs.find((l) => l.msg === "job failed").err.message, /CLEANUP_MAX_AGE_MINUTES/);
  });

  test("an uncaught exception in a job is logged and exits 1", async () => {
    const r = await runNode("test/fixtures/throwing-job.mjs", jobEnv());
    assert.equal(r.code, 1);
    const line = r.logs.find((l) => l.msg === "job failed: uncaught exception");
    assert.ok(line, JSON.stringify(r.logs));
    assert.equal(line.err.message, "boom from a timer");
  });
});

describe("no-overlap check (JOB_SKIP_IF_RUNNING=true)", () => {
  const CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/fargatekit-test";
  const SELF = "arn:aws:ecs:us-east-1:123456789012:task/fargatekit-test/0000000000000000000000000000self";
  const OTHER = "arn:aws:ecs:us-east-1:123456789012:task/fargatekit-test/000000000000000000000000000other";
  const FAMILY = "fargatekit-test-cleanup";

  let metadata;
  let ecs;
  let ecsCalls;
  let ecsReply; // (body) => { status, body }

  before(async () => {
    // Fake ECS task metadata endpoint v4.
    metadata = await listenLocal((req, res) => {
      if (req.method === "GET" && req.url === "/v4/abc123/task") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ Cluster: CLUSTER, TaskARN: SELF, Family: FAMILY, Revision: "3", DesiredStatus: "RUNNING" }));
      } else {
        res.writeHead(404).end();
      }
    });
    // Fake ECS API (awsJson1_1 protocol: POST / with X-Amz-Target).
    ecs = await listenLocal((req, res) => {
      let raw = "";
      req.on("data", (d) => (raw += d));
      req.on("end", () => {
        const call = { target: req.headers["x-amz-target"], auth: req.headers.authorization, body: JSON.parse(raw || "{}") };
        ecsCalls.push(call);
        const { status, body } = ecsReply(call.body);
        res.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
        res.end(JSON.stringify(body));
      });
    });
  });
  after(async () => {
    await metadata.close();
    await ecs.close();
  });
  beforeEach(() => {
    ecsCalls = [];
  });

  const overlapEnv = (dir, extra = {}) =>
    jobEnv({
      CLEANUP_DIR: dir,
      JOB_SKIP_IF_RUNNING: "true",
      ECS_CONTAINER_METADATA_URI_V4: `${metadata.url}/v4/abc123`,
      AWS_ENDPOINT_URL_ECS: ecs.url,
      ...extra,
    });

  const assertListTasksCall = () => {
    assert.equal(ecsCalls.length, 1);
    assert.equal(ecsCalls[0].target, "AmazonEC2ContainerServiceV20141113.ListTasks");
    assert.deepEqual(ecsCalls[0].body, { cluster: CLUSTER, family: FAMILY, desiredStatus: "RUNNING" });
    assert.match(ecsCalls[0].auth, /Credential=AKIDFAKEFORTESTS\/\d{8}\/us-east-1\/ecs\/aws4_request/);
  };

  test("another run of the family is RUNNING: logs the ARNs, skips the work, exit 0", async () => {
    ecsReply = () => ({ status: 200, body: { taskArns: [OTHER, SELF] } });
    const { dir, files } = await makeCleanupDir("overlap-skip");
    const r = await runNode("dist/jobs/cleanup.js", overlapEnv(dir));
    assert.equal(r.code, 0, r.stderr + JSON.stringify(r.logs));
    assertListTasksCall();
    const line = r.logs.find((l) => l.msg === "previous run still going, skipping");
    assert.ok(line, JSON.stringify(r.logs));
    assert.deepEqual(line.runningTaskArns, [OTHER]);
    assert.equal(line.taskArn, SELF);
    assert.equal(summaryOf(r), undefined, "the job function did not run");
    assert.equal(existsSync(files.stale), true, "no work done");
  });

  test("only this task is RUNNING: the work is done, exit 0", async () => {
    ecsReply = () => ({ status: 200, body: { taskArns: [SELF] } });
    const { dir, files } = await makeCleanupDir("overlap-proceed");
    const r = await runNode("dist/jobs/cleanup.js", overlapEnv(dir));
    assert.equal(r.code, 0, r.stderr + JSON.stringify(r.logs));
    assertListTasksCall();
    assert.ok(r.logs.some((l) => l.msg === "no other run of this job is going, proceeding"));
    assert.equal(summaryOf(r).deleted, 2);
    assert.equal(existsSync(files.stale), false, "work done");
  });

  test("ListTasks is paginated: a RUNNING task on the second page still counts", async () => {
    ecsReply = (body) =>
      body.nextToken === "page-2"
        ? { status: 200, body: { taskArns: [OTHER] } }
        : { status: 200, body: { taskArns: [SELF], nextToken: "page-2" } };
    const { dir, files } = await makeCleanupDir("overlap-paged");
    const r = await runNode("dist/jobs/cleanup.js", overlapEnv(dir));
    assert.equal(r.code, 0);
    assert.equal(ecsCalls.length, 2);
    assert.deepEqual(r.logs.find((l) => l.msg === "previous run still going, skipping").runningTaskArns, [OTHER]);
    assert.equal(existsSync(files.stale), true);
  });

  test("the ECS call fails: fail closed, error logged, no work done, exit 1", async () => {
    ecsReply = () => ({
      status: 400,
      body: { __type: "AccessDeniedException", message: "not authorized to perform: ecs:ListTasks" },
    });
    const { dir, files } = await makeCleanupDir("overlap-error");
    const r = await runNode("dist/jobs/cleanup.js", overlapEnv(dir));
    assert.equal(r.code, 1);
    const line = r.logs.find((l) => l.msg.startsWith("overlap check failed"));
    assert.ok(line, JSON.stringify(r.logs));
    assert.equal(line.level, "error");
    assert.match(line.err.message, /not authorized/);
    assert.equal(existsSync(files.stale), true, "no work done");
  });

  test("not on ECS (no metadata URI): logs it and does the work", async () => {
    const { dir, files } = await makeCleanupDir("overlap-local");
    const env = overlapEnv(dir);
    delete env.ECS_CONTAINER_METADATA_URI_V4;
    const r = await runNode("dist/jobs/cleanup.js", env);
    assert.equal(r.code, 0);
    assert.equal(ecsCalls.length, 0);
    assert.ok(r.logs.some((l) => /ECS_CONTAINER_METADATA_URI_V4 is not set/.test(l.msg)));
    assert.equal(existsSync(files.stale), false);
  });
});
