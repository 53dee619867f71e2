use super::*;

const CONFIG: &str = r#"
kommune = "koeln"
title = "Plan"
launch = 2024
horizon = 3
stuetzzeitraum = { first = 2022, last = 2024 }

[areas]
layer = "stadtteil"
catchment = "inverse_distance"
planning_areas = "stadtbezirk"

[projection]
stuetzzeitraum = { first = 2019, last = 2024, exclude = [2020] }

[[schulform]]
name = "Grundschule"
preset = "nrw_grundschule"
zuegigkeit = "Zügigkeit"

[[schulform]]
name = "Gymnasium"
preset = "nrw_sek1"
klassenfrequenz = 27

[capacity]
"100001" = { zuege = 3 }
"100002" = { rooms = 12 }

[[szenario]]
name = "Neubau"
author = "Amt 40"
description = "Kreuzfeld"
changes = [
  { kind = "neubaugebiet", area = "101", from = 2025, dwellings = [100, 200], occupancy = [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1] },
  { kind = "grenzaenderung", area = "102", from_school = "100001", to_school = "100003", from = 2026 },
  { kind = "schliessung", school = "100004", from = 2027 },
]
"#;

#[test]
fn a_configuration_becomes_typed_planning_inputs() {
    let c = parse_planning_config(CONFIG, "planung.toml").unwrap();
    assert_eq!((c.collection.as_str(), c.pupils.as_str(), c.entry_age), ("schulen", "schueler", 6));
    assert_eq!(
        c.forecast_spec(),
        ForecastSpec { launch: 2024, stuetzzeitraum: Stuetzzeitraum::new(2022, 2024), horizon: 3 }
    );
    assert_eq!(
        c.projection.stuetzzeitraum.stuetzzeitraum().years().collect::<Vec<_>>(),
        [2019, 2021, 2022, 2023, 2024]
    );
    assert_eq!((c.areas.catchment, c.areas.power, c.areas.floor_m), (CatchmentMode::InverseDistance, 2.0, 500.0));
    assert_eq!(c.projection.births, "geburten");
    let gym = c.schulform("Gymnasium").unwrap();
    assert_eq!((gym.grades(), gym.klassenfrequenz(), gym.is_grundschule()), ((5, 10), 27.0, false));
    assert_eq!(c.schulform("Grundschule").unwrap().klassenfrequenz(), 25.0);
    assert_eq!(c.capacity["100002"], CapacityConfig { zuege: None, rooms: Some(12) });
    let s = c.scenario("Neubau").unwrap().szenario();
    assert_eq!(s.changes.len(), 3);
    assert_eq!(
        s.changes[1],
        Change::Grenzaenderung {
            area: "102".into(),
            from_catchment: "100001".into(),
            to_catchment: "100003".into(),
            from: 2026
        }
    );
}

fn error(text: &str) -> String {
    parse_planning_config(text, "planung.toml").unwrap_err().to_string()
}

#[test]
fn bad_values_are_reported_at_their_line_and_column() {
    assert_eq!(
        error(&CONFIG.replace("nrw_sek1", "nrw_sek2")),
        "planung.toml:23:10: unknown variant `nrw_sek2`, expected `nrw_grundschule` or `nrw_sek1`"
    );
    assert_eq!(
        error(&CONFIG.replace("first = 2022, last = 2024", "first = 2022, last = 2025")),
        "planung.toml:6:18: the base years must end no later than the launch year 2024"
    );
    assert_eq!(
        error(&CONFIG.replace("from = 2027", "from = 2028")),
        "planung.toml:37:3: the change starts in 2028, outside the forecast years 2025–2027"
    );
    assert_eq!(
        error(&CONFIG.replace("{ rooms = 12 }", "{ rooms = 12, zuege = 2 }")),
        "planung.toml:28:12: school 100002: give either zuege > 0 or rooms > 0"
    );
    assert_eq!(
        error(&CONFIG.replace("name = \"Gymnasium\"", "name = \"Grundschule\"")),
        "planung.toml:22:8: Schulform \"Grundschule\" is given twice"
    );
    let e = error(&CONFIG.replace("kind = \"schliessung\"", "kind = \"abriss\""));
    assert_eq!(
        e,
        "planung.toml:37:12: unknown variant `abriss`, expected one of `neubaugebiet`, `grenzaenderung`, `neuer_zug`, \
         `schliessung`"
    );
    assert_eq!(
        error(&CONFIG.replace("\"nrw_grundschule\"", "\"nrw_sek1\"")),
        "planung.toml:16:1: at least one Schulform must be a Grundschule (nrw_grundschule)"
    );
}
