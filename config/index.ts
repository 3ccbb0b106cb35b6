/**
 * The stack configuration: one schema for `Pulumi.<stack>.yaml`, validated whole before the first
 * resource is registered. Every problem is reported at once, each naming its key, the value given
 * and what is allowed; unknown keys are refused with a did-you-mean.
 */
import * as pulumi from "@pulumi/pulumi";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { jobsProblems, jobsSchema } from "./jobs";
import {
    CapacityMode, ContainerInsights, HEALTH_CHECK_LIMITS, ImagePlatform, NatGateways,
    planSubnets, TARGET_HEALTH_CHECK_LIMITS, TlsPolicy,
} from "fargatekit";

import { containerProblems, enumOf, envName, int, logRetention } from "./fields";
import { ConfigError, didYouMean, parseKey } from "./problems";

export { ConfigError, didYouMean } from "./problems";

/** Where the service's tasks run: public subnets with public IPs (no NAT needed) or private ones behind NAT. */
export enum TaskSubnets {
    Public = "public",
    Private = "private",
}

const network = z.strictObject({
    /** The VPC's IPv4 range. */
    cidrBlock: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/(1[6-9]|2[0-4])$/, "an IPv4 CIDR block from /16 to /24, such as 10.0.0.0/16").default("10.0.0.0/16"),
    /** Availability zones to span; a load balancer needs at least 2. */
    azCount: int(2, 6).default(2),
    natGateways: enumOf(NatGateways).default(NatGateways.None),
});

const registry = z.strictObject({
    forceDelete: z.boolean().default(false),
    keepTaggedImages: int(1, 1000).default(30),
});

const image = z.strictObject({
    /** Build context, relative to the project directory. */
    context: z.string().min(1).default("app"),
    dockerfile: z.string().min(1).default("Dockerfile"),
    platform: enumOf(ImagePlatform).default(ImagePlatform.LinuxAmd64),
});

const cluster = z.strictObject({
    containerInsights: enumOf(ContainerInsights).default(ContainerInsights.Enabled),
});

const healthCheck = z.strictObject({
    path: z.string().regex(/^\/[\x21-\x7e]{0,1023}$/, 'a path starting with "/"').default("/health"),
    interval: int(...TARGET_HEALTH_CHECK_LIMITS.interval).default(10),
    timeout: int(...TARGET_HEALTH_CHECK_LIMITS.timeout).default(5),
    healthyThreshold: int(...TARGET_HEALTH_CHECK_LIMITS.healthyThreshold).default(2),
    unhealthyThreshold: int(...TARGET_HEALTH_CHECK_LIMITS.unhealthyThreshold).default(3),
    matcher: z.string().regex(/^([2-4]\d\d)([-,]([2-4]\d\d))*$/, 'HTTP codes from 200 to 499, such as "200", "200,204" or "200-299"').default("200"),
});

const containerHealthCheck = z.strictObject({
    interval: int(...HEALTH_CHECK_LIMITS.interval).default(10),
    timeout: int(...HEALTH_CHECK_LIMITS.timeout).default(5),
    retries: int(...HEALTH_CHECK_LIMITS.retries).default(3),
    startPeriod: int(...HEALTH_CHECK_LIMITS.startPeriod).default(10),
});

const autoscaling = z.strictObject({
    minCount: int(0, 1000),
    maxCount: int(1, 1000),
    cpuTarget: z.number().min(1).max(100).default(60),
    memoryTarget: z.number().min(1).max(100).optional(),
    requestsPerTarget: int(1, 1_000_000).optional(),
    scaleInCooldown: int(0, 3600).default(300),
    scaleOutCooldown: int(0, 3600).default(60),
});

const service = z.strictObject({
    cpu: z.number().int().default(256),
    memory: z.number().int().default(512),
    port: int(1, 65535).default(8080),
    desiredCount: int(0, 1000).default(1),
    capacity: enumOf(CapacityMode).default(CapacityMode.Fargate),
    /** Defaults to private when the network has NAT gateways, public otherwise. */
    subnets: enumOf(TaskSubnets).optional(),
    environment: z.record(envName, z.string()).default({}),
    /** Variable name → full ARN of a Secrets Manager secret (optionally `:json-key::`) or SSM parameter. */
    secrets: z.record(envName, z.string()).default({}),
    logRetentionDays: logRetention.default(30),
    exec: z.boolean().default(false),
    readonlyRootFilesystem: z.boolean().optional(),
    stopTimeout: int(2, 120).default(30),
    deregistrationDelay: int(0, 3600).default(30),
    healthCheckGracePeriod: int(0, 7200).default(30),
    healthCheck: healthCheck.default(healthCheck.parse({})),
    containerHealthCheck: containerHealthCheck.default(containerHealthCheck.parse({})),
    autoscaling: autoscaling.optional(),
});

const loadBalancer = z.strictObject({
    deletionProtection: z.boolean().default(false),
    accessLogs: z.boolean().default(false),
    accessLogsExpireDays: int(1, 3650).default(90),
    idleTimeout: int(1, 4000).default(60),
});

const https = z.strictObject({
    certificateArn: z.string().regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/, "an ACM certificate ARN: arn:aws:acm:<region>:<account>:certificate/<uuid>").optional(),
    domain: z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "a lowercase DNS name such as app.example.com").optional(),
    hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,31}$/, "a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ").optional(),
    tlsPolicy: enumOf(TlsPolicy).default(TlsPolicy.Tls13And12),
});

/** Every key the project namespace accepts, each with its schema. */
export const configSchema = {
    network: network.default(network.parse({})),
    registry: registry.default(registry.parse({})),
    image: image.default(image.parse({})),
    cluster: cluster.default(cluster.parse({})),
    service: service.default(service.parse({})),
    loadBalancer: loadBalancer.default(loadBalancer.parse({})),
    https: https.optional(),
    /** Keep stateful resources (image repository, log groups, access logs) in AWS on destroy. */
    retainOnDelete: z.boolean().default(false),
    /** Tags for every resource. */
    tags: z.record(z.string(), z.string()).default({}),
    /** Scheduled jobs that run the app's image on Fargate (see config/jobs.ts). */
    jobs: jobsSchema.default([]),
};

type Schema = typeof configSchema;
export type StackConfig = { [K in keyof Schema]: z.output<Schema[K]> } & { project: string; stack: string };

/** Parses a raw Pulumi config value: structured values arrive as JSON, plain ones as strings. */
function parseRaw(raw: string): unknown {
    try {
        return JSON.parse(raw);
    } catch {
        return raw;
    }
}

/** What the rules see of a list key that did not parse whole: the items that did, undefined for the others. */
type Items<T> = T extends readonly (infer I)[] ? readonly (I | undefined)[] : never;
/** The config as far as it parsed. A rule reads only the keys and fields it declares. */
export type ParsedConfig = Omit<StackConfig, "jobs"> & { jobs: Items<StackConfig["jobs"]> };
type TopKey = keyof Schema;
/** A top-level key, or one field of a top-level key that is a map of fields (`service.cpu`). */
type Read = TopKey | `${TopKey}.${string}`;

/**
 * A rule over more than one field, with what it reads: it runs when all of that parsed, whatever
 * else failed. A key that is a map of fields counts as read when the fields named parsed; a list
 * key gives the rule the items that parsed.
 */
interface Rule {
    reads: readonly Read[];
    problems(c: ParsedConfig): string[];
}

/**
 * Validates raw config (the project's keys without the `<project>:` prefix) into a StackConfig,
 * or throws a ConfigError listing every problem. Every top-level key is parsed on its own, and every
 * rule runs whose keys and fields parsed: one run reports all.
 */
export function parseConfig(raw: Record<string, unknown>, project: string, stack: string): StackConfig {
    const schema: Record<string, z.ZodType> = configSchema;
    const problems: string[] = [];
    const known = Object.keys(schema);
    for (const key of Object.keys(raw)) {
        if (!(key in schema)) {
            const hint = didYouMean(key, known);
            problems.push(`${project}:${key}: unknown key${hint ? `; did you mean "${project}:${hint}"?` : ""} Known keys: ${known.join(", ")}`);
        }
    }
    const parsed: Record<string, unknown> = { project, stack };
    /** The fields that parsed, of a key that is a map of fields and did not parse whole. */
    const partial = new Map<string, Set<string>>();
    for (const [key, keySchema] of Object.entries(schema)) {
        const result = parseKey(keySchema, raw[key], `${project}:${key}`);
        problems.push(...result.problems);
        if (result.parsed) parsed[key] = result.value;
        else if (result.items) parsed[key] = result.items;
        else if (result.fields) {
            parsed[key] = result.fields;
            partial.set(key, new Set(Object.keys(result.fields)));
        }
    }
    const readable = (read: string) => {
        const [key, field] = read.split(".", 2);
        const fields = partial.get(key);
        return key in parsed && (!fields || (field !== undefined && fields.has(field)));
    };
    for (const r of rules) {
        if (r.reads.every(readable)) problems.push(...r.problems(parsed as ParsedConfig));
    }
    if (problems.length > 0) throw new ConfigError(stack, problems);
    return parsed as StackConfig;
}

/** The project directory (where Pulumi.yaml is): `image.context` is relative to it. */
export const PROJECT_DIR = path.resolve(__dirname, "..");

/** The rules that involve more than one field. */
const rules: Rule[] = [
    {
        reads: ["service.cpu", "service.memory", "service.secrets", "service.environment"],
        problems: (c) => containerProblems((field) => `${c.project}:service.${field}`, "service.environment", c.service),
    },
    {
        reads: ["service.autoscaling", "service.desiredCount"],
        problems: ({ project, service: { autoscaling: a, desiredCount } }) => {
            const p: string[] = [];
            if (a && a.minCount > a.maxCount) p.push(`${project}:service.autoscaling: minCount ${a.minCount} is greater than maxCount ${a.maxCount}`);
            if (a && (desiredCount < a.minCount || desiredCount > a.maxCount)) {
                p.push(`${project}:service.desiredCount: got ${desiredCount}; allowed: between autoscaling.minCount ${a.minCount} and autoscaling.maxCount ${a.maxCount}`);
            }
            return p;
        },
    },
    {
        reads: ["service.healthCheck"],
        problems: ({ project, service: { healthCheck: h } }) => h.timeout >= h.interval
            ? [`${project}:service.healthCheck.timeout: got ${h.timeout}; allowed: less than healthCheck.interval (${h.interval})`]
            : [],
    },
    {
        reads: ["service.containerHealthCheck"],
        problems: ({ project, service: { containerHealthCheck: h } }) => h.timeout >= h.interval
            ? [`${project}:service.containerHealthCheck.timeout: got ${h.timeout}; allowed: less than containerHealthCheck.interval (${h.interval})`]
            : [],
    },
    {
        reads: ["service.exec", "service.readonlyRootFilesystem"],
        problems: ({ project, service: s }) => s.exec && s.readonlyRootFilesystem === true
            ? [`${project}:service.readonlyRootFilesystem: got true with service.exec true; ECS Exec needs a writable root filesystem (its agent writes there). Turn one off.`]
            : [],
    },
    {
        reads: ["service.subnets", "network.natGateways"],
        problems: (c) => c.service.subnets === TaskSubnets.Private && c.network.natGateways === NatGateways.None
            ? [`${c.project}:service.subnets: got "private" with network.natGateways "none"; tasks in private subnets need a NAT gateway ("single" or "perAz") to pull images, or use "public"`]
            : [],
    },
    {
        reads: ["network.cidrBlock", "network.azCount"],
        problems: (c) => {
            try {
                planSubnets(c.network.cidrBlock, c.network.azCount);
                return [];
            } catch (e) {
                return [`${c.project}:network.cidrBlock: got "${c.network.cidrBlock}"; ${(e as Error).message}`];
            }
        },
    },
    {
        // The build context is read when the program runs, after the network and registry are
        // declared: check it here so a wrong path fails before any resource.
        reads: ["image.context", "image.dockerfile"],
        problems: ({ project, image }) => {
            const context = path.resolve(PROJECT_DIR, image.context);
            if (!existsSync(context)) return [`${project}:image.context: got "${image.context}"; no such directory under ${PROJECT_DIR}`];
            if (!existsSync(path.join(context, image.dockerfile))) return [`${project}:image.dockerfile: got "${image.dockerfile}"; not found in ${context}`];
            return [];
        },
    },
    {
        reads: ["https.certificateArn", "https.domain", "https.hostedZoneId"],
        problems: ({ project, https }) => {
            const p: string[] = [];
            if (!https) return p;
            if (!https.certificateArn && !https.domain) p.push(`${project}:https: needs certificateArn or domain (with hostedZoneId)`);
            if (https.certificateArn && https.domain) p.push(`${project}:https: give certificateArn or domain, not both`);
            if (https.domain && !https.hostedZoneId) p.push(`${project}:https.hostedZoneId: required with https.domain "${https.domain}"`);
            return p;
        },
    },
    { reads: ["jobs"], problems: (c) => jobsProblems(c.project, c.jobs) },
];

/** Reads and validates the current stack's configuration from the Pulumi engine. */
export function loadConfig(): StackConfig {
    const project = pulumi.getProject();
    const stack = pulumi.getStack();
    const raw: Record<string, unknown> = {};
    for (const [fullKey, value] of Object.entries(pulumi.runtime.allConfig())) {
        const sep = fullKey.indexOf(":");
        if (fullKey.slice(0, sep) === project) raw[fullKey.slice(sep + 1)] = parseRaw(value);
    }
    return parseConfig(raw, project, stack);
}
