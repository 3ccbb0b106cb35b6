/**
 * fargatekit: Pulumi components for a containerised web app and its jobs on AWS Fargate.
 * Every component is built from @pulumi/aws resources, so previews and mocked tests see every child.
 */
export {
    Environment, EnvironmentArgs, EnvironmentServiceArgs, EnvironmentJobArgs, EnvironmentImageArgs, EnvironmentNetworkArgs,
    EnvironmentRegistryArgs, EnvironmentClusterArgs, EnvironmentLoadBalancerArgs, EnvironmentRouteArgs, EnvironmentQueueArgs,
    EnvironmentAlertsArgs, EnvironmentServiceAlarmsArgs, ecrRepositoryArn, versionOfRef,
} from "./environment";
export { alertsNamePrefix, environmentAlertsProblems, serviceAlarmKinds, serviceThresholds } from "./environment-alerts";
export { Alerts, AlertsArgs, AlertsRef, alertsProblems, createAlarm, EMAIL_ADDRESS, HTTPS_ENDPOINT, ALERTS_NAME_PREFIX, NO_SUBSCRIPTION_WARNING } from "./alerts";
export {
    AlarmSettings, AlarmThresholds, AlarmKind, AlarmSpec, ALARM_KINDS, ALARM_KIND_NAMES, PUBLIC_SERVICE_ALARMS, SERVICE_ALARMS, QUEUE_ALARMS, LOAD_BALANCER_ALARMS,
    JOB_ALARMS, MIN_REQUESTS_FOR_RATE, alarmName, alarmSettingsProblems, resolveSettings, thresholdsProblems,
} from "./alarm-catalog";
export { ALARM_LIMITS, AlarmTiming, alarmTimingProblems, periodProblem, isHighResolution, metricAlarmProblems, alarmPeriod, MetricAlarmProps } from "./alarm-limits";
export { topicPolicyStatements, alertsKeyPolicyStatements } from "./alerts-policies";
export { dashboardBody, DashboardModel, ALARMS_PER_WIDGET, DASHBOARD_NAME } from "./dashboard";
export { jobFailurePattern, jobStoppedPattern, jobFailureNotification, familyArnPrefix, EVENT_RULE_NAME, INPUT_TRANSFORMER_LIMITS } from "./job-alerts";
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
    WRITABLE_PATHS_INIT_IMAGE, WRITABLE_PATHS_INIT_CONTAINER, isRootUser,
} from "./task-definition";
export {
    SecurityExceptionArgs, ExceptionRule, EXCEPTION_TAG_PREFIX, TAG_VALUE_PATTERN, exceptionTagKey, exceptionReason, exceptionReasonProblem,
} from "./exceptions";
export { CapacityMode, capacityProviderStrategy, runTaskStrategy } from "./capacity";
export {
    Service, ServiceArgs, ServiceAlarmsArgs, Exposure, PublicRouteArgs, InternalServiceRef, serviceProblems, exposureOf, urlVariable, SERVICE_CONNECT_PORT_NAME,
} from "./service";
export {
    LoadBalancer, LoadBalancerArgs, LoadBalancerAlarmsArgs, LoadBalancerRef, LoadBalancerNetworkRef, loadBalancerProblems, NO_ROUTE_RESPONSE,
    HttpsArgs, TlsPolicy, TargetHealthCheckArgs, TARGET_HEALTH_CHECK_LIMITS,
} from "./load-balancer";
export { listenerRuleProblems, routeConditions, routePaths, RULE_PRIORITY_RANGE, MAX_CONDITION_VALUES } from "./listener-rules";
export { Queue, QueueArgs, QueueAlarmsArgs, QueueRef, QUEUE_LIMITS, queueProblems, queueConsumerStatements } from "./queue";
export { AutoscalingArgs, backlogPerTaskMetric } from "./autoscaling";
export { LEGACY_WEB_SERVICE_TYPE, legacyWebServiceAliases, legacyWebServiceChildUrn } from "./legacy-urns";
export { FARGATE_MEMORY_BY_CPU, FARGATE_CPU_VALUES, fargateSizeProblem, assertFargateSize } from "./fargate-sizes";
export {
    parseSecretArn, secretReadStatements, SecretSource, SECRET_ARN_FORMS, parseKmsKeyArn, kmsKeyProblems, kmsDecryptStatements, KMS_KEY_ARN_FORM,
} from "./secrets";
export { subnetCidr, planSubnets } from "./cidr";
export { sourceHash, imageTag, ImageTagInputs, contextEntries, ContextEntry, ignoreFileFor } from "./source-hash";
export { readDockerignore, DockerignoreMatcher } from "./dockerignore";
export { RELEASE_TAG_PREFIX, LEGACY_RELEASE_TAG_PREFIX, BUILD_CACHE_TAG, cacheTagProblems } from "./image-tags";
export {
    ScheduledTask, ScheduledTaskArgs, ScheduledTaskAlarmsArgs, jobRuleNames, ScheduleRetryArgs, OverlapPolicy, scheduledTaskProblems, RETRY_LIMITS,
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
