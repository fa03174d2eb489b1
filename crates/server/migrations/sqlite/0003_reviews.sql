-- Review goes on after a job's result is recorded: the latest summary its reviewer sent (flags
-- still pending, decisions made), so the team sees review progress, not only the batch's.
CREATE TABLE job_reviews (
    job_id BIGINT NOT NULL REFERENCES jobs (id),
    input_hash TEXT NOT NULL,
    result TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (job_id, input_hash)
);
