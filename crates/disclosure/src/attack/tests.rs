use proptest::prelude::*;

use super::*;
use crate::problem::Status;
use crate::rules::{Reason, Rules};
use crate::table::{Hierarchy, Table};

/// METHODS.md §5.3 T1 with its nine primary cells: w|b = 47 is recomputable.
fn t1() -> (Problem, Pattern) {
    let rows = Hierarchy::flat("v1", "tot", &["w", "x", "y", "z"]).unwrap();
    let columns = Hierarchy::flat("v2", "tot", &["a", "b", "c", "d"]).unwrap();
    let inner = [[30, 47, 64, 89], [90, 124, 5, 31], [92, 100, 59, 85], [800, 991, 651, 685]];
    let cells = ["w", "x", "y", "z"]
        .iter()
        .zip(inner)
        .flat_map(|(r, values)| ["a", "b", "c", "d"].iter().zip(values).map(move |(c, v)| ([*r, *c], v)));
    let problem = Problem::new(vec![Table::counts("T1", vec![rows, columns], cells).unwrap()]).unwrap();
    let mut pattern = problem.primary(&Rules::minimum_frequency(0));
    let primary =
        [("w", "a"), ("w", "b"), ("w", "c"), ("x", "a"), ("x", "c"), ("y", "b"), ("y", "d"), ("z", "b"), ("z", "d")];
    for (r, c) in primary {
        pattern.set(problem.cell(0, &[r, c]).unwrap(), Status::Primary(Reason::Requested));
    }
    (problem, pattern)
}

fn with(pattern: &Pattern, cell: CellId) -> Pattern {
    let mut wider = pattern.clone();
    wider.set(cell, Status::Secondary);
    wider
}

/// Rows w and x less columns a and c leave w|b alone; x|d, the secondary suppression that
/// protects it, enters that sum, so the proof fails with it. Every cell for which the proof
/// stands leaves w|b recomputable.
#[test]
fn a_certificate_proves_t1s_recomputable_cell_and_names_the_cells_that_could_hide_it() {
    let (problem, pattern) = t1();
    let cell = |r: &str, c: &str| problem.cell(0, &[r, c]).unwrap();
    let certificate = Attack::new(&problem, &pattern, cell("w", "b")).certificate().expect("w|b is recomputable");
    assert!(certificate.proves(&problem, &pattern, cell("w", "b")));
    assert!(!certificate.proves(&problem, &pattern, cell("x", "a")));
    assert!(!certificate.holds_with(&problem, cell("x", "d")));
    assert_eq!(problem.attack(&with(&pattern, cell("x", "d")), cell("w", "b")).unwrap().width(), 78.0);
    let standing: Vec<CellId> = problem
        .cells()
        .filter(|&c| pattern.status(c) == Status::Published && certificate.holds_with(&problem, c))
        .collect();
    assert!(!standing.is_empty());
    for c in standing {
        let interval = problem.attack(&with(&pattern, c), cell("w", "b")).unwrap();
        assert_eq!((interval.lower, interval.upper), (47.0, 47.0), "{}", problem.describe(c));
    }
}

/// Once x|d is withheld too, w|b moves within a rectangle and has no certificate.
#[test]
fn a_cell_that_can_move_has_no_certificate() {
    let (problem, pattern) = t1();
    let cell = |r: &str, c: &str| problem.cell(0, &[r, c]).unwrap();
    let protected = with(&pattern, cell("x", "d"));
    assert!(Attack::new(&problem, &protected, cell("w", "b")).certificate().is_none());
}

/// x|c = 5 shares row x (250 − 124 − 31 = 95) with x|a and column c (779 − 59 − 651 = 69) with
/// w|c: each constraint alone bounds it from above; a recorded interval replaces those bounds.
#[test]
fn bounds_are_those_of_each_constraint_alone_until_an_interval_is_recorded() {
    let (problem, pattern) = t1();
    let x_c = problem.cell(0, &["x", "c"]).unwrap();
    let mut bounds = Bounds::default();
    assert_eq!(bounds.of(&problem, &pattern, x_c), Interval { lower: 0.0, upper: 69.0 });
    let exact = problem.attack(&pattern, x_c).unwrap();
    assert!(exact.upper <= 69.0);
    bounds.record(x_c, exact);
    assert_eq!(bounds.of(&problem, &pattern, x_c), exact);
}

/// Stadtbezirke with 1–3 Quartiere each.
fn areas(quarters: &[usize]) -> (Hierarchy, Vec<String>) {
    let mut area = Hierarchy::new("gebiet", "Stadt");
    let mut leaves = Vec::new();
    for (b, &n) in quarters.iter().enumerate() {
        area.add(format!("B{b}"), "Stadt").unwrap();
        for q in 0..n {
            leaves.push(format!("B{b}q{q}"));
            area.add(format!("B{b}q{q}"), &format!("B{b}")).unwrap();
        }
    }
    (area, leaves)
}

type Case = (Vec<usize>, Vec<u64>, u64);

fn cases() -> impl Strategy<Value = Case> {
    prop::collection::vec(1usize..=3, 1..=3).prop_flat_map(|quarters| {
        let n: usize = quarters.iter().sum();
        (Just(quarters), prop::collection::vec(0u64..6, n * 4), 1u64..5)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Random Quartiere by sex and grade with their primary cells: a cell's interval is a single
    /// value exactly when it has a certificate, and withholding a published cell for which the
    /// certificate stands leaves the interval a single value.
    #[test]
    fn certificates_agree_with_the_linear_programs((quarters, counts, minimum) in cases()) {
        let (area, leaves) = areas(&quarters);
        let sex = Hierarchy::flat("geschlecht", "Insgesamt", &["m", "w"]).unwrap();
        let grade = Hierarchy::flat("klasse", "Insgesamt", &["5", "6"]).unwrap();
        let cells = leaves
            .iter()
            .flat_map(|q| [["m", "5"], ["m", "6"], ["w", "5"], ["w", "6"]].map(|[s, g]| [q.as_str(), s, g]));
        let problem =
            Problem::new(vec![Table::counts("t", vec![area, sex, grade], cells.zip(counts)).unwrap()]).unwrap();
        let pattern = problem.primary(&Rules::minimum_frequency(minimum));
        for cell in pattern.suppressed() {
            let interval = problem.attack(&pattern, cell).unwrap();
            let certificate = Attack::new(&problem, &pattern, cell).certificate();
            prop_assert_eq!(interval.width() == 0.0, certificate.is_some(), "{}", problem.describe(cell));
            let Some(certificate) = certificate else { continue };
            prop_assert!(certificate.proves(&problem, &pattern, cell));
            for other in problem.cells().filter(|&c| pattern.status(c) == Status::Published) {
                if certificate.holds_with(&problem, other) {
                    prop_assert_eq!(problem.attack(&with(&pattern, other), cell).unwrap().width(), 0.0);
                }
            }
        }
    }
}
