//! Kommunen, layers of areas and their versions.

use geo::MultiPolygon;

use crate::key_type;

key_type!(
    /// The key of a Kommune (municipality) in the store, such as `koeln`.
    KommuneKey
);
key_type!(
    /// The key of a layer within a Kommune, such as `stadtteil`.
    LayerKey
);
key_type!(
    /// The official key of an area within its layer, such as the Köln Stadtteil `101`.
    AreaKey
);

/// A municipality whose data the store holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Kommune {
    /// Store key.
    pub key: KommuneKey,
    /// Display name, e.g. "Köln".
    pub name: String,
    /// Amtlicher Gemeindeschlüssel (8 digits), when known.
    pub ags: Option<String>,
}

/// A spatial layer: a complete set of areas of one kind, such as all Stadtteile.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    /// Key within the Kommune.
    pub key: LayerKey,
    /// Display name, e.g. "Stadtteile".
    pub name: String,
    /// The next coarser layer; each area of this layer lies within one area of the parent.
    pub parent: Option<LayerKey>,
}

/// The years in which a version of an area is valid, both ends inclusive; `None` is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Validity {
    /// First year of validity.
    pub from: Option<i32>,
    /// Last year of validity.
    pub to: Option<i32>,
}

impl Validity {
    /// Always valid.
    pub const ALWAYS: Validity = Validity { from: None, to: None };

    /// Whether the version is valid in `year`.
    pub fn contains(self, year: i32) -> bool {
        self.from.is_none_or(|f| f <= year) && self.to.is_none_or(|t| year <= t)
    }

    /// Whether two validity ranges share a year.
    pub fn overlaps(self, other: Validity) -> bool {
        let lo = self.from.unwrap_or(i32::MIN).max(other.from.unwrap_or(i32::MIN));
        let hi = self.to.unwrap_or(i32::MAX).min(other.to.unwrap_or(i32::MAX));
        lo <= hi
    }
}

/// One version of an area: the same key may have different geometries in different periods.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    /// Official key.
    pub key: AreaKey,
    /// Display name.
    pub name: String,
    /// Key of the enclosing area in the parent layer.
    pub parent: Option<AreaKey>,
    /// When this version is valid.
    pub validity: Validity,
    /// Boundary in WGS84 longitude/latitude; `None` for areas known only by key (e.g. the city total
    /// of a statistics table).
    pub geometry: Option<MultiPolygon<f64>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_reject_empty_slash_and_padding() {
        assert!(AreaKey::new("101").is_ok());
        assert!(AreaKey::new("").is_err());
        assert!(AreaKey::new("a/b").is_err());
        assert!(AreaKey::new(" 101").is_err());
    }

    #[test]
    fn validity_contains_and_overlaps() {
        let v = Validity { from: Some(2005), to: Some(2012) };
        assert!(v.contains(2005) && v.contains(2012) && !v.contains(2013));
        assert!(Validity::ALWAYS.contains(1900));
        assert!(v.overlaps(Validity { from: Some(2012), to: None }));
        assert!(!v.overlaps(Validity { from: Some(2013), to: None }));
    }
}
