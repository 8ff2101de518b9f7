-- Stratum store, schema version 5: where each service's files live and the uid its processes run under.
-- A row outlives its service (no foreign key): a uid is never given to a second service, and a process still
-- running under the uid of a deleted service is known to be a stray. uid is NULL while a service's processes run
-- as the platform's user (isolation off, or its files where its own user could not reach them).
-- Every statement may run twice: DDL commits on its own, so a migration cut short by a crash runs again whole.

CREATE TABLE IF NOT EXISTS service_homes (
  service_id VARCHAR(36) PRIMARY KEY,
  directory VARCHAR(4000) NOT NULL,
  uid INT,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS service_homes_uid ON service_homes(uid);
