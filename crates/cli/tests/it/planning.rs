//! `bimo planung` on the Köln demo with its synthetic planning data: the workbook's sheets, a
//! forecast value against a hand computation from the stored counts, scenario records and council
//! decisions, and bad input.

use std::path::Path;

use bimo::planning::{Args, Command, compute, run, write_xlsx};
use calamine::{Data, Reader, Xlsx, open_workbook};
use domain::{Audience, Period};
use store::Store;

use super::demo_dir;

fn demo_store(dir: &Path) {
    let store = Store::open(&dir.join("bimo.sqlite")).unwrap();
    let koeln = demo_dir().join("koeln");
    let mut manifests: Vec<_> = ["stadt", "stadtbezirk", "stadtteil", "stadtviertel", "bevoelkerung", "schulen"]
        .iter()
        .map(|m| koeln.join(format!("{m}.toml")))
        .collect();
    manifests
        .extend(["einwohner", "bewegungen", "schueler"].iter().map(|m| koeln.join(format!("synthetisch/{m}.toml"))));
    for m in manifests {
        bimo::import_manifest(&store, &m, "2026-11-26T00:00:00Z").unwrap_or_else(|e| panic!("{}: {e}", m.display()));
    }
}

fn config_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/planung/koeln.toml")
}

#[test]
fn the_demo_plan_is_written_to_xlsx_and_matches_a_hand_computation() {
    let tmp = tempfile::tempdir().unwrap();
    demo_store(tmp.path());
    let output = tmp.path().join("plan.xlsx");
    let args = Args {
        command: None,
        data_dir: tmp.path().to_owned(),
        config: Some(config_path()),
        szenario: None,
        output: Some(output.clone()),
        csv: Some(tmp.path().join("plan.csv")),
        by: Some("Schulamt Test".into()),
        backtest: None,
    };
    let lines = run(&args, "2026-11-26T10:00:00Z").unwrap();
    assert!(lines.iter().any(|l| l == "scenario \"Neubaugebiet Kreuzfeld\" recorded as 1"), "{lines:?}");
    // The same configuration again: the stored scenarios are found, not stored twice.
    run(&args, "2026-11-26T11:00:00Z").unwrap();
    let store = Store::open(&tmp.path().join("bimo.sqlite")).unwrap();
    let koeln = domain::KommuneKey::new("koeln").unwrap();
    assert_eq!(store.scenarios(&koeln).unwrap().len(), 2);

    let mut workbook: Xlsx<_> = open_workbook(&output).unwrap();
    assert_eq!(workbook.sheet_names(), ["Prognose", "Kapazität", "Szenarien", "Backtest", "Annahmen"]);
    let prognose = workbook.worksheet_range("Prognose").unwrap();
    let header: Vec<String> = prognose.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(header[..6], ["Schulnummer", "Name", "Schulform", "Planungsbereich", "Schuljahr", "Jahrgang 1"]);

    // Grade 2 of a Grundschule in 2025/26 = its grade 1 of 2024/25 × the mean Durchgangsquote 1→2
    // over 2020, 2021, 2023 and 2024 (2022 excluded), from the stored counts.
    let snapshot = store.snapshot(Audience::Public).unwrap();
    let k = snapshot.kommune("koeln").unwrap();
    let school = "112434";
    let count = |year: i32, grade: &str| {
        k.institution_observations
            .iter()
            .find(|o| {
                o.observation.institution == school
                    && o.observation.period == Period::SchoolYear(year)
                    && o.observation.breakdown.pairs().iter().any(|(_, g)| g == grade)
            })
            .and_then(|o| o.observation.value.number())
            .unwrap()
    };
    let quota = [2020, 2021, 2023, 2024].iter().map(|&t| count(t, "2") / count(t - 1, "1")).sum::<f64>() / 4.0;
    let expected = count(2024, "1") * quota;
    let row = prognose.rows().find(|r| r[0] == school && r[4] == "2025/26").unwrap();
    let Data::Float(got) = row[6] else { panic!("{:?}", row[6]) };
    assert!((got - expected).abs() < 1e-9, "{got} {expected}");

    let annahmen = workbook.worksheet_range("Annahmen").unwrap();
    let text: Vec<String> =
        annahmen.rows().map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>().join("|")).collect();
    assert!(text.iter().any(|l| l.starts_with("Prognose|Stützzeitraum|2020–2024")), "{text:?}");
    assert!(text.iter().any(|l| l.starts_with("Prognose|ausgeschlossene Jahre|2022")));
    assert!(text.iter().any(|l| l.starts_with("Daten (SYNTHETISCH)|")));
    assert!(text.iter().any(|l| l.starts_with("Szenario|Neubaugebiet Kreuzfeld|Amt für Schulentwicklung")));
    let szenarien = workbook.worksheet_range("Szenarien").unwrap();
    assert!(szenarien.rows().skip(1).any(|r| r[0] == "Schließung und neuer Zug" && r[2] == "111910"));

    // The council adopts the first scenario.
    let adopt = Args {
        command: Some(Command::Beschluss {
            data_dir: tmp.path().to_owned(),
            szenario: 1,
            beschluss: "Ratsbeschluss 2026/0815".into(),
            datum: "2026-12-10".parse().unwrap(),
            by: "Schulamt Test".into(),
        }),
        ..args.clone()
    };
    run(&adopt, "2026-12-11T09:00:00Z").unwrap();
    let stored = store.scenarios(&koeln).unwrap();
    assert_eq!(stored[0].adopted().map(|a| a.decision.as_str()), Some("Ratsbeschluss 2026/0815"));

    // Bad input.
    let (config, _) = import::read_planning_config(&config_path()).unwrap();
    let err = web::planning::scenario(&config, "Gibt es nicht").unwrap_err().to_string();
    assert!(err.starts_with("there is no scenario \"Gibt es nicht\"; the configuration has: \"Neubaugebiet"), "{err}");
    let mut nearest = config.clone();
    nearest.areas.catchment = import::CatchmentMode::Nearest;
    let err = compute(&store, &nearest, None, None).unwrap_err().to_string();
    assert!(err.contains("has no children of entry age"), "{err}");
    let outcomes = compute(&store, &config, Some("Neubaugebiet Kreuzfeld"), None).unwrap();
    let mut early = outcomes.plan.clone();
    early.base.spec.stuetzzeitraum = domain::forecast::Stuetzzeitraum::new(2012, 2013);
    let err = web::planning::evaluate(&early, None).unwrap_err().to_string();
    assert_eq!(err, "there are no pupil counts in the Stützzeitraum 2012–2013");
    let mut plan = outcomes.plan.clone();
    plan.base.pupils.retain(|p| !(p.school == school && p.year == 2021 && p.grade == 3));
    let err = web::planning::evaluate(&plan, None).unwrap_err().to_string();
    assert_eq!(err, format!("school \"{school}\" has no pupil count for grade 3 in 2021, which the forecast needs"));
    write_xlsx(&tmp.path().join("again.xlsx"), &config, &outcomes).unwrap();
}
