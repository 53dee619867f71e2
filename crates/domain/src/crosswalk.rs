//! Crosswalks: how the counts of one set of areas are re-estimated on another, for example on the
//! areas of a new boundary version (Gebietsstand) or of another layer.
//!
//! A crosswalk holds, for each source area, the shares of its count that go to each target area;
//! the shares of a source area add up to 1, so re-estimating preserves the total of a count. The
//! shares come from the geometries (the part of the source area's surface in each target area), from
//! the counts of a finer layer (the part of the source area's population living in each target
//! area), or from an imported table.
//!
//! ```
//! use std::collections::HashMap;
//! use domain::crosswalk::Crosswalk;
//! use domain::AreaKey;
//! let key = |k: &str| AreaKey::new(k).unwrap();
//! // Area 1 was split: 60 % went to A, 40 % to B; area 2 became C.
//! let cw = Crosswalk::from_shares(vec![(key("1"), key("A"), 0.6), (key("1"), key("B"), 0.4), (key("2"), key("C"), 1.0)]).unwrap();
//! let counts = HashMap::from([(key("1"), 1000.0), (key("2"), 500.0)]);
//! let (estimated, _) = cw.reestimate(&counts);
//! assert_eq!(estimated[&key("A")], 600.0);
//! assert_eq!(estimated.values().sum::<f64>(), 1500.0);
//! ```

use std::collections::{BTreeMap, HashMap};

use geo::{Area as _, BooleanOps, BoundingRect, Intersects, MultiPolygon};

use crate::locate::AreaIndex;
use crate::{Area, AreaKey};

/// The shares of each source area's count that go to each target area.
#[derive(Debug, Clone, PartialEq)]
pub struct Crosswalk {
    shares: BTreeMap<AreaKey, Vec<(AreaKey, f64)>>,
}

/// What the shares of a crosswalk were computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// The surface of the source area in each target area.
    Area,
    /// The counts of a finer layer located in both.
    Counts,
    /// A table given by the user.
    Imported,
}

impl Basis {
    /// German description for notes under re-estimated figures.
    pub fn label(self) -> &'static str {
        match self {
            Basis::Area => "nach Flächenanteilen umgeschätzt",
            Basis::Counts => "nach Einwohneranteilen einer feineren Ebene umgeschätzt",
            Basis::Imported => "nach einer eingelesenen Umschlüsselungstabelle umgeschätzt",
        }
    }
}

/// Shares that cannot form a crosswalk.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CrosswalkError {
    /// A share outside [0, 1] or not a number.
    #[error("share {share} of {from} → {to} is not between 0 and 1")]
    InvalidShare {
        /// Source area.
        from: AreaKey,
        /// Target area.
        to: AreaKey,
        /// The share.
        share: f64,
    },
    /// The shares of a source area do not add up to 1.
    #[error("the shares of {from} add up to {sum}, not 1")]
    SharesDoNotAddUp {
        /// Source area.
        from: AreaKey,
        /// Their sum.
        sum: f64,
    },
}

/// Shares below this are slivers from boundaries digitised slightly differently, not real overlap.
const SLIVER: f64 = 1e-4;

impl Crosswalk {
    /// A crosswalk from (source, target, share) rows; the shares of each source must add up to 1
    /// (within 1e-6).
    pub fn from_shares(rows: Vec<(AreaKey, AreaKey, f64)>) -> Result<Crosswalk, CrosswalkError> {
        let mut shares: BTreeMap<AreaKey, Vec<(AreaKey, f64)>> = BTreeMap::new();
        for (from, to, share) in rows {
            if !(0.0..=1.0).contains(&share) {
                return Err(CrosswalkError::InvalidShare { from, to, share });
            }
            shares.entry(from).or_default().push((to, share));
        }
        for (from, list) in &shares {
            let sum: f64 = list.iter().map(|(_, s)| s).sum();
            if (sum - 1.0).abs() > 1e-6 {
                return Err(CrosswalkError::SharesDoNotAddUp { from: from.clone(), sum });
            }
        }
        Ok(Crosswalk { shares })
    }

    /// Shares by surface: the part of each source area lying in each target area. Slivers below
    /// 0.01 % are dropped and the rest scaled to add up to 1, so that boundaries digitised slightly
    /// differently do not lose counts; a source area outside every target keeps no share and is
    /// reported by [`Crosswalk::reestimate`] as unmatched.
    pub fn by_area(sources: &[Area], targets: &[Area]) -> Crosswalk {
        let targets: Vec<(&AreaKey, &MultiPolygon<f64>)> =
            targets.iter().filter_map(|t| Some((&t.key, t.geometry.as_ref()?))).collect();
        let mut shares = BTreeMap::new();
        for source in sources {
            let Some(geometry) = &source.geometry else { continue };
            let total = surface(geometry);
            let Some(bbox) = geometry.bounding_rect() else { continue };
            if total <= 0.0 {
                continue;
            }
            let parts: Vec<(AreaKey, f64)> = targets
                .iter()
                .filter(|(_, g)| g.bounding_rect().is_some_and(|b| b.intersects(&bbox)))
                .map(|(key, g)| ((*key).clone(), surface(&geometry.intersection(*g)) / total))
                .filter(|(_, share)| *share > SLIVER)
                .collect();
            if let Some(normalised) = normalise(parts) {
                shares.insert(source.key.clone(), normalised);
            }
        }
        Crosswalk { shares }
    }

    /// Shares by the counts of a finer layer: each fine area is placed, by a point inside it, in a
    /// source and a target area, and its count goes with it. Fine areas outside either are ignored.
    pub fn by_counts(sources: &[Area], targets: &[Area], fine: &[(&Area, f64)]) -> Crosswalk {
        use geo::InteriorPoint;
        let with = |areas: &[Area]| -> Vec<(AreaKey, MultiPolygon<f64>)> {
            areas.iter().filter_map(|a| Some((a.key.clone(), a.geometry.clone()?))).collect()
        };
        let (sources, targets) = (with(sources), with(targets));
        let source_index = AreaIndex::new(sources.iter().map(|(_, g)| g));
        let target_index = AreaIndex::new(targets.iter().map(|(_, g)| g));
        let mut sums: BTreeMap<AreaKey, BTreeMap<AreaKey, f64>> = BTreeMap::new();
        for (area, count) in fine {
            let Some(point) = area.geometry.as_ref().and_then(|g| g.interior_point()) else { continue };
            let (Some(s), Some(t)) = (source_index.locate(point), target_index.locate(point)) else { continue };
            *sums.entry(sources[s].0.clone()).or_default().entry(targets[t].0.clone()).or_default() += count;
        }
        let shares =
            sums.into_iter().filter_map(|(from, to)| Some((from, normalise(to.into_iter().collect())?))).collect();
        Crosswalk { shares }
    }

    /// The (source, target, share) rows, sorted.
    pub fn rows(&self) -> Vec<(&AreaKey, &AreaKey, f64)> {
        self.shares.iter().flat_map(|(from, list)| list.iter().map(move |(to, s)| (from, to, *s))).collect()
    }

    /// Re-estimates counts of the source areas on the target areas. Returns the estimates and the
    /// source areas that had a count but no share anywhere (their counts could not be placed).
    pub fn reestimate(&self, counts: &HashMap<AreaKey, f64>) -> (HashMap<AreaKey, f64>, Vec<AreaKey>) {
        let mut estimated: HashMap<AreaKey, f64> = HashMap::new();
        let mut unmatched = Vec::new();
        for (from, count) in counts {
            match self.shares.get(from) {
                Some(list) => {
                    for (to, share) in list {
                        *estimated.entry(to.clone()).or_default() += count * share;
                    }
                }
                None => unmatched.push(from.clone()),
            }
        }
        unmatched.sort();
        (estimated, unmatched)
    }
}

/// The surface of a geometry in square degrees. Only ratios of surfaces within one source area are
/// used, where the distortion of longitude/latitude is the same for both to within the cosine of the
/// area's latitude span (1e-4 relative for a city district); unlike a geodesic area it cannot mistake
/// a degenerate sliver from the intersection for the rest of the globe.
fn surface(g: &MultiPolygon<f64>) -> f64 {
    g.unsigned_area()
}

/// Scales positive weights to add up to 1; `None` when nothing is left.
fn normalise(parts: Vec<(AreaKey, f64)>) -> Option<Vec<(AreaKey, f64)>> {
    let parts: Vec<(AreaKey, f64)> = parts.into_iter().filter(|(_, w)| *w > 0.0 && w.is_finite()).collect();
    let sum: f64 = parts.iter().map(|(_, w)| w).sum();
    (sum > 0.0).then(|| parts.into_iter().map(|(k, w)| (k, w / sum)).collect())
}

#[cfg(test)]
mod tests;
