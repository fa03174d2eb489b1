-- Team jobs this project processed: with the lease of a result still to be sent (the server
-- was out of reach when the batch ended; each sync tries again while the lease may hold), or,
-- once recorded there, the latest decision on the file's flags already reported (review goes
-- on after a job is done, and each sync sends how it stands).
CREATE TABLE team_jobs (
    job_id INTEGER PRIMARY KEY,
    hash TEXT NOT NULL,
    unsent_lease TEXT,
    reported_decision INTEGER NOT NULL DEFAULT 0
);
