//! Departments, accounts, memberships, grants, sessions and the audit log (schema v4).
//!
//! Every change to departments, accounts, memberships and grants writes its audit entry in the
//! same transaction, so the log never misses a change and never records one that did not happen.
//! A grant is checked against the granting account's roles ([`Viewer::may_grant`]) inside the
//! transaction that appends it, like review steps are checked against their history. Passwords
//! arrive hashed: hashing is the caller's (the web layer's) business, the store keeps PHC strings.

use domain::ReleaseId;
use domain::access::{DepartmentKey, DepartmentKind, Grant, Membership, Permission, ReleaseAccess, Role, Viewer};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::{Store, StoreError};

/// The store's number for an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AccountId(pub i64);

/// A department as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDepartment {
    /// Its key.
    pub key: DepartmentKey,
    /// Its name, e.g. "Bildungsbüro".
    pub name: String,
    /// City administration or partner.
    pub kind: DepartmentKind,
}

/// An account to be created.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// The login name.
    pub login: String,
    /// The person's name as shown.
    pub name: String,
    /// The Argon2id hash of the password, as a PHC string.
    pub password_hash: String,
}

/// An account as stored, with its memberships.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAccount {
    /// Its number.
    pub id: AccountId,
    /// The login name.
    pub login: String,
    /// The person's name.
    pub name: String,
    /// The Argon2id hash of the password.
    pub password_hash: String,
    /// Whether the account may no longer sign in.
    pub disabled: bool,
    /// Its roles per department.
    pub memberships: Vec<Membership>,
}

impl StoredAccount {
    /// The viewer this account is.
    pub fn viewer(&self) -> Viewer {
        Viewer::Account(self.memberships.clone())
    }
}

/// The account behind a live session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionAccount {
    /// The account.
    pub account: StoredAccount,
    /// The session's form token (CSRF).
    pub csrf: String,
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Its number, in the order written.
    pub id: i64,
    /// When, RFC 3339.
    pub at: String,
    /// The account's login, or `system` for the command line.
    pub actor: String,
    /// What was done, e.g. `grant`, `login`, `export`.
    pub action: String,
    /// What it was done to, e.g. `release 4`.
    pub subject: String,
    /// The state before, if the action changed one.
    pub before: Option<String>,
    /// The state after.
    pub after: Option<String>,
}

/// Appends an audit entry inside the caller's transaction.
pub(crate) fn audit(
    conn: &Connection,
    at: &str,
    actor: &str,
    action: &str,
    subject: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO audit_log (at, actor, action, subject, before, after) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![at, actor, action, subject, before, after],
    )?;
    Ok(())
}

fn corrupt(table: &'static str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt { table, detail: e.to_string() }
}

pub(crate) fn department_exists(conn: &Connection, key: &DepartmentKey) -> Result<bool, StoreError> {
    Ok(conn.query_row("SELECT 1 FROM department WHERE key = ?1", [key.as_str()], |_| Ok(())).optional()?.is_some())
}

fn memberships(conn: &Connection, account: AccountId) -> Result<Vec<Membership>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT m.department, d.kind, m.role FROM membership m JOIN department d ON d.key = m.department
         WHERE m.account = ?1 ORDER BY m.department",
    )?;
    let rows =
        stmt.query_map([account.0], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (department, kind, role) = row?;
        out.push(Membership {
            department: department.parse().map_err(|e| corrupt("membership", e))?,
            kind: kind.parse().map_err(|e| corrupt("department", e))?,
            role: role.parse().map_err(|e| corrupt("membership", e))?,
        });
    }
    Ok(out)
}

fn account_where(
    conn: &Connection,
    column: &str,
    value: &dyn rusqlite::ToSql,
) -> Result<Option<StoredAccount>, StoreError> {
    let row = conn
        .query_row(
            &format!("SELECT id, login, name, password_hash, disabled FROM account WHERE {column} = ?1"),
            [value],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get::<_, i64>(4)?)),
        )
        .optional()?;
    let Some((id, login, name, password_hash, disabled)) = row else { return Ok(None) };
    let id = AccountId(id);
    Ok(Some(StoredAccount {
        id,
        login,
        name,
        password_hash,
        disabled: disabled != 0,
        memberships: memberships(conn, id)?,
    }))
}

/// The account with this number.
pub(crate) fn account_by_id(conn: &Connection, id: AccountId) -> Result<StoredAccount, StoreError> {
    account_where(conn, "id", &id.0)?.ok_or_else(|| StoreError::UnknownAccount(id.0.to_string()))
}

fn membership_text(m: &[Membership]) -> String {
    m.iter().map(|m| format!("{}:{}", m.department, m.role.as_str())).collect::<Vec<_>>().join(", ")
}

/// Every release's tier and owner, and the current grants: what [`Viewer::may_read`] needs.
fn release_access(conn: &Connection) -> Result<(Vec<ReleaseAccess>, Vec<Grant>), StoreError> {
    let mut stmt = conn.prepare(
        "SELECT r.id, r.audience, o.department FROM release r LEFT JOIN release_owner o ON o.release_id = r.id ORDER BY r.id",
    )?;
    let rows =
        stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?)))?;
    let mut releases = Vec::new();
    for row in rows {
        let (id, audience, owner) = row?;
        releases.push(ReleaseAccess {
            id: ReleaseId(id),
            audience: audience.parse().map_err(|e| corrupt("release", e))?,
            owner: owner.map(|o| o.parse()).transpose().map_err(|e| corrupt("release_owner", e))?,
        });
    }
    let mut stmt = conn.prepare(
        "SELECT g.release_id, g.department, g.permission FROM grant_event g
         WHERE g.id = (SELECT max(id) FROM grant_event h WHERE h.release_id = g.release_id AND h.department = g.department)
           AND g.permission <> 'none'
         ORDER BY g.release_id, g.department",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
    let mut grants = Vec::new();
    for row in rows {
        let (release, department, permission) = row?;
        grants.push(Grant {
            release: ReleaseId(release),
            department: department.parse().map_err(|e| corrupt("grant_event", e))?,
            permission: permission.parse().map_err(|e| corrupt("grant_event", e))?,
        });
    }
    Ok((releases, grants))
}

impl Store {
    /// Adds a department.
    pub fn add_department(&self, department: &StoredDepartment, actor: &str, at: &str) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if department_exists(&tx, &department.key)? {
            return Err(StoreError::DuplicateDepartment(department.key.clone()));
        }
        if department.name.trim().is_empty() {
            return Err(StoreError::Empty("the department's name"));
        }
        tx.execute(
            "INSERT INTO department (key, name, kind) VALUES (?1, ?2, ?3)",
            (department.key.as_str(), &department.name, department.kind.as_str()),
        )?;
        let after = format!("{} ({})", department.name, department.kind.as_str());
        audit(&tx, at, actor, "add department", &format!("department {}", department.key), None, Some(&after))?;
        tx.commit()?;
        Ok(())
    }

    /// Every department, by key.
    pub fn departments(&self) -> Result<Vec<StoredDepartment>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT key, name, kind FROM department ORDER BY key")?;
        let rows =
            stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (key, name, kind) = row?;
            out.push(StoredDepartment {
                key: key.parse().map_err(|e| corrupt("department", e))?,
                name,
                kind: kind.parse().map_err(|e| corrupt("department", e))?,
            });
        }
        Ok(out)
    }

    /// Creates an account without memberships.
    pub fn add_account(&self, account: &NewAccount, actor: &str, at: &str) -> Result<AccountId, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if account.login.trim().is_empty() || account.login.trim() != account.login {
            return Err(StoreError::Empty("the login (without surrounding spaces)"));
        }
        if account.name.trim().is_empty() {
            return Err(StoreError::Empty("the account's name"));
        }
        if account_where(&tx, "login", &account.login)?.is_some() {
            return Err(StoreError::DuplicateAccount(account.login.clone()));
        }
        tx.execute(
            "INSERT INTO account (login, name, password_hash) VALUES (?1, ?2, ?3)",
            (&account.login, &account.name, &account.password_hash),
        )?;
        let id = AccountId(tx.last_insert_rowid());
        audit(&tx, at, actor, "add account", &format!("account {}", account.login), None, Some(&account.name))?;
        tx.commit()?;
        Ok(id)
    }

    /// The account with this login, with its memberships.
    pub fn account(&self, login: &str) -> Result<Option<StoredAccount>, StoreError> {
        account_where(&self.conn(), "login", &login)
    }

    /// Every account, by login.
    pub fn accounts(&self) -> Result<Vec<StoredAccount>, StoreError> {
        let conn = self.conn();
        let logins: Vec<String> = conn
            .prepare("SELECT login FROM account ORDER BY login")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        logins.iter().filter_map(|l| account_where(&conn, "login", l).transpose()).collect()
    }

    /// Gives the account `role` in `department`, or removes it from the department (`None`).
    pub fn set_membership(
        &self,
        login: &str,
        department: &DepartmentKey,
        role: Option<Role>,
        actor: &str,
        at: &str,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let account =
            account_where(&tx, "login", &login)?.ok_or_else(|| StoreError::UnknownAccount(login.to_owned()))?;
        if !department_exists(&tx, department)? {
            return Err(StoreError::UnknownDepartment(department.clone()));
        }
        match role {
            Some(role) => tx.execute(
                "INSERT INTO membership (account, department, role) VALUES (?1, ?2, ?3)
                 ON CONFLICT (account, department) DO UPDATE SET role = excluded.role",
                params![account.id.0, department.as_str(), role.as_str()],
            )?,
            None => tx.execute(
                "DELETE FROM membership WHERE account = ?1 AND department = ?2",
                params![account.id.0, department.as_str()],
            )?,
        };
        let before = membership_text(&account.memberships);
        let after = membership_text(&memberships(&tx, account.id)?);
        audit(&tx, at, actor, "set membership", &format!("account {login}"), Some(&before), Some(&after))?;
        tx.commit()?;
        Ok(())
    }

    /// Replaces the account's password hash and ends all its sessions.
    pub fn set_password(&self, login: &str, password_hash: &str, actor: &str, at: &str) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let account =
            account_where(&tx, "login", &login)?.ok_or_else(|| StoreError::UnknownAccount(login.to_owned()))?;
        tx.execute("UPDATE account SET password_hash = ?1 WHERE id = ?2", params![password_hash, account.id.0])?;
        tx.execute("DELETE FROM session WHERE account = ?1", [account.id.0])?;
        audit(&tx, at, actor, "set password", &format!("account {login}"), None, None)?;
        tx.commit()?;
        Ok(())
    }

    /// Disables or enables the account; disabling ends all its sessions.
    pub fn set_disabled(&self, login: &str, disabled: bool, actor: &str, at: &str) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let account =
            account_where(&tx, "login", &login)?.ok_or_else(|| StoreError::UnknownAccount(login.to_owned()))?;
        tx.execute("UPDATE account SET disabled = ?1 WHERE id = ?2", params![i64::from(disabled), account.id.0])?;
        if disabled {
            tx.execute("DELETE FROM session WHERE account = ?1", [account.id.0])?;
        }
        let text = |d: bool| if d { "gesperrt" } else { "aktiv" };
        let subject = format!("account {login}");
        audit(&tx, at, actor, "set disabled", &subject, Some(text(account.disabled)), Some(text(disabled)))?;
        tx.commit()?;
        Ok(())
    }

    /// Every release's tier and owner, and the current grants.
    pub fn release_access(&self) -> Result<(Vec<ReleaseAccess>, Vec<Grant>), StoreError> {
        release_access(&self.conn())
    }

    /// Changes whenever a release lands or a grant changes: callers cache [`Store::release_access`]
    /// and the snapshots built from it until it changes.
    pub fn access_version(&self) -> Result<(i64, i64), StoreError> {
        Ok(self.conn().query_row(
            "SELECT (SELECT coalesce(max(id), 0) FROM release), (SELECT coalesce(max(id), 0) FROM grant_event)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    /// Grants `department` read or edit on a release, or revokes its grant (`None`), if the acting
    /// account is an admin of the release's owner; otherwise [`StoreError::Forbidden`] and nothing
    /// is stored.
    pub fn grant(
        &self,
        actor: AccountId,
        release: ReleaseId,
        department: &DepartmentKey,
        permission: Option<Permission>,
        at: &str,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let account =
            account_where(&tx, "id", &actor.0)?.ok_or_else(|| StoreError::UnknownAccount(actor.0.to_string()))?;
        let (releases, grants) = release_access(&tx)?;
        let access = releases.iter().find(|r| r.id == release).ok_or(StoreError::UnknownRelease(release))?;
        if account.disabled || !account.viewer().may_grant(access) {
            return Err(StoreError::Forbidden("only an admin of the owning department grants access to a release"));
        }
        if !department_exists(&tx, department)? {
            return Err(StoreError::UnknownDepartment(department.clone()));
        }
        if access.owner.as_ref() == Some(department) {
            return Err(StoreError::Forbidden("the owning department needs no grant"));
        }
        let before = grants.iter().find(|g| g.release == release && &g.department == department).map(|g| g.permission);
        let text = |p: Option<Permission>| p.map_or("none", Permission::as_str);
        tx.execute(
            "INSERT INTO grant_event (release_id, department, permission, account, at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![release.0, department.as_str(), text(permission), actor.0, at],
        )?;
        let subject = format!("release {release} for department {department}");
        audit(&tx, at, &account.login, "grant", &subject, Some(text(before)), Some(text(permission)))?;
        tx.commit()?;
        Ok(())
    }

    /// Starts a session for the account: stores the SHA-256 of its token and its form token, and
    /// prunes expired sessions.
    pub fn create_session(
        &self,
        token_sha256: &str,
        account: AccountId,
        csrf: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        let conn = self.conn();
        conn.execute("DELETE FROM session WHERE expires_at <= ?1", [now])?;
        conn.execute(
            "INSERT INTO session (token_sha256, account, csrf, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![token_sha256, account.0, csrf, now, expires_at],
        )?;
        Ok(())
    }

    /// The account behind a session that has not expired, unless the account is disabled.
    pub fn session(&self, token_sha256: &str, now: i64) -> Result<Option<SessionAccount>, StoreError> {
        let conn = self.conn();
        let row = conn
            .query_row(
                "SELECT account, csrf FROM session WHERE token_sha256 = ?1 AND expires_at > ?2",
                params![token_sha256, now],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
            )
            .optional()?;
        let Some((account, csrf)) = row else { return Ok(None) };
        Ok(account_where(&conn, "id", &account)?
            .filter(|a| !a.disabled)
            .map(|account| SessionAccount { account, csrf }))
    }

    /// Ends a session (logout).
    pub fn end_session(&self, token_sha256: &str) -> Result<(), StoreError> {
        self.conn().execute("DELETE FROM session WHERE token_sha256 = ?1", [token_sha256])?;
        Ok(())
    }

    /// Reserves a sign-in attempt for `login`: if fewer than `max` attempts are counted since
    /// `since`, counts this one (as a failure until [`Store::clear_login_failures`] forgets them
    /// after a correct password) and returns true; otherwise returns false and counts nothing.
    /// Counting before the password is checked, in one transaction, means parallel attempts cannot
    /// slip past the limit while the slow hash is verified.
    pub fn reserve_login_attempt(&self, login: &str, now: i64, since: i64, max: usize) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM login_failure WHERE at < ?1", [since])?;
        let counted: i64 =
            tx.query_row("SELECT count(*) FROM login_failure WHERE login = ?1", [login], |r| r.get(0))?;
        if usize::try_from(counted).unwrap_or(usize::MAX) >= max {
            return Ok(false);
        }
        tx.execute("INSERT INTO login_failure (login, at) VALUES (?1, ?2)", params![login, now])?;
        tx.commit()?;
        Ok(true)
    }

    /// Forgets the failed logins of `login` (after a successful one).
    pub fn clear_login_failures(&self, login: &str) -> Result<(), StoreError> {
        self.conn().execute("DELETE FROM login_failure WHERE login = ?1", [login])?;
        Ok(())
    }

    /// Appends an entry to the audit log on its own (a login, an export); changes write theirs in
    /// their own transaction.
    pub fn audit(
        &self,
        at: &str,
        actor: &str,
        action: &str,
        subject: &str,
        after: Option<&str>,
    ) -> Result<(), StoreError> {
        audit(&self.conn(), at, actor, action, subject, None, after)
    }

    /// The newest `limit` entries of the audit log, newest first.
    pub fn audit_log(&self, limit: usize) -> Result<Vec<AuditEntry>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare("SELECT id, at, actor, action, subject, before, after FROM audit_log ORDER BY id DESC LIMIT ?1")?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok(AuditEntry {
                id: r.get(0)?,
                at: r.get(1)?,
                actor: r.get(2)?,
                action: r.get(3)?,
                subject: r.get(4)?,
                before: r.get(5)?,
                after: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests;
