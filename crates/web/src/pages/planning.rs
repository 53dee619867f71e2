//! Schulentwicklungsplanung pages: the schools of a plan on a map coloured by utilisation in the
//! chosen year, a table of needs against capacity, each school's forecast against its places, and
//! two scenarios side by side.

use axum::extract::{Path, Query, State};
use domain::scenario::{Comparison, Outcome, SchoolOutcome};
use import::PlanningConfig;
use maud::{Markup, html};
use serde::Deserialize;

use super::{PageError, encode, kommune, off_runtime};
use crate::atlas::{Atlas, KommuneAtlas};
use crate::auth::CurrentUser;
use crate::planning::{BASIS, Plan, PlanSchool, backtest, compare, evaluate, plan, scenario};
use crate::views::{page, sources, svg};
use crate::{AppError, AppState};

/// Scenario and year of a planning view.
#[derive(Debug, Default, Deserialize, Clone)]
pub(super) struct PlanQuery {
    /// The scenario; the base when absent.
    szenario: Option<String>,
    /// The school year shown on the map (its start year), e.g. `2030`.
    jahr: Option<i32>,
}

/// Utilisation classes of the map: below 80 %, 80–95 %, 95–100 %, above 100 %.
const LIMITS: [f64; 3] = [0.8, 0.95, 1.0];
const CLASS_NAMES: [&str; 4] = ["unter 80 %", "80 bis 95 %", "95 bis 100 %", "über 100 % (voll)"];

fn utilisation_class(u: f64) -> usize {
    LIMITS.iter().filter(|l| u > **l).count()
}

fn config<'a>(state: &'a AppState, key: &str) -> Result<&'a PlanningConfig, AppError> {
    state
        .planning
        .iter()
        .find(|c| c.kommune == key)
        .ok_or_else(|| AppError::NotFound(format!("für {key:?} ist keine Schulentwicklungsplanung eingerichtet")))
}

fn make_plan(k: &KommuneAtlas, config: &PlanningConfig) -> Result<Plan, PageError> {
    Ok(plan(k, config).map_err(|e| AppError::BadRequest(e.to_string()))?)
}

fn run(plan: &Plan, config: &PlanningConfig, name: Option<&str>) -> Result<Outcome, PageError> {
    let chosen = match name.filter(|n| !n.is_empty() && *n != BASIS) {
        Some(n) => Some(scenario(config, n).map_err(|e| AppError::NotFound(e.to_string()))?),
        None => None,
    };
    Ok(evaluate(plan, chosen).map_err(|e| AppError::BadRequest(e.to_string()))?)
}

fn years(config: &PlanningConfig) -> Vec<i32> {
    (config.launch + 1..=config.launch + i32::from(config.horizon)).collect()
}

fn school_year(y: i32) -> String {
    domain::Period::SchoolYear(y).to_string()
}

fn number(x: f64) -> String {
    render::format_de(x, 1)
}

fn percent(x: f64) -> String {
    format!("{} %", render::format_de(x * 100.0, 0))
}

fn scenario_names(config: &PlanningConfig) -> Vec<String> {
    std::iter::once(BASIS.to_owned()).chain(config.scenarios.iter().map(|s| s.name.clone())).collect()
}

fn releases<'a>(k: &'a KommuneAtlas, plan: &Plan) -> Vec<&'a domain::Release> {
    plan.releases.iter().filter_map(|r| k.data.release(r.id)).collect()
}

pub(super) async fn plan_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(key): Path<String>,
    Query(q): Query<PlanQuery>,
) -> Result<Markup, PageError> {
    let atlas = state.atlas_for(&user.viewer()).await?;
    off_runtime(move || plan_markup(&state, &atlas, &key, &q)).await
}

fn plan_markup(state: &AppState, atlas: &Atlas, key: &str, q: &PlanQuery) -> Result<Markup, PageError> {
    let k = kommune(atlas, key)?;
    let config = config(state, key)?;
    let plan = make_plan(k, config)?;
    let outcome = run(&plan, config, q.szenario.as_deref())?;
    let all_years = years(config);
    let year = q.jahr.unwrap_or(config.launch + i32::from(config.horizon).min(5));
    if !all_years.contains(&year) {
        return Err(AppError::NotFound(format!(
            "kein Prognosejahr {year}; die Prognose reicht bis {}",
            school_year(config.launch + i32::from(config.horizon))
        ))
        .into());
    }
    let layer = k.data.layer(&config.areas.layer, Some(year));
    let areas = super::base_map(layer);
    let chosen = q.szenario.clone().filter(|s| !s.is_empty()).unwrap_or_else(|| BASIS.to_owned());
    let query = format!("?szenario={}&jahr={year}", encode(&chosen));
    let base = format!("/atlas/{key}/planung");
    let rows: Vec<(&PlanSchool, &SchoolOutcome)> =
        plan.schools.iter().filter_map(|s| Some((s, outcome.school(&s.institution.key)?))).collect();
    let labels: Vec<String> = rows
        .iter()
        .map(|(s, o)| match o.year(year).and_then(|y| y.capacity.as_ref()) {
            Some(c) => {
                format!("{} ({}): Auslastung {}", s.institution.name, s.institution.kind, percent(c.utilisation))
            }
            None => format!("{} ({}): geschlossen", s.institution.name, s.institution.kind),
        })
        .collect();
    let points: Vec<render::ClassedPoint<'_>> = rows
        .iter()
        .zip(&labels)
        .map(|((s, o), label)| render::ClassedPoint {
            key: &s.institution.key,
            label,
            location: s.institution.location,
            class: o.year(year).and_then(|y| y.capacity.as_ref()).map(|c| utilisation_class(c.utilisation)),
            href: Some(format!("{base}/schule/{}{query}", encode(&s.institution.key))),
        })
        .collect();
    let title = format!("Auslastung der Schulen {} – {}", school_year(year), chosen);
    let map = render::point_map(&render::PointMapSpec {
        title: &title,
        areas,
        points,
        classes: 4,
        width: 640.0,
        height: 560.0,
    });
    let counts: Vec<usize> = (0..4)
        .map(|c| {
            rows.iter()
                .filter(|(_, o)| {
                    o.year(year)
                        .and_then(|y| y.capacity.as_ref())
                        .is_some_and(|cap| utilisation_class(cap.utilisation) == c)
                })
                .count()
        })
        .collect();
    let full: Vec<(&PlanSchool, i32)> = rows.iter().filter_map(|(s, o)| Some((*s, o.runs_full()?))).collect();
    let name = &k.data.kommune.name;
    Ok(page(
        &config.title,
        Some((key, name)),
        "planung",
        html! {
            h1 { (config.title) }
            p class="lead" {
                "Prognose ab " (school_year(config.launch)) " für " (all_years.len()) " Schuljahre nach dem Übergangsquotenverfahren, "
                "Kapazität nach den Klassenbildungsregeln; " (rows.len()) " Schulen. "
                a href=(format!("{base}/vergleich?a={}&b={}", encode(BASIS), encode(config.scenarios.first().map_or(BASIS, |s| s.name.as_str())))) { "Szenarien vergleichen" }
            }
            form class="controls inline" method="get" action=(base) {
                label { "Szenario" select name="szenario" { @for s in scenario_names(config) { option value=(s) selected[s == chosen] { (s) } } } }
                label { "Schuljahr" select name="jahr" { @for y in &all_years { option value=(y) selected[*y == year] { (school_year(*y)) } } } }
                button type="submit" { "Anzeigen" }
            }
            section aria-labelledby="karte" {
                h2 id="karte" { "Auslastung " (school_year(year)) }
                div class="mapwrap" {
                    div class="map" { (svg(map)) div id="tooltip" class="tooltip" role="status" aria-live="polite" {} }
                    div class="legend" {
                        ul class="classes" {
                            @for (c, label) in CLASS_NAMES.iter().enumerate() {
                                li { span class="swatch" style=(format!("background:{}", render::sequential(4)[c])) {} (label) ": " (counts[c]) }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="voll" {
                h2 id="voll" { "Schulen, die voll laufen" }
                @if full.is_empty() {
                    p { "Keine Schule braucht im Prognosezeitraum mehr Plätze oder Räume, als sie hat." }
                } @else {
                    ul { @for (s, y) in &full { li { a href=(format!("{base}/schule/{}{query}", encode(&s.institution.key))) { (s.institution.name) } " (" (s.institution.kind) "): ab " (school_year(*y)) } } }
                }
            }
            section aria-labelledby="schulen" {
                h2 id="schulen" { "Bedarf und Kapazität " (school_year(year)) }
                div class="tablewrap" {
                    table class="compact" {
                        thead { tr {
                            th scope="col" { "Schule" } th scope="col" { "Schulform" } th scope="col" { "Planungsbezirk" }
                            th scope="col" class="num" { "Zügigkeit" } th scope="col" class="num" { "Schüler" }
                            th scope="col" class="num" { "Klassen" } th scope="col" class="num" { "Plätze" }
                            th scope="col" class="num" { "Auslastung" } th scope="col" class="num" { "Plätze frei (+) / fehlen (−)" }
                        } }
                        tbody {
                            @for (s, o) in &rows {
                                tr {
                                    th scope="row" { a href=(format!("{base}/schule/{}{query}", encode(&s.institution.key))) { (s.institution.name) } }
                                    td { (s.institution.kind) }
                                    td { (o.planning_area) }
                                    @match o.year(year).and_then(|y| y.capacity.as_ref().map(|c| (y, c))) {
                                        Some((y, c)) => {
                                            td class="num" { (y.zuegigkeit.map(render::format_auto).unwrap_or_default()) }
                                            td class="num" { (number(c.pupils)) }
                                            td class="num" { (c.total_classes()) }
                                            td class="num" { (render::format_de(c.places, 0)) }
                                            td class="num" { (percent(c.utilisation)) }
                                            td class="num" { (number(c.places_balance)) }
                                        }
                                        None => td colspan="6" { "geschlossen" },
                                    }
                                }
                            }
                        }
                    }
                }
                @if !plan.left_out.is_empty() {
                    p { "Nicht in der Planung: " @for (i, (school, why)) in plan.left_out.iter().enumerate() { @if i > 0 { "; " } (school) " – " (why) } }
                }
            }
            (sources(&releases(k, &plan)))
        },
    ))
}

pub(super) async fn school_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((key, school)): Path<(String, String)>,
    Query(q): Query<PlanQuery>,
) -> Result<Markup, PageError> {
    let atlas = state.atlas_for(&user.viewer()).await?;
    off_runtime(move || school_markup(&state, &atlas, &key, &school, &q)).await
}

fn school_markup(state: &AppState, atlas: &Atlas, key: &str, school: &str, q: &PlanQuery) -> Result<Markup, PageError> {
    let k = kommune(atlas, key)?;
    let config = config(state, key)?;
    let plan = make_plan(k, config)?;
    let outcome = run(&plan, config, q.szenario.as_deref())?;
    let chosen = q.szenario.clone().filter(|s| !s.is_empty()).unwrap_or_else(|| BASIS.to_owned());
    let s = plan
        .schools
        .iter()
        .find(|s| s.institution.key == school)
        .ok_or_else(|| AppError::NotFound(format!("keine Schule {school:?} in der Planung")))?;
    let o = outcome.school(school).ok_or_else(|| AppError::NotFound(format!("keine Schule {school:?} im Szenario")))?;
    // Observed pupils (the Stützzeitraum and before) and the forecast, with the places as a line.
    let observed: Vec<(i32, f64)> = (config.stuetzzeitraum.first..=config.launch)
        .filter_map(|y| {
            let n: f64 = plan.base.pupils.iter().filter(|p| p.school == school && p.year == y).map(|p| p.pupils).sum();
            (n > 0.0).then_some((y, n))
        })
        .collect();
    let periods: Vec<i32> = observed.iter().map(|(y, _)| *y).chain(o.years.iter().map(|y| y.year)).collect();
    let pupils: Vec<Option<f64>> = observed
        .iter()
        .map(|(_, n)| Some(*n))
        .chain(o.years.iter().map(|y| Some(y.pupils.iter().sum::<f64>())))
        .collect();
    let places: Vec<Option<f64>> =
        observed.iter().map(|_| None).chain(o.years.iter().map(|y| y.capacity.as_ref().map(|c| c.places))).collect();
    let title = format!("Schülerinnen und Schüler und Plätze – {}", s.institution.name);
    let chart = render::line_chart(&render::LineChartSpec {
        title: &title,
        periods: periods.iter().map(|y| school_year(*y)).collect(),
        series: vec![
            render::Series { name: "Schülerinnen und Schüler", values: pupils },
            render::Series { name: "Plätze", values: places },
        ],
        y_label: "Personen",
        value_suffix: "",
        target: None,
        reestimated: Vec::new(),
        width: 640.0,
        height: 300.0,
    });
    let backtest = backtest(&plan, config.launch - 3).ok();
    let errors: Vec<(i32, u16, f64, f64)> = backtest
        .as_ref()
        .and_then(|b| b.schools.iter().find(|x| x.school == school))
        .map(|x| {
            x.deviations
                .iter()
                .filter(|d| d.grade.is_none())
                .map(|d| (d.year, d.horizon, d.forecast, d.observed))
                .collect()
        })
        .unwrap_or_default();
    let grades = o.years.first().map_or(0, |y| y.pupils.len());
    let base = format!("/atlas/{key}/planung");
    Ok(page(
        &format!("{} – Planung", s.institution.name),
        Some((key, &k.data.kommune.name)),
        "planung",
        html! {
            p class="crumbs" { a href=(format!("{base}?szenario={}", encode(&chosen))) { (config.title) } }
            h1 { (s.institution.name) }
            p class="lead" {
                (s.institution.kind) ", Planungsbezirk " (o.planning_area) ", Zügigkeit " (render::format_auto(s.zuegigkeit))
                " (" (zuegigkeit_source(s)) "). Szenario: " (chosen) "."
                @if let Some(y) = o.runs_full() { " Die Schule läuft ab " strong { (school_year(y)) } " voll." }
                @if let Some(y) = o.closed_from { " Geschlossen ab " (school_year(y)) "." }
            }
            figure { figcaption { "Beobachtet bis " (school_year(config.launch)) ", danach Prognose (ungerundet); Plätze = Klassenräume × Klassenfrequenz" } (svg(chart)) }
            section aria-labelledby="jahre" {
                h2 id="jahre" { "Prognose je Klassenstufe" }
                div class="tablewrap" {
                    table class="compact" {
                        thead { tr {
                            th scope="col" { "Schuljahr" }
                            @for g in 0..grades { th scope="col" class="num" { "Klasse " (usize::from(o.first_grade) + g) } }
                            th scope="col" class="num" { "Summe" } th scope="col" class="num" { "Klassen" }
                            th scope="col" class="num" { "Plätze" } th scope="col" class="num" { "Auslastung" }
                        } }
                        tbody {
                            @for y in &o.years {
                                tr {
                                    th scope="row" { (school_year(y.year)) }
                                    @for p in &y.pupils { td class="num" { (number(*p)) } }
                                    @match &y.capacity {
                                        Some(c) => {
                                            td class="num" { (number(c.pupils)) }
                                            td class="num" { (c.total_classes()) }
                                            td class="num" { (render::format_de(c.places, 0)) }
                                            td class="num" { (percent(c.utilisation)) }
                                        }
                                        None => td colspan="4" { "geschlossen" },
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="rueckblick" {
                h2 id="rueckblick" { "Wie gut war die Prognose? (Rückrechnung)" }
                @if errors.is_empty() {
                    p { "Für diese Schule gibt es keine Rückrechnung (zu wenige beobachtete Jahre)." }
                } @else {
                    p { "Dieselbe Prognose, gestartet " (school_year(config.launch - 3)) " mit den Daten bis dahin, verglichen mit den später beobachteten Schülerzahlen:" }
                    table class="compact" {
                        thead { tr { th scope="col" { "Schuljahr" } th scope="col" class="num" { "Jahre voraus" } th scope="col" class="num" { "Prognose" } th scope="col" class="num" { "beobachtet" } th scope="col" class="num" { "Fehler" } } }
                        tbody { @for (y, h, f, obs) in &errors { tr { th scope="row" { (school_year(*y)) } td class="num" { (h) } td class="num" { (number(*f)) } td class="num" { (number(*obs)) } td class="num" { (number(f - obs)) } } } }
                    }
                }
            }
            (sources(&releases(k, &plan)))
        },
    ))
}

fn zuegigkeit_source(s: &PlanSchool) -> String {
    match &s.source {
        crate::planning::ZuegigkeitSource::Table => "aus der Kapazitätstabelle".to_owned(),
        crate::planning::ZuegigkeitSource::Attribute(a) => format!("Merkmal „{a}“ der Schuldaten"),
        crate::planning::ZuegigkeitSource::Observed => "höchste Zahl der Eingangsklassen im Stützzeitraum".to_owned(),
    }
}

pub(super) async fn comparison_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(key): Path<String>,
    Query(q): Query<ComparisonQuery>,
) -> Result<Markup, PageError> {
    let atlas = state.atlas_for(&user.viewer()).await?;
    off_runtime(move || comparison_markup(&state, &atlas, &key, &q)).await
}

/// The two scenarios and the year of a comparison.
#[derive(Debug, Default, Deserialize, Clone)]
pub(super) struct ComparisonQuery {
    a: Option<String>,
    b: Option<String>,
    jahr: Option<i32>,
}

fn comparison_markup(state: &AppState, atlas: &Atlas, key: &str, q: &ComparisonQuery) -> Result<Markup, PageError> {
    let k = kommune(atlas, key)?;
    let config = config(state, key)?;
    let plan = make_plan(k, config)?;
    let a_name = q.a.clone().filter(|s| !s.is_empty()).unwrap_or_else(|| BASIS.to_owned());
    let b_name = q.b.clone().filter(|s| !s.is_empty()).unwrap_or_else(|| BASIS.to_owned());
    let (a, b) = (run(&plan, config, Some(&a_name))?, run(&plan, config, Some(&b_name))?);
    let all_years = years(config);
    let year = q.jahr.unwrap_or(config.launch + i32::from(config.horizon));
    let rows: Vec<Comparison> = compare(&a, &b).into_iter().filter(|c| c.year == year).collect();
    let changed: Vec<&Comparison> =
        rows.iter().filter(|c| c.pupils_difference().abs() >= 0.05 || c.classes_difference() != 0).collect();
    let name_of = |id: &str| {
        plan.schools.iter().find(|s| s.institution.key == id).map_or(id.to_owned(), |s| s.institution.name.clone())
    };
    let described =
        |n: &str| config.scenarios.iter().find(|s| s.name == n).map(|s| format!("{} ({})", s.description, s.author));
    let base = format!("/atlas/{key}/planung");
    Ok(page(
        "Szenarien im Vergleich",
        Some((key, &k.data.kommune.name)),
        "planung",
        html! {
            p class="crumbs" { a href=(base) { (config.title) } }
            h1 { "Szenarien im Vergleich: " (a_name) " und " (b_name) }
            form class="controls inline" method="get" action=(format!("{base}/vergleich")) {
                label { "Szenario A" select name="a" { @for s in scenario_names(config) { option value=(s) selected[s == a_name] { (s) } } } }
                label { "Szenario B" select name="b" { @for s in scenario_names(config) { option value=(s) selected[s == b_name] { (s) } } } }
                label { "Schuljahr" select name="jahr" { @for y in &all_years { option value=(y) selected[*y == year] { (school_year(*y)) } } } }
                button type="submit" { "Vergleichen" }
            }
            dl class="facts" {
                dt { "A: " (a_name) } dd { (described(&a_name).unwrap_or_else(|| "die Basisprognose ohne Änderungen".to_owned())) }
                dt { "B: " (b_name) } dd { (described(&b_name).unwrap_or_else(|| "die Basisprognose ohne Änderungen".to_owned())) }
            }
            p { (changed.len()) " von " (rows.len()) " Schulen unterscheiden sich " (school_year(year)) "." }
            div class="tablewrap" {
                table class="compact" {
                    thead { tr {
                        th scope="col" { "Schule" }
                        th scope="col" class="num" { "Schüler A" } th scope="col" class="num" { "Schüler B" } th scope="col" class="num" { "Differenz" }
                        th scope="col" class="num" { "Klassen A" } th scope="col" class="num" { "Klassen B" }
                        th scope="col" class="num" { "Auslastung A" } th scope="col" class="num" { "Auslastung B" }
                    } }
                    tbody {
                        @for c in &changed {
                            tr {
                                th scope="row" { a href=(format!("{base}/schule/{}?szenario={}", encode(&c.school), encode(&b_name))) { (name_of(&c.school)) } }
                                td class="num" { (c.a.map(|s| number(s.pupils)).unwrap_or_else(|| "geschlossen".to_owned())) }
                                td class="num" { (c.b.map(|s| number(s.pupils)).unwrap_or_else(|| "geschlossen".to_owned())) }
                                td class="num" { (number(c.pupils_difference())) }
                                td class="num" { (c.a.map(|s| s.classes.to_string()).unwrap_or_default()) }
                                td class="num" { (c.b.map(|s| s.classes.to_string()).unwrap_or_default()) }
                                td class="num" { (c.a.map(|s| percent(s.utilisation)).unwrap_or_default()) }
                                td class="num" { (c.b.map(|s| percent(s.utilisation)).unwrap_or_default()) }
                            }
                        }
                    }
                }
            }
            (sources(&releases(k, &plan)))
        },
    ))
}
