/**
 * fargatekit: Pulumi components for a containerised web app and its jobs on AWS Fargate.
 * Every component is built from @pulumi/aws resources, so previews and mocked tests see every child.
 */
export {
    Environment, EnvironmentArgs, EnvironmentServiceArgs, EnvironmentJobArgs, EnvironmentImageArgs, EnvironmentNetworkArgs,
    EnvironmentRegistryArgs, EnvironmentClusterArgs, EnvironmentLoadBalancerArgs, EnvironmentRouteArgs, EnvironmentQueueArgs,
    ecrRepositoryArn, versionOfRef,
} from "./environment";
export { environmentProblems, servicesInCallOrder } from "./environment-rules";
export { Network, NetworkArgs, NatGateways, ExistingVpcArgs } from "./network";
export { NetworkRef, TaskSubnets, taskPlacement, defaultTaskSubnets } from "./placement";
export {
    FlowLogsArgs, FlowLogDestination, FlowLogTrafficType, FLOW_LOG_DEFAULTS, FLOW_LOG_S3_MAX_DAYS, FLOW_LOG_CLOUDWATCH_DAYS,
    flowLogsProblems, flowLogsTrustPolicy, flowLogsWriteStatements, flowLogsBucketPolicy,
} from "./flow-log-policies";
export { INTERFACE_ENDPOINT_SERVICES, endpointServiceName } from "./vpc-endpoints";
export { Registry, RegistryArgs, lifecyclePolicy } from "./registry";
export { Image, ImageArgs, ImagePlatform, cpuArchitectureOf } from "./image";
export { Cluster, ClusterArgs, ClusterRef, ContainerInsights } from "./cluster";
export {
    FargateTaskDefinition, FargateTaskDefinitionArgs, ContainerHealthCheck, CpuArchitecture, LOG_RETENTION_DAYS,
    HEALTH_CHECK_LIMITS, FARGATE_MAX_STOP_TIMEOUT, taskDefinitionProblems, defaultFamily,
} from "./task-definition";
export { CapacityMode, capacityProviderStrategy, runTaskStrategy } from "./capacity";
export {
    Service, ServiceArgs, Exposure, PublicRouteArgs, InternalServiceRef, serviceProblems, exposureOf, urlVariable, SERVICE_CONNECT_PORT_NAME,
} from "./service";
export {
    LoadBalancer, LoadBalancerArgs, LoadBalancerRef, LoadBalancerNetworkRef, loadBalancerProblems, NO_ROUTE_RESPONSE,
    HttpsArgs, TlsPolicy, TargetHealthCheckArgs, TARGET_HEALTH_CHECK_LIMITS,
} from "./load-balancer";
export { listenerRuleProblems, routeConditions, routePaths, RULE_PRIORITY_RANGE, MAX_CONDITION_VALUES } from "./listener-rules";
export { Queue, QueueArgs, QueueRef, QUEUE_LIMITS, queueProblems, queueConsumerStatements } from "./queue";
export { AutoscalingArgs, backlogPerTaskMetric } from "./autoscaling";
export { LEGACY_WEB_SERVICE_TYPE, legacyWebServiceAliases, legacyWebServiceChildUrn } from "./legacy-urns";
export { FARGATE_MEMORY_BY_CPU, FARGATE_CPU_VALUES, fargateSizeProblem, assertFargateSize } from "./fargate-sizes";
export { parseSecretArn, secretReadStatements, SecretSource, SECRET_ARN_FORMS } from "./secrets";
export { subnetCidr, planSubnets } from "./cidr";
export { sourceHash } from "./source-hash";
export {
    ScheduledTask, ScheduledTaskArgs, ScheduleRetryArgs, OverlapPolicy, scheduledTaskProblems, RETRY_LIMITS,
    FLEXIBLE_WINDOW_MAX_MINUTES, DLQ_RETENTION_SECONDS, SKIP_IF_RUNNING_ENV,
} from "./scheduled-task";
export {
    ScheduleKind, ParsedSchedule, CRON_FIELDS, SCHEDULE_FORMS, scheduleExpressionProblems, parseScheduleExpression, timezoneProblems,
} from "./schedule-expression";
export { schedulerTrustPolicy, schedulerPermissionStatements, listOwnRunsStatement } from "./scheduler-iam";
export { runTaskCommand, executeCommandLine, shellQuote, RunTaskCommandArgs, ExecuteCommandArgs, CapacityProviderItem } from "./run-task-command";
export {
    ReleaseStrategy, ReleaseArgs, RELEASE_LIMITS, RELEASE_DEFAULTS, PRODUCTION_LISTENER_PORTS, releaseProblems, resolvedRelease,
    deploymentConfiguration, shiftsTraffic, strategyOf, shiftMinutes, linearSteps, ECS_LOAD_BALANCER_INFRASTRUCTURE_POLICY,
} from "./release";
export { runningTaskDefinition, rolledBackMessage, familyRevision } from "./deploy-check";
