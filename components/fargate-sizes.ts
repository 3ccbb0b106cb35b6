/**
 * The task sizes Fargate accepts, as (cpu units, memory MiB) pairs.
 *
 * Source: AWS, "Amazon ECS task definition parameters for Fargate" / "Troubleshoot Amazon ECS task
 * definition invalid CPU or memory errors"
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size,
 * https://docs.aws.amazon.com/AmazonECS/latest/userguide/task-cpu-memory-error.html). Anything else is
 * refused by RegisterTaskDefinition with "No Fargate configuration exists for given values".
 */

function range(from: number, to: number, step: number): number[] {
    const out: number[] = [];
    for (let v = from; v <= to; v += step) out.push(v);
    return out;
}

/** cpu units → the memory values (MiB) Fargate accepts with it. */
export const FARGATE_MEMORY_BY_CPU: Readonly<Record<number, readonly number[]>> = Object.freeze({
    256: [512, 1024, 2048],
    512: range(1024, 4096, 1024),
    1024: range(2048, 8192, 1024),
    2048: range(4096, 16384, 1024),
    4096: range(8192, 30720, 1024),
    // 8 and 16 vCPU need Linux platform version 1.4.0 or later (LATEST is 1.4.0).
    8192: range(16384, 61440, 4096),
    16384: range(32768, 122880, 8192),
});

export const FARGATE_CPU_VALUES: readonly number[] = Object.keys(FARGATE_MEMORY_BY_CPU).map(Number);

function describeMemory(values: readonly number[]): string {
    if (values.length <= 4) return values.join(", ");
    const step = values[1] - values[0];
    return `${values[0]}–${values[values.length - 1]} in steps of ${step}`;
}

/**
 * Checks a cpu/memory pair against the Fargate table.
 * @returns undefined when valid, otherwise a sentence naming what is allowed.
 */
export function fargateSizeProblem(cpu: number, memory: number): string | undefined {
    const allowed = FARGATE_MEMORY_BY_CPU[cpu];
    if (!allowed) {
        return `cpu ${cpu} is not a Fargate size; allowed cpu units: ${FARGATE_CPU_VALUES.join(", ")}`;
    }
    if (!allowed.includes(memory)) {
        return `memory ${memory} MiB does not go with cpu ${cpu} on Fargate; allowed with cpu ${cpu}: ${describeMemory(allowed)} MiB`;
    }
    return undefined;
}

/** Throws when the pair is not a Fargate size. */
export function assertFargateSize(cpu: number, memory: number, where: string): void {
    const problem = fargateSizeProblem(cpu, memory);
    if (problem) throw new Error(`${where}: ${problem}`);
}
