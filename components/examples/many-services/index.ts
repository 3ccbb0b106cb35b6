// A public service that calls an internal one by name through ECS Service Connect (http://api:8080):
// one network, one cluster, one load balancer.
import { Cluster, Exposure, LoadBalancer, Network, Service } from "fargatekit";

const network = new Network("net");
const cluster = new Cluster("apps"); // with an HTTP namespace for Service Connect
const lb = new LoadBalancer("lb", { network });

// Replace the images with yours; these nginx ones listen on 8080 as uid 101 and write only under /tmp.
// Each task also runs the Service Connect proxy, hence 512 CPU units and 1 GiB.
const nginx = {
    image: "public.ecr.aws/nginx/nginx-unprivileged:1.28-alpine", cpu: 512, memory: 1024, port: 8080, user: "101", writablePaths: ["/tmp"],
    healthCheck: { command: ["CMD-SHELL", "wget -q -O /dev/null http://localhost:8080/ || exit 1"] },
};

// Internal: reachable only from the services that call it, on its port.
const api = new Service("api", { cluster, network, expose: Exposure.Internal, task: nginx });

// Public on every path; gets API_URL=http://api:8080 and starts after api.
new Service("web", {
    cluster, network, calls: [api],
    route: { loadBalancer: lb, priority: 50000, healthCheck: { path: "/" } },
    task: nginx,
});

export const url = lb.url;
