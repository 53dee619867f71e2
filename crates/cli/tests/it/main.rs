//! End-to-end imports of the real demo files into a fresh store, and failures that must leave the
//! store exactly as it was.

mod account;
mod attention;
mod disclosure;
mod management;
mod planning;
mod planning_data;
mod reports;
mod school_index;
mod statistikstelle;
mod synthetic;

use std::path::{Path, PathBuf};

use bimo::{ImportFailure, Imported, demo_manifests, import_manifest};
use domain::{Audience, Breakdown, Period};
use store::Store;

fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/demo")
}

pub(crate) fn import_demo(store: &Store) {
    for m in demo_manifests(&demo_dir()).unwrap() {
        match import_manifest(store, &m, "2026-11-26T00:00:00Z") {
            Ok(Imported::New(_)) => {}
            other => panic!("{}: {other:?}", m.display()),
        }
    }
}

#[test]
fn the_demo_imports_with_exact_counts() {
    let store = Store::open_in_memory().unwrap();
    import_demo(&store);
    let snap = store.snapshot(Audience::Public).unwrap();
    let koeln = snap.kommune("koeln").unwrap();
    let count = |layer: &str| koeln.layer(layer, None).unwrap().areas.len();
    assert_eq!((count("stadt"), count("stadtbezirk"), count("stadtteil"), count("stadtviertel")), (1, 9, 86, 371));
    // Every Stadtteil found its Stadtbezirk and every Stadtviertel its Stadtteil.
    for layer in ["stadtteil", "stadtviertel"] {
        assert!(koeln.layer(layer, None).unwrap().areas.iter().all(|a| a.parent.is_some()), "{layer}");
    }
    let total_2012 = koeln
        .observations
        .iter()
        .find(|o| {
            o.layer.as_str() == "stadt"
                && o.observation.variable.as_str() == "einwohner"
                && o.observation.period == Period::Year(2012)
                && o.observation.breakdown == Breakdown::TOTAL
        })
        .unwrap();
    assert_eq!(total_2012.observation.value.number(), Some(1_044_555.0));
    assert_eq!(koeln.institutions.len(), 305);
    let hamburg = snap.kommune("hamburg").unwrap();
    assert_eq!(hamburg.layer("stadtteil", None).unwrap().areas.len(), 99);
    let with_data: std::collections::HashSet<&str> = hamburg
        .observations
        .iter()
        .filter(|o| o.layer.as_str() == "stadtteil")
        .map(|o| o.observation.area.as_str())
        .collect();
    assert_eq!(with_data.len(), 99);
    assert!(
        hamburg
            .layer("stadtteil", None)
            .unwrap()
            .areas
            .iter()
            .all(|a| a.parent.as_ref().map(|p| p.as_str()) == Some("Hamburg"))
    );
    let city = hamburg
        .observations
        .iter()
        .find(|o| o.layer.as_str() == "stadt" && o.observation.variable.as_str() == "bevoelkerung")
        .unwrap();
    assert_eq!(city.observation.value.number(), Some(1_788_994.0));
}

#[test]
fn importing_the_same_file_twice_is_a_no_op() {
    let store = Store::open_in_memory().unwrap();
    let dir = demo_dir().join("koeln");
    let first = import_manifest(&store, &dir.join("stadt.toml"), "t").unwrap();
    let again = import_manifest(&store, &dir.join("stadt.toml"), "t").unwrap();
    let Imported::New(id) = first else { panic!("{first:?}") };
    assert_eq!(again, Imported::AlreadyThere(id));
    assert_eq!(store.data_version().unwrap(), id.0);
}

/// Writes `csv` as `werte.csv` into `dir` with a long-format manifest for one variable of one
/// layer, and imports it.
fn import_csv(
    store: &Store,
    dir: &Path,
    (kommune, name, layer): (&str, &str, &str),
    (variable, label): (&str, &str),
    csv: &str,
) -> Result<Imported, ImportFailure> {
    std::fs::write(dir.join("werte.csv"), csv).unwrap();
    let manifest = format!(
        r#"[release]
kommune = "{kommune}"
kommune_name = "{name}"
title = "Testwerte"
source = "Test"
licence = "CC0"
attribution = "Test"

[statistics]
format = "long"
file = "werte.csv"
layers = ["{layer}"]

[statistics.long]
area = "gebiet"
period = "jahr"
value = "wert"
variable = "merkmal"

[[statistics.variable]]
key = "{variable}"
label = "{label}"
unit = "count"
"#
    );
    std::fs::write(dir.join("werte.toml"), manifest).unwrap();
    import_manifest(store, &dir.join("werte.toml"), "2026-11-26T00:00:00Z")
}

/// Imports `csv` as the variable `kinder` of the Köln Stadtbezirke.
fn import_long(store: &Store, dir: &Path, csv: &str) -> Result<Imported, ImportFailure> {
    import_csv(store, dir, ("koeln", "Köln", "stadtbezirk"), ("kinder", "Kinder"), csv)
}

#[test]
fn a_changed_manifest_is_a_new_release_and_a_missing_layer_is_named() {
    let store = Store::open_in_memory().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let err =
        import_long(&store, tmp.path(), "gebiet;jahr;merkmal;wert\n001;2012;kinder;10\n").unwrap_err().to_string();
    assert!(err.ends_with("layer stadtbezirk of Kommune koeln is not in the store; import the layer first"), "{err}");
    let koeln = demo_dir().join("koeln");
    for m in ["stadt.toml", "stadtbezirk.toml"] {
        import_manifest(&store, &koeln.join(m), "t").unwrap();
    }
    let csv = "gebiet;jahr;merkmal;wert\n001;2012;kinder;10\n";
    let Imported::New(first) = import_long(&store, tmp.path(), csv).unwrap() else { panic!() };
    assert_eq!(import_long(&store, tmp.path(), csv).unwrap(), Imported::AlreadyThere(first));
    // The same data with a corrected licence in the manifest is a new release.
    let manifest = tmp.path().join("werte.toml");
    let text = std::fs::read_to_string(&manifest).unwrap().replace("licence = \"CC0\"", "licence = \"CC BY 4.0\"");
    std::fs::write(&manifest, text).unwrap();
    let Imported::New(second) = import_manifest(&store, &manifest, "t").unwrap() else { panic!() };
    assert!(second > first);
}

#[test]
fn bad_rows_are_reported_with_position_and_leave_the_store_unchanged() {
    let store = Store::open_in_memory().unwrap();
    let koeln = demo_dir().join("koeln");
    for m in ["stadt.toml", "stadtbezirk.toml"] {
        import_manifest(&store, &koeln.join(m), "t").unwrap();
    }
    let before = store.data_version().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let cases = [
        ("gebiet;jahr;merkmal;wert\n001;2012;kinder;10\n042;2012;kinder;5\n", "werte.csv:3", "042"),
        ("gebiet;jahr;merkmal;wert\n001;2012;kinder;-3\n", "werte.csv:2", "negative"),
        ("gebiet;jahr;merkmal;wert\n001;2012;kinder;1\n001;2012;kinder;2\n", "werte.csv:3", "duplicate"),
        ("gebiet;jahr;merkmal;wert\n001;2012;kinder\n", "werte.csv:2", ""),
        ("", "werte.csv", "empty"),
    ];
    for (csv, position, word) in cases {
        let err = import_long(&store, tmp.path(), csv).unwrap_err().to_string();
        assert!(err.contains(position) && err.contains(word), "{csv:?}: {err}");
        assert_eq!(store.data_version().unwrap(), before, "{csv:?}");
    }
    // The good file lands, then a corrected file becomes a new release and wins.
    let Imported::New(first) =
        import_long(&store, tmp.path(), "gebiet;jahr;merkmal;wert\n001;2012;kinder;10\n").unwrap()
    else {
        panic!()
    };
    let Imported::New(second) =
        import_long(&store, tmp.path(), "gebiet;jahr;merkmal;wert\n001;2012;kinder;12\n").unwrap()
    else {
        panic!()
    };
    assert!(second > first);
    let snap = store.snapshot(Audience::Public).unwrap();
    let k = snap.kommune("koeln").unwrap();
    let v: Vec<f64> = k
        .observations
        .iter()
        .filter(|o| o.observation.variable.as_str() == "kinder")
        .filter_map(|o| o.observation.value.number())
        .collect();
    assert_eq!(v, [12.0]);
    let old = store.release_observations(Audience::Public, first).unwrap().unwrap();
    assert_eq!(old[0].observation.value.number(), Some(10.0));
}

/// Writes a GeoJSON layer of unit squares keyed `keys` and a manifest for it with the given validity.
fn boundary_version(dir: &Path, name: &str, keys: &[&str], validity: &str) -> PathBuf {
    let features: Vec<String> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let x = 7.0 + 0.01 * i as f64;
            format!(
                r#"{{"type":"Feature","properties":{{"key":"{k}","name":"Gebiet {k}"}},"geometry":{{"type":"Polygon","coordinates":[[[{x},51.0],[{x2},51.0],[{x2},51.01],[{x},51.01],[{x},51.0]]]}}}}"#,
                x2 = x + 0.01
            )
        })
        .collect();
    std::fs::write(
        dir.join(format!("{name}.geojson")),
        format!(r#"{{"type":"FeatureCollection","features":[{}]}}"#, features.join(",")),
    )
    .unwrap();
    let manifest = dir.join(format!("{name}.toml"));
    std::fs::write(
        &manifest,
        format!(
            r#"[release]
kommune = "musterstadt"
kommune_name = "Musterstadt"
title = "{name}"
source = "Test"
licence = "CC0"
attribution = "Test"

[layer]
key = "quartier"
name = "Quartiere"
file = "{name}.geojson"
key_field = "key"
name_field = "name"
{validity}
"#
        ),
    )
    .unwrap();
    manifest
}

#[test]
fn statistics_keep_their_keys_across_a_boundary_reform() {
    let store = Store::open_in_memory().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for m in [
        boundary_version(dir, "vor-2010", &["103"], "valid_to = 2009"),
        boundary_version(dir, "ab-2010", &["104", "105"], "valid_from = 2010"),
    ] {
        import_manifest(&store, &m, "t").unwrap();
    }
    let statistics = |csv: &str| {
        import_csv(&store, dir, ("musterstadt", "Musterstadt", "quartier"), ("einwohner", "Einwohner"), csv)
    };
    let err = statistics("gebiet;jahr;merkmal;wert\n103;2011;einwohner;5\n").unwrap_err().to_string();
    assert!(
        err.ends_with("werte.csv:2:gebiet: unknown area key \"103\": not in layer quartier as valid in 2011"),
        "{err}"
    );
    statistics("gebiet;jahr;merkmal;wert\n103;2009;einwohner;900\n104;2011;einwohner;400\n105;2011;einwohner;550\n")
        .unwrap();
    let snap = store.snapshot(Audience::Public).unwrap();
    let k = snap.kommune("musterstadt").unwrap();
    let keys =
        |year| k.layer("quartier", Some(year)).unwrap().areas.iter().map(|a| a.key.to_string()).collect::<Vec<_>>();
    assert_eq!(keys(2009), ["103"]);
    assert_eq!(keys(2011), ["104", "105"]);
    assert_eq!(k.observations.len(), 3);
}

/// `bimo indicators` on the demo: every computable catalogue indicator for every area, layer and
/// period, with values checked by hand against the source CSV.
#[test]
fn indicators_of_the_demo_match_hand_computed_values() {
    let dir = tempfile::tempdir().unwrap();
    import_demo(&Store::open(&dir.path().join("bimo.sqlite")).unwrap());
    let catalogue = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/indikatoren/katalog.toml");
    let output = dir.path().join("indikatoren.csv");
    let report = bimo::indicators::run(dir.path(), &catalogue, Some(&output), None).unwrap();
    let records = &report.computation.records;
    let find = |indikator: &str, ebene: &str, gebiet: &str, zeitraum: &str| {
        records
            .iter()
            .find(|r| r.indikator == indikator && r.ebene == ebene && r.gebiet == gebiet && r.zeitraum == zeitraum)
            .unwrap_or_else(|| panic!("{indikator} {ebene} {gebiet} {zeitraum}"))
    };
    // From data/demo/koeln/bevoelkerung.csv, Stadt Köln (raum_id 000) 2012:
    // python3 -c "import csv;r=[x for x in csv.DictReader(open('data/demo/koeln/bevoelkerung.csv')) if x['jahr']=='2012' and x['raum_id']=='000'];v=lambda t,z:sum(float(x['zahl']) for x in r if x['tab_id']==t and x['zeile'] in z);a=['00 - < 03','03 - < 06','06 - < 10','10 - < 15','15 - < 18'];b=['18 - < 25','25 - < 35','35 - < 45','45 - < 55','55 - < 60','60 - < 65'];print(v('020',a),v('020',b),repr(100*v('020',a)/v('020',b)),v('030',['Ausländer']),v('005',['Einwohner']),repr(100*v('030',['Ausländer'])/v('005',['Einwohner'])))"
    // 161981.0 697506.0 23.222882670543335 180415.0 1044555.0 17.271948341638307
    let jugend = find("jugendquote", "stadt", "000", "2012");
    assert_eq!((jugend.zaehler, jugend.nenner), (Some(161_981.0), Some(697_506.0)));
    assert_eq!(jugend.wert, Some(23.222882670543335));
    assert_eq!((jugend.untere_grenze, jugend.obere_grenze), (None, None), "a ratio has no interval");
    let auslaender = find("auslaenderanteil", "stadt", "000", "2012");
    assert_eq!((auslaender.zaehler, auslaender.nenner), (Some(180_415.0), Some(1_044_555.0)));
    assert_eq!(auslaender.wert, Some(17.271948341638307));
    let (lower, upper) = (auslaender.untere_grenze.unwrap(), auslaender.obere_grenze.unwrap());
    assert!(lower < 17.271948341638307 && 17.271948341638307 < upper && upper - lower < 0.2, "{lower} {upper}");
    // Institution counts have no period. The school list has 151 Grundschulen in Köln (python3 -c
    // "import csv;print(sum(x['Amtlicher Gemeindeschlüssel']=='5315000' and x['Schulform']=='Grundschule'
    // for x in csv.DictReader(open('data/demo/nrw-schulen/AS_BS_…_Startchancen.csv'))))"); all have
    // coordinates, but two of them do not lie inside the city's polygon.
    let schools = find("grundschulen", "stadt", "000", "");
    assert_eq!(schools.wert, Some(149.0));
    // Population indicators on the four layers with data, a row per area and year of 2005–2024 (real
    // 2005–2012, synthetic single ages 2013–2024), with the reason where there is no value: the
    // synthetic single ages are broken down by sex too, which the age bands of the Jugendquote do
    // not sum over, so only 2005–2012 have values.
    let jugendquote: Vec<_> = records.iter().filter(|r| r.indikator == "jugendquote").collect();
    assert_eq!(jugendquote.len(), (1 + 9 + 86 + 371) * 20);
    let reported: Vec<&str> = {
        let mut years: Vec<&str> =
            jugendquote.iter().filter(|r| r.wert.is_some()).map(|r| r.zeitraum.as_str()).collect();
        years.sort_unstable();
        years.dedup();
        years
    };
    assert_eq!(reported, ["2005", "2006", "2007", "2008", "2009", "2010", "2011", "2012"]);
    // Hamburg's files use other variable keys, so only Köln has values.
    assert!(records.iter().all(|r| r.kommune == "koeln"));
    let text = std::fs::read_to_string(&output).unwrap();
    assert_eq!(text.lines().count(), records.len() + 1);
    assert!(
        text.starts_with(
            "kommune;indikator;ebene;gebiet;zeitraum;wert;untere_grenze;obere_grenze;zaehler;nenner;grund\n"
        )
    );
    assert!(text.contains("\nkoeln;jugendquote;stadt;000;2012;23.222882670543335;;;161981;697506;\n"));
}

#[test]
fn crosswalks_from_geometries_and_from_counts() {
    use bimo::crosswalk::{CountsChoice, LayerChoice, run};
    let store = Store::open_in_memory().unwrap();
    for m in ["stadt.toml", "stadtbezirk.toml", "stadtteil.toml", "stadtviertel.toml", "bevoelkerung.toml"] {
        import_manifest(&store, &demo_dir().join("koeln").join(m), "t").unwrap();
    }
    let tmp = tempfile::tempdir().unwrap();
    let layer = |s: &str| s.parse::<LayerChoice>().unwrap();
    let out = tmp.path().join("cw.csv");
    let summary = run(&store, "koeln", &layer("stadtviertel"), &layer("stadtteil"), None, &out).unwrap();
    assert!(summary.unmatched.is_empty(), "{:?}", summary.unmatched);
    let text = std::fs::read_to_string(&out).unwrap();
    let rows: Vec<(&str, &str, f64)> = text
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(';').collect();
            (f[0], f[1], f[2].parse().unwrap())
        })
        .collect();
    // Every Stadtviertel puts its largest share into the Stadtteil its key names (10101 → 101) …
    for viertel in rows.iter().map(|r| r.0).collect::<std::collections::BTreeSet<_>>() {
        let best = rows.iter().filter(|r| r.0 == viertel).max_by(|a, b| a.2.total_cmp(&b.2)).unwrap();
        assert_eq!(best.1, &viertel[..3], "{viertel}");
    }
    // … and GE Bayenthal (20104) reaches 2.57 % into Marienburg (203); shapely on the shapefile's own
    // projection: GE_Bayenthal.intersection(Marienburg).area / GE_Bayenthal.area = 0.025659.
    let share = rows.iter().find(|r| r.0 == "20104" && r.1 == "203").unwrap().2;
    assert!((share - 0.025659).abs() < 1e-5, "{share}");

    // The table imports back as a crosswalk release; a key the layer lacks is refused.
    let manifest = |file: &str| {
        format!(
            "[release]\nkommune = \"koeln\"\nkommune_name = \"Köln\"\ntitle = \"Umschlüsselung {file}\"\nsource = \"Test\"\nlicence = \"CC0\"\nattribution = \"Test\"\n\n[crosswalk]\nfile = \"{file}\"\nfrom_layer = \"stadtviertel\"\nto_layer = \"stadtteil\"\n"
        )
    };
    std::fs::write(tmp.path().join("cw.toml"), manifest("cw.csv")).unwrap();
    assert!(matches!(import_manifest(&store, &tmp.path().join("cw.toml"), "t").unwrap(), Imported::New(_)));
    let snap = store.snapshot(Audience::Public).unwrap();
    assert_eq!(snap.kommune("koeln").unwrap().crosswalks.len(), 1);
    std::fs::write(tmp.path().join("bad.csv"), "von;nach;anteil\n99999;101;1\n").unwrap();
    std::fs::write(tmp.path().join("bad.toml"), manifest("bad.csv")).unwrap();
    let before = store.data_version().unwrap();
    let err = import_manifest(&store, &tmp.path().join("bad.toml"), "t").unwrap_err().to_string();
    assert!(err.ends_with("bad.csv: unknown area key \"99999\": not in layer stadtviertel"), "{err}");
    assert_eq!(store.data_version().unwrap(), before);

    let counts: CountsChoice = "stadtteil:einwohner:2012".parse().unwrap();
    let summary = run(&store, "koeln", &layer("stadtteil"), &layer("stadtbezirk"), Some(&counts), &out).unwrap();
    assert_eq!(summary.rows, 86, "each Stadtteil lies wholly in one Stadtbezirk");
    assert!(std::fs::read_to_string(&out).unwrap().lines().skip(1).all(|l| l.ends_with(";1")));
    let err = run(&store, "koeln", &layer("schulbezirk"), &layer("stadtbezirk"), None, &out).unwrap_err();
    assert_eq!(err.to_string(), "layer schulbezirk is not in the store");
}

#[test]
fn the_berlin_mss_2019_is_reproduced_for_every_planungsraum() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let config = import::read_index_config(&root.join("data/indizes/berlin-mss.toml")).unwrap();
    let input = root.join("data/demo/berlin/berlin-lor-monitoring-social-urban-development-2019-00-planning-areas.csv");
    let tmp = tempfile::tempdir().unwrap();
    let output = tmp.path().join("mss.csv");
    let outcome = bimo::index::run(&config, &input, &output, None).unwrap();
    assert_eq!(outcome.included, 436);
    // The published Gesamtindex counts of MSS 2019 (METHODS.md §1.4).
    let expected = [
        ("1+/-", 65),
        ("1-", 2),
        ("2+", 14),
        ("2+/-", 243),
        ("2-", 26),
        ("3+", 14),
        ("3+/-", 30),
        ("3-", 3),
        ("4+", 18),
        ("4+/-", 19),
        ("4-", 2),
    ];
    let counts: Vec<(&str, usize)> = outcome.counts.iter().map(|(c, n)| (c.as_str(), *n)).collect();
    assert_eq!(counts, expected);
    // Every Planungsraum gets its published status and dynamic class.
    let published: std::collections::HashMap<String, (String, String)> = csv::Reader::from_path(&input)
        .unwrap()
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_owned(), (r[3].trim_end_matches(".0").to_owned(), r[5].to_owned()))
        })
        .collect();
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_path(&output).unwrap();
    let header = reader.headers().unwrap().clone();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (key, status, dynamic, index) =
        (at("schluessel"), at("status_klasse"), at("dynamik_klasse"), at("status_index"));
    let mut checked = 0;
    for record in reader.records() {
        let r = record.unwrap();
        assert_eq!(published[&r[key]], (r[status].to_owned(), r[dynamic].to_owned()), "{}", &r[key]);
        checked += 1;
        // Unit-test vectors of §1.4: Stülerstraße I = −0.5243, Breite Straße −1.0052 (just below −1).
        let expect = match &r[key] {
            "01011101" => Some(-0.5243),
            "04041241" => Some(-1.0052),
            "05020523" => Some(3.3700),
            _ => None,
        };
        if let Some(e) = expect {
            assert!((r[index].parse::<f64>().unwrap() - e).abs() < 5e-5, "{}: {}", &r[key], &r[index]);
        }
    }
    assert_eq!(checked, 436);
}

#[test]
fn the_berlin_mss_2019_is_reproduced_on_the_store() {
    let store = Store::open_in_memory().unwrap();
    import_demo(&store);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let config_path = root.join("data/indizes/berlin-mss.toml");
    let def = bimo::index::definitions(std::slice::from_ref(&config_path)).unwrap().remove(0);
    let catalogue = import::read_catalogue(&root.join("data/indikatoren/katalog.toml")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let (output, robustness) = (tmp.path().join("mss.csv"), tmp.path().join("robust.csv"));
    let outcome = bimo::index::run_on_store(&store, catalogue, &def, None, &output, Some(&robustness)).unwrap();
    assert_eq!(outcome.period, Some(Period::Year(2018)));
    assert_eq!(outcome.included, 436);
    // 448 Planungsräume: 11 without data in the published table, Bitterfelder Straße excluded.
    assert_eq!(outcome.excluded.len(), 12);
    assert!(
        outcome
            .excluded
            .contains(&("10010203".to_owned(), "Ausreißer: Gewerbegebiet Bitterfelder Straße (MSS 2019)".to_owned()))
    );
    let counts: Vec<(&str, usize)> = outcome.counts.iter().map(|(c, n)| (c.as_str(), *n)).collect();
    assert_eq!(counts[..3], [("1+/-", 65), ("1-", 2), ("2+", 14)]);
    let input = root.join("data/demo/berlin/berlin-lor-monitoring-social-urban-development-2019-00-planning-areas.csv");
    let published: std::collections::HashMap<String, String> = csv::Reader::from_path(&input)
        .unwrap()
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_owned(), r[7].to_owned())
        })
        .collect();
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_path(&output).unwrap();
    let mut checked = 0;
    for record in reader.records() {
        let r = record.unwrap();
        if let Some(code) = published.get(&r[0]) {
            assert_eq!(&r[r.len() - 1], code, "{}", &r[0]);
            checked += 1;
        }
    }
    assert_eq!(checked, 436);
    // The robustness table: one row per index and included area, the same for the same seed.
    let first = std::fs::read_to_string(&robustness).unwrap();
    assert_eq!(first.lines().count(), 1 + 2 * 436);
    let again = tmp.path().join("again.csv");
    let def = bimo::index::definitions(std::slice::from_ref(&config_path)).unwrap().remove(0);
    bimo::index::run_on_store(
        &store,
        Vec::new(),
        &def,
        Some(Period::Year(2018)),
        &tmp.path().join("o.csv"),
        Some(&again),
    )
    .unwrap();
    assert_eq!(std::fs::read_to_string(&again).unwrap(), first);
    let err = bimo::index::run_on_store(&store, Vec::new(), &def, Some(Period::Year(2016)), &output, None).unwrap_err();
    assert_eq!(err.to_string(), "Monitoring Soziale Stadtentwicklung: no edition 2016; editions with data: 2018");
}

#[test]
fn bad_index_input_is_named_by_file_line_and_column() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let config = import::read_index_config(&root.join("data/indizes/berlin-mss.toml")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let header = "id,name,inhabitants,s1_percentage_unemployed,s3_percentage_transfer_payments_recipients,\
                  s4_percentage_transfer_payments_recipients_below_15_years,d1_percentage_unemployed,\
                  d3_percentage_transfer_payments_recipients,d4_percentage_transfer_payments_recipients_below_15_years";
    let run = |rows: &str| {
        let input = tmp.path().join("in.csv");
        std::fs::write(&input, format!("{header}\n{rows}")).unwrap();
        bimo::index::run(&config, &input, &tmp.path().join("out.csv"), None).unwrap_err().to_string()
    };
    let ok = "1,A,500,1,2,3,0,0,1\n2,B,500,2,3,4,1,0,0\n3,C,500,4,6,9,0,2,0\n";
    let e = run(&format!("{ok}4,D,500,1,,3,0,0,0\n"));
    assert!(
        e.ends_with(
            "in.csv:5:s3_percentage_transfer_payments_recipients: area 4: no value for \
                         s3_percentage_transfer_payments_recipients (give it, or exclude the area with a reason)"
        ),
        "{e}"
    );
    let e = run(&format!("{ok}2,B,500,2,3,4,1,0,0\n"));
    assert!(e.ends_with("in.csv:5:id: area 2 appears twice"), "{e}");
    let e = run(&format!("{ok}4,D,500,1,zwei,3,0,0,0\n"));
    assert!(e.ends_with("in.csv:5:s3_percentage_transfer_payments_recipients: not a number: \"zwei\""), "{e}");
    let e = run("1,A,500,1,2,3,0,0,1\n2,B,500,1,3,4,1,0,0\n");
    assert!(e.contains("index status: s1_percentage_unemployed has the same value in every included area"), "{e}");
}
