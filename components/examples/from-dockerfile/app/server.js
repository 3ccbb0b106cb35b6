// Answers /health for the load balancer and / for people; stops cleanly on SIGTERM (ECS stops tasks so).
const http = require("node:http");

const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/health") return res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
    if (path === "/") return res.writeHead(200, { "content-type": "text/plain" }).end("Hello from Fargate\n");
    res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
});
// Keep idle connections longer than the load balancer's 60 s idle timeout, or it may reuse a closed one (502).
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 8080), () => console.log(`listening on ${server.address().port}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
