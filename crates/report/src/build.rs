//! The profile model from an atlas: the same computations as the atlas pages (`web::atlas`,
//! `web::indicators`, `web::monitoring`), gathered for one area and formatted.

use domain::classify::{ClassMethod, breaks};
use domain::indicator::{Computed, Definition, Kind};
use domain::measure::Measure;
use domain::uncertainty::significance;
use domain::{Area, Period, ReleaseId};
use store::LayerVersion;
use web::atlas::{Atlas, KommuneAtlas};
use web::indicators::value_text;
use web::monitoring::IndexDefinition;

use crate::document::{Narrative, Table};
use crate::forecasts::{SchoolForecast, school_year};
use crate::model::{Figure, IndicatorLine, MethodNote, MonitoringClass, Profile, ReleaseNote, School};
use crate::placeholder;

/// What a profile shows beyond what every profile shows.
#[derive(Debug, Clone, Default)]
pub struct ProfileConfig {
    /// The key indicators (catalogue keys), in order; empty for every catalogue indicator with a
    /// value for the area. A key indicator that cannot be computed fails the build.
    pub indicators: Vec<String>,
    /// A text printed under the title; `{{ indikator:KEY }}` is replaced by the area's value.
    pub text: Option<Narrative>,
    /// Sozialmonitoring indices; those on the profile's Kommune and layer give the area's class.
    pub indices: Vec<IndexDefinition>,
    /// Forecasts of the schools of Schulentwicklungsplanungen ([`crate::school_forecasts`]); those of
    /// the schools in the area are shown.
    pub forecasts: Vec<SchoolForecast>,
}

/// Why a profile cannot be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BuildError {
    /// No such Kommune in the atlas.
    #[error("keine Kommune {0:?} im Datenbestand")]
    UnknownKommune(String),
    /// No such layer in the Kommune.
    #[error("keine Ebene {layer:?} in {kommune}")]
    UnknownLayer {
        /// The Kommune.
        kommune: String,
        /// The layer asked for.
        layer: String,
    },
    /// No such area in the layer.
    #[error("kein Gebiet {area:?} in der Ebene {layer}")]
    UnknownArea {
        /// The layer.
        layer: String,
        /// The area asked for.
        area: String,
    },
    /// A configured indicator is not in the catalogue.
    #[error("Indikator {0:?} steht nicht im Katalog")]
    UnknownIndicator(String),
    /// A configured key indicator cannot be computed on the layer.
    #[error("Indikator {indicator} ist auf der Ebene {layer} nicht berechenbar: es fehlt {}", missing.join(", "))]
    NotComputable {
        /// The indicator.
        indicator: String,
        /// The layer.
        layer: String,
        /// The missing variables (or units that do not fit).
        missing: Vec<String>,
    },
    /// A placeholder of the text cannot be bound to a value.
    #[error("{origin}:{line}:{column}: Platzhalter {{{{ {placeholder} }}}}: {reason}")]
    Placeholder {
        /// The text's file.
        origin: String,
        /// Line of the placeholder, from 1.
        line: usize,
        /// Its column, from 1.
        column: usize,
        /// The placeholder, e.g. `indikator:jugendquote`.
        placeholder: String,
        /// Why it has no value, naming the missing variable where one is missing.
        reason: String,
    },
    /// A narrative uses Markdown that a report cannot set.
    #[error("{origin}:{line}:{column}: {what} ist im Berichtstext nicht möglich")]
    Markdown {
        /// The narrative's file.
        origin: String,
        /// Line, from 1.
        line: usize,
        /// Column, from 1.
        column: usize,
        /// What was found.
        what: String,
    },
    /// A figure or table of a chapter cannot be computed (an unknown or uncomputable indicator, a
    /// layer that does not exist, too few periods).
    #[error("Kapitel {chapter:?}: {reason}")]
    Element {
        /// The chapter's title.
        chapter: String,
        /// What is wrong with its figure or table.
        reason: String,
    },
    /// The previous edition's Stand is of another Kommune or layer.
    #[error("der Stand des vorigen Berichts {title:?} gilt für {found}, dieser Bericht für {expected}")]
    StandMismatch {
        /// The previous report's title.
        title: String,
        /// Its Kommune and layer, "koeln/stadtteil".
        found: String,
        /// This report's.
        expected: String,
    },
    /// A Schulentwicklungsplanung cannot be computed.
    #[error("Schulentwicklungsplanung {plan}: {reason}")]
    Planning {
        /// The plan's title.
        plan: String,
        /// Why.
        reason: String,
    },
    /// A Sozialmonitoring index cannot be computed.
    #[error("Index {index}: {reason}")]
    Monitoring {
        /// The index key.
        index: String,
        /// Why.
        reason: String,
    },
}

/// The variables of `d` that the layer lacks (or that do not fit), empty if `d` is computable there.
pub(crate) fn missing(k: &KommuneAtlas, d: &Definition, layer: &LayerVersion) -> Vec<String> {
    let a = k.availability(d);
    if !a.computable() {
        return a.missing.into_iter().chain(a.unit_mismatches).collect();
    }
    if k.indicator_layers(d).iter().any(|l| l.layer.key == layer.layer.key) {
        return Vec::new();
    }
    let on_layer = |v: &&domain::VariableKey| {
        v.as_str() == "flaeche_km2" || k.series.iter().any(|s| &s.variable == *v && s.layers.contains(&layer.layer.key))
    };
    let absent: Vec<String> = d.variables().into_iter().filter(|v| !on_layer(v)).map(ToString::to_string).collect();
    if absent.is_empty() { vec!["Daten auf dieser Ebene".to_owned()] } else { absent }
}

/// The newest period of `d`, `None` for definitions that only count institutions.
fn latest(k: &KommuneAtlas, d: &Definition) -> Option<Period> {
    k.indicator_periods(d).last().copied()
}

/// The Quartiersprofil of `area` in `layer` of `kommune`.
pub fn build_profile(
    atlas: &Atlas,
    kommune: &str,
    layer: &str,
    area: &str,
    config: &ProfileConfig,
) -> Result<Profile, BuildError> {
    let k = atlas.kommune(kommune).ok_or_else(|| BuildError::UnknownKommune(kommune.to_owned()))?;
    let lv = k
        .data
        .layer(layer, None)
        .ok_or_else(|| BuildError::UnknownLayer { kommune: kommune.to_owned(), layer: layer.to_owned() })?;
    let a = lv
        .areas
        .iter()
        .find(|x| x.key.as_str() == area)
        .ok_or_else(|| BuildError::UnknownArea { layer: layer.to_owned(), area: area.to_owned() })?;
    let parent = k.parent_of(lv, a, None);
    let city = k.city(None).filter(|(l, _)| l.layer.key != lv.layer.key);
    let comparisons: Vec<(&LayerVersion, &Area)> = std::iter::once((lv, a))
        .chain(parent)
        .chain(city.filter(|c| parent.is_none_or(|p| p.1.key != c.1.key)))
        .collect();
    let mut used: Vec<ReleaseId> = comparisons.iter().map(|(l, _)| l.release).collect();

    // Key indicators: configured (each must be computable) or every one with a value for the area.
    let definitions: Vec<&Definition> = if config.indicators.is_empty() {
        atlas
            .catalogue
            .iter()
            .filter(|d| missing(k, d, lv).is_empty())
            .filter(|d| k.indicator(d, lv, a, latest(k, d)).is_ok())
            .collect()
    } else {
        config
            .indicators
            .iter()
            .map(|key| {
                let d = atlas
                    .catalogue
                    .iter()
                    .find(|d| d.key.as_str() == key)
                    .ok_or_else(|| BuildError::UnknownIndicator(key.clone()))?;
                match missing(k, d, lv) {
                    m if m.is_empty() => Ok(d),
                    m => Err(BuildError::NotComputable {
                        indicator: key.clone(),
                        layer: lv.layer.name.clone(),
                        missing: m,
                    }),
                }
            })
            .collect::<Result<_, _>>()?
    };
    let mut definitions = definitions;
    definitions.sort_by_key(|d| d.bereich as usize);

    let mut indicators = Vec::new();
    // Per definition: the area's and the city's value (for the group charts).
    let mut against_city: Vec<(&Definition, Option<f64>, Option<f64>)> = Vec::new();
    for d in &definitions {
        let period = latest(k, d);
        let results: Vec<Option<Computed>> =
            comparisons.iter().map(|(l, x)| k.indicator(d, l, x, period).ok()).collect();
        let own = results[0];
        let city_value = city.and_then(|(l, x)| k.indicator(d, l, x, period).ok());
        let judgement = match (own.and_then(|c| c.interval), city_value) {
            (Some(i), Some(c)) => significance(i, c.value, d.polarity).map(|j| j.label().to_owned()),
            _ => None,
        };
        for v in d.variables() {
            for s in k.series.iter().filter(|s| &s.variable == v) {
                for (l, x) in &comparisons {
                    if let Some(p) = period {
                        used.extend(k.value(l, x, s, p, Measure::Absolute).releases);
                    }
                }
            }
        }
        against_city.push((d, own.map(|c| c.value), city_value.map(|c| c.value)));
        indicators.push(IndicatorLine {
            key: d.key.as_str().to_owned(),
            label: d.label.clone(),
            group: format!("{} {}", d.bereich.letter(), d.bereich.label()),
            period: period.map_or_else(|| "aktuell".to_owned(), |p| p.to_string()),
            values: results.iter().map(|r| r.map_or_else(|| "–".to_owned(), |c| value_text(d, c.value))).collect(),
            judgement,
        });
    }

    let group_charts = group_charts(a, &indicators, &against_city);
    // Counts of the area and the city differ by orders of magnitude: the first rate or share.
    let time_series = definitions.iter().find(|d| d.kind != Kind::Count && k.indicator_periods(d).len() > 1).map(|d| {
        let periods = k.indicator_periods(d);
        let names: Vec<&str> = comparisons.iter().map(|(_, x)| x.name.as_str()).collect();
        let series: Vec<render::Series<'_>> = comparisons
            .iter()
            .zip(&names)
            .map(|((l, x), name)| render::Series {
                name,
                values: periods.iter().map(|p| k.indicator(d, l, x, Some(*p)).ok().map(|c| c.value)).collect(),
            })
            .collect();
        let first = periods.first().map(ToString::to_string).unwrap_or_default();
        let last = periods.last().map(ToString::to_string).unwrap_or_default();
        let alt = format!(
            "Liniendiagramm: {} von {first} bis {last} für {}. {}",
            d.label,
            names.join(", "),
            series
                .iter()
                .map(|s| {
                    let v = |x: Option<&Option<f64>>| {
                        x.copied().flatten().map_or_else(|| "–".to_owned(), |x| value_text(d, x))
                    };
                    format!("{}: {} ({first}) bis {} ({last})", s.name, v(s.values.first()), v(s.values.last()))
                })
                .collect::<Vec<_>>()
                .join("; ")
        );
        let suffix = if d.unit == "%" { " %" } else { "" };
        let svg = render::line_chart(&render::LineChartSpec {
            title: &format!("{} {first}–{last}", d.label),
            periods: periods.iter().map(ToString::to_string).collect(),
            series,
            y_label: &d.unit,
            value_suffix: suffix,
            target: None,
            reestimated: Vec::new(),
            width: 560.0,
            height: 300.0,
        });
        Figure { caption: format!("Zeitreihe: {} ({})", d.label, d.unit), alt, svg, legend: None }
    });
    let age = age_figure(k, lv, a, city.or(parent), &mut used);
    let locator = locator(k, lv, a, definitions.first().copied());
    let schools: Vec<School> = k
        .institutions_in(a)
        .into_iter()
        .map(|s| {
            used.push(s.release);
            School {
                key: s.institution.key.clone(),
                name: s.institution.name.clone(),
                kind: s.institution.kind.clone(),
            }
        })
        .collect();
    let monitoring = monitoring(k, &atlas.catalogue, lv, a, &config.indices)?;
    let planning = planning_tables(k.data.kommune.key.as_str(), &schools, &config.forecasts);
    used.extend(
        config
            .forecasts
            .iter()
            .filter(|f| f.kommune == k.data.kommune.key.as_str() && schools.iter().any(|s| s.key == f.school))
            .flat_map(|f| f.releases.iter().copied()),
    );
    let text = config.text.as_ref().map(|t| placeholder::bind_profile(t, k, &atlas.catalogue, lv, a)).transpose()?;

    let (releases, date) = snapshot_notes(k, used);
    let methods = definitions.iter().map(|d| method(d)).collect();
    Ok(Profile {
        kommune: k.data.kommune.name.clone(),
        layer: lv.layer.name.clone(),
        area_key: a.key.as_str().to_owned(),
        area_name: a.name.clone(),
        parent: parent.map(|(l, x)| (x.name.clone(), l.layer.name.clone())),
        compared: comparisons.iter().map(|(_, x)| x.name.clone()).collect(),
        indicators,
        group_charts,
        locator,
        time_series,
        age,
        schools,
        monitoring,
        planning,
        text,
        releases,
        methods,
        date,
    })
}

/// The classes of a map's legend in words, for its text alternative: "13,8 – 22,8; 22,8 – 28,1; …".
pub(crate) fn class_labels(breaks: &domain::classify::Breaks) -> String {
    render::legend_entries(breaks).into_iter().map(|e| e.label).collect::<Vec<_>>().join("; ")
}

/// "+1,2", "−1,2", "±0,0": a signed number in German digits; what rounds to zero has no sign.
pub(crate) fn signed(x: f64, decimals: usize) -> String {
    let magnitude = render::format_de(x.abs(), decimals);
    let sign = if magnitude.chars().all(|c| matches!(c, '0' | ',' | '.')) {
        "±"
    } else if x > 0.0 {
        "+"
    } else {
        "−"
    };
    format!("{sign}{magnitude}")
}

/// The releases behind the numbers, oldest first, and the Datenstand: the import date of the
/// newest of them.
pub(crate) fn snapshot_notes(k: &KommuneAtlas, mut used: Vec<ReleaseId>) -> (Vec<ReleaseNote>, (i32, u8, u8)) {
    used.sort();
    used.dedup();
    let releases: Vec<&domain::Release> = used.iter().filter_map(|id| k.data.release(*id)).collect();
    let date = releases.iter().filter_map(|r| ymd(&r.imported_at)).max().unwrap_or((2000, 1, 1));
    let notes = releases
        .into_iter()
        .map(|r| ReleaseNote {
            id: r.id.0,
            title: r.title.clone(),
            source: r.provenance.source.clone(),
            licence: r.provenance.licence.clone(),
            sha256: r.sha256.clone(),
        })
        .collect();
    (notes, date)
}

/// Year, month and day of an RFC 3339 time stamp.
fn ymd(stamp: &str) -> Option<(i32, u8, u8)> {
    let y = stamp.get(0..4)?.parse().ok()?;
    let m = stamp.get(5..7)?.parse().ok()?;
    let d = stamp.get(8..10)?.parse().ok()?;
    Some((y, m, d))
}

pub(crate) fn method(d: &Definition) -> MethodNote {
    let formula = match &d.denominator {
        Some(den) => format!("{} × {} / {}", render::format_auto(d.factor), d.numerator, den),
        None => d.numerator.to_string(),
    };
    let interval = match d.kind {
        Kind::Proportion => "Signifikanz mit dem Wilson-Intervall (95 %).",
        Kind::Rate => "Signifikanz mit dem exakten Poisson-Intervall (95 %).",
        Kind::Ratio | Kind::Count => "Ohne Konfidenzintervall, daher ohne Signifikanzurteil.",
    };
    MethodNote {
        label: format!("{} ({})", d.label, d.unit),
        formula,
        source: d.source.clone(),
        note: format!("{} {interval}", d.interpretation),
    }
}

/// Per indicator group, a bar chart of the area's values relative to the city (city = 100).
fn group_charts(a: &Area, lines: &[IndicatorLine], values: &[(&Definition, Option<f64>, Option<f64>)]) -> Vec<Figure> {
    let mut groups: Vec<&str> = lines.iter().map(|l| l.group.as_str()).collect();
    groups.dedup();
    groups
        .into_iter()
        .filter_map(|group| {
            let bars: Vec<(&Definition, f64)> = lines
                .iter()
                .zip(values)
                .filter(|(l, _)| l.group == group)
                // Counts depend on the area's size; only rates and shares compare with the city.
                .filter(|(_, (d, _, _))| d.kind != Kind::Count)
                .filter_map(|(_, (d, own, city))| match (own, city) {
                    (Some(o), Some(c)) if *c != 0.0 => Some((*d, (100.0 * o / c).round())),
                    _ => None,
                })
                .collect();
            if bars.is_empty() {
                return None;
            }
            let title = format!("{group}: {} im Verhältnis zur Gesamtstadt (= 100)", a.name);
            let alt = format!(
                "Balkendiagramm, {}: {}",
                title,
                bars.iter()
                    .map(|(d, v)| format!("{} {}", d.label, render::format_de(*v, 0)))
                    .collect::<Vec<_>>()
                    .join("; ")
            );
            let svg = render::bar_chart(&render::BarChartSpec {
                title: &title,
                bars: bars
                    .iter()
                    .map(|(d, v)| render::Bar { key: d.key.as_str(), label: &d.label, value: Some(*v), href: None })
                    .collect(),
                reference: Some(render::Reference { label: "Gesamtstadt", value: 100.0 }),
                highlight: None,
                value_suffix: "",
                width: 560.0,
            });
            Some(Figure { caption: title, alt, svg, legend: None })
        })
        .collect()
}

/// The age structure of the area against `reference`: the categories of the first variable with an
/// `alter` breakdown, in its newest period.
fn age_figure(
    k: &KommuneAtlas,
    lv: &LayerVersion,
    a: &Area,
    reference: Option<(&LayerVersion, &Area)>,
    used: &mut Vec<ReleaseId>,
) -> Option<Figure> {
    let is_age = |s: &&web::atlas::Series| s.breakdown.pairs().len() == 1 && s.breakdown.pairs()[0].0 == "alter";
    let variable = k.series.iter().find(|s| is_age(s) && s.layers.contains(&lv.layer.key))?.variable.clone();
    let series: Vec<&web::atlas::Series> =
        k.series.iter().filter(|s| s.variable == variable && is_age(s) && s.layers.contains(&lv.layer.key)).collect();
    let period = *series.iter().filter_map(|s| s.periods.last()).max()?;
    let mut bands = Vec::new();
    for s in &series {
        let own = k.value(lv, a, s, period, Measure::ShareOfTotal);
        used.extend(own.releases.iter().copied());
        let comparison = reference.map(|(l, x)| k.value(l, x, s, period, Measure::ShareOfTotal));
        used.extend(comparison.iter().flat_map(|c| c.releases.iter().copied()));
        bands.push(render::AgeBand {
            label: &s.breakdown.pairs()[0].1,
            share: own.value,
            comparison: comparison.and_then(|c| c.value),
            by_sex: None,
        });
    }
    if bands.iter().all(|b| b.share.is_none()) {
        return None;
    }
    let comparison_name = reference.map(|(_, x)| x.name.as_str()).unwrap_or("");
    let alt = format!(
        "Altersaufbau {} {period}, Anteile in %{}: {}",
        a.name,
        if comparison_name.is_empty() { String::new() } else { format!(" (Vergleich: {comparison_name})") },
        bands
            .iter()
            .map(|b| format!("{} {}", b.label, b.share.map_or_else(|| "–".to_owned(), |x| render::format_de(x, 1))))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let svg = render::age_chart(&render::AgeChartSpec {
        title: &format!("Altersaufbau {} {period}", a.name),
        area_name: &a.name,
        comparison_name,
        bands,
        width: 560.0,
        height: 320.0,
    });
    Some(Figure { caption: format!("Altersaufbau {period} (Anteile in %)"), alt, svg, legend: None })
}

/// The layer on a map, shaded by the first key indicator, with the area highlighted.
fn locator(k: &KommuneAtlas, lv: &LayerVersion, a: &Area, d: Option<&Definition>) -> Figure {
    let period = d.and_then(|d| latest(k, d));
    let values: Vec<Option<f64>> =
        lv.areas.iter().map(|x| d.and_then(|d| k.indicator(d, lv, x, period).ok()).map(|c| c.value)).collect();
    let numbers: Vec<f64> = values.iter().flatten().copied().collect();
    let classes = breaks(&numbers, ClassMethod::Quantile, 5);
    let areas: Vec<render::MapArea<'_>> = lv
        .areas
        .iter()
        .zip(&values)
        .filter_map(|(x, v)| {
            Some(render::MapArea {
                key: x.key.as_str(),
                name: &x.name,
                geometry: x.geometry.as_ref()?,
                value: *v,
                value_text: match (d, v) {
                    (Some(d), Some(v)) => value_text(d, *v),
                    _ => "keine Angabe".to_owned(),
                },
                href: None,
            })
        })
        .collect();
    let shaded = d.map(|d| format!(", eingefärbt nach {} (Quintile)", d.label)).unwrap_or_default();
    let title = format!("Lage von {} in {}", a.name, k.data.kommune.name);
    let svg = render::choropleth(&render::ChoroplethSpec {
        title: &title,
        areas,
        breaks: classes.as_ref(),
        points: Vec::new(),
        highlight: Some(a.key.as_str()),
        width: 520.0,
        height: 400.0,
    });
    Figure {
        caption: format!(
            "Lage von {} unter den {} {} Gebieten der Ebene {}{shaded}",
            a.name,
            lv.areas.len(),
            k.data.kommune.name,
            lv.layer.name
        ),
        alt: format!(
            "Karte: die Gebiete der Ebene {} von {}{shaded}{}; {} ist hervorgehoben.",
            lv.layer.name,
            k.data.kommune.name,
            classes
                .as_ref()
                .filter(|_| d.is_some())
                .map(|b| format!(", Klassen {}", class_labels(b)))
                .unwrap_or_default(),
            a.name
        ),
        svg,
        legend: d
            .zip(classes.as_ref())
            .map(|(d, b)| render::legend(b, "Quintile", &d.unit, values.iter().any(Option::is_none))),
    }
}

/// The area's class in the newest edition of every index on this Kommune and layer.
fn monitoring(
    k: &KommuneAtlas,
    catalogue: &[Definition],
    lv: &LayerVersion,
    a: &Area,
    indices: &[IndexDefinition],
) -> Result<Vec<MonitoringClass>, BuildError> {
    let mut out = Vec::new();
    for def in indices.iter().filter(|d| d.kommune == k.data.kommune.key.as_str() && d.layer == lv.layer.key.as_str()) {
        let fail =
            |e: web::monitoring::EditionError| BuildError::Monitoring { index: def.key.clone(), reason: e.to_string() };
        // The newest edition that can be computed (a newer period may lack data for most areas).
        let mut newest = None;
        let mut failure = None;
        for period in web::monitoring::editions(k, catalogue, def).map_err(fail)?.into_iter().rev() {
            match web::monitoring::edition(k, catalogue, def, period) {
                Ok(e) => {
                    newest = Some((period, e));
                    break;
                }
                Err(e) => failure = Some(e),
            }
        }
        let (period, edition) = match (newest, failure) {
            (Some(found), _) => found,
            (None, Some(e)) => return Err(fail(e)),
            (None, None) => continue,
        };
        let Some(outcome) = edition.result.areas.iter().find(|o| o.key == a.key.as_str()) else { continue };
        let class = match (&outcome.code, &outcome.inclusion) {
            (Some(code), _) => format!("Klasse {code}"),
            (None, domain::monitoring::Inclusion::Excluded(reason)) => format!("nicht im Index ({reason})"),
            (None, domain::monitoring::Inclusion::TooSmall(n)) => {
                format!("nicht im Index (zu wenige Einwohner: {})", render::format_de(*n, 0))
            }
            (None, _) => "nicht im Index (keine Daten)".to_owned(),
        };
        out.push(MonitoringClass { index: def.title.clone(), period: period.to_string(), class });
    }
    Ok(out)
}

/// Per plan, the forecasts of the schools located in the area (base run): pupils and utilisation in
/// the first and the last forecast year, and the places free or missing at the end.
fn planning_tables(kommune: &str, schools: &[School], forecasts: &[SchoolForecast]) -> Vec<Table> {
    let mut plans: Vec<&str> = forecasts.iter().filter(|f| f.kommune == kommune).map(|f| f.plan.as_str()).collect();
    plans.dedup();
    plans
        .into_iter()
        .filter_map(|plan| {
            let lines: Vec<(&School, &SchoolForecast)> = schools
                .iter()
                .filter_map(|s| {
                    Some((s, forecasts.iter().find(|f| f.kommune == kommune && f.plan == plan && f.school == s.key)?))
                })
                .collect();
            let (_, f) = lines.first()?;
            let (first, last) = (school_year(f.years.0), school_year(f.years.1));
            let pct = |x: f64| format!("{} %", render::format_de(100.0 * x, 0));
            let none = || "–".to_owned();
            Some(Table {
                caption: format!("{plan}: Prognose der Schulen im Gebiet (Basis)"),
                header: vec![
                    "Schule".to_owned(),
                    "Schulform".to_owned(),
                    format!("Schüler {first}"),
                    format!("Auslastung {first}"),
                    format!("Schüler {last}"),
                    format!("Auslastung {last}"),
                    format!("Plätze frei (+) / fehlend (−) {last}"),
                ],
                numeric: vec![false, false, true, true, true, true, true],
                rows: lines
                    .iter()
                    .map(|(s, f)| {
                        vec![
                            s.name.clone(),
                            f.schulform.clone(),
                            f.first.map_or_else(none, |(p, _)| render::format_de(p, 0)),
                            f.first.map_or_else(none, |(_, u)| pct(u)),
                            f.last.map_or_else(none, |(p, _, _)| render::format_de(p, 0)),
                            f.last.map_or_else(none, |(_, u, _)| pct(u)),
                            f.last.map_or_else(none, |(_, _, b)| signed(b, 0)),
                        ]
                    })
                    .collect(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_planning_table_shows_the_schools_of_the_area_in_the_first_and_last_year() {
        let schools = [
            School { key: "100001".into(), name: "Grundschule am Hafen".into(), kind: "Grundschule".into() },
            School { key: "100002".into(), name: "Gymnasium Altstadt".into(), kind: "Gymnasium".into() },
        ];
        let forecast = |kommune: &str, school: &str| SchoolForecast {
            kommune: kommune.into(),
            plan: "SEP 2025".into(),
            school: school.into(),
            schulform: "Grundschule".into(),
            years: (2025, 2034),
            first: Some((201.4, 0.8392)),
            last: Some((260.6, 1.0858, -20.6)),
            releases: Vec::new(),
        };
        // The Gymnasium is not in the plan; a school of another Kommune with the same key is ignored.
        let forecasts = [forecast("anderswo", "100002"), forecast("testdorf", "100001")];
        let tables = planning_tables("testdorf", &schools, &forecasts);
        assert_eq!(tables.len(), 1);
        assert_eq!(tables[0].header[2..4], ["Schüler 2025/26", "Auslastung 2025/26"]);
        assert_eq!(tables[0].header[6], "Plätze frei (+) / fehlend (−) 2034/35");
        assert_eq!(
            tables[0].rows,
            [["Grundschule am Hafen", "Grundschule", "201", "84 %", "261", "109 %", "−21"].map(String::from)]
        );
        assert!(planning_tables("testdorf", &schools, &forecasts[..1]).is_empty());
    }
}
