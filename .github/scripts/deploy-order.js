// @ts-check
/**
 * Deploy order for deploy.yml: prod takes a commit only while no newer commit on main has passed
 * dev. Runs in actions/github-script (its `github` is an authenticated Octokit) and in
 * tests/workflows.spec.ts (with a fake one).
 *
 * "Passed dev": a GitHub deployment to the `dev` environment of that commit has a `success`
 * status. Each job with `environment: dev` creates such a deployment; GitHub later adds an
 * `inactive` status to it when a newer deployment to the environment succeeds, so any `success`
 * in its history counts, not only the latest status.
 * "Newer on main": the compare API says the other commit is `ahead` of this one, i.e. it
 * descends from it. A `behind` (older), `identical` or `diverged` commit (main was rewritten) is
 * not newer; a commit the API no longer knows (404) is skipped.
 */

/**
 * The newest-first deployments to look at: one page of 100 covers every dev deploy since any
 * commit a stale run could carry, unless more than 100 dev deploys happened in between.
 */
const PAGE = 100;

/**
 * A commit on main, newer than `sha`, whose deploy to `environment` succeeded; `undefined` when
 * there is none, i.e. `sha` is still the newest commit that passed it.
 *
 * @param {{ github: any, owner: string, repo: string, sha: string, environment: string, log?: (line: string) => void }} args
 * @returns {Promise<string | undefined>}
 */
async function newerCommitThatPassed({ github, owner, repo, sha, environment, log = () => {} }) {
    const { data: deployments } = await github.rest.repos.listDeployments({ owner, repo, environment, per_page: PAGE });
    /** @type {Map<string, number[]>} deployment ids per commit, newest commit first */
    const bySha = new Map();
    for (const d of deployments) {
        if (d.sha === sha) continue;
        bySha.set(d.sha, [...(bySha.get(d.sha) ?? []), d.id]);
    }
    for (const [other, ids] of bySha) {
        let status;
        try {
            ({ data: { status } } = await github.rest.repos.compareCommitsWithBasehead({ owner, repo, basehead: `${sha}...${other}`, per_page: 1 }));
        } catch (err) {
            if (/** @type {{ status?: number }} */ (err).status !== 404) throw err;
            log(`${other}: unknown to GitHub (404), skipped`);
            continue;
        }
        if (status !== "ahead") continue;
        for (const deployment_id of ids) {
            const { data: statuses } = await github.rest.repos.listDeploymentStatuses({ owner, repo, deployment_id, per_page: PAGE });
            if (statuses.some((/** @type {{ state: string }} */ s) => s.state === "success")) return other;
        }
        log(`${other}: newer, but its ${environment} deploy did not succeed`);
    }
    return undefined;
}

module.exports = { newerCommitThatPassed };
