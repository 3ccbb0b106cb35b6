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
 *
 * Blue/green, canary and linear (deploymentConfiguration.strategy; ECS developer guide, "Amazon ECS
 * blue/green deployments", "... canary ...", "... linear ..."): green starts at the full desired count
 * beside blue (one wave), then production traffic moves, then blue bakes and is drained:
 *
 *   rollout = taskStart + healthyThreshold × interval + shift + bake + deregistrationDelay + stopGrace
 *   shift   = 0 (BLUE_GREEN) | canaryBake (CANARY) | (ceil(100 / stepPercent) − 1) × stepBake (LINEAR)
 *
 * Rollback, once someone (or an alarm) decides the release is bad after its traffic moved:
 * - rolling: the previous revision rolls out again, the same arithmetic as the rollout;
 * - blue/green, canary, linear, during the bake: blue still runs and is still registered, so ECS only
 *   moves the rule's weights back: ROLLBACK_SHIFT_SECONDS, an ASSUMPTION (an ALB rule change applies in
 *   seconds; no task starts); after the bake, blue is gone and a rollback is a new deployment.
 */
import type { PlanResource } from "../adapter";
import { ReleaseStrategy, resolvedRelease, shiftMinutes } from "../../components/release";

export const TASK_START_SECONDS = 45;
/** Seconds for a weight-only rollback (the listener rule points back at blue). An assumption. */
export const ROLLBACK_SHIFT_SECONDS = 10;

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
    /** ROLLING, BLUE_GREEN, CANARY or LINEAR. */
    strategy: string;
    /** Seconds until every request is served by the previous revision again, once a rollback starts after the traffic moved. */
    rollbackSeconds: number;
    /** Seconds after the last traffic shift during which that rollback is weights only (the bake); 0 for rolling. */
    rollbackWindowSeconds: number;
    rollbackFormula: string;
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
        const dc = i.deploymentConfiguration;
        const strategy: string = dc?.strategy ?? ReleaseStrategy.Rolling;
        const shifting = strategy !== ReleaseStrategy.Rolling;
        // Traffic shifting starts the whole green revision at once.
        const extra = shifting ? desired : Math.max(1, Math.floor((desired * (max - min)) / 100));
        const waves = Math.ceil(desired / extra);
        const waveSeconds = TASK_START_SECONDS + healthyWait;
        const tailSeconds = drain + stop;
        const threshold = Math.min(200, Math.max(3, Math.ceil(0.5 * desired)));
        const failure = Math.ceil(threshold / extra) * (TASK_START_SECONDS + failWait);
        const release = shifting ? resolvedRelease({
            strategy: strategy as ReleaseStrategy,
            bakeTimeMinutes: dc.bakeTimeInMinutes !== undefined ? Number(dc.bakeTimeInMinutes) : undefined,
            canaryPercent: dc.canaryConfiguration?.canaryPercent,
            canaryBakeTimeMinutes: dc.canaryConfiguration?.canaryBakeTimeInMinutes !== undefined ? Number(dc.canaryConfiguration.canaryBakeTimeInMinutes) : undefined,
            linearStepPercent: dc.linearConfiguration?.stepPercent,
            linearStepBakeTimeMinutes: dc.linearConfiguration?.stepBakeTimeInMinutes !== undefined ? Number(dc.linearConfiguration.stepBakeTimeInMinutes) : undefined,
        }) : undefined;
        const shiftSeconds = release ? shiftMinutes(release) * 60 : 0;
        const bakeSeconds = release ? release.bakeTimeMinutes * 60 : 0;
        const totalSeconds = waves * waveSeconds + shiftSeconds + bakeSeconds + tailSeconds;
        const shiftText = !release ? "" : release.strategy === ReleaseStrategy.Canary
            ? ` + ${shiftSeconds} s at ${release.canaryPercent} % (canary bake)`
            : release.strategy === ReleaseStrategy.Linear ? ` + ${shiftSeconds} s of ${release.linearStepPercent} % steps (step bakes)` : "";
        out.push({
            service: svc.name,
            urn: svc.urn,
            desired,
            waves,
            waveSeconds,
            tailSeconds,
            totalSeconds,
            failureDetectionSeconds: failure,
            formula: shifting
                ? `${strategy}: green at full size (${TASK_START_SECONDS} s start + ${healthyText})${shiftText} + ${bakeSeconds} s bake + ${drain} s drain + ${stop} s stopTimeout of blue`
                : `${waves} wave(s) × (${TASK_START_SECONDS} s start + ${healthyText}) + ${drain} s drain + ${stop} s stopTimeout`,
            strategy,
            rollbackSeconds: shifting ? ROLLBACK_SHIFT_SECONDS : totalSeconds,
            rollbackWindowSeconds: bakeSeconds,
            rollbackFormula: shifting
                ? `weights back to blue (~${ROLLBACK_SHIFT_SECONDS} s) during the ${bakeSeconds} s bake; after it, a new deployment (~${totalSeconds} s)`
                : "the previous revision rolls out again, by the same arithmetic",
        });
    }
    return out.sort((a, b) => a.urn.localeCompare(b.urn));
}
