import type { ECSClient } from "@aws-sdk/client-ecs";
import type { Logger } from "../logger.js";

/**
 * "Is a previous run of this job still going?" for scheduled ECS tasks.
 *
 * Reads this task's identity from the ECS task metadata endpoint v4, then asks
 * ECS for the RUNNING tasks of the same task-definition family in the same
 * cluster (the task role has ecs:ListTasks on the cluster). Any task in that list
 * other than ourselves is a previous run that has not finished.
 *
 * desiredStatus=RUNNING also covers tasks still PENDING/PROVISIONING, so a run
 * that is starting up counts as "going". If two runs start at the same instant
 * both may see each other and both skip; the next schedule then runs normally,
 * which is the safe side of that race.
 */

export interface TaskMetadata {
  Cluster: string;
  TaskARN: string;
  Family: string;
}

export type OverlapResult =
  | { skip: false; reason: "not-on-ecs" | "no-other-run"; taskArn?: string }
  | { skip: true; taskArn: string; runningTaskArns: string[] };

const METADATA_TIMEOUT_MS = 2_000;
const ECS_TIMEOUT_MS = 5_000;
const MAX_PAGES = 20; // 100 ARNs per page: far more than any sane number of overlapping runs

export async function fetchTaskMetadata(baseUri: string, timeoutMs = METADATA_TIMEOUT_MS): Promise<TaskMetadata> {
  const url = `${baseUri.replace(/\/+$/, "")}/task`;
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`task metadata endpoint answered ${res.status} for ${url}`);
  const body = (await res.json()) as Partial<TaskMetadata>;
  for (const key of ["Cluster", "TaskARN", "Family"] as const) {
    if (typeof body[key] !== "string" || body[key] === "") {
      throw new Error(`task metadata from ${url} has no ${key}`);
    }
  }
  return body as TaskMetadata;
}

/** arn:aws:ecs:eu-west-1:123456789012:task/... → eu-west-1 */
export function regionFromArn(arn: string): string | undefined {
  const parts = arn.split(":");
  return parts[0] === "arn" && parts.length >= 6 && parts[3] ? parts[3] : undefined;
}

export async function createEcsClient(env: NodeJS.ProcessEnv, meta: TaskMetadata): Promise<ECSClient> {
  // Loaded lazily: jobs that do not ask for the check skip loading the SDK.
  const { ECSClient } = await import("@aws-sdk/client-ecs");
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || regionFromArn(meta.TaskARN) || regionFromArn(meta.Cluster);
  // Endpoint: the SDK honours AWS_ENDPOINT_URL_ECS / AWS_ENDPOINT_URL (tests point it at a local fake).
  // Credentials: the task role, via the default provider chain.
  return new ECSClient({
    ...(region ? { region } : {}),
    maxAttempts: 3,
    // throwOnRequestTimeout: without it @smithy/node-http-handler 4.x only logs a
    // warning when requestTimeout passes, and a hung call would hang the job.
    requestHandler: { connectionTimeout: ECS_TIMEOUT_MS, requestTimeout: ECS_TIMEOUT_MS, throwOnRequestTimeout: true },
  });
}

export async function listRunningTasks(client: ECSClient, meta: TaskMetadata): Promise<string[]> {
  const { ListTasksCommand } = await import("@aws-sdk/client-ecs");
  const arns: string[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const out = await client.send(
      new ListTasksCommand({ cluster: meta.Cluster, family: meta.Family, desiredStatus: "RUNNING", nextToken }),
    );
    arns.push(...(out.taskArns ?? []));
    nextToken = out.nextToken;
    if (!nextToken) break;
  }
  return arns;
}

/**
 * Throws when the check itself cannot be done (metadata or ECS call failed);
 * the job runner then fails closed rather than risk a duplicate run.
 */
export async function checkForOverlap(env: NodeJS.ProcessEnv, logger: Logger): Promise<OverlapResult> {
  const metadataUri = env.ECS_CONTAINER_METADATA_URI_V4;
  if (!metadataUri) {
    logger.info("ECS_CONTAINER_METADATA_URI_V4 is not set (not running on ECS): skipping the overlap check");
    return { skip: false, reason: "not-on-ecs" };
  }
  const meta = await fetchTaskMetadata(metadataUri);
  const client = await createEcsClient(env, meta);
  try {
    const running = await listRunningTasks(client, meta);
    const others = running.filter((arn) => arn !== meta.TaskARN);
    if (others.length > 0) return { skip: true, taskArn: meta.TaskARN, runningTaskArns: others };
    return { skip: false, reason: "no-other-run", taskArn: meta.TaskARN };
  } finally {
    client.destroy();
  }
}
