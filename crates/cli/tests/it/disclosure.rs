//! `bimo geheimhaltung`: CSV tables in, protected tables and the attacker audit out; bad input
//! named by file, line and column.

use std::path::{Path, PathBuf};

use bimo::disclosure::{Args, run};

fn args(dir: &Path, inputs: &[&str], hierarchy: Option<&str>) -> Args {
    Args {
        inputs: inputs.iter().map(|i| dir.join(i)).collect(),
        output: dir.join("out"),
        count: "anzahl".to_owned(),
        total: "Insgesamt".to_owned(),
        hierarchy: hierarchy.map(|h| dir.join(h)),
        min_frequency: 3,
        protection: 1.0,
        protection_percent: 0.0,
        singletons: false,
        threshold: None,
        round: None,
    }
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

const PEOPLE: &str = "gebiet;geschlecht;anzahl\na1;m;20\na1;w;1\na2;m;25\na2;w;30\nb1;m;6\nb1;w;5\nb2;m;35\nb2;w;40\n\
                      Stadt;Insgesamt;162\n";
const AREAS: &str = "merkmal;schluessel;oberschluessel\ngebiet;a1;A\ngebiet;a2;A\ngebiet;b1;B\ngebiet;b2;B\n\
                     gebiet;A;Stadt\ngebiet;B;Stadt\n";

/// The parent-area case of the disclosure crate's tests, through CSV: a1|w = 1 hides in the
/// rectangle a1/a2 × m/w below Stadtbezirk A, whose cells are published.
#[test]
fn geheimhaltung_writes_the_protected_table_and_the_audit() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "einwohner.csv", PEOPLE);
    write(tmp.path(), "gebiete.csv", AREAS);
    let outcome = run(&args(tmp.path(), &["einwohner.csv"], Some("gebiete.csv"))).unwrap();
    assert_eq!((outcome.cells, outcome.primary, outcome.secondary), (21, 1, 3));
    let table = std::fs::read_to_string(tmp.path().join("out/einwohner.csv")).unwrap();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines[0], "gebiet;geschlecht;anzahl;status");
    assert_eq!(lines.len(), 1 + 7 * 3);
    for expected in
        ["Stadt;Insgesamt;162;", "A;w;31;", "a1;Insgesamt;21;", "a1;w;.;primär", "a2;m;.;sekundär", "b1;w;5;"]
    {
        assert!(lines.contains(&expected), "{expected} in\n{table}");
    }
    let audit = std::fs::read_to_string(tmp.path().join("out/pruefbericht.csv")).unwrap();
    assert_eq!(
        audit,
        "zelle;status;grund;untere_grenze;obere_grenze;breite;schutzbreite;geschuetzt\n\
         einwohner: gebiet=a1, geschlecht=m;sekundär;;0;21;21;1;ja\n\
         einwohner: gebiet=a1, geschlecht=w;primär;Mindestfallzahl;0;21;21;1;ja\n\
         einwohner: gebiet=a2, geschlecht=m;sekundär;;24;45;21;1;ja\n\
         einwohner: gebiet=a2, geschlecht=w;sekundär;;10;31;21;1;ja\n"
    );
}

/// Two tables sharing the area totals are protected together: a shared cell is withheld in both
/// or in neither, and a2|de = 2 cannot be recovered from the area totals of the other table.
#[test]
fn geheimhaltung_protects_linked_tables_together() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "geschlecht.csv",
        "gebiet,geschlecht,anzahl\na1,m,2\na1,w,1\na2,m,4\na2,w,6\na3,m,3\na3,w,1\na4,m,2\na4,w,3\n",
    );
    write(
        tmp.path(),
        "staat.csv",
        "gebiet;staat;anzahl\na1;de;3\na1;nd;0\na2;de;2\na2;nd;8\na3;de;4\na3;nd;0\na4;de;0\na4;nd;5\n",
    );
    let mut a = args(tmp.path(), &["geschlecht.csv", "staat.csv"], None);
    a.round = Some(5);
    run(&a).unwrap();
    let read = |name: &str| std::fs::read_to_string(tmp.path().join("out").join(name)).unwrap();
    let (sex, citizenship) = (read("geschlecht.csv"), read("staat.csv"));
    for area in ["a1", "a2", "a3", "a4"] {
        let row = format!("\n{area};Insgesamt;");
        let status = |text: &str| text.split(&row).nth(1).unwrap().lines().next().unwrap().to_owned();
        assert_eq!(status(&sex), status(&citizenship), "{area}");
    }
    assert!(citizenship.contains("\na2;de;.;primär\n"), "{citizenship}");
    // Published values are rounded to 5: the city's 22 people are published as 20; empty cells stay 0.
    assert!(sex.contains("\nInsgesamt;Insgesamt;20;\n") && citizenship.contains("\na1;nd;0;\n"), "{sex}");
    let audit = read("pruefbericht.csv");
    assert!(audit.lines().skip(1).all(|l| l.ends_with(";ja")), "{audit}");
    assert!(audit.contains("staat: gebiet=a2, staat=de;primär;Mindestfallzahl;0;"), "{audit}");
}

#[test]
fn bad_geheimhaltung_input_is_named_by_file_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "gebiete.csv", AREAS);
    let error = |table: &str, hierarchy: Option<&str>| {
        write(tmp.path(), "t.csv", table);
        run(&args(tmp.path(), &["t.csv"], hierarchy)).unwrap_err().to_string()
    };
    let t = tmp.path().join("t.csv").display().to_string();
    assert_eq!(
        error("gebiet;anzahl\na1;3\na2;zwei\n", None),
        format!("{t}:3:anzahl: not a count (a whole number ≥ 0): \"zwei\"")
    );
    assert_eq!(error("gebiet;anzahl\na1;3\n;4\n", None), format!("{t}:3:gebiet: empty code"));
    assert_eq!(
        error("gebiet;anzahl\na1;3\na1;4\n", None),
        format!("{t}:3:gebiet: cell a1 appears twice (first on line 2)")
    );
    assert_eq!(error("gebiet;wert\na1;3\n", None), format!("{t}:1: no column \"anzahl\" (the counts)"));
    assert_eq!(
        error("gebiet;anzahl\na1;3\nc9;4\n", Some("gebiete.csv")),
        format!("{t}:3:gebiet: unknown code \"c9\": not in the hierarchy of gebiet")
    );
    assert_eq!(
        error("gebiet;anzahl\na1;3\na2;4\nA;8\n", Some("gebiete.csv")),
        format!("{t}:4:gebiet: the total A is given as 8 but its parts sum to 7")
    );
    let h = write(tmp.path(), "kaputt.csv", "merkmal;schluessel;oberschluessel\ngebiet;a1;A\ngebiet;a2;X\n")
        .display()
        .to_string();
    assert_eq!(
        error("gebiet;anzahl\na1;3\n", Some("kaputt.csv")),
        format!("{h}:3:oberschluessel: gebiet has two tops, \"A\" and \"X\"; every code but the total needs a parent")
    );
}
