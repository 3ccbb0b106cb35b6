/**
 * The tags this package puts in an ECR repository, and the rules that keep them apart.
 *
 * - Release images: `img-<16 hex>`, one per distinct build input (see `imageTag`). Immutable.
 * - Legacy release images: `src-<12 hex>`, pushed by fargatekit 0.1 (`@pulumi/docker`). The new
 *   prefix guarantees the first deploy after the upgrade never meets a tag the old scheme pushed.
 * - The build cache: one mutable tag (`buildcache`), overwritten by every build. The repository
 *   exempts exactly this tag from immutability (`IMMUTABLE_WITH_EXCLUSION`).
 *
 * Docker's tag grammar (distribution reference): `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`. An ECR
 * exclusion filter accepts `^[0-9a-zA-Z._*-]{1,128}$`, where `*` is a wildcard (ECR API reference,
 * ImageTagMutabilityExclusionFilter); the cache tag is used as an exact filter, so no `*`.
 */

/** Prefix of the release tags this version pushes. */
export const RELEASE_TAG_PREFIX = "img-";
/** Prefix of the release tags fargatekit 0.1 pushed (content hash of the context, Dockerfile excluded). */
export const LEGACY_RELEASE_TAG_PREFIX = "src-";
/** The mutable tag that holds the registry build cache. */
export const BUILD_CACHE_TAG = "buildcache";

const DOCKER_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Problems with a cache tag (empty when it is usable): a valid tag, exact, and no release tag. */
export function cacheTagProblems(key: string, tag: string): string[] {
    const problems: string[] = [];
    if (!DOCKER_TAG.test(tag) || tag.includes("*")) {
        problems.push(`${key}: got "${tag}"; allowed: 1–128 letters, digits, "_", "." and "-", not starting with "." or "-"`);
    } else if (tag.startsWith(RELEASE_TAG_PREFIX) || tag.startsWith(LEGACY_RELEASE_TAG_PREFIX)) {
        problems.push(`${key}: got "${tag}"; a cache tag must not start with "${RELEASE_TAG_PREFIX}" or "${LEGACY_RELEASE_TAG_PREFIX}", which name immutable release images`);
    }
    return problems;
}
