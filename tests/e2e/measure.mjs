// Figures the e2e test and the benchmark report: percentiles, and the resident memory of the
// app and its WebKit processes.
import { execSync } from "node:child_process";
import { readFileSync } from "node:fs";

export function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] * 10) / 10;
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), max: at(1) };
}

/// Resident memory, MB, of the app (the process running `app`) and of WebKit's processes.
export function rss(app) {
  const mb = (pid) => {
    try {
      return Number(readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/)[1]) / 1024;
    } catch {
      return 0; // gone (pgrep's own shell)
    }
  };
  const pids = (pattern) => execSync(`pgrep -f '${pattern}' || true`).toString().trim().split("\n").filter(Boolean);
  const sum = (list) => Math.round(list.map(mb).reduce((a, b) => a + b, 0));
  return { app: sum(pids("^" + app)), webkit: sum(pids("WebKitWebProcess").concat(pids("WebKitNetworkProcess"))) };
}
