// The review pane's keyboard: one key per decision, shown in the on-screen legend. A pure
// mapping from a key event to a command, so the legend and the handler cannot disagree.

export type Command =
  | { kind: "next" }
  | { kind: "previous" }
  | { kind: "accept"; suggestion: number }
  | { kind: "accept-all" }
  | { kind: "replace" }
  | { kind: "keep" }
  | { kind: "not-sanskrit" }
  | { kind: "add-variant" }
  | { kind: "undo" }
  | { kind: "redo" }
  | { kind: "play-segment" }
  | { kind: "replay-word" }
  | { kind: "slower" }
  | { kind: "loop" };

export interface KeyLike {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

/// What `event` asks for, or null (a key the pane does not use, or one typed into a field).
export function commandFor(event: KeyLike): Command | null {
  const mod = event.ctrlKey || event.metaKey;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  if (mod && key === "z") return event.shiftKey ? { kind: "redo" } : { kind: "undo" };
  if (mod && key === "y") return { kind: "redo" };
  if (mod || event.altKey) return null;
  if (key === "Enter") return event.shiftKey ? { kind: "accept-all" } : { kind: "accept", suggestion: 0 };
  if (/^[1-9]$/.test(key) && !event.shiftKey) return { kind: "accept", suggestion: Number(key) - 1 };
  switch (key) {
    case "j":
    case "ArrowDown":
      return { kind: "next" };
    case "k":
    case "ArrowUp":
      return { kind: "previous" };
    case "e":
      return { kind: "replace" };
    case "c":
      return { kind: "keep" };
    case "n":
      return { kind: "not-sanskrit" };
    case "a":
      return { kind: "add-variant" };
    case " ":
      return { kind: "play-segment" };
    case "r":
      return { kind: "replay-word" };
    case "s":
      return { kind: "slower" };
    case "l":
      return { kind: "loop" };
  }
  return null;
}

/// The legend, in the order it is shown.
export const LEGEND: [string, string][] = [
  ["J / K", "next / previous"],
  ["Enter, 1–9", "accept suggestion"],
  ["Shift+Enter", "accept for all instances"],
  ["E", "type a replacement"],
  ["C", "correct as heard"],
  ["N", "not Sanskrit"],
  ["A", "add heard spelling as variant"],
  ["Ctrl+Z / Ctrl+Shift+Z", "undo / redo"],
  ["Space", "play segment"],
  ["R", "replay word"],
  ["S", "slower (0.5–1×)"],
  ["L", "loop"],
];
