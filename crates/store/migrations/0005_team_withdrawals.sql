-- An undo after an addition reached the team withdraws it there too: the last decision
-- considered for that, and what each exported addition changed in the team library (the entry
-- it created, or the variants it added to one the team had), so that exactly that is withdrawn.
ALTER TABLE team_link ADD COLUMN exported_undo INTEGER NOT NULL DEFAULT 0;
-- Additions exported before this upgrade left no record of what they changed: none of the undos
-- so far withdraws anything.
UPDATE team_link SET exported_undo = (SELECT COALESCE(MAX(id), 0) FROM decisions);
CREATE TABLE team_contributions (
    addition_id INTEGER PRIMARY KEY REFERENCES lexicon_additions (id),
    entry_id TEXT NOT NULL,
    created INTEGER NOT NULL,
    -- JSON array: the variants it added.
    variants TEXT NOT NULL
);
