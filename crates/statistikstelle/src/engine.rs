//! Runs a [`Spec`] on Apache DataFusion: registers the record files (checked against their kind's
//! columns), checks the records of the years used (a person twice in one year, a value out of
//! range, an unknown residence area), links pupils across school years by pseudonym, and counts
//! each table's records by residence and dimensions.
//!
//! Safety settings (securing-datafusion.md): only the curated sources are registered, the SQL is
//! generated from the typed specification and runs with DDL, DML and statements switched off, the
//! URL table stays off, and memory and spill space are limited. DataFusion is no authorisation
//! boundary: which records are read and what leaves the office is decided here and in
//! [`crate::release`].

use std::collections::BTreeMap;
use std::path::Path;

use ballista::prelude::SessionContextExt;
use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, Int64Type, Schema};
use datafusion::execution::SessionStateBuilder;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::prelude::{CsvReadOptions, ParquetReadOptions, SQLOptions, SessionConfig, SessionContext};

use crate::records::{ColumnType, Kind, admits};
use crate::spec::{DISTRICTS, Filter, Literal, Measure, Spec, TRANSITIONS, TableSpec};
use crate::{Areas, Error};

/// Limits of the query engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Parallel partitions (threads).
    pub partitions: usize,
    /// Memory the engine may use before it spills to disk, in bytes.
    pub memory: usize,
    /// Disk space for spilling, in bytes.
    pub spill: u64,
}

/// Where the queries of a run execute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// In this process, on every core the [`Limits`] allow.
    Local,
    /// On a Ballista cluster ([`crate::cluster`]): the scheduler's URL, `df://HOST:PORT`. The
    /// executors' own settings bound memory and tasks there.
    Cluster(String),
}

/// One table's counts: the residence code (as in the records) and the dimension codes, and the
/// number of records; for a sum table ([`Measure::Sum`]) the contributor's code after the
/// dimension codes, and the sum of its records' values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counts {
    /// The rows.
    pub rows: Vec<(Vec<String>, u64)>,
    /// Per row, the sum of its records' keys ([`record_key`]) if the run has a secret for them
    /// and the table counts; empty otherwise.
    pub keys: Vec<u64>,
}

/// How the records of the transitions were linked: (side, status, records).
pub type Linkage = Vec<(String, String, u64)>;

/// What the engine computed.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregates {
    /// Per table of the specification, in order.
    pub tables: Vec<Counts>,
    /// How the records of the transitions were linked, if the specification has them.
    pub linkage: Option<Linkage>,
    /// Pupils of a Grundschule whose residence area has no Schulbezirk, if asked for.
    pub without_district: Option<u64>,
}

fn sql_options() -> SQLOptions {
    SQLOptions::new().with_allow_ddl(false).with_allow_dml(false).with_allow_statements(false)
}

fn literal(v: &Literal) -> String {
    match v {
        Literal::Integer(i) => i.to_string(),
        Literal::Boolean(b) => b.to_string(),
        Literal::Text(t) => format!("'{}'", t.replace('\'', "''")),
    }
}

/// A column as a dimension code: text as is (`ohne` if empty), numbers as digits, yes/no as
/// `ja`/`nein`.
fn code(column: &str, ty: ColumnType) -> String {
    match ty {
        ColumnType::Boolean => format!("CASE WHEN \"{column}\" THEN 'ja' ELSE 'nein' END"),
        _ => format!("COALESCE(CAST(\"{column}\" AS VARCHAR), 'ohne')"),
    }
}

fn condition(f: &Filter) -> String {
    match f {
        Filter::In { column, values } => {
            format!("\"{column}\" IN ({})", values.iter().map(literal).collect::<Vec<_>>().join(", "))
        }
        Filter::Range { column, from, to } => format!("\"{column}\" BETWEEN {from} AND {to}"),
    }
}

/// SQL for a person's record key (cell key method, METHODS.md §5.4) from the column `hex`, which
/// holds the hex text of SHA-256(secret ‖ pseudonym): its first 12 hex digits as a
/// number, modulo [`disclosure::RECORD_KEY_SCALE`] – an integer in [0, 10^8), the same for a person
/// in every table and every run with the same secret.
pub fn record_key(hex: &str) -> String {
    let digits: Vec<String> = (0..12u32)
        .map(|i| format!("(strpos('0123456789abcdef', substr({hex}, {}, 1)) - 1) * {}", i + 1, 16u64.pow(11 - i)))
        .collect();
    format!("({}) % {}", digits.join(" + "), disclosure::RECORD_KEY_SCALE)
}

/// SQL for the hex text of SHA-256(`secret` ‖ the value of column `person`).
fn digest(secret: &str, person: &str) -> String {
    format!("encode(sha256(concat('{}', CAST(\"{person}\" AS VARCHAR))), 'hex')", secret.replace('\'', "''"))
}

/// SQL for the records of the `years` by their year column.
fn in_years(column: &str, years: &[i32]) -> String {
    format!("\"{column}\" IN ({})", years.iter().map(i32::to_string).collect::<Vec<_>>().join(", "))
}

/// How the records of the transitions were linked, from each person's grade in the year before
/// the run's `year` and in it (`None`: no record that year) with the number of such persons:
/// every record of grade `from` the year before and of grade `to` in the year, by what became
/// of it.
fn linkage(from: i64, to: i64, year: i32, grades: &[(Option<i64>, Option<i64>, u64)]) -> Linkage {
    let before = year - 1;
    let mut counted: BTreeMap<(String, String), u64> = BTreeMap::new();
    for &(earlier, later, n) in grades {
        if earlier == Some(from) {
            let status = match later {
                None => format!("ohne Datensatz {year}"),
                Some(g) if g == to => "verknüpft".to_owned(),
                Some(g) if g == from => "wiederholt".to_owned(),
                Some(_) => "andere Klasse".to_owned(),
            };
            *counted.entry((format!("Klasse {from} {before}"), status)).or_default() += n;
        }
        if later == Some(to) {
            let status = match earlier {
                None => format!("ohne Datensatz {before}"),
                Some(g) if g == from => "verknüpft".to_owned(),
                Some(_) => "andere Klasse".to_owned(),
            };
            *counted.entry((format!("Klasse {to} {year}"), status)).or_default() += n;
        }
    }
    counted.into_iter().map(|((side, status), n)| (side, status, n)).collect()
}

/// Whether a file starts and ends with Parquet's magic bytes.
fn is_parquet(path: &Path) -> Result<bool, Error> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let len = file.metadata().map_err(|e| Error::io(path, e))?.len();
    if len < 12 {
        return Ok(false);
    }
    let mut head = [0; 4];
    let mut tail = [0; 4];
    file.read_exact(&mut head).map_err(|e| Error::io(path, e))?;
    file.seek(SeekFrom::End(-4)).map_err(|e| Error::io(path, e))?;
    file.read_exact(&mut tail).map_err(|e| Error::io(path, e))?;
    Ok(&head == b"PAR1" && &tail == b"PAR1")
}

fn is_csv(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}

/// Registers a record file under `name`; checks that a Parquet file is one and has the kind's
/// columns with fitting types.
async fn register(ctx: &SessionContext, name: &str, path: &Path, kind: Kind) -> Result<(), Error> {
    let file = path.display().to_string();
    let location = path.to_str().ok_or_else(|| Error::input(&file, None, None, "the path is not UTF-8".into()))?;
    let extension = path.extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default();
    if is_csv(path) {
        use std::io::BufRead;
        let mut header = Vec::new();
        let file_handle = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        std::io::BufReader::new(file_handle).read_until(b'\n', &mut header).map_err(|e| Error::io(path, e))?;
        let header = header.strip_suffix(b"\n").unwrap_or(&header);
        let semicolons = header.iter().filter(|b| **b == b';').count();
        let commas = header.iter().filter(|b| **b == b',').count();
        let delimiter = if semicolons >= commas { b';' } else { b',' };
        let names: Vec<String> = String::from_utf8_lossy(header)
            .trim_end_matches('\r')
            .split(delimiter as char)
            .map(|h| h.trim().to_owned())
            .collect();
        let expected: Vec<&str> = kind.columns().iter().map(|c| c.name).collect();
        if names != expected {
            return Err(Error::input(
                &file,
                Some(1),
                None,
                format!("the header must be {} (got {})", expected.join(";"), names.join(";")),
            ));
        }
        let schema = kind.schema();
        let options =
            CsvReadOptions::new().has_header(true).delimiter(delimiter).schema(&schema).file_extension(&extension);
        ctx.register_csv(name, location, options).await?;
        return Ok(());
    }
    if !is_parquet(path)? {
        return Err(Error::input(
            &file,
            None,
            None,
            "not a Parquet file (no PAR1 magic bytes at its start and end); give CSV files the extension .csv".into(),
        ));
    }
    let options = ParquetReadOptions::default().file_extension(&extension);
    ctx.register_parquet(name, location, options).await.map_err(|e| Error::input(&file, None, None, e.to_string()))?;
    let schema = ctx.table_provider(name).await?.schema();
    for c in kind.columns() {
        let Ok(field) = schema.field_with_name(c.name) else {
            return Err(Error::input(
                &file,
                None,
                Some(c.name),
                format!("column missing (a {} file needs it)", kind.name()),
            ));
        };
        if !admits(c.ty, field.data_type()) {
            return Err(Error::input(
                &file,
                None,
                Some(c.name),
                format!("type {} does not hold {:?} values", field.data_type(), c.ty),
            ));
        }
    }
    Ok(())
}

/// The text of column `i` of a batch, row by row.
fn texts(batch: &RecordBatch, i: usize) -> Result<Vec<String>, Error> {
    let column = cast(batch.column(i), &DataType::Utf8)?;
    let strings = column.as_string::<i32>();
    Ok((0..strings.len())
        .map(|r| if strings.is_null(r) { String::new() } else { strings.value(r).to_owned() })
        .collect())
}

fn counts(batch: &RecordBatch, i: usize) -> Result<Vec<u64>, Error> {
    let column = cast(batch.column(i), &DataType::Int64)?;
    Ok(column.as_primitive::<Int64Type>().values().iter().map(|v| *v as u64).collect())
}

/// A session with the engine's limits and nothing registered, in this process or as a client of
/// a Ballista scheduler.
async fn session(limits: &Limits, place: &Place) -> Result<SessionContext, Error> {
    let runtime = RuntimeEnvBuilder::new()
        .with_memory_limit(limits.memory, 1.0)
        .with_max_temp_directory_size(limits.spill)
        .build_arc()?;
    let config = SessionConfig::new().with_target_partitions(limits.partitions.max(1));
    match place {
        Place::Local => Ok(SessionContext::new_with_config_rt(config, runtime)),
        Place::Cluster(url) => {
            let state = SessionStateBuilder::new()
                .with_config(config)
                .with_runtime_env(runtime)
                .with_default_features()
                .build();
            Ok(SessionContext::remote_with_state(url, state).await?)
        }
    }
}

/// The engine of one run.
struct Run<'a> {
    spec: &'a Spec,
    ctx: SessionContext,
    limits: Limits,
    /// The secret of the record keys, if count tables sum them.
    secret: Option<&'a str>,
}

impl Run<'_> {
    async fn query(&self, sql: &str) -> Result<Vec<RecordBatch>, Error> {
        Ok(self.ctx.sql_with_options(sql, sql_options()).await?.collect().await?)
    }

    /// The first rows (1-based, or CSV lines) of a source's file that satisfy `predicate`.
    async fn locate(&self, source: &str, predicate: &str, n: usize) -> Result<Vec<String>, Error> {
        let s = &self.spec.sources[source];
        let ctx = session(&Limits { partitions: 1, ..self.limits }, &Place::Local).await?;
        register(&ctx, "quelle", &s.file, s.kind).await?;
        let sql = format!(
            "SELECT n FROM (SELECT row_number() OVER () AS n, * FROM quelle) WHERE {predicate} ORDER BY n LIMIT {n}"
        );
        let batches = ctx.sql_with_options(&sql, sql_options()).await?.collect().await?;
        let mut rows = Vec::new();
        for b in &batches {
            for n in counts(b, 0)? {
                rows.push(if is_csv(&s.file) { format!("line {}", n + 1) } else { format!("row {n}") });
            }
        }
        Ok(rows)
    }

    async fn error_at(&self, source: &str, predicate: &str, column: &str, message: String) -> Error {
        let at = match self.locate(source, predicate, 2).await {
            Ok(rows) if !rows.is_empty() => Some(rows.join(" and ")),
            _ => None,
        };
        let file = self.spec.sources[source].file.display().to_string();
        Error::Input { file, at, column: Some(column.to_owned()), message }
    }

    /// Checks the records of the years used in one pass grouped by residence area: required
    /// values present, values in range, every residence area known.
    async fn check(&self, source: &str, years: &[i32], areas: &Areas) -> Result<(), Error> {
        let kind = self.spec.sources[source].kind;
        let year_column = kind.year_column();
        let in_years = in_years(year_column, years);
        let mut checks = Vec::new();
        for c in kind.columns() {
            let mut bad = Vec::new();
            if !c.nullable {
                bad.push(format!("\"{}\" IS NULL", c.name));
            }
            if let Some((from, to)) = c.range {
                bad.push(format!("\"{}\" NOT BETWEEN {from} AND {to}", c.name));
            }
            if !bad.is_empty() {
                checks.push((c, bad.join(" OR ")));
            }
        }
        let scope = format!("({in_years} OR \"{year_column}\" IS NULL)");
        let counted: Vec<String> = checks.iter().map(|(_, p)| format!("count(*) FILTER (WHERE {p})")).collect();
        let sql = format!("SELECT wohngebiet, {} FROM {source} WHERE {scope} GROUP BY 1", counted.join(", "));
        let batches = self.query(&sql).await?;
        let mut bad_records = vec![0; checks.len()];
        let mut codes = Vec::new();
        for b in &batches {
            codes.extend(texts(b, 0)?);
            for (i, n) in bad_records.iter_mut().enumerate() {
                *n += counts(b, i + 1)?.iter().sum::<u64>();
            }
        }
        for ((c, bad), n) in checks.iter().zip(bad_records) {
            if n > 0 {
                let message = match c.range {
                    Some((from, to)) => format!("{n} records empty or out of the range {from}–{to}"),
                    None => format!("{n} records without a value"),
                };
                let predicate = format!("{scope} AND ({bad})");
                return Err(self.error_at(source, &predicate, c.name, message).await);
            }
        }
        codes.sort();
        for code in codes {
            if areas.ancestor(&code, &self.spec.run.ebene).is_none() {
                let predicate = format!("wohngebiet = '{}' AND {in_years}", code.replace('\'', "''"));
                let message =
                    format!("unknown area {code:?}: not in the areas file below the layer {}", self.spec.run.ebene);
                return Err(self.error_at(source, &predicate, "wohngebiet", message).await);
            }
        }
        Ok(())
    }

    /// One pass over a source's records of the years used grouped by person: fails if a person
    /// has two records in one year; for the source of the transitions, returns how its records
    /// were linked.
    async fn persons(&self, source: &str, years: &[i32]) -> Result<Option<Linkage>, Error> {
        let kind = self.spec.sources[source].kind;
        let [person, year_column] = kind.key();
        let linked = self.spec.transitions.as_ref().filter(|t| t.quelle == source);
        let mut per_person = vec![format!("\"{person}\"")];
        for (i, y) in years.iter().enumerate() {
            per_person.push(format!("count(*) FILTER (WHERE \"{year_column}\" = {y}) AS n{i}"));
        }
        let twice: Vec<String> = (0..years.len()).map(|i| format!("n{i} > 1")).collect();
        let mut outer = vec![format!("({}) AS doppelt", twice.join(" OR "))];
        if linked.is_some() {
            for (i, y) in years.iter().enumerate() {
                per_person.push(format!("max(klasse) FILTER (WHERE \"{year_column}\" = {y}) AS k{i}"));
                outer.push(format!("k{i}"));
            }
        }
        let groups: Vec<String> = (1..=outer.len()).map(|i| i.to_string()).collect();
        let sql = format!(
            "SELECT {}, count(*) FROM (SELECT {} FROM {source} WHERE {} GROUP BY 1) GROUP BY {}",
            outer.join(", "),
            per_person.join(", "),
            in_years(year_column, years),
            groups.join(", ")
        );
        let mut grades = Vec::new();
        for b in self.query(&sql).await? {
            let double = b.column(0).as_boolean().clone();
            let n = counts(&b, outer.len())?;
            let grade = |i: usize| -> Result<Vec<Option<i64>>, Error> {
                let column = cast(b.column(i), &DataType::Int64)?;
                Ok(column.as_primitive::<Int64Type>().iter().collect())
            };
            let (before, after) = if linked.is_some() { (grade(1)?, grade(2)?) } else { (vec![], vec![]) };
            for r in 0..b.num_rows() {
                if double.value(r) {
                    return Err(self.duplicate(source, years).await?);
                }
                if linked.is_some() {
                    grades.push((before[r], after[r], n[r]));
                }
            }
        }
        Ok(linked.map(|t| linkage(t.von_klasse.into(), t.nach_klasse.into(), self.spec.run.schuljahr, &grades)))
    }

    /// The error for a person with two records in one year (found by [`Run::persons`]), located.
    async fn duplicate(&self, source: &str, years: &[i32]) -> Result<Error, Error> {
        let [person, year] = self.spec.sources[source].kind.key();
        let sql = format!(
            "SELECT \"{person}\", \"{year}\", count(*) FROM {source} WHERE {} GROUP BY 1, 2 HAVING count(*) > 1 LIMIT 1",
            in_years(year, years)
        );
        let found = self.query(&sql).await?.into_iter().find(|b| b.num_rows() > 0);
        let file = self.spec.sources[source].file.display().to_string();
        let Some(b) = found else {
            return Ok(Error::input(&file, None, Some(person), format!("a {person} appears twice in one {year}")));
        };
        let (who, when, n) = (texts(&b, 0)?[0].clone(), texts(&b, 1)?[0].clone(), counts(&b, 2)?[0]);
        let predicate = format!("\"{person}\" = '{}' AND \"{year}\" = {when}", who.replace('\'', "''"));
        let message = format!("{person} {who} appears {n} times in {year} {when}; a person has one record a year");
        Ok(self.error_at(source, &predicate, person, message).await)
    }

    /// Registers the derived source of transitions: a pupil's record of grade `von_klasse` in the
    /// year before the run's joined with the same pupil's record of grade `nach_klasse`.
    async fn transitions(&self) -> Result<(), Error> {
        let Some(t) = &self.spec.transitions else { return Ok(()) };
        let (src, year) = (&t.quelle, self.spec.run.schuljahr);
        let (from, to) = (t.von_klasse, t.nach_klasse);
        let sql = format!(
            "SELECT a.pseudonym, a.wohngebiet, a.schule AS herkunft_schule, a.schulform AS herkunft_schulform, \
             b.schule AS ziel_schule, b.schulform AS ziel_schulform, a.geschlecht, \
             a.familiensprache_nicht_deutsch, a.foerderschwerpunkt \
             FROM {src} a JOIN {src} b ON a.pseudonym = b.pseudonym \
             WHERE a.schuljahr = {} AND a.klasse = {from} AND b.schuljahr = {year} AND b.klasse = {to}",
            year - 1
        );
        let view = self.ctx.sql_with_options(&sql, sql_options()).await?.into_view();
        self.ctx.register_table(TRANSITIONS, view)?;
        Ok(())
    }

    /// Registers the derived source of Grundschule pupils with their Schulbezirk; returns the
    /// pupils whose residence area has none.
    async fn districts(&self) -> Result<Option<u64>, Error> {
        let Some(d) = &self.spec.districts else { return Ok(None) };
        let file = d.datei.display().to_string();
        let location =
            d.datei.to_str().ok_or_else(|| Error::input(&file, None, None, "the path is not UTF-8".into()))?;
        let schema = Schema::new(vec![
            Field::new("wohngebiet", DataType::Utf8, false),
            Field::new("schule", DataType::Utf8, false),
        ]);
        let extension = d.datei.extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default();
        let options = CsvReadOptions::new().has_header(true).delimiter(b';').schema(&schema).file_extension(&extension);
        self.ctx.register_csv("bezirke", location, options).await?;
        let duplicates = self.query("SELECT wohngebiet FROM bezirke GROUP BY 1 HAVING count(*) > 1 LIMIT 1").await?;
        if let Some(code) = duplicates.iter().find(|b| b.num_rows() > 0).map(|b| texts(b, 0)).transpose()? {
            let message = format!("area {:?} has two Schulbezirke", code[0]);
            return Err(Error::input(&file, None, Some("wohngebiet"), message));
        }
        let sql = format!(
            "SELECT s.*, d.schule AS bezirksschule, CASE WHEN d.schule IS NULL THEN 'ohne' \
             WHEN d.schule = s.schule THEN 'eigener' ELSE 'fremder' END AS schulbezirk \
             FROM {} s LEFT JOIN bezirke d ON s.wohngebiet = d.wohngebiet \
             WHERE s.schulform = 'Grundschule' AND s.schuljahr = {}",
            d.quelle, self.spec.run.schuljahr
        );
        let view = self.ctx.sql_with_options(&sql, sql_options()).await?.into_view();
        self.ctx.register_table(DISTRICTS, view)?;
        let batches = self.query("SELECT count(*) FROM schulbezirk WHERE schulbezirk = 'ohne'").await?;
        Ok(Some(batches.first().map(|b| counts(b, 0)).transpose()?.and_then(|c| c.first().copied()).unwrap_or(0)))
    }

    async fn table(&self, t: &TableSpec) -> Result<Counts, Error> {
        let mut select = vec!["wohngebiet".to_owned()];
        for d in &t.dimensions {
            let ty =
                self.spec.column_type(&t.source, d).map_err(|message| Error::Spec { file: t.name.clone(), message })?;
            select.push(code(d, ty));
        }
        let keyed = self.secret.filter(|_| t.measure == Measure::Count);
        let measure = match &t.measure {
            Measure::Count if keyed.is_some() => "count(*), sum(satzschluessel)".to_owned(),
            Measure::Count => "count(*)".to_owned(),
            Measure::Sum { column, contributor, .. } => {
                let ty = self
                    .spec
                    .column_type(&t.source, contributor)
                    .map_err(|message| Error::Spec { file: t.name.clone(), message })?;
                select.push(code(contributor, ty));
                format!("sum(\"{column}\")")
            }
        };
        let mut conditions: Vec<String> = t.filters.iter().map(condition).collect();
        if t.source != TRANSITIONS && t.source != DISTRICTS {
            let year = self.spec.sources[&t.source].kind.year_column();
            conditions.push(format!("\"{year}\" = {}", self.spec.run.schuljahr));
        }
        let groups: Vec<String> = (1..=select.len()).map(|i| i.to_string()).collect();
        let from = match keyed {
            Some(secret) => {
                let person = if self.spec.sources.contains_key(&t.source) {
                    self.spec.kind_of(&t.source).key()[0]
                } else {
                    "pseudonym"
                };
                format!(
                    "(SELECT *, {} AS satzschluessel FROM (SELECT *, {} AS satzschluessel_hex FROM {}))",
                    record_key("satzschluessel_hex"),
                    digest(secret, person),
                    t.source
                )
            }
            None => t.source.clone(),
        };
        let sql = format!(
            "SELECT {}, {measure} FROM {from} {} GROUP BY {}",
            select.join(", "),
            if conditions.is_empty() { String::new() } else { format!("WHERE {}", conditions.join(" AND ")) },
            groups.join(", ")
        );
        let mut rows = Vec::new();
        let k = select.len();
        for b in self.query(&sql).await? {
            let columns = (0..k).map(|i| texts(&b, i)).collect::<Result<Vec<_>, _>>()?;
            let keys = if keyed.is_some() { counts(&b, k + 1)? } else { vec![0; b.num_rows()] };
            for (r, (n, key)) in counts(&b, k)?.into_iter().zip(keys).enumerate() {
                rows.push((columns.iter().map(|c| c[r].clone()).collect::<Vec<_>>(), n, key));
            }
        }
        rows.sort();
        let keys = if keyed.is_some() { rows.iter().map(|r| r.2).collect() } else { Vec::new() };
        Ok(Counts { rows: rows.into_iter().map(|(codes, n, _)| (codes, n)).collect(), keys })
    }
}

/// Runs the specification: registers and checks the sources, links, and counts every table; with
/// a `secret`, count tables sum their records' keys too. An error's rows are located by a local
/// query, whatever `place` is.
pub async fn aggregate(
    spec: &Spec,
    areas: &Areas,
    limits: Limits,
    place: &Place,
    secret: Option<&str>,
) -> Result<Aggregates, Error> {
    let run = Run { spec, ctx: session(&limits, place).await?, limits, secret };
    for (name, s) in &spec.sources {
        register(&run.ctx, name, &s.file, s.kind).await?;
    }
    let year = spec.run.schuljahr;
    let mut linkage = None;
    for name in spec.sources.keys() {
        let linked = spec.transitions.as_ref().is_some_and(|t| &t.quelle == name);
        let years = if linked { vec![year - 1, year] } else { vec![year] };
        run.check(name, &years, areas).await?;
        if let Some(linked) = run.persons(name, &years).await? {
            linkage = Some(linked);
        }
    }
    run.transitions().await?;
    let without_district = run.districts().await?;
    let mut tables = Vec::new();
    for t in &spec.tables {
        tables.push(run.table(t).await?);
    }
    Ok(Aggregates { tables, linkage, without_district })
}

/// [`aggregate`] on a runtime of its own (DataFusion's advice: keep query work off other
/// runtimes).
pub fn aggregate_blocking(
    spec: &Spec,
    areas: &Areas,
    limits: Limits,
    place: &Place,
    secret: Option<&str>,
) -> Result<Aggregates, Error> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(limits.partitions.max(1))
        .enable_all()
        .build()
        .map_err(|e| Error::Io { path: "tokio runtime".into(), source: e })?;
    runtime.block_on(aggregate(spec, areas, limits, place, secret))
}

/// The default limits: every core, 4 GiB of memory, 8 GiB of spill space.
pub fn default_limits() -> Limits {
    Limits { partitions: std::thread::available_parallelism().map_or(2, |n| n.get()), memory: 4 << 30, spill: 8 << 30 }
}

#[cfg(test)]
mod tests {
    use super::linkage;

    #[test]
    fn linkage_counts_every_record_of_both_grades_by_what_became_of_it() {
        // Persons by (grade 2023, grade 2024): 10 went from 4 to 5, 2 repeated grade 4, 1 skipped
        // to 6, 3 left, 4 came new into grade 5, 1 repeated grade 5, 7 are in other grades.
        let grades = [
            (Some(4), Some(5), 10),
            (Some(4), Some(4), 2),
            (Some(4), Some(6), 1),
            (Some(4), None, 3),
            (None, Some(5), 4),
            (Some(5), Some(5), 1),
            (Some(2), Some(3), 7),
        ];
        let expected = [
            ("Klasse 4 2023", "andere Klasse", 1),
            ("Klasse 4 2023", "ohne Datensatz 2024", 3),
            ("Klasse 4 2023", "verknüpft", 10),
            ("Klasse 4 2023", "wiederholt", 2),
            ("Klasse 5 2024", "andere Klasse", 1),
            ("Klasse 5 2024", "ohne Datensatz 2023", 4),
            ("Klasse 5 2024", "verknüpft", 10),
        ];
        let expected: Vec<(String, String, u64)> =
            expected.iter().map(|(a, b, n)| (a.to_string(), b.to_string(), *n)).collect();
        assert_eq!(linkage(4, 5, 2024, &grades), expected);
    }
}
