/**
 * Pulumi's URNs and aliases, as the engine computes them, for the stable-URN test (tests/urns.spec.ts).
 *
 * A URN is `urn:pulumi:<stack>::<project>::<qualified type>::<name>`, where the qualified type is the
 * chain of parent types joined by `$` ending in the resource's own type; the root stack resource is
 * never part of the chain (Pulumi Go SDK, package `resource/urn`; Node SDK `createUrn`, which builds
 * the prefix from the parent's URN up to its last `::` followed by `$`). The SDK's mock monitor only
 * keeps the parent's last type segment, so the harness computes URNs here instead of trusting it.
 *
 * The engine treats a resource whose URN changed as a delete plus a create (a replacement) unless
 * the resource declares `aliases` that produce the old URN. A component's aliases carry over to its
 * children: a child whose name starts with the component's name gets the component's old name as
 * prefix, under the component's old type chain (Node SDK `inheritedChildAlias`).
 */

export const STACK_TYPE = "pulumi:pulumi:Stack";

/** One identity of a resource: its type chain and name (what a URN encodes for one stack). */
export interface Identity {
    qualifiedType: string;
    name: string;
}

/** A resource's current identity and its former ones (from its own and its ancestors' aliases). */
export interface UrnNode extends Identity {
    type: string;
    aliases: Identity[];
}

export function urnOf(stack: string, project: string, id: Identity): string {
    return `urn:pulumi:${stack}::${project}::${id.qualifiedType}::${id.name}`;
}

/** `{ stack, project, qualifiedType, name }` of a URN; undefined when it is not one. */
export function parseUrn(urn: string): ({ stack: string; project: string } & Identity) | undefined {
    const m = /^urn:pulumi:([^:]*)::([^:]*)::(.+?)::(.*)$/.exec(urn);
    return m ? { stack: m[1], project: m[2], qualifiedType: m[3], name: m[4] } : undefined;
}

/** The last type of a qualified type (`a$b$aws:ec2/vpc:Vpc` → `aws:ec2/vpc:Vpc`). */
export const baseType = (qualifiedType: string) => qualifiedType.split("$").pop()!;

/** What an `aliases` entry of a resource's options may hold (pulumi.Alias, or a URN string). */
export interface AliasSpec {
    name?: unknown;
    type?: unknown;
    parent?: unknown;
    stack?: unknown;
    project?: unknown;
    noParent?: unknown;
}

/**
 * The node of a resource given its type, name, parent node (undefined at the top) and its `aliases`
 * option. `nodeOfParent` maps a resource object named by an alias's `parent` to its node. Aliases
 * whose values are Outputs, or that point to another stack or project, cannot name a URN of this
 * stack and are skipped.
 */
export function nodeFor(
    type: string,
    name: string,
    parent: UrnNode | undefined,
    aliases: readonly unknown[] | undefined,
    ctx: { stack: string; project: string; nodeOfParent(parent: unknown): UrnNode | undefined },
): UrnNode {
    const chain = (p: Identity | undefined, t: string) => (p ? `${p.qualifiedType}$${t}` : t);
    const own: Identity[] = [];
    for (const a of aliases ?? []) {
        if (typeof a === "string") {
            const parsed = parseUrn(a);
            if (parsed && parsed.stack === ctx.stack && parsed.project === ctx.project) own.push({ qualifiedType: parsed.qualifiedType, name: parsed.name });
            continue;
        }
        if (!a || typeof a !== "object") continue;
        const spec = a as AliasSpec;
        if ((spec.stack !== undefined && spec.stack !== ctx.stack) || (spec.project !== undefined && spec.project !== ctx.project)) continue;
        const aliasName = spec.name === undefined ? name : spec.name;
        const aliasType = spec.type === undefined ? type : spec.type;
        if (typeof aliasName !== "string" || typeof aliasType !== "string") continue;
        let aliasParent: Identity | undefined = parent;
        // `{ parent: pulumi.rootStackResource }` (an own `parent` key that is undefined) is the SDK's
        // way to say noParent (Node SDK `mapAliasesForRequest`).
        if (spec.noParent === true || (Object.prototype.hasOwnProperty.call(spec, "parent") && spec.parent === undefined)) aliasParent = undefined;
        else if (typeof spec.parent === "string") {
            const parsed = parseUrn(spec.parent);
            aliasParent = parsed && baseType(parsed.qualifiedType) !== STACK_TYPE ? parsed : undefined;
        } else if (spec.parent !== undefined) {
            const node = ctx.nodeOfParent(spec.parent);
            if (!node) continue;
            aliasParent = node;
        }
        own.push({ qualifiedType: chain(aliasParent, aliasType), name: aliasName });
    }
    // Every former identity of the parent yields one of the child (its name prefix follows the parent's).
    const inherited: Identity[] = [];
    for (const pa of parent?.aliases ?? []) {
        const childName = name.startsWith(parent!.name) ? pa.name + name.slice(parent!.name.length) : name;
        inherited.push({ qualifiedType: chain(pa, type), name: childName });
    }
    const current = { qualifiedType: chain(parent, type), name };
    const seen = new Set([`${current.qualifiedType}::${name}`]);
    const all = [...own, ...inherited].filter((i) => {
        const key = `${i.qualifiedType}::${i.name}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
    });
    return { ...current, type, aliases: all };
}

export interface UrnDiff {
    /** In the snapshot, gone from the program, and no alias of a current resource names them: replacements. */
    vanished: string[];
    /** In the snapshot, gone, but a current resource's alias names them: safe renames. */
    aliased: { from: string; to: string }[];
    /** New in the program (other than the targets of `aliased`). */
    appeared: string[];
}

/** Compares a snapshot with the current URNs and their aliases (`urn → alias urns`). */
export function diffUrns(snapshot: readonly string[], current: ReadonlyMap<string, readonly string[]>): UrnDiff {
    const now = new Set(current.keys());
    const before = new Set(snapshot);
    const aliasTarget = new Map<string, string>();
    for (const [urn, aliases] of current) for (const a of aliases) if (!aliasTarget.has(a)) aliasTarget.set(a, urn);
    const vanished: string[] = [];
    const aliased: { from: string; to: string }[] = [];
    for (const urn of [...before].sort()) {
        if (now.has(urn)) continue;
        const to = aliasTarget.get(urn);
        if (to) aliased.push({ from: urn, to });
        else vanished.push(urn);
    }
    const aliasTargets = new Set(aliased.map((a) => a.to));
    const appeared = [...now].filter((u) => !before.has(u) && !aliasTargets.has(u)).sort();
    return { vanished, aliased, appeared };
}

/**
 * A hint per vanished URN: the `aliases` entry that would keep it, when an appeared URN looks like
 * its new identity (same type under the same parents with another name, or same name and type under
 * other parents). Components first: one alias on a renamed component covers its children.
 */
export function aliasHints(diff: UrnDiff): string[] {
    const hints: string[] = [];
    const covered = new Set<string>();
    const parsedAppeared = diff.appeared.map((u) => ({ urn: u, ...parseUrn(u)! }));
    const vanished = diff.vanished.map((u) => ({ urn: u, ...parseUrn(u)! }))
        .sort((a, b) => a.qualifiedType.split("$").length - b.qualifiedType.split("$").length);
    for (const v of vanished) {
        if (covered.has(v.urn)) continue;
        const parentChain = (q: string) => q.split("$").slice(0, -1).join("$");
        const sameType = parsedAppeared.filter((a) => baseType(a.qualifiedType) === baseType(v.qualifiedType));
        const renamed = sameType.find((a) => a.qualifiedType === v.qualifiedType);
        const moved = sameType.find((a) => a.name === v.name);
        if (renamed) {
            hints.push(`${v.urn}\n      looks renamed to "${renamed.name}": on that resource add  aliases: [{ name: "${v.name}" }]`);
            // Children that follow the component's name are covered by the component's alias.
            for (const c of vanished) {
                if (c.qualifiedType.startsWith(`${v.qualifiedType}$`) && c.name.startsWith(v.name)) covered.add(c.urn);
            }
        } else if (moved) {
            const was = parentChain(v.qualifiedType);
            hints.push(`${v.urn}\n      looks moved from parent chain "${was || "(the stack)"}" to "${parentChain(moved.qualifiedType) || "(the stack)"}": on "${v.name}" add  ` +
                (was ? `aliases: [{ parent: <the old parent resource> }]  (or  aliases: ["${v.urn}"])` : "aliases: [{ noParent: true }]"));
        } else {
            hints.push(`${v.urn}\n      no new resource looks like it: if it was renamed, add  aliases: ["${v.urn}"]  to its new definition`);
        }
    }
    return hints;
}
