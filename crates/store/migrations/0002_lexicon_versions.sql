-- Version 2: which lexicon produced each transcript's corrections and flags, so a lexicon update
-- re-flags only the transcripts it has not seen; and the files written by export, so a batch over
-- a folder never takes its own output for new input.

ALTER TABLE transcripts ADD COLUMN lexicon_version TEXT;

CREATE TABLE exports (
    hash TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    at   INTEGER NOT NULL
) WITHOUT ROWID;
