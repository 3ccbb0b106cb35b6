/** Helpers for the policy and plan specs: committed graphs as plan resources, and mutations of them. */
import { PlanResource, toPlanResources } from "../policy/adapter";
import { committedStack } from "./harness";

export async function planResources(stack: "dev" | "prod"): Promise<PlanResource[]> {
    return toPlanResources((await committedStack(stack)).resources);
}

/** A deep copy with `fn` applied to the inputs and the outputs of every resource of `type` (named `name`, if given). */
export function mutate(resources: PlanResource[], type: string, name: string | undefined, fn: (props: Record<string, any>) => void): PlanResource[] {
    const copy = structuredClone(resources);
    const hits = copy.filter((r) => r.type === type && (name === undefined || r.name === name));
    if (hits.length === 0) throw new Error(`no ${type} ${name ?? ""} to mutate`);
    for (const r of hits) { fn(r.inputs); fn(r.outputs); }
    return copy;
}

/** Edits the containers of a task definition's JSON `containerDefinitions`. */
export const containers = (fn: (c: Record<string, any>) => void) => (p: Record<string, any>) => {
    const list = JSON.parse(p.containerDefinitions);
    list.forEach(fn);
    p.containerDefinitions = JSON.stringify(list);
};

/** A resource that is not in the program (schedules, queues before they exist in a stack). */
export function synthetic(type: string, name: string, inputs: Record<string, any>, outputs: Record<string, any> = {}): PlanResource {
    return { urn: `urn:pulumi:test::webapp::${type}::${name}`, type, name, inputs, outputs: { ...inputs, ...outputs, id: `${name}-id` }, protect: false, retainOnDelete: false, ignoreChanges: [], dependsOn: [] };
}
