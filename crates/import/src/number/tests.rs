use super::*;

fn num(cell: &str, decimal: Decimal) -> f64 {
    parse_number(cell, decimal).unwrap().number().unwrap()
}

#[test]
fn german_numbers_with_spaces_and_points() {
    assert_eq!(num("1 675    ", Decimal::Comma), 1675.0);
    assert_eq!(num("1 788 994", Decimal::Comma), 1_788_994.0);
    assert_eq!(num("1.788.994", Decimal::Comma), 1_788_994.0);
    assert_eq!(num("-  23    ", Decimal::Comma), -23.0);
    assert_eq!(num("−5,25", Decimal::Comma), -5.25);
    assert_eq!(num("9,7", Decimal::Comma), 9.7);
    assert_eq!(num("0", Decimal::Comma), 0.0);
    assert_eq!(num("1\u{a0}675", Decimal::Comma), 1675.0);
}

#[test]
fn english_numbers() {
    assert_eq!(num("1044555.0", Decimal::Point), 1_044_555.0);
    assert_eq!(num("1,044,555.5", Decimal::Point), 1_044_555.5);
    assert_eq!(num("5.0", Decimal::Point), 5.0);
}

#[test]
fn symbols_are_never_numbers() {
    for (cell, symbol) in [
        ("-", Symbol::Nothing),
        (" . ", Symbol::UnknownOrSecret),
        ("x", Symbol::NotApplicable),
        ("/", Symbol::Unreliable),
        ("…", Symbol::Later),
        ("...", Symbol::Later),
    ] {
        assert_eq!(parse_number(cell, Decimal::Comma), Ok(Value::Symbol(symbol)), "{cell}");
    }
}

#[test]
fn rejects_malformed_numbers_with_a_hint() {
    for bad in ["1,2,3", "12 34", "1.23", "abc", "1e5", "--1", "1,", ",5", "1..000"] {
        assert!(parse_number(bad, Decimal::Comma).is_err(), "{bad}");
    }
    assert_eq!(parse_number("  ", Decimal::Comma), Err(NumberError::Empty));
    let message = parse_number("1044555.0", Decimal::Comma).unwrap_err().to_string();
    assert!(message.contains("set decimal = \".\""), "{message}");
}
