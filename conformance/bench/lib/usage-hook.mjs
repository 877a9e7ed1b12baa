// Loaded with --import (through NODE_OPTIONS, so ascp's simulator inherits it too): at exit, appends the
// process's own CPU time and peak RSS to $BENCH_USAGE_FILE. Read in-process because /proc/<pid> is gone by the
// time a parent sees the exit, and Node has no wait4() rusage for children.
import { appendFileSync, readFileSync } from "node:fs";

const out = process.env.BENCH_USAGE_FILE;
if (out) {
  process.on("exit", () => {
    const u = process.resourceUsage();
    let hwmKb = null;
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "latin1"));
      if (m) hwmKb = Number(m[1]);
    } catch {
      // not Linux: maxRSS below is the same figure
    }
    const line = { pid: process.pid, script: process.argv[1] ?? "", user_us: u.userCPUTime, sys_us: u.systemCPUTime, max_rss_kb: u.maxRSS, hwm_kb: hwmKb };
    appendFileSync(out, `${JSON.stringify(line)}\n`);
  });
}
