-- Team sync: the server this project syncs with and how far it has pulled; the team library's
-- entries as this project has them (the copy in use, the last copy synced, and where it
-- stands); pushes waiting to be answered (an outbox, kept across crashes and offline hours);
-- conflicts for the expert.
CREATE TABLE team_link (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    server TEXT NOT NULL,
    cursor_version INTEGER NOT NULL DEFAULT 0,
    cursor_after TEXT,
    -- The last lexicon addition turned into a team change.
    exported_addition INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE team_entries (
    id TEXT PRIMARY KEY,
    entry TEXT NOT NULL,
    base TEXT,
    state TEXT NOT NULL CHECK (state IN ('clean', 'dirty', 'conflict', 'rejected')),
    note TEXT,
    updated_at INTEGER NOT NULL
);
CREATE INDEX team_entries_by_state ON team_entries (state);

CREATE TABLE team_outbox (
    batch TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
);

CREATE TABLE team_conflicts (
    id INTEGER PRIMARY KEY,
    entry_id TEXT NOT NULL,
    mine TEXT NOT NULL,
    theirs TEXT NOT NULL,
    conflict TEXT NOT NULL,
    found_at INTEGER NOT NULL,
    resolved_at INTEGER,
    resolution TEXT,
    resolved_by TEXT
);
CREATE INDEX team_conflicts_open ON team_conflicts (resolved_at);
