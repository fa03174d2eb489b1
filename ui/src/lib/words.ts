// Where a flag's words are in time: the flag gives a character range of the segment's text,
// the recogniser gives each word's text and time.
import type { SegmentView, WordView } from "./api";

/// The words of `segment` that overlap the character range `span`, found by locating each
/// word's text in the segment text in order. Empty when the segment has no word times
/// (imported subtitles).
export function wordsInSpan(segment: SegmentView, span: [number, number]): WordView[] {
  const chars = Array.from(segment.text);
  const text = chars.join("");
  const out: WordView[] = [];
  let from = 0; // UTF-16 offset where the search for the next word starts
  for (const w of segment.words) {
    const needle = w.text.trim();
    if (!needle) continue;
    const at = text.indexOf(needle, from);
    if (at < 0) continue;
    from = at + needle.length;
    const start = Array.from(text.slice(0, at)).length;
    const end = start + Array.from(needle).length;
    if (start < span[1] && end > span[0]) out.push(w);
  }
  return out;
}

/// The time range to replay for a flag: its words with `margin` ms on each side, kept within
/// the segment; the whole segment when the words are unknown.
export function replayRange(segment: SegmentView, span: [number, number], margin = 150): [number, number] {
  const words = wordsInSpan(segment, span);
  if (words.length === 0) return [segment.start_ms, segment.end_ms];
  const start = Math.max(segment.start_ms, Math.min(...words.map((w) => w.start_ms)) - margin);
  const end = Math.min(segment.end_ms, Math.max(...words.map((w) => w.end_ms)) + margin);
  return [start, end];
}
