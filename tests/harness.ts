/**
 * The one mock harness: runs the real program (index.ts) under the Pulumi SDK's mock engine with a
 * given stack config, and records every resource with its inputs, resource options and the
 * invokes it made. Nothing here needs AWS, Docker or the Pulumi CLI.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { nodeFor, UrnNode, urnOf } from "./urn-model";

export const ACCOUNT = "123456789012";
export const REGION = "us-east-1";
export const PROJECT = "webapp";
export const AZS = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"];

export interface RecordedResource {
    type: string;
    name: string;
    inputs: Record<string, any>;
    state: Record<string, any>;
    id: string;
    /** Top-level input names whose value is (or holds) a Pulumi secret. */
    secretInputs: string[];
    /** Logical names of the resources it depends on explicitly (`dependsOn`). */
    dependsOn: string[];
    /** The parent's logical name, if any. */
    parent?: string;
    parentType?: string;
    ignoreChanges: string[];
    retainOnDelete: boolean;
    protect: boolean;
    /** The URN the engine would give it (`urn:pulumi:<stack>::<project>::<parent types$type>::<name>`). */
    urn: string;
    /** Former URNs its own and its ancestors' `aliases` keep it under (no replacement when they match). */
    aliasUrns: string[];
}

export interface ProgramRun {
    resources: RecordedResource[];
    outputs: Record<string, unknown>;
    invokes: string[];
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
/** Inputs arrive with secrets wrapped; specs read plain values (secrecy itself is asserted separately). */
function unwrapSecrets(v: any): any {
    if (Array.isArray(v)) return v.map(unwrapSecrets);
    if (v && typeof v === "object") {
        if (v[SECRET_SIG] === "1b47061264138c4ac30d75fd1eb44270") return unwrapSecrets(v.value);
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapSecrets(x)]));
    }
    return v;
}
const hasSecret = (v: any): boolean => !!v && typeof v === "object" && (SECRET_SIG in v || Object.values(v).some(hasSecret));

const hex = (s: string, n: number) => createHash("sha256").update(s).digest("hex").slice(0, n);
/** What Pulumi's auto-naming would make of a logical name (7 random characters in reality). */
export const physicalName = (name: string) => `${name}-${hex(name, 7)}`;

function outputsFor(type: string, name: string, inputs: Record<string, any>): { id: string; state: Record<string, any> } {
    const phys = inputs.name ?? physicalName(name);
    const arn = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;
    const base = { ...inputs };
    switch (type) {
        case "aws:ec2/vpc:Vpc": return { id: `vpc-${hex(name, 17)}`, state: { ...base, arn: arn("ec2", `vpc/vpc-${hex(name, 17)}`) } };
        case "aws:ec2/subnet:Subnet": return { id: `subnet-${hex(name, 17)}`, state: base };
        case "aws:ec2/securityGroup:SecurityGroup": return { id: `sg-${hex(name, 17)}`, state: { ...base, name: phys, arn: arn("ec2", `security-group/sg-${hex(name, 17)}`) } };
        case "aws:ec2/internetGateway:InternetGateway": return { id: `igw-${hex(name, 17)}`, state: base };
        case "aws:ec2/natGateway:NatGateway": return { id: `nat-${hex(name, 17)}`, state: base };
        case "aws:ec2/eip:Eip": return { id: `eipalloc-${hex(name, 17)}`, state: { ...base, publicIp: "203.0.113.10" } };
        case "aws:ec2/routeTable:RouteTable": return { id: `rtb-${hex(name, 17)}`, state: base };
        case "aws:ecr/repository:Repository": return {
            id: phys,
            state: { ...base, name: phys, arn: arn("ecr", `repository/${phys}`), registryId: ACCOUNT, repositoryUrl: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${phys}` },
        };
        case "docker:index/image:Image": {
            const repo = String(inputs.imageName).replace(/:[^:/]+$/, "");
            return { id: `${repo}@sha256:${hex(inputs.imageName, 64)}`, state: { ...base, repoDigest: `${repo}@sha256:${hex(inputs.imageName, 64)}` } };
        }
        case "aws:ecs/cluster:Cluster": return { id: arn("ecs", `cluster/${phys}`), state: { ...base, name: phys, arn: arn("ecs", `cluster/${phys}`) } };
        case "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": return { id: String(inputs.clusterName), state: base };
        case "aws:ecs/taskDefinition:TaskDefinition": return {
            id: inputs.family,
            state: { ...base, arn: arn("ecs", `task-definition/${inputs.family}:1`), arnWithoutRevision: arn("ecs", `task-definition/${inputs.family}`), revision: 1 },
        };
        case "aws:ecs/service:Service": return { id: arn("ecs", `service/${phys}`), state: { ...base, name: phys } };
        case "aws:iam/role:Role": return { id: phys, state: { ...base, name: phys, arn: `arn:aws:iam::${ACCOUNT}:role/${phys}` } };
        case "aws:cloudwatch/logGroup:LogGroup": return { id: phys, state: { ...base, name: phys, arn: arn("logs", `log-group:${phys}`) } };
        case "aws:lb/loadBalancer:LoadBalancer": {
            const suffix = `app/${phys}/${hex(name, 16)}`;
            return { id: arn("elasticloadbalancing", `loadbalancer/${suffix}`), state: { ...base, name: phys, arn: arn("elasticloadbalancing", `loadbalancer/${suffix}`), arnSuffix: suffix, dnsName: `${phys}-1234567890.${REGION}.elb.amazonaws.com`, zoneId: "Z35SXDOTRQ7X7K" } };
        }
        case "aws:lb/targetGroup:TargetGroup": {
            const suffix = `targetgroup/${phys}/${hex(name, 16)}`;
            return { id: arn("elasticloadbalancing", suffix), state: { ...base, name: phys, arn: arn("elasticloadbalancing", suffix), arnSuffix: suffix } };
        }
        case "aws:lb/listener:Listener": return { id: arn("elasticloadbalancing", `listener/app/${hex(name, 8)}`), state: { ...base, arn: arn("elasticloadbalancing", `listener/app/${hex(name, 8)}`) } };
        case "aws:acm/certificate:Certificate": return {
            id: arn("acm", `certificate/${hex(name, 8)}-aaaa-bbbb-cccc-${hex(name, 12)}`),
            state: {
                ...base,
                arn: arn("acm", `certificate/${hex(name, 8)}-aaaa-bbbb-cccc-${hex(name, 12)}`),
                domainValidationOptions: [{ domainName: inputs.domainName, resourceRecordName: `_${hex(name, 32)}.${inputs.domainName}.`, resourceRecordType: "CNAME", resourceRecordValue: `_${hex(name + "v", 32)}.acm-validations.aws.` }],
            },
        };
        case "aws:acm/certificateValidation:CertificateValidation": return { id: String(inputs.certificateArn), state: base };
        case "aws:route53/record:Record": return { id: `${inputs.zoneId}_${inputs.name}_${inputs.type}`, state: { ...base, fqdn: String(inputs.name).replace(/\.$/, "") } };
        case "awsx:ec2:Vpc": return {
            id: `${name}-id`,
            state: { ...base, vpcId: `vpc-${hex(name, 17)}`, publicSubnetIds: [0, 1].map((i) => `subnet-pub${i}${hex(name, 10)}`), privateSubnetIds: [0, 1].map((i) => `subnet-prv${i}${hex(name, 10)}`) },
        };
        case "aws:s3/bucket:Bucket": return { id: phys, state: { ...base, bucket: phys, arn: `arn:aws:s3:::${phys}` } };
        case "aws:sqs/queue:Queue": {
            const url = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${phys}`;
            return { id: url, state: { ...base, name: phys, arn: arn("sqs", phys), url } };
        }
        case "aws:scheduler/schedule:Schedule": {
            const group = inputs.groupName ?? "default";
            return { id: `${group}/${phys}`, state: { ...base, name: phys, groupName: group, arn: arn("scheduler", `schedule/${group}/${phys}`) } };
        }
        default: return { id: `${name}-id`, state: { ...base, arn: base.arn ?? arn(type.split(":")[1]?.split("/")[0] ?? "x", `${name}`) } };
    }
}

/** The answer a test engine gives to an invoke the program makes (realistic values for this account and region). */
export function answerInvoke(token: string, args: Record<string, any>): Record<string, any> {
    switch (token) {
        case "aws:index/getAvailabilityZones:getAvailabilityZones": return { names: AZS, zoneIds: AZS.map((_, i) => `use1-az${i + 1}`), id: REGION };
        case "aws:index/getCallerIdentity:getCallerIdentity": return { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/ci`, userId: "AIDAEXAMPLE", id: ACCOUNT };
        case "aws:index/getRegion:getRegion": return { name: REGION, region: REGION, id: REGION, endpoint: `ec2.${REGION}.amazonaws.com`, description: "US East (N. Virginia)" };
        case "aws:index/getPartition:getPartition": return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws", reverseDnsPrefix: "com.amazonaws" };
        case "aws:ecr/getAuthorizationToken:getAuthorizationToken": return { userName: "AWS", password: "mock-token", authorizationToken: "QVdTOm1vY2stdG9rZW4=", proxyEndpoint: `https://${args.registryId ?? ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`, expiresAt: "2099-01-01T00:00:00Z", id: REGION };
        case "aws:elb/getServiceAccount:getServiceAccount": return { arn: "arn:aws:iam::127311923021:root", id: "127311923021" };
        default: throw new Error(`the mock harness does not answer invoke ${token}; add a realistic answer to tests/harness.ts`);
    }
}

/** Reads a committed stack file's config section into `{ "<project>:<key>": value }`. */
export function readStackConfig(stack: string): Record<string, unknown> {
    return readStackFile(path.join(__dirname, "..", `Pulumi.${stack}.yaml`));
}

/** Reads any stack file's config section (a `Pulumi.<stack>.yaml` by path). */
export function readStackFile(file: string): Record<string, unknown> {
    return parseStackYaml(readFileSync(file, "utf8"));
}

/** The program's config keys (without the project prefix) of a stack file. */
export function projectConfig(stack: string): Record<string, any> {
    const all = readStackConfig(stack);
    const out: Record<string, any> = {};
    for (const [k, v] of Object.entries(all)) if (k.startsWith(`${PROJECT}:`)) out[k.slice(PROJECT.length + 1)] = v;
    return out;
}

function parseStackYaml(text: string): Record<string, unknown> {
    const doc = parseYaml(text) as { config?: Record<string, unknown> };
    return doc?.config ?? {};
}

let running: Promise<unknown> = Promise.resolve();

/**
 * Runs index.ts for `stack` with `config` (project keys without prefix; other namespaces with theirs)
 * and returns every resource registered and the resolved stack outputs. Runs are serialised: the
 * SDK's mock engine is process-wide.
 */
export function runProgram(stack: string, config: Record<string, unknown>): Promise<ProgramRun> {
    return serialised(() => runOnce(stack, config, () => {
        // Load the program fresh each run, so module-level state never leaks between stacks.
        const programPath = require.resolve("../index");
        delete require.cache[programPath];
        const program: () => Promise<Record<string, unknown>> = require(programPath);
        return program();
    }));
}

/**
 * Runs `build` (which constructs components directly) under the same mocks and recording, for
 * component specs that do not go through the program. Its returned record of Outputs is resolved.
 */
export function runComponents(build: () => Record<string, unknown> | void, stack = "test", config: Record<string, unknown> = {}): Promise<ProgramRun> {
    return serialised(() => runOnce(stack, config, async () => build() ?? {}));
}

/** Resolves when every registration the program started has been answered (an SDK internal). */
const waitForRPCs = (): Promise<void> => (require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> }).waitForRPCs();

function serialised<T>(fn: () => Promise<T>): Promise<T> {
    const run = running.then(fn);
    running = run.catch(() => undefined);
    return run;
}

async function runOnce(stack: string, config: Record<string, unknown>, program: () => Promise<Record<string, unknown>>): Promise<ProgramRun> {
    const resources: RecordedResource[] = [];
    const invokes: string[] = [];
    // What the stack transformation saw of each resource, by resource object and by `type::name`
    // (the mock engine's newResource only gets type, name and inputs).
    interface Seen { type: string; name: string; opts: pulumi.ResourceOptions; node: UrnNode }
    const byResource = new Map<pulumi.Resource, Seen>();
    const byKey = new Map<string, Seen>();

    await pulumi.runtime.setMocks({
        newResource(args) {
            const secretInputs = Object.keys(args.inputs).filter((k) => hasSecret(args.inputs[k]));
            const inputs = unwrapSecrets(args.inputs);
            const { id, state } = outputsFor(args.type, args.name, inputs);
            const seen = byKey.get(`${args.type}::${args.name}`);
            const opts = seen?.opts ?? {};
            const deps = Array.isArray(opts.dependsOn) ? (opts.dependsOn as pulumi.Resource[]) : opts.dependsOn ? [opts.dependsOn as pulumi.Resource] : [];
            const parentSeen = opts.parent ? byResource.get(opts.parent) : undefined;
            const node = seen?.node;
            resources.push({
                type: args.type,
                name: args.name,
                inputs,
                state,
                id,
                secretInputs,
                dependsOn: deps.map((d) => byResource.get(d)?.name ?? "?"),
                parent: parentSeen?.name,
                parentType: parentSeen?.type,
                ignoreChanges: opts.ignoreChanges ?? [],
                retainOnDelete: opts.retainOnDelete ?? false,
                protect: opts.protect ?? false,
                urn: urnOf(stack, PROJECT, node ?? { qualifiedType: args.type, name: args.name }),
                aliasUrns: (node?.aliases ?? []).map((a) => urnOf(stack, PROJECT, a)),
            });
            return { id, state };
        },
        call(args) {
            invokes.push(args.token);
            return answerInvoke(args.token, args.inputs);
        },
    }, PROJECT, stack, false);

    const flat: Record<string, string> = {};
    for (const [k, v] of Object.entries(config)) {
        const key = k.includes(":") ? k : `${PROJECT}:${k}`;
        flat[key] = typeof v === "string" ? v : JSON.stringify(v);
    }
    pulumi.runtime.setAllConfig(flat);

    const outputs = await pulumi.runtime.runInPulumiStack(async () => {
        pulumi.runtime.registerStackTransformation((t) => {
            const node = nodeFor(t.type, t.name, t.opts.parent ? byResource.get(t.opts.parent)?.node : undefined, t.opts.aliases as unknown[] | undefined, {
                stack, project: PROJECT, nodeOfParent: (r) => byResource.get(r as pulumi.Resource)?.node,
            });
            const seen: Seen = { type: t.type, name: t.name, opts: t.opts as pulumi.ResourceOptions, node };
            byResource.set(t.resource, seen);
            byKey.set(`${t.type}::${t.name}`, seen);
            return undefined;
        });
        return program();
    }).catch(async (error: unknown) => {
        // Let specs see what had been registered when the program failed.
        await waitForRPCs().catch(() => undefined);
        throw Object.assign(error instanceof Error ? error : new Error(String(error)), { registered: resources.map((r) => r.type) });
    });
    const resolved: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(outputs ?? {})) resolved[k] = await resolve(v);
    // Wait until every registration the program started has been answered.
    await waitForRPCs();
    return { resources, outputs: resolved, invokes };
}

/** Resolves an Output (or plain value) to its value; for asserting on outputs. */
export function resolve<T>(value: pulumi.Input<T>): Promise<T> {
    return new Promise((res) => pulumi.output(value).apply((v) => { res(v as T); return v; }));
}

/** Runs a stack file with some keys replaced (`{ "service": {...} }` replaces the whole key). */
export function runStack(stack: "dev" | "prod", overrides: Record<string, unknown> = {}): Promise<ProgramRun> {
    return runProgram(stack, { ...readStackConfig(stack), ...overrides });
}

const committed = new Map<string, Promise<ProgramRun>>();
/**
 * The stack file exactly as committed, run once per test process and shared by every spec (the
 * graph is read-only): keeps the suite fast.
 */
export function committedStack(stack: "dev" | "prod"): Promise<ProgramRun> {
    if (!committed.has(stack)) committed.set(stack, runProgram(stack, readStackConfig(stack)));
    return committed.get(stack)!;
}

/** Graph queries used by the specs. */
export class Graph {
    constructor(public readonly run: ProgramRun) {}
    get resources() { return this.run.resources; }
    ofType(type: string): RecordedResource[] { return this.run.resources.filter((r) => r.type === type); }
    one(type: string): RecordedResource {
        const found = this.ofType(type);
        if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}`);
        return found[0];
    }
    named(name: string): RecordedResource {
        const found = this.run.resources.filter((r) => r.name === name);
        if (found.length === 0) throw new Error(`no resource named ${name}`);
        return found[0];
    }
    /** The resource whose id or arn (or given attribute) equals value. */
    byRef(value: unknown, attr: "id" | "arn" = "arn"): RecordedResource | undefined {
        return this.run.resources.find((r) => (attr === "id" ? r.id : r.state[attr]) === value);
    }
}
