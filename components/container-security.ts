/**
 * How a container may deviate from the secure defaults for an image we did not build: its user, the
 * paths it writes (volumes, and the setup container that makes them writable for a non-root user),
 * and the two named exceptions (root, a writable root filesystem). Pure: argument checks and the
 * shapes that go into the task definition, no Pulumi resources.
 */
import { ExceptionRule, exceptionReasonProblem, exceptionTagKey, SecurityExceptionArgs } from "./exceptions";

/**
 * The image of the init container that makes `writablePaths` writable for a non-root user: busybox,
 * a Docker Official Image, from ECR Public (no Docker Hub pull limits, no credentials needed).
 */
export const WRITABLE_PATHS_INIT_IMAGE = "public.ecr.aws/docker/library/busybox:1.37";
/** The init container's name (the app's container waits for it to exit 0). */
export const WRITABLE_PATHS_INIT_CONTAINER = "writable-paths";
/** True for a `user` value that is root (uid 0 or the name root, with or without a group). */
export const isRootUser = (user: string) => /^(0|root)(:|$)/.test(user);

/** The task-definition arguments this module reads (see FargateTaskDefinitionArgs for their meaning). */
export interface ContainerSecurityArgs {
    user?: string;
    runAsRoot?: SecurityExceptionArgs;
    writableRootFilesystem?: SecurityExceptionArgs;
    readonlyRootFilesystem?: boolean;
    writablePaths?: string[];
    writablePathsInitImage?: string;
    scratchPath?: string;
}

/** Every problem with the user, the exceptions and the writable paths (empty when valid). */
export function containerSecurityProblems(args: ContainerSecurityArgs): string[] {
    const problems: string[] = [];
    if (args.user !== undefined && (typeof args.user !== "string" || !/^[A-Za-z0-9_.-]{1,64}(:[A-Za-z0-9_.-]{1,64})?$/.test(args.user))) {
        problems.push(`user: got ${JSON.stringify(args.user)}; allowed: uid, uid:gid, user or user:group (ECS ContainerDefinition user)`);
    } else if (args.runAsRoot === undefined && args.user !== undefined && isRootUser(args.user)) {
        problems.push(`user: got "${args.user}"; containers never run as root unless runAsRoot: { reason } says why (the plan then shows it as an accepted exception)`);
    } else if (args.runAsRoot !== undefined && args.user !== undefined && !isRootUser(args.user)) {
        problems.push(`runAsRoot: given, but user is "${args.user}" (not root); drop runAsRoot to run as that user, or set user to "0"`);
    }
    for (const [key, exception] of [["runAsRoot", args.runAsRoot], ["writableRootFilesystem", args.writableRootFilesystem]] as const) {
        const problem = exceptionReasonProblem(key, exception);
        if (problem) problems.push(problem);
    }
    if (args.writableRootFilesystem !== undefined && args.readonlyRootFilesystem === true) {
        problems.push("writableRootFilesystem: given, but readonlyRootFilesystem is true; keep one");
    }
    if (args.writablePaths === undefined) return problems;
    if (args.scratchPath !== undefined) problems.push(`scratchPath: got "${args.scratchPath}" with writablePaths; give one (list the scratch path in writablePaths)`);
    if (!Array.isArray(args.writablePaths) || args.writablePaths.length === 0) {
        problems.push("writablePaths: got an empty list; list at least one path, or omit it for a scratch volume at /tmp");
        return problems;
    }
    const seen = new Set<string>();
    args.writablePaths.forEach((p, i) => {
        const normal = typeof p === "string" && /^(\/[^/\0]+)+$/.test(p) && !p.split("/").some((part) => part === "." || part === "..");
        if (!normal) problems.push(`writablePaths[${i}]: got ${JSON.stringify(p)}; allowed: an absolute path without trailing "/", "." or ".." such as "/var/cache/nginx" (not "/")`);
        else if (seen.has(p)) problems.push(`writablePaths[${i}]: "${p}" is listed twice`);
        seen.add(p);
    });
    return problems;
}

/** What the task definition gets for the writable paths and the exceptions of `args`, run as `user`. */
export interface WritableLayout {
    /** Task volumes: bind mounts in the task's ephemeral storage (no host path). */
    volumes: { name: string }[];
    /** The app container's mount points. */
    mountPoints: { sourceVolume: string; containerPath: string; readOnly: boolean }[];
    /** The app container's dependency on the setup container, when there is one. */
    dependsOn?: { containerName: string; condition: string }[];
    /** The setup container's definition (given the log configuration to use), when one is needed. */
    setupContainer?: (logConfiguration: object) => Record<string, unknown>;
    /** Task-definition tags recording the named exceptions (`fargatekit:exception:<rule>` = reason). */
    exceptionTags: Record<string, string>;
}

export function writableLayout(args: ContainerSecurityArgs, user: string): WritableLayout {
    // The scratch volume of our own images, or one per path an image writes to.
    const writable = args.writablePaths
        ? args.writablePaths.map((path, i) => ({ volume: `writable-${i}`, path }))
        : [{ volume: "scratch", path: args.scratchPath ?? "/tmp" }];
    const mountPoints = writable.map((w) => ({ sourceVolume: w.volume, containerPath: w.path, readOnly: false }));
    const exceptionTags: Record<string, string> = {};
    if (args.runAsRoot) exceptionTags[exceptionTagKey(ExceptionRule.NonRoot)] = args.runAsRoot.reason;
    if (args.writableRootFilesystem) exceptionTags[exceptionTagKey(ExceptionRule.ReadonlyRoot)] = args.writableRootFilesystem.reason;
    const layout: WritableLayout = { volumes: writable.map((w) => ({ name: w.volume })), mountPoints, exceptionTags };
    if (args.writablePaths === undefined || isRootUser(user)) return layout;
    // Fargate creates each bind-mount volume as a root-owned directory only root may write to (mode
    // 755; aws/containers-roadmap#938), so a non-root app could not use it. The setup container runs
    // as root with every Linux capability dropped (chmod of a directory root owns needs none), opens
    // the volumes to the task's users like /tmp (1777: anyone may create, only the owner may delete)
    // and exits; it is not essential and serves nothing. The app starts only once it exited 0 (ECS
    // ContainerDependency SUCCESS; Fargate platform 1.3.0 and later).
    layout.dependsOn = [{ containerName: WRITABLE_PATHS_INIT_CONTAINER, condition: "SUCCESS" }];
    layout.setupContainer = (logConfiguration) => ({
        name: WRITABLE_PATHS_INIT_CONTAINER,
        image: args.writablePathsInitImage ?? WRITABLE_PATHS_INIT_IMAGE,
        essential: false,
        command: ["chmod", "1777", ...writable.map((w) => w.path)],
        user: "0",
        readonlyRootFilesystem: true,
        mountPoints,
        linuxParameters: { capabilities: { drop: ["ALL"] } },
        logConfiguration,
    });
    return layout;
}
