/**
 * `.dockerignore` as Docker reads it, so the image tag covers exactly the files Docker sends.
 *
 * Semantics (Docker docs, "Build context" › ".dockerignore files"; behaviour of the moby
 * `patternmatcher` and `patternmatcher/ignorefile` packages that BuildKit's file sync uses):
 * - Which file: `<Dockerfile path>.dockerignore` next to the Dockerfile wins over
 *   `<context>/.dockerignore`; at most one of them applies.
 * - Reading: a UTF-8 BOM on the first line is dropped; a line starting with `#` is a comment (checked
 *   before trimming); lines are trimmed; blank lines are skipped; `!` marks an exception; each pattern
 *   is cleaned like Go's `filepath.Clean` and a leading `/` is dropped (patterns are relative to the
 *   context root).
 * - Matching: patterns are anchored at the context root. `*` is any run of characters but `/`, `?`
 *   one character but `/`, `**` any number of directories (also none), `[...]` a character class,
 *   `\` escapes. A pattern that matches a parent directory matches everything below it.
 * - Order: the last pattern that matches decides; `!` patterns re-include what earlier ones excluded.
 *   A path is excluded when, going through the patterns in order, it ends up matched.
 * - A malformed pattern (unclosed `[`, a lone `!`) fails the build, so it fails here too.
 */

/** Go's `filepath.Clean` for slash-separated paths. */
export function cleanPath(p: string): string {
    if (p === "") return ".";
    const rooted = p.startsWith("/");
    const out: string[] = [];
    for (const seg of p.split("/")) {
        if (seg === "" || seg === ".") continue;
        if (seg === "..") {
            if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
            else if (!rooted) out.push("..");
            continue;
        }
        out.push(seg);
    }
    const joined = (rooted ? "/" : "") + out.join("/");
    return joined === "" ? "." : joined;
}

/** The patterns of a `.dockerignore` file's text, normalised the way Docker reads them. */
export function readDockerignore(text: string): string[] {
    const patterns: string[] = [];
    text.split("\n").forEach((raw, i) => {
        let line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
        if (i === 0 && line.startsWith("\uFEFF")) line = line.slice(1);
        if (line.startsWith("#")) return;
        let pattern = line.trim();
        if (pattern === "") return;
        const invert = pattern.startsWith("!");
        if (invert) pattern = pattern.slice(1).trim();
        if (pattern.length > 0) {
            pattern = cleanPath(pattern);
            if (pattern.length > 1 && pattern.startsWith("/")) pattern = pattern.slice(1);
        }
        patterns.push(invert ? `!${pattern}` : pattern);
    });
    return patterns;
}

type MatchKind = "exact" | "prefix" | "suffix" | "regexp";

interface Pattern {
    text: string;
    exclusion: boolean;
    kind: MatchKind;
    regexp?: RegExp;
}

/** Why a pattern is malformed for Go's `filepath.Match` (which Docker uses to validate), or undefined. */
function syntaxError(p: string): string | undefined {
    const chars = [...p];
    for (let i = 0; i < chars.length; i++) {
        const c = chars[i];
        if (c === "\\") {
            if (i + 1 >= chars.length) return "ends with an unescaped \\";
            i++;
        } else if (c === "[") {
            i++;
            if (chars[i] === "^") i++;
            let ranges = 0;
            for (;;) {
                if (i >= chars.length) return "has an unclosed [";
                if (chars[i] === "]" && ranges > 0) break;
                // lo [ '-' hi ]: an unescaped '-' or ']' cannot be an end point.
                for (const end of [0, 1]) {
                    if (end === 1) {
                        if (chars[i] !== "-") break;
                        i++;
                    }
                    if (i >= chars.length) return "has an unclosed [";
                    if (chars[i] === "-" || chars[i] === "]") return "has an empty or malformed range in [...]";
                    if (chars[i] === "\\") i++;
                    if (i >= chars.length) return "has an unclosed [";
                    i++;
                }
                ranges++;
            }
        }
    }
    return undefined;
}

const REGEXP_SPECIAL = new Set([..."().+|{}$"]);

/** Compiles a cleaned pattern the way Docker's matcher does (including its fast paths). */
function compile(text: string): { kind: MatchKind; regexp?: RegExp } {
    let source = "^";
    let kind: MatchKind = "exact";
    const chars = [...text];
    for (let i = 0, n = 0; i < chars.length; i++, n++) {
        const c = chars[i];
        if (c === "*") {
            if (chars[i + 1] === "*") {
                i++;
                if (chars[i + 1] === "/") i++;
                if (i + 1 >= chars.length) {
                    // A trailing "**" accepts everything below, like .gitignore.
                    if (kind === "exact") kind = "prefix";
                    else {
                        source += ".*";
                        kind = "regexp";
                    }
                } else {
                    source += "(.*/)?";
                    kind = "regexp";
                }
                if (n === 0) kind = "suffix";
            } else {
                source += "[^/]*";
                kind = "regexp";
            }
        } else if (c === "?") {
            source += "[^/]";
            kind = "regexp";
        } else if (REGEXP_SPECIAL.has(c)) {
            source += `\\${c}`;
        } else if (c === "\\") {
            if (i + 1 < chars.length) {
                source += `\\${chars[++i]}`;
                kind = "regexp";
            } else source += "\\\\";
        } else if (c === "[" || c === "]") {
            source += c;
            kind = "regexp";
        } else {
            source += c;
        }
    }
    return kind === "regexp" ? { kind, regexp: new RegExp(`${source}$`) } : { kind };
}

function matches(p: Pattern, path: string): boolean {
    switch (p.kind) {
        case "exact": return path === p.text;
        case "prefix": return path.startsWith(p.text.slice(0, -2));
        case "suffix": {
            const suffix = p.text.slice(2);
            return path.endsWith(suffix) || (suffix.startsWith("/") && path === suffix.slice(1));
        }
        case "regexp": return p.regexp!.test(path);
    }
}

/** A `.dockerignore` pattern list, answering "does Docker leave this path out of the context?". */
export class DockerignoreMatcher {
    private readonly patterns: Pattern[] = [];
    /** True when some pattern is a `!` exception (then excluded directories must still be searched). */
    public readonly hasExceptions: boolean;

    /** Throws one error listing every malformed pattern; `source` names the file in the message. */
    constructor(patterns: readonly string[], source = ".dockerignore") {
        const problems: string[] = [];
        for (const raw of patterns) {
            let p = raw.trim();
            if (p === "") continue;
            p = cleanPath(p);
            let exclusion = false;
            if (p.startsWith("!")) {
                if (p.length === 1) {
                    problems.push(`"${raw}" is a lone "!" (Docker: illegal exclusion pattern)`);
                    continue;
                }
                exclusion = true;
                p = p.slice(1);
            }
            const error = syntaxError(p);
            if (error) {
                problems.push(`"${raw}" ${error}`);
                continue;
            }
            this.patterns.push({ text: p, exclusion, ...compile(p) });
        }
        if (problems.length > 0) throw new Error(`${source}: ${problems.join("; ")}; Docker refuses such patterns (Go filepath.Match syntax)`);
        this.hasExceptions = this.patterns.some((p) => p.exclusion);
    }

    /** Whether Docker leaves the slash-separated, context-relative `path` out of the build context. */
    excludes(path: string): boolean {
        const parents = path.split("/").slice(0, -1);
        let matched = false;
        for (const p of this.patterns) {
            // An exception only matters once something matched; a plain pattern only until then.
            if (p.exclusion !== matched) continue;
            let hit = matches(p, path);
            for (let i = 1; !hit && i <= parents.length; i++) hit = matches(p, parents.slice(0, i).join("/"));
            if (hit) matched = !p.exclusion;
        }
        return matched;
    }
}
