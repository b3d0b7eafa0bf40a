-- Contained resources (https://hl7.org/fhir/R4/search.html#contained) are indexed as rows of their own: type the contained
-- resource's, id "ContainerType/containerId#localId", seq and patients the container's, alive = 2 (so no search that
-- asks for alive = 1 sees them), container the container's rid. References to them (#localId) are indexed with that id,
-- so that a chain follows them into the container. Rows of the containers written before this migration are added at
-- the next start (Reindexer.BackfillContained), which deletes the mark below when it is done.
ALTER TABLE search_resource ADD COLUMN container INTEGER;
CREATE INDEX ix_search_resource_container ON search_resource (container) WHERE container IS NOT NULL;
CREATE INDEX ix_search_resource_contained ON search_resource (type, rid) WHERE alive = 2;
CREATE TABLE search_backfill (
    name TEXT PRIMARY KEY
);
INSERT INTO search_backfill (name) VALUES ('contained');
