// The desktop app's speed in a real WebKit window (see bench.sh): cold start, a 10,000-flag
// queue (load and scrolling), key press to the next flag shown and playing, idle memory. Each
// figure comes with a reference measured in the same run: an empty command's round trip plus
// one frame (the least any key press can cost), and a frame of an idle page.
import { memory, stats } from "./measure.mjs";
import { Session } from "./webdriver.mjs";

const [server, app] = process.argv.slice(2);

const started = performance.now();
const s = await Session.start(server, { "tauri:options": { application: app } });
const out = {};
try {
  await s.find("mark[data-testid=flagged]", 60000);
  out.cold_start_to_review_ms = Math.round(performance.now() - started);
  out.flags = Number((await s.text("[data-testid=left]")).match(/of (\d+)/)[1]);

  // In the page: time a function over `n` runs, each ending when the next frame is drawn.
  const timed = async (body, n) =>
    s.cmd("POST", "/execute/async", {
      script: `
        const done = arguments[arguments.length - 1];
        const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
        const invoke = window.__TAURI_INTERNALS__.invoke;
        const key = (k) => window.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
        const left = () => document.querySelector("mark[data-testid=flagged]")?.textContent;
        (async () => {
          const times = [];
          for (let i = 0; i < ${n}; i++) {
            const t = performance.now();
            await (async () => { ${body} })();
            await frame();
            times.push(performance.now() - t);
          }
          done(times);
        })();`,
      args: [],
    });

  out.reference_ipc_and_frame_ms = stats(await timed(`await invoke("audio_status");`, 50));
  out.queue_load_ms = stats(await timed(`await invoke("review_queue");`, 10));
  // J: the next flag shown (its detail and audio already fetched ahead) and playing.
  out.key_to_next_flag_ms = stats(
    await timed(
      `const before = window.__shrutiLatency.length; key("j");
       while (window.__shrutiLatency.length === before) await new Promise((r) => setTimeout(r, 1));`,
      60,
    ),
  );
  out.key_to_next_flag_self_reported_ms = stats((await s.script("return window.__shrutiLatency;")).slice(-60));
  // The floor of any visible change here: one word of the pane rewritten, then the frame.
  out.reference_text_change_and_frame_ms = stats(
    await timed(`document.querySelector("mark[data-testid=flagged]").textContent += "";
                 document.querySelector(".file").textContent = String(Math.random());`, 30),
  );

  // Scrolling the queue: 300 frames, 3 rows a frame.
  out.scroll_frame_ms = stats(
    await s.cmd("POST", "/execute/async", {
      script: `
        const done = arguments[0];
        const list = document.querySelector("[role=listbox]");
        const times = [];
        let last = performance.now();
        let i = 0;
        const step = () => {
          list.scrollTop += 96;
          const now = performance.now();
          times.push(now - last);
          last = now;
          if (++i < 300) requestAnimationFrame(step); else done(times.slice(1));
        };
        requestAnimationFrame(step);`,
      args: [],
    }),
  );
  out.rows_in_dom = await s.script(`return document.querySelectorAll("[role=option]").length;`);
  out.idle_frame_ms = stats(
    await s.cmd("POST", "/execute/async", {
      script: `
        const done = arguments[0]; const times = []; let last = performance.now(); let i = 0;
        const step = () => { const now = performance.now(); times.push(now - last); last = now;
          if (++i < 120) requestAnimationFrame(step); else done(times.slice(1)); };
        requestAnimationFrame(step);`,
      args: [],
    }),
  );

  await new Promise((r) => setTimeout(r, 5000));
  out.idle_memory_mb = memory(app);
  console.log(JSON.stringify(out, null, 2));
} finally {
  await s.end().catch(() => {});
}
