-- Per-user, non-clinical state of e-consult messages. Clinical content stays in FHIR Communications.

-- Read and deleted marks, per portal user (fhirUser reference) and Communication.
CREATE TABLE portal_message_state (
    user_ref         TEXT NOT NULL,
    communication_id TEXT NOT NULL,
    read_utc         TEXT,
    deleted_utc      TEXT,
    PRIMARY KEY (user_ref, communication_id)
);

-- Who in the practice handles a thread (by the id of its first Communication), and the expected
-- answer date when it was answered on behalf of an absent practitioner.
CREATE TABLE portal_thread_assignment (
    thread_id            TEXT PRIMARY KEY,
    organization_id      TEXT NOT NULL,
    assignee_ref         TEXT,
    assigned_by_ref      TEXT,
    assigned_utc         TEXT,
    expected_answer_date TEXT
);
CREATE INDEX portal_thread_assignment_assignee ON portal_thread_assignment (organization_id, assignee_ref);

-- Standard texts (maskerbrieven) per practice. Placeholders: {patient}, {zorgverlener}, {huisarts}.
CREATE TABLE portal_reply_template (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL,
    name            TEXT NOT NULL,
    body            TEXT NOT NULL,
    updated_utc     TEXT NOT NULL
);
CREATE INDEX portal_reply_template_org ON portal_reply_template (organization_id, name);
