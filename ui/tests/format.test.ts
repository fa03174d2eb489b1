import { describe, expect, it } from "vitest";
import { clock, duration, splitAt, tint } from "../src/lib/format";
import { scrollToShow, windowFor } from "../src/lib/virtual";

describe("formatting", () => {
  it("shows times as a clock", () => {
    expect(clock(0)).toBe("0:00");
    expect(clock(754_000)).toBe("12:34");
    expect(clock(3_723_000)).toBe("1:02:03");
  });

  it("shows durations for people", () => {
    expect(duration(45_000)).toBe("45 s");
    expect(duration(180_000)).toBe("3 min");
    expect(duration(4_800_000)).toBe("1 h 20 min");
  });

  it("tints by confidence", () => {
    expect([tint(0.95), tint(0.6), tint(0.2)]).toEqual(["sure", "unsure", "doubtful"]);
  });

  it("splits at character ranges, not UTF-16 units", () => {
    expect(splitAt("Kṛṣṇa spoke", [0, 5])).toEqual(["", "Kṛṣṇa", " spoke"]);
    expect(splitAt("श्री कृष्ण", [5, 10])).toEqual(["श्री ", "कृष्ण", ""]);
    expect(splitAt("a 𝄞 b", [2, 3])).toEqual(["a ", "𝄞", " b"]);
  });
});

describe("the virtualised list", () => {
  it("renders only the rows in view and a few around", () => {
    const w = windowFor(10_000, 30, 30_000, 600);
    expect(w.first).toBe(992);
    expect(w.last).toBe(1028);
    expect(w.offset).toBe(992 * 30);
    expect(w.total).toBe(300_000);
    expect(windowFor(5, 30, 0, 600)).toEqual({ first: 0, last: 5, offset: 0, total: 150 });
  });

  it("scrolls a row into view only when it is out of view", () => {
    expect(scrollToShow(10, 30, 0, 600)).toBeNull();
    expect(scrollToShow(30, 30, 0, 600)).toBe(330);
    expect(scrollToShow(2, 30, 300, 600)).toBe(60);
  });
});
