// Refuses a Node.js older than package.json's "engines" with one line, before anything else runs:
// `npm ci` (preinstall), `npm test` (pretest), `npm run plan` (preplan). npm alone only warns
// (EBADENGINE) and Node 20 then fails a minute later, misleadingly.
// Written in ES5 on purpose: it has to run, and say its line, on any old Node.
var pkg = require("../../package.json");
var wanted = /^>=\s*(\d+)/.exec(pkg.engines.node);
var required = wanted ? parseInt(wanted[1], 10) : 22;
var version = process.versions.node;
if (parseInt(version.split(".")[0], 10) < required) {
    process.stderr.write(
        "fargatekit needs Node.js " + required + " or newer (package.json engines: \"" + pkg.engines.node + "\"); this is Node.js " +
        version + " (" + process.execPath + "). Install Node.js " + required + "+ from https://nodejs.org/en/download " +
        "(or: nvm install " + required + " && nvm use " + required + "), then run the command again.\n"
    );
    process.exit(1);
}
