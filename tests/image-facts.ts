/**
 * What the images the stacks and the recipes run need, as their own documentation (or Dockerfile)
 * says: the port they listen on, the paths they answer 200 on, the user they run as and the paths
 * they write. The graph rules (tests/graph-rules.ts) hold each task definition and target group to it.
 */

export interface ImageFacts {
    /** Where the facts come from. */
    source: string;
    /** The port the image listens on (none for jobs). */
    port?: number;
    /** Paths it answers with 200 (what a health check may target). */
    paths?: string[];
    /** The uid it runs as; "root" when it needs root; "any" when any user works. */
    user: string;
    /** Paths it writes to at run time (each needs a writable volume, or a writable root). */
    writes: string[];
    /** Programs on the image's PATH that a command or health check may start (unchecked when omitted). */
    tools?: string[];
}

/** The repository's own app/ (Dockerfile `USER node` = uid 1000, PORT 8080; app/README endpoints). */
export const APP_FACTS: ImageFacts = {
    source: "app/Dockerfile (USER node, EXPOSE 8080) and app/README.md (GET /health, GET /)",
    port: 8080, paths: ["/health", "/"], user: "1000", writes: [], tools: ["node"],
};

/** The from-dockerfile recipe's image (its app/Dockerfile and app/server.js). */
export const RECIPE_APP_FACTS: ImageFacts = {
    source: "components/examples/from-dockerfile/app (node:22-alpine: USER node = uid 1000, PORT 8080, /health and /; busybox sh and wget)",
    port: 8080, paths: ["/health", "/"], user: "1000", writes: [], tools: ["node", "sh", "wget"],
};

/** Public images, by reference. */
export const PUBLIC_IMAGES: { match: RegExp; facts: ImageFacts }[] = [
    {
        match: /^public\.ecr\.aws\/nginx\/nginx-unprivileged:/,
        facts: {
            source: "nginxinc/docker-nginx-unprivileged README and Dockerfile: listens on 8080, USER 101, pid and *_temp_path under /tmp; default server answers / with its index page",
            port: 8080, paths: ["/"], user: "101", writes: ["/tmp"], tools: ["nginx", "sh", "wget"],
        },
    },
    {
        match: /^public\.ecr\.aws\/nginx\/nginx:/,
        facts: {
            source: "the official nginx image's documentation: master as root on port 80 (workers as nginx), read-only mode needs /var/cache/nginx and /var/run writable",
            port: 80, paths: ["/"], user: "root", writes: ["/var/cache/nginx", "/var/run"], tools: ["nginx", "sh", "wget"],
        },
    },
    {
        match: /^public\.ecr\.aws\/docker\/library\/busybox:/,
        facts: { source: "busybox: a shell and utilities (sh, wget, echo, …), any user; the recipe's job only fetches a page", user: "any", writes: [], tools: ["sh", "wget", "echo", "chmod"] },
    },
];

/** Facts for a public image reference, or undefined when it is not in the table. */
export function publicImageFacts(image: string): ImageFacts | undefined {
    return PUBLIC_IMAGES.find((p) => p.match.test(image))?.facts;
}
