/**
 * Secrets encrypted with customer-managed KMS keys: the execution role may kms:Decrypt with exactly
 * the keys given, only through Secrets Manager / Parameter Store of the key's region, and only where
 * such keys are configured. Sources: ECS developer guide, "Required IAM permissions for Amazon ECS
 * secrets" (kms:Decrypt on the custom key's ARN); AWS KMS developer guide, "kms:ViaService".
 */
import { strict as assert } from "node:assert";
import { FargateTaskDefinition, kmsDecryptStatements, kmsKeyProblems, parseKmsKeyArn } from "fargatekit";
import { Graph, projectConfig, RecordedResource, runComponents, runStack } from "./harness";

const SM = "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbC123";
const PARAM = "arn:aws:ssm:us-east-1:123456789012:parameter/app/api-key";
const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const MRK = "arn:aws:kms:us-east-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab";
const JOB_KEY = "arn:aws:kms:us-east-1:123456789012:key/0000abcd-12ab-34cd-56ef-1234567890ab";

/** The statements of the execution role of a task definition. */
function executionStatements(g: Graph, td: RecordedResource): any[] {
    const role = g.byRef(td.inputs.executionRoleArn)!;
    return g.ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => p.inputs.role === role.id).flatMap((p) => JSON.parse(p.inputs.policy).Statement);
}
const actionsOf = (s: any): string[] => [s.Action].flat();

describe("KMS keys of injected secrets", () => {
    it("accepts key ARNs (also multi-Region keys) and refuses aliases, wildcards, bare ids and repeats, each by index", () => {
        assert.deepEqual(parseKmsKeyArn(KEY), { partition: "aws", region: "us-east-1" });
        assert.ok(parseKmsKeyArn(MRK));
        const problems = kmsKeyProblems("secretsKmsKeyArns", [
            "arn:aws:kms:us-east-1:123456789012:alias/app", "arn:aws:kms:us-east-1:123456789012:key/*", "1234abcd-12ab-34cd-56ef-1234567890ab", KEY, KEY,
        ], [SM]);
        assert.deepEqual(problems.map((p) => p.split(":")[0]), ["secretsKmsKeyArns[0]", "secretsKmsKeyArns[1]", "secretsKmsKeyArns[2]", "secretsKmsKeyArns[4]"]);
        assert.match(problems[0], /got "arn:aws:kms:us-east-1:123456789012:alias\/app"; allowed: arn:aws:kms:<region>:<account>:key\/<key id>/);
        assert.match(kmsKeyProblems("k", [KEY], []).join(), /no secrets are injected/);
        assert.deepEqual(kmsKeyProblems("k", [KEY, MRK], [SM]), []);
    });

    it("grants kms:Decrypt on exactly the keys, via the services the secrets come from, in the key's region", () => {
        assert.deepEqual(kmsDecryptStatements([], [SM]), []);
        assert.deepEqual(kmsDecryptStatements([KEY, MRK], [SM]), [{
            Sid: "DecryptInjectedSecrets", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [KEY, MRK].sort(),
            Condition: { StringEquals: { "kms:ViaService": ["secretsmanager.us-east-1.amazonaws.com"] } },
        }]);
        const both = kmsDecryptStatements([KEY, "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"], [SM, PARAM]) as any[];
        assert.deepEqual(both[0].Condition.StringEquals["kms:ViaService"], [
            "secretsmanager.eu-west-1.amazonaws.com", "secretsmanager.us-east-1.amazonaws.com", "ssm.eu-west-1.amazonaws.com", "ssm.us-east-1.amazonaws.com",
        ]);
    });

    it("FargateTaskDefinition: the execution role decrypts with exactly its keys; a task without keys gets no kms action", async () => {
        const run = await runComponents(() => {
            new FargateTaskDefinition("withkeys", { image: "img@sha256:" + "c".repeat(64), cpu: 256, memory: 512, secrets: { DB: `${SM}:password::`, API: PARAM }, secretsKmsKeyArns: [KEY] });
            new FargateTaskDefinition("plain", { image: "img@sha256:" + "c".repeat(64), cpu: 256, memory: 512, secrets: { DB: SM } });
        });
        const g = new Graph(run);
        const td = (name: string) => g.ofType("aws:ecs/taskDefinition:TaskDefinition").find((t) => t.name === name)!;
        const kms = executionStatements(g, td("withkeys")).filter((s) => actionsOf(s).some((a) => a.startsWith("kms:")));
        assert.deepEqual(kms, [{ Sid: "DecryptInjectedSecrets", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [KEY], Condition: { StringEquals: { "kms:ViaService": ["secretsmanager.us-east-1.amazonaws.com", "ssm.us-east-1.amazonaws.com"] } } }]);
        assert.ok(executionStatements(g, td("plain")).every((s) => actionsOf(s).every((a) => !a.startsWith("kms:"))));
    });

    it("FargateTaskDefinition refuses a malformed key together with its other problems", () => {
        assert.throws(() => new FargateTaskDefinition("bad", { image: "i", cpu: 256, memory: 4096, secrets: { DB: SM }, secretsKmsKeyArns: ["arn:aws:kms:us-east-1:123456789012:alias/db"] }),
            (e: Error) => e.message.includes("cpu/memory") && e.message.includes('secretsKmsKeyArns[0]: got "arn:aws:kms:us-east-1:123456789012:alias/db"'));
    });

    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: a service and each job decrypt with exactly their configured keys, conditioned on the secrets' services; nothing else may`, async () => {
            const job = { name: "cleanup", schedule: "rate(1 day)", command: ["node", "dist/jobs/cleanup.js"], secrets: { TOKEN: PARAM }, secretsKmsKeyArns: [JOB_KEY] };
            const services = (projectConfig(stack).services as Record<string, unknown>[])
                .map((s) => (s.name === "web" ? { ...s, secrets: { DB_PASSWORD: `${SM}:password::` }, secretsKmsKeyArns: [KEY] } : s));
            const g = new Graph(await runStack(stack, { services, jobs: [job] }));
            const expected: Record<string, { keys: string[]; via: string[] }> = {
                web: { keys: [KEY], via: ["secretsmanager.us-east-1.amazonaws.com"] },
                "job-cleanup": { keys: [JOB_KEY], via: ["ssm.us-east-1.amazonaws.com"] },
            };
            const tds = g.ofType("aws:ecs/taskDefinition:TaskDefinition");
            assert.deepEqual(tds.map((t) => t.name).sort(), ["api", "job-cleanup", "web", "worker"]);
            for (const td of tds.filter((t) => !(t.name in expected))) {
                assert.ok(executionStatements(g, td).every((s) => actionsOf(s).every((a) => !a.startsWith("kms:"))), `${td.name} configures no key and decrypts nothing`);
            }
            for (const td of tds.filter((t) => t.name in expected)) {
                const kms = executionStatements(g, td).filter((s) => actionsOf(s).some((a) => a.startsWith("kms:")));
                assert.equal(kms.length, 1, `${td.name}: one kms statement`);
                assert.deepEqual(actionsOf(kms[0]), ["kms:Decrypt"]);
                assert.deepEqual(kms[0].Resource, expected[td.name].keys, `${td.name}: exactly its own keys, no *`);
                assert.ok(kms[0].Resource.every((r: string) => parseKmsKeyArn(r)), "key ARNs only");
                assert.deepEqual(kms[0].Condition, { StringEquals: { "kms:ViaService": expected[td.name].via } });
            }
            // No other role of the stack gains a kms permission.
            const roles = new Set(tds.map((td) => g.byRef(td.inputs.executionRoleArn)!.id));
            for (const p of g.ofType("aws:iam/rolePolicy:RolePolicy").filter((x) => !roles.has(x.inputs.role))) {
                for (const s of JSON.parse(p.inputs.policy).Statement) assert.ok(actionsOf(s).every((a) => !a.startsWith("kms:")), `${p.name} grants no kms action`);
            }
        });
    }
});
