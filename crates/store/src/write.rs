//! Adding releases.

use domain::access::DepartmentKey;
use domain::institution::InstitutionObservation;
use domain::{
    Area, Audience, Institution, Kommune, Layer, LayerKey, Observation, Provenance, ReleaseId, Validity, Value,
    Variable,
};
use geo::orient::{Direction, Orient};
use rusqlite::{Connection, OptionalExtension, params};

use crate::StoreError;

/// A release to be stored.
#[derive(Debug, Clone)]
pub struct NewRelease {
    /// The Kommune the data belong to; created or renamed as given.
    pub kommune: Kommune,
    /// Short title.
    pub title: String,
    /// Source and licence.
    pub provenance: Provenance,
    /// Who may see it.
    pub audience: Audience,
    /// The department that owns it (and grants it to others), if any; it must exist.
    pub owner: Option<DepartmentKey>,
    /// Import time, RFC 3339 UTC.
    pub imported_at: String,
    /// Name(s) of the imported file(s).
    pub file: String,
    /// SHA-256 of the imported bytes.
    pub sha256: String,
    /// The data.
    pub content: Content,
}

/// What a release holds.
#[derive(Debug, Clone)]
pub enum Content {
    /// A complete version of a layer.
    Layer {
        /// The layer.
        layer: Layer,
        /// When this version is valid.
        validity: Validity,
        /// Its areas (their own validity is ignored in favour of `validity`).
        areas: Vec<Area>,
    },
    /// Statistics on one or more layers.
    Statistics {
        /// The variables the observations use.
        variables: Vec<Variable>,
        /// Each observation with the layer its area key belongs to.
        observations: Vec<(LayerKey, Observation)>,
    },
    /// A crosswalk between two layers or boundary versions.
    Crosswalk {
        /// The source layer and the year its version is valid in (`None`: the newest).
        from: (LayerKey, Option<i32>),
        /// The target layer and year.
        to: (LayerKey, Option<i32>),
        /// The shares.
        crosswalk: domain::crosswalk::Crosswalk,
    },
    /// Statistics of the institutions of one collection, such as pupils per school, grade and
    /// school year; the collection must have an institutions release.
    InstitutionStatistics {
        /// The collection, e.g. `schulen`.
        collection: String,
        /// The variables the observations use.
        variables: Vec<Variable>,
        /// The observations, each naming its institution by key.
        observations: Vec<InstitutionObservation>,
    },
    /// Points such as schools: the complete list of one collection.
    Institutions {
        /// The collection, e.g. `schulen`; a later release of it replaces this list.
        collection: String,
        /// The institutions.
        institutions: Vec<Institution>,
    },
}

impl Content {
    fn kind(&self) -> &'static str {
        match self {
            Content::Layer { .. } => "layer",
            Content::Statistics { .. } => "statistics",
            Content::Institutions { .. } => "institutions",
            Content::Crosswalk { .. } => "crosswalk",
            Content::InstitutionStatistics { .. } => "institution_statistics",
        }
    }
}

pub(crate) fn import(conn: &mut Connection, r: NewRelease) -> Result<ReleaseId, StoreError> {
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO kommune (key, name, ags) VALUES (?1, ?2, ?3)
         ON CONFLICT (key) DO UPDATE SET name = excluded.name, ags = coalesce(excluded.ags, kommune.ags)",
        (r.kommune.key.as_str(), &r.kommune.name, &r.kommune.ags),
    )?;
    tx.execute(
        "INSERT INTO release (kommune, kind, title, source, licence, attribution, url, audience, imported_at, file, sha256)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            r.kommune.key.as_str(),
            r.content.kind(),
            r.title,
            r.provenance.source,
            r.provenance.licence,
            r.provenance.attribution,
            r.provenance.url,
            r.audience.as_str(),
            r.imported_at,
            r.file,
            r.sha256
        ],
    )?;
    let id = tx.last_insert_rowid();
    if let Some(owner) = &r.owner {
        let known = tx.query_row("SELECT 1 FROM department WHERE key = ?1", [owner.as_str()], |_| Ok(())).optional()?;
        if known.is_none() {
            return Err(StoreError::UnknownDepartment(owner.clone()));
        }
        tx.execute("INSERT INTO release_owner (release_id, department) VALUES (?1, ?2)", params![id, owner.as_str()])?;
    }
    crate::access::audit(
        &tx,
        &r.imported_at,
        "system",
        "import",
        &format!("release {id}"),
        None,
        Some(&format!(
            "{} ({}, {})",
            r.title,
            r.audience.as_str(),
            r.owner.as_ref().map_or("ohne Eigentümer", |o| o.as_str())
        )),
    )?;
    let kommune = r.kommune.key.as_str();
    let layer_exists = |layer: &LayerKey| -> Result<bool, StoreError> {
        Ok(tx
            .query_row(
                "SELECT 1 FROM layer_version JOIN release ON release.id = layer_version.release_id
                 WHERE release.kommune = ?1 AND layer_version.layer = ?2 LIMIT 1",
                (kommune, layer.as_str()),
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    };
    match &r.content {
        Content::Layer { layer, validity, areas } => {
            if let Some(parent) = &layer.parent
                && parent != &layer.key
                && !layer_exists(parent)?
            {
                return Err(StoreError::UnknownParentLayer { layer: layer.key.clone(), parent: parent.clone() });
            }
            tx.execute(
                "INSERT INTO layer_version (release_id, layer, name, parent, valid_from, valid_to) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![id, layer.key.as_str(), layer.name, layer.parent.as_ref().map(|p| p.as_str()), validity.from, validity.to],
            )?;
            let mut insert =
                tx.prepare("INSERT INTO area (release_id, key, name, parent, geometry) VALUES (?1, ?2, ?3, ?4, ?5)")?;
            for a in areas {
                // RFC 7946 orientation (exterior rings counter-clockwise), which geodesic areas rely on.
                let geometry =
                    a.geometry.as_ref().map(|g| geojson::Geometry::from(&g.orient(Direction::Default)).to_string());
                insert.execute(params![id, a.key.as_str(), a.name, a.parent.as_ref().map(|p| p.as_str()), geometry])?;
            }
        }
        Content::Statistics { variables, observations } => {
            let mut layers: Vec<&LayerKey> = observations.iter().map(|(l, _)| l).collect();
            layers.sort();
            layers.dedup();
            for layer in layers {
                if !layer_exists(layer)? {
                    return Err(StoreError::UnknownLayer { kommune: kommune.to_owned(), layer: layer.clone() });
                }
            }
            insert_variables(&tx, id, variables)?;
            let mut insert = tx.prepare(
                "INSERT INTO observation (release_id, layer, area, variable, period, breakdown, value, symbol)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for (layer, o) in observations {
                let (value, symbol) = match o.value {
                    Value::Number(x) => (Some(x), None),
                    Value::Symbol(s) => (None, Some(s.as_str())),
                };
                insert.execute(params![
                    id,
                    layer.as_str(),
                    o.area.as_str(),
                    o.variable.as_str(),
                    o.period.to_string(),
                    o.breakdown.to_string(),
                    value,
                    symbol
                ])?;
            }
        }
        Content::InstitutionStatistics { collection, variables, observations } => {
            let known = tx
                .query_row(
                    "SELECT 1 FROM institution_set JOIN release ON release.id = institution_set.release_id
                     WHERE release.kommune = ?1 AND institution_set.collection = ?2 LIMIT 1",
                    (kommune, collection),
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
            if !known {
                return Err(StoreError::UnknownCollection {
                    kommune: kommune.to_owned(),
                    collection: collection.clone(),
                });
            }
            insert_variables(&tx, id, variables)?;
            let mut insert = tx.prepare(
                "INSERT INTO institution_observation
                 (release_id, collection, institution, variable, period, breakdown, value, symbol)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for o in observations {
                let (value, symbol) = match o.value {
                    Value::Number(x) => (Some(x), None),
                    Value::Symbol(s) => (None, Some(s.as_str())),
                };
                insert.execute(params![
                    id,
                    collection,
                    o.institution,
                    o.variable.as_str(),
                    o.period.to_string(),
                    o.breakdown.to_string(),
                    value,
                    symbol
                ])?;
            }
        }
        Content::Crosswalk { from, to, crosswalk } => {
            for layer in [&from.0, &to.0] {
                if !layer_exists(layer)? {
                    return Err(StoreError::UnknownLayer { kommune: kommune.to_owned(), layer: layer.clone() });
                }
            }
            let mut insert = tx.prepare(
                "INSERT INTO crosswalk_share (release_id, from_layer, from_year, to_layer, to_year, from_key, to_key, share)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for (f, t, share) in crosswalk.rows() {
                insert.execute(params![
                    id,
                    from.0.as_str(),
                    from.1,
                    to.0.as_str(),
                    to.1,
                    f.as_str(),
                    t.as_str(),
                    share
                ])?;
            }
        }
        Content::Institutions { collection, institutions: list } => {
            tx.execute(
                "INSERT INTO institution_set (release_id, collection) VALUES (?1, ?2)",
                params![id, collection],
            )?;
            let mut insert = tx.prepare(
                "INSERT INTO institution (release_id, key, name, kind, lon, lat, attributes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for i in list {
                let attributes = serde_json::to_string(&i.attributes)
                    .map_err(|e| StoreError::Corrupt { table: "institution", detail: e.to_string() })?;
                insert.execute(params![id, i.key, i.name, i.kind, i.location.x(), i.location.y(), attributes])?;
            }
        }
    }
    tx.commit()?;
    Ok(ReleaseId(id))
}

/// The variable definitions of a statistics or institution statistics release: one namespace of
/// variable keys per Kommune, so a key means one thing whatever it counts.
fn insert_variables(tx: &Connection, id: i64, variables: &[Variable]) -> Result<(), StoreError> {
    let mut insert =
        tx.prepare("INSERT INTO variable (release_id, key, label, unit, share_of) VALUES (?1, ?2, ?3, ?4, ?5)")?;
    for v in variables {
        insert.execute(params![id, v.key.as_str(), v.label, v.unit.code(), v.share_of.as_ref().map(|s| s.as_str())])?;
    }
    Ok(())
}
