/**
 * The price table the plan's estimate uses: AWS list prices, region us-east-1 (US East, N. Virginia),
 * on-demand, USD, read from the AWS pricing pages below as of 2025-06. Free tiers are ignored (an
 * estimate for an account that has used them up). Data transfer out to the internet is not included.
 * Every usage figure the estimate cannot read from the graph is an ASSUMPTION below, stated once.
 */
export const PRICES_REGION = "us-east-1";
export const PRICES_DATE = "2025-06";
export const HOURS_PER_MONTH = 730;

export interface Price { usd: number; unit: string; source: string }

const FARGATE = "https://aws.amazon.com/fargate/pricing/";
const VPC = "https://aws.amazon.com/vpc/pricing/";
const CLOUDWATCH = "https://aws.amazon.com/cloudwatch/pricing/";
const PRIVATELINK = "https://aws.amazon.com/privatelink/pricing/";
const SNS = "https://aws.amazon.com/sns/pricing/";

export const PRICES = {
    fargateVcpuHourX86: { usd: 0.04048, unit: "vCPU-hour (Linux/x86)", source: FARGATE },
    fargateGbHourX86: { usd: 0.004445, unit: "GB-hour (Linux/x86)", source: FARGATE },
    fargateVcpuHourArm: { usd: 0.03238, unit: "vCPU-hour (Linux/ARM)", source: FARGATE },
    fargateGbHourArm: { usd: 0.00356, unit: "GB-hour (Linux/ARM)", source: FARGATE },
    albHour: { usd: 0.0225, unit: "ALB-hour", source: "https://aws.amazon.com/elasticloadbalancing/pricing/" },
    albLcuHour: { usd: 0.008, unit: "LCU-hour", source: "https://aws.amazon.com/elasticloadbalancing/pricing/" },
    natHour: { usd: 0.045, unit: "NAT gateway-hour", source: VPC },
    natGb: { usd: 0.045, unit: "GB processed by a NAT gateway", source: VPC },
    publicIpv4Hour: { usd: 0.005, unit: "public IPv4 address-hour (in use or idle)", source: VPC },
    logsIngestGb: { usd: 0.5, unit: "GB ingested (CloudWatch Logs, standard class)", source: CLOUDWATCH },
    logsStoreGbMonth: { usd: 0.03, unit: "GB-month archived (CloudWatch Logs)", source: CLOUDWATCH },
    customMetricMonth: { usd: 0.3, unit: "metric-month (first 10,000 custom metrics)", source: CLOUDWATCH },
    ecrGbMonth: { usd: 0.1, unit: "GB-month stored (ECR)", source: "https://aws.amazon.com/ecr/pricing/" },
    secretMonth: { usd: 0.4, unit: "secret-month (Secrets Manager)", source: "https://aws.amazon.com/secrets-manager/pricing/" },
    sqsMillionRequests: { usd: 0.4, unit: "million requests (SQS standard)", source: "https://aws.amazon.com/sqs/pricing/" },
    schedulerMillionInvocations: { usd: 1.0, unit: "million invocations (EventBridge Scheduler)", source: "https://aws.amazon.com/eventbridge/pricing/" },
    s3GbMonth: { usd: 0.023, unit: "GB-month (S3 Standard, first 50 TB)", source: "https://aws.amazon.com/s3/pricing/" },
    // VPC flow logs are "vended logs": a delivery charge per GB, first 10 TB tier (CloudWatch pricing,
    // Logs tab), then the destination's storage (logsStoreGbMonth or s3GbMonth).
    vendedLogsToCloudWatchGb: { usd: 0.5, unit: "GB of vended logs delivered to CloudWatch Logs", source: CLOUDWATCH },
    vendedLogsToS3Gb: { usd: 0.25, unit: "GB of vended logs delivered to S3", source: CLOUDWATCH },
    gatewayEndpointHour: { usd: 0, unit: "gateway VPC endpoint (S3, DynamoDB): no charge", source: "https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html" },
    interfaceEndpointAzHour: { usd: 0.01, unit: "interface VPC endpoint-hour per AZ", source: PRIVATELINK },
    interfaceEndpointGb: { usd: 0.01, unit: "GB processed by interface endpoints (first PB)", source: PRIVATELINK },
    // Alarms are billed per "alarm metric": a single-metric alarm is one, a metric math alarm one per
    // metric its expression reads (CloudWatch pricing, Alarms). Percentile statistics cost the same.
    alarmMetricMonth: { usd: 0.1, unit: "alarm metric-month, standard resolution (period ≥ 60 s)", source: CLOUDWATCH },
    highResolutionAlarmMetricMonth: { usd: 0.3, unit: "alarm metric-month, high resolution (period 10, 20 or 30 s)", source: CLOUDWATCH },
    dashboardMonth: { usd: 3.0, unit: "dashboard-month (the free tier's 3 dashboards ignored)", source: CLOUDWATCH },
    kmsKeyMonth: { usd: 1.0, unit: "customer managed KMS key-month", source: "https://aws.amazon.com/kms/pricing/" },
    kmsTenThousandRequests: { usd: 0.03, unit: "10,000 KMS requests (symmetric)", source: "https://aws.amazon.com/kms/pricing/" },
    snsMillionPublishes: { usd: 0.5, unit: "million SNS publishes (standard topic)", source: SNS },
    snsHundredThousandEmails: { usd: 2.0, unit: "100,000 e-mail notifications", source: SNS },
    snsMillionHttps: { usd: 0.6, unit: "million HTTP/S notifications", source: SNS },
    eventBridgeAwsServiceEvent: { usd: 0, unit: "AWS service events matched on the default bus: no charge", source: "https://aws.amazon.com/eventbridge/pricing/" },
} as const satisfies Record<string, Price>;

/** What the graph cannot tell: stated usage assumptions. */
export const ASSUMPTIONS = {
    /**
     * Fargate Spot's price varies by hour and AZ; AWS advertises "up to 70%" off on-demand. Assumed:
     * exactly 70% off (Spot = 0.30 × on-demand).
     */
    spotFactor: 0.3,
    /** Average Load Balancer Capacity Units per hour (one LCU: 25 new connections/s, 3,000 active/min, 1 GB/h, 1,000 rule evaluations/s). */
    albLcus: 1,
    /** GB per month each NAT gateway processes (image pulls, logs, secrets, the app's outbound calls). */
    natGbPerMonth: 10,
    /**
     * Of natGbPerMonth, the GB that are ECR image layers, which ECR serves from S3: an S3 gateway
     * endpoint on the private route tables takes them off the NAT gateway (and its processing charge).
     * About 30 task starts per NAT gateway a month (deploys, scaling, job runs) × a 0.15 GB image.
     */
    natGbImageLayers: 4.5,
    /**
     * Flow-log volume per VPC and month by traffic type. ALL: ~40 M records of ~125 bytes (each ALB
     * health check every 10 s from every ALB node to every task is a new flow, plus client, NAT and
     * AWS-API flows, each recorded at both ends). REJECT: scanners probing public addresses and
     * blocked attempts, about a tenth of ALL.
     */
    flowLogGbPerMonth: { ALL: 5, REJECT: 0.5, ACCEPT: 4.5 } as Record<string, number>,
    /** GB per month each interface endpoint processes (ECR API calls, manifests, log events). */
    interfaceEndpointGbPerMonth: 1,
    /** GB of logs per month each running service task writes; each scheduled job run writes `jobLogGbPerRun`. */
    logGbPerTaskMonth: 0.5,
    jobLogGbPerRun: 0.0005,
    /**
     * Container Insights (standard): billed as custom metrics plus performance-log ingestion. Assumed
     * 10 metrics per cluster and 10 per service or task family, and 0.1 GB of performance events per
     * running task per month.
     */
    insightsMetricsPerCluster: 10,
    insightsMetricsPerFamily: 10,
    insightsGbPerTaskMonth: 0.1,
    /** ECR: a first image of 0.15 GB, then 0.05 GB of unique layers per further kept image (base layers are shared). */
    ecrFirstImageGb: 0.15,
    ecrGbPerExtraImage: 0.05,
    /** Scheduled job runs: minutes per run (Fargate bills per second, 1-minute minimum). */
    jobMinutesPerRun: 2,
    /** SQS requests per queue per month (a dead-letter queue sees almost none). */
    sqsRequestsPerMonth: 10_000,
    /** GB of ALB access logs kept in S3 (steady state under the expiry rule). */
    accessLogGbStored: 5,
    /** Messages published to an alerts topic a month (alarm state changes, failed job runs), each delivered to every subscriber. */
    alertMessagesPerMonth: 200,
    /** KMS requests a month for an alerts topic's key (SNS asks for a data key per publisher, reused for a few minutes). */
    alertKeyRequestsPerMonth: 2_000,
} as const;
