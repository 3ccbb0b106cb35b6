/**
 * `npm run bench:startup [rounds]`: how long `pulumi preview --stack dev` spends starting and running
 * the program, from `node` to its exit, two ways:
 *
 * - type-checking: Pulumi's default TypeScript support (`typescript` on: its ts-node, which
 *   type-checks every file it loads), with the fargatekit-source condition, as Pulumi.yaml had it;
 * - Pulumi.yaml as it is: `typescript: false`, ts-node's transpile-only hook in `nodeargs`.
 *
 * Each run is @pulumi/pulumi's real runner against the test engine of tests/pulumi-engine.ts, with dev's
 * committed config; nothing is deployed. The rounds alternate the two ways, so load on the machine
 * weighs on both alike. Prints wall time and the CPU time of the program's process (less sensitive to
 * other load; it can exceed wall time: node uses more than one thread). No engine, no providers, no
 * network: the real `pulumi preview` adds the CLI's own start and the provider plugins' on top.
 */
import * as path from "node:path";
import { cpus } from "node:os";
import { readStackConfig } from "../harness";
import { previewLikePulumi, projectFile, RuntimeOptions } from "../pulumi-engine";

const rounds = Number(process.argv[2] ?? 3);
const reportCpu = `--require ${path.join(__dirname, "report-cpu.js")}`;
const ours = projectFile().options;
const ways: { label: string; options: RuntimeOptions }[] = [
    { label: "type-checking (Pulumi's default ts-node)", options: { nodeargs: "--conditions=fargatekit-source" } },
    { label: `Pulumi.yaml (typescript: ${ours.typescript}, nodeargs: ${ours.nodeargs})`, options: ours },
];

interface Sample { wallMs: number; cpuMs: number }
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main() {
    console.log(`pulumi preview --stack dev, program start to exit; ${rounds} round(s), ${cpus().length} CPU(s), node ${process.version}`);
    const samples = new Map<string, Sample[]>(ways.map((w) => [w.label, []]));
    let resources = 0;
    for (let round = 0; round < rounds; round++) {
        for (const way of ways) {
            const run = await previewLikePulumi("dev", readStackConfig("dev"), { ...way.options, nodeargs: `${reportCpu} ${way.options.nodeargs ?? ""}` });
            const errors = run.logs.filter((l) => l.severity === "error");
            if (run.code !== 0 || errors.length > 0) throw new Error(`${way.label}: exit ${run.code}\n${errors.map((e) => e.message).join("\n")}\n${run.stderr}`);
            const cpu = /^bench-cpu (.*)$/m.exec(run.stderr);
            if (!cpu) throw new Error(`${way.label}: no CPU report on stderr:\n${run.stderr}`);
            samples.get(way.label)!.push({ wallMs: run.ms, cpuMs: JSON.parse(cpu[1]).cpuMs });
            resources = run.registered.length;
        }
    }
    for (const way of ways) {
        const xs = samples.get(way.label)!;
        console.log(`${way.label}\n  wall: median ${s(median(xs.map((x) => x.wallMs)))}, min ${s(Math.min(...xs.map((x) => x.wallMs)))}; CPU: median ${s(median(xs.map((x) => x.cpuMs)))}`);
    }
    console.log(`${resources} resources registered per run`);
}

main().catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
});
