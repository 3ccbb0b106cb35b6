import { webRoutes } from "./app.js";
import { loadWebConfig } from "./config.js";
import { runHttpService } from "./http-service.js";

/**
 * `web`: the public service behind the ALB. Entry point `node dist/server.js`
 * (the image's CMD; no npm wrapper, so the SIGTERM from ECS, forwarded by the
 * init process, reaches this process). Process life: src/http-service.ts.
 */
runHttpService({ config: loadWebConfig(process.env), routes: webRoutes });
