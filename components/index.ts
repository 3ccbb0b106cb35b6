/**
 * fargatekit: Pulumi components for a containerised web app and its jobs on AWS Fargate.
 * Every component is built from @pulumi/aws resources, so previews and mocked tests see every child.
 */
export { Network, NetworkArgs, NatGateways, ExistingVpcArgs } from "./network";
export { Registry, RegistryArgs, lifecyclePolicy } from "./registry";
export { Image, ImageArgs, ImagePlatform, cpuArchitectureOf } from "./image";
export { Cluster, ClusterArgs, ContainerInsights } from "./cluster";
export {
    FargateTaskDefinition, FargateTaskDefinitionArgs, ContainerHealthCheck, CpuArchitecture, LOG_RETENTION_DAYS,
    HEALTH_CHECK_LIMITS, FARGATE_MAX_STOP_TIMEOUT, taskDefinitionProblems, defaultFamily,
} from "./task-definition";
export { WebService, WebServiceArgs, WebServiceTaskArgs, CapacityMode, capacityProviderStrategy, webServiceProblems } from "./web-service";
export { HttpsArgs, TlsPolicy, TargetHealthCheckArgs, LoadBalancerArgs, TARGET_HEALTH_CHECK_LIMITS } from "./load-balancer";
export { AutoscalingArgs } from "./autoscaling";
export { FARGATE_MEMORY_BY_CPU, FARGATE_CPU_VALUES, fargateSizeProblem, assertFargateSize } from "./fargate-sizes";
export {
    parseSecretArn, secretReadStatements, SecretSource, SECRET_ARN_FORMS, parseKmsKeyArn, kmsKeyProblems, kmsDecryptStatements, KMS_KEY_ARN_FORM,
} from "./secrets";
export { subnetCidr, planSubnets } from "./cidr";
export { sourceHash, imageTag, ImageTagInputs, contextEntries, ContextEntry, ignoreFileFor } from "./source-hash";
export { readDockerignore, DockerignoreMatcher } from "./dockerignore";
export { RELEASE_TAG_PREFIX, LEGACY_RELEASE_TAG_PREFIX, BUILD_CACHE_TAG, cacheTagProblems } from "./image-tags";
export {
    ScheduledTask, ScheduledTaskArgs, ScheduleRetryArgs, OverlapPolicy, scheduledTaskProblems, RETRY_LIMITS,
    FLEXIBLE_WINDOW_MAX_MINUTES, DLQ_RETENTION_SECONDS, SKIP_IF_RUNNING_ENV,
} from "./scheduled-task";
export {
    ScheduleKind, ParsedSchedule, CRON_FIELDS, SCHEDULE_FORMS, scheduleExpressionProblems, parseScheduleExpression, timezoneProblems,
} from "./schedule-expression";
export { schedulerTrustPolicy, schedulerPermissionStatements, listOwnRunsStatement } from "./scheduler-iam";
export { runTaskCommand, executeCommandLine, shellQuote, RunTaskCommandArgs, ExecuteCommandArgs, CapacityProviderItem } from "./run-task-command";
