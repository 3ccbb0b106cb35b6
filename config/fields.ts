/** Field schemas the stack config's keys share. */
import { z } from "zod";
import { LOG_RETENTION_DAYS } from "fargatekit";

/** An integer in [lo, hi]. */
export const int = (lo: number, hi: number) => z.number().int().min(lo).max(hi);

/** One of a TypeScript string enum's values, typed as that enum. */
export const enumOf = <T extends Record<string, string>>(e: T) => z.enum(Object.values(e) as [string, ...string[]]) as unknown as z.ZodType<T[keyof T]>;

/** An environment variable name. */
export const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a valid environment variable name");

/** A retention CloudWatch Logs accepts (PutRetentionPolicy). */
export const logRetention = z.number().refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), {
    message: `must be one of ${LOG_RETENTION_DAYS.join(", ")}`,
});
