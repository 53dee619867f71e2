use super::*;

#[test]
fn escaping_covers_markup_quotes_and_control_characters() {
    assert_eq!(escape(r#"A&B <x> "q" 'a'"#), "A&amp;B &lt;x&gt; &quot;q&quot; &apos;a&apos;");
    assert_eq!(escape("a\u{1}b\u{0}c\nd"), "abc\nd");
}

#[test]
fn numbers_are_rounded_to_tenths_without_trailing_zeros() {
    assert_eq!(num(12.0), "12");
    assert_eq!(num(12.34), "12.3");
    assert_eq!(num(-0.46), "-0.5");
    assert_eq!(num(-0.04), "0");
}

#[test]
fn ids_get_a_content_derived_prefix() {
    let a = Svg::new(10.0, 10.0, Role::Img, "A", "").finish();
    let b = Svg::new(10.0, 10.0, Role::Img, "B", "").finish();
    assert!(!a.contains(ID));
    let id = |s: &str| s.split("id=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    assert_ne!(id(&a), id(&b));
    assert_eq!(a, Svg::new(10.0, 10.0, Role::Img, "A", "").finish());
}
