-- Search indexes (https://hl7.org/fhir/R4/search.html). Every current resource has a small integer
-- key (rid) so the index tables stay narrow; pid is a 47-bit hash of "ResourceType.code" (see
-- Search/Indexing/ParamKey), so one index key carries both the resource type and the parameter.
-- The index tables are clustered on the search key; the (rid, pid) indexes serve deletes on update,
-- :missing, sort keys and _include.
CREATE TABLE search_resource (
    rid           INTEGER PRIMARY KEY,
    type          TEXT    NOT NULL,
    id            TEXT    NOT NULL,
    seq           INTEGER NOT NULL, -- resource_version.seq of the current version
    last_updated  INTEGER NOT NULL, -- Unix time in milliseconds, UTC
    alive         INTEGER NOT NULL, -- 0 once deleted
    UNIQUE (type, id)
);
CREATE INDEX ix_search_resource_type ON search_resource (type, rid) WHERE alive = 1;
CREATE INDEX ix_search_resource_updated ON search_resource (type, last_updated) WHERE alive = 1;

CREATE TABLE ix_string (
    pid    INTEGER NOT NULL,
    value  TEXT    NOT NULL, -- lower case without accents (SearchText.Normalize)
    exact  TEXT    NOT NULL,
    rid    INTEGER NOT NULL,
    PRIMARY KEY (pid, value, exact, rid)
) WITHOUT ROWID;
CREATE INDEX ix_string_rid ON ix_string (rid, pid);

CREATE TABLE ix_token (
    pid    INTEGER NOT NULL,
    code   TEXT    NOT NULL,
    system TEXT    NOT NULL, -- '' when the value has no system
    rid    INTEGER NOT NULL,
    PRIMARY KEY (pid, code, system, rid)
) WITHOUT ROWID;
CREATE INDEX ix_token_rid ON ix_token (rid, pid);

CREATE TABLE ix_reference (
    pid      INTEGER NOT NULL,
    ref_id   TEXT    NOT NULL, -- the id of a local reference, or the absolute/canonical URL
    ref_type TEXT    NOT NULL, -- '' for a URL that is not Type/id
    rid      INTEGER NOT NULL,
    PRIMARY KEY (pid, ref_id, ref_type, rid)
) WITHOUT ROWID;
CREATE INDEX ix_reference_rid ON ix_reference (rid, pid);

CREATE TABLE ix_date (
    pid    INTEGER NOT NULL,
    low    INTEGER NOT NULL, -- first millisecond the value covers (UTC)
    high   INTEGER NOT NULL, -- last millisecond it covers
    rid    INTEGER NOT NULL,
    PRIMARY KEY (pid, low, high, rid)
) WITHOUT ROWID;
CREATE INDEX ix_date_rid ON ix_date (rid, pid);

CREATE TABLE ix_number (
    pid    INTEGER NOT NULL,
    value  REAL    NOT NULL,
    rid    INTEGER NOT NULL,
    PRIMARY KEY (pid, value, rid)
) WITHOUT ROWID;
CREATE INDEX ix_number_rid ON ix_number (rid, pid);

CREATE TABLE ix_quantity (
    pid    INTEGER NOT NULL,
    code   TEXT    NOT NULL, -- unit code, or the human unit when there is no code; '' without unit
    system TEXT    NOT NULL,
    low    REAL    NOT NULL, -- a Quantity is low = high = value; a Range its bounds
    high   REAL    NOT NULL,
    rid    INTEGER NOT NULL,
    PRIMARY KEY (pid, code, system, low, high, rid)
) WITHOUT ROWID;
CREATE INDEX ix_quantity_rid ON ix_quantity (rid, pid);

CREATE TABLE ix_uri (
    pid    INTEGER NOT NULL,
    uri    TEXT    NOT NULL,
    rid    INTEGER NOT NULL,
    PRIMARY KEY (pid, uri, rid)
) WITHOUT ROWID;
CREATE INDEX ix_uri_rid ON ix_uri (rid, pid);
