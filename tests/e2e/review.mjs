// The end-to-end scenario (see run.sh): open the golden project, review flags by keyboard
// (accept, replace, mark correct, apply to all, undo, redo, not Sanskrit), export, and compare
// the SRT with the expected file. Screenshots of the screens; latency, start-up and memory
// figures printed as JSON.
import { execSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Key, Session, sleep } from "./webdriver.mjs";

const [server, app, work, expectedDir, shots] = process.argv.slice(2);
const SRT = "gita_ch1_battlefield.asr.srt";

const started = performance.now();
const s = await Session.start(server, { "tauri:options": { application: app } });
const figures = {};
try {
  await s.find("mark[data-testid=flagged]", 30000);
  figures.start_to_review_ms = Math.round(performance.now() - started);

  const current = () => s.text("mark[data-testid=flagged]");
  const left = async () => Number((await s.text("[data-testid=left] strong")).trim());
  /// Waits for the pane to move on from `surface` with `count` flags left.
  const moved = (count) =>
    s.until(`() => document.querySelector("[data-testid=left] strong")?.textContent.trim() === "${count}"`, `${count} flags left`);

  await s.screenshot().then((png) => writeFileSync(join(shots, "review.png"), png));
  const total = await left();
  const log = [];

  // 1. Accept the top suggestion.
  log.push(["accept", await current()]);
  await s.press(Key.Enter);
  await moved(total - 1);

  // 2. Type a replacement.
  log.push(["replace", await current()]);
  await s.press("e");
  await s.find("[data-testid=edit]");
  await s.clear("[data-testid=edit]");
  await s.type("[data-testid=edit]", "Dhṛtarāṣṭra");
  await s.press(Key.Enter);
  await moved(total - 2);

  // 3. Mark correct as heard.
  log.push(["keep", await current()]);
  await s.press("c");
  await moved(total - 3);

  // 4. Apply to all instances, after the preview.
  const surface = await current();
  await s.press(Key.Enter, Key.Shift);
  const preview = await s.text("[data-testid=confirm-all]");
  const instances = Number(preview.match(/for (\d+) instance/)[1]);
  log.push(["accept-all", surface, instances]);
  await s.press(Key.Enter);
  await moved(total - 3 - instances);

  // 5. Undo it (the whole group), then redo.
  await s.press("z", Key.Control);
  await moved(total - 3);
  log.push(["undo", surface]);
  await s.press("z", Key.Control, Key.Shift);
  await moved(total - 3 - instances);
  log.push(["redo", surface]);

  // 6. Not Sanskrit.
  log.push(["not-sanskrit", await current()]);
  await s.press("n");
  await moved(total - 4 - instances);

  // Play the segment and the word, slower: the player reports its position as it goes.
  await s.press(Key.Space);
  await s.until(`() => document.querySelector("canvas")?.dataset.cursor !== ""`, "a playback position");
  await s.press("r");
  await s.press("s");

  const latencies = await s.script("return window.__shrutiLatency;");
  figures.decisions = log;
  figures.key_to_next_flag_ms = summary(latencies);

  // Export, and compare with the expected file.
  await s.click("[data-screen=export]");
  await s.clear("[data-testid=export-dir]");
  const out = join(work, "export");
  await s.type("[data-testid=export-dir]", out);
  await s.click("[data-testid=export]");
  await s.find("[data-testid=written]");
  const got = readFileSync(join(out, SRT), "utf8");
  const expected = readFileSync(join(expectedDir, SRT.replace(".asr.srt", ".expected.srt")), "utf8");
  if (got !== expected) {
    writeFileSync(join(work, "got.srt"), got);
    execSync(`diff -u ${join(expectedDir, SRT.replace(".asr.srt", ".expected.srt"))} ${join(work, "got.srt")} >&2 || true`, {
      stdio: "inherit",
    });
    throw new Error("the exported SRT differs from the expected file");
  }

  await s.click("[data-screen=batch]");
  await s.find("table tbody tr");
  await s.screenshot().then((png) => writeFileSync(join(shots, "batch.png"), png));

  await sleep(2000);
  figures.idle_rss_mb = rss();
  console.log(JSON.stringify(figures, null, 2));
} finally {
  await s.end().catch(() => {});
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] * 10) / 10;
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), max: at(1) };
}

/// Resident memory of the app and of its WebKit processes, MB.
function rss() {
  const mb = (pid) => {
    const line = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/);
    return line ? Number(line[1]) / 1024 : 0;
  };
  const pids = (pattern) =>
    execSync(`pgrep -f '${pattern}' || true`).toString().trim().split("\n").filter(Boolean).map(Number);
  const appPids = pids(app);
  const web = pids("WebKitWebProcess").concat(pids("WebKitNetworkProcess"));
  const round = (x) => Math.round(x);
  return { app: round(appPids.map(mb).reduce((a, b) => a + b, 0)), webkit: round(web.map(mb).reduce((a, b) => a + b, 0)) };
}
