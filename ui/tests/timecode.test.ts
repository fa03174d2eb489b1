import { describe, expect, it } from "vitest";
import { formatTime, parseTime } from "../src/lib/timecode";

describe("typed subtitle times", () => {
  it("read every usual form", () => {
    expect(parseTime("62.5")).toBe(62_500);
    expect(parseTime("1:02.5")).toBe(62_500);
    expect(parseTime("00:01:02,500")).toBe(62_500);
    expect(parseTime("1:00:00")).toBe(3_600_000);
    expect(parseTime(" 7 ")).toBe(7_000);
  });

  it("refuse what is not a time", () => {
    for (const bad of ["", "abc", "1:2:3:4", "-5", "1:99x"]) expect(parseTime(bad)).toBeNull();
  });

  it("round-trip what they show", () => {
    for (const ms of [0, 62_500, 3_723_004]) expect(parseTime(formatTime(ms))).toBe(ms);
  });
});
