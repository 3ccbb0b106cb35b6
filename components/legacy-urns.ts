/**
 * The URNs fargatekit 0.1 gave its resources, so stacks deployed with it keep every resource when
 * they move to the `Environment` (a changed URN is a delete and a create in AWS).
 *
 * 0.1 had no Environment: Network, Registry, Image, Cluster and each ScheduledTask sat at the top of
 * the stack (the Environment gives each `aliases: [{ parent: pulumi.rootStackResource }]`), and a `WebService` held one
 * service together with its own load balancer. Its service half is now the `Service` of the same name
 * (aliased to the old type; its children keep their names and follow). Its load-balancer half is now
 * the environment's `LoadBalancer`, whose children are named after the load balancer, not the
 * service: `legacyWebServiceAliases` gives each of them the URN it had under the WebService.
 */
import * as pulumi from "@pulumi/pulumi";

/** The 0.1 component type that bundled a service with its load balancer. */
export const LEGACY_WEB_SERVICE_TYPE = "fargatekit:index:WebService";

/** The URN a child of a 0.1 top-level `WebService` named `service` had. */
export function legacyWebServiceChildUrn(stack: string, project: string, type: string, childName: string): string {
    return `urn:pulumi:${stack}::${project}::${LEGACY_WEB_SERVICE_TYPE}$${type}::${childName}`;
}

/**
 * A transformation for the `LoadBalancer` named `loadBalancerName`: each child `<lb>-<role>` gets
 * the alias `<WebService service>$<type>::<service>-<role>` it had in 0.1 (`lb-alb` was `web-alb`,
 * `lb-https` was `web-https`, …). The component itself gets none: it did not exist.
 */
export function legacyWebServiceAliases(loadBalancerName: string, service: string): pulumi.ResourceTransformation {
    const prefix = `${loadBalancerName}-`;
    return ({ type, name, props, opts }) => {
        if (type === "fargatekit:index:LoadBalancer" || !name.startsWith(prefix)) return undefined;
        const old = legacyWebServiceChildUrn(pulumi.getStack(), pulumi.getProject(), type, `${service}-${name.slice(prefix.length)}`);
        return { props, opts: pulumi.mergeOptions(opts, { aliases: [...(opts.aliases ?? []), old] }) };
    };
}
