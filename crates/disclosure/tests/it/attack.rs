//! The attack's shortcuts (feasible-table witnesses, neighbourhood brackets) against plain linear
//! programs over all suppressed cells.

use disclosure::{CellId, Hierarchy, Pattern, Problem, Rules, Table};
use microlp::{ComparisonOp, OptimizationDirection};
use proptest::prelude::*;

use crate::properties::linked;
use crate::settings;

/// The attacker's bound of `target` by one linear program over every suppressed cell and every
/// constraint (sdcTable's `attack`, without any shortcut).
fn plain(problem: &Problem, pattern: &Pattern, target: CellId, direction: OptimizationDirection) -> f64 {
    let mut lp = microlp::Problem::new(direction);
    let vars: Vec<Option<microlp::Variable>> = problem
        .cells()
        .map(|c| {
            let objective = if c == target { 1.0 } else { 0.0 };
            pattern.is_suppressed(c).then(|| lp.add_var(objective, (0.0, f64::INFINITY)))
        })
        .collect();
    for constraint in problem.constraints() {
        let mut terms = Vec::new();
        let mut rhs = 0.0;
        for (c, sign) in std::iter::once((constraint.total, 1.0)).chain(constraint.parts.iter().map(|&p| (p, -1.0))) {
            match vars[c.index()] {
                Some(v) => terms.push((v, sign)),
                None => rhs -= sign * problem.value(c),
            }
        }
        if !terms.is_empty() {
            lp.add_constraint(terms.as_slice(), ComparisonOp::Eq, rhs);
        }
    }
    match lp.solve() {
        Ok(outcome) => outcome.into_solution().unwrap().objective(),
        Err(microlp::Error::Unbounded) => f64::INFINITY,
        Err(e) => panic!("{e}"),
    }
}

fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-5
}

/// Pupils of nine Quartiere in three Stadtbezirke by sex and grade, counts 0–5. The pattern is
/// the one the heuristic found with a pair of exact linear programs per attack, before the
/// shortcuts: they change how a question is answered, never the answer.
#[test]
fn protect_finds_the_pattern_of_plain_attacks() {
    let mut area = Hierarchy::new("gebiet", "Stadt");
    for b in 0..3 {
        area.add(format!("B{b}"), "Stadt").unwrap();
    }
    let leaves: Vec<String> = (0..9).map(|q| format!("B{}q{}", q / 3, q % 3)).collect();
    for (q, leaf) in leaves.iter().enumerate() {
        area.add(leaf.clone(), &format!("B{}", q / 3)).unwrap();
    }
    let sex = Hierarchy::flat("geschlecht", "Insgesamt", &["m", "w"]).unwrap();
    let grade = Hierarchy::flat("klasse", "Insgesamt", &["5", "6", "7"]).unwrap();
    let mut state = 7u64;
    let mut next = || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 33) % 6
    };
    let mut cells = Vec::new();
    for leaf in &leaves {
        for s in ["m", "w"] {
            for g in ["5", "6", "7"] {
                cells.push(([leaf.clone(), s.to_owned(), g.to_owned()], next()));
            }
        }
    }
    let problem = Problem::new(vec![Table::counts("schueler", vec![area, sex, grade], cells).unwrap()]).unwrap();
    let protected = problem.protect(&problem.primary(&Rules::minimum_frequency(3)), &settings()).unwrap();
    let suppressed: Vec<usize> = protected.suppressed().map(CellId::index).collect();
    assert_eq!((protected.primary_count(), protected.secondary_count()), (26, 52));
    let expected = [
        18, 19, 22, 23, 29, 30, 31, 33, 34, 35, 41, 42, 43, 45, 46, 47, 49, 50, 53, 54, 55, 57, 58, 59, 62, 63, 65, 67,
        69, 70, 71, 73, 74, 75, 77, 78, 79, 85, 87, 90, 91, 93, 94, 98, 99, 101, 103, 105, 106, 107, 109, 110, 113,
        114, 115, 117, 119, 121, 122, 125, 126, 127, 130, 131, 134, 135, 137, 138, 139, 141, 143, 145, 146, 147, 149,
        151, 154, 155,
    ];
    assert_eq!(suppressed, expected);
    assert!(problem.audit(&protected, &settings().protection).unwrap().is_safe());
}

/// Quartiere per Stadtbezirk, counts by sex and by age group per Quartier, minimum frequency.
type Case = (Vec<usize>, Vec<[u64; 2]>, Vec<[u64; 3]>, u64);

fn tables() -> impl Strategy<Value = Case> {
    prop::collection::vec(1usize..=3, 1..=3).prop_flat_map(|quarters| {
        let n: usize = quarters.iter().sum();
        (
            Just(quarters),
            prop::collection::vec(prop::array::uniform2(0u64..8), n),
            prop::collection::vec(prop::array::uniform3(0u64..5), n),
            0u64..6,
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// On the protected pattern and on the primary pattern alone (where cells are often
    /// recomputable exactly), every audited interval is the pair of plain optima.
    #[test]
    fn audit_intervals_are_the_plain_optima((quarters, sex, age, minimum) in tables()) {
        let problem = linked(&quarters, &sex, &age);
        let primary = problem.primary(&Rules::minimum_frequency(minimum));
        let protected = problem.protect(&primary, &settings()).unwrap();
        for pattern in [&primary, &protected] {
            let audit = problem.audit(pattern, &settings().protection).unwrap();
            prop_assert_eq!(audit.entries.len(), pattern.suppressed().count());
            for entry in &audit.entries {
                let lower = plain(&problem, pattern, entry.cell, OptimizationDirection::Minimize);
                let upper = plain(&problem, pattern, entry.cell, OptimizationDirection::Maximize);
                let interval = entry.interval;
                prop_assert!(
                    close(interval.lower, lower) && close(interval.upper, upper),
                    "{}: audit {:?}, plain [{}, {}]", problem.describe(entry.cell), interval, lower, upper
                );
                prop_assert_eq!(problem.attack(pattern, entry.cell).unwrap(), interval);
            }
        }
    }
}
