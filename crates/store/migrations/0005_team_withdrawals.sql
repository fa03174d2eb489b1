-- The last decision considered when taking back exported lexicon additions whose decisions were
-- undone since: an undo after an addition reached the team withdraws it there too.
ALTER TABLE team_link ADD COLUMN exported_undo INTEGER NOT NULL DEFAULT 0;
