use super::*;

#[test]
fn minimum_frequency_spares_empty_cells() {
    let rules = Rules::minimum_frequency(3);
    let reasons: Vec<_> = (0..5).map(|f| rules.check(f, &[])).collect();
    assert_eq!(reasons, [None, Some(Reason::MinimumFrequency), Some(Reason::MinimumFrequency), None, None]);
}

#[test]
fn parameters_out_of_range_are_refused() {
    assert_eq!(PPercent::new(0.0), Err(RuleError::PPercent(0.0)));
    assert_eq!(PPercent::new(100.0), Err(RuleError::PPercent(100.0)));
    assert!(Dominance::new(0, 85.0).is_err() && Dominance::new(2, 0.0).is_err() && Dominance::new(2, 101.0).is_err());
    assert!(Dominance::new(1, 100.0).is_ok());
}

#[test]
fn few_contributors_and_empty_cells_under_the_dominance_rules() {
    let nk = Dominance::new(2, 85.0).unwrap();
    let p = PPercent::new(20.0).unwrap();
    assert!(nk.is_sensitive(&[10.0]) && nk.is_sensitive(&[10.0, 5.0]) && p.is_sensitive(&[10.0]));
    assert!(!nk.is_sensitive(&[]) && !p.is_sensitive(&[]) && !p.is_sensitive(&[0.0, 0.0]));
    // Rules apply in order: a cell with two contributors is reported for the minimum frequency.
    let rules = Rules { minimum_frequency: 3, dominance: Some(nk), p_percent: Some(p) };
    assert_eq!(rules.check(2, &[10.0, 5.0]), Some(Reason::MinimumFrequency));
    assert_eq!(rules.check(3, &[10.0, 5.0, 1.0]), Some(Reason::Dominance));
}
