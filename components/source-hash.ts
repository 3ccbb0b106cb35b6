import { createHash } from "node:crypto";
import { readdirSync, readFileSync, existsSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";

/**
 * A content hash of a Docker build context: every file's relative path and bytes, in sorted order,
 * skipping what `.dockerignore` excludes (patterns anchored at the context root, `*`, `?` and `**`;
 * `!` exceptions are not honoured, so such files are hashed, which errs towards a new tag) and `.git`.
 * Hashing too much only costs a rebuild; hashing too little could give two different builds one tag,
 * which an immutable repository refuses. Used as the image tag, so the same source always gets the
 * same tag.
 */
export function sourceHash(context: string): string {
    const ignore = readIgnore(context);
    const hash = createHash("sha256");
    const files: string[] = [];
    const walk = (dir: string) => {
        for (const entry of readdirSync(dir, { withFileTypes: true })) {
            const full = join(dir, entry.name);
            const rel = relative(context, full).split(sep).join("/");
            if (ignore.some((re) => re.test(rel))) continue;
            if (entry.isDirectory()) walk(full);
            else if (entry.isFile()) files.push(rel);
        }
    };
    walk(context);
    for (const rel of files.sort()) {
        hash.update(rel).update("\0").update(readFileSync(join(context, rel))).update("\0");
    }
    return hash.digest("hex");
}

const ALWAYS_IGNORED = [".git"];

function readIgnore(context: string): RegExp[] {
    const file = join(context, ".dockerignore");
    const patterns = existsSync(file) && statSync(file).isFile() ? readFileSync(file, "utf8").split(/\r?\n/) : [];
    return [...ALWAYS_IGNORED, ...patterns]
        .map((p) => p.trim())
        .filter((p) => p && !p.startsWith("#") && !p.startsWith("!"))
        .map((p) => {
            const body = p.replace(/^\.\//, "").replace(/^\/+/, "").replace(/\/+$/, "");
            const re = body
                .split("/")
                .map((seg) => (seg === "**" ? ".*" : seg.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]")))
                .join("/");
            return new RegExp(`^${re}(?:/.*)?$`);
        });
}
