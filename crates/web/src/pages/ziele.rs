//! The Leitziele of a Kommune with the targets that make them measurable: each target's indicator,
//! where it holds, the value aimed at, the newest value and what is missing, and the measures whose
//! expected effects work on that indicator.

use axum::extract::{Path, State};
use domain::Period;
use domain::indicator::{Definition, Leitziel, Target};
use maud::{Markup, html};

use super::indicators::progress_text;
use super::{PageError, encode, kommune, off_runtime};
use crate::atlas::KommuneAtlas;
use crate::auth::CurrentUser;
use crate::indicators::value_text;
use crate::views::page;
use crate::{AppError, AppState};

/// The newest value of the indicator where the target holds (the city, or its area), with its period.
/// An indicator that reads no variable (one counting today's institutions, say) has no period:
/// its value is today's.
fn current(k: &KommuneAtlas, d: &Definition, t: &Target) -> Option<(f64, Option<Period>)> {
    let mut periods: Vec<Option<Period>> = k.indicator_periods(d).into_iter().map(Some).collect();
    periods.reverse();
    if periods.is_empty() {
        periods.push(None);
    }
    periods.into_iter().find_map(|p| {
        let year = p.map(Period::start_year);
        let (layer, area) = match &t.area {
            None => k.city(year)?,
            Some((layer, area)) => {
                let l = k.data.layer(layer.as_str(), year)?;
                (l, l.areas.iter().find(|a| &a.key == area)?)
            }
        };
        k.indicator(d, layer, area, p).ok().map(|c| (c.value, p))
    })
}

/// The Leitziele page.
pub(super) async fn goals_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(key): Path<String>,
) -> Result<Markup, PageError> {
    let viewer = user.viewer();
    let atlas = state.atlas_for(&viewer).await?;
    off_runtime(move || {
        let k = kommune(&atlas, &key)?;
        let kommune_key: domain::KommuneKey = key.parse().map_err(|_| AppError::NotFound(format!("keine Kommune {key:?}")))?;
        let measures = state.store.massnahmen(&kommune_key, &viewer).map_err(AppError::internal)?;
        let goals: Vec<&Leitziel> = state.leitziele.iter().filter(|g| g.kommune == kommune_key).collect();
        let targets: Vec<&Target> = atlas.targets.iter().filter(|t| t.kommune == kommune_key).collect();
        let rows = |goal: Option<&str>| -> Markup {
            let mine: Vec<&&Target> = targets.iter().filter(|t| t.goal.as_deref() == goal).collect();
            html! {
                @if mine.is_empty() { p { "Noch keine Zielwerte." } } @else {
                    div class="scroll" role="region" tabindex="0" aria-label="Zielwerte" {
                        table class="data" {
                            caption class="sr-only" { "Zielwerte" }
                            thead { tr { th scope="col" { "Indikator" } th scope="col" { "Gebiet" } th scope="col" { "Ziel" } th scope="col" { "Stand" } th scope="col" { "Fortschritt" } th scope="col" { "Maßnahmen" } } }
                            tbody {
                                @for t in &mine {
                                    @let d = atlas.catalogue.iter().find(|d| d.key == t.indicator);
                                    tr {
                                        td { @match d { Some(d) => { a href=(format!("/atlas/{key}/indikator/{}", encode(d.key.as_str()))) { (d.label) } } None => { (t.indicator) } } }
                                        td { @match &t.area { None => { (k.data.kommune.name) } Some((layer, area)) => {
                                            (k.data.layer(layer.as_str(), None).and_then(|l| l.areas.iter().find(|a| &a.key == area)).map_or(area.to_string(), |a| a.name.clone()))
                                        } } }
                                        td { (t.direction.label()) " " (d.map_or(t.value.to_string(), |d| value_text(d, t.value))) " bis " (t.year) br; span class="hint" { (t.source) } }
                                        @match d.and_then(|d| current(k, d, t).map(|c| (d, c))) {
                                            Some((d, (value, period))) => { td { (value_text(d, value)) " (" (period.map_or("heute".to_owned(), |p| p.to_string())) ")" } td { (progress_text(d, t, value)) } }
                                            None => { td { "kein Wert" } td { "–" } }
                                        }
                                        td {
                                            @let working: Vec<_> = measures
                                                .iter()
                                                .filter(|m| m.massnahme.effects.iter().any(|e| e.indicator == t.indicator.as_str()))
                                                .filter(|m| t.area.as_ref().is_none_or(|(layer, area)| &m.layer == layer && m.massnahme.areas.contains(area)))
                                                .collect();
                                            @if working.is_empty() { "–" }
                                            @for (i, m) in working.iter().enumerate() {
                                                @if i > 0 { ", " }
                                                a href=(format!("/atlas/{key}/massnahme/{}", encode(m.massnahme.key.as_str()))) { (m.massnahme.title) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        };
        Ok(page(
            "Ziele",
            Some((&key, &k.data.kommune.name)),
            "ziele",
            html! {
                h1 { "Ziele" }
                p class="lead" { "Die Leitziele des Leitbilds, messbar gemacht durch Zielwerte auf Indikatoren: wo die Stadt steht, was fehlt und welche Maßnahmen daran arbeiten." }
                @if goals.is_empty() && targets.is_empty() { p { "Für " (k.data.kommune.name) " sind keine Ziele hinterlegt." } }
                @for g in &goals {
                    section aria-labelledby=(format!("ziel-{}", g.key)) {
                        h2 id=(format!("ziel-{}", g.key)) { (g.title) }
                        @if !g.description.is_empty() { p { (g.description) } }
                        (rows(Some(&g.key)))
                    }
                }
                @if targets.iter().any(|t| t.goal.is_none()) {
                    section aria-labelledby="weitere" { h2 id="weitere" { "Weitere Zielwerte" } (rows(None)) }
                }
            },
        ))
    })
    .await
}
