import { describe, expect, it } from "vitest";
import type { QueueItem } from "../src/lib/api";
import { defaultFilter, nextPending, Pace, visible } from "../src/lib/queue";

let id = 0;
const flag = (surface: string, kind = "fuzzy", score = 0.8, state = "pending"): QueueItem => ({
  id: ++id,
  media_id: 1,
  file: "a.wav",
  start_ms: id * 1000,
  end_ms: id * 1000 + 900,
  surface,
  kind,
  score,
  state,
  suggestion: null,
  decided_text: null,
});

describe("the review queue", () => {
  const items = [
    flag("Krishna"),
    flag("gita", "known-variant", 0.95),
    flag("Arjun", "fuzzy", 0.4),
    flag("krishna", "fuzzy", 0.9, "accept"),
    flag("Gita", "known-variant", 0.97),
    flag("KRISHNA"),
  ];

  it("filters by kind, score and state", () => {
    expect(visible(items, { ...defaultFilter, kinds: ["known-variant"] }).map((f) => f.surface)).toEqual(["gita", "Gita"]);
    expect(visible(items, { ...defaultFilter, minScore: 0.5 })).not.toContainEqual(items[2]);
    expect(visible(items, { ...defaultFilter, pendingOnly: true })).not.toContainEqual(items[3]);
  });

  it("groups by term, the most frequent first, ignoring case", () => {
    const grouped = visible(items, { ...defaultFilter, groupByTerm: true }).map((f) => f.surface);
    expect(grouped).toEqual(["Krishna", "krishna", "KRISHNA", "gita", "Gita", "Arjun"]);
  });

  it("finds the next pending flag, wrapping, and none when all are decided", () => {
    expect(nextPending(items, 2)).toBe(4);
    expect(nextPending(items, 5)).toBe(0);
    expect(nextPending([flag("x", "fuzzy", 1, "keep")], 0)).toBe(-1);
  });
});

describe("the time-left estimate", () => {
  it("uses the median pace and ignores breaks", () => {
    const pace = new Pace();
    expect(pace.estimate(10)).toBeNull();
    [0, 2000, 5000, 7000, 600_000, 602_000].forEach((t) => pace.decided(t));
    // Gaps 2000, 3000, 2000, (break), 2000: median 2000 ms.
    expect(pace.msPerDecision()).toBe(2000);
    expect(pace.estimate(30)).toBe(60_000);
  });
});
