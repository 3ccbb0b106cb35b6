/**
 * `fargatekit/testing`: unit-test a program built from fargatekit under Pulumi's mock engine, with
 * no AWS account, no Pulumi CLI and no Docker.
 *
 * ```ts
 * import { setFargatekitMocks, valueOf } from "fargatekit/testing";
 * const mocks = await setFargatekitMocks({ region: "eu-west-1" });   // before importing the program
 * const program = await import("./index");
 * await mocks.settled();                                              // every registration answered
 * const td = mocks.resources.find((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition");
 * assert.equal(await valueOf(program.url), "http://lb-alb-…");
 * ```
 *
 * Every invoke the components make is answered with realistic values (`MOCKED_INVOKES`), and every
 * resource type they create gets realistic outputs (`MOCKED_RESOURCE_TYPES`: ids, ARNs, names,
 * `arnSuffix`, `dnsName`, `repositoryUrl`, …), so outputs derived from them look like AWS's. An invoke
 * nobody answers fails loudly, naming the invoke and how to answer it.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";

/** The account, region and zones the mocked AWS answers with. */
export interface MockEnvironment {
    /** @default "123456789012" */
    accountId: string;
    /** @default "us-east-1" */
    region: string;
    /** @default the region's a, b, c and d zones */
    availabilityZones: string[];
}

/** What a mocked invoke receives, and what an extra answer returns. */
export type InvokeAnswer = (args: Record<string, any>, env: MockEnvironment) => Record<string, any>;
/** Outputs for a resource type (`id` and the provider's state). */
export type ResourceAnswer = (name: string, inputs: Record<string, any>, env: MockEnvironment) => { id: string; state: Record<string, any> };

export interface FargatekitMockOptions extends Partial<MockEnvironment> {
    /** Pulumi project name (`pulumi.getProject()`). @default "test" */
    project?: string;
    /** Stack name (`pulumi.getStack()`). @default "test" */
    stack?: string;
    /** Run as a preview (unknown outputs stay unknown). @default false */
    preview?: boolean;
    /** Answers for invokes this module does not know (your own program's), by token; they win over the built-in ones. */
    invokes?: Record<string, InvokeAnswer>;
    /** Outputs for resource types this module does not know (your own program's), by type token. */
    resources?: Record<string, ResourceAnswer>;
    /** Told of each unanswered invoke as it happens. @default writes the error's message to stderr */
    onUnansweredInvoke?: (error: UnansweredInvokeError) => void;
}

/** A resource the program registered, with the outputs the mock gave it. */
export interface MockedResource {
    type: string;
    name: string;
    id: string;
    inputs: Record<string, any>;
    outputs: Record<string, any>;
}

/** The defaults: an account number of AWS's documentation examples, us-east-1. */
export function mockEnvironment(options: Partial<MockEnvironment> = {}): MockEnvironment {
    const region = options.region ?? "us-east-1";
    return {
        accountId: options.accountId ?? "123456789012",
        region,
        availabilityZones: options.availabilityZones ?? ["a", "b", "c", "d"].map((z) => `${region}${z}`),
    };
}

const hex = (s: string, n: number) => createHash("sha256").update(s).digest("hex").slice(0, n);
/** What Pulumi's auto-naming makes of a logical name (`<name>-<7 characters>`), deterministically. */
export const physicalName = (name: string) => `${name}-${hex(name, 7)}`;

/** `arn:<partition>:…` for the region (aws, aws-cn or aws-us-gov). */
function partitionOf(region: string): { partition: string; dnsSuffix: string; reverseDnsPrefix: string } {
    if (region.startsWith("cn-")) return { partition: "aws-cn", dnsSuffix: "amazonaws.com.cn", reverseDnsPrefix: "cn.com.amazonaws" };
    if (region.startsWith("us-gov-")) return { partition: "aws-us-gov", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
    return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
}

/** AZ ids as AWS spells them: use1-az1, euw1-az2, apse2-az1. */
function zoneIdPrefix(region: string): string {
    const words: Record<string, string> = { north: "n", south: "s", east: "e", west: "w", central: "c", northeast: "ne", southeast: "se", northwest: "nw", southwest: "sw" };
    const [area, direction, number] = region.replace(/^us-gov-/, "usg-").split("-");
    return `${area}${words[direction] ?? direction?.[0] ?? ""}${number ?? ""}`;
}

/**
 * The account Elastic Load Balancing writes access logs from, per region (ELB user guide, "Enable
 * access logs for your Application Load Balancer" → Regions available before August 2022). Other
 * regions get a deterministic stand-in.
 */
const ELB_ACCOUNTS: Record<string, string> = {
    "us-east-1": "127311923021", "us-east-2": "033677994240", "us-west-1": "027434742980", "us-west-2": "797873946194",
    "eu-west-1": "156460612806", "eu-west-2": "652711504416", "eu-west-3": "009996457667", "eu-central-1": "054676820928",
    "eu-north-1": "897822967062", "ap-northeast-1": "582318560864", "ap-northeast-2": "600734575887", "ap-southeast-1": "114774131450",
    "ap-southeast-2": "783225319266", "ap-south-1": "718504428378", "sa-east-1": "507241528517", "ca-central-1": "985666609251",
};

/** Built-in answers to every invoke the components make (and Image's push credentials). */
const INVOKES: Record<string, InvokeAnswer> = {
    "aws:index/getAvailabilityZones:getAvailabilityZones": (_args, env) => ({
        names: env.availabilityZones,
        zoneIds: env.availabilityZones.map((_, i) => `${zoneIdPrefix(env.region)}-az${i + 1}`),
        groupNames: env.availabilityZones.map(() => env.region),
        id: env.region,
    }),
    "aws:index/getCallerIdentity:getCallerIdentity": (_args, env) => ({
        accountId: env.accountId, arn: `arn:${partitionOf(env.region).partition}:iam::${env.accountId}:user/ci`, userId: "AIDAEXAMPLEUSERID", id: env.accountId,
    }),
    "aws:index/getRegion:getRegion": (_args, env) => ({
        name: env.region, region: env.region, id: env.region, endpoint: `ec2.${env.region}.${partitionOf(env.region).dnsSuffix}`, description: env.region,
    }),
    "aws:index/getPartition:getPartition": (_args, env) => ({ ...partitionOf(env.region), id: partitionOf(env.region).partition }),
    "aws:ecr/getAuthorizationToken:getAuthorizationToken": (args, env) => ({
        userName: "AWS", password: "mock-ecr-password", authorizationToken: Buffer.from("AWS:mock-ecr-password").toString("base64"),
        proxyEndpoint: `https://${args.registryId ?? env.accountId}.dkr.ecr.${env.region}.${partitionOf(env.region).dnsSuffix}`,
        expiresAt: "2099-01-01T00:00:00Z", id: env.region,
    }),
    // ListImages of a repository: empty (nothing pushed yet), so an Image builds and pushes.
    "aws:ecr/getImages:getImages": (args, env) => ({
        imageIds: [], repositoryName: args.repositoryName, registryId: args.registryId ?? env.accountId, region: env.region, id: args.repositoryName,
    }),
    "aws:elb/getServiceAccount:getServiceAccount": (_args, env) => {
        const account = ELB_ACCOUNTS[env.region] ?? String(parseInt(hex(env.region, 10), 16) % 1e12).padStart(12, "0");
        return { arn: `arn:${partitionOf(env.region).partition}:iam::${account}:root`, id: account };
    },
};

/** The invoke tokens answered out of the box: every one the components call. */
export const MOCKED_INVOKES: readonly string[] = Object.keys(INVOKES);

/** Built-in outputs per resource type: every type the components create. */
const RESOURCES: Record<string, ResourceAnswer> = (() => {
    const arn = (env: MockEnvironment, service: string, resource: string, global = false) =>
        `arn:${partitionOf(env.region).partition}:${service}:${global ? "" : env.region}:${env.accountId}:${resource}`;
    const ec2 = (prefix: string, kind: string, extra: (name: string, inputs: Record<string, any>) => Record<string, any> = () => ({})): ResourceAnswer =>
        (name, inputs, env) => {
            const id = `${prefix}-${hex(name, 17)}`;
            return { id, state: { ...inputs, ...extra(name, inputs), id, arn: arn(env, "ec2", `${kind}/${id}`), ownerId: env.accountId } };
        };
    const phys = (name: string, inputs: Record<string, any>) => inputs.name ?? physicalName(name);
    const named = (f: (p: string, name: string, inputs: Record<string, any>, env: MockEnvironment) => { id?: string; state: Record<string, any> }): ResourceAnswer =>
        (name, inputs, env) => {
            const p = phys(name, inputs);
            const { id, state } = f(p, name, inputs, env);
            return { id: id ?? p, state: { ...inputs, name: p, ...state } };
        };
    const elb = (kind: string): ResourceAnswer => (name, inputs, env) => {
        const a = arn(env, "elasticloadbalancing", `${kind}/app/${hex(name, 8)}/${hex(name, 16)}`);
        return { id: a, state: { ...inputs, arn: a } };
    };
    const sgRule = (name: string, inputs: Record<string, any>, env: MockEnvironment) => {
        const id = `sgr-${hex(name, 17)}`;
        return { id, state: { ...inputs, securityGroupRuleId: id, arn: arn(env, "ec2", `security-group-rule/${id}`) } };
    };
    const bucketChild = (_name: string, inputs: Record<string, any>) => ({ id: String(inputs.bucket), state: { ...inputs } });
    return {
        "aws:ec2/vpc:Vpc": ec2("vpc", "vpc", (name) => ({ defaultSecurityGroupId: `sg-${hex(`${name}-default`, 17)}`, mainRouteTableId: `rtb-${hex(`${name}-main`, 17)}` })),
        "aws:ec2/subnet:Subnet": ec2("subnet", "subnet"),
        "aws:ec2/internetGateway:InternetGateway": ec2("igw", "internet-gateway"),
        "aws:ec2/natGateway:NatGateway": ec2("nat", "natgateway", () => ({ publicIp: "203.0.113.20", privateIp: "10.0.0.10" })),
        "aws:ec2/eip:Eip": ec2("eipalloc", "elastic-ip", (name) => ({ publicIp: "203.0.113.10", allocationId: `eipalloc-${hex(name, 17)}` })),
        "aws:ec2/routeTable:RouteTable": ec2("rtb", "route-table"),
        "aws:ec2/routeTableAssociation:RouteTableAssociation": (name, inputs) => ({ id: `rtbassoc-${hex(name, 17)}`, state: { ...inputs } }),
        "aws:ec2/securityGroup:SecurityGroup": ec2("sg", "security-group", (name, inputs) => ({ name: inputs.name ?? physicalName(name) })),
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": ec2("sg", "security-group", () => ({ name: "default" })),
        "aws:ec2/flowLog:FlowLog": ec2("fl", "vpc-flow-log"),
        "aws:ec2/vpcEndpoint:VpcEndpoint": ec2("vpce", "vpc-endpoint", (name, inputs) => ({
            prefixListId: inputs.vpcEndpointType === "Gateway" ? `pl-${hex(name, 8)}` : undefined,
            dnsEntries: inputs.vpcEndpointType === "Interface" ? [{ dnsName: `vpce-${hex(name, 17)}.${inputs.serviceName}`, hostedZoneId: "Z7HUB22UULQXV" }] : [],
        })),
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": sgRule,
        "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": sgRule,
        "aws:ecr/repository:Repository": named((p, _n, _i, env) => ({
            state: { arn: arn(env, "ecr", `repository/${p}`), registryId: env.accountId, repositoryUrl: `${env.accountId}.dkr.ecr.${env.region}.${partitionOf(env.region).dnsSuffix}/${p}` },
        })),
        "aws:ecr/lifecyclePolicy:LifecyclePolicy": (_name, inputs, env) => ({ id: String(inputs.repository), state: { ...inputs, registryId: env.accountId } }),
        "aws:ecs/cluster:Cluster": named((p, _n, _i, env) => ({ id: arn(env, "ecs", `cluster/${p}`), state: { arn: arn(env, "ecs", `cluster/${p}`) } })),
        "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": (_name, inputs) => ({ id: String(inputs.clusterName), state: { ...inputs } }),
        "aws:ecs/taskDefinition:TaskDefinition": (name, inputs, env) => {
            const family = inputs.family ?? physicalName(name);
            return { id: family, state: { ...inputs, family, revision: 1, arn: arn(env, "ecs", `task-definition/${family}:1`), arnWithoutRevision: arn(env, "ecs", `task-definition/${family}`) } };
        },
        "aws:ecs/service:Service": named((p, _n, inputs, env) => {
            const cluster = String(inputs.cluster ?? "default").split("/").pop();
            return { id: arn(env, "ecs", `service/${cluster}/${p}`), state: { arn: arn(env, "ecs", `service/${cluster}/${p}`) } };
        }),
        "aws:iam/role:Role": named((p, _n, _i, env) => ({ state: { arn: arn(env, "iam", `role/${p}`, true), uniqueId: `AROA${hex(p, 16).toUpperCase()}` } })),
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (name, inputs) => ({ id: `${inputs.role}-${hex(name, 8)}`, state: { ...inputs } }),
        "aws:iam/rolePolicy:RolePolicy": (name, inputs) => ({ id: `${inputs.role}:${inputs.name ?? physicalName(name)}`, state: { ...inputs, name: inputs.name ?? physicalName(name) } }),
        "aws:cloudwatch/logGroup:LogGroup": named((p, _n, _i, env) => ({ state: { arn: arn(env, "logs", `log-group:${p}`) } })),
        "aws:lb/loadBalancer:LoadBalancer": named((p, name, _i, env) => {
            const suffix = `app/${p}/${hex(name, 16)}`;
            const a = arn(env, "elasticloadbalancing", `loadbalancer/${suffix}`);
            // The hosted zone of ALBs in us-east-1 (ELB endpoints and quotas); other regions differ.
            return { id: a, state: { arn: a, arnSuffix: suffix, dnsName: `${p}-${parseInt(hex(name, 8), 16) % 1e10}.${env.region}.elb.${partitionOf(env.region).dnsSuffix}`, zoneId: "Z35SXDOTRQ7X7K" } };
        }),
        "aws:lb/targetGroup:TargetGroup": named((p, name, _i, env) => {
            const suffix = `targetgroup/${p}/${hex(name, 16)}`;
            return { id: arn(env, "elasticloadbalancing", suffix), state: { arn: arn(env, "elasticloadbalancing", suffix), arnSuffix: suffix } };
        }),
        "aws:lb/listener:Listener": elb("listener"),
        "aws:lb/listenerRule:ListenerRule": elb("listener-rule"),
        "aws:acm/certificate:Certificate": (name, inputs, env) => {
            const h = hex(name, 32);
            const a = arn(env, "acm", `certificate/${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`);
            return {
                id: a,
                state: {
                    ...inputs, arn: a, status: "PENDING_VALIDATION",
                    domainValidationOptions: [{ domainName: inputs.domainName, resourceRecordName: `_${hex(name, 32)}.${inputs.domainName}.`, resourceRecordType: "CNAME", resourceRecordValue: `_${hex(`${name}v`, 32)}.acm-validations.aws.` }],
                },
            };
        },
        "aws:acm/certificateValidation:CertificateValidation": (_name, inputs) => ({ id: String(inputs.certificateArn), state: { ...inputs } }),
        "aws:route53/record:Record": (_name, inputs) => ({ id: `${inputs.zoneId}_${inputs.name}_${inputs.type}`, state: { ...inputs, fqdn: String(inputs.name).replace(/\.$/, "") } }),
        "aws:servicediscovery/httpNamespace:HttpNamespace": (name, inputs, env) => {
            const id = `ns-${hex(name, 16)}`;
            return { id, state: { ...inputs, arn: arn(env, "servicediscovery", `namespace/${id}`), httpName: inputs.name } };
        },
        "aws:s3/bucket:Bucket": (name, inputs, env) => {
            const bucket = inputs.bucket ?? physicalName(name);
            return { id: bucket, state: { ...inputs, bucket, arn: `arn:${partitionOf(env.region).partition}:s3:::${bucket}`, bucketDomainName: `${bucket}.s3.amazonaws.com`, region: env.region } };
        },
        "aws:s3/bucketPolicy:BucketPolicy": bucketChild,
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": bucketChild,
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": bucketChild,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": bucketChild,
        "aws:sqs/queue:Queue": named((p, _n, _i, env) => {
            const url = `https://sqs.${env.region}.${partitionOf(env.region).dnsSuffix}/${env.accountId}/${p}`;
            return { id: url, state: { arn: arn(env, "sqs", p), url } };
        }),
        "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy": (_name, inputs) => ({ id: String(inputs.queueUrl), state: { ...inputs } }),
        "aws:scheduler/schedule:Schedule": named((p, _n, inputs, env) => {
            const group = inputs.groupName ?? "default";
            return { id: `${group}/${p}`, state: { groupName: group, arn: arn(env, "scheduler", `schedule/${group}/${p}`) } };
        }),
        "aws:appautoscaling/target:Target": (_name, inputs, env) => ({
            id: String(inputs.resourceId),
            state: { ...inputs, arn: arn(env, "application-autoscaling", `scalable-target/${hex(String(inputs.resourceId), 24)}`) },
        }),
        "aws:appautoscaling/policy:Policy": (name, inputs, env) => {
            const p = inputs.name ?? physicalName(name);
            const a = arn(env, "autoscaling", `scalingPolicy:${hex(name, 8)}-${hex(name, 12).slice(8)}:resource/${inputs.resourceId}:policyName/${p}`);
            return { id: p, state: { ...inputs, name: p, arn: a, alarmArns: [] } };
        },
        "aws:cloudwatch/metricAlarm:MetricAlarm": named((p, _n, _i, env) => ({ state: { arn: arn(env, "cloudwatch", `alarm:${p}`) } })),
        "aws:cloudwatch/eventRule:EventRule": named((p, _n, _i, env) => ({ state: { arn: arn(env, "events", `rule/${p}`) } })),
        "aws:cloudwatch/eventTarget:EventTarget": (name, inputs) => ({ id: `${inputs.rule}-${hex(name, 8)}`, state: { ...inputs, targetId: inputs.targetId ?? hex(name, 8) } }),
        "aws:cloudwatch/dashboard:Dashboard": (_name, inputs, env) => ({
            id: String(inputs.dashboardName),
            state: { ...inputs, dashboardArn: `arn:${partitionOf(env.region).partition}:cloudwatch::${env.accountId}:dashboard/${inputs.dashboardName}` },
        }),
        "aws:sns/topic:Topic": named((p, _n, _i, env) => ({ id: arn(env, "sns", p), state: { arn: arn(env, "sns", p) } })),
        "aws:sns/topicPolicy:TopicPolicy": (_name, inputs, env) => ({ id: String(inputs.arn), state: { ...inputs, owner: env.accountId } }),
        // An e-mail subscription stays pending until someone confirms it.
        "aws:sns/topicSubscription:TopicSubscription": (_name, inputs) => ({ id: "pending confirmation", state: { ...inputs, arn: "pending confirmation", pendingConfirmation: true } }),
        "aws:kms/key:Key": (name, inputs, env) => {
            const keyId = `${hex(name, 8)}-${hex(name, 12).slice(8)}-4${hex(name, 15).slice(12)}-8${hex(name, 18).slice(15)}-${hex(`${name}k`, 12)}`;
            return { id: keyId, state: { ...inputs, keyId, arn: arn(env, "kms", `key/${keyId}`) } };
        },
        "aws:kms/alias:Alias": (_name, inputs, env) => ({ id: String(inputs.name), state: { ...inputs, arn: arn(env, "kms", String(inputs.name)), targetKeyArn: arn(env, "kms", `key/${inputs.targetKeyId}`) } }),
        // The image built by `Image`: the classic Docker provider, and the Docker Build provider.
        "docker:index/image:Image": (_name, inputs) => {
            const repo = String(inputs.imageName).replace(/:[^:/]+$/, "");
            const digest = `sha256:${hex(String(inputs.imageName), 64)}`;
            return { id: `${repo}@${digest}`, state: { ...inputs, repoDigest: `${repo}@${digest}` } };
        },
        "docker-build:index:Image": (name, inputs) => {
            const tag = String((inputs.tags ?? [])[0] ?? name);
            const digest = `sha256:${hex(tag, 64)}`;
            return { id: digest, state: { ...inputs, digest, ref: `${tag}@${digest}`, contextHash: hex(JSON.stringify(inputs.context ?? {}), 64) } };
        },
    };
})();

/** The resource types with realistic outputs out of the box: every type the components create. */
export const MOCKED_RESOURCE_TYPES: readonly string[] = Object.keys(RESOURCES);

/**
 * Realistic outputs for a resource of `type` named `name` with `inputs`. Unknown types (your own, or
 * components, which have no provider outputs) get their inputs back with an id and a plausible ARN.
 */
export function mockResourceOutputs(type: string, name: string, inputs: Record<string, any>, env: MockEnvironment = mockEnvironment(), extra: Record<string, ResourceAnswer> = {}): { id: string; state: Record<string, any> } {
    const answer = extra[type] ?? RESOURCES[type];
    if (answer) return answer(name, inputs, env);
    const service = type.split(":")[1]?.split("/")[0] ?? "x";
    return { id: `${name}-id`, state: { ...inputs, arn: inputs.arn ?? `arn:${partitionOf(env.region).partition}:${service}:${env.region}:${env.accountId}:${name}` } };
}

/** Thrown (and recorded) for an invoke the mocks cannot answer. */
export class UnansweredInvokeError extends Error {
    constructor(public readonly token: string, args: Record<string, any>) {
        super(
            `fargatekit/testing: no mock answer for invoke "${token}" (args ${JSON.stringify(args)}). ` +
            `Answer it yourself: setFargatekitMocks({ invokes: { "${token}": (args, env) => ({ /* the invoke's outputs */ }) } })`,
        );
    }
}

/** The answer to invoke `token`; throws `UnansweredInvokeError` for one neither built in nor in `extra`. */
export function mockInvoke(token: string, args: Record<string, any>, env: MockEnvironment = mockEnvironment(), extra: Record<string, InvokeAnswer> = {}): Record<string, any> {
    const answer = extra[token] ?? INVOKES[token];
    if (!answer) throw new UnansweredInvokeError(token, args);
    return answer(args, env);
}

/** The mocks: answers every invoke and registration, and records them for your assertions. */
export class FargatekitMocks implements pulumi.runtime.Mocks {
    /** Every resource registered so far, in order, with the outputs it was given. */
    public readonly resources: MockedResource[] = [];
    /** Every invoke made so far (token and arguments). */
    public readonly invokes: { token: string; args: Record<string, any> }[] = [];
    /** Invokes nobody answered: each also failed the Output that needed it. */
    public readonly unansweredInvokes: UnansweredInvokeError[] = [];
    public readonly env: MockEnvironment;

    constructor(private readonly options: FargatekitMockOptions = {}) {
        this.env = mockEnvironment(options);
    }

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, any> } {
        const { id, state } = mockResourceOutputs(args.type, args.name, args.inputs, this.env, this.options.resources);
        this.resources.push({ type: args.type, name: args.name, id, inputs: args.inputs, outputs: state });
        return { id, state };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
        this.invokes.push({ token: args.token, args: args.inputs });
        try {
            return mockInvoke(args.token, args.inputs, this.env, this.options.invokes);
        } catch (e) {
            if (e instanceof UnansweredInvokeError) {
                this.unansweredInvokes.push(e);
                // Said at once: the engine otherwise surfaces it only as a failed property of some resource.
                (this.options.onUnansweredInvoke ?? ((x: UnansweredInvokeError) => process.stderr.write(`${x.message}\n`)))(e);
            }
            throw e;
        }
    }

    /**
     * Resolves once every registration and invoke the program started has been answered; rejects
     * when an invoke went unanswered (naming each), since the resources that needed it are missing.
     */
    async settled(): Promise<void> {
        await (require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> }).waitForRPCs().catch(() => undefined);
        if (this.unansweredInvokes.length > 0) throw new Error(this.unansweredInvokes.map((e) => e.message).join("\n"));
    }

    /** The registered resources of one type. */
    ofType(type: string): MockedResource[] {
        return this.resources.filter((r) => r.type === type);
    }
}

/**
 * Installs fargatekit's mocks in Pulumi's mock engine: call it before importing the program under
 * test. Returns the mocks, which record what the program registers.
 */
export async function setFargatekitMocks(options: FargatekitMockOptions = {}): Promise<FargatekitMocks> {
    const mocks = new FargatekitMocks(options);
    await pulumi.runtime.setMocks(mocks, options.project ?? "test", options.stack ?? "test", options.preview ?? false);
    return mocks;
}

/** An Output's (or plain value's) resolved value, for asserting on it. */
export function valueOf<T>(value: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(value).apply((v) => { resolve(v as T); return v; }));
}
