-- Stratum store, schema version 3: an association is recorded when the create job that needs it is submitted
-- (reserved, no binding yet), and bound when the provider hands out the binding.
-- Every statement may run twice: DDL commits on its own, so a migration cut short by a crash runs again whole.

ALTER TABLE associations ADD COLUMN IF NOT EXISTS bound BOOLEAN DEFAULT TRUE NOT NULL;
