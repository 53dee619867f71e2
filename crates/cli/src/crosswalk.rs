//! `bimo crosswalk`: the shares with which the counts of one layer (version) are re-estimated on
//! another, computed from the store's geometries (and counts), written as a CSV table.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context;
use domain::crosswalk::{Basis, Crosswalk};
use domain::{Audience, Breakdown, Period};
use store::{LayerVersion, Store};

/// A layer, optionally in the version valid in a year: `stadtteil` or `stadtteil@2009`.
#[derive(Debug, Clone)]
pub struct LayerChoice {
    /// The layer key.
    pub layer: String,
    /// The year whose version is meant; the newest version without one.
    pub year: Option<i32>,
}

impl std::str::FromStr for LayerChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<LayerChoice, String> {
        match s.split_once('@') {
            None => Ok(LayerChoice { layer: s.to_owned(), year: None }),
            Some((layer, year)) => {
                let year = year.parse().map_err(|_| format!("invalid year in {s:?}; write layer@2012"))?;
                Ok(LayerChoice { layer: layer.to_owned(), year: Some(year) })
            }
        }
    }
}

/// Weights from the counts of a finer layer: `stadtviertel:einwohner:2012`.
#[derive(Debug, Clone)]
pub struct CountsChoice {
    layer: String,
    variable: String,
    period: Period,
}

impl std::str::FromStr for CountsChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<CountsChoice, String> {
        let parts: Vec<&str> = s.split(':').collect();
        let [layer, variable, period] = parts.as_slice() else {
            return Err(format!("{s:?}: write layer:variable:period, e.g. stadtteil:einwohner:2012"));
        };
        let period = period.parse().map_err(|e: domain::period::PeriodError| e.to_string())?;
        Ok(CountsChoice { layer: (*layer).to_owned(), variable: (*variable).to_owned(), period })
    }
}

/// What `bimo crosswalk` found.
#[derive(Debug)]
pub struct Summary {
    /// How the shares were computed.
    pub basis: Basis,
    /// The rows written: source, target, share.
    pub rows: usize,
    /// Source areas that received no share (outside every target area).
    pub unmatched: Vec<String>,
}

fn version<'a>(versions: &'a [LayerVersion], choice: &LayerChoice) -> anyhow::Result<&'a LayerVersion> {
    versions.iter().find(|v| choice.year.is_none_or(|y| v.validity.contains(y))).with_context(|| match choice.year {
        Some(y) => format!("layer {} has no version valid in {y}", choice.layer),
        None => format!("layer {} is not in the store", choice.layer),
    })
}

/// Computes the crosswalk `from` → `to` of a Kommune and writes it to `output` as CSV
/// (`von;nach;anteil`).
pub fn run(
    store: &Store,
    kommune: &str,
    from: &LayerChoice,
    to: &LayerChoice,
    counts: Option<&CountsChoice>,
    output: &Path,
) -> anyhow::Result<Summary> {
    let from_versions = store.layer_versions(kommune, &from.layer)?;
    let to_versions = store.layer_versions(kommune, &to.layer)?;
    let (source, target) = (version(&from_versions, from)?, version(&to_versions, to)?);
    let (crosswalk, basis) = match counts {
        None => (Crosswalk::by_area(&source.areas, &target.areas), Basis::Area),
        Some(c) => {
            let fine_versions = store.layer_versions(kommune, &c.layer)?;
            let fine =
                version(&fine_versions, &LayerChoice { layer: c.layer.clone(), year: Some(c.period.start_year()) })?;
            let snapshot = store.snapshot(Audience::Internal)?;
            let data = snapshot.kommune(kommune).with_context(|| format!("no Kommune {kommune:?} in the store"))?;
            let values: HashMap<&str, f64> = data
                .observations
                .iter()
                .filter(|o| {
                    o.layer.as_str() == c.layer
                        && o.observation.variable.as_str() == c.variable
                        && o.observation.period == c.period
                        && o.observation.breakdown == Breakdown::TOTAL
                })
                .filter_map(|o| Some((o.observation.area.as_str(), o.observation.value.number()?)))
                .collect();
            anyhow::ensure!(!values.is_empty(), "no values of {} on {} in {}", c.variable, c.layer, c.period);
            let fine: Vec<(&domain::Area, f64)> =
                fine.areas.iter().filter_map(|a| Some((a, *values.get(a.key.as_str())?))).collect();
            (Crosswalk::by_counts(&source.areas, &target.areas, &fine), Basis::Counts)
        }
    };
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_path(output)
        .with_context(|| format!("cannot write {}", output.display()))?;
    writer.write_record(["von", "nach", "anteil"])?;
    let rows = crosswalk.rows();
    for (f, t, share) in &rows {
        writer.write_record([f.as_str(), t.as_str(), &share.to_string()])?;
    }
    writer.flush()?;
    let placed: std::collections::HashSet<&str> = rows.iter().map(|(f, _, _)| f.as_str()).collect();
    let unmatched = source.areas.iter().map(|a| a.key.to_string()).filter(|k| !placed.contains(k.as_str())).collect();
    Ok(Summary { basis, rows: rows.len(), unmatched })
}
