import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { ALARM_LIMITS } from "./alarm-limits";
import { AlarmSpec } from "./alarm-catalog";
import { alarmArnPattern, alertsKeyPolicyStatements, ruleArnPattern, topicPolicyStatements } from "./alerts-policies";
import { DASHBOARD_NAME, dashboardBody, DashboardModel } from "./dashboard";

/** An e-mail address SNS can deliver to (a practical check: one `@`, a dot in the domain, no spaces). */
export const EMAIL_ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** An HTTPS endpoint: SNS posts JSON to it and it must confirm the subscription. */
export const HTTPS_ENDPOINT = /^https:\/\/[^\s/?#]+[^\s]*$/;
/**
 * Alarm, rule and topic names start with `<namePrefix>-`: letters, digits, `-`, `_` (what SNS topic
 * names, EventBridge rule names and KMS alias names all accept), at most 40 so rule names fit 64.
 */
export const ALERTS_NAME_PREFIX = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;

/** Where alarms notify and how they are named; an `Alerts` is one. */
export interface AlertsRef {
    /** The SNS topic every alarm and job-failure rule publishes to. */
    topicArn: pulumi.Input<string>;
    /** Every alarm and rule name starts with `<namePrefix>-` (the topic and key policies admit exactly those). */
    namePrefix: string;
}

export interface AlertsArgs {
    /**
     * Prefix of every alarm and rule name, unique per account and region (e.g. `<project>-<stack>`);
     * the topic and key policies admit alarms and rules named `<namePrefix>-*` only.
     * @example "webapp-prod"
     */
    namePrefix: string;
    /** E-mail addresses to notify. Each must confirm the subscription from the message SNS sends. */
    email?: string[];
    /** HTTPS endpoints to notify (a pager or chat integration); each must confirm its subscription. */
    https?: string[];
    /** Tags for every resource. */
    tags?: Record<string, string>;
}

/** Every problem with an Alerts' arguments (empty when valid). */
export function alertsProblems(args: AlertsArgs): string[] {
    const p: string[] = [];
    if (!ALERTS_NAME_PREFIX.test(args.namePrefix ?? "")) p.push(`namePrefix: got "${args.namePrefix}"; allowed: 1–40 letters, digits, "-", "_", starting with a letter or digit`);
    (args.email ?? []).forEach((e, i) => { if (!EMAIL_ADDRESS.test(e)) p.push(`email[${i}]: got "${e}"; allowed: an e-mail address such as ops@example.com`); });
    (args.https ?? []).forEach((u, i) => { if (!HTTPS_ENDPOINT.test(u)) p.push(`https[${i}]: got "${u}"; allowed: an https:// URL`); });
    for (const key of ["email", "https"] as const) {
        const seen = new Set<string>();
        for (const v of args[key] ?? []) {
            if (seen.has(v.toLowerCase())) p.push(`${key}: "${v}" is listed twice`);
            seen.add(v.toLowerCase());
        }
    }
    return p;
}

/** The message `pulumi preview` and `pulumi up` show when nobody is subscribed. */
export const NO_SUBSCRIPTION_WARNING = "no e-mail or HTTPS subscription: alarms and job failures are published to the topic but reach nobody. Add alerts.email or alerts.https (stack config: webapp:alerts.email).";

/**
 * An environment's alerts destination: an SNS topic encrypted with a customer managed KMS key
 * (CloudWatch alarms and EventBridge cannot publish to a topic under the AWS managed `alias/aws/sns`
 * key), a topic policy letting exactly this environment's alarms and rules publish, and the e-mail
 * and HTTPS subscriptions. Each subscriber must confirm: SNS sends a confirmation message first, and
 * nothing is delivered until it is confirmed. With no subscription it warns on every preview and
 * update. `addDashboard` adds the environment's CloudWatch dashboard under it.
 */
export class Alerts extends pulumi.ComponentResource {
    public readonly key: aws.kms.Key;
    public readonly topic: aws.sns.Topic;
    public readonly topicPolicy: aws.sns.TopicPolicy;
    public readonly subscriptions: aws.sns.TopicSubscription[];
    /** The dashboard, once `addDashboard` made it. */
    public dashboard?: aws.cloudwatch.Dashboard;
    /** Every alarm and rule name starts with `<namePrefix>-`. */
    public readonly namePrefix: string;
    private readonly componentName: string;
    public readonly topicArn: pulumi.Output<string>;
    public readonly keyArn: pulumi.Output<string>;

    constructor(name: string, args: AlertsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fargatekit:index:Alerts", name, {}, opts);
        const problems = alertsProblems(args);
        if (problems.length > 0) throw new Error(`Alerts "${name}": ${problems.join("; ")}`);
        const parent = { parent: this };
        this.namePrefix = args.namePrefix;
        this.componentName = name;
        const identity = aws.getCallerIdentityOutput({}, parent);
        const region = aws.getRegionOutput({}, parent);
        const partition = aws.getPartitionOutput({}, parent);
        const policyArgs = { accountId: identity.accountId, region: region.region, partition: partition.partition, namePrefix: args.namePrefix };
        const alarms = alarmArnPattern(policyArgs);

        this.key = new aws.kms.Key(`${name}-key`, {
            description: `Encrypts the ${args.namePrefix} alerts topic; CloudWatch alarms and EventBridge rules of ${args.namePrefix} may use it`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: alertsKeyPolicyStatements({ ...policyArgs, alarmArnPattern: alarms }) }),
            tags: args.tags,
        }, parent);
        new aws.kms.Alias(`${name}-key`, { name: `alias/${args.namePrefix}-alerts`, targetKeyId: this.key.keyId }, parent);
        this.topic = new aws.sns.Topic(name, {
            name: `${args.namePrefix}-alerts`,
            displayName: `${args.namePrefix} alerts`,
            kmsMasterKeyId: this.key.arn,
            tags: args.tags,
        }, parent);
        this.topicPolicy = new aws.sns.TopicPolicy(name, {
            arn: this.topic.arn,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: topicPolicyStatements({ ...policyArgs, topicArn: this.topic.arn, alarmArnPattern: alarms, ruleArnPattern: ruleArnPattern(policyArgs) }),
            }),
        }, parent);
        // Named after the endpoint, not its position: removing one subscriber leaves the others (and
        // their confirmations) alone.
        this.subscriptions = [
            ...(args.email ?? []).map((address) => new aws.sns.TopicSubscription(`${name}-email-${address.toLowerCase()}`, { topic: this.topic.arn, protocol: "email", endpoint: address }, parent)),
            ...(args.https ?? []).map((url) => new aws.sns.TopicSubscription(`${name}-https-${createHash("sha256").update(url).digest("hex").slice(0, 12)}`, { topic: this.topic.arn, protocol: "https", endpoint: url }, parent)),
        ];
        // Previews too: a reviewer of the pull request can still add a subscriber before the deploy.
        if (this.subscriptions.length === 0) pulumi.log.warn(`Alerts "${name}": ${NO_SUBSCRIPTION_WARNING}`, this);

        this.topicArn = this.topic.arn;
        this.keyArn = this.key.arn;
        this.registerOutputs({ topicArn: this.topicArn, keyArn: this.keyArn });
    }

    /**
     * Adds the environment's CloudWatch dashboard (named `<namePrefix>`, or `name`), its body built
     * from the resources' outputs with pulumi.jsonStringify.
     */
    public addDashboard(model: DashboardModel, name = this.namePrefix): aws.cloudwatch.Dashboard {
        if (!DASHBOARD_NAME.test(name)) throw new Error(`Alerts dashboard name "${name}": allowed: 1–255 letters, digits, "-", "_"`);
        if (this.dashboard) throw new Error("Alerts: the dashboard was already added");
        this.dashboard = new aws.cloudwatch.Dashboard(`${this.componentName}-dashboard`, {
            dashboardName: name,
            dashboardBody: pulumi.jsonStringify(dashboardBody(model)),
        }, { parent: this });
        return this.dashboard;
    }
}

/**
 * One alarm of a spec, named `name` (≤ 255 characters, starting with the alerts' prefix), whose
 * ALARM state notifies the alerts topic.
 */
export function createAlarm(logicalName: string, name: string, spec: AlarmSpec, alerts: AlertsRef, opts: pulumi.CustomResourceOptions, tags?: Record<string, string>): aws.cloudwatch.MetricAlarm {
    if (name.length > ALARM_LIMITS.nameLength || !name.startsWith(`${alerts.namePrefix}-`)) {
        throw new Error(`alarm name "${name}": allowed: at most ${ALARM_LIMITS.nameLength} characters starting with "${alerts.namePrefix}-"`);
    }
    const { kind, description, metricQueries, ...metric } = spec;
    return new aws.cloudwatch.MetricAlarm(logicalName, {
        name,
        alarmDescription: description.slice(0, ALARM_LIMITS.descriptionLength),
        actionsEnabled: true,
        alarmActions: [alerts.topicArn],
        ...metric,
        ...(metricQueries ? { metricQueries } : {}),
        tags: { ...tags, alarm: kind },
    }, opts);
}
