//! METHODS.md §5.1 and §5.3.

use disclosure::{Dominance, Hierarchy, PPercent, Problem, Reason, Rules, Status, Table};

use crate::settings;

/// §5.1: contributions (800, 150, 30, 20) and (400, 300, 200, 100).
#[test]
fn dominance_and_p_percent_examples() {
    let nk = Dominance::new(2, 85.0).unwrap();
    let p = PPercent::new(20.0).unwrap();
    let dominated = [800.0, 150.0, 30.0, 20.0];
    let spread = [400.0, 300.0, 200.0, 100.0];
    // nk(2, 85): 950 > 850 sensitive; 700 ≤ 850 safe.
    assert!(nk.is_sensitive(&dominated));
    assert!(!nk.is_sensitive(&spread));
    // p 20 %: 1000 − 800 − 150 = 50 < 160 sensitive; 1000 − 400 − 300 = 300 ≥ 80 safe.
    assert!(p.is_sensitive(&dominated));
    assert!(!p.is_sensitive(&spread));

    // The same through a magnitude table: four firms in each of two areas.
    let area = Hierarchy::flat("gebiet", "Stadt", &["nord", "sued"]).unwrap();
    let contributions = dominated
        .iter()
        .enumerate()
        .map(|(i, v)| (["nord"], format!("n{i}"), *v))
        .chain(spread.iter().enumerate().map(|(i, v)| (["sued"], format!("s{i}"), *v)));
    let problem = Problem::new(vec![Table::magnitudes("umsatz", vec![area], contributions).unwrap()]).unwrap();
    let cell = |c: &str| problem.cell(0, &[c]).unwrap();
    let only_p = Rules { minimum_frequency: 3, dominance: None, p_percent: Some(p) };
    let both = Rules { dominance: Some(nk), ..only_p.clone() };
    assert_eq!(problem.primary(&both).status(cell("nord")), Status::Primary(Reason::Dominance));
    assert_eq!(problem.primary(&only_p).status(cell("nord")), Status::Primary(Reason::PPercent));
    assert_eq!(problem.primary(&both).status(cell("sued")), Status::Published);
    // The city total: 1,200 of 2,000 from the two largest, 60 % ≤ 85 %; 2000 − 800 − 400 = 800 ≥ 160.
    assert_eq!(problem.primary(&both).status(cell("Stadt")), Status::Published);
}

fn t1() -> Problem {
    let rows = Hierarchy::flat("v1", "tot", &["w", "x", "y", "z"]).unwrap();
    let columns = Hierarchy::flat("v2", "tot", &["a", "b", "c", "d"]).unwrap();
    let inner = [[30, 47, 64, 89], [90, 124, 5, 31], [92, 100, 59, 85], [800, 991, 651, 685]];
    let cells = ["w", "x", "y", "z"]
        .iter()
        .zip(inner)
        .flat_map(|(r, values)| ["a", "b", "c", "d"].iter().zip(values).map(move |(c, v)| ([*r, *c], v)));
    Problem::new(vec![Table::counts("T1", vec![rows, columns], cells).unwrap()]).unwrap()
}

/// §5.3 T1: nine primary cells, at least two suppressions in every row and column, and still w|b
/// is exactly recomputable; the protection adds exactly one secondary suppression, after which
/// the attack on w|b gives [0, 78].
#[test]
fn t1_needs_exactly_one_secondary_suppression() {
    let problem = t1();
    let cell = |r: &str, c: &str| problem.cell(0, &[r, c]).unwrap();
    assert_eq!(problem.value(cell("tot", "a")), 1012.0);
    assert_eq!(problem.value(cell("tot", "tot")), 3943.0);
    let mut pattern = problem.primary(&Rules::minimum_frequency(0));
    let primary =
        [("w", "a"), ("w", "b"), ("w", "c"), ("x", "a"), ("x", "c"), ("y", "b"), ("y", "d"), ("z", "b"), ("z", "d")];
    for (r, c) in primary {
        pattern.set(cell(r, c), Status::Primary(Reason::Requested));
    }
    assert_eq!(pattern.primary_count(), 9);
    let before = problem.attack(&pattern, cell("w", "b")).unwrap();
    assert_eq!((before.lower, before.upper), (47.0, 47.0), "w|b is recomputable");

    let protected = problem.protect(&pattern, &settings()).unwrap();
    assert_eq!(protected.secondary_count(), 1);
    assert_eq!(protected.status(cell("x", "d")), Status::Secondary);
    let after = problem.attack(&protected, cell("w", "b")).unwrap();
    assert_eq!((after.lower, after.upper), (0.0, 78.0));
    let audit = problem.audit(&protected, &settings().protection).unwrap();
    assert_eq!(audit.entries.len(), 10);
    assert!(audit.is_safe());
}

fn t2() -> Problem {
    let region = Hierarchy::flat("region", "Total", &["a", "b", "c", "d"]).unwrap();
    let counts = [(["a"], 1), (["b"], 2), (["c"], 1), (["d"], 0)];
    Problem::new(vec![Table::counts("T2", vec![region], counts).unwrap()]).unwrap()
}

/// §5.3 T2: a = 1, b = 2, c = 1, d = 0; freq rule with sdcTable's maxN = 1, i.e. a minimum
/// frequency of 2: a and c are primary, d is an empty cell (z).
#[test]
fn t2_singletons_and_thresholds() {
    let problem = t2();
    let cell = |c: &str| problem.cell(0, &[c]).unwrap();
    let primary = problem.primary(&Rules::minimum_frequency(2));
    let statuses: Vec<Status> = ["a", "b", "c", "d"].iter().map(|c| primary.status(cell(c))).collect();
    let u = Status::Primary(Reason::MinimumFrequency);
    assert_eq!(statuses, [u, Status::Published, u, Status::Zero]);
    let secondary = |singletons: bool, threshold: Option<u64>| {
        let settings = disclosure::Settings { singletons, threshold, ..settings() };
        let protected = problem.protect(&primary, &settings).unwrap();
        assert!(problem.audit(&protected, &settings.protection).unwrap().is_safe());
        let mut cells: Vec<&str> = ["Total", "a", "b", "c", "d"]
            .into_iter()
            .filter(|c| protected.status(cell(c)) == Status::Secondary)
            .collect();
        cells.sort_unstable();
        cells
    };
    // detectSingletons = FALSE: a + c = 2 leaves each of them in [0, 2].
    assert_eq!(secondary(false, None), Vec::<&str>::new());
    assert_eq!(problem.attack(&primary, cell("a")).unwrap(), disclosure::Interval { lower: 0.0, upper: 2.0 });
    // TRUE: each singleton would learn the other's value; b (the cheaper of b and the total) joins.
    assert_eq!(secondary(true, None), ["b"]);
    // threshold = 3: 2 contributors suppressed, b adds 2; threshold = 5: the whole table but d.
    assert_eq!(secondary(false, Some(3)), ["b"]);
    assert_eq!(secondary(false, Some(5)), ["Total", "b"]);
}
