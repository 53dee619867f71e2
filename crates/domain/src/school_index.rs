//! A school social index (Schulsozialindex): the social situation of the areas a school's pupils
//! live in, combined with the school's own pupil composition, cut into stages and compared with
//! published stages.
//!
//! The steps, each with its intermediate values in [`SchoolIndex`]:
//!
//! 1. **Where the pupils live.** Given residence counts (school × area × pupils) a school uses
//!    them; a school without any is given an **estimated catchment** ([`Catchment`]): every
//!    area's population (e.g. its children of school age) is shared among the schools *of the
//!    same Schulform* in proportion to `1 / max(d, floor)^power`, `d` the geodesic (Haversine)
//!    distance in metres from the area's representative point (its centroid) to the school.
//! 2. **Area component.** Per area indicator, the mean of the areas' values weighted by the
//!    school's pupils (counted or estimated) from each area.
//! 3. **Own component.** Optional shares per school (non-German family language, newcomers,
//!    special needs in learning, language, emotional and social development, …).
//! 4. **Index.** Every column (area indicators, then own shares) is z-standardised over the
//!    schools compared, unweighted and with the population SD (as in METHODS §1.3), and the
//!    z-scores are averaged with the configured weights: `Σ wₖ·zₖ / Σ |wₖ|`. A negative weight
//!    turns a column around (higher value = less burden).
//! 5. **Stage** `1 + class` of the configured [`Cutter`], e.g. the NRW hybrid (top 5 % → 9, the
//!    rest in 8 equal-width stages).
//!
//! [`agreement`] compares computed with published stages: exact and ±1 agreement, Spearman's rank
//! correlation and the confusion matrix, in total and per Schulform.
//!
//! ```
//! use domain::composite::Cutter;
//! use domain::school_index::{AreaInput, Catchment, SchoolIndexConfig, SchoolInput, compute};
//! use geo::Point;
//! let school = |id: &str, lon: f64| SchoolInput {
//!     id: id.into(), schulform: "Grundschule".into(), location: Point::new(lon, 50.9), own: None,
//! };
//! let area = |key: &str, lon: f64, share: f64| AreaInput {
//!     key: key.into(), centroid: Point::new(lon, 50.9), population: 100.0, indicators: vec![share],
//! };
//! let config = SchoolIndexConfig {
//!     area_weights: vec![1.0],
//!     own_weights: vec![],
//!     catchment: Catchment { power: 2.0, floor_m: 100.0 },
//!     cutter: Cutter::EqualWidth(2),
//! };
//! let r = compute(&[school("a", 6.90), school("b", 7.00)], &[area("x", 6.90, 10.0), area("y", 7.00, 50.0)], &[], &config)
//!     .unwrap();
//! assert_eq!((r.schools[0].stage, r.schools[1].stage), (1, 2));
//! assert!(r.schools[0].area_component[0] < 11.0 && r.schools[1].area_component[0] > 49.0);
//! ```

use std::collections::{BTreeMap, HashMap};

use geo::{Centroid, Distance, Haversine, Point};

use crate::Area;
use crate::composite::{Aggregation, Cutter, IndexError, IndexSpec, Normalisation, Sd, mid_ranks};

/// A school to be indexed.
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolInput {
    /// The school's key (e.g. the NRW Schulnummer).
    pub id: String,
    /// The Schulform; catchments are estimated among the schools of the same Schulform.
    pub schulform: String,
    /// Location in WGS84 longitude/latitude.
    pub location: Point<f64>,
    /// The school's own pupil composition, one share per own column of the configuration, if known.
    pub own: Option<Vec<f64>>,
}

/// An area the pupils live in.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaInput {
    /// The area's key.
    pub key: String,
    /// Its representative point (the centroid) in WGS84 longitude/latitude.
    pub centroid: Point<f64>,
    /// The population shared among the schools by the estimated catchment (e.g. children 6–18).
    pub population: f64,
    /// One value per area indicator of the configuration (e.g. the share with migration background).
    pub indicators: Vec<f64>,
}

/// Known pupils of a school living in an area (from the school statistics).
#[derive(Debug, Clone, PartialEq)]
pub struct Residence {
    /// The school's key.
    pub school: String,
    /// The area's key.
    pub area: String,
    /// The number of pupils.
    pub pupils: f64,
}

/// The rule of the estimated catchment: each area's population is shared among the schools of a
/// Schulform in proportion to `1 / max(d, floor_m)^power`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Catchment {
    /// The exponent of the inverse distance (2: the gravity model's usual choice).
    pub power: f64,
    /// The smallest distance used, in metres, so that a school at an area's centroid does not take
    /// all of its pupils.
    pub floor_m: f64,
}

/// How the index is built. Deliberately no `Default`: every weight is a stated choice.
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolIndexConfig {
    /// One weight per area indicator ([`AreaInput::indicators`]).
    pub area_weights: Vec<f64>,
    /// One weight per own share ([`SchoolInput::own`]); empty when no school composition is used.
    pub own_weights: Vec<f64>,
    /// The catchment rule for schools without residence counts.
    pub catchment: Catchment,
    /// The stage cutter; stage = class + 1.
    pub cutter: Cutter,
}

/// Where a school's residence weights come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeightSource {
    /// Counted pupils per area ([`Residence`]).
    Residence,
    /// The estimated catchment ([`Catchment`]).
    Estimated,
}

/// Every intermediate value of one school.
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolResult {
    /// The school's key.
    pub id: String,
    /// Its Schulform.
    pub schulform: String,
    /// Where the weights come from.
    pub source: WeightSource,
    /// Pupils (counted or estimated) per area with a positive weight, by area key.
    pub weights: Vec<(String, f64)>,
    /// The residence-weighted mean of each area indicator.
    pub area_component: Vec<f64>,
    /// The own shares, if used.
    pub own_component: Option<Vec<f64>>,
    /// The z-score of every column: area indicators, then own shares.
    pub z: Vec<f64>,
    /// The index: weighted mean of the z-scores.
    pub index: f64,
    /// The stage, 1 the lowest burden.
    pub stage: usize,
}

/// The index of all schools compared, in input order.
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolIndex {
    /// One result per school.
    pub schools: Vec<SchoolResult>,
}

/// Why a school index cannot be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SchoolIndexError {
    /// The configuration has no column with a non-zero weight.
    #[error("the configuration has no weighted column")]
    NoColumns,
    /// An area has another number of indicator values than there are area weights.
    #[error("area {area} has {found} indicator values, expected {expected}")]
    AreaWidth {
        /// The area.
        area: String,
        /// Values found.
        found: usize,
        /// Weights configured.
        expected: usize,
    },
    /// A school lacks its own composition, or has another number of shares than configured.
    #[error("school {school} has {found} own shares, expected {expected}")]
    OwnWidth {
        /// The school.
        school: String,
        /// Shares found (0 when none are given).
        found: usize,
        /// Weights configured.
        expected: usize,
    },
    /// A number that must be finite (and not negative, for populations and pupils) is not.
    #[error("{what}: not a finite, non-negative number")]
    BadNumber {
        /// Which value.
        what: String,
    },
    /// A residence count names an area that is not among the areas.
    #[error("residence of school {school}: unknown area {area}")]
    UnknownArea {
        /// The school.
        school: String,
        /// The unknown area key.
        area: String,
    },
    /// A residence count names a school that is not among the schools.
    #[error("residence counts name an unknown school {0}")]
    UnknownSchool(String),
    /// The catchment rule has a negative exponent or a floor that is not positive.
    #[error("the catchment needs a power ≥ 0 and a floor > 0 metres")]
    BadCatchment,
    /// A school has no pupils from any area (all weights zero).
    #[error("school {0} has no pupils in any area")]
    EmptyCatchment(String),
    /// The z-standardisation or weighting failed (too few schools, a constant column).
    #[error(transparent)]
    Index(#[from] IndexError),
}

fn check(x: f64, what: impl FnOnce() -> String) -> Result<f64, SchoolIndexError> {
    if x.is_finite() && x >= 0.0 { Ok(x) } else { Err(SchoolIndexError::BadNumber { what: what() }) }
}

/// The estimated catchment: for each school (in input order) the population it draws from each
/// area, `population(a) · s(a, school)`, where `s` shares the area among the schools of the same
/// Schulform in proportion to `1 / max(d, floor_m)^power` (Haversine distance in metres from the
/// area's centroid). Every area's population is fully distributed within each Schulform.
pub fn estimate_catchment(schools: &[SchoolInput], areas: &[AreaInput], rule: Catchment) -> Vec<Vec<f64>> {
    let mut by_form: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, s) in schools.iter().enumerate() {
        by_form.entry(s.schulform.as_str()).or_default().push(i);
    }
    let mut weights = vec![vec![0.0; areas.len()]; schools.len()];
    for members in by_form.values() {
        for (a, area) in areas.iter().enumerate() {
            let pull: Vec<f64> = members
                .iter()
                .map(|&s| Haversine.distance(area.centroid, schools[s].location).max(rule.floor_m).powf(-rule.power))
                .collect();
            let total: f64 = pull.iter().sum();
            for (&s, p) in members.iter().zip(pull) {
                weights[s][a] = area.population * p / total;
            }
        }
    }
    weights
}

/// An area's representative point for the catchment: the centroid of its geometry (`None`
/// without a geometry or for an empty one).
pub fn centroid(area: &Area) -> Option<Point<f64>> {
    area.geometry.as_ref().and_then(|g| g.centroid())
}

/// Residence-weighted means of the area indicators; `None` when the weights sum to zero.
pub fn area_component(weights: &[f64], areas: &[AreaInput]) -> Option<Vec<f64>> {
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        return None;
    }
    let k = areas.first().map_or(0, |a| a.indicators.len());
    Some((0..k).map(|c| weights.iter().zip(areas).map(|(w, a)| w * a.indicators[c]).sum::<f64>() / total).collect())
}

fn validate(
    schools: &[SchoolInput],
    areas: &[AreaInput],
    residence: &[Residence],
    config: &SchoolIndexConfig,
) -> Result<(), SchoolIndexError> {
    if config.area_weights.iter().chain(&config.own_weights).all(|w| *w == 0.0) {
        return Err(SchoolIndexError::NoColumns);
    }
    let rule = config.catchment;
    if !(rule.power >= 0.0 && rule.floor_m > 0.0 && rule.power.is_finite() && rule.floor_m.is_finite()) {
        return Err(SchoolIndexError::BadCatchment);
    }
    for a in areas {
        if a.indicators.len() != config.area_weights.len() {
            return Err(SchoolIndexError::AreaWidth {
                area: a.key.clone(),
                found: a.indicators.len(),
                expected: config.area_weights.len(),
            });
        }
        check(a.population, || format!("population of area {}", a.key))?;
        if a.indicators.iter().any(|x| !x.is_finite()) {
            return Err(SchoolIndexError::BadNumber { what: format!("indicator of area {}", a.key) });
        }
    }
    for s in schools {
        let own = s.own.as_deref().unwrap_or_default();
        if !config.own_weights.is_empty() && own.len() != config.own_weights.len() {
            return Err(SchoolIndexError::OwnWidth {
                school: s.id.clone(),
                found: own.len(),
                expected: config.own_weights.len(),
            });
        }
        if own.iter().any(|x| !x.is_finite()) {
            return Err(SchoolIndexError::BadNumber { what: format!("own share of school {}", s.id) });
        }
    }
    for r in residence {
        check(r.pupils, || format!("pupils of school {} in area {}", r.school, r.area))?;
    }
    Ok(())
}

/// Computes the index of `schools` (all of them form the comparison group of the z-scores) from
/// the `areas` their pupils live in. `residence` may be empty; schools without residence counts
/// get the estimated catchment.
pub fn compute(
    schools: &[SchoolInput],
    areas: &[AreaInput],
    residence: &[Residence],
    config: &SchoolIndexConfig,
) -> Result<SchoolIndex, SchoolIndexError> {
    validate(schools, areas, residence, config)?;
    let area_index: HashMap<&str, usize> = areas.iter().enumerate().map(|(i, a)| (a.key.as_str(), i)).collect();
    let school_index: HashMap<&str, usize> = schools.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
    let mut counted: Vec<Option<Vec<f64>>> = vec![None; schools.len()];
    for r in residence {
        let s =
            *school_index.get(r.school.as_str()).ok_or_else(|| SchoolIndexError::UnknownSchool(r.school.clone()))?;
        let a = *area_index
            .get(r.area.as_str())
            .ok_or_else(|| SchoolIndexError::UnknownArea { school: r.school.clone(), area: r.area.clone() })?;
        counted[s].get_or_insert_with(|| vec![0.0; areas.len()])[a] += r.pupils;
    }
    let estimated = estimate_catchment(schools, areas, config.catchment);
    let use_own = !config.own_weights.is_empty();
    let mut rows = Vec::with_capacity(schools.len());
    let mut partial = Vec::with_capacity(schools.len());
    for ((school, counted), estimated) in schools.iter().zip(counted).zip(estimated) {
        let (source, w) = match counted {
            Some(w) => (WeightSource::Residence, w),
            None => (WeightSource::Estimated, estimated),
        };
        let area = area_component(&w, areas).ok_or_else(|| SchoolIndexError::EmptyCatchment(school.id.clone()))?;
        let own = use_own.then(|| school.own.clone().unwrap_or_default());
        rows.push(area.iter().chain(own.iter().flatten()).copied().collect::<Vec<f64>>());
        let weights =
            areas.iter().zip(w).filter(|(_, w)| *w > 0.0).map(|(a, w)| (a.key.clone(), w)).collect::<Vec<_>>();
        partial.push((source, weights, area, own));
    }
    let spec = IndexSpec {
        weights: config.area_weights.iter().chain(&config.own_weights).copied().collect(),
        normalisation: Normalisation::ZScore(Sd::Population),
        aggregation: Aggregation::WeightedMean,
        restandardise: false,
        cutter: config.cutter.clone(),
    };
    let result = spec.compute(&rows)?;
    let schools = schools
        .iter()
        .zip(partial)
        .zip(result.normalised)
        .zip(result.index.iter().zip(&result.classes))
        .map(|(((school, (source, weights, area_component, own_component)), z), (&index, &class))| SchoolResult {
            id: school.id.clone(),
            schulform: school.schulform.clone(),
            source,
            weights,
            area_component,
            own_component,
            z,
            index,
            stage: class + 1,
        })
        .collect();
    Ok(SchoolIndex { schools })
}

/// One school's computed and published stage (and its index value), for [`agreement`].
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// The Schulform, to report per Schulform.
    pub schulform: String,
    /// The computed index value.
    pub index: f64,
    /// The computed stage, 1–9.
    pub computed: usize,
    /// The published stage, 1–9.
    pub published: usize,
}

/// Agreement of computed with published stages over a set of schools.
#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    /// Number of schools.
    pub n: usize,
    /// Share (0–1) of schools whose computed stage equals the published one.
    pub exact: f64,
    /// Share (0–1) of schools whose computed stage differs by at most one.
    pub within_one: f64,
    /// Spearman's rank correlation of computed and published stage (`None` if either is constant).
    pub spearman_stage: Option<f64>,
    /// Spearman's rank correlation of the computed index and the published stage.
    pub spearman_index: Option<f64>,
    /// `confusion[p][c]`: schools with published stage `p + 1` and computed stage `c + 1`; the
    /// matrix is as large as the highest stage seen.
    pub confusion: Vec<Vec<usize>>,
}

/// The agreement in total and per Schulform (sorted by name).
#[derive(Debug, Clone, PartialEq)]
pub struct AgreementReport {
    /// All schools.
    pub total: Agreement,
    /// Per Schulform.
    pub by_schulform: Vec<(String, Agreement)>,
}

fn agreement_of(rows: &[&Comparison]) -> Option<Agreement> {
    if rows.is_empty() {
        return None;
    }
    let n = rows.len();
    let exact = rows.iter().filter(|r| r.computed == r.published).count() as f64 / n as f64;
    let within_one = rows.iter().filter(|r| r.computed.abs_diff(r.published) <= 1).count() as f64 / n as f64;
    let published: Vec<f64> = rows.iter().map(|r| r.published as f64).collect();
    let computed: Vec<f64> = rows.iter().map(|r| r.computed as f64).collect();
    let index: Vec<f64> = rows.iter().map(|r| r.index).collect();
    let size = rows.iter().map(|r| r.computed.max(r.published)).max().unwrap_or(0);
    let mut confusion = vec![vec![0; size]; size];
    for r in rows {
        if r.computed > 0 && r.published > 0 {
            confusion[r.published - 1][r.computed - 1] += 1;
        }
    }
    Some(Agreement {
        n,
        exact,
        within_one,
        spearman_stage: spearman(&computed, &published),
        spearman_index: spearman(&index, &published),
        confusion,
    })
}

/// Compares computed with published stages; `None` without any school.
pub fn agreement(rows: &[Comparison]) -> Option<AgreementReport> {
    let all: Vec<&Comparison> = rows.iter().collect();
    let total = agreement_of(&all)?;
    let mut groups: BTreeMap<&str, Vec<&Comparison>> = BTreeMap::new();
    for r in rows {
        groups.entry(r.schulform.as_str()).or_default().push(r);
    }
    let by_schulform =
        groups.into_iter().filter_map(|(form, rows)| Some((form.to_owned(), agreement_of(&rows)?))).collect();
    Some(AgreementReport { total, by_schulform })
}

/// Spearman's rank correlation: Pearson's correlation of the mid-ranks (so ties are handled
/// exactly). `None` for fewer than two pairs, unequal lengths, non-finite values or a constant
/// series.
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    if x.len() != y.len() || x.len() < 2 || x.iter().chain(y).any(|v| !v.is_finite()) {
        return None;
    }
    let (rx, ry) = (mid_ranks(x), mid_ranks(y));
    let mean = (x.len() as f64 + 1.0) / 2.0;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in rx.iter().zip(&ry) {
        sxy += (a - mean) * (b - mean);
        sxx += (a - mean) * (a - mean);
        syy += (b - mean) * (b - mean);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

#[cfg(test)]
mod tests;
