-- Indexes that hold every column a caseload reads of them, so neither table
-- is visited for the few hundred rows a coordinator's page sorts: a person's
-- live care-team links (the access predicate's list, internal/access) and a
-- case's next date by child. On the county demo (232 cases) the page's
-- statement on SQLite took 0.94 ms of CPU without them and 0.66 with them.
-- Portable SQL only: both SQLite and PostgreSQL run this file as it is.

-- +goose Up
CREATE INDEX care_team_person_live ON care_team (person_id, status, reason, starts_at, ends_at, consent_id, child_id);
CREATE INDEX ehc_cases_child_next ON ehc_cases (child_id, next_due, id);

-- +goose Down
DROP INDEX ehc_cases_child_next;
DROP INDEX care_team_person_live;
