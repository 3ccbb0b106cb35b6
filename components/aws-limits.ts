/**
 * AWS's documented limits that both the components (argument checks) and the policy pack (rules
 * over a graph) enforce. Pure: no Pulumi imports, so the policy pack can read it from source.
 */

/**
 * Valid CloudWatch Logs retention periods in days (0 = never expire).
 * Source: CloudWatch Logs API reference, PutRetentionPolicy `retentionInDays`.
 */
export const LOG_RETENTION_DAYS = [0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** Container health-check ranges (ECS API reference, `HealthCheck`). */
export const HEALTH_CHECK_LIMITS = {
    interval: [5, 300],
    timeout: [2, 60],
    retries: [1, 10],
    startPeriod: [0, 300],
} as const;

/** Fargate's upper bound on `stopTimeout` (ECS API reference, ContainerDefinition `stopTimeout`). */
export const FARGATE_MAX_STOP_TIMEOUT = 120;

/** Target-group health-check ranges (ELB API reference, CreateTargetGroup). */
export const TARGET_HEALTH_CHECK_LIMITS = {
    interval: [5, 300],
    timeout: [2, 120],
    healthyThreshold: [2, 10],
    unhealthyThreshold: [2, 10],
} as const;
