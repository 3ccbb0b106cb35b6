/** Where tasks run, and the capacity provider strategies that say so to ECS. */

/** Where a service's or job's tasks run. */
export enum CapacityMode {
    /** On-demand Fargate. */
    Fargate = "fargate",
    /** Fargate Spot: up to ~70% cheaper, tasks may be reclaimed with a 2-minute warning. */
    FargateSpot = "fargateSpot",
    /** One on-demand task as a base, the rest on Spot. */
    Mixed = "mixed",
}

/** The capacity provider strategy for a capacity mode. */
export function capacityProviderStrategy(mode: CapacityMode): { capacityProvider: string; weight: number; base?: number }[] {
    switch (mode) {
        case CapacityMode.FargateSpot: return [{ capacityProvider: "FARGATE_SPOT", weight: 1 }];
        case CapacityMode.Mixed: return [{ capacityProvider: "FARGATE", weight: 0, base: 1 }, { capacityProvider: "FARGATE_SPOT", weight: 1 }];
        default: return [{ capacityProvider: "FARGATE", weight: 1 }];
    }
}

/**
 * The strategy a one-off or scheduled RunTask uses for a capacity mode: none for on-demand Fargate
 * (RunTask then takes `launchType: FARGATE`; the two are exclusive, ECS API reference, RunTask).
 */
export function runTaskStrategy(mode: CapacityMode): { capacityProvider: string; weight: number; base?: number }[] | undefined {
    return mode === CapacityMode.Fargate ? undefined : capacityProviderStrategy(mode);
}
