//! Planning scenarios: a named set of assumptions for the school planning (the scenario file as
//! given), who made it and when, and the council decisions that adopted it.
//!
//! Scenarios and adoptions are appended, never changed (triggers in `schema_v3.sql` refuse updates
//! and deletes): a changed assumption is a new scenario whose base is the old one. The store keeps
//! the scenario file's text exactly as given and does not interpret it.

use std::fmt;

use domain::KommuneKey;
use domain::attention::{Datum, Person};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::{Store, StoreError};

/// The number of a stored scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ScenarioId(pub i64);

impl fmt::Display for ScenarioId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A scenario to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewScenario {
    /// The Kommune it plans for.
    pub kommune: KommuneKey,
    /// Its name, unique in the Kommune, e.g. `Neubaugebiet Kreuzfeld`.
    pub name: String,
    /// The scenario it was copied from and changes, if any (of the same Kommune).
    pub base: Option<ScenarioId>,
    /// What it is about, in words.
    pub description: String,
    /// Its assumptions: the scenario file (TOML) exactly as given.
    pub assumptions: String,
    /// Who made it.
    pub created_by: Person,
    /// When it was made, RFC 3339 UTC.
    pub created_at: String,
}

/// A council decision that adopted a scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioAdoption {
    /// The decision, e.g. `Ratsbeschluss 2026/0815`.
    pub decision: String,
    /// The date of the decision.
    pub date: Datum,
    /// Who recorded it.
    pub recorded_by: Person,
    /// When it was recorded, RFC 3339 UTC.
    pub recorded_at: String,
}

/// A stored scenario with its adoptions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredScenario {
    /// Its number.
    pub id: ScenarioId,
    /// The scenario as it was stored.
    pub scenario: NewScenario,
    /// The council decisions that adopted it, oldest recorded first.
    pub adoptions: Vec<ScenarioAdoption>,
}

impl StoredScenario {
    /// The newest recorded adoption, if the scenario was adopted.
    pub fn adopted(&self) -> Option<&ScenarioAdoption> {
        self.adoptions.last()
    }
}

impl Store {
    /// Stores a new scenario. Its base must be a scenario of the same Kommune and its name new in
    /// the Kommune; otherwise nothing is stored.
    pub fn add_scenario(&self, scenario: NewScenario) -> Result<ScenarioId, StoreError> {
        if scenario.name.trim().is_empty() {
            return Err(StoreError::Empty("scenario name"));
        }
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let kommune = scenario.kommune.as_str();
        if let Some(base) = scenario.base {
            match scenario_kommune(&tx, base)? {
                None => return Err(StoreError::UnknownScenario(base)),
                Some(k) if k != kommune => {
                    return Err(StoreError::ForeignBaseScenario { kommune: kommune.to_owned(), base });
                }
                Some(_) => {}
            }
        }
        let taken = tx
            .query_row("SELECT 1 FROM scenario WHERE kommune = ?1 AND name = ?2", (kommune, &scenario.name), |_| Ok(()))
            .optional()?
            .is_some();
        if taken {
            return Err(StoreError::DuplicateScenario { kommune: kommune.to_owned(), name: scenario.name });
        }
        tx.execute(
            "INSERT INTO scenario (kommune, name, base, description, assumptions, created_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                kommune,
                scenario.name,
                scenario.base.map(|b| b.0),
                scenario.description,
                scenario.assumptions,
                scenario.created_by.as_str(),
                scenario.created_at,
            ],
        )?;
        let id = ScenarioId(tx.last_insert_rowid());
        tx.commit()?;
        Ok(id)
    }

    /// Records that a council decision (e.g. `Ratsbeschluss 2026/0815` of `date`) adopted a
    /// scenario; `recorded_at` is the RFC 3339 time of recording.
    pub fn adopt_scenario(
        &self,
        id: ScenarioId,
        decision: &str,
        date: Datum,
        recorded_by: &Person,
        recorded_at: &str,
    ) -> Result<ScenarioAdoption, StoreError> {
        let decision = decision.trim();
        if decision.is_empty() {
            return Err(StoreError::Empty("council decision"));
        }
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if scenario_kommune(&tx, id)?.is_none() {
            return Err(StoreError::UnknownScenario(id));
        }
        tx.execute(
            "INSERT INTO scenario_adoption (scenario, decision, date, recorded_by, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id.0, decision, date.to_string(), recorded_by.as_str(), recorded_at],
        )?;
        tx.commit()?;
        Ok(ScenarioAdoption {
            decision: decision.to_owned(),
            date,
            recorded_by: recorded_by.clone(),
            recorded_at: recorded_at.to_owned(),
        })
    }

    /// Every scenario of a Kommune with its adoptions, oldest first.
    pub fn scenarios(&self, kommune: &KommuneKey) -> Result<Vec<StoredScenario>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, name, base, description, assumptions, created_by, created_at FROM scenario
             WHERE kommune = ?1 ORDER BY id",
        )?;
        type Row = (i64, String, Option<i64>, String, String, String, String);
        let rows: Vec<Row> = stmt
            .query_map([kommune.as_str()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
            })?
            .collect::<Result<_, _>>()?;
        let mut adoptions = conn.prepare(
            "SELECT decision, date, recorded_by, recorded_at FROM scenario_adoption WHERE scenario = ?1 ORDER BY id",
        )?;
        let mut out = Vec::with_capacity(rows.len());
        for (id, name, base, description, assumptions, created_by, created_at) in rows {
            let rows: Vec<(String, String, String, String)> = adoptions
                .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<Result<_, _>>()?;
            let adoptions = rows
                .into_iter()
                .map(|(decision, date, recorded_by, recorded_at)| {
                    Ok(ScenarioAdoption {
                        decision,
                        date: date
                            .parse()
                            .map_err(|e: domain::attention::DatumError| corrupt("scenario_adoption", e.to_string()))?,
                        recorded_by: person("scenario_adoption", &recorded_by)?,
                        recorded_at,
                    })
                })
                .collect::<Result<_, StoreError>>()?;
            out.push(StoredScenario {
                id: ScenarioId(id),
                scenario: NewScenario {
                    kommune: kommune.clone(),
                    name,
                    base: base.map(ScenarioId),
                    description,
                    assumptions,
                    created_by: person("scenario", &created_by)?,
                    created_at,
                },
                adoptions,
            });
        }
        Ok(out)
    }
}

/// The Kommune of a scenario, if it exists.
fn scenario_kommune(conn: &Connection, id: ScenarioId) -> Result<Option<String>, StoreError> {
    Ok(conn.query_row("SELECT kommune FROM scenario WHERE id = ?1", [id.0], |r| r.get(0)).optional()?)
}

fn person(table: &'static str, name: &str) -> Result<Person, StoreError> {
    Person::new(name).map_err(|e| corrupt(table, e.to_string()))
}

fn corrupt(table: &'static str, detail: String) -> StoreError {
    StoreError::Corrupt { table, detail }
}

#[cfg(test)]
mod tests;
