import { apiRoutes } from "./api-app.js";
import { loadConfig } from "./config.js";
import { runHttpService } from "./http-service.js";

/**
 * `api`: the internal service, reached by web through ECS Service Connect.
 * Entry point `node dist/api.js` (command override of the same image). Same
 * process life as web (src/http-service.ts): JSON logs, keep-alive, graceful
 * shutdown.
 */
runHttpService({ config: loadConfig(process.env, "fargatekit-api"), routes: apiRoutes });
