import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
// Types only: the provider package is loaded in the constructor, so programs that never build an
// image (Network, Registry, Cluster, ...) need no Docker provider installed.
import type * as dockerbuild from "@pulumi/docker-build";
import { existsSync, statSync } from "node:fs";
import { relative, resolve, sep } from "node:path";
import { BUILD_CACHE_TAG, cacheTagProblems } from "./image-tags";
import { imageTag } from "./source-hash";
import { CpuArchitecture } from "./task-definition";
import { checkEnum } from "./validate";

/** CPU architectures Fargate runs, as Docker platforms. */
export enum ImagePlatform {
    LinuxAmd64 = "linux/amd64",
    LinuxArm64 = "linux/arm64",
}

/** The task definition's `runtimePlatform.cpuArchitecture` for an image platform. */
export function cpuArchitectureOf(platform: ImagePlatform): CpuArchitecture {
    return platform === ImagePlatform.LinuxArm64 ? CpuArchitecture.ARM64 : CpuArchitecture.X86_64;
}

export interface ImageArgs {
    /** The repository URL to push to (`<account>.dkr.ecr.<region>.amazonaws.com/<name>`). */
    repositoryUrl: pulumi.Input<string>;
    /** The registry id (account) of the repository, for the push credentials and the tag lookup. */
    registryId: pulumi.Input<string>;
    /**
     * The build context directory: absolute, or relative to the program's working directory (the
     * project directory under `pulumi up`). The provider receives it relative to that directory.
     */
    context: string;
    /**
     * The Dockerfile, relative to the context.
     * @default "Dockerfile"
     */
    dockerfile?: string;
    /**
     * The platform to build for; must match the task definition's CPU architecture.
     * @default ImagePlatform.LinuxAmd64
     */
    platform?: ImagePlatform;
    /** Build arguments (`ARG` values); part of the tag. */
    buildArgs?: Record<string, string>;
    /**
     * Read and write a registry layer cache in the repository under `cacheTag` (BuildKit
     * `type=registry`, image manifest, OCI media types, mode max), so a build on a fresh CI runner
     * reuses unchanged layers. A failed cache write does not fail the deploy.
     * @default true
     */
    cache?: boolean;
    /**
     * The cache's tag; the repository must keep it mutable (`Registry` does for its `cacheTag`).
     * @default "buildcache"
     */
    cacheTag?: string;
    /**
     * Build during `pulumi preview` too (never pushed): a broken Dockerfile fails the preview of a
     * pull request instead of the deploy. `pulumi up` from the Automation API or `--skip-preview`
     * builds once either way.
     * @default true
     */
    buildOnPreview?: boolean;
}

/** The provider SDK, loaded only when an Image is built (an optional peer dependency of this package). */
function loadDockerBuild(name: string): typeof dockerbuild {
    try {
        return require("@pulumi/docker-build");
    } catch (e) {
        throw new Error(`Image "${name}": building an image needs the @pulumi/docker-build package (npm install @pulumi/docker-build); ${(e as Error).message.split("\n")[0]}`);
    }
}

/** `<registry host>/<name>` → `<name>` (ECR repository names may contain `/`). */
const repositoryNameOf = (url: string) => url.slice(url.indexOf("/") + 1);

/**
 * Builds a Docker image with `@pulumi/docker-build`, tags it `img-<hash of everything the build
 * depends on>`, pushes it to ECR only when that tag is not there yet, and exposes a reference pinned
 * by digest (`<repo>@sha256:…`) for task definitions — never `latest`.
 *
 * A deploy is a sequence, so:
 * - the same tree at another path gives the provider identical inputs (relative locations): no build;
 * - a changed tree gets a new tag, a build and one push;
 * - a tree whose tag is already in the repository (a revert, or a tree another deploy pushed) is
 *   never pushed again: `push` is false and `imageRef` uses the digest the repository holds. The
 *   provider still runs that build locally (its inputs changed), which also checks it still builds.
 */
export class Image extends pulumi.ComponentResource {
    /** `<repositoryUrl>@sha256:<digest>`: what task definitions should run. */
    public readonly imageRef: pulumi.Output<string>;
    /** The release tag (`img-<16 hex>`), known before anything is built. */
    public readonly tag: string;
    /** Whether this deploy pushes the tag (false when the repository already holds it). */
    public readonly pushed: pulumi.Output<boolean>;
    /** The `docker-build:index:Image` resource (escape hatch). */
    public readonly image: dockerbuild.Image;

    constructor(name: string, args: ImageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fargatekit:index:Image", name, {}, opts);
        const context = resolve(args.context);
        const dockerfile = args.dockerfile ?? "Dockerfile";
        const platform = args.platform ?? ImagePlatform.LinuxAmd64;
        const cache = args.cache ?? true;
        const cacheTag = args.cacheTag ?? BUILD_CACHE_TAG;
        const problems: string[] = [];
        if (!existsSync(context) || !statSync(context).isDirectory()) problems.push(`context: got "${args.context}"; allowed: an existing directory (${context} is not one)`);
        else if (!existsSync(resolve(context, dockerfile))) problems.push(`dockerfile: got "${dockerfile}"; allowed: a file in the context (${resolve(context, dockerfile)} does not exist)`);
        checkEnum(problems, "platform", platform, ImagePlatform);
        for (const key of Object.keys(args.buildArgs ?? {})) {
            if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) problems.push(`buildArgs.${key}: not a valid ARG name; allowed: letters, digits and "_", not starting with a digit`);
        }
        problems.push(...cacheTagProblems("cacheTag", cacheTag));
        let tag = "";
        if (problems.length === 0) {
            // The ignore file is read here: a malformed pattern is a problem of this component's args.
            try {
                tag = imageTag({ context, dockerfile, platform, buildArgs: args.buildArgs });
            } catch (e) {
                problems.push(`context: ${(e as Error).message}`);
            }
        }
        if (problems.length > 0) throw new Error(`Image "${name}": ${problems.join("; ")}`);
        this.tag = tag;

        // No absolute path may reach the provider: it diffs `context.location` and
        // `dockerfile.location` as strings (pulumi-docker-build provider/internal/image.go, Diff) and
        // resolves relative ones with filepath.Abs, i.e. against its working directory, which the
        // engine sets to the program's (pulumi sdk/go/common/resource/plugin/plugin.go, ExecPlugin).
        const cwd = process.cwd();
        const slashes = (p: string) => p.split(sep).join("/");
        const location = slashes(relative(cwd, context)) || ".";
        const dockerfileLocation = slashes(relative(cwd, resolve(context, dockerfile)));

        // Never a second push to a tag: ECR refuses it in an immutable repository
        // (ImageTagAlreadyExistsException, "Preventing image tags from being overwritten in Amazon
        // ECR"), even for identical bytes. ListImages (aws.ecr.getImages) tells whether the tag is
        // there; it runs once the repository exists, since its name is an output of the repository.
        const parent = { parent: this };
        const repositoryName = pulumi.output(args.repositoryUrl).apply(repositoryNameOf);
        const listed = aws.ecr.getImagesOutput({ repositoryName, registryId: args.registryId }, parent);
        const existingDigest = listed.imageIds.apply((ids) => ids.find((i) => i.imageTag === tag)?.imageDigest ?? "");
        this.pushed = existingDigest.apply((digest) => digest === "");

        const auth = aws.ecr.getAuthorizationTokenOutput({ registryId: args.registryId }, parent);
        const cacheRef = pulumi.interpolate`${args.repositoryUrl}:${cacheTag}`;
        const db = loadDockerBuild(name);
        this.image = new db.Image(name, {
            context: { location },
            dockerfile: { location: dockerfileLocation },
            platforms: [platform as string as dockerbuild.Platform],
            buildArgs: args.buildArgs,
            tags: [pulumi.interpolate`${args.repositoryUrl}:${tag}`],
            push: this.pushed,
            buildOnPreview: args.buildOnPreview ?? true,
            // ECR stores a cache only as an image manifest with OCI media types ("Announcing remote
            // cache support in Amazon ECR for BuildKit clients", AWS Containers blog, 2023); mode max
            // also caches the build stages' layers (npm ci with dev dependencies).
            cacheFrom: cache ? [{ registry: { ref: cacheRef } }] : undefined,
            cacheTo: cache ? [{ registry: { ref: cacheRef, imageManifest: true, ociMediaTypes: true, mode: "max", ignoreError: true } }] : undefined,
            registries: [{
                address: pulumi.output(args.repositoryUrl).apply((url) => url.split("/")[0]),
                username: auth.userName,
                password: pulumi.secret(auth.password),
            }],
        }, {
            parent: this,
            // Deleting a docker-build Image deletes the tags it pushed; a release image may still be
            // running (or be what a rollback needs). The lifecycle policy expires old releases instead.
            retainOnDelete: true,
        });

        // The digest the repository holds for the tag, or the one this deploy pushed.
        this.imageRef = pulumi.all([args.repositoryUrl, existingDigest, this.image.digest]).apply(([url, existing, built]) => {
            const digest = existing || built;
            // A preview does not push, so a new build has no digest yet: the reference is unknown.
            if (!digest && pulumi.runtime.isDryRun()) return pulumi.unknown as unknown as string;
            if (!/^sha256:[0-9a-f]{64}$/.test(digest)) {
                throw new Error(`Image "${name}": ${url}:${tag} was neither in the repository nor pushed (digest "${digest}"); refusing to run an unpinned image`);
            }
            return `${url}@${digest}`;
        });
        this.registerOutputs({ imageRef: this.imageRef, tag: this.tag, pushed: this.pushed });
    }
}
