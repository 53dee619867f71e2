//! `bimo report bericht` on the shipped Köln skeletons of a Lernreport and a Lebenslagenbericht:
//! every placeholder and figure binds to the demo data, and a second edition compares itself with
//! the first one's Stand.

use std::path::Path;

use bimo::report::{BerichtArgs, Command};
use store::Store;

fn args(definition: &str, data_dir: &Path, output: &Path) -> BerichtArgs {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    BerichtArgs {
        definition: root.join("data/berichte").join(definition).join("bericht.toml"),
        data_dir: data_dir.to_path_buf(),
        output: output.to_path_buf(),
        catalogue: root.join("data/indikatoren/katalog.toml"),
        bis_release: None,
        vorheriger_stand: None,
        typst_quelle: false,
    }
}

#[test]
fn the_shipped_reports_build_from_the_demo_and_compare_with_their_last_edition() {
    let dir = tempfile::tempdir().unwrap();
    crate::import_demo(&Store::open(&dir.path().join("bimo.sqlite")).unwrap());
    let out = dir.path().join("berichte");
    for name in ["lernreport-koeln", "lebenslagenbericht-koeln"] {
        let outcome = bimo::report::run(&Command::Bericht(args(name, dir.path(), &out))).unwrap();
        assert!(outcome.pages >= 8, "{name}: {} pages", outcome.pages);
        let html = std::fs::read_to_string(out.join(format!("{name}.html"))).unwrap();
        assert!(!html.contains("{{"), "{name}: an unbound placeholder");
        assert!(html.contains("Veränderungen gegenüber dem vorigen Zeitraum"));
        assert!(std::fs::read(out.join(format!("{name}.pdf"))).unwrap().starts_with(b"%PDF-"));
    }
    // The Lernreport again, against the Stand of the first edition: nothing has moved.
    let second = dir.path().join("zweite");
    let mut again = args("lernreport-koeln", dir.path(), &second);
    again.vorheriger_stand = Some(out.join("lernreport-koeln.stand.toml"));
    bimo::report::run(&Command::Bericht(again)).unwrap();
    let html = std::fs::read_to_string(second.join("lernreport-koeln.html")).unwrap();
    assert!(html.contains("Veränderungen seit dem letzten Bericht"));
    assert!(html.contains("In keinem Gebiet hat sich ein Wert verändert."), "{html}");
    assert_eq!(
        std::fs::read(second.join("lernreport-koeln.stand.toml")).unwrap(),
        std::fs::read(out.join("lernreport-koeln.stand.toml")).unwrap()
    );
}

#[test]
fn a_definition_with_an_error_names_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let definition = dir.path().join("bericht.toml");
    std::fs::write(&definition, "kind = \"Lernreport\"\ntitle = \"T\"\nkommune = \"koeln\"\nlayer = 7\n").unwrap();
    let mut a = args("lernreport-koeln", dir.path(), dir.path());
    a.definition = definition.clone();
    let err = bimo::report::run(&Command::Bericht(a)).unwrap_err();
    assert!(err.to_string().starts_with(&format!("{}:4:9: ", definition.display())), "{err}");
}
