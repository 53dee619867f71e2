use super::*;

#[test]
fn positions_display_line_column_and_feature() {
    let p = Position::file("a.csv");
    assert_eq!(p.at_line(3).at_column("zahl").to_string(), "a.csv:3:zahl");
    assert_eq!(p.at_feature(12).to_string(), "a.csv: feature 12");
    assert_eq!(p.at_feature(12).at_column("STT_NR").to_string(), "a.csv: feature 12: field STT_NR");
    assert_eq!(p.to_string(), "a.csv");
}

#[test]
fn error_lists_are_capped() {
    let errors = ImportErrors((1..=53).map(|i| ImportError::new(Position::file("f").at_line(i), "bad")).collect());
    let text = errors.to_string();
    assert_eq!(text.lines().count(), 51);
    assert!(text.ends_with("and 3 more"), "{text}");
    assert!(text.starts_with("f:1: bad\nf:2: bad"));
}
