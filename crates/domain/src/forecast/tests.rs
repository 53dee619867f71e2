use super::*;

/// Pupils of grades 1–4 and the register counts of METHODS §3.3.
const ROWS: [(i32, [u32; 4]); 4] =
    [(2021, [50, 52, 49, 51]), (2022, [55, 51, 53, 48]), (2023, [48, 56, 50, 52]), (2024, [53, 49, 57, 49])];
const A6: [(i32, u32); 7] = [(2021, 54), (2022, 58), (2023, 51), (2024, 55), (2025, 60), (2026, 47), (2027, 52)];

fn grundschule(id: &str, area: &str, catchment: &str) -> School {
    School::new(id, area, 1, 4, Intake::Einschulung { catchment: catchment.into() })
}

fn counts(school: &str, first_grade: u8, rows: &[(i32, [u32; 4])]) -> Vec<PupilCount> {
    rows.iter()
        .flat_map(|(year, g)| {
            g.iter().zip(first_grade..).map(move |(&n, grade)| PupilCount::new(school, *year, grade, f64::from(n)))
        })
        .collect()
}

/// The §3.3 school "gs" in planning area "Nord" with catchment "bezirk".
fn example() -> ForecastInput {
    ForecastInput {
        schools: vec![grundschule("gs", "Nord", "bezirk")],
        pupils: counts("gs", 1, &ROWS),
        entry_age: A6.iter().map(|&(year, n)| EntryAge::new("bezirk", year, f64::from(n))).collect(),
        inflows: vec![],
    }
}

fn spec(first: i32, last: i32, horizon: u16) -> ForecastSpec {
    ForecastSpec { launch: last, stuetzzeitraum: Stuetzzeitraum::new(first, last), horizon }
}

fn one_decimal(values: &[f64]) -> Vec<String> {
    values.iter().map(|v| format!("{v:.1}")).collect()
}

#[test]
fn the_worked_example_gives_the_quotas_of_methods_3_3() {
    let f = forecast(&example(), &spec(2022, 2024, 3)).unwrap();
    let q = &f.schools[0].quotas;
    let four = |v: f64| format!("{v:.4}");
    let yearly: Vec<String> = q.entry.yearly.iter().map(|&(_, v)| four(v)).collect();
    assert_eq!(yearly, ["0.9483", "0.9412", "0.9636"]);
    assert_eq!(q.entry.yearly.iter().map(|&(y, _)| y).collect::<Vec<_>>(), [2022, 2023, 2024]);
    let yearly: Vec<String> = q.durchgang[1].yearly.iter().map(|&(_, v)| four(v)).collect();
    assert_eq!(yearly, ["1.0192", "0.9804", "1.0179"]);
    let means: Vec<String> = std::iter::once(&q.entry).chain(&q.durchgang).map(|q| four(q.mean)).collect();
    assert_eq!(means, ["0.9510", "1.0197", "1.0058", "0.9802"]);
    assert_eq!(q.inflow, 0.0);
}

#[test]
fn the_worked_example_gives_the_forecast_of_methods_3_3() {
    let f = forecast(&example(), &spec(2022, 2024, 3)).unwrap();
    assert_eq!((f.launch, f.horizon), (2024, 3));
    let p = &f.schools[0].pupils;
    assert_eq!(one_decimal(p.year(2025).unwrap()), ["57.1", "54.0", "49.3", "55.9"]);
    assert_eq!(one_decimal(p.year(2026).unwrap()), ["44.7", "58.2", "54.4", "48.3"]);
    assert_eq!(one_decimal(p.year(2027).unwrap()), ["49.5", "45.6", "58.5", "53.3"]);
    let totals: Vec<f64> = [2025, 2026, 2027].iter().map(|&y| p.total(y).unwrap()).collect();
    assert_eq!(one_decimal(&totals), ["216.3", "205.6", "206.8"]);
    // Kept unrounded.
    assert!((p.get(2025, 1).unwrap() - 57.1).abs() > 1e-6);
    assert_eq!((p.year(2024), p.year(2028), p.get(2025, 5)), (None, None, None));
    assert_eq!(p.years().map(|(y, _)| y).collect::<Vec<_>>(), [2025, 2026, 2027]);
}

#[test]
fn a_planning_area_is_the_sum_of_its_schools_per_grade() {
    let mut input = example();
    input.schools.push(grundschule("gs2", "Nord", "bezirk"));
    input.schools.push(grundschule("gs3", "Süd", "bezirk"));
    input.pupils.extend(counts("gs2", 1, &ROWS));
    input.pupils.extend(counts("gs3", 1, &ROWS));
    let f = forecast(&input, &spec(2022, 2024, 3)).unwrap();
    let areas = f.planning_areas();
    assert_eq!(areas.iter().map(|a| a.planning_area.as_str()).collect::<Vec<_>>(), ["Nord", "Süd"]);
    let single = f.school("gs").unwrap();
    for year in 2025..=2027 {
        for grade in 1..=4 {
            let one = single.pupils.get(year, grade).unwrap();
            assert!((areas[0].pupils.get(year, grade).unwrap() - 2.0 * one).abs() < 1e-9);
            assert!((areas[1].pupils.get(year, grade).unwrap() - one).abs() < 1e-9);
        }
    }
    assert!(f.school("none").is_none());
}

/// The §3.3 Grundschule feeding a Gesamtschule (grades 5–6) and a Gymnasium (grade 5 only).
fn with_sek1() -> ForecastInput {
    let mut input = example();
    let from = Feeder::Areas(vec!["Nord".into()]);
    input.schools.push(School::new("ge", "Mitte", 5, 6, Intake::Uebergang { from: from.clone() }));
    input.schools.push(School::new("gy", "Mitte", 5, 5, Intake::Uebergang { from }));
    // Grade 4 of the year before: 51, 48, 52 (2021–2023).
    for (year, ge5, ge6, gy5) in [(2021, 20, 22, 25), (2022, 26, 21, 20), (2023, 24, 27, 24), (2024, 26, 24, 21)] {
        input.pupils.push(PupilCount::new("ge", year, 5, f64::from(ge5)));
        input.pupils.push(PupilCount::new("ge", year, 6, f64::from(ge6)));
        input.pupils.push(PupilCount::new("gy", year, 5, f64::from(gy5)));
    }
    input
}

#[test]
fn uebergangsquoten_carry_grade_4_of_the_grundschulen_into_sek_1() {
    let f = forecast(&with_sek1(), &spec(2022, 2024, 3)).unwrap();
    let ge = f.school("ge").unwrap();
    let u = [26.0 / 51.0, 24.0 / 48.0, 26.0 / 52.0];
    assert_eq!(ge.quotas.entry.yearly.iter().map(|&(_, q)| q).collect::<Vec<_>>(), u);
    let mean = u.iter().sum::<f64>() / 3.0;
    let q56 = (21.0 / 20.0 + 27.0 / 26.0 + 24.0 / 24.0) / 3.0;
    let gs = f.school("gs").unwrap();
    // 2025 from the observed grade 4 of 2024, 2026 from the forecast grade 4 of 2025.
    assert!((ge.pupils.get(2025, 5).unwrap() - mean * 49.0).abs() < 1e-9);
    assert!((ge.pupils.get(2026, 5).unwrap() - mean * gs.pupils.get(2025, 4).unwrap()).abs() < 1e-9);
    assert!((ge.pupils.get(2026, 6).unwrap() - mean * 49.0 * q56).abs() < 1e-9);
    assert!((ge.pupils.get(2025, 6).unwrap() - 26.0 * q56).abs() < 1e-9);
    // The quotas of the schools add up to the quota of the Schulformen together.
    let gy = f.school("gy").unwrap();
    let together = [(26.0 + 20.0) / 51.0, (24.0 + 24.0) / 48.0, (26.0 + 21.0) / 52.0].iter().sum::<f64>() / 3.0;
    assert!((ge.quotas.entry.mean + gy.quotas.entry.mean - together).abs() < 1e-12);
    assert_eq!(gy.quotas.durchgang, []);
    // The city-wide feeder gives the same, as the only Grundschule lies in "Nord".
    let mut city = with_sek1();
    city.schools[1].intake = Intake::Uebergang { from: Feeder::Kommune };
    assert_eq!(forecast(&city, &spec(2022, 2024, 3)).unwrap().school("ge").unwrap().pupils, ge.pupils);
}

#[test]
fn inflows_leave_the_quota_and_come_back_as_mean_or_assumption() {
    let mut input = example();
    input.inflows = vec![
        Inflow { school: "gs".into(), year: 2022, pupils: 3.0 },
        Inflow { school: "gs".into(), year: 2024, pupils: 6.0 },
        Inflow { school: "gs".into(), year: 2026, pupils: 10.0 },
    ];
    let f = forecast(&input, &spec(2022, 2024, 3)).unwrap();
    let q = &f.schools[0].quotas;
    assert_eq!(q.entry.yearly, [(2022, 52.0 / 58.0), (2023, 48.0 / 51.0), (2024, 47.0 / 55.0)]);
    assert_eq!(q.inflow, 3.0);
    let p = &f.schools[0].pupils;
    assert!((p.get(2025, 1).unwrap() - (q.entry.mean * 60.0 + 3.0)).abs() < 1e-9);
    assert!((p.get(2026, 1).unwrap() - (q.entry.mean * 47.0 + 10.0)).abs() < 1e-9);
}

#[test]
fn excluded_years_leave_the_mean() {
    let mut s = spec(2022, 2024, 1);
    s.stuetzzeitraum = s.stuetzzeitraum.excluding(2023);
    let f = forecast(&example(), &s).unwrap();
    let e = &f.schools[0].quotas.entry;
    assert_eq!(e.yearly.iter().map(|&(y, _)| y).collect::<Vec<_>>(), [2022, 2024]);
    assert!((e.mean - (55.0 / 58.0 + 53.0 / 55.0) / 2.0).abs() < 1e-12);
}

#[test]
fn as_of_moves_the_stuetzzeitraum_with_the_launch() {
    let s = ForecastSpec { launch: 2024, stuetzzeitraum: Stuetzzeitraum::new(2020, 2024).excluding(2022), horizon: 5 };
    let earlier = s.as_of(2021);
    assert_eq!(earlier.launch, 2021);
    assert_eq!(earlier.stuetzzeitraum.years().collect::<Vec<_>>(), [2017, 2018, 2019, 2020, 2021]);
    assert_eq!(s.stuetzzeitraum.years().collect::<Vec<_>>(), [2020, 2021, 2023, 2024]);
    assert_eq!(earlier.horizon, 5);
}

#[test]
fn a_backtest_compares_the_earlier_forecast_with_what_happened() {
    let mut input = example();
    // A later inflow is not known at the launch and must not be used.
    input.inflows = vec![Inflow { school: "gs".into(), year: 2024, pupils: 5.0 }];
    let b = backtest(&input, &spec(2022, 2023, 3)).unwrap();
    assert_eq!((b.launch, b.horizon), (2023, 1));
    let e = (55.0 / 58.0 + 48.0 / 51.0) / 2.0;
    let q = [(51.0 / 50.0 + 56.0 / 55.0) / 2.0, (53.0 / 52.0 + 50.0 / 51.0) / 2.0, (48.0 / 49.0 + 52.0 / 53.0) / 2.0];
    let expected = [e * 55.0, 48.0 * q[0], 56.0 * q[1], 50.0 * q[2]];
    let d = &b.schools[0].deviations;
    assert_eq!(b.schools[0].school, "gs");
    assert_eq!(d.len(), 5);
    for (g, dev) in d[..4].iter().enumerate() {
        assert_eq!((dev.year, dev.horizon, dev.grade), (2024, 1, Some(g as u8 + 1)));
        assert!((dev.forecast - expected[g]).abs() < 1e-9);
        assert_eq!(dev.observed, f64::from(ROWS[3].1[g]));
    }
    let total: f64 = expected.iter().sum();
    assert_eq!((d[4].grade, d[4].observed), (None, 208.0));
    assert!((d[4].error() - (total - 208.0)).abs() < 1e-9);
    let mape = b.mape[0];
    assert_eq!((mape.horizon, mape.year, mape.schools), (1, 2024, 1));
    assert!((mape.mape.unwrap() - 100.0 * (total - 208.0).abs() / 208.0).abs() < 1e-9);
    assert_eq!(b.forecast.schools[0].pupils.get(2024, 1), Some(e * 55.0));
}

#[test]
fn a_backtest_skips_grades_not_observed_and_totals_left_incomplete() {
    let mut input = example();
    input.pupils.retain(|p| !(p.year == 2024 && p.grade == 3));
    let b = backtest(&input, &spec(2022, 2023, 1)).unwrap();
    let grades: Vec<Option<u8>> = b.schools[0].deviations.iter().map(|d| d.grade).collect();
    assert_eq!(grades, [Some(1), Some(2), Some(4)]);
    assert_eq!((b.mape[0].mape, b.mape[0].schools), (None, 0));
    let none = Deviation { year: 2024, horizon: 1, grade: None, forecast: 3.0, observed: 0.0 };
    assert_eq!(none.percentage_error(), None);
}

fn error(input: &ForecastInput, spec: &ForecastSpec) -> ForecastError {
    forecast(input, spec).unwrap_err()
}

#[test]
fn a_school_without_catchment_is_an_error() {
    let mut input = example();
    input.schools[0].intake = Intake::Einschulung { catchment: "nirgends".into() };
    let e = error(&input, &spec(2022, 2024, 3));
    assert_eq!(e, ForecastError::NoCatchment { school: "gs".into(), catchment: "nirgends".into() });
    assert_eq!(e.to_string(), "school \"gs\": its catchment \"nirgends\" has no children of entry age");
}

#[test]
fn a_forecast_year_without_children_of_entry_age_is_an_error() {
    let e = error(&example(), &spec(2022, 2024, 4));
    assert_eq!(e, ForecastError::MissingEntryAge { catchment: "bezirk".into(), year: 2028 });
    assert_eq!(e.to_string(), "catchment \"bezirk\" has no count of children of entry age for 2028");
    let mut input = example();
    input.entry_age.retain(|a| a.year != 2023);
    assert_eq!(
        error(&input, &spec(2022, 2024, 1)),
        ForecastError::MissingEntryAge { catchment: "bezirk".into(), year: 2023 }
    );
}

#[test]
fn a_grade_missing_in_a_base_year_is_an_error() {
    let mut input = example();
    input.pupils.retain(|p| !(p.year == 2021 && p.grade == 2));
    let e = error(&input, &spec(2022, 2024, 3));
    assert_eq!(e, ForecastError::MissingGrade { school: "gs".into(), grade: 2, year: 2021 });
    assert_eq!(e.to_string(), "school \"gs\" has no pupil count for grade 2 in 2021, which the forecast needs");
    // Outside the Stützzeitraum the gap does not matter.
    assert!(forecast(&input, &spec(2023, 2024, 3)).is_ok());
}

#[test]
fn a_negative_or_non_finite_count_is_an_error() {
    let mut input = example();
    input.pupils[5].pupils = -1.0;
    let e = error(&input, &spec(2022, 2024, 3));
    assert_eq!(
        e.to_string(),
        "school \"gs\", grade 2 in 2022 is -1, but a count must be a finite number of at least zero"
    );
    let mut input = example();
    input.entry_age[0].children = f64::NAN;
    assert!(matches!(error(&input, &spec(2022, 2024, 3)), ForecastError::InvalidCount { year: 2021, .. }));
    let mut input = example();
    input.inflows = vec![Inflow { school: "gs".into(), year: 2022, pupils: -2.0 }];
    assert!(matches!(error(&input, &spec(2022, 2024, 3)), ForecastError::InvalidCount { year: 2022, .. }));
}

#[test]
fn a_stuetzzeitraum_without_data_or_years_is_an_error() {
    let s = ForecastSpec { launch: 2024, stuetzzeitraum: Stuetzzeitraum::new(2010, 2012), horizon: 1 };
    let e = error(&example(), &s);
    assert_eq!(e.to_string(), "there are no pupil counts in the Stützzeitraum 2010–2012");
    let s = ForecastSpec { launch: 2024, stuetzzeitraum: Stuetzzeitraum::new(2024, 2024).excluding(2024), horizon: 1 };
    assert_eq!(error(&example(), &s), ForecastError::EmptyStuetzzeitraum { first: 2024, last: 2024 });
    let s = ForecastSpec { launch: 2023, stuetzzeitraum: Stuetzzeitraum::new(2022, 2024), horizon: 1 };
    assert_eq!(error(&example(), &s), ForecastError::StuetzzeitraumAfterLaunch { last: 2024, launch: 2023 });
}

#[test]
fn a_zero_stock_is_an_error_not_a_division() {
    let mut input = example();
    input.pupils.iter_mut().filter(|p| p.year == 2022 && p.grade == 3).for_each(|p| p.pupils = 0.0);
    let e = error(&input, &spec(2022, 2024, 3));
    assert_eq!(e, ForecastError::ZeroStock { school: "gs".into(), stock: "grade 3".into(), year: 2022 });
    assert_eq!(e.to_string(), "school \"gs\": grade 3 in 2022 is zero, so the quota cannot be formed");
    let mut input = example();
    input.entry_age[2].children = 0.0;
    assert!(matches!(error(&input, &spec(2022, 2024, 3)), ForecastError::ZeroStock { year: 2023, .. }));
    let mut input = with_sek1();
    input.pupils.iter_mut().filter(|p| p.year == 2022 && p.grade == 4).for_each(|p| p.pupils = 0.0);
    let e = error(&input, &spec(2022, 2024, 3));
    assert_eq!(
        e.to_string(),
        "school \"ge\": the last grade of the feeding Grundschulen in 2022 is zero, so the quota cannot be formed"
    );
}

#[test]
fn inconsistent_schools_and_counts_are_errors() {
    let mut input = example();
    input.schools.push(grundschule("gs", "Süd", "bezirk"));
    assert_eq!(error(&input, &spec(2022, 2024, 1)), ForecastError::DuplicateSchool("gs".into()));

    let mut input = example();
    input.schools[0].last_grade = 0;
    assert!(matches!(error(&input, &spec(2022, 2024, 1)), ForecastError::Grades { first: 1, last: 0, .. }));

    let mut input = example();
    input.pupils.push(PupilCount::new("xy", 2023, 1, 3.0));
    assert_eq!(error(&input, &spec(2022, 2024, 1)), ForecastError::UnknownSchool { school: "xy".into(), year: 2023 });

    let mut input = example();
    input.pupils.push(PupilCount::new("gs", 2023, 5, 3.0));
    let e = error(&input, &spec(2022, 2024, 1));
    assert_eq!(e.to_string(), "school \"gs\" has grades 1–4, but there are pupils for grade 5 in 2023");

    let mut input = example();
    input.pupils.push(PupilCount::new("gs", 2023, 1, 3.0));
    assert_eq!(error(&input, &spec(2022, 2024, 1)).to_string(), "school \"gs\", grade 1 in 2023 is given twice");

    let mut input = with_sek1();
    input.schools[1].intake = Intake::Uebergang { from: Feeder::Areas(vec!["Süd".into()]) };
    assert_eq!(error(&input, &spec(2022, 2024, 1)), ForecastError::NoFeeder("ge".into()));

    let mut input = example();
    input.inflows = vec![Inflow { school: "gs".into(), year: 2023, pupils: 49.0 }];
    assert_eq!(
        error(&input, &spec(2022, 2024, 1)),
        ForecastError::InflowExceedsEntry { school: "gs".into(), year: 2023 }
    );
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    /// A school whose every grade and entry cohort has `n` pupils in every year.
    fn steady(n: f64, grades: u8, first: i32, last: i32, horizon: u16) -> ForecastInput {
        let pupils = (first - 1..=last)
            .flat_map(|year| (1..=grades).map(move |grade| PupilCount::new("s", year, grade, n)))
            .collect();
        let entry_age = (first - 1..=last + i32::from(horizon)).map(|year| EntryAge::new("c", year, n)).collect();
        let school = School::new("s", "a", 1, grades, Intake::Einschulung { catchment: "c".into() });
        ForecastInput { schools: vec![school], pupils, entry_age, inflows: vec![] }
    }

    proptest! {
        #[test]
        fn quotas_of_one_and_constant_entry_keep_grade_sizes(
            n in 1u32..2000, grades in 1u8..10, base in 1i32..6, horizon in 0u16..25,
        ) {
            let n = f64::from(n);
            let input = steady(n, grades, 2024 - base + 1, 2024, horizon);
            let f = forecast(&input, &spec(2024 - base + 1, 2024, horizon)).unwrap();
            let s = &f.schools[0];
            prop_assert!((s.quotas.entry.mean - 1.0).abs() < 1e-12);
            prop_assert!(s.quotas.durchgang.iter().all(|q| (q.mean - 1.0).abs() < 1e-12));
            prop_assert_eq!(s.pupils.years().count(), usize::from(horizon));
            for (_, row) in s.pupils.years() {
                prop_assert!(row.iter().all(|&v| (v - n).abs() < 1e-9 * n));
            }
        }

        #[test]
        fn a_backtest_at_the_last_observed_year_has_zero_horizon(
            launch in 2022i32..=2024, horizon in 0u16..10,
        ) {
            let mut input = example();
            input.pupils.retain(|p| p.year <= launch);
            let b = backtest(&input, &spec(2022, launch, horizon)).unwrap();
            prop_assert_eq!(b.horizon, 0);
            prop_assert!(b.schools.iter().all(|s| s.deviations.is_empty()));
            prop_assert!(b.mape.is_empty());
        }
    }
}
