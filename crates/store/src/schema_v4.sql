-- bimo store schema, version 4: departments, accounts, grants, sessions and the audit log.
--
-- Departments (Dezernat, Amt or a partner organisation) own releases; a person's role holds per
-- department; the owner grants read or edit on a release to another department (domain::access).
-- Grants are events, never changed: the current grant of a department on a release is its newest
-- event, and 'none' revokes. Accounts and memberships change in place, but every change is written
-- to the audit log in the same transaction, with the state before and after. Sessions and failed
-- logins are operational state, not records: they expire and are pruned.
CREATE TABLE department (
    key         TEXT PRIMARY KEY,
    name        TEXT NOT NULL CHECK (name <> ''),
    kind        TEXT NOT NULL CHECK (kind IN ('verwaltung', 'partner'))
);

CREATE TABLE account (
    id            INTEGER PRIMARY KEY,
    login         TEXT NOT NULL UNIQUE CHECK (login <> ''),
    name          TEXT NOT NULL CHECK (name <> ''),
    password_hash TEXT NOT NULL, -- PHC string, Argon2id
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1))
);

CREATE TABLE membership (
    account     INTEGER NOT NULL REFERENCES account (id),
    department  TEXT NOT NULL REFERENCES department (key),
    role        TEXT NOT NULL CHECK (role IN ('reader', 'editor', 'admin')),
    PRIMARY KEY (account, department)
);

-- The department that owns a release, named at import; releases without a row have no owner.
CREATE TABLE release_owner (
    release_id  INTEGER PRIMARY KEY REFERENCES release (id),
    department  TEXT NOT NULL REFERENCES department (key)
);

CREATE TABLE grant_event (
    id          INTEGER PRIMARY KEY,
    release_id  INTEGER NOT NULL REFERENCES release (id),
    department  TEXT NOT NULL REFERENCES department (key),
    permission  TEXT NOT NULL CHECK (permission IN ('read', 'edit', 'none')),
    account     INTEGER NOT NULL REFERENCES account (id), -- who granted or revoked
    at          TEXT NOT NULL -- RFC 3339
);

CREATE INDEX grant_event_release ON grant_event (release_id, department, id);

CREATE TRIGGER grant_event_no_update BEFORE UPDATE ON grant_event
BEGIN
    SELECT RAISE(ABORT, 'grant events are never changed');
END;

CREATE TRIGGER grant_event_no_delete BEFORE DELETE ON grant_event
BEGIN
    SELECT RAISE(ABORT, 'grant events are never deleted');
END;

-- A session is found by the SHA-256 of its token; the token itself is never stored.
CREATE TABLE session (
    token_sha256 TEXT PRIMARY KEY,
    account      INTEGER NOT NULL REFERENCES account (id),
    csrf         TEXT NOT NULL, -- the form token of this session
    created_at   INTEGER NOT NULL, -- Unix seconds
    expires_at   INTEGER NOT NULL
);

CREATE TABLE login_failure (
    login       TEXT NOT NULL,
    at          INTEGER NOT NULL -- Unix seconds
);

CREATE INDEX login_failure_login ON login_failure (login, at);

-- Who changed what, when, with the state before and after (JSON or text); also every login and
-- every export of data that is not public. Append-only.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL, -- RFC 3339
    actor       TEXT NOT NULL, -- an account's login, or 'system' for the command line
    action      TEXT NOT NULL,
    subject     TEXT NOT NULL,
    before      TEXT,
    after       TEXT
);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit log entries are never changed');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit log entries are never deleted');
END;
