use std::collections::HashMap;

use super::*;
use crate::{Breakdown, Value};

fn definition(kind: Kind, numerator: &str, denominator: Option<&str>, factor: f64, min: f64) -> Definition {
    Definition {
        key: IndicatorKey::new("test").unwrap(),
        label: "Test".into(),
        bereich: Bereich::A,
        tier: Tier::Kern,
        stage: Stage::Kontext,
        kind,
        numerator: numerator.parse().unwrap(),
        denominator: denominator.map(|d| d.parse().unwrap()),
        factor,
        unit: "%".into(),
        polarity: Polarity::HigherIsWorse,
        min_denominator: min,
        source: String::new(),
        reference_date: String::new(),
        interpretation: String::new(),
    }
}

struct Area(HashMap<&'static str, f64>);

impl Cells for Area {
    fn value(&self, variable: &VariableKey, breakdown: &Breakdown) -> Option<Value> {
        let key = if breakdown.is_total() { variable.to_string() } else { format!("{variable}[{breakdown}]") };
        self.0.iter().find(|(k, _)| **k == key).map(|(_, v)| Value::Number(*v))
    }
    fn categories(&self, _: &VariableKey, _: &str) -> Vec<String> {
        Vec::new()
    }
    fn institutions(&self, _: Option<&str>, _: &[(String, String)]) -> f64 {
        3.0
    }
}

fn area() -> Area {
    Area(HashMap::from([("einwohner", 2500.0), ("sgb2", 81.0), ("leer", 0.0), ("geburten", 37.0), ("kinder", 263.0)]))
}

#[test]
fn a_proportion_has_a_wilson_interval() {
    // 81 of 263: 30.798 %, Wilson 95 % [25.5289, 36.6210] (see uncertainty tests for the reference).
    let c = definition(Kind::Proportion, "sgb2", Some("kinder"), 100.0, 0.0).compute(&area()).unwrap();
    assert!((c.value - 100.0 * 81.0 / 263.0).abs() < 1e-12);
    let i = c.interval.unwrap();
    assert!((i.lower - 25.528851987827423).abs() < 1e-9 && (i.upper - 36.62095769828).abs() < 1e-9);
}

#[test]
fn a_rate_has_an_exact_poisson_interval() {
    // 37 births per 2500 inhabitants: 14.8 per 1000, Garwood 95 % [10.4206, 20.3999].
    let c = definition(Kind::Rate, "geburten", Some("einwohner"), 1000.0, 0.0).compute(&area()).unwrap();
    assert!((c.value - 14.8).abs() < 1e-12);
    let i = c.interval.unwrap();
    assert!((i.lower - 10.420565826842411).abs() < 1e-9 && (i.upper - 20.399850456772327).abs() < 1e-9);
}

#[test]
fn ratios_and_counts_have_no_interval() {
    let r = definition(Kind::Ratio, "sgb2", Some("kinder"), 100.0, 0.0).compute(&area()).unwrap();
    assert_eq!(r.interval, None);
    let c = definition(Kind::Count, "einrichtungen", None, 1.0, 0.0).compute(&area()).unwrap();
    assert_eq!((c.value, c.denominator, c.interval), (3.0, None, None));
}

#[test]
fn values_that_must_not_be_reported_say_why() {
    let a = area();
    assert_eq!(
        definition(Kind::Proportion, "sgb2", Some("kinder"), 100.0, 300.0).compute(&a),
        Err(NotReported::BelowMinimum { denominator: 263.0, minimum: 300.0 })
    );
    assert_eq!(
        definition(Kind::Proportion, "sgb2", Some("leer"), 100.0, 0.0).compute(&a),
        Err(NotReported::ZeroDenominator)
    );
    assert_eq!(
        definition(Kind::Proportion, "einwohner", Some("kinder"), 100.0, 0.0).compute(&a),
        Err(NotReported::PartExceedsWhole { numerator: 2500.0, denominator: 263.0 })
    );
    assert_eq!(
        definition(Kind::Proportion, "kitas", Some("kinder"), 100.0, 0.0).compute(&a).unwrap_err().to_string(),
        "keine Daten für kitas"
    );
}

#[test]
fn definitions_list_their_variables() {
    let d = definition(Kind::Ratio, "sgb2 + geburten", Some("einwohner + sgb2"), 1.0, 0.0);
    let names: Vec<&str> = d.variables().iter().map(|v| v.as_str()).collect();
    assert_eq!(names, ["einwohner", "geburten", "sgb2"]);
    assert!(!d.uses_institutions());
}

#[test]
fn targets_measure_the_remaining_gap_in_their_direction() {
    let target = |direction, value| Target {
        indicator: IndicatorKey::new("betreuungsquote_u3").unwrap(),
        kommune: "koeln".parse().unwrap(),
        area: None,
        value,
        year: 2030,
        direction,
        source: "Ratsbeschluss".into(),
        goal: None,
    };
    assert_eq!(target(Direction::AtLeast, 45.0).progress(36.5), Progress::Open { gap: 8.5 });
    assert_eq!(target(Direction::AtLeast, 45.0).progress(45.0), Progress::Reached);
    assert_eq!(target(Direction::AtMost, 5.0).progress(6.25), Progress::Open { gap: 1.25 });
    assert_eq!(target(Direction::AtMost, 5.0).progress(4.0), Progress::Reached);
}
