/** Field schemas the stack config's keys share. */
import { z } from "zod";
import { fargateSizeProblem, kmsKeyProblems, LOG_RETENTION_DAYS, parseSecretArn, SECRET_ARN_FORMS } from "fargatekit";

/** An integer in [lo, hi]. */
export const int = (lo: number, hi: number) => z.number().int().min(lo).max(hi);

/** One of a TypeScript string enum's values, typed as that enum. */
export const enumOf = <T extends Record<string, string>>(e: T) => z.enum(Object.values(e) as [string, ...string[]]) as unknown as z.ZodType<T[keyof T]>;

/** An environment variable name. */
export const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name: letters, digits and _, not starting with a digit");

/** ARNs of the customer-managed KMS keys of a container's secrets (checked by containerProblems). */
export const kmsKeyArns = z.array(z.string()).default([]);

/** A retention CloudWatch Logs accepts (PutRetentionPolicy). */
export const logRetention = z.number().refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), {
    message: `one of ${LOG_RETENTION_DAYS.join(", ")} (days CloudWatch Logs offers)`,
});

/**
 * The rules over one container's config that need more than one field: a Fargate cpu/memory pair,
 * full secret ARNs, no variable both plain and secret, and KMS key ARNs only for injected secrets.
 * `key(field)` names a field for messages; `environmentKey` is how the environment is named in them.
 */
export function containerProblems(
    key: (field: string) => string,
    environmentKey: string,
    c: { cpu: number; memory: number; secrets: Record<string, string>; environment: Record<string, string>; secretsKmsKeyArns: string[] },
): string[] {
    const p: string[] = [];
    const size = fargateSizeProblem(c.cpu, c.memory);
    if (size) p.push(`${key("cpu")}/${key("memory")}: got ${c.cpu}/${c.memory}; ${size}`);
    for (const [name, valueFrom] of Object.entries(c.secrets)) {
        if (!parseSecretArn(valueFrom)) p.push(`${key(`secrets.${name}`)}: got "${valueFrom}"; allowed: ${SECRET_ARN_FORMS}`);
        if (name in c.environment) p.push(`${key(`secrets.${name}`)}: also set in ${environmentKey}; a variable comes from one place`);
    }
    p.push(...kmsKeyProblems(key("secretsKmsKeyArns"), c.secretsKmsKeyArns, Object.values(c.secrets)));
    return p;
}
