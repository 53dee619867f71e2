//! Sozialmonitoring on the store: the rows of an index edition are read from a Kommune's data,
//! the computation itself is [`domain::monitoring`].
//!
//! An indicator name in an index definition is a catalogue indicator (computed for each area as on
//! the indicator pages) or, failing that, a variable key (its total). A part with a window of `w`
//! years takes the change `value(t) − value(t − w)`; the population is read at every date of the
//! window, so the minimum-population rule applies "at either date".

use std::collections::BTreeSet;

use domain::indicator::Definition;
use domain::monitoring::{AreaRow, MonitoringError, MonitoringResult, MonitoringSpec};
use domain::sensitivity::{Alternatives, Sensitivity, analyse};
use domain::{Area, Breakdown, Period, Value, VariableKey};
use store::LayerVersion;

use crate::atlas::KommuneAtlas;

/// A composite index that the atlas offers on one layer of one Kommune.
#[derive(Debug, Clone)]
pub struct IndexDefinition {
    /// Key in URLs, e.g. `berlin-mss`.
    pub key: String,
    /// Title, e.g. "Monitoring Soziale Stadtentwicklung".
    pub title: String,
    /// What the index is for and where the method comes from.
    pub description: String,
    /// The Kommune.
    pub kommune: String,
    /// The layer of the areas.
    pub layer: String,
    /// Names of the population count (indicator or variable), read at every date of the window.
    pub population: Vec<String>,
    /// Per part, 0 for levels or the number of years over which the change is taken.
    pub windows: Vec<i32>,
    /// The method.
    pub spec: MonitoringSpec,
    /// The codes that make an area an Aufmerksamkeitsgebiet, e.g. `3+/-`, `4-`.
    pub attention: Vec<String>,
    /// Per part, the alternatives of the Monte Carlo sensitivity analysis, if one is configured.
    pub sensitivity: Vec<Option<domain::sensitivity::Alternatives>>,
}

impl IndexDefinition {
    /// Every date of the window ending at `period`, the latest first.
    fn dates(&self, period: Period) -> Vec<Period> {
        let mut years: Vec<i32> = std::iter::once(0).chain(self.windows.iter().copied()).collect();
        years.sort_unstable();
        years.dedup();
        years.into_iter().map(|w| period.years_before(w)).collect()
    }
}

/// One edition of an index: the rows read from the store and the outcome.
#[derive(Debug)]
pub struct Edition<'a> {
    /// The period of the edition (the end of its window).
    pub period: Period,
    /// The layer version valid in that period.
    pub layer: &'a LayerVersion,
    /// The input rows, one per area of the layer, in key order.
    pub rows: Vec<AreaRow>,
    /// The outcome.
    pub result: MonitoringResult,
}

/// How one name of an index definition is read.
enum Source<'a> {
    Indicator(&'a Definition),
    Variable(VariableKey),
}

fn source<'a>(k: &KommuneAtlas, catalogue: &'a [Definition], name: &str) -> Option<Source<'a>> {
    if let Some(d) = catalogue.iter().find(|d| d.key.as_str() == name) {
        return Some(Source::Indicator(d));
    }
    k.data.variable(name).map(|v| Source::Variable(v.variable.key.clone()))
}

fn periods_of(k: &KommuneAtlas, source: &Source<'_>) -> BTreeSet<Period> {
    match source {
        Source::Indicator(d) => k.indicator_periods(d).into_iter().collect(),
        Source::Variable(v) => k
            .series
            .iter()
            .filter(|s| &s.variable == v && s.breakdown == Breakdown::TOTAL)
            .flat_map(|s| s.periods.iter().copied())
            .collect(),
    }
}

fn value(k: &KommuneAtlas, layer: &LayerVersion, area: &Area, source: &Source<'_>, period: Period) -> Option<f64> {
    match source {
        Source::Indicator(d) => k.indicator(d, layer, area, Some(period)).ok().map(|c| c.value),
        Source::Variable(v) => match k.cell(&layer.layer.key, v, &Breakdown::TOTAL, period, &area.key)? {
            (Value::Number(x), _) => Some(x),
            (Value::Symbol(_), _) => None,
        },
    }
}

/// Per part, the sensitivity of the ranks to the method choices, where `alternatives` has some: `analyse` over the included areas of the edition.
pub fn sensitivity(
    spec: &MonitoringSpec,
    alternatives: &[Option<Alternatives>],
    result: &MonitoringResult,
) -> Result<Vec<Option<Sensitivity>>, domain::sensitivity::SensitivityError> {
    spec.parts
        .iter()
        .zip(alternatives)
        .zip(&result.inputs)
        .map(|((part, alternatives), rows)| alternatives.as_ref().map(|a| analyse(rows, &part.spec, a)).transpose())
        .collect()
}

/// The label of an indicator name: the catalogue indicator's or the variable's, else the name.
pub fn label(k: &KommuneAtlas, catalogue: &[Definition], name: &str) -> String {
    match source(k, catalogue, name) {
        Some(Source::Indicator(d)) => d.label.clone(),
        Some(Source::Variable(v)) => {
            k.data.variable(v.as_str()).map_or_else(|| name.to_owned(), |i| i.variable.label.clone())
        }
        None => name.to_owned(),
    }
}

/// Why an index cannot be shown.
#[derive(Debug, thiserror::Error)]
pub enum EditionError {
    /// A name is neither a catalogue indicator nor a variable of the Kommune.
    #[error("{0:?} is neither an indicator of the catalogue nor a variable of this Kommune")]
    UnknownName(String),
    /// The layer has no version valid in the period.
    #[error("the layer {layer} has no areas valid in {period}")]
    NoLayer {
        /// The layer key.
        layer: String,
        /// The period.
        period: Period,
    },
    /// The method failed on the data.
    #[error(transparent)]
    Monitoring(#[from] MonitoringError),
}

/// The periods in which every indicator of the definition has data (for a window, at both ends)
/// in at least two areas.
pub fn editions(
    k: &KommuneAtlas,
    catalogue: &[Definition],
    def: &IndexDefinition,
) -> Result<Vec<Period>, EditionError> {
    let mut common: Option<BTreeSet<Period>> = None;
    for (part, window) in def.spec.parts.iter().zip(&def.windows) {
        for name in &part.indicators {
            let s = source(k, catalogue, name).ok_or_else(|| EditionError::UnknownName(name.clone()))?;
            let periods = periods_of(k, &s);
            let usable: BTreeSet<Period> =
                periods.iter().copied().filter(|p| periods.contains(&p.years_before(*window))).collect();
            common = Some(match common {
                None => usable,
                Some(c) => c.intersection(&usable).copied().collect(),
            });
        }
    }
    // A variable can have data in a year for which an indicator built on it has none (another
    // breakdown, say): an edition needs two areas with every value.
    let complete = |p: &Period| {
        read_rows(k, catalogue, def, *p)
            .is_ok_and(|(_, rows)| rows.iter().filter(|r| r.values.iter().flatten().all(Option::is_some)).count() >= 2)
    };
    Ok(common.unwrap_or_default().into_iter().filter(complete).collect())
}

/// Reads the rows of the edition ending in `period` and computes it.
pub fn edition<'a>(
    k: &'a KommuneAtlas,
    catalogue: &[Definition],
    def: &IndexDefinition,
    period: Period,
) -> Result<Edition<'a>, EditionError> {
    let (layer, rows) = read_rows(k, catalogue, def, period)?;
    let result = def.spec.compute(&rows)?;
    Ok(Edition { period, layer, rows, result })
}

/// The layer version valid in `period` and one row per area of it.
fn read_rows<'a>(
    k: &'a KommuneAtlas,
    catalogue: &[Definition],
    def: &IndexDefinition,
    period: Period,
) -> Result<(&'a LayerVersion, Vec<AreaRow>), EditionError> {
    let layer = k
        .data
        .layer(&def.layer, Some(period.start_year()))
        .ok_or_else(|| EditionError::NoLayer { layer: def.layer.clone(), period })?;
    let resolve = |name: &String| source(k, catalogue, name).ok_or_else(|| EditionError::UnknownName(name.clone()));
    let population: Vec<Source<'_>> = def.population.iter().map(resolve).collect::<Result<_, _>>()?;
    let parts: Vec<Vec<Source<'_>>> = def
        .spec
        .parts
        .iter()
        .map(|p| p.indicators.iter().map(resolve).collect::<Result<Vec<_>, _>>())
        .collect::<Result<_, _>>()?;
    let dates = def.dates(period);
    let rows: Vec<AreaRow> = layer
        .areas
        .iter()
        .map(|area| AreaRow {
            key: area.key.as_str().to_owned(),
            name: area.name.clone(),
            population: population
                .iter()
                .flat_map(|s| dates.iter().map(move |d| (s, *d)))
                .map(|(s, d)| value(k, layer, area, s, d))
                .collect(),
            values: parts
                .iter()
                .zip(&def.windows)
                .map(|(sources, window)| {
                    sources
                        .iter()
                        .map(|s| {
                            let now = value(k, layer, area, s, period)?;
                            match window {
                                0 => Some(now),
                                w => Some(now - value(k, layer, area, s, period.years_before(*w))?),
                            }
                        })
                        .collect()
                })
                .collect(),
        })
        .collect();
    Ok((layer, rows))
}

/// Writes one row per area to `out`: key, name, why it is left out, the raw values, and per part
/// every intermediate value; full precision (shortest round-trip form), `;`-separated.
pub fn write_csv<W: std::io::Write>(
    out: W,
    spec: &MonitoringSpec,
    rows: &[AreaRow],
    result: &MonitoringResult,
) -> Result<(), csv::Error> {
    let mut w = csv::WriterBuilder::new().delimiter(b';').from_writer(out);
    let mut header = vec!["schluessel".to_owned(), "name".to_owned(), "ausgeschlossen".to_owned()];
    for p in &spec.parts {
        header.extend(p.indicators.iter().map(|i| format!("{}_wert_{i}", p.key)));
        header.extend(p.indicators.iter().map(|i| format!("{}_z_{i}", p.key)));
        header.extend([format!("{}_summe", p.key), format!("{}_index", p.key), format!("{}_klasse", p.key)]);
    }
    header.push("code".to_owned());
    w.write_record(&header)?;
    let mut buffer = ryu::Buffer::new();
    // Whole numbers without ".0", as people write them (500, -1); the rest in ryu's shortest form.
    let mut number = |w: &mut csv::Writer<W>, x: Option<f64>| -> Result<(), csv::Error> {
        match x.filter(|x| x.is_finite()) {
            Some(x) => {
                let text = buffer.format_finite(x);
                w.write_field(text.strip_suffix(".0").unwrap_or(text))
            }
            None => w.write_field(""),
        }
    };
    for (row, a) in rows.iter().zip(&result.areas) {
        w.write_field(&a.key)?;
        w.write_field(&a.name)?;
        w.write_field(a.inclusion.reason(spec.min_population).unwrap_or_default())?;
        for (i, p) in spec.parts.iter().enumerate() {
            let raw = row.values.get(i);
            for k in 0..p.indicators.len() {
                number(&mut w, raw.and_then(|v| v.get(k)).copied().flatten())?;
            }
            match a.parts.get(i) {
                Some(o) => {
                    for z in &o.normalised {
                        number(&mut w, Some(*z))?;
                    }
                    number(&mut w, Some(o.aggregate))?;
                    number(&mut w, Some(o.index))?;
                    w.write_field(&p.codes[o.class])?;
                }
                None => {
                    for _ in 0..p.indicators.len() + 3 {
                        w.write_field("")?;
                    }
                }
            }
        }
        w.write_field(a.code.as_deref().unwrap_or_default())?;
        w.write_record(None::<&[u8]>)?;
    }
    w.flush()?;
    Ok(())
}
