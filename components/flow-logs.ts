import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    FLOW_LOG_DEFAULTS, FlowLogDestination, FlowLogsArgs, flowLogsBucketPolicy, flowLogsTrustPolicy, flowLogsWriteStatements,
} from "./flow-log-policies";

export interface FlowLogResources {
    flowLog: aws.ec2.FlowLog;
    /** The destination log group (CloudWatch Logs) and the role that writes to it. */
    logGroup?: aws.cloudwatch.LogGroup;
    role?: aws.iam.Role;
    /** The destination bucket (S3). */
    bucket?: aws.s3.Bucket;
}

/**
 * A flow log of the whole VPC and its destination: a log group with its retention and a delivery
 * role that may write only there, or a private bucket with an expiry rule and the log delivery
 * policy. Children are named `<name>-flow-logs` (`<name>-flow-log` for the flow log itself).
 */
export function createFlowLogs(name: string, vpc: aws.ec2.Vpc, args: FlowLogsArgs, tags: Record<string, string>, parent: pulumi.Resource): FlowLogResources {
    const a = { ...FLOW_LOG_DEFAULTS, ...args };
    const opts = { parent };
    const kept = { parent, retainOnDelete: a.retainOnDelete };
    const identity = aws.getCallerIdentityOutput({}, opts);
    const region = aws.getRegionOutput({}, opts);
    const partition = aws.getPartitionOutput({}, opts);
    const scope = { accountId: identity.accountId, region: region.region, partition: partition.partition };
    const common = { vpcId: vpc.id, trafficType: a.trafficType, maxAggregationInterval: 600, tags: { ...tags, Name: `${name}-flow-log` } };

    if (a.destination === FlowLogDestination.S3) {
        const bucket = new aws.s3.Bucket(`${name}-flow-logs`, { forceDestroy: !a.retainOnDelete, tags }, kept);
        const publicAccess = new aws.s3.BucketPublicAccessBlock(`${name}-flow-logs`, {
            bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
        }, opts);
        // Flow logs to S3 support SSE-S3 and SSE-KMS; SSE-S3 needs no key policy for the delivery service.
        new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-flow-logs`, {
            bucket: bucket.id,
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
        }, opts);
        new aws.s3.BucketLifecycleConfiguration(`${name}-flow-logs`, {
            bucket: bucket.id,
            rules: [{ id: "expire-flow-logs", status: "Enabled", filter: { prefix: "AWSLogs/" }, expiration: { days: a.retentionDays } }],
        }, opts);
        // Ours, complete: otherwise CreateFlowLogs attaches its own policy, overwriting the TLS-only statement.
        const policy = new aws.s3.BucketPolicy(`${name}-flow-logs`, {
            bucket: bucket.id,
            policy: flowLogsBucketPolicy({ ...scope, bucketArn: bucket.arn }),
        }, { parent, dependsOn: [publicAccess] });
        const flowLog = new aws.ec2.FlowLog(`${name}-flow-log`, {
            ...common, logDestinationType: "s3", logDestination: bucket.arn,
        }, { parent, dependsOn: [policy] });
        return { flowLog, bucket };
    }

    const logGroup = new aws.cloudwatch.LogGroup(`${name}-flow-logs`, { retentionInDays: a.retentionDays, tags }, kept);
    const role = new aws.iam.Role(`${name}-flow-logs`, {
        description: `VPC flow logs of ${name}: deliver to its log group only`,
        assumeRolePolicy: flowLogsTrustPolicy(scope),
        tags,
    }, opts);
    const write = new aws.iam.RolePolicy(`${name}-flow-logs`, {
        role: role.id,
        policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: flowLogsWriteStatements(logGroup.arn) }),
    }, opts);
    const flowLog = new aws.ec2.FlowLog(`${name}-flow-log`, {
        ...common, logDestinationType: "cloud-watch-logs", logDestination: logGroup.arn, iamRoleArn: role.arn,
    }, { parent, dependsOn: [write] });
    return { flowLog, logGroup, role };
}
