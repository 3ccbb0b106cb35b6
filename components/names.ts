/**
 * Naming rules for the physical names Pulumi derives from logical names.
 *
 * Pulumi auto-names a resource `<logical name>-<7 random chars>` (8 characters added). AWS limits:
 * - Application Load Balancer and target group names: at most 32 characters, alphanumerics and
 *   hyphens, not beginning or ending with a hyphen (Elastic Load Balancing API reference,
 *   CreateLoadBalancer / CreateTargetGroup `Name`).
 * - ECR repository names: lowercase (ECR API reference, CreateRepository `repositoryName`).
 * - IAM role names: at most 64 characters (IAM quotas).
 */

export const AUTONAME_SUFFIX_LENGTH = 8;
export const ELB_NAME_MAX = 32;
export const IAM_ROLE_NAME_MAX = 64;

/** The component-name rule every component enforces, so every derived physical name is valid. */
export const COMPONENT_NAME_PATTERN = /^[a-z][a-z0-9-]*[a-z0-9]$/;

/** Throws when a component name cannot yield valid physical names for its children. */
export function assertComponentName(kind: string, name: string, longestSuffix: string, limit: number): void {
    const problems: string[] = [];
    if (!COMPONENT_NAME_PATTERN.test(name)) {
        problems.push("it must be lowercase letters, digits and hyphens, start with a letter and not end with a hyphen");
    }
    const longest = name.length + longestSuffix.length + AUTONAME_SUFFIX_LENGTH;
    if (longest > limit) {
        problems.push(
            `the child "${name}${longestSuffix}" would get a ${longest}-character AWS name (Pulumi adds ${AUTONAME_SUFFIX_LENGTH}) ` +
                `but the limit is ${limit}; use at most ${limit - longestSuffix.length - AUTONAME_SUFFIX_LENGTH} characters`,
        );
    }
    if (problems.length > 0) throw new Error(`${kind} name "${name}": ${problems.join("; ")}`);
}
