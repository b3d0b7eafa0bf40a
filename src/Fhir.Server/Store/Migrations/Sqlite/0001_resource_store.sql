-- Versioned resource store: one row per resource (current state) and one per version (history).
-- The JSON of every version lives once, in resource_version; resource points at the current one.
CREATE TABLE resource_version (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    type          TEXT    NOT NULL,
    id            TEXT    NOT NULL,
    version       INTEGER NOT NULL,
    last_updated  INTEGER NOT NULL, -- Unix time in milliseconds, UTC
    method        TEXT    NOT NULL, -- POST, PUT, PATCH or DELETE
    json          BLOB,             -- NULL for a delete
    UNIQUE (type, id, version)
);
CREATE INDEX ix_resource_version_time ON resource_version (last_updated);
CREATE INDEX ix_resource_version_type_time ON resource_version (type, last_updated);

CREATE TABLE resource (
    type          TEXT    NOT NULL,
    id            TEXT    NOT NULL,
    version       INTEGER NOT NULL,
    current_seq   INTEGER NOT NULL REFERENCES resource_version (seq),
    deleted       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (type, id)
) WITHOUT ROWID;
