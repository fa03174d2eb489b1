// Figures the e2e test and the benchmark report: percentiles, and the memory of the app and its
// WebKit processes.
import { execSync } from "node:child_process";
import { readFileSync } from "node:fs";

export function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] * 10) / 10;
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), max: at(1) };
}

/// Memory, MB, of the app (the process running `app`) and of WebKit's processes: resident (RSS,
/// which counts shared libraries in full in each process), proportional (PSS: each shared page
/// divided among the processes mapping it, so the sum is what they cost together) and private.
export function memory(app) {
  const read = (pid) => {
    try {
      const text = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
      const kb = (field) => Number(text.match(new RegExp(`^${field}:\\s+(\\d+)`, "m"))[1]);
      return { rss: kb("Rss"), pss: kb("Pss"), private: kb("Private_Clean") + kb("Private_Dirty") };
    } catch {
      return { rss: 0, pss: 0, private: 0 }; // gone (pgrep's own shell)
    }
  };
  const pids = (pattern) => execSync(`pgrep -f '${pattern}' || true`).toString().trim().split("\n").filter(Boolean);
  const sum = (list) => {
    const all = list.map(read);
    const mb = (k) => Math.round(all.reduce((a, m) => a + m[k], 0) / 1024);
    return { rss: mb("rss"), pss: mb("pss"), private: mb("private") };
  };
  const parts = { app: sum(pids("^" + app)), webkit: sum(pids("WebKitWebProcess").concat(pids("WebKitNetworkProcess"))) };
  return { ...parts, total_pss: parts.app.pss + parts.webkit.pss };
}
