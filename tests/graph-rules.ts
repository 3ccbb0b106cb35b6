/**
 * AWS rules that decide whether what a program registers would actually run, as predicates over a
 * resource graph: the committed stacks (tests/aws-rules.spec.ts) and the recipes in
 * components/examples (tests/package-examples.spec.ts) are held to the same ones. Each returns the
 * problems it finds (empty when the graph passes), so a spec can show it failing on a broken graph.
 */
import type { ImageFacts } from "./image-facts";

/** One registered resource: what the program passed and what the (mocked) provider returned. */
export interface GraphResource {
    type: string;
    name: string;
    id: string;
    inputs: Record<string, any>;
    state: Record<string, any>;
}

export const T = {
    service: "aws:ecs/service:Service",
    taskDef: "aws:ecs/taskDefinition:TaskDefinition",
    schedule: "aws:scheduler/schedule:Schedule",
    subnet: "aws:ec2/subnet:Subnet",
    routeTable: "aws:ec2/routeTable:RouteTable",
    route: "aws:ec2/route:Route",
    association: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    igw: "aws:ec2/internetGateway:InternetGateway",
    nat: "aws:ec2/natGateway:NatGateway",
    endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    lb: "aws:lb/loadBalancer:LoadBalancer",
    tg: "aws:lb/targetGroup:TargetGroup",
    listener: "aws:lb/listener:Listener",
    rule: "aws:lb/listenerRule:ListenerRule",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
} as const;

const asArray = <X>(v: X | X[] | undefined | null): X[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
const ofType = (g: GraphResource[], type: string) => g.filter((r) => r.type === type);
const byId = (g: GraphResource[], id: unknown) => g.find((r) => r.id === id);
const byArn = (g: GraphResource[], arn: unknown) => g.find((r) => r.state.arn === arn || (r.type === T.taskDef && r.state.arnWithoutRevision === arn));
export const containersOf = (td: GraphResource): Record<string, any>[] => JSON.parse(td.inputs.containerDefinitions);
/** A private ECR image reference: `<account>.dkr.ecr.<region>.amazonaws.com/<repo>…`. */
const ECR_IMAGE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)/;

/** Where each ECS task runs: services and schedules, with their task definition and network configuration. */
function taskPlacements(g: GraphResource[]) {
    return [
        ...ofType(g, T.service).map((s) => ({ who: `service ${s.name}`, td: byArn(g, s.inputs.taskDefinition), net: s.inputs.networkConfiguration ?? {} })),
        ...ofType(g, T.schedule).map((s) => ({ who: `schedule ${s.name}`, td: byArn(g, s.inputs.target?.ecsParameters?.taskDefinitionArn), net: s.inputs.target?.ecsParameters?.networkConfiguration ?? {} })),
    ];
}

/** The default route (0.0.0.0/0) targets of a subnet: through its associated route table. */
function defaultRoutes(g: GraphResource[], subnetId: string): Record<string, any>[] {
    const assoc = ofType(g, T.association).find((a) => a.inputs.subnetId === subnetId);
    const table = assoc && byId(g, assoc.inputs.routeTableId);
    if (!table) return [];
    const inline = asArray<Record<string, any>>(table.inputs.routes);
    const separate = ofType(g, T.route).filter((r) => r.inputs.routeTableId === table.id).map((r) => r.inputs);
    return [...inline, ...separate].filter((r) => r.cidrBlock === "0.0.0.0/0");
}
const routesToInternetGateway = (g: GraphResource[], subnetId: string) => defaultRoutes(g, subnetId).some((r) => byId(g, r.gatewayId)?.type === T.igw);
/** A NAT gateway only gives egress if it sits in a subnet routed to an internet gateway. */
const routesToNat = (g: GraphResource[], subnetId: string) => defaultRoutes(g, subnetId).some((r) => {
    const nat = byId(g, r.natGatewayId);
    return nat?.type === T.nat && routesToInternetGateway(g, nat.inputs.subnetId);
});

/**
 * Every task can pull its images. Network: a task in a public subnet needs a public IP, one in a
 * private subnet a NAT gateway (ECS developer guide, "Amazon ECS task networking options for
 * Fargate": without a route to the internet, or VPC endpoints, the image pull fails with
 * CannotPullContainerError). Permission: an image in private ECR needs ecr:GetAuthorizationToken and
 * the pull actions on its repository in the execution role (ECS developer guide, "Amazon ECS task
 * execution IAM role"); public registries need none.
 */
export function imagePullProblems(g: GraphResource[]): string[] {
    const problems: string[] = [];
    for (const { who, td, net } of taskPlacements(g)) {
        if (!td) { problems.push(`${who}: its task definition is not in the graph`); continue; }
        const subnets = asArray<string>(net.subnets);
        if (subnets.length === 0) problems.push(`${who}: no subnets`);
        for (const id of subnets) {
            const subnet = byId(g, id);
            if (!subnet || subnet.type !== T.subnet) { problems.push(`${who}: subnet ${id} is not in the graph`); continue; }
            const igw = routesToInternetGateway(g, id);
            const out = (igw && net.assignPublicIp === true) || routesToNat(g, id);
            if (!out) problems.push(`${who}: tasks in ${subnet.name} cannot pull their image: ${igw ? "a public subnet, but no public IP (assignPublicIp)" : "no route to a NAT gateway"}`);
        }
        const execRole = byArn(g, td.inputs.executionRoleArn);
        const statements = ofType(g, T.rolePolicy).filter((p) => execRole && (p.inputs.role === execRole.id || p.inputs.role === execRole.state.name))
            .flatMap((p) => asArray<Record<string, any>>(JSON.parse(p.inputs.policy).Statement)).filter((s) => s.Effect === "Allow");
        const allows = (action: string, resource: string) => statements.some((s) => asArray<string>(s.Action).includes(action) && asArray<string>(s.Resource).some((r) => r === "*" || r === resource));
        for (const c of containersOf(td)) {
            const m = ECR_IMAGE.exec(String(c.image));
            if (!m) continue;
            const repo = `arn:aws:ecr:${m[2]}:${m[1]}:repository/${m[3]}`;
            const missing = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"].filter((a) => !allows(a, repo));
            if (!allows("ecr:GetAuthorizationToken", "*")) missing.push("ecr:GetAuthorizationToken");
            if (missing.length > 0) problems.push(`${who}: the execution role of ${td.name} may not ${missing.join(", ")} for ${c.name}'s image in ${repo}`);
        }
    }
    return problems;
}

/** Whether an ELB matcher ("200", "200,204", "200-299") accepts `code`. */
function matcherAccepts(matcher: string, code: number): boolean {
    return String(matcher ?? "200").split(",").some((part) => {
        const [lo, hi] = part.split("-").map(Number);
        return hi === undefined ? code === lo : code >= lo && code <= hi;
    });
}

/**
 * Every public service's target group checks a path its image answers 200 on, on the port the image
 * listens on (ELB user guide, "Health checks for Application Load Balancer target groups": a target
 * is healthy only when it answers the path with a code the matcher accepts; an unhealthy target
 * never gets traffic and ECS's circuit breaker rolls the deployment back).
 */
export function healthCheckProblems(g: GraphResource[], factsOf: (image: string) => ImageFacts | undefined): string[] {
    const problems: string[] = [];
    for (const svc of ofType(g, T.service)) {
        const td = byArn(g, svc.inputs.taskDefinition);
        for (const lb of asArray<Record<string, any>>(svc.inputs.loadBalancers)) {
            const tg = byArn(g, lb.targetGroupArn);
            const c = td && containersOf(td).find((x) => x.name === lb.containerName);
            if (!tg || !c) { problems.push(`service ${svc.name}: target group or container ${lb.containerName} missing`); continue; }
            const facts = factsOf(String(c.image));
            if (!facts) { problems.push(`service ${svc.name}: nothing known about image ${c.image}; add its facts to tests/image-facts.ts`); continue; }
            const hc = tg.inputs.healthCheck ?? {};
            if (!(facts.paths ?? []).includes(hc.path)) problems.push(`service ${svc.name}: health check path ${hc.path} is not one ${c.image} answers 200 on (${(facts.paths ?? []).join(", ") || "none"})`);
            if (!matcherAccepts(hc.matcher, 200)) problems.push(`service ${svc.name}: health check matcher ${hc.matcher} does not accept 200`);
            if (facts.port !== undefined && lb.containerPort !== facts.port) problems.push(`service ${svc.name}: the load balancer sends to port ${lb.containerPort}, but ${c.image} listens on ${facts.port}`);
            if (hc.port !== undefined && hc.port !== "traffic-port" && Number(hc.port) !== facts.port) problems.push(`service ${svc.name}: health checks go to port ${hc.port}, not ${facts.port}`);
        }
    }
    return problems;
}

/**
 * Every Application Load Balancer has subnets in at least two AZs, each routed to an internet
 * gateway (ELB user guide: an ALB needs subnets from at least two Availability Zones; an
 * internet-facing one needs public subnets to be reachable).
 */
export function loadBalancerAzProblems(g: GraphResource[]): string[] {
    const problems: string[] = [];
    for (const lb of ofType(g, T.lb)) {
        const subnets = asArray<string>(lb.inputs.subnets).map((id) => byId(g, id));
        if (subnets.some((s) => !s)) { problems.push(`load balancer ${lb.name}: a subnet is not in the graph`); continue; }
        const azs = new Set(subnets.map((s) => s!.inputs.availabilityZone));
        if (azs.size < 2) problems.push(`load balancer ${lb.name}: subnets in ${azs.size} AZ(s) (${[...azs].join(", ")}); an ALB needs at least 2`);
        if (lb.inputs.internal !== true) for (const s of subnets) if (!routesToInternetGateway(g, s!.id)) problems.push(`load balancer ${lb.name}: subnet ${s!.name} has no route to an internet gateway`);
    }
    return problems;
}

/**
 * Each public service is reachable from the internet through its load balancer, on its port:
 * listeners open to the internet on the ALB's group, a rule (or default action) forwarding to the
 * service's target group, the target group and the container on the same port, the ALB's group
 * allowed out to the tasks' group and the tasks' group allowing the ALB's in on that port (ELB user
 * guide, "Security groups for your Application Load Balancer").
 */
export function publicReachProblems(g: GraphResource[]): string[] {
    const problems: string[] = [];
    const ingress = ofType(g, T.ingress);
    const egress = ofType(g, T.egress);
    const allowsPort = (r: GraphResource, port: number) => r.inputs.ipProtocol === "-1" || (r.inputs.fromPort <= port && port <= r.inputs.toPort);
    for (const svc of ofType(g, T.service)) {
        const td = byArn(g, svc.inputs.taskDefinition);
        const taskSgs = asArray<string>(svc.inputs.networkConfiguration?.securityGroups);
        for (const ref of asArray<Record<string, any>>(svc.inputs.loadBalancers)) {
            const port = ref.containerPort;
            const tg = byArn(g, ref.targetGroupArn);
            const c = td && containersOf(td).find((x) => x.name === ref.containerName);
            if (!c || !asArray<any>(c.portMappings).some((m) => m.containerPort === port)) problems.push(`service ${svc.name}: container ${ref.containerName} does not map port ${port}`);
            if (!tg) { problems.push(`service ${svc.name}: target group not in the graph`); continue; }
            if (tg.inputs.port !== port) problems.push(`service ${svc.name}: target group port ${tg.inputs.port} ≠ container port ${port}`);
            const forwards = (actions: any[]) => asArray<any>(actions).some((a) => a.type === "forward" && (a.targetGroupArn === tg.state.arn || asArray<any>(a.forward?.targetGroups).some((t) => t.arn === tg.state.arn)));
            const listener = [...ofType(g, T.rule).filter((r) => forwards(r.inputs.actions)).map((r) => byArn(g, r.inputs.listenerArn)), ...ofType(g, T.listener).filter((l) => forwards(l.inputs.defaultActions))][0];
            if (!listener) { problems.push(`service ${svc.name}: no listener rule forwards to its target group`); continue; }
            const alb = byArn(g, listener.inputs.loadBalancerArn);
            if (!alb) { problems.push(`service ${svc.name}: its listener's load balancer is not in the graph`); continue; }
            const albSgs = asArray<string>(alb.inputs.securityGroups);
            if (!ingress.some((r) => albSgs.includes(r.inputs.securityGroupId) && r.inputs.cidrIpv4 === "0.0.0.0/0" && allowsPort(r, listener.inputs.port))) {
                problems.push(`service ${svc.name}: the load balancer's security group does not admit the internet on listener port ${listener.inputs.port}`);
            }
            if (!ingress.some((r) => taskSgs.includes(r.inputs.securityGroupId) && albSgs.includes(r.inputs.referencedSecurityGroupId) && allowsPort(r, port))) {
                problems.push(`service ${svc.name}: its tasks' security group does not admit the load balancer's on ${port}`);
            }
            if (!egress.some((r) => albSgs.includes(r.inputs.securityGroupId) && (taskSgs.includes(r.inputs.referencedSecurityGroupId) || r.inputs.cidrIpv4 === "0.0.0.0/0") && allowsPort(r, port))) {
                problems.push(`service ${svc.name}: the load balancer's security group may not send to its tasks on ${port}`);
            }
        }
    }
    return problems;
}

/** The program a container health check starts: CMD's first argument, or CMD-SHELL's first word. */
function healthCheckProgram(command: string[]): string | undefined {
    if (command[0] === "CMD") return command[1];
    if (command[0] === "CMD-SHELL") return command[1]?.trim().split(/\s+/)[0];
    return undefined;
}

/**
 * Every container runs as its image needs: as the user the image is built for (or root only when it
 * needs root), listening on the image's port, and able to write each path the image writes — a
 * writable volume there, or a writable root. Fargate creates bind-mount volumes owned by root and
 * writable by root alone (aws/containers-roadmap#938), so a non-root container's volume must be
 * opened first by a container it waits for (ECS ContainerDependency SUCCESS).
 */
export function imageRunProblems(g: GraphResource[], factsOf: (image: string) => ImageFacts | undefined): string[] {
    const problems: string[] = [];
    for (const td of ofType(g, T.taskDef)) {
        const all = containersOf(td);
        for (const c of all.filter((x) => x.essential !== false)) {
            const facts = factsOf(String(c.image));
            const who = `${td.name}/${c.name} (${c.image})`;
            if (!facts) { problems.push(`${who}: nothing known about the image; add its facts to tests/image-facts.ts`); continue; }
            const uid = String(c.user ?? "").split(":")[0];
            const root = uid === "0" || uid === "root";
            if (facts.user === "root" && !root) problems.push(`${who}: the image needs root, but runs as ${c.user}`);
            if (facts.user !== "root" && facts.user !== "any" && uid !== facts.user) problems.push(`${who}: the image is built to run as uid ${facts.user}, but runs as ${c.user}`);
            for (const m of asArray<any>(c.portMappings)) if (facts.port !== undefined && m.containerPort !== facts.port) problems.push(`${who}: maps port ${m.containerPort}, but the image listens on ${facts.port}`);
            // What a command or health check starts must exist in the image (else the task or check fails at once).
            const started = [asArray<string>(c.command)[0], ...(c.healthCheck ? [healthCheckProgram(c.healthCheck.command)] : [])].filter((x): x is string => !!x);
            for (const program of started) if (facts.tools && !facts.tools.includes(program)) problems.push(`${who}: starts "${program}", which the image does not have (${facts.tools.join(", ")})`);
            for (const path of facts.writes) {
                if (c.readonlyRootFilesystem !== true) continue;
                const mount = asArray<any>(c.mountPoints).find((mp) => mp.readOnly === false && (path === mp.containerPath || path.startsWith(`${mp.containerPath}/`)));
                if (!mount) { problems.push(`${who}: the image writes ${path}, but the root is read-only and no writable volume is mounted there`); continue; }
                if (root) continue;
                const opener = all.find((x) => x.essential === false && asArray<string>(x.command).includes(mount.containerPath)
                    && asArray<any>(x.mountPoints).some((mp) => mp.sourceVolume === mount.sourceVolume && mp.readOnly === false));
                const waits = opener && asArray<any>(c.dependsOn).some((d) => d.containerName === opener.name && d.condition === "SUCCESS");
                if (!waits) problems.push(`${who}: the volume at ${mount.containerPath} is root-owned on Fargate and uid ${uid} cannot write it; nothing opens it first`);
            }
        }
    }
    return problems;
}
