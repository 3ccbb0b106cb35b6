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
    alertsNamePrefix, ContainerInsights, environmentAlertsProblems, EnvironmentArgs, FLOW_LOG_DEFAULTS, FLOW_LOG_S3_MAX_DAYS, FlowLogDestination, flowLogsProblems, FlowLogTrafficType,
    contextEntries, ImagePlatform, NatGateways, planSubnets, TlsPolicy,
} from "fargatekit";
import { servicesProblems, servicesSchema } from "./services";

import { enumOf, int } from "./fields";

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
    cidrBlock: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/(1[6-9]|2[0-4])$/, "must be an IPv4 CIDR block from /16 to /24").default("10.0.0.0/16"),
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
    ref: z.string().regex(/^[a-z0-9.-]+(:\d+)?\/[a-z0-9._\/-]+(:[\w.-]{1,128})?@sha256:[0-9a-f]{64}$/, "must be an image reference pinned by digest, <registry>/<repository>@sha256:<64 hex digits>").optional(),
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
    certificateArn: z.string().regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/, "must be arn:aws:acm:<region>:<account>:certificate/<uuid>").optional(),
    domain: z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be a lowercase DNS name such as app.example.com").optional(),
    hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,31}$/, "must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ").optional(),
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

/** An invalid configuration; `problems` holds one line per problem. */
export class ConfigError extends Error {
    constructor(public readonly stack: string, public readonly problems: string[]) {
        super(`Invalid configuration for stack "${stack}" (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n  - ${problems.join("\n  - ")}`);
        this.name = "ConfigError";
    }
}

function levenshtein(a: string, b: string): number {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
        }
    }
    return d[a.length][b.length];
}

/** The closest known key, when it is close enough to be a typo. */
export function didYouMean(given: string, known: readonly string[]): string | undefined {
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const k of known) {
        const dist = levenshtein(given, k);
        if (dist < bestDistance) [best, bestDistance] = [k, dist];
    }
    return best !== undefined && bestDistance <= Math.max(2, Math.floor(given.length / 3)) ? best : undefined;
}

/** The object schema's keys at a path inside a top-level key's schema (for did-you-mean). */
function knownKeysAt(schema: z.ZodType, path: PropertyKey[]): string[] {
    let s: any = schema;
    const unwrap = () => {
        for (;;) {
            if (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodNullable) s = s.unwrap();
            else if (s instanceof z.ZodPipe) s = s.in; // .transform()
            else break;
        }
    };
    unwrap();
    for (const seg of path) {
        if (s instanceof z.ZodObject) s = (s.shape as Record<string, z.ZodType>)[String(seg)];
        else if (s instanceof z.ZodArray) s = s.element;
        else if (s instanceof z.ZodRecord) s = s.valueType;
        else return [];
        unwrap();
    }
    return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

function valueAt(value: unknown, path: PropertyKey[]): unknown {
    return path.reduce<unknown>((v, seg) => (v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[seg] : undefined), value);
}

/** A path with list indexes replaced by the item's `name` where it has one (`services.web.cpu`). */
function namedPath(value: unknown, path: PropertyKey[]): string[] {
    return path.map((seg, i) => {
        const item = typeof seg === "number" ? valueAt(value, path.slice(0, i + 1)) : undefined;
        const name = item && typeof item === "object" ? (item as Record<string, unknown>).name : undefined;
        return typeof name === "string" && /^[a-z][a-z0-9-]*$/.test(name) ? name : String(seg);
    });
}

const show = (v: unknown) => (v === undefined ? "nothing" : JSON.stringify(v));

/** Parses a raw Pulumi config value: structured values arrive as JSON, plain ones as strings. */
function parseRaw(raw: string): unknown {
    try {
        return JSON.parse(raw);
    } catch {
        return raw;
    }
}

/**
 * Validates raw config (the project's keys without the `<project>:` prefix) into a StackConfig,
 * or throws a ConfigError listing every problem.
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
    const out: Record<string, unknown> = { project, stack };
    for (const [key, keySchema] of Object.entries(schema)) {
        const result = keySchema.safeParse(raw[key]);
        if (result.success) {
            out[key] = result.data;
            continue;
        }
        for (const issue of result.error.issues) {
            const where = [`${project}:${key}`, ...namedPath(raw[key], issue.path)].join(".");
            if (issue.code === "unrecognized_keys") {
                const keys = knownKeysAt(keySchema, issue.path);
                for (const k of issue.keys) {
                    const hint = didYouMean(k, keys);
                    problems.push(`${where}.${k}: unknown key${hint ? `; did you mean "${hint}"?` : ""} Allowed: ${keys.join(", ")}`);
                }
            } else {
                problems.push(`${where}: ${issue.message}; got ${show(valueAt(raw[key], issue.path))}`);
            }
        }
    }
    if (problems.length === 0) problems.push(...crossFieldProblems(out as StackConfig));
    if (raw.service !== undefined && !("services" in raw)) problems.push(`${project}:service: replaced by ${project}:services, a list of services (see README, "Services"); move its keys into an entry with name: web, expose: public, port and route`);
    if (problems.length > 0) throw new ConfigError(stack, problems);
    return out as StackConfig;
}

/** The project directory (where Pulumi.yaml is): `image.context` is relative to it. */
export const PROJECT_DIR = path.resolve(__dirname, "..");

/** Rules that involve more than one key. */
export function crossFieldProblems(c: StackConfig): string[] {
    const p: string[] = [];
    const k = (key: string) => `${c.project}:${key}`;
    p.push(...servicesProblems(c.project, c.services, c.network, c.loadBalancer));
    p.push(...flowLogsProblems(c.network.flowLogs, (field) => k(`network.flowLogs.${field}`)));
    try {
        planSubnets(c.network.cidrBlock, c.network.azCount);
    } catch (e) {
        p.push(`${k("network.cidrBlock")}: got "${c.network.cidrBlock}"; ${(e as Error).message}`);
    }
    // The build context is read when the program runs, after the network and registry are declared:
    // check it here so a wrong path fails before any resource.
    const context = path.resolve(PROJECT_DIR, c.image.context);
    if (c.image.ref !== undefined) { /* a prebuilt image: nothing is built, the context is not read */ }
    else if (!existsSync(context)) p.push(`${k("image.context")}: got "${c.image.context}"; no such directory under ${PROJECT_DIR}`);
    else if (!existsSync(path.join(context, c.image.dockerfile))) p.push(`${k("image.dockerfile")}: got "${c.image.dockerfile}"; not found in ${context}`);
    else {
        // The image tag reads the context's ignore file: a pattern Docker would refuse fails here, not mid-deploy.
        try {
            contextEntries(context, c.image.dockerfile);
        } catch (e) {
            p.push(`${k("image.context")}: got "${c.image.context}"; ${(e as Error).message}`);
        }
    }
    if (c.https) {
        if (!c.https.certificateArn && !c.https.domain) p.push(`${k("https")}: needs certificateArn or domain (with hostedZoneId)`);
        if (c.https.certificateArn && c.https.domain) p.push(`${k("https")}: give certificateArn or domain, not both`);
        if (c.https.domain && !c.https.hostedZoneId) p.push(`${k("https.hostedZoneId")}: required with https.domain "${c.https.domain}"`);
    }
    p.push(...jobsProblems(c.project, c.jobs, c.network.natGateways));
    p.push(...environmentAlertsProblems(c, alertsNamePrefix(c.alerts, c.project, c.stack), `${c.project}:`));
    return p;
}

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
