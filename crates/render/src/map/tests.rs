use geo::{coord, polygon};

use super::*;

fn square() -> MultiPolygon<f64> {
    MultiPolygon::new(vec![
        polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0), (x: 0.0, y: 0.0)],
    ])
}

#[test]
fn paths_are_relative_with_axis_shortcuts() {
    let p = Projection::fit(Rect::new(coord! { x: 0.0, y: 0.0 }, coord! { x: 1.0, y: 1.0 }), 10.0, 10.0, 0.0);
    // Near the equator cos(0.5°) ≈ 1 but not exactly: the x extent is centred inside 10 px.
    assert_eq!(path_data(&square(), &p), "M0 10h10v-10h-10z");
}

#[test]
fn rings_that_collapse_after_rounding_are_dropped() {
    let tiny = MultiPolygon::new(vec![polygon![(x: 0.0, y: 0.0), (x: 0.001, y: 0.0), (x: 0.001, y: 0.001)]]);
    let p = Projection::fit(Rect::new(coord! { x: 0.0, y: 0.0 }, coord! { x: 10.0, y: 10.0 }), 10.0, 10.0, 0.0);
    assert_eq!(path_data(&tiny, &p), "");
}

#[test]
fn mixed_steps_repeat_commands_only_when_they_change() {
    let mut d = String::new();
    write_ring(&mut d, &[(0, 0), (10, 5), (20, -5), (20, 10)]);
    assert_eq!(d, "M0 0l1 0.5 1-1v1.5z");
}
