//! `bimo konto`: departments, accounts and roles on the command line, where an installation starts
//! (the first admin has nobody to grant them a role in the web), and the audit log.
//!
//! Passwords are read from standard input (one line), never from the command line, where other
//! users of the machine could see them in the process list. Every change is written to the audit
//! log as done by `system`.

use std::io::{BufRead, Write};

use anyhow::Context;
use domain::access::{DepartmentKey, DepartmentKind, Role};
use store::{NewAccount, Store, StoredDepartment};

/// What `bimo konto` does.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Add a department (Dezernat, Amt) or a partner organisation.
    Amt {
        /// Its key, e.g. `bildungsbuero`; release manifests name it as `owner`.
        #[arg(long)]
        key: DepartmentKey,
        /// Its name, e.g. "Bildungsbüro".
        #[arg(long)]
        name: String,
        /// `verwaltung` (the city) or `partner` (a Träger or other organisation).
        #[arg(long, default_value = "verwaltung")]
        kind: DepartmentKind,
    },
    /// Create an account; the password is read from standard input.
    Anlegen {
        /// The login name.
        #[arg(long)]
        login: String,
        /// The person's name.
        #[arg(long)]
        name: String,
    },
    /// Give an account a role in a department (`reader`, `editor`, `admin`), or `none` to remove it.
    Rolle {
        /// The login name.
        #[arg(long)]
        login: String,
        /// The department's key.
        #[arg(long)]
        department: DepartmentKey,
        /// `reader`, `editor`, `admin` or `none`.
        #[arg(long)]
        role: String,
    },
    /// Set a new password (read from standard input); ends the account's sessions.
    Passwort {
        /// The login name.
        #[arg(long)]
        login: String,
    },
    /// Lock an account (ends its sessions) or, with `--unlock`, open it again.
    Sperren {
        /// The login name.
        #[arg(long)]
        login: String,
        /// Open the account again.
        #[arg(long)]
        unlock: bool,
    },
    /// List departments and accounts with their roles.
    Liste,
    /// Print the newest entries of the audit log.
    Protokoll {
        /// How many entries.
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
}

/// Reads a password from one line of `input` and hashes it.
fn password(input: &mut impl BufRead) -> anyhow::Result<String> {
    let mut line = String::new();
    input.read_line(&mut line).context("cannot read the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']);
    let chars = password.chars().count();
    if chars < web::auth::MIN_PASSWORD_CHARS {
        anyhow::bail!(
            "the password on standard input has {chars} characters; it needs at least {}",
            web::auth::MIN_PASSWORD_CHARS
        );
    }
    web::auth::hash_password(password).map_err(|e| anyhow::anyhow!("{e}"))
}

/// Runs one `bimo konto` command; `now` is the RFC 3339 time recorded in the audit log.
pub fn run(
    store: &Store,
    command: Command,
    now: &str,
    input: &mut impl BufRead,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    match command {
        Command::Amt { key, name, kind } => {
            store.add_department(&StoredDepartment { key: key.clone(), name, kind }, "system", now)?;
            writeln!(out, "department {key} added")?;
        }
        Command::Anlegen { login, name } => {
            let password_hash = password(input)?;
            store.add_account(&NewAccount { login: login.clone(), name, password_hash }, "system", now)?;
            writeln!(out, "account {login} created; give it a role with `bimo konto rolle`")?;
        }
        Command::Rolle { login, department, role } => {
            let role = match role.as_str() {
                "none" => None,
                r => Some(r.parse::<Role>()?),
            };
            store.set_membership(&login, &department, role, "system", now)?;
            writeln!(out, "{login} in {department}: {}", role.map_or("none", Role::as_str))?;
        }
        Command::Passwort { login } => {
            let hash = password(input)?;
            store.set_password(&login, &hash, "system", now)?;
            writeln!(out, "password of {login} changed; its sessions ended")?;
        }
        Command::Sperren { login, unlock } => {
            store.set_disabled(&login, !unlock, "system", now)?;
            writeln!(out, "{login} {}", if unlock { "unlocked" } else { "locked; its sessions ended" })?;
        }
        Command::Liste => {
            for d in store.departments()? {
                writeln!(out, "department {:<20} {:<10} {}", d.key, d.kind.as_str(), d.name)?;
            }
            for a in store.accounts()? {
                let roles: Vec<String> =
                    a.memberships.iter().map(|m| format!("{}:{}", m.department, m.role.as_str())).collect();
                let locked = if a.disabled { " (locked)" } else { "" };
                writeln!(out, "account    {:<20} {}{locked}  {}", a.login, a.name, roles.join(", "))?;
            }
        }
        Command::Protokoll { limit } => {
            for e in store.audit_log(limit)? {
                let change = match (&e.before, &e.after) {
                    (Some(b), Some(a)) => format!("  {b} -> {a}"),
                    (None, Some(a)) => format!("  -> {a}"),
                    _ => String::new(),
                };
                writeln!(out, "{}  {:<12} {:<14} {}{change}", e.at, e.actor, e.action, e.subject)?;
            }
        }
    }
    Ok(())
}

/// The departments of the demo: the reference city's two departments that work from one body of
/// data, and one partner organisation (a Träger) as an example.
const DEMO_DEPARTMENTS: [(&str, &str, DepartmentKind); 3] = [
    ("bildungsbuero", "Bildungsbüro (Dezernat Schule, Bürger, Kultur)", DepartmentKind::Verwaltung),
    ("soziales", "Dezernat Soziales", DepartmentKind::Verwaltung),
    ("traeger-beispiel", "Beispiel-Träger e. V. (Beispiel)", DepartmentKind::Partner),
];

/// Sets up the demo's departments where missing and, in a store without accounts, the account
/// `demo` (admin of both city departments) with a fresh random password, which it returns.
pub fn demo_setup(store: &Store, now: &str) -> anyhow::Result<Option<String>> {
    let existing = store.departments()?;
    for (key, name, kind) in DEMO_DEPARTMENTS {
        let key: DepartmentKey = key.parse()?;
        if !existing.iter().any(|d| d.key == key) {
            store.add_department(&StoredDepartment { key, name: name.to_owned(), kind }, "system", now)?;
        }
    }
    if !store.accounts()?.is_empty() {
        return Ok(None);
    }
    let password = web::auth::random_password();
    let password_hash = web::auth::hash_password(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
    let account = NewAccount { login: "demo".to_owned(), name: "Demo-Konto".to_owned(), password_hash };
    store.add_account(&account, "system", now)?;
    for (key, _, kind) in DEMO_DEPARTMENTS {
        if kind == DepartmentKind::Verwaltung {
            store.set_membership("demo", &key.parse()?, Some(Role::Admin), "system", now)?;
        }
    }
    Ok(Some(password))
}
