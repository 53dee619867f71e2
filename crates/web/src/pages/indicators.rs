//! The indicator catalogue, the indicator sheet (Steckbrief) and the overview grid.

use axum::extract::{Path, Query, State};
use domain::Period;
use domain::indicator::{Bereich, Computed, Definition, Kind, NotReported, Progress, Target};
use domain::uncertainty::Judgement;
use maud::{Markup, html};
use serde::Deserialize;

use super::{PageError, encode, kommune, off_runtime};
use crate::atlas::{Atlas, KommuneAtlas};
use crate::auth::CurrentUser;
use crate::indicators::{AreaIndicator, value_text};
use crate::views::{page, sources, svg};
use crate::{AppError, AppState};

/// Layer and year of an indicator view.
#[derive(Debug, Default, Deserialize, Clone)]
pub(super) struct IndicatorQuery {
    layer: Option<String>,
    year: Option<String>,
    /// An area of the layer whose time series is drawn beside the city's.
    gebiet: Option<String>,
    /// The area the others are compared with, `layer:key`; the city when absent.
    vergleich: Option<String>,
}

/// The benchmark area of a `vergleich=layer:key` query, in the version valid in the period.
fn chosen_benchmark<'a>(
    k: &'a KommuneAtlas,
    q: &IndicatorQuery,
    period: Option<Period>,
) -> Result<Option<(&'a store::LayerVersion, &'a domain::Area)>, PageError> {
    let Some(choice) = q.vergleich.as_deref().filter(|v| !v.is_empty()) else { return Ok(None) };
    let (layer, key) = choice
        .split_once(':')
        .ok_or_else(|| AppError::BadRequest(format!("vergleich {choice:?}: erwartet ebene:schlüssel")))?;
    let version = k
        .data
        .layer(layer, period.map(Period::start_year))
        .ok_or_else(|| AppError::NotFound(format!("keine Ebene {layer:?}")))?;
    let area = version
        .areas
        .iter()
        .find(|a| a.key.as_str() == key)
        .ok_or_else(|| AppError::NotFound(format!("kein Gebiet {key:?} in {layer:?}")))?;
    Ok(Some((version, area)))
}

/// The areas offered as benchmarks: those of the layers above `layer` (the city first).
fn benchmark_options<'a>(k: &'a KommuneAtlas, layer: &store::LayerVersion) -> Vec<(String, &'a str)> {
    let mut options = Vec::new();
    let mut parent = layer.layer.parent.as_ref();
    let mut chain = Vec::new();
    while let Some(p) = parent {
        let Some(v) = k.data.layer(p.as_str(), None) else { break };
        if chain.len() > 8 {
            break;
        }
        chain.push(v);
        parent = v.layer.parent.as_ref();
    }
    for v in chain.into_iter().rev().filter(|v| v.areas.len() > 1) {
        for a in &v.areas {
            options.push((format!("{}:{}", v.layer.key, a.key), a.name.as_str()));
        }
    }
    options
}

impl IndicatorQuery {
    fn encode(&self) -> String {
        let parts: Vec<String> = [("layer", &self.layer), ("year", &self.year), ("gebiet", &self.gebiet)]
            .into_iter()
            .filter_map(|(k, v)| Some(format!("{k}={}", encode(v.as_ref()?))))
            .collect();
        if parts.is_empty() { String::new() } else { format!("?{}", parts.join("&")) }
    }
}

fn result_text(d: &Definition, r: &Result<Computed, NotReported>) -> String {
    match r {
        Ok(c) => value_text(d, c.value),
        Err(e) => format!("nicht berichtet: {e}"),
    }
}

fn interval_text(d: &Definition, c: &Computed) -> String {
    match c.interval {
        Some(i) => format!("{} – {}", value_text(d, i.lower), value_text(d, i.upper)),
        None => String::new(),
    }
}

/// The CSS class and symbol of a judgement: colour is never the only cue.
fn judgement_mark(j: Judgement) -> (&'static str, &'static str) {
    match j {
        Judgement::Better => ("j-better", "▲"),
        Judgement::Worse => ("j-worse", "▼"),
        Judgement::Similar => ("j-similar", "●"),
        Judgement::Higher => ("j-higher", "△"),
        Judgement::Lower => ("j-lower", "▽"),
    }
}

fn judgement_badge(j: Option<Judgement>) -> Markup {
    html! {
        @if let Some(j) = j {
            @let (class, symbol) = judgement_mark(j);
            span class=(format!("badge {class}")) { (symbol) " " (j.label()) }
        }
    }
}

fn definition_of<'a>(atlas: &'a Atlas, key: &str) -> Result<&'a Definition, PageError> {
    atlas
        .catalogue
        .iter()
        .find(|d| d.key.as_str() == key)
        .ok_or_else(|| AppError::NotFound(format!("kein Indikator {key:?}")).into())
}

fn formula(d: &Definition) -> String {
    let factor = render::format_auto(d.factor);
    match &d.denominator {
        Some(den) => format!("{factor} × ({}) / ({den})", d.numerator),
        None if d.factor == 1.0 => d.numerator.to_string(),
        None => format!("{factor} × ({})", d.numerator),
    }
}

pub(super) async fn catalogue_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(key): Path<String>,
) -> Result<Markup, PageError> {
    let atlas = state.atlas_for(&user.viewer()).await?;
    off_runtime(move || catalogue_markup(&atlas, key)).await
}

fn catalogue_markup(atlas: &Atlas, key: String) -> Result<Markup, PageError> {
    let k = kommune(atlas, &key)?;
    let computable = atlas.catalogue.iter().filter(|d| k.availability(d).computable()).count();
    Ok(page(
        "Indikatoren",
        Some((&key, &k.data.kommune.name)),
        "indikatoren",
        html! {
            h1 { "Indikatorenkatalog" }
            p { (atlas.catalogue.len()) " Indikatoren nach dem Anwendungsleitfaden zum Aufbau eines kommunalen Bildungsmonitorings; "
                (computable) " davon lassen sich aus den Daten für " (k.data.kommune.name) " berechnen. "
                a href=(format!("/atlas/{key}/indikatoren/uebersicht")) { "Übersicht aller Gebiete" } "." }
            @for bereich in Bereich::ALL {
                @let defs: Vec<&Definition> = atlas.catalogue.iter().filter(|d| d.bereich == bereich).collect();
                @if !defs.is_empty() {
                    h2 id=(format!("bereich-{}", bereich.letter())) { (bereich.letter()) " " (bereich.label()) }
                    div class="scroll" role="region" tabindex="0" aria-label=(format!("Indikatoren {}", bereich.label())) {
                        table class="data" {
                            caption class="sr-only" { "Indikatoren des Bereichs " (bereich.label()) }
                            thead { tr { th scope="col" { "Indikator" } th scope="col" { "Stufe" } th scope="col" { "Modell" }
                                th scope="col" { "Einheit" } th scope="col" { "Daten" } } }
                            tbody { @for d in defs {
                                @let available = k.availability(d);
                                tr {
                                    th scope="row" { @if available.computable() {
                                        a href=(format!("/atlas/{key}/indikator/{}", d.key)) { (d.label) } } @else { (d.label) } }
                                    td { (d.tier.label()) } td { (d.stage.label()) } td { (d.unit) }
                                    td {
                                        @if available.computable() { "berechenbar" }
                                        @if !available.missing.is_empty() { "es fehlen: " (available.missing.join(", ")) }
                                        @if !available.unit_mismatches.is_empty() { "Einheit passt nicht: " (available.unit_mismatches.join("; ")) }
                                    }
                                }
                            } }
                        }
                    }
                }
            }
        },
    ))
}

pub(super) async fn sheet_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((key, indicator)): Path<(String, String)>,
    Query(q): Query<IndicatorQuery>,
) -> Result<Markup, PageError> {
    let atlas = state.atlas_for(&user.viewer()).await?;
    off_runtime(move || sheet_markup(&atlas, key, indicator, q)).await
}

/// The layer and period of an indicator view after defaults: the layer with most areas, the
/// newest period.
fn choose<'a>(
    k: &'a KommuneAtlas,
    d: &Definition,
    q: &IndicatorQuery,
) -> Result<(&'a store::LayerVersion, Option<Period>, Vec<Period>), PageError> {
    let periods = k.indicator_periods(d);
    let asked =
        q.year.as_deref().map(str::parse::<Period>).transpose().map_err(|e| AppError::BadRequest(e.to_string()))?;
    let mut layers = k.indicator_layers(d);
    if let Some(l) = &q.layer {
        layers.retain(|v| v.layer.key.as_str() == l);
    }
    layers.sort_by_key(|v| std::cmp::Reverse(v.areas.len()));
    let candidates: Vec<Option<Period>> = match asked {
        Some(p) => vec![Some(p)],
        None if periods.is_empty() => vec![None],
        None => periods.iter().rev().map(|p| Some(*p)).collect(),
    };
    let version = |l: &store::LayerVersion, p: Option<Period>| {
        p.and_then(|p| k.data.layer(l.layer.key.as_str(), Some(p.start_year())))
    };
    // Without a choice: the newest year and the finest layer where at least half of the areas have a
    // value – a variable can reach a layer or year (single ages of a synthetic register, say) in a
    // form this indicator cannot use.
    let mostly_reported = candidates.iter().find_map(|p| {
        layers.iter().find_map(|l| {
            let v = version(l, *p).unwrap_or(l);
            let (values, _) = k.indicator_values(d, v, *p, None);
            let reported = values.iter().filter(|a| a.result.is_ok()).count();
            (reported * 2 >= values.len() && reported > 0).then_some((v, *p))
        })
    });
    let (layer, period) = match mostly_reported {
        Some(chosen) => chosen,
        None => {
            let l = layers
                .first()
                .copied()
                .ok_or_else(|| AppError::NotFound("keine Ebene mit Daten für diesen Indikator".into()))?;
            let p = candidates.first().copied().flatten();
            (version(l, p).unwrap_or(l), p)
        }
    };
    Ok((layer, period, periods))
}

fn sheet_markup(atlas: &Atlas, key: String, indicator: String, q: IndicatorQuery) -> Result<Markup, PageError> {
    let k = kommune(atlas, &key)?;
    let d = definition_of(atlas, &indicator)?;
    let available = k.availability(d);
    if !available.computable() {
        let reasons: Vec<String> =
            available.missing.iter().cloned().chain(available.unit_mismatches.iter().cloned()).collect();
        return Err(AppError::NotFound(format!("{} ist nicht berechenbar: {}", d.label, reasons.join(", "))).into());
    }
    let (layer, period, periods) = choose(k, d, &q)?;
    let benchmark = chosen_benchmark(k, &q, period)?;
    let benchmark_label = benchmark.map_or_else(|| "Gesamtstadt".to_owned(), |(_, a)| a.name.clone());
    let benchmark_name = benchmark.map_or_else(|| "der Gesamtstadt".to_owned(), |(_, a)| a.name.clone());
    let (values, city) = k.indicator_values(d, layer, period, benchmark);
    let numbers: Vec<f64> = values.iter().filter_map(|v| v.result.as_ref().ok().map(|c| c.value)).collect();
    let breaks = domain::classify::breaks(&numbers, domain::classify::ClassMethod::Quantile, 5);
    let texts: Vec<String> = values.iter().map(|v| result_text(d, &v.result)).collect();
    let areas: Vec<render::MapArea<'_>> = values
        .iter()
        .zip(&texts)
        .filter_map(|(v, text)| {
            Some(render::MapArea {
                key: v.area.key.as_str(),
                name: &v.area.name,
                geometry: v.area.geometry.as_ref()?,
                value: v.result.as_ref().ok().map(|c| c.value),
                value_text: text.clone(),
                href: Some(format!("/atlas/{key}/gebiet/{}/{}", layer.layer.key, encode(v.area.key.as_str()))),
            })
        })
        .collect();
    let period_text = period.map_or_else(|| "aktueller Stand".to_owned(), |p| p.to_string());
    let title = format!("{} ({}), {}", d.label, layer.layer.name, period_text);
    let map = render::choropleth(&render::ChoroplethSpec {
        title: &title,
        areas,
        breaks: breaks.as_ref(),
        points: Vec::new(),
        highlight: None,
        width: 640.0,
        height: 520.0,
    });
    let city_target = atlas.target(&key, d.key.as_str(), None);
    let target_label = city_target.map(|t| format!("Ziel {}", t.year));
    // The chosen area's values over time on the boundaries shown (re-estimated where other
    // boundaries were valid), then the city's, with its target.
    let chosen = match q.gebiet.as_deref().filter(|g| !g.is_empty()) {
        Some(g) => Some(
            layer
                .areas
                .iter()
                .find(|a| a.key.as_str() == g)
                .ok_or_else(|| AppError::NotFound(format!("kein Gebiet {g:?} in {}", layer.layer.name)))?,
        ),
        None => None,
    };
    let area_series = chosen.map(|a| (a, k.indicator_series_on(d, layer, a, &periods)));
    let basis = area_series.as_ref().and_then(|(_, (_, b))| *b);
    let area_series = area_series.map(|(a, (s, _))| (a, s));
    let reestimated: Vec<bool> =
        area_series.as_ref().map(|(_, s)| s.iter().map(|(_, r)| *r).collect()).unwrap_or_default();
    let series = k.city(None).map(|(l, a)| {
        let values: Vec<Option<f64>> =
            periods.iter().map(|p| k.indicator(d, l, a, Some(*p)).ok().map(|c| c.value)).collect();
        let mut lines = Vec::new();
        if let Some((area, s)) = &area_series {
            lines.push(render::Series { name: &area.name, values: s.iter().map(|(v, _)| *v).collect() });
        }
        lines.push(render::Series { name: &a.name, values });
        render::line_chart(&render::LineChartSpec {
            title: &format!("{} – {}", d.label, a.name),
            periods: periods.iter().map(ToString::to_string).collect(),
            series: lines,
            y_label: &d.unit,
            value_suffix: if d.unit == "%" { " %" } else { "" },
            target: city_target
                .zip(target_label.as_deref())
                .map(|(t, label)| render::TargetLine { label, value: t.value }),
            reestimated: reestimated.clone(),
            width: 560.0,
            height: 300.0,
        })
    });
    // The releases the values come from: those holding the definition's variables, and the
    // institution lists where it counts institutions.
    let variables = d.variables();
    let mut release_ids: Vec<domain::ReleaseId> = k
        .data
        .observations
        .iter()
        .filter(|o| variables.contains(&&o.observation.variable))
        .map(|o| o.release)
        .chain(k.data.institutions.iter().filter(|_| d.uses_institutions()).map(|i| i.release))
        .collect();
    release_ids.sort();
    release_ids.dedup();
    let releases: Vec<&domain::Release> = release_ids.iter().filter_map(|id| k.data.release(*id)).collect();
    let layers = k.indicator_layers(d);
    Ok(page(
        &d.label,
        Some((&key, &k.data.kommune.name)),
        "indikatoren",
        html! {
            p class="breadcrumb" { a href=(format!("/atlas/{key}/indikatoren#bereich-{}", d.bereich.letter())) { "Indikatoren" } " › " (d.bereich.letter()) " " (d.bereich.label()) }
            h1 { (d.label) }
            div class="profile" {
                section aria-labelledby="steckbrief" {
                    h2 id="steckbrief" { "Steckbrief" }
                    dl class="sheet" {
                        dt { "Definition" } dd { (d.interpretation) }
                        dt { "Formel" } dd { code { (formula(d)) } }
                        dt { "Einheit" } dd { (d.unit) }
                        dt { "Bewertung" } dd { (d.polarity.label()) }
                        dt { "Art" } dd { (kind_label(d.kind)) @if let Some(m) = d.kind.ci_method() { "; 95-%-Konfidenzintervall: " (m.label()) } }
                        dt { "Mindestnenner" } dd { (render::format_auto(d.min_denominator)) " (darunter wird kein Wert berichtet)" }
                        dt { "Quelle" } dd { (d.source) }
                        dt { "Stichtag" } dd { (d.reference_date) }
                        dt { "Leitfaden" } dd { (d.bereich.letter()) " " (d.bereich.label()) ", " (d.tier.label()) ", " (d.stage.label()) }
                    }
                    @if let Some(chart) = series {
                        figure id="zeitreihe" {
                            figcaption { "Zeitreihe" @if let Some(a) = chosen { " von " (a.name) " und" } " der Gesamtstadt" }
                            (svg(chart))
                            @if let Some(b) = basis {
                                p class="hint" { "Werte vor dem Bruch sind auf den Gebietsstand der Karte umgeschätzt (" (b.label()) "): Zähler und Nenner werden übertragen, dann wird die Quote gebildet." }
                            }
                        }
                    }
                }
                section aria-labelledby="karte" {
                    h2 id="karte" { (layer.layer.name) ", " (period_text) }
                    form class="controls inline" method="get" action=(format!("/atlas/{key}/indikator/{}", d.key)) {
                        label { "Ebene" select name="layer" { @for l in &layers { option value=(l.layer.key) selected[l.layer.key == layer.layer.key] { (l.layer.name) } } } }
                        @if !periods.is_empty() {
                            label { "Jahr" select name="year" { @for p in &periods { option value=(p) selected[Some(*p) == period] { (p) } } } }
                            label { "Vergleich mit" select name="vergleich" {
                                option value="" selected[benchmark.is_none()] { "Gesamtstadt" }
                                @for (value, name) in benchmark_options(k, layer) {
                                    option value=(value) selected[q.vergleich.as_deref() == Some(value.as_str())] { (name) }
                                }
                            } }
                            label { "Zeitreihe für" select name="gebiet" {
                                option value="" selected[chosen.is_none()] { "nur Gesamtstadt" }
                                @for a in &layer.areas { option value=(a.key) selected[chosen.is_some_and(|c| c.key == a.key)] { (a.name) } }
                            } }
                        }
                        button type="submit" { "Anzeigen" }
                    }
                    div class="mapwrap" {
                        div class="map" { (svg(map)) div id="tooltip" class="tooltip" role="status" aria-live="polite" {} }
                        @if let Some(b) = &breaks { div class="legend" { (svg(render::legend(b, domain::classify::ClassMethod::Quantile.label(), &d.unit, numbers.len() < values.len()))) } }
                    }
                }
            }
            section aria-labelledby="gebiete" {
                h2 id="gebiete" { "Alle Gebiete im Vergleich mit " (benchmark_name) }
                @if let (Some(t), Some(c), None) = (city_target, &city, benchmark) { (target_note(d, t, c.value, period)) }
                @if let Some(c) = &city { p { (benchmark_label) ": " strong { (value_text(d, c.value)) } @if c.interval.is_some() { " (95 %: " (interval_text(d, c)) ")" } ". Vergleich: Liegt das 95-%-Konfidenzintervall eines Gebiets ganz über oder unter dem Wert der Gesamtstadt, ist der Unterschied signifikant (Verfahren der englischen Fingertips-Profile)." } }
                (area_table(atlas, &key, d, layer, &values))
            }
            (sources(&releases))
        },
    ))
}

fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Proportion => "Anteil",
        Kind::Rate => "Rate",
        Kind::Ratio => "Verhältniszahl",
        Kind::Count => "Anzahl",
    }
}

/// "Ziel: mindestens 45,0 % bis 2030 (Ratsbeschluss). Stand 2012: 36,5 % – es fehlen 8,5."
fn target_note(d: &Definition, t: &Target, current: f64, period: Option<Period>) -> Markup {
    html! {
        p class="target" {
            strong { "Ziel: " } (t.direction.label()) " " (value_text(d, t.value)) " bis " (t.year) " (" (t.source) "). "
            "Stand " (period.map_or_else(|| "aktuell".to_owned(), |p| p.to_string())) ": " (value_text(d, current)) " – "
            (progress_text(d, t, current))
        }
    }
}

pub(super) fn progress_text(d: &Definition, t: &Target, current: f64) -> String {
    match t.progress(current) {
        Progress::Reached => "erreicht".to_owned(),
        Progress::Open { gap } => format!("es fehlen {}", value_text(d, gap)),
    }
}

fn area_table(
    atlas: &Atlas,
    key: &str,
    d: &Definition,
    layer: &store::LayerVersion,
    values: &[AreaIndicator<'_>],
) -> Markup {
    let with_interval = d.kind.ci_method().is_some();
    let target_of =
        |area: &domain::Area| atlas.target(key, d.key.as_str(), Some((layer.layer.key.as_str(), area.key.as_str())));
    let with_targets = values.iter().any(|v| target_of(v.area).is_some());
    let columns = if with_interval { 5 } else { 3 } + usize::from(with_targets);
    html! {
        div class="scroll" role="region" tabindex="0" aria-label=(format!("{} je Gebiet", d.label)) {
            table class="data" {
                caption class="sr-only" { (d.label) " je Gebiet" }
                thead { tr { th scope="col" { "Gebiet" } th scope="col" class="num" { "Wert" }
                    @if with_interval { th scope="col" class="num" { "95-%-Intervall" } }
                    th scope="col" class="num" { "Zähler" } th scope="col" class="num" { "Nenner" }
                    @if with_interval { th scope="col" { "Vergleich mit der Gesamtstadt" } }
                    @if with_targets { th scope="col" { "Ziel" } } } }
                tbody { @for v in values {
                    tr {
                        th scope="row" { a href=(format!("/atlas/{key}/gebiet/{}/{}", layer.layer.key, encode(v.area.key.as_str()))) { (v.area.name) } }
                        @match &v.result {
                            Ok(c) => {
                                td class="num" { (value_text(d, c.value)) }
                                @if with_interval { td class="num" { (interval_text(d, c)) } }
                                td class="num" { (render::format_auto(c.numerator)) }
                                td class="num" { @if let Some(n) = c.denominator { (render::format_auto(n)) } }
                                @if with_interval { td { (judgement_badge(v.judgement)) } }
                                @if with_targets { td { @if let Some(t) = target_of(v.area) {
                                    (t.direction.label()) " " (value_text(d, t.value)) " bis " (t.year) ": " (progress_text(d, t, c.value)) } } }
                            }
                            Err(e) => { td colspan=(columns) { "nicht berichtet: " (e) } }
                        }
                    }
                } }
            }
        }
    }
}

pub(super) async fn overview_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(key): Path<String>,
    Query(q): Query<IndicatorQuery>,
) -> Result<Markup, PageError> {
    let atlas = state.atlas_for(&user.viewer()).await?;
    off_runtime(move || overview_markup(&atlas, key, q)).await
}

fn overview_markup(atlas: &Atlas, key: String, q: IndicatorQuery) -> Result<Markup, PageError> {
    let k = kommune(atlas, &key)?;
    let keys = k.data.layer_keys();
    let layer = match &q.layer {
        Some(l) => k.data.layer(l, None),
        None => keys
            .iter()
            .filter_map(|l| k.data.layer(l.as_str(), None))
            .filter(|v| v.areas.len() > 1 && k.series.iter().any(|s| s.layers.contains(&v.layer.key)))
            // The layer with the longest series (the most years of data), then the finest.
            .max_by_key(|v| {
                let years: usize =
                    k.series.iter().filter(|s| s.layers.contains(&v.layer.key)).map(|s| s.periods.len()).sum();
                (years, v.areas.len())
            }),
    }
    .ok_or_else(|| AppError::NotFound("keine Ebene".into()))?;
    let year =
        q.year.as_deref().map(str::parse::<Period>).transpose().map_err(|e| AppError::BadRequest(e.to_string()))?;
    let benchmark = chosen_benchmark(k, &q, year)?;
    let benchmark_name = benchmark.map_or_else(|| "der Gesamtstadt".to_owned(), |(_, a)| a.name.clone());
    // Indicators with an interval, computable here, with values on this layer.
    let columns: Vec<(&Definition, Option<Period>, Vec<AreaIndicator<'_>>)> = atlas
        .catalogue
        .iter()
        .filter(|d| d.kind.ci_method().is_some() && k.availability(d).computable())
        .filter(|d| k.indicator_layers(d).iter().any(|l| l.layer.key == layer.layer.key))
        .map(|d| {
            let periods = k.indicator_periods(d);
            let period = year.filter(|y| periods.contains(y)).or_else(|| periods.last().copied());
            let (values, _) = k.indicator_values(d, layer, period, benchmark);
            (d, period, values)
        })
        .collect();
    let title = format!("Übersicht: {} im Vergleich mit {benchmark_name}", layer.layer.name);
    Ok(page(
        &title,
        Some((&key, &k.data.kommune.name)),
        "indikatoren",
        html! {
            h1 { (title) }
            p { "Jede Zelle zeigt den Wert des Gebiets; Farbe und Zeichen sagen, ob er signifikant besser (▲), ähnlich (●) oder schlechter (▼) als der Vergleichswert ist – bei Indikatoren ohne Bewertung höher (△) oder niedriger (▽). Grundlage ist das 95-%-Konfidenzintervall (Wilson für Anteile, exakt nach Poisson für Raten)." }
            form class="controls inline" method="get" action=(format!("/atlas/{key}/indikatoren/uebersicht")) {
                label { "Ebene" select name="layer" { @for l in &keys { @if let Some(v) = k.data.layer(l.as_str(), None) { option value=(l) selected[v.layer.key == layer.layer.key] { (v.layer.name) } } } } }
                label { "Vergleich mit" select name="vergleich" {
                    option value="" selected[benchmark.is_none()] { "Gesamtstadt" }
                    @for (value, name) in benchmark_options(k, layer) {
                        option value=(value) selected[q.vergleich.as_deref() == Some(value.as_str())] { (name) }
                    }
                } }
                button type="submit" { "Anzeigen" }
            }
            div class="scroll" role="region" tabindex="0" aria-label="Übersicht der Indikatoren" {
                table class="data grid" {
                    caption class="sr-only" { (title) }
                    thead { tr {
                        th scope="col" { "Gebiet" }
                        @for (d, period, _) in &columns {
                            th scope="col" { a href=(format!("/atlas/{key}/indikator/{}{}", d.key, IndicatorQuery { layer: Some(layer.layer.key.to_string()), year: period.map(|p| p.to_string()), gebiet: None, vergleich: None }.encode())) { (d.label) }
                                br; small { (d.unit) ", " (period.map_or_else(|| "aktuell".to_owned(), |p| p.to_string())) } }
                        }
                    } }
                    tbody { @for (row, area) in layer.areas.iter().enumerate() {
                        tr {
                            th scope="row" { a href=(format!("/atlas/{key}/gebiet/{}/{}", layer.layer.key, encode(area.key.as_str()))) { (area.name) } }
                            @for (d, _, values) in &columns {
                                @let v = &values[row];
                                @match (&v.result, v.judgement) {
                                    (Ok(c), Some(j)) => { @let (class, symbol) = judgement_mark(j); td class=(format!("num {class}")) title=(j.label()) { (symbol) " " (value_text(d, c.value)) } }
                                    (Ok(c), None) => { td class="num" { (value_text(d, c.value)) } }
                                    (Err(e), _) => { td class="num na" title=(e.to_string()) { "–" } }
                                }
                            }
                        }
                    } }
                }
            }
        },
    ))
}
