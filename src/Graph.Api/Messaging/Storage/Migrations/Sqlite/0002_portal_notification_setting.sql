-- A patient's choice to get an e-mail when the practice sends a message (Instellingen). No row: yes.
CREATE TABLE portal_notification_setting (
    patient_id        TEXT PRIMARY KEY,
    email_new_message INTEGER NOT NULL,
    updated_utc       TEXT NOT NULL
);
