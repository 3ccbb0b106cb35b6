/**
 * Rollout-time estimate of each load-balanced service, from its deployment, health-check and drain
 * settings. The arithmetic (ECS developer guide, "Deploy Amazon ECS services by replacing tasks";
 * ELB user guide, "Health checks for your target groups" and "Deregistration delay"):
 *
 *   waves   = ceil(desired / extra), extra = floor(desired × (maxPercent − minHealthyPercent) / 100) (≥ 1)
 *   wave    = taskStart + healthyThreshold × interval        (a new task: provisioned, pulled, started,
 *                                                              then healthy at the target group)
 *   rollout = waves × wave + deregistrationDelay + stopGrace  (the last old tasks drain, then stop)
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
        if (!tg || !td) continue;
        const hc = tg.inputs.healthCheck ?? {};
        const interval = hc.interval ?? 30;
        const healthy = hc.healthyThreshold ?? 5;
        const unhealthy = hc.unhealthyThreshold ?? 2;
        const drain = tg.inputs.deregistrationDelay ?? 300;
        const containers: any[] = JSON.parse(td.inputs.containerDefinitions ?? "[]");
        const stop = Math.max(...containers.map((c) => c.stopTimeout ?? 30), 0);
        const desired = Math.max(i.desiredCount ?? 1, 1);
        const min = i.deploymentMinimumHealthyPercent ?? 100;
        const max = i.deploymentMaximumPercent ?? 200;
        const extra = Math.max(1, Math.floor((desired * (max - min)) / 100));
        const waves = Math.ceil(desired / extra);
        const waveSeconds = TASK_START_SECONDS + healthy * interval;
        const tailSeconds = drain + stop;
        const threshold = Math.min(200, Math.max(3, Math.ceil(0.5 * desired)));
        const failure = Math.ceil(threshold / extra) * (TASK_START_SECONDS + Math.max(i.healthCheckGracePeriodSeconds ?? 0, unhealthy * interval));
        out.push({
            service: svc.name,
            urn: svc.urn,
            desired,
            waves,
            waveSeconds,
            tailSeconds,
            totalSeconds: waves * waveSeconds + tailSeconds,
            failureDetectionSeconds: failure,
            formula: `${waves} wave(s) × (${TASK_START_SECONDS} s start + ${healthy} healthy checks × ${interval} s) + ${drain} s drain + ${stop} s stopTimeout`,
        });
    }
    return out.sort((a, b) => a.urn.localeCompare(b.urn));
}
