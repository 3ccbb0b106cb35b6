/**
 * The offline adapter: runs the policy pack's rule functions over a graph recorded by the SDK mock
 * engine, building the same arguments @pulumi/policy passes them (type, props, urn, name, opts; for
 * stack rules the resources with outputs, parents and dependencies) and collecting every
 * reportViolation call. No Pulumi CLI, no engine, no cloud.
 */
import type { EnforcementLevel, PolicyResource, PolicyResourceOptions, ReportViolation } from "@pulumi/policy";
import { rules as allRules } from "./rules";
import { ACCEPT_EXCEPTION, AcceptException, ProjectRule, ResourceRule, RuleCategory } from "./rules/util";

/** One resource of a plan: what the engine would register. */
export interface PlanResource {
    urn: string;
    type: string;
    name: string;
    parentUrn?: string;
    /** What the program passed (what validateResource sees). */
    inputs: Record<string, any>;
    /** What the provider returns, with `id` (what validateStack sees). */
    outputs: Record<string, any>;
    protect: boolean;
    retainOnDelete: boolean;
    ignoreChanges: string[];
    dependsOn: string[];
}

/** The shape tests/harness.ts records (kept structural so the policy folder does not import the tests). */
export interface RecordedLike {
    urn: string; type: string; name: string; inputs: Record<string, any>; state: Record<string, any>; id: string;
    dependsOn: string[]; parent?: string; parentType?: string; ignoreChanges: string[]; retainOnDelete: boolean; protect: boolean;
}

/** Plan resources from a recorded graph, with the URNs the harness computed as the engine does. */
export function toPlanResources(recorded: RecordedLike[]): PlanResource[] {
    const key = (type: string | undefined, name: string | undefined) => `${type}::${name}`;
    const byKey = new Map(recorded.map((r) => [key(r.type, r.name), r]));
    const byName = new Map<string, RecordedLike[]>();
    for (const r of recorded) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
    return recorded.map((r) => ({
        urn: r.urn,
        type: r.type,
        name: r.name,
        parentUrn: r.parent ? byKey.get(key(r.parentType, r.parent))?.urn : undefined,
        inputs: r.inputs,
        outputs: { ...r.state, id: r.id },
        protect: r.protect,
        retainOnDelete: r.retainOnDelete,
        ignoreChanges: r.ignoreChanges,
        // dependsOn is recorded by logical name; a name shared by several resources yields each.
        dependsOn: r.dependsOn.flatMap((n) => (byName.get(n) ?? []).map((d) => d.urn)).sort(),
    })).sort((a, b) => a.urn.localeCompare(b.urn));
}

export interface Finding {
    rule: string;
    category: RuleCategory;
    enforcementLevel: EnforcementLevel;
    source: string;
    /** The resource in violation; undefined when a stack rule blames the whole stack. */
    urn?: string;
    message: string;
}

/**
 * A resource a rule would have reported, accepted as a deliberate, named exception: a relaxation the
 * program asked for with its reason (e.g. `runAsRoot: { reason }`), or one the rule itself allows
 * (ECS Exec outside production). Neither passed nor violated; the plan lists it on its own.
 */
export interface AcceptedException {
    rule: string;
    category: RuleCategory;
    source: string;
    /** The resource; undefined when a stack rule accepts something of the whole stack. */
    urn?: string;
    reason: string;
}

export interface RuleOutcome {
    rule: string;
    description: string;
    category: RuleCategory;
    enforcementLevel: EnforcementLevel;
    source: string;
    /** How many resources it looked at (resource rules), or -1 for a stack rule. */
    checked: number;
    violations: number;
    /** How many resources it accepted as named exceptions (see `Evaluation.exceptions`). */
    exceptions: number;
    /**
     * Why the rule did not apply to this stack at all (a stack rule called `notApplicable`, or a
     * resource rule found no resource it applies to, or every one it looked at was not applicable):
     * such a rule is reported as not applicable, never as passed. Absent when the rule applied.
     */
    notApplicable?: string;
}

export interface Evaluation { findings: Finding[]; outcomes: RuleOutcome[]; exceptions: AcceptedException[] }

class NotApplicable extends Error {}
const notApplicable = (reason?: string): never => { throw new NotApplicable(reason); };

function options(r: PlanResource): PolicyResourceOptions {
    return {
        protect: r.protect,
        ignoreChanges: r.ignoreChanges,
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        parent: r.parentUrn,
    };
}

const isTypeOf = (type: string) => (cls: { new (...rest: any[]): unknown }) => (cls as unknown as { __pulumiType?: string }).__pulumiType === type;

function configOf(rule: ProjectRule): <T extends object>() => T {
    const defaults: Record<string, unknown> = {};
    for (const [k, schema] of Object.entries(rule.configSchema?.properties ?? {})) if ((schema as { default?: unknown }).default !== undefined) defaults[k] = (schema as { default?: unknown }).default;
    return <T extends object>() => defaults as T;
}

/** The stack's resources as validateStack receives them (outputs, parents, dependencies). */
function policyResources(resources: PlanResource[]): PolicyResource[] {
    const out = new Map<string, PolicyResource>();
    for (const r of resources) {
        out.set(r.urn, {
            type: r.type, props: r.outputs, urn: r.urn, name: r.name, opts: options(r), dependencies: [], propertyDependencies: {},
            isType: isTypeOf(r.type),
            asType: ((cls: { new (...rest: any[]): unknown }) => (isTypeOf(r.type)(cls) ? r.outputs : undefined)) as PolicyResource["asType"],
        });
    }
    for (const r of resources) {
        const pr = out.get(r.urn)!;
        pr.parent = r.parentUrn ? out.get(r.parentUrn) : undefined;
        pr.dependencies = r.dependsOn.map((u) => out.get(u)).filter((d): d is PolicyResource => d !== undefined);
    }
    return resources.map((r) => out.get(r.urn)!);
}

/** Runs `rules` over `resources` like the policy engine would: each resource rule per resource, each stack rule once. */
export async function evaluate(resources: PlanResource[], rules: ProjectRule[] = allRules): Promise<Evaluation> {
    const findings: Finding[] = [];
    const outcomes: RuleOutcome[] = [];
    const exceptions: AcceptedException[] = [];
    const stackResources = policyResources(resources);
    for (const rule of rules) {
        const level = rule.enforcementLevel ?? "advisory";
        if (level === "disabled") continue;
        const before = findings.length;
        const exceptionsBefore = exceptions.length;
        const reporter = (urn?: string): ReportViolation => (message, blamed) => {
            findings.push({ rule: rule.name, category: rule.category, enforcementLevel: level, source: rule.source, urn: urn ?? blamed, message });
        };
        const accepter = (urn?: string): AcceptException => (reason, blamed) => {
            exceptions.push({ rule: rule.name, category: rule.category, source: rule.source, urn: urn ?? blamed, reason });
        };
        let checked = -1;
        let notApplicableReason: string | undefined;
        if ("validateResource" in rule && rule.validateResource) {
            const validations = Array.isArray(rule.validateResource) ? rule.validateResource : [rule.validateResource];
            const applies = (rule as ResourceRule).appliesTo;
            let seen = 0;
            const reasons = new Set<string>();
            let applied = 0;
            for (const r of resources) {
                if (applies && !applies.includes(r.type)) continue;
                seen++;
                let skipped = 0;
                for (const validate of validations) {
                    try {
                        await validate({
                            type: r.type, props: r.inputs, urn: r.urn, name: r.name, opts: options(r), stackTags: new Map(),
                            isType: isTypeOf(r.type),
                            asType: ((cls: { new (...rest: any[]): unknown }) => (isTypeOf(r.type)(cls) ? r.inputs : undefined)) as never,
                            getConfig: configOf(rule), notApplicable, [ACCEPT_EXCEPTION]: accepter(r.urn),
                        } as never, reporter(r.urn));
                    } catch (e) {
                        if (!(e instanceof NotApplicable)) throw new Error(`rule ${rule.name} failed on ${r.urn}: ${(e as Error).message}`);
                        skipped++;
                        reasons.add(e.message || "not applicable");
                    }
                }
                if (skipped < validations.length) applied++;
            }
            // Only the resources the rule applied to count as checked: one it was not applicable to
            // is never reported as passed.
            checked = applied;
            if (applied === 0) notApplicableReason = seen === 0 ? `no resource of type ${(applies ?? ["any"]).join(", ")} in this stack` : [...reasons].join("; ");
        }
        if ("validateStack" in rule && rule.validateStack) {
            try {
                await rule.validateStack({ resources: stackResources, stackTags: new Map(), getConfig: configOf(rule), notApplicable, [ACCEPT_EXCEPTION]: accepter() } as never, reporter());
            } catch (e) {
                if (!(e instanceof NotApplicable)) throw new Error(`rule ${rule.name} failed: ${(e as Error).message}`);
                notApplicableReason = e.message || "not applicable";
            }
        }
        const violations = findings.length - before;
        const accepted = exceptions.length - exceptionsBefore;
        outcomes.push({
            rule: rule.name, description: rule.description, category: rule.category, enforcementLevel: level, source: rule.source, checked, violations, exceptions: accepted,
            ...(notApplicableReason !== undefined && violations === 0 && accepted === 0 ? { notApplicable: notApplicableReason } : {}),
        });
    }
    return { findings, outcomes, exceptions };
}

/** True when a mandatory rule is violated (the plan then exits non-zero, like `pulumi preview` would fail). */
export const blocks = (e: Pick<Evaluation, "findings"> & Partial<Evaluation>) => e.findings.some((f) => f.enforcementLevel === "mandatory");
