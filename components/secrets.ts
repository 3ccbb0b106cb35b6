/**
 * Parsing of the `valueFrom` references ECS injects as secrets, and the IAM resources that let the
 * execution role read exactly those.
 *
 * Formats (AWS, "Pass sensitive data to an Amazon ECS container",
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html):
 * - Secrets Manager: `arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<6 chars>`
 *   optionally followed by `:<json-key>:<version-stage>:<version-id>` (each part may be empty).
 *   IAM evaluates `secretsmanager:GetSecretValue` against the secret's own ARN, without the suffix.
 * - SSM Parameter Store: `arn:<partition>:ssm:<region>:<account>:parameter/<name>`.
 * Only full ARNs are accepted, so the execution role's policy names each secret exactly (no `*`).
 */

export enum SecretSource {
    SecretsManager = "secretsmanager",
    ParameterStore = "ssm",
}

export interface SecretReference {
    source: SecretSource;
    /** The ARN that IAM permissions must name. */
    resourceArn: string;
    /** The JSON key selected from a Secrets Manager secret, if any. */
    jsonKey?: string;
}

const SECRETS_MANAGER =
    /^(arn:aws[a-z-]*:secretsmanager:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6})(?::([^:]*):([^:]*):([^:]*))?$/;
const PARAMETER_STORE = /^arn:aws[a-z-]*:ssm:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:parameter\/[A-Za-z0-9/_.-]+$/;

export const SECRET_ARN_FORMS =
    "arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 chars>[:<json-key>:<version-stage>:<version-id>] " +
    "or arn:aws:ssm:<region>:<account>:parameter/<name>";

/** Parses a `valueFrom`; returns undefined when it is not a full Secrets Manager or SSM ARN. */
export function parseSecretArn(valueFrom: string): SecretReference | undefined {
    const sm = SECRETS_MANAGER.exec(valueFrom);
    if (sm) {
        return { source: SecretSource.SecretsManager, resourceArn: sm[1], jsonKey: sm[2] || undefined };
    }
    if (PARAMETER_STORE.test(valueFrom)) {
        return { source: SecretSource.ParameterStore, resourceArn: valueFrom };
    }
    return undefined;
}

/** IAM statements that allow reading exactly the given secrets; empty when there are none. */
export function secretReadStatements(valueFroms: readonly string[]): object[] {
    const bySource = new Map<SecretSource, Set<string>>();
    for (const valueFrom of valueFroms) {
        const ref = parseSecretArn(valueFrom);
        if (!ref) throw new Error(`secret valueFrom "${valueFrom}" is not a full ARN; expected ${SECRET_ARN_FORMS}`);
        const set = bySource.get(ref.source) ?? new Set<string>();
        set.add(ref.resourceArn);
        bySource.set(ref.source, set);
    }
    const statements: object[] = [];
    const sm = bySource.get(SecretSource.SecretsManager);
    if (sm) {
        statements.push({ Sid: "ReadInjectedSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [...sm].sort() });
    }
    const ssm = bySource.get(SecretSource.ParameterStore);
    if (ssm) {
        statements.push({ Sid: "ReadInjectedParameters", Effect: "Allow", Action: ["ssm:GetParameters"], Resource: [...ssm].sort() });
    }
    return statements;
}
