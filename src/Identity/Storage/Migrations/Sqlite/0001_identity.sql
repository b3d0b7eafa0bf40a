-- Accounts, second-factor challenges, proxy access, OAuth clients, keys and grants (module "identity").
CREATE TABLE identity_account (
    id                   TEXT PRIMARY KEY,
    kind                 TEXT NOT NULL CHECK (kind IN ('patient', 'staff')),
    email                TEXT NOT NULL COLLATE NOCASE UNIQUE,
    phone                TEXT NOT NULL,
    display_name         TEXT NOT NULL,
    bsn                  TEXT,
    patient_id           TEXT,
    practitioner_id      TEXT,
    practitioner_role_id TEXT,
    staff_role           TEXT,
    employee_id          TEXT,
    organization_id      TEXT,
    password_hash        TEXT,
    status               TEXT NOT NULL CHECK (status IN ('registered', 'active', 'disabled')),
    failed_count         INTEGER NOT NULL DEFAULT 0,
    lockout_until_utc    TEXT,
    tokens_not_before_utc TEXT,
    created_utc          TEXT NOT NULL);
CREATE UNIQUE INDEX identity_account_patient ON identity_account (patient_id) WHERE patient_id IS NOT NULL;
CREATE UNIQUE INDEX identity_account_staff ON identity_account (employee_id, organization_id) WHERE employee_id IS NOT NULL;

-- E-mail links and SMS codes: secret_hash is SHA-256 of the secret, never the secret itself.
CREATE TABLE identity_challenge (
    id            TEXT PRIMARY KEY,
    account_id    TEXT NOT NULL REFERENCES identity_account (id),
    purpose       TEXT NOT NULL,
    stage         TEXT NOT NULL,
    link_hash     TEXT UNIQUE,
    code_hash     TEXT,
    code_expires_utc TEXT,
    tries         INTEGER NOT NULL DEFAULT 0,
    expires_utc   TEXT NOT NULL,
    data          TEXT,
    created_utc   TEXT NOT NULL);

-- A parent's access to a child's record (WGBO), as registered by the practice.
CREATE TABLE identity_proxy (
    parent_patient_id    TEXT NOT NULL,
    child_patient_id     TEXT NOT NULL,
    registered_utc       TEXT NOT NULL,
    child_consent_utc    TEXT,
    written_consent_utc  TEXT,
    withdrawn_utc        TEXT,
    PRIMARY KEY (parent_patient_id, child_patient_id));

CREATE TABLE identity_client (
    client_id     TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    auth_method   TEXT NOT NULL CHECK (auth_method IN ('private_key_jwt', 'client_secret_basic', 'none')),
    secret_hash   TEXT,
    jwks          TEXT,
    redirect_uris TEXT NOT NULL DEFAULT '',
    scopes        TEXT NOT NULL,
    created_utc   TEXT NOT NULL);

CREATE TABLE identity_signing_key (
    kid          TEXT PRIMARY KEY,
    alg          TEXT NOT NULL,
    private_pem  TEXT NOT NULL,
    created_utc  TEXT NOT NULL,
    retired_utc  TEXT);

-- Client assertion ids seen, kept until the assertion expires (replay protection).
CREATE TABLE identity_assertion_jti (
    client_id   TEXT NOT NULL,
    jti         TEXT NOT NULL,
    expires_utc TEXT NOT NULL,
    PRIMARY KEY (client_id, jti));

CREATE TABLE identity_authorization (
    id             TEXT PRIMARY KEY,
    client_id      TEXT NOT NULL,
    redirect_uri   TEXT NOT NULL,
    scope          TEXT NOT NULL,
    state          TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    nonce          TEXT,
    account_id     TEXT,
    patient_id     TEXT,
    granted_scope  TEXT,
    code_hash      TEXT UNIQUE,
    code_used      INTEGER NOT NULL DEFAULT 0,
    expires_utc    TEXT NOT NULL,
    created_utc    TEXT NOT NULL);

CREATE TABLE identity_refresh_token (
    hash             TEXT PRIMARY KEY,
    authorization_id TEXT NOT NULL,
    client_id        TEXT NOT NULL,
    account_id       TEXT NOT NULL,
    scope            TEXT NOT NULL,
    patient_id       TEXT,
    expires_utc      TEXT NOT NULL,
    revoked_utc      TEXT,
    created_utc      TEXT NOT NULL);

-- Access tokens revoked before they expire (RFC 7009), checked on every request.
CREATE TABLE identity_revoked_token (
    jti          TEXT PRIMARY KEY,
    authorization_id TEXT,
    expires_utc  TEXT NOT NULL);

-- Which access-log AuditEvents concern which patient, for "who looked at my record".
CREATE TABLE identity_access_log (
    audit_id    TEXT PRIMARY KEY,
    patient_id  TEXT NOT NULL,
    recorded_utc TEXT NOT NULL,
    who         TEXT NOT NULL,
    action      TEXT NOT NULL);
CREATE INDEX identity_access_log_patient ON identity_access_log (patient_id, recorded_utc);
