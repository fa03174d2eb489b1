// Typed wrappers of the app's commands (src-tauri/src/commands) and its events.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";

export interface Recent {
  project: string;
  source: string;
  opened_ms: number;
}

export interface JobCounts {
  queued: number;
  running: number;
  done: number;
  failed: number;
  quarantined: number;
}

export interface Summary {
  project: string;
  source: string;
  transcripts: number;
  pending: number;
  decided: number;
  jobs: JobCounts;
}

export interface Settings {
  reviewer: string;
  model: string;
  device: string;
  min_score: number;
  /** Re-score doubtful words against the audio when transcribing (slower). */
  rescore: boolean;
  /** Push the decoder towards lexicon terms: off, light, normal or strong. */
  bias: "off" | "light" | "normal" | "strong";
  recent: Recent[];
}

export interface QueueItem {
  id: number;
  media_id: number;
  file: string;
  start_ms: number;
  end_ms: number;
  surface: string;
  kind: string;
  score: number;
  state: string;
  suggestion: string | null;
  decided_text: string | null;
}

export interface Suggestion {
  text: string;
  score: number;
  source: string;
  deva?: string;
}

export interface Reason {
  reason: string;
  form?: string;
  score?: number;
  written?: number;
  /** sounds-like: weighted edits per sound, 0 the same sounds. */
  distance?: number;
}

export interface FlagRow {
  id: number;
  path: string;
  media_id: number;
  segment: number;
  start_ms: number;
  end_ms: number;
  context: string;
  surface: string;
  span: [number, number];
  kind: string;
  score: number;
  /** Why, as the engine reported it; `heard` carries the acoustic scores (nats per token). */
  reasons: Reason[];
  suggestions: Suggestion[];
  verse?: { work: string; ref: string; iast: string; also?: string[] };
  state: string;
  decided_text?: string;
  decided_by?: string;
}

export interface WordView {
  text: string;
  start_ms: number;
  end_ms: number;
  probability: number;
}

export interface SegmentView {
  idx: number;
  start_ms: number;
  end_ms: number;
  text: string;
  auto_text: string;
  words: WordView[];
}

export interface FlagDetail {
  flag: FlagRow;
  segments: SegmentView[];
  instances: number;
  path: string;
}

export type Decision =
  | { action: "accept"; suggestion: number }
  | { action: "replace"; text: string }
  | { action: "keep" }
  | { action: "not-sanskrit" }
  | { action: "add-variant"; iast: string }
  | { action: "add-entry"; iast: string; deva: string; category: string };

export interface DecisionRow {
  id: number;
  flag_id: number;
  action: string;
  text: string | null;
  expert: string;
  at: number;
}

export interface Changed {
  decisions: DecisionRow[];
  reflagged: boolean;
  can_redo: boolean;
}

export interface AudioStatus {
  available: boolean;
  device: string | null;
  notice: string | null;
}

export interface Waveform {
  start_ms: number;
  end_ms: number;
  peaks: [number, number][];
}

export interface Media {
  id: number;
  path: string;
  kind: "audio" | "subtitle";
  bytes: number;
}

export interface JobRow {
  id: number;
  media: Media;
  state: "queued" | "running" | "done" | "failed" | "quarantined";
  attempts: number;
  error_class: string | null;
  error: string | null;
}

export type BatchEvent =
  | { event: "scanned"; seen: number; new: number; known: number; queued: number; done: number }
  | { event: "started"; job: number; path: string; kind: string; duration_ms: number | null }
  | { event: "progress"; job: number; done_ms: number; total_ms: number | null }
  | { event: "live"; job: number; start_ms: number; end_ms: number; text: string }
  | { event: "done"; job: number; path: string; segments: number; corrections: number; flags: number; seconds: number }
  | { event: "failed"; job: number; path: string; class: string; error: string; state: string }
  | { event: "found"; path: string }
  | { event: "reflagged"; transcripts: number; added: number; removed: number };

/// A team batch's own news (its files' processing comes as BatchEvent).
export type TeamBatchEvent =
  | { event: "claimed"; job: number; path: string; attempt: number }
  | { event: "recorded"; job: number; path: string; first: boolean }
  | { event: "failed"; job: number; path: string; error: string }
  | { event: "late"; job: number; path: string; reason: string }
  | { event: "released"; job: number; path: string }
  | { event: "unsent"; job: number; path: string; reason: string };

export interface BatchFinished {
  cancelled: boolean;
  error: string | null;
  /// A team batch's results.
  team: { recorded: number; failed: number; late: number; unsent: number } | null;
}

export interface LexiconEntry {
  iast: string;
  deva: string;
  category: string;
  variants: string[];
  origin: string;
}

export type Addition =
  | { kind: "entry"; iast: string; deva: string; category: string; variants: string[] }
  | { kind: "variant"; iast: string; variant: string }
  | { kind: "amend"; iast: string; deva?: string; category?: string; remove_variants?: string[] };

export interface Hit {
  segment_id: number;
  score: number;
  path: string;
  start_ms: number;
  end_ms: number;
  text: string;
  pending_flags: number;
  decided_flags: number;
}

export interface ModelEntry {
  name: string;
  file: string;
  size: number;
  sha256: string;
  source: string;
  added: number;
}

export interface Models {
  installed: ModelEntry[];
  catalogue: [string, number][];
  folder: string;
}

export type FetchProgress =
  | { event: "source"; name: string; source: string }
  | { event: "bytes"; name: string; done: number; total: number | null }
  | { event: "converting"; name: string }
  | { event: "finished"; name: string; error: string | null; cancelled: boolean };

export interface Line {
  idx: number;
  start_ms: number;
  end_ms: number;
  text: string;
  corrected: string;
  words: WordView[];
}

export interface TeamEntry {
  id: string;
  iast: string;
  deva: string;
  category: string;
  variants: string[];
  deleted: boolean;
}

export interface TeamConflict {
  id: number;
  mine: TeamEntry;
  theirs: { entry: TeamEntry; version: number; updated_by: string; updated_at: number };
  conflict: { kind: "fields"; fields: string[] } | { kind: "same-key" };
  found_at: number;
}

export interface TeamStatus {
  server: string;
  user: string | null;
  pulled_to: number;
  entries: number;
  dirty: number;
  rejected: [string, string][];
  waiting_pushes: number;
  conflicts: TeamConflict[];
}

export interface SyncReport {
  pulled: number;
  merged: number;
  pushed: number;
  conflicts: number;
  rejected: number;
  /// Team jobs' results sent now (the server was out of reach when their batch ended).
  results: number;
  /// Of those, results the server no longer takes: kept here, as late.
  late: number;
  /// Team jobs whose review progress was reported.
  reviews: number;
  waiting: number;
  offline: string | null;
}

export type PlaybackEvent = { event: "position"; ms: number } | { event: "ended" };

export const api = {
  recentProjects: () => invoke<{ recent: Recent[]; problem: string | null }>("recent_projects"),
  openProject: (folder: string, source?: string) => invoke<Summary>("open_project", { folder, source }),
  projectSummary: () => invoke<Summary>("project_summary"),
  getSettings: () => invoke<Settings>("get_settings"),
  saveSettings: (settings: Settings) => invoke<Settings>("save_settings", { settings }),
  reviewQueue: () => invoke<QueueItem[]>("review_queue"),
  flagDetail: (id: number) => invoke<FlagDetail>("flag_detail", { id }),
  decide: (flag: number, decision: Decision, all: boolean) => invoke<Changed>("decide", { flag, decision, all }),
  undo: () => invoke<Changed>("undo"),
  redo: () => invoke<Changed>("redo"),
  audioStatus: () => invoke<AudioStatus>("audio_status"),
  prepareAudio: (media: number, startMs: number, endMs: number) =>
    invoke<Waveform>("prepare_audio", { media, startMs, endMs }),
  play: (media: number, startMs: number, endMs: number, speed: number, looped: boolean) =>
    invoke<number>("play", { media, startMs, endMs, speed, looped }),
  pauseAudio: () => invoke<void>("pause_audio"),
  resumeAudio: () => invoke<void>("resume_audio"),
  stopAudio: () => invoke<void>("stop_audio"),
  exportFiles: (media: number[], dir: string, formats: string[], script: string) =>
    invoke<string[]>("export", { media, dir, formats, script }),
  lexiconSearch: (query: string, limit: number) => invoke<LexiconEntry[]>("lexicon_search", { query, limit }),
  transliterate: (text: string) => invoke<{ iast: string; deva: string }>("transliterate", { text }),
  lexiconAdd: (addition: Addition) => invoke<number>("lexicon_add", { addition }),
  search: (query: string, fuzzy: boolean, limit: number) => invoke<Hit[]>("search", { query, fuzzy, limit }),
  models: () => invoke<Models>("models"),
  fetchModel: (name: string) => invoke<void>("fetch_model", { name }),
  cancelFetch: (name: string) => invoke<boolean>("cancel_fetch", { name }),
  importModel: (from: string, name: string) => invoke<ModelEntry>("import_model", { from, name }),
  transcript: (media: number) => invoke<Line[]>("transcript", { media }),
  editSegment: (media: number, idx: number, text: string | null, startMs: number, endMs: number) =>
    invoke<Line[]>("edit_segment", { media, idx, text, startMs, endMs }),
  reveal: (dir: string) => invoke<void>("reveal", { dir }),
  /// Over the project's folder, or, given the shared drive's folder, over the team queue.
  startBatch: (sharedDrive?: string) =>
    invoke<{ device: string; notice: string | null }>("start_batch", { sharedDrive }),
  cancelBatch: () => invoke<boolean>("cancel_batch"),
  batchJobs: () => invoke<JobRow[]>("batch_jobs"),
  retryJobs: (jobs: number[]) => invoke<number>("retry_jobs", { jobs }),
  teamStatus: () => invoke<TeamStatus | null>("team_status"),
  teamLogin: (server: string, user: string, password: string) =>
    invoke<TeamStatus | null>("team_login", { server, user, password }),
  teamSync: () => invoke<SyncReport>("team_sync"),
  teamResolve: (id: number, keep: "mine" | "theirs") => invoke<TeamStatus | null>("team_resolve", { id, keep }),
};

export function on<T>(event: string, handler: (payload: T) => void): Promise<UnlistenFn> {
  return listen<T>(event, (e) => handler(e.payload));
}
