//! The Lenkungskreis's meetings (schema v6): events appended one at a time, each checked against
//! the meeting's history ([`Sitzung::apply`]) and the acting account's roles inside the transaction
//! that appends it, with its audit entry.

use domain::access::{DepartmentKey, ReleaseAccess, Viewer};
use domain::attention::Datum;
use domain::lenkungskreis::{Ereignis, Sitzung, SitzungKey};
use domain::{Audience, KommuneKey, ReleaseId};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde_json::{Value, json};

use crate::management::Actor;
use crate::{Store, StoreError};

/// A meeting with the department that keeps its record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSitzung {
    /// Its key.
    pub key: SitzungKey,
    /// The department that keeps the record (the Geschäftsstelle).
    pub owner: DepartmentKey,
    /// The meeting as its events make it.
    pub sitzung: Sitzung,
}

/// One event with who recorded it and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedEreignis {
    /// The event.
    pub event: Ereignis,
    /// Who recorded it.
    pub actor: String,
    /// RFC 3339.
    pub at: String,
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt { table: "sitzung_event", detail: e.to_string() }
}

fn to_json(e: &Ereignis) -> String {
    match e {
        Ereignis::Angelegt { title, date } => json!({"kind": "angelegt", "title": title, "date": date.to_string()}),
        Ereignis::PunktAufgenommen { herkunft, subject, reference } => {
            json!({"kind": "punkt", "herkunft": herkunft.as_str(), "subject": subject, "reference": reference})
        }
        Ereignis::Beschlossen { punkt, text, massnahmen, szenarien, replaces } => json!({
            "kind": "beschluss", "punkt": punkt, "text": text, "massnahmen": massnahmen, "szenarien": szenarien,
            "replaces": replaces,
        }),
        Ereignis::AufgabeVergeben { text, owner, deadline, beschluss } => json!({
            "kind": "aufgabe", "text": text, "owner": owner.as_str(), "deadline": deadline.to_string(), "beschluss": beschluss,
        }),
        Ereignis::AufgabeErledigt { aufgabe, date } => {
            json!({"kind": "erledigt", "aufgabe": aufgabe, "date": date.to_string()})
        }
    }
    .to_string()
}

fn from_json(text: &str) -> Result<Ereignis, StoreError> {
    let v: Value = serde_json::from_str(text).map_err(corrupt)?;
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned).ok_or_else(|| corrupt(format!("no {k}")));
    let n = |k: &str| {
        v.get(k).and_then(Value::as_u64).and_then(|x| usize::try_from(x).ok()).ok_or_else(|| corrupt(format!("no {k}")))
    };
    let opt = |k: &str| v.get(k).and_then(Value::as_u64).and_then(|x| usize::try_from(x).ok());
    let date = |k: &str| s(k)?.parse::<Datum>().map_err(corrupt);
    Ok(match s("kind")?.as_str() {
        "angelegt" => Ereignis::Angelegt { title: s("title")?, date: date("date")? },
        "punkt" => Ereignis::PunktAufgenommen {
            herkunft: s("herkunft")?.parse().map_err(corrupt)?,
            subject: s("subject")?,
            reference: v.get("reference").and_then(Value::as_str).map(str::to_owned),
        },
        "beschluss" => Ereignis::Beschlossen {
            punkt: n("punkt")?,
            text: s("text")?,
            massnahmen: v
                .get("massnahmen")
                .and_then(Value::as_array)
                .map_or_else(Vec::new, |a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect()),
            szenarien: v
                .get("szenarien")
                .and_then(Value::as_array)
                .map_or_else(Vec::new, |a| a.iter().filter_map(Value::as_i64).collect()),
            replaces: opt("replaces"),
        },
        "aufgabe" => Ereignis::AufgabeVergeben {
            text: s("text")?,
            owner: s("owner")?.parse().map_err(corrupt)?,
            deadline: date("deadline")?,
            beschluss: opt("beschluss"),
        },
        "erledigt" => Ereignis::AufgabeErledigt { aufgabe: n("aufgabe")?, date: date("date")? },
        other => return Err(corrupt(format!("unknown kind {other:?}"))),
    })
}

type EventRow = (String, String, String, String, String);

/// Every event of a Kommune's meetings in order: (meeting, owner, payload, actor, at).
fn rows(conn: &Connection, kommune: &KommuneKey, sitzung: Option<&str>) -> Result<Vec<EventRow>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT sitzung, owner, payload, actor, at FROM sitzung_event
         WHERE kommune = ?1 AND (?2 IS NULL OR sitzung = ?2) ORDER BY id",
    )?;
    let rows = stmt.query_map(params![kommune.as_str(), sitzung], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Meetings are the city's steering records: every member of a city department sees them.
fn may_read(viewer: &Viewer) -> bool {
    viewer.may_read(&ReleaseAccess { id: ReleaseId(0), audience: Audience::Internal, owner: None }, &[])
}

impl Store {
    /// Records one event of a meeting. A new meeting (its `Angelegt`) is kept by `new_owner`, a city
    /// department; later events go to the meeting's own keeper, whatever `new_owner` says. The
    /// account must be an editor or admin of the keeper, and the meeting's state must allow the
    /// event; otherwise nothing is stored.
    pub fn record_sitzung(
        &self,
        actor: Actor,
        kommune: &KommuneKey,
        key: &SitzungKey,
        new_owner: Option<&DepartmentKey>,
        event: &Ereignis,
        at: &str,
    ) -> Result<Sitzung, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let history = rows(&tx, kommune, Some(key.as_str()))?;
        let owner: DepartmentKey = match (history.first(), new_owner) {
            (Some((_, stored, ..)), _) => stored.parse().map_err(corrupt)?,
            (None, Some(owner)) => owner.clone(),
            (None, None) => return Err(StoreError::UnknownRecord(format!("sitzung {key}"))),
        };
        let kind: Option<String> =
            tx.query_row("SELECT kind FROM department WHERE key = ?1", [owner.as_str()], |r| r.get(0)).optional()?;
        match kind.as_deref() {
            None => return Err(StoreError::UnknownDepartment(owner)),
            Some("verwaltung") => {}
            Some(_) => {
                return Err(StoreError::Forbidden("a meeting of the Lenkungskreis is kept by a city department"));
            }
        }
        let login = crate::management::check_actor(&tx, actor, &owner)?;
        let mut events = history.iter().map(|(_, _, payload, ..)| from_json(payload)).collect::<Result<Vec<_>, _>>()?;
        events.push(event.clone());
        let sitzung = Sitzung::fold(&events)?;
        let payload = to_json(event);
        tx.execute(
            "INSERT INTO sitzung_event (kommune, sitzung, owner, payload, actor, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![kommune.as_str(), key.as_str(), owner.as_str(), payload, login, at],
        )?;
        crate::access::audit(
            &tx,
            at,
            &login,
            "record meeting",
            &format!("sitzung {kommune}/{key}"),
            None,
            Some(&payload),
        )?;
        tx.commit()?;
        Ok(sitzung)
    }

    /// The meetings of a Kommune that `viewer` may see (every member of a city department), newest
    /// date first.
    pub fn sitzungen(&self, kommune: &KommuneKey, viewer: &Viewer) -> Result<Vec<StoredSitzung>, StoreError> {
        if !may_read(viewer) {
            return Ok(Vec::new());
        }
        let all = rows(&self.conn(), kommune, None)?;
        let mut keys: Vec<&str> = all.iter().map(|(k, ..)| k.as_str()).collect();
        keys.dedup();
        keys.sort_unstable();
        keys.dedup();
        let mut out = Vec::new();
        for key in keys {
            let mine: Vec<&EventRow> = all.iter().filter(|(k, ..)| k == key).collect();
            let events = mine.iter().map(|(_, _, p, ..)| from_json(p)).collect::<Result<Vec<_>, _>>()?;
            out.push(StoredSitzung {
                key: key.parse().map_err(corrupt)?,
                owner: mine[0].1.parse().map_err(corrupt)?,
                sitzung: Sitzung::fold(&events)?,
            });
        }
        out.sort_by(|a, b| b.sitzung.date.cmp(&a.sitzung.date).then_with(|| a.key.cmp(&b.key)));
        Ok(out)
    }

    /// Every event of one meeting with who recorded it, in order; empty if the viewer may not see it.
    pub fn sitzung_history(
        &self,
        kommune: &KommuneKey,
        key: &SitzungKey,
        viewer: &Viewer,
    ) -> Result<Vec<RecordedEreignis>, StoreError> {
        if !may_read(viewer) {
            return Ok(Vec::new());
        }
        rows(&self.conn(), kommune, Some(key.as_str()))?
            .into_iter()
            .map(|(_, _, payload, actor, at)| Ok(RecordedEreignis { event: from_json(&payload)?, actor, at }))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use domain::access::{DepartmentKind, Role};
    use domain::lenkungskreis::{Herkunft, SitzungError};
    use domain::{Kommune, Provenance};

    use super::*;
    use crate::{AccountId, Content, NewAccount, NewRelease, StoredDepartment};

    const AT: &str = "2026-12-03T10:00:00Z";

    fn store() -> (Store, AccountId, AccountId) {
        let store = Store::open_in_memory().unwrap();
        store
            .import(NewRelease {
                kommune: Kommune { key: "testdorf".parse().unwrap(), name: "Testdorf".into(), ags: None },
                title: "Leer".into(),
                provenance: Provenance {
                    source: "T".into(),
                    licence: "CC0".into(),
                    attribution: "T".into(),
                    url: None,
                },
                audience: Audience::Public,
                owner: None,
                imported_at: AT.into(),
                file: "t".into(),
                sha256: "00".into(),
                content: Content::Statistics { variables: vec![], observations: vec![] },
            })
            .unwrap();
        for key in ["bildungsbuero", "soziales"] {
            let d = StoredDepartment { key: key.parse().unwrap(), name: key.into(), kind: DepartmentKind::Verwaltung };
            store.add_department(&d, "system", AT).unwrap();
        }
        let mut ids = Vec::new();
        for (login, department, role) in [("gina", "bildungsbuero", Role::Editor), ("sam", "soziales", Role::Admin)] {
            let account = NewAccount { login: login.into(), name: login.into(), password_hash: "h".into() };
            ids.push(store.add_account(&account, "system", AT).unwrap());
            store.set_membership(login, &department.parse().unwrap(), Some(role), "system", AT).unwrap();
        }
        (store, ids[0], ids[1])
    }

    #[test]
    fn the_geschaeftsstelle_records_and_every_city_department_reads() {
        let (store, gina, sam) = store();
        let kommune: KommuneKey = "testdorf".parse().unwrap();
        let key: SitzungKey = "2026-12-03".parse().unwrap();
        let bb: DepartmentKey = "bildungsbuero".parse().unwrap();
        let setup = Ereignis::Angelegt { title: "1. Sitzung".into(), date: "2026-12-03".parse().unwrap() };
        store.record_sitzung(Actor::Account(gina), &kommune, &key, Some(&bb), &setup, AT).unwrap();
        let item =
            Ereignis::PunktAufgenommen { herkunft: Herkunft::Sonstiges, subject: "Bericht".into(), reference: None };
        // Sam administers Soziales, not the Bildungsbüro that keeps this meeting.
        let err = store.record_sitzung(Actor::Account(sam), &kommune, &key, None, &item, AT).unwrap_err();
        assert!(matches!(err, StoreError::Forbidden(_)), "{err}");
        store.record_sitzung(Actor::Account(gina), &kommune, &key, None, &item, AT).unwrap();
        let wrong =
            Ereignis::Beschlossen { punkt: 3, text: "x".into(), massnahmen: vec![], szenarien: vec![], replaces: None };
        let err = store.record_sitzung(Actor::Account(gina), &kommune, &key, None, &wrong, AT).unwrap_err();
        assert!(matches!(err, StoreError::Sitzung(SitzungError::UnknownPunkt(3))), "{err}");
        let sam_viewer = store.account("sam").unwrap().unwrap().viewer();
        let list = store.sitzungen(&kommune, &sam_viewer).unwrap();
        assert_eq!((list.len(), list[0].sitzung.punkte.len()), (1, 1), "the refused decision left nothing");
        assert!(store.sitzungen(&kommune, &Viewer::Anonymous).unwrap().is_empty());
        // A partner organisation keeps no meeting of the city's Lenkungskreis.
        let partner =
            StoredDepartment { key: "traeger".parse().unwrap(), name: "T".into(), kind: DepartmentKind::Partner };
        store.add_department(&partner, "system", AT).unwrap();
        let other: SitzungKey = "2026-12-04".parse().unwrap();
        let err = store.record_sitzung(Actor::System, &kommune, &other, Some(&partner.key), &setup, AT).unwrap_err();
        assert!(matches!(err, StoreError::Forbidden(_)), "{err}");
        let history = store.sitzung_history(&kommune, &key, &sam_viewer).unwrap();
        assert_eq!(history.iter().map(|e| e.actor.as_str()).collect::<Vec<_>>(), ["gina", "gina"]);
        assert_eq!(history[1].event, item, "read back as recorded");
    }
}
