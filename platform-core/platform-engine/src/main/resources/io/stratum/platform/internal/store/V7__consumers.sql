-- Stratum store, schema version 7: consumers, applications Stratum does not run that are bound to a provider service
-- (e.g. an application of a platform that uses Stratum as its service broker). The provider's engine hands each one a
-- binding of its own, sealed here like the bindings of associations. A consumer goes with its provider's record.
-- Every statement may run twice: DDL commits on its own, so a migration cut short by a crash runs again whole.

CREATE TABLE IF NOT EXISTS consumers (
  id VARCHAR(36) PRIMARY KEY,
  account_id VARCHAR(36) NOT NULL REFERENCES accounts(id),
  provider_id VARCHAR(36) NOT NULL REFERENCES services(id) ON DELETE CASCADE,
  name VARCHAR(64) NOT NULL,
  parameters VARCHAR(100000) NOT NULL,
  binding VARCHAR(100000) NOT NULL,
  state VARCHAR(16) NOT NULL,
  state_message VARCHAR(4000) NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  CONSTRAINT consumers_name_unique UNIQUE (account_id, name)
);
CREATE INDEX IF NOT EXISTS consumers_provider ON consumers(provider_id);
