use super::*;

#[test]
fn groups_thousands_and_uses_a_decimal_comma() {
    assert_eq!(format_de(1234.5, 1), "1.234,5");
    assert_eq!(format_de(999.0, 0), "999");
    assert_eq!(format_de(1000.0, 0), "1.000");
    assert_eq!(format_de(-1_234_567.891, 2), "-1.234.567,89");
    assert_eq!(format_de(0.0, 1), "0,0");
    assert_eq!(format_de(12.25, 1), "12,3");
    assert_eq!(format_de(2.5, 0), "3");
    assert_eq!(format_de(1.005, 2), "1,00");
    assert_eq!(format_de(f64::NAN, 1), "–");
}

#[test]
fn negative_values_that_round_to_zero_lose_their_sign() {
    assert_eq!(format_de(-0.04, 1), "0,0");
    assert_eq!(format_de(-0.4, 0), "0");
    assert_eq!(format_de(-0.06, 1), "-0,1");
}

#[test]
fn auto_decimals_follow_the_magnitude() {
    assert_eq!(format_auto(12.0), "12");
    assert_eq!(format_auto(1_044_555.0), "1.044.555");
    assert_eq!(format_auto(12.34), "12,3");
    assert_eq!(format_auto(1.25), "1,25");
    assert_eq!(format_auto(1.2), "1,2");
    assert_eq!(format_auto(1.2049), "1,2");
    assert_eq!(format_auto(-3.456), "-3,46");
}

#[test]
fn common_decimals_cover_every_value() {
    assert_eq!(common_decimals(&[0.0, 2.5, 5.0]), 1);
    assert_eq!(common_decimals(&[0.0, 250_000.0]), 0);
    assert_eq!(common_decimals(&[0.25, 0.5]), 2);
}

#[test]
fn ticks_do_not_exceed_the_interval_budget() {
    assert_eq!(nice_ticks(-3.2, 7.9, 5), [-5.0, 0.0, 5.0, 10.0]);
    assert_eq!(nice_ticks(3.0, 3.0, 4), [2.6, 2.8, 3.0, 3.2, 3.4]);
    assert_eq!(nice_ticks(0.0, 0.0, 2), [0.0, 0.5, 1.0]);
    assert!(nice_ticks(f64::NAN, 1.0, 5).is_empty());
    assert!(nice_ticks(-1e308, 1e308, 5).is_empty());
}
