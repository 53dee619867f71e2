//! Disclosure control of a run's tables and the release written from them.
//!
//! Residence is summed from the records' areas to the specification's layer; the tables of one
//! variable (which count the same persons, [`check_shared_cells`]) are protected together as linked tables over the area
//! hierarchy (layer → parent layers → Kommune) with the `disclosure` crate: minimum frequency,
//! secondary suppression, the attacker audit. A cell that the audit finds unprotected fails the
//! run. The release – `tabellen.csv`, its manifest `release.toml` for `bimo import`, the audit
//! `pruefbericht.csv` and the linkage report `verknuepfung.csv` – is written to a temporary
//! folder beside the output and renamed at the end, so a failed run leaves no release.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use disclosure::{
    CellId, CellKey, Dominance, Hierarchy, PPercent, PTable, Problem, Protection, RECORD_KEY_SCALE, Rules, Settings,
    Status, Table,
};

use crate::engine::{Aggregates, Counts};
use crate::records::Kind;
use crate::spec::Measure;
use crate::{Areas, Error, Spec};

/// The code of every dimension's total in the disclosure tables (an empty breakdown cell in the
/// release).
const TOTAL: &str = "Insgesamt";

/// What a run wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The release folder.
    pub folder: PathBuf,
    /// The manifest for `bimo import`.
    pub manifest: PathBuf,
    /// Distinct cells of all tables.
    pub cells: usize,
    /// Rows of the release's table.
    pub rows: usize,
    /// Primary suppressions.
    pub primary: usize,
    /// Secondary suppressions.
    pub secondary: usize,
}

/// A protected cell: its area, its breakdown pairs (without totals) and the published value
/// (`None`: withheld).
type Cell = (String, Vec<(String, String)>, Option<f64>);

/// One variable's protected cells and audit.
struct Protected {
    cells: Vec<Cell>,
    audit: Vec<Vec<String>>,
    primary: usize,
    secondary: usize,
    count: usize,
    /// The largest change of a count, if the cell key method perturbed the tables.
    perturbation: Option<u32>,
}

fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 { format!("{}", x as i64) } else { format!("{x}") }
}

fn status_label(status: Status) -> &'static str {
    match status {
        Status::Published | Status::Zero => "",
        Status::Primary(_) => "primär",
        Status::Secondary => "sekundär",
    }
}

/// The period of a table's records: a school year `2024/25` for pupils, else the year.
fn period(kind: Kind, year: i32) -> String {
    match kind {
        Kind::Schueler => format!("{year}/{:02}", (year + 1) % 100),
        _ => year.to_string(),
    }
}

/// Protects the tables of one variable (`indices` into the specification's tables) together: by
/// the cell key method if there is a p-table and the tables count, else by suppression.
fn protect(
    spec: &Spec,
    areas: &Areas,
    aggregates: &Aggregates,
    ptable: Option<&PTable>,
    indices: &[usize],
) -> Result<Protected, Error> {
    let layer = &spec.run.ebene;
    let fail = |e: &dyn std::fmt::Display| Error::Disclosure(e.to_string());
    let area_hierarchy = areas.hierarchy(layer)?;
    let magnitude = matches!(spec.tables[indices[0]].measure, Measure::Sum { .. });
    let ptable = ptable.filter(|_| !magnitude);
    // Residence summed to the layer (for a sum table, per contributor; with the cell key method,
    // the record keys too, modulo their scale), and each dimension's codes over the tables.
    let mut summed: Vec<BTreeMap<Vec<String>, u64>> = Vec::new();
    let mut summed_keys: Vec<BTreeMap<Vec<String>, u64>> = Vec::new();
    let mut codes: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for &i in indices {
        let t = &spec.tables[i];
        let counts = &aggregates.tables[i];
        let mut cells: BTreeMap<Vec<String>, u64> = BTreeMap::new();
        let mut keys: BTreeMap<Vec<String>, u64> = BTreeMap::new();
        for (r, (row, n)) in counts.rows.iter().enumerate() {
            let mut key = row.clone();
            key[0] = areas
                .ancestor(&row[0], layer)
                .ok_or_else(|| Error::Areas { message: format!("area {:?} is not below layer {layer}", row[0]) })?
                .to_owned();
            for (d, c) in t.dimensions.iter().zip(&key[1..]) {
                codes.entry(d).or_default().insert(c.clone());
            }
            if ptable.is_some() {
                let scale = u64::from(RECORD_KEY_SCALE);
                let sum = keys.entry(key.clone()).or_insert(0);
                *sum = (*sum + counts.keys[r] % scale) % scale;
            }
            *cells.entry(key).or_insert(0) += n;
        }
        summed.push(cells);
        summed_keys.push(keys);
    }
    let mut hierarchies: HashMap<&str, Hierarchy> = HashMap::new();
    for (d, set) in &codes {
        let list: Vec<&str> = set.iter().map(String::as_str).collect();
        hierarchies.insert(d, Hierarchy::flat(*d, TOTAL, &list).map_err(|e| fail(&e))?);
    }
    let mut tables = Vec::new();
    for (&i, cells) in indices.iter().zip(&summed) {
        let t = &spec.tables[i];
        let mut dims = vec![area_hierarchy.clone()];
        for d in &t.dimensions {
            // A dimension without any record in these tables: flat with no categories.
            let h = match hierarchies.get(d.as_str()) {
                Some(h) => h.clone(),
                None => Hierarchy::flat(d.as_str(), TOTAL, &[]).map_err(|e| fail(&e))?,
            };
            dims.push(h);
        }
        let table = if magnitude {
            let contributions = cells.iter().map(|(k, v)| {
                let (codes, contributor) = k.split_at(k.len() - 1);
                (codes.to_vec(), contributor[0].clone(), *v as f64)
            });
            Table::magnitudes(t.name.clone(), dims, contributions)
        } else {
            Table::counts(t.name.clone(), dims, cells.iter().map(|(k, n)| (k.clone(), *n)))
        };
        tables.push(table.map_err(|e| fail(&e))?);
    }
    let d = &spec.disclosure;
    if let Some(ptable) = ptable {
        // The keys add up over the hierarchy like counts; a total's key is its leaves' sum mod 1.
        let mut key_tables = Vec::new();
        for (table, keys) in tables.iter().zip(&summed_keys) {
            let leaves = keys.iter().map(|(k, sum)| (k.clone(), *sum));
            key_tables.push(Table::counts(table.name(), table.dimensions().to_vec(), leaves).map_err(|e| fail(&e))?);
        }
        let values = Problem::new(tables).map_err(|e| fail(&e))?;
        let keys = Problem::new(key_tables).map_err(|e| fail(&e))?;
        let perturbed = |cell: CellId| {
            let key = CellKey::from_sum(keys.value(cell) as u64);
            Some(ptable.perturb(values.value(cell) as u64, key) as f64)
        };
        let cells = published_cells(&values, d.runden, perturbed)?;
        let deviation = ptable.rows().map(|r| r.v.unsigned_abs()).max().unwrap_or(0);
        return Ok(Protected {
            cells,
            audit: Vec::new(),
            primary: 0,
            secondary: 0,
            count: values.cell_count(),
            perturbation: Some(deviation),
        });
    }
    let problem = Problem::new(tables).map_err(|e| fail(&e))?;
    let settings = Settings {
        protection: Protection { absolute: d.schutzbreite, percent: d.schutzbreite_prozent },
        singletons: false,
        threshold: None,
    };
    let mut rules = Rules::minimum_frequency(d.mindestfallzahl);
    if let Some(n_k) = d.dominanz {
        rules.dominance = Some(Dominance::new(n_k.n, n_k.k).map_err(|e| fail(&e))?);
    }
    if let Some(p) = d.p_prozent {
        rules.p_percent = Some(PPercent::new(p).map_err(|e| fail(&e))?);
    }
    let primary = problem.primary(&rules);
    let protected = problem.protect(&primary, &settings).map_err(|e| fail(&e))?;
    let audit = problem.audit(&protected, &settings.protection).map_err(|e| fail(&e))?;
    if !audit.is_safe() {
        let cells: Vec<String> = audit.unprotected().map(|e| problem.describe(e.cell)).collect();
        return Err(Error::Disclosure(format!("the audit finds unprotected cells: {}", cells.join("; "))));
    }
    let out = published_cells(&problem, d.runden, |cell| problem.published(&protected, cell))?;
    let bounded = |x: f64| if x.is_finite() { number(x) } else { "unbegrenzt".to_owned() };
    let report = audit
        .entries
        .iter()
        .map(|e| {
            let reason = match e.status {
                Status::Primary(reason) => reason.label(),
                _ => "",
            };
            vec![
                problem.describe(e.cell),
                status_label(e.status).to_owned(),
                reason.to_owned(),
                number(e.interval.lower),
                bounded(e.interval.upper),
                bounded(e.interval.width()),
                number(e.required),
                if e.protected { "ja" } else { "nein" }.to_owned(),
            ]
        })
        .collect();
    Ok(Protected {
        cells: out,
        audit: report,
        primary: protected.primary_count(),
        secondary: protected.secondary_count(),
        count: problem.cell_count(),
        perturbation: None,
    })
}

/// Every distinct cell of a problem's tables once, with the value `publish` gives it (`None`:
/// withheld), rounded to `base` if given.
fn published_cells(
    problem: &Problem,
    base: Option<u64>,
    publish: impl Fn(CellId) -> Option<f64>,
) -> Result<Vec<Cell>, Error> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for (t, table) in problem.tables().iter().enumerate() {
        let names: Vec<&str> = table.dimensions().iter().map(Hierarchy::name).collect();
        for index in 0..table.len() {
            let cell = problem.table_cell(t, index);
            if !seen.insert(cell) {
                continue;
            }
            let codes = table.codes(index);
            let breakdown: Vec<(String, String)> = names[1..]
                .iter()
                .zip(&codes[1..])
                .filter(|(_, c)| **c != TOTAL)
                .map(|(n, c)| ((*n).to_owned(), (*c).to_owned()))
                .collect();
            let value = match (publish(cell), base) {
                (Some(v), Some(base)) => {
                    Some(disclosure::round(v, base).map_err(|e| Error::Disclosure(e.to_string()))?)
                }
                (value, _) => value,
            };
            out.push((codes[0].to_owned(), breakdown, value));
        }
    }
    Ok(out)
}

fn quoted(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

fn csv_writer(path: &Path) -> Result<csv::Writer<std::fs::File>, Error> {
    csv::WriterBuilder::new().delimiter(b';').from_path(path).map_err(|e| Error::io(path, std::io::Error::other(e)))
}

/// Tables of one variable from other records (another source or other filters) must count the
/// same persons: every cell they share – their counts summed over the dimensions only one of them
/// has, per residence area of the records – must be equal. Names the first that is not.
pub fn check_shared_cells(spec: &Spec, aggregates: &Aggregates) -> Result<(), String> {
    for (i, a) in spec.tables.iter().enumerate() {
        for (j, b) in spec.tables.iter().enumerate().skip(i + 1) {
            if a.variable != b.variable || (a.source == b.source && a.filters == b.filters) {
                continue;
            }
            // The common dimensions: their names and positions in each table's rows.
            let common: Vec<(&str, usize, usize)> = a
                .dimensions
                .iter()
                .enumerate()
                .filter_map(|(p, d)| b.dimensions.iter().position(|e| e == d).map(|q| (d.as_str(), p + 1, q + 1)))
                .collect();
            let left = shared_cells(&aggregates.tables[i], common.iter().map(|c| c.1));
            let right = shared_cells(&aggregates.tables[j], common.iter().map(|c| c.2));
            let cells: BTreeSet<&Vec<String>> = left.keys().chain(right.keys()).collect();
            for cell in cells {
                let (m, n) = (left.get(cell).copied().unwrap_or(0), right.get(cell).copied().unwrap_or(0));
                if m != n {
                    let mut at = format!("wohngebiet {}", cell[0]);
                    for ((d, _, _), code) in common.iter().zip(&cell[1..]) {
                        at.push_str(&format!(", {d} {code}"));
                    }
                    return Err(format!(
                        "tables {:?} and {:?} of variable {:?} count different persons: {at} has {m} in {:?} and \
                         {n} in {:?}; give one of them its own variable",
                        a.name, b.name, a.variable, a.name, b.name
                    ));
                }
            }
        }
    }
    Ok(())
}

/// A table's counts by residence and the dimensions at `positions` of its rows.
fn shared_cells(counts: &Counts, positions: impl Iterator<Item = usize> + Clone) -> BTreeMap<Vec<String>, u64> {
    let mut cells = BTreeMap::new();
    for (row, n) in &counts.rows {
        let key = std::iter::once(row[0].clone()).chain(positions.clone().map(|p| row[p].clone())).collect();
        *cells.entry(key).or_insert(0) += n;
    }
    cells
}

/// Protects the aggregates and writes the release to `output`, which must not exist yet.
/// With a p-table, count tables are perturbed by the cell key method instead of suppressed.
pub fn write(
    spec: &Spec,
    areas: &Areas,
    aggregates: &Aggregates,
    ptable: Option<&PTable>,
    output: &Path,
) -> Result<Outcome, Error> {
    if output.exists() {
        return Err(Error::io(
            output,
            std::io::Error::new(std::io::ErrorKind::AlreadyExists, "the output exists already"),
        ));
    }
    // Tables grouped by variable, in the order of first appearance.
    let mut variables: Vec<(&str, Vec<usize>)> = Vec::new();
    for (i, t) in spec.tables.iter().enumerate() {
        match variables.iter_mut().find(|(v, _)| *v == t.variable) {
            Some((_, list)) => list.push(i),
            None => variables.push((&t.variable, vec![i])),
        }
    }
    let mut protected = Vec::new();
    for (_, indices) in &variables {
        protected.push(protect(spec, areas, aggregates, ptable, indices)?);
    }

    let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "release".into());
    let temp = output.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    if temp.exists() {
        std::fs::remove_dir_all(&temp).map_err(|e| Error::io(&temp, e))?;
    }
    std::fs::create_dir_all(&temp).map_err(|e| Error::io(&temp, e))?;
    let result = write_files(spec, areas, aggregates, &variables, &protected, &temp);
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&temp);
        return Err(e);
    }
    std::fs::rename(&temp, output).map_err(|e| Error::io(output, e))?;
    Ok(Outcome {
        folder: output.to_path_buf(),
        manifest: output.join("release.toml"),
        cells: protected.iter().map(|p| p.count).sum(),
        rows: protected.iter().map(|p| p.cells.len()).sum(),
        primary: protected.iter().map(|p| p.primary).sum(),
        secondary: protected.iter().map(|p| p.secondary).sum(),
    })
}

fn write_files(
    spec: &Spec,
    areas: &Areas,
    aggregates: &Aggregates,
    variables: &[(&str, Vec<usize>)],
    protected: &[Protected],
    dir: &Path,
) -> Result<(), Error> {
    let mut breakdown: Vec<&str> = Vec::new();
    for t in &spec.tables {
        for d in &t.dimensions {
            if !breakdown.contains(&d.as_str()) {
                breakdown.push(d);
            }
        }
    }
    let path = dir.join("tabellen.csv");
    let mut w = csv_writer(&path)?;
    let mut header = vec!["gebiet", "zeitraum", "merkmal"];
    header.extend(&breakdown);
    header.push("anzahl");
    w.write_record(&header).map_err(|e| Error::csv(&path, e))?;
    for ((variable, indices), p) in variables.iter().zip(protected) {
        let zeitraum = period(spec.kind_of(&spec.tables[indices[0]].source), spec.run.schuljahr);
        for (area, pairs, value) in &p.cells {
            let mut record = vec![area.clone(), zeitraum.clone(), (*variable).to_owned()];
            for d in &breakdown {
                record.push(pairs.iter().find(|(n, _)| n == d).map(|(_, c)| c.clone()).unwrap_or_default());
            }
            record.push(value.map_or_else(|| ".".to_owned(), number));
            w.write_record(&record).map_err(|e| Error::csv(&path, e))?;
        }
    }
    w.flush().map_err(|e| Error::io(&path, e))?;

    let path = dir.join("pruefbericht.csv");
    let mut w = csv_writer(&path)?;
    w.write_record([
        "zelle",
        "status",
        "grund",
        "untere_grenze",
        "obere_grenze",
        "breite",
        "schutzbreite",
        "geschuetzt",
    ])
    .map_err(|e| Error::csv(&path, e))?;
    for p in protected {
        for row in &p.audit {
            w.write_record(row).map_err(|e| Error::csv(&path, e))?;
        }
    }
    w.flush().map_err(|e| Error::io(&path, e))?;

    if aggregates.linkage.is_some() || aggregates.without_district.is_some() {
        let path = dir.join("verknuepfung.csv");
        let mut w = csv_writer(&path)?;
        w.write_record(["datensaetze", "status", "anzahl"]).map_err(|e| Error::csv(&path, e))?;
        for (side, status, n) in aggregates.linkage.iter().flatten() {
            w.write_record([side, status, &n.to_string()]).map_err(|e| Error::csv(&path, e))?;
        }
        if let Some(n) = aggregates.without_district {
            w.write_record(["Grundschule", "Wohngebiet ohne Schulbezirk", &n.to_string()])
                .map_err(|e| Error::csv(&path, e))?;
        }
        w.flush().map_err(|e| Error::io(&path, e))?;
    }

    let layers = areas.layers();
    let depth = layers.iter().position(|l| *l == spec.run.ebene).unwrap_or(0);
    let run = &spec.run;
    let mut m = String::new();
    m.push_str("# Written by `statistikstelle aggregieren`: aggregate tables after disclosure control\n");
    m.push_str("# (withheld cells '.'); the audit is pruefbericht.csv. Import with `bimo import release.toml`.\n");
    m.push_str("[release]\n");
    m.push_str(&format!("kommune = {}\nkommune_name = {}\n", quoted(&run.kommune), quoted(&run.kommune_name)));
    if let Some(ags) = &run.ags {
        m.push_str(&format!("ags = {}\n", quoted(ags)));
    }
    let attribution = match protected.iter().filter_map(|p| p.perturbation).max() {
        Some(d) => format!("{}; Fallzahlen nach dem Zellschlüsselverfahren verändert (um höchstens {d})", run.quelle),
        None => run.quelle.clone(),
    };
    m.push_str(&format!(
        "title = {}\nsource = {}\nlicence = {}\nattribution = {}\naudience = {}\n\n",
        quoted(&run.titel),
        quoted(&run.quelle),
        quoted(&run.lizenz),
        quoted(&attribution),
        quoted(&run.publikum)
    ));
    let layer_list: Vec<String> = layers[..=depth].iter().map(|l| quoted(l)).collect();
    m.push_str(&format!(
        "[statistics]\nformat = \"long\"\nfile = \"tabellen.csv\"\nlayers = [{}]\nencoding = \"utf-8\"\n\n",
        layer_list.join(", ")
    ));
    let breakdown_list: Vec<String> = breakdown.iter().map(|b| quoted(b)).collect();
    m.push_str(&format!(
        "[statistics.long]\narea = \"gebiet\"\nperiod = \"zeitraum\"\nvalue = \"anzahl\"\nvariable = \"merkmal\"\nbreakdown = [{}]\n",
        breakdown_list.join(", ")
    ));
    for (variable, indices) in variables {
        let table = &spec.tables[indices[0]];
        let unit = match &table.measure {
            Measure::Count => "count",
            Measure::Sum { unit, .. } => unit,
        };
        m.push_str(&format!(
            "\n[[statistics.variable]]\nkey = {}\nlabel = {}\nunit = {}\n",
            quoted(variable),
            quoted(&table.label),
            quoted(unit)
        ));
    }
    let path = dir.join("release.toml");
    std::fs::write(&path, m).map_err(|e| Error::io(&path, e))
}
