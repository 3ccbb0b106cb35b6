import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { sourceHash } from "./source-hash";
import { CpuArchitecture } from "./task-definition";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
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
    /** The registry id (account) of the repository, for the push credentials. */
    registryId: pulumi.Input<string>;
    /** The build context directory (absolute, or relative to the program's working directory). */
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
    /** Build arguments. */
    buildArgs?: Record<string, string>;
}

/**
 * Builds a Docker image from source, pushes it to ECR with a tag derived from the source content,
 * and exposes a reference pinned by digest (`<repo>@sha256:…`) for task definitions — never `latest`.
 */
export class Image extends pulumi.ComponentResource {
    /** `<repositoryUrl>@sha256:<digest>`: what task definitions should run. */
    public readonly imageRef: pulumi.Output<string>;
    /** The content-derived tag (`src-<12 hex>`). */
    public readonly tag: string;
    public readonly image: docker.Image;

    constructor(name: string, args: ImageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fargatekit:index:Image", name, {}, opts);
        const context = resolve(args.context);
        const dockerfile = args.dockerfile ?? "Dockerfile";
        const platform = args.platform ?? ImagePlatform.LinuxAmd64;
        const problems: string[] = [];
        if (!existsSync(context)) problems.push(`context: "${args.context}" does not exist`);
        else if (!existsSync(join(context, dockerfile))) problems.push(`dockerfile: "${dockerfile}" not found in ${context}`);
        checkEnum(problems, "platform", platform, ImagePlatform);
        if (problems.length > 0) throw new Error(`Image "${name}": ${problems.join("; ")}`);

        // The tag covers the files sent to Docker plus the build settings that change the result.
        const tagHash = createHash("sha256")
            .update(sourceHash(context))
            .update(JSON.stringify({ dockerfile, platform, buildArgs: args.buildArgs ?? {} }))
            .digest("hex");
        this.tag = `src-${tagHash.slice(0, 12)}`;

        const auth = aws.ecr.getAuthorizationTokenOutput({ registryId: args.registryId }, { parent: this });
        this.image = new docker.Image(`${name}`, {
            imageName: pulumi.interpolate`${args.repositoryUrl}:${this.tag}`,
            build: {
                context,
                dockerfile: join(context, dockerfile),
                platform,
                args: args.buildArgs,
            },
            registry: {
                server: args.repositoryUrl,
                username: auth.userName,
                password: pulumi.secret(auth.password),
            },
        }, { parent: this });

        // repoDigest is `<repositoryUrl>@sha256:…` once pushed: unique per build, so a new build
        // always changes the task definition and a rebuilt-but-identical one never does.
        this.imageRef = this.image.repoDigest;
        this.registerOutputs({ imageRef: this.imageRef, tag: this.tag });
    }
}
