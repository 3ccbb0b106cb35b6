// A public image behind an Application Load Balancer, run the way its documentation says it runs.
import { Cluster, LoadBalancer, Network, Service } from "fargatekit";

// Two AZs, no NAT gateway: tasks run in the public subnets with a public IP, which is how they pull the image.
const network = new Network("net");
const cluster = new Cluster("apps");
const lb = new LoadBalancer("lb", { network });

// nginxinc/nginx-unprivileged (published to ECR Public): listens on 8080 as uid 101, writes only under /tmp,
// answers / with 200. The root filesystem stays read-only; /tmp is a writable volume. ECS also checks the
// container itself (busybox wget is in the alpine image) and replaces it when it hangs.
new Service("web", {
    cluster, network,
    route: { loadBalancer: lb, priority: 100, healthCheck: { path: "/" } },
    task: {
        image: "public.ecr.aws/nginx/nginx-unprivileged:1.28-alpine", cpu: 256, memory: 512, port: 8080, user: "101", writablePaths: ["/tmp"],
        healthCheck: { command: ["CMD-SHELL", "wget -q -O /dev/null http://localhost:8080/ || exit 1"] },
    },
});

// The official nginx image instead needs root (it binds port 80 and drops to its nginx user), which only an
// explicit, named exception allows; the plan then lists it as an accepted exception with this reason:
//
// task: {
//     image: "public.ecr.aws/nginx/nginx:1.28-alpine", cpu: 256, memory: 512, port: 80,
//     runAsRoot: { reason: "the official nginx image starts as root and drops to its nginx user" },
//     writablePaths: ["/var/cache/nginx", "/var/run"],
// },

export const url = lb.url;
