/**
 * Security controls: AWS Security Hub Foundational Security Best Practices (FSBP) and Checkov ids that
 * apply to ECS, ELB, ECR, EC2 security groups, IAM, CloudWatch Logs, S3 and SQS. Each deliberate
 * exception is written here with its reason.
 * Control catalogue: https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-controls-reference.html
 */
import type { PolicyResource } from "@pulumi/policy";
import { ExceptionRule, exceptionReason } from "../../components/exceptions";
import { asArray, containersOf, isProduction, ProjectRule, resourceRule, RuleCategory, StackGraph, stackRule, statementsOf, TYPES } from "./util";

const SH = "Security Hub";
const isUnrestricted = (cidr: unknown) => cidr === "0.0.0.0/0" || cidr === "::/0";

/** An ingress permission, whichever resource declares it. */
interface Ingress { sg: string | undefined; protocol: string; from: number; to: number; cidrs: string[]; sourceSg?: string; declaredBy: PolicyResource }

function ingressOf(g: StackGraph): Ingress[] {
    const out: Ingress[] = [];
    for (const sg of g.ofType(TYPES.securityGroup)) {
        for (const i of asArray<any>(sg.props.ingress)) {
            out.push({ sg: sg.props.id, protocol: String(i.protocol), from: i.fromPort, to: i.toPort, cidrs: [...asArray<string>(i.cidrBlocks), ...asArray<string>(i.ipv6CidrBlocks)], sourceSg: asArray<string>(i.securityGroups)[0], declaredBy: sg });
        }
    }
    for (const r of g.ofType(TYPES.sgIngressRule)) {
        out.push({ sg: r.props.securityGroupId, protocol: String(r.props.ipProtocol), from: r.props.fromPort, to: r.props.toPort, cidrs: [r.props.cidrIpv4, r.props.cidrIpv6].filter(Boolean), sourceSg: r.props.referencedSecurityGroupId, declaredBy: r });
    }
    for (const r of g.ofType(TYPES.sgRule).filter((x) => x.props.type === "ingress")) {
        out.push({ sg: r.props.securityGroupId, protocol: String(r.props.protocol), from: r.props.fromPort, to: r.props.toPort, cidrs: [...asArray<string>(r.props.cidrBlocks), ...asArray<string>(r.props.ipv6CidrBlocks)], sourceSg: r.props.sourceSecurityGroupId, declaredBy: r });
    }
    return out;
}

/**
 * A container that only prepares the task for the others: not essential, every Linux capability
 * dropped, a read-only root, no port, and every essential container waits for it to exit 0.
 */
function isSetupContainer(c: Record<string, any>, all: Record<string, any>[]): boolean {
    const essentials = all.filter((x) => x.essential !== false);
    return c.essential === false
        && asArray<string>(c.linuxParameters?.capabilities?.drop).includes("ALL")
        && asArray<string>(c.linuxParameters?.capabilities?.add).length === 0
        && c.readonlyRootFilesystem === true
        && asArray(c.portMappings).length === 0
        && essentials.length > 0
        && essentials.every((e) => asArray<any>(e.dependsOn).some((d) => d.containerName === c.name && d.condition === "SUCCESS"));
}

/** Services whose task definition is `td` (matched by ARN or family). */
const servicesOf = (g: StackGraph, td: PolicyResource) => g.ofType(TYPES.service).filter((s) => g.byRef(s.props.taskDefinition) === td);

/** Actions that read secret material: never on "*" (the project's own rule; Checkov CKV_AWS_355). */
const SECRET_ACTIONS = /^(secretsmanager:(GetSecretValue|\*)|ssm:(GetParameter|GetParameters|GetParametersByPath|\*)|kms:(Decrypt|\*))$/i;
/**
 * Actions with no resource-level permissions, for which "*" is the only valid resource (Service
 * Authorization Reference): ECR's token, the ECS Exec agent's channels, X-Ray and metric writes.
 */
const NO_RESOURCE_LEVEL = /^(ecr:GetAuthorizationToken|ssmmessages:\w+|xray:Put\w+|cloudwatch:PutMetricData|ecs:ListTasks|ecs:DescribeTasks)$/;

export const securityRules: ProjectRule[] = [
    stackRule({
        name: "ecs-no-public-ip",
        description: "ECS services do not assign public IPs — except the deliberate no-NAT design (see exception).",
        category: RuleCategory.Security,
        source: `${SH} ECS.2; Checkov CKV_AWS_333`,
    }, (g, _a, report) => {
        const hasNat = g.ofType(TYPES.natGateway).length > 0;
        const ingress = ingressOf(g);
        for (const svc of g.ofType(TYPES.service)) {
            const net = svc.props.networkConfiguration ?? {};
            if (net.assignPublicIp !== true) continue;
            // EXCEPTION (dev's design): outside production, in a VPC without NAT gateways, a task needs a
            // public IP to reach ECR, CloudWatch Logs and Secrets Manager; a NAT gateway would cost ≥ $32/month.
            // It holds only while nothing can reach the task directly: every ingress to its security groups
            // comes from another security group (the load balancer's), none from a CIDR range.
            const sgs = asArray<string>(net.securityGroups);
            const openToCidr = ingress.some((i) => sgs.includes(i.sg as string) && i.cidrs.length > 0);
            const exception = !isProduction(svc.props) && !hasNat && !openToCidr;
            if (!exception) {
                const why = isProduction(svc.props) ? "production" : hasNat ? "the VPC has a NAT gateway" : "its security group admits a CIDR range";
                report(`service "${svc.name}" assigns public IPs (${why}); run tasks in private subnets`, svc.urn);
            }
        }
    }),
    resourceRule({
        name: "ecs-no-host-pid",
        description: "Task definitions do not share the host's process namespace.",
        category: RuleCategory.Security,
        source: `${SH} ECS.3; Checkov CKV_AWS_335`,
        types: [TYPES.taskDefinition],
    }, (p, _a, report) => {
        if (p.pidMode === "host") report('pidMode "host" shares the host\'s process namespace');
    }),
    resourceRule({
        name: "ecs-non-privileged-non-root",
        description: "Containers run unprivileged and as a non-root user — except a named runAsRoot exception or a capability-less setup container (see exceptions).",
        category: RuleCategory.Security,
        source: `${SH} ECS.4; Control Tower CT.ECS.PR.3 (non-root user)`,
        types: [TYPES.taskDefinition],
    }, (p, _a, report, accept) => {
        const all = containersOf(p);
        const reason = exceptionReason(p.tags, ExceptionRule.NonRoot);
        for (const c of all) {
            if (c.privileged === true) report(`container "${c.name}" is privileged`);
            if (!(c.user === undefined || /^(0|root)(:|$)/.test(String(c.user)))) continue;
            const runsAs = `container "${c.name}" runs as root (user ${JSON.stringify(c.user ?? "image default")})`;
            // EXCEPTION (structural): a setup container that only fixes volume permissions before the app
            // starts. Fargate's bind-mount volumes are writable by root alone, so opening them to a
            // non-root app takes root once; with every capability dropped it can do little else.
            if (isSetupContainer(c, all)) accept(`${runsAs} only to open the writable volumes: every capability dropped, read-only root, not essential, the app waits for it to exit 0`);
            // EXCEPTION (named): an image that cannot run otherwise, with the reason its owner gave
            // (tag fargatekit:exception:ecs-non-privileged-non-root, set by runAsRoot).
            else if (reason) accept(`${runsAs}: ${reason}`);
            else report(runsAs);
        }
    }),
    stackRule({
        name: "ecs-readonly-root-filesystem",
        description: "Containers have a read-only root filesystem — except where ECS Exec needs it writable, or a named writableRootFilesystem exception (see exceptions).",
        category: RuleCategory.Security,
        source: `${SH} ECS.5; Checkov CKV_AWS_336`,
    }, (g, _a, report, accept) => {
        for (const td of g.ofType(TYPES.taskDefinition)) {
            const writable = containersOf(td.props).filter((c) => c.readonlyRootFilesystem !== true);
            if (writable.length === 0) continue;
            const what = `task definition "${td.name}": container(s) ${writable.map((c) => `"${c.name}"`).join(", ")} have a writable root filesystem`;
            // EXCEPTION: ECS Exec's SSM agent writes to the container's root filesystem ("ECS Exec
            // considerations", ECS developer guide), so a task definition that only runs under services
            // with enableExecuteCommand outside production may keep it writable. Production never execs.
            const services = servicesOf(g, td);
            const execOnly = services.length > 0 && services.every((s) => s.props.enableExecuteCommand === true && !isProduction(s.props));
            // EXCEPTION (named): an image that writes where no volume can go, with the reason its owner
            // gave (tag fargatekit:exception:ecs-readonly-root-filesystem, set by writableRootFilesystem).
            const reason = exceptionReason(td.props.tags, ExceptionRule.ReadonlyRoot);
            if (execOnly) accept(`${what}: ECS Exec's agent writes there (outside production only)`, td.urn);
            else if (reason) accept(`${what}: ${reason}`, td.urn);
            else report(what, td.urn);
        }
    }),
    resourceRule({
        name: "ecs-no-env-secrets",
        description: "Credentials are not passed as plain environment variables.",
        category: RuleCategory.Security,
        source: `${SH} ECS.8`,
        types: [TYPES.taskDefinition],
    }, (p, _a, report) => {
        for (const c of containersOf(p)) {
            for (const e of asArray<any>(c.environment)) {
                if (["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "ECS_ENGINE_AUTH_DATA"].includes(e.name)) report(`container "${c.name}" sets ${e.name} in environment; inject it as a secret`);
            }
        }
    }),
    resourceRule({
        name: "ecs-logging",
        description: "Every container has a log driver.",
        category: RuleCategory.Security,
        source: `${SH} ECS.9`,
        types: [TYPES.taskDefinition],
    }, (p, _a, report) => {
        for (const c of containersOf(p)) if (!c.logConfiguration?.logDriver) report(`container "${c.name}" has no logConfiguration.logDriver`);
    }),
    resourceRule({
        name: "ecs-latest-platform",
        description: "Fargate services run the LATEST platform version.",
        category: RuleCategory.Security,
        source: `${SH} ECS.10`,
        types: [TYPES.service],
    }, (p, _a, report) => {
        if (p.platformVersion !== undefined && p.platformVersion !== "LATEST" && p.platformVersion !== "1.4.0") report(`platformVersion ${p.platformVersion} is not LATEST (1.4.0)`);
    }),
    resourceRule({
        name: "ecs-container-insights",
        description: "ECS clusters use Container Insights.",
        category: RuleCategory.Security,
        source: `${SH} ECS.12`,
        types: [TYPES.cluster],
    }, (p, _a, report) => {
        const s = asArray<any>(p.settings).find((x) => x.name === "containerInsights");
        if (!s || !["enabled", "enhanced"].includes(s.value)) report(`containerInsights is ${s?.value ?? "not set"}`);
    }),
    resourceRule({
        name: "alb-hardening",
        description: "ALBs drop invalid header fields and keep a defensive or strictest desync mitigation mode.",
        category: RuleCategory.Security,
        source: `${SH} ELB.4, ELB.12; Checkov CKV_AWS_131`,
        types: [TYPES.loadBalancer],
    }, (p, _a, report) => {
        if ((p.loadBalancerType ?? "application") !== "application") return;
        if (p.dropInvalidHeaderFields !== true) report("dropInvalidHeaderFields is not true");
        if (p.desyncMitigationMode === "monitor") report('desyncMitigationMode "monitor" lets ambiguous requests through');
    }),
    resourceRule({
        name: "alb-production-protection",
        description: "Production ALBs have access logs and deletion protection (see exception for other stacks).",
        category: RuleCategory.Security,
        source: `${SH} ELB.5, ELB.6; Checkov CKV_AWS_91, CKV_AWS_150`,
        types: [TYPES.loadBalancer],
    }, (p, _a, report) => {
        // EXCEPTION: non-production stacks are throw-away (`pulumi destroy` must succeed unattended, which
        // deletion protection forbids) and carry no traffic worth an access-log bucket.
        if (!isProduction(p)) return;
        if (p.accessLogs?.enabled !== true || !p.accessLogs?.bucket) report("access logs are off");
        if (p.enableDeletionProtection !== true) report("deletion protection is off");
    }),
    stackRule({
        name: "alb-https-only",
        description: "Production ALBs serve HTTPS; plain-HTTP listeners only redirect to it (see exceptions).",
        category: RuleCategory.Security,
        source: `${SH} ELB.1; Checkov CKV_AWS_2`,
    }, (g, _a, report) => {
        for (const l of g.ofType(TYPES.listener)) {
            if (l.props.protocol !== "HTTP") continue;
            // EXCEPTION: an HTTP listener whose every action redirects to HTTPS serves nothing in the clear.
            const redirects = asArray<any>(l.props.defaultActions).length > 0
                && asArray<any>(l.props.defaultActions).every((a) => a.type === "redirect" && a.redirect?.protocol === "HTTPS");
            if (redirects) continue;
            // EXCEPTION: outside production a stack may have no domain; an ALB's own DNS name cannot get an
            // ACM certificate, so such a stack serves HTTP only.
            if (!isProduction(l.props)) continue;
            report(`listener "${l.name}" serves plain HTTP; redirect it to HTTPS`, l.urn);
        }
    }),
    resourceRule({
        name: "alb-tls-policy",
        description: "HTTPS listeners use a TLS 1.3 security policy.",
        category: RuleCategory.Security,
        source: `${SH} ELB.17; ELB user guide, Security policies for your ALB`,
        types: [TYPES.listener],
    }, (p, _a, report) => {
        if (p.protocol === "HTTPS" && !/^ELBSecurityPolicy-TLS13-/.test(String(p.sslPolicy ?? ""))) report(`sslPolicy ${p.sslPolicy ?? "(default)"} is not a TLS 1.3 policy`);
    }),
    resourceRule({
        name: "ecr-repository-hardening",
        description: "ECR repositories scan on push and have immutable tags.",
        category: RuleCategory.Security,
        source: `${SH} ECR.1, ECR.2; Checkov CKV_AWS_163, CKV_AWS_51`,
        types: [TYPES.repository],
    }, (p, _a, report) => {
        if (p.imageScanningConfiguration?.scanOnPush !== true) report("scan on push is off");
        if (!String(p.imageTagMutability ?? "MUTABLE").startsWith("IMMUTABLE")) report(`imageTagMutability is ${p.imageTagMutability ?? "MUTABLE"}`);
    }),
    stackRule({
        name: "ecr-lifecycle-policy",
        description: "Every ECR repository has a lifecycle policy.",
        category: RuleCategory.Security,
        source: `${SH} ECR.3`,
    }, (g, _a, report) => {
        const covered = new Set(g.ofType(TYPES.lifecyclePolicy).map((l) => l.props.repository));
        for (const r of g.ofType(TYPES.repository)) if (!covered.has(r.props.name)) report(`repository "${r.name}" has no lifecycle policy`, r.urn);
    }),
    resourceRule({
        name: "log-group-retention",
        description: "Log groups expire their logs; production keeps them at least 90 days.",
        category: RuleCategory.Security,
        // Deviation, stated: CloudWatch.16's default minimum is 365 days. The project keeps 90 days of
        // application logs in production (cost) and 365 days of ALB access logs in S3.
        source: `${SH} CloudWatch.16 (project minimum 90 days in production); Checkov CKV_AWS_66`,
        types: [TYPES.logGroup],
    }, (p, _a, report) => {
        const days = p.retentionInDays;
        if (!days) report("retention is not set: logs are kept (and billed) forever");
        else if (isProduction(p) && days < 90) report(`retention ${days} days; production keeps at least 90`);
    }),
    stackRule({
        name: "sg-unrestricted-ingress",
        description: "Ingress from anywhere only to TCP 80/443, and only on a load balancer's security group.",
        category: RuleCategory.Security,
        // EXCEPTION to Checkov CKV_AWS_260 ("no ingress from 0.0.0.0/0 to port 80"): the public ALB must take
        // port 80 — in production only to redirect to HTTPS (rule alb-https-only).
        source: `${SH} EC2.18 (authorizedTcpPorts 80,443), EC2.19`,
    }, (g, _a, report) => {
        const lbGroups = new Set(g.ofType(TYPES.loadBalancer).filter((lb) => lb.props.internal !== true).flatMap((lb) => asArray<string>(lb.props.securityGroups)));
        for (const i of ingressOf(g)) {
            if (!i.cidrs.some(isUnrestricted)) continue;
            const web = i.protocol === "tcp" && i.from === i.to && [80, 443].includes(i.from);
            if (!web) report(`"${i.declaredBy.name}" opens ${i.protocol} ${i.from}–${i.to} to the internet; only 80/443 may be`, i.declaredBy.urn);
            else if (!lbGroups.has(i.sg as string)) report(`"${i.declaredBy.name}" opens port ${i.from} to the internet on a security group no public load balancer uses`, i.declaredBy.urn);
        }
    }),
    resourceRule({
        name: "iam-least-privilege",
        description: 'No "*" action; secrets are read by exact ARN; "*" resources only for actions without resource-level permissions or under a condition.',
        category: RuleCategory.Security,
        source: `${SH} IAM.1; Checkov CKV_AWS_355; ECS developer guide, task execution role (secrets)`,
        types: [TYPES.rolePolicy, TYPES.policy],
    }, (p, _a, report) => {
        for (const s of statementsOf(p.policy)) {
            if (s.Effect !== "Allow") continue;
            const actions = asArray<string>(s.Action);
            const resources = asArray<string>(s.Resource);
            const sid = s.Sid ? `statement ${s.Sid}` : "a statement";
            if (actions.some((a) => a === "*" || (a.endsWith(":*") && !a.startsWith("ssmmessages:")))) report(`${sid} allows ${actions.join(", ")}: name the actions`);
            for (const a of actions.filter((x) => SECRET_ACTIONS.test(x))) {
                if (resources.some((r) => r.includes("*"))) report(`${sid} allows ${a} on ${resources.join(", ")}: name each secret's ARN`);
            }
            if (resources.includes("*") && !s.Condition && !actions.every((a) => NO_RESOURCE_LEVEL.test(a))) report(`${sid} allows ${actions.join(", ")} on "*"`);
        }
    }),
    stackRule({
        name: "s3-bucket-private-tls",
        description: "Buckets block public access and deny requests without TLS.",
        category: RuleCategory.Security,
        source: `${SH} S3.8 (block public access), S3.5 (SSL only)`,
    }, (g, _a, report) => {
        for (const b of [...g.ofType(TYPES.bucket), ...g.ofType(TYPES.bucketV2)]) {
            const ids = [b.props.id, b.props.bucket];
            const block = g.ofType(TYPES.publicAccessBlock).find((x) => ids.includes(x.props.bucket));
            if (!block || !["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].every((k) => block.props[k] === true)) report(`bucket "${b.name}" does not block all public access`, b.urn);
            const policy = g.ofType(TYPES.bucketPolicy).find((x) => ids.includes(x.props.bucket));
            const tls = statementsOf(policy?.props.policy).some((s) => s.Effect === "Deny" && s.Condition?.Bool?.["aws:SecureTransport"] === "false");
            if (!tls) report(`bucket "${b.name}" does not deny requests without TLS`, b.urn);
        }
    }),
    resourceRule({
        name: "sqs-encrypted",
        description: "SQS queues are encrypted at rest.",
        category: RuleCategory.Security,
        source: `${SH} SQS.1`,
        types: [TYPES.queue],
    }, (p, _a, report) => {
        if (p.sqsManagedSseEnabled === false && !p.kmsMasterKeyId) report("queue is not encrypted (sqsManagedSseEnabled false, no kmsMasterKeyId)");
    }),
];
