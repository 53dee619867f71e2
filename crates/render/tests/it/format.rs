use render::{format_auto, format_de, nice_ticks};

#[test]
fn german_numbers() {
    assert_eq!(format_de(1234.5, 1), "1.234,5");
    assert_eq!(format_de(1_044_555.0, 0), "1.044.555");
    assert_eq!(format_de(-23.0, 0), "-23");
    assert_eq!(format_de(0.0, 1), "0,0");
    assert_eq!(format_auto(12.5), "12,5");
    assert_eq!(format_auto(3.0), "3");
    assert_eq!(format_auto(0.75), "0,75");
}

#[test]
fn a_negative_value_rounding_to_zero_is_written_without_sign() {
    assert_eq!(format_de(-0.04, 1), "0,0");
}

#[test]
fn nice_ticks_for_typical_ranges() {
    assert_eq!(nice_ticks(0.0, 1_044_555.0, 5), [0.0, 250_000.0, 500_000.0, 750_000.0, 1_000_000.0, 1_250_000.0]);
    assert_eq!(nice_ticks(0.0, 1.0, 5), [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
    assert_eq!(nice_ticks(12.3, 17.9, 5), [12.0, 14.0, 16.0, 18.0]);
    assert_eq!(nice_ticks(-312.0, 1_480.0, 4), [-500.0, 0.0, 500.0, 1000.0, 1500.0]);
    assert_eq!(nice_ticks(0.0, 9.0, 4), [0.0, 2.5, 5.0, 7.5, 10.0]);
}
