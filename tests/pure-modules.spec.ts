/** The small pure modules: knowledge that is not wiring. */
import { strict as assert } from "node:assert";
import {
    endpointServiceName, fargateSizeProblem, FARGATE_MEMORY_BY_CPU, FlowLogDestination, flowLogsProblems, FlowLogTrafficType, lifecyclePolicy,
    parseSecretArn, planSubnets, secretReadStatements, subnetCidr,
} from "fargatekit";

describe("fargate sizes", () => {
    it("accepts the documented pairs and refuses the rest", () => {
        assert.equal(fargateSizeProblem(256, 512), undefined);
        assert.equal(fargateSizeProblem(4096, 30720), undefined);
        assert.equal(fargateSizeProblem(8192, 16384 + 4096), undefined);
        assert.match(fargateSizeProblem(256, 4096)!, /allowed with cpu 256: 512, 1024, 2048/);
        assert.match(fargateSizeProblem(8192, 17408)!, /16384–61440 in steps of 4096/);
        assert.match(fargateSizeProblem(100, 512)!, /not a Fargate size/);
    });
    it("has the table's row sizes", () => {
        const counts = Object.fromEntries(Object.entries(FARGATE_MEMORY_BY_CPU).map(([c, m]) => [c, m.length]));
        assert.deepEqual(counts, { 256: 3, 512: 4, 1024: 7, 2048: 13, 4096: 23, 8192: 12, 16384: 12 });
    });
});

describe("secret ARNs", () => {
    const sm = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbC123";
    it("parses Secrets Manager ARNs with and without a JSON key, and SSM parameters", () => {
        assert.deepEqual(parseSecretArn(sm), { source: "secretsmanager", resourceArn: sm, jsonKey: undefined });
        assert.deepEqual(parseSecretArn(`${sm}:password::`), { source: "secretsmanager", resourceArn: sm, jsonKey: "password" });
        assert.equal(parseSecretArn("arn:aws:ssm:eu-west-1:123456789012:parameter/app/key")?.source, "ssm");
    });
    it("refuses partial ARNs, names and wildcards", () => {
        for (const bad of ["db-password", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db", `${sm}*`, "arn:aws:ssm:eu-west-1:123:parameter/x"]) {
            assert.equal(parseSecretArn(bad), undefined, bad);
        }
    });
    it("grants exactly the secrets, once each, without the JSON-key suffix", () => {
        const st = secretReadStatements([`${sm}:password::`, `${sm}:user::`, "arn:aws:ssm:eu-west-1:123456789012:parameter/app/key"]) as any[];
        assert.deepEqual(st.map((s) => [s.Action, s.Resource]), [
            [["secretsmanager:GetSecretValue"], [sm]],
            [["ssm:GetParameters"], ["arn:aws:ssm:eu-west-1:123456789012:parameter/app/key"]],
        ]);
        assert.throws(() => secretReadStatements(["nope"]), /not a full ARN/);
    });
});

describe("subnet CIDRs", () => {
    it("carves a /16 into /20s: public first, private from the ninth", () => {
        assert.deepEqual(planSubnets("10.0.0.0/16", 3), {
            publicCidrs: ["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20"],
            privateCidrs: ["10.0.128.0/20", "10.0.144.0/20", "10.0.160.0/20"],
        });
        assert.equal(subnetCidr("172.16.0.0/12", 4, 15), "172.31.0.0/16");
    });
    it("refuses host bits, too-small subnets and out-of-range indexes", () => {
        assert.throws(() => subnetCidr("10.0.0.1/16", 4, 0), /host bits/);
        assert.throws(() => subnetCidr("10.0.0.0/26", 4, 0), /\/16 to \/28/);
        assert.throws(() => subnetCidr("10.0.0.0/16", 4, 16), /out of range/);
    });
});

describe("ECR lifecycle policy", () => {
    it("expires untagged images after a day and keeps the newest N release images of each tag scheme; the cache tag matches no rule", () => {
        const { rules } = JSON.parse(lifecyclePolicy(7));
        assert.deepEqual(rules.map((r: any) => [r.rulePriority, r.selection.tagStatus, r.selection.tagPatternList, r.selection.countType, r.selection.countNumber]), [
            [1, "untagged", undefined, "sinceImagePushed", 1],
            [2, "tagged", ["img-*"], "imageCountMoreThan", 7],
            [3, "tagged", ["src-*"], "imageCountMoreThan", 7],
        ]);
        // ECR: a tagged rule needs a pattern list; several patterns in one list select only images
        // carrying all of them, so one pattern per rule; `*` matches any run of characters.
        const selects = (pattern: string, tag: string) => new RegExp(`^${pattern.split("*").map((x) => x.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`).test(tag);
        for (const r of rules.filter((x: any) => x.selection.tagStatus === "tagged")) {
            assert.equal(r.selection.tagPatternList.length, 1);
            assert.equal(selects(r.selection.tagPatternList[0], "buildcache"), false, "the cache tag is never counted nor expired");
        }
        assert.ok(selects(rules[1].selection.tagPatternList[0], "img-0123456789abcdef"));
        assert.ok(selects(rules[2].selection.tagPatternList[0], "src-0123456789ab"));
        assert.equal(new Set(rules.map((r: any) => r.rulePriority)).size, rules.length, "priorities are unique");
    });
});

describe("flow-log arguments", () => {
    it("retention depends on the destination: CloudWatch Logs' fixed values, or any day count 1–3650 for an S3 expiry", () => {
        assert.deepEqual(flowLogsProblems({ destination: FlowLogDestination.S3, retentionDays: 10 }), []);
        assert.deepEqual(flowLogsProblems({ retentionDays: 14 }), [], "CloudWatch Logs by default");
        assert.deepEqual(flowLogsProblems({ retentionDays: 10 }).length, 1);
        assert.match(flowLogsProblems({ retentionDays: 0 })[0], /got 0; allowed with destination "cloudWatchLogs": one of 1, 3/, "never 'never expire'");
        assert.deepEqual(flowLogsProblems(undefined), []);
    });
    it("reports every problem at once, under the caller's key names", () => {
        const key = (f: string) => `webapp:network.flowLogs.${f}`;
        const p = flowLogsProblems({ destination: FlowLogDestination.S3, trafficType: "accept" as FlowLogTrafficType, retentionDays: 2.5 }, key);
        assert.deepEqual(p.map((x) => x.split(":").slice(0, 2).join(":")), ["webapp:network.flowLogs.trafficType", "webapp:network.flowLogs.retentionDays"]);
        assert.match(p[0], /got "accept"; allowed: ALL, REJECT \(ACCEPT alone misses the rejected traffic/);
        assert.match(p[1], /got 2.5; allowed with destination "s3": an integer 1–3650/);
        assert.deepEqual(flowLogsProblems({ destination: "firehose" as FlowLogDestination, retentionDays: 10 }, key), ['webapp:network.flowLogs.destination: got "firehose"; allowed: cloudWatchLogs, s3']);
    });
    it("names AWS endpoint services com.amazonaws.<region>.<service>", () => {
        assert.equal(endpointServiceName("eu-west-1", "ecr.dkr"), "com.amazonaws.eu-west-1.ecr.dkr");
    });
});
