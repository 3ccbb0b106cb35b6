/**
 * Pulumi.prod.yaml ships with a placeholder domain (app.example.com) and zone (Z0123456789EXAMPLE).
 * `pulumi up` with them would create about 70 resources and then fail at certificate validation, so
 * a deploy is refused before any resource, with the two commands that fix it; a preview and the
 * offline plan (both dry runs) still work, since that is how prod is reviewed before anyone owns the
 * domain.
 */
import { strict as assert } from "node:assert";
import { placeholderProblems, refusePlaceholderDeploy } from "../config/deploy-guard";
import { planStack } from "../policy/plan/cli";
import { committedStack, runStack } from "./harness";

const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9";

describe("placeholder domain", function () {
    this.timeout(60000);

    it("`pulumi up` of prod as committed is refused before any resource, naming both keys and the two commands", async () => {
        await assert.rejects(runStack("prod", {}, { preview: false }), (e: Error & { registered?: string[] }) => {
            assert.equal(e.name, "DeployRefusedError");
            assert.match(e.message, /Refusing to deploy stack "prod"/);
            assert.match(e.message, /webapp:https\.domain: got "app\.example\.com", the committed placeholder/);
            assert.match(e.message, /webapp:https\.hostedZoneId: got "Z0123456789EXAMPLE", the committed placeholder/);
            assert.ok(e.message.includes("pulumi config set --stack prod --path 'https.domain' app.yourdomain.com"), e.message);
            assert.ok(e.message.includes("pulumi config set --stack prod --path 'https.hostedZoneId' Z0123456789ABCDEFGHIJ"), e.message);
            // Only the stack itself exists: the refusal came before the first resource.
            assert.deepEqual(e.registered, ["pulumi:pulumi:Stack"]);
            return true;
        });
    });

    it("`pulumi preview` of prod as committed goes ahead (the certificate for the placeholder is in the graph)", async () => {
        const run = await committedStack("prod");
        const cert = run.resources.find((r) => r.type === "aws:acm/certificate:Certificate")!;
        assert.equal(cert.inputs.domainName, "app.example.com");
    });

    it("the offline plan of prod as committed goes ahead (it runs the program as a preview)", async () => {
        const plan = await planStack("prod");
        assert.ok(plan.resources.some((r) => r.type === "aws:acm/certificate:Certificate"));
    });

    it("`pulumi up` goes ahead with a real domain and zone", async () => {
        const run = await runStack("prod", { https: { domain: "app.fargatekit.dev", hostedZoneId: "Z04123456789ABCDEFGHI" } }, { preview: false });
        assert.ok(run.resources.some((r) => r.type === "aws:ecs/service:Service"));
    });

    it("any name reserved for documentation is refused, and the placeholder zone alone too", () => {
        for (const domain of ["example.com", "shop.example.org", "api.example.net", "app.test", "web.example", "x.invalid", "a.localhost"]) {
            assert.equal(placeholderProblems("webapp", { domain, hostedZoneId: "Z04123456789ABCDEFGHI" }).length, 1, domain);
        }
        assert.deepEqual(placeholderProblems("webapp", { domain: "example.company.com", hostedZoneId: "Z04123456789ABCDEFGHI" }), [], "a real domain that merely contains 'example'");
        assert.equal(placeholderProblems("webapp", { domain: "app.fargatekit.dev", hostedZoneId: "Z0123456789EXAMPLE" }).length, 1);
        assert.doesNotThrow(() => refusePlaceholderDeploy({ project: "webapp", stack: "prod", https: { domain: "app.example.com" } }, true), "a dry run never refuses");
        assert.doesNotThrow(() => refusePlaceholderDeploy({ project: "webapp", stack: "dev" }, false), "no HTTPS, nothing to refuse");
        assert.doesNotThrow(() => refusePlaceholderDeploy({ project: "webapp", stack: "prod", https: { certificateArn: CERT } as never }, false), "a certificate ARN, no domain");
    });
});
