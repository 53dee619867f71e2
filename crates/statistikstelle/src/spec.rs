//! The table specification (TOML): the sources, the tables with their dimensions and filters, the
//! layer residence is aggregated to, the release's metadata and the disclosure settings. Parsed
//! once into typed values; every name it uses is checked against the columns of its source.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::Error;
use crate::records::{ColumnType, Kind};

/// The derived source of linked transitions between two school years.
pub const TRANSITIONS: &str = "uebergaenge";
/// The derived source of pupils with their Schulbezirk.
pub const DISTRICTS: &str = "schulbezirk";

/// A parsed table specification.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// The release and the run.
    pub run: Run,
    /// Disclosure control.
    pub disclosure: DisclosureSettings,
    /// The record files by name.
    pub sources: BTreeMap<String, Source>,
    /// The linked transitions between two school years, if asked for.
    pub transitions: Option<Transitions>,
    /// The Schulbezirke, if asked for.
    pub districts: Option<Districts>,
    /// The tables, in file order.
    pub tables: Vec<TableSpec>,
}

/// The release metadata and what the run covers.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Run {
    /// The Kommune's key in the store.
    pub kommune: String,
    /// Its name.
    pub kommune_name: String,
    /// Its Amtlicher Gemeindeschlüssel, if given.
    pub ags: Option<String>,
    /// The release title.
    pub titel: String,
    /// The source named in the release.
    pub quelle: String,
    /// The licence; `intern` by default.
    #[serde(default = "internal_licence")]
    pub lizenz: String,
    /// The audience of the release: `internal` by default.
    #[serde(default = "internal")]
    pub publikum: String,
    /// The school year (2024 is 2024/25) and calendar year of the records aggregated.
    pub schuljahr: i32,
    /// The areas file (relative to the specification).
    pub gebiete: PathBuf,
    /// The layer residence is aggregated to, e.g. `stadtteil`.
    pub ebene: String,
}

fn internal() -> String {
    "internal".into()
}

fn internal_licence() -> String {
    "intern".into()
}

/// Disclosure settings (METHODS.md §5).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisclosureSettings {
    /// Minimum frequency: cells with 1 to N−1 cases are primary suppressed.
    #[serde(default = "three")]
    pub mindestfallzahl: u64,
    /// The width an attacker's interval must have at least.
    #[serde(default = "one")]
    pub schutzbreite: f64,
    /// The width in per cent of the cell's value; the larger applies.
    #[serde(default)]
    pub schutzbreite_prozent: f64,
    /// Round published values to this base (5, 10).
    pub runden: Option<u64>,
    /// The dominance rule for sum tables: a cell is sensitive if its `n` largest contributors
    /// hold more than `k` % of it.
    pub dominanz: Option<DominanceSetting>,
    /// The p % rule for sum tables: a cell is sensitive if the second-largest contributor could
    /// estimate the largest one's value to within `p` %.
    pub p_prozent: Option<f64>,
    /// The cell key method instead of suppression for count tables.
    pub zellschluessel: Option<CellKeyFiles>,
}

/// The cell key method (Zellschlüsselverfahren, METHODS.md §5.4) as the specification names it:
/// the secret of the record keys, and the p-table as a file or as its parameters.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CellKeyFiles {
    /// The file holding the secret from which every person's record key is derived (relative to
    /// the specification; at least 16 characters). The same secret gives the same keys in every
    /// run, so a cell published twice is perturbed the same way.
    pub geheimnis: PathBuf,
    /// A p-table exported by R's `ptable::pt_export` (relative to the specification).
    pub ptabelle: Option<PathBuf>,
    /// Or the p-table's parameters: the maximum deviation D,
    pub d: Option<u32>,
    /// the variance V,
    pub v: Option<f64>,
    /// the counts 1..=js never published,
    #[serde(default)]
    pub js: u32,
    /// and the least probability of no change.
    pub pstay: Option<f64>,
}

/// The cell key method ready to run: the secret and the p-table.
#[derive(Debug, Clone, PartialEq)]
pub struct CellKeyMethod {
    /// The secret of the record keys.
    pub secret: String,
    /// The p-table.
    pub ptable: disclosure::PTable,
}

impl CellKeyFiles {
    /// Reads the secret and the p-table (or builds it from its parameters).
    pub fn load(&self) -> Result<CellKeyMethod, Error> {
        let text = std::fs::read_to_string(&self.geheimnis).map_err(|e| Error::io(&self.geheimnis, e))?;
        let secret = text.trim().to_owned();
        if secret.chars().count() < 16 {
            let message = "the secret of the record keys needs at least 16 characters".into();
            return Err(Error::input(&self.geheimnis.display().to_string(), None, None, message));
        }
        let spec_error = |message: String| Error::Spec { file: "[geheimhaltung.zellschluessel]".into(), message };
        let ptable = match (&self.ptabelle, self.d, self.v) {
            (Some(path), None, None) => {
                let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
                disclosure::PTable::parse(&text).map_err(|e| Error::Input {
                    file: path.display().to_string(),
                    at: Some(format!("line {}", e.line)),
                    column: e.column.clone(),
                    message: e.problem.to_string(),
                })?
            }
            (None, Some(d), Some(v)) => {
                disclosure::PTable::maximum_entropy(d, v, self.js, self.pstay).map_err(|e| spec_error(e.to_string()))?
            }
            _ => return Err(spec_error("give `ptabelle` or both `d` and `v`".into())),
        };
        Ok(CellKeyMethod { secret, ptable })
    }
}

/// The parameters of the (n, k) dominance rule.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DominanceSetting {
    /// The number of largest contributors.
    pub n: usize,
    /// Their share in per cent above which the cell is sensitive.
    pub k: f64,
}

fn three() -> u64 {
    3
}

fn one() -> f64 {
    1.0
}

impl Default for DisclosureSettings {
    fn default() -> Self {
        DisclosureSettings {
            mindestfallzahl: 3,
            schutzbreite: 1.0,
            schutzbreite_prozent: 0.0,
            runden: None,
            dominanz: None,
            p_prozent: None,
            zellschluessel: None,
        }
    }
}

/// A record file.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// The file (Parquet, or CSV by its extension `.csv`).
    pub file: PathBuf,
    /// The kind of records.
    pub kind: Kind,
}

/// Pupils followed from one school year to the next by pseudonym.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transitions {
    /// The pupil source.
    pub quelle: String,
    /// The grade in the year before.
    pub von_klasse: i32,
    /// The grade in the run's year.
    pub nach_klasse: i32,
}

/// The Schulbezirk of every residence area (CSV `wohngebiet;schule`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Districts {
    /// The pupil source.
    pub quelle: String,
    /// The file (relative to the specification).
    pub datei: PathBuf,
}

/// One output table.
#[derive(Debug, Clone, PartialEq)]
pub struct TableSpec {
    /// Its name (for messages and the audit).
    pub name: String,
    /// The source: a record file, [`TRANSITIONS`] or [`DISTRICTS`].
    pub source: String,
    /// The variable key in the release; tables of one variable must count the same persons (from
    /// other sources or filters only if they count; checked on the records by
    /// [`crate::release::check_shared_cells`]).
    pub variable: String,
    /// The variable's label.
    pub label: String,
    /// The dimensions besides residence, each a column of the source.
    pub dimensions: Vec<String>,
    /// The filters, all of which a record must pass.
    pub filters: Vec<Filter>,
    /// What the cells hold.
    pub measure: Measure,
}

/// What a table's cells hold.
#[derive(Debug, Clone, PartialEq)]
pub enum Measure {
    /// The number of records (a frequency table, Fallzahlen).
    Count,
    /// The sum of a whole-number column (a magnitude table, Wertetabelle), with the units that
    /// contribute to it, for the dominance and p % rules.
    Sum {
        /// The column summed; its values are never negative.
        column: String,
        /// The column naming each record's contributor (e.g. the Kita); a contributor's records
        /// in one cell add up to one contribution.
        contributor: String,
        /// The unit shown with the values, e.g. `Stunden`.
        unit: String,
    },
}

/// A filter on one column.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// The column is one of the values.
    In {
        /// The column.
        column: String,
        /// The values.
        values: Vec<Literal>,
    },
    /// The whole-number column lies in the range (inclusive).
    Range {
        /// The column.
        column: String,
        /// The lower bound.
        from: i64,
        /// The upper bound.
        to: i64,
    },
}

/// A value in a filter.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Literal {
    /// A whole number.
    Integer(i64),
    /// Yes or no.
    Boolean(bool),
    /// Text.
    Text(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    lauf: Run,
    #[serde(default)]
    geheimhaltung: DisclosureSettings,
    quellen: BTreeMap<String, RawSource>,
    uebergang: Option<Transitions>,
    schulbezirke: Option<Districts>,
    tabelle: Vec<RawTable>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    datei: PathBuf,
    art: Option<Kind>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    name: String,
    quelle: String,
    merkmal: String,
    label: String,
    #[serde(default)]
    dimensionen: Vec<String>,
    #[serde(default)]
    filter: Vec<RawFilter>,
    wert: Option<String>,
    beitragende: Option<String>,
    einheit: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFilter {
    spalte: String,
    gleich: Option<Literal>,
    #[serde(rename = "in")]
    one_of: Option<Vec<Literal>>,
    von: Option<i64>,
    bis: Option<i64>,
}

/// The columns of the transitions source and their types.
pub const TRANSITION_COLUMNS: [(&str, ColumnType); 8] = [
    ("wohngebiet", ColumnType::Text),
    ("herkunft_schule", ColumnType::Text),
    ("herkunft_schulform", ColumnType::Text),
    ("ziel_schule", ColumnType::Text),
    ("ziel_schulform", ColumnType::Text),
    ("geschlecht", ColumnType::Text),
    ("familiensprache_nicht_deutsch", ColumnType::Boolean),
    ("foerderschwerpunkt", ColumnType::Text),
];

impl Spec {
    /// Reads a specification file; relative paths in it are taken from its folder.
    pub fn read(path: &Path) -> Result<Spec, Error> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let mut spec = Spec::parse(&text, &file)?;
        let dir = path.parent().unwrap_or(Path::new("."));
        spec.run.gebiete = dir.join(&spec.run.gebiete);
        for s in spec.sources.values_mut() {
            s.file = dir.join(&s.file);
        }
        if let Some(d) = &mut spec.districts {
            d.datei = dir.join(&d.datei);
        }
        if let Some(c) = &mut spec.disclosure.zellschluessel {
            c.geheimnis = dir.join(&c.geheimnis);
            c.ptabelle = c.ptabelle.as_ref().map(|p| dir.join(p));
        }
        Ok(spec)
    }

    /// Parses a specification's text; `file` names it in messages.
    pub fn parse(text: &str, file: &str) -> Result<Spec, Error> {
        let fail = |message: String| Error::Spec { file: file.to_owned(), message };
        let raw: RawSpec = toml::from_str(text).map_err(|e| fail(e.to_string()))?;
        let mut sources = BTreeMap::new();
        for (name, s) in raw.quellen {
            let kind = match s.art {
                Some(k) => k,
                None => Kind::ALL.into_iter().find(|k| k.name() == name).ok_or_else(|| {
                    fail(format!("source {name:?} needs `art` (schueler, kita, einschulung or melderegister)"))
                })?,
            };
            if name == TRANSITIONS || name == DISTRICTS {
                return Err(fail(format!(
                    "{name:?} is the name of a derived source; name the file's source otherwise"
                )));
            }
            sources.insert(name, Source { file: s.datei, kind });
        }
        let pupil_source = |name: &str, what: &str| -> Result<(), Error> {
            match sources.get(name) {
                Some(s) if s.kind == Kind::Schueler => Ok(()),
                _ => Err(fail(format!("{what} needs a source of kind schueler; {name:?} is none"))),
            }
        };
        if let Some(t) = &raw.uebergang {
            pupil_source(&t.quelle, "[uebergang]")?;
        }
        if let Some(d) = &raw.schulbezirke {
            pupil_source(&d.quelle, "[schulbezirke]")?;
        }
        let spec = Spec {
            run: raw.lauf,
            disclosure: raw.geheimhaltung,
            sources,
            transitions: raw.uebergang,
            districts: raw.schulbezirke,
            tables: Vec::new(),
        };
        let mut tables: Vec<TableSpec> = Vec::new();
        for t in raw.tabelle {
            let context = |m: String| fail(format!("table {:?}: {m}", t.name));
            if tables.iter().any(|o| o.name == t.name) {
                return Err(context("the name is used twice".into()));
            }
            // Every source has the residence column: this checks that the source exists.
            spec.column_type(&t.quelle, "wohngebiet").map_err(&context)?;
            for (i, d) in t.dimensionen.iter().enumerate() {
                if t.dimensionen[..i].contains(d) {
                    return Err(context(format!("dimension {d} is listed twice")));
                }
                match spec.column_type(&t.quelle, d).map_err(&context)? {
                    ColumnType::Date => return Err(context(format!("a date ({d}) cannot be a dimension"))),
                    _ if d == "wohngebiet" => {
                        return Err(context("residence is always the first dimension; do not list it".into()));
                    }
                    _ => {}
                }
            }
            let mut filters = Vec::new();
            for f in t.filter {
                let ty = spec.column_type(&t.quelle, &f.spalte).map_err(&context)?;
                let filter = match (f.gleich, f.one_of, f.von, f.bis) {
                    (Some(v), None, None, None) => Filter::In { column: f.spalte.clone(), values: vec![v] },
                    (None, Some(values), None, None) if !values.is_empty() => {
                        Filter::In { column: f.spalte.clone(), values }
                    }
                    (None, None, from, to) if (from.is_some() || to.is_some()) && ty == ColumnType::Integer => {
                        Filter::Range {
                            column: f.spalte.clone(),
                            from: from.unwrap_or(i64::MIN),
                            to: to.unwrap_or(i64::MAX),
                        }
                    }
                    _ => {
                        return Err(context(format!(
                            "filter on {}: give `gleich`, a non-empty `in`, or `von`/`bis` on a whole-number column",
                            f.spalte
                        )));
                    }
                };
                if let Filter::In { values, .. } = &filter {
                    for v in values {
                        let fits = matches!(
                            (ty, v),
                            (ColumnType::Integer, Literal::Integer(_))
                                | (ColumnType::Boolean, Literal::Boolean(_))
                                | (ColumnType::Text, Literal::Text(_))
                        );
                        if !fits {
                            return Err(context(format!("filter on {}: {v:?} is not of the column's type", f.spalte)));
                        }
                    }
                }
                filters.push(filter);
            }
            let measure = spec.measure(&t.quelle, t.wert, t.beitragende, t.einheit).map_err(&context)?;
            if let Some(other) = tables.iter().find(|o| o.variable == t.merkmal) {
                let same_records = other.source == t.quelle && other.filters == filters;
                let problem = if other.measure != measure {
                    Some("as another measure (`wert` or `beitragende` differ)")
                } else if spec.kind_of(&other.source) != spec.kind_of(&t.quelle) {
                    Some("from another kind of records (another period)")
                } else if !same_records && measure != Measure::Count {
                    Some("from other records (source or filters differ), which a sum table cannot be")
                } else {
                    None
                };
                if let Some(problem) = problem {
                    return Err(context(format!(
                        "variable {:?} is also counted by table {:?} {problem}; tables of one variable must count \
                         the same persons, give this one its own variable",
                        t.merkmal, other.name
                    )));
                }
            }
            tables.push(TableSpec {
                name: t.name,
                source: t.quelle,
                variable: t.merkmal,
                label: t.label,
                dimensions: t.dimensionen,
                filters,
                measure,
            });
        }
        if tables.is_empty() {
            return Err(fail("no [[tabelle]]".into()));
        }
        Ok(Spec { tables, ..spec })
    }

    /// The type of a column of a source (a record file or a derived source).
    pub fn column_type(&self, source: &str, column: &str) -> Result<ColumnType, String> {
        let unknown = || format!("source {source:?} has no column {column:?}");
        match source {
            TRANSITIONS if self.transitions.is_some() => {
                TRANSITION_COLUMNS.iter().find(|(c, _)| *c == column).map(|(_, t)| *t).ok_or_else(unknown)
            }
            DISTRICTS if self.districts.is_some() => match column {
                "bezirksschule" | "schulbezirk" => Ok(ColumnType::Text),
                _ => Kind::Schueler.column(column).map(|c| c.ty).ok_or_else(unknown),
            },
            _ => {
                let s = self.sources.get(source).ok_or_else(|| {
                    format!("no source {source:?} (derived sources need their [uebergang] or [schulbezirke] table)")
                })?;
                s.kind.column(column).map(|c| c.ty).ok_or_else(unknown)
            }
        }
    }

    /// A table's measure from its `wert`, `beitragende` and `einheit`: a count without them, a sum
    /// of a whole-number column that is never negative with them (contributors by default the
    /// persons).
    fn measure(
        &self,
        source: &str,
        value: Option<String>,
        contributor: Option<String>,
        unit: Option<String>,
    ) -> Result<Measure, String> {
        let Some(column) = value else {
            return match (contributor, unit) {
                (None, None) => Ok(Measure::Count),
                _ => Err("`beitragende` and `einheit` belong to a sum table; give `wert` too".into()),
            };
        };
        let Some(record_source) = self.sources.get(source) else {
            return Err(format!("a sum (`wert`) needs a record file as its source; {source:?} is derived"));
        };
        let kind = record_source.kind;
        let non_negative = kind
            .column(&column)
            .is_some_and(|c| c.ty == ColumnType::Integer && c.range.is_some_and(|(from, _)| from >= 0) && !c.nullable);
        if !non_negative {
            return Err(format!("`wert` {column:?} is no whole-number column of {source:?} that is never negative"));
        }
        let contributor = contributor.unwrap_or_else(|| kind.key()[0].to_owned());
        match self.column_type(source, &contributor)? {
            ColumnType::Date => Err(format!("a date ({contributor}) cannot name contributors")),
            _ => Ok(Measure::Sum { column, contributor, unit: unit.ok_or("a sum table needs its `einheit`")? }),
        }
    }

    /// The kind of records a table counts in the end (pupils for the derived sources).
    pub fn kind_of(&self, source: &str) -> Kind {
        self.sources.get(source).map_or(Kind::Schueler, |s| s.kind)
    }
}
