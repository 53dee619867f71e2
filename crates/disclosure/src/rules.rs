//! Primary rules (METHODS.md §5.1): which cells are confidential in themselves.
//!
//! The formulas are those of R sdcTable (`c_rule_freq`, `domRule`):
//! - **minimum frequency** (Mindestfallzahl): a cell with `0 < f < minimum` contributors is
//!   sensitive. German official statistics require at least 3 contributors, so with the default
//!   3 the cells with 1 or 2 are sensitive; sdcTable's `maxN` is `minimum − 1`. An empty cell
//!   (f = 0) is never sensitive: it is published as 0 and never used to protect another cell
//!   (sdcTable's `allowZeros = FALSE`, status `z`).
//! - **dominance (n, k)**: sensitive if the `n` largest contributions exceed `k` % of the cell
//!   total.
//! - **p % rule**: sensitive if `total − x1 − x2 < p/100 · x1` (x1, x2 the two largest
//!   contributions): the second-largest contributor could estimate the largest to within p %.
//!
//! The dominance and p % rules need the contributions, so they apply to magnitude tables only.

/// A rule parameter out of its range.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RuleError {
    /// Dominance needs n ≥ 1 and 0 < k ≤ 100.
    #[error("dominance rule ({n}, {k}): n must be at least 1 and k in (0, 100]")]
    Dominance {
        /// The number of largest contributions.
        n: usize,
        /// The percentage.
        k: f64,
    },
    /// The p % rule needs 0 < p < 100.
    #[error("p % rule: p = {0} must lie strictly between 0 and 100")]
    PPercent(f64),
}

/// Why a cell is primary confidential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// Fewer contributors than the minimum frequency.
    MinimumFrequency,
    /// Dominated by its largest contributors.
    Dominance,
    /// The second-largest contributor could estimate the largest too closely.
    PPercent,
    /// Declared confidential by the statistics office, whatever the rules say.
    Requested,
}

impl Reason {
    /// The German label used in reports.
    pub fn label(self) -> &'static str {
        match self {
            Reason::MinimumFrequency => "Mindestfallzahl",
            Reason::Dominance => "Dominanz",
            Reason::PPercent => "p-Prozent",
            Reason::Requested => "Anforderung",
        }
    }
}

/// The dominance rule (n, k).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dominance {
    n: usize,
    k: f64,
}

impl Dominance {
    /// The rule for the `n` largest contributions and `k` per cent (sdcTable's default is (2, 85)).
    pub fn new(n: usize, k: f64) -> Result<Dominance, RuleError> {
        if n == 0 || !(k > 0.0 && k <= 100.0) {
            return Err(RuleError::Dominance { n, k });
        }
        Ok(Dominance { n, k })
    }

    /// Whether a cell with these contributions (largest first) is sensitive.
    pub fn is_sensitive(&self, contributions: &[f64]) -> bool {
        let total: f64 = contributions.iter().sum();
        let top: f64 = contributions.iter().take(self.n).sum();
        top > self.k / 100.0 * total
    }
}

/// The p % rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PPercent {
    p: f64,
}

impl PPercent {
    /// The rule for `p` per cent (sdcTable's default is 80; 0 and 100 are refused as there).
    pub fn new(p: f64) -> Result<PPercent, RuleError> {
        if !(p > 0.0 && p < 100.0) {
            return Err(RuleError::PPercent(p));
        }
        Ok(PPercent { p })
    }

    /// Whether a cell with these contributions (largest first) is sensitive.
    pub fn is_sensitive(&self, contributions: &[f64]) -> bool {
        let total: f64 = contributions.iter().sum();
        let x1 = contributions.first().copied().unwrap_or(0.0);
        let x2 = contributions.get(1).copied().unwrap_or(0.0);
        total - x1 - x2 < self.p / 100.0 * x1
    }
}

/// The primary rules of one release.
#[derive(Debug, Clone, PartialEq)]
pub struct Rules {
    /// Cells with `0 < f < minimum_frequency` contributors are sensitive (3 in German official
    /// statistics; 0 or 1 switches the rule off).
    pub minimum_frequency: u64,
    /// The dominance rule, for magnitude tables.
    pub dominance: Option<Dominance>,
    /// The p % rule, for magnitude tables.
    pub p_percent: Option<PPercent>,
}

impl Rules {
    /// Only a minimum frequency.
    pub fn minimum_frequency(minimum: u64) -> Rules {
        Rules { minimum_frequency: minimum, dominance: None, p_percent: None }
    }

    /// The first rule (in the order minimum frequency, dominance, p %) that finds a cell with
    /// `frequency` contributors and these `contributions` (largest first; empty for a frequency
    /// table) sensitive.
    pub fn check(&self, frequency: u64, contributions: &[f64]) -> Option<Reason> {
        if frequency > 0 && frequency < self.minimum_frequency {
            return Some(Reason::MinimumFrequency);
        }
        if contributions.is_empty() {
            return None;
        }
        if self.dominance.is_some_and(|d| d.is_sensitive(contributions)) {
            return Some(Reason::Dominance);
        }
        if self.p_percent.is_some_and(|p| p.is_sensitive(contributions)) {
            return Some(Reason::PPercent);
        }
        None
    }
}

#[cfg(test)]
mod tests;
