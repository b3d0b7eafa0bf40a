-- Mijn aantekeningen (module "notes", seed 003 3 and 4.12): the patient's private notes. Not part of the
-- medical record, so not FHIR resources: no /fhir search, HIS client or staff role can reach these tables.
-- Notes belong to the account holder (owner_ref is the caller's fhirUser), never to a child they act for.
-- title and body are Data Protection payloads (purpose "Graph.Api.Notes.v1" and the owner), not plain text.

-- The answer to the terms of the notes function ("ik ga akkoord" / "ik ga niet akkoord"). No row: not asked yet.
CREATE TABLE notes_consent (
    owner_ref   TEXT PRIMARY KEY,
    accepted    INTEGER NOT NULL,
    decided_utc TEXT NOT NULL
);

CREATE TABLE notes_note (
    id          TEXT PRIMARY KEY,
    owner_ref   TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    version     INTEGER NOT NULL,
    created_utc TEXT NOT NULL,
    updated_utc TEXT NOT NULL
);
CREATE INDEX notes_note_owner ON notes_note (owner_ref, created_utc);
