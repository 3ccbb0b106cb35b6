// A public image behind a load balancer, plus an hourly job on the same cluster and network.
import { Cluster, LoadBalancer, Network, ScheduledTask, Service } from "fargatekit";

// Two AZs, no NAT gateway: the service's and the job's tasks get public subnets and a public IP to pull images.
const network = new Network("net");
const cluster = new Cluster("apps");
const lb = new LoadBalancer("lb", { network });

// The existing-image recipe's service: nginx as its image documents it (uid 101, port 8080, writes /tmp).
new Service("web", {
    cluster, network,
    route: { loadBalancer: lb, priority: 100, healthCheck: { path: "/" } },
    task: {
        image: "public.ecr.aws/nginx/nginx-unprivileged:1.28-alpine", cpu: 256, memory: 512, port: 8080, user: "101", writablePaths: ["/tmp"],
        healthCheck: { command: ["CMD-SHELL", "wget -q -O /dev/null http://localhost:8080/ || exit 1"] },
    },
});

// Every hour, a busybox task fetches the site's front page (a failed run leaves a non-zero exit in the logs;
// a run Scheduler could not start lands in the job's dead-letter queue).
new ScheduledTask("hourly", {
    cluster, network, schedule: "rate(1 hour)",
    task: {
        image: "public.ecr.aws/docker/library/busybox:1.37", cpu: 256, memory: 512, environment: { SITE_URL: lb.url },
        command: ["sh", "-c", 'wget -q -O /dev/null "$SITE_URL" && echo "$SITE_URL is up"'],
    },
});

export const url = lb.url;
