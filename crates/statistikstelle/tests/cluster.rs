//! The same table specification on a Ballista cluster – a scheduler and two executors, each its
//! own `statistikstelle` process on loopback – gives a release identical, byte for byte, to the
//! run in one process: with suppression, and with the cell key method and a sum table.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use statistikstelle::{calibration, generator, microdata};

const BINARY: &str = env!("CARGO_BIN_EXE_statistikstelle");

/// Child processes that are stopped when the test ends, however it ends.
struct Processes(Vec<Child>);

impl Drop for Processes {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A loopback port that is free, with the next one free too (an executor listens on both).
fn free_ports() -> u16 {
    loop {
        let first = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = first.local_addr().unwrap().port();
        if port < u16::MAX && TcpListener::bind(("127.0.0.1", port + 1)).is_ok() {
            return port;
        }
    }
}

fn wait_for(address: SocketAddr, processes: &mut Processes) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while TcpStream::connect(address).is_err() {
        for child in &mut processes.0 {
            assert!(child.try_wait().unwrap().is_none(), "a cluster process ended early");
        }
        assert!(Instant::now() < deadline, "nothing listens on {address}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn aggregate(spec: &Path, output: &Path, cluster: Option<&str>) {
    let mut command = Command::new(BINARY);
    command.args(["aggregieren", "--threads", "4", "--speicher-mib", "512", "--ausgabe"]).arg(output).arg(spec);
    if let Some(url) = cluster {
        command.args(["--cluster", url]);
    }
    let out = command.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            (path.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&path).unwrap())
        })
        .collect();
    files.sort();
    files
}

fn entries(dir: &Path) -> usize {
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        n += if path.is_dir() { 1 + entries(&path) } else { 1 };
    }
    n
}

#[test]
fn a_scheduler_and_two_executors_on_loopback_give_the_same_release() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("daten");
    let koeln = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/demo/koeln");
    let (cal, areas) = calibration::read_koeln(&koeln).unwrap();
    let settings = generator::Settings { seed: 11, first_year: 2022, years: 3, scale: 0.02 };
    microdata::write(&cal, &areas, &settings, &data).unwrap();
    let spec = tmp.path().join("spec.toml");
    std::fs::write(
        &spec,
        r#"[lauf]
kommune = "koeln"
kommune_name = "Köln"
titel = "Synthetische Schülerinnen und Schüler 2024/25"
quelle = "Statistikstelle (synthetisch)"
schuljahr = 2024
gebiete = "daten/gebiete.csv"
ebene = "stadtbezirk"

[quellen.schueler]
datei = "daten/schueler.parquet"

[quellen.kita]
datei = "daten/kita.parquet"

[uebergang]
quelle = "schueler"
von_klasse = 4
nach_klasse = 5

[schulbezirke]
quelle = "schueler"
datei = "daten/schulbezirke.csv"

[[tabelle]]
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
merkmal = "grundschulkinder"
label = "Grundschulkinder nach Schulbezirk"
dimensionen = ["schulbezirk"]

[[tabelle]]
name = "kita"
quelle = "kita"
merkmal = "kitakinder"
label = "Kinder in Kitas"
dimensionen = ["alter"]
"#,
    )
    .unwrap();

    // The same with the cell key method for the counts and a sum table protected by dominance.
    let spec_text = std::fs::read_to_string(&spec).unwrap();
    let perturbed = tmp.path().join("spec-zellschluessel.toml");
    std::fs::write(tmp.path().join("geheimnis.txt"), "ein-geheimnis-der-statistikstelle").unwrap();
    std::fs::write(
        &perturbed,
        format!(
            "{spec_text}\n[geheimhaltung]\ndominanz = {{ n = 1, k = 85 }}\n\n[geheimhaltung.zellschluessel]\n\
             geheimnis = \"geheimnis.txt\"\nd = 2\nv = 1.05\njs = 1\n\n[[tabelle]]\nname = \"stunden\"\n\
             quelle = \"kita\"\nmerkmal = \"betreuungsstunden\"\nlabel = \"Betreuungsstunden\"\n\
             wert = \"betreuungsstunden\"\nbeitragende = \"kita\"\neinheit = \"Stunden\"\n"
        ),
    )
    .unwrap();
    let runs = [(&spec, "lokal", "verteilt"), (&perturbed, "lokal-zs", "verteilt-zs")];
    for (spec, local, _) in runs {
        aggregate(spec, &tmp.path().join(local), None);
    }

    let scheduler = SocketAddr::from(([127, 0, 0, 1], free_ports()));
    let mut processes = Processes(Vec::new());
    let spawn = |args: &[String]| Command::new(BINARY).args(args).spawn().unwrap();
    processes.0.push(spawn(&["scheduler".into(), "--adresse".into(), scheduler.to_string()]));
    wait_for(scheduler, &mut processes);
    let mut work_dirs = Vec::new();
    for i in 0..2 {
        let address = SocketAddr::from(([127, 0, 0, 1], free_ports()));
        let work_dir = tmp.path().join(format!("executor-{i}"));
        std::fs::create_dir(&work_dir).unwrap();
        processes.0.push(spawn(&[
            "executor".into(),
            "--scheduler".into(),
            scheduler.to_string(),
            "--adresse".into(),
            address.to_string(),
            "--threads".into(),
            "2".into(),
            "--speicher-mib".into(),
            "512".into(),
            "--arbeitsordner".into(),
            work_dir.display().to_string(),
        ]));
        wait_for(address, &mut processes);
        wait_for(SocketAddr::from(([127, 0, 0, 1], address.port() + 1)), &mut processes);
        work_dirs.push(work_dir);
    }

    for (spec, local, distributed) in runs {
        aggregate(spec, &tmp.path().join(distributed), Some(&format!("df://{scheduler}")));
        assert_eq!(files(&tmp.path().join(local)), files(&tmp.path().join(distributed)));
    }
    let manifest = std::fs::read_to_string(tmp.path().join("verteilt-zs/release.toml")).unwrap();
    assert!(manifest.contains("Zellschlüsselverfahren") && manifest.contains("unit = \"Stunden\""), "{manifest}");
    for dir in &work_dirs {
        assert!(entries(dir) > 0, "executor {} ran no task", dir.display());
    }
}
