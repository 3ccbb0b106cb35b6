import * as pulumi from "@pulumi/pulumi";
import { NatGateways } from "./network";

/** Where tasks run: public subnets with public IPs (no NAT needed) or private ones behind NAT. */
export enum TaskSubnets {
    Public = "public",
    Private = "private",
}

/** What a service or job needs of a network; a `Network` is one. */
export interface NetworkRef {
    /** The VPC. */
    vpcId: pulumi.Input<string>;
    /** Public subnets (routed to an internet gateway). */
    publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Private subnets (egress through NAT, when the network has NAT gateways). */
    privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * The network's NAT strategy. Without NAT, tasks in private subnets cannot pull images, so they run
     * in public subnets with a public IP. @default NatGateways.PerAz (an adopted VPC is assumed to have NAT)
     */
    natMode?: NatGateways;
}

/** The subnets a network's tasks default to: private behind NAT, public without. */
export function defaultTaskSubnets(network: Pick<NetworkRef, "natMode">): TaskSubnets {
    return (network.natMode ?? NatGateways.PerAz) === NatGateways.None ? TaskSubnets.Public : TaskSubnets.Private;
}

/** A problem when tasks would sit in private subnets that have no way out (no image pull). */
export function placementProblem(network: Pick<NetworkRef, "natMode">, subnets: TaskSubnets | undefined): string | undefined {
    if (subnets === TaskSubnets.Private && network.natMode === NatGateways.None) {
        return 'subnets: got "private" on a network with natGateways "none"; tasks in private subnets need a NAT gateway to pull their image, or use "public"';
    }
    return undefined;
}

/** Subnet ids and public-IP flag for tasks placed in `subnets` of `network`. */
export function taskPlacement(network: NetworkRef, subnets?: TaskSubnets): { subnetIds: pulumi.Input<pulumi.Input<string>[]>; assignPublicIp: boolean } {
    const where = subnets ?? defaultTaskSubnets(network);
    return where === TaskSubnets.Public
        ? { subnetIds: network.publicSubnetIds, assignPublicIp: true }
        : { subnetIds: network.privateSubnetIds, assignPublicIp: false };
}
