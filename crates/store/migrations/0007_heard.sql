-- What the recogniser's lexicon bias and acoustic re-scoring found, kept so that a reflag with a
-- newer lexicon still sees it.
ALTER TABLE words ADD COLUMN biased INTEGER NOT NULL DEFAULT 0;
-- The segment's re-scored spans, as JSON (shruti_core::Heard); NULL when none were re-scored.
ALTER TABLE segments ADD COLUMN heard TEXT;
