-- The patients whose compartment holds the resource (their ids, comma-separated; '' for none), kept in its row so
-- that a search names each hit's patients for the access log without a look-up in ix_reference per hit. NULL in rows
-- written before this migration: SearchExecutor.Load looks those up as before, until the resource is written again.
ALTER TABLE search_resource ADD COLUMN patients TEXT;
