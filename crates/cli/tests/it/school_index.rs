//! `bimo schulsozialindex` on the real Köln demo data: the agreement with the published NRW stages
//! as measured, and bad input that fails with a clear message.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use bimo::school_index::{Args, Outcome, run};
use bimo::{Imported, demo_manifests, import_manifest};
use store::Store;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A store with the Köln demo releases, built once for all tests.
fn koeln_store() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("bimo.sqlite")).unwrap();
        for m in demo_manifests(&root().join("data/demo")).unwrap() {
            if m.parent().and_then(|p| p.file_name()).is_some_and(|n| n == "koeln") {
                assert!(matches!(import_manifest(&store, &m, "2026-11-26T00:00:00Z"), Ok(Imported::New(_))), "{m:?}");
            }
        }
        dir
    })
    .path()
}

fn args(output: &Path) -> Args {
    Args {
        data_dir: koeln_store().to_owned(),
        kommune: "koeln".into(),
        ebene: "stadtteil".into(),
        jahr: 2012,
        indikatoren: vec!["migrationsanteil".into()],
        bevoelkerung: "anteil_schulalter".into(),
        catalogue: root().join("data/indikatoren/katalog.toml"),
        schulen: None,
        stufe: "Schulsozialindex".into(),
        zusammensetzung: None,
        wohnorte: None,
        potenz: 2.0,
        mindestabstand: 500.0,
        output: output.to_owned(),
    }
}

fn error(args: &Args) -> String {
    format!("{:#}", run(args).unwrap_err())
}

const MEASURED_RHO_STAGE: f64 = 0.6374309904971797;
const MEASURED_RHO_INDEX: f64 = 0.6399282337158442;

#[test]
fn koeln_agreement_with_the_published_stages_is_as_measured() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ssi.csv");
    let o: Outcome = run(&args(&out)).unwrap();
    // The 226 public general schools of Köln with a published stage, all 86 Stadtteile used.
    assert_eq!(o.schools.len(), 226);
    assert!(o.left_out.is_empty(), "{:?}", o.left_out);
    let t = &o.report.total;
    assert_eq!(t.n, 226);
    assert_eq!(((t.exact * 226.0).round(), (t.within_one * 226.0).round()), (58.0, 140.0));
    assert!((t.spearman_stage.unwrap() - MEASURED_RHO_STAGE).abs() < 1e-9);
    assert!((t.spearman_index.unwrap() - MEASURED_RHO_INDEX).abs() < 1e-9);
    let diagonal: Vec<usize> = (0..9).map(|i| t.confusion[i][i]).collect();
    assert_eq!(diagonal, [5, 11, 10, 8, 6, 5, 5, 2, 6]);
    // Stage 9 holds ⌈5 % · 226⌉ = 12 schools.
    assert_eq!((0..9).map(|p| t.confusion[p][8]).sum::<usize>(), 12);
    let by: Vec<(&str, usize, usize, usize, f64)> = o
        .report
        .by_schulform
        .iter()
        .map(|(name, a)| {
            let count = |x: f64| (x * a.n as f64).round() as usize;
            (name.as_str(), a.n, count(a.exact), count(a.within_one), a.spearman_stage.unwrap())
        })
        .collect();
    let expected = [
        ("Gesamtschule", 18, 5, 11, 0.7685804242022591),
        ("Grundschule", 143, 49, 102, 0.7311313356326129),
        ("Gymnasium", 35, 4, 17, 0.733940029627796),
        ("Hauptschule", 12, 0, 1, 0.822486549027885),
        ("Realschule", 18, 0, 9, 0.6091918936339511),
    ];
    assert_eq!(by.len(), expected.len());
    for (got, want) in by.iter().zip(expected) {
        assert_eq!((got.0, got.1, got.2, got.3), (want.0, want.1, want.2, want.3));
        assert!((got.4 - want.4).abs() < 1e-9, "{got:?}");
    }
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "schulnummer;name;schulform;quelle;einzugsgebiet;gebiet_migrationsanteil;z_migrationsanteil;index;stufe;\
         stufe_veroeffentlicht"
    );
    assert_eq!(lines.count(), 226);
    assert!(bimo::school_index::describe(&o).contains("alle              226    25.7 %    61.9 %       0.637"));
}

#[test]
fn own_composition_and_counted_residences_enter_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let base = run(&args(&dir.path().join("base.csv"))).unwrap();
    // A made-up share per school (not real data): the last digit of the Schulnummer / 10.
    let mut own = String::from("schule;nichtdeutsche_familiensprache\n");
    for s in &base.schools {
        let digit = s.institution.key.chars().last().unwrap().to_digit(10).unwrap();
        own += &format!("{};{}\n", s.institution.key, f64::from(digit) / 10.0);
    }
    let first = base.schools[0].institution.key.clone();
    let residence = format!("schule;gebiet;schueler\n{first};101;30\n{first};102;10\n");
    std::fs::write(dir.path().join("own.csv"), own).unwrap();
    std::fs::write(dir.path().join("res.csv"), residence).unwrap();
    let out = dir.path().join("ssi.csv");
    let a = Args {
        zusammensetzung: Some(dir.path().join("own.csv")),
        wohnorte: Some(dir.path().join("res.csv")),
        ..args(&out)
    };
    let o = run(&a).unwrap();
    let r = &o.index.schools[0];
    assert_eq!(r.weights, vec![("101".to_owned(), 30.0), ("102".to_owned(), 10.0)]);
    assert_eq!(r.z.len(), 2);
    assert!(o.index.schools.iter().all(|s| s.own_component.is_some()));
    let header = std::fs::read_to_string(&out).unwrap().lines().next().unwrap().to_owned();
    assert!(header.contains("eigen_nichtdeutsche_familiensprache;z_migrationsanteil;z_nichtdeutsche_familiensprache"));
    assert!(std::fs::read_to_string(&out).unwrap().contains(";wohnorte;101=30.00 102=10.00;"));
}

#[test]
fn bad_input_fails_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ssi.csv");
    let e = error(&Args { jahr: 2030, ..args(&out) });
    assert!(e.contains("indicator migrationsanteil has no data for koeln in 2030; years with data: 2005,"), "{e}");
    let e = error(&Args { indikatoren: vec!["gibt_es_nicht".into()], ..args(&out) });
    assert!(e.contains("indicator gibt_es_nicht is not in the catalogue"), "{e}");
    let e = error(&Args { kommune: "bielefeld".into(), ..args(&out) });
    assert_eq!(e, "Kommune bielefeld is not in the store");
    let e = error(&Args { data_dir: dir.path().to_owned(), ..args(&out) });
    assert!(e.starts_with("there is no store"), "{e}");

    // A school file without coordinate columns.
    std::fs::write(dir.path().join("schulen.csv"), "Schulnummer,Schulform,Name,Sozialindex\n1,Grundschule,A,3\n")
        .unwrap();
    let manifest = r#"
[release]
kommune = "koeln"
kommune_name = "Köln"
title = "Schulen ohne Koordinaten"
source = "Test"
licence = "CC0"
attribution = "Test"
audience = "public"

[institutions]
collection = "schulen"
file = "schulen.csv"
key = "Schulnummer"
name = ["Name"]
kind = "Schulform"
x = "longitude"
y = "latitude"
crs = "EPSG:4326"

[[institutions.attribute]]
column = "Sozialindex"
label = "Schulsozialindex"
"#;
    std::fs::write(dir.path().join("schulen.toml"), manifest).unwrap();
    let e = error(&Args { schulen: Some(dir.path().join("schulen.toml")), ..args(&out) });
    assert!(e.starts_with("the school file has errors:") && e.contains("longitude"), "{e}");

    // Residences in an area the layer does not have; a composition that misses schools.
    std::fs::write(dir.path().join("res.csv"), "schule;gebiet;schueler\n100036;999;5\n").unwrap();
    let e = error(&Args { wohnorte: Some(dir.path().join("res.csv")), ..args(&out) });
    assert_eq!(e, "residence of school 100036: unknown area 999");
    std::fs::write(dir.path().join("own.csv"), "schule;anteil\n100036;0,4\n").unwrap();
    let e = error(&Args { zusammensetzung: Some(dir.path().join("own.csv")), ..args(&out) });
    assert!(e.starts_with("school ") && e.ends_with(" has 0 own shares, expected 1"), "{e}");
    std::fs::write(dir.path().join("own.csv"), "schule;anteil\n100036;viel\n").unwrap();
    let e = error(&Args { zusammensetzung: Some(dir.path().join("own.csv")), ..args(&out) });
    assert!(e.ends_with("own.csv, line 2, column anteil: \"viel\" is not a number"), "{e}");
}
