import { describe, expect, it } from "vitest";
import type { SegmentView } from "../src/lib/api";
import { replayRange, wordsInSpan } from "../src/lib/words";

const segment: SegmentView = {
  idx: 0,
  start_ms: 1000,
  end_ms: 5000,
  text: "Then Kṛṣṇa spoke to Arjun",
  auto_text: "Then Kṛṣṇa spoke to Arjuna",
  words: [
    { text: " Then", start_ms: 1000, end_ms: 1300, probability: 0.9 },
    { text: " Kṛṣṇa", start_ms: 1300, end_ms: 1900, probability: 0.4 },
    { text: " spoke", start_ms: 1900, end_ms: 2300, probability: 0.9 },
    { text: " to", start_ms: 2300, end_ms: 2400, probability: 0.9 },
    { text: " Arjun", start_ms: 2400, end_ms: 4950, probability: 0.3 },
  ],
};

describe("a flag's words in time", () => {
  it("finds the words under a character range", () => {
    expect(wordsInSpan(segment, [5, 10]).map((w) => w.text)).toEqual([" Kṛṣṇa"]);
    expect(wordsInSpan(segment, [11, 19]).map((w) => w.text)).toEqual([" spoke", " to"]);
  });

  it("replays the word with a margin, kept inside the segment", () => {
    expect(replayRange(segment, [5, 10])).toEqual([1150, 2050]);
    expect(replayRange(segment, [20, 25])).toEqual([2250, 5000]);
  });

  it("replays the whole segment when word times are unknown", () => {
    expect(replayRange({ ...segment, words: [] }, [5, 10])).toEqual([1000, 5000]);
  });
});
