use std::collections::HashMap;

use geo::{MultiPolygon, polygon};

use super::*;
use crate::Validity;

fn key(k: &str) -> AreaKey {
    AreaKey::new(k).unwrap()
}

/// A lon/lat rectangle near Köln.
fn rect(key_: &str, x0: f64, x1: f64, y0: f64, y1: f64) -> Area {
    let (x0, x1, y0, y1) = (7.0 + x0, 7.0 + x1, 50.9 + y0, 50.9 + y1);
    Area {
        key: key(key_),
        name: key_.into(),
        parent: None,
        validity: Validity::ALWAYS,
        geometry: Some(MultiPolygon::new(vec![
            polygon![(x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1)],
        ])),
    }
}

fn share(cw: &Crosswalk, from: &str, to: &str) -> f64 {
    cw.rows().into_iter().find(|(f, t, _)| f.as_str() == from && t.as_str() == to).map_or(0.0, |(_, _, s)| s)
}

#[test]
fn shares_must_be_proportions_that_add_up() {
    assert_eq!(
        Crosswalk::from_shares(vec![(key("1"), key("A"), 0.7), (key("1"), key("B"), 0.4)]),
        Err(CrosswalkError::SharesDoNotAddUp { from: key("1"), sum: 1.1 })
    );
    assert!(matches!(
        Crosswalk::from_shares(vec![(key("1"), key("A"), 1.5)]),
        Err(CrosswalkError::InvalidShare { .. })
    ));
}

#[test]
fn reestimation_preserves_totals_and_names_unplaced_areas() {
    let cw =
        Crosswalk::from_shares(vec![(key("1"), key("A"), 0.25), (key("1"), key("B"), 0.75), (key("2"), key("B"), 1.0)])
            .unwrap();
    let counts = HashMap::from([(key("1"), 400.0), (key("2"), 100.0), (key("3"), 7.0)]);
    let (estimated, unmatched) = cw.reestimate(&counts);
    assert_eq!(estimated[&key("A")], 100.0);
    assert_eq!(estimated[&key("B")], 400.0);
    assert_eq!(unmatched, [key("3")]);
}

#[test]
fn area_shares_follow_the_surface() {
    // Old area 1 spans 0.0–0.2° of longitude; the new boundaries cut it at 0.05°: a quarter and
    // three quarters of its surface. Old area 2 lies wholly in new area B.
    let old = [rect("1", 0.0, 0.2, 0.0, 0.1), rect("2", 0.2, 0.3, 0.0, 0.1)];
    let new = [rect("A", 0.0, 0.05, 0.0, 0.1), rect("B", 0.05, 0.3, 0.0, 0.1)];
    let cw = Crosswalk::by_area(&old, &new);
    assert!((share(&cw, "1", "A") - 0.25).abs() < 1e-12, "{:?}", cw.rows());
    assert!((share(&cw, "1", "A") + share(&cw, "1", "B") - 1.0).abs() < 1e-12, "shares add up to 1");
    assert!((share(&cw, "2", "B") - 1.0).abs() < 1e-12);
    assert_eq!(share(&cw, "2", "A"), 0.0, "touching is not overlapping");
}

#[test]
fn count_shares_follow_where_people_live() {
    // Four blocks in old area 1 with 10, 20, 30 and 40 inhabitants; the first two lie in new area A.
    let old = [rect("1", 0.0, 0.4, 0.0, 0.1)];
    let new = [rect("A", 0.0, 0.2, 0.0, 0.1), rect("B", 0.2, 0.4, 0.0, 0.1)];
    let blocks: Vec<Area> =
        (0..4).map(|i| rect(&format!("b{i}"), 0.1 * i as f64, 0.1 * (i + 1) as f64, 0.0, 0.1)).collect();
    let fine: Vec<(&Area, f64)> = blocks.iter().zip([10.0, 20.0, 30.0, 40.0]).collect();
    let cw = Crosswalk::by_counts(&old, &new, &fine);
    assert_eq!(share(&cw, "1", "A"), 0.3);
    assert_eq!(share(&cw, "1", "B"), 0.7);
}

#[test]
fn ring_orientation_does_not_matter() {
    let clockwise = |a: Area| {
        let g = a.geometry.unwrap();
        let rings: Vec<geo::Polygon<f64>> =
            g.0.into_iter()
                .map(|p| {
                    let mut exterior = p.exterior().clone();
                    exterior.0.reverse();
                    geo::Polygon::new(exterior, vec![])
                })
                .collect();
        Area { geometry: Some(MultiPolygon::new(rings)), ..a }
    };
    let old = [clockwise(rect("1", 0.0, 0.2, 0.0, 0.1))];
    let new = [clockwise(rect("A", 0.0, 0.1, 0.0, 0.1)), clockwise(rect("B", 0.1, 0.2, 0.0, 0.1))];
    let cw = Crosswalk::by_area(&old, &new);
    assert!((share(&cw, "1", "A") - 0.5).abs() < 1e-12, "{:?}", cw.rows());
    assert_eq!(cw.rows().len(), 2);
}
