//! Origin–destination tables (Übergänge, Bildungswanderung) read from an atlas for the Sankey page.
//!
//! The Statistikstelle writes its flows as count variables by residence area and a destination
//! dimension – `ziel_schulform`, `ziel_schule` of the transitions, `schulbezirk` (eigener/fremder)
//! of the Grundschule pupils (docs/STATISTIKSTELLE.md §3) – and, where a table has two dimensions,
//! crossed with another one. A variable with such a dimension is an origin–destination table; its
//! origins are either the child areas of a chosen area or the categories of the other dimension.

use std::collections::BTreeSet;

use domain::{Area, Breakdown, LayerKey, Period, ReleaseId, Value, VariableKey};
use store::LayerVersion;

use crate::atlas::KommuneAtlas;

/// Whether a breakdown dimension names where the counted persons went.
pub fn is_destination(dimension: &str) -> bool {
    dimension.starts_with("ziel_") || dimension.starts_with("nach_") || dimension == "schulbezirk"
}

/// A readable heading for a dimension: `ziel_schulform` → "Schulform (Ziel)",
/// `herkunft_schule` → "Schule (Herkunft)", `familiensprache_nicht_deutsch` → "Familiensprache
/// nicht deutsch".
pub fn dimension_label(dimension: &str) -> String {
    let capitalised = |s: &str| {
        let text = s.replace('_', " ");
        let mut chars = text.chars();
        chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
    };
    for (prefix, role) in [("ziel_", "Ziel"), ("nach_", "Ziel"), ("herkunft_", "Herkunft"), ("von_", "Herkunft")] {
        if let Some(rest) = dimension.strip_prefix(prefix) {
            return format!("{} ({role})", capitalised(rest));
        }
    }
    capitalised(dimension)
}

/// A variable of a Kommune that is an origin–destination table.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowVariable {
    /// The variable.
    pub variable: VariableKey,
    /// Its label.
    pub label: String,
    /// The destination dimension.
    pub destination: String,
    /// The other dimensions the table crosses the destination with, sorted.
    pub crossed: Vec<String>,
    /// The periods with data, ascending.
    pub periods: Vec<Period>,
    /// The layers with data.
    pub layers: Vec<LayerKey>,
}

/// The origin–destination tables of a Kommune: transitions (`ziel_*`, `nach_*`) first, then the
/// others, each in the atlas's menu order.
pub fn flow_variables(k: &KommuneAtlas) -> Vec<FlowVariable> {
    let mut out: Vec<FlowVariable> = Vec::new();
    for s in &k.series {
        let [(dimension, _)] = s.breakdown.pairs() else { continue };
        if !is_destination(dimension) || out.iter().any(|f| f.variable == s.variable && &f.destination == dimension) {
            continue;
        }
        let of_variable = || k.series.iter().filter(|o| o.variable == s.variable);
        let crossed: BTreeSet<String> = of_variable()
            .filter_map(|o| match o.breakdown.pairs() {
                [(a, _), (b, _)] if a == dimension => Some(b.clone()),
                [(a, _), (b, _)] if b == dimension => Some(a.clone()),
                _ => None,
            })
            .collect();
        let periods: BTreeSet<Period> = of_variable().flat_map(|o| o.periods.iter().copied()).collect();
        let layers: BTreeSet<LayerKey> = of_variable().flat_map(|o| o.layers.iter().cloned()).collect();
        let label =
            k.data.variable(s.variable.as_str()).map_or_else(|| s.variable.to_string(), |v| v.variable.label.clone());
        out.push(FlowVariable {
            variable: s.variable.clone(),
            label,
            destination: dimension.clone(),
            crossed: crossed.into_iter().collect(),
            periods: periods.into_iter().collect(),
            layers: layers.into_iter().collect(),
        });
    }
    out.sort_by_key(|f| f.destination == "schulbezirk");
    out
}

/// Where the flows of a table start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The child areas of the chosen area (the area itself when it has none with data).
    Areas,
    /// The categories of another dimension of the table, in the chosen area.
    Dimension(String),
}

/// One origin or destination of a table: its key, its label and its published total.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowNode {
    /// Area key or category.
    pub key: String,
    /// Area name or category.
    pub label: String,
    /// The stored total: a number, an official symbol (`.` withheld) or nothing.
    pub total: Option<Value>,
}

/// An origin–destination table of one area and period.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowTable {
    /// The heading of the origins: the child layer's name or the dimension's label.
    pub origin_heading: String,
    /// The origins, in key order.
    pub origins: Vec<FlowNode>,
    /// The destinations, the dimension's categories in alphabetical order, with the area's counts.
    pub destinations: Vec<FlowNode>,
    /// The cells, `[origin][destination]`: a number, a symbol, or nothing stored.
    pub cells: Vec<Vec<Option<Value>>>,
    /// The area's total.
    pub total: Option<Value>,
    /// The releases the cells come from, sorted.
    pub releases: Vec<ReleaseId>,
}

/// The categories of `dimension` among the variable's breakdowns, sorted.
fn categories(k: &KommuneAtlas, variable: &VariableKey, dimension: &str) -> Vec<String> {
    let found: BTreeSet<&String> = k
        .series
        .iter()
        .filter(|s| &s.variable == variable)
        .flat_map(|s| s.breakdown.pairs().iter().filter(|(d, _)| d == dimension).map(|(_, c)| c))
        .collect();
    found.into_iter().cloned().collect()
}

/// The layer version below `layer` with data for the variable, and the areas of it in `area`.
pub fn children<'a>(
    k: &'a KommuneAtlas,
    flows: &FlowVariable,
    layer: &LayerVersion,
    area: &Area,
    period: Period,
) -> Option<(&'a LayerVersion, Vec<&'a Area>)> {
    let year = Some(period.start_year());
    let child = k
        .data
        .layer_keys()
        .into_iter()
        .filter(|key| flows.layers.contains(key))
        .filter_map(|key| k.data.layer(key.as_str(), year))
        .find(|v| v.layer.parent.as_ref() == Some(&layer.layer.key))?;
    let areas: Vec<&Area> = child.areas.iter().filter(|a| a.parent.as_ref() == Some(&area.key)).collect();
    (!areas.is_empty()).then_some((child, areas))
}

/// The breakdown of the given (dimension, category) pairs; `None` if they make none (they come from
/// stored breakdowns, so they always do).
fn parts(pairs: &[(&str, &str)]) -> Option<Breakdown> {
    Breakdown::new(pairs.iter().map(|(d, c)| ((*d).to_owned(), (*c).to_owned()))).ok()
}

/// The table of `flows` in `area` of `layer` and `period`, from `origin`.
pub fn flow_table(
    k: &KommuneAtlas,
    flows: &FlowVariable,
    origin: &Origin,
    layer: &LayerVersion,
    area: &Area,
    period: Period,
) -> FlowTable {
    let variable = &flows.variable;
    let mut releases: BTreeSet<ReleaseId> = BTreeSet::new();
    let mut cell = |layer: &LayerKey, area: &Area, breakdown: Option<Breakdown>| {
        k.cell(layer, variable, &breakdown?, period, &area.key).map(|(v, r)| {
            releases.insert(r);
            v
        })
    };
    let here = &layer.layer.key;
    let destinations: Vec<String> = categories(k, variable, &flows.destination);
    let destination_nodes: Vec<FlowNode> = destinations
        .iter()
        .map(|c| FlowNode {
            key: c.clone(),
            label: c.clone(),
            total: cell(here, area, parts(&[(&flows.destination, c)])),
        })
        .collect();
    let total = cell(here, area, Some(Breakdown::TOTAL));
    let (origin_heading, origins, cells) = match origin {
        Origin::Dimension(dimension) => {
            let nodes: Vec<FlowNode> = categories(k, variable, dimension)
                .into_iter()
                .map(|c| FlowNode { total: cell(here, area, parts(&[(dimension, &c)])), key: c.clone(), label: c })
                .collect();
            let cells = nodes
                .iter()
                .map(|o| {
                    destinations
                        .iter()
                        .map(|d| cell(here, area, parts(&[(dimension, &o.key), (&flows.destination, d)])))
                        .collect()
                })
                .collect();
            (dimension_label(dimension), nodes, cells)
        }
        Origin::Areas => {
            let (child_layer, areas) = match children(k, flows, layer, area, period) {
                Some((l, areas)) => (l, areas),
                None => (layer, vec![area]),
            };
            let key = &child_layer.layer.key;
            let nodes: Vec<FlowNode> = areas
                .iter()
                .map(|a| FlowNode {
                    key: a.key.to_string(),
                    label: a.name.clone(),
                    total: cell(key, a, Some(Breakdown::TOTAL)),
                })
                .collect();
            let cells = areas
                .iter()
                .map(|a| destinations.iter().map(|d| cell(key, a, parts(&[(&flows.destination, d)]))).collect())
                .collect();
            (child_layer.layer.name.clone(), nodes, cells)
        }
    };
    FlowTable {
        origin_heading,
        origins,
        destinations: destination_nodes,
        cells,
        total,
        releases: releases.into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations_are_named_by_the_statistikstelle_s_flow_columns() {
        assert!(is_destination("ziel_schulform") && is_destination("schulbezirk") && is_destination("nach_klasse"));
        assert!(!is_destination("alter") && !is_destination("herkunft_schule"));
        assert_eq!(dimension_label("ziel_schulform"), "Schulform (Ziel)");
        assert_eq!(dimension_label("herkunft_schule"), "Schule (Herkunft)");
        assert_eq!(dimension_label("familiensprache_nicht_deutsch"), "Familiensprache nicht deutsch");
        assert_eq!(dimension_label("schulbezirk"), "Schulbezirk");
    }
}
