//! Confidence intervals for shares and rates, and significance against a benchmark.
//!
//! Small areas have small counts, so a share or rate on a map carries a lot of chance variation.
//! This module gives the interval around such a value and the comparison with a benchmark that
//! the English Fingertips profiles (PHE, now OHID) print beside every indicator.
//!
//! - [`Confidence`]: a confidence level strictly between 0 and 1 (95 % by default).
//! - [`wilson`]: the Wilson score interval for a proportion `x / n` ([`CiMethod::Wilson`]), on the
//!   proportion scale (0..=1).
//! - [`exact_poisson`] and [`poisson_rate`]: the exact (Garwood) interval for a count and for a rate
//!   per `factor` of a population at risk ([`CiMethod::ExactPoisson`]).
//! - [`confidence_interval`]: either method for an indicator `factor × numerator / denominator`.
//! - [`compare`] and [`significance`]: [`Comparison`] of an interval with a benchmark value, and its
//!   [`Judgement`] under a [`Polarity`].
//!
//! Degenerate input (a zero or negative denominator, `x > n`, negative or non-finite counts) gives
//! `None`, never a panic. Counts need not be integers: both methods are continuous in the count
//! (the Garwood bounds are gamma quantiles), which suits weighted or rounded published counts.
//!
//! The quantiles come from `statrs` (`Normal` and `ChiSquared` `inverse_cdf`); against SciPy its
//! chi-square quantiles agree to a relative error below 1e-10 in the tests.
//!
//! ```
//! use domain::uncertainty::{compare, significance, wilson, Comparison, Confidence, Judgement, Polarity};
//! // 81 of 263 pupils: 30.8 %, 95 % Wilson interval 25.5 % to 36.6 %.
//! let ci = wilson(81.0, 263.0, Confidence::NINETY_FIVE).unwrap();
//! assert!((ci.lower - 0.2552885).abs() < 1e-6 && (ci.upper - 0.3662096).abs() < 1e-6);
//! // Against a city value of 40 % the area is significantly lower …
//! assert_eq!(compare(ci, 0.40), Some(Comparison::Lower));
//! // … which is worse when higher is better.
//! let judgement = significance(ci, 0.40, Polarity::HigherIsBetter).unwrap();
//! assert_eq!(judgement, Judgement::Worse);
//! assert_eq!(judgement.label(), "schlechter");
//! assert!(Confidence::new(1.0).is_err());
//! ```

use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};

/// A confidence level strictly between 0 and 1, such as 0.95.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Confidence(f64);

/// A confidence level outside the open interval (0, 1), or not a number.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfidenceError {
    /// The level is not strictly between 0 and 1.
    #[error("confidence level must lie strictly between 0 and 1, got {0}")]
    OutOfRange(f64),
}

impl Confidence {
    /// 95 %, the level of the Fingertips comparisons and the default.
    pub const NINETY_FIVE: Confidence = Confidence(0.95);
    /// 99.8 %, the second level Fingertips shows (about three standard errors).
    pub const NINETY_NINE_POINT_EIGHT: Confidence = Confidence(0.998);

    /// Checks that `level` lies strictly between 0 and 1.
    pub fn new(level: f64) -> Result<Confidence, ConfidenceError> {
        if level > 0.0 && level < 1.0 { Ok(Confidence(level)) } else { Err(ConfidenceError::OutOfRange(level)) }
    }

    /// The level, e.g. 0.95.
    pub fn level(self) -> f64 {
        self.0
    }

    /// 1 − level, split evenly between the two tails.
    fn alpha(self) -> f64 {
        1.0 - self.0
    }

    /// The two-sided standard normal quantile `z` with P(|Z| ≤ z) = level (1.959964 at 95 %).
    pub fn z(self) -> f64 {
        // The standard normal has fixed, valid parameters and 1 − α/2 lies in (0.5, 1).
        Normal::standard().inverse_cdf(1.0 - self.alpha() / 2.0)
    }
}

impl Default for Confidence {
    /// 95 %.
    fn default() -> Confidence {
        Confidence::NINETY_FIVE
    }
}

/// A two-sided confidence interval, `lower ≤ upper`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// Lower bound.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
}

impl Interval {
    /// Both bounds multiplied by `factor` (100 for per cent, 1000 for per 1000).
    pub fn scaled(self, factor: f64) -> Interval {
        Interval { lower: self.lower * factor, upper: self.upper * factor }
    }

    /// Whether `value` lies in the closed interval.
    pub fn contains(self, value: f64) -> bool {
        self.lower <= value && value <= self.upper
    }
}

/// How an interval was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CiMethod {
    /// Wilson score interval for a proportion ([`wilson`]).
    Wilson,
    /// Exact Poisson interval after Garwood for a count or rate ([`exact_poisson`], [`poisson_rate`]).
    ExactPoisson,
}

impl CiMethod {
    /// German label for notes under tables and charts.
    pub fn label(self) -> &'static str {
        match self {
            CiMethod::Wilson => "Wilson-Intervall",
            CiMethod::ExactPoisson => "exaktes Poisson-Intervall (Garwood)",
        }
    }
}

/// Wilson score interval for the proportion `x / n`, on the proportion scale (0..=1).
///
/// With `p = x/n` and `z` the normal quantile of the level:
/// `(p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n)`.
/// The bounds are clamped to [0, 1] against rounding, and the lower bound is exactly 0 for `x = 0`
/// and the upper exactly 1 for `x = n`.
///
/// `None` when `n ≤ 0`, `x < 0`, `x > n` or either is not finite.
pub fn wilson(x: f64, n: f64, level: Confidence) -> Option<Interval> {
    if !(x.is_finite() && n.is_finite() && n > 0.0 && x >= 0.0 && x <= n) {
        return None;
    }
    let p = x / n;
    let z = level.z();
    let z2 = z * z;
    let denominator = 1.0 + z2 / n;
    let centre = p + z2 / (2.0 * n);
    let half_width = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    let lower = if x == 0.0 { 0.0 } else { ((centre - half_width) / denominator).clamp(0.0, 1.0) };
    let upper = if x == n { 1.0 } else { ((centre + half_width) / denominator).clamp(0.0, 1.0) };
    Some(Interval { lower, upper })
}

/// Exact (Garwood) interval for the expected value of a Poisson count `x`:
/// lower = χ²(α/2; 2x)/2 (0 for x = 0), upper = χ²(1−α/2; 2x+2)/2.
///
/// `None` when `x` is negative or not finite.
pub fn exact_poisson(x: f64, level: Confidence) -> Option<Interval> {
    if !(x.is_finite() && x >= 0.0) {
        return None;
    }
    let alpha = level.alpha();
    let lower = if x == 0.0 { 0.0 } else { chi_squared_quantile(alpha / 2.0, 2.0 * x)? / 2.0 };
    let upper = chi_squared_quantile(1.0 - alpha / 2.0, 2.0 * x + 2.0)? / 2.0;
    Some(Interval { lower, upper })
}

/// Exact (Garwood) interval for the rate `factor · x / n`, `n` being the population at risk:
/// the interval of [`exact_poisson`] divided by `n` and multiplied by `factor`.
///
/// `None` when `n ≤ 0`, `factor ≤ 0`, `x < 0` or any of them is not finite. `x` may exceed `n`
/// (several events per person).
pub fn poisson_rate(x: f64, n: f64, factor: f64, level: Confidence) -> Option<Interval> {
    if !(n.is_finite() && n > 0.0 && factor.is_finite() && factor > 0.0) {
        return None;
    }
    Some(exact_poisson(x, level)?.scaled(factor / n))
}

/// The interval of the indicator `factor × numerator / denominator` by `method`: the Wilson interval
/// of the proportion times `factor` (100 for a share in per cent), or the Garwood interval of the rate
/// per `factor`.
///
/// `None` as for [`wilson`] and [`poisson_rate`], and for a factor that is not positive and finite.
pub fn confidence_interval(
    method: CiMethod,
    numerator: f64,
    denominator: f64,
    factor: f64,
    level: Confidence,
) -> Option<Interval> {
    match method {
        CiMethod::Wilson => {
            (factor.is_finite() && factor > 0.0).then_some(())?;
            Some(wilson(numerator, denominator, level)?.scaled(factor))
        }
        CiMethod::ExactPoisson => poisson_rate(numerator, denominator, factor, level),
    }
}

/// The `p` quantile of the chi-square distribution with `k > 0` degrees of freedom.
fn chi_squared_quantile(p: f64, k: f64) -> Option<f64> {
    let q = ChiSquared::new(k).ok()?.inverse_cdf(p);
    q.is_finite().then_some(q)
}

/// Where an area's interval lies relative to a benchmark value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Comparison {
    /// The whole interval lies above the benchmark.
    Higher,
    /// The interval contains the benchmark (a bound equal to it included).
    Similar,
    /// The whole interval lies below the benchmark.
    Lower,
}

/// Compares an area's interval with a benchmark value (the city's value or a chosen area's point
/// estimate), as the Fingertips profiles do: "compared with benchmark using 95 % confidence
/// intervals" (OHID, Fingertips technical guidance). The benchmark is taken as a fixed value, not
/// as an interval of its own.
///
/// - [`Comparison::Higher`] when `lower > benchmark`,
/// - [`Comparison::Lower`] when `upper < benchmark`,
/// - [`Comparison::Similar`] otherwise; a bound equal to the benchmark counts as similar.
///
/// `None` when the benchmark or a bound is not a number, or `lower > upper`.
pub fn compare(interval: Interval, benchmark: f64) -> Option<Comparison> {
    let Interval { lower, upper } = interval;
    if lower.is_nan() || upper.is_nan() || benchmark.is_nan() || lower > upper {
        return None;
    }
    Some(if lower > benchmark {
        Comparison::Higher
    } else if upper < benchmark {
        Comparison::Lower
    } else {
        Comparison::Similar
    })
}

/// Whether a higher value of an indicator is good, bad or neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Polarity {
    /// Higher is better (e.g. the share of pupils with an Abitur).
    HigherIsBetter,
    /// Higher is worse (e.g. the share of school leavers without a qualification).
    HigherIsWorse,
    /// No judgement (e.g. the share of pupils of a given age).
    NoJudgement,
}

impl Polarity {
    /// German label.
    pub fn label(self) -> &'static str {
        match self {
            Polarity::HigherIsBetter => "höher ist besser",
            Polarity::HigherIsWorse => "höher ist schlechter",
            Polarity::NoJudgement => "ohne Bewertung",
        }
    }

    /// The judgement of a comparison under this polarity.
    pub fn judge(self, comparison: Comparison) -> Judgement {
        match (self, comparison) {
            (_, Comparison::Similar) => Judgement::Similar,
            (Polarity::HigherIsBetter, Comparison::Higher) | (Polarity::HigherIsWorse, Comparison::Lower) => {
                Judgement::Better
            }
            (Polarity::HigherIsBetter, Comparison::Lower) | (Polarity::HigherIsWorse, Comparison::Higher) => {
                Judgement::Worse
            }
            (Polarity::NoJudgement, Comparison::Higher) => Judgement::Higher,
            (Polarity::NoJudgement, Comparison::Lower) => Judgement::Lower,
        }
    }
}

/// A comparison with the benchmark, judged by the indicator's [`Polarity`] (Fingertips' "better",
/// "similar", "worse", and "higher"/"lower" where no judgement is made).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Judgement {
    /// Significantly better than the benchmark.
    Better,
    /// Not significantly different from the benchmark.
    Similar,
    /// Significantly worse than the benchmark.
    Worse,
    /// Significantly higher, where higher is neither better nor worse.
    Higher,
    /// Significantly lower, where lower is neither better nor worse.
    Lower,
}

impl Judgement {
    /// German label.
    pub fn label(self) -> &'static str {
        match self {
            Judgement::Better => "besser",
            Judgement::Similar => "ähnlich",
            Judgement::Worse => "schlechter",
            Judgement::Higher => "höher",
            Judgement::Lower => "niedriger",
        }
    }
}

/// [`compare`] followed by [`Polarity::judge`].
pub fn significance(interval: Interval, benchmark: f64, polarity: Polarity) -> Option<Judgement> {
    compare(interval, benchmark).map(|comparison| polarity.judge(comparison))
}

#[cfg(test)]
mod tests;
