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
    /**
     * Create an HTTP Cloud Map namespace for ECS Service Connect and make it the cluster's default, so
     * services can call each other by name (`http://api:8080`). Service Connect needs no DNS zone: an
     * HTTP namespace is enough (ECS developer guide, "Service Connect concepts").
     * @default true
     */
    serviceConnect?: boolean;
    /** Tags for every resource. */
    tags?: Record<string, string>;
}

export enum ContainerInsights {
    Disabled = "disabled",
    Enabled = "enabled",
    Enhanced = "enhanced",
}

/** What a service or job needs of a cluster; a `Cluster` is one. */
export interface ClusterRef {
    /** The cluster's ARN. */
    clusterArn: pulumi.Input<string>;
    /** The cluster's name. */
    clusterName: pulumi.Input<string>;
    /** ARN of the Service Connect namespace services register in; none when omitted. */
    serviceConnectNamespaceArn?: pulumi.Input<string>;
}

/**
 * An ECS cluster with Container Insights, the FARGATE and FARGATE_SPOT capacity providers and an HTTP
 * namespace for Service Connect.
 */
export class Cluster extends pulumi.ComponentResource {
    public readonly cluster: aws.ecs.Cluster;
    /** The Service Connect namespace (undefined when `serviceConnect` is false). */
    public readonly namespace?: aws.servicediscovery.HttpNamespace;
    /** ARN of the Service Connect namespace (undefined when `serviceConnect` is false). */
    public readonly serviceConnectNamespaceArn?: pulumi.Output<string>;
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
        if (args.serviceConnect ?? true) {
            this.namespace = new aws.servicediscovery.HttpNamespace(`${name}-services`, {
                // Namespace names are unique per account and region: one per stack.
                name: `${pulumi.getProject()}-${pulumi.getStack()}`.toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, 1024),
                description: `Service Connect namespace of ${pulumi.getProject()}/${pulumi.getStack()}`,
                tags: args.tags,
            }, { parent: this });
            this.serviceConnectNamespaceArn = this.namespace.arn;
        }
        this.cluster = new aws.ecs.Cluster(name, {
            settings: [{ name: "containerInsights", value: insights }],
            ...(this.namespace ? { serviceConnectDefaults: { namespace: this.namespace.arn } } : {}),
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
        this.registerOutputs({ clusterName: this.clusterName, clusterArn: this.clusterArn, serviceConnectNamespaceArn: this.serviceConnectNamespaceArn });
    }
}
