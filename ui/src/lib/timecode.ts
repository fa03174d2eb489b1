// Subtitle times as people type them: "1:02.5", "62.5", "00:01:02,500".

/// Milliseconds in `text` (h:mm:ss, m:ss or seconds; "," or "." before the fraction), or null.
export function parseTime(text: string): number | null {
  const m = text.trim().replace(",", ".").match(/^(?:(?:(\d+):)?(\d{1,2}):)?(\d+(?:\.\d{1,3})?)$/);
  if (!m) return null;
  const [, h, min, s] = m;
  return Math.round(((Number(h ?? 0) * 60 + Number(min ?? 0)) * 60 + Number(s)) * 1000);
}

/// 62_500 → "1:02.500": what the time fields show.
export function formatTime(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const frac = String(ms % 1000).padStart(3, "0");
  const mm = String(Math.floor(s / 60) % 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${mm.padStart(2, "0")}:${ss}.${frac}` : `${mm}:${ss}.${frac}`;
}
