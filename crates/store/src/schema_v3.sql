-- bimo store schema, version 3: statistics of institutions (pupils per school, grade and school
-- year) and planning scenarios with their adoptions by council decision. Append-only like every
-- other table.

-- The release kinds gain 'institution_statistics'. SQLite cannot change a CHECK constraint, so the
-- table is rebuilt with the same columns and ids (Store::open runs the migration with foreign key
-- enforcement off and checks every foreign key before committing).
CREATE TABLE release_v3 (
    id          INTEGER PRIMARY KEY,
    kommune     TEXT NOT NULL REFERENCES kommune(key),
    kind        TEXT NOT NULL
        CHECK (kind IN ('layer', 'statistics', 'institutions', 'crosswalk', 'institution_statistics')),
    title       TEXT NOT NULL,
    source      TEXT NOT NULL,
    licence     TEXT NOT NULL,
    attribution TEXT NOT NULL,
    url         TEXT,
    audience    TEXT NOT NULL CHECK (audience IN ('public', 'partner', 'internal')),
    imported_at TEXT NOT NULL,
    file        TEXT NOT NULL,
    sha256      TEXT NOT NULL
);
INSERT INTO release_v3 (id, kommune, kind, title, source, licence, attribution, url, audience, imported_at, file, sha256)
    SELECT id, kommune, kind, title, source, licence, attribution, url, audience, imported_at, file, sha256 FROM release;
DROP TABLE release;
ALTER TABLE release_v3 RENAME TO release;

-- A value of a statistic of an institution of a collection (e.g. pupils of school 123456 of
-- collection schulen, variable schueler, period 2024/25, breakdown klasse=5). The current value of a
-- cell (collection, institution, variable, period, breakdown) is that of the newest visible release.
CREATE TABLE institution_observation (
    release_id  INTEGER NOT NULL REFERENCES release(id),
    collection  TEXT NOT NULL,
    institution TEXT NOT NULL,
    variable    TEXT NOT NULL,
    period      TEXT NOT NULL,
    breakdown   TEXT NOT NULL,
    value       REAL,
    symbol      TEXT,
    CHECK ((value IS NULL) <> (symbol IS NULL)),
    PRIMARY KEY (release_id, collection, institution, variable, period, breakdown)
) WITHOUT ROWID;

-- A planning scenario: its assumptions are the scenario file exactly as given (TOML), so what was
-- assumed can always be read again; base is the scenario it was copied from.
CREATE TABLE scenario (
    id          INTEGER PRIMARY KEY,
    kommune     TEXT NOT NULL,
    name        TEXT NOT NULL CHECK (name <> ''),
    base        INTEGER REFERENCES scenario(id),
    description TEXT NOT NULL,
    assumptions TEXT NOT NULL, -- the scenario file (TOML) as given
    created_by  TEXT NOT NULL CHECK (created_by <> ''),
    created_at  TEXT NOT NULL, -- RFC 3339
    UNIQUE (kommune, name)
);

-- A council decision adopting a scenario, e.g. "Ratsbeschluss 2026/0815".
CREATE TABLE scenario_adoption (
    id          INTEGER PRIMARY KEY,
    scenario    INTEGER NOT NULL REFERENCES scenario(id),
    decision    TEXT NOT NULL CHECK (decision <> ''),
    date        TEXT NOT NULL, -- YYYY-MM-DD, the date of the decision
    recorded_by TEXT NOT NULL CHECK (recorded_by <> ''),
    recorded_at TEXT NOT NULL  -- RFC 3339, when it was stored
);

CREATE INDEX scenario_adoption_scenario ON scenario_adoption (scenario, id);

CREATE TRIGGER institution_observation_no_update BEFORE UPDATE ON institution_observation
BEGIN
    SELECT RAISE(ABORT, 'institution observations are never changed');
END;

CREATE TRIGGER institution_observation_no_delete BEFORE DELETE ON institution_observation
BEGIN
    SELECT RAISE(ABORT, 'institution observations are never deleted');
END;

CREATE TRIGGER scenario_no_update BEFORE UPDATE ON scenario
BEGIN
    SELECT RAISE(ABORT, 'scenarios are never changed');
END;

CREATE TRIGGER scenario_no_delete BEFORE DELETE ON scenario
BEGIN
    SELECT RAISE(ABORT, 'scenarios are never deleted');
END;

CREATE TRIGGER scenario_adoption_no_update BEFORE UPDATE ON scenario_adoption
BEGIN
    SELECT RAISE(ABORT, 'scenario adoptions are never changed');
END;

CREATE TRIGGER scenario_adoption_no_delete BEFORE DELETE ON scenario_adoption
BEGIN
    SELECT RAISE(ABORT, 'scenario adoptions are never deleted');
END;
