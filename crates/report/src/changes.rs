//! What moved between two editions of a report: the city's values side by side, and the area
//! values whose change is largest relative to the spread of the indicator over the areas. The
//! spread makes indicators of different units comparable: a change of one standard deviation
//! moves an area as far as the typical distance between areas.

use crate::document::StandValue;

/// A change of one area on one indicator.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Change<'a> {
    /// The value in the earlier edition.
    pub then: &'a StandValue,
    /// The value now.
    pub now: &'a StandValue,
    /// |now − then| divided by the population standard deviation of the indicator's current values
    /// over the areas.
    pub standardised: f64,
}

/// Per indicator of `now` (in its order), the city's value then and now, where both exist.
pub(crate) fn city_changes<'a>(then: &'a [StandValue], now: &'a [StandValue]) -> Vec<(&'a StandValue, &'a StandValue)> {
    now.iter()
        .filter(|n| n.city)
        .filter_map(|n| Some((then.iter().find(|t| t.city && t.indicator == n.indicator)?, n)))
        .collect()
}

/// The `n` largest standardised changes of areas present in both editions, largest first; ties in
/// the order of indicator and area key. Indicators whose current values do not vary are left out,
/// as are areas that did not change.
pub(crate) fn largest_changes<'a>(then: &'a [StandValue], now: &'a [StandValue], n: usize) -> Vec<Change<'a>> {
    let mut indicators: Vec<&str> = now.iter().filter(|v| !v.city).map(|v| v.indicator.as_str()).collect();
    indicators.sort_unstable();
    indicators.dedup();
    let mut out = Vec::new();
    for indicator in indicators {
        let current: Vec<&StandValue> = now.iter().filter(|v| !v.city && v.indicator == indicator).collect();
        let count = current.len() as f64;
        let mean = current.iter().map(|v| v.value).sum::<f64>() / count;
        let sd = (current.iter().map(|v| (v.value - mean).powi(2)).sum::<f64>() / count).sqrt();
        if current.len() < 2 || sd == 0.0 || !sd.is_finite() {
            continue;
        }
        for v in current {
            let Some(t) = then.iter().find(|t| !t.city && t.indicator == indicator && t.area == v.area) else {
                continue;
            };
            let delta = v.value - t.value;
            if delta != 0.0 {
                out.push(Change { then: t, now: v, standardised: delta.abs() / sd });
            }
        }
    }
    out.sort_by(|a, b| {
        b.standardised
            .total_cmp(&a.standardised)
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
    fn changes_are_ranked_in_standard_deviations() {
        // x now: 1, 3 (mean 2, SD 1); b moved from 1 to 3: 2 SD. y now: 10, 30 (SD 10); b moved from
        // 40 to 30: 1 SD; a did not move. z does not vary now and is left out.
        let then = [v("x", "a", 1.0), v("x", "b", 1.0), v("y", "a", 10.0), v("y", "b", 40.0), v("z", "a", 1.0)];
        let now = [
            v("x", "stadt", 2.0),
            v("x", "a", 1.0),
            v("x", "b", 3.0),
            v("y", "a", 10.0),
            v("y", "b", 30.0),
            v("z", "a", 5.0),
            v("z", "b", 5.0),
        ];
        let changes = largest_changes(&then, &now, 10);
        let found: Vec<(&str, &str, f64)> =
            changes.iter().map(|c| (c.now.indicator.as_str(), c.now.area.as_str(), c.standardised)).collect();
        assert_eq!(found, vec![("x", "b", 2.0), ("y", "b", 1.0)]);
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
