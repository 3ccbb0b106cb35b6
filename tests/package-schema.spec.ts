/**
 * Usable from other languages: Pulumi's own analyzer (the one `pulumi package add` runs on a
 * source-based component package) must accept every component's args and outputs. It rejects union
 * types, intersections, `object` and outputs typed as this package's own components, so this is
 * where such an arg is caught. Part of `npm run test:package` (the analyzer builds a TypeScript
 * program over @pulumi/aws: about 7 s).
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { ComponentProvider, getPulumiComponents } from "@pulumi/pulumi/provider/experimental";
import { parse as parseYaml } from "yaml";

const componentsDir = path.join(__dirname, "..", "components");
const manifest = JSON.parse(readFileSync(path.join(componentsDir, "package.json"), "utf8"));

interface Property { type?: string; $ref?: string; description?: string; items?: Property; additionalProperties?: Property }
interface Schema {
    name: string;
    version: string;
    resources: Record<string, { isComponent: boolean; inputProperties?: Record<string, Property>; requiredInputs?: string[]; properties?: Record<string, Property>; description?: string }>;
    types: Record<string, { type: string; enum?: { value: string }[]; properties?: Record<string, Property> }>;
    dependencies?: { name: string; version: string }[];
}

/** The contract other languages see: inputs they must pass, outputs they can read. */
const EXPECTED: Record<string, { required: string[]; outputs: string[] }> = {
    Network: { required: [], outputs: ["vpcId", "publicSubnetIds", "privateSubnetIds", "availabilityZones"] },
    Registry: { required: [], outputs: ["repositoryUrl", "repositoryArn", "registryId"] },
    Image: { required: ["context", "registryId", "repositoryUrl"], outputs: ["imageRef", "tag"] },
    Cluster: { required: [], outputs: ["clusterArn", "clusterName"] },
    FargateTaskDefinition: { required: ["cpu", "image", "memory"], outputs: ["taskDefinitionArn", "family", "logGroupName", "containerName"] },
    LoadBalancer: { required: ["network"], outputs: ["url", "listenerArn", "securityGroupId", "arnSuffix", "dnsName"] },
    Service: { required: ["cluster", "network", "task"], outputs: ["serviceName", "securityGroupId", "logGroupName", "taskDefinitionArn", "runTaskCommand"] },
    Queue: { required: [], outputs: ["queueArn", "queueUrl", "queueName", "deadLetterQueueUrl"] },
    Environment: { required: ["services"], outputs: ["imageRef", "clusterName", "repositoryUrl", "vpcId", "serviceNames", "runTaskCommands"] },
};

describe("the component package for other languages (Pulumi's schema inference)", function () {
    this.timeout(120_000);
    let schema: Schema;
    let componentNames: string[];

    before(async () => {
        // The classes the plugin host would serve: every ComponentResource the entry point exports.
        const components = getPulumiComponents(require(path.join(componentsDir, "index.ts")));
        componentNames = components.map((c) => c.name).sort();
        const provider = new ComponentProvider({ components, dirname: componentsDir, name: "fargatekit" });
        schema = JSON.parse(await provider.getSchema());
    });

    it("PulumiPlugin.yaml declares the nodejs runtime; the schema is named and versioned like the package", () => {
        const plugin = parseYaml(readFileSync(path.join(componentsDir, "PulumiPlugin.yaml"), "utf8"));
        assert.equal(plugin.runtime, "nodejs");
        assert.equal(schema.name, manifest.name);
        assert.equal(schema.version, manifest.version);
        const aws = schema.dependencies?.find((d) => d.name === "aws");
        assert.ok(aws, "the schema depends on the aws package (resource outputs reference it)");
    });

    it("every exported component is in the schema under fargatekit:index:<Name>, with its inputs and outputs", () => {
        for (const name of Object.keys(EXPECTED)) assert.ok(componentNames.includes(name), `${name} is exported from components/index.ts`);
        for (const name of componentNames) {
            const resource = schema.resources[`fargatekit:index:${name}`];
            assert.ok(resource, `fargatekit:index:${name} in the schema`);
            assert.equal(resource.isComponent, true);
            assert.ok(Object.keys(resource.properties ?? {}).length > 0, `${name} has outputs`);
            const expected = EXPECTED[name];
            if (!expected) continue; // a component added since: the generic checks still apply
            assert.deepEqual([...(resource.requiredInputs ?? [])].sort(), [...expected.required].sort(), `${name}: required inputs`);
            for (const out of expected.outputs) assert.ok(resource.properties?.[out], `${name}: output ${out}`);
        }
    });

    it("the package README documents every component with an example", () => {
        const readme = readFileSync(path.join(componentsDir, "README.md"), "utf8");
        for (const name of componentNames) {
            const section = readme.split(/^## /m).find((s) => s.startsWith(`${name}\n`));
            assert.ok(section, `components/README.md has a "## ${name}" section`);
            assert.ok(section.includes(`new ${name}(`), `the ${name} section shows an example`);
            const required = schema.resources[`fargatekit:index:${name}`].requiredInputs ?? [];
            for (const input of required) assert.ok(section.includes(`\`${input}\``), `the ${name} section documents ${input}`);
        }
    });

    it("choices are enums (never unions) and every input says what it is for", () => {
        for (const e of ["NatGateways", "ContainerInsights", "ImagePlatform", "CpuArchitecture", "CapacityMode", "TlsPolicy", "Exposure", "TaskSubnets", "FlowLogDestination", "FlowLogTrafficType"]) {
            const t = schema.types[`fargatekit:index:${e}`];
            assert.ok(t?.enum && t.enum.length >= 2, `${e} is an enum type in the schema`);
        }
        assert.equal(schema.resources["fargatekit:index:Network"].inputProperties!.natGateways.$ref, "#/types/fargatekit:index:NatGateways");
        const flowLogs = schema.resources["fargatekit:index:Network"].inputProperties!.flowLogs.$ref!.replace("#/types/", "");
        assert.equal(schema.types[flowLogs].properties!.trafficType.$ref, "#/types/fargatekit:index:FlowLogTrafficType");
        assert.equal(schema.types[flowLogs].properties!.destination.$ref, "#/types/fargatekit:index:FlowLogDestination");
        const undocumented: string[] = [];
        for (const [token, r] of Object.entries(schema.resources)) {
            for (const [key, p] of Object.entries(r.inputProperties ?? {})) if (!p.description && key !== "tags") undocumented.push(`${token}.${key}`);
        }
        assert.deepEqual(undocumented, [], "inputs without a JSDoc description (it becomes the docs in every language)");
    });
});
