/**
 * The `services` key of the stack config: every service of the environment, each public (a route on
 * the shared load balancer), internal (called by others through Service Connect) or a worker (no
 * port; it may consume a queue). Shape and ranges are checked by the schema; the rules over several
 * fields or services by `servicesProblems`, each naming `<project>:services.<name>.<field>`.
 */
import { z } from "zod";
import {
    CapacityMode, environmentProblems, listenerRuleProblems, EnvironmentServiceArgs, Exposure, exposureOf, HEALTH_CHECK_LIMITS, NatGateways,
    QUEUE_LIMITS, RELEASE_LIMITS, ReleaseStrategy, RULE_PRIORITY_RANGE, TARGET_HEALTH_CHECK_LIMITS, TaskSubnets,
} from "fargatekit";

import { serviceAlarmsSchema } from "./alerts";
import { containerProblems, enumOf, envName, int, kmsKeyArns, logRetention } from "./fields";

/** Service names become part of AWS names: "<name>-tg-xxxxxxx" must fit a target group's 32 characters. */
export const SERVICE_NAME_PATTERN = /^[a-z]([a-z0-9-]{0,19}[a-z0-9])?$/;

/** The app's health probes (app/): an HTTP service's, and a worker's heartbeat check. */
export const HTTP_HEALTH_PROBE = ["CMD", "node", "dist/healthcheck.js"];
export const WORKER_HEALTH_PROBE = ["CMD", "node", "dist/worker-healthcheck.js"];

const targetHealthCheck = z.strictObject({
    path: z.string().regex(/^\/[\x21-\x7e]{0,1023}$/, 'must start with "/"').default("/health"),
    interval: int(...TARGET_HEALTH_CHECK_LIMITS.interval).default(10),
    timeout: int(...TARGET_HEALTH_CHECK_LIMITS.timeout).default(5),
    healthyThreshold: int(...TARGET_HEALTH_CHECK_LIMITS.healthyThreshold).default(2),
    unhealthyThreshold: int(...TARGET_HEALTH_CHECK_LIMITS.unhealthyThreshold).default(3),
    matcher: z.string().regex(/^([2-4]\d\d)([-,]([2-4]\d\d))*$/, 'must be HTTP codes 200–499 like "200" or "200-299"').default("200"),
});

const containerHealthCheck = z.strictObject({
    /** The probe; the app's HTTP probe for services with a port, its heartbeat check for workers. */
    command: z.array(z.string().min(1)).min(2).optional(),
    interval: int(...HEALTH_CHECK_LIMITS.interval).default(10),
    timeout: int(...HEALTH_CHECK_LIMITS.timeout).default(5),
    retries: int(...HEALTH_CHECK_LIMITS.retries).default(3),
    startPeriod: int(...HEALTH_CHECK_LIMITS.startPeriod).default(10),
});

const route = z.strictObject({
    /** Path patterns, e.g. ["/api/*"]; ["/*"] when neither paths nor hosts are given. */
    paths: z.array(z.string()).optional(),
    hosts: z.array(z.string()).optional(),
    /** The listener rule's priority: fixed per service, so adding or removing one shifts no other. */
    priority: int(...RULE_PRIORITY_RANGE),
    healthCheck: targetHealthCheck.default(targetHealthCheck.parse({})),
    deregistrationDelay: int(0, 3600).default(30),
});

const queue = z.strictObject({
    visibilityTimeoutSeconds: int(...QUEUE_LIMITS.visibilityTimeoutSeconds).default(60),
    maxReceiveCount: int(...QUEUE_LIMITS.maxReceiveCount).default(5),
    retentionSeconds: int(...QUEUE_LIMITS.retentionSeconds).default(345_600),
});

/** A percentage AWS takes in steps of 0.1 (canaryPercent, linear stepPercent). */
const tenths = (lo: number, hi: number) => z.number().min(lo).max(hi).refine((v) => Math.abs(v * 10 - Math.round(v * 10)) < 1e-9, { message: "must be in steps of 0.1" });

/**
 * How a new task definition goes live (components/release.ts): ROLLING, or for a public service
 * BLUE_GREEN, CANARY or LINEAR traffic shifting. Ranges are AWS's; which field belongs to which
 * strategy, and public-only, are checked with the service (releaseProblems).
 */
const release = z.strictObject({
    strategy: enumOf(ReleaseStrategy).default(ReleaseStrategy.Rolling),
    bakeTimeMinutes: int(...RELEASE_LIMITS.bakeTimeMinutes).optional(),
    canaryPercent: tenths(...RELEASE_LIMITS.canaryPercent).optional(),
    canaryBakeTimeMinutes: int(...RELEASE_LIMITS.canaryBakeTimeMinutes).optional(),
    linearStepPercent: tenths(...RELEASE_LIMITS.linearStepPercent).optional(),
    linearStepBakeTimeMinutes: int(...RELEASE_LIMITS.linearStepBakeTimeMinutes).optional(),
    testListenerPort: int(...RELEASE_LIMITS.testListenerPort).optional(),
});

const autoscaling = z.strictObject({
    minCount: int(0, 1000),
    maxCount: int(1, 1000),
    cpuTarget: z.number().min(1).max(100).default(60),
    memoryTarget: z.number().min(1).max(100).optional(),
    requestsPerTarget: int(1, 1_000_000).optional(),
    backlogPerTask: int(1, 1_000_000).optional(),
    scaleInCooldown: int(0, 3600).default(300),
    scaleOutCooldown: int(0, 3600).default(60),
});

export const serviceSchema = z.strictObject({
    name: z.string().regex(SERVICE_NAME_PATTERN, "must be 1–21 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen"),
    /** public (route on the load balancer), internal (Service Connect, called by others) or none (a worker). */
    expose: enumOf(Exposure).optional(),
    /** The container command; the image's CMD when omitted. */
    command: z.array(z.string().min(1)).min(1).optional(),
    port: int(1, 65535).optional(),
    cpu: z.number().int().default(256),
    memory: z.number().int().default(512),
    desiredCount: int(0, 1000).default(1),
    capacity: enumOf(CapacityMode).default(CapacityMode.Fargate),
    /** Defaults to private when the network has NAT gateways, public otherwise. */
    subnets: enumOf(TaskSubnets).optional(),
    environment: z.record(envName, z.string()).default({}),
    /** Variable name → full ARN of a Secrets Manager secret (optionally `:json-key::`) or SSM parameter. */
    secrets: z.record(envName, z.string()).default({}),
    /** Customer-managed KMS keys of those secrets: the execution role may kms:Decrypt with exactly these. */
    secretsKmsKeyArns: kmsKeyArns,
    logRetentionDays: logRetention.default(30),
    exec: z.boolean().default(false),
    readonlyRootFilesystem: z.boolean().optional(),
    stopTimeout: int(2, 120).default(30),
    healthCheckGracePeriod: int(0, 7200).default(30),
    containerHealthCheck: containerHealthCheck.default(containerHealthCheck.parse({})),
    route: route.optional(),
    /** Internal services this one calls (it gets <NAME>_URL for each). */
    calls: z.array(z.string()).default([]),
    /** A work queue (with its own DLQ) created for this service to consume; it gets QUEUE_URL. */
    queue: queue.optional(),
    autoscaling: autoscaling.optional(),
    /** The service's alarms over `alerts.thresholds` (README, "Alerts"). */
    alarms: serviceAlarmsSchema.optional(),
    /** How a new task definition goes live; rolling when omitted. */
    release: release.optional(),
}).transform((s) => ({
    ...s,
    // The app's probe for the kind of process: HTTP for services with a port, the heartbeat for workers.
    containerHealthCheck: { ...s.containerHealthCheck, command: s.containerHealthCheck.command ?? (s.port !== undefined ? HTTP_HEALTH_PROBE : WORKER_HEALTH_PROBE) },
}));

export const servicesSchema = z.array(serviceSchema);
export type ServiceConfig = z.output<typeof serviceSchema>;
// The typed config is the Environment's args: a config that parses is a valid EnvironmentServiceArgs.
const _isEnvironmentService: EnvironmentServiceArgs = {} as ServiceConfig;
void _isEnvironmentService;

/** The rules over a service's fields and across services that the schema cannot say alone. */
export function servicesProblems(project: string, listed: readonly (ServiceConfig | undefined)[], network: { natGateways: NatGateways; azCount?: number }, loadBalancer?: { testListenerCidrs?: string[] }): string[] {
    const p: string[] = [];
    // A service that did not parse is undefined here (its schema problems are reported already):
    // the rules still run on every other one.
    const services = listed.filter((s): s is ServiceConfig => s !== undefined);
    for (const s of services) {
        const k = (field: string) => `${project}:services.${s.name}.${field}`;
        p.push(...containerProblems(k, "environment", s));
        const a = s.autoscaling;
        if (a) {
            if (a.minCount > a.maxCount) p.push(`${k("autoscaling")}: minCount ${a.minCount} is greater than maxCount ${a.maxCount}`);
            if (s.desiredCount < a.minCount || s.desiredCount > a.maxCount) {
                p.push(`${k("desiredCount")}: got ${s.desiredCount}; must lie between autoscaling.minCount ${a.minCount} and autoscaling.maxCount ${a.maxCount}`);
            }
            if (a.requestsPerTarget !== undefined && exposureOf(s) !== Exposure.Public) p.push(`${k("autoscaling.requestsPerTarget")}: got ${a.requestsPerTarget}; only a public service has load-balancer requests to track`);
            if (a.backlogPerTask !== undefined && !s.queue) p.push(`${k("autoscaling.backlogPerTask")}: got ${a.backlogPerTask}; needs the service's queue (services.${s.name}.queue)`);
            if (a.backlogPerTask !== undefined && a.minCount < 1) p.push(`${k("autoscaling.minCount")}: got ${a.minCount}; backlog per task divides by the running tasks, so at least 1`);
        }
        if (s.route && s.route.healthCheck.timeout >= s.route.healthCheck.interval) {
            p.push(`${k("route.healthCheck.timeout")}: got ${s.route.healthCheck.timeout}; must be less than route.healthCheck.interval (${s.route.healthCheck.interval})`);
        }
        if (s.containerHealthCheck.timeout >= s.containerHealthCheck.interval) {
            p.push(`${k("containerHealthCheck.timeout")}: got ${s.containerHealthCheck.timeout}; must be less than containerHealthCheck.interval (${s.containerHealthCheck.interval})`);
        }
        if (s.exec && s.readonlyRootFilesystem === true) {
            p.push(`${k("readonlyRootFilesystem")}: got true with exec true; ECS Exec needs a writable root filesystem (its agent writes there). Turn one off.`);
        }
        if (s.subnets === TaskSubnets.Private && network.natGateways === NatGateways.None) {
            p.push(`${k("subnets")}: got "private" with network.natGateways "none"; tasks in private subnets need a NAT gateway ("single" or "perAz") to pull images, or use "public"`);
        }
        // Priority range, at most 5 condition values, allowed characters (ELB listener-rule rules).
        if (s.route) p.push(...listenerRuleProblems(s.route).map((problem) => `${k("route")}.${problem}`));
    }
    // The rules the services keep together need all of them: one that did not parse (reported
    // already) would make a caller look missing or an internal service look uncalled.
    if (services.length === listed.length) p.push(...environmentProblems({ services, network, loadBalancer }, `${project}:`));
    return p;
}
