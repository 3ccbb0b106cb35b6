/** Component specs: each component's wiring, built directly or through the program. */
import { strict as assert } from "node:assert";
import * as awsx from "@pulumi/awsx";
import * as path from "node:path";
import { Cluster, FargateTaskDefinition, FlowLogDestination, FlowLogTrafficType, imageTag, LoadBalancer, Network, NatGateways, Service, ServiceArgs } from "fargatekit";
import { ACCOUNT, committedStack, Graph, projectConfig, REGION, resolve, runComponents, runStack } from "./harness";

const SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbC123";
const PARAM = "arn:aws:ssm:us-east-1:123456789012:parameter/app/api-key";

function webArgs(network: Network, cluster: Cluster, loadBalancer: LoadBalancer, extra: Partial<ServiceArgs> = {}): ServiceArgs {
    return {
        cluster,
        network,
        route: { loadBalancer, priority: 100 },
        task: { image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:" + "a".repeat(64), cpu: 256, memory: 512, port: 3000 },
        ...extra,
    };
}

describe("Network", () => {
    for (const [nat, expected] of [[NatGateways.None, 0], [NatGateways.Single, 1], [NatGateways.PerAz, 3]] as const) {
        it(`natGateways ${nat}: ${expected} NAT gateway(s), private subnets routed accordingly`, async () => {
            const run = await runComponents(() => { new Network("net", { azCount: 3, natGateways: nat }); });
            const g = new Graph(run);
            const nats = g.ofType("aws:ec2/natGateway:NatGateway");
            assert.equal(nats.length, expected);
            for (const n of nats) assert.ok(g.ofType("aws:ec2/subnet:Subnet").find((s) => s.id === n.inputs.subnetId)?.inputs.tags.tier === "public", "NAT gateways live in public subnets");
            const privateRts = g.ofType("aws:ec2/routeTable:RouteTable").filter((r) => r.name.startsWith("net-private"));
            assert.equal(privateRts.length, 3);
            privateRts.forEach((rt, i) => {
                if (expected === 0) assert.deepEqual(rt.inputs.routes, []);
                else assert.equal(rt.inputs.routes[0].natGatewayId, nats[expected === 1 ? 0 : i].id, "per-AZ NAT keeps each AZ's egress in that AZ");
            });
            const azs = g.ofType("aws:ec2/subnet:Subnet").map((s) => s.inputs.availabilityZone);
            assert.deepEqual([...new Set(azs)].sort(), ["us-east-1a", "us-east-1b", "us-east-1c"]);
        });
    }

    it("adopts an existing awsx.ec2.Vpc: creates no network resources and the service runs in its subnets", async () => {
        let vpcIds: any;
        const run = await runComponents(() => {
            const shared = new awsx.ec2.Vpc("shared", { numberOfAvailabilityZones: 2 });
            const network = new Network("net", { existing: { vpcId: shared.vpcId, publicSubnetIds: shared.publicSubnetIds, privateSubnetIds: shared.privateSubnetIds } });
            const cluster = new Cluster("main");
            new Service("web", webArgs(network, cluster, new LoadBalancer("lb", { network })));
            vpcIds = { vpc: shared.vpcId, pub: shared.publicSubnetIds, prv: shared.privateSubnetIds };
        });
        const g = new Graph(run);
        const ours = g.resources.filter((r) => r.parentType === "fargatekit:index:Network");
        assert.deepEqual(ours.map((r) => r.type), [], "an adopted VPC gets no flow log, default-group or endpoint resource from us");
        assert.equal(g.ofType("aws:ec2/vpc:Vpc").length + g.ofType("aws:ec2/subnet:Subnet").length, 0);
        assert.equal(g.ofType("aws:ec2/flowLog:FlowLog").length + g.ofType("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup").length, 0);
        const [vpc, pub, prv] = await Promise.all([resolve(vpcIds.vpc), resolve(vpcIds.pub), resolve(vpcIds.prv)]);
        assert.deepEqual(g.one("aws:lb/loadBalancer:LoadBalancer").inputs.subnets, pub);
        assert.deepEqual(g.one("aws:ecs/service:Service").inputs.networkConfiguration.subnets, prv);
        assert.equal(g.one("aws:lb/targetGroup:TargetGroup").inputs.vpcId, vpc);
    });

    it("refuses impossible arguments with every problem at once", () => {
        assert.throws(() => new Network("Net", { azCount: 0, cidrBlock: "10.0.0.1/16" }), (e: Error) =>
            /name "Net"/.test(e.message) && /azCount: got 0/.test(e.message) && /host bits/.test(e.message));
        assert.throws(() => new Network("net", {
            flowLogs: { trafficType: "ACCEPT" as FlowLogTrafficType, destination: "kinesis" as FlowLogDestination, retentionDays: 10 },
        }), (e: Error) => [/flowLogs\.trafficType: got "ACCEPT"; allowed: ALL, REJECT \(ACCEPT alone misses/, /flowLogs\.destination: got "kinesis"; allowed: cloudWatchLogs, s3/]
            .every((re) => re.test(e.message)));
        assert.throws(() => new Network("net", { flowLogs: { retentionDays: 10 } }), /flowLogs\.retentionDays: got 10; allowed with destination "cloudWatchLogs": one of 1, 3, 5, 7, 14/);
        assert.throws(() => new Network("net", { flowLogs: { destination: FlowLogDestination.S3, retentionDays: 0 } }), /flowLogs\.retentionDays: got 0; allowed with destination "s3": an integer 1–3650/);
    });

    it("flow logs to S3: a private bucket with an expiry rule, TLS only, writable by this account's log deliveries alone; no role", async () => {
        const run = await runComponents(() => { new Network("net", { natGateways: NatGateways.Single, flowLogs: { destination: FlowLogDestination.S3, trafficType: FlowLogTrafficType.All, retentionDays: 400, retainOnDelete: true } }); });
        const g = new Graph(run);
        const fl = g.one("aws:ec2/flowLog:FlowLog");
        const bucket = g.one("aws:s3/bucket:Bucket");
        assert.deepEqual([fl.inputs.logDestinationType, fl.inputs.logDestination, fl.inputs.trafficType, fl.inputs.iamRoleArn], ["s3", bucket.state.arn, "ALL", undefined]);
        assert.equal(fl.inputs.vpcId, g.one("aws:ec2/vpc:Vpc").id);
        assert.equal(g.ofType("aws:iam/role:Role").length, 0, "S3 delivery needs no role of ours");
        assert.equal(bucket.retainOnDelete, true);
        assert.equal(bucket.inputs.forceDestroy, false, "a kept bucket is never emptied by a destroy");
        const block = g.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
        assert.deepEqual([block.inputs.bucket, block.inputs.blockPublicAcls, block.inputs.blockPublicPolicy, block.inputs.ignorePublicAcls, block.inputs.restrictPublicBuckets], [bucket.id, true, true, true, true]);
        const lifecycle = g.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
        assert.deepEqual(lifecycle.inputs.rules.map((r: any) => [r.status, r.filter.prefix, r.expiration.days]), [["Enabled", "AWSLogs/", 400]]);
        // VPC user guide, "Amazon S3 bucket permissions for flow logs".
        const policy = JSON.parse(g.one("aws:s3/bucketPolicy:BucketPolicy").inputs.policy);
        const bySid = Object.fromEntries(policy.Statement.map((x: any) => [x.Sid, x]));
        const source = { "aws:SourceAccount": ACCOUNT };
        const sourceArn = { "aws:SourceArn": `arn:aws:logs:${REGION}:${ACCOUNT}:*` };
        assert.deepEqual(bySid.AWSLogDeliveryWrite, {
            Sid: "AWSLogDeliveryWrite", Effect: "Allow", Principal: { Service: "delivery.logs.amazonaws.com" }, Action: "s3:PutObject",
            Resource: `${bucket.state.arn}/AWSLogs/${ACCOUNT}/*`,
            Condition: { StringEquals: { ...source, "s3:x-amz-acl": "bucket-owner-full-control" }, ArnLike: sourceArn },
        });
        assert.deepEqual(bySid.AWSLogDeliveryAclCheck.Resource, bucket.state.arn);
        assert.deepEqual(bySid.AWSLogDeliveryAclCheck.Action, ["s3:GetBucketAcl", "s3:ListBucket"]);
        assert.deepEqual(bySid.AWSLogDeliveryAclCheck.Condition, { StringEquals: source, ArnLike: sourceArn });
        assert.deepEqual(bySid.DenyInsecureTransport.Condition, { Bool: { "aws:SecureTransport": "false" } });
        assert.ok(fl.dependsOn.includes("net-flow-logs"), "the policy exists before the flow log, so AWS does not attach its own over it");
    });

    it("interface endpoints (opt-in): ECR api, ECR dkr and CloudWatch Logs in each private subnet, private DNS, HTTPS from the VPC only", async () => {
        const run = await runComponents(() => { new Network("net", { azCount: 3, natGateways: NatGateways.PerAz, interfaceEndpoints: true }); });
        const g = new Graph(run);
        const vpc = g.one("aws:ec2/vpc:Vpc");
        const privateSubnets = g.ofType("aws:ec2/subnet:Subnet").filter((x) => x.inputs.tags.tier === "private").map((x) => x.id).sort();
        const interfaces = g.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.inputs.vpcEndpointType === "Interface");
        assert.deepEqual(interfaces.map((e) => e.inputs.serviceName).sort(), ["ecr.api", "ecr.dkr", "logs"].map((x) => `com.amazonaws.${REGION}.${x}`));
        const sg = g.one("aws:ec2/securityGroup:SecurityGroup");
        for (const e of interfaces) {
            assert.deepEqual([...e.inputs.subnetIds].sort(), privateSubnets, "one address per AZ, in the private subnets");
            assert.equal(e.inputs.privateDnsEnabled, true, "the SDKs' usual hostnames resolve to the endpoint");
            assert.deepEqual(e.inputs.securityGroupIds, [sg.id]);
            assert.equal(e.inputs.vpcId, vpc.id);
        }
        const ingress = g.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.inputs.securityGroupId === sg.id);
        assert.deepEqual(ingress.map((r) => [r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4]), [["tcp", 443, 443, "10.0.0.0/16"]]);
        assert.equal(g.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.inputs.vpcEndpointType === "Gateway").length, 1, "the S3 gateway endpoint too (NAT)");
    });

    it("each piece can be turned off: no flow log, default group left alone, no S3 endpoint even behind NAT", async () => {
        const run = await runComponents(() => {
            new Network("net", { natGateways: NatGateways.Single, flowLogs: { enabled: false }, restrictDefaultSecurityGroup: false, s3GatewayEndpoint: false });
        });
        const g = new Graph(run);
        for (const t of ["aws:ec2/flowLog:FlowLog", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "aws:ec2/vpcEndpoint:VpcEndpoint", "aws:cloudwatch/logGroup:LogGroup", "aws:iam/role:Role"]) {
            assert.equal(g.ofType(t).length, 0, t);
        }
        assert.equal(g.ofType("aws:ec2/natGateway:NatGateway").length, 1);
    });

    it("defaults: rejected traffic to CloudWatch Logs for 90 days, the default group closed, the S3 endpoint only with NAT", async () => {
        const g = new Graph(await runComponents(() => { new Network("net", {}); }));
        const fl = g.one("aws:ec2/flowLog:FlowLog");
        assert.deepEqual([fl.inputs.trafficType, fl.inputs.logDestinationType], ["REJECT", "cloud-watch-logs"]);
        assert.equal(g.byRef(fl.inputs.logDestination)!.inputs.retentionInDays, 90);
        assert.equal(g.one("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup").inputs.vpcId, g.one("aws:ec2/vpc:Vpc").id);
        assert.equal(g.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").length, 0, "no NAT, no endpoint");
    });
});

describe("FargateTaskDefinition", () => {
    it("lets the execution role read exactly the injected secrets and pull from exactly its repository", async () => {
        const run = await runComponents(() => {
            new FargateTaskDefinition("job", {
                image: "img@sha256:" + "b".repeat(64), cpu: 512, memory: 1024,
                secrets: { DB: `${SECRET}:password::`, DB_USER: `${SECRET}:user::`, API_KEY: PARAM },
                repositoryArn: "arn:aws:ecr:us-east-1:123456789012:repository/app",
            });
        });
        const g = new Graph(run);
        const policy = JSON.parse(g.named("job-exec").type === "aws:iam/role:Role"
            ? g.ofType("aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "job-exec")!.inputs.policy : "");
        const bySid = Object.fromEntries(policy.Statement.map((s: any) => [s.Sid, s]));
        assert.deepEqual(bySid.ReadInjectedSecrets.Resource, [SECRET]);
        assert.deepEqual(bySid.ReadInjectedParameters.Resource, [PARAM]);
        assert.deepEqual(bySid.PullImage.Resource, ["arn:aws:ecr:us-east-1:123456789012:repository/app"]);
        assert.match(bySid.WriteLogs.Resource[0], /^arn:aws:logs:us-east-1:123456789012:log-group:job-logs-[0-9a-f]{7}:log-stream:\*$/);
        const [c] = JSON.parse(g.one("aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions);
        assert.deepEqual(c.secrets.map((s: any) => s.name), ["API_KEY", "DB", "DB_USER"]);
        assert.equal(c.readonlyRootFilesystem, true);
        assert.deepEqual(c.portMappings, []);
        assert.equal(g.ofType("aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "job-task"), undefined, "no task-role policy when nothing is granted");
    });

    it("refuses bad sizes, ARNs, health checks and root users together", () => {
        assert.throws(() => new FargateTaskDefinition("x", {
            image: "i", cpu: 256, memory: 8192, secrets: { A: "plain" }, user: "root", stopTimeout: 600,
            healthCheck: { command: ["curl"], interval: 5, timeout: 6 },
        }), (e: Error) => ["cpu/memory", "secrets.A", "user", "stopTimeout", "healthCheck.command", "healthCheck.timeout"].every((k) => e.message.includes(k)));
    });
});

describe("LoadBalancer and Service", () => {
    it("uses an existing certificate ARN without creating one, on a TLS 1.3 listener", async () => {
        const arn = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012";
        const outs: any = {};
        const run = await runComponents(() => {
            const net = new Network("net", {});
            const lb = new LoadBalancer("web", { network: net, https: { certificateArn: arn } });
            new Service("web", webArgs(net, new Cluster("main"), lb));
            outs.url = lb.url;
        });
        const g = new Graph(run);
        assert.equal(g.ofType("aws:acm/certificate:Certificate").length, 0);
        const https = g.ofType("aws:lb/listener:Listener").find((l) => l.inputs.protocol === "HTTPS")!;
        assert.equal(https.inputs.certificateArn, arn);
        assert.match(await resolve(outs.url), /^https:\/\/web-alb-[0-9a-f]{7}-\d+\.us-east-1\.elb\.amazonaws\.com$/);
    });

    it("refuses names whose target group name would pass 32 characters, and other bad args at once", () => {
        const network = { vpcId: "v", publicSubnetIds: [], privateSubnetIds: [] };
        const cluster = { clusterArn: "a", clusterName: "c" };
        const loadBalancer = { listenerArn: "l", securityGroupId: "sg", arnSuffix: "app/x/y" };
        assert.throws(() => new Service("a-very-long-service-name", {
            cluster, network, route: { loadBalancer, priority: 0, paths: ["/a", "/b", "/c", "/d", "/e", "/f"] },
            task: { image: "i", cpu: 256, memory: 512, port: 8080 }, autoscaling: { minCount: 3, maxCount: 2 },
        }), (e: Error) => /at most 21 characters/.test(e.message) && /route.priority: got 0/.test(e.message) && /at most 5 per rule/.test(e.message) && /minCount 3 is greater than maxCount 2/.test(e.message));
        assert.throws(() => new LoadBalancer("a-very-long-balancer-name", { network, https: { domain: "x.example.com" } }),
            (e: Error) => /at most 20 characters/.test(e.message) && /https.hostedZoneId/.test(e.message));
        assert.throws(() => new Service("worker", { cluster, network, task: { image: "i", cpu: 256, memory: 512, port: 8080 }, calls: [{ discoveryName: "api", securityGroupId: "sg", port: 8080 }] }),
            (e: Error) => /task.port: got 8080; a service exposed to nobody/.test(e.message) && /serviceConnectNamespaceArn/.test(e.message));
    });
});

describe("per-stack defaults", () => {
    it("dev: public subnets with public IPs, no NAT, Spot, one small task, ECS Exec, nothing retained", async () => {
        const g = new Graph(await committedStack("dev"));
        for (const s of g.ofType("aws:ecs/service:Service")) {
            assert.equal(s.inputs.networkConfiguration.assignPublicIp, true, `${s.name} gets a public IP (no NAT to pull through)`);
            assert.deepEqual(s.inputs.capacityProviderStrategies, [{ capacityProvider: "FARGATE_SPOT", weight: 1 }], `${s.name} on Spot`);
            assert.equal(s.inputs.desiredCount, 1);
        }
        const svc = g.ofType("aws:ecs/service:Service").find((s) => s.name === "web")!;
        assert.equal(g.ofType("aws:ec2/natGateway:NatGateway").length, 0);
        assert.deepEqual(svc.inputs.capacityProviderStrategies, [{ capacityProvider: "FARGATE_SPOT", weight: 1 }]);
        assert.equal(svc.inputs.desiredCount, 1);
        assert.equal(svc.inputs.enableExecuteCommand, true);
        const taskPolicy = g.ofType("aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "web-task")!;
        assert.ok(JSON.parse(taskPolicy.inputs.policy).Statement.some((s: any) => s.Action.includes("ssmmessages:OpenDataChannel")), "ECS Exec permissions on the task role");
        assert.equal(g.one("aws:ecr/repository:Repository").inputs.forceDelete, true);
        // The one exception: the docker-build Image never deletes the tags it pushed (a running
        // release may use them); dev's force-deleted repository takes them with it on destroy.
        assert.deepEqual(g.resources.filter((r) => r.retainOnDelete || r.protect).map((r) => r.type), ["docker-build:index:Image"]);
        assert.equal(g.ofType("aws:cloudwatch/logGroup:LogGroup").find((l) => l.name === "web-logs")!.inputs.retentionInDays, 7);
    });

    it("prod: private subnets behind a NAT per AZ, ≥ 2 tasks over ≥ 2 AZs, HTTPS, protection, access logs, data kept", async () => {
        const g = new Graph(await committedStack("prod"));
        for (const s of g.ofType("aws:ecs/service:Service")) {
            assert.equal(s.inputs.networkConfiguration.assignPublicIp, false);
            const taskSubnets = s.inputs.networkConfiguration.subnets.map((id: string) => g.byRef(id, "id")!);
            assert.ok(taskSubnets.every((x: any) => x.inputs.tags.tier === "private"));
            assert.ok(new Set(taskSubnets.map((x: any) => x.inputs.availabilityZone)).size >= 2, `${s.name} spans AZs`);
            assert.ok(s.inputs.desiredCount >= 2, `${s.name} runs at least 2 tasks`);
        }
        const svc = g.ofType("aws:ecs/service:Service").find((s) => s.name === "web")!;
        assert.equal(g.ofType("aws:ec2/natGateway:NatGateway").length, 3);
        assert.equal(svc.inputs.enableExecuteCommand, false);
        const [c] = JSON.parse(g.ofType("aws:ecs/taskDefinition:TaskDefinition").find((t) => t.name === "web")!.inputs.containerDefinitions);
        assert.equal(c.readonlyRootFilesystem, true);
        const lb = g.one("aws:lb/loadBalancer:LoadBalancer");
        assert.equal(lb.inputs.enableDeletionProtection, true);
        assert.equal(lb.inputs.accessLogs.enabled, true);
        assert.equal(lb.inputs.accessLogs.bucket, g.one("aws:s3/bucket:Bucket").state.bucket);
        assert.ok(lb.dependsOn.includes("lb-access-logs"), "the bucket policy exists before ELB tests its access");
        for (const type of ["aws:ecr/repository:Repository", "aws:cloudwatch/logGroup:LogGroup", "aws:s3/bucket:Bucket"]) {
            assert.ok(g.ofType(type).every((r) => r.retainOnDelete), `${type} is kept on destroy`);
        }
        assert.equal(g.one("aws:ecr/repository:Repository").inputs.forceDelete, false);
        const alias = g.ofType("aws:route53/record:Record").find((r) => r.inputs.type === "A")!;
        assert.equal(alias.inputs.aliases[0].name, lb.state.dnsName);
        const validation = g.one("aws:acm/certificateValidation:CertificateValidation");
        assert.equal(g.ofType("aws:lb/listener:Listener").find((l) => l.inputs.protocol === "HTTPS")!.inputs.certificateArn, validation.inputs.certificateArn);
    });

    it("the image: docker-build from app/ by relative paths for linux/amd64, tagged img-<hash>, pushed with ECR credentials, cached in ECR, run by digest", async () => {
        const run = await committedStack("dev");
        const g = new Graph(run);
        const image = g.one("docker-build:index:Image");
        const repo = g.one("aws:ecr/repository:Repository").state.repositoryUrl as string;
        assert.deepEqual(image.inputs.platforms, ["linux/amd64"]);
        assert.deepEqual(image.inputs.context, { location: "app" }, "relative to the program's directory: no absolute path in the provider's diff");
        assert.deepEqual(image.inputs.dockerfile, { location: "app/Dockerfile" });
        const [tagged] = image.inputs.tags;
        assert.match(tagged, /^123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/app-[0-9a-f]{7}:img-[0-9a-f]{16}$/);
        assert.equal(tagged.split(":").pop(), imageTag({ context: path.resolve(__dirname, "..", "app"), platform: "linux/amd64" }));
        assert.equal(image.inputs.push, true, "the mocked repository is empty, so the tag is new and is pushed");
        assert.deepEqual(image.inputs.registries.map((r: any) => [r.address, r.username]), [["123456789012.dkr.ecr.us-east-1.amazonaws.com", "AWS"]]);
        assert.ok(image.secretInputs.includes("registries"), "the registry password stays a secret in state");
        assert.deepEqual(image.inputs.cacheFrom, [{ registry: { ref: `${repo}:buildcache` } }]);
        assert.deepEqual(image.inputs.cacheTo, [{ registry: { ref: `${repo}:buildcache`, imageManifest: true, ociMediaTypes: true, mode: "max", ignoreError: true } }]);
        assert.equal(run.outputs.imageRef, `${repo}@${image.state.digest}`);
        assert.match(String(run.outputs.imageRef), /@sha256:[0-9a-f]{64}$/);
        const [c] = JSON.parse(g.ofType("aws:ecs/taskDefinition:TaskDefinition").find((t) => t.name === "web")!.inputs.containerDefinitions);
        assert.equal(c.image, run.outputs.imageRef);
        assert.equal(c.environment.find((e: any) => e.name === "APP_VERSION").value, tagged.split(":").pop());
        const idle = g.one("aws:lb/loadBalancer:LoadBalancer").inputs.idleTimeout;
        assert.ok(Number(c.environment.find((e: any) => e.name === "KEEP_ALIVE_TIMEOUT_MS").value) > idle * 1000, "app keep-alive outlasts the ALB idle timeout");
    });

    it("exports the URL, names per service, repository, log groups and queue", async () => {
        const { outputs } = await committedStack("prod");
        assert.equal(outputs.url, "https://app.example.com");
        for (const key of ["clusterName", "repositoryUrl"]) assert.match(String(outputs[key]), /-[0-9a-f]{7}$/, key);
        for (const key of ["serviceNames", "logGroupNames"]) {
            const byService = outputs[key] as Record<string, string>;
            assert.deepEqual(Object.keys(byService).sort(), ["api", "web", "worker"], key);
            for (const [name, value] of Object.entries(byService)) assert.match(value, new RegExp(`^${name}-`), `${key}.${name}`);
        }
        assert.match(String((outputs.queueUrls as Record<string, string>).worker), /^https:\/\/sqs\.us-east-1\.amazonaws\.com\/123456789012\/worker-queue-/);
    });

    it("a secret in the stack config reaches the container and the execution role", async () => {
        const services = (projectConfig("dev").services as Record<string, unknown>[]).map((s) => (s.name === "web" ? { ...s, secrets: { DB_PASSWORD: `${SECRET}:password::` } } : s));
        const g = new Graph(await runStack("dev", { services }));
        const [c] = JSON.parse(g.ofType("aws:ecs/taskDefinition:TaskDefinition").find((t) => t.name === "web")!.inputs.containerDefinitions);
        assert.deepEqual(c.secrets, [{ name: "DB_PASSWORD", valueFrom: `${SECRET}:password::` }]);
        const exec = JSON.parse(g.ofType("aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "web-exec")!.inputs.policy);
        assert.deepEqual(exec.Statement.find((s: any) => s.Sid === "ReadInjectedSecrets").Resource, [SECRET]);
    });
});
