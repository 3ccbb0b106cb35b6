import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface AccessLogsBucketArgs {
    /** Key prefix the load balancer writes under. */
    prefix: string;
    /** Days before log objects expire. */
    expireDays: number;
    /** Keep the bucket (and its logs) when the stack is destroyed. */
    retainOnDelete: boolean;
    tags?: Record<string, string>;
}

/**
 * An S3 bucket an Application Load Balancer may write access logs to: private, SSE-S3 encrypted
 * (the only encryption ALB log delivery supports), with an expiry rule and the delivery policy.
 *
 * Bucket policy source: ELB user guide, "Enable access logs for your Application Load Balancer" —
 * Regions available before August 2022 grant the Region's Elastic Load Balancing account
 * (`aws.elb.getServiceAccount`); newer Regions the `logdelivery.elasticloadbalancing.amazonaws.com`
 * service principal. Both are granted, each only `s3:PutObject` under this account's prefix.
 */
export function createAccessLogsBucket(name: string, args: AccessLogsBucketArgs, parent: pulumi.Resource) {
    const opts = { parent };
    const identity = aws.getCallerIdentityOutput({}, opts);
    const elbAccount = aws.elb.getServiceAccountOutput({}, opts);
    const bucket = new aws.s3.Bucket(`${name}-access-logs`, {
        forceDestroy: !args.retainOnDelete,
        tags: args.tags,
    }, { parent, retainOnDelete: args.retainOnDelete });
    const publicAccess = new aws.s3.BucketPublicAccessBlock(`${name}-access-logs`, {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
    }, opts);
    new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-access-logs`, {
        bucket: bucket.id,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    }, opts);
    new aws.s3.BucketLifecycleConfiguration(`${name}-access-logs`, {
        bucket: bucket.id,
        rules: [{ id: "expire-access-logs", status: "Enabled", filter: { prefix: `${args.prefix}/` }, expiration: { days: args.expireDays } }],
    }, opts);
    const objects = pulumi.interpolate`${bucket.arn}/${args.prefix}/AWSLogs/${identity.accountId}/*`;
    const policy = new aws.s3.BucketPolicy(`${name}-access-logs`, {
        bucket: bucket.id,
        policy: pulumi.jsonStringify({
            Version: "2012-10-17",
            Statement: [
                { Sid: "ElbAccountWrites", Effect: "Allow", Principal: { AWS: elbAccount.arn }, Action: "s3:PutObject", Resource: objects },
                { Sid: "ElbServiceWrites", Effect: "Allow", Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" }, Action: "s3:PutObject", Resource: objects },
                {
                    Sid: "DenyInsecureTransport",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:*",
                    Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
            ],
        }),
    }, { parent, dependsOn: [publicAccess] });
    return { bucket, policy };
}
