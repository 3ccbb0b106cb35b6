/**
 * Every rule of the project, in one list: the policy pack (policy/index.ts) serves them to
 * `pulumi preview --policy-pack policy`, and the offline adapter (policy/adapter.ts) runs the same
 * functions over a mock-engine graph. Importing this module has no side effects.
 */
import { alertRules } from "./alerts";
import { awsRules } from "./aws";
import { networkRules } from "./network";
import { reliabilityRules } from "./reliability";
import { securityRules } from "./security";
import type { ProjectRule } from "./util";

export { RuleCategory, ProjectRule, isProduction } from "./util";
export const rules: ProjectRule[] = [...awsRules, ...securityRules, ...networkRules, ...reliabilityRules, ...alertRules];
