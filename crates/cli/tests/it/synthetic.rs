//! The synthetic planning data of the Köln demo (`bimo synthetisch`, docs/SYNTHETIC.md): the shipped
//! files are exactly what the generator makes from seed 2026, they are calibrated on the real data,
//! the population balances with the events, and they import.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use bimo::synthetic::{Args, FIRST_EVENT_YEAR, LAST_YEAR, OLDEST, run};
use bimo::{Imported, import_manifest};
use domain::{Audience, Breakdown, Period};
use store::Store;

fn koeln() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/demo/koeln")
}

fn shipped() -> PathBuf {
    koeln().join("synthetisch")
}

fn rows(file: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(shipped().join(file)).unwrap();
    text.lines().skip(1).map(|l| l.split(';').map(str::to_owned).collect()).collect()
}

#[test]
fn the_shipped_files_are_what_seed_2026_generates() {
    let dir = tempfile::tempdir().unwrap();
    let summary = run(&Args { seed: 2026, koeln: koeln(), output: dir.path().to_path_buf() }).unwrap();
    // The files `bimo synthetisch` writes; the folder `uebergaenge/` beside them is the
    // Statistikstelle's release, made from its own synthetic records (its SOURCES.md).
    let mut shipped_names: Vec<String> = std::fs::read_dir(shipped())
        .unwrap()
        .map(Result::unwrap)
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    shipped_names.sort();
    let generated: Vec<String> = summary.files.iter().map(|(name, _)| name.clone()).collect();
    assert_eq!(generated, shipped_names);
    for name in &generated {
        let (a, b) = (std::fs::read(dir.path().join(name)).unwrap(), std::fs::read(shipped().join(name)).unwrap());
        assert!(a == b, "{name} differs from the shipped file; regenerate with bimo synthetisch --seed 2026");
    }
    // Another seed gives other numbers from the same calibration.
    let other = tempfile::tempdir().unwrap();
    run(&Args { seed: 7, koeln: koeln(), output: other.path().to_path_buf() }).unwrap();
    let read = |d: &Path| std::fs::read(d.join("einwohner.csv")).unwrap();
    assert_ne!(read(other.path()), read(dir.path()));
}

#[test]
fn pupils_2024_25_match_the_real_school_sizes() {
    let import::ContentSpec::Institutions(spec) = import::read_manifest(&koeln().join("schulen.toml")).unwrap().content
    else {
        panic!("schulen.toml is not an institutions manifest")
    };
    let schools = import::read_institutions(&spec).unwrap();
    let mut totals: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for r in rows("schueler.csv") {
        if r[1] == "2024/25" {
            let t = totals.entry(r[0].clone()).or_default();
            let n: i64 = r[3].parse().unwrap();
            if r[2].is_empty() { t.0 += n } else { t.1 += n }
        }
    }
    // 143 Grundschulen, 12 Haupt-, 18 Realschulen, 18 Gesamtschulen, 35 Gymnasien (public).
    assert_eq!(totals.len(), 226);
    for (key, (total, by_grade)) in &totals {
        let school = schools.iter().find(|s| &s.key == key).unwrap();
        let anzahl: i64 = school.attributes.iter().find(|(k, _)| k == "Schülerzahl").unwrap().1.parse().unwrap();
        assert!((total - anzahl).abs() <= 5, "{key}: {total} pupils, Anzahl {anzahl}");
        assert_eq!(total, by_grade, "{key}");
    }
}

#[test]
fn the_2013_population_continues_the_real_2012_population() {
    let import::ContentSpec::Statistics(spec) =
        import::read_manifest(&koeln().join("bevoelkerung.toml")).unwrap().content
    else {
        panic!("bevoelkerung.toml is not a statistics manifest")
    };
    let real: HashMap<String, f64> = import::read_statistics(&spec)
        .unwrap()
        .observations
        .into_iter()
        .map(|o| o.value)
        .filter(|o| o.period == Period::Year(2012) && o.breakdown == Breakdown::TOTAL && o.area.as_str().len() == 3)
        .filter(|o| o.area.as_str() > "009")
        .map(|o| (o.area.as_str().to_owned(), o.value.number().unwrap()))
        .collect();
    assert_eq!(real.len(), 86);
    let synthetic: HashMap<String, f64> = rows("einwohner.csv")
        .into_iter()
        .filter(|r| r[1] == "2013" && r[2].is_empty() && r[3].is_empty())
        .map(|r| (r[0].clone(), r[4].parse().unwrap()))
        .collect();
    assert_eq!(synthetic.len(), 86);
    let mut sum_abs = 0.0;
    for (key, n) in &real {
        let change = synthetic[key] / n - 1.0;
        // The smallest Stadtteile (about 1,000 inhabitants) move by a few percent through chance alone.
        assert!(change.abs() < 0.06, "Stadtteil {key}: {n} in 2012, {} in 2013", synthetic[key]);
        sum_abs += change.abs();
    }
    assert!(sum_abs / 86.0 < 0.02, "mean absolute change {}", sum_abs / 86.0);
}

/// `einwohner` and `bewegungen` form one consistent history: every cell of every year of the
/// events is last year's cohort minus deaths and out-movers plus in-movers (births at age 0), and
/// internal moves balance for every sex and age.
#[test]
fn the_population_balances_with_births_deaths_and_moves() {
    let mut stock: HashMap<(String, i32, usize, String), i64> = HashMap::new();
    for r in rows("einwohner.csv") {
        if r[0].len() == 3 && !r[2].is_empty() {
            stock.insert(
                (r[0].clone(), r[1].parse().unwrap(), r[2].parse().unwrap(), r[3].clone()),
                r[4].parse().unwrap(),
            );
        }
    }
    let mut events: HashMap<(String, i32, String, String, String), i64> = HashMap::new();
    for r in rows("bewegungen.csv") {
        events.insert(
            (r[0].clone(), r[1].parse().unwrap(), r[2].clone(), r[3].clone(), r[4].clone()),
            r[5].parse().unwrap(),
        );
    }
    let areas: Vec<String> =
        stock.keys().map(|k| k.0.clone()).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    assert_eq!(areas.len(), 86);
    let event = |area: &str, year: i32, variable: &str, age: &str, sex: &str| {
        events.get(&(area.to_owned(), year, variable.to_owned(), age.to_owned(), sex.to_owned())).copied().unwrap_or(0)
    };
    let at = |area: &str, year: i32, age: usize, sex: &str| stock[&(area.to_owned(), year, age, sex.to_owned())];
    for year in FIRST_EVENT_YEAR..=LAST_YEAR {
        for sex in ["m", "w"] {
            for age in 0..=OLDEST {
                let a = age.to_string();
                let mut internal = 0;
                for area in &areas {
                    let before = match age {
                        0 => event(area, year, "geburten", "", sex),
                        OLDEST => at(area, year - 1, OLDEST - 1, sex) + at(area, year - 1, OLDEST, sex),
                        _ => at(area, year - 1, age - 1, sex),
                    };
                    let expected = before
                        - event(area, year, "sterbefaelle", &a, sex)
                        - event(area, year, "fortzuege_extern", &a, sex)
                        - event(area, year, "fortzuege_intern", &a, sex)
                        + event(area, year, "zuzuege_extern", &a, sex)
                        + event(area, year, "zuzuege_intern", &a, sex);
                    assert_eq!(at(area, year, age, sex), expected, "{area} {year} {sex} {age}");
                    internal +=
                        event(area, year, "zuzuege_intern", &a, sex) - event(area, year, "fortzuege_intern", &a, sex);
                }
                assert_eq!(internal, 0, "internal moves {year} {sex} {age}");
            }
        }
        // Births by the mother's age and by the child's sex add up to the same total.
        for area in &areas {
            let by_mother: i64 = (15..=49).map(|a| event(area, year, "geburten", &a.to_string(), "")).sum();
            let by_sex = event(area, year, "geburten", "", "m") + event(area, year, "geburten", "", "w");
            assert_eq!(by_mother, by_sex, "{area} {year}");
            assert_eq!(event(area, year, "geburten", "", ""), by_sex, "{area} {year}");
        }
    }
}

#[test]
fn the_synthetic_manifests_import_after_the_real_koeln_data() {
    let store = Store::open_in_memory().unwrap();
    let list = std::fs::read_to_string(koeln().join("../demo.txt")).unwrap();
    let manifests: Vec<&str> = list.lines().filter(|l| l.starts_with("koeln/")).collect();
    assert_eq!(
        &manifests[6..],
        [
            "koeln/synthetisch/einwohner.toml",
            "koeln/synthetisch/bewegungen.toml",
            "koeln/synthetisch/schueler.toml",
            "koeln/synthetisch/uebergaenge/release.toml"
        ]
    );
    for m in manifests {
        let imported = import_manifest(&store, &koeln().join("..").join(m), "2026-11-26T00:00:00Z");
        assert!(matches!(imported, Ok(Imported::New(_))), "{m}: {imported:?}");
    }
    let snap = store.snapshot(Audience::Public).unwrap();
    let k = snap.kommune("koeln").unwrap();
    let total = |layer: &str| -> f64 {
        k.observations
            .iter()
            .filter(|o| o.layer.as_str() == layer && o.observation.period == Period::Year(LAST_YEAR))
            .filter(|o| o.observation.variable.as_str() == "einwohner" && o.observation.breakdown == Breakdown::TOTAL)
            .filter_map(|o| o.observation.value.number())
            .sum()
    };
    assert_eq!(total("stadtviertel"), total("stadtteil"));
    let pupils: Vec<_> = k
        .institution_observations
        .iter()
        .filter(|o| o.observation.variable.as_str() == "schueler" && o.observation.period == Period::SchoolYear(2024))
        .collect();
    assert_eq!(pupils.iter().filter(|o| o.observation.breakdown == Breakdown::TOTAL).count(), 226);
    let synthetic = k.releases.iter().filter(|r| r.title.ends_with("(synthetisch)")).count();
    assert_eq!(synthetic, 4);
}
