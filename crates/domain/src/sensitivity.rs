//! Monte Carlo sensitivity of a composite index (OECD/JRC Handbook, step 7): how far do the ranks
//! of the areas move when the method choices that could reasonably have been made otherwise are
//! drawn at random – another normalisation, weights a little off, one indicator left out?
//!
//! Each run draws, in this order, a normalisation from [`Alternatives::normalisations`], a factor
//! for each weight from [1 − spread, 1 + spread], and the indicator to leave out; it computes the
//! index with the base aggregation, re-standardisation and cutter, and ranks the areas (rank 1 =
//! highest index, the most burdened area; ties share their mean rank). The draws come from
//! ChaCha8 seeded with [`Alternatives::seed`], so a seed always gives the same result.
//!
//! ```
//! use domain::composite::{Aggregation, Cutter, IndexSpec, Normalisation, Sd};
//! use domain::sensitivity::{Alternatives, analyse};
//! let rows = vec![vec![1.0, 2.0], vec![2.0, 1.0], vec![3.0, 3.0], vec![4.0, 5.0]];
//! let base = IndexSpec {
//!     weights: vec![1.0, 1.0],
//!     normalisation: Normalisation::ZScore(Sd::Population),
//!     aggregation: Aggregation::Sum,
//!     restandardise: true,
//!     cutter: Cutter::Quantiles(2),
//! };
//! let alternatives = Alternatives {
//!     normalisations: vec![Normalisation::MinMax, Normalisation::Rank],
//!     weight_spread: 0.25,
//!     drop_one: false,
//!     runs: 200,
//!     seed: 7,
//! };
//! let s = analyse(&rows, &base, &alternatives).unwrap();
//! // The highest area is first in every run.
//! assert_eq!((s.areas[3].base_rank, s.areas[3].rank_q95), (1.0, 1.0));
//! assert_eq!(s, analyse(&rows, &base, &alternatives).unwrap());
//! ```

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use statrs::statistics::{Data, OrderStatistics};

use crate::composite::{IndexError, IndexSpec, Normalisation, mid_ranks};

/// The method choices drawn in each run.
#[derive(Debug, Clone, PartialEq)]
pub struct Alternatives {
    /// Normalisations to draw from with equal probability (a goalposts normalisation has one
    /// entry per indicator of the base); empty keeps the base normalisation.
    pub normalisations: Vec<Normalisation>,
    /// Each weight is multiplied by a factor drawn uniformly from [1 − spread, 1 + spread], e.g.
    /// 0.25 for ±25 %; 0 keeps the weights. Must lie in [0, 1), so no weight changes its sign.
    pub weight_spread: f64,
    /// Leave out one indicator, drawn with equal probability, in every run.
    pub drop_one: bool,
    /// Number of runs.
    pub runs: usize,
    /// Seed of the random generator.
    pub seed: u64,
}

/// How the rank and class of one area vary over the runs.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaSensitivity {
    /// Rank with the base method, 1 for the highest index.
    pub base_rank: f64,
    /// Median rank over the runs.
    pub median_rank: f64,
    /// 5 % quantile of the ranks (statrs: R's type 8).
    pub rank_q05: f64,
    /// 95 % quantile of the ranks.
    pub rank_q95: f64,
    /// Share of the runs in which the area kept its base class.
    pub kept_class: f64,
}

/// The result of a sensitivity analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct Sensitivity {
    /// One entry per area, in input order.
    pub areas: Vec<AreaSensitivity>,
    /// Mean over runs and areas of |rank in the run − base rank|.
    pub mean_rank_shift: f64,
}

/// Why a sensitivity analysis cannot be run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SensitivityError {
    /// Zero runs were asked for.
    #[error("a sensitivity analysis needs at least one run")]
    NoRuns,
    /// The weight spread is not in [0, 1).
    #[error("the weight spread must lie in [0, 1), got {0}")]
    WeightSpread(f64),
    /// One indicator cannot be left out of an index of one.
    #[error("leaving out one indicator needs at least two indicators")]
    DropOnlyIndicator,
    /// The base index cannot be computed.
    #[error("the base index: {0}")]
    Base(IndexError),
    /// An alternative normalisation does not work with the base method or the data.
    #[error("alternative normalisation {position}: {error}")]
    Alternative {
        /// 0-based position in [`Alternatives::normalisations`].
        position: usize,
        /// Why.
        error: IndexError,
    },
    /// One run cannot be computed (e.g. the indicators left are constant).
    #[error("run {run}: {error}")]
    Run {
        /// 0-based run.
        run: usize,
        /// Why.
        error: IndexError,
    },
}

/// Ranks from 1 for the highest value; ties share their mean rank.
pub fn ranks_from_top(values: &[f64]) -> Vec<f64> {
    let top = values.len() as f64 + 1.0;
    mid_ranks(values).into_iter().map(|r| top - r).collect()
}

/// Runs the analysis: `rows` as for [`IndexSpec::compute`], `base` the method whose ranks and
/// classes are the reference.
pub fn analyse(
    rows: &[Vec<f64>],
    base: &IndexSpec,
    alternatives: &Alternatives,
) -> Result<Sensitivity, SensitivityError> {
    if alternatives.runs == 0 {
        return Err(SensitivityError::NoRuns);
    }
    let spread = alternatives.weight_spread;
    if !(0.0..1.0).contains(&spread) {
        return Err(SensitivityError::WeightSpread(spread));
    }
    if alternatives.drop_one && base.weights.len() < 2 {
        return Err(SensitivityError::DropOnlyIndicator);
    }
    let reference = base.compute(rows).map_err(SensitivityError::Base)?;
    for (position, normalisation) in alternatives.normalisations.iter().enumerate() {
        IndexSpec { normalisation: normalisation.clone(), ..base.clone() }
            .compute(rows)
            .map_err(|error| SensitivityError::Alternative { position, error })?;
    }
    let base_ranks = ranks_from_top(&reference.index);
    let n = rows.len();
    let mut run_ranks = vec![Vec::with_capacity(alternatives.runs); n];
    let mut kept = vec![0usize; n];
    let mut shift = 0.0;
    let mut rng = ChaCha8Rng::seed_from_u64(alternatives.seed);
    for run in 0..alternatives.runs {
        let (spec, dropped) = draw(&mut rng, base, alternatives);
        let result = match dropped {
            Some(c) => spec.compute(&without_column(rows, c)),
            None => spec.compute(rows),
        }
        .map_err(|error| SensitivityError::Run { run, error })?;
        for (area, rank) in ranks_from_top(&result.index).into_iter().enumerate() {
            shift += (rank - base_ranks[area]).abs();
            run_ranks[area].push(rank);
            kept[area] += usize::from(result.classes[area] == reference.classes[area]);
        }
    }
    let runs = alternatives.runs as f64;
    let areas = run_ranks
        .into_iter()
        .zip(base_ranks)
        .zip(kept)
        .map(|((r, base_rank), kept)| {
            let mut r = Data::new(r);
            AreaSensitivity {
                base_rank,
                median_rank: r.median(),
                rank_q05: r.quantile(0.05),
                rank_q95: r.quantile(0.95),
                kept_class: kept as f64 / runs,
            }
        })
        .collect();
    Ok(Sensitivity { areas, mean_rank_shift: shift / (runs * n as f64) })
}

/// The method of one run, and the indicator it leaves out.
fn draw(rng: &mut ChaCha8Rng, base: &IndexSpec, alternatives: &Alternatives) -> (IndexSpec, Option<usize>) {
    let mut spec = base.clone();
    if !alternatives.normalisations.is_empty() {
        let pick = rng.random_range(0..alternatives.normalisations.len());
        spec.normalisation = alternatives.normalisations[pick].clone();
    }
    let spread = alternatives.weight_spread;
    if spread > 0.0 {
        for w in &mut spec.weights {
            *w *= rng.random_range(1.0 - spread..=1.0 + spread);
        }
    }
    let dropped = alternatives.drop_one.then(|| rng.random_range(0..spec.weights.len()));
    if let Some(c) = dropped {
        spec.weights.remove(c);
        if let Normalisation::Goalposts(posts) = &mut spec.normalisation {
            posts.remove(c);
        }
    }
    (spec, dropped)
}

fn without_column(rows: &[Vec<f64>], c: usize) -> Vec<Vec<f64>> {
    rows.iter().map(|r| r.iter().enumerate().filter(|(i, _)| *i != c).map(|(_, x)| *x).collect()).collect()
}

#[cfg(test)]
mod tests;
