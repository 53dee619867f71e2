//! Which area a point lies in: an R-tree over area bounding boxes, then an exact test.

use geo::{BoundingRect, Contains, MultiPolygon, Point};
use rstar::{AABB, RTree, RTreeObject};

struct Entry {
    index: usize,
    envelope: AABB<[f64; 2]>,
}

impl RTreeObject for Entry {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}

/// A spatial index over polygons, answering "which polygon contains this point".
pub struct AreaIndex<'a> {
    polygons: Vec<&'a MultiPolygon<f64>>,
    tree: RTree<Entry>,
}

impl<'a> AreaIndex<'a> {
    /// Indexes the polygons; the answer of [`AreaIndex::locate`] is a position in this sequence.
    pub fn new(polygons: impl IntoIterator<Item = &'a MultiPolygon<f64>>) -> Self {
        let polygons: Vec<_> = polygons.into_iter().collect();
        let entries = polygons
            .iter()
            .enumerate()
            .filter_map(|(index, p)| {
                let r = p.bounding_rect()?;
                Some(Entry { index, envelope: AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]) })
            })
            .collect();
        AreaIndex { polygons, tree: RTree::bulk_load(entries) }
    }

    /// The position of the first polygon that contains `p`, if any.
    pub fn locate(&self, p: Point<f64>) -> Option<usize> {
        let q = [p.x(), p.y()];
        self.tree
            .locate_in_envelope_intersecting(&AABB::from_point(q))
            .map(|e| e.index)
            .filter(|&i| self.polygons[i].contains(&p))
            .min()
    }
}

/// For each child area, the key of the parent area that contains its interior point; `None` where
/// no parent contains it (or the child has no geometry).
pub fn parents_by_containment(children: &[crate::Area], parents: &[crate::Area]) -> Vec<Option<crate::AreaKey>> {
    use geo::InteriorPoint;
    let with_geometry: Vec<&crate::Area> = parents.iter().filter(|p| p.geometry.is_some()).collect();
    let index = AreaIndex::new(with_geometry.iter().filter_map(|p| p.geometry.as_ref()));
    children
        .iter()
        .map(|c| {
            let point = c.geometry.as_ref()?.interior_point()?;
            index.locate(point).map(|i| with_geometry[i].key.clone())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{MultiPolygon, polygon};

    #[test]
    fn finds_the_containing_square() {
        let a =
            MultiPolygon::new(vec![polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)]]);
        let b =
            MultiPolygon::new(vec![polygon![(x: 1.0, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 1.0), (x: 1.0, y: 1.0)]]);
        let idx = AreaIndex::new([&a, &b]);
        assert_eq!(idx.locate(Point::new(0.5, 0.5)), Some(0));
        assert_eq!(idx.locate(Point::new(1.5, 0.5)), Some(1));
        assert_eq!(idx.locate(Point::new(5.0, 5.0)), None);
    }

    #[test]
    fn children_find_their_parents() {
        let square = |x0: f64, x1: f64| {
            MultiPolygon::new(vec![polygon![(x: x0, y: 0.0), (x: x1, y: 0.0), (x: x1, y: 1.0), (x: x0, y: 1.0)]])
        };
        let area = |key: &str, g| crate::Area {
            key: crate::AreaKey::new(key).unwrap(),
            name: key.into(),
            parent: None,
            validity: crate::Validity::ALWAYS,
            geometry: g,
        };
        let parents = [area("1", Some(square(0.0, 2.0))), area("2", Some(square(2.0, 4.0)))];
        let children = [
            area("11", Some(square(0.0, 1.0))),
            area("21", Some(square(3.0, 4.0))),
            area("99", Some(square(9.0, 10.0))),
            area("00", None),
        ];
        let got = parents_by_containment(&children, &parents);
        let keys: Vec<Option<&str>> = got.iter().map(|k| k.as_ref().map(|k| k.as_str())).collect();
        assert_eq!(keys, [Some("1"), Some("2"), None, None]);
    }
}
