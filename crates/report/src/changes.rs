//! What moved between two editions of a report: the city's values side by side, and the areas
//! whose change departs most from the changes of the other areas. Per indicator the areas' changes
//! are standardised – (change − mean change) / SD of the changes – so a city-wide trend (everyone
//! ageing) does not fill the list, an indicator whose small-area values jump about from year to year
//! (rates of rare events) does not either, and indicators of different units become comparable.

use crate::document::StandValue;

/// A change of one area on one indicator.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Change<'a> {
    /// The value in the earlier edition.
    pub then: &'a StandValue,
    /// The value now.
    pub now: &'a StandValue,
    /// (change − mean change of the areas) / population SD of the areas' changes, on this indicator.
    pub standardised: f64,
}

/// Per indicator of `now` (in its order), the city's value then and now, where both exist.
pub(crate) fn city_changes<'a>(then: &'a [StandValue], now: &'a [StandValue]) -> Vec<(&'a StandValue, &'a StandValue)> {
    now.iter()
        .filter(|n| n.city)
        .filter_map(|n| Some((then.iter().find(|t| t.city && t.indicator == n.indicator)?, n)))
        .collect()
}

/// The `n` changes of areas present in both editions that depart most from their indicator's mean
/// change, largest |standardised| first; ties in the order of indicator and area key. Indicators
/// with fewer than two such areas, or whose areas all changed alike, are left out.
pub(crate) fn largest_changes<'a>(then: &'a [StandValue], now: &'a [StandValue], n: usize) -> Vec<Change<'a>> {
    let mut indicators: Vec<&str> = now.iter().filter(|v| !v.city).map(|v| v.indicator.as_str()).collect();
    indicators.sort_unstable();
    indicators.dedup();
    let mut out = Vec::new();
    for indicator in indicators {
        let pairs: Vec<(&StandValue, &StandValue)> = now
            .iter()
            .filter(|v| !v.city && v.indicator == indicator)
            .filter_map(|v| Some((then.iter().find(|t| !t.city && t.indicator == indicator && t.area == v.area)?, v)))
            .collect();
        let deltas: Vec<f64> = pairs.iter().map(|(t, v)| v.value - t.value).collect();
        let count = deltas.len() as f64;
        let mean = deltas.iter().sum::<f64>() / count;
        let sd = (deltas.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / count).sqrt();
        if pairs.len() < 2 || sd == 0.0 || !sd.is_finite() {
            continue;
        }
        out.extend(pairs.into_iter().zip(&deltas).map(|((then, now), d)| Change {
            then,
            now,
            standardised: (d - mean) / sd,
        }));
    }
    out.sort_by(|a, b| {
        b.standardised
            .abs()
            .total_cmp(&a.standardised.abs())
            .then_with(|| a.now.indicator.cmp(&b.now.indicator))
            .then_with(|| a.now.area.cmp(&b.now.area))
    });
    out.truncate(n);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(indicator: &str, area: &str, value: f64) -> StandValue {
        StandValue {
            indicator: indicator.to_owned(),
            period: "2024".to_owned(),
            area: area.to_owned(),
            name: area.to_uppercase(),
            city: area == "stadt",
            value,
        }
    }

    #[test]
    fn changes_are_ranked_by_how_far_they_depart_from_the_mean_change() {
        // x: changes 0, 0, 3 (mean 1, SD √2): c departs by 2 / √2 = 1.414, a and b by −1 / √2.
        // y: everyone rose by 10: no area departs, y is left out. z: only one area in both.
        let then = [
            v("x", "a", 1.0),
            v("x", "b", 2.0),
            v("x", "c", 1.0),
            v("y", "a", 10.0),
            v("y", "b", 20.0),
            v("z", "a", 1.0),
        ];
        let now = [
            v("x", "stadt", 2.0),
            v("x", "a", 1.0),
            v("x", "b", 2.0),
            v("x", "c", 4.0),
            v("y", "a", 20.0),
            v("y", "b", 30.0),
            v("z", "a", 5.0),
            v("z", "b", 5.0),
        ];
        let changes = largest_changes(&then, &now, 10);
        let found: Vec<(&str, &str, f64)> =
            changes.iter().map(|c| (c.now.indicator.as_str(), c.now.area.as_str(), c.standardised)).collect();
        let r = std::f64::consts::SQRT_2;
        assert_eq!(found, vec![("x", "c", 2.0 / r), ("x", "a", -1.0 / r), ("x", "b", -1.0 / r)]);
        assert_eq!(largest_changes(&then, &now, 1).len(), 1);
    }

    #[test]
    fn city_values_pair_by_indicator() {
        let then = [v("x", "stadt", 2.0), v("y", "a", 1.0)];
        let now = [v("x", "stadt", 2.5), v("y", "stadt", 3.0)];
        let pairs = city_changes(&then, &now);
        assert_eq!(pairs.len(), 1);
        assert_eq!((pairs[0].0.value, pairs[0].1.value), (2.0, 2.5));
    }
}
