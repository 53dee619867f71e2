use geo::coord;

use super::*;

#[test]
fn a_point_box_is_centred() {
    let p = Projection::fit(Rect::new(coord! { x: 7.0, y: 51.0 }, coord! { x: 7.0, y: 51.0 }), 100.0, 50.0, 5.0);
    assert_eq!(p.project(coord! { x: 7.0, y: 51.0 }), (50.0, 25.0));
}

#[test]
fn a_wide_box_is_centred_vertically() {
    // Around the equator cos = 1: a 2° × 1° box in a 100 × 100 viewport fills the width.
    let p = Projection::fit(Rect::new(coord! { x: 0.0, y: -0.5 }, coord! { x: 2.0, y: 0.5 }), 100.0, 100.0, 0.0);
    assert_eq!(p.project(coord! { x: 0.0, y: 0.5 }), (0.0, 25.0));
    assert_eq!(p.project(coord! { x: 2.0, y: -0.5 }), (100.0, 75.0));
}

#[test]
fn no_room_maps_everything_to_the_centre() {
    let p = Projection::fit(Rect::new(coord! { x: 0.0, y: 0.0 }, coord! { x: 1.0, y: 1.0 }), 10.0, 10.0, 8.0);
    assert_eq!(p.project(coord! { x: 1.0, y: 1.0 }), (5.0, 5.0));
}
