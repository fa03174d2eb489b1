-- The shared batch queue: a team lead's batches of files, and one job per file.
CREATE TABLE batches (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- A job is queued, leased (to one holder, until its lease expires), done or quarantined. Its
-- lease token is kept when done, so that a retried completion is recognised.
CREATE TABLE jobs (
    id BIGSERIAL PRIMARY KEY,
    batch_id BIGINT NOT NULL REFERENCES batches (id),
    path TEXT NOT NULL,
    input_hash TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'leased', 'done', 'quarantined')),
    attempts BIGINT NOT NULL DEFAULT 0,
    available_at BIGINT NOT NULL,
    lease_token TEXT,
    holder TEXT,
    device TEXT,
    lease_expires_at BIGINT,
    lease_ms BIGINT,
    last_error TEXT,
    completed_by TEXT,
    completed_at BIGINT,
    UNIQUE (batch_id, path)
);
-- Claims take the oldest queued job. A partial index holds the queued jobs only, in id order:
-- a claim never walks past the done ones (which an index on all jobs puts first).
CREATE INDEX jobs_queued ON jobs (id) WHERE state = 'queued';
-- The reaper looks for expired leases among the leased jobs only.
CREATE INDEX jobs_lease_expiry ON jobs (lease_expires_at) WHERE state = 'leased';

-- Each result once per (job, input hash): at-least-once processing, recorded exactly once.
CREATE TABLE job_results (
    job_id BIGINT NOT NULL REFERENCES jobs (id),
    input_hash TEXT NOT NULL,
    result TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    PRIMARY KEY (job_id, input_hash)
);
