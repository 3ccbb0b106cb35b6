/**
 * Rollout-time estimate of each service, from its deployment, health-check and drain
 * settings. The arithmetic (ECS developer guide, "Deploy Amazon ECS services by replacing tasks";
 * ELB user guide, "Health checks for your target groups" and "Deregistration delay"):
 *
 *   waves   = ceil(desired / extra), extra = floor(desired × (maxPercent − minHealthyPercent) / 100) (≥ 1)
 *   wave    = taskStart + healthyThreshold × interval        (a new task: provisioned, pulled, started,
 *                                                              then healthy at the target group)
 *   rollout = waves × wave + deregistrationDelay + stopGrace  (the last old tasks drain, then stop)
 *
 * A service with no target group (internal, worker) is healthy when its container health check first
 * passes (ECS developer guide, "Determine Amazon ECS task health using container health checks": a
 * pass during startPeriod counts), at most one interval after start, or at RUNNING without a check;
 * it has no drain (Service Connect stops routing to a task when ECS stops it), and a task that never
 * passes fails after startPeriod + retries × interval.
 *
 * taskStart (Fargate provisioning + image pull + process start) is an ASSUMPTION: 45 s. stopGrace is the
 * container's stopTimeout (the worst case: an app that ignores SIGTERM). A deploy whose tasks never
 * get healthy is stopped by the circuit breaker after threshold = clamp(ceil(0.5 × desired), 3, 200)
 * failed tasks (ECS developer guide, "deployment circuit breaker"); each failure costs
 * taskStart + max(healthCheckGracePeriod, unhealthyThreshold × interval).
 */
import type { PlanResource } from "../adapter";

export const TASK_START_SECONDS = 45;

export interface Rollout {
    service: string;
    urn: string;
    desired: number;
    waves: number;
    /** Seconds per wave, the drain and stop tail, and the total. */
    waveSeconds: number;
    tailSeconds: number;
    totalSeconds: number;
    /** Seconds until a deploy whose tasks never become healthy is rolled back (before the rollback itself). */
    failureDetectionSeconds: number;
    formula: string;
}

export function estimateRollouts(resources: PlanResource[]): Rollout[] {
    const byRef = (ref: unknown) => resources.find((r) => ref !== undefined && (r.outputs.id === ref || r.outputs.arn === ref));
    const out: Rollout[] = [];
    for (const svc of resources.filter((r) => r.type === "aws:ecs/service:Service")) {
        const i = svc.inputs;
        const lb = (i.loadBalancers ?? [])[0];
        const tg = lb ? byRef(lb.targetGroupArn) : undefined;
        const td = byRef(i.taskDefinition);
        if (!td || (lb && !tg)) continue;
        const containers: any[] = JSON.parse(td.inputs.containerDefinitions ?? "[]");
        const stop = Math.max(...containers.map((c) => c.stopTimeout ?? 30), 0);
        // What "healthy" waits for: the target group's checks, else the container's, else RUNNING.
        const containerCheck = containers.find((c) => c.healthCheck)?.healthCheck;
        let healthyWait: number;
        let failWait: number;
        let healthyText: string;
        let drain = 0;
        if (tg) {
            const hc = tg.inputs.healthCheck ?? {};
            const interval = hc.interval ?? 30;
            const healthy = hc.healthyThreshold ?? 5;
            healthyWait = healthy * interval;
            failWait = Math.max(i.healthCheckGracePeriodSeconds ?? 0, (hc.unhealthyThreshold ?? 2) * interval);
            healthyText = `${healthy} healthy checks × ${interval} s`;
            drain = tg.inputs.deregistrationDelay ?? 300;
        } else if (containerCheck) {
            const interval = containerCheck.interval ?? 30;
            healthyWait = interval;
            failWait = (containerCheck.startPeriod ?? 0) + (containerCheck.retries ?? 3) * interval;
            healthyText = `first container check ≤ ${interval} s`;
        } else {
            healthyWait = 0;
            failWait = 0;
            healthyText = "RUNNING, no health check";
        }
        const desired = Math.max(i.desiredCount ?? 1, 1);
        const min = i.deploymentMinimumHealthyPercent ?? 100;
        const max = i.deploymentMaximumPercent ?? 200;
        const extra = Math.max(1, Math.floor((desired * (max - min)) / 100));
        const waves = Math.ceil(desired / extra);
        const waveSeconds = TASK_START_SECONDS + healthyWait;
        const tailSeconds = drain + stop;
        const threshold = Math.min(200, Math.max(3, Math.ceil(0.5 * desired)));
        const failure = Math.ceil(threshold / extra) * (TASK_START_SECONDS + failWait);
        out.push({
            service: svc.name,
            urn: svc.urn,
            desired,
            waves,
            waveSeconds,
            tailSeconds,
            totalSeconds: waves * waveSeconds + tailSeconds,
            failureDetectionSeconds: failure,
            formula: `${waves} wave(s) × (${TASK_START_SECONDS} s start + ${healthyText}) + ${drain} s drain + ${stop} s stopTimeout`,
        });
    }
    return out.sort((a, b) => a.urn.localeCompare(b.urn));
}
