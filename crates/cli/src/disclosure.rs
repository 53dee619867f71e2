//! `bimo geheimhaltung`: statistical disclosure control of aggregate tables read from CSV – primary
//! and secondary suppression with the `disclosure` crate, the protected tables and the attacker
//! audit written as CSV ([`docs/GEHEIMHALTUNG.md`](../../../docs/GEHEIMHALTUNG.md)).
//!
//! Each input file is one table: one column per dimension (its codes) and one count column. The
//! tables of one run are protected together, linked through the dimensions they share by name.
//! Dimensions are flat (the total and the codes found) unless a hierarchy file gives each code its
//! parent. Rows of totals may be given; they must equal the sum of their parts. The protected
//! tables mark each withheld cell (`.`) as primary or secondary, for the office's review; the
//! audit gives each withheld cell's attacker interval and no true value.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::Context;
use disclosure::{Hierarchy, Problem, Protection, Rules, Settings, Status, Table};
use import::{ImportError, ImportErrors, Position};

/// The arguments of `bimo geheimhaltung`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The tables (CSV, `;` or `,` separated): one column per dimension and the count column;
    /// several tables are protected together, linked through the dimensions they share.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// The folder to write to: each protected table under its input's file name, and the
    /// attacker audit as `pruefbericht.csv`.
    #[arg(long)]
    pub output: PathBuf,
    /// The name of the count column.
    #[arg(long, default_value = "anzahl")]
    pub count: String,
    /// The code of every dimension's total, in the input (rows of totals) and the output.
    #[arg(long, default_value = "Insgesamt")]
    pub total: String,
    /// Hierarchies (CSV `merkmal;schluessel;oberschluessel`): the parent of each code of a
    /// dimension, e.g. Stadtteil → Stadtbezirk; the total is the top. Other dimensions are flat.
    #[arg(long)]
    pub hierarchy: Option<PathBuf>,
    /// Minimum frequency (Mindestfallzahl): cells with 1 to N−1 cases are primary suppressed;
    /// empty cells are published.
    #[arg(long, default_value_t = 3)]
    pub min_frequency: u64,
    /// The width an attacker's interval for a suppressed cell must have at least.
    #[arg(long, default_value_t = 1.0)]
    pub protection: f64,
    /// A width in per cent of the cell's value; the larger of both levels applies.
    #[arg(long, default_value_t = 0.0)]
    pub protection_percent: f64,
    /// sdcTable's singleton detection: a row with two suppressed cells, one of them a single
    /// case, gets a third.
    #[arg(long)]
    pub singletons: bool,
    /// sdcTable's threshold: the suppressed cells of a row with a primary cell hold at least this
    /// many cases.
    #[arg(long)]
    pub threshold: Option<u64>,
    /// Round the published values to this base (e.g. 5 or 10); the audit uses exact values.
    #[arg(long)]
    pub round: Option<u64>,
}

/// What a run did.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Distinct cells of all tables.
    pub cells: usize,
    /// Primary suppressions.
    pub primary: usize,
    /// Secondary suppressions.
    pub secondary: usize,
    /// The files written: the protected tables, then the audit.
    pub written: Vec<PathBuf>,
}

/// One input table as read: its dimensions' names, the leaf rows and the rows of totals.
struct RawTable {
    file: String,
    name: String,
    dimensions: Vec<String>,
    rows: Vec<RawRow>,
}

struct RawRow {
    line: u64,
    codes: Vec<String>,
    count: u64,
}

/// Reads the tables, protects them together and writes the protected tables and the audit.
pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let settings = Settings {
        protection: Protection { absolute: args.protection, percent: args.protection_percent },
        singletons: args.singletons,
        threshold: args.threshold,
    };
    let mut errors = Vec::new();
    let raw: Vec<RawTable> = args
        .inputs
        .iter()
        .filter_map(|path| read_table(path, &args.count).map_err(|e| errors.extend(e.0)).ok())
        .collect();
    let parents = match &args.hierarchy {
        Some(path) => read_hierarchy(path).map_err(|e| errors.extend(e.0)).unwrap_or_default(),
        None => HashMap::new(),
    };
    if !errors.is_empty() {
        anyhow::bail!("{}", ImportErrors(errors));
    }
    let tables = build_tables(&raw, &parents, &args.total).map_err(|e| anyhow::anyhow!("{e}"))?;
    let problem = Problem::new(tables)?;
    let primary = problem.primary(&Rules::minimum_frequency(args.min_frequency));
    let protected = problem.protect(&primary, &settings)?;
    let audit = problem.audit(&protected, &settings.protection)?;

    std::fs::create_dir_all(&args.output).with_context(|| format!("cannot create {}", args.output.display()))?;
    let mut written = Vec::new();
    for (t, (table, input)) in problem.tables().iter().zip(&args.inputs).enumerate() {
        let path = args.output.join(input.file_name().context("an input has no file name")?);
        let mut w = writer(&path)?;
        let mut header: Vec<&str> = table.dimensions().iter().map(Hierarchy::name).collect();
        header.extend([args.count.as_str(), "status"]);
        w.write_record(&header)?;
        for index in 0..table.len() {
            let cell = problem.table_cell(t, index);
            let value = match problem.published(&protected, cell) {
                Some(v) => number(args.round.map_or(Ok(v), |base| disclosure::round(v, base))?),
                None => ".".to_owned(),
            };
            let mut record: Vec<String> = table.codes(index).into_iter().map(str::to_owned).collect();
            record.extend([value, status_label(protected.status(cell)).to_owned()]);
            w.write_record(&record)?;
        }
        w.flush()?;
        written.push(path);
    }
    let path = args.output.join("pruefbericht.csv");
    let mut w = writer(&path)?;
    w.write_record([
        "zelle",
        "status",
        "grund",
        "untere_grenze",
        "obere_grenze",
        "breite",
        "schutzbreite",
        "geschuetzt",
    ])?;
    for e in &audit.entries {
        let reason = match e.status {
            Status::Primary(reason) => reason.label(),
            _ => "",
        };
        let bounded = |x: f64| if x.is_finite() { number(x) } else { "unbegrenzt".to_owned() };
        w.write_record([
            problem.describe(e.cell),
            status_label(e.status).to_owned(),
            reason.to_owned(),
            number(e.interval.lower),
            bounded(e.interval.upper),
            bounded(e.interval.width()),
            number(e.required),
            if e.protected { "ja" } else { "nein" }.to_owned(),
        ])?;
    }
    w.flush()?;
    written.push(path);
    if !audit.is_safe() {
        let cells: Vec<String> = audit.unprotected().map(|e| problem.describe(e.cell)).collect();
        anyhow::bail!("the audit finds unprotected cells: {}", cells.join("; "));
    }
    Ok(Outcome {
        cells: problem.cell_count(),
        primary: protected.primary_count(),
        secondary: protected.secondary_count(),
        written,
    })
}

fn status_label(status: Status) -> &'static str {
    match status {
        Status::Published | Status::Zero => "",
        Status::Primary(_) => "primär",
        Status::Secondary => "sekundär",
    }
}

/// A number without a needless fraction: 78, 12.5.
fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 { format!("{}", x as i64) } else { format!("{x}") }
}

fn writer(path: &Path) -> anyhow::Result<csv::Writer<std::fs::File>> {
    csv::WriterBuilder::new()
        .delimiter(b';')
        .from_path(path)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// A reader over a whole file's text.
type CsvReader = csv::Reader<std::io::Cursor<Vec<u8>>>;

/// The file's name and a reader over its text, the separator sniffed from the header line.
fn open_csv(path: &Path) -> Result<(String, CsvReader), ImportErrors> {
    let file = path.display().to_string();
    let bytes =
        std::fs::read(path).map_err(|e| ImportErrors::one(Position::file(&file), format!("cannot read: {e}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| ImportErrors::one(Position::file(&file), "not UTF-8 text; save the file as UTF-8"))?;
    let header = text.lines().next().unwrap_or("");
    let delimiter = if header.matches(';').count() >= header.matches(',').count() { b';' } else { b',' };
    let reader = csv::ReaderBuilder::new().delimiter(delimiter).from_reader(std::io::Cursor::new(text.into_bytes()));
    Ok((file, reader))
}

fn read_table(path: &Path, count: &str) -> Result<RawTable, ImportErrors> {
    let (file, mut reader) = open_csv(path)?;
    let at = Position::file(&file);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| ImportErrors::one(at.at_line(1), format!("unreadable header: {e}")))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let Some(count_column) = header.iter().position(|h| h == count) else {
        return Err(ImportErrors::one(at.at_line(1), format!("no column {count:?} (the counts)")));
    };
    let dimensions: Vec<String> = header.iter().filter(|h| *h != count).cloned().collect();
    if dimensions.is_empty() {
        return Err(ImportErrors::one(at.at_line(1), "no dimension column besides the counts"));
    }
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    let mut seen: HashMap<Vec<String>, u64> = HashMap::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                errors.push(ImportError::new(at.at_line(line), format!("unreadable row: {e}")));
                break;
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        let mut codes = Vec::with_capacity(dimensions.len());
        let mut ok = true;
        for (i, name) in header.iter().enumerate() {
            if i == count_column {
                continue;
            }
            if field(i).is_empty() {
                errors.push(ImportError::new(at.at_line(line).at_column(name), "empty code"));
                ok = false;
            }
            codes.push(field(i).to_owned());
        }
        let raw = field(count_column);
        let Ok(value) = raw.parse::<u64>() else {
            errors.push(ImportError::new(
                at.at_line(line).at_column(count),
                format!("not a count (a whole number ≥ 0): {raw:?}"),
            ));
            continue;
        };
        if !ok {
            continue;
        }
        if let Some(first) = seen.insert(codes.clone(), line) {
            errors.push(ImportError::new(
                at.at_line(line).at_column(&dimensions[0]),
                format!("cell {} appears twice (first on line {first})", codes.join(", ")),
            ));
            continue;
        }
        rows.push(RawRow { line, codes, count: value });
    }
    if !errors.is_empty() {
        return Err(ImportErrors(errors));
    }
    let name = path.file_stem().map_or_else(|| file.clone(), |s| s.to_string_lossy().into_owned());
    Ok(RawTable { file, name, dimensions, rows })
}

/// Per dimension, its codes with their parents and the line of each.
type Parents = HashMap<String, Vec<(String, String, Position)>>;

fn read_hierarchy(path: &Path) -> Result<Parents, ImportErrors> {
    let (file, mut reader) = open_csv(path)?;
    let at = Position::file(&file);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| ImportErrors::one(at.at_line(1), format!("unreadable header: {e}")))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let columns = ["merkmal", "schluessel", "oberschluessel"];
    let mut index = [0; 3];
    for (slot, name) in index.iter_mut().zip(columns) {
        *slot = header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| ImportErrors::one(at.at_line(1), format!("no column {name:?}")))?;
    }
    let mut parents = Parents::new();
    let mut errors = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            ImportErrors::one(at.at_line(line), format!("unreadable row: {e}"))
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let [dimension, code, parent] = index.map(|i| record.get(i).unwrap_or("").trim().to_owned());
        if let Some(empty) = columns.iter().zip([&dimension, &code, &parent]).find(|(_, v)| v.is_empty()) {
            errors.push(ImportError::new(at.at_line(line).at_column(*empty.0), "empty field"));
            continue;
        }
        parents.entry(dimension).or_default().push((code, parent, at.at_line(line).at_column("oberschluessel")));
    }
    if errors.is_empty() { Ok(parents) } else { Err(ImportErrors(errors)) }
}

/// The dimension `name`: from the hierarchy file if it lists it, else the total and `codes` flat.
fn hierarchy(name: &str, total: &str, codes: &[&str], parents: &Parents) -> Result<Hierarchy, ImportErrors> {
    let Some(entries) = parents.get(name) else {
        let leaves: Vec<&str> = codes.iter().copied().filter(|c| *c != total).collect();
        return Hierarchy::flat(name, total, &leaves)
            .map_err(|e| ImportErrors::one(Position::file(name), e.to_string()));
    };
    // The top is the one parent that is not itself a code (Stadt above the Stadtbezirke).
    let listed: HashSet<&str> = entries.iter().map(|(code, _, _)| code.as_str()).collect();
    let mut tops: Vec<(&str, &Position)> = Vec::new();
    for (_, parent, position) in entries {
        if !listed.contains(parent.as_str()) && tops.iter().all(|(t, _)| t != parent) {
            tops.push((parent, position));
        }
    }
    let top = match tops.as_slice() {
        [] => total,
        [(top, _)] => top,
        [(first, _), (second, position), ..] => {
            return Err(ImportErrors::one(
                (*position).clone(),
                format!("{name} has two tops, {first:?} and {second:?}; every code but the total needs a parent"),
            ));
        }
    };
    let mut h = Hierarchy::new(name, top);
    // Parents may come after their children in the file: add in passes until nothing moves.
    let mut pending: Vec<&(String, String, Position)> = entries.iter().collect();
    loop {
        let before = pending.len();
        // A code whose parent is not there yet, or that is there already, stays pending.
        pending.retain(|(code, parent, _)| {
            !(h.contains(parent) && !h.contains(code) && h.add(code.clone(), parent).is_ok())
        });
        if pending.len() == before {
            break;
        }
    }
    let errors: Vec<ImportError> = pending
        .into_iter()
        .map(|(code, _, position)| {
            let message = if h.contains(code) {
                format!("code {code:?} of {name} appears twice")
            } else {
                format!("{code:?} does not lead up to the total {top:?} of {name}")
            };
            ImportError::new(position.clone(), message)
        })
        .collect();
    if errors.is_empty() { Ok(h) } else { Err(ImportErrors(errors)) }
}

fn build_tables(raw: &[RawTable], parents: &Parents, total: &str) -> Result<Vec<Table>, ImportErrors> {
    // The codes of each dimension over all tables, in the order of first appearance.
    let mut codes: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut known: HashSet<(&str, &str)> = HashSet::new();
    for t in raw {
        for row in &t.rows {
            for (d, c) in t.dimensions.iter().zip(&row.codes) {
                if known.insert((d, c)) {
                    codes.entry(d).or_default().push(c);
                }
            }
        }
    }
    let mut dimensions: HashMap<&str, Hierarchy> = HashMap::new();
    let mut errors = Vec::new();
    for (name, codes) in &codes {
        match hierarchy(name, total, codes, parents) {
            Ok(h) => {
                dimensions.insert(name, h);
            }
            Err(e) => errors.extend(e.0),
        }
    }
    if !errors.is_empty() {
        return Err(ImportErrors(errors));
    }
    let mut tables = Vec::new();
    for t in raw {
        let dims: Vec<Hierarchy> = t.dimensions.iter().map(|d| dimensions[d.as_str()].clone()).collect();
        let at = Position::file(&t.file);
        let mut leaves = Vec::new();
        let mut totals = Vec::new();
        for row in &t.rows {
            let mut leaf = true;
            for (d, code) in dims.iter().zip(&row.codes) {
                if !d.contains(code) {
                    errors.push(ImportError::new(
                        at.at_line(row.line).at_column(d.name()),
                        format!("unknown code {code:?}: not in the hierarchy of {}", d.name()),
                    ));
                    leaf = false;
                } else if !d.is_leaf(code) {
                    leaf = false;
                }
            }
            if leaf {
                leaves.push((row.codes.clone(), row.count));
            } else if row.codes.iter().zip(&dims).all(|(c, d)| d.contains(c)) {
                totals.push(row);
            }
        }
        let table =
            Table::counts(t.name.clone(), dims, leaves).map_err(|e| ImportErrors::one(at.clone(), e.to_string()))?;
        for row in totals {
            let Some(index) = table.index(&row.codes) else { continue };
            let sum = table.value(index);
            if sum != row.count as f64 {
                errors.push(ImportError::new(
                    at.at_line(row.line).at_column(&t.dimensions[0]),
                    format!(
                        "the total {} is given as {} but its parts sum to {}",
                        row.codes.join(", "),
                        row.count,
                        sum
                    ),
                ));
            }
        }
        tables.push(table);
    }
    if errors.is_empty() { Ok(tables) } else { Err(ImportErrors(errors)) }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} cells, {} primary and {} secondary suppressions; every suppressed cell protected",
            self.cells, self.primary, self.secondary
        )
    }
}
