// Your own service, built from ./app's Dockerfile, pushed to ECR and run by digest behind a load balancer.
import { Cluster, Image, LoadBalancer, Network, Registry, Service } from "fargatekit";

const network = new Network("net");
const cluster = new Cluster("apps");
const lb = new LoadBalancer("lb", { network });

// Built for linux/amd64 (Docker must be running for `pulumi up`), tagged by the content of ./app.
const registry = new Registry("app", { forceDelete: true });
const image = new Image("app", { repositoryUrl: registry.repositoryUrl, registryId: registry.registryId, context: "./app" });

// An image written for this needs no exception: it runs as uid 1000 with a read-only root and answers
// /health (the default health check path) on 8080. The execution role may pull exactly its repository.
new Service("web", {
    cluster, network,
    route: { loadBalancer: lb, priority: 100 },
    task: {
        image: image.imageRef, cpu: 256, memory: 512, port: 8080,
        healthCheck: { command: ["CMD-SHELL", "wget -q -O /dev/null http://localhost:8080/health || exit 1"] },
    },
});

export const url = lb.url;
