/**
 * How a service releases a new task definition: ECS's native deployment strategies
 * (`deploymentConfiguration.strategy`) and the limits AWS puts on them. Pure: no Pulumi imports, so
 * the config, the components, the policy pack and the offline plan read one table.
 *
 * Sources (ECS developer guide and API reference):
 * - "Amazon ECS blue/green deployments", "Amazon ECS linear deployments", "Amazon ECS canary
 *   deployments": BLUE_GREEN, LINEAR and CANARY run a full new ("green") revision beside the old
 *   ("blue") one, shift production traffic by changing the weights of a listener rule that forwards
 *   to two target groups, keep blue for `bakeTimeInMinutes` after the last shift, then remove it.
 * - API_DeploymentConfiguration: `bakeTimeInMinutes` 0–1440, required with BLUE_GREEN.
 * - API_CanaryConfiguration: `canaryPercent` multiples of 0.1 from 0.1 to 100.0 (default 5.0),
 *   `canaryBakeTimeInMinutes` 0–1440 (default 10).
 * - API_LinearConfiguration: `stepPercent` multiples of 0.1 from 3.0 to 100.0 (default 10.0),
 *   `stepBakeTimeInMinutes` 0–1440 (default 6), not applied after the 100 % step.
 * - "Application Load Balancer resources for blue/green, linear, and canary deployments": managed
 *   traffic shifting needs a load balancer (or Service Connect, which this package does not wire for
 *   it); a service without either gets no traffic shifting at all.
 */

/** A service's release strategy (ECS `deploymentConfiguration.strategy`). */
export enum ReleaseStrategy {
    /** Replace tasks in place, 100 % minimum / 200 % maximum; the circuit breaker rolls a failed deploy back. */
    Rolling = "ROLLING",
    /** Start a full green revision, move all production traffic in one step, keep blue for the bake time. */
    BlueGreen = "BLUE_GREEN",
    /** Move `canaryPercent` of traffic, wait `canaryBakeTimeMinutes`, then move the rest. */
    Canary = "CANARY",
    /** Move `linearStepPercent` of traffic every `linearStepBakeTimeMinutes` until all of it has moved. */
    Linear = "LINEAR",
}

/** How a public service releases. Every field but `strategy` belongs to one or more strategies. */
export interface ReleaseArgs {
    /** @default ReleaseStrategy.Rolling */
    strategy?: ReleaseStrategy;
    /**
     * Minutes blue keeps running after all production traffic is on green: a rollback in this window
     * moves the weights back, with no task to start (blue/green, canary, linear; 0–1440).
     * @default 5
     */
    bakeTimeMinutes?: number;
    /** Percent of production traffic the canary gets first (canary; 0.1–100 in steps of 0.1). @default 5 */
    canaryPercent?: number;
    /** Minutes traffic stays at `canaryPercent` before the rest moves (canary; 0–1440). @default 10 */
    canaryBakeTimeMinutes?: number;
    /** Percent of production traffic each step moves (linear; 3–100 in steps of 0.1). @default 10 */
    linearStepPercent?: number;
    /** Minutes between two steps (linear; 0–1440). @default 6 */
    linearStepBakeTimeMinutes?: number;
    /**
     * A load-balancer port whose listener sends test traffic to green before production moves (ECS's
     * test listener rule). Only the load balancer's `testListenerCidrs` may reach it (Security Hub
     * EC2.18 allows only 80 and 443 from the internet). None when omitted.
     */
    testListenerPort?: number;
}

/** AWS's ranges, and this package's defaults where AWS has none for a required value. */
export const RELEASE_LIMITS = {
    bakeTimeMinutes: [0, 1440],
    canaryPercent: [0.1, 100],
    canaryBakeTimeMinutes: [0, 1440],
    linearStepPercent: [3, 100],
    linearStepBakeTimeMinutes: [0, 1440],
    testListenerPort: [1, 65535],
} as const;

export const RELEASE_DEFAULTS = {
    bakeTimeMinutes: 5,
    canaryPercent: 5,
    canaryBakeTimeMinutes: 10,
    linearStepPercent: 10,
    linearStepBakeTimeMinutes: 6,
} as const;

/**
 * An IPv4 CIDR that may reach a test listener: not the whole internet (/0), which Security Hub EC2.18
 * allows only on 80 and 443.
 */
export const TEST_CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/([1-9]|[12]\d|3[0-2])$/;

/** Problems with the CIDRs allowed to reach test listeners (empty when fine). */
export function testCidrProblems(cidrs: readonly string[] | undefined, key: string): string[] {
    return (cidrs ?? []).flatMap((c, i) => {
        const m = TEST_CIDR_PATTERN.exec(c);
        return m && m.slice(1, 5).every((o) => Number(o) <= 255) ? []
            : [`${key}[${i}]: got "${c}"; allowed: an IPv4 CIDR with a prefix of /1–/32 (not 0.0.0.0/0: only 80 and 443 may be open to the internet, Security Hub EC2.18)`];
    });
}

/** Ports the load balancer's production listeners use; a test listener takes another. */
export const PRODUCTION_LISTENER_PORTS = [80, 443] as const;

/** Which release fields each strategy reads. */
const FIELDS_OF: Record<ReleaseStrategy, readonly (keyof ReleaseArgs)[]> = {
    [ReleaseStrategy.Rolling]: [],
    [ReleaseStrategy.BlueGreen]: ["bakeTimeMinutes", "testListenerPort"],
    [ReleaseStrategy.Canary]: ["bakeTimeMinutes", "canaryPercent", "canaryBakeTimeMinutes", "testListenerPort"],
    [ReleaseStrategy.Linear]: ["bakeTimeMinutes", "linearStepPercent", "linearStepBakeTimeMinutes", "testListenerPort"],
};

/** The strategy a release amounts to. */
export function strategyOf(release: ReleaseArgs | undefined): ReleaseStrategy {
    return release?.strategy ?? ReleaseStrategy.Rolling;
}

/** True for the strategies that run blue and green side by side behind two target groups. */
export function shiftsTraffic(release: ReleaseArgs | undefined): boolean {
    return strategyOf(release) !== ReleaseStrategy.Rolling;
}

const isTenth = (v: number) => Math.abs(v * 10 - Math.round(v * 10)) < 1e-9;

/**
 * Every problem with a service's release, each naming `<key>.<field>`, the value given and what is
 * allowed. `publicService` is false for internal services and workers: ECS shifts traffic through a
 * load balancer's listener rule, which only a public service has here.
 */
export function releaseProblems(release: ReleaseArgs | undefined, key: string, context: { publicService: boolean; exposure: string }): string[] {
    const p: string[] = [];
    if (!release) return p;
    const strategies = Object.values(ReleaseStrategy) as string[];
    const strategy = release.strategy ?? ReleaseStrategy.Rolling;
    if (!strategies.includes(strategy)) {
        p.push(`${key}.strategy: got "${strategy}"; allowed: ${strategies.join(", ")}`);
        return p;
    }
    if (strategy !== ReleaseStrategy.Rolling && !context.publicService) {
        p.push(`${key}.strategy: got "${strategy}" for a service exposed as "${context.exposure}"; ECS shifts traffic between blue and green ` +
            `through a load balancer's listener rule, which only a public service has here: use "${ReleaseStrategy.Rolling}" (the circuit breaker still rolls a failed deploy back)`);
    }
    const allowed = FIELDS_OF[strategy];
    for (const field of Object.keys(release) as (keyof ReleaseArgs)[]) {
        if (field === "strategy" || release[field] === undefined || allowed.includes(field)) continue;
        const users = strategies.filter((s) => FIELDS_OF[s as ReleaseStrategy].includes(field));
        p.push(`${key}.${field}: got ${release[field]} with strategy "${strategy}", which does not read it; it belongs to ${users.join(", ")}`);
    }
    const integer = (field: keyof typeof RELEASE_LIMITS) => {
        const v = release[field];
        const [lo, hi] = RELEASE_LIMITS[field];
        if (v !== undefined && (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi)) p.push(`${key}.${field}: got ${v}; allowed: an integer ${lo}–${hi}`);
    };
    const tenth = (field: "canaryPercent" | "linearStepPercent") => {
        const v = release[field];
        const [lo, hi] = RELEASE_LIMITS[field];
        if (v !== undefined && (typeof v !== "number" || !isTenth(v) || v < lo || v > hi)) p.push(`${key}.${field}: got ${v}; allowed: ${lo}–${hi} in steps of 0.1`);
    };
    integer("bakeTimeMinutes");
    integer("canaryBakeTimeMinutes");
    integer("linearStepBakeTimeMinutes");
    integer("testListenerPort");
    tenth("canaryPercent");
    tenth("linearStepPercent");
    const port = release.testListenerPort;
    if (port !== undefined && (PRODUCTION_LISTENER_PORTS as readonly number[]).includes(port)) {
        p.push(`${key}.testListenerPort: got ${port}; allowed: a port other than ${PRODUCTION_LISTENER_PORTS.join(" and ")}, which carry production traffic`);
    }
    return p;
}

/** A release with every default filled in (what the service deploys with). */
export function resolvedRelease(release: ReleaseArgs | undefined): Required<Omit<ReleaseArgs, "testListenerPort">> & { testListenerPort?: number } {
    return {
        strategy: strategyOf(release),
        bakeTimeMinutes: release?.bakeTimeMinutes ?? RELEASE_DEFAULTS.bakeTimeMinutes,
        canaryPercent: release?.canaryPercent ?? RELEASE_DEFAULTS.canaryPercent,
        canaryBakeTimeMinutes: release?.canaryBakeTimeMinutes ?? RELEASE_DEFAULTS.canaryBakeTimeMinutes,
        linearStepPercent: release?.linearStepPercent ?? RELEASE_DEFAULTS.linearStepPercent,
        linearStepBakeTimeMinutes: release?.linearStepBakeTimeMinutes ?? RELEASE_DEFAULTS.linearStepBakeTimeMinutes,
        testListenerPort: release?.testListenerPort,
    };
}

/**
 * The ECS service's `deploymentConfiguration` for a traffic-shifting strategy (the provider takes
 * the minutes as strings), or undefined for rolling: ROLLING is ECS's default, and leaving the block
 * out keeps rolling services exactly as they were deployed.
 */
export function deploymentConfiguration(release: ReleaseArgs | undefined) {
    if (!shiftsTraffic(release)) return undefined;
    const r = resolvedRelease(release);
    return {
        strategy: r.strategy,
        bakeTimeInMinutes: String(r.bakeTimeMinutes),
        ...(r.strategy === ReleaseStrategy.Canary ? {
            canaryConfiguration: { canaryPercent: r.canaryPercent, canaryBakeTimeInMinutes: String(r.canaryBakeTimeMinutes) },
        } : {}),
        ...(r.strategy === ReleaseStrategy.Linear ? {
            linearConfiguration: { stepPercent: r.linearStepPercent, stepBakeTimeInMinutes: String(r.linearStepBakeTimeMinutes) },
        } : {}),
    };
}

/**
 * Minutes production traffic spends between the first and the last shift: 0 for blue/green, the
 * canary's bake for canary, one step bake between each two of the ceil(100 / step) steps for linear
 * (none after the 100 % step).
 */
export function shiftMinutes(release: ReleaseArgs | undefined): number {
    const r = resolvedRelease(release);
    switch (r.strategy) {
        case ReleaseStrategy.Canary: return r.canaryBakeTimeMinutes;
        case ReleaseStrategy.Linear: return (linearSteps(r.linearStepPercent) - 1) * r.linearStepBakeTimeMinutes;
        default: return 0;
    }
}

/** The number of linear steps until 100 % of the traffic has moved. */
export function linearSteps(stepPercent: number): number {
    return Math.ceil(100 / stepPercent - 1e-9);
}

/** The AWS managed policy ECS's infrastructure role for load balancers needs. */
export const ECS_LOAD_BALANCER_INFRASTRUCTURE_POLICY = "AmazonECSInfrastructureRolePolicyForLoadBalancers";
