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

/**
 * Customer-managed KMS keys of injected secrets. A secret (or SecureString parameter) encrypted with
 * a customer-managed key is decrypted for the execution role, so the role needs `kms:Decrypt` on
 * that key ("Required IAM permissions for Amazon ECS secrets": kms:Decrypt "only if your key uses a
 * custom KMS key and not the default key"; the key's ARN as the resource). Only key ARNs are
 * accepted: IAM cannot grant kms:Decrypt through an alias ARN in `Resource` (AWS KMS developer
 * guide, "Use aliases to control access to KMS keys"), and never `*`.
 */
export const KMS_KEY_ARN_FORM = "arn:aws:kms:<region>:<account>:key/<key id> (a key ARN, not an alias)";
const KMS_KEY_ARN = /^arn:(aws[a-z-]*):kms:([a-z]{2}(?:-[a-z]+)+-\d):\d{12}:key\/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;

/** The partition and region of a KMS key ARN; undefined when it is not a key ARN. */
export function parseKmsKeyArn(arn: string): { partition: string; region: string } | undefined {
    const m = KMS_KEY_ARN.exec(arn);
    return m ? { partition: m[1], region: m[2] } : undefined;
}

/** Problems with `key` (a list of KMS key ARNs for these secrets), each naming the entry and value. */
export function kmsKeyProblems(key: string, keyArns: readonly string[] | undefined, secretValueFroms: readonly string[]): string[] {
    const problems: string[] = [];
    (keyArns ?? []).forEach((arn, i) => {
        if (!parseKmsKeyArn(arn)) problems.push(`${key}[${i}]: got "${arn}"; allowed: ${KMS_KEY_ARN_FORM}`);
        else if (keyArns!.indexOf(arn) !== i) problems.push(`${key}[${i}]: got "${arn}" again; list each key once`);
    });
    if ((keyArns ?? []).length > 0 && secretValueFroms.length === 0) {
        problems.push(`${key}: ${keyArns!.length} key(s) given but no secrets are injected; a key is only needed to decrypt injected secrets`);
    }
    return problems;
}

/**
 * `kms:Decrypt` on exactly these keys, only when Secrets Manager or Parameter Store calls KMS for
 * the role (`kms:ViaService` = `<service>.<key's region>.amazonaws.com`: both services are listed as
 * supporting kms:ViaService, and a secret's key lives in the secret's region; AWS KMS developer guide,
 * "kms:ViaService"). Only the services the secrets come from are named. Empty when there are no keys.
 */
export function kmsDecryptStatements(keyArns: readonly string[] | undefined, secretValueFroms: readonly string[]): object[] {
    if (!keyArns || keyArns.length === 0) return [];
    const sources = new Set(secretValueFroms.map((v) => parseSecretArn(v)?.source).filter((s): s is SecretSource => s !== undefined));
    const services = new Set<string>();
    for (const arn of keyArns) {
        const key = parseKmsKeyArn(arn);
        if (!key) throw new Error(`KMS key "${arn}" is not a key ARN; expected ${KMS_KEY_ARN_FORM}`);
        const suffix = key.partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
        for (const source of sources) services.add(`${source}.${key.region}.${suffix}`);
    }
    return [{
        Sid: "DecryptInjectedSecrets",
        Effect: "Allow",
        Action: ["kms:Decrypt"],
        Resource: [...new Set(keyArns)].sort(),
        Condition: { StringEquals: { "kms:ViaService": [...services].sort() } },
    }];
}
