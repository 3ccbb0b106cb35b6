/**
 * Alerting: alarms CloudWatch accepts, notifications that can actually be delivered (a topic policy
 * and, for an encrypted topic, a key policy that let the publishing service in), deployment alarms
 * that exist, production services watched by someone and rolled back on a bad release, failed jobs
 * reported, encrypted topics and rotating keys.
 */
import type { PolicyResource } from "@pulumi/policy";
import { metricAlarmProblems } from "../../components/alarm-limits";
import { asArray, isProduction, ProjectRule, resourceRule, RuleCategory, StackGraph, stackRule, statementsOf, TYPES } from "./util";


const SNS_KMS = "SNS developer guide, \"Enable compatibility between event sources from AWS services and encrypted topics\" (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services)";

/** IAM's ArnLike (`*`, `?`). */
const arnLike = (pattern: string, arn: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`).test(arn);

/** Whether a policy's statements allow `service` every one of `actions` on the resource, for a publisher `sourceArn`. */
function allows(policy: unknown, service: string, actions: string[], sourceArn: string | undefined, account: string | undefined): boolean {
    const st = statementsOf(policy).filter((s) => s.Effect === "Allow" && asArray<string>(s.Principal?.Service).includes(service));
    return actions.every((action) => st.some((s) => {
        const granted = asArray<string>(s.Action).some((a) => a === action || a === "*" || (a.endsWith("*") && action.startsWith(a.slice(0, -1))) || a.toLowerCase() === action.toLowerCase());
        if (!granted) return false;
        const c = s.Condition ?? {};
        const like = asArray<string>(c.ArnLike?.["aws:SourceArn"] ?? c.ArnEquals?.["aws:SourceArn"] ?? c.StringEquals?.["aws:SourceArn"]);
        if (like.length > 0 && (sourceArn === undefined || !like.some((p) => arnLike(p, sourceArn)))) return false;
        const accounts = asArray<string>(c.StringEquals?.["aws:SourceAccount"]);
        return accounts.length === 0 || (account !== undefined && accounts.includes(account));
    }));
}

const accountOf = (arn: string | undefined) => arn?.split(":")[4];

/** Why a publisher (`service`, with its own ARN) cannot deliver to `topicArn` of this graph; empty when it can or the topic is not the stack's. */
function deliveryProblems(g: StackGraph, service: string, publisherArn: string | undefined, topicArn: string): string[] {
    const topic = g.ofType(TYPES.topic).find((t) => t.props.arn === topicArn);
    if (!topic) return [];
    const p: string[] = [];
    const policies = [topic.props.policy, ...g.ofType(TYPES.topicPolicy).filter((x) => x.props.arn === topicArn).map((x) => x.props.policy)].filter(Boolean);
    if (!policies.some((doc) => allows(doc, service, ["sns:Publish"], publisherArn, accountOf(publisherArn)))) p.push(`topic "${topic.name}"'s policy does not let ${service} publish for ${publisherArn ?? "it"}`);
    const keyRef = topic.props.kmsMasterKeyId;
    if (keyRef) {
        if (/alias\/aws\//.test(String(keyRef))) {
            p.push(`topic "${topic.name}" is encrypted with the AWS managed key ${keyRef}, whose policy cannot let ${service} use it: use a customer managed key`);
        } else {
            const alias = g.ofType(TYPES.kmsAlias).find((a) => a.props.name === keyRef || a.props.arn === keyRef);
            const key = g.ofType(TYPES.kmsKey).find((k) => [k.props.arn, k.props.id, k.props.keyId].includes(alias ? alias.props.targetKeyId : keyRef));
            if (key && !allows(key.props.policy, service, ["kms:GenerateDataKey*", "kms:Decrypt"], publisherArn, accountOf(publisherArn))) {
                p.push(`topic "${topic.name}"'s key "${key.name}" does not let ${service} use kms:GenerateDataKey* and kms:Decrypt`);
            }
        }
    }
    return p;
}

/** The alarms watching an ECS service (dimension ServiceName, on its own or in a metric math query). */
function alarmsOn(g: StackGraph, serviceName: string): PolicyResource[] {
    return g.ofType(TYPES.alarm).filter((a) => a.props.dimensions?.ServiceName === serviceName
        || asArray<any>(a.props.metricQueries).some((q) => q.metric?.dimensions?.ServiceName === serviceName)
        || asArray<any>(a.props.metricQueries).some((q) => q.metric?.dimensions?.TargetGroup !== undefined && targetGroupOf(g, serviceName) === q.metric.dimensions.TargetGroup)
        || (a.props.dimensions?.TargetGroup !== undefined && targetGroupOf(g, serviceName) === a.props.dimensions.TargetGroup));
}

/** The ARN suffix of the (first) target group an ECS service registers with. */
function targetGroupOf(g: StackGraph, serviceName: string): string | undefined {
    const svc = g.ofType(TYPES.service).find((s) => s.props.name === serviceName);
    const arn = asArray<any>(svc?.props.loadBalancers)[0]?.targetGroupArn;
    return arn ? g.ofType(TYPES.targetGroup).find((t) => t.props.arn === arn)?.props.arnSuffix : undefined;
}

export const alertRules: ProjectRule[] = [
    resourceRule({
        name: "alarm-limits",
        description: "Metric alarms keep CloudWatch's limits: period 10/20/30 or a multiple of 60, period × evaluation periods within a day (7 days from an hour up), datapoints ≤ evaluation periods, ≤ 5 actions, one returned expression.",
        category: RuleCategory.Aws,
        source: "CloudWatch API reference, PutMetricAlarm (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html)",
        types: [TYPES.alarm],
    }, (p, _a, report) => {
        for (const problem of metricAlarmProblems(p)) report(problem);
    }),
    stackRule({
        name: "alerts-deliverable",
        description: "Alarms and EventBridge rules that notify an SNS topic of the stack can publish to it: the topic policy admits the service (for this alarm or rule), and an encrypted topic's key is customer managed and lets the service use it.",
        category: RuleCategory.Aws,
        source: `${SNS_KMS}; CloudWatch user guide, "Confused deputy prevention"; EventBridge user guide, "Amazon SNS permissions"`,
    }, (g, _a, report) => {
        for (const alarm of g.ofType(TYPES.alarm)) {
            for (const action of [...asArray<string>(alarm.props.alarmActions), ...asArray<string>(alarm.props.okActions)].filter((x) => String(x).includes(":sns:"))) {
                for (const problem of deliveryProblems(g, "cloudwatch.amazonaws.com", alarm.props.arn, action)) report(`alarm "${alarm.name}": ${problem}`, alarm.urn);
            }
        }
        for (const target of g.ofType(TYPES.eventTarget).filter((t) => String(t.props.arn).includes(":sns:"))) {
            const rule = g.ofType(TYPES.eventRule).find((r) => r.props.name === target.props.rule);
            for (const problem of deliveryProblems(g, "events.amazonaws.com", rule?.props.arn, target.props.arn)) report(`rule "${rule?.name ?? target.props.rule}": ${problem}`, target.urn);
        }
    }),
    stackRule({
        name: "ecs-deployment-alarms-exist",
        description: "An ECS service's deployment alarms name alarms of the stack, and the service uses the ECS (rolling) deployment controller they need.",
        category: RuleCategory.Aws,
        source: "ECS API reference, DeploymentAlarms (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentAlarms.html)",
    }, (g, _a, report) => {
        const names = new Set(g.ofType(TYPES.alarm).map((a) => a.props.name));
        for (const svc of g.ofType(TYPES.service)) {
            const alarms = svc.props.alarms;
            if (!alarms?.enable) continue;
            const listed = asArray<string>(alarms.alarmNames);
            if (listed.length === 0) report(`service "${svc.name}": deployment alarms enabled with no alarm`, svc.urn);
            for (const n of listed) if (!names.has(n)) report(`service "${svc.name}": deployment alarm "${n}" is not an alarm of the stack`, svc.urn);
            const controller = svc.props.deploymentController?.type ?? "ECS";
            if (controller !== "ECS") report(`service "${svc.name}": deployment alarms need the ECS deployment controller, not ${controller}`, svc.urn);
        }
    }),
    stackRule({
        name: "production-alerting",
        description: "Every production service is watched by an alarm that notifies a topic someone is subscribed to, and a load-balanced one rolls a deployment back on its deployment alarms.",
        category: RuleCategory.Reliability,
        enforcementLevel: "mandatory",
        source: "ECS developer guide, \"How CloudWatch alarms detect Amazon ECS deployment failures\"; AWS Well-Architected REL06-BP03 (send notifications) and REL08-BP05 (deploy changes with automation, roll back)",
    }, (g, args, report) => {
        const services = g.ofType(TYPES.service).filter((s) => isProduction(s.props));
        if (services.length === 0) args.notApplicable("no production service in this stack");
        const subscribed = new Set(g.ofType(TYPES.subscription).map((s) => s.props.topic));
        for (const svc of services) {
            const notifying = alarmsOn(g, svc.props.name).filter((a) => asArray<string>(a.props.alarmActions).some((t) => subscribed.has(t)));
            if (notifying.length === 0) report(`service "${svc.name}": no alarm watching it notifies a topic with a subscriber`, svc.urn);
            if (asArray(svc.props.loadBalancers).length > 0 && !(svc.props.alarms?.enable === true && svc.props.alarms?.rollback === true && asArray(svc.props.alarms.alarmNames).length > 0)) {
                report(`service "${svc.name}": load-balanced, but no deployment alarms that roll back (alarms.enable and alarms.rollback)`, svc.urn);
            }
        }
    }),
    stackRule({
        name: "job-failures-notified",
        description: "Every schedule that starts an ECS task has an EventBridge rule on the task's STOPPED events that notifies someone (Scheduler dead-letters only runs it could not start).",
        category: RuleCategory.Reliability,
        source: "EventBridge Scheduler user guide, \"Configuring a dead-letter queue\"; ECS developer guide, \"Amazon ECS task state change events\"",
    }, (g, _a, report) => {
        const rules = g.ofType(TYPES.eventRule).filter((r) => g.ofType(TYPES.eventTarget).some((t) => t.props.rule === r.props.name));
        for (const s of g.ofType(TYPES.schedule)) {
            const td = s.props.target?.ecsParameters?.taskDefinitionArn;
            if (!td) continue;
            const covered = rules.some((r) => {
                let pattern: any;
                try { pattern = JSON.parse(r.props.eventPattern ?? "{}"); } catch { return false; }
                const prefixes = asArray<any>(pattern.detail?.taskDefinitionArn).map((m) => (typeof m === "string" ? m : m?.prefix)).filter(Boolean);
                return asArray(pattern["detail-type"]).includes("ECS Task State Change") && asArray(pattern.detail?.lastStatus).includes("STOPPED") && prefixes.some((p: string) => String(td).startsWith(p));
            });
            if (!covered) report(`schedule "${s.name}": no rule with a target reports its task's failures`, s.urn);
        }
    }),
    resourceRule({
        name: "sns-encrypted",
        description: "SNS topics are encrypted at rest with a KMS key.",
        category: RuleCategory.Security,
        source: "AWS Config managed rule sns-encrypted-kms; Checkov CKV_AWS_26",
        types: [TYPES.topic],
    }, (p, _a, report) => {
        if (!p.kmsMasterKeyId) report("no kmsMasterKeyId: the topic is not encrypted at rest");
    }),
    resourceRule({
        name: "kms-key-rotation",
        description: "Symmetric customer managed KMS keys rotate their key material yearly.",
        category: RuleCategory.Security,
        source: "Security Hub KMS.4; Checkov CKV_AWS_7",
        types: [TYPES.kmsKey],
    }, (p, _a, report) => {
        const symmetric = (p.customerMasterKeySpec ?? p.keySpec ?? "SYMMETRIC_DEFAULT") === "SYMMETRIC_DEFAULT";
        if (symmetric && p.enableKeyRotation !== true) report("enableKeyRotation is not true");
    }),
];
