use domain::classify::{ClassMethod, breaks};

use super::*;

fn labels(b: &Breaks) -> Vec<String> {
    legend_entries(b).into_iter().map(|e| e.label).collect()
}

#[test]
fn labels_use_german_format() {
    let b = breaks(&[0.0, 1200.0, 2500.0, 4000.0], ClassMethod::EqualInterval, 2).unwrap();
    assert_eq!(labels(&b), ["0 – 2.000", "2.000 – 4.000"]);
    let b = breaks(&[1.0, 1.5, 12.25], ClassMethod::Quantile, 3).unwrap();
    assert_eq!(labels(&b), ["1,0", "1,0 – 1,5", "1,5 – 12,3"]);
}

#[test]
fn decimals_grow_until_different_limits_look_different() {
    let b = breaks(&[10.01, 10.02, 10.04], ClassMethod::Quantile, 3).unwrap();
    assert_eq!(labels(&b), ["10,01", "10,01 – 10,02", "10,02 – 10,04"]);
}

#[test]
fn entries_carry_palette_colours_and_readable_text_colours() {
    let b = breaks(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0], ClassMethod::Quantile, 7).unwrap();
    let e = legend_entries(&b);
    assert_eq!(e.iter().map(|e| e.colour).collect::<Vec<_>>(), crate::sequential(7));
    assert_eq!(e[6].text_colour, "#ffffff");
    assert_eq!((e[1].lower, e[1].upper), (1.0, 2.0));
}
