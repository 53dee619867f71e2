use domain::classify::{ClassMethod, breaks};
use render::{legend, legend_entries, sequential};

use crate::svg_check::{check, child, text_of, with_class};

#[test]
fn legend_entries_carry_colours_and_german_ranges() {
    let b = breaks(&[0.0, 1200.0, 2500.0, 4000.0, 800.0], ClassMethod::Quantile, 3).unwrap();
    let e = legend_entries(&b);
    let labels: Vec<&str> = e.iter().map(|e| e.label.as_str()).collect();
    assert_eq!(labels, ["0 – 800", "800 – 2.500", "2.500 – 4.000"]);
    assert_eq!(e.iter().map(|e| e.colour).collect::<Vec<_>>(), sequential(3));
}

#[test]
fn legend_svg_shows_classes_top_down_the_gap_swatch_and_the_method() {
    let b = breaks(&[1.0, 2.0, 3.0], ClassMethod::EqualInterval, 2).unwrap();
    let svg = legend(&b, ClassMethod::EqualInterval.label(), "Anteil in %", true);
    let doc = check(&svg);
    let swatches = with_class(&doc, "swatch");
    let fills: Vec<&str> = swatches.iter().map(|s| s.attribute("fill").unwrap()).collect();
    assert_eq!(fills[..2], [sequential(2)[1], sequential(2)[0]]);
    assert!(fills[2].starts_with("url(#") && fills[2].ends_with("hatch)"));
    let text = text_of(doc.root_element());
    assert!(text.contains("Anteil in %"));
    assert!(text.contains("2 – 3"));
    assert!(text.contains("keine Daten"));
    assert!(text.contains("Klassen: Gleiche Klassenbreite"));
    assert!(text_of(child(doc.root_element(), "desc")).contains("1 – 2; 2 – 3; schraffiert: keine Daten"));
}

#[test]
fn legend_without_gaps_has_no_hatch_swatch() {
    let b = breaks(&[1.0, 2.0], ClassMethod::Quantile, 2).unwrap();
    let svg = legend(&b, "Quantile", "Anzahl", false);
    let doc = check(&svg);
    assert_eq!(with_class(&doc, "swatch").len(), 2);
    assert!(!text_of(doc.root_element()).contains("keine Daten"));
}
