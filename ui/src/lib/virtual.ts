// A virtualised list: only the rows in view (and a few around) are in the DOM, so a queue of
// 10,000 flags scrolls as smoothly as one of ten.

export interface Window {
  first: number; // index of the first row rendered
  last: number; // one past the last
  offset: number; // px from the top of the list to the first rendered row
  total: number; // px height of the whole list
}

export function windowFor(count: number, rowHeight: number, scrollTop: number, viewHeight: number, overscan = 8): Window {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + viewHeight) / rowHeight) + overscan);
  return { first, last: Math.max(first, last), offset: first * rowHeight, total: count * rowHeight };
}

/// The scrollTop that brings row `index` into view, or null when it already is.
export function scrollToShow(index: number, rowHeight: number, scrollTop: number, viewHeight: number): number | null {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewHeight) return top + rowHeight - viewHeight;
  return null;
}
