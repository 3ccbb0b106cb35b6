/**
 * The program: load the stack's config (validated whole, before any resource) and create the
 * environment it describes. Run with `pulumi up --stack dev|prod`.
 */
import * as path from "node:path";
import { Environment } from "fargatekit";
import { loadConfig, PROJECT_DIR } from "./config";
import { refusePlaceholderDeploy } from "./config/deploy-guard";

/**
 * Pulumi calls the exported function and takes its result as the stack outputs. Config is loaded
 * (and refused, with every problem listed) inside it, before the first resource is registered; a
 * deploy (not a preview) of a placeholder domain is refused there too.
 */
export = async () => {
    const loaded = loadConfig();
    refusePlaceholderDeploy(loaded);
    const { project, stack, ...config } = loaded;
    const env = new Environment("env", {
        ...config,
        image: { ...config.image, context: path.resolve(PROJECT_DIR, config.image.context) },
        tags: { project, stack, "managed-by": "pulumi", ...config.tags },
    });
    return {
        url: env.url,
        imageRef: env.imageRef,
        repositoryUrl: env.repositoryUrl,
        clusterName: env.clusterName,
        vpcId: env.vpcId,
        serviceNames: env.serviceNames,
        logGroupNames: env.logGroupNames,
        runTaskCommands: env.runTaskCommands,
        execCommands: env.execCommands,
        queueUrls: env.queueUrls,
        jobRunTaskCommands: env.jobRunTaskCommands,
        jobDeadLetterQueues: env.jobDeadLetterQueues,
        alertsTopicArn: env.alertsTopicArn,
        alarmNames: env.alarmNames,
        dashboardUrl: env.dashboardUrl,
    };
};
