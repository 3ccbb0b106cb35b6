/**
 * The image tag: a hash of everything a build's result depends on, so the tag changes exactly when
 * the image can change, and the same tree gets the same tag wherever it is checked out.
 *
 * What Docker receives (BuildKit's file sync of the context, after `.dockerignore`, see
 * dockerignore.ts) plus what the build itself reads:
 * - every file, directory and symlink sent: its context-relative path, its type, its permission bits
 *   (`COPY` keeps them in the image: a `chmod +x` changes the image) and its bytes (a symlink: its
 *   target, which is what Docker sends; it does not follow it);
 * - the Dockerfile's bytes and the ignore file's bytes, which Docker reads even when they are listed
 *   in `.dockerignore` (then `COPY` does not see them, but they still shape the build);
 * - the build arguments and the target platform.
 * Not included: absolute paths (a checkout at another path gets the same tag), file owners (BuildKit
 * `COPY` makes files root-owned unless `--chown`), and modification times: git does not keep them,
 * so every fresh checkout would otherwise get a new tag. Two builds of one tag can therefore differ
 * in file times inside the image; they never differ in content, modes or build settings.
 */
import { createHash, Hash } from "node:crypto";
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { DockerignoreMatcher, readDockerignore } from "./dockerignore";
import { RELEASE_TAG_PREFIX } from "./image-tags";

/** Bumped when the hashed fields change, so a new scheme never reuses an old tag for other bytes. */
const SCHEME = "fargatekit-image-tag/1";

/** The ignore file Docker uses for this Dockerfile: `<Dockerfile>.dockerignore` first, else `<context>/.dockerignore`. */
export function ignoreFileFor(context: string, dockerfile: string): string | undefined {
    const specific = `${resolve(context, dockerfile)}.dockerignore`;
    if (existsSync(specific) && statSync(specific).isFile()) return specific;
    const general = join(context, ".dockerignore");
    return existsSync(general) && statSync(general).isFile() ? general : undefined;
}

/** One entry of the build context as Docker sends it. */
export interface ContextEntry {
    /** Slash-separated path relative to the context root. */
    path: string;
    type: "file" | "dir" | "symlink" | "other";
    /** Permission bits (`mode & 0o7777`); 0 for symlinks, whose own mode Linux does not use. */
    mode: number;
}

/**
 * Every entry Docker sends for `context` with this Dockerfile, sorted by path. A directory is sent
 * when it is not excluded, or when an `!` exception re-includes something inside it.
 */
export function contextEntries(context: string, dockerfile = "Dockerfile"): ContextEntry[] {
    const ignoreFile = ignoreFileFor(context, dockerfile);
    const matcher = new DockerignoreMatcher(ignoreFile ? readDockerignore(readFileSync(ignoreFile, "utf8")) : [], ignoreFile ?? ".dockerignore");
    const walk = (dir: string): ContextEntry[] => {
        const found: ContextEntry[] = [];
        for (const name of readdirSync(dir).sort()) {
            const full = join(dir, name);
            const path = relative(context, full).split(sep).join("/");
            const excluded = matcher.excludes(path);
            const st = lstatSync(full);
            if (st.isDirectory()) {
                // Without exceptions nothing below an excluded directory can come back: skip it whole.
                if (excluded && !matcher.hasExceptions) continue;
                const inside = walk(full);
                if (!excluded || inside.length > 0) found.push({ path, type: "dir", mode: st.mode & 0o7777 }, ...inside);
            } else if (!excluded) {
                const type = st.isSymbolicLink() ? "symlink" : st.isFile() ? "file" : "other";
                found.push({ path, type, mode: type === "symlink" ? 0 : st.mode & 0o7777 });
            }
        }
        return found;
    };
    return walk(context).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function field(hash: Hash, label: string, value: string | Buffer): void {
    const bytes = typeof value === "string" ? Buffer.from(value) : value;
    hash.update(`${label}:${bytes.length}:`).update(bytes).update("\n");
}

/**
 * A hex SHA-256 of the build context as Docker receives it: entries, modes, contents, plus the
 * Dockerfile and ignore-file bytes. Paths are relative, so the checkout location does not matter.
 */
export function sourceHash(context: string, dockerfile = "Dockerfile"): string {
    const root = resolve(context);
    const hash = createHash("sha256");
    field(hash, "scheme", SCHEME);
    field(hash, "dockerfile", readFileSync(resolve(root, dockerfile)));
    const ignoreFile = ignoreFileFor(root, dockerfile);
    field(hash, "dockerignore", ignoreFile ? readFileSync(ignoreFile) : "");
    for (const e of contextEntries(root, dockerfile)) {
        field(hash, "entry", `${e.type} ${e.mode.toString(8)} ${e.path}`);
        const full = join(root, ...e.path.split("/"));
        if (e.type === "file") field(hash, "bytes", readFileSync(full));
        else if (e.type === "symlink") field(hash, "target", readlinkSync(full));
    }
    return hash.digest("hex");
}

/** What, besides the context, decides the image. */
export interface ImageTagInputs {
    /** The build context directory. */
    context: string;
    /** The Dockerfile, relative to the context. @default "Dockerfile" */
    dockerfile?: string;
    /** The target platform, e.g. `linux/amd64`. */
    platform: string;
    /** Build arguments (`ARG` values). */
    buildArgs?: Record<string, string>;
}

/** The release tag for these inputs: `img-<16 hex>`. Same inputs, same tag, at any path. */
export function imageTag(inputs: ImageTagInputs): string {
    const hash = createHash("sha256");
    field(hash, "context", sourceHash(inputs.context, inputs.dockerfile));
    field(hash, "platform", inputs.platform);
    const args = Object.entries(inputs.buildArgs ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    field(hash, "buildArgs", JSON.stringify(args));
    return `${RELEASE_TAG_PREFIX}${hash.digest("hex").slice(0, 16)}`;
}
