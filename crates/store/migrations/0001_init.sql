-- Shruti project schema, version 1. Never edit a migration that has shipped: add the next one.
-- Times are Unix milliseconds (UTC).

CREATE TABLE media (
    id          INTEGER PRIMARY KEY,
    hash        TEXT NOT NULL UNIQUE,      -- SHA-256 of the content: the file's identity
    path        TEXT NOT NULL,             -- where it was last seen
    kind        TEXT NOT NULL CHECK (kind IN ('audio', 'subtitle')),
    bytes       INTEGER NOT NULL,
    duration_ms INTEGER,
    added_at    INTEGER NOT NULL
);

-- Hashes of files already seen, so a rescan of an unchanged folder reads no content.
CREATE TABLE file_hashes (
    path     TEXT PRIMARY KEY,
    bytes    INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    hash     TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE transcripts (
    id         INTEGER PRIMARY KEY,
    media_id   INTEGER NOT NULL UNIQUE REFERENCES media(id),
    source     TEXT NOT NULL CHECK (source IN ('asr', 'srt', 'vtt')),
    model      TEXT,
    settings   TEXT NOT NULL DEFAULT '{}',  -- JSON: how it was made
    created_at INTEGER NOT NULL
);

CREATE TABLE segments (
    id            INTEGER PRIMARY KEY,
    transcript_id INTEGER NOT NULL REFERENCES transcripts(id),
    idx           INTEGER NOT NULL,
    start_ms      INTEGER NOT NULL,
    end_ms        INTEGER NOT NULL,
    cue_id        TEXT,
    settings      TEXT,
    text          TEXT NOT NULL,  -- as recognised or imported
    auto_text     TEXT NOT NULL,  -- with the automatic corrections applied
    UNIQUE (transcript_id, idx)
);

CREATE TABLE words (
    segment_id  INTEGER NOT NULL REFERENCES segments(id),
    idx         INTEGER NOT NULL,
    text        TEXT NOT NULL,
    start_ms    INTEGER NOT NULL,
    end_ms      INTEGER NOT NULL,
    probability REAL NOT NULL,
    PRIMARY KEY (segment_id, idx)
) WITHOUT ROWID;

-- Automatic corrections; byte ranges are in segments.text.
CREATE TABLE corrections (
    id          INTEGER PRIMARY KEY,
    segment_id  INTEGER NOT NULL REFERENCES segments(id),
    byte_start  INTEGER NOT NULL,
    byte_end    INTEGER NOT NULL,
    original    TEXT NOT NULL,
    replacement TEXT NOT NULL,
    deva        TEXT,
    score       REAL NOT NULL
);
CREATE INDEX corrections_segment ON corrections(segment_id);

-- Doubts for the expert; byte ranges are in segments.text. state and decision_id cache the
-- effective decision (the decisions table is the truth).
CREATE TABLE flags (
    id          INTEGER PRIMARY KEY,
    segment_id  INTEGER NOT NULL REFERENCES segments(id),
    byte_start  INTEGER NOT NULL,
    byte_end    INTEGER NOT NULL,
    char_start  INTEGER NOT NULL,
    char_end    INTEGER NOT NULL,
    surface     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    score       REAL NOT NULL,
    reasons     TEXT NOT NULL,  -- JSON
    suggestions TEXT NOT NULL,  -- JSON
    verse       TEXT,           -- JSON
    state       TEXT NOT NULL DEFAULT 'pending',
    decision_id INTEGER,
    UNIQUE (segment_id, byte_start, byte_end, kind)
);
CREATE INDEX flags_review ON flags(state, segment_id, byte_start);
CREATE INDEX flags_surface ON flags(lower(surface));

-- Append-only: the latest decision not undone is the flag's answer; an undo is a decision too.
CREATE TABLE decisions (
    id         INTEGER PRIMARY KEY,
    flag_id    INTEGER NOT NULL REFERENCES flags(id),
    action     TEXT NOT NULL,
    text       TEXT,            -- the text that replaces the flagged span, if it changes
    deva       TEXT,            -- its Devanagari, when known
    detail     TEXT,            -- JSON: the suggestion taken, the lexicon addition
    expert     TEXT NOT NULL,
    at         INTEGER NOT NULL,
    note       TEXT,
    group_id   INTEGER,         -- decisions made together (apply to all instances, or their undo)
    undoes     INTEGER REFERENCES decisions(id)
);
CREATE INDEX decisions_flag ON decisions(flag_id);
CREATE INDEX decisions_undoes ON decisions(undoes);
CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;

-- Lexicon changes made in review (JSON, shruti_core::lexicon::Addition), in order.
CREATE TABLE lexicon_additions (
    id          INTEGER PRIMARY KEY,
    addition    TEXT NOT NULL,
    decision_id INTEGER REFERENCES decisions(id),
    expert      TEXT NOT NULL,
    at          INTEGER NOT NULL
);

CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY,
    media_id    INTEGER NOT NULL UNIQUE REFERENCES media(id),
    state       TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'quarantined')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    crashes     INTEGER NOT NULL DEFAULT 0,  -- times a worker died while running it
    next_at     INTEGER NOT NULL DEFAULT 0,  -- not before (retry backoff)
    threads     INTEGER,                     -- fewer threads after a resource failure
    error_class TEXT,
    error       TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX jobs_state ON jobs(state, id);

CREATE TABLE audit (
    id     INTEGER PRIMARY KEY,
    at     INTEGER NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}'
);

-- Segments whose search documents are out of date; drained into the tantivy index.
CREATE TABLE index_queue (segment_id INTEGER PRIMARY KEY);
