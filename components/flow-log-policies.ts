/**
 * VPC flow logs: the choices, their argument checks and the IAM / bucket documents that let the flow
 * logs service deliver to exactly one destination. Pure builders: no resource is created here.
 *
 * Sources (Amazon VPC user guide):
 * - "IAM role for publishing flow logs to CloudWatch Logs": the role trusts
 *   `vpc-flow-logs.amazonaws.com`; AWS recommends the `aws:SourceAccount` / `aws:SourceArn`
 *   confused-deputy conditions, the source ARN being the flow log's
 *   (`arn:<partition>:ec2:<region>:<account>:vpc-flow-log/<id>`, `*` for an id not known yet).
 * - "Amazon S3 bucket permissions for flow logs": `delivery.logs.amazonaws.com` may put objects under
 *   `AWSLogs/<account>/` with `bucket-owner-full-control`, and read the bucket ACL, each only for
 *   this account's log deliveries (`aws:SourceAccount`, `aws:SourceArn` = `arn:…:logs:<region>:<account>:*`).
 */
import * as pulumi from "@pulumi/pulumi";
import { LOG_RETENTION_DAYS } from "./aws-limits";
import { assumeRolePolicy } from "./iam";

/** Where flow log records go. */
export enum FlowLogDestination {
    /** A CloudWatch Logs log group (queryable with Logs Insights at once); delivery $0.50/GB in us-east-1. */
    CloudWatchLogs = "cloudWatchLogs",
    /** An S3 bucket with an expiry rule; delivery $0.25/GB and cheaper storage: better for large volumes. */
    S3 = "s3",
}

/**
 * Which flows are recorded. ACCEPT alone is not offered: it misses the rejected traffic Security Hub
 * EC2.6 checks for.
 */
export enum FlowLogTrafficType {
    /** Accepted and rejected flows: who talked to whom (incident response, narrowing security groups). */
    All = "ALL",
    /** Only flows a security group or network ACL rejected: probes and misconfigurations; about a tenth of ALL's volume. */
    Reject = "REJECT",
}

/** Flow logs of a created VPC. */
export interface FlowLogsArgs {
    /**
     * Record the VPC's traffic (Security Hub EC2.6).
     * @default true
     */
    enabled?: boolean;
    /**
     * Where the records go.
     * @default FlowLogDestination.CloudWatchLogs
     */
    destination?: FlowLogDestination;
    /**
     * Which flows are recorded.
     * @default FlowLogTrafficType.Reject
     */
    trafficType?: FlowLogTrafficType;
    /**
     * Days records are kept: a CloudWatch Logs retention value (1, 3, 5, 7, 14, 30, 60, 90, …, 3653)
     * for `CloudWatchLogs`, 1–3650 (the bucket's expiry rule) for `S3`.
     * @default 90
     */
    retentionDays?: number;
    /**
     * Keep the log group or bucket (and its records) in AWS when the stack is destroyed.
     * @default false
     */
    retainOnDelete?: boolean;
}

export const FLOW_LOG_DEFAULTS = {
    enabled: true,
    destination: FlowLogDestination.CloudWatchLogs,
    trafficType: FlowLogTrafficType.Reject,
    retentionDays: 90,
    retainOnDelete: false,
} as const;

/** The longest expiry the S3 destination accepts here (ten years). */
export const FLOW_LOG_S3_MAX_DAYS = 3650;

/** CloudWatch Logs retention values a flow log group may use: every PutRetentionPolicy value except 0 (never expire). */
export const FLOW_LOG_CLOUDWATCH_DAYS: readonly number[] = LOG_RETENTION_DAYS.filter((d) => d > 0);

/**
 * Problems with flow-log arguments, each naming its key (`key(field)`), the value given and what is
 * allowed; empty when they are valid.
 */
export function flowLogsProblems(args: FlowLogsArgs | undefined, key: (field: string) => string = (f) => `flowLogs.${f}`): string[] {
    const p: string[] = [];
    if (!args) return p;
    const destinations = Object.values(FlowLogDestination) as string[];
    const traffic = Object.values(FlowLogTrafficType) as string[];
    if (args.destination !== undefined && !destinations.includes(args.destination)) {
        p.push(`${key("destination")}: got "${args.destination}"; allowed: ${destinations.join(", ")}`);
    }
    if (args.trafficType !== undefined && !traffic.includes(args.trafficType)) {
        const why = String(args.trafficType).toUpperCase() === "ACCEPT" ? " (ACCEPT alone misses the rejected traffic Security Hub EC2.6 checks for)" : "";
        p.push(`${key("trafficType")}: got "${args.trafficType}"; allowed: ${traffic.join(", ")}${why}`);
    }
    const days = args.retentionDays;
    if (days !== undefined) {
        const destination = args.destination ?? FLOW_LOG_DEFAULTS.destination;
        if (destination === FlowLogDestination.S3 && (!Number.isInteger(days) || days < 1 || days > FLOW_LOG_S3_MAX_DAYS)) {
            p.push(`${key("retentionDays")}: got ${days}; allowed with destination "s3": an integer 1–${FLOW_LOG_S3_MAX_DAYS}`);
        } else if (destination === FlowLogDestination.CloudWatchLogs && !FLOW_LOG_CLOUDWATCH_DAYS.includes(days)) {
            p.push(`${key("retentionDays")}: got ${days}; allowed with destination "cloudWatchLogs": one of ${FLOW_LOG_CLOUDWATCH_DAYS.join(", ")}`);
        }
    }
    return p;
}

/** Where a flow log lives: the account, region and partition of the VPC. */
export interface FlowLogScope {
    accountId: pulumi.Input<string>;
    region: pulumi.Input<string>;
    partition: pulumi.Input<string>;
}

/** Trust policy of the role the flow logs service assumes, for this account's flow logs only. */
export function flowLogsTrustPolicy(s: FlowLogScope): pulumi.Output<string> {
    return assumeRolePolicy("vpc-flow-logs.amazonaws.com", {
        StringEquals: { "aws:SourceAccount": s.accountId },
        ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:${s.partition}:ec2:${s.region}:${s.accountId}:vpc-flow-log/*` },
    });
}

/**
 * What the delivery role may do: create streams in, write to and list the streams of exactly one log
 * group. The user guide's example grants five logs actions on "*"; CreateLogGroup and DescribeLogGroups
 * are not needed because the group exists before the flow log (the AWS CDK's FlowLog grants the same
 * three actions on the group alone).
 */
export function flowLogsWriteStatements(logGroupArn: pulumi.Input<string>): pulumi.Input<object>[] {
    return [{
        Sid: "DeliverFlowLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
        // The group itself (CreateLogStream, DescribeLogStreams) and its streams (PutLogEvents).
        Resource: [logGroupArn, pulumi.interpolate`${logGroupArn}:log-stream:*`],
    }];
}

/**
 * Bucket policy of an S3 flow-log destination: the log delivery service may write this account's
 * records under `AWSLogs/<account>/` and check the bucket ACL; nobody may use the bucket without TLS.
 */
export function flowLogsBucketPolicy(s: FlowLogScope & { bucketArn: pulumi.Input<string> }): pulumi.Output<string> {
    const source = {
        StringEquals: { "aws:SourceAccount": s.accountId },
        ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:${s.partition}:logs:${s.region}:${s.accountId}:*` },
    };
    return pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AWSLogDeliveryWrite",
                Effect: "Allow",
                Principal: { Service: "delivery.logs.amazonaws.com" },
                Action: "s3:PutObject",
                Resource: pulumi.interpolate`${s.bucketArn}/AWSLogs/${s.accountId}/*`,
                Condition: { ...source, StringEquals: { ...source.StringEquals, "s3:x-amz-acl": "bucket-owner-full-control" } },
            },
            {
                Sid: "AWSLogDeliveryAclCheck",
                Effect: "Allow",
                Principal: { Service: "delivery.logs.amazonaws.com" },
                Action: ["s3:GetBucketAcl", "s3:ListBucket"],
                Resource: s.bucketArn,
                Condition: source,
            },
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [s.bucketArn, pulumi.interpolate`${s.bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    });
}
