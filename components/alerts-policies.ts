/**
 * The resource policies of the alerts topic and of its KMS key. No resources: values may be Outputs,
 * the documents are serialised with pulumi.jsonStringify by the component.
 *
 * Why a customer managed key: SNS encrypts the topic at rest with a KMS key, and a service that
 * publishes to an encrypted topic needs kms:GenerateDataKey* and kms:Decrypt on that key. The AWS
 * managed key `alias/aws/sns` has a key policy nobody can change, so CloudWatch alarms and
 * EventBridge rules cannot publish to a topic encrypted with it (their messages are dropped): SNS
 * developer guide, "Enable compatibility between event sources from AWS services and encrypted
 * topics" — step 1 "Use a customer managed key", step 2 grant the service principal
 * (cloudwatch.amazonaws.com, events.amazonaws.com) those two actions in the key policy, step 3 add
 * aws:SourceAccount/aws:SourceArn conditions — "not supported for EventBridge-to-encrypted topics".
 */
import * as pulumi from "@pulumi/pulumi";

type In<T> = pulumi.Input<T>;

export interface AlertsPolicyArgs {
    accountId: In<string>;
    region: In<string>;
    partition: In<string>;
    /** Every alarm and rule that may publish is named `<namePrefix>-…`. */
    namePrefix: string;
}

/** `arn:…:cloudwatch:<region>:<account>:alarm:<prefix>-*`: the alarms of this environment. */
export const alarmArnPattern = (a: AlertsPolicyArgs) => pulumi.interpolate`arn:${a.partition}:cloudwatch:${a.region}:${a.accountId}:alarm:${a.namePrefix}-*`;
/** `arn:…:events:<region>:<account>:rule/<prefix>-*`: the default bus's rules of this environment. */
export const ruleArnPattern = (a: AlertsPolicyArgs) => pulumi.interpolate`arn:${a.partition}:events:${a.region}:${a.accountId}:rule/${a.namePrefix}-*`;

/**
 * The topic policy: CloudWatch may publish for this account's alarms of this environment
 * (CloudWatch user guide, "Confused deputy prevention": aws:SourceArn and aws:SourceAccount), and
 * EventBridge for this environment's rules (EventBridge user guide, "Amazon SNS permissions":
 * events.amazonaws.com with aws:SourceArn of the rule). Nothing else: principals of the account
 * publish and subscribe through their IAM policies.
 */
export function topicPolicyStatements(a: AlertsPolicyArgs & { topicArn: In<string>; alarmArnPattern: In<string>; ruleArnPattern: In<string> }) {
    return [
        {
            Sid: "CloudWatchAlarmsPublish",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: "sns:Publish",
            Resource: a.topicArn,
            Condition: { ArnLike: { "aws:SourceArn": a.alarmArnPattern }, StringEquals: { "aws:SourceAccount": a.accountId } },
        },
        {
            Sid: "EventBridgeRulesPublish",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sns:Publish",
            Resource: a.topicArn,
            Condition: { ArnLike: { "aws:SourceArn": a.ruleArnPattern } },
        },
    ];
}

/**
 * The key policy: the account administers the key (KMS developer guide, "Default key policy": without
 * it the key can become unmanageable, and IAM policies cannot grant its use); CloudWatch may use it
 * for this environment's alarms; EventBridge may use it without source conditions, which SNS does
 * not support for EventBridge.
 */
export function alertsKeyPolicyStatements(a: AlertsPolicyArgs & { alarmArnPattern: In<string> }) {
    const use = ["kms:GenerateDataKey*", "kms:Decrypt"];
    return [
        {
            Sid: "AccountAdministersKey",
            Effect: "Allow",
            Principal: { AWS: pulumi.interpolate`arn:${a.partition}:iam::${a.accountId}:root` },
            Action: "kms:*",
            Resource: "*",
        },
        {
            Sid: "CloudWatchAlarmsEncrypt",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: use,
            Resource: "*",
            Condition: { ArnLike: { "aws:SourceArn": a.alarmArnPattern }, StringEquals: { "aws:SourceAccount": a.accountId } },
        },
        {
            Sid: "EventBridgeRulesEncrypt",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: use,
            Resource: "*",
        },
    ];
}
