/**
 * Network hygiene, as properties over both committed stacks' graphs: every VPC has a flow log that
 * delivers with a role scoped to its own log group (EC2.6), a default security group with no rules
 * (EC2.2), and, behind NAT, an S3 gateway endpoint on exactly its private route tables. Sources are
 * cited where each property is asserted.
 */
import { strict as assert } from "node:assert";
import { FLOW_LOG_CLOUDWATCH_DAYS } from "fargatekit";
import { ACCOUNT, committedStack, Graph, projectConfig, RecordedResource, REGION } from "./harness";

const T = {
    vpc: "aws:ec2/vpc:Vpc",
    flowLog: "aws:ec2/flowLog:FlowLog",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    defaultSg: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    routeTable: "aws:ec2/routeTable:RouteTable",
    association: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    nat: "aws:ec2/natGateway:NatGateway",
    igw: "aws:ec2/internetGateway:InternetGateway",
    sgRules: ["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "aws:ec2/securityGroupRule:SecurityGroupRule"],
};

for (const stack of ["dev", "prod"] as const) {
    describe(`network hygiene over the ${stack} graph`, () => {
        let g: Graph;
        let vpcs: RecordedResource[];
        before(async () => {
            g = new Graph(await committedStack(stack));
            vpcs = g.ofType(T.vpc);
            assert.ok(vpcs.length >= 1, "the stack creates a VPC");
        });

        it("every VPC has one flow log of the whole VPC, with the stack's traffic type, into a log group of this stack with the stack's retention", () => {
            // What the stack file chose (each stack states its choice explicitly).
            const wanted = projectConfig(stack).network.flowLogs;
            for (const vpc of vpcs) {
                const logs = g.ofType(T.flowLog).filter((f) => f.inputs.vpcId === vpc.id);
                assert.equal(logs.length, 1, `VPC ${vpc.name} has exactly one flow log`);
                const [fl] = logs;
                // Security Hub EC2.6 evaluates flow logs with trafficType REJECT; ALL records rejected flows too.
                assert.ok(["REJECT", "ALL"].includes(fl.inputs.trafficType));
                assert.equal(fl.inputs.trafficType, wanted.trafficType);
                // CreateFlowLogs: one resource per flow log (a VPC, not a subnet or ENI), aggregation 60 or 600 s.
                assert.equal(fl.inputs.subnetId, undefined);
                assert.equal(fl.inputs.eniId, undefined);
                assert.ok([60, 600].includes(fl.inputs.maxAggregationInterval));
                assert.equal(fl.inputs.logDestinationType, "cloud-watch-logs");
                const group = g.byRef(fl.inputs.logDestination);
                assert.ok(group && group.type === T.logGroup, "the destination is a log group created in this stack");
                assert.equal(group!.inputs.retentionInDays, wanted.retentionDays);
                assert.ok(FLOW_LOG_CLOUDWATCH_DAYS.includes(group!.inputs.retentionInDays), "a retention CloudWatch Logs accepts, never 'forever'");
                assert.equal(group!.parent, fl.parent, "the log group belongs to the same Network component as the flow log");
                if (stack === "prod") assert.equal(group!.retainOnDelete, true, "prod keeps its flow-log records on destroy");
            }
        });

        it("the delivery role trusts only the flow logs service of this account, and may write only to that log group", () => {
            for (const fl of g.ofType(T.flowLog)) {
                const role = g.byRef(fl.inputs.iamRoleArn);
                assert.ok(role && role.type === T.role, "the flow log's role is a role created in this stack");
                // VPC user guide, "IAM role for publishing flow logs to CloudWatch Logs": trust
                // vpc-flow-logs.amazonaws.com, with aws:SourceAccount and aws:SourceArn against the confused deputy.
                const trust = JSON.parse(role!.inputs.assumeRolePolicy);
                assert.deepEqual(trust.Statement, [{
                    Effect: "Allow",
                    Principal: { Service: "vpc-flow-logs.amazonaws.com" },
                    Action: "sts:AssumeRole",
                    Condition: {
                        StringEquals: { "aws:SourceAccount": ACCOUNT },
                        ArnLike: { "aws:SourceArn": `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc-flow-log/*` },
                    },
                }]);
                const group = g.byRef(fl.inputs.logDestination)!;
                const policies = g.ofType(T.rolePolicy).filter((p) => p.inputs.role === role!.id);
                assert.equal(policies.length, 1, "one inline policy, nothing attached besides");
                const statements = JSON.parse(policies[0].inputs.policy).Statement;
                const actions = statements.flatMap((s: any) => [s.Action].flat()).sort();
                assert.deepEqual(actions, ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]);
                for (const s of statements) {
                    assert.equal(s.Effect, "Allow");
                    assert.deepEqual(s.Resource, [group.state.arn, `${group.state.arn}:log-stream:*`], "only the flow log's own group and its streams");
                }
                assert.ok(fl.dependsOn.includes(policies[0].name), "the flow log waits for its permissions (else delivery starts with an error)");
            }
        });

        it("every VPC's default security group is adopted with no inbound and no outbound rule, and nothing adds one", () => {
            for (const vpc of vpcs) {
                const defaults = g.ofType(T.defaultSg).filter((d) => d.inputs.vpcId === vpc.id);
                // Security Hub EC2.2; adopting the group removes AWS's default rules (aws.ec2.DefaultSecurityGroup docs).
                assert.equal(defaults.length, 1, `VPC ${vpc.name}'s default security group is managed`);
                assert.deepEqual(defaults[0].inputs.ingress, []);
                assert.deepEqual(defaults[0].inputs.egress, []);
                const attached = T.sgRules.flatMap((t) => g.ofType(t)).filter((r) => r.inputs.securityGroupId === defaults[0].id);
                assert.deepEqual(attached.map((r) => r.name), []);
            }
            assert.equal(g.ofType(T.defaultSg).length, vpcs.length, "no default security group of a VPC outside this stack");
        });

        it("behind NAT, one S3 gateway endpoint sits on exactly the private route tables, all of them", () => {
            for (const vpc of vpcs) {
                const tables = g.ofType(T.routeTable).filter((rt) => rt.inputs.vpcId === vpc.id);
                const igws = new Set(g.ofType(T.igw).filter((i) => i.inputs.vpcId === vpc.id).map((i) => i.id));
                // Private: no route to the internet gateway. Each is associated with a subnet of this VPC.
                const privateTables = tables.filter((rt) => !(rt.inputs.routes ?? []).some((r: any) => igws.has(r.gatewayId)));
                assert.ok(privateTables.length >= 2, "a private route table per AZ");
                for (const rt of privateTables) assert.ok(g.ofType(T.association).some((a) => a.inputs.routeTableId === rt.id));
                const natIds = new Set(g.ofType(T.nat).map((n) => n.id));
                const behindNat = privateTables.some((rt) => (rt.inputs.routes ?? []).some((r: any) => natIds.has(r.natGatewayId)));
                const s3 = g.ofType(T.endpoint).filter((e) => e.inputs.vpcId === vpc.id && e.inputs.serviceName === `com.amazonaws.${REGION}.s3`);
                if (!behindNat) {
                    // dev: no NAT gateway, tasks pull through the internet gateway (no processing charge).
                    assert.deepEqual(s3, [], "no endpoint where nothing would be saved");
                    continue;
                }
                assert.equal(s3.length, 1, "one S3 endpoint per VPC");
                // VPC user guide, "Gateway endpoints for Amazon S3": type Gateway, route tables of the same VPC.
                assert.equal(s3[0].inputs.vpcEndpointType, "Gateway");
                assert.deepEqual([...s3[0].inputs.routeTableIds].sort(), privateTables.map((rt) => rt.id).sort());
                assert.ok(!s3[0].inputs.routeTableIds.some((id: string) => tables.find((t) => t.id === id)?.inputs.routes?.some((r: any) => igws.has(r.gatewayId))), "not on the public route table");
                assert.equal(s3[0].inputs.subnetIds, undefined, "a gateway endpoint has no network interfaces");
            }
        });

        it("interface endpoints are off in both stacks (they would cost $7.30 per endpoint per AZ each month)", () => {
            assert.deepEqual(g.ofType(T.endpoint).filter((e) => e.inputs.vpcEndpointType === "Interface").map((e) => e.name), []);
        });
    });
}
