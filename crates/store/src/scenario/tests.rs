use domain::attention::Person;

use super::*;

const NOW: &str = "2026-11-26T10:00:00Z";

fn scenario(name: &str, base: Option<ScenarioId>) -> NewScenario {
    NewScenario {
        kommune: "koeln".parse().unwrap(),
        name: name.into(),
        base,
        description: "Neubaugebiet mit 400 Wohnungen ab 2028".into(),
        assumptions: "[neubau]\nwohnungen = 400\nab = 2028\n".into(),
        created_by: Person::new("A. Planer").unwrap(),
        created_at: NOW.into(),
    }
}

#[test]
fn scenarios_are_stored_with_their_assumptions_and_adoptions() {
    let store = Store::open_in_memory().unwrap();
    let basis = store.add_scenario(scenario("Basis", None)).unwrap();
    let kreuzfeld = store.add_scenario(scenario("Kreuzfeld", Some(basis))).unwrap();
    let by = Person::new("B. Ratsbüro").unwrap();
    let adoption =
        store.adopt_scenario(kreuzfeld, " Ratsbeschluss 2026/0815 ", "2026-12-10".parse().unwrap(), &by, NOW).unwrap();
    assert_eq!(adoption.decision, "Ratsbeschluss 2026/0815");
    let all = store.scenarios(&"koeln".parse().unwrap()).unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0], StoredScenario { id: basis, scenario: scenario("Basis", None), adoptions: vec![] });
    assert_eq!(all[1].scenario, scenario("Kreuzfeld", Some(basis)));
    assert_eq!(all[1].scenario.assumptions, "[neubau]\nwohnungen = 400\nab = 2028\n");
    assert_eq!(all[1].adoptions, vec![adoption.clone()]);
    assert_eq!(all[1].adopted(), Some(&adoption));
    assert_eq!(all[1].adoptions[0].date.to_string(), "2026-12-10");
    assert!(store.scenarios(&"bonn".parse().unwrap()).unwrap().is_empty());
}

#[test]
fn bad_scenarios_and_adoptions_store_nothing() {
    let store = Store::open_in_memory().unwrap();
    let basis = store.add_scenario(scenario("Basis", None)).unwrap();
    let err = store.add_scenario(scenario("Basis", None)).unwrap_err();
    assert_eq!(err.to_string(), "Kommune koeln already has a scenario named \"Basis\"");
    let err = store.add_scenario(scenario("Neu", Some(ScenarioId(99)))).unwrap_err();
    assert_eq!(err.to_string(), "unknown scenario 99");
    let err = store.add_scenario(scenario(" ", None)).unwrap_err();
    assert_eq!(err.to_string(), "scenario name must not be empty");
    let bonn = NewScenario { kommune: "bonn".parse().unwrap(), ..scenario("Neu", Some(basis)) };
    let err = store.add_scenario(bonn).unwrap_err();
    assert_eq!(err.to_string(), "base scenario 1 belongs to another Kommune than bonn");
    let by = Person::new("B").unwrap();
    let date = "2026-12-10".parse().unwrap();
    let err = store.adopt_scenario(ScenarioId(7), "Ratsbeschluss 1", date, &by, NOW).unwrap_err();
    assert_eq!(err.to_string(), "unknown scenario 7");
    let err = store.adopt_scenario(basis, "  ", date, &by, NOW).unwrap_err();
    assert_eq!(err.to_string(), "council decision must not be empty");
    let all = store.scenarios(&"koeln".parse().unwrap()).unwrap();
    assert_eq!(all.len(), 1);
    assert!(all[0].adoptions.is_empty());
    assert!(store.scenarios(&"bonn".parse().unwrap()).unwrap().is_empty());
}

#[test]
fn scenarios_and_adoptions_cannot_be_changed_or_deleted() {
    let store = Store::open_in_memory().unwrap();
    let basis = store.add_scenario(scenario("Basis", None)).unwrap();
    let by = Person::new("B").unwrap();
    store.adopt_scenario(basis, "Ratsbeschluss 2026/0815", "2026-12-10".parse().unwrap(), &by, NOW).unwrap();
    let conn = store.conn();
    for (sql, message) in [
        ("UPDATE scenario SET assumptions = ''", "scenarios are never changed"),
        ("DELETE FROM scenario", "scenarios are never deleted"),
        ("UPDATE scenario_adoption SET decision = 'x'", "scenario adoptions are never changed"),
        ("DELETE FROM scenario_adoption", "scenario adoptions are never deleted"),
    ] {
        let err = conn.execute(sql, []).unwrap_err();
        assert!(err.to_string().contains(message), "{sql}: {err}");
    }
}
