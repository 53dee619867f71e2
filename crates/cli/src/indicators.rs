//! `bimo indicators`: every catalogue indicator for every area, layer and period of a store, as
//! CSV, with the time the computation took; optionally the input tables for a peer (bench).

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use domain::Audience;
use domain::expression::Term;
use domain::indicator::Definition;
use store::Store;
use web::atlas::Atlas;

/// The CSV header of [`write_csv`].
pub const HEADER: [&str; 11] = [
    "kommune",
    "indikator",
    "ebene",
    "gebiet",
    "zeitraum",
    "wert",
    "untere_grenze",
    "obere_grenze",
    "zaehler",
    "nenner",
    "grund",
];

/// One indicator value (or why there is none) of one area in one period.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorRecord {
    /// Kommune key.
    pub kommune: String,
    /// Indicator key.
    pub indikator: String,
    /// Layer key.
    pub ebene: String,
    /// Area key.
    pub gebiet: String,
    /// Period, empty for definitions that only count institutions.
    pub zeitraum: String,
    /// The value, if reported.
    pub wert: Option<f64>,
    /// Lower limit of the 95 % interval.
    pub untere_grenze: Option<f64>,
    /// Upper limit of the 95 % interval.
    pub obere_grenze: Option<f64>,
    /// Numerator.
    pub zaehler: Option<f64>,
    /// Denominator.
    pub nenner: Option<f64>,
    /// Why there is no value; empty if there is one.
    pub grund: String,
}

/// The values of a whole atlas and the time computing them took.
#[derive(Debug, Clone)]
pub struct Computation {
    /// One record per definition, layer, period and area.
    pub records: Vec<IndicatorRecord>,
    /// Time of the computation alone (not building the records' strings).
    pub compute: Duration,
}

/// Computes every definition of the catalogue that a Kommune can feed, for all its layers,
/// periods and areas.
pub fn compute_all(atlas: &Atlas) -> Computation {
    let started = Instant::now();
    let mut computed = Vec::new();
    for k in &atlas.kommunen {
        for d in atlas.catalogue.iter() {
            if k.availability(d).computable() {
                computed.push((k, d, k.all_indicator_values(d)));
            }
        }
    }
    let compute = started.elapsed();
    let mut records = Vec::new();
    for (k, d, rows) in computed {
        for row in rows {
            let (wert, interval, zaehler, nenner, grund) = match &row.result {
                Ok(c) => (Some(c.value), c.interval, Some(c.numerator), c.denominator, String::new()),
                Err(e) => (None, None, None, None, e.to_string()),
            };
            records.push(IndicatorRecord {
                kommune: k.data.kommune.key.to_string(),
                indikator: d.key.to_string(),
                ebene: row.layer.layer.key.to_string(),
                gebiet: row.area.key.to_string(),
                zeitraum: row.period.map(|p| p.to_string()).unwrap_or_default(),
                wert,
                untere_grenze: interval.map(|i| i.lower),
                obere_grenze: interval.map(|i| i.upper),
                zaehler,
                nenner,
                grund,
            });
        }
    }
    Computation { records, compute }
}

fn number(x: Option<f64>) -> String {
    x.map(|x| x.to_string()).unwrap_or_default()
}

/// Writes the records as `;`-separated CSV with [`HEADER`].
pub fn write_csv(records: &[IndicatorRecord], path: &Path) -> anyhow::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_path(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    w.write_record(HEADER)?;
    for r in records {
        w.write_record([
            r.kommune.as_str(),
            &r.indikator,
            &r.ebene,
            &r.gebiet,
            &r.zeitraum,
            &number(r.wert),
            &number(r.untere_grenze),
            &number(r.obere_grenze),
            &number(r.zaehler),
            &number(r.nenner),
            &r.grund,
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Writes the inputs of the computation as CSV files into `dir`, for a peer computing the same
/// indicators elsewhere:
///
/// - `observations.csv`: kommune, layer, area, variable, period, breakdown, value, symbol;
/// - `areas.csv`: kommune, layer, parent_layer, release, valid_from, valid_to, area, parent,
///   area_km2 (geodesic, from the geometry; empty without one);
/// - `variables.csv`: kommune, variable, additive (whether counts add up over child areas);
/// - `institution_terms.csv`: kommune, layer, release, area, term, value — every `einrichtungen…`
///   term of the catalogue evaluated for every area (point in polygon), for Kommunen with
///   institutions.
pub fn export_inputs(atlas: &Atlas, dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let open = |name: &str| -> anyhow::Result<csv::Writer<std::fs::File>> {
        let path = dir.join(name);
        csv::Writer::from_path(&path).with_context(|| format!("cannot write {}", path.display()))
    };
    let mut obs = open("observations.csv")?;
    obs.write_record(["kommune", "layer", "area", "variable", "period", "breakdown", "value", "symbol"])?;
    let mut areas = open("areas.csv")?;
    areas.write_record([
        "kommune",
        "layer",
        "parent_layer",
        "release",
        "valid_from",
        "valid_to",
        "area",
        "parent",
        "area_km2",
    ])?;
    let mut variables = open("variables.csv")?;
    variables.write_record(["kommune", "variable", "additive"])?;
    let mut terms = open("institution_terms.csv")?;
    terms.write_record(["kommune", "layer", "release", "area", "term", "value"])?;
    let institution_terms: BTreeSet<InstitutionTerm> = atlas
        .catalogue
        .iter()
        .flat_map(|d: &Definition| d.numerator.terms().iter().chain(d.denominator.iter().flat_map(|e| e.terms())))
        .filter_map(|(_, t)| match t {
            Term::Institutions { attribute, filters } => Some((t.to_string(), attribute.clone(), filters.clone())),
            _ => None,
        })
        .collect();
    for k in &atlas.kommunen {
        let kommune = k.data.kommune.key.as_str();
        for o in &k.data.observations {
            let ob = &o.observation;
            let (value, symbol) = match ob.value {
                domain::Value::Number(x) => (x.to_string(), String::new()),
                domain::Value::Symbol(s) => (String::new(), format!("{s:?}")),
            };
            obs.write_record([
                kommune,
                o.layer.as_str(),
                ob.area.as_str(),
                ob.variable.as_str(),
                &ob.period.to_string(),
                &ob.breakdown.to_string(),
                &value,
                &symbol,
            ])?;
        }
        for v in &k.data.variables {
            variables.write_record([kommune, v.variable.key.as_str(), &v.variable.unit.is_additive().to_string()])?;
        }
        for version in &k.data.layer_versions {
            let year = |y: Option<i32>| y.map(|y| y.to_string()).unwrap_or_default();
            for a in &version.areas {
                areas.write_record([
                    kommune,
                    version.layer.key.as_str(),
                    version.layer.parent.as_ref().map_or("", |p| p.as_str()),
                    &version.release.0.to_string(),
                    &year(version.validity.from),
                    &year(version.validity.to),
                    a.key.as_str(),
                    a.parent.as_ref().map_or("", |p| p.as_str()),
                    &number(k.area_m2(version, &a.key).map(|m2| m2 / 1_000_000.0)),
                ])?;
                if k.data.institutions.is_empty() {
                    continue;
                }
                for (text, attribute, filters) in &institution_terms {
                    let value = k.institutions_value(version, a, attribute.as_deref(), filters);
                    terms.write_record([
                        kommune,
                        version.layer.key.as_str(),
                        &version.release.0.to_string(),
                        a.key.as_str(),
                        text,
                        &value.to_string(),
                    ])?;
                }
            }
        }
    }
    for w in [&mut obs, &mut areas, &mut variables, &mut terms] {
        w.flush()?;
    }
    Ok(())
}

/// An `einrichtungen…` term: its text, the summed attribute (none: count) and the filters.
type InstitutionTerm = (String, Option<String>, Vec<(String, String)>);

/// What [`run`] did.
#[derive(Debug, Clone)]
pub struct Report {
    /// The computed records.
    pub computation: Computation,
    /// Time to read the store's public snapshot.
    pub load: Duration,
    /// Time to index the snapshot into the atlas (cells, series, institutions located per area).
    pub index: Duration,
}

/// Reads the public snapshot of the store in `data_dir`, computes every indicator of `catalogue`
/// and writes them to `output` (if given) and the peer's inputs to `export` (if given).
pub fn run(data_dir: &Path, catalogue: &Path, output: Option<&Path>, export: Option<&Path>) -> anyhow::Result<Report> {
    let catalogue =
        import::read_catalogue(catalogue).map_err(|e| anyhow::anyhow!("the indicator catalogue has errors:\n{e}"))?;
    let path = data_dir.join("bimo.sqlite");
    if !path.exists() {
        anyhow::bail!("there is no store {}", path.display());
    }
    let started = Instant::now();
    let store = Store::open(&path).with_context(|| format!("cannot open the store {}", path.display()))?;
    let snapshot = store.snapshot(Audience::Public)?;
    let load = started.elapsed();
    let started = Instant::now();
    let atlas = Atlas::new(snapshot, Arc::new(catalogue), Arc::new(Vec::new()));
    let index = started.elapsed();
    let computation = compute_all(&atlas);
    if let Some(path) = output {
        write_csv(&computation.records, path)?;
    }
    if let Some(dir) = export {
        export_inputs(&atlas, dir)?;
    }
    Ok(Report { computation, load, index })
}
