//! Hierarchies and linked tables: cells that could be recovered through a parent area or through
//! the marginals another table of the release publishes.

use disclosure::{Hierarchy, Pattern, Problem, Rules, Status, Table};

use crate::settings;

const SEX: [&str; 2] = ["m", "w"];
/// Per Quartier: men, women. a1|w = 1 is the one primary cell.
const PEOPLE: [(&str, [u64; 2]); 4] = [("a1", [20, 1]), ("a2", [25, 30]), ("b1", [6, 5]), ("b2", [35, 40])];

fn people(area: Hierarchy) -> Problem {
    let sex = Hierarchy::flat("geschlecht", "Insgesamt", &SEX).unwrap();
    let cells = PEOPLE.iter().flat_map(|(q, values)| SEX.iter().zip(values).map(move |(s, v)| ([*q, *s], *v)));
    Problem::new(vec![Table::counts("einwohner", vec![area, sex], cells).unwrap()]).unwrap()
}

/// The pattern of `from` carried over to `to` by codes; cells `from` lacks are published.
fn carry(from: &Problem, pattern: &Pattern, to: &Problem) -> Pattern {
    let mut carried = to.primary(&Rules::minimum_frequency(0));
    for (t, table) in to.tables().iter().enumerate() {
        for index in 0..table.len() {
            if let Some(cell) = from.cell(t, &table.codes(index)) {
                carried.set(to.table_cell(t, index), pattern.status(cell));
            }
        }
    }
    carried
}

/// Protected as a flat list of Quartiere, a1|w = 1 hides in the rectangle a1/b1 × m/w; but the
/// Stadtbezirk A = a1 + a2 is published too, and A|w − a2|w gives a1|w exactly. Protected with
/// the hierarchy, the rectangle moves inside Stadtbezirk A (a1/a2 × m/w), whose published cells
/// are its margins, and a1|w stays hidden.
#[test]
fn a_cell_recoverable_through_its_parent_area_is_protected() {
    let flat = people(Hierarchy::flat("gebiet", "Stadt", &["a1", "a2", "b1", "b2"]).unwrap());
    let mut area = Hierarchy::new("gebiet", "Stadt");
    area.add("A", "Stadt").unwrap().add("B", "Stadt").unwrap();
    area.add("a1", "A").unwrap().add("a2", "A").unwrap().add("b1", "B").unwrap().add("b2", "B").unwrap();
    let nested = people(area);
    let rules = Rules::minimum_frequency(3);

    let flat_pattern = flat.protect(&flat.primary(&rules), &settings()).unwrap();
    let suppressed: Vec<String> = flat_pattern.suppressed().map(|c| flat.describe(c)).collect();
    assert_eq!(
        suppressed,
        [
            "einwohner: gebiet=a1, geschlecht=m",
            "einwohner: gebiet=a1, geschlecht=w",
            "einwohner: gebiet=b1, geschlecht=m",
            "einwohner: gebiet=b1, geschlecht=w",
        ]
    );
    let a1_w = |p: &Problem| p.cell(0, &["a1", "w"]).unwrap();
    let interval = flat.attack(&flat_pattern, a1_w(&flat)).unwrap();
    assert_eq!((interval.lower, interval.upper), (0.0, 6.0));

    let carried = carry(&flat, &flat_pattern, &nested);
    assert_eq!(carried.status(nested.cell(0, &["A", "w"]).unwrap()), Status::Published);
    let recovered = nested.attack(&carried, a1_w(&nested)).unwrap();
    assert_eq!((recovered.lower, recovered.upper), (1.0, 1.0), "A|w − a2|w = 31 − 30");
    assert!(!nested.audit(&carried, &settings().protection).unwrap().is_safe());

    let protected = nested.protect(&nested.primary(&rules), &settings()).unwrap();
    let audit = nested.audit(&protected, &settings().protection).unwrap();
    assert!(audit.is_safe());
    let hidden = nested.attack(&protected, a1_w(&nested)).unwrap();
    assert!(hidden.width() >= 1.0, "{hidden:?}");
    let cells: Vec<String> = protected.suppressed().map(|c| nested.describe(c)).collect();
    assert_eq!(
        cells,
        [
            "einwohner: gebiet=a1, geschlecht=m",
            "einwohner: gebiet=a1, geschlecht=w",
            "einwohner: gebiet=a2, geschlecht=m",
            "einwohner: gebiet=a2, geschlecht=w",
        ]
    );
    assert_eq!((hidden.lower, hidden.upper), (0.0, 21.0));
}

/// Two tables of one release share the area totals: people by sex and by citizenship. Protected
/// each on its own, the citizenship table hides a2|de = 2 behind area totals that the sex table
/// publishes: with them, a1|de, a3|de and a4|nd follow from their rows (their partners are empty
/// cells), and then a2|de from the column. Protected as one problem, the shared totals have one
/// status and a2|de stays hidden.
#[test]
fn a_cell_recoverable_through_a_linked_table_is_protected() {
    let areas = ["a1", "a2", "a3", "a4"];
    let sex: [[u64; 2]; 4] = [[2, 1], [4, 6], [3, 1], [2, 3]];
    let citizenship: [[u64; 2]; 4] = [[3, 0], [2, 8], [4, 0], [0, 5]];
    let table = |name: &str, dimension: &str, categories: [&str; 2], values: [[u64; 2]; 4]| {
        let area = Hierarchy::flat("gebiet", "Stadt", &areas).unwrap();
        let categories_dim = Hierarchy::flat(dimension, "Insgesamt", &categories).unwrap();
        let cells = areas
            .iter()
            .zip(values)
            .flat_map(|(a, v)| categories.iter().zip(v).map(move |(c, v)| ([*a, *c], v)))
            .collect::<Vec<_>>();
        Table::counts(name, vec![area, categories_dim], cells).unwrap()
    };
    let by_sex = table("geschlecht", "geschlecht", ["m", "w"], sex);
    let by_citizenship = table("staat", "staat", ["de", "nd"], citizenship);
    let joint = Problem::new(vec![by_sex.clone(), by_citizenship.clone()]).unwrap();
    let rules = Rules::minimum_frequency(3);

    // Each table alone; a reader of both sees a shared cell unless both withhold it.
    let mut seen = joint.primary(&Rules::minimum_frequency(0));
    let mut shown = vec![false; joint.cell_count()];
    for (t, table) in [by_sex, by_citizenship].into_iter().enumerate() {
        let alone = Problem::new(vec![table]).unwrap();
        let pattern = alone.protect(&alone.primary(&rules), &settings()).unwrap();
        for index in 0..alone.tables()[0].len() {
            let (own, cell) = (alone.table_cell(0, index), joint.table_cell(t, index));
            if pattern.is_suppressed(own) && !shown[cell.index()] {
                seen.set(cell, pattern.status(own));
            } else {
                shown[cell.index()] = true;
                seen.set(cell, Status::Published);
            }
        }
    }
    let a2_de = joint.cell(1, &["a2", "de"]).unwrap();
    let a1_total = joint.cell(1, &["a1", "Insgesamt"]).unwrap();
    assert_eq!(Some(a1_total), joint.cell(0, &["a1", "Insgesamt"]), "one cell in both tables");
    assert_eq!(seen.status(a1_total), Status::Published);
    assert_eq!(seen.status(a2_de), Status::Primary(disclosure::Reason::MinimumFrequency));
    let recovered = joint.attack(&seen, a2_de).unwrap();
    assert_eq!((recovered.lower, recovered.upper), (2.0, 2.0));

    let protected = joint.protect(&joint.primary(&rules), &settings()).unwrap();
    assert!(joint.audit(&protected, &settings().protection).unwrap().is_safe());
    assert!(joint.attack(&protected, a2_de).unwrap().width() >= 1.0);
    assert!(protected.is_suppressed(a1_total));
}
