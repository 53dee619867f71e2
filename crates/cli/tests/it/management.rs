//! `bimo angebote` and `bimo massnahmen` from files: a file lands whole or not at all, a file can
//! be read again, a withdrawn offer stays withdrawn.

use domain::access::DepartmentKind;
use store::{Actor, Store, StoredDepartment};

fn offer(key: &str, owner: &str) -> String {
    format!(
        "[[angebot]]\nkommune = \"musterstadt\"\namt = \"{owner}\"\nschluessel = \"{key}\"\ntitel = \"Angebot {key}\"\nlebensphase = \"kita\"\nzielgruppe = \"Kinder\"\ntraeger = \"Träger\"\ngebiete = [\"1\"]\nvon = \"2026-01-01\"\n\n"
    )
}

fn setup() -> (tempfile::TempDir, Store) {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open_in_memory().unwrap();
    let manifest = crate::boundary_version(tmp.path(), "quartiere", &["1", "2"], "");
    bimo::import_manifest(&store, &manifest, "t").unwrap();
    for key in ["traeger", "soziales"] {
        let d = StoredDepartment { key: key.parse().unwrap(), name: key.into(), kind: DepartmentKind::Verwaltung };
        store.add_department(&d, "system", "t").unwrap();
    }
    (tmp, store)
}

#[test]
fn a_bad_offer_file_stores_nothing_and_a_good_one_can_be_read_again() {
    let (tmp, store) = setup();
    let kommune = "musterstadt".parse().unwrap();
    let file = tmp.path().join("angebote.toml");
    for (text, message) in [
        (format!("{}{}", offer("a", "traeger"), offer("a", "traeger")), "offer a: the key is in the file twice"),
        (
            format!("{}{}", offer("a", "traeger"), offer("b", "bauamt")),
            "offer b: unknown department bauamt (add it with `bimo konto amt`)",
        ),
    ] {
        std::fs::write(&file, text).unwrap();
        let err = bimo::management::offers(&store, &file, "t").unwrap_err().to_string();
        assert!(err.ends_with(message), "{err}");
        assert!(store.all_angebote(&kommune).unwrap().is_empty(), "nothing of the file stored");
    }
    std::fs::write(&file, format!("{}{}", offer("a", "traeger"), offer("b", "traeger"))).unwrap();
    let done = bimo::management::offers(&store, &file, "t").unwrap();
    assert_eq!((done.saved, done.unchanged), (2, 0));
    let again = bimo::management::offers(&store, &file, "t").unwrap();
    assert_eq!((again.saved, again.unchanged), (0, 2));
    // Another department may not take an offer over through a file.
    std::fs::write(&file, offer("a", "soziales")).unwrap();
    let err = bimo::management::offers(&store, &file, "t").unwrap_err().to_string();
    assert!(err.ends_with("offer a: the offer is kept by traeger, not soziales"), "{err}");
    // A withdrawn offer stays withdrawn when its file is read again.
    store.withdraw_angebot(Actor::System, &kommune, "a", "t").unwrap();
    std::fs::write(&file, format!("{}{}", offer("a", "traeger"), offer("b", "traeger"))).unwrap();
    let done = bimo::management::offers(&store, &file, "t").unwrap();
    assert_eq!((done.saved, done.unchanged, done.withdrawn), (0, 1, 1));
    assert_eq!(store.all_angebote(&kommune).unwrap().len(), 1);
}

#[test]
fn measures_must_name_areas_of_their_layer() {
    let (tmp, store) = setup();
    let file = tmp.path().join("massnahmen.toml");
    let measure = |area: &str| {
        format!(
            "[[massnahme]]\nkommune = \"musterstadt\"\nebene = \"quartier\"\nschluessel = \"m-1\"\ntitel = \"M\"\nhandlungsfeld = \"bildung\"\nfederfuehrung = \"soziales\"\nstatus = \"geplant\"\nprioritaet = \"2\"\nbeginn = \"2026-08-01\"\ngebiete = [\"{area}\"]\n"
        )
    };
    std::fs::write(&file, measure("9")).unwrap();
    let err = bimo::management::measures(&store, &file, &[], "t").unwrap_err().to_string();
    assert!(err.ends_with("measure m-1: no area 9 on the layer quartier"), "{err}");
    std::fs::write(&file, measure("2")).unwrap();
    let done = bimo::management::measures(&store, &file, &[], "t").unwrap();
    assert_eq!(done.saved, 1);
}
