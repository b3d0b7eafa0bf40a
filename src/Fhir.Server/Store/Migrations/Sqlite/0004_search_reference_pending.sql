-- Reference index rows whose place in ix_reference would be random (the access log's AuditEvents name
-- a different patient in every entity), appended here in rid order and moved into ix_reference in key
-- order from time to time (Search/Indexing/PendingReferences): one commit then writes each touched index page
-- once for many rows, instead of one page per row. Searches that read these rows merge first.
CREATE TABLE ix_reference_pending (
    rid      INTEGER NOT NULL,
    pid      INTEGER NOT NULL,
    ref_id   TEXT    NOT NULL,
    ref_type TEXT    NOT NULL,
    PRIMARY KEY (rid, pid, ref_id, ref_type)
) WITHOUT ROWID;
