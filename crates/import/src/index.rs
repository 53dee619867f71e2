//! Composite index configurations (`bimo index --config`): which columns of a plain CSV enter
//! which index, with which method, and which areas are left out.

use std::collections::BTreeMap;
use std::path::Path;

use domain::composite::{Aggregation, Cutter, IndexSpec, Normalisation, Sd};
use serde::Deserialize;

use crate::error::{ImportErrors, Position};

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

/// One index of a configuration.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexPart {
    /// Key, used in the output columns and the combined code.
    pub key: String,
    /// Indicator column → weight (negative turns the indicator around).
    pub columns: BTreeMap<String, f64>,
    /// `zscore_population`, `zscore_sample`, `minmax` or `rank`.
    pub normalisation: String,
    /// `sum` or `mean`.
    #[serde(default = "sum")]
    pub aggregation: String,
    /// Divide the aggregate by its standard deviation.
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
}

fn sum() -> String {
    "sum".to_owned()
}

impl IndexPart {
    /// The typed method of this index, with the weights in the order of `columns`.
    pub fn spec(&self) -> Result<IndexSpec, String> {
        let normalisation = match self.normalisation.as_str() {
            "zscore_population" => Normalisation::ZScore(Sd::Population),
            "zscore_sample" => Normalisation::ZScore(Sd::Sample),
            "minmax" => Normalisation::MinMax,
            "rank" => Normalisation::Rank,
            other => {
                return Err(format!(
                    "unknown normalisation {other:?}, expected zscore_population, zscore_sample, minmax or rank"
                ));
            }
        };
        let aggregation = match self.aggregation.as_str() {
            "sum" => Aggregation::Sum,
            "mean" => Aggregation::WeightedMean,
            other => return Err(format!("unknown aggregation {other:?}, expected sum or mean")),
        };
        let cutter = match (self.cuts.is_empty(), self.quantiles, self.equal_width, self.top_share) {
            (false, None, None, None) => Cutter::Cuts(self.cuts.clone()),
            (true, Some(k), None, None) => Cutter::Quantiles(k),
            (true, None, Some(k), None) => Cutter::EqualWidth(k),
            (true, None, Some(rest), Some(top_share)) => {
                if !(top_share > 0.0 && top_share < 1.0) {
                    return Err(format!("top_share must lie between 0 and 1 (exclusive), got {top_share}"));
                }
                Cutter::TopShareThenEqualWidth { top_share, rest }
            }
            _ => {
                return Err("give exactly one of cuts, quantiles and equal_width (with or without top_share)".to_owned());
            }
        };
        let classes = cutter.class_count();
        if self.classes.len() != classes {
            return Err(format!("{} classes need {classes} labels, found {}", self.key, self.classes.len()));
        }
        Ok(IndexSpec {
            weights: self.columns.values().copied().collect(),
            normalisation,
            aggregation,
            restandardise: self.restandardise,
            cutter,
        })
    }
}

/// Parses an index configuration; `file` names it in errors.
pub fn parse_index_config(text: &str, file: &str) -> Result<IndexConfig, ImportErrors> {
    let config: IndexConfig = toml::from_str(text).map_err(|e| crate::error::toml_error(text, file, &e))?;
    for part in &config.indices {
        part.spec().map_err(|m| ImportErrors::one(Position::file(file), m))?;
    }
    Ok(config)
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
