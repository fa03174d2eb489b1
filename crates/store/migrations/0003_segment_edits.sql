-- Version 3: a segment's text or timing edited by hand in the transcript. Append-only like
-- decisions: the latest edit of a segment wins, and its text replaces the segment's corrected
-- text (corrections and decisions inside it no longer apply).

CREATE TABLE segment_edits (
    id         INTEGER PRIMARY KEY,
    segment_id INTEGER NOT NULL REFERENCES segments(id),
    text       TEXT,              -- NULL: only the timing changed
    start_ms   INTEGER NOT NULL,
    end_ms     INTEGER NOT NULL,
    expert     TEXT NOT NULL,
    at         INTEGER NOT NULL
);
CREATE INDEX segment_edits_segment ON segment_edits(segment_id, id);

CREATE TRIGGER segment_edits_no_update BEFORE UPDATE ON segment_edits
BEGIN SELECT RAISE(ABORT, 'segment edits are append-only'); END;
CREATE TRIGGER segment_edits_no_delete BEFORE DELETE ON segment_edits
BEGIN SELECT RAISE(ABORT, 'segment edits are append-only'); END;
