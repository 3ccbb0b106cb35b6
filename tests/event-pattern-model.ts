/**
 * A model of EventBridge event-pattern matching, for the operators this project's rules use, so the
 * specs can run real-shaped ECS events through the committed rules. Semantics from the EventBridge
 * user guide, "Creating Amazon EventBridge event patterns" and "Content filtering":
 * - every field of the pattern must match (AND); a field absent from the event matches nothing;
 * - a leaf is an array of alternatives (OR): a literal matches an equal value, `{ prefix }` a
 *   string that starts with it, `{ "anything-but": v }` any value other than v (or than each of a
 *   list), `{ exists: b }` presence;
 * - when the event's value is an array, the leaf matches if any element matches; a nested pattern
 *   over an array of objects matches if any object matches;
 * - `$or: [p1, p2, …]` matches when any of the sub-patterns matches at that level.
 * Anything else throws, so a rule that starts using another operator fails here until it is modelled.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function leafMatches(alternatives: Json[], value: Json | undefined): boolean {
    const values = Array.isArray(value) ? value : [value];
    return alternatives.some((alt) => values.some((v) => {
        if (alt === null || typeof alt !== "object") return v !== undefined && v === alt;
        if (Array.isArray(alt)) throw new Error("nested arrays are not an EventBridge matcher");
        const [op, arg] = Object.entries(alt)[0] ?? [];
        if (Object.keys(alt).length !== 1) throw new Error(`one operator per matcher, got ${JSON.stringify(alt)}`);
        switch (op) {
            case "prefix": return typeof v === "string" && typeof arg === "string" && v.startsWith(arg);
            case "anything-but": return v !== undefined && (Array.isArray(arg) ? !arg.includes(v as Json) : v !== arg);
            case "exists": return (v !== undefined) === arg;
            default: throw new Error(`operator ${op} is not modelled`);
        }
    }));
}

/** Whether `event` matches `pattern` (both parsed JSON). */
export function matches(pattern: { [k: string]: Json }, event: Json | undefined): boolean {
    if (event === undefined || event === null || typeof event !== "object") return false;
    if (Array.isArray(event)) return event.some((e) => matches(pattern, e));
    return Object.entries(pattern).every(([key, p]) => {
        if (key === "$or") {
            if (!Array.isArray(p)) throw new Error("$or takes a list of patterns");
            return p.some((sub) => matches(sub as { [k: string]: Json }, event));
        }
        const value = (event as { [k: string]: Json })[key];
        if (Array.isArray(p)) return leafMatches(p, value);
        if (p !== null && typeof p === "object") return matches(p as { [k: string]: Json }, value);
        throw new Error(`pattern field ${key} must be a list of matchers or a nested pattern`);
    });
}

/** An "ECS Task State Change" event of a stopped task (ECS developer guide, "Amazon ECS task state change events"). */
export function taskStoppedEvent(o: { clusterArn: string; taskDefinitionArn: string; exitCode?: number; stopCode?: string; region?: string; account?: string }): Json {
    return {
        version: "0",
        id: "3317b2af-7005-947d-b652-f55e762e571a",
        "detail-type": "ECS Task State Change",
        source: "aws.ecs",
        account: o.account ?? "123456789012",
        time: "2025-06-01T03:01:12Z",
        region: o.region ?? "us-east-1",
        resources: [`${o.clusterArn.replace(":cluster/", ":task/")}/0123456789abcdef0123456789abcdef`],
        detail: {
            clusterArn: o.clusterArn,
            taskArn: `${o.clusterArn.replace(":cluster/", ":task/")}/0123456789abcdef0123456789abcdef`,
            taskDefinitionArn: o.taskDefinitionArn,
            group: `family:${o.taskDefinitionArn.split("/").pop()!.split(":")[0]}`,
            lastStatus: "STOPPED",
            desiredStatus: "STOPPED",
            launchType: "FARGATE",
            stopCode: o.stopCode ?? "EssentialContainerExited",
            stoppedReason: o.stopCode === "TaskFailedToStart" ? "CannotPullContainerError: pull image manifest has been retried 5 time(s)" : "Essential container in task exited",
            stoppedAt: "2025-06-01T03:01:10.000Z",
            containers: [{
                containerArn: "arn:aws:ecs:us-east-1:123456789012:container/x",
                name: "app",
                lastStatus: "STOPPED",
                ...(o.exitCode === undefined ? { reason: "CannotPullContainerError" } : { exitCode: o.exitCode }),
            }],
        },
    };
}
