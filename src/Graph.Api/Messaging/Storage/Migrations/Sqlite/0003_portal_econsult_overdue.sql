-- E-consults the deadline watch (EConsultSlaJob) found past their due date: one row per thread and
-- due date that passed, so a thread that becomes overdue again (a new question, a promised date
-- that passes) gets a new row. resolved_utc is set when it is no longer waiting for the practice.
CREATE TABLE portal_econsult_overdue (
    thread_id       TEXT NOT NULL,
    due_date        TEXT NOT NULL,
    organization_id TEXT,
    marked_utc      TEXT NOT NULL,
    resolved_utc    TEXT,
    PRIMARY KEY (thread_id, due_date)
);
CREATE INDEX portal_econsult_overdue_open ON portal_econsult_overdue (resolved_utc, thread_id);
CREATE INDEX portal_econsult_overdue_org ON portal_econsult_overdue (organization_id, due_date);
