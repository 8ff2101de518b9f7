-- Stratum store, schema version 6: a job locks a set of resources (services, environments, accounts). Each lock is
-- the resource row's active_job_id, so a lock survives a crash with its job; jobs.locks lists what the job holds,
-- as TYPE:id lines, for release and display. Services keep the descriptor of the SDP version they were created with.

ALTER TABLE accounts ADD COLUMN IF NOT EXISTS active_job_id BIGINT;

ALTER TABLE jobs ADD COLUMN IF NOT EXISTS locks VARCHAR(100000) DEFAULT '' NOT NULL;

ALTER TABLE services ADD COLUMN IF NOT EXISTS descriptor VARCHAR(1000000);
