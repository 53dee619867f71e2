//! Class breaks for choropleth maps.
//!
//! A map with a classed legend needs class limits. Three standard methods are offered; all take
//! the finite values of one map and return [`Breaks`].

use std::fmt;

/// How the class limits are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClassMethod {
    /// Equal counts per class (nearest-rank quantiles); the default, robust to skew.
    Quantile,
    /// Classes of equal width between minimum and maximum.
    EqualInterval,
    /// Fisher–Jenks natural breaks: minimises the sum of squared deviations within classes.
    NaturalBreaks,
}

impl ClassMethod {
    /// All methods, in the order offered to users.
    pub const ALL: [ClassMethod; 3] = [ClassMethod::Quantile, ClassMethod::EqualInterval, ClassMethod::NaturalBreaks];

    /// URL and file code.
    pub fn code(self) -> &'static str {
        match self {
            ClassMethod::Quantile => "quantile",
            ClassMethod::EqualInterval => "equal",
            ClassMethod::NaturalBreaks => "jenks",
        }
    }

    /// Inverse of [`ClassMethod::code`].
    pub fn from_code(code: &str) -> Option<ClassMethod> {
        ClassMethod::ALL.into_iter().find(|m| m.code() == code)
    }

    /// Short German name for menus.
    pub fn short_label(self) -> &'static str {
        match self {
            ClassMethod::Quantile => "Quantile",
            ClassMethod::EqualInterval => "Gleiche Breite",
            ClassMethod::NaturalBreaks => "Natürliche Unterbrechungen",
        }
    }

    /// German name shown in legends.
    pub fn label(self) -> &'static str {
        match self {
            ClassMethod::Quantile => "Quantile (gleich viele Gebiete je Klasse)",
            ClassMethod::EqualInterval => "Gleiche Klassenbreite",
            ClassMethod::NaturalBreaks => "Natürliche Unterbrechungen (Fisher-Jenks)",
        }
    }
}

impl fmt::Display for ClassMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Class limits: class `i` holds the values `x` with `upper[i-1] < x <= upper[i]` (the first class
/// starts at the minimum).
#[derive(Debug, Clone, PartialEq)]
pub struct Breaks {
    min: f64,
    upper: Vec<f64>,
}

impl Breaks {
    /// The smallest value.
    pub fn min(&self) -> f64 {
        self.min
    }

    /// The upper limit of each class; the last is the maximum.
    pub fn upper_bounds(&self) -> &[f64] {
        &self.upper
    }

    /// Number of classes (fewer than asked for when values repeat).
    pub fn len(&self) -> usize {
        self.upper.len()
    }

    /// Always false: breaks exist only for at least one value.
    pub fn is_empty(&self) -> bool {
        self.upper.is_empty()
    }

    /// The lower and upper limit of class `i`.
    pub fn range(&self, i: usize) -> (f64, f64) {
        let lo = if i == 0 { self.min } else { self.upper[i - 1] };
        (lo, self.upper[i])
    }

    /// Breaks for `k` ordered categories numbered 0 … k − 1 (such as the classes of an index):
    /// the value `i` falls into class `i`.
    pub fn categories(k: usize) -> Breaks {
        let upper = (0..k).map(|i| if i + 1 == k { i as f64 } else { i as f64 + 0.5 }).collect();
        Breaks { min: 0.0, upper }
    }

    /// The class of `x`; values beyond the limits fall into the first or last class.
    pub fn class_of(&self, x: f64) -> usize {
        self.upper.iter().position(|&u| x <= u).unwrap_or(self.upper.len() - 1)
    }
}

/// Computes up to `k` classes for the finite values among `values`; `None` when there is no finite
/// value or `k` is zero. Repeated limits are merged, so fewer classes may come back.
pub fn breaks(values: &[f64], method: ClassMethod, k: usize) -> Option<Breaks> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() || k == 0 {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let (min, max) = (v[0], v[v.len() - 1]);
    let kk = k.min(v.len());
    let mut upper: Vec<f64> = match method {
        ClassMethod::Quantile => (1..=kk).map(|i| v[(i * v.len()).div_ceil(kk) - 1]).collect(),
        ClassMethod::EqualInterval => {
            let w = (max - min) / k as f64;
            (1..k).filter(|_| w > 0.0).map(|i| min + w * i as f64).chain([max]).collect()
        }
        ClassMethod::NaturalBreaks => fisher_jenks(&v, kk),
    };
    upper.dedup_by(|a, b| a == b);
    Some(Breaks { min, upper })
}

/// Optimal partition of sorted `v` into `k` contiguous classes by least squares (Fisher 1958),
/// dynamic programming in O(k·n²). Returns the upper limits.
fn fisher_jenks(v: &[f64], k: usize) -> Vec<f64> {
    let n = v.len();
    // Prefix sums give the within-class sum of squares of v[i..j] in O(1).
    let mut s1 = vec![0.0; n + 1];
    let mut s2 = vec![0.0; n + 1];
    for (i, x) in v.iter().enumerate() {
        s1[i + 1] = s1[i] + x;
        s2[i + 1] = s2[i] + x * x;
    }
    let ssd = |i: usize, j: usize| {
        let m = (j - i) as f64;
        let s = s1[j] - s1[i];
        (s2[j] - s2[i] - s * s / m).max(0.0)
    };
    // cost[c][j]: best cost of splitting v[..j] into c+1 classes; cut[c][j]: start of the last class.
    let mut cost = vec![vec![f64::INFINITY; n + 1]; k];
    let mut cut = vec![vec![0usize; n + 1]; k];
    for (j, c) in cost[0].iter_mut().enumerate().skip(1) {
        *c = ssd(0, j);
    }
    for c in 1..k {
        for j in (c + 1)..=n {
            for i in c..j {
                let total = cost[c - 1][i] + ssd(i, j);
                if total < cost[c][j] {
                    cost[c][j] = total;
                    cut[c][j] = i;
                }
            }
        }
    }
    let mut upper = vec![0.0; k];
    let mut j = n;
    for c in (0..k).rev() {
        upper[c] = v[j - 1];
        j = if c == 0 { 0 } else { cut[c][j] };
    }
    upper
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_put_each_number_in_its_own_class() {
        let b = Breaks::categories(4);
        assert_eq!(b.len(), 4);
        assert_eq!((0..4).map(|i| b.class_of(i as f64)).collect::<Vec<_>>(), [0, 1, 2, 3]);
        assert_eq!(Breaks::categories(1).class_of(0.0), 0);
    }

    #[test]
    fn quantiles_use_nearest_rank() {
        // 10 values, 4 classes: ranks ceil(10·i/4) = 3, 5, 8, 10.
        let v = [10.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0];
        let b = breaks(&v, ClassMethod::Quantile, 4).unwrap();
        assert_eq!(b.upper_bounds(), &[3.0, 5.0, 8.0, 10.0]);
        assert_eq!(b.min(), 1.0);
        assert_eq!(b.class_of(3.0), 0);
        assert_eq!(b.class_of(3.5), 1);
        assert_eq!(b.range(1), (3.0, 5.0));
    }

    #[test]
    fn equal_intervals_split_the_range() {
        let b = breaks(&[0.0, 10.0, 7.0], ClassMethod::EqualInterval, 5).unwrap();
        assert_eq!(b.upper_bounds(), &[2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(b.class_of(7.0), 3);
    }

    #[test]
    fn natural_breaks_find_the_obvious_groups() {
        // Hand check: groups {1,2,3}, {10,11,12}, {30,31} have within-SSD 2+2+0.5 = 4.5, the minimum.
        let v = [1.0, 2.0, 3.0, 10.0, 11.0, 12.0, 30.0, 31.0];
        let b = breaks(&v, ClassMethod::NaturalBreaks, 3).unwrap();
        assert_eq!(b.upper_bounds(), &[3.0, 12.0, 31.0]);
    }

    #[test]
    fn degenerate_inputs_do_not_panic() {
        assert_eq!(breaks(&[], ClassMethod::Quantile, 5), None);
        assert_eq!(breaks(&[f64::NAN], ClassMethod::Quantile, 5), None);
        assert_eq!(breaks(&[1.0], ClassMethod::Quantile, 0), None);
        for m in ClassMethod::ALL {
            let b = breaks(&[4.0, 4.0, 4.0], m, 5).unwrap();
            assert_eq!(b.upper_bounds(), &[4.0], "{m}");
            assert_eq!(b.class_of(4.0), 0);
        }
    }
}
