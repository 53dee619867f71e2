use super::*;
use crate::forecast::Stuetzzeitraum;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn grundschule(id: &str, lon: f64) -> PlannedSchool {
    PlannedSchool {
        school: School::new(id, "Nord", 1, 4, Intake::Einschulung { catchment: id.into() }),
        schulform: "Grundschule".into(),
        location: Point::new(lon, 0.0),
        zuegigkeit: 1.0,
        klassenfrequenz: 25.0,
        rules: ClassRules::nrw_grundschule(),
    }
}

/// Three Grundschulen on the equator: "a" with the METHODS §3.3 example (area "x"), "b" with 25
/// pupils in every grade (areas "y1" with 15 and "y2" with 10 children a year), "c" with 20
/// (area "z").
fn base() -> PlanningBase {
    let rows = [(2021, [50, 52, 49, 51]), (2022, [55, 51, 53, 48]), (2023, [48, 56, 50, 52]), (2024, [53, 49, 57, 49])];
    let mut pupils: Vec<PupilCount> = rows
        .iter()
        .flat_map(|(year, g)| {
            g.iter().zip(1..).map(move |(&n, grade)| PupilCount::new("a", *year, grade, f64::from(n)))
        })
        .collect();
    for year in 2021..=2024 {
        for grade in 1..=4 {
            pupils.push(PupilCount::new("b", year, grade, 25.0));
            pupils.push(PupilCount::new("c", year, grade, 20.0));
        }
    }
    let a6 = [(2021, 54), (2022, 58), (2023, 51), (2024, 55), (2025, 60), (2026, 47), (2027, 52)];
    let mut children: Vec<AreaChildren> = a6.iter().map(|&(y, n)| AreaChildren::new("x", y, f64::from(n))).collect();
    for year in 2021..=2027 {
        children.push(AreaChildren::new("y1", year, 15.0));
        children.push(AreaChildren::new("y2", year, 10.0));
        children.push(AreaChildren::new("z", year, 20.0));
    }
    let mut a = grundschule("a", 0.01);
    a.zuegigkeit = 2.0;
    PlanningBase {
        schools: vec![a, grundschule("b", 0.03), grundschule("c", 0.0)],
        pupils,
        inflows: vec![],
        children,
        assignments: vec![
            Assignment::new("x", "a", 1.0),
            Assignment::new("y1", "b", 1.0),
            Assignment::new("y2", "b", 1.0),
            Assignment::new("z", "c", 1.0),
        ],
        spec: ForecastSpec { launch: 2024, stuetzzeitraum: Stuetzzeitraum::new(2022, 2024), horizon: 3 },
        entry_age: 6,
    }
}

/// The mean Einschulungsquote of "a" (METHODS §3.3: 0.9510).
fn quota_a() -> f64 {
    (55.0 / 58.0 + 48.0 / 51.0 + 53.0 / 55.0) / 3.0
}

#[test]
fn the_base_reproduces_the_worked_example_and_its_capacity() {
    let outcome = evaluate(&base(), &Szenario::basis("Basis")).unwrap();
    let a = outcome.school("a").unwrap();
    let p = a.pupils(2025).unwrap();
    assert_eq!(p.iter().map(|x| format!("{x:.1}")).collect::<Vec<_>>(), ["57.1", "54.0", "49.3", "55.9"]);
    assert_eq!(format!("{:.1}", a.total(2025).unwrap()), "216.3");
    // Two Züge × 4 grades × 25 = 200 places; 216.3 pupils and 3 + 2 + 2 + 2 = 9 classes in 8 rooms.
    let y = a.year(2025).unwrap();
    let c = y.capacity.as_ref().unwrap();
    assert_eq!((y.zuegigkeit, c.places, c.classes.as_slice()), (Some(2.0), 200.0, &[3, 2, 2, 2][..]));
    assert_eq!(a.runs_full(), Some(2025));
    // "b": every quota 1, so 25 in every grade and year; 100 pupils on 100 places is not full.
    let b = outcome.school("b").unwrap();
    assert_eq!(b.pupils(2027), Some(&[25.0, 25.0, 25.0, 25.0][..]));
    assert_eq!(b.runs_full(), None);
    assert_eq!(outcome.planning_areas().first(), Some(&("Nord".to_owned(), 2025, a.total(2025).unwrap() + 180.0)));
}

#[test]
fn a_new_housing_area_adds_its_children_as_they_reach_entry_age() {
    // 100 dwellings in 2025; per dwelling 0.02 children aged 6, 0.03 aged 5, 0.01 aged 4.
    let housing = Change::Neubaugebiet {
        area: "y2".into(),
        from: 2025,
        dwellings: vec![100.0],
        occupancy: vec![0.0, 0.0, 0.0, 0.0, 0.01, 0.03, 0.02],
    };
    let outcome = evaluate(&base(), &Szenario::new("Neubau", vec![housing])).unwrap();
    let b = outcome.school("b").unwrap();
    // Extra entrants 2, 3, 1 in 2025–2027, each moving up one grade a year (every quota is 1).
    assert_eq!(b.pupils(2025), Some(&[27.0, 25.0, 25.0, 25.0][..]));
    assert_eq!(b.pupils(2026), Some(&[28.0, 27.0, 25.0, 25.0][..]));
    assert_eq!(b.pupils(2027), Some(&[26.0, 28.0, 27.0, 25.0][..]));
    // 102 pupils on 100 places.
    assert_eq!(b.runs_full(), Some(2025));
    assert_eq!(b.year(2025).unwrap().capacity.as_ref().unwrap().places_balance, -2.0);
}

#[test]
fn a_moved_boundary_reassigns_the_area_from_its_year_on() {
    let moved =
        Change::Grenzaenderung { area: "y2".into(), from_catchment: "b".into(), to_catchment: "a".into(), from: 2026 };
    let outcome = evaluate(&base(), &Szenario::new("Grenze", vec![moved])).unwrap();
    let (a, b) = (outcome.school("a").unwrap(), outcome.school("b").unwrap());
    assert_eq!(b.pupils(2025).unwrap()[0], 25.0);
    assert_eq!(b.pupils(2026).unwrap()[0], 15.0);
    assert_eq!(b.pupils(2027).unwrap()[..2], [15.0, 15.0]);
    assert!(close(a.pupils(2025).unwrap()[0], quota_a() * 60.0));
    assert!(close(a.pupils(2026).unwrap()[0], quota_a() * (47.0 + 10.0)));
    assert!(close(a.pupils(2027).unwrap()[0], quota_a() * (52.0 + 10.0)));
}

#[test]
fn a_closed_school_sends_its_pupils_to_the_nearest_schools_by_inverse_distance() {
    // "c" at 0°, "a" at 0.01° and "b" at 0.03° east on the equator: shares 1/1 : 1/3 = 3/4 : 1/4.
    let base = base();
    let closure = Change::Schliessung { school: "c".into(), from: 2026 };
    let outcome = evaluate(&base, &Szenario::new("Schließung", vec![closure])).unwrap();
    let c = outcome.school("c").unwrap();
    assert_eq!(c.closed_from, Some(2026));
    assert_eq!(c.pupils(2025), Some(&[20.0; 4][..]));
    assert_eq!(c.pupils(2026), Some(&[0.0; 4][..]));
    assert_eq!((c.year(2026).unwrap().capacity.as_ref(), c.runs_full()), (None, None));
    let reference = evaluate(&base, &Szenario::basis("Basis")).unwrap();
    for year in 2026..=2027 {
        for g in 0..4 {
            let gained = |id: &str| {
                outcome.school(id).unwrap().pupils(year).unwrap()[g]
                    - reference.school(id).unwrap().pupils(year).unwrap()[g]
            };
            assert!(close(gained("a"), 15.0) && close(gained("b"), 5.0), "{year} {g}");
        }
    }
    let rows = compare(&reference, &outcome);
    assert_eq!(rows.len(), 9);
    let row = |id: &str, year| rows.iter().find(|r| r.school == id && r.year == year).unwrap();
    assert_eq!((row("c", 2026).a.map(|s| s.pupils), row("c", 2026).b), (Some(80.0), None));
    assert_eq!((row("c", 2026).pupils_difference(), row("c", 2026).classes_difference()), (-80.0, -4));
    assert_eq!(row("c", 2026).utilisation_difference(), None);
    assert!(close(row("b", 2026).pupils_difference(), 20.0));
    // "b": 25 + 5 = 30 pupils a grade need 2 classes each (§ 6a: 30–56 → 2) instead of 1.
    assert_eq!(row("b", 2026).classes_difference(), 4);
    assert!(close(row("b", 2026).utilisation_difference().unwrap(), 0.2));
    assert_eq!(row("b", 2025).pupils_difference(), 0.0);
}

#[test]
fn a_new_zug_raises_capacity_from_its_year() {
    let zug = Change::NeuerZug { school: "b".into(), from: 2026 };
    let outcome = evaluate(&base(), &Szenario::new("Zug", vec![zug])).unwrap();
    let b = outcome.school("b").unwrap();
    let places = |year| b.year(year).unwrap().capacity.as_ref().unwrap().places;
    assert_eq!((places(2025), places(2026), places(2027)), (100.0, 200.0, 200.0));
    assert_eq!(b.year(2026).unwrap().zuegigkeit, Some(2.0));
    assert_eq!(b.year(2026).unwrap().capacity.as_ref().unwrap().utilisation, 0.5);
}

#[test]
fn bad_changes_are_named() {
    let base = base();
    let run = |change: Change| evaluate(&base, &Szenario::new("S", vec![change])).unwrap_err().to_string();
    assert_eq!(run(Change::NeuerZug { school: "q".into(), from: 2025 }), "scenario \"S\": there is no school \"q\"");
    assert_eq!(
        run(Change::NeuerZug { school: "a".into(), from: 2024 }),
        "scenario \"S\": a change starts in 2024, but the forecast years are 2025–2027"
    );
    assert_eq!(
        run(Change::Neubaugebiet { area: "w".into(), from: 2025, dwellings: vec![1.0], occupancy: vec![] }),
        "scenario \"S\": area \"w\" has no children of entry age or no catchment"
    );
    let moved =
        Change::Grenzaenderung { area: "x".into(), from_catchment: "a".into(), to_catchment: "q".into(), from: 2025 };
    assert_eq!(run(moved), "scenario \"S\": no Grundschule has the catchment \"q\"");
    assert!(
        run(Change::Neubaugebiet { area: "x".into(), from: 2025, dwellings: vec![-1.0], occupancy: vec![] })
            .contains("dwellings in 2025 of \"x\" is -1")
    );
    // Closing every school leaves the last one's pupils nowhere to go.
    let all: Vec<Change> =
        ["a", "b", "c"].iter().map(|s| Change::Schliessung { school: (*s).into(), from: 2025 }).collect();
    let e = evaluate(&base, &Szenario::new("S", all)).unwrap_err().to_string();
    assert!(e.contains("no open school of its Schulform can take grade 1"), "{e}");
    // A Grundschule whose catchment no area feeds.
    let mut lost = base.clone();
    lost.assignments.retain(|a| a.catchment != "c");
    let e = evaluate(&lost, &Szenario::basis("Basis")).unwrap_err();
    assert!(matches!(e, ScenarioError::Forecast(ForecastError::NoCatchment { .. })), "{e}");
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// A scenario without changes is the base: the forecast on the summed catchments and the
        /// capacity of each school, computed directly.
        #[test]
        fn a_scenario_without_changes_equals_the_base(
            counts in proptest::collection::vec(5.0f64..80.0, 32),
            children in proptest::collection::vec(10.0f64..90.0, 14),
            share in 0.0f64..1.0,
        ) {
            let mut base = base();
            base.pupils = (0..2)
                .flat_map(|s| (2021..=2024).flat_map(move |y| (1..=4).map(move |g| (s, y, g))))
                .zip(&counts)
                .map(|((s, y, g), &n)| PupilCount::new(["a", "b"][s], y, g, n))
                .collect();
            base.schools.truncate(2);
            base.children = (2021..=2027)
                .zip(children.chunks(2))
                .flat_map(|(y, c)| [AreaChildren::new("x", y, c[0]), AreaChildren::new("y", y, c[1])])
                .collect();
            base.assignments = vec![
                Assignment::new("x", "a", 1.0),
                Assignment::new("y", "a", share),
                Assignment::new("y", "b", 1.0 - share),
            ];
            let outcome = evaluate(&base, &Szenario::basis("Basis")).unwrap();
            let entry_age = base
                .children
                .iter()
                .flat_map(|c| match c.area.as_str() {
                    "x" => vec![("a", c.year, c.children)],
                    _ => vec![("a", c.year, share * c.children), ("b", c.year, (1.0 - share) * c.children)],
                })
                .fold(std::collections::BTreeMap::new(), |mut m, (k, y, n)| {
                    *m.entry((k, y)).or_insert(0.0) += n;
                    m
                })
                .into_iter()
                .map(|((k, y), n)| EntryAge::new(k, y, n))
                .collect();
            let input = ForecastInput {
                schools: base.schools.iter().map(|s| s.school.clone()).collect(),
                pupils: base.pupils.clone(),
                entry_age,
                inflows: vec![],
            };
            let direct = forecast(&input, &base.spec).unwrap();
            prop_assert_eq!(&outcome.forecast, &direct);
            for (s, f) in base.schools.iter().zip(&direct.schools) {
                let capacity = Capacity::zuege(s.zuegigkeit, 4, s.klassenfrequenz).unwrap();
                let expected = assess(1, f.pupils.years(), &s.rules, &capacity).unwrap();
                let got: Vec<YearCapacity> =
                    outcome.school(&s.school.id).unwrap().years.iter().filter_map(|y| y.capacity.clone()).collect();
                prop_assert_eq!(got, expected);
            }
            prop_assert!(compare(&outcome, &outcome).iter().all(|r| r.pupils_difference() == 0.0));
        }

        /// A closure moves pupils between schools of the Schulform but keeps their sum per grade and year.
        #[test]
        fn a_closure_keeps_the_pupils_of_the_schulform(from in 2025i32..=2027, lon in -0.05f64..0.05) {
            let mut base = base();
            base.schools[2].location = Point::new(lon, 0.001);
            let reference = evaluate(&base, &Szenario::basis("Basis")).unwrap();
            let closed = evaluate(&base, &Szenario::new("S", vec![Change::Schliessung { school: "c".into(), from }]))
                .unwrap();
            for year in 2025..=2027 {
                for g in 0..4 {
                    let sum = |o: &Outcome| o.schools.iter().map(|s| s.pupils(year).unwrap()[g]).sum::<f64>();
                    prop_assert!((sum(&reference) - sum(&closed)).abs() < 1e-9);
                }
            }
        }
    }
}
