//! `bimo index`: a composite index (Sozialmonitoring) from a configuration file, computed either
//! over a plain CSV (one row per area, no store needed) or over a layer and edition of the store.
//! Both write the same table of every intermediate value; the computation is
//! [`domain::monitoring`].

use std::path::Path;

use anyhow::{Context, bail};
use domain::Period;
use domain::monitoring::{AreaRow, MonitoringResult, MonitoringSpec};
use import::IndexConfig;
use store::Store;
use web::monitoring::IndexDefinition;

/// The outcome of one index run.
#[derive(Debug)]
pub struct Outcome {
    /// The edition, for a run on the store.
    pub period: Option<Period>,
    /// Areas in the index.
    pub included: usize,
    /// Areas left out, with the reason.
    pub excluded: Vec<(String, String)>,
    /// For each combined code (or, without one, each class of the first index), the number of areas.
    pub counts: Vec<(String, usize)>,
    /// Per index with a sensitivity analysis, the mean absolute rank shift over the runs.
    pub rank_shifts: Vec<(String, f64)>,
}

impl Outcome {
    fn of(spec: &MonitoringSpec, result: &MonitoringResult, period: Option<Period>) -> anyhow::Result<Outcome> {
        let excluded: Vec<(String, String)> = result
            .areas
            .iter()
            .filter_map(|a| Some((a.key.clone(), a.inclusion.reason(spec.min_population)?)))
            .collect();
        let included = result.areas.len() - excluded.len();
        if included == 0 {
            bail!("no area is included in the index");
        }
        Ok(Outcome { period, included, excluded, counts: result.counts.clone(), rank_shifts: Vec::new() })
    }
}

/// The index definition of a configuration for the store and the atlas; `key` names it in URLs
/// (the file name without extension).
pub fn definition(config: &IndexConfig, key: &str) -> anyhow::Result<IndexDefinition> {
    let on = config.store.as_ref().with_context(|| {
        format!("index {key}: the configuration has no [store] table naming the Kommune and layer to run on")
    })?;
    Ok(IndexDefinition {
        key: key.to_owned(),
        title: on.title.clone(),
        description: on.description.clone(),
        kommune: on.kommune.clone(),
        layer: on.layer.clone(),
        population: config.population.clone(),
        windows: config.indices.iter().map(|p| p.window).collect(),
        spec: config.monitoring().map_err(anyhow::Error::msg)?,
        attention: on.attention.clone(),
        sensitivity: alternatives(config)?,
    })
}

/// Per index, the alternatives of the configured sensitivity analysis.
fn alternatives(config: &IndexConfig) -> anyhow::Result<Vec<Option<domain::sensitivity::Alternatives>>> {
    config
        .indices
        .iter()
        .map(|p| config.sensitivity.as_ref().map(|s| p.alternatives(s).map_err(anyhow::Error::msg)).transpose())
        .collect()
}

/// Reads the index definitions of the configuration files given to `bimo serve --index`.
pub fn definitions(paths: &[std::path::PathBuf]) -> anyhow::Result<Vec<IndexDefinition>> {
    paths
        .iter()
        .map(|path| {
            let config = import::read_index_config(path).map_err(|e| anyhow::anyhow!("{e}"))?;
            let key = path.file_stem().and_then(|s| s.to_str()).unwrap_or("index");
            definition(&config, key)
        })
        .collect()
}

fn write(output: &Path, spec: &MonitoringSpec, rows: &[AreaRow], result: &MonitoringResult) -> anyhow::Result<()> {
    let file = std::fs::File::create(output).with_context(|| format!("cannot write {}", output.display()))?;
    web::monitoring::write_csv(std::io::BufWriter::new(file), spec, rows, result)
        .with_context(|| format!("cannot write {}", output.display()))
}

/// Writes the sensitivity analysis of every index that has one: per index and included area the
/// base rank (1 = highest index), the median rank and its 5–95 % band over the runs, and the share
/// of runs in which the area kept its class. Returns the mean absolute rank shift per index.
pub fn write_sensitivity(
    output: &Path,
    spec: &MonitoringSpec,
    alternatives: &[Option<domain::sensitivity::Alternatives>],
    result: &MonitoringResult,
) -> anyhow::Result<Vec<(String, f64)>> {
    let analyses =
        web::monitoring::sensitivity(spec, alternatives, result).context("the sensitivity analysis failed")?;
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_path(output)
        .with_context(|| format!("cannot write {}", output.display()))?;
    w.write_record(["index", "schluessel", "name", "rang", "rang_median", "rang_p05", "rang_p95", "klasse_gehalten"])?;
    let included: Vec<&domain::monitoring::AreaOutcome> =
        result.areas.iter().filter(|a| a.inclusion == domain::monitoring::Inclusion::Included).collect();
    let mut shifts = Vec::new();
    for (part, analysis) in spec.parts.iter().zip(&analyses) {
        let Some(analysis) = analysis else { continue };
        for (area, s) in included.iter().zip(&analysis.areas) {
            w.write_record([
                part.key.clone(),
                area.key.clone(),
                area.name.clone(),
                s.base_rank.to_string(),
                s.median_rank.to_string(),
                s.rank_q05.to_string(),
                s.rank_q95.to_string(),
                s.kept_class.to_string(),
            ])?;
        }
        shifts.push((part.key.clone(), analysis.mean_rank_shift));
    }
    w.flush()?;
    if shifts.is_empty() {
        bail!("the configuration has no [sensitivity] table");
    }
    Ok(shifts)
}

/// Reads `input` (CSV with a header; `,` or `;`, decimal point or comma), computes every index of
/// `config` and writes one row per area to `output`, and the sensitivity analysis to `sensitivity`
/// when asked.
pub fn run(config: &IndexConfig, input: &Path, output: &Path, sensitivity: Option<&Path>) -> anyhow::Result<Outcome> {
    if let Some(part) = config.indices.iter().find(|p| p.window > 0) {
        bail!(
            "index {}: window = {} takes changes from the store (run bimo index without --input); \
             in a CSV file give the changes as columns of their own",
            part.key,
            part.window
        );
    }
    let spec = config.monitoring().map_err(anyhow::Error::msg)?;
    let (rows, lines) = read_rows(config, input)?;
    let result = spec.compute(&rows).map_err(|e| positioned(e, input, config, &rows, &lines))?;
    write(output, &spec, &rows, &result)?;
    let mut outcome = Outcome::of(&spec, &result, None)?;
    if let Some(path) = sensitivity {
        outcome.rank_shifts = write_sensitivity(path, &spec, &alternatives(config)?, &result)?;
    }
    Ok(outcome)
}

/// A method error on CSV input, at the line and column of the value it is about where it is
/// about one.
fn positioned(
    error: domain::monitoring::MonitoringError,
    input: &Path,
    config: &IndexConfig,
    rows: &[AreaRow],
    lines: &[u64],
) -> anyhow::Error {
    use domain::monitoring::MonitoringError;
    let file = input.display();
    // The last row with the key: for a duplicate, the second occurrence.
    let line = |area: &str| rows.iter().rposition(|r| r.key == area).map_or(0, |i| lines[i]);
    match &error {
        MonitoringError::MissingValue { area, indicator } => {
            anyhow::anyhow!("{file}:{}:{indicator}: {error}", line(area))
        }
        MonitoringError::MissingPopulation(area) => {
            anyhow::anyhow!("{file}:{}:{}: {error}", line(area), config.population.join("/"))
        }
        MonitoringError::DuplicateArea(area) => anyhow::anyhow!("{file}:{}:{}: {error}", line(area), config.id),
        _ => anyhow::anyhow!("{file}: the index cannot be computed: {error}"),
    }
}

/// The rows of the CSV and the line of each.
fn read_rows(config: &IndexConfig, input: &Path) -> anyhow::Result<(Vec<AreaRow>, Vec<u64>)> {
    let text = std::fs::read_to_string(input).with_context(|| format!("cannot read {}", input.display()))?;
    let delimiter =
        if text.lines().next().is_some_and(|h| h.matches(';').count() > h.matches(',').count()) { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers()?.iter().map(|h| h.trim().to_owned()).collect();
    let col = |name: &str| -> anyhow::Result<usize> {
        header.iter().position(|h| h == name).with_context(|| format!("{}:1: no column {name:?}", input.display()))
    };
    let id = col(&config.id)?;
    let name = config.name.as_deref().map(col).transpose()?;
    let population: Vec<usize> = config.population.iter().map(|p| col(p)).collect::<anyhow::Result<_>>()?;
    let parts: Vec<Vec<usize>> = config
        .indices
        .iter()
        .map(|p| p.columns.keys().map(|c| col(c)).collect::<anyhow::Result<Vec<_>>>())
        .collect::<anyhow::Result<_>>()?;
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).with_context(|| format!("{}: unreadable row", input.display()))? {
        let line = record.position().map_or(rows.len() as u64 + 2, |p| p.line());
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        let number = |i: usize| -> anyhow::Result<Option<f64>> {
            let raw = field(i);
            if raw.is_empty() {
                return Ok(None);
            }
            let parsed = if raw.contains(',') { raw.replace(',', ".").parse::<f64>() } else { raw.parse::<f64>() };
            parsed
                .ok()
                .filter(|x| x.is_finite())
                .map(Some)
                .with_context(|| format!("{}:{line}:{}: not a number: {raw:?}", input.display(), header[i]))
        };
        let key = field(id);
        if key.is_empty() {
            bail!("{}:{line}:{}: the area key is empty", input.display(), header[id]);
        }
        lines.push(line);
        rows.push(AreaRow {
            key: key.to_owned(),
            name: name.map(|i| field(i).to_owned()).unwrap_or_default(),
            population: population.iter().map(|&i| number(i)).collect::<anyhow::Result<_>>()?,
            values: parts
                .iter()
                .map(|columns| columns.iter().map(|&i| number(i)).collect::<anyhow::Result<Vec<_>>>())
                .collect::<anyhow::Result<_>>()?,
        });
    }
    Ok((rows, lines))
}

/// Computes the index on the store's public data for the edition ending in `period` (the newest
/// with data when `None`) and writes one row per area of the layer to `output`.
pub fn run_on_store(
    store: &Store,
    catalogue: Vec<domain::indicator::Definition>,
    def: &IndexDefinition,
    period: Option<Period>,
    output: &Path,
    sensitivity: Option<&Path>,
) -> anyhow::Result<Outcome> {
    let snapshot = store.snapshot(domain::Audience::Public)?;
    let atlas = web::atlas::Atlas::new(snapshot, std::sync::Arc::new(catalogue), std::sync::Arc::new(Vec::new()));
    let k = atlas.kommune(&def.kommune).with_context(|| format!("Kommune {} is not in the store", def.kommune))?;
    let editions = web::monitoring::editions(k, &atlas.catalogue, def)?;
    let period = match period {
        Some(p) if editions.contains(&p) => p,
        Some(p) => bail!(
            "{}: no edition {p}; editions with data: {}",
            def.title,
            editions.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
        ),
        None => *editions.last().with_context(|| format!("{}: no edition has data in the store", def.title))?,
    };
    let e = web::monitoring::edition(k, &atlas.catalogue, def, period)?;
    write(output, &def.spec, &e.rows, &e.result)?;
    let mut outcome = Outcome::of(&def.spec, &e.result, Some(period))?;
    if let Some(path) = sensitivity {
        outcome.rank_shifts = write_sensitivity(path, &def.spec, &def.sensitivity, &e.result)?;
    }
    Ok(outcome)
}
