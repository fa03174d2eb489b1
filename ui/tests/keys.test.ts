import { describe, expect, it } from "vitest";
import { commandFor, LEGEND, type KeyLike } from "../src/lib/keys";

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  shiftKey: false,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

describe("review keys", () => {
  it("map the legend's keys to their commands", () => {
    expect(commandFor(key("j"))).toEqual({ kind: "next" });
    expect(commandFor(key("K", { shiftKey: true }))).toEqual({ kind: "previous" });
    expect(commandFor(key("Enter"))).toEqual({ kind: "accept", suggestion: 0 });
    expect(commandFor(key("3"))).toEqual({ kind: "accept", suggestion: 2 });
    expect(commandFor(key("Enter", { shiftKey: true }))).toEqual({ kind: "accept-all" });
    expect(commandFor(key("e"))).toEqual({ kind: "replace" });
    expect(commandFor(key("c"))).toEqual({ kind: "keep" });
    expect(commandFor(key("n"))).toEqual({ kind: "not-sanskrit" });
    expect(commandFor(key("a"))).toEqual({ kind: "add-variant" });
    expect(commandFor(key(" "))).toEqual({ kind: "play-segment" });
    expect(commandFor(key("r"))).toEqual({ kind: "replay-word" });
    expect(commandFor(key("s"))).toEqual({ kind: "slower" });
    expect(commandFor(key("l"))).toEqual({ kind: "loop" });
  });

  it("tell undo from redo by Shift", () => {
    expect(commandFor(key("z", { ctrlKey: true }))).toEqual({ kind: "undo" });
    expect(commandFor(key("Z", { ctrlKey: true, shiftKey: true }))).toEqual({ kind: "redo" });
    expect(commandFor(key("z", { metaKey: true }))).toEqual({ kind: "undo" });
  });

  it("leave other keys and shortcuts to the system", () => {
    expect(commandFor(key("c", { ctrlKey: true }))).toBeNull(); // copy
    expect(commandFor(key("0"))).toBeNull();
    expect(commandFor(key("x"))).toBeNull();
    expect(commandFor(key("Tab"))).toBeNull();
  });

  it("list every mapped key in the legend", () => {
    const shown = LEGEND.map(([k]) => k).join(" ");
    for (const k of ["J", "K", "Enter", "Shift+Enter", "E", "C", "N", "A", "Ctrl+Z", "Space", "R", "S", "L"]) {
      expect(shown).toContain(k);
    }
  });
});
