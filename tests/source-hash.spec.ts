/**
 * The image tag's inputs: the build context exactly as Docker sends it (.dockerignore semantics,
 * modes, symlinks, empty directories), the Dockerfile and ignore-file bytes, build args, platform.
 */
import { strict as assert } from "node:assert";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { contextEntries, DockerignoreMatcher, ignoreFileFor, imageTag, readDockerignore, sourceHash } from "fargatekit";

const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A context directory with these files (path → content); modes 0644, directories 0755. */
function tree(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), "ctx-"));
    made.push(dir);
    for (const [rel, content] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, rel)), { recursive: true, mode: 0o755 });
        writeFileSync(join(dir, rel), content, { mode: 0o644 });
        chmodSync(join(dir, rel), 0o644);
    }
    return dir;
}
const sent = (dir: string, dockerfile?: string) => contextEntries(dir, dockerfile).map((e) => (e.type === "dir" ? `${e.path}/` : e.path));
const excluded = (patterns: string, path: string) => new DockerignoreMatcher(readDockerignore(patterns)).excludes(path);

describe(".dockerignore as Docker reads it", () => {
    it("normalises lines: BOM, comments before trimming, blanks, Clean, leading slash, ! exceptions", () => {
        assert.deepEqual(readDockerignore("\uFEFF# comment\r\n  node_modules/  \n\n/dist\n ! keep/../keep.txt \n ./a//b/ \n #not-a-comment\n"), [
            "node_modules", "dist", "!keep.txt", "a/b", "#not-a-comment",
        ]);
    });

    it("anchors patterns at the context root; * and ? stop at /; ** spans directories; a matched directory takes its contents", () => {
        assert.ok(excluded("*.md", "README.md"));
        assert.ok(!excluded("*.md", "docs/README.md"), "* does not cross a directory");
        assert.ok(excluded("*/*.md", "docs/README.md"));
        assert.ok(excluded("**/*.md", "README.md") && excluded("**/*.md", "a/b/c.md"), "** is any number of directories, none included");
        assert.ok(excluded("docs/**", "docs/a/b.txt"));
        assert.ok(excluded("temp?", "temp1") && !excluded("temp?", "temp12") && !excluded("temp?", "temp/"));
        assert.ok(excluded("[a-c]x", "bx") && !excluded("[a-c]x", "dx") && excluded("[^a-c]x", "dx"));
        assert.ok(excluded("\\*lit", "*lit") && !excluded("\\*lit", "xlit"), "\\ escapes");
        assert.ok(excluded("node_modules", "node_modules/x/y.js"), "a directory pattern covers everything inside");
        assert.ok(!excluded("src", "lib/src/a.ts"), "not a pattern for any depth");
        assert.ok(excluded("a.b", "a.b") && !excluded("a.b", "axb"), ". is literal");
    });

    it("the last matching pattern wins: ! re-includes, a later pattern excludes again", () => {
        const patterns = "test\n!test/fixtures\ntest/fixtures/big.bin\n*.log\n!important.log";
        assert.ok(excluded(patterns, "test/unit.mjs"));
        assert.ok(!excluded(patterns, "test/fixtures/data.json"), "re-included below an excluded directory");
        assert.ok(excluded(patterns, "test/fixtures/big.bin"));
        assert.ok(excluded(patterns, "debug.log") && !excluded(patterns, "important.log"));
    });

    it("refuses malformed patterns, every one in one error, as Docker does", () => {
        assert.throws(() => new DockerignoreMatcher(["[abc", "!", "ok", "x\\"], "app/.dockerignore"), (e: Error) =>
            /^app\/\.dockerignore: / .test(e.message) && e.message.includes('"[abc" has an unclosed [') && e.message.includes('"!" is a lone "!"') && e.message.includes('"x\\" ends with an unescaped'));
        assert.throws(() => new DockerignoreMatcher(["[]a]"]), /empty or malformed range/);
    });

    it("uses <Dockerfile>.dockerignore before the context's .dockerignore", () => {
        const dir = tree({ "Dockerfile": "FROM scratch\n", "build/Dockerfile": "FROM scratch\n", "build/Dockerfile.dockerignore": "a.txt\n", ".dockerignore": "b.txt\n", "a.txt": "a", "b.txt": "b" });
        assert.equal(ignoreFileFor(dir, "Dockerfile"), join(dir, ".dockerignore"));
        assert.equal(ignoreFileFor(dir, "build/Dockerfile"), join(dir, "build/Dockerfile.dockerignore"));
        assert.ok(sent(dir).includes("a.txt") && !sent(dir).includes("b.txt"));
        assert.ok(!sent(dir, "build/Dockerfile").includes("a.txt") && sent(dir, "build/Dockerfile").includes("b.txt"));
    });
});

describe("the build context Docker receives", () => {
    it("lists files, directories (also empty ones) and symlinks, skipping excluded directories whole", () => {
        const dir = tree({ "Dockerfile": "FROM scratch\n", ".dockerignore": "node_modules\ntest\n!test/fixtures\n", "src/a.ts": "1", "node_modules/x/index.js": "x", "test/t.mjs": "t", "test/fixtures/f.json": "{}" });
        mkdirSync(join(dir, "empty"));
        symlinkSync("src/a.ts", join(dir, "link"));
        assert.deepEqual(sent(dir), [".dockerignore", "Dockerfile", "empty/", "link", "src/", "src/a.ts", "test/", "test/fixtures/", "test/fixtures/f.json"]);
        assert.equal(contextEntries(dir).find((e) => e.path === "link")!.type, "symlink");
    });

    it(".git is sent unless .dockerignore says otherwise (Docker has no built-in exclusions)", () => {
        assert.ok(sent(tree({ "Dockerfile": "FROM scratch\n", ".git/HEAD": "ref" })).includes(".git/HEAD"));
    });
});

describe("the source hash and the tag", () => {
    const base = () => tree({ "Dockerfile": "FROM node:22\nCOPY src ./src\n", ".dockerignore": "Dockerfile\n.dockerignore\nREADME.md\n", "src/a.ts": "export const a = 1;\n", "README.md": "docs" });
    const tagOf = (dir: string, extra: Partial<{ platform: string; buildArgs: Record<string, string> }> = {}) => imageTag({ context: dir, platform: "linux/amd64", ...extra });

    it("is the same for the same tree at any path, and has the img- form", () => {
        const a = base(), b = base();
        assert.equal(sourceHash(a), sourceHash(b));
        assert.equal(tagOf(a), tagOf(b));
        assert.match(tagOf(a), /^img-[0-9a-f]{16}$/);
    });

    it("changes with a sent file's bytes, its name, an added or removed file, and an added empty directory", () => {
        const a = base();
        const before = sourceHash(a);
        const changes: [string, (d: string) => void][] = [
            ["bytes", (d) => writeFileSync(join(d, "src/a.ts"), "export const a = 2;\n")],
            ["added file", (d) => writeFileSync(join(d, "src/b.ts"), "")],
            ["rename", (d) => { rmSync(join(d, "src/a.ts")); writeFileSync(join(d, "src/c.ts"), "export const a = 1;\n"); }],
            ["empty directory", (d) => mkdirSync(join(d, "src/empty"))],
        ];
        for (const [what, change] of changes) {
            const d = base();
            change(d);
            assert.notEqual(sourceHash(d), before, what);
        }
    });

    it("changes with the Dockerfile and the ignore file even though .dockerignore lists both", () => {
        const a = base(), b = base(), c = base();
        writeFileSync(join(b, "Dockerfile"), "FROM node:24\nCOPY src ./src\n");
        writeFileSync(join(c, ".dockerignore"), "Dockerfile\n.dockerignore\nREADME.md\n# reviewed\n");
        assert.notEqual(sourceHash(b), sourceHash(a), "a base image bump is a new image");
        assert.notEqual(sourceHash(c), sourceHash(a));
        assert.ok(!sent(a).includes("Dockerfile"), "COPY never sees it, yet it decides the build");
    });

    it("changes with a file's mode (chmod +x), not with its modification time or an ignored file", () => {
        const a = base(), b = base(), c = base();
        chmodSync(join(b, "src/a.ts"), 0o755);
        assert.notEqual(sourceHash(b), sourceHash(a));
        writeFileSync(join(c, "README.md"), "edited docs");
        writeFileSync(join(c, "src/a.ts"), "export const a = 1;\n"); // same bytes, new mtime
        assert.equal(sourceHash(c), sourceHash(a));
    });

    it("hashes a symlink as its target path (what Docker sends), not the file it points to", () => {
        const outside = tree({ "target.txt": "v1" });
        const a = base();
        symlinkSync(join(outside, "target.txt"), join(a, "src/link"));
        const before = sourceHash(a);
        writeFileSync(join(outside, "target.txt"), "v2: changed outside the context");
        assert.equal(sourceHash(a), before);
        const b = base();
        symlinkSync(join(outside, "other.txt"), join(b, "src/link"));
        assert.notEqual(sourceHash(b), before);
    });

    it("changes with the platform and the build args (in any order)", () => {
        const a = base();
        assert.notEqual(tagOf(a, { platform: "linux/arm64" }), tagOf(a));
        assert.notEqual(tagOf(a, { buildArgs: { NODE_IMAGE: "node:24" } }), tagOf(a));
        assert.equal(tagOf(a, { buildArgs: { A: "1", B: "2" } }), tagOf(a, { buildArgs: { B: "2", A: "1" } }));
    });
});
