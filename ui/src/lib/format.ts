// Small formatting helpers shared by the screens.

/// 754_000 → "12:34"; with hours when there are any: "1:02:03".
export function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor(s / 60) % 60).padStart(h > 0 ? 2 : 1, "0");
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/// A duration for people: "45 s", "3 min", "1 h 20 min".
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  return `${Math.floor(min / 60)} h ${min % 60} min`;
}

/// The confidence tint class of a word: the recogniser's probability in three bands.
export function tint(probability: number): "sure" | "unsure" | "doubtful" {
  if (probability >= 0.8) return "sure";
  return probability >= 0.5 ? "unsure" : "doubtful";
}

/// Splits `text` at a character range. The store counts characters as Unicode scalar values
/// (Rust's `char`), as `Array.from` does, not JavaScript's UTF-16 units.
export function splitAt(text: string, [start, end]: [number, number]): [string, string, string] {
  const chars = Array.from(text);
  return [chars.slice(0, start).join(""), chars.slice(start, end).join(""), chars.slice(end).join("")];
}
