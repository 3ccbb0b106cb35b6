/**
 * The stack configuration: one schema for `Pulumi.<stack>.yaml`, validated whole before the first
 * resource is registered. Every problem is reported at once, each naming its key, the value given
 * and what is allowed; unknown keys are refused with a did-you-mean.
 */
import * as pulumi from "@pulumi/pulumi";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { alertsSchema } from "./alerts";
import { jobsProblems, jobsSchema } from "./jobs";
import {
    alertsNamePrefix, ContainerInsights, contextEntries, environmentAlertsProblems, EnvironmentArgs, FLOW_LOG_DEFAULTS, FLOW_LOG_S3_MAX_DAYS,
    FlowLogDestination, flowLogsProblems, FlowLogTrafficType, ImagePlatform, NatGateways, planSubnets, TlsPolicy,
} from "fargatekit";
import { servicesProblems, servicesSchema } from "./services";

import { enumOf, int } from "./fields";
import { ConfigError, didYouMean, parseKey } from "./problems";

export { ConfigError, didYouMean } from "./problems";
export { TaskSubnets } from "fargatekit";

/** VPC flow logs (Security Hub EC2.6); retention is checked against the destination in crossFieldProblems. */
const flowLogs = z.strictObject({
    enabled: z.boolean().default(FLOW_LOG_DEFAULTS.enabled),
    destination: enumOf(FlowLogDestination).default(FLOW_LOG_DEFAULTS.destination),
    trafficType: enumOf(FlowLogTrafficType).default(FLOW_LOG_DEFAULTS.trafficType),
    retentionDays: int(1, FLOW_LOG_S3_MAX_DAYS).default(FLOW_LOG_DEFAULTS.retentionDays),
});

const network = z.strictObject({
    /** The VPC's IPv4 range. */
    cidrBlock: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/(1[6-9]|2[0-4])$/, "an IPv4 CIDR block from /16 to /24, such as 10.0.0.0/16").default("10.0.0.0/16"),
    /** Availability zones to span; a load balancer needs at least 2 (checked with the services). */
    azCount: int(1, 6).default(2),
    natGateways: enumOf(NatGateways).default(NatGateways.None),
    flowLogs: flowLogs.default(flowLogs.parse({})),
    /** An S3 gateway endpoint on the private route tables; defaults to on when there are NAT gateways. */
    s3GatewayEndpoint: z.boolean().optional(),
    /** ECR and CloudWatch Logs interface endpoints (about $7.30 each per AZ per month). */
    interfaceEndpoints: z.boolean().default(false),
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
    /**
     * A prebuilt image to run instead of building: `<registry>/<repo>@sha256:<64 hex>` (the deploy
     * workflow promotes dev's `imageRef` to prod this way). Nothing is built when it is set.
     */
    ref: z.string().regex(/^[a-z0-9.-]+(:\d+)?\/[a-z0-9._\/-]+(:[\w.-]{1,128})?@sha256:[0-9a-f]{64}$/, "an image reference pinned by digest, <registry>/<repository>@sha256:<64 hex digits>").optional(),
});

const cluster = z.strictObject({
    containerInsights: enumOf(ContainerInsights).default(ContainerInsights.Enabled),
});

const loadBalancer = z.strictObject({
    deletionProtection: z.boolean().default(false),
    accessLogs: z.boolean().default(false),
    accessLogsExpireDays: int(1, 3650).default(90),
    idleTimeout: int(1, 4000).default(60),
    /** IPv4 CIDRs that may reach the test listeners of blue/green, canary and linear services. */
    testListenerCidrs: z.array(z.string()).optional(),
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
    /** The services: public (a route on the shared load balancer), internal (Service Connect) or workers. */
    services: servicesSchema.min(1),
    loadBalancer: loadBalancer.default(loadBalancer.parse({})),
    https: https.optional(),
    /** Keep stateful resources (image repository, log groups, access logs) in AWS on destroy. */
    retainOnDelete: z.boolean().default(false),
    /** Tags for every resource. */
    tags: z.record(z.string(), z.string()).default({}),
    /** Scheduled jobs that run the app's image on Fargate (see config/jobs.ts). */
    jobs: jobsSchema.default([]),
    /** Who alarms and failed jobs notify, and every alarm's settings (see config/alerts.ts). */
    alerts: alertsSchema.default(alertsSchema.parse({})),
};

type Schema = typeof configSchema;
export type StackConfig = { [K in keyof Schema]: z.output<Schema[K]> } & { project: string; stack: string };
// The typed config is the Environment's args, so the program hands it over as it is.
const _isEnvironmentArgs: EnvironmentArgs = {} as StackConfig;
void _isEnvironmentArgs;

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
export type ParsedConfig = Omit<StackConfig, "jobs" | "services"> & { jobs: Items<StackConfig["jobs"]>; services: Items<StackConfig["services"]> };
type TopKey = keyof Schema;
/** A top-level key, or one field of a top-level key that is a map of fields (`network.natGateways`). */
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
    if (raw.service !== undefined && !("services" in raw)) {
        problems.push(`${project}:service: replaced by ${project}:services, a list of services (see README, "Services"); move its keys into an entry with name: web, expose: public, port and route`);
    }
    if (problems.length > 0) throw new ConfigError(stack, problems);
    return parsed as StackConfig;
}

/** The project directory (where Pulumi.yaml is): `image.context` is relative to it. */
export const PROJECT_DIR = path.resolve(__dirname, "..");

/** The rules that involve more than one field. */
const rules: Rule[] = [
    {
        // Each service's own cross-field rules, and the rules the services keep together (unique
        // names and priorities, calls to internal services, ≥ 2 AZs under a load balancer, …).
        // azCount and the load balancer's settings are read when they parsed (else those checks wait).
        reads: ["services", "network.natGateways"],
        problems: (c) => servicesProblems(c.project, c.services, c.network, c.loadBalancer),
    },
    {
        reads: ["network.flowLogs"],
        problems: (c) => flowLogsProblems(c.network.flowLogs, (field) => `${c.project}:network.flowLogs.${field}`),
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
        // declared: check it here so a wrong path fails before any resource. A prebuilt image
        // (image.ref) builds nothing, so its context is not read.
        reads: ["image.context", "image.dockerfile", "image.ref"],
        problems: ({ project, image }) => {
            if (image.ref !== undefined) return [];
            const context = path.resolve(PROJECT_DIR, image.context);
            if (!existsSync(context)) return [`${project}:image.context: got "${image.context}"; no such directory under ${PROJECT_DIR}`];
            if (!existsSync(path.join(context, image.dockerfile))) return [`${project}:image.dockerfile: got "${image.dockerfile}"; not found in ${context}`];
            try {
                // The image tag reads the context's ignore file: a pattern Docker would refuse fails here, not mid-deploy.
                contextEntries(context, image.dockerfile);
            } catch (e) {
                return [`${project}:image.context: got "${image.context}"; ${(e as Error).message}`];
            }
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
    { reads: ["jobs", "network.natGateways"], problems: (c) => jobsProblems(c.project, c.jobs, c.network.natGateways) },
    {
        reads: ["alerts", "services", "jobs"],
        problems: (c) => environmentAlertsProblems(
            { alerts: c.alerts, services: c.services.filter((s) => s !== undefined), jobs: c.jobs.filter((j) => j !== undefined) },
            alertsNamePrefix(c.alerts, c.project, c.stack), `${c.project}:`,
        ),
    },
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
