/**
 * The rules an environment's services must keep together, checked before any resource: unique
 * names, one listener rule per priority and per match, calls only to internal services that exist,
 * no call cycles, no internal service that nobody calls, ports where they belong. Keys are paths in
 * `EnvironmentArgs` (`services.<name>.<field>`), after `keyPrefix` (the stack config passes `webapp:`),
 * so the stack config reports them as they are written.
 */
import type { EnvironmentArgs, EnvironmentServiceArgs } from "./environment";
import { routePaths } from "./listener-rules";
import { AUTONAME_SUFFIX_LENGTH, ELB_NAME_MAX } from "./names";
import { releaseProblems, shiftsTraffic, testCidrProblems } from "./release";
import { Exposure, exposureOf } from "./service";

/** Every cross-service problem (empty when the services fit together). */
export function environmentProblems(args: { services: readonly EnvironmentServiceArgs[]; network?: EnvironmentArgs["network"]; loadBalancer?: EnvironmentArgs["loadBalancer"] }, keyPrefix = ""): string[] {
    const p: string[] = [];
    const services = args.services ?? [];
    if (services.length === 0) p.push(`${keyPrefix}services: got none; an environment runs at least one service`);
    const byName = new Map<string, EnvironmentServiceArgs>();
    services.forEach((s, i) => {
        if (byName.has(s.name)) p.push(`${keyPrefix}services[${i}].name: got "${s.name}", already used by another service; names must be unique`);
        else byName.set(s.name, s);
    });
    const key = (s: EnvironmentServiceArgs, field: string) => `${keyPrefix}services.${s.name}.${field}`;

    const priorities = new Map<number, string>();
    const matches = new Map<string, string>();
    for (const s of services) {
        const expose = exposureOf(s);
        if (expose === Exposure.None && s.port !== undefined) p.push(`${key(s, "port")}: got ${s.port}; a worker (expose "none") listens on no port, omit it`);
        if (expose !== Exposure.None && s.port === undefined) p.push(`${key(s, "port")}: required for a ${expose} service`);
        if (expose === Exposure.Public && !s.route) p.push(`${key(s, "route")}: required for a public service (paths or hosts, and a priority)`);
        if (expose !== Exposure.Public && s.route) p.push(`${key(s, "route")}: only a public service has one, but expose is "${expose}"`);
        p.push(...releaseProblems(s.release, key(s, "release"), { publicService: expose === Exposure.Public, exposure: expose }));
        // The alternate target group "<name>-tg2" plus Pulumi's 8-character suffix must fit ELB's 32 characters.
        if (expose === Exposure.Public && shiftsTraffic(s.release) && s.name.length > ELB_NAME_MAX - 4 - AUTONAME_SUFFIX_LENGTH) {
            p.push(`${key(s, "release.strategy")}: "${s.release!.strategy}" adds the target group "${s.name}-tg2", which with Pulumi's suffix exceeds ELB's ${ELB_NAME_MAX} characters; ` +
                `a blue/green, canary or linear service's name has at most ${ELB_NAME_MAX - 4 - AUTONAME_SUFFIX_LENGTH} characters, "${s.name}" has ${s.name.length}`);
        }
        if (s.route) {
            const other = priorities.get(s.route.priority);
            if (other !== undefined) p.push(`${key(s, "route.priority")}: got ${s.route.priority}, already used by ${other}; each rule on the listener needs its own priority`);
            else priorities.set(s.route.priority, s.name);
            const match = JSON.stringify([[...routePaths(s.route)].sort(), [...(s.route.hosts ?? [])].sort()]);
            const same = matches.get(match);
            if (same !== undefined) p.push(`${key(s, "route")}: matches exactly what ${same}'s route matches (paths ${routePaths(s.route).join(", ") || "-"}, hosts ${(s.route.hosts ?? []).join(", ") || "-"}); one of them would never get a request`);
            else matches.set(match, s.name);
        }
        for (const callee of s.calls ?? []) {
            const target = byName.get(callee);
            if (!target) p.push(`${key(s, "calls")}: "${callee}" is not a service of this environment; services: ${[...byName.keys()].join(", ")}`);
            else if (exposureOf(target) !== Exposure.Internal) p.push(`${key(s, "calls")}: "${callee}" is ${exposureOf(target)}, not internal; only internal services are called through Service Connect`);
            if (callee === s.name) p.push(`${key(s, "calls")}: a service does not call itself through Service Connect`);
        }
    }
    for (const s of services) {
        if (exposureOf(s) === Exposure.Internal && !services.some((c) => (c.calls ?? []).includes(s.name))) {
            p.push(`${key(s, "expose")}: "internal" but no service lists "${s.name}" in calls, so nothing can reach it; add it to a caller's calls or make it "none"`);
        }
    }
    const testers = services.filter((s) => exposureOf(s) === Exposure.Public && shiftsTraffic(s.release) && s.release?.testListenerPort !== undefined);
    if (testers.length > 0 && (args.loadBalancer?.testListenerCidrs ?? []).length === 0) {
        p.push(`${keyPrefix}loadBalancer.testListenerCidrs: required with ${testers.map((s) => `${key(s, "release.testListenerPort")} ${s.release!.testListenerPort}`).join(", ")}; ` +
            `give the IPv4 CIDRs of the people or CI runners that test green: a test port is never open to the internet (Security Hub EC2.18 allows only 80 and 443)`);
    }
    p.push(...testCidrProblems(args.loadBalancer?.testListenerCidrs, `${keyPrefix}loadBalancer.testListenerCidrs`));
    const cycle = callCycle(services);
    if (cycle) p.push(`${keyPrefix}services: calls go round in a circle (${cycle.join(" → ")}); callers are created after the services they call`);
    if ((args.network?.azCount ?? 2) < 2 && services.some((s) => s.route !== undefined)) {
        p.push(`${keyPrefix}network.azCount: got ${args.network?.azCount}; a load balancer needs subnets in at least 2 AZs, and ${key(services.find((s) => s.route)!, "route")} puts one in front of it`);
    }
    return p;
}

/** A cycle in the call graph, as names (first repeated last), or undefined. */
function callCycle(services: readonly EnvironmentServiceArgs[]): string[] | undefined {
    const calls = new Map(services.map((s) => [s.name, s.calls ?? []]));
    const state = new Map<string, "open" | "done">();
    const path: string[] = [];
    const visit = (n: string): string[] | undefined => {
        if (state.get(n) === "done" || !calls.has(n)) return undefined;
        if (state.get(n) === "open") return [...path.slice(path.indexOf(n)), n];
        state.set(n, "open");
        path.push(n);
        for (const c of calls.get(n)!) {
            const found = visit(c);
            if (found) return found;
        }
        path.pop();
        state.set(n, "done");
        return undefined;
    };
    for (const s of services) {
        const found = visit(s.name);
        if (found) return found;
    }
    return undefined;
}

/** The services ordered so each comes after every service it calls (stable otherwise). */
export function servicesInCallOrder<T extends Pick<EnvironmentServiceArgs, "name" | "calls">>(services: readonly T[]): T[] {
    const out: T[] = [];
    const placed = new Set<string>();
    const byName = new Map(services.map((s) => [s.name, s]));
    const place = (s: T, depth: number) => {
        if (placed.has(s.name) || depth > services.length) return;
        for (const c of s.calls ?? []) {
            const callee = byName.get(c);
            if (callee) place(callee, depth + 1);
        }
        if (!placed.has(s.name)) {
            placed.add(s.name);
            out.push(s);
        }
    };
    for (const s of services) place(s, 0);
    return out;
}
