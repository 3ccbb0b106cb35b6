/**
 * The `jobs` key of the stack config: scheduled and one-off tasks that run the app's image on Fargate.
 * Shape and ranges are checked by the schema; the rules that need more than one field (Fargate sizes,
 * schedule syntax, time zones, secret and KMS key ARNs, unique names) by `jobsProblems`, each naming
 * `<project>:jobs.<job name>.<field>`, the value given and what is allowed.
 */
import { z } from "zod";
import {
    CapacityMode, EnvironmentJobArgs, OverlapPolicy, RETRY_LIMITS, TaskSubnets,
    scheduleExpressionProblems, SKIP_IF_RUNNING_ENV, timezoneProblems, FLEXIBLE_WINDOW_MAX_MINUTES,
} from "fargatekit";

import { containerProblems, enumOf, envName, int, kmsKeyArns, logRetention } from "./fields";

/** Job names become part of AWS names (`job-<name>-scheduler-xxxxxxx` must fit IAM's 64 characters). */
export const JOB_NAME_PATTERN = /^[a-z]([a-z0-9-]{0,28}[a-z0-9])?$/;

const retries = z.strictObject({
    /** Retries after a run could not be started (throttling, no capacity). */
    attempts: int(...RETRY_LIMITS.attempts).default(3),
    /** Seconds after which an unstarted run goes to the dead-letter queue instead. */
    maxEventAgeSeconds: int(...RETRY_LIMITS.maxEventAgeSeconds).default(3600),
});

export const jobSchema = z.strictObject({
    name: z.string().regex(JOB_NAME_PATTERN, "1–30 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen"),
    /** rate(…), cron(…) with 6 fields, or at(…). */
    schedule: z.string().min(1),
    /** IANA time zone the schedule is read in. */
    timezone: z.string().default("UTC"),
    enabled: z.boolean().default(true),
    /** The container command, e.g. ["node", "dist/jobs/cleanup.js"]. */
    command: z.array(z.string().min(1)).min(1),
    cpu: z.number().int().default(256),
    memory: z.number().int().default(512),
    environment: z.record(envName, z.string()).default({}),
    /** Variable name → full ARN of a Secrets Manager secret (optionally `:json-key::`) or SSM parameter. */
    secrets: z.record(envName, z.string()).default({}),
    /** Customer-managed KMS keys of those secrets: the job's execution role may kms:Decrypt with exactly these. */
    secretsKmsKeyArns: kmsKeyArns,
    retries: retries.default(retries.parse({})),
    /** `skip`: a run exits early while the previous run of the job is still going. */
    overlap: enumOf(OverlapPolicy).default(OverlapPolicy.Allow),
    /** Minutes Scheduler may start a run late to spread load; 0 = on time. */
    flexibleWindowMinutes: int(0, FLEXIBLE_WINDOW_MAX_MINUTES).default(0),
    capacity: enumOf(CapacityMode).default(CapacityMode.Fargate),
    /** Defaults to private when the network has NAT gateways, public otherwise. */
    subnets: enumOf(TaskSubnets).optional(),
    logRetentionDays: logRetention.default(30),
});

export const jobsSchema = z.array(jobSchema);
export type JobConfig = z.output<typeof jobSchema>;
// The typed config is the Environment's args: a job that parses is a valid EnvironmentJobArgs.
const _isEnvironmentJob: EnvironmentJobArgs = {} as JobConfig;
void _isEnvironmentJob;

/**
 * The rules over a job's fields that the schema cannot say alone; every problem, each with its key.
 * A job that did not parse is undefined here (its schema problems are reported already): the rules
 * still run on every other one.
 */
export function jobsProblems(project: string, jobs: readonly (JobConfig | undefined)[], natGateways: string): string[] {
    const p: string[] = [];
    const seen = new Map<string, number>();
    jobs.forEach((job, i) => {
        if (!job) return;
        const k = (field: string) => `${project}:jobs.${job.name}.${field}`;
        const first = seen.get(job.name);
        if (first !== undefined) p.push(`${project}:jobs[${i}].name: got "${job.name}", already used by jobs[${first}]; job names must be unique`);
        else seen.set(job.name, i);
        p.push(...containerProblems(k, "environment", job));
        for (const problem of scheduleExpressionProblems(job.schedule)) p.push(`${k("schedule")}: ${problem}`);
        for (const problem of timezoneProblems(job.timezone)) p.push(`${k("timezone")}: ${problem}`);
        if (job.subnets === TaskSubnets.Private && natGateways === "none") p.push(`${k("subnets")}: got "private" with network.natGateways "none"; a task in a private subnet needs a NAT gateway to pull its image, or use "public"`);
        if (SKIP_IF_RUNNING_ENV in job.environment) p.push(`${k(`environment.${SKIP_IF_RUNNING_ENV}`)}: set by overlap; use overlap: skip or allow instead`);
    });
    return p;
}
