use super::*;

const GOOD: &str = r#"
[[ziel]]
kommune = "koeln"
indikator = "betreuungsquote_u3"
wert = 45.0
jahr = 2030
richtung = "mindestens"
quelle = "Ratsbeschluss"

[[ziel]]
kommune = "koeln"
indikator = "abgaenger_ohne_abschluss"
wert = 4
jahr = 2028
richtung = "hoechstens"
quelle = "Leitbild"
ebene = "stadtteil"
gebiet = "101"
"#;

#[test]
fn targets_are_read_for_the_city_and_for_areas() {
    let t = parse_targets(GOOD, "ziele.toml").unwrap().ziele;
    assert_eq!(t.len(), 2);
    assert_eq!((t[0].value, t[0].year, t[0].direction, t[0].area.clone()), (45.0, 2030, Direction::AtLeast, None));
    let area = t[1].area.as_ref().unwrap();
    assert_eq!((area.0.as_str(), area.1.as_str(), t[1].direction), ("stadtteil", "101", Direction::AtMost));
}

#[test]
fn bad_targets_are_reported_at_their_table() {
    let bad = GOOD.replace("\"mindestens\"", "\"viel\"").replace("gebiet = \"101\"\n", "");
    let e = parse_targets(&bad, "ziele.toml").unwrap_err().to_string();
    assert_eq!(
        e,
        "ziele.toml:2:1: unknown richtung \"viel\", expected \"mindestens\" or \"hoechstens\"\n\
             ziele.toml:10:1: ebene and gebiet go together"
    );
    let e = parse_targets("[[ziel]]\nkommune = 1\n", "z.toml").unwrap_err().to_string();
    assert!(e.starts_with("z.toml:2:11: invalid type"), "{e}");
}

#[test]
fn targets_name_their_leitziel_which_must_be_in_the_file() {
    let text = format!(
        "[[leitziel]]\nkommune = \"koeln\"\nschluessel = \"chancen\"\ntitel = \"Bildungschancen verbessern\"\n{}",
        GOOD.replacen("quelle = \"Ratsbeschluss\"", "quelle = \"Ratsbeschluss\"\nleitziel = \"chancen\"", 1)
    );
    let t = parse_targets(&text, "ziele.toml").unwrap();
    assert_eq!(t.leitziele[0].title, "Bildungschancen verbessern");
    assert_eq!((t.ziele[0].goal.as_deref(), t.ziele[1].goal.as_deref()), (Some("chancen"), None));
    let unknown = GOOD.replacen("quelle = \"Leitbild\"", "quelle = \"Leitbild\"\nleitziel = \"fehlt\"", 1);
    let err = parse_targets(&unknown, "ziele.toml").unwrap_err().to_string();
    assert!(err.contains("ziele.toml:10:1: unknown leitziel \"fehlt\""), "{err}");
}
