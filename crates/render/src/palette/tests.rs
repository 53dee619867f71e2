use super::*;

#[test]
fn palettes_have_the_asked_number_of_colours() {
    assert!(sequential(0).is_empty());
    for k in 1..=7 {
        assert_eq!(sequential(k).len(), k);
    }
    assert_eq!(sequential(9).len(), 7);
    assert_eq!(class_colour(5, 9), "#253494");
}

#[test]
fn every_fill_gets_a_text_colour_with_aa_contrast() {
    let fills = (1..=7).flat_map(sequential).copied().chain([NO_DATA_FILL, BASE_FILL]);
    for fill in fills {
        let ratio = contrast_ratio(fill, text_on(fill)).unwrap();
        assert!(ratio >= 4.5, "{fill}: {ratio}");
    }
    assert_eq!(text_on("#0c2c84"), "#ffffff");
    assert_eq!(text_on("#ffffcc"), "#000000");
}

#[test]
fn contrast_ratio_matches_wcag_reference_values() {
    assert_eq!(contrast_ratio("#000000", "#ffffff"), Some(21.0));
    assert!((contrast_ratio(TEXT_MUTED, "#ffffff").unwrap() - 7.0).abs() < 0.01);
    assert_eq!(contrast_ratio("red", "#ffffff"), None);
}
