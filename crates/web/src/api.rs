//! The JSON API under `/api/`, described by `openapi.json` beside this crate's sources.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use domain::{Breakdown, Period, Release, ReleaseId, Value};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::atlas::KommuneAtlas;
use crate::auth::CurrentUser;
use crate::{AppError, AppState};

/// The API description served at `/api/openapi.json`.
pub const OPENAPI: &str = include_str!("../openapi.json");

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(|| async { ([(header::CONTENT_TYPE, "application/json")], OPENAPI) }))
        .route("/releases", get(releases))
        .route("/kommunen", get(kommunen))
        .route("/kommunen/{kommune}/layers", get(layers))
        .route("/kommunen/{kommune}/layers/{layer}/areas", get(areas))
        .route("/kommunen/{kommune}/variables", get(variables))
        .route("/kommunen/{kommune}/observations", get(observations))
        .route("/kommunen/{kommune}/institutions", get(institutions))
        .route("/kommunen/{kommune}/indicators", get(indicators))
        .route("/kommunen/{kommune}/indicators/{indicator}/values", get(indicator_values))
        // Unknown API paths answer JSON like every other API error (the pages' fallback answers HTML).
        .fallback(|| async { AppError::NotFound("unknown API path".into()) })
}

#[derive(Serialize)]
struct ReleaseDto<'a> {
    id: i64,
    kommune: &'a str,
    title: &'a str,
    kind: &'a str,
    source: &'a str,
    licence: &'a str,
    attribution: &'a str,
    url: Option<&'a str>,
    audience: &'a str,
    imported_at: &'a str,
    file: &'a str,
    sha256: &'a str,
}

fn release_dto<'a>(kommune: &'a str, r: &'a Release) -> ReleaseDto<'a> {
    ReleaseDto {
        id: r.id.0,
        kommune,
        title: &r.title,
        kind: &r.kind,
        source: &r.provenance.source,
        licence: &r.provenance.licence,
        attribution: &r.provenance.attribution,
        url: r.provenance.url.as_deref(),
        audience: r.audience.as_str(),
        imported_at: &r.imported_at,
        file: &r.file,
        sha256: &r.sha256,
    }
}

/// Response bodies that depend only on the data version, serialised once when the atlas is built
/// so that serving them costs no more than serving a file.
pub(crate) struct Bodies {
    releases: Bytes,
    kommunen: Bytes,
}

/// The per-Kommune bodies of [`Bodies`].
pub(crate) struct KommuneBodies {
    layers: Bytes,
    variables: Bytes,
    institutions: Bytes,
    /// The JSON object of each current observation, in the order of `KommuneData::observations`.
    observation_rows: Vec<Box<str>>,
    /// Positions of the observations of each (layer, variable), for the common filtered query.
    by_layer_variable: HashMap<(String, String), Vec<usize>>,
}

impl KommuneBodies {
    /// Placeholder while the Kommune's atlas is being built.
    pub(crate) fn empty() -> KommuneBodies {
        KommuneBodies {
            layers: Bytes::new(),
            variables: Bytes::new(),
            institutions: Bytes::new(),
            observation_rows: Vec::new(),
            by_layer_variable: HashMap::new(),
        }
    }
}

pub(crate) fn bodies(kommunen: &[KommuneAtlas]) -> Bodies {
    let releases: Vec<ReleaseDto<'_>> = kommunen
        .iter()
        .flat_map(|k| k.data.releases.iter().map(move |r| release_dto(k.data.kommune.key.as_str(), r)))
        .collect();
    let list: Vec<serde_json::Value> = kommunen
        .iter()
        .map(|k| json!({ "key": k.data.kommune.key.as_str(), "name": k.data.kommune.name, "ags": k.data.kommune.ags }))
        .collect();
    Bodies { releases: to_json(&releases), kommunen: to_json(&list) }
}

fn to_json(value: &impl Serialize) -> Bytes {
    // Serialising plain data structures cannot fail.
    serde_json::to_vec(value).unwrap_or_default().into()
}

/// A prepared body; cloning `Bytes` only counts a reference.
fn json_body(body: &Bytes, content_type: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], Body::from(body.clone())).into_response()
}

async fn releases(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    let atlas = state.atlas_for(&user.viewer()).await?;
    Ok(json_body(&atlas.bodies.releases, "application/json"))
}

async fn kommunen(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    let atlas = state.atlas_for(&user.viewer()).await?;
    Ok(json_body(&atlas.bodies.kommunen, "application/json"))
}

fn kommune<'a>(atlas: &'a crate::atlas::Atlas, key: &str) -> Result<&'a KommuneAtlas, AppError> {
    atlas.kommune(key).ok_or_else(|| AppError::NotFound(format!("no kommune {key:?}")))
}

async fn layers(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(key): Path<String>,
) -> Result<Response, AppError> {
    let atlas = state.atlas_for(&user.viewer()).await?;
    Ok(json_body(&kommune(&atlas, &key)?.bodies.layers, "application/json"))
}

#[derive(Deserialize)]
struct YearQuery {
    year: Option<i32>,
}

async fn areas(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((key, layer)): Path<(String, String)>,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    let atlas = state.atlas_for(&user.viewer()).await?;
    let k = kommune(&atlas, &key)?;
    let body = k.areas_geojson(&layer, q.year).ok_or_else(|| AppError::NotFound(format!("no layer {layer:?}")))?;
    Ok(json_body(&body, "application/geo+json"))
}

async fn variables(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(key): Path<String>,
) -> Result<Response, AppError> {
    let atlas = state.atlas_for(&user.viewer()).await?;
    Ok(json_body(&kommune(&atlas, &key)?.bodies.variables, "application/json"))
}

#[derive(Deserialize)]
struct ObservationQuery {
    layer: Option<String>,
    variable: Option<String>,
    breakdown: Option<String>,
    period: Option<String>,
    area: Option<String>,
    release: Option<i64>,
}

#[derive(Serialize)]
struct ObservationDto<'a> {
    layer: &'a str,
    area: &'a str,
    variable: &'a str,
    period: String,
    breakdown: String,
    value: Option<f64>,
    symbol: Option<&'static str>,
    release: i64,
}

fn observation_dto(o: &store::StoredObservation) -> ObservationDto<'_> {
    let ob = &o.observation;
    let (value, symbol) = match ob.value {
        Value::Number(x) => (Some(x), None),
        Value::Symbol(s) => (None, Some(s.as_str())),
    };
    ObservationDto {
        layer: o.layer.as_str(),
        area: ob.area.as_str(),
        variable: ob.variable.as_str(),
        period: ob.period.to_string(),
        breakdown: ob.breakdown.to_string(),
        value,
        symbol,
        release: o.release.0,
    }
}

/// The parsed filters of an observations query.
struct Filter {
    layer: Option<String>,
    variable: Option<String>,
    breakdown: Option<Breakdown>,
    period: Option<Period>,
    area: Option<String>,
}

impl Filter {
    fn keeps(&self, o: &store::StoredObservation) -> bool {
        self.layer.as_deref().is_none_or(|l| o.layer.as_str() == l)
            && self.variable.as_deref().is_none_or(|v| o.observation.variable.as_str() == v)
            && self.breakdown.as_ref().is_none_or(|b| &o.observation.breakdown == b)
            && self.period.is_none_or(|p| o.observation.period == p)
            && self.area.as_deref().is_none_or(|a| o.observation.area.as_str() == a)
    }
}

async fn observations(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(key): Path<String>,
    Query(q): Query<ObservationQuery>,
) -> Result<Response, AppError> {
    let atlas = state.atlas_for(&user.viewer()).await?;
    let filter = Filter {
        breakdown: q
            .breakdown
            .as_deref()
            .map(Breakdown::parse)
            .transpose()
            .map_err(|e| AppError::BadRequest(e.to_string()))?,
        period: q
            .period
            .as_deref()
            .map(str::parse::<Period>)
            .transpose()
            .map_err(|e| AppError::BadRequest(e.to_string()))?,
        layer: q.layer,
        variable: q.variable,
        area: q.area,
    };
    let release = q.release.map(ReleaseId);
    if let Some(id) = release
        && kommune(&atlas, &key)?.data.release(id).is_none()
    {
        return Err(AppError::NotFound(format!("no release {id}")));
    }
    let store = Arc::clone(&state.store);
    // Filtering and serialising thousands of rows is CPU work: keep it off the request runtime.
    let body = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, AppError> {
        let k = kommune(&atlas, &key)?;
        match release {
            Some(id) => {
                let visible: HashSet<ReleaseId> = k.data.releases.iter().map(|r| r.id).collect();
                let rows = store.release_observations_of(&visible, id).map_err(AppError::internal)?.unwrap_or_default();
                let list: Vec<ObservationDto<'_>> =
                    rows.iter().filter(|o| filter.keeps(o)).map(observation_dto).collect();
                serde_json::to_vec(&list).map_err(AppError::internal)
            }
            None => {
                // The current rows are serialised once per data version; a request only joins them.
                let mut body = Vec::with_capacity(64 * 1024);
                body.push(b'[');
                let all: Vec<usize>;
                let candidates: &[usize] = match (&filter.layer, &filter.variable) {
                    (Some(l), Some(v)) => {
                        k.bodies.by_layer_variable.get(&(l.clone(), v.clone())).map_or(&[], Vec::as_slice)
                    }
                    _ => {
                        all = (0..k.data.observations.len()).collect();
                        &all
                    }
                };
                let kept = candidates.iter().filter(|&&i| filter.keeps(&k.data.observations[i]));
                for (n, &i) in kept.enumerate() {
                    if n > 0 {
                        body.push(b',');
                    }
                    body.extend_from_slice(k.bodies.observation_rows[i].as_bytes());
                }
                body.push(b']');
                Ok(body)
            }
        }
    })
    .await
    .map_err(AppError::internal)??;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

async fn institutions(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(key): Path<String>,
) -> Result<Response, AppError> {
    let atlas = state.atlas_for(&user.viewer()).await?;
    Ok(json_body(&kommune(&atlas, &key)?.bodies.institutions, "application/geo+json"))
}

fn layers_json(k: &KommuneAtlas) -> Bytes {
    let list: Vec<serde_json::Value> = k
        .data
        .layer_versions
        .iter()
        .map(|v| {
            json!({
                "key": v.layer.key.as_str(),
                "name": v.layer.name,
                "parent": v.layer.parent.as_ref().map(|p| p.as_str()),
                "valid_from": v.validity.from,
                "valid_to": v.validity.to,
                "release": v.release.0,
                "area_count": v.areas.len(),
            })
        })
        .collect();
    to_json(&list)
}

fn variables_json(k: &KommuneAtlas) -> Bytes {
    let list: Vec<serde_json::Value> = k
        .data
        .variables
        .iter()
        .map(|v| {
            let series: Vec<_> = k.series.iter().filter(|s| s.variable == v.variable.key).collect();
            let mut periods: Vec<String> =
                series.iter().flat_map(|s| s.periods.iter().map(Period::to_string)).collect();
            periods.sort();
            periods.dedup();
            let mut layers: Vec<&str> = series.iter().flat_map(|s| s.layers.iter().map(|l| l.as_str())).collect();
            layers.sort();
            layers.dedup();
            json!({
                "key": v.variable.key.as_str(),
                "label": v.variable.label,
                "unit": v.variable.unit.code(),
                "share_of": v.variable.share_of.as_ref().map(|s| s.as_str()),
                "release": v.release.0,
                "breakdowns": series.iter().map(|s| s.breakdown.to_string()).collect::<Vec<_>>(),
                "periods": periods,
                "layers": layers,
            })
        })
        .collect();
    to_json(&list)
}

fn institutions_json(k: &KommuneAtlas) -> Bytes {
    let features: Vec<serde_json::Value> = k
        .data
        .institutions
        .iter()
        .map(|i| {
            let attributes: serde_json::Map<String, serde_json::Value> =
                i.institution.attributes.iter().map(|(n, v)| (n.clone(), json!(v))).collect();
            json!({
                "type": "Feature",
                "id": i.institution.key,
                "geometry": { "type": "Point", "coordinates": [i.institution.location.x(), i.institution.location.y()] },
                "properties": { "key": i.institution.key, "name": i.institution.name, "kind": i.institution.kind, "attributes": attributes, "release": i.release.0 },
            })
        })
        .collect();
    to_json(&json!({ "type": "FeatureCollection", "features": features }))
}

pub(crate) fn kommune_bodies(k: &KommuneAtlas) -> KommuneBodies {
    let observation_rows = k
        .data
        .observations
        .iter()
        .map(|o| serde_json::to_string(&observation_dto(o)).unwrap_or_default().into_boxed_str())
        .collect();
    let mut by_layer_variable: HashMap<(String, String), Vec<usize>> = HashMap::new();
    for (i, o) in k.data.observations.iter().enumerate() {
        by_layer_variable.entry((o.layer.to_string(), o.observation.variable.to_string())).or_default().push(i);
    }
    KommuneBodies {
        layers: layers_json(k),
        variables: variables_json(k),
        institutions: institutions_json(k),
        observation_rows,
        by_layer_variable,
    }
}

fn polarity_code(p: domain::uncertainty::Polarity) -> &'static str {
    match p {
        domain::uncertainty::Polarity::HigherIsBetter => "hoeher_besser",
        domain::uncertainty::Polarity::HigherIsWorse => "hoeher_schlechter",
        domain::uncertainty::Polarity::NoJudgement => "keine",
    }
}

fn kind_code(k: domain::indicator::Kind) -> &'static str {
    match k {
        domain::indicator::Kind::Proportion => "proportion",
        domain::indicator::Kind::Rate => "rate",
        domain::indicator::Kind::Ratio => "ratio",
        domain::indicator::Kind::Count => "count",
    }
}

async fn indicators(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(key): Path<String>,
) -> Result<Response, AppError> {
    let atlas = state.atlas_for(&user.viewer()).await?;
    let body = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, AppError> {
        let k = kommune(&atlas, &key)?;
        let list: Vec<serde_json::Value> = atlas
            .catalogue
            .iter()
            .map(|d| {
                let available = k.availability(d);
                json!({
                    "key": d.key.as_str(),
                    "label": d.label,
                    "bereich": d.bereich.letter(),
                    "tier": format!("{:?}", d.tier).to_lowercase(),
                    "stage": format!("{:?}", d.stage).to_lowercase(),
                    "kind": kind_code(d.kind),
                    "numerator": d.numerator.to_string(),
                    "denominator": d.denominator.as_ref().map(ToString::to_string),
                    "factor": d.factor,
                    "unit": d.unit,
                    "polarity": polarity_code(d.polarity),
                    "min_denominator": d.min_denominator,
                    "source": d.source,
                    "reference_date": d.reference_date,
                    "interpretation": d.interpretation,
                    "computable": available.computable(),
                    "missing": available.missing,
                    "unit_mismatches": available.unit_mismatches,
                    "periods": k.indicator_periods(d).iter().map(ToString::to_string).collect::<Vec<_>>(),
                    "layers": k.indicator_layers(d).iter().map(|l| l.layer.key.as_str()).collect::<Vec<_>>(),
                })
            })
            .collect();
        serde_json::to_vec(&list).map_err(AppError::internal)
    })
    .await
    .map_err(AppError::internal)??;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

#[derive(Deserialize)]
struct IndicatorValuesQuery {
    layer: Option<String>,
    period: Option<String>,
}

fn computed_json(c: &domain::indicator::Computed) -> serde_json::Value {
    json!({
        "value": c.value,
        "lower": c.interval.map(|i| i.lower),
        "upper": c.interval.map(|i| i.upper),
        "numerator": c.numerator,
        "denominator": c.denominator,
    })
}

async fn indicator_values(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((key, indicator)): Path<(String, String)>,
    Query(q): Query<IndicatorValuesQuery>,
) -> Result<Response, AppError> {
    let atlas = state.atlas_for(&user.viewer()).await?;
    let period =
        q.period.as_deref().map(str::parse::<Period>).transpose().map_err(|e| AppError::BadRequest(e.to_string()))?;
    let body = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, AppError> {
        let k = kommune(&atlas, &key)?;
        let d = atlas
            .catalogue
            .iter()
            .find(|d| d.key.as_str() == indicator)
            .ok_or_else(|| AppError::NotFound(format!("no indicator {indicator:?}")))?;
        let layers = k.indicator_layers(d);
        let layer = match &q.layer {
            Some(l) => layers.iter().find(|v| v.layer.key.as_str() == l),
            None => layers.iter().max_by_key(|v| v.areas.len()),
        }
        .copied()
        .ok_or_else(|| AppError::NotFound(format!("indicator {indicator:?} has no values on this layer")))?;
        let period = period.or_else(|| k.indicator_periods(d).last().copied());
        let (values, city) = k.indicator_values(d, layer, period, None);
        let rows: Vec<serde_json::Value> = values
            .iter()
            .map(|v| {
                let mut row = match &v.result {
                    Ok(c) => computed_json(c),
                    Err(_) => {
                        json!({ "value": null, "lower": null, "upper": null, "numerator": null, "denominator": null })
                    }
                };
                row["area"] = json!(v.area.key.as_str());
                row["name"] = json!(v.area.name);
                row["judgement"] = json!(v.judgement.map(|j| format!("{j:?}").to_lowercase()));
                row["not_reported"] = json!(v.result.as_ref().err().map(ToString::to_string));
                row
            })
            .collect();
        let body = json!({
            "indicator": d.key.as_str(),
            "layer": layer.layer.key.as_str(),
            "period": period.map(|p| p.to_string()),
            "city": city.as_ref().map(computed_json),
            "values": rows,
        });
        serde_json::to_vec(&body).map_err(AppError::internal)
    })
    .await
    .map_err(AppError::internal)??;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}
