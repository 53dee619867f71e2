use super::*;

#[test]
fn gaps_break_the_line_and_lone_points_get_no_segment() {
    let p = |x: f64| Some((x, 1.0));
    assert_eq!(line_path(&[p(0.0), p(1.0), None, p(3.0), None, p(5.0), p(6.0)]), "M0 1L1 1M5 1L6 1");
    assert_eq!(line_path(&[None, p(1.0), None]), "");
}
