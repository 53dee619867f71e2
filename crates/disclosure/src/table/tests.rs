use super::*;

fn area() -> Hierarchy {
    let mut h = Hierarchy::new("gebiet", "Stadt");
    h.add("A", "Stadt").unwrap().add("B", "Stadt").unwrap();
    h.add("a1", "A").unwrap().add("a2", "A").unwrap().add("b1", "B").unwrap();
    h
}

#[test]
fn totals_are_the_sums_of_their_parts_on_every_level() {
    let sex = Hierarchy::flat("geschlecht", "Insgesamt", &["m", "w"]).unwrap();
    let t =
        Table::counts("t", vec![area(), sex], [(["a1", "m"], 1), (["a1", "w"], 2), (["a2", "w"], 4), (["b1", "m"], 8)])
            .unwrap();
    assert_eq!(t.len(), 6 * 3);
    let v = |codes: [&str; 2]| t.value(t.index(&codes).unwrap());
    assert_eq!([v(["a1", "Insgesamt"]), v(["A", "w"]), v(["A", "Insgesamt"]), v(["Stadt", "m"])], [3.0, 6.0, 7.0, 9.0]);
    assert_eq!(v(["Stadt", "Insgesamt"]), 15.0);
    assert_eq!(v(["a2", "m"]), 0.0);
    assert_eq!(t.frequency(t.index(&["B", "Insgesamt"]).unwrap()), 8);
    assert_eq!(t.codes(t.index(&["a2", "w"]).unwrap()), ["a2", "w"]);
    assert_eq!(area().parent("a2"), Some("A"));
    assert!(area().is_leaf("b1") && !area().is_leaf("B") && !area().is_leaf("x"));
}

#[test]
fn a_contributor_in_several_cells_counts_once_in_their_total() {
    let t = Table::magnitudes(
        "umsatz",
        vec![area()],
        [(["a1"], "firm".to_owned(), 60.0), (["a2"], "firm".to_owned(), 30.0), (["a2"], "shop".to_owned(), 10.0)],
    )
    .unwrap();
    let a = t.index(&["A"]).unwrap();
    assert_eq!((t.value(a), t.frequency(a)), (100.0, 2));
    assert_eq!(t.cell(a).contributions, [90.0, 10.0]);
}

#[test]
fn bad_cells_are_refused() {
    let t = |cells: Vec<(Vec<&str>, u64)>| Table::counts("t", vec![area()], cells).unwrap_err().to_string();
    assert_eq!(
        t(vec![(vec!["A"], 1)]),
        "dimension gebiet: \"A\" is a total (it has sub-codes); give values for the sub-codes only"
    );
    assert_eq!(t(vec![(vec!["zz"], 1)]), "dimension gebiet: unknown code \"zz\"");
    assert_eq!(t(vec![(vec!["a1", "m"], 1)]), "a cell names 2 codes, but the table has 1 dimensions");
    assert_eq!(t(vec![(vec!["a1"], 1), (vec!["a1"], 2)]), "cell gebiet=a1 is given twice");
    let negative = Table::magnitudes("t", vec![area()], [(["a1"], "u".to_owned(), -1.0)]).unwrap_err();
    assert_eq!(negative.to_string(), "cell gebiet=a1: value -1 is not a finite number ≥ 0");
    let mut h = area();
    assert!(matches!(h.add("a1", "B"), Err(TableError::DuplicateCode { .. })));
    assert!(matches!(h.add("c1", "C"), Err(TableError::UnknownParent { .. })));
    assert_eq!(
        Table::counts::<[&str; 2], &str>("t", vec![area(), area()], []).unwrap_err(),
        TableError::DuplicateDimension("gebiet".into())
    );
}
