-- A reference and a date of one resource in one index row, for declared pairs (ReferenceDateIndex): one
-- practitioner's appointments in a date range, one GP's messages in date order, without reading the
-- reference's whole history or the date's rows of every practitioner.
CREATE TABLE ix_reference_date (
    pid      INTEGER NOT NULL, -- ParamKey of "Type.reference+date"
    ref_id   TEXT    NOT NULL, -- as in ix_reference
    ref_type TEXT    NOT NULL,
    low      INTEGER NOT NULL, -- as in ix_date
    high     INTEGER NOT NULL,
    rid      INTEGER NOT NULL,
    PRIMARY KEY (pid, ref_id, ref_type, low, high, rid)
) WITHOUT ROWID;
CREATE INDEX ix_reference_date_rid ON ix_reference_date (rid, pid);

-- The pairs whose rows are complete; ReferenceDateIndex.Backfill fills a declared pair that is missing here.
CREATE TABLE ix_reference_date_pair (
    pid INTEGER PRIMARY KEY
);
