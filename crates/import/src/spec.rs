//! Release manifests: the TOML files that say what a file contains and how to read it.

use std::collections::BTreeMap;
use std::fmt::Display;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use domain::{AreaKey, Audience, KommuneKey, LayerKey, Period, Unit, Validity, VariableKey};
use serde::{Deserialize, Deserializer, de::Error as _};

use crate::error::{ImportErrors, Position};
use crate::number::Decimal;
use crate::table::{Encoding, Lines};

pub(crate) fn parsed<'de, D: Deserializer<'de>, T: FromStr<Err: Display>>(d: D) -> Result<T, D::Error> {
    String::deserialize(d)?.parse().map_err(D::Error::custom)
}

fn parsed_opt<'de, D: Deserializer<'de>, T: FromStr<Err: Display>>(d: D) -> Result<Option<T>, D::Error> {
    parsed(d).map(Some)
}

fn parsed_vec<'de, D: Deserializer<'de>, T: FromStr<Err: Display>>(d: D) -> Result<Vec<T>, D::Error> {
    Vec::<String>::deserialize(d)?.iter().map(|s| s.parse().map_err(D::Error::custom)).collect()
}

fn unit<'de, D: Deserializer<'de>>(d: D) -> Result<Unit, D::Error> {
    Unit::parse(&String::deserialize(d)?).map_err(D::Error::custom)
}

fn unit_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Unit>, D::Error> {
    unit(d).map(Some)
}

/// A period given as text (`"2013"`, `"2013/14"`) or as a bare year.
#[derive(Deserialize)]
#[serde(untagged)]
enum PeriodText {
    Text(String),
    Year(i64),
}

fn period<'de, D: Deserializer<'de>>(d: D) -> Result<Period, D::Error> {
    match PeriodText::deserialize(d)? {
        PeriodText::Text(t) => t.parse().map_err(D::Error::custom),
        PeriodText::Year(y) => y.to_string().parse().map_err(D::Error::custom),
    }
}

fn period_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Period>, D::Error> {
    period(d).map(Some)
}

/// One text or a list of texts.
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

fn public() -> Audience {
    Audience::Public
}

/// The `[release]` table: who published what under which terms.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleaseSpec {
    /// The Kommune the release belongs to.
    #[serde(deserialize_with = "parsed")]
    pub kommune: KommuneKey,
    /// Display name of the Kommune.
    pub kommune_name: String,
    /// Amtlicher Gemeindeschlüssel.
    #[serde(default)]
    pub ags: Option<String>,
    /// Short title of the release.
    pub title: String,
    /// Publisher and dataset.
    pub source: String,
    /// Licence name (free text).
    pub licence: String,
    /// Attribution required by the licence.
    pub attribution: String,
    /// Link to the source.
    #[serde(default)]
    pub url: Option<String>,
    /// Who may see the release; public unless stated.
    #[serde(default = "public", deserialize_with = "parsed")]
    pub audience: Audience,
    /// The department that owns the release and grants it to others (`bimo konto`); none unless
    /// stated. Decides who sees an internal release.
    #[serde(default, deserialize_with = "parsed_opt")]
    pub owner: Option<domain::access::DepartmentKey>,
}

/// `dissolve = { key, name }`: union all features into one area.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dissolve {
    /// Key of the single area.
    #[serde(deserialize_with = "parsed")]
    pub key: AreaKey,
    /// Name of the single area.
    pub name: String,
}

/// The `[layer]` table: a layer of areas from a shapefile or GeoJSON file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerSpec {
    /// Key of the layer.
    #[serde(deserialize_with = "parsed")]
    pub key: LayerKey,
    /// Display name of the layer.
    pub name: String,
    /// The next coarser layer.
    #[serde(default, deserialize_with = "parsed_opt")]
    pub parent: Option<LayerKey>,
    /// The `.shp` (with `.dbf` and usually `.prj` beside it) or `.geojson`/`.json` file.
    pub file: PathBuf,
    /// Attribute holding the area key.
    pub key_field: String,
    /// Attribute holding the area name.
    pub name_field: String,
    /// Attribute holding the parent area's key.
    #[serde(default)]
    pub parent_field: Option<String>,
    /// The parent area's key is this many leading characters of the (padded) key, as for Köln's
    /// Stadtviertel `10101` in Stadtteil `101`.
    #[serde(default)]
    pub parent_key_prefix: Option<usize>,
    /// Coordinate reference system overriding the `.prj` file or GeoJSON `crs` member, such as
    /// `EPSG:25832`.
    #[serde(default)]
    pub crs: Option<String>,
    /// Left-pad numeric keys with zeros to this width.
    #[serde(default)]
    pub key_width: Option<usize>,
    /// First year of validity of the areas.
    #[serde(default)]
    pub valid_from: Option<i32>,
    /// Last year of validity of the areas.
    #[serde(default)]
    pub valid_to: Option<i32>,
    /// Union all features into one area.
    #[serde(default)]
    pub dissolve: Option<Dissolve>,
    /// Encoding of the `.dbf` attributes; default: the `.cpg` file, else windows-1252.
    #[serde(default)]
    pub encoding: Option<Encoding>,
    /// New areas made by uniting features: area key (also its name) → keys of the features.
    #[serde(default)]
    pub merge: BTreeMap<String, Vec<String>>,
    /// Corrections of wrong keys in the file, by feature number.
    #[serde(default)]
    pub rekey: Vec<Rekey>,
}

/// One feature whose key in the file is wrong: feature `feature` has key `from` and gets key `to`.
/// Naming the old key makes the correction fail loudly if the file changes.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rekey {
    /// 1-based number of the feature in the file.
    pub feature: usize,
    /// The key the file gives it.
    pub from: String,
    /// The right key.
    pub to: String,
}

impl LayerSpec {
    /// The validity of the layer's areas.
    pub fn validity(&self) -> Validity {
        Validity { from: self.valid_from, to: self.valid_to }
    }
}

/// A variable declared in `[[statistics.variable]]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariableSpec {
    /// Key of the variable.
    #[serde(deserialize_with = "parsed")]
    pub key: VariableKey,
    /// Display label.
    pub label: String,
    /// Unit; default: `[statistics.long] unit`.
    #[serde(default, deserialize_with = "unit_opt")]
    pub unit: Option<Unit>,
    /// The variable this one is a share of.
    #[serde(default, deserialize_with = "parsed_opt")]
    pub share_of: Option<VariableKey>,
}

/// What a value of the variable column of a long file stands for.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MappedVariable {
    /// Key of the variable.
    #[serde(deserialize_with = "parsed")]
    pub key: VariableKey,
    /// Display label.
    pub label: String,
    /// Unit.
    #[serde(deserialize_with = "unit")]
    pub unit: Unit,
    /// The variable this one is a share of.
    #[serde(default, deserialize_with = "parsed_opt")]
    pub share_of: Option<VariableKey>,
    /// Without a dimension the rows are the variable's total and the breakdown columns are not
    /// used; with one, the (single) breakdown column's value is the category of this dimension.
    #[serde(default)]
    pub dimension: Option<String>,
}

/// Where the variable of a long row comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum VariableSource {
    /// A column whose values are mapped by `[statistics.long.variables]`, or, without mapping, are
    /// keys of `[[statistics.variable]]` entries.
    Column(String),
    /// All rows are this variable, declared in `[[statistics.variable]]`.
    Const(VariableKey),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLongSpec {
    area: String,
    period: String,
    value: String,
    #[serde(default)]
    variable: Option<String>,
    #[serde(default, deserialize_with = "parsed_opt")]
    variable_const: Option<VariableKey>,
    #[serde(default)]
    breakdown: Option<Vec<String>>,
    #[serde(default, deserialize_with = "unit_opt")]
    unit: Option<Unit>,
    #[serde(default)]
    variables: BTreeMap<String, MappedVariable>,
    #[serde(default)]
    skip_variables: Vec<String>,
}

/// `[statistics.long]`: one value per row.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "RawLongSpec")]
pub struct LongSpec {
    /// Column of area keys.
    pub area: String,
    /// Column of periods.
    pub period: String,
    /// Column of values.
    pub value: String,
    /// Which variable a row holds.
    pub variable: VariableSource,
    /// Breakdown columns; `None`: every column not named above.
    pub breakdown: Option<Vec<String>>,
    /// Unit of declared variables that give none; default count.
    pub unit: Unit,
    /// Values of the variable column → variables.
    pub variables: BTreeMap<String, MappedVariable>,
    /// Values of the variable column whose rows are skipped.
    pub skip_variables: Vec<String>,
}

impl TryFrom<RawLongSpec> for LongSpec {
    type Error = String;

    fn try_from(raw: RawLongSpec) -> Result<Self, String> {
        let variable = match (raw.variable, raw.variable_const) {
            (Some(column), None) => VariableSource::Column(column),
            (None, Some(key)) if raw.variables.is_empty() => VariableSource::Const(key),
            (None, Some(_)) => {
                return Err("variables maps a variable column; use variable, not variable_const".into());
            }
            _ => return Err("give exactly one of variable (a column) and variable_const".into()),
        };
        let breakdown_columns = raw.breakdown.as_ref().map_or(0, Vec::len);
        if let Some((value, _)) = raw.variables.iter().find(|(_, m)| m.dimension.is_some() && breakdown_columns != 1) {
            return Err(format!("variable {value:?} has a dimension, which needs exactly one breakdown column"));
        }
        Ok(LongSpec {
            area: raw.area,
            period: raw.period,
            value: raw.value,
            variable,
            breakdown: raw.breakdown,
            unit: raw.unit.unwrap_or(Unit::Count),
            variables: raw.variables,
            skip_variables: raw.skip_variables,
        })
    }
}

/// One `[[statistics.wide.column]]`: a column of a wide file and the variable it holds.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WideColumn {
    /// Header of the column.
    pub column: String,
    /// Key of the variable.
    #[serde(deserialize_with = "parsed")]
    pub key: VariableKey,
    /// Display label.
    pub label: String,
    /// Unit.
    #[serde(deserialize_with = "unit")]
    pub unit: Unit,
    /// Period of this column, overriding the table's.
    #[serde(default, deserialize_with = "period_opt")]
    pub period: Option<Period>,
    /// The variable this one is a share of.
    #[serde(default, deserialize_with = "parsed_opt")]
    pub share_of: Option<VariableKey>,
}

/// `[statistics.wide]`: one row per area, one column per variable.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WideSpec {
    /// Column of area keys.
    pub area: String,
    /// Period of all columns that do not give their own.
    #[serde(deserialize_with = "period")]
    pub period: Period,
    /// The columns to import; others are ignored.
    #[serde(rename = "column")]
    pub columns: Vec<WideColumn>,
}

/// The shape of a statistics table.
#[derive(Debug, Clone, PartialEq)]
pub enum Layout {
    /// One value per row.
    Long(LongSpec),
    /// One row per area.
    Wide(WideSpec),
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Format {
    Long,
    Wide,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStatisticsSpec {
    format: Format,
    file: PathBuf,
    #[serde(default)]
    sheet: Option<String>,
    #[serde(default)]
    header: Option<Vec<u64>>,
    #[serde(deserialize_with = "parsed_vec")]
    layers: Vec<LayerKey>,
    #[serde(default)]
    decimal: Decimal,
    #[serde(default)]
    encoding: Encoding,
    #[serde(default)]
    lines: Option<Lines>,
    #[serde(default)]
    ignore_areas: Vec<String>,
    #[serde(default)]
    aliases: BTreeMap<String, String>,
    #[serde(default)]
    variable: Vec<VariableSpec>,
    #[serde(default)]
    long: Option<LongSpec>,
    #[serde(default)]
    wide: Option<WideSpec>,
}

/// The `[statistics]` table: a long or wide table of values per area.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "RawStatisticsSpec")]
pub struct StatisticsSpec {
    /// The `.csv`, `.xlsx` or `.xls` file.
    pub file: PathBuf,
    /// Sheet of a spreadsheet; default the first.
    pub sheet: Option<String>,
    /// The rows of a spreadsheet that hold the column names (each column is named by its last
    /// non-empty cell in them); default the first row.
    pub header: Option<Vec<u64>>,
    /// The layers whose area keys the file may use, in order of preference.
    pub layers: Vec<LayerKey>,
    /// Decimal separator of text cells.
    pub decimal: Decimal,
    /// Encoding of a CSV file.
    pub encoding: Encoding,
    /// The physical lines that hold data.
    pub lines: Option<Lines>,
    /// Area keys whose rows are skipped.
    pub ignore_areas: Vec<String>,
    /// Raw area key → area key.
    pub aliases: BTreeMap<String, String>,
    /// Variables declared for the plain long format.
    pub variables: Vec<VariableSpec>,
    /// Long or wide, with its columns.
    pub layout: Layout,
}

impl TryFrom<RawStatisticsSpec> for StatisticsSpec {
    type Error = String;

    fn try_from(raw: RawStatisticsSpec) -> Result<Self, String> {
        let layout = match (raw.format, raw.long, raw.wide) {
            (Format::Long, Some(long), None) => Layout::Long(long),
            (Format::Wide, None, Some(wide)) => Layout::Wide(wide),
            (Format::Long, _, _) => {
                return Err("format \"long\" needs a [statistics.long] table and no [statistics.wide]".into());
            }
            (Format::Wide, _, _) => {
                return Err("format \"wide\" needs a [statistics.wide] table and no [statistics.long]".into());
            }
        };
        Ok(StatisticsSpec {
            file: raw.file,
            sheet: raw.sheet,
            header: raw.header,
            layers: raw.layers,
            decimal: raw.decimal,
            encoding: raw.encoding,
            lines: raw.lines,
            ignore_areas: raw.ignore_areas,
            aliases: raw.aliases,
            variables: raw.variable,
            layout,
        })
    }
}

/// One `[[institutions.attribute]]`: a column kept as an attribute.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributeSpec {
    /// Header of the column (or GeoJSON property).
    pub column: String,
    /// Label of the attribute.
    pub label: String,
}

fn wgs84() -> String {
    "EPSG:4326".to_owned()
}

/// The `[institutions]` table: points from a CSV file with coordinate columns or from GeoJSON.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstitutionsSpec {
    /// The collection the file is a complete list of, e.g. `schulen` or `kitas`: a later release of
    /// the same collection replaces the whole list, so an institution missing from it is gone.
    #[serde(default = "default_collection")]
    pub collection: String,
    /// The `.csv` or `.geojson`/`.json` file.
    pub file: PathBuf,
    /// Column (or property) of the official number.
    pub key: String,
    /// Columns joined with ", " to the name; empty parts are skipped.
    #[serde(deserialize_with = "one_or_many")]
    pub name: Vec<String>,
    /// Column of the kind, e.g. the Schulform.
    pub kind: String,
    /// Column of the x coordinate (longitude or easting); CSV only.
    #[serde(default)]
    pub x: Option<String>,
    /// Column of the y coordinate (latitude or northing); CSV only.
    #[serde(default)]
    pub y: Option<String>,
    /// Coordinate reference system of x and y; default EPSG:4326.
    #[serde(default = "wgs84")]
    pub crs: String,
    /// Decimal separator of the coordinates and numeric attributes.
    #[serde(default)]
    pub decimal: Decimal,
    /// Encoding of a CSV file.
    #[serde(default)]
    pub encoding: Encoding,
    /// Keep only rows whose listed columns equal these values.
    #[serde(default)]
    pub filter: BTreeMap<String, String>,
    /// Columns kept as attributes.
    #[serde(default, rename = "attribute")]
    pub attributes: Vec<AttributeSpec>,
}

fn default_collection() -> String {
    "einrichtungen".to_owned()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInstitutionStatisticsSpec {
    collection: String,
    file: PathBuf,
    #[serde(default)]
    sheet: Option<String>,
    #[serde(default)]
    header: Option<Vec<u64>>,
    #[serde(default)]
    decimal: Decimal,
    #[serde(default)]
    encoding: Encoding,
    #[serde(default)]
    lines: Option<Lines>,
    institution: String,
    period: String,
    value: String,
    #[serde(default)]
    variable: Option<String>,
    #[serde(default, deserialize_with = "parsed_opt")]
    variable_const: Option<VariableKey>,
    #[serde(default)]
    breakdown: Vec<String>,
    #[serde(default)]
    variables: BTreeMap<String, MappedVariable>,
    #[serde(default)]
    skip_variables: Vec<String>,
    #[serde(default, rename = "variable_def")]
    declared: Vec<VariableSpec>,
}

/// The `[institution_statistics]` table: a long table of values per institution of a collection,
/// such as pupils per school, grade and school year.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "RawInstitutionStatisticsSpec")]
pub struct InstitutionStatisticsSpec {
    /// The collection whose institutions the rows name, e.g. `schulen`; its newest stored list
    /// must have every institution key.
    pub collection: String,
    /// The `.csv`, `.xlsx` or `.xls` file.
    pub file: PathBuf,
    /// Sheet of a spreadsheet; default the first.
    pub sheet: Option<String>,
    /// The rows of a spreadsheet that hold the column names; default the first row.
    pub header: Option<Vec<u64>>,
    /// Decimal separator of text cells.
    pub decimal: Decimal,
    /// Encoding of a CSV file.
    pub encoding: Encoding,
    /// The physical lines that hold data.
    pub lines: Option<Lines>,
    /// Column of institution keys (e.g. the Schulnummer).
    pub institution: String,
    /// Column of periods, e.g. school years such as `2024/25`.
    pub period: String,
    /// Column of values.
    pub value: String,
    /// Which variable a row holds.
    pub variable: VariableSource,
    /// Breakdown columns: each non-empty cell becomes a category `column=value` (e.g. `klasse=5`).
    pub breakdown: Vec<String>,
    /// Values of the variable column → variables.
    pub variables: BTreeMap<String, MappedVariable>,
    /// Values of the variable column whose rows are skipped.
    pub skip_variables: Vec<String>,
    /// Variables declared in `[[institution_statistics.variable_def]]`, for `variable_const` or an
    /// unmapped variable column.
    pub declared: Vec<VariableSpec>,
}

impl TryFrom<RawInstitutionStatisticsSpec> for InstitutionStatisticsSpec {
    type Error = String;

    fn try_from(raw: RawInstitutionStatisticsSpec) -> Result<Self, String> {
        let variable = match (raw.variable, raw.variable_const) {
            (Some(column), None) => VariableSource::Column(column),
            (None, Some(key)) if raw.variables.is_empty() => VariableSource::Const(key),
            (None, Some(_)) => {
                return Err("variables maps a variable column; use variable, not variable_const".into());
            }
            _ => return Err("give exactly one of variable (a column) and variable_const".into()),
        };
        if let Some((value, _)) = raw.variables.iter().find(|(_, m)| m.dimension.is_some()) {
            return Err(format!(
                "variable {value:?} has a dimension; institution statistics name their breakdown columns in breakdown"
            ));
        }
        if raw.collection.trim().is_empty() {
            return Err("collection must not be empty".into());
        }
        Ok(InstitutionStatisticsSpec {
            collection: raw.collection,
            file: raw.file,
            sheet: raw.sheet,
            header: raw.header,
            decimal: raw.decimal,
            encoding: raw.encoding,
            lines: raw.lines,
            institution: raw.institution,
            period: raw.period,
            value: raw.value,
            variable,
            breakdown: raw.breakdown,
            variables: raw.variables,
            skip_variables: raw.skip_variables,
            declared: raw.declared,
        })
    }
}

/// What a release contains.
#[derive(Debug, Clone, PartialEq)]
pub enum ContentSpec {
    /// A layer of areas.
    Layer(LayerSpec),
    /// A statistics table.
    Statistics(StatisticsSpec),
    /// Institutions.
    Institutions(InstitutionsSpec),
    /// Statistics of institutions, such as pupils per school, grade and school year.
    InstitutionStatistics(InstitutionStatisticsSpec),
    /// A crosswalk table between two layers or boundary versions.
    Crosswalk(crate::crosswalk::CrosswalkSpec),
}

impl ContentSpec {
    /// The release kind stored with it: `layer`, `statistics`, `institutions`,
    /// `institution_statistics` or `crosswalk`.
    pub fn kind(&self) -> &'static str {
        match self {
            ContentSpec::Layer(_) => "layer",
            ContentSpec::Statistics(_) => "statistics",
            ContentSpec::Institutions(_) => "institutions",
            ContentSpec::InstitutionStatistics(_) => "institution_statistics",
            ContentSpec::Crosswalk(_) => "crosswalk",
        }
    }

    /// The data file the content is read from.
    pub fn file(&self) -> &Path {
        match self {
            ContentSpec::Layer(s) => &s.file,
            ContentSpec::Statistics(s) => &s.file,
            ContentSpec::Institutions(s) => &s.file,
            ContentSpec::InstitutionStatistics(s) => &s.file,
            ContentSpec::Crosswalk(s) => &s.file,
        }
    }

    /// Makes relative file paths relative to `base`, the manifest's directory.
    pub fn resolve_paths(&mut self, base: &Path) {
        let file = match self {
            ContentSpec::Layer(s) => &mut s.file,
            ContentSpec::Statistics(s) => &mut s.file,
            ContentSpec::Institutions(s) => &mut s.file,
            ContentSpec::InstitutionStatistics(s) => &mut s.file,
            ContentSpec::Crosswalk(s) => &mut s.file,
        };
        *file = base.join(&*file);
    }
}

/// A release manifest: one import is one release.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    /// Provenance and audience.
    pub release: ReleaseSpec,
    /// What to import.
    pub content: ContentSpec,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    release: ReleaseSpec,
    #[serde(default)]
    layer: Option<LayerSpec>,
    #[serde(default)]
    statistics: Option<StatisticsSpec>,
    #[serde(default)]
    institutions: Option<InstitutionsSpec>,
    #[serde(default)]
    institution_statistics: Option<InstitutionStatisticsSpec>,
    #[serde(default)]
    crosswalk: Option<crate::crosswalk::CrosswalkSpec>,
}

/// Parses a manifest from TOML text; `file` names it in errors. Paths stay as written.
pub fn parse_manifest(text: &str, file: &str) -> Result<Manifest, ImportErrors> {
    let raw: RawManifest = toml::from_str(text).map_err(|e| crate::error::toml_error(text, file, &e))?;
    let given = [
        raw.layer.map(ContentSpec::Layer),
        raw.statistics.map(ContentSpec::Statistics),
        raw.institutions.map(ContentSpec::Institutions),
        raw.institution_statistics.map(ContentSpec::InstitutionStatistics),
        raw.crosswalk.map(ContentSpec::Crosswalk),
    ];
    let mut given = given.into_iter().flatten();
    let (Some(content), None) = (given.next(), given.next()) else {
        return Err(ImportErrors::one(
            Position::file(file),
            "a manifest needs exactly one of [layer], [statistics], [institutions], [institution_statistics] \
             and [crosswalk]",
        ));
    };
    Ok(Manifest { release: raw.release, content })
}

/// Reads a manifest file and resolves its data file against the manifest's directory.
pub fn read_manifest(path: &Path) -> Result<Manifest, ImportErrors> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| ImportErrors::one(Position::file(&file), format!("cannot read the manifest: {e}")))?;
    let mut manifest = parse_manifest(&text, &file)?;
    manifest.content.resolve_paths(path.parent().unwrap_or(Path::new(".")));
    Ok(manifest)
}

#[cfg(test)]
mod tests;
