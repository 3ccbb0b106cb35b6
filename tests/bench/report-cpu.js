// Preloaded by tests/bench/startup.ts into the program's process: on exit, one line on stderr with the
// CPU time the process used and how long it lived, for the benchmark to read.
process.on("exit", function () {
    var cpu = process.cpuUsage();
    process.stderr.write("bench-cpu " + JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, wallMs: process.uptime() * 1000 }) + "\n");
});
