//! The area profile (Gebietsprofil).

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::Period;
use domain::measure::Measure;
use domain::uncertainty::significance;
use maud::{Markup, html};

use super::PageError;
use super::{
    ViewQuery, encode, kommune, map_areas, off_runtime, resolve, series_param, title_of, unit_label, value_text,
};
use crate::atlas::{Atlas, KommuneAtlas, Series, View};
use crate::auth::CurrentUser;
use crate::indicators::value_text as indicator_value_text;
use crate::reports::ReportFormat;
use crate::views::{page, sources, svg};
use crate::{AppError, AppState};

/// The heading under which a key figure of a breakdown is listed, e.g. "Einwohner nach alter
/// (Anteil in %)"; `None` for totals, which stand on their own.
fn figure_group(k: &KommuneAtlas, s: &Series, m: Measure) -> Option<String> {
    if s.breakdown.is_total() {
        return None;
    }
    let label = k.data.variable(s.variable.as_str()).map(|v| v.variable.label.as_str()).unwrap_or(s.variable.as_str());
    let dims: Vec<&str> = s.breakdown.pairs().iter().map(|(d, _)| d.as_str()).collect();
    let dims: Vec<String> = dims.iter().map(|d| capitalised(d)).collect();
    Some(format!("{label} nach {} ({})", dims.join(", "), m.label()))
}

/// The text with its first letter in upper case ("alter" → "Alter").
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// One indicator of the profile: its values for the area and the areas it is compared with.
struct IndicatorRow<'a> {
    definition: &'a domain::indicator::Definition,
    period: Option<Period>,
    values: Vec<Option<f64>>,
    judgement: Option<domain::uncertainty::Judgement>,
}

/// The measure a key figure is shown in: shares for parts, values as published otherwise.
fn key_figure_measure(k: &KommuneAtlas, s: &Series) -> Measure {
    if k.share_base(s).is_some() { Measure::ShareOfTotal } else { Measure::Absolute }
}

pub(super) async fn profile_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((key, layer_key, area_key)): Path<(String, String, String)>,
    Query(q): Query<ViewQuery>,
) -> Result<Markup, PageError> {
    let atlas = state.atlas_for(&user.viewer()).await?;
    let downloads = state.reports.is_some();
    off_runtime(move || profile_markup(&atlas, key, layer_key, area_key, q, downloads)).await
}

pub(super) async fn profile_pdf(
    state: State<AppState>,
    user: CurrentUser,
    path: Path<(String, String, String)>,
) -> Result<Response, PageError> {
    profile_download(state, user, path, ReportFormat::Pdf).await
}

pub(super) async fn profile_html(
    state: State<AppState>,
    user: CurrentUser,
    path: Path<(String, String, String)>,
) -> Result<Response, PageError> {
    profile_download(state, user, path, ReportFormat::Html).await
}

/// The Quartiersprofil typeset by the installation's [`crate::reports::Reports`], on the blocking
/// pool.
async fn profile_download(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((key, layer_key, area_key)): Path<(String, String, String)>,
    format: ReportFormat,
) -> Result<Response, PageError> {
    let reports = state
        .reports
        .clone()
        .ok_or_else(|| AppError::NotFound("Berichte sind in dieser Installation nicht eingerichtet.".into()))?;
    let atlas = state.atlas_for(&user.viewer()).await?;
    let file = format!("quartiersprofil-{layer_key}-{area_key}.{}", format.extension())
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '.' { c } else { '_' })
        .collect::<String>();
    let bytes =
        off_runtime(move || reports.profile(&atlas, &key, &layer_key, &area_key, format).map_err(PageError::from))
            .await?;
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"{file}\"")),
        ],
        bytes,
    )
        .into_response())
}

fn profile_markup(
    atlas: &Atlas,
    key: String,
    layer_key: String,
    area_key: String,
    q: ViewQuery,
    downloads: bool,
) -> Result<Markup, PageError> {
    let k = kommune(atlas, &key)?;
    let view = resolve(k, &q.with(|q| q.layer = Some(layer_key.clone())))?;
    let year = Some(view.period.start_year());
    let layer = view.layer;
    let area = layer
        .areas
        .iter()
        .find(|a| a.key.as_str() == area_key)
        .ok_or_else(|| AppError::NotFound(format!("kein Gebiet {area_key:?} in {layer_key:?}")))?;
    let ancestors = k.ancestors(layer, area, year);
    let parent = ancestors.last().copied();
    let city = k.city(year).filter(|(l, _)| l.layer.key != layer.layer.key);
    let link_q = q.with(|q| {
        q.layer = None;
        q.sort = None;
        q.dir = None;
    });
    let mut used = Vec::new();

    // Key figures of the chosen period: area against parent area and city.
    let comparisons: Vec<(&str, &store::LayerVersion, &domain::Area)> =
        std::iter::once((area.name.as_str(), layer, area))
            .chain(parent.map(|(l, a)| (a.name.as_str(), l, a)))
            .chain(city.filter(|c| parent.is_none_or(|p| p.1.key != c.1.key)).map(|(l, a)| (a.name.as_str(), l, a)))
            .collect();
    let figures: Vec<(&Series, Measure, Vec<String>)> = k
        .series
        .iter()
        // Figures known for the area or for an area it is compared with: an area without
        // statistics of its own still shows those of its parent and the city.
        .filter(|s| {
            s.periods.contains(&view.period) && comparisons.iter().any(|(_, l, _)| s.layers.contains(&l.layer.key))
        })
        .map(|s| {
            let m = key_figure_measure(k, s);
            let cells = comparisons
                .iter()
                .map(|(_, l, a)| {
                    let v = k.value(l, a, s, view.period, m);
                    used.extend(v.releases.iter().copied());
                    let shown = View {
                        layer: l,
                        series: s,
                        period: view.period,
                        measure: m,
                        method: view.method,
                        classes: view.classes,
                    };
                    value_text(&v, &shown)
                })
                .collect();
            (s, m, cells)
        })
        .collect();

    let area_has_data = figures.iter().any(|(s, m, _)| {
        let v = k.value(layer, area, s, view.period, *m);
        v.value.is_some() || v.symbol.is_some()
    });

    // Time series of the chosen series for the area, its parent and the city.
    let periods = &view.series.periods;
    let lines: Vec<render::Series<'_>> = comparisons
        .iter()
        .map(|(name, l, a)| render::Series {
            name,
            values: periods.iter().map(|p| k.value(l, a, view.series, *p, view.measure).value).collect(),
        })
        .collect();
    let line_title = format!(
        "{} ({}) {}–{}",
        view.series.label,
        view.measure.label(),
        periods.first().map(ToString::to_string).unwrap_or_default(),
        periods.last().map(ToString::to_string).unwrap_or_default()
    );
    let unit = unit_label(&view);
    let suffix = if unit == "%" { " %" } else { "" };
    let line = render::line_chart(&render::LineChartSpec {
        title: &line_title,
        periods: periods.iter().map(ToString::to_string).collect(),
        series: lines,
        y_label: &unit,
        value_suffix: suffix,
        target: None,
        reestimated: Vec::new(),
        width: 560.0,
        height: 320.0,
    });

    // Age structure: the categories of an "alter" breakdown of the chosen (or any) variable.
    let age_series: Vec<&Series> = {
        let of = |var: &domain::VariableKey| -> Vec<&Series> {
            k.series
                .iter()
                .filter(|s| &s.variable == var && s.breakdown.pairs().len() == 1 && s.breakdown.pairs()[0].0 == "alter")
                .collect()
        };
        let own = of(&view.series.variable);
        if own.is_empty() {
            k.series.iter().find(|s| !of(&s.variable).is_empty()).map(|s| of(&s.variable)).unwrap_or_default()
        } else {
            own
        }
    };
    let age = (!age_series.is_empty()).then(|| {
        let reference = city.or(parent);
        let bands: Vec<render::AgeBand<'_>> = age_series
            .iter()
            .map(|s| render::AgeBand {
                label: &s.breakdown.pairs()[0].1,
                share: k.value(layer, area, s, view.period, Measure::ShareOfTotal).value,
                comparison: reference.and_then(|(l, a)| k.value(l, a, s, view.period, Measure::ShareOfTotal).value),
                by_sex: None,
            })
            .collect();
        render::age_chart(&render::AgeChartSpec {
            title: &format!("Altersaufbau {} {}", area.name, view.period),
            area_name: &area.name,
            comparison_name: reference.map(|(_, a)| a.name.as_str()).unwrap_or(""),
            bands,
            width: 560.0,
            height: 360.0,
        })
    });

    // Locator map: the layer with this area highlighted.
    let values = k.values(&view);
    let breaks = k.breaks(&view, &values);
    let map_areas = map_areas(&key, &view, &values, &link_q);
    let locator = render::choropleth(&render::ChoroplethSpec {
        title: &format!("Lage von {} – {}", area.name, title_of(&view)),
        areas: map_areas,
        breaks: breaks.as_ref(),
        points: Vec::new(),
        highlight: Some(area.key.as_str()),
        width: 560.0,
        height: 420.0,
    });

    // Indicators of the catalogue with a value for this layer: the area against its parent and the city.
    let indicator_rows: Vec<IndicatorRow<'_>> = atlas
        .catalogue
        .iter()
        .filter(|d| k.availability(d).computable())
        .filter(|d| k.indicator_layers(d).iter().any(|l| l.layer.key == layer.layer.key))
        .map(|d| {
            let periods = k.indicator_periods(d);
            let period = Some(view.period).filter(|p| periods.contains(p)).or_else(|| periods.last().copied());
            let values: Vec<Option<f64>> =
                comparisons.iter().map(|(_, l, a)| k.indicator(d, l, a, period).ok().map(|c| c.value)).collect();
            let own = k.indicator(d, layer, area, period).ok();
            let city_value =
                k.city(period.map(Period::start_year)).and_then(|(l, a)| k.indicator(d, l, a, period).ok());
            let judgement = match (own.and_then(|c| c.interval), city_value) {
                (Some(i), Some(c)) => significance(i, c.value, d.polarity),
                _ => None,
            };
            IndicatorRow { definition: d, period, values, judgement }
        })
        .filter(|r| r.values.first().is_some_and(Option::is_some))
        .collect();
    let schools = k.institutions_in(area);
    used.extend(schools.iter().map(|s| s.release));
    used.extend(values.iter().flat_map(|v| v.releases.iter().copied()));
    used.sort();
    used.dedup();
    let releases: Vec<&domain::Release> = used.into_iter().filter_map(|id| k.data.release(id)).collect();
    let title = format!("{} ({})", area.name, layer.layer.name);
    Ok(page(
        &title,
        Some((&key, &k.data.kommune.name)),
        "karte",
        html! {
            nav class="breadcrumb" aria-label="Übergeordnete Gebiete" {
                a href=(format!("/atlas/{key}{}", q.with(|q| q.layer = Some(layer_key.clone())).encode())) { "Karte " (k.data.kommune.name) }
                @for (l, a) in &ancestors {
                    "› " a href=(format!("/atlas/{key}/gebiet/{}/{}{}", l.layer.key, encode(a.key.as_str()), link_q.encode())) { (a.name) } " "
                }
            }
            h1 { (area.name) " " small { "(" (layer.layer.name) " " (area.key) ")" } }
            @if downloads {
                p class="downloads" {
                    "Quartiersprofil als Bericht: "
                    a href=(format!("/atlas/{key}/gebiet/{layer_key}/{}/quartiersprofil.pdf", encode(area.key.as_str()))) { "PDF" }
                    " · "
                    a href=(format!("/atlas/{key}/gebiet/{layer_key}/{}/quartiersprofil.html", encode(area.key.as_str()))) { "HTML" }
                }
            }
            div class="profile" {
                section aria-labelledby="kennzahlen" {
                    h2 id="kennzahlen" { "Kennzahlen " (view.period) }
                    @if !area_has_data {
                        p class="hint" { "Für dieses Gebiet liegen keine eigenen Statistiken vor; die Tabelle zeigt die Werte der Gebiete, in denen es liegt." }
                    }
                    table class="data" {
                        caption { "Kennzahlen im Vergleich" }
                        thead { tr { th scope="col" { "Merkmal" } @for (name, _, _) in &comparisons { th scope="col" class="num" { (name) } } } }
                        tbody {
                            @for (i, (s, m, cells)) in figures.iter().enumerate() {
                                @let group = figure_group(k, s, *m);
                                @if i == 0 || figure_group(k, figures[i - 1].0, figures[i - 1].1) != group {
                                    @if let Some(g) = &group { tr class="group" { th scope="rowgroup" colspan=(comparisons.len() + 1) { (g) } } }
                                }
                                tr {
                                    th scope="row" class=[group.as_ref().map(|_| "indent")] {
                                        a href=(format!("/atlas/{key}/gebiet/{layer_key}/{}{}", encode(&area_key), link_q.with(|q| { q.var = Some(series_param(s)); q.measure = Some(m.code().into()); }).encode())) {
                                            @if group.is_some() { (s.breakdown.pairs().iter().map(|(_, c)| c.as_str()).collect::<Vec<_>>().join(", ")) } @else { (s.label) }
                                        }
                                    }
                                    @for c in cells { td class="num" { (c) } }
                                }
                            }
                        }
                    }
                }
                section {
                    figure { figcaption { "Lage" } (svg(locator)) }
                    figure { figcaption { "Zeitreihe: " (view.series.label) " (" (unit) ")" } (svg(line)) }
                    @if let Some(age) = age {
                        figure { figcaption { "Altersaufbau " (view.period) " (Anteile in %; die Quelle gliedert das Alter nicht nach Geschlecht)" } (svg(age)) }
                    }
                }
            }
            @if !indicator_rows.is_empty() {
                section aria-labelledby="indikatoren" {
                    h2 id="indikatoren" { "Indikatoren" }
                    div class="scroll" role="region" tabindex="0" aria-label="Indikatoren im Vergleich" {
                        table class="data" {
                            caption class="sr-only" { "Indikatoren von " (area.name) " im Vergleich" }
                            thead { tr {
                                th scope="col" { "Indikator" } th scope="col" { "Stand" }
                                @for (name, _, _) in &comparisons { th scope="col" class="num" { (name) } }
                                th scope="col" { "Vergleich mit der Gesamtstadt" }
                            } }
                            tbody { @for r in &indicator_rows {
                                tr {
                                    th scope="row" { a href=(format!("/atlas/{key}/indikator/{}?layer={}", r.definition.key, layer.layer.key)) { (r.definition.label) } }
                                    td { (r.period.map_or_else(|| "aktuell".to_owned(), |p| p.to_string())) }
                                    @for v in &r.values { td class="num" { @if let Some(x) = v { (indicator_value_text(r.definition, *x)) } @else { "–" } } }
                                    td { @if let Some(j) = r.judgement { (j.label()) } }
                                }
                            } }
                        }
                    }
                }
            }
            section aria-labelledby="schulen" {
                h2 id="schulen" { "Schulen im Gebiet (" (schools.len()) ")" }
                @if schools.is_empty() { p { "Keine Schule liegt in diesem Gebiet." } } @else {
                    div class="scroll" role="region" tabindex="0" aria-label={ "Schulen in " (area.name) } { table class="data" {
                        caption class="sr-only" { "Schulen in " (area.name) }
                        thead { tr { th scope="col" { "Schulnummer" } th scope="col" { "Name" } th scope="col" { "Schulform" } th scope="col" { "Merkmale" } } }
                        tbody { @for s in &schools { tr {
                            td { (s.institution.key) } td { (s.institution.name) } td { (s.institution.kind) }
                            td { @for (i, (n, v)) in s.institution.attributes.iter().enumerate() { @if i > 0 { ", " } (n) ": " (v) } }
                        } } }
                    } }
                }
            }
            (sources(&releases))
        },
    ))
}
