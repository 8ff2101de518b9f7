-- Stratum store, schema version 4: users (salted password hashes), memberships (a role per account), quotas,
-- the versioned administrative state of accounts, and who asked for each job.
-- Every statement may run twice: DDL commits on its own, so a migration cut short by a crash runs again whole.

CREATE TABLE IF NOT EXISTS users (
  name VARCHAR(64) PRIMARY KEY,
  password_hash VARCHAR(400) NOT NULL,
  platform_admin BOOLEAN NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS memberships (
  user_name VARCHAR(64) NOT NULL REFERENCES users(name) ON DELETE CASCADE,
  account_id VARCHAR(36) NOT NULL REFERENCES accounts(id),
  role VARCHAR(16) NOT NULL,
  PRIMARY KEY (user_name, account_id)
);

ALTER TABLE accounts ADD COLUMN IF NOT EXISTS version BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE accounts ADD COLUMN IF NOT EXISTS max_services INT DEFAULT -1 NOT NULL;
ALTER TABLE accounts ADD COLUMN IF NOT EXISTS max_instances INT DEFAULT -1 NOT NULL;
ALTER TABLE accounts ADD COLUMN IF NOT EXISTS max_memory_mb BIGINT DEFAULT -1 NOT NULL;

-- One row per version of an account's administrative state: who, when, and the changed fields as JSON.
CREATE TABLE IF NOT EXISTS account_versions (
  account_id VARCHAR(36) NOT NULL REFERENCES accounts(id),
  version BIGINT NOT NULL,
  at BIGINT NOT NULL,
  user_name VARCHAR(200) NOT NULL,
  via VARCHAR(32) NOT NULL,
  summary VARCHAR(1000) NOT NULL,
  changes VARCHAR(1000000) NOT NULL,
  PRIMARY KEY (account_id, version)
);

ALTER TABLE jobs ADD COLUMN IF NOT EXISTS requested_by VARCHAR(200) DEFAULT '' NOT NULL;
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS requested_via VARCHAR(32) DEFAULT '' NOT NULL;
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS cause VARCHAR(1000) DEFAULT '' NOT NULL;
CREATE INDEX IF NOT EXISTS jobs_account ON jobs(account_id);
