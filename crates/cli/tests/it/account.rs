//! `bimo konto` end to end through the binary: departments, accounts with passwords from standard
//! input, roles, the audit log; and manifests naming the department that owns their release.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use bimo::import_manifest;
use store::Store;

fn konto(data_dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bimo"))
        .arg("konto")
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn ok(output: &Output) -> String {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn fails(output: &Output) -> String {
    assert!(!output.status.success());
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[test]
fn departments_accounts_and_roles_from_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    ok(&konto(dir, &["amt", "--key", "soziales", "--name", "Amt für Soziales"], ""));
    ok(&konto(dir, &["amt", "--key", "traeger", "--name", "Träger e. V.", "--kind", "partner"], ""));
    let err = fails(&konto(dir, &["amt", "--key", "soziales", "--name", "Doppelt"], ""));
    assert!(err.contains("department soziales exists already"), "{err}");

    let err = fails(&konto(dir, &["anlegen", "--login", "anna", "--name", "Anna A."], "kurz\n"));
    assert!(err.contains("the password on standard input has 4 characters; it needs at least 10"), "{err}");
    ok(&konto(dir, &["anlegen", "--login", "anna", "--name", "Anna A."], "ein-langes-passwort\n"));

    let err = fails(&konto(dir, &["rolle", "--login", "anna", "--department", "soziales", "--role", "chef"], ""));
    assert!(err.contains("unknown value \"chef\": expected reader, editor or admin"), "{err}");
    let err = fails(&konto(dir, &["rolle", "--login", "anna", "--department", "bauamt", "--role", "admin"], ""));
    assert!(err.contains("unknown department bauamt"), "{err}");
    ok(&konto(dir, &["rolle", "--login", "anna", "--department", "soziales", "--role", "admin"], ""));

    let list = ok(&konto(dir, &["liste"], ""));
    assert!(list.contains("department traeger") && list.contains("partner"), "{list}");
    assert!(list.contains("anna") && list.contains("soziales:admin"), "{list}");

    let log = ok(&konto(dir, &["protokoll"], ""));
    assert!(log.contains("set membership") && log.contains("-> soziales:admin"), "{log}");
    assert!(log.contains("add account"), "{log}");

    let store = Store::open(&dir.join("bimo.sqlite")).unwrap();
    let anna = store.account("anna").unwrap().unwrap();
    assert!(anna.password_hash.starts_with("$argon2id$"), "{}", anna.password_hash);
}

#[test]
fn a_manifest_names_the_owner_of_its_release() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open_in_memory().unwrap();
    let manifest = crate::boundary_version(tmp.path(), "quartiere", &["1"], "");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let owned = |owner: &str| {
        text.replace(
            "attribution = \"Test\"\n",
            &format!("attribution = \"Test\"\naudience = \"internal\"\nowner = \"{owner}\"\n"),
        )
    };
    std::fs::write(&manifest, owned("soziales")).unwrap();
    let err = import_manifest(&store, &manifest, "t").unwrap_err().to_string();
    assert!(err.contains("unknown department soziales"), "{err}");
    assert_eq!(store.data_version().unwrap(), 0, "nothing stored");
    let department = store::StoredDepartment {
        key: "soziales".parse().unwrap(),
        name: "Amt für Soziales".into(),
        kind: domain::access::DepartmentKind::Verwaltung,
    };
    store.add_department(&department, "system", "t").unwrap();
    import_manifest(&store, &manifest, "t").unwrap();
    let (releases, _) = store.release_access().unwrap();
    assert_eq!(releases[0].owner.as_ref().map(|o| o.as_str()), Some("soziales"));
    std::fs::write(&manifest, owned("kein/amt")).unwrap();
    let err = import_manifest(&store, &manifest, "t").unwrap_err().to_string();
    assert!(
        err.ends_with("quartiere.toml:9:9: invalid key \"kein/amt\": contains a slash or a control character"),
        "{err}"
    );
}
