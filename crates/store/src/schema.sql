-- bimo store schema, version 1. Every row belongs to exactly one release; rows are never updated
-- or deleted, so every release stays queryable as it was imported.
CREATE TABLE kommune (
    key  TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    ags  TEXT
);

CREATE TABLE release (
    id          INTEGER PRIMARY KEY,
    kommune     TEXT NOT NULL REFERENCES kommune(key),
    kind        TEXT NOT NULL CHECK (kind IN ('layer', 'statistics', 'institutions', 'crosswalk')),
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

-- One version of a layer: a complete set of areas valid from valid_from to valid_to.
CREATE TABLE layer_version (
    release_id INTEGER PRIMARY KEY REFERENCES release(id),
    layer      TEXT NOT NULL,
    name       TEXT NOT NULL,
    parent     TEXT,
    valid_from INTEGER,
    valid_to   INTEGER
);

CREATE TABLE area (
    release_id INTEGER NOT NULL REFERENCES layer_version(release_id),
    key        TEXT NOT NULL,
    name       TEXT NOT NULL,
    parent     TEXT,
    geometry   TEXT, -- GeoJSON MultiPolygon, WGS84
    PRIMARY KEY (release_id, key)
);

CREATE TABLE variable (
    release_id INTEGER NOT NULL REFERENCES release(id),
    key        TEXT NOT NULL,
    label      TEXT NOT NULL,
    unit       TEXT NOT NULL,
    share_of   TEXT,
    PRIMARY KEY (release_id, key)
);

CREATE TABLE observation (
    release_id INTEGER NOT NULL REFERENCES release(id),
    layer      TEXT NOT NULL,
    area       TEXT NOT NULL,
    variable   TEXT NOT NULL,
    period     TEXT NOT NULL,
    breakdown  TEXT NOT NULL,
    value      REAL,
    symbol     TEXT,
    CHECK ((value IS NULL) <> (symbol IS NULL)),
    PRIMARY KEY (release_id, layer, area, variable, period, breakdown)
) WITHOUT ROWID;

-- An institutions release is the complete list of one collection (e.g. schulen, kitas); the newest
-- visible release of a collection replaces the older ones.
CREATE TABLE institution_set (
    release_id INTEGER PRIMARY KEY REFERENCES release(id),
    collection TEXT NOT NULL
);

CREATE TABLE institution (
    release_id INTEGER NOT NULL REFERENCES release(id),
    key        TEXT NOT NULL,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    lon        REAL NOT NULL,
    lat        REAL NOT NULL,
    attributes TEXT NOT NULL, -- JSON array of [label, value] pairs
    PRIMARY KEY (release_id, key)
);

-- A crosswalk table: the share of each source area's count that goes to each target area, between
-- the versions of two layers valid in the given years (the newest versions where no year is given).
CREATE TABLE crosswalk_share (
    release_id INTEGER NOT NULL REFERENCES release(id),
    from_layer TEXT NOT NULL,
    from_year  INTEGER,
    to_layer   TEXT NOT NULL,
    to_year    INTEGER,
    from_key   TEXT NOT NULL,
    to_key     TEXT NOT NULL,
    share      REAL NOT NULL CHECK (share >= 0 AND share <= 1),
    PRIMARY KEY (release_id, from_key, to_key)
);
