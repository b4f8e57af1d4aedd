-- Children's health waiting lists (internal/waitlist, issue 7): the pathways a
-- provider team runs, each child's referral to one of them, and every later
-- event. The waiting-time engine reads a referral and its events as they are:
-- the referral row is the clock's referral_received, the events the rest, so
-- weeks waited and breaches are always computed, never stored and never stale.
-- Portable SQL only: both SQLite and PostgreSQL run this file as it is.

-- +goose Up
CREATE TABLE waitlist_pathways (
    id          TEXT PRIMARY KEY,
    team_id     TEXT NOT NULL REFERENCES organisations (id),  -- the provider team that runs it
    service     TEXT NOT NULL CHECK (service IN ('autism', 'adhd', 'neurodevelopmental', 'salt', 'ot', 'physio',
                                                 'camhs', 'paediatrics')),
    regime      TEXT NOT NULL CHECK (regime IN ('rtt', 'chs')),
    name        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (team_id, service)
);

-- One referral per child and pathway: a second is a duplicate to refuse, and a
-- Right to Choose referral elsewhere is an event on this one (a transfer of
-- kind new_referral), so the child's total wait counts from the first.
CREATE TABLE waitlist_referrals (
    id               TEXT PRIMARY KEY,
    pathway_id       TEXT NOT NULL REFERENCES waitlist_pathways (id),
    child_id         TEXT NOT NULL REFERENCES children (id),
    source           TEXT NOT NULL CHECK (source IN ('gp', 'school', 'health_visitor', 'paediatrician', 'parent',
                                                     'social_care', 'other')),
    received_on      DATE NOT NULL,
    priority         TEXT NOT NULL CHECK (priority IN ('urgent', 'soon', 'routine')),
    priority_reason  TEXT NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    UNIQUE (pathway_id, child_id)
);
CREATE INDEX waitlist_referrals_pathway ON waitlist_referrals (pathway_id, received_on);
CREATE INDEX waitlist_referrals_child ON waitlist_referrals (child_id);

-- The events after the referral, numbered in the order they were recorded.
CREATE TABLE waitlist_events (
    referral_id  TEXT NOT NULL REFERENCES waitlist_referrals (id),
    seq          INTEGER NOT NULL,
    type         TEXT NOT NULL CHECK (type IN ('first_appointment_dna', 'appointment_attended', 'clock_stop', 'transfer')),
    happened_on  DATE NOT NULL,
    rebooked_on  DATE,  -- first_appointment_dna: the day the new appointment was booked
    reason       TEXT CHECK (reason IN ('treatment', 'assessment_complete', 'discharged', 'not_treated', 'declined',
                                        'active_monitoring')),
    kind         TEXT CHECK (kind IN ('commissioned', 'new_referral')),
    provider     TEXT,
    recorded_by  TEXT NOT NULL,
    recorded_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (referral_id, seq),
    CHECK ((type = 'clock_stop') = (reason IS NOT NULL)),
    CHECK ((type = 'transfer') = (kind IS NOT NULL AND provider IS NOT NULL)),
    CHECK (type = 'first_appointment_dna' OR rebooked_on IS NULL)
);

-- +goose Down
DROP TABLE waitlist_events;
DROP TABLE waitlist_referrals;
DROP TABLE waitlist_pathways;
