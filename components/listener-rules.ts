/**
 * Listener rules of an Application Load Balancer, as AWS limits them (ELB user guide, "Listener
 * rules for your Application Load Balancer" → Condition types, and "Quotas for your Application Load
 * Balancers"):
 * - a rule's priority is an integer 1–50000, unique per listener; the lowest matching number wins;
 * - a rule holds at most 5 condition values in all (each path pattern and host name counts one);
 * - a path pattern is at most 128 characters of A–Z a–z 0–9 _ - . $ / ~ " ' @ : + & * ?;
 * - a host name is at most 128 characters of A–Z a–z 0–9 - . * ?.
 */

export const RULE_PRIORITY_RANGE = [1, 50000] as const;
export const MAX_CONDITION_VALUES = 5;
export const PATH_PATTERN = /^[A-Za-z0-9_\-.$/~"'@:+&*?]{1,128}$/;
export const HOST_PATTERN = /^[A-Za-z0-9\-.*?]{1,128}$/;

export interface RouteMatch {
    paths?: string[];
    hosts?: string[];
    priority: number;
}

/** The paths a route matches: its own, or every path when it names neither paths nor hosts. */
export function routePaths(route: Pick<RouteMatch, "paths" | "hosts">): string[] {
    return route.paths ?? (route.hosts?.length ? [] : ["/*"]);
}

/** Every problem with a route's match and priority (keys relative to the route). */
export function listenerRuleProblems(route: RouteMatch): string[] {
    const problems: string[] = [];
    const [lo, hi] = RULE_PRIORITY_RANGE;
    if (!Number.isInteger(route.priority) || route.priority < lo || route.priority > hi) problems.push(`priority: got ${route.priority}; allowed: an integer ${lo}–${hi}, unique on the listener`);
    const paths = routePaths(route);
    const hosts = route.hosts ?? [];
    if (paths.length + hosts.length === 0) problems.push("paths/hosts: a rule needs at least one path pattern or host name");
    if (paths.length + hosts.length > MAX_CONDITION_VALUES) {
        problems.push(`paths/hosts: got ${paths.length + hosts.length} values (${[...paths, ...hosts].join(", ")}); allowed: at most ${MAX_CONDITION_VALUES} per rule`);
    }
    for (const [i, p] of paths.entries()) if (!PATH_PATTERN.test(p)) problems.push(`paths[${i}]: got "${p}"; allowed: 1–128 characters of A–Z a–z 0–9 _ - . $ / ~ " ' @ : + & * ?`);
    for (const [i, h] of hosts.entries()) if (!HOST_PATTERN.test(h)) problems.push(`hosts[${i}]: got "${h}"; allowed: 1–128 characters of A–Z a–z 0–9 - . * ?`);
    for (const [key, values] of [["paths", paths], ["hosts", hosts]] as const) {
        const dupes = values.filter((v, i) => values.indexOf(v) !== i);
        if (dupes.length > 0) problems.push(`${key}: "${dupes[0]}" is listed twice`);
    }
    return problems;
}

/** The rule's conditions: one path-pattern and/or one host-header condition. */
export function routeConditions(route: Pick<RouteMatch, "paths" | "hosts">) {
    const paths = routePaths(route);
    const hosts = route.hosts ?? [];
    return [
        ...(paths.length ? [{ pathPattern: { values: paths } }] : []),
        ...(hosts.length ? [{ hostHeader: { values: hosts } }] : []),
    ];
}
