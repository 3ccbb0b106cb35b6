/** Small IPv4 CIDR arithmetic for carving a VPC into subnets. */

function toInt(ip: string): number {
    const parts = ip.split(".").map(Number);
    if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
        throw new Error(`"${ip}" is not an IPv4 address`);
    }
    return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

function toIp(n: number): string {
    return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

export function parseCidr(cidr: string): { base: number; prefix: number } {
    const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d{1,2})$/.exec(cidr);
    if (!m) throw new Error(`"${cidr}" is not an IPv4 CIDR block such as 10.0.0.0/16`);
    const prefix = Number(m[2]);
    if (prefix > 32) throw new Error(`"${cidr}" has a prefix longer than 32`);
    const base = toInt(m[1]);
    const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
    if ((base & mask) >>> 0 !== base) throw new Error(`"${cidr}" has host bits set; did you mean ${toIp((base & mask) >>> 0)}/${prefix}?`);
    return { base, prefix };
}

/** The `index`-th subnet of `cidr` that is `newBits` longer (like Terraform's cidrsubnet). */
export function subnetCidr(cidr: string, newBits: number, index: number): string {
    const { base, prefix } = parseCidr(cidr);
    const newPrefix = prefix + newBits;
    if (newPrefix > 28) throw new Error(`subnets of ${cidr} with ${newBits} more bits would be /${newPrefix}; AWS subnets are /16 to /28`);
    if (index < 0 || index >= 2 ** newBits) throw new Error(`${cidr} holds ${2 ** newBits} subnets of /${newPrefix}; index ${index} is out of range`);
    return `${toIp((base + index * 2 ** (32 - newPrefix)) >>> 0)}/${newPrefix}`;
}

/**
 * The plan the Network component uses: the VPC is cut into 16 equal subnets (4 more bits);
 * public subnets take indexes 0..n-1 and private ones 8..8+n-1, so up to 8 AZs fit.
 */
export function planSubnets(vpcCidr: string, azCount: number): { publicCidrs: string[]; privateCidrs: string[] } {
    if (azCount < 1 || azCount > 8) throw new Error(`azCount ${azCount} is out of range 1–8`);
    const publicCidrs: string[] = [];
    const privateCidrs: string[] = [];
    for (let i = 0; i < azCount; i++) {
        publicCidrs.push(subnetCidr(vpcCidr, 4, i));
        privateCidrs.push(subnetCidr(vpcCidr, 4, 8 + i));
    }
    return { publicCidrs, privateCidrs };
}
