//! Reading the current state.

use std::collections::{HashMap, HashSet};

use domain::institution::InstitutionObservation;
use domain::{
    Area, AreaKey, Audience, Breakdown, Institution, Kommune, KommuneKey, Layer, LayerKey, Observation, Period,
    Provenance, Release, ReleaseId, Symbol, Unit, Validity, Value, Variable, VariableKey,
};
use geo::MultiPolygon;
use rusqlite::{Connection, Row};

use crate::StoreError;

/// Everything one audience may see, newest visible release first per cell.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// One entry per Kommune with at least one visible release, ordered by name.
    pub kommunen: Vec<KommuneData>,
}

impl Snapshot {
    /// The data of one Kommune.
    pub fn kommune(&self, key: &str) -> Option<&KommuneData> {
        self.kommunen.iter().find(|k| k.kommune.key.as_str() == key)
    }
}

/// The visible data of one Kommune.
#[derive(Debug, Clone)]
pub struct KommuneData {
    /// The Kommune.
    pub kommune: Kommune,
    /// Its visible releases, oldest first.
    pub releases: Vec<Release>,
    /// Every visible version of every layer, newest release first.
    pub layer_versions: Vec<LayerVersion>,
    /// The newest visible definition of each variable, by key.
    pub variables: Vec<VariableInfo>,
    /// The current value of each cell (layer, area, variable, period, breakdown).
    pub observations: Vec<StoredObservation>,
    /// The institutions of the newest visible release of each collection, by key.
    pub institutions: Vec<InstitutionRecord>,
    /// The newest visible crosswalk between each pair of layer versions.
    pub crosswalks: Vec<StoredCrosswalk>,
    /// The current value of each cell of the institution statistics (collection, institution,
    /// variable, period, breakdown), ordered by collection, institution, variable, period and
    /// breakdown.
    pub institution_observations: Vec<StoredInstitutionObservation>,
}

/// A value of a statistic of an institution as stored: with its collection and release.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredInstitutionObservation {
    /// The collection of the institution, e.g. `schulen`.
    pub collection: String,
    /// The observation.
    pub observation: InstitutionObservation,
    /// The release it comes from.
    pub release: ReleaseId,
}

/// A crosswalk as stored: between the versions of two layers valid in the given years.
#[derive(Debug, Clone)]
pub struct StoredCrosswalk {
    /// Source layer and the year its version is valid in (`None`: the newest version).
    pub from: (LayerKey, Option<i32>),
    /// Target layer and year.
    pub to: (LayerKey, Option<i32>),
    /// The shares.
    pub crosswalk: domain::crosswalk::Crosswalk,
    /// The release it comes from.
    pub release: ReleaseId,
}

impl KommuneData {
    /// The release with this id, if visible.
    pub fn release(&self, id: ReleaseId) -> Option<&Release> {
        self.releases.iter().find(|r| r.id == id)
    }

    /// The keys of all layers, ordered from the coarsest (no parent) down the hierarchy.
    pub fn layer_keys(&self) -> Vec<&LayerKey> {
        let mut seen: Vec<&LayerVersion> = Vec::new();
        for v in &self.layer_versions {
            if !seen.iter().any(|s| s.layer.key == v.layer.key) {
                seen.push(v);
            }
        }
        let depth = |v: &LayerVersion| {
            let mut d = 0;
            let mut parent = v.layer.parent.as_ref();
            while let Some(p) = parent {
                d += 1;
                parent = seen.iter().find(|s| &s.layer.key == p && d < 16).and_then(|s| s.layer.parent.as_ref());
            }
            d
        };
        let mut keys: Vec<(usize, &LayerKey)> = seen.iter().map(|v| (depth(v), &v.layer.key)).collect();
        keys.sort();
        keys.into_iter().map(|(_, k)| k).collect()
    }

    /// The version of `layer` to use for `year`: the newest visible one valid in that year, or the
    /// newest of all when no year is given.
    pub fn layer(&self, layer: &str, year: Option<i32>) -> Option<&LayerVersion> {
        self.layer_versions
            .iter()
            .filter(|v| v.layer.key.as_str() == layer)
            .find(|v| year.is_none_or(|y| v.validity.contains(y)))
    }

    /// The newest definition of a variable.
    pub fn variable(&self, key: &str) -> Option<&VariableInfo> {
        self.variables.iter().find(|v| v.variable.key.as_str() == key)
    }
}

/// One version of a layer with its areas.
#[derive(Debug, Clone)]
pub struct LayerVersion {
    /// The layer as defined by this release.
    pub layer: Layer,
    /// When this version is valid.
    pub validity: Validity,
    /// The release that brought it.
    pub release: ReleaseId,
    /// Its areas, ordered by key.
    pub areas: Vec<Area>,
}

/// A variable with the release that defined it.
#[derive(Debug, Clone)]
pub struct VariableInfo {
    /// The definition.
    pub variable: Variable,
    /// The defining release.
    pub release: ReleaseId,
}

/// An observation as stored: with its layer and release.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredObservation {
    /// The layer of the area key.
    pub layer: LayerKey,
    /// The observation.
    pub observation: Observation,
    /// The release it comes from.
    pub release: ReleaseId,
}

/// An institution with its release.
#[derive(Debug, Clone)]
pub struct InstitutionRecord {
    /// The institution.
    pub institution: Institution,
    /// The release it comes from.
    pub release: ReleaseId,
}

fn corrupt(table: &'static str, detail: impl ToString) -> StoreError {
    StoreError::Corrupt { table, detail: detail.to_string() }
}

fn release_from_row(row: &Row<'_>) -> rusqlite::Result<(String, Release, String)> {
    let audience: String = row.get("audience")?;
    Ok((
        row.get("kommune")?,
        Release {
            id: ReleaseId(row.get("id")?),
            title: row.get("title")?,
            kind: row.get("kind")?,
            provenance: Provenance {
                source: row.get("source")?,
                licence: row.get("licence")?,
                attribution: row.get("attribution")?,
                url: row.get("url")?,
            },
            audience: Audience::Public,
            imported_at: row.get("imported_at")?,
            file: row.get("file")?,
            sha256: row.get("sha256")?,
        },
        audience,
    ))
}

/// Which releases a reader sees.
pub(crate) type Visible<'a> = &'a dyn Fn(&Release) -> bool;

fn visible_releases(conn: &Connection, visible: Visible<'_>) -> Result<Vec<(String, Release)>, StoreError> {
    let mut stmt = conn.prepare("SELECT * FROM release ORDER BY id")?;
    let rows = stmt.query_map([], release_from_row)?;
    let mut out = Vec::new();
    for row in rows {
        let (kommune, mut release, aud) = row?;
        release.audience = aud.parse().map_err(|e| corrupt("release", e))?;
        if visible(&release) {
            out.push((kommune, release));
        }
    }
    Ok(out)
}

fn key<K: std::str::FromStr<Err = domain::KeyError>>(table: &'static str, text: String) -> Result<K, StoreError> {
    text.parse().map_err(|e| corrupt(table, e))
}

fn geometry(text: Option<String>) -> Result<Option<MultiPolygon<f64>>, StoreError> {
    let Some(text) = text else { return Ok(None) };
    let g: geojson::Geometry = text.parse().map_err(|e| corrupt("area", e))?;
    MultiPolygon::try_from(g.value).map(Some).map_err(|e| corrupt("area", e))
}

fn observation_from_row(row: &Row<'_>) -> rusqlite::Result<[Option<String>; 6]> {
    Ok([
        row.get("layer")?,
        row.get("area")?,
        row.get("variable")?,
        row.get("period")?,
        row.get("breakdown")?,
        row.get("symbol")?,
    ])
}

fn observation(row: [Option<String>; 6], value: Option<f64>, release: i64) -> Result<StoredObservation, StoreError> {
    let [layer, area, variable, period, breakdown, symbol] = row;
    let text = |s: Option<String>| s.ok_or_else(|| corrupt("observation", "null in a required column"));
    let value = value_of(value, symbol).map_err(|e| corrupt("observation", e))?;
    Ok(StoredObservation {
        layer: key("observation", text(layer)?)?,
        observation: Observation {
            variable: key("observation", text(variable)?)?,
            area: key("observation", text(area)?)?,
            period: text(period)?.parse::<Period>().map_err(|e| corrupt("observation", e))?,
            breakdown: Breakdown::parse(&text(breakdown)?).map_err(|e| corrupt("observation", e))?,
            value,
        },
        release: ReleaseId(release),
    })
}

/// A stored value: a number or a Destatis symbol.
fn value_of(value: Option<f64>, symbol: Option<String>) -> Result<Value, String> {
    match (value, symbol) {
        (Some(x), None) => Ok(Value::Number(x)),
        (None, Some(s)) => Symbol::parse(&s).map(Value::Symbol).ok_or_else(|| format!("symbol {s:?}")),
        _ => Err("value and symbol both set or both missing".to_owned()),
    }
}

type VersionRow = (i64, String, String, Option<String>, Option<i32>, Option<i32>);

fn version_row(r: &Row<'_>) -> rusqlite::Result<VersionRow> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
}

/// A layer version with its areas, from a `layer_version` row.
fn layer_version(
    conn: &Connection,
    (release, layer, name, parent, from, to): VersionRow,
) -> Result<LayerVersion, StoreError> {
    let validity = Validity { from, to };
    let mut stmt =
        conn.prepare_cached("SELECT key, name, parent, geometry FROM area WHERE release_id = ?1 ORDER BY key")?;
    let mut areas = Vec::new();
    for row in stmt.query_map([release], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, Option<String>>(3)?,
        ))
    })? {
        let (k, name, parent, g) = row?;
        areas.push(Area {
            key: key::<AreaKey>("area", k)?,
            name,
            parent: parent.map(|p| key::<AreaKey>("area", p)).transpose()?,
            validity,
            geometry: geometry(g)?,
        });
    }
    Ok(LayerVersion {
        layer: Layer {
            key: key("layer_version", layer)?,
            name,
            parent: parent.map(|p| key("layer_version", p)).transpose()?,
        },
        validity,
        release: ReleaseId(release),
        areas,
    })
}

/// Every version of a layer of a Kommune, newest first, whatever its audience (for checks on import).
pub(crate) fn layer_versions(conn: &Connection, kommune: &str, layer: &str) -> Result<Vec<LayerVersion>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT layer_version.release_id, layer, name, parent, valid_from, valid_to FROM layer_version
         JOIN release ON release.id = layer_version.release_id
         WHERE release.kommune = ?1 AND layer_version.layer = ?2 ORDER BY layer_version.release_id DESC",
    )?;
    let rows: Vec<VersionRow> = stmt.query_map((kommune, layer), version_row)?.collect::<Result<_, _>>()?;
    rows.into_iter().map(|r| layer_version(conn, r)).collect()
}

/// The keys of the newest list of a collection, whatever its audience (for checks on import).
pub(crate) fn institution_keys(
    conn: &Connection,
    kommune: &str,
    collection: &str,
) -> Result<Option<HashSet<String>>, StoreError> {
    use rusqlite::OptionalExtension;
    let newest: Option<i64> = conn
        .query_row(
            "SELECT max(institution_set.release_id) FROM institution_set
             JOIN release ON release.id = institution_set.release_id
             WHERE release.kommune = ?1 AND institution_set.collection = ?2",
            (kommune, collection),
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    let Some(release) = newest else { return Ok(None) };
    let mut stmt = conn.prepare("SELECT key FROM institution WHERE release_id = ?1")?;
    let keys = stmt.query_map([release], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(Some(keys))
}

pub(crate) fn snapshot(
    conn: &Connection,
    visible: Visible<'_>,
    up_to: Option<ReleaseId>,
) -> Result<Snapshot, StoreError> {
    let mut releases = visible_releases(conn, visible)?;
    if let Some(last) = up_to {
        releases.retain(|(_, r)| r.id <= last);
    }
    let visible: HashSet<i64> = releases.iter().map(|(_, r)| r.id.0).collect();
    let release_kommune: HashMap<i64, &str> = releases.iter().map(|(k, r)| (r.id.0, k.as_str())).collect();

    let mut kommunen: Vec<KommuneData> = Vec::new();
    let mut stmt = conn.prepare("SELECT key, name, ags FROM kommune ORDER BY name")?;
    for row in
        stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?)))?
    {
        let (k, name, ags) = row?;
        let mine: Vec<Release> = releases.iter().filter(|(rk, _)| *rk == k).map(|(_, r)| r.clone()).collect();
        if mine.is_empty() {
            continue;
        }
        kommunen.push(KommuneData {
            kommune: Kommune { key: key::<KommuneKey>("kommune", k)?, name, ags },
            releases: mine,
            layer_versions: Vec::new(),
            variables: Vec::new(),
            observations: Vec::new(),
            institutions: Vec::new(),
            crosswalks: Vec::new(),
            institution_observations: Vec::new(),
        });
    }
    let index_of = |release: i64| -> Option<usize> {
        let k = release_kommune.get(&release)?;
        kommunen.iter().position(|d| d.kommune.key.as_str() == *k)
    };
    let slots: HashMap<i64, usize> = visible.iter().filter_map(|&id| Some((id, index_of(id)?))).collect();

    // Layers, newest first.
    let mut stmt = conn.prepare(
        "SELECT release_id, layer, name, parent, valid_from, valid_to FROM layer_version ORDER BY release_id DESC",
    )?;
    let versions: Vec<VersionRow> = stmt.query_map([], version_row)?.collect::<Result<_, _>>()?;
    for row in versions {
        let Some(&slot) = slots.get(&row.0) else { continue };
        kommunen[slot].layer_versions.push(layer_version(conn, row)?);
    }

    // Variables: newest definition per key.
    let mut stmt =
        conn.prepare("SELECT release_id, key, label, unit, share_of FROM variable ORDER BY release_id DESC, key")?;
    let rows: Vec<(i64, String, String, String, Option<String>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<Result<_, _>>()?;
    for (release, k, label, unit, share_of) in rows {
        let Some(&slot) = slots.get(&release) else { continue };
        if kommunen[slot].variables.iter().any(|v| v.variable.key.as_str() == k) {
            continue;
        }
        kommunen[slot].variables.push(VariableInfo {
            variable: Variable {
                key: key::<VariableKey>("variable", k)?,
                label,
                unit: Unit::from_code(&unit),
                share_of: share_of.map(|s| key("variable", s)).transpose()?,
            },
            release: ReleaseId(release),
        });
    }
    for k in &mut kommunen {
        k.variables.sort_by(|a, b| a.variable.label.cmp(&b.variable.label));
    }

    // Observations: the newest visible release wins per cell.
    let mut stmt = conn.prepare(
        "SELECT release_id, layer, area, variable, period, breakdown, value, symbol FROM observation ORDER BY release_id DESC",
    )?;
    let mut seen: HashSet<(usize, [Option<String>; 5])> = HashSet::new();
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let release: i64 = row.get(0)?;
        let Some(&slot) = slots.get(&release) else { continue };
        let fields = observation_from_row(row)?;
        let [a, b, c, d, e, _] = fields.clone();
        if !seen.insert((slot, [a, b, c, d, e])) {
            continue;
        }
        let value: Option<f64> = row.get("value")?;
        kommunen[slot].observations.push(observation(fields, value, release)?);
    }

    // Institution statistics: the newest visible release wins per cell.
    let mut stmt = conn.prepare(
        "SELECT release_id, collection, institution, variable, period, breakdown, value, symbol
         FROM institution_observation ORDER BY release_id DESC",
    )?;
    let mut seen: HashSet<(usize, [String; 5])> = HashSet::new();
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let release: i64 = row.get(0)?;
        let Some(&slot) = slots.get(&release) else { continue };
        let cell: [String; 5] = [row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?];
        if seen.contains(&(slot, cell.clone())) {
            continue;
        }
        let [collection, institution, variable, period, breakdown] = cell.clone();
        let bad = |e: String| corrupt("institution_observation", e);
        kommunen[slot].institution_observations.push(StoredInstitutionObservation {
            collection,
            observation: InstitutionObservation {
                institution,
                variable: key("institution_observation", variable)?,
                period: period.parse::<Period>().map_err(|e| bad(e.to_string()))?,
                breakdown: Breakdown::parse(&breakdown).map_err(|e| bad(e.to_string()))?,
                value: value_of(row.get(6)?, row.get(7)?).map_err(bad)?,
            },
            release: ReleaseId(release),
        });
        seen.insert((slot, cell));
    }
    for k in &mut kommunen {
        k.institution_observations.sort_by_cached_key(|o| {
            let i = &o.observation;
            (o.collection.clone(), i.institution.clone(), i.variable.to_string(), i.period, i.breakdown.to_string())
        });
    }

    // Institutions: the list of the newest visible release of each collection.
    let mut stmt = conn.prepare("SELECT release_id, collection FROM institution_set ORDER BY release_id DESC")?;
    let sets: Vec<(i64, String)> = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    let mut current: HashSet<(usize, String)> = HashSet::new();
    let mut stmt = conn
        .prepare("SELECT key, name, kind, lon, lat, attributes FROM institution WHERE release_id = ?1 ORDER BY key")?;
    for (release, collection) in sets {
        let Some(&slot) = slots.get(&release) else { continue };
        if !current.insert((slot, collection)) {
            continue;
        }
        let rows: Vec<(String, String, String, f64, f64, String)> = stmt
            .query_map([release], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?
            .collect::<Result<_, _>>()?;
        for (k, name, kind, lon, lat, attributes) in rows {
            let attributes: Vec<(String, String)> =
                serde_json::from_str(&attributes).map_err(|e| corrupt("institution", e))?;
            kommunen[slot].institutions.push(InstitutionRecord {
                institution: Institution { key: k, name, kind, location: geo::Point::new(lon, lat), attributes },
                release: ReleaseId(release),
            });
        }
    }
    for k in &mut kommunen {
        k.institutions.sort_by(|a, b| a.institution.key.cmp(&b.institution.key));
    }

    // Crosswalks: the newest visible release per (source, target).
    let mut stmt = conn.prepare(
        "SELECT release_id, from_layer, from_year, to_layer, to_year, from_key, to_key, share FROM crosswalk_share
         ORDER BY release_id DESC, from_key, to_key",
    )?;
    type ShareRow = (i64, String, Option<i32>, String, Option<i32>, String, String, f64);
    let rows: Vec<ShareRow> = stmt
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
        })?
        .collect::<Result<_, _>>()?;
    type LayerYear = (String, Option<i32>);
    type Shares = Vec<(AreaKey, AreaKey, f64)>;
    let mut grouped: Vec<(i64, LayerYear, LayerYear, Shares)> = Vec::new();
    for (release, fl, fy, tl, ty, f, t, share) in rows {
        let row = (key::<AreaKey>("crosswalk_share", f)?, key::<AreaKey>("crosswalk_share", t)?, share);
        match grouped.last_mut() {
            Some(g) if g.0 == release => g.3.push(row),
            _ => grouped.push((release, (fl, fy), (tl, ty), vec![row])),
        }
    }
    for (release, from, to, shares) in grouped {
        let Some(&slot) = slots.get(&release) else { continue };
        let pair =
            |l: String, y| -> Result<(LayerKey, Option<i32>), StoreError> { Ok((key("crosswalk_share", l)?, y)) };
        let (from, to) = (pair(from.0, from.1)?, pair(to.0, to.1)?);
        if kommunen[slot].crosswalks.iter().any(|c| c.from == from && c.to == to) {
            continue;
        }
        let crosswalk = domain::crosswalk::Crosswalk::from_shares(shares).map_err(|e| corrupt("crosswalk_share", e))?;
        kommunen[slot].crosswalks.push(StoredCrosswalk { from, to, crosswalk, release: ReleaseId(release) });
    }
    Ok(Snapshot { kommunen })
}

pub(crate) fn release_observations(
    conn: &Connection,
    visible: Visible<'_>,
    id: ReleaseId,
) -> Result<Option<Vec<StoredObservation>>, StoreError> {
    if !visible_releases(conn, visible)?.iter().any(|(_, r)| r.id == id) {
        return Ok(None);
    }
    let mut stmt = conn.prepare(
        "SELECT release_id, layer, area, variable, period, breakdown, value, symbol FROM observation WHERE release_id = ?1
         ORDER BY layer, area, variable, period, breakdown",
    )?;
    let mut rows = stmt.query([id.0])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(observation(observation_from_row(row)?, row.get("value")?, id.0)?);
    }
    Ok(Some(out))
}
