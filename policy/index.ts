/**
 * The policy pack: `pulumi preview --policy-pack policy` (from the project root) checks every
 * resource against the project's rules before anything is created. Constructing the PolicyPack
 * starts its gRPC server, so only this file does it; the rules live in ./rules, side-effect free.
 */
import { PolicyPack } from "@pulumi/policy";
import { rules } from "./rules";

new PolicyPack("webapp-policy", {
    description: "AWS hard rules, Security Hub / Checkov controls and reliability practices for the Fargate web app.",
    policies: rules,
});
