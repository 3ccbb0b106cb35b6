import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { planSubnets } from "./cidr";
import { FLOW_LOG_DEFAULTS, FlowLogsArgs, flowLogsProblems } from "./flow-log-policies";
import { createFlowLogs } from "./flow-logs";
import { COMPONENT_NAME_PATTERN } from "./names";
import { checkEnum, checkInteger } from "./validate";
import { createVpcEndpoints } from "./vpc-endpoints";

/** How private subnets reach the internet. */
export enum NatGateways {
    /** No NAT gateway: private subnets have no route out; run tasks in public subnets with a public IP. Cheapest. */
    None = "none",
    /** One NAT gateway for all AZs: cheaper, but an AZ outage of that gateway cuts every private subnet off. */
    Single = "single",
    /** One NAT gateway per AZ: what production wants; each AZ keeps its egress when another fails. */
    PerAz = "perAz",
}

/** Adopt a VPC that already exists (for example an `awsx.ec2.Vpc`'s outputs) instead of creating one. */
export interface ExistingVpcArgs {
    /** The VPC id. */
    vpcId: pulumi.Input<string>;
    /** Public subnet ids (with a route to an internet gateway), in at least two AZs for a load balancer. */
    publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Private subnet ids (with egress through NAT), where tasks run when they get no public IP. */
    privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Whether (and how) the private subnets reach the internet through NAT. @default NatGateways.PerAz */
    natMode?: NatGateways;
    /**
     * How many availability zones the public subnets span, when known: a `LoadBalancer` on this
     * network refuses fewer than 2. Unknown (unchecked) when omitted.
     */
    azCount?: number;
}

export interface NetworkArgs {
    /**
     * Adopt an existing VPC; when set, nothing is created and the other arguments are ignored: the
     * VPC's owner sets up its flow logs, default security group and endpoints.
     * @example new Network("net", { existing: { vpcId: vpc.vpcId, publicSubnetIds: vpc.publicSubnetIds, privateSubnetIds: vpc.privateSubnetIds } })
     */
    existing?: ExistingVpcArgs;
    /**
     * The VPC's IPv4 range. It is cut into 16 equal subnets: public ones first, private ones from the ninth.
     * @default "10.0.0.0/16"
     */
    cidrBlock?: string;
    /**
     * How many availability zones to span (the first N the region reports as available).
     * A load balancer needs at least 2.
     * @default 2
     */
    azCount?: number;
    /**
     * NAT strategy for private subnets.
     * @default NatGateways.None
     */
    natGateways?: NatGateways;
    /**
     * VPC flow logs (Security Hub EC2.6): destination, traffic type, retention.
     * @default { enabled: true, destination: CloudWatchLogs, trafficType: Reject, retentionDays: 90 }
     */
    flowLogs?: FlowLogsArgs;
    /**
     * Manage the VPC's default security group with no rules at all (Security Hub EC2.2): nothing
     * attached to it by mistake can send or receive. No component here uses it.
     * @default true
     */
    restrictDefaultSecurityGroup?: boolean;
    /**
     * An S3 gateway endpoint on every private route table (no charge): ECR image layers, which come
     * from S3, stop being billed as NAT data processing.
     * @default true when natGateways is not None
     */
    s3GatewayEndpoint?: boolean;
    /**
     * Interface endpoints for ECR (api, dkr) and CloudWatch Logs in every private subnet, with
     * private DNS. About $7.30 per endpoint per AZ per month plus $0.01/GB: 3 endpoints in 3 AZs cost
     * $65.70/month, so they pay off only when they replace NAT gateways (see the README).
     * @default false
     */
    interfaceEndpoints?: boolean;
    /** Tags for every resource. */
    tags?: Record<string, string>;
}

/**
 * A VPC across N availability zones with public and private subnets, an internet gateway, route
 * tables and a NAT strategy; or an existing VPC adopted by ids.
 */
export class Network extends pulumi.ComponentResource {
    public readonly vpcId: pulumi.Output<string>;
    public readonly publicSubnetIds: pulumi.Output<string[]>;
    public readonly privateSubnetIds: pulumi.Output<string[]>;
    /** The AZ of each created subnet, in subnet order (empty for an adopted VPC). */
    public readonly availabilityZones: pulumi.Output<string[]>;
    /** Escape hatches: the created VPC and subnets (undefined / empty for an adopted VPC). */
    public readonly vpc?: aws.ec2.Vpc;
    public readonly publicSubnets: aws.ec2.Subnet[] = [];
    public readonly privateSubnets: aws.ec2.Subnet[] = [];
    public readonly natGateways: aws.ec2.NatGateway[] = [];
    /** The NAT strategy: services and jobs place their tasks by it (public subnets with a public IP without NAT). */
    public readonly natMode: NatGateways;
    /**
     * How many AZs the subnets span (a plain number, known before deployment): a `LoadBalancer`
     * refuses a network of fewer than 2. For an adopted VPC, `existing.azCount` (undefined if not given).
     */
    public readonly azCount?: number;
    /** The VPC's flow log (undefined when disabled or adopted). */
    public readonly flowLog?: aws.ec2.FlowLog;
    /** The flow log's log group (destination CloudWatchLogs) or bucket (destination S3). */
    public readonly flowLogGroup?: aws.cloudwatch.LogGroup;
    public readonly flowLogBucket?: aws.s3.Bucket;
    /** The adopted default security group, with no rules. */
    public readonly defaultSecurityGroup?: aws.ec2.DefaultSecurityGroup;
    /** The private route tables, one per AZ. */
    public readonly privateRouteTables: aws.ec2.RouteTable[] = [];
    /** The S3 gateway endpoint and the interface endpoints, when created. */
    public readonly s3Endpoint?: aws.ec2.VpcEndpoint;
    public readonly interfaceEndpoints: aws.ec2.VpcEndpoint[] = [];

    constructor(name: string, args: NetworkArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super("fargatekit:index:Network", name, {}, opts);
        const azCount = args.azCount ?? 2;
        const cidrBlock = args.cidrBlock ?? "10.0.0.0/16";
        const nat = args.natGateways ?? NatGateways.None;
        const problems: string[] = [];
        if (!COMPONENT_NAME_PATTERN.test(name)) problems.push(`name "${name}" must be lowercase letters, digits and hyphens`);
        checkInteger(problems, "azCount", azCount, 1, 8);
        checkInteger(problems, "existing.azCount", args.existing?.azCount, 1, 32);
        checkEnum(problems, "natGateways", nat, NatGateways);
        problems.push(...flowLogsProblems(args.flowLogs));
        let plan: ReturnType<typeof planSubnets> | undefined;
        if (!args.existing) {
            try {
                plan = planSubnets(cidrBlock, Math.min(Math.max(azCount, 1), 8));
            } catch (e) {
                problems.push(`cidrBlock: ${(e as Error).message}`);
            }
        }
        if (problems.length > 0) throw new Error(`Network "${name}": ${problems.join("; ")}`);
        this.natMode = args.existing ? (args.existing.natMode ?? NatGateways.PerAz) : nat;
        this.azCount = args.existing ? args.existing.azCount : azCount;

        if (args.existing) {
            this.vpcId = pulumi.output(args.existing.vpcId);
            this.publicSubnetIds = pulumi.output(args.existing.publicSubnetIds);
            this.privateSubnetIds = pulumi.output(args.existing.privateSubnetIds);
            this.availabilityZones = pulumi.output([]);
            this.registerOutputs({ vpcId: this.vpcId, publicSubnetIds: this.publicSubnetIds, privateSubnetIds: this.privateSubnetIds });
            return;
        }

        const parent = { parent: this };
        const tags = args.tags ?? {};
        // Only AZs (not Local/Wavelength zones) that are available; subnets take the first N in order.
        const zones = aws.getAvailabilityZonesOutput({ state: "available", filters: [{ name: "zone-type", values: ["availability-zone"] }] }, parent);
        const azNames = Array.from({ length: azCount }, (_, i) =>
            zones.names.apply((names) => {
                if (names.length < azCount) throw new Error(`Network "${name}": azCount ${azCount} but the region has only ${names.length} available AZs`);
                return names[i];
            }),
        );

        const vpc = new aws.ec2.Vpc(`${name}-vpc`, {
            cidrBlock,
            enableDnsHostnames: true, // needed for ECS Exec / interface endpoints and private DNS
            enableDnsSupport: true,
            tags: { ...tags, Name: `${name}-vpc` },
        }, parent);
        this.vpc = vpc;
        const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: { ...tags, Name: `${name}-igw` } }, parent);

        const publicRt = new aws.ec2.RouteTable(`${name}-public`, {
            vpcId: vpc.id,
            routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
            tags: { ...tags, Name: `${name}-public` },
        }, parent);

        for (let i = 0; i < azCount; i++) {
            const subnet = new aws.ec2.Subnet(`${name}-public-${i}`, {
                vpcId: vpc.id,
                cidrBlock: plan!.publicCidrs[i],
                availabilityZone: azNames[i],
                // Tasks get public IPs through ECS's assignPublicIp, not through the subnet default.
                mapPublicIpOnLaunch: false,
                tags: { ...tags, Name: `${name}-public-${i}`, tier: "public" },
            }, parent);
            new aws.ec2.RouteTableAssociation(`${name}-public-${i}`, { subnetId: subnet.id, routeTableId: publicRt.id }, parent);
            this.publicSubnets.push(subnet);
        }

        const natCount = nat === NatGateways.PerAz ? azCount : nat === NatGateways.Single ? 1 : 0;
        for (let i = 0; i < natCount; i++) {
            const eip = new aws.ec2.Eip(`${name}-nat-${i}`, { domain: "vpc", tags: { ...tags, Name: `${name}-nat-${i}` } }, parent);
            this.natGateways.push(new aws.ec2.NatGateway(`${name}-nat-${i}`, {
                allocationId: eip.id,
                subnetId: this.publicSubnets[i].id,
                tags: { ...tags, Name: `${name}-nat-${i}` },
            }, { parent: this, dependsOn: [igw] }));
        }

        for (let i = 0; i < azCount; i++) {
            const subnet = new aws.ec2.Subnet(`${name}-private-${i}`, {
                vpcId: vpc.id,
                cidrBlock: plan!.privateCidrs[i],
                availabilityZone: azNames[i],
                mapPublicIpOnLaunch: false,
                tags: { ...tags, Name: `${name}-private-${i}`, tier: "private" },
            }, parent);
            const gateway = this.natGateways[Math.min(i, natCount - 1)];
            const rt = new aws.ec2.RouteTable(`${name}-private-${i}`, {
                vpcId: vpc.id,
                routes: gateway ? [{ cidrBlock: "0.0.0.0/0", natGatewayId: gateway.id }] : [],
                tags: { ...tags, Name: `${name}-private-${i}` },
            }, parent);
            new aws.ec2.RouteTableAssociation(`${name}-private-${i}`, { subnetId: subnet.id, routeTableId: rt.id }, parent);
            this.privateSubnets.push(subnet);
            this.privateRouteTables.push(rt);
        }

        if (args.restrictDefaultSecurityGroup ?? true) {
            // Adopting the default group removes every rule AWS gave it (all traffic from itself in, all
            // out); with no ingress and no egress listed, none is added back. Removing this resource
            // later leaves the group as it is (aws.ec2.DefaultSecurityGroup docs).
            this.defaultSecurityGroup = new aws.ec2.DefaultSecurityGroup(`${name}-default-sg`, {
                vpcId: vpc.id,
                ingress: [],
                egress: [],
                tags: { ...tags, Name: `${name}-default-do-not-use` },
            }, parent);
        }

        const flowLogs = { ...FLOW_LOG_DEFAULTS, ...args.flowLogs };
        if (flowLogs.enabled) {
            const created = createFlowLogs(name, vpc, flowLogs, tags, this);
            this.flowLog = created.flowLog;
            this.flowLogGroup = created.logGroup;
            this.flowLogBucket = created.bucket;
        }

        const endpoints = createVpcEndpoints(name, {
            vpc,
            gatewayRouteTables: (args.s3GatewayEndpoint ?? natCount > 0) ? this.privateRouteTables : [],
            interfaceSubnets: args.interfaceEndpoints ? this.privateSubnets : [],
            tags,
        }, this);
        this.s3Endpoint = endpoints.s3;
        this.interfaceEndpoints = endpoints.interfaces;

        this.vpcId = vpc.id;
        this.publicSubnetIds = pulumi.all(this.publicSubnets.map((s) => s.id));
        this.privateSubnetIds = pulumi.all(this.privateSubnets.map((s) => s.id));
        this.availabilityZones = pulumi.all(azNames);
        this.registerOutputs({
            vpcId: this.vpcId,
            publicSubnetIds: this.publicSubnetIds,
            privateSubnetIds: this.privateSubnetIds,
            availabilityZones: this.availabilityZones,
        });
    }
}
