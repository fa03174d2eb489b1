// The app-wide state the screens share (Svelte 5 runes).
import type { AudioStatus, Settings, Summary } from "./api";

export type Screen = "open" | "batch" | "review" | "transcript" | "lexicon" | "export" | "settings";

export const app = $state({
  screen: "open" as Screen,
  summary: null as Summary | null,
  settings: null as Settings | null,
  audio: { available: false, device: null, notice: null } as AudioStatus,
  /// The last error, shown in the bar until dismissed.
  error: null as string | null,
  /// Where the review pane goes next (a search result): the first flag at or after this place.
  focus: null as { file: string; start_ms: number } | null,
  /// Bumped on every jump, so an open review pane follows it too.
  focusSerial: 0,
});

/// Runs `f`, showing its error in the bar instead of throwing.
export async function attempt<T>(f: () => Promise<T>): Promise<T | undefined> {
  try {
    app.error = null;
    return await f();
  } catch (e) {
    app.error = String(e);
    return undefined;
  }
}
