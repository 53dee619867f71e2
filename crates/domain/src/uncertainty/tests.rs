use super::*;

/// Relative tolerance of the reference comparisons (absolute near 0).
const TOLERANCE: f64 = 1e-9;

fn assert_close(got: f64, want: f64, what: &str) {
    let error = (got - want).abs() / want.abs().max(1.0);
    assert!(error <= TOLERANCE, "{what}: got {got:?}, want {want:?}, relative error {error:e}");
}

fn assert_interval(got: Option<Interval>, want: (f64, f64), what: &str) {
    let got = got.unwrap_or_else(|| panic!("{what}: no interval"));
    assert_close(got.lower, want.0, &format!("{what} lower"));
    assert_close(got.upper, want.1, &format!("{what} upper"));
}

fn level(level: f64) -> Confidence {
    Confidence::new(level).unwrap()
}

// Reference values from Python 3 with scipy 1.17.1 and statsmodels 0.15.0. Wilson rows:
//   python3 -c "from statsmodels.stats.proportion import proportion_confint as pc; print(repr(pc(X, N, alpha=1-LEVEL, method='wilson')))"
// (x, n, level, lower, upper)
const WILSON: &[(f64, f64, f64, f64, f64)] = &[
    // pc(0, 10, alpha=0.05, method='wilson')
    (0.0, 10.0, 0.95, 0.0, 0.27753279986288926),
    // pc(5, 10, alpha=0.05, method='wilson')
    (5.0, 10.0, 0.95, 0.23659309051256394, 0.7634069094874361),
    // pc(81, 263, alpha=0.05, method='wilson')
    (81.0, 263.0, 0.95, 0.2552885198782742, 0.36620957698280004),
    // pc(10, 10, alpha=0.05, method='wilson')
    (10.0, 10.0, 0.95, 0.7224672001371106, 1.0),
    // pc(3, 7, alpha=0.05, method='wilson')
    (3.0, 7.0, 0.95, 0.15821985525146964, 0.7495416354723428),
    // pc(81, 263, alpha=0.10, method='wilson')
    (81.0, 263.0, 0.90, 0.2633136171884814, 0.35656634960848815),
    // pc(5, 10, alpha=0.01, method='wilson')
    (5.0, 10.0, 0.99, 0.1842255182472355, 0.8157744817527646),
];

// Exact Poisson rows:
//   python3 -c "from scipy.stats import chi2; a=1-LEVEL; x=X; print(repr(chi2.ppf(a/2, 2*x)/2 if x else 0.0), repr(chi2.ppf(1-a/2, 2*x+2)/2))"
// (x, level, lower, upper)
const EXACT_POISSON: &[(f64, f64, f64, f64)] = &[
    // x=0: 0.0, chi2.ppf(0.975, 2)/2
    (0.0, 0.95, 0.0, 3.6888794541139354),
    // x=1: chi2.ppf(0.025, 2)/2, chi2.ppf(0.975, 4)/2
    (1.0, 0.95, 0.025317807984289876, 5.571643390938898),
    // x=10: chi2.ppf(0.025, 20)/2, chi2.ppf(0.975, 22)/2
    (10.0, 0.95, 4.7953886961324335, 18.39035604201778),
    // x=37: chi2.ppf(0.025, 74)/2, chi2.ppf(0.975, 76)/2
    (37.0, 0.95, 26.05141456710603, 50.999626141930825),
    // x=1000: chi2.ppf(0.025, 2000)/2, chi2.ppf(0.975, 2002)/2
    (1000.0, 0.95, 938.9730184076952, 1063.952136016302),
    // x=10 at 90 %: chi2.ppf(0.05, 20)/2, chi2.ppf(0.95, 22)/2
    (10.0, 0.90, 5.425405697091295, 16.962219235721903),
];

#[test]
fn wilson_matches_statsmodels() {
    for &(x, n, l, lower, upper) in WILSON {
        assert_interval(wilson(x, n, level(l)), (lower, upper), &format!("wilson({x}, {n}, {l})"));
    }
}

#[test]
fn wilson_bounds_are_exact_at_the_edges() {
    let ci = wilson(0.0, 10.0, Confidence::NINETY_FIVE).unwrap();
    assert_eq!(ci.lower, 0.0);
    let ci = wilson(10.0, 10.0, Confidence::NINETY_FIVE).unwrap();
    assert_eq!(ci.upper, 1.0);
}

#[test]
fn z_is_the_normal_quantile() {
    // python3 -c "from scipy.stats import norm; print(repr(norm.ppf(0.975)), repr(norm.ppf(0.95)))"
    assert_close(Confidence::NINETY_FIVE.z(), 1.959963984540054, "z 95 %");
    assert_close(level(0.90).z(), 1.6448536269514722, "z 90 %");
    assert_eq!(Confidence::default(), Confidence::NINETY_FIVE);
}

#[test]
fn exact_poisson_matches_scipy() {
    for &(x, l, lower, upper) in EXACT_POISSON {
        assert_interval(exact_poisson(x, level(l)), (lower, upper), &format!("exact_poisson({x}, {l})"));
    }
}

#[test]
fn poisson_rate_per_1000() {
    // 37 events in a population of 2500: 14.8 per 1000.
    // python3 -c "from scipy.stats import chi2; print(repr(chi2.ppf(0.025, 74)/2/2500*1000), repr(chi2.ppf(0.975, 76)/2/2500*1000))"
    let want = (10.420565826842411, 20.399850456772327);
    assert_interval(poisson_rate(37.0, 2500.0, 1000.0, Confidence::NINETY_FIVE), want, "rate 37/2500");
    let via_method = confidence_interval(CiMethod::ExactPoisson, 37.0, 2500.0, 1000.0, Confidence::NINETY_FIVE);
    assert_interval(via_method, want, "confidence_interval ExactPoisson");
    // A rate may exceed one event per person.
    assert!(poisson_rate(30.0, 10.0, 1.0, Confidence::NINETY_FIVE).is_some());
}

#[test]
fn wilson_in_per_cent() {
    // python3 -c "from statsmodels.stats.proportion import proportion_confint as pc; print([repr(v*100) for v in pc(81, 263, alpha=0.05, method='wilson')])"
    let ci = confidence_interval(CiMethod::Wilson, 81.0, 263.0, 100.0, Confidence::NINETY_FIVE);
    assert_interval(ci, (25.528851987827423, 36.62095769828), "confidence_interval Wilson");
}

#[test]
fn degenerate_input_gives_none() {
    let c = Confidence::NINETY_FIVE;
    assert_eq!(wilson(0.0, 0.0, c), None, "n = 0");
    assert_eq!(wilson(11.0, 10.0, c), None, "x > n");
    assert_eq!(wilson(-1.0, 10.0, c), None, "negative x");
    assert_eq!(wilson(1.0, -10.0, c), None, "negative n");
    assert_eq!(wilson(f64::NAN, 10.0, c), None, "NaN x");
    assert_eq!(wilson(1.0, f64::NAN, c), None, "NaN n");
    assert_eq!(wilson(1.0, f64::INFINITY, c), None, "infinite n");
    assert_eq!(exact_poisson(-1.0, c), None, "negative count");
    assert_eq!(exact_poisson(f64::NAN, c), None, "NaN count");
    assert_eq!(exact_poisson(f64::INFINITY, c), None, "infinite count");
    assert_eq!(poisson_rate(3.0, 0.0, 1000.0, c), None, "population 0");
    assert_eq!(poisson_rate(3.0, -5.0, 1000.0, c), None, "negative population");
    assert_eq!(poisson_rate(-3.0, 100.0, 1000.0, c), None, "negative count");
    assert_eq!(poisson_rate(3.0, 100.0, 0.0, c), None, "factor 0");
    assert_eq!(poisson_rate(3.0, 100.0, f64::NAN, c), None, "NaN factor");
    assert_eq!(confidence_interval(CiMethod::Wilson, 1.0, 10.0, -100.0, c), None, "negative factor");
    assert_eq!(confidence_interval(CiMethod::Wilson, 1.0, 0.0, 100.0, c), None, "Wilson n = 0");
}

#[test]
fn confidence_outside_the_open_unit_interval_is_rejected() {
    for bad in [0.0, 1.0, -0.5, 1.5, 95.0, f64::NAN, f64::INFINITY] {
        assert!(Confidence::new(bad).is_err(), "{bad} accepted");
    }
    assert_eq!(
        Confidence::new(1.0).unwrap_err().to_string(),
        "confidence level must lie strictly between 0 and 1, got 1"
    );
    assert_eq!(level(0.9).level(), 0.9);
}

#[test]
fn comparison_at_the_boundaries() {
    let ci = Interval { lower: 0.2, upper: 0.4 };
    assert_eq!(compare(ci, 0.1), Some(Comparison::Higher));
    assert_eq!(compare(ci, 0.2), Some(Comparison::Similar), "lower bound equal to the benchmark");
    assert_eq!(compare(ci, 0.3), Some(Comparison::Similar));
    assert_eq!(compare(ci, 0.4), Some(Comparison::Similar), "upper bound equal to the benchmark");
    assert_eq!(compare(ci, 0.5), Some(Comparison::Lower));
    assert_eq!(compare(ci, 0.2 - 1e-12), Some(Comparison::Higher));
    assert_eq!(compare(ci, 0.4 + 1e-12), Some(Comparison::Lower));
    assert_eq!(compare(ci, f64::NAN), None);
    assert_eq!(compare(Interval { lower: f64::NAN, upper: 0.4 }, 0.3), None);
    assert_eq!(compare(Interval { lower: 0.5, upper: 0.4 }, 0.3), None, "reversed interval");
}

#[test]
fn judgement_for_every_polarity_at_the_boundaries() {
    let ci = Interval { lower: 0.2, upper: 0.4 };
    // (benchmark, higher is better, higher is worse, no judgement)
    let table = [
        (0.1, Judgement::Better, Judgement::Worse, Judgement::Higher),
        (0.2, Judgement::Similar, Judgement::Similar, Judgement::Similar),
        (0.3, Judgement::Similar, Judgement::Similar, Judgement::Similar),
        (0.4, Judgement::Similar, Judgement::Similar, Judgement::Similar),
        (0.5, Judgement::Worse, Judgement::Better, Judgement::Lower),
    ];
    for (benchmark, better, worse, none) in table {
        assert_eq!(significance(ci, benchmark, Polarity::HigherIsBetter), Some(better), "{benchmark}");
        assert_eq!(significance(ci, benchmark, Polarity::HigherIsWorse), Some(worse), "{benchmark}");
        assert_eq!(significance(ci, benchmark, Polarity::NoJudgement), Some(none), "{benchmark}");
    }
    assert_eq!(significance(ci, f64::NAN, Polarity::HigherIsBetter), None);
}

#[test]
fn a_real_interval_against_a_city_value() {
    // 10 cases: 95 % interval 4.795…18.390; a benchmark of 4.795 lies below the interval, 18.39 inside.
    let ci = exact_poisson(10.0, Confidence::NINETY_FIVE).unwrap();
    assert_eq!(compare(ci, 4.79), Some(Comparison::Higher));
    assert_eq!(compare(ci, 18.39), Some(Comparison::Similar));
    assert_eq!(compare(ci, 18.391), Some(Comparison::Lower));
}

#[test]
fn german_labels() {
    assert_eq!(CiMethod::Wilson.label(), "Wilson-Intervall");
    assert_eq!(CiMethod::ExactPoisson.label(), "exaktes Poisson-Intervall (Garwood)");
    let labels: Vec<_> = [Judgement::Better, Judgement::Similar, Judgement::Worse, Judgement::Higher, Judgement::Lower]
        .into_iter()
        .map(Judgement::label)
        .collect();
    assert_eq!(labels, ["besser", "ähnlich", "schlechter", "höher", "niedriger"]);
    assert_eq!(Polarity::HigherIsWorse.label(), "höher ist schlechter");
}

#[test]
fn interval_helpers() {
    let ci = Interval { lower: 0.25, upper: 0.5 }.scaled(100.0);
    assert_eq!(ci, Interval { lower: 25.0, upper: 50.0 });
    assert!(ci.contains(25.0) && ci.contains(50.0) && !ci.contains(50.5));
}
