/**
 * Build once, promote the digest (issue 13): with `image.ref` the program builds nothing and every task
 * definition runs exactly that digest; the execution roles may pull from exactly its repository.
 */
import { strict as assert } from "node:assert";
import { ecrRepositoryArn, versionOfRef } from "fargatekit";
import { Graph, runStack } from "./harness";

const DIGEST = `sha256:${"ab12".repeat(16)}`;
const DEV_REPO = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app-1a2b3c4";
const REF = `${DEV_REPO}@${DIGEST}`;

const containers = (td: { inputs: Record<string, any> }) => JSON.parse(td.inputs.containerDefinitions) as any[];

describe("a prebuilt image (webapp:image.ref)", () => {
    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: nothing is built or pushed; every task definition runs the digest; imageRef is it`, async () => {
            const run = await runStack(stack, { image: { ref: REF } });
            const g = new Graph(run);
            assert.deepEqual(g.resources.filter((r) => r.type.startsWith("docker") || r.type === "fargatekit:index:Image").map((r) => r.type), [], "no image build");
            const tds = g.ofType("aws:ecs/taskDefinition:TaskDefinition");
            assert.ok(tds.length >= 4, "services and jobs");
            for (const td of tds) {
                const [c] = containers(td);
                assert.equal(c.image, REF, `${td.name} runs the promoted digest`);
                assert.equal(c.environment.find((e: any) => e.name === "APP_VERSION").value, `sha256-${"ab12".repeat(3)}`);
                // The execution role may pull from exactly the ref's repository (dev's, in one account).
                const role = g.byRef(td.inputs.executionRoleArn)!;
                const statements = g.ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => p.inputs.role === role.id).flatMap((p) => JSON.parse(p.inputs.policy).Statement);
                const pull = statements.find((s: any) => s.Sid === "PullImage");
                assert.deepEqual(pull.Resource, ["arn:aws:ecr:us-east-1:123456789012:repository/app-1a2b3c4"], `${td.name} pulls only from the ref's repository`);
            }
            assert.equal(run.outputs.imageRef, REF);
        });
    }

    const bad: [string, string][] = [
        ["a tag, not a digest", `${DEV_REPO}:img-0123456789abcdef`],
        ["latest", `${DEV_REPO}:latest`],
        ["a short digest", `${DEV_REPO}@sha256:abc`],
        ["no registry", `app@${DIGEST}`],
    ];
    for (const [title, ref] of bad) {
        it(`refuses ${title} before any resource, naming webapp:image.ref`, async () => {
            let error: any;
            try {
                await runStack("dev", { image: { ref } });
            } catch (e) {
                error = e;
            }
            assert.ok(error instanceof Error, "refused");
            assert.deepEqual((error as { registered?: string[] }).registered, ["pulumi:pulumi:Stack"]);
            assert.ok(error.message.includes("webapp:image.ref"), error.message);
            assert.ok(error.message.includes("@sha256:"), "says what is allowed");
            assert.ok(error.message.includes(JSON.stringify(ref)), "shows what was given");
        });
    }

    it("derives the repository ARN of ECR references only, and a version for APP_VERSION", () => {
        assert.equal(ecrRepositoryArn(REF), "arn:aws:ecr:us-east-1:123456789012:repository/app-1a2b3c4");
        assert.equal(ecrRepositoryArn(`210987654321.dkr.ecr.eu-west-1.amazonaws.com/team/app:img-1@${DIGEST}`, "aws"), "arn:aws:ecr:eu-west-1:210987654321:repository/team/app");
        assert.equal(ecrRepositoryArn(`public.ecr.aws/nginx/nginx@${DIGEST}`), undefined, "a public registry needs no pull permission");
        assert.equal(versionOfRef(`${DEV_REPO}:img-0123456789abcdef@${DIGEST}`), "img-0123456789abcdef");
        assert.equal(versionOfRef(REF), `sha256-${"ab12".repeat(3)}`);
    });
});
