import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { checkEnum } from "./validate";

export interface ClusterArgs {
    /**
     * Container Insights: per-task CPU, memory, network and storage metrics in CloudWatch
     * (billed as custom metrics). `enhanced` adds container-level detail.
     * @default ContainerInsights.Enabled
     */
    containerInsights?: ContainerInsights;
    /** Tags for every resource. */
    tags?: Record<string, string>;
}

export enum ContainerInsights {
    Disabled = "disabled",
    Enabled = "enabled",
    Enhanced = "enhanced",
}

/** An ECS cluster with Container Insights and the FARGATE and FARGATE_SPOT capacity providers. */
export class Cluster extends pulumi.ComponentResource {
    public readonly cluster: aws.ecs.Cluster;
    public readonly capacityProviders: aws.ecs.ClusterCapacityProviders;
    /** The cluster's name, available once its capacity providers are attached. */
    public readonly clusterName: pulumi.Output<string>;
    /** The cluster's ARN, available once its capacity providers are attached. */
    public readonly clusterArn: pulumi.Output<string>;

    constructor(name: string, args: ClusterArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super("fargatekit:index:Cluster", name, {}, opts);
        const insights = args.containerInsights ?? ContainerInsights.Enabled;
        const problems: string[] = [];
        checkEnum(problems, "containerInsights", insights, ContainerInsights);
        if (problems.length > 0) throw new Error(`Cluster "${name}": ${problems.join("; ")}`);
        this.cluster = new aws.ecs.Cluster(name, {
            settings: [{ name: "containerInsights", value: insights }],
            tags: args.tags,
        }, { parent: this });
        // A service may only use a capacity provider that is associated with its cluster.
        this.capacityProviders = new aws.ecs.ClusterCapacityProviders(name, {
            clusterName: this.cluster.name,
            capacityProviders: ["FARGATE", "FARGATE_SPOT"],
            defaultCapacityProviderStrategies: [{ capacityProvider: "FARGATE", weight: 1 }],
        }, { parent: this });
        // Both resolve only once the capacity providers are attached, so whatever uses them (a service
        // with a FARGATE_SPOT strategy, a schedule) waits for that.
        this.clusterName = this.capacityProviders.clusterName;
        this.clusterArn = pulumi.all([this.cluster.arn, this.capacityProviders.id]).apply(([arn]) => arn);
        this.registerOutputs({ clusterName: this.clusterName, clusterArn: this.clusterArn });
    }
}
