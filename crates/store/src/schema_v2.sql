-- bimo store schema, version 2: the review events of the attention workflow. Append-only like
-- every other table: an event is never updated or deleted; an area's review state is folded from
-- its events in id order (domain::attention::Review).
CREATE TABLE review_event (
    id          INTEGER PRIMARY KEY,
    kommune     TEXT NOT NULL,
    layer       TEXT NOT NULL,
    area        TEXT NOT NULL,
    index_key   TEXT NOT NULL, -- the index, e.g. berlin-mss
    edition     TEXT NOT NULL, -- the index edition, e.g. 2019
    kind        TEXT NOT NULL CHECK (kind IN ('proposed', 'confirmed', 'rejected')),
    person      TEXT NOT NULL CHECK (person <> ''),
    comment     TEXT NOT NULL,
    date        TEXT NOT NULL, -- YYYY-MM-DD, the date of the step
    recorded_at TEXT NOT NULL  -- RFC 3339, when it was stored
);

CREATE INDEX review_event_area ON review_event (kommune, index_key, layer, area, id);

CREATE TRIGGER review_event_no_update BEFORE UPDATE ON review_event
BEGIN
    SELECT RAISE(ABORT, 'review events are never changed');
END;

CREATE TRIGGER review_event_no_delete BEFORE DELETE ON review_event
BEGIN
    SELECT RAISE(ABORT, 'review events are never deleted');
END;
