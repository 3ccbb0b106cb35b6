import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createAccessLogsBucket } from "./access-logs";

/** TLS policies for the HTTPS listener; both negotiate TLS 1.3 (ELB user guide, "Security policies for your Application Load Balancer"). */
export enum TlsPolicy {
    /** TLS 1.3 and 1.2 — AWS's recommended default; serves older clients. */
    Tls13And12 = "ELBSecurityPolicy-TLS13-1-2-2021-06",
    /** TLS 1.3 only. */
    Tls13Only = "ELBSecurityPolicy-TLS13-1-3-2021-06",
}

/** HTTPS for the load balancer: an existing ACM certificate, or a domain in a Route 53 zone. */
export interface HttpsArgs {
    /** ARN of an issued ACM certificate in the stack's region. */
    certificateArn?: pulumi.Input<string>;
    /** A domain to serve: a DNS-validated certificate and an alias record are created for it. */
    domain?: string;
    /** The Route 53 hosted zone id holding `domain`. Required with `domain`. */
    hostedZoneId?: pulumi.Input<string>;
    /** @default TlsPolicy.Tls13And12 */
    tlsPolicy?: TlsPolicy;
}

/** The target group's health check (ranges: ELB API reference, CreateTargetGroup). */
export interface TargetHealthCheckArgs {
    /** @default "/health" */
    path?: string;
    /** Seconds between checks, 5–300. @default 10 */
    interval?: number;
    /** Seconds to wait for an answer, 2–120, less than the interval. @default 5 */
    timeout?: number;
    /** Consecutive successes before a target is healthy, 2–10. @default 2 */
    healthyThreshold?: number;
    /** Consecutive failures before a target is unhealthy, 2–10. @default 3 */
    unhealthyThreshold?: number;
    /** HTTP codes that mean healthy (200–499). @default "200" */
    matcher?: string;
}

export { TARGET_HEALTH_CHECK_LIMITS } from "./aws-limits";

export interface LoadBalancerArgs {
    /** Refuse deletion of the load balancer through the API until turned off. @default false */
    deletionProtection?: boolean;
    /** Write access logs to a bucket created for them. @default false */
    accessLogs?: boolean;
    /** Days access logs are kept. @default 90 */
    accessLogsExpireDays?: number;
    /** Keep the access-logs bucket when the stack is destroyed. @default false */
    retainAccessLogsOnDelete?: boolean;
    /** Seconds an idle connection stays open; the app's keep-alive timeout must exceed it. @default 60 */
    idleTimeout?: number;
}

interface Wiring {
    vpcId: pulumi.Input<string>;
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    port: number;
    deregistrationDelay: number;
    healthCheck: TargetHealthCheckArgs;
    https?: HttpsArgs;
    loadBalancer: LoadBalancerArgs;
    tags?: Record<string, string>;
}

/** The internet-facing side of a WebService: ALB, its security group, target group, listeners, TLS. */
export function createLoadBalancer(name: string, w: Wiring, parent: pulumi.Resource) {
    const opts = { parent };
    const lbArgs = w.loadBalancer;
    const httpsOn = w.https !== undefined;

    const securityGroup = new aws.ec2.SecurityGroup(`${name}-alb`, {
        vpcId: w.vpcId,
        description: `Load balancer of ${name}: HTTP(S) from the internet`,
        tags: { ...w.tags, Name: `${name}-alb` },
    }, opts);
    const listenerPorts = httpsOn ? [80, 443] : [80];
    for (const port of listenerPorts) {
        new aws.vpc.SecurityGroupIngressRule(`${name}-alb-in-${port}`, {
            securityGroupId: securityGroup.id,
            description: `HTTP${port === 443 ? "S" : ""} from anywhere`,
            ipProtocol: "tcp",
            fromPort: port,
            toPort: port,
            cidrIpv4: "0.0.0.0/0",
        }, opts);
    }

    let dependsOn: pulumi.Resource[] = [];
    let accessLogs: aws.types.input.lb.LoadBalancerAccessLogs | undefined;
    let accessLogsBucket: aws.s3.Bucket | undefined;
    if (lbArgs.accessLogs) {
        const prefix = name;
        const created = createAccessLogsBucket(name, {
            prefix,
            expireDays: lbArgs.accessLogsExpireDays ?? 90,
            retainOnDelete: lbArgs.retainAccessLogsOnDelete ?? false,
            tags: w.tags,
        }, parent);
        accessLogsBucket = created.bucket;
        accessLogs = { bucket: created.bucket.bucket, prefix, enabled: true };
        // ELB checks it may write to the bucket when logging is enabled: the policy must exist first.
        dependsOn = [created.policy];
    }

    const loadBalancer = new aws.lb.LoadBalancer(`${name}-alb`, {
        loadBalancerType: "application",
        internal: false,
        ipAddressType: "ipv4",
        subnets: w.subnetIds,
        securityGroups: [securityGroup.id],
        // Drop headers that are not valid HTTP (a request-smuggling guard; Security Hub ELB.4).
        dropInvalidHeaderFields: true,
        enableDeletionProtection: lbArgs.deletionProtection ?? false,
        idleTimeout: lbArgs.idleTimeout ?? 60,
        accessLogs,
        tags: w.tags,
    }, { parent, dependsOn });

    const hc = w.healthCheck;
    const targetGroup = new aws.lb.TargetGroup(`${name}-tg`, {
        vpcId: w.vpcId,
        // Fargate tasks use awsvpc networking: they register by IP, never by instance
        // (ECS developer guide, "Use a load balancer to distribute Amazon ECS service traffic").
        targetType: "ip",
        port: w.port,
        protocol: "HTTP",
        protocolVersion: "HTTP1",
        deregistrationDelay: w.deregistrationDelay,
        healthCheck: {
            enabled: true,
            protocol: "HTTP",
            port: "traffic-port",
            path: hc.path ?? "/health",
            interval: hc.interval ?? 10,
            timeout: hc.timeout ?? 5,
            healthyThreshold: hc.healthyThreshold ?? 2,
            unhealthyThreshold: hc.unhealthyThreshold ?? 3,
            matcher: hc.matcher ?? "200",
        },
        tags: w.tags,
    }, opts);

    let certificateArn: pulumi.Input<string> | undefined = w.https?.certificateArn;
    let aliasRecord: aws.route53.Record | undefined;
    if (w.https?.domain && w.https.hostedZoneId) {
        const certificate = new aws.acm.Certificate(`${name}-cert`, {
            domainName: w.https.domain,
            validationMethod: "DNS",
            tags: w.tags,
        }, opts);
        const option = certificate.domainValidationOptions.apply((o) => o[0]);
        const validationRecord = new aws.route53.Record(`${name}-cert-validation`, {
            zoneId: w.https.hostedZoneId,
            name: option.resourceRecordName,
            type: option.resourceRecordType,
            records: [option.resourceRecordValue],
            ttl: 60,
            allowOverwrite: true,
        }, opts);
        const validation = new aws.acm.CertificateValidation(`${name}-cert`, {
            certificateArn: certificate.arn,
            validationRecordFqdns: [validationRecord.fqdn],
        }, opts);
        certificateArn = validation.certificateArn;
        aliasRecord = new aws.route53.Record(`${name}-alias`, {
            zoneId: w.https.hostedZoneId,
            name: w.https.domain,
            type: "A",
            aliases: [{ name: loadBalancer.dnsName, zoneId: loadBalancer.zoneId, evaluateTargetHealth: true }],
        }, opts);
    }

    const forward = [{ type: "forward", targetGroupArn: targetGroup.arn }];
    const httpListener = new aws.lb.Listener(`${name}-http`, {
        loadBalancerArn: loadBalancer.arn,
        port: 80,
        protocol: "HTTP",
        defaultActions: httpsOn
            ? [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]
            : forward,
        tags: w.tags,
    }, opts);
    const httpsListener = httpsOn
        ? new aws.lb.Listener(`${name}-https`, {
            loadBalancerArn: loadBalancer.arn,
            port: 443,
            protocol: "HTTPS",
            sslPolicy: w.https!.tlsPolicy ?? TlsPolicy.Tls13And12,
            certificateArn,
            defaultActions: forward,
            tags: w.tags,
        }, opts)
        : undefined;

    const host = w.https?.domain ? pulumi.output(w.https.domain) : loadBalancer.dnsName;
    const url = pulumi.interpolate`${httpsOn ? "https" : "http"}://${host}`;
    /** The listener that forwards to the target group: the service must wait for it. */
    const forwardingListener = httpsListener ?? httpListener;
    return { securityGroup, loadBalancer, targetGroup, httpListener, httpsListener, forwardingListener, aliasRecord, accessLogsBucket, url };
}
