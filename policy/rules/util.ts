/**
 * Shared vocabulary of the rules: the metadata every rule carries, and small readers for the
 * properties several rules look at. Pure: importing this starts nothing.
 */
import { AUTONAME_SUFFIX_LENGTH } from "../../components/names";
import type { PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";

/** What kind of knowledge a rule encodes. */
export enum RuleCategory {
    /** What AWS rejects, or what never becomes healthy. */
    Aws = "aws",
    /** AWS Security Hub Foundational Best Practices / Checkov controls. */
    Security = "security",
    /** Practices that keep the service up through deploys and failures. */
    Reliability = "reliability",
}

interface RuleMeta {
    category: RuleCategory;
    /** Where the rule comes from: an AWS document, a Security Hub control id, a Checkov id. */
    source: string;
}

export type ResourceRule = ResourceValidationPolicy & RuleMeta & {
    /** The resource types the rule looks at (for reporting what was checked). */
    appliesTo: string[];
};
export type StackRule = StackValidationPolicy & RuleMeta;
export type ProjectRule = ResourceRule | StackRule;

/**
 * Records that a resource the rule would report is a deliberate, named exception (`reason` says
 * why): the offline plan lists it as an accepted exception, neither passed nor violated. Under
 * `pulumi preview --policy-pack` (which has no such outcome) the resource simply passes.
 */
export type AcceptException = (reason: string, urn?: string) => void;

/** The property the offline adapter adds to a rule's arguments to collect accepted exceptions. */
export const ACCEPT_EXCEPTION = "acceptException";
const acceptOf = (args: object): AcceptException => (args as { [ACCEPT_EXCEPTION]?: AcceptException })[ACCEPT_EXCEPTION] ?? (() => undefined);

/** A resource rule: `check` runs only for resources whose type is in `types`. */
export function resourceRule(
    meta: Omit<ResourceRule, "validateResource" | "enforcementLevel" | "appliesTo"> & { types: string[]; enforcementLevel?: ResourceRule["enforcementLevel"] },
    check: (props: Record<string, any>, args: ResourceValidationArgs, report: ReportViolation, accept: AcceptException) => void,
): ResourceRule {
    const { types, ...rest } = meta;
    return {
        enforcementLevel: rest.category === RuleCategory.Reliability ? "advisory" : "mandatory",
        ...rest,
        appliesTo: types,
        validateResource: (args, report) => {
            // Like @pulumi/policy's validateResourceOfType: another type is "not applicable", not "passed".
            if (!types.includes(args.type)) args.notApplicable(`applies only to ${types.join(", ")}`);
            check(args.props, args, report, acceptOf(args));
        },
    };
}

/** A stack rule over the whole graph (the resources' outputs). */
export function stackRule(
    meta: Omit<StackRule, "validateStack" | "enforcementLevel"> & { enforcementLevel?: StackRule["enforcementLevel"] },
    check: (graph: StackGraph, args: StackValidationArgs, report: ReportViolation, accept: AcceptException) => void,
): StackRule {
    return {
        enforcementLevel: meta.category === RuleCategory.Reliability ? "advisory" : "mandatory",
        ...meta,
        validateStack: (args, report) => check(new StackGraph(args.resources), args, report, acceptOf(args)),
    };
}

/** Lookups over a stack's resources by type, id and ARN. */
export class StackGraph {
    constructor(public readonly resources: PolicyResource[]) {}
    ofType(type: string): PolicyResource[] {
        return this.resources.filter((r) => r.type === type);
    }
    /** The resource whose `id` or `arn` output equals `ref`. */
    byRef(ref: unknown): PolicyResource | undefined {
        if (ref === undefined || ref === null) return undefined;
        return this.resources.find((r) => r.props.id === ref || r.props.arn === ref);
    }
    /** True when any resource is tagged as production (see `isProduction`). */
    get production(): boolean {
        return this.resources.some((r) => isProduction(r.props));
    }
}

/**
 * Production is recognised by the `stack` (or `environment`) tag the program puts on every resource
 * (`prod`, `production`, `prod-eu`, …). Rules that only production must meet use it.
 */
export function isProduction(props: Record<string, any>): boolean {
    const tags = props?.tags ?? {};
    return [tags.stack, tags.environment].some((v) => typeof v === "string" && /^prod(uction)?(\b|[-_])/i.test(v));
}

/** The container definitions of a task definition (a JSON string in Pulumi's AWS provider). */
export function containersOf(props: Record<string, any>): Record<string, any>[] {
    const raw = props.containerDefinitions;
    if (raw === undefined || raw === null) return [];
    const parsed = typeof raw === "string" ? JSON.parse(raw) : raw;
    return Array.isArray(parsed) ? parsed : [];
}

/** A JSON policy document (string or object) as statements. */
export function statementsOf(policy: unknown): Record<string, any>[] {
    if (policy === undefined || policy === null || policy === "") return [];
    const doc = typeof policy === "string" ? JSON.parse(policy) : policy;
    const s = (doc as { Statement?: unknown }).Statement;
    return (Array.isArray(s) ? s : s ? [s] : []) as Record<string, any>[];
}

export const asArray = <T>(v: T | T[] | undefined | null): T[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);


/** The physical name AWS will see: the explicit `name`, else `namePrefix` + 26 characters (Terraform's unique suffix), else the auto-name. */
export function physicalNameLength(props: Record<string, any>, logicalName: string): number {
    if (typeof props.name === "string") return props.name.length;
    if (typeof props.namePrefix === "string") return props.namePrefix.length + 26;
    return logicalName.length + AUTONAME_SUFFIX_LENGTH;
}

export const TYPES = {
    taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
    service: "aws:ecs/service:Service",
    cluster: "aws:ecs/cluster:Cluster",
    capacityProviders: "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
    loadBalancer: "aws:lb/loadBalancer:LoadBalancer",
    targetGroup: "aws:lb/targetGroup:TargetGroup",
    listener: "aws:lb/listener:Listener",
    subnet: "aws:ec2/subnet:Subnet",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    sgIngressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    sgRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
    natGateway: "aws:ec2/natGateway:NatGateway",
    vpc: "aws:ec2/vpc:Vpc",
    routeTable: "aws:ec2/routeTable:RouteTable",
    flowLog: "aws:ec2/flowLog:FlowLog",
    defaultSecurityGroup: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    sgEgressRule: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    vpcEndpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    repository: "aws:ecr/repository:Repository",
    lifecyclePolicy: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    policy: "aws:iam/policy:Policy",
    schedule: "aws:scheduler/schedule:Schedule",
    queue: "aws:sqs/queue:Queue",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    topic: "aws:sns/topic:Topic",
    topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
    subscription: "aws:sns/topicSubscription:TopicSubscription",
    kmsKey: "aws:kms/key:Key",
    kmsAlias: "aws:kms/alias:Alias",
    eventRule: "aws:cloudwatch/eventRule:EventRule",
    eventTarget: "aws:cloudwatch/eventTarget:EventTarget",
    scalableTarget: "aws:appautoscaling/target:Target",
    bucket: "aws:s3/bucket:Bucket",
    bucketV2: "aws:s3/bucketV2:BucketV2",
    publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
} as const;
