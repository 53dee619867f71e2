//! Random small tables: after protection every suppressed cell is protected, every primary cell
//! stays suppressed, and every other cell is published unchanged.

use disclosure::{Hierarchy, Problem, Rules, Status, Table};
use proptest::prelude::*;

use crate::settings;

/// Two linked tables sharing the area dimension (Stadt → Bezirke → Quartiere): area × sex and
/// area × three age groups, with counts from `sex` and `age` (one entry per Quartier).
pub(crate) fn linked(quarters: &[usize], sex: &[[u64; 2]], age: &[[u64; 3]]) -> Problem {
    let mut area = Hierarchy::new("gebiet", "Stadt");
    let mut leaves = Vec::new();
    for (b, &n) in quarters.iter().enumerate() {
        let bezirk = format!("B{b}");
        area.add(bezirk.clone(), "Stadt").unwrap();
        for q in 0..n {
            let code = format!("{bezirk}q{q}");
            area.add(code.clone(), &bezirk).unwrap();
            leaves.push(code);
        }
    }
    // The age groups of a Quartier are rescaled to its total of the sex table, so the two tables
    // agree on their shared area totals.
    let mut age_cells = Vec::new();
    let mut sex_cells = Vec::new();
    for ((leaf, s), a) in leaves.iter().zip(sex).zip(age) {
        let total = s[0] + s[1];
        sex_cells.push(([leaf.clone(), "m".to_owned()], s[0]));
        sex_cells.push(([leaf.clone(), "w".to_owned()], s[1]));
        let weights = a[0] + a[1] + a[2];
        let share = |part: u64| (total * part).checked_div(weights);
        let (young, middle) = share(a[0]).zip(share(a[1])).unwrap_or((total, 0));
        for (group, v) in ["jung", "mittel", "alt"].iter().zip([young, middle, total - young - middle]) {
            age_cells.push(([leaf.clone(), (*group).to_owned()], v));
        }
    }
    let sex_dim = Hierarchy::flat("geschlecht", "Insgesamt", &["m", "w"]).unwrap();
    let age_dim = Hierarchy::flat("alter", "Insgesamt", &["jung", "mittel", "alt"]).unwrap();
    Problem::new(vec![
        Table::counts("geschlecht", vec![area.clone(), sex_dim], sex_cells).unwrap(),
        Table::counts("alter", vec![area, age_dim], age_cells).unwrap(),
    ])
    .unwrap()
}

fn tables() -> impl Strategy<Value = (Vec<usize>, Vec<[u64; 2]>, Vec<[u64; 3]>)> {
    prop::collection::vec(1usize..=3, 1..=3).prop_flat_map(|quarters| {
        let n: usize = quarters.iter().sum();
        (
            Just(quarters),
            prop::collection::vec(prop::array::uniform2(0u64..12), n),
            prop::collection::vec(prop::array::uniform3(0u64..5), n),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn protection_leaves_no_narrow_interval_and_changes_no_published_cell((quarters, sex, age) in tables()) {
        let problem = linked(&quarters, &sex, &age);
        let primary = problem.primary(&Rules::minimum_frequency(3));
        let protected = problem.protect(&primary, &settings()).unwrap();
        let audit = problem.audit(&protected, &settings().protection).unwrap();
        for entry in audit.unprotected() {
            prop_assert!(false, "{} in {:?}", problem.describe(entry.cell), entry.interval);
        }
        for cell in problem.cells() {
            match primary.status(cell) {
                Status::Primary(_) => prop_assert_eq!(protected.status(cell), primary.status(cell)),
                Status::Zero => prop_assert_eq!(protected.status(cell), Status::Zero),
                _ => prop_assert!(matches!(protected.status(cell), Status::Published | Status::Secondary)),
            }
        }
        for (t, table) in problem.tables().iter().enumerate() {
            for index in 0..table.len() {
                let cell = problem.table_cell(t, index);
                match problem.published(&protected, cell) {
                    Some(v) => prop_assert_eq!(v, table.value(index)),
                    None => prop_assert!(protected.is_suppressed(cell)),
                }
            }
        }
    }
}
