-- Stratum store, schema version 2: provider associations, environments, external services.
-- Every statement may run twice: DDL commits on its own, so a migration cut short by a crash runs again whole.

-- A dependant's binding to its provider of one type (what the provider's engine handed out).
CREATE TABLE IF NOT EXISTS associations (
  dependant_id VARCHAR(36) NOT NULL REFERENCES services(id) ON DELETE CASCADE,
  provider_type VARCHAR(64) NOT NULL,
  provider_id VARCHAR(36) NOT NULL REFERENCES services(id) ON DELETE CASCADE,
  binding VARCHAR(100000) NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (dependant_id, provider_type)
);
CREATE INDEX IF NOT EXISTS associations_provider ON associations(provider_id);

CREATE TABLE IF NOT EXISTS environments (
  id VARCHAR(36) PRIMARY KEY,
  account_id VARCHAR(36) NOT NULL REFERENCES accounts(id),
  name VARCHAR(64) NOT NULL,
  spec VARCHAR(100000) NOT NULL,
  state VARCHAR(16) NOT NULL,
  state_message VARCHAR(4000) NOT NULL,
  active_job_id BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  CONSTRAINT environments_name_unique UNIQUE (account_id, name)
);

ALTER TABLE services ADD COLUMN IF NOT EXISTS environment_id VARCHAR(36);
ALTER TABLE services ADD COLUMN IF NOT EXISTS external BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS environment_id VARCHAR(36);
