//! The Statistikstelle engine (crate `statistikstelle`): generated records with a known truth,
//! a hand-counted fixture through disclosure control into a release that `bimo import` accepts,
//! and bad input named by file, row and column with no release written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use bimo::{Imported, import_manifest};
use statistikstelle::engine::{self, Limits, Place};
use statistikstelle::generator::{self, Settings};
use statistikstelle::{Areas, Spec, calibration, microdata};
use store::Store;

fn koeln() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/demo/koeln")
}

fn limits() -> Limits {
    Limits { partitions: 2, memory: 512 << 20, spill: 1 << 30 }
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

const AREAS: &str = "schluessel;ebene;name;oberschluessel\n000;stadt;Stadt;\n001;stadtbezirk;Bezirk 1;000\n\
                     101;stadtteil;Teil A;001\n102;stadtteil;Teil B;001\n10101;stadtviertel;A1;101\n\
                     10102;stadtviertel;A2;101\n10201;stadtviertel;B1;102\n";

const HEADER: &str = "pseudonym;schuljahr;schule;klasse;schulform;wohngebiet;geschlecht;geburtsjahr;\
                      familiensprache_nicht_deutsch;foerderschwerpunkt;neuzugewandert;wiederholer;abschluss\n";

/// Nine pupils: p1–p3 go from grade 4 (2023) to grade 5 (2024), p4 repeats grade 4, p5 leaves the
/// city, p6 arrives in grade 5, p7–p9 are in the Grundschule in 2024, p9 outside its Schulbezirk.
const PUPILS: &str = "p1;2023;G1;4;Grundschule;10101;m;2013;false;LE;false;false;\n\
                      p2;2023;G1;4;Grundschule;10101;w;2013;false;;false;false;\n\
                      p3;2023;G2;4;Grundschule;10201;m;2013;true;;false;false;\n\
                      p4;2023;G2;4;Grundschule;10201;w;2013;false;;false;false;\n\
                      p5;2023;G1;4;Grundschule;10102;m;2013;false;;false;false;\n\
                      p1;2024;S1;5;Gymnasium;10101;m;2013;false;LE;false;false;\n\
                      p2;2024;S2;5;Realschule;10101;w;2013;false;;false;false;\n\
                      p3;2024;S1;5;Gymnasium;10201;m;2013;true;;false;false;\n\
                      p4;2024;G2;4;Grundschule;10201;w;2013;false;;false;true;\n\
                      p6;2024;S1;5;Gymnasium;10102;w;2013;true;;true;false;\n\
                      p7;2024;G1;1;Grundschule;10101;m;2017;false;;false;false;\n\
                      p8;2024;G1;2;Grundschule;10102;w;2016;false;;false;false;\n\
                      p9;2024;G1;1;Grundschule;10201;m;2017;false;;false;false;\n";

/// A specification over the fixture; `tables` are appended as given.
fn fixture_spec(dir: &Path, pupils: &str, minimum: u64, tables: &str) -> PathBuf {
    write(dir, "gebiete.csv", AREAS);
    write(dir, "schueler.csv", &format!("{HEADER}{pupils}"));
    write(dir, "schulbezirke.csv", "wohngebiet;schule\n10101;G1\n10102;G1\n10201;G2\n");
    write(
        dir,
        "spec.toml",
        &format!(
            r#"[lauf]
kommune = "test"
kommune_name = "Teststadt"
titel = "Schülerinnen und Schüler 2024/25"
quelle = "Statistikstelle Teststadt"
schuljahr = 2024
gebiete = "gebiete.csv"
ebene = "stadtteil"

[geheimhaltung]
mindestfallzahl = {minimum}

[quellen.schueler]
datei = "schueler.csv"

[uebergang]
quelle = "schueler"
von_klasse = 4
nach_klasse = 5

[schulbezirke]
quelle = "schueler"
datei = "schulbezirke.csv"

{tables}"#
        ),
    )
}

const TABLES: &str = r#"[[tabelle]]
name = "schulform"
quelle = "schueler"
merkmal = "schueler"
label = "Schülerinnen und Schüler"
dimensionen = ["schulform", "geschlecht"]

[[tabelle]]
name = "uebergang"
quelle = "uebergaenge"
merkmal = "uebergaenge_5"
label = "Übergänge in Klasse 5"
dimensionen = ["ziel_schulform"]

[[tabelle]]
name = "bildungswanderung"
quelle = "schulbezirk"
merkmal = "grundschueler"
label = "Grundschülerinnen und -schüler"
dimensionen = ["schulbezirk"]
"#;

/// The release's audit lists every withheld cell, each protected.
fn assert_every_withheld_cell_protected(release: &Path, outcome: &statistikstelle::release::Outcome) {
    let audit = lines(&release.join("pruefbericht.csv"));
    assert_eq!(audit.len(), 1 + outcome.primary + outcome.secondary);
    assert!(audit[1..].iter().all(|l| l.ends_with(";ja")), "{audit:?}");
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path).unwrap().lines().map(str::to_owned).collect()
}

#[test]
fn statistikstelle_tables_equal_a_hand_count() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = fixture_spec(tmp.path(), PUPILS, 1, TABLES);
    let out = tmp.path().join("release");
    let statistikstelle::Report { outcome, aggregates, .. } =
        statistikstelle::aggregate(&spec, &out, limits(), &Place::Local).unwrap();
    assert_eq!((outcome.primary, outcome.secondary), (0, 0), "minimum frequency 1 withholds nothing");
    let rows = lines(&out.join("tabellen.csv"));
    assert_eq!(rows[0], "gebiet;zeitraum;merkmal;schulform;geschlecht;ziel_schulform;schulbezirk;anzahl");
    // 2024/25 by hand: Teil A (101) has p1 Gym m, p2 Real w, p6 Gym w, p7 GS m, p8 GS w;
    // Teil B (102) has p3 Gym m, p4 GS w, p9 GS m.
    for expected in [
        "000;2024/25;schueler;;;;;8",
        "101;2024/25;schueler;;;;;5",
        "101;2024/25;schueler;Gymnasium;;;;2",
        "101;2024/25;schueler;Gymnasium;w;;;1",
        "101;2024/25;schueler;Grundschule;;;;2",
        "102;2024/25;schueler;Grundschule;w;;;1",
        "001;2024/25;schueler;;m;;;4",
        // Transitions 4 → 5 by residence: p1, p2 from Teil A, p3 from Teil B.
        "101;2024/25;uebergaenge_5;;;Gymnasium;;1",
        "101;2024/25;uebergaenge_5;;;Realschule;;1",
        "102;2024/25;uebergaenge_5;;;Gymnasium;;1",
        "000;2024/25;uebergaenge_5;;;;;3",
        // Grundschule pupils: p9 (Teil B, Schulbezirk G2) attends G1.
        "102;2024/25;grundschueler;;;;fremder;1",
        "102;2024/25;grundschueler;;;;eigener;1",
        "101;2024/25;grundschueler;;;;eigener;2",
    ] {
        assert!(rows.iter().any(|r| r == expected), "{expected} not in\n{}", rows.join("\n"));
    }
    assert_eq!(aggregates.without_district, Some(0));
    // Every grade-4 record of 2023 and every grade-5 record of 2024 is accounted for.
    let linkage: Vec<(&str, &str, u64)> =
        aggregates.linkage.as_ref().unwrap().iter().map(|(a, b, n)| (a.as_str(), b.as_str(), *n)).collect();
    assert_eq!(
        linkage,
        [
            ("Klasse 4 2023", "ohne Datensatz 2024", 1),
            ("Klasse 4 2023", "verknüpft", 3),
            ("Klasse 4 2023", "wiederholt", 1),
            ("Klasse 5 2024", "ohne Datensatz 2023", 1),
            ("Klasse 5 2024", "verknüpft", 3),
        ]
    );
    assert!(lines(&out.join("verknuepfung.csv")).contains(&"Klasse 4 2023;wiederholt;1".to_owned()));
}

/// Grundschule pupils 2024/25 counted from two sources as one variable: by grade from the pupil
/// records (filtered), by Schulbezirk from the derived source. Teil A: p7 grade 1 and p8 grade 2,
/// both in their Schulbezirk; Teil B: p4 grade 4 in its own, p9 grade 1 in another Schulbezirk.
const GRUNDSCHULE_TWO_SOURCES: &str = r#"[[tabelle]]
name = "klassen"
quelle = "schueler"
merkmal = "grundschueler"
label = "Grundschülerinnen und -schüler"
dimensionen = ["klasse"]
filter = [{ spalte = "schulform", gleich = "Grundschule" }]

[[tabelle]]
name = "bildungswanderung"
quelle = "schulbezirk"
merkmal = "grundschueler"
label = "Grundschülerinnen und -schüler"
dimensionen = ["schulbezirk"]
"#;

#[test]
fn statistikstelle_protects_one_variable_from_two_sources_as_one_problem() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = fixture_spec(tmp.path(), PUPILS, 1, GRUNDSCHULE_TWO_SOURCES);
    let out = tmp.path().join("release");
    statistikstelle::aggregate(&spec, &out, limits(), &Place::Local).unwrap();
    let rows = lines(&out.join("tabellen.csv"));
    assert_eq!(rows[0], "gebiet;zeitraum;merkmal;klasse;schulbezirk;anzahl");
    for expected in [
        "101;2024/25;grundschueler;1;;1",
        "101;2024/25;grundschueler;2;;1",
        "101;2024/25;grundschueler;;eigener;2",
        "102;2024/25;grundschueler;4;;1",
        "102;2024/25;grundschueler;;fremder;1",
        "001;2024/25;grundschueler;1;;2",
    ] {
        assert!(rows.contains(&expected.to_owned()), "{expected} not in\n{}", rows.join("\n"));
    }
    // The cells both tables share – the totals of every area – are one cell each.
    for total in ["101;2024/25;grundschueler;;;2", "102;2024/25;grundschueler;;;2", "000;2024/25;grundschueler;;;4"] {
        assert_eq!(rows.iter().filter(|r| *r == total).count(), 1, "{total} once in\n{}", rows.join("\n"));
    }

    // Withholding single pupils: one problem over both tables, so no cell withheld in one table is
    // published in the other, and the audit (over both) finds every withheld cell protected.
    let strict = tmp.path().join("strict");
    std::fs::create_dir(&strict).unwrap();
    let spec = fixture_spec(&strict, PUPILS, 2, GRUNDSCHULE_TWO_SOURCES);
    let out = strict.join("release");
    let outcome = statistikstelle::aggregate(&spec, &out, limits(), &Place::Local).unwrap().outcome;
    assert!(outcome.primary > 0);
    let rows = lines(&out.join("tabellen.csv"));
    assert!(rows.contains(&"102;2024/25;grundschueler;;fremder;.".to_owned()), "{rows:?}");
    assert_every_withheld_cell_protected(&out, &outcome);
}

#[test]
fn statistikstelle_refuses_one_variable_over_different_persons() {
    let tmp = tempfile::tempdir().unwrap();
    // Grades 1 and 2 only: Teil B's p4 (grade 4) is in the Schulbezirk table but not in this one.
    let tables = GRUNDSCHULE_TWO_SOURCES.replace(
        r#"filter = [{ spalte = "schulform", gleich = "Grundschule" }]"#,
        r#"filter = [{ spalte = "schulform", gleich = "Grundschule" }, { spalte = "klasse", von = 1, bis = 2 }]"#,
    );
    let spec = fixture_spec(tmp.path(), PUPILS, 1, &tables);
    let out = tmp.path().join("release");
    let e = statistikstelle::aggregate(&spec, &out, limits(), &Place::Local).unwrap_err().to_string();
    assert!(
        e.ends_with(
            "spec.toml: tables \"klassen\" and \"bildungswanderung\" of variable \"grundschueler\" count different \
             persons: wohngebiet 10201 has 1 in \"klassen\" and 2 in \"bildungswanderung\"; give one of them its own \
             variable"
        ),
        "{e}"
    );
    assert!(!out.exists());
    // Sums cannot come from different records, and one variable cannot mix periods.
    let fail = |tables: &str| {
        Spec::parse(&format!("{SPEC_HEAD}[quellen.kita]\ndatei = \"k.parquet\"\n\n{tables}"), "spec.toml")
            .unwrap_err()
            .to_string()
    };
    let e = fail(
        "[[tabelle]]\nname = \"a\"\nquelle = \"schueler\"\nmerkmal = \"x\"\nlabel = \"X\"\n\n\
         [[tabelle]]\nname = \"b\"\nquelle = \"kita\"\nmerkmal = \"x\"\nlabel = \"X\"\n",
    );
    assert!(e.contains("variable \"x\" is also counted by table \"a\" from another kind of records"), "{e}");
}

#[test]
fn statistikstelle_suppresses_small_cells_and_ships_the_audit() {
    let tmp = tempfile::tempdir().unwrap();
    let table = "[[tabelle]]\nname = \"schulform\"\nquelle = \"schueler\"\nmerkmal = \"schueler\"\n\
                 label = \"Schülerinnen und Schüler\"\ndimensionen = [\"schulform\"]\n";
    let spec = fixture_spec(tmp.path(), PUPILS, 3, table);
    let out = tmp.path().join("release");
    let outcome = statistikstelle::aggregate(&spec, &out, limits(), &Place::Local).unwrap().outcome;
    assert!(outcome.primary > 0);
    let rows = lines(&out.join("tabellen.csv"));
    // Realschule in Teil A holds one pupil: withheld; the city total of 8 is published.
    assert!(rows.contains(&"101;2024/25;schueler;Realschule;.".to_owned()), "{rows:?}");
    assert!(rows.contains(&"000;2024/25;schueler;;8".to_owned()), "{rows:?}");
    assert_every_withheld_cell_protected(&out, &outcome);
}

/// Contracted Kita hours by Stadtteil, contributed by the Kitas (a magnitude table). Teil A: KA
/// 45 + 45 + 35 = 125 and KB 25 of 150, so KA holds 83 % (dominance (1, 80) finds it); Teil B: KB
/// 45, KC 35 + 25 = 60, KD 10 of 115, safe by both rules (60 / 115 = 52 %; 115 − 60 − 45 = 10 is
/// not below 10 % of 60). Teil A's total would follow from Bezirk 1 (265) and Teil B, so Teil B
/// is withheld as well.
#[test]
fn statistikstelle_protects_sums_by_dominance_over_their_contributors() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "gebiete.csv", AREAS);
    write(
        tmp.path(),
        "kita.csv",
        "pseudonym;jahr;kita;alter;betreuungsstunden;wohngebiet\n\
         k1;2024;KA;3;45;10101\nk2;2024;KA;4;45;10101\nk3;2024;KA;5;35;10102\nk4;2024;KB;3;25;10102\n\
         k5;2024;KB;4;45;10201\nk6;2024;KC;5;35;10201\nk7;2024;KC;3;25;10201\nk8;2024;KD;4;10;10201\n\
         k9;2023;KD;4;60;10201\n",
    );
    let spec = write(
        tmp.path(),
        "spec.toml",
        r#"[lauf]
kommune = "test"
kommune_name = "Teststadt"
titel = "Betreuungsstunden 2024"
quelle = "Statistikstelle Teststadt"
schuljahr = 2024
gebiete = "gebiete.csv"
ebene = "stadtteil"

[geheimhaltung]
mindestfallzahl = 2
dominanz = { n = 1, k = 80 }
p_prozent = 10

[quellen.kita]
datei = "kita.csv"

[[tabelle]]
name = "stunden"
quelle = "kita"
merkmal = "betreuungsstunden"
label = "Vertraglich vereinbarte Betreuungsstunden"
wert = "betreuungsstunden"
beitragende = "kita"
einheit = "Stunden"
"#,
    );
    let out = tmp.path().join("release");
    let outcome = statistikstelle::aggregate(&spec, &out, limits(), &Place::Local).unwrap().outcome;
    assert_eq!((outcome.primary, outcome.secondary), (1, 1));
    let mut rows = lines(&out.join("tabellen.csv"));
    rows.sort();
    assert_eq!(
        rows,
        [
            "000;2024;betreuungsstunden;265",
            "001;2024;betreuungsstunden;265",
            "101;2024;betreuungsstunden;.",
            "102;2024;betreuungsstunden;.",
            "gebiet;zeitraum;merkmal;anzahl"
        ]
    );
    let audit = lines(&out.join("pruefbericht.csv"));
    assert!(audit.iter().any(|l| l.contains("primär;Dominanz;0;265")), "{audit:?}");
    assert!(std::fs::read_to_string(&outcome.manifest).unwrap().contains("unit = \"Stunden\""));
}

/// The cell key method: every cell of the pupils by Stadtteil and Schulform is its true count
/// changed by the p-table entry its cell key picks, the key being the sum of its pupils' record
/// keys (derived here independently: the first 12 hex digits of SHA-256(secret ‖ pseudonym) modulo
/// 10^8) modulo 1. Nothing is withheld; the attribution says the counts are perturbed.
#[test]
fn statistikstelle_perturbs_counts_by_their_cell_keys() {
    use sha2::Digest;
    let tmp = tempfile::tempdir().unwrap();
    let secret = "ein-geheimnis-der-statistikstelle";
    write(tmp.path(), "geheimnis.txt", &format!("{secret}\n"));
    let table = "[geheimhaltung.zellschluessel]\ngeheimnis = \"geheimnis.txt\"\nd = 2\nv = 1.05\njs = 1\n\n\
                 [[tabelle]]\nname = \"schulform\"\nquelle = \"schueler\"\nmerkmal = \"schueler\"\n\
                 label = \"Schülerinnen und Schüler\"\ndimensionen = [\"schulform\"]\n";
    let spec = fixture_spec(tmp.path(), PUPILS, 3, table);
    let out = tmp.path().join("release");
    let outcome = statistikstelle::aggregate(&spec, &out, limits(), &Place::Local).unwrap().outcome;
    assert_eq!((outcome.primary, outcome.secondary), (0, 0));

    let ptable = disclosure::PTable::maximum_entropy(2, 1.05, 1, None).unwrap();
    let record_key = |pseudonym: &str| {
        let digest = sha2::Sha256::digest(format!("{secret}{pseudonym}").as_bytes());
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        u64::from_str_radix(&hex[..12], 16).unwrap() % 100_000_000
    };
    // Per cell (area, Schulform or "" for all): the count and the key sum.
    let mut cells: BTreeMap<(String, String), (u64, u64)> = BTreeMap::new();
    for line in PUPILS.lines().filter(|l| l.split(';').nth(1) == Some("2024")) {
        let f: Vec<&str> = line.split(';').collect();
        let teil = if f[5] == "10201" { "102" } else { "101" };
        for area in ["000", "001", teil] {
            for form in ["", f[4]] {
                let cell = cells.entry((area.to_owned(), form.to_owned())).or_insert((0, 0));
                cell.0 += 1;
                cell.1 += record_key(f[0]);
            }
        }
    }
    let rows = lines(&out.join("tabellen.csv"));
    let mut changed = 0;
    for ((area, form), (n, keys)) in &cells {
        let published = ptable.perturb(*n, disclosure::CellKey::from_sum(*keys));
        changed += usize::from(published != *n);
        assert!(published.abs_diff(*n) <= 2 && published != 1, "{area} {form}: {n} → {published}");
        let row = format!("{area};2024/25;schueler;{form};{published}");
        assert!(rows.contains(&row), "{row} not in {rows:?}");
    }
    assert!(changed > 0, "no cell changed: {cells:?}");
    // Empty cells stay empty.
    assert!(rows.contains(&"102;2024/25;schueler;Realschule;0".to_owned()), "{rows:?}");
    let manifest = std::fs::read_to_string(&outcome.manifest).unwrap();
    assert!(manifest.contains("Zellschlüsselverfahren verändert (um höchstens 2)"), "{manifest}");
}

/// A faulty p-table is named by file, line and column, a short secret by its file; nothing is
/// written.
#[test]
fn statistikstelle_names_a_bad_ptable_and_a_short_secret() {
    let run = |secret: &str, ptable: &str| {
        let tmp = tempfile::tempdir().unwrap();
        write(tmp.path(), "geheimnis.txt", secret);
        write(tmp.path(), "ptabelle.csv", ptable);
        let table = "[geheimhaltung.zellschluessel]\ngeheimnis = \"geheimnis.txt\"\nptabelle = \"ptabelle.csv\"\n\n\
                     [[tabelle]]\nname = \"schulform\"\nquelle = \"schueler\"\nmerkmal = \"schueler\"\n\
                     label = \"Schülerinnen und Schüler\"\n";
        let spec = fixture_spec(tmp.path(), PUPILS, 3, table);
        let out = tmp.path().join("release");
        let e = statistikstelle::aggregate(&spec, &out, limits(), &Place::Local).unwrap_err().to_string();
        assert!(!out.exists());
        e
    };
    let good = "i;j;p;v;p_int_ub\n0;0;1;0;1\n1;0;0.5;-1;0.5\n1;2;0.5;1;1\n";
    let e = run("ein-geheimnis-der-statistikstelle", &good.replace("1;0;0.5;-1;0.5", "1;0;1.5;-1;0.5"));
    assert!(e.contains("ptabelle.csv, line 3, column p:"), "{e}");
    let e = run("kurz", good);
    assert!(e.contains("geheimnis.txt: the secret of the record keys needs at least 16 characters"), "{e}");
}

/// A sum needs a column that is never negative and a unit.
#[test]
fn statistikstelle_refuses_sums_it_cannot_protect() {
    let head = "[lauf]\nkommune = \"k\"\nkommune_name = \"K\"\ntitel = \"T\"\nquelle = \"Q\"\nschuljahr = 2024\n\
                gebiete = \"g.csv\"\nebene = \"stadtteil\"\n\n[quellen.kita]\ndatei = \"k.parquet\"\n\n\
                [[tabelle]]\nname = \"t\"\nquelle = \"kita\"\nmerkmal = \"m\"\nlabel = \"L\"\n";
    let e = |table: &str| Spec::parse(&format!("{head}{table}"), "s.toml").unwrap_err().to_string();
    assert!(e("wert = \"kita\"\neinheit = \"h\"\n").contains("no whole-number column"));
    assert!(e("wert = \"betreuungsstunden\"\n").contains("needs its `einheit`"));
    assert!(e("beitragende = \"kita\"\n").contains("give `wert` too"));
    let spec = Spec::parse(&format!("{head}wert = \"betreuungsstunden\"\neinheit = \"Stunden\"\n"), "s.toml").unwrap();
    assert_eq!(
        spec.tables[0].measure,
        statistikstelle::spec::Measure::Sum {
            column: "betreuungsstunden".into(),
            contributor: "pseudonym".into(),
            unit: "Stunden".into()
        }
    );
}

/// The error of a run on the fixture with `pupils`; asserts that no release (nor its temporary
/// folder) was left behind.
fn error(pupils: &str) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let spec = fixture_spec(tmp.path(), pupils, 3, TABLES);
    let e = statistikstelle::aggregate(&spec, &tmp.path().join("release"), limits(), &Place::Local)
        .unwrap_err()
        .to_string();
    let left: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|f| f.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("release"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    e
}

#[test]
fn statistikstelle_names_bad_records_and_writes_no_release() {
    let twice = format!("{PUPILS}p7;2024;G2;1;Grundschule;10101;m;2017;false;;false;false;\n");
    let e = error(&twice);
    assert!(
        e.contains(
            "schueler.csv, line 12 and line 15, column pseudonym: pseudonym p7 appears 2 times in schuljahr 2024"
        ),
        "{e}"
    );
    let unknown = PUPILS.replace("p8;2024;G1;2;Grundschule;10102", "p8;2024;G1;2;Grundschule;99999");
    let e = error(&unknown);
    assert!(e.contains("schueler.csv, line 13, column wohngebiet: unknown area \"99999\""), "{e}");
    let grade = PUPILS.replace("p7;2024;G1;1;", "p7;2024;G1;14;");
    let e = error(&grade);
    assert!(e.contains("schueler.csv, line 12, column klasse: 1 records empty or out of the range 1–13"), "{e}");

    let tmp = tempfile::tempdir().unwrap();
    let spec = fixture_spec(tmp.path(), PUPILS, 3, TABLES);
    write(tmp.path(), "schueler.parquet", "pseudonym;schuljahr\np1;2024\n");
    let text =
        std::fs::read_to_string(&spec).unwrap().replace("datei = \"schueler.csv\"", "datei = \"schueler.parquet\"");
    std::fs::write(&spec, text).unwrap();
    let out = tmp.path().join("release");
    let e = statistikstelle::aggregate(&spec, &out, limits(), &Place::Local).unwrap_err().to_string();
    assert!(e.contains("schueler.parquet: not a Parquet file"), "{e}");
    assert!(!out.exists());
}

#[test]
fn statistikstelle_refuses_a_bad_specification() {
    let fail = |tables: &str| Spec::parse(&format!("{}{tables}", SPEC_HEAD), "spec.toml").unwrap_err().to_string();
    let e = fail(
        "[[tabelle]]\nname = \"a\"\nquelle = \"schueler\"\nmerkmal = \"x\"\nlabel = \"X\"\ndimensionen = [\"schulform\", \"farbe\"]\n",
    );
    assert_eq!(e, "spec.toml: table \"a\": source \"schueler\" has no column \"farbe\"");
    let e = fail(
        "[[tabelle]]\nname = \"a\"\nquelle = \"schueler\"\nmerkmal = \"x\"\nlabel = \"X\"\nfilter = [{ spalte = \"klasse\", gleich = \"vier\" }]\n",
    );
    assert!(e.contains("filter on klasse: Text(\"vier\") is not of the column's type"), "{e}");
    let e = fail("[[tabelle]]\nname = \"a\"\nquelle = \"uebergaenge\"\nmerkmal = \"x\"\nlabel = \"X\"\n");
    assert!(e.contains("no source \"uebergaenge\""), "{e}");
}

const SPEC_HEAD: &str = "[lauf]\nkommune = \"k\"\nkommune_name = \"K\"\ntitel = \"T\"\nquelle = \"Q\"\n\
                         schuljahr = 2024\ngebiete = \"g.csv\"\nebene = \"stadtteil\"\n\n\
                         [quellen.schueler]\ndatei = \"s.parquet\"\n\n";

/// Generated records (Köln calibration, 2 % of its children, three school years): the aggregated
/// transitions equal the generator's truth exactly; the protected release imports into a store
/// holding the Köln layers.
#[test]
fn statistikstelle_flows_equal_the_generated_truth_and_the_release_imports() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("daten");
    let (cal, areas) = calibration::read_koeln(&koeln()).unwrap();
    let settings = Settings { seed: 7, first_year: 2022, years: 3, scale: 0.02 };
    let written = microdata::write(&cal, &areas, &settings, &data).unwrap();
    assert!(written.pupils > 5_000 && written.kita > 0 && written.exams > 0 && written.register > 0, "{written:?}");
    // The same seed gives the same truth.
    struct Nothing;
    impl generator::Sink for Nothing {
        fn pupil(&mut self, _: &generator::Pupil<'_>) -> Result<(), statistikstelle::Error> {
            Ok(())
        }
        fn kita(&mut self, _: &generator::KitaChild<'_>) -> Result<(), statistikstelle::Error> {
            Ok(())
        }
        fn exam(&mut self, _: &generator::Exam<'_>) -> Result<(), statistikstelle::Error> {
            Ok(())
        }
        fn person(&mut self, _: &generator::Person<'_>) -> Result<(), statistikstelle::Error> {
            Ok(())
        }
    }
    let truth = generator::generate(&cal, &settings, &mut Nothing).unwrap();
    let truth_2024: BTreeMap<(String, String, String), u64> = truth
        .into_iter()
        .filter(|((year, ..), _)| *year == 2024)
        .map(|((_, area, school, form), n)| ((area, school, form), n))
        .collect();
    assert!(truth_2024.values().sum::<u64>() > 50);

    let spec_text = format!(
        r#"[lauf]
kommune = "koeln"
kommune_name = "Köln"
ags = "05315000"
titel = "Synthetische Übergänge 2024/25"
quelle = "Statistikstelle (synthetisch)"
publikum = "internal"
schuljahr = 2024
gebiete = "daten/gebiete.csv"
ebene = "{layer}"

[quellen.schueler]
datei = "daten/schueler.parquet"

[quellen.kita]
datei = "daten/kita.parquet"

[uebergang]
quelle = "schueler"
von_klasse = 4
nach_klasse = 5

[[tabelle]]
name = "uebergang"
quelle = "uebergaenge"
merkmal = "uebergaenge_5"
label = "Übergänge in Klasse 5"
dimensionen = [{dims}]

[[tabelle]]
name = "kita"
quelle = "kita"
merkmal = "kitakinder"
label = "Kinder in Kitas"
dimensionen = ["alter"]
"#,
        layer = "{layer}",
        dims = "{dims}"
    );
    // Raw flows on the finest layer against the truth.
    let spec = Spec::parse(
        &spec_text.replace("{layer}", "stadtviertel").replace("{dims}", "\"herkunft_schule\", \"ziel_schulform\""),
        "spec.toml",
    )
    .unwrap();
    let mut spec = spec;
    spec.run.gebiete = tmp.path().join(&spec.run.gebiete);
    for s in spec.sources.values_mut() {
        s.file = tmp.path().join(&s.file);
    }
    let areas = Areas::read(&spec.run.gebiete).unwrap();
    let aggregates = engine::aggregate_blocking(&spec, &areas, limits(), &Place::Local, None).unwrap();
    let flows: BTreeMap<(String, String, String), u64> = aggregates.tables[0]
        .rows
        .iter()
        .map(|(codes, n)| ((codes[0].clone(), codes[1].clone(), codes[2].clone()), *n))
        .collect();
    assert_eq!(flows, truth_2024);
    let linked =
        aggregates.linkage.as_ref().unwrap().iter().find(|(s, st, _)| s == "Klasse 4 2023" && st == "verknüpft");
    assert_eq!(linked.map(|l| l.2), Some(truth_2024.values().sum::<u64>()));

    // The protected release by Stadtbezirk imports.
    let spec_path = write(
        tmp.path(),
        "spec.toml",
        &spec_text.replace("{layer}", "stadtbezirk").replace("{dims}", "\"ziel_schulform\""),
    );
    let out = tmp.path().join("release");
    let outcome = statistikstelle::aggregate(&spec_path, &out, limits(), &Place::Local).unwrap().outcome;
    let store = Store::open_in_memory().unwrap();
    for m in ["stadt.toml", "stadtbezirk.toml"] {
        import_manifest(&store, &koeln().join(m), "t").unwrap();
    }
    let imported = import_manifest(&store, &outcome.manifest, "2026-11-26T00:00:00Z").unwrap();
    assert!(matches!(imported, Imported::New(_)), "{imported:?}");
}
