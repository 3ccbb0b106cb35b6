import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
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
     * Keep at most this many tagged images; older ones expire. Untagged images expire after a day.
     * @default 30
     */
    keepTaggedImages?: number;
    /**
     * Leave the repository (and its images) in AWS when the stack is destroyed or the resource is
     * removed from the program (Pulumi `retainOnDelete`).
     * @default false
     */
    retainOnDelete?: boolean;
    /** Tags for every resource. */
    tags?: Record<string, string>;
}

/** ECR lifecycle policy: untagged images expire after a day; only the newest `keep` tagged images stay. */
export function lifecyclePolicy(keep: number): string {
    // ECR lifecycle rules (https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html):
    // a `tagged` rule needs tagPrefixList or tagPatternList; priorities are unique, lower runs first.
    return JSON.stringify({
        rules: [
            {
                rulePriority: 1,
                description: "Expire untagged images after 1 day",
                selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 1 },
                action: { type: "expire" },
            },
            {
                rulePriority: 2,
                description: `Keep the newest ${keep} tagged images`,
                selection: { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: keep },
                action: { type: "expire" },
            },
        ],
    });
}

/** An ECR repository with scan on push, immutable tags and a lifecycle policy. */
export class Registry extends pulumi.ComponentResource {
    public readonly repository: aws.ecr.Repository;
    public readonly repositoryUrl: pulumi.Output<string>;
    public readonly repositoryArn: pulumi.Output<string>;
    public readonly registryId: pulumi.Output<string>;

    constructor(name: string, args: RegistryArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super("fargatekit:index:Registry", name, {}, opts);
        const keep = args.keepTaggedImages ?? 30;
        const problems: string[] = [];
        if (!COMPONENT_NAME_PATTERN.test(name)) problems.push(`name "${name}" must be lowercase letters, digits and hyphens (ECR repository names are lowercase)`);
        checkInteger(problems, "keepTaggedImages", keep, 1, 1000);
        if (problems.length > 0) throw new Error(`Registry "${name}": ${problems.join("; ")}`);

        this.repository = new aws.ecr.Repository(`${name}`, {
            imageTagMutability: "IMMUTABLE",
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
        this.registerOutputs({ repositoryUrl: this.repositoryUrl, repositoryArn: this.repositoryArn });
    }
}
