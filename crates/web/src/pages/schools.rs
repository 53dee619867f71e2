//! The list of schools (institutions) of a Kommune.

use axum::extract::{Path, State};
use maud::{Markup, html};

use super::PageError;
use super::{encode, kommune, off_runtime};
use crate::AppState;
use crate::atlas::Atlas;
use crate::auth::CurrentUser;
use crate::views::{page, sources};

/// "Name (Schulform), Schülerzahl: 220, Schulsozialindex: 5": the text of a school on the map.
pub(super) fn institution_label(i: &domain::Institution) -> String {
    let mut text = format!("{} ({})", i.name, i.kind);
    for (name, value) in &i.attributes {
        if !value.is_empty() {
            text.push_str(&format!(", {name}: {value}"));
        }
    }
    text
}

pub(super) async fn schools_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(key): Path<String>,
) -> Result<Markup, PageError> {
    let atlas = state.atlas_for(&user.viewer()).await?;
    off_runtime(move || schools_markup(&atlas, key)).await
}

fn schools_markup(atlas: &Atlas, key: String) -> Result<Markup, PageError> {
    let k = kommune(atlas, &key)?;
    let finest = k.data.layer_keys().last().and_then(|l| k.data.layer(l.as_str(), None));
    let located: Vec<Option<&domain::Area>> = match finest {
        Some(layer) => {
            let with_geometry: Vec<&domain::Area> = layer.areas.iter().filter(|a| a.geometry.is_some()).collect();
            let index = domain::locate::AreaIndex::new(with_geometry.iter().filter_map(|a| a.geometry.as_ref()));
            k.data.institutions.iter().map(|i| index.locate(i.institution.location).map(|n| with_geometry[n])).collect()
        }
        None => vec![None; k.data.institutions.len()],
    };
    let attribute_names: Vec<&str> = {
        let mut names: Vec<&str> = Vec::new();
        for i in &k.data.institutions {
            for (n, _) in &i.institution.attributes {
                if !names.contains(&n.as_str()) {
                    names.push(n);
                }
            }
        }
        names
    };
    let mut ids: Vec<_> = k.data.institutions.iter().map(|i| i.release).collect();
    ids.sort();
    ids.dedup();
    let releases: Vec<&domain::Release> = ids.into_iter().filter_map(|id| k.data.release(id)).collect();
    Ok(page(
        "Schulen",
        Some((&key, &k.data.kommune.name)),
        "schulen",
        html! {
            h1 { "Schulen in " (k.data.kommune.name) }
            p { (k.data.institutions.len()) " Einrichtungen. "
                a href=(format!("/atlas/{key}?schools=1")) { "Auf der Karte zeigen" } }
            div class="scroll" role="region" tabindex="0" aria-label="Schulen mit Schulform, Lage und Merkmalen" { table class="data" {
                caption class="sr-only" { "Schulen mit Schulform, Lage und Merkmalen" }
                thead { tr {
                    th scope="col" { "Schulnummer" } th scope="col" { "Name" } th scope="col" { "Schulform" }
                    th scope="col" { (finest.map(|l| l.layer.name.as_str()).unwrap_or("Gebiet")) }
                    @for n in &attribute_names { th scope="col" { (n) } }
                } }
                tbody {
                    @for (i, area) in k.data.institutions.iter().zip(&located) {
                        tr id=(format!("schule-{}", i.institution.key)) {
                            td { (i.institution.key) } td { (i.institution.name) } td { (i.institution.kind) }
                            td { @if let (Some(a), Some(l)) = (area, finest) {
                                a href=(format!("/atlas/{key}/gebiet/{}/{}", l.layer.key, encode(a.key.as_str()))) { (a.name) } } }
                            @for n in &attribute_names {
                                td { (i.institution.attributes.iter().find(|(a, _)| a == n).map(|(_, v)| v.as_str()).unwrap_or("")) }
                            }
                        }
                    }
                }
            } }
            (sources(&releases))
        },
    ))
}
