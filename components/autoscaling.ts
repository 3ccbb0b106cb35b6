import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Target tracking for an ECS service; each target set adds one policy. */
export interface AutoscalingArgs {
    /** Fewest tasks. */
    minCount: number;
    /** Most tasks. */
    maxCount: number;
    /** Average CPU utilisation (%) to hold. @default 60 */
    cpuTarget?: number;
    /** Average memory utilisation (%) to hold; none when omitted. */
    memoryTarget?: number;
    /** ALB requests per target per minute to hold; none when omitted. */
    requestsPerTarget?: number;
    /** Seconds after a scale-in before another. @default 300 */
    scaleInCooldown?: number;
    /** Seconds after a scale-out before another. @default 60 */
    scaleOutCooldown?: number;
}

/**
 * Application Auto Scaling for an ECS service. The resource id is `service/<cluster>/<service>` and the
 * request-count label `<alb arnSuffix>/<target group arnSuffix>` (Application Auto Scaling API
 * reference, RegisterScalableTarget `ResourceId` and PredefinedMetricSpecification `ResourceLabel`).
 */
export function createAutoscaling(name: string, args: AutoscalingArgs & {
    clusterName: pulumi.Input<string>;
    serviceName: pulumi.Input<string>;
    loadBalancerArnSuffix: pulumi.Input<string>;
    targetGroupArnSuffix: pulumi.Input<string>;
}, parent: pulumi.Resource) {
    const target = new aws.appautoscaling.Target(`${name}-scaling`, {
        serviceNamespace: "ecs",
        scalableDimension: "ecs:service:DesiredCount",
        resourceId: pulumi.interpolate`service/${args.clusterName}/${args.serviceName}`,
        minCapacity: args.minCount,
        maxCapacity: args.maxCount,
    }, { parent });
    const policies: aws.appautoscaling.Policy[] = [];
    const track = (suffix: string, metric: string, value: number, resourceLabel?: pulumi.Input<string>) => {
        policies.push(new aws.appautoscaling.Policy(`${name}-${suffix}`, {
            policyType: "TargetTrackingScaling",
            serviceNamespace: target.serviceNamespace,
            scalableDimension: target.scalableDimension,
            resourceId: target.resourceId,
            targetTrackingScalingPolicyConfiguration: {
                predefinedMetricSpecification: { predefinedMetricType: metric, ...(resourceLabel ? { resourceLabel } : {}) },
                targetValue: value,
                scaleInCooldown: args.scaleInCooldown ?? 300,
                scaleOutCooldown: args.scaleOutCooldown ?? 60,
            },
        }, { parent }));
    };
    track("cpu", "ECSServiceAverageCPUUtilization", args.cpuTarget ?? 60);
    if (args.memoryTarget !== undefined) track("memory", "ECSServiceAverageMemoryUtilization", args.memoryTarget);
    if (args.requestsPerTarget !== undefined) {
        track("requests", "ALBRequestCountPerTarget", args.requestsPerTarget, pulumi.interpolate`${args.loadBalancerArnSuffix}/${args.targetGroupArnSuffix}`);
    }
    return { target, policies };
}
