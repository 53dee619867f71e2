//! Composite indices over small areas (Sozialmonitoring): normalise each indicator, weight and
//! aggregate, re-standardise, and cut into classes – the Berlin "Monitoring Soziale
//! Stadtentwicklung" and the Hamburg RISE method are presets of this one procedure.
//!
//! ```
//! use domain::composite::{Aggregation, Cutter, IndexSpec, Normalisation, Sd};
//! // The constructed mini example of the methods brief (§1.7): 6 areas, 3 status indicators.
//! let rows = vec![
//!     vec![2.0, 5.0, 10.0], vec![4.0, 12.0, 25.0], vec![6.0, 18.0, 45.0],
//!     vec![3.0, 8.0, 15.0], vec![9.0, 30.0, 70.0], vec![1.0, 3.0, 5.0],
//! ];
//! let spec = IndexSpec {
//!     weights: vec![1.0, 1.0, 1.0],
//!     normalisation: Normalisation::ZScore(Sd::Population),
//!     aggregation: Aggregation::Sum,
//!     restandardise: true,
//!     cutter: Cutter::Cuts(vec![-1.0, 1.0, 1.5]),
//! };
//! let r = spec.compute(&rows).unwrap();
//! assert_eq!(r.classes, [1, 1, 1, 1, 3, 0]);
//! assert!((r.index[4] - 1.84886).abs() < 1e-5);
//! ```

/// Which standard deviation divides the deviations from the mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sd {
    /// Divide by N (the Berlin MSS requires it; the sample SD misclassifies one PLR per edition).
    Population,
    /// Divide by N − 1.
    Sample,
}

/// The goalposts of one indicator: `lo` scores 0 and `hi` scores 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Goalposts {
    /// The value that scores 0; lower values are capped to 0.
    pub lo: f64,
    /// The value that scores 1; higher values are capped to 1.
    pub hi: f64,
}

/// How each indicator is made comparable.
///
/// The direction is applied here: for an indicator with a negative weight (one where a high value
/// is good) the z-score becomes −z, a min–max or goalposts score y becomes 1 − y and a rank r becomes
/// n + 1 − r, so that a high normalised value always means more of what the index measures.
#[derive(Debug, Clone, PartialEq)]
pub enum Normalisation {
    /// (x − mean) / sd over the included areas, unweighted.
    ZScore(Sd),
    /// (x − min) / (max − min), in [0, 1].
    MinMax,
    /// (x − lo) / (hi − lo) capped to [0, 1], with fixed goalposts per indicator (in column order),
    /// so that the scores do not depend on which other areas are included.
    Goalposts(Vec<Goalposts>),
    /// The rank, 1 for the lowest value; ties share their mean rank.
    Rank,
}

/// What the geometric mean does with normalised values of zero or below, where the logarithm is
/// undefined.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ZeroRule {
    /// Such a value is an error naming the area and the indicator.
    Reject,
    /// Add this positive ε to every normalised value before taking logarithms (e.g. 0.01 on the
    /// 0–1 scale of min–max and goalposts); a value still not positive is an error.
    Offset(f64),
}

/// How the normalised indicators of an area are combined; every weight enters with its absolute
/// value |wₖ| because the direction is already applied by the normalisation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Aggregation {
    /// Σ |wₖ|·yₖ.
    Sum,
    /// Σ |wₖ|·yₖ / Σ |wₖ|.
    WeightedMean,
    /// Π yₖ^(|wₖ|/Σ|w|), only partly compensatory (a low value cannot be fully made up by a high
    /// one); needs positive values, so not with z-scores.
    Geometric(ZeroRule),
}

/// How the index is cut into classes; class 0 is the lowest.
#[derive(Debug, Clone, PartialEq)]
pub enum Cutter {
    /// Fixed cut points on the index, e.g. −1, +1, +1.5 (in SD units after re-standardisation); a
    /// value equal to a cut belongs to the lower class except at the first cut, where it belongs to
    /// the upper one (Berlin: I < −1 is "hoch", −1 ≤ I ≤ +1 "mittel", +1 < I ≤ +1.5, I > +1.5).
    Cuts(Vec<f64>),
    /// k classes of equal count (nearest rank).
    Quantiles(usize),
    /// k classes of equal width between minimum and maximum.
    EqualWidth(usize),
    /// The NRW Schulsozialindex hybrid (since 2024/25): the ⌈top_share·N⌉ areas with the highest
    /// index form the top class `rest` (so there are `rest + 1` classes); the other areas are cut
    /// into `rest` classes of equal width between their minimum and their maximum.
    ///
    /// Ties: every area whose index equals the lowest index of the top group joins the top class,
    /// so the top class can hold more than ⌈top_share·N⌉ areas but never splits equal values.
    /// `top_share·N` within 1e-9 of a whole number counts as that number (0.07·100 is 7, not 8).
    /// Below the top group the class is ⌊rest·(x − min)/(max − min)⌋, at most `rest − 1`: a value
    /// exactly on an inner boundary goes to the upper class (unlike [`Cutter::EqualWidth`]). A
    /// share of 0 or less leaves the top class empty, 1 or more puts every area in it; `rest = 0`
    /// puts every area in class 0.
    TopShareThenEqualWidth {
        /// Share of the areas in the top class, e.g. 0.05.
        top_share: f64,
        /// Number of equal-width classes below the top class, e.g. 8.
        rest: usize,
    },
}

/// A composite index: the weights (with sign: a negative weight marks an indicator where a high
/// value is good, which the normalisation turns around) and the method choices.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexSpec {
    /// One weight per indicator column.
    pub weights: Vec<f64>,
    /// Normalisation of each indicator.
    pub normalisation: Normalisation,
    /// Aggregation of the normalised indicators.
    pub aggregation: Aggregation,
    /// Standardise the aggregate: subtract its mean and divide by its own standard deviation (the
    /// SD kind of the z-scores, the population SD otherwise). With z-scores and a sum the mean is 0
    /// by construction, so this is the Berlin MSS step I = Σ / sd(Σ).
    pub restandardise: bool,
    /// The class cutter.
    pub cutter: Cutter,
}

/// Every intermediate value of an index computation, per area in input order.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexResult {
    /// The normalised indicators, turned around where the weight is negative.
    pub normalised: Vec<Vec<f64>>,
    /// The aggregate before re-standardisation.
    pub aggregate: Vec<f64>,
    /// The index (re-standardised when asked).
    pub index: Vec<f64>,
    /// The class of each area, 0 the lowest.
    pub classes: Vec<usize>,
}

/// Why an index cannot be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum IndexError {
    /// No area, or fewer than two.
    #[error("an index needs at least two areas, got {0}")]
    TooFewAreas(usize),
    /// A row has another number of values than there are weights.
    #[error("area {row} has {found} values, expected {expected}")]
    WrongWidth {
        /// 0-based row.
        row: usize,
        /// Values found.
        found: usize,
        /// Weights given.
        expected: usize,
    },
    /// An indicator does not vary, so it cannot be standardised.
    #[error("indicator {0} has the same value in every area")]
    Constant(usize),
    /// A value is not a finite number.
    #[error("area {row}, indicator {column}: not a finite number")]
    NotFinite {
        /// 0-based row.
        row: usize,
        /// 0-based column.
        column: usize,
    },
    /// A weight is not finite, or every weight is zero.
    #[error("the weights must be finite numbers and not all zero")]
    Weights,
    /// Goalposts normalisation with another number of goalposts than there are weights.
    #[error("goalposts are given for {found} indicators, expected {expected}")]
    GoalpostsCount {
        /// Goalposts given.
        found: usize,
        /// Weights given.
        expected: usize,
    },
    /// Goalposts that are not finite or whose lower post is not below the upper one.
    #[error("indicator {0}: the lower goalpost must lie below the upper one")]
    GoalpostsOrder(usize),
    /// The geometric mean of z-scores, which are negative for about half the areas.
    #[error("the geometric mean needs positive values: normalise with min-max, goalposts or rank, not z-scores")]
    GeometricOfZScores,
    /// The offset of [`ZeroRule::Offset`] is not a positive finite number.
    #[error("the offset of the zero rule must be a positive number, got {0}")]
    Offset(f64),
    /// A normalised value (after any offset) that the geometric mean cannot take.
    #[error(
        "area {row}, indicator {column}: the normalised value {value} is not positive, so the geometric mean is \
         undefined (use an offset zero rule)"
    )]
    NotPositive {
        /// 0-based row.
        row: usize,
        /// 0-based column.
        column: usize,
        /// The normalised value, after any offset.
        value: f64,
    },
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

fn sd(v: &[f64], kind: Sd) -> f64 {
    let m = mean(v);
    let ss: f64 = v.iter().map(|x| (x - m) * (x - m)).sum();
    let n = match kind {
        Sd::Population => v.len() as f64,
        Sd::Sample => v.len() as f64 - 1.0,
    };
    (ss / n).sqrt()
}

/// Mid-ranks, 1 for the smallest value; tied values share the mean of their ranks.
pub fn mid_ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        for &k in &order[i..=j] {
            ranks[k] = (i + j) as f64 / 2.0 + 1.0;
        }
        i = j + 1;
    }
    ranks
}

impl IndexSpec {
    /// Computes the index over `rows` (one row per included area, one value per indicator).
    pub fn compute(&self, rows: &[Vec<f64>]) -> Result<IndexResult, IndexError> {
        let (n, k) = (rows.len(), self.weights.len());
        if n < 2 {
            return Err(IndexError::TooFewAreas(n));
        }
        self.check_method()?;
        for (row, values) in rows.iter().enumerate() {
            if values.len() != k {
                return Err(IndexError::WrongWidth { row, found: values.len(), expected: k });
            }
            if let Some(column) = values.iter().position(|x| !x.is_finite()) {
                return Err(IndexError::NotFinite { row, column });
            }
        }
        let mut normalised = vec![vec![0.0; k]; n];
        for c in 0..k {
            let column: Vec<f64> = rows.iter().map(|r| r[c]).collect();
            for (r, v) in self.normalise(&column, c)?.into_iter().enumerate() {
                normalised[r][c] = v;
            }
        }
        let aggregate = normalised
            .iter()
            .enumerate()
            .map(|(row, y)| self.aggregate(row, y))
            .collect::<Result<Vec<f64>, IndexError>>()?;
        let index = if self.restandardise {
            let kind = match self.normalisation {
                Normalisation::ZScore(kind) => kind,
                _ => Sd::Population,
            };
            let (m, s) = (mean(&aggregate), sd(&aggregate, kind));
            if s == 0.0 {
                return Err(IndexError::Constant(k));
            }
            aggregate.iter().map(|x| (x - m) / s).collect()
        } else {
            aggregate.clone()
        };
        let classes = self.cutter.classes(&index);
        Ok(IndexResult { normalised, aggregate, index, classes })
    }

    /// Checks the choices that do not depend on the data.
    fn check_method(&self) -> Result<(), IndexError> {
        let k = self.weights.len();
        if self.weights.iter().any(|w| !w.is_finite()) || self.weights.iter().all(|w| *w == 0.0) {
            return Err(IndexError::Weights);
        }
        if let Normalisation::Goalposts(posts) = &self.normalisation {
            if posts.len() != k {
                return Err(IndexError::GoalpostsCount { found: posts.len(), expected: k });
            }
            if let Some(c) = posts.iter().position(|g| !(g.lo.is_finite() && g.hi.is_finite() && g.lo < g.hi)) {
                return Err(IndexError::GoalpostsOrder(c));
            }
        }
        if let Aggregation::Geometric(rule) = self.aggregation {
            if matches!(self.normalisation, Normalisation::ZScore(_)) {
                return Err(IndexError::GeometricOfZScores);
            }
            if let ZeroRule::Offset(e) = rule
                && !(e.is_finite() && e > 0.0)
            {
                return Err(IndexError::Offset(e));
            }
        }
        Ok(())
    }

    /// The normalised values of indicator `c`, turned around when its weight is negative.
    fn normalise(&self, column: &[f64], c: usize) -> Result<Vec<f64>, IndexError> {
        let turn = self.weights[c] < 0.0;
        let scores: Vec<f64> = match &self.normalisation {
            Normalisation::ZScore(kind) => {
                let (m, s) = (mean(column), sd(column, *kind));
                if s == 0.0 {
                    return Err(IndexError::Constant(c));
                }
                let sign = if turn { -1.0 } else { 1.0 };
                column.iter().map(|x| sign * (x - m) / s).collect()
            }
            Normalisation::MinMax => {
                let lo = column.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = column.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                if hi == lo {
                    return Err(IndexError::Constant(c));
                }
                column.iter().map(|x| turned((x - lo) / (hi - lo), turn)).collect()
            }
            Normalisation::Goalposts(posts) => {
                let Goalposts { lo, hi } = posts[c];
                column.iter().map(|x| turned(((x - lo) / (hi - lo)).clamp(0.0, 1.0), turn)).collect()
            }
            Normalisation::Rank => {
                let top = column.len() as f64 + 1.0;
                mid_ranks(column).into_iter().map(|r| if turn { top - r } else { r }).collect()
            }
        };
        Ok(scores)
    }

    /// The aggregate of one area's normalised values `y`.
    fn aggregate(&self, row: usize, y: &[f64]) -> Result<f64, IndexError> {
        let weight_sum: f64 = self.weights.iter().map(|w| w.abs()).sum();
        let sum = || y.iter().zip(&self.weights).map(|(y, w)| y * w.abs()).sum::<f64>();
        match self.aggregation {
            Aggregation::Sum => Ok(sum()),
            Aggregation::WeightedMean => Ok(sum() / weight_sum),
            Aggregation::Geometric(rule) => {
                let offset = match rule {
                    ZeroRule::Reject => 0.0,
                    ZeroRule::Offset(e) => e,
                };
                let mut log_sum = 0.0;
                for (column, (y, w)) in y.iter().zip(&self.weights).enumerate().filter(|(_, (_, w))| **w != 0.0) {
                    let value = y + offset;
                    if value <= 0.0 {
                        return Err(IndexError::NotPositive { row, column, value });
                    }
                    log_sum += w.abs() / weight_sum * value.ln();
                }
                Ok(log_sum.exp())
            }
        }
    }
}

/// 1 − y when the indicator is turned around.
fn turned(y: f64, turn: bool) -> f64 {
    if turn { 1.0 - y } else { y }
}

impl Cutter {
    /// The class of each value, 0 the lowest.
    pub fn classes(&self, values: &[f64]) -> Vec<usize> {
        match self {
            Cutter::Cuts(cuts) => values
                .iter()
                .map(|&x| cuts.iter().enumerate().filter(|(i, c)| if *i == 0 { x >= **c } else { x > **c }).count())
                .collect(),
            Cutter::Quantiles(k) | Cutter::EqualWidth(k) => {
                let method = match self {
                    Cutter::Quantiles(_) => crate::classify::ClassMethod::Quantile,
                    _ => crate::classify::ClassMethod::EqualInterval,
                };
                match crate::classify::breaks(values, method, *k) {
                    Some(b) => values.iter().map(|x| b.class_of(*x)).collect(),
                    None => vec![0; values.len()],
                }
            }
            Cutter::TopShareThenEqualWidth { top_share, rest } => top_share_then_equal_width(values, *top_share, *rest),
        }
    }

    /// How many classes this cutter makes at most.
    pub fn class_count(&self) -> usize {
        match self {
            Cutter::Cuts(cuts) => cuts.len() + 1,
            Cutter::Quantiles(k) | Cutter::EqualWidth(k) => *k,
            Cutter::TopShareThenEqualWidth { rest, .. } => rest + 1,
        }
    }
}

fn top_share_then_equal_width(values: &[f64], top_share: f64, rest: usize) -> Vec<usize> {
    let n = values.len();
    let wanted = (top_share * n as f64 - 1e-9).ceil().clamp(0.0, n as f64) as usize;
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let threshold = if wanted == 0 { f64::INFINITY } else { sorted[wanted - 1] };
    let below: Vec<f64> = values.iter().copied().filter(|x| *x < threshold).collect();
    let min = below.iter().copied().fold(f64::INFINITY, f64::min);
    let max = below.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let last = rest.saturating_sub(1);
    values
        .iter()
        .map(|&x| {
            if x >= threshold {
                rest
            } else if max > min {
                ((rest as f64 * (x - min) / (max - min)).floor() as usize).min(last)
            } else {
                0
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
