-- Every claim and completion leaves dead row versions, and dead entries at the head of
-- jobs_queued that each claim walks past until a vacuum removes them. Vacuum the queue after a
-- few thousand changes, without pausing, rather than after a fifth of the table has changed.
-- (SQLite removes index entries as it goes: it needs no counterpart.)
ALTER TABLE jobs SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000, autovacuum_vacuum_cost_delay = 0);
