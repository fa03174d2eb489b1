// The review queue as the pane walks it: filtered by kind and score, optionally grouped by term,
// with the count left and an estimate of the time left from the expert's own pace.
import type { QueueItem } from "./api";

export interface Filter {
  kinds: string[]; // empty: every kind
  minScore: number;
  pendingOnly: boolean;
  groupByTerm: boolean;
}

export const defaultFilter: Filter = { kinds: [], minScore: 0, pendingOnly: false, groupByTerm: false };

/// The flags to walk, in order: review order (file, time), or grouped by term (the most
/// frequent term first, so "apply to all" clears the most at once).
export function visible(items: QueueItem[], filter: Filter): QueueItem[] {
  const shown = items.filter(
    (f) =>
      (filter.kinds.length === 0 || filter.kinds.includes(f.kind)) &&
      f.score >= filter.minScore &&
      (!filter.pendingOnly || f.state === "pending"),
  );
  if (!filter.groupByTerm) return shown;
  const key = (f: QueueItem) => f.surface.toLocaleLowerCase();
  const count = new Map<string, number>();
  const first = new Map<string, number>();
  shown.forEach((f, i) => {
    count.set(key(f), (count.get(key(f)) ?? 0) + 1);
    if (!first.has(key(f))) first.set(key(f), i);
  });
  return [...shown].sort(
    (a, b) =>
      count.get(key(b))! - count.get(key(a))! || first.get(key(a))! - first.get(key(b))! || a.id - b.id,
  );
}

/// The next pending flag after `index` (wrapping), or -1 when none is left.
export function nextPending(items: QueueItem[], index: number): number {
  for (let step = 1; step <= items.length; step++) {
    const i = (index + step) % items.length;
    if (items[i].state === "pending") return i;
  }
  return -1;
}

/// Tracks the expert's pace: the median gap between recent decisions.
export class Pace {
  private times: number[] = [];
  constructor(private readonly window = 20) {}

  decided(atMs: number): void {
    this.times.push(atMs);
    if (this.times.length > this.window + 1) this.times.shift();
  }

  /// Median ms per decision, ignoring breaks (gaps over 2 min), or null before there is one.
  msPerDecision(): number | null {
    const gaps = this.times
      .slice(1)
      .map((t, i) => t - this.times[i])
      .filter((g) => g > 0 && g < 120_000)
      .sort((a, b) => a - b);
    if (gaps.length === 0) return null;
    return gaps[Math.floor(gaps.length / 2)];
  }

  /// Estimated ms to decide `left` more flags.
  estimate(left: number): number | null {
    const each = this.msPerDecision();
    return each === null ? null : each * left;
  }
}
