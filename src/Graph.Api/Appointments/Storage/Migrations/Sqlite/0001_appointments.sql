-- Online appointments (module "appointments"). The agenda itself is FHIR: Schedule, Slot and Appointment
-- resources. These tables hold the practice's booking settings, which FHIR has no resource for, and two
-- projections of the FHIR resources that the resource service keeps in step inside its write
-- transaction (AppointmentIndexer): they make availability one indexed query and double booking a
-- unique claim.

-- Booking horizon and cancellation cut-off per practice (seed 002: guideline 1 and 100 days).
CREATE TABLE appt_practice (
    organization_id TEXT PRIMARY KEY,
    min_days        INTEGER NOT NULL,
    max_days        INTEGER NOT NULL,
    cutoff_hours    INTEGER NOT NULL,
    updated_utc     TEXT NOT NULL
);

-- Visit types (bezoeksoorten) per practice; appear on Appointment.serviceType with this code.
CREATE TABLE appt_visit_type (
    organization_id TEXT NOT NULL,
    code            TEXT NOT NULL,
    name            TEXT NOT NULL,
    minutes         INTEGER NOT NULL,
    kind            TEXT NOT NULL,      -- huisarts | assistent | poh
    preparation     TEXT,
    follow_up       TEXT,
    online          INTEGER NOT NULL,
    sort            INTEGER NOT NULL,
    PRIMARY KEY (organization_id, code)
);

-- Which FHIR Schedules are the practice's agendas: kind of care provider, whether bookable online,
-- and the slot length used when slots are generated from the consultation hours.
CREATE TABLE appt_schedule (
    schedule_id     TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL,
    kind            TEXT NOT NULL,
    actor_ref       TEXT NOT NULL,      -- Practitioner/... or PractitionerRole/... (a group such as de assistentes)
    online          INTEGER NOT NULL,
    slot_minutes    INTEGER NOT NULL
);
CREATE INDEX appt_schedule_org ON appt_schedule (organization_id);

-- Weekly (weekday) or one-off (date) time windows: spreekuur (slots are generated in them), online
-- (bookable online), online-only (bookable online only), hidden (meetings: never shown).
-- schedule_id NULL: every agenda of the practice.
CREATE TABLE appt_window (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL,
    schedule_id     TEXT,
    kind            TEXT NOT NULL,
    weekday         INTEGER,            -- ISO 1 = Monday .. 7 = Sunday
    on_date         TEXT,               -- yyyy-MM-dd
    from_time       TEXT NOT NULL,      -- HH:mm, Europe/Amsterdam
    to_time         TEXT NOT NULL,
    label           TEXT
);
CREATE INDEX appt_window_org ON appt_window (organization_id, schedule_id);

-- Emergency places (spoedplekken) kept free per agenda of a kind, per weekday and time window.
CREATE TABLE appt_emergency (
    organization_id TEXT NOT NULL,
    kind            TEXT NOT NULL,
    weekday         INTEGER NOT NULL,
    from_time       TEXT NOT NULL,
    to_time         TEXT NOT NULL,
    places          INTEGER NOT NULL
);
CREATE INDEX appt_emergency_org ON appt_emergency (organization_id);

-- Projection of Slot resources. appointment_id is the claim: one active Appointment per slot.
CREATE TABLE appt_slot (
    slot_id        TEXT PRIMARY KEY,
    schedule_id    TEXT NOT NULL,
    start_ms       INTEGER NOT NULL,
    end_ms         INTEGER NOT NULL,
    status         TEXT NOT NULL,
    appointment_id TEXT
);
CREATE INDEX appt_slot_schedule ON appt_slot (schedule_id, start_ms);
CREATE INDEX appt_slot_appointment ON appt_slot (appointment_id);

-- Projection of Appointment resources (current version) for lists, counts and reminders.
CREATE TABLE appt_appointment (
    appointment_id  TEXT PRIMARY KEY,
    patient_id      TEXT,
    schedule_id     TEXT,
    actor_ref       TEXT,
    start_ms        INTEGER,
    end_ms          INTEGER,
    status          TEXT NOT NULL,
    visit_type      TEXT,
    web             INTEGER NOT NULL,
    created_ms      INTEGER NOT NULL,
    checked_utc     TEXT,
    checked_by      TEXT
);
CREATE INDEX appt_appointment_patient ON appt_appointment (patient_id, start_ms);
CREATE INDEX appt_appointment_schedule ON appt_appointment (schedule_id, start_ms);
CREATE INDEX appt_appointment_web ON appt_appointment (web, checked_utc, start_ms);
CREATE INDEX appt_appointment_start ON appt_appointment (status, start_ms);

-- The patient's reminder e-mail before an appointment (Instellingen, seed 003). No row: on, 24 hours.
CREATE TABLE appt_reminder_setting (
    patient_id  TEXT PRIMARY KEY,
    enabled     INTEGER NOT NULL,
    hours       INTEGER NOT NULL,
    updated_utc TEXT NOT NULL
);
