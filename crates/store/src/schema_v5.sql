-- bimo store schema, version 5: support offers (Angebote), measures (Maßnahmen) and the reviewers'
-- judgements of their effects.
--
-- People's records, kept like grants: every save of an offer or measure appends a version, never
-- changes one; the current state of a key is its newest version, and a version with withdrawn = 1
-- takes the record off the lists. The text fields are the entered draft (domain::angebot::AngebotDraft,
-- domain::massnahme::MassnahmeDraft) as JSON, parsed into typed values on every read, so a record
-- reads back exactly as it was checked when saved. Every save also writes its audit entry.
CREATE TABLE angebot_version (
    id          INTEGER PRIMARY KEY,
    kommune     TEXT NOT NULL REFERENCES kommune (key),
    key         TEXT NOT NULL,
    owner       TEXT NOT NULL REFERENCES department (key), -- the Träger or Amt that maintains it
    audience    TEXT NOT NULL CHECK (audience IN ('public', 'partner', 'internal')),
    example     INTEGER NOT NULL CHECK (example IN (0, 1)), -- an example of the demo, labelled so
    draft       TEXT NOT NULL, -- JSON
    withdrawn   INTEGER NOT NULL CHECK (withdrawn IN (0, 1)),
    actor       TEXT NOT NULL, -- login, or 'system'
    at          TEXT NOT NULL  -- RFC 3339
);

CREATE INDEX angebot_version_key ON angebot_version (kommune, key, id);

CREATE TABLE massnahme_version (
    id          INTEGER PRIMARY KEY,
    kommune     TEXT NOT NULL REFERENCES kommune (key),
    key         TEXT NOT NULL,
    owner       TEXT NOT NULL REFERENCES department (key), -- the lead department (Federführung)
    audience    TEXT NOT NULL CHECK (audience IN ('public', 'partner', 'internal')),
    layer       TEXT NOT NULL, -- the layer of the measure's areas
    draft       TEXT NOT NULL, -- JSON
    withdrawn   INTEGER NOT NULL CHECK (withdrawn IN (0, 1)),
    actor       TEXT NOT NULL,
    at          TEXT NOT NULL
);

CREATE INDEX massnahme_version_key ON massnahme_version (kommune, key, id);

CREATE TABLE massnahme_urteil (
    id          INTEGER PRIMARY KEY,
    kommune     TEXT NOT NULL REFERENCES kommune (key),
    massnahme   TEXT NOT NULL,
    indicator   TEXT NOT NULL, -- the judged effect: its indicator and baseline period, which
    baseline    TEXT NOT NULL, -- stay with it when the measure's effects are reordered
    befund      TEXT NOT NULL,
    reviewer    TEXT NOT NULL CHECK (reviewer <> ''),
    comment     TEXT NOT NULL,
    date        TEXT NOT NULL, -- YYYY-MM-DD
    actor       TEXT NOT NULL,
    at          TEXT NOT NULL
);

CREATE INDEX massnahme_urteil_key ON massnahme_urteil (kommune, massnahme, id);

CREATE TRIGGER angebot_version_no_update BEFORE UPDATE ON angebot_version
BEGIN
    SELECT RAISE(ABORT, 'offer versions are never changed');
END;

CREATE TRIGGER angebot_version_no_delete BEFORE DELETE ON angebot_version
BEGIN
    SELECT RAISE(ABORT, 'offer versions are never deleted');
END;

CREATE TRIGGER massnahme_version_no_update BEFORE UPDATE ON massnahme_version
BEGIN
    SELECT RAISE(ABORT, 'measure versions are never changed');
END;

CREATE TRIGGER massnahme_version_no_delete BEFORE DELETE ON massnahme_version
BEGIN
    SELECT RAISE(ABORT, 'measure versions are never deleted');
END;

CREATE TRIGGER massnahme_urteil_no_update BEFORE UPDATE ON massnahme_urteil
BEGIN
    SELECT RAISE(ABORT, 'judgements are never changed');
END;

CREATE TRIGGER massnahme_urteil_no_delete BEFORE DELETE ON massnahme_urteil
BEGIN
    SELECT RAISE(ABORT, 'judgements are never deleted');
END;
