/**
 * A stand-in for the Pulumi CLI's side of `pulumi preview`, to run the program exactly as it is run
 * there without the CLI: a process started the way pulumi-language-nodejs starts it (see its
 * `execRuntime`/`constructArguments`: `node <nodeargs> @pulumi/pulumi/cmd/run --monitor … --engine …
 * --project … --stack … --pwd … --dry-run <main>`, PULUMI_NODEJS_TYPESCRIPT=true when the `typescript`
 * runtime option is on, the config in PULUMI_CONFIG), talking gRPC on loopback to an engine that
 * records what the program logs and a resource monitor that records what it registers and answers
 * its invokes as the mock harness does. Nothing is deployed and nothing leaves the machine.
 */
import { ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { answerInvoke } from "./harness";

export const ROOT = path.join(__dirname, "..");

// The gRPC and protobuf libraries the SDK itself uses, and its service definitions.
const fromSdk = createRequire(require.resolve("@pulumi/pulumi"));
const grpc = fromSdk("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
const { Struct } = fromSdk("google-protobuf/google/protobuf/struct_pb") as typeof import("google-protobuf/google/protobuf/struct_pb");
const { ResourceMonitorService } = require("@pulumi/pulumi/proto/resource_grpc_pb");
const { EngineService } = require("@pulumi/pulumi/proto/engine_grpc_pb");

/** Pulumi.yaml's `runtime.options` for nodejs that change how the program starts. */
export interface RuntimeOptions {
    /** Register ts-node (type-checking unless told otherwise) before loading the program; Pulumi's default is true. */
    typescript?: boolean;
    /** Arguments for node, before the runner. */
    nodeargs?: string;
}

/** What Pulumi.yaml says: the project name, its entry point and its runtime options. */
export function projectFile(): { name: string; main: string; options: RuntimeOptions } {
    const project = parseYaml(readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
    return { name: project.name, main: project.main ?? ".", options: project.runtime?.options ?? {} };
}

const SEVERITIES = ["debug", "info", "warning", "error"] as const;

export interface EngineRun {
    /** The program process's exit code (Pulumi's runner exits 32 after it has logged an error for people). */
    code: number | null;
    /** What the program logged through the engine, as the CLI would print it (`<severity>: <message>`). */
    logs: { severity: (typeof SEVERITIES)[number]; message: string }[];
    /** `type::name` of every resource registered, in order. */
    registered: string[];
    stdout: string;
    stderr: string;
    /** From starting node to its exit. */
    ms: number;
}

interface Call<Req> { request: Req }
type Callback = (error: { code: number; details?: string } | null, response?: unknown) => void;

/** A service whose methods answer UNIMPLEMENTED unless given (what old engines answer for new calls). */
function implement(service: Record<string, { responseType: new () => unknown }>, given: Record<string, (call: Call<any>) => unknown>) {
    const handlers: Record<string, (call: Call<any>, callback: Callback) => void> = {};
    for (const [method, def] of Object.entries(service)) {
        handlers[method] = (call, callback) => {
            const handler = given[method];
            if (!handler) return callback({ code: grpc.status.UNIMPLEMENTED, details: `${method} is not implemented by the test engine` });
            try {
                callback(null, handler(call) ?? new def.responseType());
            } catch (e) {
                callback({ code: grpc.status.UNKNOWN, details: (e as Error).message });
            }
        };
    }
    return handlers;
}

/**
 * Runs the program (or `program`, relative to the project) as `pulumi preview --stack <stack>` would,
 * with `config` as the stack's config (project keys without the prefix) and `options` as Pulumi.yaml's
 * runtime options.
 */
export async function previewLikePulumi(stack: string, config: Record<string, unknown>, options: RuntimeOptions, program?: string): Promise<EngineRun> {
    const project = projectFile();
    const logs: EngineRun["logs"] = [];
    const registered: string[] = [];
    const qualifiedTypes = new Map<string, string>();
    let root = "";

    const server = new grpc.Server();
    server.addService(EngineService, implement(EngineService, {
        log: ({ request }) => { logs.push({ severity: SEVERITIES[request.getSeverity()], message: request.getMessage() }); },
        getRootResource: () => new EngineService.getRootResource.responseType().setUrn(root),
        setRootResource: ({ request }) => { root = request.getUrn(); },
    }));
    const features = new Set(["secrets", "resourceReferences", "outputValues", "deletedWith", "aliasSpecs"]);
    server.addService(ResourceMonitorService, implement(ResourceMonitorService, {
        supportsFeature: ({ request }) => new ResourceMonitorService.supportsFeature.responseType().setHassupport(features.has(request.getId())),
        registerResource: ({ request }) => {
            const parentType = qualifiedTypes.get(request.getParent());
            const qualified = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${request.getType()}` : request.getType();
            const urn = `urn:pulumi:${stack}::${project.name}::${qualified}::${request.getName()}`;
            qualifiedTypes.set(urn, qualified);
            registered.push(`${request.getType()}::${request.getName()}`);
            // A preview: the inputs come back as outputs, the id and other outputs stay unknown.
            return new ResourceMonitorService.registerResource.responseType().setUrn(urn).setObject(request.getObject() ?? new Struct());
        },
        registerResourceOutputs: () => undefined,
        invoke: ({ request }) => new ResourceMonitorService.invoke.responseType()
            .setReturn(Struct.fromJavaScript(answerInvoke(request.getTok(), (request.getArgs()?.toJavaScript() ?? {}) as Record<string, any>))),
        signalAndWaitForShutdown: () => undefined,
    }));
    const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    const address = `127.0.0.1:${port}`;

    // The language host: config keys as <namespace>:config:<name>, structured values as JSON.
    const pulumiConfig: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) {
        const [namespace, name] = key.includes(":") ? key.split(/:(.*)/s, 2) : [project.name, key];
        pulumiConfig[`${namespace}:config:${name}`] = typeof value === "string" ? value : JSON.stringify(value);
    }
    const env: NodeJS.ProcessEnv = { ...process.env, PULUMI_CONFIG: JSON.stringify(pulumiConfig), PULUMI_CONFIG_SECRET_KEYS: "[]" };
    delete env.PULUMI_NODEJS_TYPESCRIPT;
    delete env.PULUMI_NODEJS_TRANSPILE_ONLY;
    delete env.TS_NODE_TRANSPILE_ONLY;
    if (options.typescript ?? true) env.PULUMI_NODEJS_TYPESCRIPT = "true";
    const nodeargs = (options.nodeargs ?? "").split(/\s+/).filter(Boolean);
    const args = [
        ...nodeargs, fromSdk.resolve("@pulumi/pulumi/cmd/run"),
        "--monitor", address, "--engine", address, "--project", project.name, "--root-directory", ROOT,
        "--stack", stack, "--pwd", ROOT, "--dry-run", "--parallel", "16", program ?? project.main,
    ];
    const started = performance.now();
    const child: ChildProcess = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on("data", (b: Buffer) => out.push(b));
    child.stderr!.on("data", (b: Buffer) => err.push(b));
    try {
        const code = await new Promise<number | null>((resolve, reject) => {
            child.on("error", reject);
            child.on("close", resolve);
        });
        const ms = performance.now() - started;
        return { code, logs, registered, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), ms };
    } finally {
        server.forceShutdown();
    }
}

