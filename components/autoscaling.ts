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
    /** ALB requests per target per minute to hold (public services); none when omitted. */
    requestsPerTarget?: number;
    /**
     * Visible messages per running task to hold (services that consume a queue): the queue's
     * `ApproximateNumberOfMessagesVisible` divided by the service's `RunningTaskCount` (Container
     * Insights must be on). Needs `minCount` ≥ 1 so the division is defined. None when omitted.
     */
    backlogPerTask?: number;
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
    /** With `requestsPerTarget`. */
    loadBalancerArnSuffix?: pulumi.Input<string>;
    /** With `requestsPerTarget`. */
    targetGroupArnSuffix?: pulumi.Input<string>;
    /** The second target group of a blue/green, canary or linear release (requests are summed over both). */
    alternateTargetGroupArnSuffix?: pulumi.Input<string>;
    /** With `backlogPerTask`: the consumed queue's name. */
    queueName?: pulumi.Input<string>;
}, parent: pulumi.Resource) {
    const target = new aws.appautoscaling.Target(`${name}-scaling`, {
        serviceNamespace: "ecs",
        scalableDimension: "ecs:service:DesiredCount",
        resourceId: pulumi.interpolate`service/${args.clusterName}/${args.serviceName}`,
        minCapacity: args.minCount,
        maxCapacity: args.maxCount,
    }, { parent });
    const policies: aws.appautoscaling.Policy[] = [];
    type Metric = Pick<aws.types.input.appautoscaling.PolicyTargetTrackingScalingPolicyConfiguration, "predefinedMetricSpecification" | "customizedMetricSpecification">;
    const predefined = (metric: string, resourceLabel?: pulumi.Input<string>): Metric => ({
        predefinedMetricSpecification: { predefinedMetricType: metric, ...(resourceLabel ? { resourceLabel } : {}) },
    });
    const track = (suffix: string, metric: Metric, value: number) => {
        policies.push(new aws.appautoscaling.Policy(`${name}-${suffix}`, {
            policyType: "TargetTrackingScaling",
            serviceNamespace: target.serviceNamespace,
            scalableDimension: target.scalableDimension,
            resourceId: target.resourceId,
            targetTrackingScalingPolicyConfiguration: {
                ...metric,
                targetValue: value,
                scaleInCooldown: args.scaleInCooldown ?? 300,
                scaleOutCooldown: args.scaleOutCooldown ?? 60,
            },
        }, { parent }));
    };
    track("cpu", predefined("ECSServiceAverageCPUUtilization"), args.cpuTarget ?? 60);
    if (args.memoryTarget !== undefined) track("memory", predefined("ECSServiceAverageMemoryUtilization"), args.memoryTarget);
    if (args.requestsPerTarget !== undefined) {
        track("requests", args.alternateTargetGroupArnSuffix !== undefined
            ? requestsPerTargetOverBoth(args.loadBalancerArnSuffix!, args.targetGroupArnSuffix!, args.alternateTargetGroupArnSuffix)
            : predefined("ALBRequestCountPerTarget", pulumi.interpolate`${args.loadBalancerArnSuffix}/${args.targetGroupArnSuffix}`), args.requestsPerTarget);
    }
    if (args.backlogPerTask !== undefined) track("backlog", backlogPerTaskMetric(args.queueName!, args.clusterName, args.serviceName), args.backlogPerTask);
    return { target, policies };
}

/**
 * Backlog per task as one target-tracking metric: metric math over the queue's visible messages and
 * the service's running tasks (Application Auto Scaling user guide, "Create a target tracking scaling
 * policy using metric math"; EC2 Auto Scaling user guide, "Scaling policy based on Amazon SQS").
 * Exactly one query returns data, and it is the expression.
 */
export function backlogPerTaskMetric(queueName: pulumi.Input<string>, clusterName: pulumi.Input<string>, serviceName: pulumi.Input<string>) {
    return {
        customizedMetricSpecification: {
            metrics: [
                {
                    id: "visible",
                    label: "Visible messages",
                    metricStat: { metric: { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: [{ name: "QueueName", value: queueName }] }, stat: "Sum" },
                    returnData: false,
                },
                {
                    id: "tasks",
                    label: "Running tasks",
                    metricStat: {
                        metric: { namespace: "ECS/ContainerInsights", metricName: "RunningTaskCount", dimensions: [{ name: "ClusterName", value: clusterName }, { name: "ServiceName", value: serviceName }] },
                        stat: "Average",
                    },
                    returnData: false,
                },
                { id: "backlog", label: "Visible messages per running task", expression: "visible / tasks", returnData: true },
            ],
        },
    };
}

/**
 * Requests per target for a service behind two target groups (blue/green, canary, linear). ECS
 * alternates the live group at every deployment, so the predefined ALBRequestCountPerTarget of the
 * first group would read 0 once traffic lives on the second, and scaling would shrink the service to
 * its minimum. `RequestCountPerTarget` is per target group (dimensions LoadBalancer + TargetGroup; ELB
 * user guide, "CloudWatch metrics for your Application Load Balancer"); the idle group's is 0, so the
 * sum is the live group's value whichever it is (the expression of AWS's sample
 * aws-samples/sample-amazon-ecs-blue-green-deployment-patterns, ecs-bluegreen-autoscaling). While a
 * canary or linear shift splits the traffic, both groups hold the full task count, so the two shares
 * still add up to requests / tasks of one group; test-listener traffic to green adds to it (a little,
 * towards scaling out). Metric math as in `backlogPerTaskMetric`: exactly one query returns data.
 */
export function requestsPerTargetOverBoth(loadBalancerArnSuffix: pulumi.Input<string>, targetGroupArnSuffix: pulumi.Input<string>, alternateArnSuffix: pulumi.Input<string>) {
    const perTarget = (id: string, targetGroup: pulumi.Input<string>) => ({
        id,
        label: `Requests per target (${id})`,
        metricStat: {
            metric: {
                namespace: "AWS/ApplicationELB",
                metricName: "RequestCountPerTarget",
                dimensions: [{ name: "LoadBalancer", value: loadBalancerArnSuffix }, { name: "TargetGroup", value: targetGroup }],
            },
            stat: "Sum",
        },
        returnData: false,
    });
    return {
        customizedMetricSpecification: {
            metrics: [
                perTarget("first", targetGroupArnSuffix),
                perTarget("second", alternateArnSuffix),
                { id: "requests", label: "Requests per target, live target group", expression: "first + second", returnData: true },
            ],
        },
    };
}
