//! The JSON API under `/api/`, described by `openapi.json` beside this crate's sources.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use domain::{Breakdown, Period, Release, ReleaseId, Value};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::atlas::KommuneAtlas;
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

async fn releases(State(state): State<AppState>) -> Result<Response, AppError> {
    let atlas = state.atlas().await?;
    let list: Vec<ReleaseDto<'_>> = atlas
        .kommunen
        .iter()
        .flat_map(|k| k.data.releases.iter().map(move |r| release_dto(k.data.kommune.key.as_str(), r)))
        .collect();
    Ok(Json(list).into_response())
}

async fn kommunen(State(state): State<AppState>) -> Result<Response, AppError> {
    let atlas = state.atlas().await?;
    let list: Vec<serde_json::Value> = atlas
        .kommunen
        .iter()
        .map(|k| json!({ "key": k.data.kommune.key.as_str(), "name": k.data.kommune.name, "ags": k.data.kommune.ags }))
        .collect();
    Ok(Json(list).into_response())
}

fn kommune<'a>(atlas: &'a crate::atlas::Atlas, key: &str) -> Result<&'a KommuneAtlas, AppError> {
    atlas.kommune(key).ok_or_else(|| AppError::NotFound(format!("no kommune {key:?}")))
}

async fn layers(State(state): State<AppState>, Path(key): Path<String>) -> Result<Response, AppError> {
    let atlas = state.atlas().await?;
    let k = kommune(&atlas, &key)?;
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
    Ok(Json(list).into_response())
}

#[derive(Deserialize)]
struct YearQuery {
    year: Option<i32>,
}

async fn areas(State(state): State<AppState>, Path((key, layer)): Path<(String, String)>, Query(q): Query<YearQuery>) -> Result<Response, AppError> {
    let atlas = state.atlas().await?;
    let k = kommune(&atlas, &key)?;
    let body = k.areas_geojson(&layer, q.year).ok_or_else(|| AppError::NotFound(format!("no layer {layer:?}")))?;
    Ok(([(header::CONTENT_TYPE, "application/geo+json")], body.to_string()).into_response())
}

async fn variables(State(state): State<AppState>, Path(key): Path<String>) -> Result<Response, AppError> {
    let atlas = state.atlas().await?;
    let k = kommune(&atlas, &key)?;
    let list: Vec<serde_json::Value> = k
        .data
        .variables
        .iter()
        .map(|v| {
            let series: Vec<_> = k.series.iter().filter(|s| s.variable == v.variable.key).collect();
            let mut periods: Vec<String> = series.iter().flat_map(|s| s.periods.iter().map(Period::to_string)).collect();
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
    Ok(Json(list).into_response())
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

async fn observations(State(state): State<AppState>, Path(key): Path<String>, Query(q): Query<ObservationQuery>) -> Result<Response, AppError> {
    let atlas = state.atlas().await?;
    let k = kommune(&atlas, &key)?;
    let breakdown = q.breakdown.as_deref().map(Breakdown::parse).transpose().map_err(|e| AppError::BadRequest(e.to_string()))?;
    let period = q.period.as_deref().map(str::parse::<Period>).transpose().map_err(|e| AppError::BadRequest(e.to_string()))?;
    let rows: Vec<store::StoredObservation> = match q.release {
        Some(id) => {
            if k.data.release(ReleaseId(id)).is_none() {
                return Err(AppError::NotFound(format!("no release {id}")));
            }
            let store = std::sync::Arc::clone(&state.store);
            let audience = state.audience;
            tokio::task::spawn_blocking(move || store.release_observations(audience, ReleaseId(id)))
                .await
                .map_err(AppError::internal)?
                .map_err(AppError::internal)?
                .unwrap_or_default()
        }
        None => k.data.observations.clone(),
    };
    let list: Vec<serde_json::Value> = rows
        .iter()
        .filter(|o| q.layer.as_deref().is_none_or(|l| o.layer.as_str() == l))
        .filter(|o| q.variable.as_deref().is_none_or(|v| o.observation.variable.as_str() == v))
        .filter(|o| breakdown.as_ref().is_none_or(|b| &o.observation.breakdown == b))
        .filter(|o| period.is_none_or(|p| o.observation.period == p))
        .filter(|o| q.area.as_deref().is_none_or(|a| o.observation.area.as_str() == a))
        .map(|o| {
            let ob = &o.observation;
            let (value, symbol) = match ob.value {
                Value::Number(x) => (Some(x), None),
                Value::Symbol(s) => (None, Some(s.as_str())),
            };
            json!({
                "layer": o.layer.as_str(),
                "area": ob.area.as_str(),
                "variable": ob.variable.as_str(),
                "period": ob.period.to_string(),
                "breakdown": ob.breakdown.to_string(),
                "value": value,
                "symbol": symbol,
                "release": o.release.0,
            })
        })
        .collect();
    Ok(Json(list).into_response())
}

async fn institutions(State(state): State<AppState>, Path(key): Path<String>) -> Result<Response, AppError> {
    let atlas = state.atlas().await?;
    let k = kommune(&atlas, &key)?;
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
    Ok(([(header::CONTENT_TYPE, "application/geo+json")], json!({ "type": "FeatureCollection", "features": features }).to_string()).into_response())
}
