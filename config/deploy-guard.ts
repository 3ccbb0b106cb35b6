/**
 * Deploy-time checks of a config that is valid to preview but must not be deployed: a stack whose
 * HTTPS domain is still the placeholder committed in Pulumi.prod.yaml. ACM never validates a
 * certificate for a domain nobody can own, so `pulumi up` would create the network, the cluster, the
 * load balancer and the rest (about 70 resources in prod) and only then fail at certificate
 * validation. A preview and the offline plan (`npm run plan`, which runs under the SDK's mocks as a
 * preview) are fine: they show what the stack would be, and are how a reviewer sees prod before
 * anyone owns its domain.
 */
import * as pulumi from "@pulumi/pulumi";

/** The placeholders Pulumi.prod.yaml ships with. */
export const PLACEHOLDER_DOMAIN = "app.example.com";
export const PLACEHOLDER_HOSTED_ZONE_ID = "Z0123456789EXAMPLE";

/**
 * Names reserved for documentation and testing, which no one can register or prove to ACM: example.com,
 * example.net, example.org and the .example, .test, .invalid and .localhost top-level names (RFC 2606
 * §2–3, RFC 6761 §6).
 */
const RESERVED_DOMAIN = /(^|\.)(example\.(com|net|org)|example|test|invalid|localhost)$/i;

/** A deploy refused before any resource; the message says what to run. */
export class DeployRefusedError extends pulumi.RunError {
    constructor(public readonly stack: string, public readonly problems: string[], fix: string[]) {
        super([
            `Refusing to deploy stack "${stack}":`,
            ...problems.map((p) => `  - ${p}`),
            `Set your own domain and its Route 53 hosted zone, then run \`pulumi up\` again:`,
            ...fix.map((f) => `    ${f}`),
            `(Or set https.certificateArn to an issued ACM certificate and remove https.domain and https.hostedZoneId.)`,
            `\`pulumi preview\` and \`npm run plan\` work with the placeholder; only a deploy is refused.`,
        ].join("\n"));
        this.name = "DeployRefusedError";
    }
}

/** Every placeholder problem of a stack's `https` config (empty when it can be deployed). */
export function placeholderProblems(project: string, https: { domain?: string; hostedZoneId?: string } | undefined): string[] {
    const p: string[] = [];
    if (https?.domain !== undefined && RESERVED_DOMAIN.test(https.domain)) {
        p.push(`${project}:https.domain: got "${https.domain}", ${https.domain === PLACEHOLDER_DOMAIN ? "the committed placeholder; it is " : ""}` +
            `a name reserved for documentation (RFC 2606), so ACM can never validate a certificate for it`);
    }
    if (https?.hostedZoneId === PLACEHOLDER_HOSTED_ZONE_ID) {
        p.push(`${project}:https.hostedZoneId: got "${https.hostedZoneId}", the committed placeholder; it is no hosted zone of yours`);
    }
    return p;
}

/**
 * Throws a DeployRefusedError when a deploy (`pulumi up`, not a preview) would use a placeholder
 * domain or zone. Call it before the first resource is registered.
 */
export function refusePlaceholderDeploy(config: { project: string; stack: string; https?: { domain?: string; hostedZoneId?: string } }, dryRun: boolean = pulumi.runtime.isDryRun()): void {
    if (dryRun) return;
    const problems = placeholderProblems(config.project, config.https);
    if (problems.length === 0) return;
    throw new DeployRefusedError(config.stack, problems, [
        `pulumi config set --stack ${config.stack} --path 'https.domain' app.yourdomain.com`,
        `pulumi config set --stack ${config.stack} --path 'https.hostedZoneId' Z0123456789ABCDEFGHIJ`,
    ]);
}
