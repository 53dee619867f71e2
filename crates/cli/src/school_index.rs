//! `bimo schulsozialindex`: a school social index for the public general schools of a Kommune
//! from the social situation of the areas their pupils live in (counted or an estimated
//! catchment) and, where given, their own pupil composition, cut with the NRW hybrid into stages
//! 1–9 and compared with the published Schulsozialindex. The method is `domain::school_index`;
//! this module gathers its inputs from the store (areas, indicators, schools) and writes the
//! result with every intermediate value.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use domain::composite::Cutter;
use domain::school_index::{
    AgreementReport, AreaInput, Catchment, Comparison, Residence, SchoolIndex, SchoolIndexConfig, SchoolInput,
    WeightSource, agreement, centroid, compute,
};
use domain::{Audience, Institution, Period};
use store::Store;
use web::atlas::Atlas;

/// The Schulformen the NRW Schulsozialindex covers (METHODS §2.1); Förderschulen, Berufskollegs,
/// Weiterbildungskollegs and Waldorfschulen are left out.
pub const GENERAL_SCHOOLS: [&str; 7] =
    ["Grundschule", "Hauptschule", "Realschule", "Sekundarschule", "Gesamtschule", "Gymnasium", "PRIMUS-Schule"];

/// The options of `bimo schulsozialindex`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Directory of the store file `bimo.sqlite`.
    #[arg(long, default_value = ".")]
    pub data_dir: PathBuf,
    /// The Kommune.
    #[arg(long, default_value = "koeln")]
    pub kommune: String,
    /// The layer of the residential areas.
    #[arg(long, default_value = "stadtteil")]
    pub ebene: String,
    /// The year of the area indicators.
    #[arg(long, default_value_t = 2012)]
    pub jahr: i32,
    /// Area indicators of the catalogue (higher = more burden), each with weight 1; repeat for more.
    #[arg(long = "indikator", default_value = "migrationsanteil")]
    pub indikatoren: Vec<String>,
    /// The catalogue indicator whose numerator is the population shared among the schools by the
    /// estimated catchment (default: children and young people aged 6 to under 18).
    #[arg(long, default_value = "anteil_schulalter")]
    pub bevoelkerung: String,
    /// The indicator catalogue (TOML).
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/indikatoren/katalog.toml"))]
    pub catalogue: PathBuf,
    /// Read the schools from this institutions manifest (TOML) instead of the store.
    #[arg(long)]
    pub schulen: Option<PathBuf>,
    /// The attribute holding the published stage (1–9); only schools with one are indexed.
    #[arg(long, default_value = "Schulsozialindex")]
    pub stufe: String,
    /// The schools' own composition: `;`-separated CSV, first column the school key, then one
    /// column of shares per indicator (higher = more burden), each with weight 1.
    #[arg(long)]
    pub zusammensetzung: Option<PathBuf>,
    /// Counted pupil residences: `;`-separated CSV `schule;gebiet;schueler`; schools without a row
    /// get the estimated catchment.
    #[arg(long)]
    pub wohnorte: Option<PathBuf>,
    /// Exponent of the inverse distance in the estimated catchment.
    #[arg(long, default_value_t = 2.0)]
    pub potenz: f64,
    /// Smallest distance (metres) counted in the estimated catchment.
    #[arg(long, default_value_t = 500.0)]
    pub mindestabstand: f64,
    /// Where to write the result (`;`-separated CSV).
    #[arg(long)]
    pub output: PathBuf,
}

/// One indexed school as written.
#[derive(Debug, Clone)]
pub struct SchoolRow {
    /// The institution.
    pub institution: Institution,
    /// The published stage.
    pub published: usize,
}

/// What `bimo schulsozialindex` computed.
#[derive(Debug)]
pub struct Outcome {
    /// The schools indexed, in key order.
    pub schools: Vec<SchoolRow>,
    /// Their index, in the same order.
    pub index: SchoolIndex,
    /// Areas left out (no value of an indicator, or no geometry), with the reason.
    pub left_out: Vec<(String, String)>,
    /// Agreement of the computed with the published stages.
    pub report: AgreementReport,
}

/// The NRW hybrid cutter: the top 5 % in stage 9, the rest in 8 equal-width stages.
pub fn nrw_cutter() -> Cutter {
    Cutter::TopShareThenEqualWidth { top_share: 0.05, rest: 8 }
}

fn read_schools(
    args: &Args,
    store_schools: impl FnOnce() -> anyhow::Result<Vec<Institution>>,
) -> anyhow::Result<Vec<Institution>> {
    let Some(path) = &args.schulen else { return store_schools() };
    let manifest = import::read_manifest(path).map_err(|e| anyhow::anyhow!("the school manifest has errors:\n{e}"))?;
    let import::ContentSpec::Institutions(spec) = manifest.content else {
        bail!("{} is not an institutions manifest", path.display())
    };
    import::read_institutions(&spec).map_err(|e| anyhow::anyhow!("the school file has errors:\n{e}"))
}

fn published_stage(i: &Institution, attribute: &str) -> anyhow::Result<Option<usize>> {
    let Some((_, text)) = i.attributes.iter().find(|(k, _)| k == attribute) else { return Ok(None) };
    if text.trim().is_empty() {
        return Ok(None);
    }
    match text.trim().parse::<f64>() {
        Ok(x) if x.fract() == 0.0 && (1.0..=9.0).contains(&x) => Ok(Some(x as usize)),
        _ => bail!("school {}: {attribute} {text:?} is not a stage 1–9", i.key),
    }
}

fn csv_reader(path: &Path) -> anyhow::Result<csv::Reader<std::fs::File>> {
    csv::ReaderBuilder::new().delimiter(b';').from_path(path).with_context(|| format!("cannot read {}", path.display()))
}

fn number(text: &str, path: &Path, line: usize, column: &str) -> anyhow::Result<f64> {
    text.trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .with_context(|| format!("{}, line {line}, column {column}: {text:?} is not a number", path.display()))
}

/// Own shares read from a file: the column names and the shares by school key.
struct Composition {
    names: Vec<String>,
    shares: HashMap<String, Vec<f64>>,
}

/// Reads own shares: header `schule;<share>;…`.
fn read_composition(path: &Path) -> anyhow::Result<Composition> {
    let mut r = csv_reader(path)?;
    let header: Vec<String> = r.headers()?.iter().map(str::to_owned).collect();
    if header.len() < 2 {
        bail!("{}: expected a school column and at least one column of shares", path.display());
    }
    let mut shares = HashMap::new();
    for (i, record) in r.records().enumerate() {
        let record = record.with_context(|| format!("cannot read {}", path.display()))?;
        let values = header[1..]
            .iter()
            .enumerate()
            .map(|(c, name)| number(record.get(c + 1).unwrap_or(""), path, i + 2, name))
            .collect::<anyhow::Result<Vec<f64>>>()?;
        shares.insert(record.get(0).unwrap_or("").to_owned(), values);
    }
    Ok(Composition { names: header[1..].to_vec(), shares })
}

fn read_residences(path: &Path) -> anyhow::Result<Vec<Residence>> {
    let mut r = csv_reader(path)?;
    let mut rows = Vec::new();
    for (i, record) in r.records().enumerate() {
        let record = record.with_context(|| format!("cannot read {}", path.display()))?;
        let [school, area, pupils] = [0, 1, 2].map(|c| record.get(c).unwrap_or("").to_owned());
        rows.push(Residence { school, area, pupils: number(&pupils, path, i + 2, "schueler")? });
    }
    Ok(rows)
}

/// Computes the index and the agreement and writes the CSV to `args.output`.
pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let catalogue = import::read_catalogue(&args.catalogue)
        .map_err(|e| anyhow::anyhow!("the indicator catalogue has errors:\n{e}"))?;
    let find = |key: &str| {
        catalogue
            .iter()
            .find(|d| d.key.as_str() == key)
            .cloned()
            .with_context(|| format!("indicator {key} is not in the catalogue {}", args.catalogue.display()))
    };
    let indicators = args.indikatoren.iter().map(|k| find(k)).collect::<anyhow::Result<Vec<_>>>()?;
    let population = find(&args.bevoelkerung)?;
    let path = args.data_dir.join("bimo.sqlite");
    if !path.exists() {
        bail!("there is no store {}", path.display());
    }
    let store = Store::open(&path).with_context(|| format!("cannot open the store {}", path.display()))?;
    let atlas = Atlas::new(store.snapshot(Audience::Public)?, Arc::new(Vec::new()), Arc::new(Vec::new()));
    let k = atlas.kommune(&args.kommune).with_context(|| format!("Kommune {} is not in the store", args.kommune))?;
    let layer = k
        .data
        .layer(&args.ebene, Some(args.jahr))
        .with_context(|| format!("Kommune {} has no layer {} valid in {}", args.kommune, args.ebene, args.jahr))?;
    let period = Some(Period::Year(args.jahr));
    for d in indicators.iter().chain([&population]) {
        let periods = k.indicator_periods(d);
        if !periods.contains(&Period::Year(args.jahr)) {
            let years: Vec<String> = periods.iter().map(ToString::to_string).collect();
            bail!(
                "indicator {} has no data for {} in {}; years with data: {}",
                d.key,
                args.kommune,
                args.jahr,
                if years.is_empty() { "none".to_owned() } else { years.join(", ") }
            );
        }
    }
    let mut areas = Vec::new();
    let mut left_out = Vec::new();
    'areas: for area in &layer.areas {
        let Some(centroid) = centroid(area) else {
            left_out.push((area.key.to_string(), "keine Geometrie".to_owned()));
            continue;
        };
        let mut values = Vec::new();
        for d in &indicators {
            match k.indicator(d, layer, area, period) {
                Ok(c) => values.push(c.value),
                Err(e) => {
                    left_out.push((area.key.to_string(), format!("{}: {e}", d.key)));
                    continue 'areas;
                }
            }
        }
        let people = match k.indicator(&population, layer, area, period) {
            Ok(c) => c.numerator,
            Err(e) => {
                left_out.push((area.key.to_string(), format!("{}: {e}", population.key)));
                continue;
            }
        };
        areas.push(AreaInput { key: area.key.to_string(), centroid, population: people, indicators: values });
    }
    let institutions = read_schools(args, || Ok(k.data.institutions.iter().map(|r| r.institution.clone()).collect()))?;
    let mut schools = Vec::new();
    for i in institutions {
        if !GENERAL_SCHOOLS.contains(&i.kind.as_str()) {
            continue;
        }
        if let Some(published) = published_stage(&i, &args.stufe)? {
            schools.push(SchoolRow { institution: i, published });
        }
    }
    schools.sort_by(|a, b| a.institution.key.cmp(&b.institution.key));
    if schools.is_empty() {
        bail!("no school of the general Schulformen has the attribute {} with a stage", args.stufe);
    }
    let (own_names, own) = match &args.zusammensetzung {
        Some(path) => {
            let c = read_composition(path)?;
            (c.names, Some(c.shares))
        }
        None => (Vec::new(), None),
    };
    let inputs: Vec<SchoolInput> = schools
        .iter()
        .map(|s| SchoolInput {
            id: s.institution.key.clone(),
            schulform: s.institution.kind.clone(),
            location: s.institution.location,
            own: own.as_ref().and_then(|o| o.get(&s.institution.key).cloned()),
        })
        .collect();
    let residence = match &args.wohnorte {
        Some(path) => read_residences(path)?,
        None => Vec::new(),
    };
    let config = SchoolIndexConfig {
        area_weights: vec![1.0; indicators.len()],
        own_weights: vec![1.0; own_names.len()],
        catchment: Catchment { power: args.potenz, floor_m: args.mindestabstand },
        cutter: nrw_cutter(),
    };
    let index = compute(&inputs, &areas, &residence, &config)?;
    let comparisons: Vec<Comparison> = schools
        .iter()
        .zip(&index.schools)
        .map(|(s, r)| Comparison {
            schulform: r.schulform.clone(),
            index: r.index,
            computed: r.stage,
            published: s.published,
        })
        .collect();
    let report = agreement(&comparisons).context("no school to compare")?;
    let names: Vec<String> = args.indikatoren.clone();
    write_csv(&args.output, &schools, &index, &names, &own_names)?;
    Ok(Outcome { schools, index, left_out, report })
}

fn write_csv(
    path: &Path,
    schools: &[SchoolRow],
    index: &SchoolIndex,
    area_names: &[String],
    own_names: &[String],
) -> anyhow::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_path(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    let mut header: Vec<String> =
        ["schulnummer", "name", "schulform", "quelle", "einzugsgebiet"].map(String::from).into();
    header.extend(area_names.iter().map(|n| format!("gebiet_{n}")));
    header.extend(own_names.iter().map(|n| format!("eigen_{n}")));
    header.extend(area_names.iter().chain(own_names).map(|n| format!("z_{n}")));
    header.extend(["index", "stufe", "stufe_veroeffentlicht"].map(String::from));
    w.write_record(&header)?;
    for (s, r) in schools.iter().zip(&index.schools) {
        let mut weights = r.weights.clone();
        weights.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let catchment: Vec<String> = weights.iter().map(|(k, w)| format!("{k}={w:.2}")).collect();
        let mut row = vec![
            s.institution.key.clone(),
            s.institution.name.clone(),
            r.schulform.clone(),
            match r.source {
                WeightSource::Residence => "wohnorte",
                WeightSource::Estimated => "geschaetzt",
            }
            .to_owned(),
            catchment.join(" "),
        ];
        row.extend(r.area_component.iter().chain(r.own_component.iter().flatten()).chain(&r.z).map(f64::to_string));
        row.extend([r.index.to_string(), r.stage.to_string(), s.published.to_string()]);
        w.write_record(&row)?;
    }
    w.flush()?;
    Ok(())
}

/// The agreement as text: per Schulform and in total, with the confusion matrix of all schools,
/// and the areas left out.
pub fn describe(outcome: &Outcome) -> String {
    let report = &outcome.report;
    let pct = |x: f64| format!("{:.1} %", 100.0 * x);
    let rho = |x: Option<f64>| x.map_or_else(|| "–".to_owned(), |x| format!("{x:.3}"));
    let mut out =
        format!("{:<16} {:>4} {:>9} {:>9} {:>11} {:>11}\n", "Schulform", "n", "gleich", "±1", "rho Stufe", "rho Index");
    let all = std::iter::once(("alle", &report.total)).chain(report.by_schulform.iter().map(|(n, a)| (n.as_str(), a)));
    for (name, a) in all {
        out += &format!(
            "{:<16} {:>4} {:>9} {:>9} {:>11} {:>11}\n",
            name,
            a.n,
            pct(a.exact),
            pct(a.within_one),
            rho(a.spearman_stage),
            rho(a.spearman_index)
        );
    }
    out += "\nveröffentlicht (Zeile) × berechnet (Spalte), alle Schulen:\n     ";
    let size = report.total.confusion.len();
    for c in 1..=size {
        out += &format!("{c:>4}");
    }
    out.push('\n');
    for (p, row) in report.total.confusion.iter().enumerate() {
        out += &format!("{:>4} ", p + 1);
        for n in row {
            out += &format!("{n:>4}");
        }
        out.push('\n');
    }
    for (area, why) in &outcome.left_out {
        out += &format!("Gebiet {area} nicht berücksichtigt: {why}\n");
    }
    out
}
