use super::*;
use crate::composite::{Aggregation, Cutter, Normalisation, Sd};

fn part(key: &str, cuts: Vec<f64>, codes: &[&str]) -> Part {
    Part {
        key: key.into(),
        indicators: vec!["a".into(), "b".into(), "c".into()],
        spec: IndexSpec {
            weights: vec![1.0; 3],
            normalisation: Normalisation::ZScore(Sd::Population),
            aggregation: Aggregation::Sum,
            restandardise: true,
            cutter: Cutter::Cuts(cuts),
        },
        codes: codes.iter().map(|c| (*c).to_owned()).collect(),
        names: codes.iter().map(|c| format!("Klasse {c}")).collect(),
    }
}

fn berlin_like() -> MonitoringSpec {
    MonitoringSpec {
        min_population: Some(300.0),
        exclusions: vec![Exclusion { key: "X".into(), reason: "Ausreißer".into() }],
        parts: vec![part("status", vec![-1.0, 1.0, 1.5], &["1", "2", "3", "4"])],
        combined: None,
    }
}

fn row(key: &str, population: [f64; 2], v: [Option<f64>; 3]) -> AreaRow {
    AreaRow {
        key: key.into(),
        name: format!("Gebiet {key}"),
        population: population.iter().map(|p| Some(*p)).collect(),
        values: vec![v.to_vec()],
    }
}

/// METHODS.md §1.7, plus an outlier, a small area (small at the first date only) and an area
/// without data: the six areas keep exactly the published mini-example values.
fn mini_example() -> Vec<AreaRow> {
    let s = |x: f64| Some(x);
    vec![
        row("A", [500.0, 510.0], [s(2.0), s(5.0), s(10.0)]),
        row("X", [900.0, 900.0], [s(50.0), s(50.0), s(50.0)]),
        row("B", [500.0, 510.0], [s(4.0), s(12.0), s(25.0)]),
        row("C", [500.0, 510.0], [s(6.0), s(18.0), s(45.0)]),
        row("S", [299.0, 350.0], [s(40.0), s(1.0), s(1.0)]),
        row("D", [500.0, 510.0], [s(3.0), s(8.0), s(15.0)]),
        row("E", [500.0, 510.0], [s(9.0), s(30.0), s(70.0)]),
        row("F", [500.0, 510.0], [s(1.0), s(3.0), s(5.0)]),
        row("N", [0.0, 0.0], [None, None, None]),
    ]
}

#[test]
fn the_mini_example_is_reproduced_with_inclusion_rules() {
    let spec = berlin_like();
    let r = spec.compute(&mini_example()).unwrap();
    let codes: Vec<Option<&str>> = r.areas.iter().map(|a| a.code.as_deref()).collect();
    assert_eq!(codes, [Some("2"), None, Some("2"), Some("2"), None, Some("2"), Some("4"), Some("1"), None]);
    assert_eq!(r.areas[1].inclusion, Inclusion::Excluded("Ausreißer".into()));
    assert_eq!(r.areas[4].inclusion, Inclusion::TooSmall(299.0));
    assert_eq!(r.areas[4].inclusion.reason(spec.min_population).unwrap(), "weniger als 300 Einwohner (299)");
    assert_eq!(r.areas[8].inclusion, Inclusion::NoData);
    let e = &r.areas[6].parts[0];
    assert!((e.aggregate - 5.53948).abs() < 1e-5);
    assert!((e.index - 1.84886).abs() < 1e-5);
    assert!((e.normalised[0] - 1.80897).abs() < 1e-5);
    assert_eq!(r.counts, [("1".to_owned(), 1), ("2".to_owned(), 4), ("4".to_owned(), 1)]);
}

#[test]
fn two_parts_make_a_combined_code() {
    let mut spec = berlin_like();
    spec.parts.push(part("dynamik", vec![-1.0, 1.0], &["+", "+/-", "-"]));
    spec.combined = Some("{status}{dynamik}".into());
    let mut rows = mini_example();
    for r in &mut rows {
        let reversed: Vec<Option<f64>> = r.values[0].iter().map(|v| v.map(|x| -x)).collect();
        r.values.push(reversed);
    }
    let r = spec.compute(&rows).unwrap();
    assert_eq!(r.areas[6].code.as_deref(), Some("4+"));
    assert_eq!(r.areas[7].code.as_deref(), Some("1-"));
    assert_eq!(r.areas[0].code.as_deref(), Some("2+/-"));
}

#[test]
fn a_partly_missing_area_is_an_error_naming_area_and_indicator() {
    let mut rows = mini_example();
    rows[2].values[0][1] = None;
    let e = berlin_like().compute(&rows).unwrap_err();
    assert_eq!(e.to_string(), "area B: no value for b (give it, or exclude the area with a reason)");
}

#[test]
fn duplicate_areas_and_missing_population_are_errors() {
    let mut rows = mini_example();
    rows.push(rows[0].clone());
    assert_eq!(berlin_like().compute(&rows).unwrap_err().to_string(), "area A appears twice");
    let mut rows = mini_example();
    rows[3].population[1] = None;
    assert_eq!(
        berlin_like().compute(&rows).unwrap_err().to_string(),
        "area C: no population count, so the minimum population cannot be checked"
    );
}

#[test]
fn a_constant_indicator_is_named() {
    let mut rows = mini_example();
    for r in &mut rows {
        if r.values[0][2].is_some() {
            r.values[0][2] = Some(7.0);
        }
    }
    let e = berlin_like().compute(&rows).unwrap_err().to_string();
    assert_eq!(e, "index status: c has the same value in every included area, so it cannot be standardised");
}

#[test]
fn class_labels_must_match_the_cutter() {
    let mut spec = berlin_like();
    spec.parts[0].codes.pop();
    let e = spec.compute(&mini_example()).unwrap_err().to_string();
    assert_eq!(e, "index status: 3 class codes and 4 names for 4 classes");
}

#[test]
fn the_drivers_add_up_to_the_index() {
    let spec = berlin_like();
    let r = spec.compute(&mini_example()).unwrap();
    // Area E (row 4 among the included): z = 1.80897, 1.89247, 1.83804; SD(sum) = 2.99617.
    let drivers = spec.parts[0].drivers(&r.parts[0], 4);
    let total: f64 = drivers.iter().map(|d| d.contribution).sum();
    assert!((total - 1.84886).abs() < 1e-5, "{total}");
    assert_eq!(drivers[0].indicator, 1);
    assert!((drivers[0].contribution - 1.89247 / 2.99617).abs() < 1e-5);
    assert!((drivers[2].contribution - 1.80897 / 2.99617).abs() < 1e-5);
}
