-- Composite search parameters (https://hl7.org/fhir/R4/search.html#composite) with two components:
-- the first a token (or reference), the second a token, string, quantity or date, taken from the same element.
CREATE TABLE ix_composite (
    pid       INTEGER NOT NULL,
    c1        TEXT    NOT NULL, -- first component: code (or reference id)
    c1_system TEXT    NOT NULL, -- its system (or reference type), '' if none
    c2        TEXT    NOT NULL, -- second component: code, normalized string or unit code; '' for a date
    c2_system TEXT    NOT NULL,
    low       REAL    NOT NULL, -- quantity value or date range (ms) of the second component; 0 otherwise
    high      REAL    NOT NULL,
    rid       INTEGER NOT NULL,
    PRIMARY KEY (pid, c1, c1_system, c2, c2_system, low, high, rid)
) WITHOUT ROWID;
CREATE INDEX ix_composite_rid ON ix_composite (rid, pid);

-- Date values that span more than a day (Periods, partial dates) again, so that a date range can be
-- found from the main table with a bounded scan of low (short values) plus this smaller table.
CREATE TABLE ix_date_long (
    pid    INTEGER NOT NULL,
    low    INTEGER NOT NULL,
    high   INTEGER NOT NULL,
    rid    INTEGER NOT NULL,
    PRIMARY KEY (pid, low, high, rid)
) WITHOUT ROWID;
CREATE INDEX ix_date_long_rid ON ix_date_long (rid, pid);
