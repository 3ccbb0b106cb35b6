/**
 * The one mock harness: runs the real program (index.ts) under the Pulumi SDK's mock engine with a
 * given stack config, and records every resource with its inputs, resource options and the
 * invokes it made. Nothing here needs AWS, Docker or the Pulumi CLI.
 */
import * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { sourceHash } from "fargatekit";
import { mockEnvironment, mockInvoke, mockResourceOutputs, physicalName } from "fargatekit/testing";
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

/** How a run behaves: as `pulumi preview` or `pulumi up`, and what the provider reads back. */
export interface RunOptions {
    /**
     * Run as `pulumi preview` (`pulumi.runtime.isDryRun()` true, the default: the graph that preview
     * and the offline plan see) or as `pulumi up` (false).
     */
    preview?: boolean;
    /**
     * The state a provider reads back after it creates or updates a resource, by `"<type>::<name>"`:
     * each function gets the mock's usual state (its inputs plus realistic outputs) and returns the
     * state to answer with, e.g. a service whose `taskDefinition` names the revision ECS rolled back to.
     */
    stateAfterUpdate?: Record<string, (state: Record<string, any>) => Record<string, any>>;
    /** The outside world the program reads (what the ECR repositories hold). @default empty */
    world?: MockWorld;
}

export interface ProgramRun {
    resources: RecordedResource[];
    outputs: Record<string, unknown>;
    invokes: string[];
    /** What the program logged with pulumi.log.warn (the engine shows these on preview and up). */
    warnings: string[];
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
export { physicalName };

/** The one source of mock answers: the package's own testing module, as consumers use it. */
const ENV = mockEnvironment({ accountId: ACCOUNT, region: REGION, availabilityZones: AZS });
/** Resources of other packages some specs create (an awsx VPC to adopt). */
const EXTRA_RESOURCES = {
    "awsx:ec2:Vpc": (name: string, inputs: Record<string, any>) => ({
        id: `${name}-id`,
        state: { ...inputs, vpcId: `vpc-${hex(name, 17)}`, publicSubnetIds: [0, 1].map((i) => `subnet-pub${i}${hex(name, 10)}`), privateSubnetIds: [0, 1].map((i) => `subnet-prv${i}${hex(name, 10)}`) },
    }),
    "docker-build:index:Image": (name: string, inputs: Record<string, any>) => {
        // What the provider reports after a build: `digest` only when the image was exported
        // (push), `ref` = first tag @ digest (else the tag), `contextHash` from the context on disk.
        const tags: string[] = inputs.tags ?? [];
        const digest = inputs.push === true ? `sha256:${hex(JSON.stringify([tags, inputs.platforms ?? []]), 64)}` : "";
        // The provider resolves relative locations against its working directory (the program's).
        const contextDir = path.resolve(String(inputs.context?.location ?? "."));
        const dockerfile = path.resolve(String(inputs.dockerfile?.location ?? path.join(contextDir, "Dockerfile")));
        const contextHash = sourceHash(contextDir, path.relative(contextDir, dockerfile));
        return { id: digest || name, state: { ...inputs, digest, contextHash, ref: digest ? `${tags[0]}@${digest}` : (tags[0] ?? "") } };
    },
};
const outputsFor = (type: string, name: string, inputs: Record<string, any>) => mockResourceOutputs(type, name, inputs, ENV, EXTRA_RESOURCES);

/** What the mocked ECR repositories hold: ListImages' image ids (tag and digest). */
export interface EcrImageId { imageTag?: string; imageDigest: string }

/** Mock answers a run can vary: the state of the outside world the program reads. */
export interface MockWorld {
    /** The images in every ECR repository the program lists (aws.ecr.getImages). @default none */
    ecrImages?: EcrImageId[];
}

/**
 * The answer a test engine gives to an invoke the program makes: fargatekit/testing's realistic
 * values for this account and region, and ListImages from the world a run simulates.
 */
export function answerInvoke(token: string, args: Record<string, any>, world: MockWorld = {}): Record<string, any> {
    return mockInvoke(token, args, ENV, {
        // ListImages: one entry per tag (an untagged image has no imageTag).
        "aws:ecr/getImages:getImages": () => ({
            imageIds: (world.ecrImages ?? []).map((i) => ({ imageDigest: i.imageDigest, ...(i.imageTag ? { imageTag: i.imageTag } : {}) })),
            repositoryName: args.repositoryName, registryId: args.registryId ?? ACCOUNT, region: REGION, id: args.repositoryName,
        }),
    });
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
export function runProgram(stack: string, config: Record<string, unknown>, options: RunOptions = {}): Promise<ProgramRun> {
    return serialised(() => runOnce(stack, config, options, () => {
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
export function runComponents(build: () => Record<string, unknown> | void, stack = "test", config: Record<string, unknown> = {}, options: RunOptions = {}): Promise<ProgramRun> {
    return serialised(() => runOnce(stack, config, options, async () => build() ?? {}));
}

/** Resolves when every registration the program started has been answered (an SDK internal). */
const waitForRPCs = (): Promise<void> => (require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> }).waitForRPCs();

function serialised<T>(fn: () => Promise<T>): Promise<T> {
    const run = running.then(fn);
    running = run.catch(() => undefined);
    return run;
}

async function runOnce(stack: string, config: Record<string, unknown>, options: RunOptions, program: () => Promise<Record<string, unknown>>): Promise<ProgramRun> {
    // Like the Node language host (cmd/run: an unhandled rejection fails the program), a promise
    // rejected with nobody waiting on it fails the run: an apply that throws on a component's output.
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => { unhandled.push(reason); };
    process.on("unhandledRejection", onUnhandled);
    try {
        const run = await runRecorded(stack, config, options, program).catch(async (error: unknown) => {
            await settle();
            throw error;
        });
        await settle();
        if (unhandled.length > 0) {
            const first = unhandled[0];
            throw Object.assign(first instanceof Error ? first : new Error(String(first)), { registered: run.resources.map((r) => r.type) });
        }
        return run;
    } finally {
        process.off("unhandledRejection", onUnhandled);
    }
}

/** Lets every pending registration finish and pending rejections be reported. */
async function settle(): Promise<void> {
    await waitForRPCs().catch(() => undefined);
    await new Promise((resolve) => setImmediate(resolve));
}

async function runRecorded(stack: string, config: Record<string, unknown>, options: RunOptions, program: () => Promise<Record<string, unknown>>): Promise<ProgramRun> {
    const resources: RecordedResource[] = [];
    const invokes: string[] = [];
    const warnings: string[] = [];
    const warn = pulumi.log.warn;
    (pulumi.log as { warn: typeof warn }).warn = async (msg: string) => { warnings.push(msg); };
    // What the stack transformation saw of each resource, by resource object and by `type::name`
    // (the mock engine's newResource only gets type, name and inputs).
    interface Seen { type: string; name: string; opts: pulumi.ResourceOptions; node: UrnNode }
    const byResource = new Map<pulumi.Resource, Seen>();
    const byKey = new Map<string, Seen>();

    await pulumi.runtime.setMocks({
        newResource(args) {
            const secretInputs = Object.keys(args.inputs).filter((k) => hasSecret(args.inputs[k]));
            const inputs = unwrapSecrets(args.inputs);
            const answer = outputsFor(args.type, args.name, inputs);
            const id = answer.id;
            const readBack = options.stateAfterUpdate?.[`${args.type}::${args.name}`];
            const state = readBack ? readBack(answer.state) : answer.state;
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
            return answerInvoke(args.token, args.inputs, options.world ?? {});
        },
    }, PROJECT, stack, options.preview ?? true);

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
        (pulumi.log as { warn: typeof warn }).warn = warn;
        throw Object.assign(error instanceof Error ? error : new Error(String(error)), { registered: resources.map((r) => r.type) });
    });
    const resolved: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(outputs ?? {})) resolved[k] = await resolve(v);
    // Wait until every registration the program started has been answered.
    await waitForRPCs();
    (pulumi.log as { warn: typeof warn }).warn = warn;
    return { resources, outputs: resolved, invokes, warnings };
}

/** Resolves an Output (or plain value) to its value; for asserting on outputs. */
export function resolve<T>(value: pulumi.Input<T>): Promise<T> {
    return new Promise((res) => pulumi.output(value).apply((v) => { res(v as T); return v; }));
}

/** Runs a stack file with some keys replaced (`{ "services": [...] }` replaces the whole key). */
export function runStack(stack: "dev" | "prod", overrides: Record<string, unknown> = {}, options: RunOptions = {}): Promise<ProgramRun> {
    return runProgram(stack, { ...readStackConfig(stack), ...overrides }, options);
}

/**
 * Runs `stack` with `overrides` and returns the error that refused it, asserting it was refused
 * before the first resource (only the stack itself registered): what every bad-config spec checks.
 */
export async function refusedRun(stack: "dev" | "prod", overrides: Record<string, unknown>, options: RunOptions = {}): Promise<Error> {
    let error: unknown;
    let registered = -1;
    try {
        registered = (await runStack(stack, overrides, options)).resources.length;
    } catch (e) {
        error = e;
    }
    assert.ok(error instanceof Error, `expected a refusal, but ${registered} resources registered`);
    assert.deepEqual((error as Error & { registered?: string[] }).registered, ["pulumi:pulumi:Stack"], "refused before the first resource");
    return error;
}

const committed = new Map<string, Promise<ProgramRun>>();
/**
 * The stack file exactly as committed, previewed once per test process and shared by every spec (the
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
