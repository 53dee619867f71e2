//! The embedded store: one SQLite file in WAL mode holding every release ever imported.
//!
//! Writes happen only through [`Store::import`], which adds one release in one transaction: it
//! lands whole or not at all, through [`Store::record_review`], which appends one step of the
//! attention workflow if the area's review state allows it, and through [`Store::add_scenario`] and
//! [`Store::adopt_scenario`], which append planning scenarios and the council decisions that
//! adopted them ([`Store::scenarios`] reads them back), and through the access records of
//! `access.rs` (departments, accounts, roles, grants, sessions, the audit log; accounts and
//! memberships change in place, each change logged with before and after). Data rows are never
//! updated or deleted, so
//! an old release stays queryable after a corrected file has been imported as a new one. Reads go
//! through [`Store::snapshot`], which returns the current state as seen by one [`Audience`]: for each
//! layer the newest visible version, and for each observation cell – of an area or of an
//! institution ([`StoredInstitutionObservation`], e.g. pupils per school, grade and school year) –
//! the value of the newest visible release that has it.
//!
//! ```
//! use store::Store;
//! use domain::Audience;
//! let store = Store::open_in_memory().unwrap();
//! assert!(store.snapshot(Audience::Public).unwrap().kommunen.is_empty());
//! ```

mod access;
mod attention;
mod management;
mod meeting;
mod read;
mod scenario;
mod write;

use std::collections::HashSet;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

use rusqlite::{Connection, TransactionBehavior};

pub use access::{AccountId, AuditEntry, NewAccount, SessionAccount, StoredAccount, StoredDepartment};
pub use attention::{AreaReview, RecordedReviewEvent, ReviewSubject};
pub use management::{Actor, NewAngebot, RecordKind, RecordRef, StoredAngebot, StoredMassnahme, StoredUrteil};
pub use meeting::{RecordedEreignis, StoredSitzung};
pub use read::{
    InstitutionRecord, KommuneData, LayerVersion, Snapshot, StoredCrosswalk, StoredInstitutionObservation,
    StoredObservation, VariableInfo,
};
pub use scenario::{NewScenario, ScenarioAdoption, ScenarioId, StoredScenario};
pub use write::{Content, NewRelease};

use domain::{Audience, LayerKey, ReleaseId};

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
    /// A statistics release names a layer the Kommune does not have.
    #[error("unknown layer {layer} in Kommune {kommune}")]
    UnknownLayer {
        /// The Kommune.
        kommune: String,
        /// The missing layer.
        layer: LayerKey,
    },
    /// A layer release names a parent layer that does not exist.
    #[error("parent layer {parent} of layer {layer} does not exist")]
    UnknownParentLayer {
        /// The layer being imported.
        layer: LayerKey,
        /// Its missing parent.
        parent: LayerKey,
    },
    /// Stored data that cannot be read back (a bug or a file edited by hand).
    #[error("corrupt row in {table}: {detail}")]
    Corrupt {
        /// Table name.
        table: &'static str,
        /// What is wrong.
        detail: String,
    },
    /// An institution statistics release names a collection that has no institutions release.
    #[error("unknown collection {collection} in Kommune {kommune}")]
    UnknownCollection {
        /// The Kommune.
        kommune: String,
        /// The missing collection.
        collection: String,
    },
    /// A scenario id that does not exist (as the base of a new scenario, or to adopt).
    #[error("unknown scenario {0}")]
    UnknownScenario(ScenarioId),
    /// A new scenario's base scenario belongs to another Kommune.
    #[error("base scenario {base} belongs to another Kommune than {kommune}")]
    ForeignBaseScenario {
        /// The Kommune of the new scenario.
        kommune: String,
        /// The base scenario.
        base: ScenarioId,
    },
    /// The Kommune already has a scenario of this name.
    #[error("Kommune {kommune} already has a scenario named {name:?}")]
    DuplicateScenario {
        /// The Kommune.
        kommune: String,
        /// The name.
        name: String,
    },
    /// A scenario without a name, or an adoption without the council decision.
    #[error("{0} must not be empty")]
    Empty(&'static str),
    /// A review step of the attention workflow that the area's review state does not allow.
    #[error(transparent)]
    Review(#[from] domain::attention::ReviewError),
    /// A release owner, membership or grant names a department that does not exist.
    #[error("unknown department {0}")]
    UnknownDepartment(domain::access::DepartmentKey),
    /// A department key that is taken already.
    #[error("department {0} exists already")]
    DuplicateDepartment(domain::access::DepartmentKey),
    /// An account login that does not exist.
    #[error("unknown account {0:?}")]
    UnknownAccount(String),
    /// An account login that is taken already.
    #[error("account {0:?} exists already")]
    DuplicateAccount(String),
    /// A Kommune that has no release yet.
    #[error("unknown Kommune {0}")]
    UnknownKommune(String),
    /// An offer, measure or effect that does not exist (or was withdrawn).
    #[error("unknown {0}")]
    UnknownRecord(String),
    /// A release id that does not exist.
    #[error("unknown release {0}")]
    UnknownRelease(ReleaseId),
    /// A meeting event the meeting's state does not allow.
    #[error(transparent)]
    Sitzung(#[from] domain::lenkungskreis::SitzungError),
    /// A change the acting account's roles and grants do not allow; nothing was stored.
    #[error("not allowed: {0}")]
    Forbidden(&'static str),
    /// The file was written by a newer bimo.
    #[error("store schema version {found} is newer than this program's version {supported}")]
    SchemaTooNew {
        /// Version in the file.
        found: i64,
        /// Version this program knows.
        supported: i64,
    },
}

/// The schema migrations: entry `i` brings a store file from version `i` to version `i + 1`
/// (version 0 is an empty file).
const MIGRATIONS: [&str; 6] = [
    include_str!("schema.sql"),
    include_str!("schema_v2.sql"),
    include_str!("schema_v3.sql"),
    include_str!("schema_v4.sql"),
    include_str!("schema_v5.sql"),
    include_str!("schema_v6.sql"),
];

const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The schema version of the file, refused if newer than this program's.
fn schema_version(conn: &Connection) -> Result<usize, StoreError> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew { found: version, supported: SCHEMA_VERSION });
    }
    usize::try_from(version)
        .map_err(|_| StoreError::Corrupt { table: "user_version", detail: format!("negative version {version}") })
}

/// A handle on the store file.
pub struct Store {
    conn: Mutex<Connection>,
}

impl Store {
    /// Opens (and if needed creates) the store at `path`, in WAL mode.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        Store::init(conn)
    }

    /// A store in memory, for tests.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        Store::init(Connection::open_in_memory()?)
    }

    fn init(mut conn: Connection) -> Result<Store, StoreError> {
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        if schema_version(&conn)? < MIGRATIONS.len() {
            // Foreign keys are not enforced while the schema changes, so that a step may rebuild a
            // table others refer to (SQLite's documented way to change a constraint); the pragma
            // only takes effect outside a transaction. Every foreign key is checked before commit.
            conn.pragma_update(None, "foreign_keys", "OFF")?;
            // Immediate, and the version read again inside: two programs opening an old file at once
            // migrate it once. All steps and the new version in one transaction: the file is upgraded
            // whole or not at all.
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            for migration in &MIGRATIONS[schema_version(&tx)?..] {
                tx.execute_batch(migration)?;
            }
            let broken: i64 = tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
            if broken > 0 {
                return Err(StoreError::Corrupt {
                    table: "schema",
                    detail: format!("{broken} rows break a foreign key after the upgrade"),
                });
            }
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
            tx.commit()?;
        }
        conn.pragma_update(None, "foreign_keys", "ON")?;
        Ok(Store { conn: Mutex::new(conn) })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written: transactions roll back.
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The number of the newest release, or 0 for an empty store; changes whenever data is added,
    /// so callers can cache a [`Snapshot`] until it changes.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        Ok(self.conn().query_row("SELECT coalesce(max(id), 0) FROM release", [], |r| r.get(0))?)
    }

    /// Whether a release of this Kommune with the same file digest and title is already stored.
    pub fn has_release(&self, kommune: &str, title: &str, sha256: &str) -> Result<Option<ReleaseId>, StoreError> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn()
            .query_row(
                "SELECT id FROM release WHERE kommune = ?1 AND title = ?2 AND sha256 = ?3",
                (kommune, title, sha256),
                |r| r.get(0),
            )
            .optional()?
            .map(ReleaseId))
    }

    /// The current state for a viewer cleared for `audience`.
    pub fn snapshot(&self, audience: Audience) -> Result<Snapshot, StoreError> {
        read::snapshot(&self.conn(), &|r| audience.may_see(r.audience), None)
    }

    /// The current state as seen by a reader who may see exactly the releases in `visible` (as
    /// [`domain::access::Viewer::visible`] computes them from [`Store::release_access`]).
    pub fn snapshot_of(&self, visible: &HashSet<ReleaseId>) -> Result<Snapshot, StoreError> {
        read::snapshot(&self.conn(), &|r| visible.contains(&r.id), None)
    }

    /// The snapshot as it stood when release `last` was the newest: what [`Store::snapshot`]
    /// returned then, whatever was imported since. A report built from it can be rebuilt
    /// identically years later.
    pub fn snapshot_as_of(&self, audience: Audience, last: ReleaseId) -> Result<Snapshot, StoreError> {
        read::snapshot(&self.conn(), &|r| audience.may_see(r.audience), Some(last))
    }

    /// Every version of a layer, newest first, whatever its audience; imports check area keys and
    /// find parent areas against them.
    pub fn layer_versions(&self, kommune: &str, layer: &str) -> Result<Vec<LayerVersion>, StoreError> {
        read::layer_versions(&self.conn(), kommune, layer)
    }

    /// The institution keys of the newest release of a collection, whatever its audience, or `None`
    /// if the collection was never imported; imports of institution statistics check their keys
    /// against them.
    pub fn institution_keys(
        &self,
        kommune: &str,
        collection: &str,
    ) -> Result<Option<std::collections::HashSet<String>>, StoreError> {
        read::institution_keys(&self.conn(), kommune, collection)
    }

    /// The observations of one release exactly as imported, if the viewer may see it.
    pub fn release_observations(
        &self,
        audience: Audience,
        id: ReleaseId,
    ) -> Result<Option<Vec<StoredObservation>>, StoreError> {
        read::release_observations(&self.conn(), &|r| audience.may_see(r.audience), id)
    }

    /// The observations of one release exactly as imported, if it is in `visible`.
    pub fn release_observations_of(
        &self,
        visible: &HashSet<ReleaseId>,
        id: ReleaseId,
    ) -> Result<Option<Vec<StoredObservation>>, StoreError> {
        read::release_observations(&self.conn(), &|r| visible.contains(&r.id), id)
    }

    /// Adds a release in one transaction; on any error nothing is stored.
    pub fn import(&self, release: NewRelease) -> Result<ReleaseId, StoreError> {
        write::import(&mut self.conn(), release)
    }
}

#[cfg(test)]
mod tests;
