import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * The interface endpoints a Fargate task needs to start without the internet: the ECR API (auth,
 * manifests), the ECR registry (`dkr`) and CloudWatch Logs (awslogs). Image layers come from S3,
 * which the gateway endpoint covers. Secrets Manager / SSM would need their own endpoints.
 * Source: ECR user guide, "Amazon ECR interface VPC endpoints (AWS PrivateLink)".
 */
export const INTERFACE_ENDPOINT_SERVICES = ["ecr.api", "ecr.dkr", "logs"] as const;

/** `com.amazonaws.<region>.<service>`: the service name of an AWS endpoint in a commercial region. */
export function endpointServiceName(region: string, service: string): string {
    return `com.amazonaws.${region}.${service}`;
}

export interface VpcEndpointsArgs {
    vpc: aws.ec2.Vpc;
    /** Route tables the S3 gateway endpoint is added to; none: no gateway endpoint. */
    gatewayRouteTables: aws.ec2.RouteTable[];
    /** Subnets (one per AZ) the interface endpoints get an address in; none: no interface endpoints. */
    interfaceSubnets: aws.ec2.Subnet[];
    tags: Record<string, string>;
}

export interface VpcEndpoints {
    s3?: aws.ec2.VpcEndpoint;
    interfaces: aws.ec2.VpcEndpoint[];
    interfaceSecurityGroup?: aws.ec2.SecurityGroup;
}

/**
 * An S3 gateway endpoint on the given route tables (no charge: ECR layer downloads stop being NAT
 * data processing), and optionally the interface endpoints of INTERFACE_ENDPOINT_SERVICES with
 * private DNS, behind a security group that admits HTTPS from the VPC's range only.
 * Source: VPC user guide, "Gateway endpoints for Amazon S3"; PrivateLink guide, "Access an AWS
 * service using an interface VPC endpoint".
 */
export function createVpcEndpoints(name: string, a: VpcEndpointsArgs, parent: pulumi.Resource): VpcEndpoints {
    const opts = { parent };
    const out: VpcEndpoints = { interfaces: [] };
    if (a.gatewayRouteTables.length === 0 && a.interfaceSubnets.length === 0) return out;
    const region = aws.getRegionOutput({}, opts).region;
    if (a.gatewayRouteTables.length > 0) {
        out.s3 = new aws.ec2.VpcEndpoint(`${name}-s3`, {
            vpcId: a.vpc.id,
            serviceName: region.apply((r) => endpointServiceName(r, "s3")),
            vpcEndpointType: "Gateway",
            routeTableIds: a.gatewayRouteTables.map((rt) => rt.id),
            tags: { ...a.tags, Name: `${name}-s3` },
        }, opts);
    }
    if (a.interfaceSubnets.length > 0) {
        const sg = new aws.ec2.SecurityGroup(`${name}-endpoints`, {
            vpcId: a.vpc.id,
            description: `Interface endpoints of ${name}: HTTPS from the VPC`,
            tags: { ...a.tags, Name: `${name}-endpoints` },
        }, opts);
        new aws.vpc.SecurityGroupIngressRule(`${name}-endpoints-https`, {
            securityGroupId: sg.id,
            description: "HTTPS from inside the VPC",
            ipProtocol: "tcp",
            fromPort: 443,
            toPort: 443,
            cidrIpv4: a.vpc.cidrBlock,
        }, opts);
        out.interfaceSecurityGroup = sg;
        for (const service of INTERFACE_ENDPOINT_SERVICES) {
            const short = service.replace(".", "-");
            out.interfaces.push(new aws.ec2.VpcEndpoint(`${name}-${short}`, {
                vpcId: a.vpc.id,
                serviceName: region.apply((r) => endpointServiceName(r, service)),
                vpcEndpointType: "Interface",
                privateDnsEnabled: true,
                subnetIds: a.interfaceSubnets.map((s) => s.id),
                securityGroupIds: [sg.id],
                tags: { ...a.tags, Name: `${name}-${short}` },
            }, opts));
        }
    }
    return out;
}
