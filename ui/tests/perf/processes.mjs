// The app's processes as /proc shows them, for the memory and start-up figures: the process
// running the app binary and its descendants (WebKit's web and network processes), and their
// proportional set size (PSS: shared pages divided among the processes mapping them), and
// when the app started.
import { readFileSync, readdirSync } from "node:fs";

/** The process running `exe` and all its descendants: `{ pid, ppid, cmd }` each. */
export function processTree(exe) {
  const procs = readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0];
      return { pid: Number(pid), ppid, cmd };
    } catch {
      return null;
    }
  }).filter(Boolean);
  const seen = new Set(procs.filter((p) => p.cmd === exe).map((p) => p.pid));
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of procs) if (!seen.has(p.pid) && seen.has(p.ppid)) (seen.add(p.pid), (grew = true));
  }
  return procs.filter((p) => seen.has(p.pid));
}

/** PSS (KiB) of one process. */
export function pss(pid) {
  try {
    return Number(/Pss:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** PSS (KiB) of the process running `exe` and all its descendants. */
export function treePss(exe) {
  return processTree(exe).reduce((sum, p) => sum + pss(p.pid), 0);
}

/** PSS (MiB, one decimal) of each process in the tree, by program name. */
export function pssByProcess(exe) {
  const out = {};
  for (const p of processTree(exe)) {
    const name = p.cmd.split("/").pop();
    out[name] = Math.round(((out[name] ?? 0) * 1024 + pss(p.pid)) / 102.4) / 10;
  }
  return out;
}

/** When the process running `exe` started, in ms since the epoch (from /proc: 10 ms resolution). */
export function startedAt(exe) {
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0] !== exe) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const ticks = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
      const uptime = Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]);
      return Date.now() - uptime * 1000 + ticks * 10; // CLK_TCK is 100 on Linux
    } catch {
      continue;
    }
  }
  return NaN;
}
