//! Sozialmonitoring pages: the index of an edition as a map, a table of every intermediate value
//! (with CSV), the early warnings against the previous edition, the review state of the
//! Aufmerksamkeitsgebiete, and per area the explanation of which indicators drive its class.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use domain::Period;
use domain::attention::{AttentionRule, EarlyWarning, IndexKey, ReviewState, Signal, Standing};
use domain::composite::{Aggregation, Cutter, Normalisation, Sd, ZeroRule};
use domain::monitoring::{Inclusion, MonitoringResult};
use maud::{Markup, html};
use serde::Deserialize;

use super::{PageError, encode, kommune, off_runtime};
use crate::atlas::{Atlas, KommuneAtlas};
use crate::auth::CurrentUser;
use crate::monitoring::{Edition, IndexDefinition, edition, editions, label};
use crate::views::{page, sources, svg};
use crate::{AppError, AppState};
use domain::sensitivity::Sensitivity;

/// Edition and part of an index view.
#[derive(Debug, Default, Deserialize, Clone)]
pub(super) struct IndexQuery {
    /// The edition (period), e.g. `2018`.
    ausgabe: Option<String>,
    /// The part shown on the map, e.g. `status`.
    teil: Option<String>,
}

fn definition<'a>(state: &'a AppState, key: &str, index: &str) -> Result<&'a IndexDefinition, AppError> {
    state
        .indices
        .iter()
        .find(|d| d.kommune == key && d.key == index)
        .ok_or_else(|| AppError::NotFound(format!("kein Index {index:?} für {key:?}")))
}

/// The chosen edition (the newest when none is asked for) and all editions.
fn chosen(
    k: &KommuneAtlas,
    atlas: &Atlas,
    def: &IndexDefinition,
    q: &IndexQuery,
) -> Result<(Period, Vec<Period>), PageError> {
    let all = editions(k, &atlas.catalogue, def).map_err(|e| AppError::NotFound(e.to_string()))?;
    let period = match q.ausgabe.as_deref().filter(|a| !a.is_empty()) {
        Some(a) => {
            let p: Period = a.parse().map_err(|e: domain::period::PeriodError| AppError::BadRequest(e.to_string()))?;
            if !all.contains(&p) {
                return Err(AppError::NotFound(format!("keine Ausgabe {p} von {}", def.title)).into());
            }
            p
        }
        None => *all.last().ok_or_else(|| {
            AppError::NotFound(format!("{}: keine Ausgabe, in der mindestens zwei Gebiete alle Werte haben", def.title))
        })?,
    };
    Ok((period, all))
}

fn compute<'a>(
    k: &'a KommuneAtlas,
    atlas: &Atlas,
    def: &IndexDefinition,
    period: Period,
) -> Result<Edition<'a>, PageError> {
    Ok(edition(k, &atlas.catalogue, def, period).map_err(|e| AppError::BadRequest(e.to_string()))?)
}

fn rule(def: &IndexDefinition) -> Option<AttentionRule> {
    let first = def.spec.parts.first()?;
    AttentionRule::new(first.codes.iter().cloned(), def.attention.iter().cloned()).ok()
}

fn codes(result: &MonitoringResult) -> Vec<(domain::AreaKey, Option<String>)> {
    result.areas.iter().filter_map(|a| Some((domain::AreaKey::new(a.key.as_str()).ok()?, a.code.clone()))).collect()
}

/// "−0,52": index values with two decimals in German notation.
fn number(x: f64) -> String {
    render::format_de(x, 2)
}

pub(super) async fn list_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(key): Path<String>,
) -> Result<Markup, PageError> {
    let atlas = state.atlas_for(&user.viewer()).await?;
    let k = kommune(&atlas, &key)?;
    let name = k.data.kommune.name.clone();
    let defs: Vec<&IndexDefinition> = state.indices.iter().filter(|d| d.kommune == key).collect();
    Ok(page(
        "Sozialmonitoring",
        Some((&key, &name)),
        "sozialmonitoring",
        html! {
            h1 { "Sozialmonitoring " (name) }
            @if defs.is_empty() {
                p { "Für " (name) " ist kein Index eingerichtet. Ein Index wird in einer Konfigurationsdatei beschrieben (siehe docs/INDEX.md) und mit " code { "bimo serve --index DATEI" } " angeboten." }
            } @else {
                ul {
                    @for d in &defs {
                        li { a href=(format!("/atlas/{key}/sozialmonitoring/{}", d.key)) { (d.title) } " – " (d.description) }
                    }
                }
            }
        },
    ))
}

pub(super) async fn index_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((key, index)): Path<(String, String)>,
    Query(q): Query<IndexQuery>,
) -> Result<Markup, PageError> {
    let atlas = state.atlas_for(&user.viewer()).await?;
    off_runtime(move || index_markup(&state, &atlas, &key, &index, &q)).await
}

fn index_markup(state: &AppState, atlas: &Atlas, key: &str, index: &str, q: &IndexQuery) -> Result<Markup, PageError> {
    let k = kommune(atlas, key)?;
    let def = definition(state, key, index)?;
    let (period, all) = chosen(k, atlas, def, q)?;
    let e = compute(k, atlas, def, period)?;
    let shown = match q.teil.as_deref().filter(|t| !t.is_empty()) {
        Some(t) => def
            .spec
            .parts
            .iter()
            .position(|p| p.key == t)
            .ok_or_else(|| AppError::NotFound(format!("{} hat keinen Teil {t:?}", def.title)))?,
        None => 0,
    };
    let part = &def.spec.parts[shown];
    let classes = part.codes.len();
    let breaks = domain::classify::Breaks::categories(classes);
    let base = format!("/atlas/{key}/sozialmonitoring/{index}");
    let query = format!("?ausgabe={}", encode(&period.to_string()));
    let by_key: std::collections::HashMap<&str, &domain::monitoring::AreaOutcome> =
        e.result.areas.iter().map(|a| (a.key.as_str(), a)).collect();
    let areas: Vec<render::MapArea<'_>> = e
        .layer
        .areas
        .iter()
        .filter_map(|a| {
            let outcome = by_key.get(a.key.as_str())?;
            let (value, value_text) = match outcome.parts.get(shown) {
                Some(o) => (
                    Some(o.class as f64),
                    format!("{} {} (Index {})", part.codes[o.class], part.names[o.class], number(o.index)),
                ),
                None => (None, format!("nicht im Index: {}", reason(def, &outcome.inclusion))),
            };
            Some(render::MapArea {
                key: a.key.as_str(),
                name: &a.name,
                geometry: a.geometry.as_ref()?,
                value,
                value_text,
                href: Some(format!("{base}/gebiet/{}{query}", encode(a.key.as_str()))),
            })
        })
        .collect();
    let title = format!("{} {}: {} ({})", def.title, period, part.key, e.layer.layer.name);
    let map = render::choropleth(&render::ChoroplethSpec {
        title: &title,
        areas,
        breaks: Some(&breaks),
        points: Vec::new(),
        highlight: None,
        width: 640.0,
        height: 520.0,
    });
    let class_counts: Vec<usize> = (0..classes)
        .map(|c| e.result.areas.iter().filter(|a| a.parts.get(shown).is_some_and(|o| o.class == c)).count())
        .collect();
    let left_out = e.result.areas.iter().filter(|a| a.inclusion != Inclusion::Included).count();
    let previous = all.iter().rev().find(|p| **p < period).copied();
    // An earlier edition that cannot be computed (too few areas with data, say) does not stop
    // this one from being shown: the comparison says why it is missing.
    let warnings: Result<Vec<EarlyWarning>, String> = match (previous, rule(def)) {
        (Some(p), Some(r)) => edition(k, &atlas.catalogue, def, p).map_err(|e| e.to_string()).and_then(|before| {
            domain::attention::compare(&codes(&before.result), &codes(&e.result), &r).map_err(|e| e.to_string())
        }),
        _ => Ok(Vec::new()),
    };
    let reviews = reviews(state, key, index)?;
    let robustness = crate::monitoring::sensitivity(&def.spec, &def.sensitivity, &e.result)
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    let attention_rule = rule(def);
    let attention: Vec<&domain::monitoring::AreaOutcome> = e
        .result
        .areas
        .iter()
        .filter(|a| a.code.as_deref().is_some_and(|c| attention_rule.as_ref().is_some_and(|r| r.is_attention(c))))
        .collect();
    let releases: Vec<&domain::Release> = {
        let mut ids: Vec<_> = vec![e.layer.release];
        ids.extend(
            k.data
                .observations
                .iter()
                .filter(|o| o.layer == e.layer.layer.key && o.observation.period == period)
                .map(|o| o.release),
        );
        ids.sort();
        ids.dedup();
        ids.into_iter().filter_map(|id| k.data.release(id)).collect()
    };
    let name = &k.data.kommune.name;
    Ok(page(
        &def.title,
        Some((key, name)),
        "sozialmonitoring",
        html! {
            h1 { (def.title) " – " (name) ", Ausgabe " (period) }
            p class="lead" { (def.description) }
            form class="controls inline" method="get" action=(base) {
                label { "Ausgabe" select name="ausgabe" { @for p in &all { option value=(p) selected[*p == period] { (p) } } } }
                label { "Karte" select name="teil" { @for (i, p) in def.spec.parts.iter().enumerate() { option value=(p.key) selected[i == shown] { (p.key) } } } }
                button type="submit" { "Anzeigen" }
            }
            section aria-labelledby="karte" {
                h2 id="karte" { "Klassen des Teilindex „" (part.key) "“ – " (e.layer.layer.name) }
                div class="mapwrap" {
                    div class="map" { (svg(map)) div id="tooltip" class="tooltip" role="status" aria-live="polite" {} }
                    div class="legend" {
                        ul class="classes" {
                            @for c in 0..classes {
                                li { span class="swatch" style=(format!("background:{}", render::sequential(classes)[c.min(render::sequential(classes).len() - 1)])) {} (part.codes[c]) " " (part.names[c]) ": " (class_counts[c]) }
                            }
                            li { span class="swatch nodata" {} "nicht im Index: " (left_out) }
                        }
                    }
                }
                p { "Jedes Gebiet führt zu seiner Erklärung: welche Indikatoren seine Klasse bestimmen." }
            }
            @if def.spec.combined.is_some() {
                section aria-labelledby="gesamt" {
                    h2 id="gesamt" { "Gesamtindex" }
                    table class="compact" {
                        thead { tr { th scope="col" { "Code" } th scope="col" class="num" { "Gebiete" } } }
                        tbody { @for (code, n) in &e.result.counts { tr { td { (code) } td class="num" { (n) } } } }
                    }
                }
            }
            section aria-labelledby="aufmerksamkeit" {
                h2 id="aufmerksamkeit" { "Gebiete mit besonderem Aufmerksamkeitsbedarf" }
                @if def.attention.is_empty() {
                    p { "Für diesen Index sind keine Aufmerksamkeitscodes festgelegt." }
                } @else {
                    p { "Codes: " (def.attention.join(", ")) ". Ein Vorschlag wird erst nach der fachlichen Prüfung vor Ort bestätigt oder verworfen (" code { "bimo aufmerksamkeit" } "); hier steht der Stand." }
                    table {
                        thead { tr { th scope="col" { "Gebiet" } th scope="col" { "Code" } th scope="col" { "Prüfung" } } }
                        tbody {
                            @for a in &attention {
                                tr {
                                    td { a href=(format!("{base}/gebiet/{}{query}", encode(&a.key))) { (a.name) } " (" (a.key) ")" }
                                    td { (a.code.as_deref().unwrap_or("")) }
                                    td { (review_text(reviews.iter().find(|(area, _)| area == &a.key).map(|(_, s)| s))) }
                                }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="fruehwarnung" {
                h2 id="fruehwarnung" { "Frühwarnungen" }
                @match previous {
                    None => p { "Keine frühere Ausgabe zum Vergleich." },
                    Some(p) => @match &warnings {
                        Ok(warnings) => {
                            p { "Veränderungen gegenüber der Ausgabe " (p) ", dringendste zuerst: " (warnings.len()) " Meldungen." }
                            @if !warnings.is_empty() { (warnings_table(warnings, &e, &base, &query)) }
                        }
                        Err(why) => p { "Die Ausgabe " (p) " lässt sich nicht berechnen, daher kein Vergleich: " (why) },
                    },
                }
            }
            section aria-labelledby="werte" {
                h2 id="werte" { "Alle Zwischenwerte" }
                p { a href=(format!("{base}/tabelle.csv{query}")) download { "Als CSV herunterladen" } }
                @if robustness.iter().any(Option::is_some) {
                    p { "Robustheit: Rang 1 ist der höchste Index. Der Median und das Band (5–95 %) stammen aus einer Monte-Carlo-Analyse über andere Normierungen, Gewichte und das Weglassen je eines Indikators; „gehalten“ ist der Anteil der Läufe, in denen das Gebiet seine Klasse behält." }
                }
                (values_table(def, &e, &robustness, &base, &query))
            }
            section aria-labelledby="methode" {
                h2 id="methode" { "Methode" }
                (method(def, k, atlas))
            }
            (sources(&releases))
        },
    ))
}

pub(super) async fn area_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((key, index, area)): Path<(String, String, String)>,
    Query(q): Query<IndexQuery>,
) -> Result<Markup, PageError> {
    let atlas = state.atlas_for(&user.viewer()).await?;
    off_runtime(move || area_markup(&state, &atlas, &key, &index, &area, &q)).await
}

/// Why an area has its class: per part the index, the distance to the class limits and the
/// contribution of each indicator; its class in every edition; the review history.
fn area_markup(
    state: &AppState,
    atlas: &Atlas,
    key: &str,
    index: &str,
    area: &str,
    q: &IndexQuery,
) -> Result<Markup, PageError> {
    let k = kommune(atlas, key)?;
    let def = definition(state, key, index)?;
    let (period, all) = chosen(k, atlas, def, q)?;
    let e = compute(k, atlas, def, period)?;
    let position = e
        .result
        .areas
        .iter()
        .position(|a| a.key == area)
        .ok_or_else(|| AppError::NotFound(format!("kein Gebiet {area:?} in {}", e.layer.layer.name)))?;
    let outcome = &e.result.areas[position];
    let row = e.result.areas[..position].iter().filter(|a| a.inclusion == Inclusion::Included).count();
    let base = format!("/atlas/{key}/sozialmonitoring/{index}");
    let history: Vec<(Period, Option<String>)> = all
        .iter()
        .map(|p| {
            let code = if *p == period {
                outcome.code.clone()
            } else {
                edition(k, &atlas.catalogue, def, *p)
                    .ok()
                    .and_then(|e| e.result.areas.into_iter().find(|a| a.key == area).and_then(|a| a.code))
            };
            (*p, code)
        })
        .collect();
    let review = match (
        key.parse::<domain::KommuneKey>(),
        IndexKey::new(index),
        e.layer.layer.key.clone(),
        domain::AreaKey::new(area),
    ) {
        (Ok(kommune), Ok(index), layer, Ok(area)) => state
            .store
            .review_history(&store::ReviewSubject { kommune, index, layer, area })
            .map_err(AppError::internal)?,
        _ => Vec::new(),
    };
    let raw = &e.rows[position];
    let robustness = crate::monitoring::sensitivity(&def.spec, &def.sensitivity, &e.result)
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    let labels: Vec<Vec<String>> =
        def.spec.parts.iter().map(|p| p.indicators.iter().map(|i| label(k, &atlas.catalogue, i)).collect()).collect();
    let included = e.result.parts.first().map_or(0, |p| p.index.len());
    Ok(page(
        &format!("{} – {}", outcome.name, def.title),
        Some((key, &k.data.kommune.name)),
        "sozialmonitoring",
        html! {
            p class="crumbs" { a href=(format!("{base}?ausgabe={}", encode(&period.to_string()))) { (def.title) ", Ausgabe " (period) } }
            h1 { (outcome.name) " (" (outcome.key) ")" }
            @match &outcome.code {
                None => p class="lead" { "Nicht im Index: " (reason(def, &outcome.inclusion)) "." },
                Some(code) => p class="lead" { "Code " strong { (code) } " in der Ausgabe " (period) "." },
            }
            @for (i, (part, o)) in def.spec.parts.iter().zip(&outcome.parts).enumerate() {
                @let drivers = part.drivers(&e.result.parts[i], row);
                @let chart = render::bar_chart(&render::BarChartSpec {
                    title: &format!("Beiträge zum Index {} von {}", part.key, outcome.name),
                    bars: drivers.iter().map(|d| render::Bar { key: &part.indicators[d.indicator], label: &labels[i][d.indicator], value: Some(d.contribution), href: None }).collect(),
                    reference: None,
                    highlight: None,
                    value_suffix: "",
                    width: 560.0,
                });
                section aria-labelledby=(format!("teil-{}", part.key)) {
                    h2 id=(format!("teil-{}", part.key)) { "Teil " (part.key) ": " (part.codes[o.class]) " " (part.names[o.class]) }
                    p { "Index " strong { (number(o.index)) } " (Summe " (number(o.aggregate)) "). " (limits_text(part, o.index, o.class)) }
                    p { (drivers_text(&labels[i], &drivers)) }
                    @if let Some(s) = robustness.get(i).and_then(Option::as_ref).and_then(|r| r.areas.get(row)) {
                        p { "Rang " (render::format_auto(s.base_rank)) " von " (included) " (1 = höchster Index). In der Monte-Carlo-Analyse: Median " (render::format_auto(s.median_rank)) ", 5–95 %: " (render::format_de(s.rank_q05, 0)) " bis " (render::format_de(s.rank_q95, 0)) "; in " (render::format_de(s.kept_class * 100.0, 0)) " % der Läufe dieselbe Klasse." }
                    }
                    figure { figcaption { "Beitrag jedes Indikators zum Index" } (svg(chart)) }
                    table class="compact" {
                        thead { tr { th scope="col" { "Indikator" } th scope="col" class="num" { "Wert" } th scope="col" class="num" { "normiert" } th scope="col" class="num" { "Gewicht" } th scope="col" class="num" { "Beitrag" } } }
                        tbody {
                            @for d in &drivers {
                                tr {
                                    th scope="row" { (labels[i][d.indicator]) br; small { (part.indicators[d.indicator]) } }
                                    td class="num" { (raw.values.get(i).and_then(|v| v.get(d.indicator)).copied().flatten().map(render::format_auto).unwrap_or_default()) }
                                    td class="num" { (number(d.normalised)) }
                                    td class="num" { (render::format_auto(part.spec.weights[d.indicator])) }
                                    td class="num" { (number(d.contribution)) }
                                }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="verlauf" {
                h2 id="verlauf" { "Verlauf" }
                table class="compact" {
                    thead { tr { th scope="col" { "Ausgabe" } th scope="col" { "Code" } } }
                    tbody { @for (p, c) in &history { tr { td { (p) } td { (c.as_deref().unwrap_or("nicht im Index")) } } } }
                }
            }
            section aria-labelledby="pruefung" {
                h2 id="pruefung" { "Fachliche Prüfung" }
                @if review.is_empty() {
                    p { "Das Gebiet wurde nicht als Aufmerksamkeitsgebiet vorgeschlagen." }
                } @else {
                    p { "Wer geprüft hat und mit welcher Begründung, steht im internen Verlauf (" code { "bimo aufmerksamkeit list" } ")." }
                    ol {
                        @for r in &review {
                            li { (r.event.step.date) ": " (action_text(r.event.action)) " (Ausgabe " (r.event.edition) ")" }
                        }
                    }
                }
            }
        },
    ))
}

/// "Der Index liegt 0,48 über der Grenze -1 und 1,52 unter der Grenze 1.": how close an index
/// is to the limits of its class (for fixed cuts; a value on a limit belongs to the class the cutter
/// gives it).
fn limits_text(part: &domain::monitoring::Part, index: f64, class: usize) -> String {
    let Cutter::Cuts(cuts) = &part.spec.cutter else { return String::new() };
    let mut parts = Vec::new();
    if let Some(lo) = class.checked_sub(1).and_then(|c| cuts.get(c)) {
        parts.push(format!("{} über der Grenze {}", number(index - lo), render::format_auto(*lo)));
    }
    if let Some(hi) = cuts.get(class) {
        parts.push(format!("{} unter der Grenze {}", number(hi - index), render::format_auto(*hi)));
    }
    if parts.is_empty() { String::new() } else { format!("Der Index liegt {}.", parts.join(" und ")) }
}

/// "Vor allem S4 Kinderarmut (+1,52) und S3 Transferbezug (+0,61) bestimmen den Index …"
fn drivers_text(labels: &[String], drivers: &[domain::monitoring::Driver]) -> String {
    let strongest: Vec<String> = drivers
        .iter()
        .take(2)
        .map(|d| {
            format!(
                "{} ({}{})",
                labels[d.indicator],
                if d.contribution >= 0.0 { "+" } else { "" },
                number(d.contribution)
            )
        })
        .collect();
    format!("Vor allem {} bestimmen den Index, gemessen am Durchschnittsgebiet.", strongest.join(" und "))
}

fn reason(def: &IndexDefinition, inclusion: &Inclusion) -> String {
    inclusion.reason(def.spec.min_population).unwrap_or_default()
}

fn reviews(state: &AppState, key: &str, index: &str) -> Result<Vec<(String, ReviewState)>, PageError> {
    let (Ok(kommune), Ok(index)) = (key.parse::<domain::KommuneKey>(), IndexKey::new(index)) else {
        return Ok(Vec::new());
    };
    let stored = state.store.reviews(&kommune, &index).map_err(AppError::internal)?;
    Ok(stored.into_iter().map(|r| (r.area.as_str().to_owned(), r.review.state())).collect())
}

/// The review state for the public atlas: the step and its date. Who decided and why stays in
/// the internal history (`bimo aufmerksamkeit list`): names and local knowledge are not public.
fn review_text(state: Option<&ReviewState>) -> String {
    match state {
        None | Some(ReviewState::NotProposed) => "nicht vorgeschlagen".to_owned(),
        Some(ReviewState::Proposed { edition, proposal }) => {
            format!("vorgeschlagen für die Ausgabe {edition} am {}; Prüfung offen", proposal.date)
        }
        Some(ReviewState::Confirmed { edition, decision, .. }) => {
            format!("bestätigt für die Ausgabe {edition} am {}", decision.date)
        }
        Some(ReviewState::Rejected { edition, decision, .. }) => {
            format!("verworfen für die Ausgabe {edition} am {}", decision.date)
        }
    }
}

fn action_text(action: domain::attention::ReviewAction) -> &'static str {
    match action {
        domain::attention::ReviewAction::Propose => "als Aufmerksamkeitsgebiet vorgeschlagen",
        domain::attention::ReviewAction::Confirm => "nach fachlicher Prüfung bestätigt",
        domain::attention::ReviewAction::Reject => "nach fachlicher Prüfung verworfen",
    }
}

fn standing_text(s: &Standing) -> String {
    match s {
        Standing::Absent => "nicht enthalten".to_owned(),
        Standing::Excluded => "nicht im Index".to_owned(),
        Standing::Classified(code) => code.clone(),
    }
}

fn signal_text(s: &Signal) -> String {
    match s {
        Signal::EnteredAttention => "neu mit Aufmerksamkeitsbedarf".to_owned(),
        Signal::Worsened { from, to, steps } => format!("verschlechtert von {from} nach {to} ({steps} Klassen)"),
        Signal::Excluded { was_attention: true } => "aus dem Index gefallen, war Aufmerksamkeitsgebiet".to_owned(),
        Signal::Excluded { was_attention: false } => "aus dem Index gefallen".to_owned(),
        Signal::Included { attention: true } => "neu im Index, mit Aufmerksamkeitsbedarf".to_owned(),
        Signal::Included { attention: false } => "neu im Index".to_owned(),
        Signal::LeftAttention => "kein Aufmerksamkeitsbedarf mehr".to_owned(),
        Signal::Improved { from, to, steps } => format!("verbessert von {from} nach {to} ({steps} Klassen)"),
    }
}

fn warnings_table(warnings: &[EarlyWarning], e: &Edition<'_>, base: &str, query: &str) -> Markup {
    let name = |key: &str| e.rows.iter().find(|r| r.key == key).map_or(key.to_owned(), |r| r.name.clone());
    html! {
        table {
            thead { tr { th scope="col" { "Gebiet" } th scope="col" { "vorher" } th scope="col" { "jetzt" } th scope="col" { "Signal" } } }
            tbody {
                @for w in warnings {
                    tr {
                        td { a href=(format!("{base}/gebiet/{}{query}", encode(w.area.as_str()))) { (name(w.area.as_str())) } }
                        td { (standing_text(&w.before)) }
                        td { (standing_text(&w.after)) }
                        td { (signal_text(&w.signal)) }
                    }
                }
            }
        }
    }
}

fn values_table(
    def: &IndexDefinition,
    e: &Edition<'_>,
    robustness: &[Option<Sensitivity>],
    base: &str,
    query: &str,
) -> Markup {
    // The position of each included area among the included ones: the rows of the analyses.
    let mut included = 0;
    let positions: Vec<usize> = e
        .result
        .areas
        .iter()
        .map(|a| {
            included += usize::from(!a.parts.is_empty());
            included.saturating_sub(1)
        })
        .collect();
    let columns: usize = def
        .spec
        .parts
        .iter()
        .zip(robustness)
        .map(|(p, r)| p.indicators.len() + 3 + if r.is_some() { 3 } else { 0 })
        .sum::<usize>()
        + 1;
    html! {
        div class="tablewrap" {
            table class="compact" {
                thead {
                    tr {
                        th scope="col" { "Gebiet" }
                        @for (p, r) in def.spec.parts.iter().zip(robustness) {
                            @for i in &p.indicators { th scope="col" class="num" { "z " (i) } }
                            th scope="col" class="num" { "Summe " (p.key) }
                            th scope="col" class="num" { "Index " (p.key) }
                            th scope="col" { "Klasse " (p.key) }
                            @if r.is_some() {
                                th scope="col" class="num" { "Rang " (p.key) }
                                th scope="col" class="num" { "Band 5–95 %" }
                                th scope="col" class="num" { "gehalten" }
                            }
                        }
                        th scope="col" { "Code" }
                    }
                }
                tbody {
                    @for (a, row) in e.result.areas.iter().zip(&positions) {
                        tr {
                            th scope="row" { a href=(format!("{base}/gebiet/{}{query}", encode(&a.key))) { (a.name) } }
                            @if a.parts.is_empty() {
                                td colspan=(columns) { "nicht im Index: " (reason(def, &a.inclusion)) }
                            } @else {
                                @for ((p, o), r) in def.spec.parts.iter().zip(&a.parts).zip(robustness) {
                                    @for z in &o.normalised { td class="num" { (number(*z)) } }
                                    td class="num" { (number(o.aggregate)) }
                                    td class="num" { (number(o.index)) }
                                    td { (p.codes[o.class]) " " (p.names[o.class]) }
                                    @if let Some(s) = r.as_ref().and_then(|r| r.areas.get(*row)) {
                                        td class="num" { (render::format_auto(s.median_rank)) }
                                        td class="num" { (render::format_de(s.rank_q05, 0)) "–" (render::format_de(s.rank_q95, 0)) }
                                        td class="num" { (render::format_de(s.kept_class * 100.0, 0)) " %" }
                                    }
                                }
                                td { (a.code.as_deref().unwrap_or("")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn method(def: &IndexDefinition, k: &KommuneAtlas, atlas: &Atlas) -> Markup {
    html! {
        dl class="facts" {
            dt { "Gebiete" } dd { (def.layer) }
            @if let Some(min) = def.spec.min_population {
                dt { "Mindestgröße" } dd { "Gebiete mit weniger als " (min) " Einwohnern an einem Stichtag des Zeitfensters bleiben außen vor." }
            }
            @if !def.spec.exclusions.is_empty() {
                dt { "Ausgeschlossen" } dd { @for x in &def.spec.exclusions { (x.key) ": " (x.reason) br; } }
            }
            @for (p, w) in def.spec.parts.iter().zip(&def.windows) {
                dt { "Teil " (p.key) }
                dd {
                    @if *w > 0 { "Veränderung über " (w) " Jahre; " }
                    "Indikatoren (Gewicht): "
                    @for (i, (name, weight)) in p.indicators.iter().zip(&p.spec.weights).enumerate() {
                        @if i > 0 { ", " } (label(k, &atlas.catalogue, name)) " [" code { (name) } "] (" (render::format_auto(*weight)) ")"
                    }
                    "; Normierung: " (normalisation_label(&p.spec.normalisation))
                    "; Aggregation: " (aggregation_label(p.spec.aggregation))
                    @if p.spec.restandardise { ", erneut standardisiert" }
                    "; Klassen (" (cutter_label(&p.spec.cutter)) "): "
                    @for (i, (c, n)) in p.codes.iter().zip(&p.names).enumerate() { @if i > 0 { ", " } (c) " " (n) }
                }
            }
            @if let Some(c) = &def.spec.combined { dt { "Gesamtcode" } dd { code { (c) } } }
        }
    }
}

fn normalisation_label(n: &Normalisation) -> String {
    match n {
        Normalisation::ZScore(Sd::Population) => "z-Werte (Standardabweichung der Grundgesamtheit, durch N)".to_owned(),
        Normalisation::ZScore(Sd::Sample) => "z-Werte (Stichproben-Standardabweichung, durch N − 1)".to_owned(),
        Normalisation::MinMax => "Min–Max auf 0 bis 1".to_owned(),
        Normalisation::Goalposts(g) => {
            let posts: Vec<String> =
                g.iter().map(|g| format!("{} bis {}", render::format_auto(g.lo), render::format_auto(g.hi))).collect();
            format!("feste Grenzen ({}), auf 0 bis 1 begrenzt", posts.join("; "))
        }
        Normalisation::Rank => "Rangplätze".to_owned(),
    }
}

fn aggregation_label(a: Aggregation) -> String {
    match a {
        Aggregation::Sum => "gewichtete Summe".to_owned(),
        Aggregation::WeightedMean => "gewichtetes Mittel".to_owned(),
        Aggregation::Geometric(ZeroRule::Reject) => {
            "gewichtetes geometrisches Mittel (Nullwerte sind ein Fehler)".to_owned()
        }
        Aggregation::Geometric(ZeroRule::Offset(e)) => {
            format!("gewichtetes geometrisches Mittel (vorher + {} auf jeden Wert)", render::format_auto(e))
        }
    }
}

fn cutter_label(c: &Cutter) -> String {
    match c {
        Cutter::Cuts(cuts) => {
            let cuts: Vec<String> = cuts.iter().map(|c| render::format_auto(*c)).collect();
            format!("Schnitte bei {}", cuts.join(" / "))
        }
        Cutter::Quantiles(k) => format!("{k} gleich große Gruppen"),
        Cutter::EqualWidth(k) => format!("{k} gleich breite Klassen"),
        Cutter::TopShareThenEqualWidth { top_share, rest } => format!(
            "die obersten {} % in die höchste Klasse, die übrigen in {rest} gleich breite Klassen",
            render::format_auto(top_share * 100.0)
        ),
    }
}

pub(super) async fn index_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((key, index)): Path<(String, String)>,
    Query(q): Query<IndexQuery>,
) -> Result<axum::response::Response, PageError> {
    let atlas = state.atlas_for(&user.viewer()).await?;
    off_runtime(move || {
        let k = kommune(&atlas, &key)?;
        let def = definition(&state, &key, &index)?;
        let (period, _) = chosen(k, &atlas, def, &q)?;
        let e = compute(k, &atlas, def, period)?;
        let mut body = Vec::new();
        crate::monitoring::write_csv(&mut body, &def.spec, &e.rows, &e.result).map_err(AppError::internal)?;
        let disposition =
            format!("attachment; filename=\"{index}-{key}-{}.csv\"", period.to_string().replace('/', "-"));
        Ok((
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, disposition)],
            body,
        )
            .into_response())
    })
    .await
}

/// The urgent early warnings of an index's newest edition against the one before (entering
/// attention, a worse class), as (area key, area name, text): the findings the Lenkungskreis takes
/// up. Empty when the index has fewer than two computable editions.
pub(super) fn urgent_warnings(k: &KommuneAtlas, atlas: &Atlas, def: &IndexDefinition) -> Vec<(String, String, String)> {
    let Ok(periods) = crate::monitoring::editions(k, &atlas.catalogue, def) else { return Vec::new() };
    let (Some(&now), Some(rule)) = (periods.last(), rule(def)) else { return Vec::new() };
    let Some(&before) = periods.iter().rev().find(|p| **p < now) else { return Vec::new() };
    let (Ok(a), Ok(b)) = (edition(k, &atlas.catalogue, def, before), edition(k, &atlas.catalogue, def, now)) else {
        return Vec::new();
    };
    let Ok(warnings) = domain::attention::compare(&codes(&a.result), &codes(&b.result), &rule) else {
        return Vec::new();
    };
    warnings
        .iter()
        .filter(|w| matches!(w.signal, Signal::EnteredAttention | Signal::Worsened { .. }))
        .map(|w| {
            let name =
                b.result.areas.iter().find(|x| x.key == w.area.as_str()).map_or(w.area.to_string(), |x| x.name.clone());
            (w.area.to_string(), name, format!("{} {}: {}", def.title, now, signal_text(&w.signal)))
        })
        .collect()
}
