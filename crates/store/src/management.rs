//! Support offers (Angebote), measures (Maßnahmen) and the judgements of their effects (schema v5).
//!
//! Every save appends a version; the newest version of a key is the current record, and a
//! withdrawn version takes it off the lists. A save is checked against the acting account's roles
//! ([`Viewer::may_edit_for`] the record's department) inside the transaction that appends it, and
//! writes its audit entry with the versions before and after in the same transaction. The entered
//! draft is kept as JSON and parsed again on every read.

use domain::access::{DepartmentKey, Permission, RecordGrant, Viewer};
use domain::angebot::{Angebot, AngebotDraft};
use domain::attention::{Datum, Person};
use domain::massnahme::{Befund, Massnahme, MassnahmeDraft, Urteil, WirkungDraft};
use domain::{Audience, KommuneKey, LayerKey};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde_json::{Value, json};

use crate::{AccountId, Store, StoreError};

/// Who makes a change: an account (checked against its roles) or the command line (`system`,
/// e.g. the demo's examples).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// The command line; not checked.
    System,
    /// A signed-in account.
    Account(AccountId),
}

/// An offer to be saved, with who keeps it and for whom.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAngebot {
    /// The offer.
    pub angebot: Angebot,
    /// The department (Träger, Amt) that maintains it.
    pub owner: DepartmentKey,
    /// Who may see it.
    pub audience: Audience,
    /// An example of the demo.
    pub example: bool,
}

/// A stored offer with who keeps it and for whom.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredAngebot {
    /// The offer.
    pub angebot: Angebot,
    /// The department (Träger, Amt) that maintains it.
    pub owner: DepartmentKey,
    /// Who may see it.
    pub audience: Audience,
    /// An example of the demo.
    pub example: bool,
    /// The number of this version.
    pub version: i64,
    /// Who saved it, and when.
    pub saved_by: String,
    /// RFC 3339.
    pub saved_at: String,
}

/// A stored measure with its layer and who keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredMassnahme {
    /// The measure; its lead department owns it.
    pub massnahme: Massnahme,
    /// The layer its areas belong to.
    pub layer: LayerKey,
    /// Who may see it.
    pub audience: Audience,
    /// The number of this version.
    pub version: i64,
    /// Who saved it.
    pub saved_by: String,
    /// RFC 3339.
    pub saved_at: String,
}

/// A recorded judgement with when it was recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredUrteil {
    /// The judgement.
    pub urteil: Urteil,
    /// Who recorded it (login or `system`).
    pub recorded_by: String,
    /// RFC 3339.
    pub recorded_at: String,
}

fn corrupt(table: &'static str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt { table, detail: e.to_string() }
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or_default().to_owned()
}

fn texts(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map_or_else(Vec::new, |a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
}

fn angebot_json(d: &AngebotDraft) -> String {
    json!({
        "key": d.key, "title": d.title, "phase": d.phase, "uebergang": d.uebergang,
        "target_group": d.target_group, "traeger": d.traeger, "longitude": d.longitude,
        "latitude": d.latitude, "areas_served": d.areas_served, "capacity": d.capacity,
        "languages": d.languages, "cost": d.cost, "contact": d.contact, "from": d.from, "to": d.to,
    })
    .to_string()
}

fn angebot_draft(json: &str) -> Result<AngebotDraft, StoreError> {
    let v: Value = serde_json::from_str(json).map_err(|e| corrupt("angebot_version", e))?;
    Ok(AngebotDraft {
        key: text(&v, "key"),
        title: text(&v, "title"),
        phase: text(&v, "phase"),
        uebergang: text(&v, "uebergang"),
        target_group: text(&v, "target_group"),
        traeger: text(&v, "traeger"),
        longitude: text(&v, "longitude"),
        latitude: text(&v, "latitude"),
        areas_served: texts(&v, "areas_served"),
        capacity: text(&v, "capacity"),
        languages: text(&v, "languages"),
        cost: text(&v, "cost"),
        contact: text(&v, "contact"),
        from: text(&v, "from"),
        to: text(&v, "to"),
    })
}

fn massnahme_json(d: &MassnahmeDraft) -> String {
    let effects: Vec<Value> = d
        .effects
        .iter()
        .map(|e| {
            json!({"indicator": e.indicator, "baseline_period": e.baseline_period, "baseline": e.baseline,
                   "target": e.target, "review": e.review})
        })
        .collect();
    json!({
        "key": d.key, "title": d.title, "field": d.field, "lead": d.lead, "partners": d.partners,
        "status": d.status, "priority": d.priority, "start": d.start, "end": d.end, "cost": d.cost,
        "funding": d.funding, "areas": d.areas, "effects": effects, "example": d.example,
    })
    .to_string()
}

fn massnahme_draft(json: &str) -> Result<MassnahmeDraft, StoreError> {
    let v: Value = serde_json::from_str(json).map_err(|e| corrupt("massnahme_version", e))?;
    let effects = v.get("effects").and_then(Value::as_array).map_or_else(Vec::new, |a| {
        a.iter()
            .map(|e| WirkungDraft {
                indicator: text(e, "indicator"),
                baseline_period: text(e, "baseline_period"),
                baseline: text(e, "baseline"),
                target: text(e, "target"),
                review: text(e, "review"),
            })
            .collect()
    });
    Ok(MassnahmeDraft {
        key: text(&v, "key"),
        title: text(&v, "title"),
        field: text(&v, "field"),
        lead: text(&v, "lead"),
        partners: text(&v, "partners"),
        status: text(&v, "status"),
        priority: text(&v, "priority"),
        start: text(&v, "start"),
        end: text(&v, "end"),
        cost: text(&v, "cost"),
        funding: text(&v, "funding"),
        areas: texts(&v, "areas"),
        effects,
        example: v.get("example").and_then(Value::as_bool).unwrap_or(false),
    })
}

/// The acting account's login after checking that it may change `owner`'s records.
pub(crate) fn check_actor(conn: &Connection, actor: Actor, owner: &DepartmentKey) -> Result<String, StoreError> {
    check_record_actor(conn, actor, owner, &[])
}

/// The acting account's login after checking that it may change a record `owner` keeps with
/// these grants on it.
fn check_record_actor(
    conn: &Connection,
    actor: Actor,
    owner: &DepartmentKey,
    grants: &[RecordGrant],
) -> Result<String, StoreError> {
    match actor {
        Actor::System => Ok("system".to_owned()),
        Actor::Account(id) => {
            let account = crate::access::account_by_id(conn, id)?;
            if account.disabled || !account.viewer().may_edit_record(owner, grants) {
                return Err(StoreError::Forbidden(
                    "only editors and admins of the department, or of one it granted edit, change its records",
                ));
            }
            Ok(account.login)
        }
    }
}

/// One offer or measure of a Kommune, by key.
#[derive(Debug, Clone, Copy)]
pub struct RecordRef<'a> {
    /// The Kommune.
    pub kommune: &'a KommuneKey,
    /// Offer or measure.
    pub kind: RecordKind,
    /// Its key.
    pub key: &'a str,
}

/// What kind of record a grant is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    /// A support offer.
    Angebot,
    /// A measure.
    Massnahme,
}

impl RecordKind {
    fn as_str(self) -> &'static str {
        match self {
            RecordKind::Angebot => "angebot",
            RecordKind::Massnahme => "massnahme",
        }
    }

    fn table(self) -> &'static str {
        match self {
            RecordKind::Angebot => "angebot_version",
            RecordKind::Massnahme => "massnahme_version",
        }
    }
}

/// The current version of a record, not withdrawn, as the store keeps it.
struct CurrentVersion {
    version: i64,
    owner: DepartmentKey,
    audience: Audience,
    /// The kind's own column as text: an offer's example flag (`0`, `1`), a measure's layer.
    extra: String,
    draft: String,
    saved_by: String,
    saved_at: String,
}

/// The current versions of a kind's records of a Kommune, by key, that `viewer` may see (all without
/// a viewer).
fn current_versions(
    conn: &Connection,
    kind: RecordKind,
    kommune: &KommuneKey,
    viewer: Option<&Viewer>,
) -> Result<Vec<CurrentVersion>, StoreError> {
    let (table, extra) = match kind {
        RecordKind::Angebot => ("angebot_version", "example"),
        RecordKind::Massnahme => ("massnahme_version", "layer"),
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT v.id, v.owner, v.audience, CAST(v.{extra} AS TEXT), v.draft, v.actor, v.at, v.key FROM {table} v
         WHERE v.kommune = ?1 AND v.withdrawn = 0
           AND v.id = (SELECT max(id) FROM {table} w WHERE w.kommune = v.kommune AND w.key = v.key)
         ORDER BY v.key"
    ))?;
    let mut rows = stmt.query([kommune.as_str()])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let owner: DepartmentKey = r.get::<_, String>(1)?.parse().map_err(|e| corrupt(table, e))?;
        let audience: Audience = r.get::<_, String>(2)?.parse().map_err(|e| corrupt(table, e))?;
        let key: String = r.get(7)?;
        if let Some(v) = viewer
            && !v.may_read_record(audience, &owner, &record_grants(conn, kommune, kind, &key)?)
        {
            continue;
        }
        out.push(CurrentVersion {
            version: r.get(0)?,
            owner,
            audience,
            extra: r.get(3)?,
            draft: r.get(4)?,
            saved_by: r.get(5)?,
            saved_at: r.get(6)?,
        });
    }
    Ok(out)
}

/// The current grants on a record.
fn record_grants(
    conn: &Connection,
    kommune: &KommuneKey,
    kind: RecordKind,
    key: &str,
) -> Result<Vec<RecordGrant>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT g.department, g.permission FROM record_grant_event g
         WHERE g.kommune = ?1 AND g.kind = ?2 AND g.key = ?3 AND g.permission <> 'none'
           AND g.id = (SELECT max(id) FROM record_grant_event h
                       WHERE h.kommune = g.kommune AND h.kind = g.kind AND h.key = g.key AND h.department = g.department)
         ORDER BY g.department",
    )?;
    let rows = stmt.query_map(params![kommune.as_str(), kind.as_str(), key], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (department, permission) = row?;
        out.push(RecordGrant {
            department: department.parse().map_err(|e| corrupt("record_grant_event", e))?,
            permission: permission.parse().map_err(|e| corrupt("record_grant_event", e))?,
        });
    }
    Ok(out)
}

fn ensure_kommune_and_department(
    conn: &Connection,
    kommune: &KommuneKey,
    owner: &DepartmentKey,
) -> Result<(), StoreError> {
    let known = conn.query_row("SELECT 1 FROM kommune WHERE key = ?1", [kommune.as_str()], |_| Ok(())).optional()?;
    if known.is_none() {
        return Err(StoreError::UnknownKommune(kommune.to_string()));
    }
    if !crate::access::department_exists(conn, owner)? {
        return Err(StoreError::UnknownDepartment(owner.clone()));
    }
    Ok(())
}

/// The newest version of a key: (owner, withdrawn, draft JSON).
fn newest(
    conn: &Connection,
    table: &str,
    kommune: &KommuneKey,
    key: &str,
) -> Result<Option<(String, bool, String)>, StoreError> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT owner, withdrawn, draft FROM {table} WHERE kommune = ?1 AND key = ?2 ORDER BY id DESC LIMIT 1"
            ),
            (kommune.as_str(), key),
            |r| Ok((r.get(0)?, r.get::<_, i64>(1)? != 0, r.get(2)?)),
        )
        .optional()?)
}

impl Store {
    /// Saves an offer as a new version: `owner` maintains it. An account must be an editor or admin
    /// of `owner`, and of the owner of an existing offer with this key (an offer does not change
    /// hands); otherwise [`StoreError::Forbidden`] and nothing is stored.
    pub fn save_angebot(
        &self,
        actor: Actor,
        kommune: &KommuneKey,
        new: &NewAngebot,
        at: &str,
    ) -> Result<i64, StoreError> {
        let NewAngebot { angebot, owner, audience, example } = new;
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        ensure_kommune_and_department(&tx, kommune, owner)?;
        let grants = record_grants(&tx, kommune, RecordKind::Angebot, angebot.key.as_str())?;
        let login = check_record_actor(&tx, actor, owner, &grants)?;
        let before = newest(&tx, "angebot_version", kommune, angebot.key.as_str())?;
        if let Some((previous_owner, _, _)) = &before
            && previous_owner != owner.as_str()
        {
            return Err(StoreError::Forbidden("an offer stays with the department that entered it"));
        }
        let draft = angebot_json(&angebot.draft());
        tx.execute(
            "INSERT INTO angebot_version (kommune, key, owner, audience, example, draft, withdrawn, actor, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8)",
            params![
                kommune.as_str(),
                angebot.key.as_str(),
                owner.as_str(),
                audience.as_str(),
                example,
                draft,
                login,
                at
            ],
        )?;
        let id = tx.last_insert_rowid();
        let subject = format!("angebot {kommune}/{}", angebot.key);
        crate::access::audit(
            &tx,
            at,
            &login,
            "save offer",
            &subject,
            before.as_ref().map(|b| b.2.as_str()),
            Some(&draft),
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Withdraws an offer (a version marked withdrawn); the same roles as for saving it.
    pub fn withdraw_angebot(&self, actor: Actor, kommune: &KommuneKey, key: &str, at: &str) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some((owner, false, draft)) = newest(&tx, "angebot_version", kommune, key)? else {
            return Err(StoreError::UnknownRecord(format!("angebot {key}")));
        };
        let owner: DepartmentKey = owner.parse().map_err(|e| corrupt("angebot_version", e))?;
        let grants = record_grants(&tx, kommune, RecordKind::Angebot, key)?;
        let login = check_record_actor(&tx, actor, &owner, &grants)?;
        tx.execute(
            "INSERT INTO angebot_version (kommune, key, owner, audience, example, draft, withdrawn, actor, at)
             SELECT kommune, key, owner, audience, example, draft, 1, ?3, ?4 FROM angebot_version
             WHERE kommune = ?1 AND key = ?2 ORDER BY id DESC LIMIT 1",
            params![kommune.as_str(), key, login, at],
        )?;
        crate::access::audit(
            &tx,
            at,
            &login,
            "withdraw offer",
            &format!("angebot {kommune}/{key}"),
            Some(&draft),
            None,
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Grants `department` read or edit on an offer or measure, or revokes its grant (`None`), if the
    /// acting account is an admin of the department that keeps the record; otherwise
    /// [`StoreError::Forbidden`] and nothing is stored.
    pub fn grant_record(
        &self,
        actor: AccountId,
        RecordRef { kommune, kind, key }: RecordRef<'_>,
        department: &DepartmentKey,
        permission: Option<Permission>,
        at: &str,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some((owner, _, _)) = newest(&tx, kind.table(), kommune, key)? else {
            return Err(StoreError::UnknownRecord(format!("{} {key}", kind.as_str())));
        };
        let owner: DepartmentKey = owner.parse().map_err(|e| corrupt("record_grant_event", e))?;
        let account = crate::access::account_by_id(&tx, actor)?;
        let record = domain::access::ReleaseAccess {
            id: domain::ReleaseId(0),
            audience: Audience::Internal,
            owner: Some(owner.clone()),
        };
        if account.disabled || !account.viewer().may_grant(&record) {
            return Err(StoreError::Forbidden("only an admin of the keeping department grants access to a record"));
        }
        if !crate::access::department_exists(&tx, department)? {
            return Err(StoreError::UnknownDepartment(department.clone()));
        }
        if department == &owner {
            return Err(StoreError::Forbidden("the keeping department needs no grant"));
        }
        let before = record_grants(&tx, kommune, kind, key)?
            .into_iter()
            .find(|g| &g.department == department)
            .map(|g| g.permission);
        let text = |p: Option<Permission>| p.map_or("none", Permission::as_str);
        tx.execute(
            "INSERT INTO record_grant_event (kommune, kind, key, department, permission, account, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![kommune.as_str(), kind.as_str(), key, department.as_str(), text(permission), actor.0, at],
        )?;
        let subject = format!("{} {kommune}/{key} for department {department}", kind.as_str());
        crate::access::audit(&tx, at, &account.login, "grant", &subject, Some(text(before)), Some(text(permission)))?;
        tx.commit()?;
        Ok(())
    }

    /// The current grants on an offer or measure.
    pub fn record_grants(
        &self,
        RecordRef { kommune, kind, key }: RecordRef<'_>,
    ) -> Result<Vec<RecordGrant>, StoreError> {
        record_grants(&self.conn(), kommune, kind, key)
    }

    /// Whether the Kommune has any release (records of offers, measures and meetings need one).
    pub fn has_kommune(&self, kommune: &KommuneKey) -> Result<bool, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT 1 FROM kommune WHERE key = ?1", [kommune.as_str()], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// The department keeping an offer (whatever its audience, withdrawn or not), if the key was
    /// ever saved.
    pub fn angebot_owner(&self, kommune: &KommuneKey, key: &str) -> Result<Option<DepartmentKey>, StoreError> {
        newest(&self.conn(), "angebot_version", kommune, key)?
            .map(|(owner, ..)| owner.parse().map_err(|e| corrupt("angebot_version", e)))
            .transpose()
    }

    /// Whether an offer's newest version withdrew it.
    pub fn angebot_withdrawn(&self, kommune: &KommuneKey, key: &str) -> Result<bool, StoreError> {
        Ok(newest(&self.conn(), "angebot_version", kommune, key)?.is_some_and(|(_, withdrawn, _)| withdrawn))
    }

    /// The current offers of a Kommune that `viewer` may see, by key.
    pub fn angebote(&self, kommune: &KommuneKey, viewer: &Viewer) -> Result<Vec<StoredAngebot>, StoreError> {
        self.offers(kommune, Some(viewer))
    }

    /// Every current offer of a Kommune whatever its audience, for the command line.
    pub fn all_angebote(&self, kommune: &KommuneKey) -> Result<Vec<StoredAngebot>, StoreError> {
        self.offers(kommune, None)
    }

    fn offers(&self, kommune: &KommuneKey, viewer: Option<&Viewer>) -> Result<Vec<StoredAngebot>, StoreError> {
        let conn = self.conn();
        current_versions(&conn, RecordKind::Angebot, kommune, viewer)?
            .into_iter()
            .map(|v| {
                let angebot = Angebot::from_draft(&angebot_draft(&v.draft)?)
                    .map_err(|p| corrupt("angebot_version", format!("{} problems, first: {:?}", p.len(), p.first())))?;
                Ok(StoredAngebot {
                    angebot,
                    owner: v.owner,
                    audience: v.audience,
                    example: v.extra == "1",
                    version: v.version,
                    saved_by: v.saved_by,
                    saved_at: v.saved_at,
                })
            })
            .collect()
    }

    /// Saves a measure as a new version: its lead department owns it. An account must be an editor
    /// or admin of the lead department (and of the previous lead, if the lead changes).
    pub fn save_massnahme(
        &self,
        actor: Actor,
        kommune: &KommuneKey,
        layer: &LayerKey,
        audience: Audience,
        massnahme: &Massnahme,
        at: &str,
    ) -> Result<i64, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let owner = &massnahme.lead;
        ensure_kommune_and_department(&tx, kommune, owner)?;
        let grants = record_grants(&tx, kommune, RecordKind::Massnahme, massnahme.key.as_str())?;
        let login = check_record_actor(&tx, actor, owner, &grants)?;
        let before = newest(&tx, "massnahme_version", kommune, massnahme.key.as_str())?;
        if let Some((previous, _, _)) = &before
            && previous != owner.as_str()
        {
            let previous: DepartmentKey = previous.parse().map_err(|e| corrupt("massnahme_version", e))?;
            check_record_actor(&tx, actor, &previous, &grants)?;
        }
        let draft = massnahme_json(&massnahme.draft());
        tx.execute(
            "INSERT INTO massnahme_version (kommune, key, owner, audience, layer, draft, withdrawn, actor, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8)",
            params![
                kommune.as_str(),
                massnahme.key.as_str(),
                owner.as_str(),
                audience.as_str(),
                layer.as_str(),
                draft,
                login,
                at
            ],
        )?;
        let id = tx.last_insert_rowid();
        let subject = format!("massnahme {kommune}/{}", massnahme.key);
        crate::access::audit(
            &tx,
            at,
            &login,
            "save measure",
            &subject,
            before.as_ref().map(|b| b.2.as_str()),
            Some(&draft),
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// The current measures of a Kommune that `viewer` may see, by key.
    pub fn massnahmen(&self, kommune: &KommuneKey, viewer: &Viewer) -> Result<Vec<StoredMassnahme>, StoreError> {
        self.measures(kommune, Some(viewer))
    }

    /// Every current measure of a Kommune whatever its audience, for the command line.
    pub fn all_massnahmen(&self, kommune: &KommuneKey) -> Result<Vec<StoredMassnahme>, StoreError> {
        self.measures(kommune, None)
    }

    fn measures(&self, kommune: &KommuneKey, viewer: Option<&Viewer>) -> Result<Vec<StoredMassnahme>, StoreError> {
        let conn = self.conn();
        current_versions(&conn, RecordKind::Massnahme, kommune, viewer)?
            .into_iter()
            .map(|v| {
                // Indicators were checked against the catalogue when saved; a later catalogue does
                // not make a stored measure unreadable.
                let massnahme = Massnahme::from_draft(&massnahme_draft(&v.draft)?, &|_| true).map_err(|p| {
                    corrupt("massnahme_version", format!("{} problems, first: {:?}", p.len(), p.first()))
                })?;
                Ok(StoredMassnahme {
                    massnahme,
                    layer: v.extra.parse().map_err(|e| corrupt("massnahme_version", e))?,
                    audience: v.audience,
                    version: v.version,
                    saved_by: v.saved_by,
                    saved_at: v.saved_at,
                })
            })
            .collect()
    }

    /// Records a reviewer's judgement of one expected effect of a measure; the account must be an
    /// editor or admin of the measure's lead department.
    pub fn record_urteil(
        &self,
        actor: Actor,
        kommune: &KommuneKey,
        key: &str,
        urteil: &Urteil,
        at: &str,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some((owner, false, draft)) = newest(&tx, "massnahme_version", kommune, key)? else {
            return Err(StoreError::UnknownRecord(format!("massnahme {key}")));
        };
        let owner: DepartmentKey = owner.parse().map_err(|e| corrupt("massnahme_version", e))?;
        let grants = record_grants(&tx, kommune, RecordKind::Massnahme, key)?;
        let login = check_record_actor(&tx, actor, &owner, &grants)?;
        let effects = massnahme_draft(&draft)?.effects;
        let Some(effect) = effects.get(urteil.effect) else {
            return Err(StoreError::UnknownRecord(format!("effect {} of massnahme {key}", urteil.effect)));
        };
        tx.execute(
            "INSERT INTO massnahme_urteil (kommune, massnahme, indicator, baseline, befund, reviewer, comment, date, actor, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                kommune.as_str(),
                key,
                effect.indicator.trim(),
                effect.baseline_period.trim(),
                urteil.befund.as_str(),
                urteil.reviewer.as_str(),
                urteil.comment,
                urteil.date.to_string(),
                login,
                at
            ],
        )?;
        let after = format!(
            "Wirkung {}: {} ({}, {})",
            urteil.effect,
            urteil.befund.as_str(),
            urteil.reviewer.as_str(),
            urteil.date
        );
        crate::access::audit(
            &tx,
            at,
            &login,
            "judge effect",
            &format!("massnahme {kommune}/{key}"),
            None,
            Some(&after),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Every judgement of a measure's current effects, oldest first, each pointing to its effect in
    /// the current version (judgements are kept with the effect's indicator and baseline period, so
    /// they stay with their effect when effects are reordered; those of removed effects are left out).
    pub fn urteile(&self, kommune: &KommuneKey, key: &str) -> Result<Vec<StoredUrteil>, StoreError> {
        let conn = self.conn();
        let effects = match newest(&conn, "massnahme_version", kommune, key)? {
            Some((_, _, draft)) => massnahme_draft(&draft)?.effects,
            None => Vec::new(),
        };
        let mut stmt = conn.prepare(
            "SELECT indicator, baseline, befund, reviewer, comment, date, actor, at FROM massnahme_urteil
             WHERE kommune = ?1 AND massnahme = ?2 ORDER BY id",
        )?;
        let rows = stmt.query_map((kommune.as_str(), key), |r| {
            Ok((
                (r.get::<_, String>(0)?, r.get::<_, String>(1)?),
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let ((indicator, baseline), befund, reviewer, comment, date, recorded_by, recorded_at) = row?;
            let Some(effect) =
                effects.iter().position(|e| e.indicator.trim() == indicator && e.baseline_period.trim() == baseline)
            else {
                continue;
            };
            let urteil = Urteil {
                effect,
                befund: befund.parse::<Befund>().map_err(|e| corrupt("massnahme_urteil", e))?,
                reviewer: Person::new(&reviewer).map_err(|e| corrupt("massnahme_urteil", e))?,
                comment,
                date: date.parse::<Datum>().map_err(|e| corrupt("massnahme_urteil", e))?,
            };
            out.push(StoredUrteil { urteil, recorded_by, recorded_at });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests;
