/**
 * Network hygiene: every VPC the stack creates records its rejected traffic and keeps its default
 * security group closed (Security Hub FSBP EC2.6, EC2.2), and its flow logs and endpoints are ones
 * AWS accepts. A stack that creates no VPC (it adopts one) gets "not applicable", never a pass: the
 * adopted VPC's owner answers for it.
 * Controls: https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html
 */
import type { PolicyResource } from "@pulumi/policy";
import { asArray, ProjectRule, resourceRule, RuleCategory, StackGraph, stackRule, TYPES } from "./util";

const SH = "Security Hub";
const NO_VPC = "the stack creates no VPC (an adopted VPC's flow logs and default security group are its owner's)";

/** The VPCs a stack creates; a stack rule over them is not applicable when there is none. */
function createdVpcs(g: StackGraph, notApplicable: (reason: string) => never): PolicyResource[] {
    const vpcs = g.ofType(TYPES.vpc);
    if (vpcs.length === 0) notApplicable(NO_VPC);
    return vpcs;
}

/** Traffic types whose records include rejected flows, which EC2.6 evaluates (its trafficType parameter is REJECT). */
const RECORDS_REJECTS = ["REJECT", "ALL"];

export const networkRules: ProjectRule[] = [
    stackRule({
        name: "vpc-flow-logs",
        description: "Every VPC the stack creates has a flow log of the whole VPC recording rejected traffic (REJECT or ALL).",
        category: RuleCategory.Security,
        source: `${SH} EC2.6 (AWS Config vpc-flow-logs-enabled, trafficType REJECT); Checkov CKV2_AWS_11`,
    }, (g, args, report) => {
        for (const vpc of createdVpcs(g, args.notApplicable)) {
            const logs = g.ofType(TYPES.flowLog).filter((f) => f.props.vpcId === vpc.props.id);
            if (logs.length === 0) report(`VPC "${vpc.name}" has no flow log`, vpc.urn);
            else if (!logs.some((f) => RECORDS_REJECTS.includes(f.props.trafficType))) {
                report(`VPC "${vpc.name}": its flow logs record only ${[...new Set(logs.map((f) => f.props.trafficType))].join(", ")} traffic; rejected flows (REJECT or ALL) are not recorded`, vpc.urn);
            }
        }
    }),
    stackRule({
        name: "vpc-default-sg-closed",
        description: "The default security group of every VPC the stack creates is managed with no inbound and no outbound rule.",
        category: RuleCategory.Security,
        source: `${SH} EC2.2 (AWS Config vpc-default-security-group-closed); Checkov CKV2_AWS_12`,
    }, (g, args, report) => {
        const vpcs = createdVpcs(g, args.notApplicable);
        const defaults = g.ofType(TYPES.defaultSecurityGroup);
        for (const vpc of vpcs) {
            // AWS gives every new VPC a default group admitting all traffic from its members and to anywhere;
            // only adopting it (aws.ec2.DefaultSecurityGroup) removes those rules.
            if (!defaults.some((d) => d.props.vpcId === vpc.props.id)) report(`VPC "${vpc.name}": its default security group is not managed, so it keeps AWS's rules (all traffic from itself, all traffic out)`, vpc.urn);
        }
        for (const d of defaults) {
            const rules = asArray(d.props.ingress).length + asArray(d.props.egress).length;
            if (rules > 0) report(`default security group "${d.name}" has ${rules} rule(s); it must have none`, d.urn);
            const attached = [...g.ofType(TYPES.sgIngressRule), ...g.ofType(TYPES.sgEgressRule), ...g.ofType(TYPES.sgRule)].filter((r) => r.props.securityGroupId === d.props.id);
            for (const r of attached) report(`"${r.name}" adds a rule to the default security group "${d.name}"`, r.urn);
        }
    }),
    resourceRule({
        name: "flow-log-delivery",
        description: "A flow log names its destination; one to CloudWatch Logs names the IAM role that delivers it; the aggregation interval is 60 or 600 s.",
        category: RuleCategory.Aws,
        source: "EC2 API reference, CreateFlowLogs: DeliverLogsPermissionArn, LogDestination, MaxAggregationInterval (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateFlowLogs.html)",
        types: [TYPES.flowLog],
    }, (p, _a, report) => {
        const type = p.logDestinationType ?? "cloud-watch-logs";
        if (!p.logDestination) report(`no logDestination for destination type ${type}`);
        if (type === "cloud-watch-logs" && !p.iamRoleArn) report("a flow log to CloudWatch Logs needs iamRoleArn (DeliverLogsPermissionArn): the role the flow logs service writes with");
        if (p.maxAggregationInterval !== undefined && ![60, 600].includes(p.maxAggregationInterval)) report(`maxAggregationInterval ${p.maxAggregationInterval}; allowed: 60 or 600 seconds`);
    }),
    stackRule({
        name: "vpc-endpoint-placement",
        description: "A gateway endpoint is on route tables of its own VPC; an interface endpoint has at most one subnet per AZ, in its VPC, and private DNS only where the VPC resolves DNS hostnames.",
        category: RuleCategory.Aws,
        source: "VPC API reference, CreateVpcEndpoint (RouteTableIds, SubnetIds: one per Availability Zone, PrivateDnsEnabled needs enableDnsSupport and enableDnsHostnames) (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html)",
    }, (g, args, report) => {
        const endpoints = g.ofType(TYPES.vpcEndpoint);
        if (endpoints.length === 0) args.notApplicable("the stack creates no VPC endpoint");
        for (const ep of endpoints) {
            const type = ep.props.vpcEndpointType ?? "Gateway";
            if (type === "Gateway") {
                for (const id of asArray<string>(ep.props.routeTableIds)) {
                    const rt = g.byRef(id);
                    if (rt && rt.props.vpcId !== ep.props.vpcId) report(`gateway endpoint "${ep.name}" is on route table "${rt.name}" of another VPC`, ep.urn);
                }
            } else if (type === "Interface") {
                const subnets = asArray<string>(ep.props.subnetIds).map((id) => g.byRef(id)).filter((s): s is PolicyResource => s !== undefined);
                for (const s of subnets.filter((x) => x.props.vpcId !== ep.props.vpcId)) report(`interface endpoint "${ep.name}" is in subnet "${s.name}" of another VPC`, ep.urn);
                const azs = subnets.map((s) => s.props.availabilityZone);
                if (new Set(azs).size < azs.length) report(`interface endpoint "${ep.name}" has two subnets in one Availability Zone`, ep.urn);
                const vpc = g.byRef(ep.props.vpcId);
                if (ep.props.privateDnsEnabled === true && vpc && !(vpc.props.enableDnsSupport !== false && vpc.props.enableDnsHostnames === true)) {
                    report(`interface endpoint "${ep.name}" uses private DNS but VPC "${vpc.name}" does not have DNS support and DNS hostnames on`, ep.urn);
                }
            }
        }
    }),
];
