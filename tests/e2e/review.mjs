// The end-to-end scenario (see run.sh): open the golden project, review its seven flags by
// keyboard (apply to all, undo, redo, accept, replace, mark correct), play, export, and compare
// the SRT with the expected file. Screenshots of the screens; latency, start-up and memory
// figures printed as JSON.
import { execSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { memory, stats } from "./measure.mjs";
import { Key, Session, sleep } from "./webdriver.mjs";

const [server, app, work, expectedDir, shots] = process.argv.slice(2);
const SRT = "lecture.asr.srt";

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
  /// Waits for the pane to show the flag on `surface`: the count of flags left can change a
  /// moment before the pane moves on (after a redo, the queue reloads, then the next flag shows).
  const expect = async (surface) => {
    const script = `() => document.querySelector("mark[data-testid=flagged]")?.textContent === ${JSON.stringify(surface)}`;
    try {
      await s.until(script, `the flag on ${surface}`, 5000);
    } catch {
      throw new Error(`expected the flag on “${surface}”, the pane shows “${await current()}”`);
    }
  };

  // 1. "Arduna" is heard four times: accept "Arjuna" for every instance, after the preview.
  await expect("Arduna");
  await s.press(Key.Enter, Key.Shift);
  const preview = await s.text("[data-testid=confirm-all]");
  const instances = Number(preview.match(/for (\d+) instance/)[1]);
  if (instances !== 4) throw new Error(`the preview says ${instances} instances, not 4: ${preview}`);
  await s.press(Key.Enter);
  await moved(total - 4);
  log.push(["accept-all", "Arduna", instances]);

  // 2. Undo takes back all four; redo makes them again.
  await s.press("z", Key.Control);
  await moved(total);
  await s.press("z", Key.Control, Key.Shift);
  await moved(total - 4);
  log.push(["undo"], ["redo"]);

  // 3. Accept the suggestion.
  await expect("Pandavan");
  await s.press(Key.Enter);
  await moved(total - 5);
  log.push(["accept", "Pandavan"]);

  // 4. Type a replacement: the locative, as the lecturer said it.
  await expect("Kurukshetre");
  await s.press("e");
  await s.find("[data-testid=edit]");
  await s.clear("[data-testid=edit]");
  await s.type("[data-testid=edit]", "Kurukṣetre");
  await s.press(Key.Enter);
  await moved(total - 6);
  log.push(["replace", "Kurukshetre", "Kurukṣetre"]);

  // 5. Mark correct as heard.
  await expect("dharmakshetre");
  await s.press("c");
  await moved(total - 7);
  log.push(["keep", "dharmakshetre"]);

  // Play the segment and the word, slower: the player reports its position as it goes.
  await s.press("k");
  await s.press(Key.Space);
  await s.until(`() => document.querySelector("canvas")?.dataset.cursor !== ""`, "a playback position");
  await s.press("r");
  await s.press("s");

  const latencies = await s.script("return window.__shrutiLatency;");
  figures.decisions = log;
  figures.key_to_next_flag_ms = stats(latencies);

  // Export, and compare with the expected file.
  await s.click("[data-screen=export]");
  await s.clear("[data-testid=export-dir]");
  const out = join(work, "export");
  await s.type("[data-testid=export-dir]", out);
  await s.click("[data-testid=reveal]"); // no file manager under Xvfb
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

  // The batch: transcribe the recording (tiny.en), with live progress.
  await s.click("[data-screen=batch]");
  await s.find("table tbody tr");
  await s.click("[data-testid=start]");
  await s.find("tr.running progress", 60000);
  await s.until(`() => Number(document.querySelector("tr.running progress")?.value) > 0`, "transcription progress", 60000);
  await s.screenshot().then((png) => writeFileSync(join(shots, "batch.png"), png));
  const batchStarted = performance.now();
  await s.until(`() => [...document.querySelectorAll(".log li")].some((li) => li.textContent === "batch finished")`, "the batch to finish", 300000);
  figures.batch_seconds = Math.round((performance.now() - batchStarted) / 100) / 10;
  const states = await s.script(`return [...document.querySelectorAll("tbody tr td:nth-child(2)")].map((td) => td.textContent);`);
  if (states.some((st) => !st.startsWith("done"))) throw new Error(`files not done after the batch: ${states}`);

  // The lexicon: search by a heard spelling; typing IAST fills in Devanagari.
  await s.click("[data-screen=lexicon]");
  await s.type("[data-testid=lexicon-search]", "arjun");
  await s.find(".results button");
  await s.click(".results button");
  await s.type("[data-testid=new-iast]", "Viṣādayoga");
  await s.until(`() => document.querySelector("[data-testid=new-deva]")?.value === "विषादयोग"`, "the Devanagari of Viṣādayoga");
  await s.screenshot().then((png) => writeFileSync(join(shots, "lexicon.png"), png));

  await sleep(2000);
  figures.idle_memory_mb = memory(app);
  console.log(JSON.stringify(figures, null, 2));
} finally {
  await s.end().catch(() => {});
}
