//! A Sozialmonitoring run: one or more composite indices (status, dynamics) over the areas of one
//! edition, with the inclusion rules, the class codes, the combined code (Berlin's `2+/-`) and the
//! drivers of each area's index.
//!
//! The rows may come from a plain CSV file or from the store; this module does not care. An area
//! is in the index unless a person excluded it (with a reason), it has fewer inhabitants than the
//! minimum at either date of the window, or it has no value at all (an area that the edition does
//! not cover). An area with some values but not all is an error: silently dropping it would move
//! every other area's z-scores.
//!
//! ```
//! use domain::composite::{Aggregation, Cutter, IndexSpec, Normalisation, Sd};
//! use domain::monitoring::{AreaRow, MonitoringSpec, Part};
//! let part = Part {
//!     key: "status".into(),
//!     indicators: vec!["s1".into(), "s3".into(), "s4".into()],
//!     spec: IndexSpec {
//!         weights: vec![1.0; 3],
//!         normalisation: Normalisation::ZScore(Sd::Population),
//!         aggregation: Aggregation::Sum,
//!         restandardise: true,
//!         cutter: Cutter::Cuts(vec![-1.0, 1.0, 1.5]),
//!     },
//!     codes: vec!["1".into(), "2".into(), "3".into(), "4".into()],
//!     names: vec!["hoch".into(), "mittel".into(), "niedrig".into(), "sehr niedrig".into()],
//! };
//! let spec = MonitoringSpec { min_population: Some(300.0), exclusions: vec![], parts: vec![part], combined: None };
//! let row = |key: &str, population: f64, v: [f64; 3]| AreaRow {
//!     key: key.into(),
//!     name: key.into(),
//!     population: vec![Some(population)],
//!     values: vec![v.iter().map(|x| Some(*x)).collect()],
//! };
//! let rows = [
//!     row("A", 900.0, [2.0, 5.0, 10.0]), row("B", 900.0, [4.0, 12.0, 25.0]), row("C", 900.0, [6.0, 18.0, 45.0]),
//!     row("D", 900.0, [3.0, 8.0, 15.0]), row("E", 900.0, [9.0, 30.0, 70.0]), row("F", 900.0, [1.0, 3.0, 5.0]),
//!     row("G", 120.0, [30.0, 60.0, 90.0]),
//! ];
//! let result = spec.compute(&rows).unwrap();
//! assert_eq!(result.areas[4].code.as_deref(), Some("4"));
//! assert_eq!(result.areas[6].code, None); // fewer than 300 inhabitants: not in the index
//! ```

use std::collections::HashSet;

use crate::composite::{IndexError, IndexResult, IndexSpec};

/// An area that a person took out of the index, with the reason (e.g. an outlier such as an
/// industrial estate with a few residents).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusion {
    /// The area key.
    pub key: String,
    /// Why.
    pub reason: String,
}

/// One index of the run, e.g. the status index or the dynamics index.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// Its key, e.g. `status`; the combined code refers to it as `{status}`.
    pub key: String,
    /// The indicator names (CSV columns or variable keys), in the order of the spec's weights.
    pub indicators: Vec<String>,
    /// How the indicators become the index and its classes.
    pub spec: IndexSpec,
    /// The code of each class, lowest first, e.g. `1`…`4` or `+`, `+/-`, `-`.
    pub codes: Vec<String>,
    /// The name of each class, e.g. `hoch` … `sehr niedrig`.
    pub names: Vec<String>,
}

/// The whole method of a Sozialmonitoring edition.
#[derive(Debug, Clone, PartialEq)]
pub struct MonitoringSpec {
    /// Areas with fewer inhabitants than this at any date of the window are left out.
    pub min_population: Option<f64>,
    /// Areas left out by decision.
    pub exclusions: Vec<Exclusion>,
    /// The indices.
    pub parts: Vec<Part>,
    /// The combined code with `{part}` placeholders, e.g. `{status}{dynamik}`.
    pub combined: Option<String>,
}

/// The input of one area.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaRow {
    /// The area key.
    pub key: String,
    /// The area name.
    pub name: String,
    /// Inhabitants at each date of the window (missing where unknown).
    pub population: Vec<Option<f64>>,
    /// Per part, per indicator: the raw value (missing where unknown).
    pub values: Vec<Vec<Option<f64>>>,
}

/// Whether an area is in the index.
#[derive(Debug, Clone, PartialEq)]
pub enum Inclusion {
    /// In the index.
    Included,
    /// Left out by decision, with the reason.
    Excluded(String),
    /// Fewer inhabitants than the minimum: the smallest count in the window.
    TooSmall(f64),
    /// No value at all in this edition.
    NoData,
}

impl Inclusion {
    /// Why the area is not in the index, in the users' words; `None` if it is.
    pub fn reason(&self, min_population: Option<f64>) -> Option<String> {
        match self {
            Inclusion::Included => None,
            Inclusion::Excluded(reason) => Some(reason.clone()),
            Inclusion::TooSmall(n) => {
                Some(format!("weniger als {} Einwohner ({n})", min_population.unwrap_or_default()))
            }
            Inclusion::NoData => Some("keine Daten in dieser Ausgabe".to_owned()),
        }
    }
}

/// What one index says about one included area.
#[derive(Debug, Clone, PartialEq)]
pub struct PartOutcome {
    /// The normalised indicators (z-scores for the Berlin method).
    pub normalised: Vec<f64>,
    /// Their aggregate (the "Summe").
    pub aggregate: f64,
    /// The index.
    pub index: f64,
    /// The class, 0 the lowest.
    pub class: usize,
}

/// The outcome for one area.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaOutcome {
    /// The area key.
    pub key: String,
    /// The area name.
    pub name: String,
    /// Whether it is in the index.
    pub inclusion: Inclusion,
    /// Per part, for included areas.
    pub parts: Vec<PartOutcome>,
    /// The combined code (or the first part's class code), for included areas.
    pub code: Option<String>,
}

/// The outcome of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct MonitoringResult {
    /// Every area in input order.
    pub areas: Vec<AreaOutcome>,
    /// Per part, the index result over the included areas (in their input order).
    pub parts: Vec<IndexResult>,
    /// Per part, the raw values of the included areas (in their input order): the input of
    /// [`crate::sensitivity::analyse`].
    pub inputs: Vec<Vec<Vec<f64>>>,
    /// The number of included areas per code, sorted by code.
    pub counts: Vec<(String, usize)>,
}

/// Why a run cannot be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum MonitoringError {
    /// The same area twice.
    #[error("area {0} appears twice")]
    DuplicateArea(String),
    /// An included area lacks one value.
    #[error("area {area}: no value for {indicator} (give it, or exclude the area with a reason)")]
    MissingValue {
        /// The area key.
        area: String,
        /// The indicator.
        indicator: String,
    },
    /// The minimum population cannot be checked.
    #[error("area {0}: no population count, so the minimum population cannot be checked")]
    MissingPopulation(String),
    /// A part has not one code and one name per class of its cutter.
    #[error("index {part}: {codes} class codes and {names} names for {classes} classes")]
    ClassLabels {
        /// The part key.
        part: String,
        /// Codes given.
        codes: usize,
        /// Names given.
        names: usize,
        /// Classes the cutter makes.
        classes: usize,
    },
    /// The index itself failed.
    #[error("index {part}: {message}")]
    Index {
        /// The part key.
        part: String,
        /// The cause, naming areas and indicators.
        message: String,
    },
}

impl MonitoringSpec {
    /// Decides inclusion, computes every part over the included areas and labels the classes.
    pub fn compute(&self, rows: &[AreaRow]) -> Result<MonitoringResult, MonitoringError> {
        for part in &self.parts {
            let classes = part.spec.cutter.class_count();
            if part.codes.len() != classes || part.names.len() != classes {
                return Err(MonitoringError::ClassLabels {
                    part: part.key.clone(),
                    codes: part.codes.len(),
                    names: part.names.len(),
                    classes,
                });
            }
        }
        let mut seen = HashSet::with_capacity(rows.len());
        for row in rows {
            if !seen.insert(row.key.as_str()) {
                return Err(MonitoringError::DuplicateArea(row.key.clone()));
            }
        }
        let inclusions: Vec<Inclusion> = rows.iter().map(|row| self.inclusion(row)).collect::<Result<_, _>>()?;
        let included: Vec<&AreaRow> =
            rows.iter().zip(&inclusions).filter(|(_, i)| **i == Inclusion::Included).map(|(r, _)| r).collect();
        let mut parts = Vec::with_capacity(self.parts.len());
        let mut inputs = Vec::with_capacity(self.parts.len());
        for (p, part) in self.parts.iter().enumerate() {
            let values: Vec<Vec<f64>> = included
                .iter()
                .map(|row| {
                    part.indicators
                        .iter()
                        .enumerate()
                        .map(|(k, indicator)| {
                            row.values.get(p).and_then(|v| v.get(k)).copied().flatten().ok_or_else(|| {
                                MonitoringError::MissingValue { area: row.key.clone(), indicator: indicator.clone() }
                            })
                        })
                        .collect()
                })
                .collect::<Result<_, _>>()?;
            let result = part.spec.compute(&values).map_err(|e| MonitoringError::Index {
                part: part.key.clone(),
                message: describe(&e, &included, part),
            })?;
            parts.push(result);
            inputs.push(values);
        }
        // Every combination of classes has its code, made once: an edition of a whole Land has a
        // million areas but only a dozen codes. Combination = Σ classₚ · Π (classes of earlier parts).
        let sizes: Vec<usize> = self.parts.iter().map(|p| p.codes.len()).collect();
        let codes: Vec<String> = (0..sizes.iter().product::<usize>())
            .map(|mut c| {
                let classes: Vec<usize> = sizes
                    .iter()
                    .map(|size| {
                        let class = c % size;
                        c /= size;
                        class
                    })
                    .collect();
                self.code(&classes)
            })
            .collect();
        let mut per_code = vec![0usize; codes.len()];
        let mut n = 0;
        let areas = rows
            .iter()
            .zip(inclusions)
            .map(|(row, inclusion)| {
                if inclusion != Inclusion::Included {
                    return AreaOutcome {
                        key: row.key.clone(),
                        name: row.name.clone(),
                        inclusion,
                        parts: Vec::new(),
                        code: None,
                    };
                }
                let outcomes: Vec<PartOutcome> = parts
                    .iter()
                    .map(|r| PartOutcome {
                        normalised: r.normalised[n].clone(),
                        aggregate: r.aggregate[n],
                        index: r.index[n],
                        class: r.classes[n],
                    })
                    .collect();
                n += 1;
                let combination = outcomes.iter().zip(&sizes).rev().fold(0, |c, (o, size)| c * size + o.class);
                per_code[combination] += 1;
                let code = codes[combination].clone();
                AreaOutcome {
                    key: row.key.clone(),
                    name: row.name.clone(),
                    inclusion,
                    parts: outcomes,
                    code: Some(code),
                }
            })
            .collect();
        let mut counts: Vec<(String, usize)> = codes.into_iter().zip(per_code).filter(|(_, n)| *n > 0).collect();
        counts.sort();
        Ok(MonitoringResult { areas, parts, inputs, counts })
    }

    fn inclusion(&self, row: &AreaRow) -> Result<Inclusion, MonitoringError> {
        if let Some(e) = self.exclusions.iter().find(|e| e.key == row.key) {
            return Ok(Inclusion::Excluded(e.reason.clone()));
        }
        if row.values.iter().flatten().all(Option::is_none) {
            return Ok(Inclusion::NoData);
        }
        if let Some(min) = self.min_population {
            let counts: Vec<f64> = row
                .population
                .iter()
                .map(|p| p.ok_or_else(|| MonitoringError::MissingPopulation(row.key.clone())))
                .collect::<Result<_, _>>()?;
            let smallest = counts.into_iter().fold(f64::INFINITY, f64::min);
            if smallest.is_infinite() {
                return Err(MonitoringError::MissingPopulation(row.key.clone()));
            }
            if smallest < min {
                return Ok(Inclusion::TooSmall(smallest));
            }
        }
        Ok(Inclusion::Included)
    }

    /// The combined code of the classes of each part, or the first part's class code.
    fn code(&self, classes: &[usize]) -> String {
        match &self.combined {
            Some(format) => self
                .parts
                .iter()
                .zip(classes)
                .fold(format.clone(), |f, (part, c)| f.replace(&format!("{{{}}}", part.key), &part.codes[*c])),
            None => self.parts.first().zip(classes.first()).map(|(p, c)| p.codes[*c].clone()).unwrap_or_default(),
        }
    }
}

/// How much one indicator moves an area's index away from that of an average area.
#[derive(Debug, Clone, PartialEq)]
pub struct Driver {
    /// The indicator (its position among the part's indicators).
    pub indicator: usize,
    /// Its normalised value for the area.
    pub normalised: f64,
    /// Its contribution on the index scale: for sums and means |w|·(y − ȳ), divided by the
    /// aggregation's divisor and, when re-standardised, by the SD of the aggregate, so that the
    /// contributions add up to the index minus the index of an area with every indicator at its
    /// mean (for z-scores: to the index itself). For the geometric mean the contributions are on
    /// the logarithmic scale: (|w|/Σ|w|)·(ln y − mean ln y).
    pub contribution: f64,
}

impl Part {
    /// The drivers of the index of the included area in row `row` of `result` (this part's
    /// result), the strongest first.
    pub fn drivers(&self, result: &IndexResult, row: usize) -> Vec<Driver> {
        use crate::composite::{Aggregation, Normalisation, Sd, ZeroRule};
        let n = result.normalised.len() as f64;
        let weight_sum: f64 = self.spec.weights.iter().map(|w| w.abs()).sum();
        let column = |k: usize, f: &dyn Fn(f64) -> f64| result.normalised.iter().map(|r| f(r[k])).sum::<f64>() / n;
        let divisor = if self.spec.restandardise {
            let kind = match self.spec.normalisation {
                Normalisation::ZScore(kind) => kind,
                _ => Sd::Population,
            };
            let m = result.aggregate.iter().sum::<f64>() / n;
            let ss: f64 = result.aggregate.iter().map(|a| (a - m) * (a - m)).sum();
            let sd = (ss / if kind == Sd::Sample { n - 1.0 } else { n }).sqrt();
            if sd > 0.0 { sd } else { 1.0 }
        } else {
            1.0
        };
        let mut drivers: Vec<Driver> = self
            .spec
            .weights
            .iter()
            .enumerate()
            .map(|(k, w)| {
                let y = result.normalised[row][k];
                let contribution = match self.spec.aggregation {
                    Aggregation::Sum => w.abs() * (y - column(k, &|v| v)) / divisor,
                    Aggregation::WeightedMean => w.abs() * (y - column(k, &|v| v)) / weight_sum / divisor,
                    Aggregation::Geometric(rule) => {
                        let offset = match rule {
                            ZeroRule::Reject => 0.0,
                            ZeroRule::Offset(e) => e,
                        };
                        w.abs() / weight_sum * ((y + offset).ln() - column(k, &|v| (v + offset).ln()))
                    }
                };
                Driver { indicator: k, normalised: y, contribution }
            })
            .collect();
        drivers.sort_by(|a, b| b.contribution.abs().total_cmp(&a.contribution.abs()));
        drivers
    }
}

/// Index errors count rows among the included areas and columns among the part's indicators;
/// users know areas by key and indicators by name.
fn describe(error: &IndexError, included: &[&AreaRow], part: &Part) -> String {
    let area = |row: usize| included.get(row).map_or("?", |r| r.key.as_str());
    let indicator = |column: usize| part.indicators.get(column).map_or("?", String::as_str);
    match error {
        IndexError::Constant(c) if *c < part.indicators.len() => {
            format!("{} has the same value in every included area, so it cannot be standardised", indicator(*c))
        }
        IndexError::Constant(_) => "the aggregate has the same value in every included area".to_owned(),
        IndexError::NotFinite { row, column } => {
            format!("area {}, {}: not a finite number", area(*row), indicator(*column))
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests;
