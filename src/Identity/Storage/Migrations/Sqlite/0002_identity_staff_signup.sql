-- Every instance re-reads recent cut-offs ("logout everywhere") every few seconds.
CREATE INDEX identity_account_not_before ON identity_account (tokens_not_before_utc) WHERE tokens_not_before_utc IS NOT NULL;
-- A practice manager lists the staff accounts of the practice.
CREATE INDEX identity_account_organization ON identity_account (organization_id, kind);

-- A person asks for a portal account; staff of the practice match it to the Patient and approve or reject.
-- reject_reason is for the practice only and never sent to the applicant.
CREATE TABLE identity_signup_request (
    id              TEXT PRIMARY KEY,
    given_name      TEXT NOT NULL,
    family_name     TEXT NOT NULL,
    birth_date      TEXT NOT NULL,
    bsn             TEXT NOT NULL,
    email           TEXT NOT NULL,
    phone           TEXT NOT NULL,
    organization_id TEXT,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    patient_id      TEXT,
    account_id      TEXT,
    decided_by      TEXT,
    decided_utc     TEXT,
    reject_reason   TEXT,
    created_utc     TEXT NOT NULL);
CREATE INDEX identity_signup_request_open ON identity_signup_request (status, organization_id, created_utc);
CREATE INDEX identity_signup_request_bsn ON identity_signup_request (bsn, created_utc);
