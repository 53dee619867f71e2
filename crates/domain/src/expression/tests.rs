use std::collections::HashMap;

use super::*;

/// Köln-like data for one area: population by the city's own age bands, by sex, and two schools.
struct Area {
    cells: HashMap<(String, Breakdown), Value>,
}

impl Area {
    fn new() -> Area {
        let mut cells = HashMap::new();
        let mut put = |breakdown: &str, v: Value| {
            cells.insert(("einwohner".to_owned(), Breakdown::parse(breakdown).unwrap()), v);
        };
        put("", Value::Number(1000.0));
        put("alter=00 - < 03", Value::Number(30.0));
        put("alter=03 - < 06", Value::Number(25.0));
        put("alter=06 - < 10", Value::Number(40.0));
        put("alter=10 - < 15", Value::Number(50.0));
        put("alter=15 - < 18", Value::Number(35.0));
        put("alter=18 - < 65", Value::Number(620.0));
        put("alter=65 - < 75", Value::Number(110.0));
        put("alter=75 und älter", Value::Number(90.0));
        put("geschlecht=Weiblich", Value::Symbol(Symbol::UnknownOrSecret));
        Area { cells }
    }
}

impl Cells for Area {
    fn value(&self, variable: &VariableKey, breakdown: &Breakdown) -> Option<Value> {
        self.cells.get(&(variable.to_string(), breakdown.clone())).copied()
    }

    fn categories(&self, variable: &VariableKey, dimension: &str) -> Vec<String> {
        self.cells
            .keys()
            .filter(|(v, _)| v == variable.as_str())
            .flat_map(|(_, b)| b.pairs().iter().filter(|(d, _)| d == dimension).map(|(_, c)| c.clone()))
            .collect()
    }

    fn institutions(&self, attribute: Option<&str>, filters: &[(String, String)]) -> f64 {
        let schools = [("Grundschule", 220.0), ("Gymnasium", 900.0)];
        schools
            .iter()
            .filter(|(kind, _)| filters.iter().all(|(k, v)| k != "art" || v == kind))
            .map(|(_, pupils)| if attribute == Some("Schülerzahl") { *pupils } else { 1.0 })
            .sum()
    }
}

fn eval(text: &str) -> Result<f64, Gap> {
    text.parse::<Expr>().unwrap().evaluate(&Area::new())
}

#[test]
fn age_bands_are_read_from_the_usual_labels() {
    assert_eq!(age_band("00 - < 03"), Some((0, Some(3))));
    assert_eq!(age_band("3 bis unter 6"), Some((3, Some(6))));
    assert_eq!(age_band("unter 3"), Some((0, Some(3))));
    assert_eq!(age_band("75 und älter"), Some((75, None)));
    assert_eq!(age_band("65+"), Some((65, None)));
    assert_eq!(age_band("Männlich"), None);
    assert_eq!(age_band("10 - < 5"), None);
}

#[test]
fn ranges_sum_the_bands_that_tile_them() {
    // 0 to under 18: 30 + 25 + 40 + 50 + 35 = 180.
    assert_eq!(eval("einwohner[alter=0..18]"), Ok(180.0));
    assert_eq!(eval("einwohner[alter=65..]"), Ok(200.0));
    assert_eq!(eval("einwohner[alter=6..10] + einwohner[alter=10..15]"), Ok(90.0));
    assert_eq!(eval("einwohner - einwohner[alter=0..18]"), Ok(820.0));
}

#[test]
fn ranges_the_bands_cannot_form_are_refused() {
    assert_eq!(eval("einwohner[alter=0..16]"), Err(Gap::RangeNotCovered("einwohner[alter=0..16]".into())));
    assert_eq!(eval("einwohner[alter=1..18]"), Err(Gap::RangeNotCovered("einwohner[alter=1..18]".into())));
    assert_eq!(eval("einwohner[alter=65..80]"), Err(Gap::RangeNotCovered("einwohner[alter=65..80]".into())));
}

#[test]
fn missing_and_secret_cells_are_gaps_with_a_reason() {
    assert_eq!(eval("kinder"), Err(Gap::NoData("kinder".into())));
    assert_eq!(
        eval("einwohner[geschlecht=Weiblich]").unwrap_err().to_string(),
        "einwohner[geschlecht=Weiblich]: unbekannt oder geheim zu halten"
    );
}

#[test]
fn institutions_are_counted_and_summed() {
    assert_eq!(eval("einrichtungen"), Ok(2.0));
    assert_eq!(eval("einrichtungen(art=Grundschule)"), Ok(1.0));
    assert_eq!(eval("einrichtungen.Schülerzahl(art=Gymnasium)"), Ok(900.0));
    assert_eq!(eval("einrichtungen.Schülerzahl"), Ok(1120.0));
}

#[test]
fn syntax_errors_say_where() {
    let err = |t: &str| t.parse::<Expr>().unwrap_err().to_string();
    assert_eq!(err("einwohner[alter=0..18"), "at character 22: expected ']'");
    assert_eq!(err("einwohner * 2"), "at character 11: expected + or - but found '*'");
    assert_eq!(err("einwohner[alter=18..6]"), "at character 17: empty range \"18..6\"");
    assert_eq!(err(""), "at character 1: expected a number, a variable or einrichtungen");
    assert_eq!(err("a + "), "at character 5: expected a number, a variable or einrichtungen");
}

#[test]
fn expressions_print_as_they_parse() {
    for text in
        ["einwohner[alter=0..18;geschlecht=Weiblich]", "-einwohner + 5", "einrichtungen.Schülerzahl(art=Gymnasium)"]
    {
        assert_eq!(text.parse::<Expr>().unwrap().to_string(), text);
    }
    let e: Expr = "einwohner[alter=65..] + einrichtungen".parse().unwrap();
    assert_eq!(e.variables(), [&VariableKey::new("einwohner").unwrap()]);
    assert!(e.uses_institutions());
}
