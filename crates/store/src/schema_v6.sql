-- bimo store schema, version 6: the Lenkungskreis. A meeting is the fold of its events
-- (domain::lenkungskreis::Sitzung); events are appended, never changed, so the history of every
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
