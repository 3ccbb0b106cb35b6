/**
 * The component package as others get it, for the package specs (`npm run test:package`): packed
 * once per test process with `npm pack`, and installed into projects in temp dirs outside the source
 * tree. Offline: a consumer's @pulumi/* peers and @types come from this repository's node_modules
 * through symlinks (the tarball brings none of its own).
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";

export const root = path.join(__dirname, "..");
export const componentsDir = path.join(root, "components");
export const npm = process.platform === "win32" ? "npm.cmd" : "npm";
export const run = promisify(execFile);

export interface Packed {
    /** The temp dir holding the tarball (removed when the process exits). */
    dir: string;
    tarball: string;
    /** Paths inside the tarball (`package/` stripped). */
    files: string[];
}

let packed: Packed | undefined;
/** Packs components/ (its prepack builds bin/) once per process. */
export function packOnce(): Packed {
    if (packed) return packed;
    const dir = mkdtempSync(path.join(tmpdir(), "fargatekit-pack-"));
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
    const out = execFileSync(npm, ["pack", "--json", "--pack-destination", dir], { cwd: componentsDir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    const info = JSON.parse(out)[0] as { filename: string; files: { path: string }[] };
    packed = { dir, tarball: path.join(dir, info.filename), files: info.files.map((f) => f.path).sort() };
    return packed;
}

/**
 * Installs the packed tarball into `project` (offline, no lockfile) and links what a consumer
 * installs itself (the @pulumi/* peers, @types/*, typescript) from this checkout.
 */
export function installPacked(project: string): void {
    const { tarball } = packOnce();
    execFileSync(npm, ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--legacy-peer-deps", "--no-package-lock", "--no-save", tarball], { cwd: project, stdio: "pipe" });
    for (const scope of ["@pulumi", "@types", "typescript"]) symlinkSync(path.join(root, "node_modules", scope), path.join(project, "node_modules", scope), "dir");
}

/** The repository's own TypeScript compiler (a consumer's devDependency). */
export const tscPath = () => require.resolve("typescript/bin/tsc", { paths: [root] });
