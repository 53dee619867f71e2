-- bimo store schema, version 6: the Lenkungskreis, and grants on offers and measures. A meeting is
-- the fold of its events (domain::lenkungskreis::Sitzung); events are appended, never changed, so the history of every
-- decision is kept. The owner is the department that keeps the meeting's record (its Geschäftsstelle).
CREATE TABLE sitzung_event (
    id          INTEGER PRIMARY KEY,
    kommune     TEXT NOT NULL REFERENCES kommune (key),
    sitzung     TEXT NOT NULL,
    owner       TEXT NOT NULL REFERENCES department (key),
    payload     TEXT NOT NULL, -- JSON of the event
    actor       TEXT NOT NULL,
    at          TEXT NOT NULL
);

CREATE INDEX sitzung_event_key ON sitzung_event (kommune, sitzung, id);

CREATE TRIGGER sitzung_event_no_update BEFORE UPDATE ON sitzung_event
BEGIN
    SELECT RAISE(ABORT, 'meeting events are never changed');
END;

CREATE TRIGGER sitzung_event_no_delete BEFORE DELETE ON sitzung_event
BEGIN
    SELECT RAISE(ABORT, 'meeting events are never deleted');
END;

-- Grants on records (offers, measures) by the department that keeps them, like grant_event for
-- releases: events, the newest per record and department counts, 'none' revokes.
CREATE TABLE record_grant_event (
    id          INTEGER PRIMARY KEY,
    kommune     TEXT NOT NULL REFERENCES kommune (key),
    kind        TEXT NOT NULL CHECK (kind IN ('angebot', 'massnahme')),
    key         TEXT NOT NULL,
    department  TEXT NOT NULL REFERENCES department (key),
    permission  TEXT NOT NULL CHECK (permission IN ('read', 'edit', 'none')),
    account     INTEGER NOT NULL REFERENCES account (id),
    at          TEXT NOT NULL
);

CREATE INDEX record_grant_event_key ON record_grant_event (kommune, kind, key, department, id);

CREATE TRIGGER record_grant_event_no_update BEFORE UPDATE ON record_grant_event
BEGIN
    SELECT RAISE(ABORT, 'grant events are never changed');
END;

CREATE TRIGGER record_grant_event_no_delete BEFORE DELETE ON record_grant_event
BEGIN
    SELECT RAISE(ABORT, 'grant events are never deleted');
END;
