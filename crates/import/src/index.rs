//! Composite index configurations (`bimo index --config`): which columns of a plain CSV enter
//! which index, with which method, which areas are left out, and how the sensitivity of the ranks
//! to the method choices is tested. The user reference is `docs/INDEX.md`.

use std::collections::BTreeMap;
use std::path::Path;

use domain::composite::{Aggregation, Cutter, Goalposts, IndexSpec, Normalisation, Sd, ZeroRule};
use domain::monitoring::{Exclusion as MonitoringExclusion, MonitoringSpec, Part};
use domain::sensitivity::Alternatives;
use serde::Deserialize;
use toml::de::{DeTable, DeValue};

use crate::error::{Errors, ImportErrors, Position};

/// A composite index configuration, e.g. the Berlin MSS preset.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexConfig {
    /// Column of the area key.
    pub id: String,
    /// Column of the area name, if any.
    #[serde(default)]
    pub name: Option<String>,
    /// Columns of the inhabitants at the dates of the observation window.
    #[serde(default)]
    pub population: Vec<String>,
    /// Areas with fewer inhabitants at either date are left out.
    #[serde(default)]
    pub min_population: Option<f64>,
    /// Areas left out by decision, with the reason (e.g. an outlier).
    #[serde(default)]
    pub exclude: Vec<Exclusion>,
    /// The indices, computed over the same areas (e.g. status and dynamics).
    #[serde(rename = "index")]
    pub indices: Vec<IndexPart>,
    /// How the class labels of the indices combine into one code, e.g. "{status}{dynamik}".
    #[serde(default)]
    pub combined: Option<String>,
    /// The Monte Carlo sensitivity analysis, run for every index ([`IndexPart::alternatives`]).
    #[serde(default)]
    pub sensitivity: Option<SensitivityConfig>,
    /// Where the index runs on the store and in the atlas; the column names above are then
    /// catalogue indicators or variable keys.
    #[serde(default)]
    pub store: Option<StoreTarget>,
}

/// The `[store]` table: the Kommune and layer an index runs on, and how the atlas presents it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreTarget {
    /// Title in the atlas, e.g. "Monitoring Soziale Stadtentwicklung".
    pub title: String,
    /// One or two sentences on what the index is for and where the method comes from.
    #[serde(default)]
    pub description: String,
    /// The Kommune key.
    pub kommune: String,
    /// The layer of the areas.
    pub layer: String,
    /// Codes (combined codes, or classes of the first index) that make an area an
    /// Aufmerksamkeitsgebiet, e.g. `["3+/-", "4-"]`.
    #[serde(default)]
    pub attention: Vec<String>,
}

/// An area left out by decision.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exclusion {
    /// Its key.
    pub id: String,
    /// Why.
    pub reason: String,
}

/// A normalisation as named in a configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NormalisationName {
    /// `zscore_population`: z-scores with the population SD.
    ZscorePopulation,
    /// `zscore_sample`: z-scores with the sample SD.
    ZscoreSample,
    /// `minmax`: (x − min)/(max − min).
    Minmax,
    /// `goalposts`: (x − lo)/(hi − lo) capped to [0, 1], with the index's `goalposts` table.
    Goalposts,
    /// `rank`: ranks from 1 for the lowest value.
    Rank,
}

/// An aggregation as named in a configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AggregationName {
    /// `sum`: Σ |w|·y.
    Sum,
    /// `mean`: Σ |w|·y / Σ |w|.
    Mean,
    /// `geometric`: Π y^(|w|/Σ|w|), with the index's `zero_rule`.
    Geometric,
}

/// What the geometric mean does with values of zero or below: `zero_rule = "reject"` or
/// `zero_rule = { offset = 0.01 }`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZeroRuleConfig {
    /// Such a value is an error.
    Reject,
    /// Add this positive number to every normalised value before taking logarithms.
    Offset(f64),
}

/// One index of a configuration.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexPart {
    /// Key, used in the output columns and the combined code.
    pub key: String,
    /// Indicator column → weight (negative for an indicator where a high value is good).
    pub columns: BTreeMap<String, f64>,
    /// The normalisation.
    pub normalisation: NormalisationName,
    /// Indicator column → `[lo, hi]`, for `normalisation = "goalposts"` (and for goalposts among
    /// the sensitivity alternatives): one entry per column, lo < hi.
    #[serde(default)]
    pub goalposts: BTreeMap<String, [f64; 2]>,
    /// The aggregation, `sum` when not given.
    #[serde(default = "sum")]
    pub aggregation: AggregationName,
    /// For `aggregation = "geometric"`: what to do with values of zero or below; `reject` when
    /// not given.
    #[serde(default)]
    pub zero_rule: Option<ZeroRuleConfig>,
    /// Standardise the aggregate (subtract its mean, divide by its standard deviation).
    #[serde(default)]
    pub restandardise: bool,
    /// Cut points on the index; or give `quantiles`/`equal_width`.
    #[serde(default)]
    pub cuts: Vec<f64>,
    /// Number of quantile classes.
    #[serde(default)]
    pub quantiles: Option<usize>,
    /// Number of equal-width classes; with `top_share`, the number of classes below the top class.
    #[serde(default)]
    pub equal_width: Option<usize>,
    /// Share of the areas with the highest index that form a class of their own above the
    /// `equal_width` classes (the NRW Schulsozialindex hybrid: 0.05 with 8 equal-width classes).
    #[serde(default)]
    pub top_share: Option<f64>,
    /// Label of each class, lowest first (e.g. "1", "2", … or "+", "+/-", "-").
    pub classes: Vec<String>,
    /// Name of each class (e.g. "hoch", "mittel", …).
    #[serde(default)]
    pub names: Vec<String>,
    /// On the store: 0 (the default) for levels, or the number of years over which each
    /// indicator's change is taken (the dynamics of Berlin and Hamburg: 2 or 3).
    #[serde(default)]
    pub window: i32,
}

/// The `[sensitivity]` table: which method choices the Monte Carlo analysis draws.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SensitivityConfig {
    /// Number of runs, at least 1.
    pub runs: usize,
    /// Seed of the random generator; the same seed gives the same result.
    pub seed: u64,
    /// Each weight is multiplied by a factor drawn from [1 − spread, 1 + spread]; 0 (the default)
    /// keeps the weights; below 1.
    #[serde(default)]
    pub weight_spread: f64,
    /// Leave out one indicator, drawn at random, in every run.
    #[serde(default)]
    pub drop_one: bool,
    /// Normalisations to draw from; empty (the default) keeps each index's own.
    #[serde(default)]
    pub normalisations: Vec<NormalisationName>,
}

fn sum() -> AggregationName {
    AggregationName::Sum
}

/// A configuration error and the keys, below the table checked, of the value it is about.
struct Problem {
    keys: Vec<String>,
    message: String,
}

impl Problem {
    fn at(keys: &[&str], message: impl Into<String>) -> Problem {
        Problem { keys: keys.iter().map(|k| (*k).to_owned()).collect(), message: message.into() }
    }
}

impl IndexPart {
    /// The typed method of this index, with the weights in the order of `columns`.
    pub fn spec(&self) -> Result<IndexSpec, String> {
        self.check().map_err(|p| p.message)
    }

    /// The alternatives of the sensitivity analysis for this index, with the goalposts of this
    /// index where `goalposts` is among the normalisations.
    pub fn alternatives(&self, sensitivity: &SensitivityConfig) -> Result<Alternatives, String> {
        self.check_alternatives(sensitivity).map_err(|p| p.message)
    }

    fn check(&self) -> Result<IndexSpec, Problem> {
        let weights: Vec<f64> = self.columns.values().copied().collect();
        if weights.iter().any(|w| !w.is_finite()) || weights.iter().all(|w| *w == 0.0) {
            return Err(Problem::at(&["columns"], "give at least one column with a weight other than 0"));
        }
        for (column, &[lo, hi]) in &self.goalposts {
            if !self.columns.contains_key(column) {
                return Err(Problem::at(
                    &["goalposts", column],
                    format!("goalposts for {column}, which is not in columns"),
                ));
            }
            if !(lo.is_finite() && hi.is_finite()) || lo >= hi {
                return Err(Problem::at(
                    &["goalposts", column],
                    format!("the goalposts of {column} must be [lo, hi] with lo < hi, got [{lo}, {hi}]"),
                ));
            }
        }
        let normalisation = self.normalisation_of(self.normalisation).map_err(|message| Problem {
            keys: vec![if self.goalposts.is_empty() { "normalisation" } else { "goalposts" }.to_owned()],
            message,
        })?;
        let aggregation = match (self.aggregation, self.zero_rule) {
            (AggregationName::Sum, None) => Aggregation::Sum,
            (AggregationName::Mean, None) => Aggregation::WeightedMean,
            (AggregationName::Geometric, rule) => {
                if matches!(normalisation, Normalisation::ZScore(_)) {
                    return Err(Problem::at(&["aggregation"], GEOMETRIC_OF_Z_SCORES));
                }
                Aggregation::Geometric(match rule {
                    None | Some(ZeroRuleConfig::Reject) => ZeroRule::Reject,
                    Some(ZeroRuleConfig::Offset(e)) if e.is_finite() && e > 0.0 => ZeroRule::Offset(e),
                    Some(ZeroRuleConfig::Offset(e)) => {
                        return Err(Problem::at(
                            &["zero_rule"],
                            format!("the offset must be a positive number, got {e}"),
                        ));
                    }
                })
            }
            (_, Some(_)) => {
                return Err(Problem::at(&["zero_rule"], "zero_rule applies only to aggregation = \"geometric\""));
            }
        };
        let cutter = match (self.cuts.is_empty(), self.quantiles, self.equal_width, self.top_share) {
            (false, None, None, None) => Cutter::Cuts(self.cuts.clone()),
            (true, Some(k), None, None) => Cutter::Quantiles(k),
            (true, None, Some(k), None) => Cutter::EqualWidth(k),
            (true, None, Some(rest), Some(top_share)) => {
                if !(top_share > 0.0 && top_share < 1.0) {
                    return Err(Problem::at(
                        &["top_share"],
                        format!("top_share must lie between 0 and 1 (exclusive), got {top_share}"),
                    ));
                }
                Cutter::TopShareThenEqualWidth { top_share, rest }
            }
            _ => {
                let given = ["cuts", "quantiles", "equal_width", "top_share"];
                let present = [
                    !self.cuts.is_empty(),
                    self.quantiles.is_some(),
                    self.equal_width.is_some(),
                    self.top_share.is_some(),
                ];
                let at = given.iter().zip(present).filter(|(_, p)| *p).map(|(k, _)| *k).nth(1).unwrap_or("classes");
                return Err(Problem::at(
                    &[at],
                    "give exactly one of cuts, quantiles and equal_width (with or without top_share)",
                ));
            }
        };
        let classes = cutter.class_count();
        if self.classes.len() != classes {
            return Err(Problem::at(
                &["classes"],
                format!("{} classes need {classes} labels, found {}", self.key, self.classes.len()),
            ));
        }
        Ok(IndexSpec { weights, normalisation, aggregation, restandardise: self.restandardise, cutter })
    }

    /// The typed normalisation `name`; goalposts come from this index's `goalposts` table.
    fn normalisation_of(&self, name: NormalisationName) -> Result<Normalisation, String> {
        Ok(match name {
            NormalisationName::ZscorePopulation => Normalisation::ZScore(Sd::Population),
            NormalisationName::ZscoreSample => Normalisation::ZScore(Sd::Sample),
            NormalisationName::Minmax => Normalisation::MinMax,
            NormalisationName::Rank => Normalisation::Rank,
            NormalisationName::Goalposts => {
                let missing: Vec<&str> =
                    self.columns.keys().filter(|c| !self.goalposts.contains_key(*c)).map(String::as_str).collect();
                if !missing.is_empty() {
                    return Err(format!(
                        "index {}: goalposts missing for {}; give goalposts = {{ column = [lo, hi], … }} for every column",
                        self.key,
                        missing.join(", ")
                    ));
                }
                Normalisation::Goalposts(self.goalposts.values().map(|&[lo, hi]| Goalposts { lo, hi }).collect())
            }
        })
    }

    fn check_alternatives(&self, s: &SensitivityConfig) -> Result<Alternatives, Problem> {
        if s.runs == 0 {
            return Err(Problem::at(&["runs"], "runs must be at least 1"));
        }
        if !(0.0..1.0).contains(&s.weight_spread) {
            return Err(Problem::at(
                &["weight_spread"],
                format!("weight_spread must lie in [0, 1), got {}", s.weight_spread),
            ));
        }
        if s.drop_one && self.columns.len() < 2 {
            return Err(Problem::at(
                &["drop_one"],
                format!("index {} has one column, so none can be left out", self.key),
            ));
        }
        let geometric = self.aggregation == AggregationName::Geometric;
        let normalisations = s
            .normalisations
            .iter()
            .map(|&name| {
                let n = self.normalisation_of(name).map_err(|m| Problem::at(&["normalisations"], m))?;
                if geometric && matches!(n, Normalisation::ZScore(_)) {
                    return Err(Problem::at(
                        &["normalisations"],
                        format!("index {} uses the geometric mean: {GEOMETRIC_OF_Z_SCORES}", self.key),
                    ));
                }
                Ok(n)
            })
            .collect::<Result<Vec<_>, Problem>>()?;
        Ok(Alternatives {
            normalisations,
            weight_spread: s.weight_spread,
            drop_one: s.drop_one,
            runs: s.runs,
            seed: s.seed,
        })
    }
}

const GEOMETRIC_OF_Z_SCORES: &str =
    "the geometric mean needs positive values: use minmax, goalposts or rank normalisation, not z-scores";

/// One step on the way from the top of a TOML document to a value.
pub(crate) enum Step<'a> {
    Key(&'a str),
    Item(usize),
}

/// The position of the value at `path` in `text`, or of the deepest table or array on the way
/// that exists.
pub(crate) fn locate(text: &str, file: &str, path: &[Step<'_>]) -> Position {
    let Ok(root) = DeTable::parse(text) else {
        return Position::file(file);
    };
    let root = DeValue::Table(root.into_inner());
    let mut value = &root;
    let mut start = None;
    for step in path {
        let next = match step {
            Step::Key(key) => value.get(*key),
            Step::Item(i) => value.get(*i),
        };
        let Some(next) = next else { break };
        start = Some(next.span().start);
        value = next.get_ref();
    }
    start.map_or_else(|| Position::file(file), |s| crate::error::text_position(text, file, s))
}

impl IndexConfig {
    /// The typed method of the whole configuration: inclusion rules, every index with its class
    /// codes and names (the codes where no names are given), the combined code.
    pub fn monitoring(&self) -> Result<MonitoringSpec, String> {
        let parts = self
            .indices
            .iter()
            .map(|p| {
                Ok(Part {
                    key: p.key.clone(),
                    indicators: p.columns.keys().cloned().collect(),
                    spec: p.spec()?,
                    codes: p.classes.clone(),
                    names: if p.names.is_empty() { p.classes.clone() } else { p.names.clone() },
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(MonitoringSpec {
            min_population: self.min_population,
            exclusions: self
                .exclude
                .iter()
                .map(|e| MonitoringExclusion { key: e.id.clone(), reason: e.reason.clone() })
                .collect(),
            parts,
            combined: self.combined.clone(),
        })
    }

    /// Checks what concerns the whole configuration; the keys lead to the value at fault.
    fn check(&self) -> Result<(), (Vec<Step<'static>>, String)> {
        for (i, part) in self.indices.iter().enumerate() {
            let classes = part.spec().map(|s| s.cutter.class_count()).unwrap_or(part.classes.len());
            if part.classes.len() != classes {
                return Err((
                    vec![Step::Key("index"), Step::Item(i), Step::Key("classes")],
                    format!("{} class labels for {classes} classes", part.classes.len()),
                ));
            }
            if !part.names.is_empty() && part.names.len() != part.classes.len() {
                return Err((
                    vec![Step::Key("index"), Step::Item(i), Step::Key("names")],
                    format!("{} names for {} classes", part.names.len(), part.classes.len()),
                ));
            }
            if part.window < 0 {
                return Err((
                    vec![Step::Key("index"), Step::Item(i), Step::Key("window")],
                    format!("the window is a number of years, 0 or more, got {}", part.window),
                ));
            }
        }
        if let (Some(target), Some(first)) = (&self.store, self.indices.first()) {
            // Combined codes such as "3+/-" belong to the first index's class they start with.
            if let Err(e) =
                domain::attention::AttentionRule::new(first.classes.clone(), target.attention.iter().cloned())
            {
                return Err((vec![Step::Key("store"), Step::Key("attention")], e.to_string()));
            }
        }
        Ok(())
    }
}

/// Parses an index configuration; `file` names it in errors.
pub fn parse_index_config(text: &str, file: &str) -> Result<IndexConfig, ImportErrors> {
    let config: IndexConfig = toml::from_str(text).map_err(|e| crate::error::toml_error(text, file, &e))?;
    let mut errors = Errors::default();
    for (i, part) in config.indices.iter().enumerate() {
        if let Err(p) = part.check() {
            let mut path = vec![Step::Key("index"), Step::Item(i)];
            path.extend(p.keys.iter().map(|k| Step::Key(k)));
            errors.push(locate(text, file, &path), p.message);
        }
        if let Some(Err(p)) = config.sensitivity.as_ref().map(|s| part.check_alternatives(s)) {
            let mut path = vec![Step::Key("sensitivity")];
            path.extend(p.keys.iter().map(|k| Step::Key(k)));
            errors.push(locate(text, file, &path), p.message);
        }
    }
    if let Err((path, message)) = config.check() {
        errors.push(locate(text, file, &path), message);
    }
    errors.finish(config)
}

/// Reads an index configuration file.
pub fn read_index_config(path: &Path) -> Result<IndexConfig, ImportErrors> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| ImportErrors::one(Position::file(&file), format!("cannot read the index configuration: {e}")))?;
    parse_index_config(&text, &file)
}

#[cfg(test)]
mod tests;
