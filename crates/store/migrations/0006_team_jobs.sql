-- Team jobs whose results this project recorded on the server, with the latest decision on the
-- file's flags already reported there: review goes on after a job is done, and each sync sends
-- how it stands.
CREATE TABLE team_jobs (
    job_id INTEGER PRIMARY KEY,
    hash TEXT NOT NULL,
    reported_decision INTEGER NOT NULL DEFAULT 0
);
