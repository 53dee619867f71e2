use super::*;

const OFFER: &str = r#"[[angebot]]
kommune = "koeln"
amt = "traeger-beispiel"
beispiel = true
schluessel = "lesepaten-kalk"
titel = "Lesepaten"
lebensphase = "grundschule"
zielgruppe = "Kinder der Klassen 1 bis 4"
traeger = "Beispiel-Träger e. V."
laengengrad = "7,01"
breitengrad = "50,94"
plaetze = "20"
von = "2026-01-01"
"#;

#[test]
fn offers_parse_with_their_keeping() {
    let offers = parse_offers(OFFER, "angebote.toml").unwrap();
    assert_eq!(offers.len(), 1);
    let o = &offers[0];
    assert_eq!(
        (o.kommune.as_str(), o.owner.as_str(), o.audience, o.example),
        ("koeln", "traeger-beispiel", Audience::Public, true)
    );
    assert_eq!(o.angebot.capacity, Some(20));
    assert_eq!(o.angebot.location.map(|p| (p.x(), p.y())), Some((7.01, 50.94)));
}

#[test]
fn offer_problems_name_line_and_column_of_the_value() {
    let text = OFFER
        .replace("plaetze = \"20\"", "plaetze = \"zwanzig\"")
        .replace("von = \"2026-01-01\"", "von = \"2026-01-01\"\nbis = \"2025-12-31\"");
    let err = parse_offers(&text, "angebote.toml").unwrap_err().to_string();
    assert!(err.contains("angebote.toml:12:11:"), "{err}");
    assert!(err.contains("angebote.toml:14:7:"), "{err}");
}

#[test]
fn measures_name_their_problems_by_table_and_field() {
    let text = r#"[[massnahme]]
kommune = "koeln"
ebene = "stadtteil"
schluessel = "m-1"
titel = "Sprachkita"
handlungsfeld = "bildung"
status = "laufend"
prioritaet = "1"
beginn = "2024-08-01"
gebiete = ["101"]

[[massnahme.wirkung]]
indikator = "unbekannt"
basisjahr = "2023"
basiswert = "30"
zielwert = "25"
ueberpruefung = "2027-06-30"
"#;
    let err = parse_measures(text, "m.toml", &|k| k == "jugendquote").unwrap_err().to_string();
    assert!(err.contains("m.toml:1:1: massnahme \"m-1\", lead:"), "{err}");
    assert!(err.contains("effects[0].indicator"), "{err}");
    let fixed = text.replace("gebiete", "federfuehrung = \"soziales\"\ngebiete").replace("unbekannt", "jugendquote");
    let measures = parse_measures(&fixed, "m.toml", &|k| k == "jugendquote").unwrap();
    assert_eq!((measures[0].audience, measures[0].massnahme.lead.as_str()), (Audience::Internal, "soziales"));
}

#[test]
fn the_coverage_configuration_has_one_target_group_per_phase() {
    let text = r#"[versorgung]
kommune = "koeln"
ebene = "stadtteil"
index = "koeln-bevoelkerung-demo"

[[zielgruppe]]
lebensphase = "kita"
bezeichnung = "Kinder von 3 bis unter 6 Jahren"
bevoelkerung = "einwohner[alter=3..6]"
"#;
    let config = parse_versorgung(text, "v.toml").unwrap();
    assert_eq!((config.detour_factor, config.max_walk_m), (1.3, 1000.0));
    assert_eq!(config.zielgruppen[0].population.to_string(), "einwohner[alter=3..6]");
    let twice =
        format!("{text}\n[[zielgruppe]]\nlebensphase = \"kita\"\nbezeichnung = \"x\"\nbevoelkerung = \"einwohner\"\n");
    let err = parse_versorgung(&twice, "v.toml").unwrap_err().to_string();
    assert!(err.contains("v.toml:12:15: lebensphase \"kita\" has a target group already"), "{err}");
}
