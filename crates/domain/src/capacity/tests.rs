use super::*;
use crate::forecast::{EntryAge, ForecastInput, ForecastSpec, Intake, PupilCount, School, Stuetzzeitraum, forecast};

#[test]
fn the_nrw_grundschule_table_holds_at_every_boundary() {
    let rule = ClassRule::Table(ClassTable::nrw_grundschule());
    let boundaries = [(29, 1), (56, 2), (81, 3), (104, 4), (125, 5), (150, 6), (175, 7), (200, 8)];
    for (last, classes) in boundaries {
        assert_eq!(rule.classes(last), classes, "{last} pupils");
        assert_eq!(rule.classes(last + 1), classes + 1, "{} pupils", last + 1);
    }
    assert_eq!((rule.classes(0), rule.classes(1), rule.classes(15)), (0, 1, 1));
    assert_eq!(rule.classes(225), 9);
    assert_eq!(rule.planning_value(57.0), None);
    let table = ClassTable::nrw_grundschule();
    assert_eq!((table.rows().len(), table.rows()[5], table.step()), (6, (150, 6), 25));
}

#[test]
fn the_nrw_sek_1_bandwidth_needs_the_fewest_classes_within_the_upper_end() {
    let rules = ClassRules::nrw_sek1();
    let grade5 = rules.for_grade(5).unwrap();
    let grade6 = rules.for_grade(6).unwrap();
    let grade7 = rules.for_grade(7).unwrap();
    assert_eq!(grade5, grade6);
    // Grades 5–6: Bandbreite 25–29.
    assert_eq!([29, 30, 58, 59, 87, 88].map(|p| grade5.classes(p)), [1, 2, 2, 3, 3, 4]);
    // Grades 7–10: Bandbreite 26–30.
    assert_eq!([30, 31, 60, 61, 90, 91].map(|p| grade7.classes(p)), [1, 2, 2, 3, 3, 4]);
    assert_eq!(rules.for_grade(10), Some(grade7));
    assert_eq!((rules.for_grade(4), rules.for_grade(11)), (None, None));
    // The planning value (Klassenrichtzahl) is pupils / Richtwert.
    assert_eq!(grade7.planning_value(84.0), Some(3.0));
    assert_eq!(grade5.planning_value(81.0), Some(3.0));
    let b = Bandwidth::nrw_sek1();
    assert_eq!((b.richtwert(), b.lower(), b.upper()), (28, 26, 30));
}

/// The METHODS §3.3 forecast.
fn example_forecast() -> crate::forecast::Forecast {
    let rows = [(2021, [50, 52, 49, 51]), (2022, [55, 51, 53, 48]), (2023, [48, 56, 50, 52]), (2024, [53, 49, 57, 49])];
    let pupils = rows
        .iter()
        .flat_map(|(year, g)| {
            (1..=4u8).map(move |grade| PupilCount::new("gs", *year, grade, f64::from(g[grade as usize - 1])))
        })
        .collect();
    let a6 = [(2021, 54), (2022, 58), (2023, 51), (2024, 55), (2025, 60), (2026, 47), (2027, 52)];
    let input = ForecastInput {
        schools: vec![School::new("gs", "Nord", 1, 4, Intake::Einschulung { catchment: "b".into() })],
        pupils,
        entry_age: a6.iter().map(|&(year, n)| EntryAge::new("b", year, f64::from(n))).collect(),
        inflows: vec![],
    };
    let spec = ForecastSpec { launch: 2024, stuetzzeitraum: Stuetzzeitraum::new(2022, 2024), horizon: 3 };
    forecast(&input, &spec).unwrap()
}

#[test]
fn the_worked_example_needs_3_then_2_eingangsklassen() {
    assert_eq!((whole_pupils(57.1), whole_pupils(44.7)), (Some(57), Some(45)));
    let rule = ClassRule::Table(ClassTable::nrw_grundschule());
    assert_eq!((rule.classes(57), rule.classes(45)), (3, 2));

    let f = example_forecast();
    let capacity = Capacity::zuege(3.0, 4, 25.0).unwrap();
    let plan = assess(1, f.schools[0].pupils.years(), &ClassRules::nrw_grundschule(), &capacity).unwrap();
    assert_eq!(plan.iter().map(|y| y.year).collect::<Vec<_>>(), [2025, 2026, 2027]);
    assert_eq!(plan.iter().map(|y| y.zuege).collect::<Vec<_>>(), [3, 2, 2]);
    // 2025: 57, 54, 49, 56 pupils; 2026: 45, 58, 54, 48; 2027: 50, 46, 59, 53.
    assert_eq!(plan[0].classes, [3, 2, 2, 2]);
    assert_eq!(plan[1].classes, [2, 3, 2, 2]);
    assert_eq!(plan[2].classes, [2, 2, 3, 2]);
    assert_eq!(plan[0].total_classes(), 9);
    // Places and balances from the unrounded pupils: 12 classrooms, 300 places.
    assert!((plan[0].pupils - f.schools[0].pupils.total(2025).unwrap()).abs() < 1e-12);
    assert_eq!(plan[0].places, 300.0);
    assert!((plan[0].places_balance - (300.0 - plan[0].pupils)).abs() < 1e-12);
    assert!((plan[0].utilisation - plan[0].pupils / 300.0).abs() < 1e-12);
    assert_eq!(plan[0].classrooms_balance, 3.0);
    assert_eq!(runs_full(&plan), None);
}

#[test]
fn a_berlin_school_of_3_5_zuege_has_504_places() {
    let capacity = Capacity::zuege(3.5, 6, 24.0).unwrap();
    assert_eq!((capacity.classrooms(), capacity.klassenfrequenz(), capacity.places()), (21.0, 24.0, 504.0));
    // "formal 77 % Auslastung": 390 pupils in six grades of 65.
    let row = [65.0; 6];
    let rules = ClassRules::new(vec![(1, 6, ClassRule::Table(ClassTable::new(vec![(26, 1)], 26).unwrap()))]).unwrap();
    let plan = assess(1, [(2025, row.as_slice())], &rules, &capacity).unwrap();
    assert_eq!(format!("{:.0}", 100.0 * plan[0].utilisation), "77");
    assert_eq!((plan[0].places_balance, plan[0].zuege, plan[0].classrooms_balance), (114.0, 3, 3.0));
    assert!(!plan[0].is_full());
}

#[test]
fn whole_pupils_round_half_up() {
    assert_eq!([56.5, 56.49, 0.0, 0.4, 0.5].map(whole_pupils), [Some(57), Some(56), Some(0), Some(0), Some(1)]);
    assert_eq!([-0.1, f64::NAN, f64::INFINITY].map(whole_pupils), [None, None, None]);
}

#[test]
fn a_school_runs_full_in_the_first_year_of_a_deficit() {
    let rules = ClassRules::nrw_grundschule();
    let capacity = Capacity::rooms(8, 25.0).unwrap();
    let years = [
        (2025, [50.0, 50.0, 50.0, 50.0]), // 200 pupils on 200 places, 8 classes in 8 rooms: full to the last place
        (2026, [57.0, 50.0, 50.0, 40.0]), // 197 pupils, but 9 classes in 8 rooms
        (2027, [50.0, 57.0, 50.0, 50.0]),
    ];
    let plan = assess(1, years.iter().map(|(y, r)| (*y, r.as_slice())), &rules, &capacity).unwrap();
    assert_eq!((plan[0].utilisation, plan[0].places_balance, plan[0].classrooms_balance), (1.0, 0.0, 0.0));
    assert!(!plan[0].is_full());
    assert_eq!((plan[1].places_balance, plan[1].classrooms_balance), (3.0, -1.0));
    assert_eq!(runs_full(&plan), Some(2026));
    // Too many pupils for the places, though the classes fit.
    let plan = assess(1, [(2030, [50.0, 50.0, 50.0, 50.4].as_slice())], &rules, &capacity).unwrap();
    assert_eq!((plan[0].total_classes(), runs_full(&plan)), (8, Some(2030)));
    assert_eq!(runs_full(&[]), None);
}

#[test]
fn another_land_is_a_value_not_code() {
    // A made-up rule: at most 25 pupils per class up to 100, then one class per further 20.
    let table = ClassTable::new(vec![(25, 1), (50, 2), (75, 3), (100, 4)], 20).unwrap();
    let rules = ClassRules::new(vec![(1, 6, ClassRule::Table(table))]).unwrap();
    let rule = rules.for_grade(3).unwrap();
    assert_eq!([25, 26, 100, 101, 120, 121].map(|p| rule.classes(p)), [1, 2, 4, 5, 5, 6]);
    let equal = ClassRules::new(vec![(1, 6, ClassRule::Bandwidth(Bandwidth::new(24, 24, 24).unwrap()))]).unwrap();
    assert_eq!(equal.for_grade(1).unwrap().classes(49), 3);
}

#[test]
fn invalid_rules_capacities_and_pupils_are_errors() {
    assert_eq!(ClassTable::new(vec![], 25), Err(CapacityError::EmptyTable));
    assert_eq!(ClassTable::new(vec![(29, 1)], 0), Err(CapacityError::Step));
    assert_eq!(ClassTable::new(vec![(29, 1), (29, 2)], 25), Err(CapacityError::TableOrder(1)));
    assert_eq!(ClassTable::new(vec![(29, 2), (56, 1)], 25), Err(CapacityError::TableOrder(1)));
    assert_eq!(ClassTable::new(vec![(29, 0)], 25), Err(CapacityError::TableOrder(0)));
    assert_eq!(ClassTable::new(vec![(0, 1)], 25), Err(CapacityError::TableOrder(0)));
    let e = Bandwidth::new(31, 26, 30).unwrap_err();
    assert_eq!(e.to_string(), "the Bandbreite 26–30 must hold the Richtwert 31 and start above zero");
    assert!(Bandwidth::new(0, 0, 30).is_err());
    let sek = ClassRule::Bandwidth(Bandwidth::nrw_sek1());
    let e = ClassRules::new(vec![(5, 7, sek.clone()), (7, 10, sek)]).unwrap_err();
    assert_eq!(e.to_string(), "grade 7 has more than one class rule");

    assert_eq!(Capacity::zuege(0.0, 4, 25.0), Err(CapacityError::Capacity { what: "Zügigkeit", value: 0.0 }));
    assert!(Capacity::zuege(2.0, 0, 25.0).is_err());
    let e = Capacity::rooms(8, f64::NAN).unwrap_err();
    assert_eq!(e.to_string(), "the Klassenfrequenz of a capacity must be a positive number, got NaN");
    assert_eq!(Capacity::rooms(0, 25.0), Err(CapacityError::Capacity { what: "rooms", value: 0.0 }));

    let capacity = Capacity::rooms(8, 25.0).unwrap();
    let rules = ClassRules::nrw_grundschule();
    let e = assess(1, [(2025, [1.0, 2.0, 3.0, 4.0, 5.0].as_slice())], &rules, &capacity).unwrap_err();
    assert_eq!(e.to_string(), "there is no class rule for grade 5");
    let e = assess(1, [(2025, [1.0, -2.0].as_slice())], &rules, &capacity).unwrap_err();
    assert_eq!(e, CapacityError::Pupils { year: 2025, grade: 2, value: -2.0 });
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    /// A valid class table: rising bounds, non-falling classes, a step of at least 1.
    fn table() -> impl Strategy<Value = ClassRule> {
        (prop::collection::vec((1u32..40, 0u32..3), 1..8), 1u32..40).prop_map(|(steps, step)| {
            let mut rows = Vec::with_capacity(steps.len());
            let (mut max, mut classes) = (0, 1);
            for (rise, more) in steps {
                max += rise;
                classes += more;
                rows.push((max, classes));
            }
            ClassRule::Table(ClassTable::new(rows, step).unwrap())
        })
    }

    fn bandwidth() -> impl Strategy<Value = Bandwidth> {
        (1u32..30, 0u32..5, 0u32..5).prop_map(|(lower, a, b)| Bandwidth::new(lower + a, lower, lower + a + b).unwrap())
    }

    fn rule() -> impl Strategy<Value = ClassRule> {
        prop_oneof![
            Just(ClassRule::Table(ClassTable::nrw_grundschule())),
            Just(ClassRule::Bandwidth(Bandwidth::nrw_sek1())),
            table(),
            bandwidth().prop_map(ClassRule::Bandwidth),
        ]
    }

    proptest! {
        #[test]
        fn classes_needed_are_monotone_in_pupils(rule in rule(), pupils in 0u32..2000, more in 0u32..300) {
            prop_assert!(rule.classes(pupils) <= rule.classes(pupils + more));
            prop_assert_eq!(rule.classes(pupils) == 0, pupils == 0);
        }

        #[test]
        fn a_bandwidth_keeps_every_class_within_its_upper_end_with_the_fewest_classes(
            b in bandwidth(), pupils in 1u32..2000,
        ) {
            let k = ClassRule::Bandwidth(b).classes(pupils);
            prop_assert!(pupils <= k * b.upper());
            prop_assert!(pupils > (k - 1) * b.upper());
        }
    }
}
