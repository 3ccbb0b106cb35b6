/**
 * A truthful `pulumi up`: fail when ECS rolled the deploy back.
 *
 * What happens on AWS. With the circuit breaker's rollback (or a deployment alarm, or a failed
 * blue/green stage) ECS marks the new deployment FAILED and starts a rollback deployment of the last
 * COMPLETED task definition. terraform-provider-aws's `waitForSteadyState` used to wait for
 * `len(deployments) == 1 && runningCount == desiredCount` (internal/service/ecs/service.go,
 * `statusServiceWaitForStable`), which the rollback reaches, so the update "succeeded"
 * (hashicorp/terraform-provider-aws#19519, #20858; pulumi/pulumi-aws#4487). Since its native
 * blue/green support (#43434, #43502, July 2025) it also asks DescribeServiceDeployments about a
 * deployment created after the update began and fails on ROLLBACK_SUCCESSFUL, but only on that path:
 * when the primary deployment's `createdAt` is not after the update's start (as this machine's clock
 * has it) it falls back to counting tasks, and a rollback passes again.
 *
 * What the provider reads back either way. The update ends with a Read: DescribeServices'
 * `taskDefinition` is the service's current task definition, which after a rollback is the one
 * rolled back to (its PRIMARY deployment, rolloutState COMPLETED; the FAILED one has drained from
 * `deployments[]` by the time the service is steady). So the `aws.ecs.Service`'s `taskDefinition`
 * output, after an update, names another revision than the one it was given exactly when ECS did not
 * keep the new one. `runningTaskDefinition` compares the two; a mismatch throws inside an apply,
 * which fails `pulumi up` (the Node language host fails the program on an unhandled rejection, and
 * the component registers the checked value as an output).
 *
 * It stays quiet on a successful deploy (the two ARNs are equal), and during preview: a preview's
 * outputs come from the plan, not from AWS (unknown, or the planned value), so `isDryRun()` skips the
 * comparison.
 */
import * as pulumi from "@pulumi/pulumi";

/** `arn:…:task-definition/web-dev:7` → `web-dev:7` (the ARN itself when it has no such form). */
export function familyRevision(arn: string): string {
    return /task-definition\/(.+)$/.exec(arn)?.[1] ?? arn;
}

/** The failure message: the service, the rollout state and the task definition it runs instead. */
export function rolledBackMessage(args: { service: string; ecsServiceName?: string; cluster?: string; region?: string; wanted: string; running: string }): string {
    const ecs = args.ecsServiceName ?? args.service;
    const look = args.cluster
        ? `aws ecs describe-services --cluster ${args.cluster} --services ${ecs}${args.region ? ` --region ${args.region}` : ""} --query 'services[0].events[:10]'`
        : `the service's events in the ECS console`;
    return [
        `Service "${args.service}" (ECS service ${ecs}): ECS rolled the deploy back.`,
        `  Rollout state: the deployment of ${familyRevision(args.wanted)} FAILED and was rolled back; the service is steady (COMPLETED) on another revision.`,
        `  It runs ${args.running}`,
        `  instead of ${args.wanted}.`,
        `  Why the new tasks failed: ${look}`,
        `  The service keeps serving the old revision; fix the cause and run \`pulumi up\` again.`,
    ].join("\n");
}

/**
 * The task definition the service runs after this update, failing the update when it is not the one
 * it was given. Use the result as an output (the component registers it), never to build resources.
 */
export function runningTaskDefinition(args: {
    /** The component's name, for the message. */
    service: string;
    resource: pulumi.Resource;
    /** What the provider read back after the update (`aws.ecs.Service.taskDefinition`). */
    running: pulumi.Input<string | undefined>;
    /** What the service was given (the task definition's ARN). */
    wanted: pulumi.Input<string>;
    ecsServiceName?: pulumi.Input<string>;
    cluster?: pulumi.Input<string>;
    region?: pulumi.Input<string>;
}): pulumi.Output<string> {
    return pulumi.all([args.running, args.wanted, args.ecsServiceName, args.cluster, args.region]).apply(([running, wanted, ecsServiceName, cluster, region]) => {
        // Preview: nothing was deployed, and the value is the plan's, not AWS's.
        if (pulumi.runtime.isDryRun() || running === undefined || running === wanted) return wanted;
        throw new pulumi.ResourceError(rolledBackMessage({ service: args.service, ecsServiceName, cluster, region, wanted, running }), args.resource, true);
    });
}
