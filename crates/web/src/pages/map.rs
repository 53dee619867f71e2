//! The choropleth map page.

use axum::extract::{Path, Query, State};
use maud::{Markup, html};

use super::PageError;
use super::schools::institution_label;
use super::{ViewQuery, controls, encode, kommune, map_areas, off_runtime, resolve, title_of, unit_label};
use crate::AppState;
use crate::atlas::Atlas;
use crate::auth::CurrentUser;
use crate::views::{page, sources, svg};

pub(super) async fn map_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(key): Path<String>,
    Query(q): Query<ViewQuery>,
) -> Result<Markup, PageError> {
    let atlas = state.atlas_for(&user.viewer()).await?;
    off_runtime(move || map_markup(&atlas, key, q)).await
}

fn map_markup(atlas: &Atlas, key: String, q: ViewQuery) -> Result<Markup, PageError> {
    let k = kommune(atlas, &key)?;
    let view = resolve(k, &q)?;
    let values = k.values(&view);
    let breaks = k.breaks(&view, &values);
    let profile_q = ViewQuery { layer: None, sort: None, dir: None, ..q.clone() };
    let areas = map_areas(&key, &view, &values, &profile_q);
    let point_labels: Vec<String> = if q.show_schools() {
        k.data.institutions.iter().map(|i| institution_label(&i.institution)).collect()
    } else {
        Vec::new()
    };
    let points: Vec<render::MapPoint<'_>> = k
        .data
        .institutions
        .iter()
        .zip(&point_labels)
        .map(|(i, label)| render::MapPoint {
            key: &i.institution.key,
            label,
            location: i.institution.location,
            href: Some(format!("/atlas/{key}/schulen#schule-{}", encode(&i.institution.key))),
        })
        .collect();
    let title = title_of(&view);
    let map = render::choropleth(&render::ChoroplethSpec {
        title: &title,
        areas,
        breaks: breaks.as_ref(),
        points,
        highlight: None,
        width: 760.0,
        height: 620.0,
    });
    let has_missing = values.iter().any(|v| v.value.is_none());
    let releases = k.releases_of(&values);
    let school_releases: Vec<&domain::Release> = if q.show_schools() {
        let mut ids: Vec<_> = k.data.institutions.iter().map(|i| i.release).collect();
        ids.sort();
        ids.dedup();
        ids.into_iter().filter_map(|id| k.data.release(id)).collect()
    } else {
        Vec::new()
    };
    Ok(page(
        &title,
        Some((&key, &k.data.kommune.name)),
        "karte",
        html! {
            div class="atlas" {
                aside { h1 { (k.data.kommune.name) } (controls(k, &view, &q, "")) }
                section class="mapbox" aria-labelledby="maptitle" {
                    h2 id="maptitle" { (title) }
                    p class="hint" { "Gebiet überfahren oder mit Tab ansteuern, um den Wert zu lesen; anklicken oder Enter öffnet das Gebietsprofil. "
                        a href=(format!("/atlas/{key}/tabelle{}", q.encode())) { "Dieselben Daten als Tabelle" } "." }
                    div class="mapwrap" {
                        div class="map" { (svg(map)) div id="tooltip" class="tooltip" role="status" aria-live="polite" {} }
                        @if let Some(b) = &breaks {
                            div class="legend" { (svg(render::legend(b, view.method.label(), &unit_label(&view), has_missing))) }
                        } @else {
                            p { "Für diese Auswahl liegen keine Werte vor." }
                        }
                    }
                    (sources(&releases))
                    (sources(&school_releases))
                }
            }
        },
    ))
}
