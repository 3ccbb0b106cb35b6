/**
 * For specs that run real processes: start them before the first test of the whole run, so they work
 * on the other core while mocha's main process runs the in-process specs, instead of one after the
 * other at the end. Call at the top level of a spec file (a root-level `before` hook).
 */
export function early<T>(start: () => Promise<T>): () => Promise<T> {
    let started: Promise<T> | undefined;
    const get = () => {
        if (!started) {
            started = start();
            // Awaited by its test later; until then a failure must not count as unhandled.
            started.catch(() => undefined);
        }
        return started;
    };
    // Not `before(get)`: mocha would wait for the process there.
    before(() => { get(); });
    return get;
}
