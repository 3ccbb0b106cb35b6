/**
 * A deploy is a sequence: what `pulumi up` reports depends on what the provider reads back after the
 * update, not only on what the program asked for. These specs feed the program the state
 * terraform-provider-aws's Read returns after an update (tests/harness.ts `stateAfterUpdate`) and
 * check that `pulumi up` tells the truth:
 * - a successful deploy: the service reads back the task definition it was given → quiet;
 * - a rolled-back deploy: ECS's circuit breaker failed the new revision and rolled back, so
 *   DescribeServices' `taskDefinition` (what Read stores) is the previous revision → the run fails,
 *   naming the service, the rollout state and the revision it runs instead;
 * - a preview never fails on it: nothing was deployed.
 */
import * as assert from "node:assert/strict";
import { ACCOUNT, REGION, runStack, RunOptions } from "./harness";

const T = { service: "aws:ecs/service:Service", taskDefinition: "aws:ecs/taskDefinition:TaskDefinition" };
const arnOf = (family: string, revision: number) => `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:${revision}`;

/**
 * `web` was given revision 7 of its family; after the update its service reads back `running`
 * (7 when the deploy held, 6 when ECS rolled back to the previous one).
 */
function webReadsBack(runningRevision: number): RunOptions["stateAfterUpdate"] {
    return {
        [`${T.taskDefinition}::web`]: (s) => ({ ...s, arn: arnOf(s.family, 7), revision: 7 }),
        [`${T.service}::web`]: (s) => ({ ...s, taskDefinition: String(s.taskDefinition).replace(/:\d+$/, `:${runningRevision}`) }),
    };
}

describe("deploy sequence: `pulumi up` after ECS rolled back", function () {
    this.timeout(60000);

    it("a deploy ECS kept is quiet (each service reads back the revision it was given)", async () => {
        // dev: prod's committed domain is the placeholder, which `pulumi up` refuses; prod's `pulumi up`
        // with a real domain runs in tests/placeholder-domain.spec.ts.
        const run = await runStack("dev", {}, { preview: false, stateAfterUpdate: webReadsBack(7) });
        const web = run.resources.find((r) => r.type === T.service && r.name === "web")!;
        assert.match(web.state.taskDefinition, /:7$/);
    });

    it("a deploy ECS rolled back fails the run, naming the service, the rollout state and the revision it runs instead", async () => {
        const wanted = arnOf("webapp-dev-web", 7);
        const running = arnOf("webapp-dev-web", 6);
        await assert.rejects(runStack("dev", {}, { preview: false, stateAfterUpdate: webReadsBack(6) }), (e: Error) => {
            assert.match(e.message, /Service "web" \(ECS service web-[0-9a-f]{7}\): ECS rolled the deploy back/);
            assert.match(e.message, /Rollout state: the deployment of webapp-dev-web:7 FAILED and was rolled back/);
            assert.ok(e.message.includes(`It runs ${running}`), e.message);
            assert.ok(e.message.includes(`instead of ${wanted}`), e.message);
            assert.match(e.message, /aws ecs describe-services --cluster main-[0-9a-f]{7} --services web-[0-9a-f]{7} --region us-east-1/);
            return true;
        });
    });

    it("a preview stays quiet even when the read-back state names another revision (nothing was deployed)", async () => {
        const run = await runStack("dev", {}, { preview: true, stateAfterUpdate: webReadsBack(6) });
        const web = run.resources.find((r) => r.type === T.service && r.name === "web")!;
        assert.match(web.state.taskDefinition, /:6$/, "the mock did answer with the other revision");
    });
});
