import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BUILD_CACHE_TAG, cacheTagProblems, LEGACY_RELEASE_TAG_PREFIX, RELEASE_TAG_PREFIX } from "./image-tags";
import { COMPONENT_NAME_PATTERN } from "./names";
import { checkInteger } from "./validate";

export interface RegistryArgs {
    /**
     * Delete the repository even when it still holds images (on `pulumi destroy` or replacement).
     * Right for throw-away stacks; leave off where images must survive.
     * @default false
     */
    forceDelete?: boolean;
    /**
     * Keep at most this many release images (tags `img-…`, and as many of the `src-…` ones fargatekit
     * 0.1 pushed); older ones expire. Untagged images expire after a day. The build cache tag never
     * expires and takes no release image's place.
     * @default 30
     */
    keepTaggedImages?: number;
    /**
     * The one tag that stays mutable: the registry build cache, overwritten by every build (`Image`
     * writes its cache there; keep both at their default). All other tags are immutable.
     * @default "buildcache"
     */
    cacheTag?: string;
    /**
     * Leave the repository (and its images) in AWS when the stack is destroyed or the resource is
     * removed from the program (Pulumi `retainOnDelete`).
     * @default false
     */
    retainOnDelete?: boolean;
    /** Tags for every resource. */
    tags?: Record<string, string>;
}

/**
 * ECR lifecycle policy: untagged images expire after a day; only the newest `keep` release images
 * stay, counted separately for this version's tags and the legacy ones; the cache tag matches no rule.
 *
 * ECR lifecycle rules (https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html,
 * "Lifecycle policy properties"): a `tagged` rule needs `tagPatternList` or `tagPrefixList`; several
 * patterns in one list select only images that carry ALL of them, so each prefix gets its own rule;
 * priorities are unique and lower runs first; `imageCountMoreThan` keeps the most recently pushed.
 * The cache tag is left out on purpose: under a `*` rule it would count as one of the `keep` newest
 * (it is re-pushed by every build), so one release image fewer would stay; it never expires itself,
 * and the cache manifests it no longer points to become untagged and expire after a day.
 */
export function lifecyclePolicy(keep: number): string {
    const keepNewest = (rulePriority: number, prefix: string, what: string) => ({
        rulePriority,
        description: `Keep the newest ${keep} ${what} (${prefix}*)`,
        selection: { tagStatus: "tagged", tagPatternList: [`${prefix}*`], countType: "imageCountMoreThan", countNumber: keep },
        action: { type: "expire" },
    });
    return JSON.stringify({
        rules: [
            {
                rulePriority: 1,
                description: "Expire untagged images after 1 day",
                selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 1 },
                action: { type: "expire" },
            },
            keepNewest(2, RELEASE_TAG_PREFIX, "release images"),
            keepNewest(3, LEGACY_RELEASE_TAG_PREFIX, "release images of fargatekit 0.1"),
        ],
    });
}

/**
 * An ECR repository with scan on push, immutable release tags, one mutable build-cache tag and a
 * lifecycle policy.
 */
export class Registry extends pulumi.ComponentResource {
    public readonly repository: aws.ecr.Repository;
    public readonly repositoryUrl: pulumi.Output<string>;
    public readonly repositoryArn: pulumi.Output<string>;
    public readonly registryId: pulumi.Output<string>;
    /** The mutable tag reserved for the build cache. */
    public readonly cacheTag: string;

    constructor(name: string, args: RegistryArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super("fargatekit:index:Registry", name, {}, opts);
        const keep = args.keepTaggedImages ?? 30;
        const problems: string[] = [];
        if (!COMPONENT_NAME_PATTERN.test(name)) problems.push(`name "${name}" must be lowercase letters, digits and hyphens (ECR repository names are lowercase)`);
        checkInteger(problems, "keepTaggedImages", keep, 1, 1000);
        const cacheTag = args.cacheTag ?? BUILD_CACHE_TAG;
        problems.push(...cacheTagProblems("cacheTag", cacheTag));
        if (problems.length > 0) throw new Error(`Registry "${name}": ${problems.join("; ")}`);

        this.repository = new aws.ecr.Repository(`${name}`, {
            // Every tag is immutable except the cache tag, which each build overwrites
            // (ECR API reference, PutImageTagMutability / ImageTagMutabilityExclusionFilter: filter
            // type WILDCARD, `*` the only wildcard; an exact tag matches only itself). Neither field
            // forces a new repository: the provider's update calls PutImageTagMutability with the
            // filters (terraform-provider-aws, internal/service/ecr/repository.go).
            imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
            imageTagMutabilityExclusionFilters: [{ filter: cacheTag, filterType: "WILDCARD" }],
            imageScanningConfiguration: { scanOnPush: true },
            encryptionConfigurations: [{ encryptionType: "AES256" }],
            forceDelete: args.forceDelete ?? false,
            tags: args.tags,
        }, { parent: this, retainOnDelete: args.retainOnDelete ?? false });
        new aws.ecr.LifecyclePolicy(`${name}-lifecycle`, {
            repository: this.repository.name,
            policy: lifecyclePolicy(keep),
        }, { parent: this });

        this.repositoryUrl = this.repository.repositoryUrl;
        this.repositoryArn = this.repository.arn;
        this.registryId = this.repository.registryId;
        this.cacheTag = cacheTag;
        this.registerOutputs({ repositoryUrl: this.repositoryUrl, repositoryArn: this.repositoryArn });
    }
}
