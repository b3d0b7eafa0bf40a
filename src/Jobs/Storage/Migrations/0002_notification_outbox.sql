-- The durable notification outbox. A row is written in the same transaction as the change that
-- causes it; the dispatcher job claims due rows under a lease, sends them and marks them.
-- Times are UTC, ISO 8601 with 7 fraction digits, so text order is time order.
CREATE TABLE notification (
    id               TEXT    NOT NULL PRIMARY KEY,   -- also the idempotency key handed to the transport
    dedupe_key       TEXT    NOT NULL UNIQUE,        -- one notification per causing event
    kind             TEXT    NOT NULL CHECK (kind IN ('email', 'sms')),
    recipient        TEXT    NOT NULL,
    subject          TEXT    NULL,
    body             TEXT    NOT NULL,
    state            TEXT    NOT NULL CHECK (state IN ('pending', 'claimed', 'sending', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    due_utc          TEXT    NOT NULL,
    lease_owner      TEXT    NULL,
    lease_until_utc  TEXT    NULL,
    created_utc      TEXT    NOT NULL,
    last_attempt_utc TEXT    NULL,
    last_error       TEXT    NULL,
    sent_utc         TEXT    NULL,
    failed_utc       TEXT    NULL
);
CREATE INDEX notification_due ON notification (state, due_utc);
CREATE INDEX notification_lease ON notification (state, lease_until_utc);
CREATE INDEX notification_failed ON notification (failed_utc) WHERE state = 'failed';
