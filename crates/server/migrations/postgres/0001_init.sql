-- Users, their devices' tokens, and the team lexicon with its history. Booleans are 0/1 (as on
-- SQLite, so one set of queries serves both), times unix milliseconds. Never edit a migration
-- that has shipped: add the next one.
CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('viewer', 'reviewer', 'admin')),
    password_hash TEXT NOT NULL,
    disabled BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

-- Tokens are stored as their SHA-256: a copy of the database logs nobody in.
CREATE TABLE tokens (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    hash TEXT NOT NULL UNIQUE,
    device TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

-- The library version: one row, incremented in each push transaction that writes. Its row lock
-- orders pushes, so versions commit in order.
CREATE TABLE library (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO library (id, version) VALUES (1, 0);

CREATE TABLE entries (
    id TEXT PRIMARY KEY,
    key TEXT NOT NULL,
    iast TEXT NOT NULL,
    deva TEXT NOT NULL,
    category TEXT NOT NULL,
    variants TEXT NOT NULL,
    deleted BIGINT NOT NULL,
    version BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX entries_live_key ON entries (key) WHERE deleted = 0;
CREATE INDEX entries_by_version ON entries (version, id);

-- Every version of every entry, append-only: who changed what, and the bases merges start from.
CREATE TABLE entry_history (
    entry_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    iast TEXT NOT NULL,
    deva TEXT NOT NULL,
    category TEXT NOT NULL,
    variants TEXT NOT NULL,
    deleted BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (entry_id, version)
);
CREATE FUNCTION entry_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'entry history is append-only'; END $$;
CREATE TRIGGER entry_history_append_only BEFORE UPDATE OR DELETE ON entry_history
FOR EACH ROW EXECUTE FUNCTION entry_history_append_only();

-- The answer to each push, by the client's batch id: a retry gets the first answer again.
CREATE TABLE push_batches (
    batch TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    response TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
