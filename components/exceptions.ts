/**
 * Deliberate exceptions to a secure default, as the components record them and the policy pack reads
 * them: the task definition carries a tag `fargatekit:exception:<rule>` whose value is the reason,
 * and the rule named in the key reports that resource as an accepted exception (with the reason)
 * instead of a violation. Pure: no Pulumi imports, so the policy pack can read it from source.
 */

/** Tag-key prefix of an accepted exception; the rest of the key is the policy rule's name. */
export const EXCEPTION_TAG_PREFIX = "fargatekit:exception:";

/** The policy rules a component may record an exception to (names as in policy/rules). */
export enum ExceptionRule {
    /** The container runs as root (`runAsRoot`). */
    NonRoot = "ecs-non-privileged-non-root",
    /** The container's root filesystem is writable (`writableRootFilesystem`). */
    ReadonlyRoot = "ecs-readonly-root-filesystem",
}

/** A deliberate relaxation of a secure default, with the reason a reviewer reads in the plan. */
export interface SecurityExceptionArgs {
    /**
     * Why the relaxation is needed, e.g. "the official nginx image starts as root to bind port 80".
     * It becomes a tag value, so AWS's tag rules apply: 1–256 characters, letters, digits, spaces
     * and `_ . : / = + - @` (no commas or quotes).
     */
    reason: string;
}

/** The tag key recording an exception to `rule`. */
export const exceptionTagKey = (rule: ExceptionRule | string) => `${EXCEPTION_TAG_PREFIX}${rule}`;

/**
 * AWS tag values: at most 256 Unicode characters; letters, numbers and spaces representable in
 * UTF-8, and `_ . : / = + - @` (Tagging AWS resources, "Tag naming limits and requirements"; ECS
 * "Tagging your Amazon ECS resources" → restrictions). An exception needs a non-blank reason.
 */
export const TAG_VALUE_PATTERN = /^[\p{L}\p{N}\p{Zs}_.:/=+\-@]{1,256}$/u;

/** A problem with an exception's reason (`key` names the argument), or undefined when it is fine. */
export function exceptionReasonProblem(key: string, exception: SecurityExceptionArgs | undefined): string | undefined {
    if (exception === undefined) return undefined;
    const reason = exception.reason;
    if (typeof reason !== "string" || reason.trim().length === 0) return `${key}.reason: required — say why, it shows in the plan as an accepted exception`;
    if (!TAG_VALUE_PATTERN.test(reason)) {
        return `${key}.reason: got ${JSON.stringify(reason)}; allowed: 1–256 letters, digits, spaces and _ . : / = + - @ (it is stored as an AWS tag value)`;
    }
    return undefined;
}

/** The reason recorded for `rule` in a resource's tags, if any. */
export function exceptionReason(tags: Record<string, unknown> | undefined, rule: ExceptionRule | string): string | undefined {
    const value = tags?.[exceptionTagKey(rule)];
    return typeof value === "string" && value.trim().length > 0 ? value : undefined;
}
