/**
 * The two argument checks every component makes, with one wording: `<key>: got <value>; allowed: …`.
 * Each appends to the component's list of problems, so all of them are reported at once.
 */

/** Adds a problem when `value` is set and is not an integer from `lo` to `hi`. */
export function checkInteger(problems: string[], key: string, value: number | undefined, lo: number, hi: number): void {
    if (value !== undefined && (!Number.isInteger(value) || value < lo || value > hi)) {
        problems.push(`${key}: got ${value}; allowed: an integer ${lo}–${hi}`);
    }
}

/** Adds a problem when `value` is set and is not one of a string enum's values. */
export function checkEnum(problems: string[], key: string, value: string | undefined, allowed: Record<string, string>): void {
    const values = Object.values(allowed);
    if (value !== undefined && !values.includes(value)) problems.push(`${key}: got "${value}"; allowed: ${values.join(", ")}`);
}
