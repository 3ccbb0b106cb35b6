import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createAccessLogsBucket } from "./access-logs";
import { AlarmSettings, alarmName, loadBalancerErrorsAlarm, resolveSettings, thresholdsProblems } from "./alarm-catalog";
import { AlertsRef, createAlarm } from "./alerts";
import { assertComponentName, ELB_NAME_MAX } from "./names";
import { testCidrProblems } from "./release";
import { checkInteger } from "./validate";

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

/** What a load balancer needs of a network; a `Network` is one. */
export interface LoadBalancerNetworkRef {
    /** The VPC. */
    vpcId: pulumi.Input<string>;
    /** Public subnets (routed to an internet gateway), in at least two AZs. */
    publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * How many AZs the public subnets span, when known before deployment (a `Network` says): fewer
     * than 2 is refused, since an Application Load Balancer needs subnets in at least two AZs.
     */
    azCount?: number;
}

/** The Fixed 404 every unmatched request gets (a listener needs a default action). */
export const NO_ROUTE_RESPONSE = { contentType: "application/json", messageBody: '{"error":"no route"}', statusCode: "404" };

export interface LoadBalancerArgs {
    /** The network: the VPC and its public subnets (a `Network` component fits). */
    network: LoadBalancerNetworkRef;
    /** Serve HTTPS (and redirect HTTP to it). HTTP only when omitted. */
    https?: HttpsArgs;
    /** Refuse deletion of the load balancer through the API until turned off. @default false */
    deletionProtection?: boolean;
    /** Write access logs to a bucket created for them. @default false */
    accessLogs?: boolean;
    /** Days access logs are kept. @default 90 */
    accessLogsExpireDays?: number;
    /** Keep the access-logs bucket when the stack is destroyed. @default false */
    retainAccessLogsOnDelete?: boolean;
    /** Seconds an idle connection stays open; an app's keep-alive timeout must exceed it. @default 60 */
    idleTimeout?: number;
    /** An alarm on the 5xx the load balancer answers itself; none when omitted. */
    alarms?: LoadBalancerAlarmsArgs;
    /**
     * Ports of test listeners (blue/green, canary and linear releases send test traffic to the new
     * revision there before production traffic moves). Each gets a listener like the production one
     * (HTTPS with HTTPS on, else HTTP) with a 404 default, reachable only from `testListenerCidrs`.
     */
    testListenerPorts?: number[];
    /**
     * IPv4 CIDRs that may reach the test listeners (testers, CI runners); required with
     * `testListenerPorts`. Never 0.0.0.0/0: Security Hub EC2.18 allows only 80 and 443 from the internet.
     */
    testListenerCidrs?: string[];
    /** Tags for every resource. */
    tags?: Record<string, string>;
}

/** The load balancer's alarm: 5xx it answers itself (CloudWatch publishes these per load balancer only). */
export interface LoadBalancerAlarmsArgs {
    /** Where the alarm notifies and how it is named (an `Alerts` fits). */
    alerts: AlertsRef;
    /** @default more than 5 in 300 s */
    loadBalancerErrors?: AlarmSettings;
}

/** What a public service needs of a load balancer; a `LoadBalancer` is one. */
export interface LoadBalancerRef {
    /** ARN of the listener services add their rules to (HTTPS when on, else HTTP). */
    listenerArn: pulumi.Input<string>;
    /** The load balancer's security group: services admit it on their port. */
    securityGroupId: pulumi.Input<string>;
    /** The load balancer's ARN suffix (CloudWatch dimension, request-count scaling label). */
    arnSuffix: pulumi.Input<string>;
}

/** Every problem with a LoadBalancer's arguments (empty when valid). */
export function loadBalancerProblems(args: LoadBalancerArgs): string[] {
    const problems: string[] = [];
    // ELB user guide, "Availability Zones for your Application Load Balancer": an ALB needs subnets
    // from at least two Availability Zones (CreateLoadBalancer is refused otherwise).
    const azCount = args.network?.azCount;
    if (azCount !== undefined && azCount < 2) {
        problems.push(`network.azCount: got ${azCount}; allowed: 2 or more — an Application Load Balancer needs public subnets in at least two AZs (create the Network with azCount ≥ 2)`);
    }
    checkInteger(problems, "idleTimeout", args.idleTimeout, 1, 4000);
    checkInteger(problems, "accessLogsExpireDays", args.accessLogsExpireDays, 1, 3650);
    if (args.alarms) problems.push(...thresholdsProblems("alarms", { loadBalancerErrors: args.alarms.loadBalancerErrors }));
    if ((args.testListenerPorts ?? []).length > 0 && (args.testListenerCidrs ?? []).length === 0) {
        problems.push(`testListenerCidrs: required with testListenerPorts ${args.testListenerPorts!.join(", ")}; give the IPv4 CIDRs that test green (a test port is never open to the internet, Security Hub EC2.18)`);
    }
    problems.push(...testCidrProblems(args.testListenerCidrs, "testListenerCidrs"));
    for (const [i, port] of (args.testListenerPorts ?? []).entries()) {
        checkInteger(problems, `testListenerPorts[${i}]`, port, 1, 65535);
        if (port === 80 || port === 443) problems.push(`testListenerPorts[${i}]: got ${port}; allowed: a port other than 80 and 443, which carry production traffic`);
    }
    if (args.https) {
        const { certificateArn, domain, hostedZoneId } = args.https;
        if (!certificateArn && !domain) problems.push("https: needs certificateArn (an issued ACM certificate) or domain with hostedZoneId");
        if (certificateArn && domain) problems.push("https: give certificateArn or domain, not both");
        if (domain && !hostedZoneId) problems.push(`https.hostedZoneId: required with https.domain "${domain}" to validate the certificate and create the alias record`);
        if (typeof certificateArn === "string" && !/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/.test(certificateArn)) {
            problems.push(`https.certificateArn: got "${certificateArn}"; allowed: arn:aws:acm:<region>:<account>:certificate/<uuid>`);
        }
    }
    return problems;
}

/**
 * One internet-facing Application Load Balancer for an environment: its security group (80, and 443
 * with HTTPS, from anywhere), an HTTP listener (a 301 to HTTPS when HTTPS is on), an HTTPS listener
 * with a TLS 1.3 policy, a DNS-validated certificate and alias record for a domain, and optional
 * access logs. Unmatched requests get a 404; each public `Service` adds a listener rule and a
 * target group of its own.
 */
/** Each LoadBalancer's test listeners by port (see `LoadBalancer.testListenerArn`). */
const testListeners = new WeakMap<LoadBalancer, Map<number, aws.lb.Listener>>();

export class LoadBalancer extends pulumi.ComponentResource {
    public readonly loadBalancer: aws.lb.LoadBalancer;
    public readonly securityGroup: aws.ec2.SecurityGroup;
    public readonly httpListener: aws.lb.Listener;
    public readonly httpsListener?: aws.lb.Listener;
    public readonly accessLogsBucket?: aws.s3.Bucket;
    public readonly aliasRecord?: aws.route53.Record;
    /** The URL of the load balancer (`https://<domain>` with a domain, else its DNS name). */
    public readonly url: pulumi.Output<string>;
    /** ARN of the listener services add rules to (HTTPS when on, else HTTP). */
    public readonly listenerArn: pulumi.Output<string>;
    public readonly securityGroupId: pulumi.Output<string>;
    public readonly arnSuffix: pulumi.Output<string>;
    public readonly dnsName: pulumi.Output<string>;
    /** The load balancer's alarms (none without `alarms`). */
    public readonly alarms: aws.cloudwatch.MetricAlarm[] = [];
    public readonly alarmArns: pulumi.Output<string[]>;

    /** The ARN of the test listener on `port` (one of `testListenerPorts`), else undefined. */
    public testListenerArn(port: number): pulumi.Output<string> | undefined {
        return testListeners.get(this)?.get(port)?.arn;
    }

    constructor(name: string, args: LoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fargatekit:index:LoadBalancer", name, {}, opts);
        const problems = loadBalancerProblems(args);
        try {
            assertComponentName("LoadBalancer", name, "-alb", ELB_NAME_MAX);
        } catch (e) {
            problems.unshift((e as Error).message);
        }
        if (problems.length > 0) throw new Error(`LoadBalancer "${name}": ${problems.join("; ")}`);

        const parent = { parent: this };
        const httpsOn = args.https !== undefined;
        const vpcId = args.network.vpcId;

        this.securityGroup = new aws.ec2.SecurityGroup(`${name}-alb`, {
            vpcId,
            description: `Load balancer ${name}: HTTP(S) from the internet`,
            tags: { ...args.tags, Name: `${name}-alb` },
        }, parent);
        const testPorts = [...new Set(args.testListenerPorts ?? [])].sort((a, b) => a - b);
        for (const port of httpsOn ? [80, 443] : [80]) {
            new aws.vpc.SecurityGroupIngressRule(`${name}-alb-in-${port}`, {
                securityGroupId: this.securityGroup.id,
                description: `HTTP${port === 443 ? "S" : ""} from anywhere`,
                ipProtocol: "tcp",
                fromPort: port,
                toPort: port,
                cidrIpv4: "0.0.0.0/0",
            }, parent);
        }
        // Test ports: only from the given ranges (Security Hub EC2.18: 80 and 443 alone may face the internet).
        for (const port of testPorts) {
            for (const [i, cidr] of (args.testListenerCidrs ?? []).entries()) {
                new aws.vpc.SecurityGroupIngressRule(`${name}-alb-test-${port}-${i}`, {
                    securityGroupId: this.securityGroup.id,
                    description: `Test traffic to green (port ${port}) from ${cidr}`,
                    ipProtocol: "tcp",
                    fromPort: port,
                    toPort: port,
                    cidrIpv4: cidr,
                }, parent);
            }
        }

        let dependsOn: pulumi.Resource[] = [];
        let accessLogs: aws.types.input.lb.LoadBalancerAccessLogs | undefined;
        if (args.accessLogs) {
            const created = createAccessLogsBucket(name, {
                prefix: name,
                expireDays: args.accessLogsExpireDays ?? 90,
                retainOnDelete: args.retainAccessLogsOnDelete ?? false,
                tags: args.tags,
            }, this);
            this.accessLogsBucket = created.bucket;
            accessLogs = { bucket: created.bucket.bucket, prefix: name, enabled: true };
            // ELB checks it may write to the bucket when logging is enabled: the policy must exist first.
            dependsOn = [created.policy];
        }

        this.loadBalancer = new aws.lb.LoadBalancer(`${name}-alb`, {
            loadBalancerType: "application",
            internal: false,
            ipAddressType: "ipv4",
            subnets: args.network.publicSubnetIds,
            securityGroups: [this.securityGroup.id],
            // Drop headers that are not valid HTTP (a request-smuggling guard; Security Hub ELB.4).
            dropInvalidHeaderFields: true,
            enableDeletionProtection: args.deletionProtection ?? false,
            idleTimeout: args.idleTimeout ?? 60,
            accessLogs,
            tags: args.tags,
        }, { parent: this, dependsOn });

        let certificateArn: pulumi.Input<string> | undefined = args.https?.certificateArn;
        if (args.https?.domain && args.https.hostedZoneId) {
            const certificate = new aws.acm.Certificate(`${name}-cert`, {
                domainName: args.https.domain,
                validationMethod: "DNS",
                tags: args.tags,
            }, parent);
            const option = certificate.domainValidationOptions.apply((o) => o[0]);
            const validationRecord = new aws.route53.Record(`${name}-cert-validation`, {
                zoneId: args.https.hostedZoneId,
                name: option.resourceRecordName,
                type: option.resourceRecordType,
                records: [option.resourceRecordValue],
                ttl: 60,
                allowOverwrite: true,
            }, parent);
            const validation = new aws.acm.CertificateValidation(`${name}-cert`, {
                certificateArn: certificate.arn,
                validationRecordFqdns: [validationRecord.fqdn],
            }, parent);
            certificateArn = validation.certificateArn;
            this.aliasRecord = new aws.route53.Record(`${name}-alias`, {
                zoneId: args.https.hostedZoneId,
                name: args.https.domain,
                type: "A",
                aliases: [{ name: this.loadBalancer.dnsName, zoneId: this.loadBalancer.zoneId, evaluateTargetHealth: true }],
            }, parent);
        }

        const noRoute = [{ type: "fixed-response", fixedResponse: NO_ROUTE_RESPONSE }];
        this.httpListener = new aws.lb.Listener(`${name}-http`, {
            loadBalancerArn: this.loadBalancer.arn,
            port: 80,
            protocol: "HTTP",
            defaultActions: httpsOn
                ? [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]
                : noRoute,
            tags: args.tags,
        }, parent);
        if (httpsOn) {
            this.httpsListener = new aws.lb.Listener(`${name}-https`, {
                loadBalancerArn: this.loadBalancer.arn,
                port: 443,
                protocol: "HTTPS",
                sslPolicy: args.https!.tlsPolicy ?? TlsPolicy.Tls13And12,
                certificateArn,
                defaultActions: noRoute,
                tags: args.tags,
            }, parent);
        }

        // Test listeners: what the production listener is (protocol, certificate, TLS policy), on another
        // port; only ECS's test rules forward anything there.
        const tests = new Map<number, aws.lb.Listener>();
        for (const port of testPorts) {
            tests.set(port, new aws.lb.Listener(`${name}-test-${port}`, {
                loadBalancerArn: this.loadBalancer.arn,
                port,
                protocol: httpsOn ? "HTTPS" : "HTTP",
                ...(httpsOn ? { sslPolicy: args.https!.tlsPolicy ?? TlsPolicy.Tls13And12, certificateArn } : {}),
                defaultActions: noRoute,
                tags: args.tags,
            }, parent));
        }
        testListeners.set(this, tests);

        const host = args.https?.domain ? pulumi.output(args.https.domain) : this.loadBalancer.dnsName;
        this.url = pulumi.interpolate`${httpsOn ? "https" : "http"}://${host}`;
        this.listenerArn = (this.httpsListener ?? this.httpListener).arn;
        this.securityGroupId = this.securityGroup.id;
        this.arnSuffix = this.loadBalancer.arnSuffix;
        this.dnsName = this.loadBalancer.dnsName;
        if (args.alarms) {
            const a = args.alarms;
            this.alarms.push(createAlarm(`${name}-elb-5xx`, alarmName(a.alerts.namePrefix, name, "loadBalancerErrors"),
                loadBalancerErrorsAlarm(name, resolveSettings("loadBalancerErrors", a.loadBalancerErrors), this.arnSuffix), a.alerts, parent, args.tags));
        }
        this.alarmArns = pulumi.output(this.alarms.map((x) => x.arn));
        this.registerOutputs({ url: this.url, listenerArn: this.listenerArn, securityGroupId: this.securityGroupId, arnSuffix: this.arnSuffix, dnsName: this.dnsName, alarmArns: this.alarmArns });
    }
}
