//! Indicators on a Kommune's data: which definitions can be computed, and their values per area.
//!
//! The pure computation is `domain::indicator`; this module supplies its [`Cells`] from the atlas:
//! stored values, counts summed up from the child areas where an area has none of its own (never an
//! average of rates), the area in km² from the geometry (`flaeche_km2`), and the institutions
//! located in the area.

use std::collections::{BTreeSet, HashMap};

use domain::crosswalk::{Basis, Crosswalk};
use domain::expression::Cells;
use domain::indicator::{Computed, Definition, Kind, NotReported};
use domain::uncertainty::{Judgement, significance};
use domain::{Area, AreaKey, Breakdown, Period, Unit, Value, VariableKey};
use store::LayerVersion;

use crate::atlas::KommuneAtlas;

/// The variable that, when not in the data, is the area's surface from its geometry.
const AREA_KM2: &str = "flaeche_km2";

/// Whether a Kommune's data can feed a definition.
#[derive(Debug, Clone, PartialEq)]
pub struct Availability {
    /// Variables the definition needs that the Kommune does not have.
    pub missing: Vec<String>,
    /// Variables whose unit does not fit the definition (a share summed, a percentage in a rate).
    pub unit_mismatches: Vec<String>,
}

impl Availability {
    /// Whether everything needed is there and fits.
    pub fn computable(&self) -> bool {
        self.missing.is_empty() && self.unit_mismatches.is_empty()
    }
}

/// An indicator value of one area with its comparison to the city.
#[derive(Debug, Clone)]
pub struct AreaIndicator<'a> {
    /// The area.
    pub area: &'a Area,
    /// The value or why there is none.
    pub result: Result<Computed, NotReported>,
    /// Significantly better / similar / worse than the city, where there is an interval.
    pub judgement: Option<Judgement>,
}

/// One value of a definition for one area and period (for exports and benchmarks).
#[derive(Debug, Clone)]
pub struct IndicatorRow<'a> {
    /// The layer version the area belongs to (the one valid in the period's year).
    pub layer: &'a LayerVersion,
    /// The area.
    pub area: &'a Area,
    /// The period; `None` for definitions that only count institutions.
    pub period: Option<Period>,
    /// The value or why there is none.
    pub result: Result<Computed, NotReported>,
}

impl KommuneAtlas {
    /// Which of a definition's inputs this Kommune lacks.
    pub fn availability(&self, d: &Definition) -> Availability {
        let mut missing: Vec<String> = d
            .variables()
            .into_iter()
            .filter(|v| v.as_str() != AREA_KM2 && self.data.variable(v.as_str()).is_none())
            .map(ToString::to_string)
            .collect();
        if d.uses_institutions() && self.data.institutions.is_empty() {
            missing.push("einrichtungen".to_owned());
        }
        Availability { missing, unit_mismatches: self.unit_mismatches(d) }
    }

    /// Variables whose unit the definition cannot use: only counts and balances may be summed, and
    /// shares and rates are formed from counts.
    fn unit_mismatches(&self, d: &Definition) -> Vec<String> {
        let mut problems = Vec::new();
        let needs_counts = matches!(d.kind, Kind::Proportion | Kind::Rate);
        for expr in std::iter::once(&d.numerator).chain(&d.denominator) {
            let summed = expr.terms().len() > 1;
            for v in expr.variables() {
                let Some(info) = self.data.variable(v.as_str()) else { continue };
                let unit = &info.variable.unit;
                if needs_counts && *unit != Unit::Count {
                    problems.push(format!("{v} ist keine Anzahl (Einheit {})", unit.code()));
                } else if summed && !unit.is_additive() {
                    problems.push(format!("{v} lässt sich nicht summieren (Einheit {})", unit.code()));
                }
            }
        }
        problems.sort();
        problems.dedup();
        problems
    }

    /// The periods in which every variable of a definition has data; empty for definitions that
    /// only count institutions (they refer to the current list).
    pub fn indicator_periods(&self, d: &Definition) -> Vec<Period> {
        let variables: Vec<&VariableKey> = d.variables().into_iter().filter(|v| v.as_str() != AREA_KM2).collect();
        let periods_of = |v: &VariableKey| -> BTreeSet<Period> {
            self.series.iter().filter(|s| &s.variable == v).flat_map(|s| s.periods.iter().copied()).collect()
        };
        let mut all: Option<BTreeSet<Period>> = None;
        for v in variables {
            let p = periods_of(v);
            all = Some(match all {
                None => p,
                Some(a) => a.intersection(&p).copied().collect(),
            });
        }
        all.map(|a| a.into_iter().collect()).unwrap_or_default()
    }

    /// The layers on which a definition has values: those of its variables' series, or every layer
    /// with geometry for definitions that only count institutions.
    pub fn indicator_layers(&self, d: &Definition) -> Vec<&LayerVersion> {
        let keys = self.data.layer_keys();
        let wanted: Vec<&VariableKey> = d.variables();
        keys.into_iter()
            .filter_map(|l| self.data.layer(l.as_str(), None))
            .filter(|v| {
                let direct = wanted.iter().all(|w| {
                    w.as_str() == AREA_KM2
                        || self.series.iter().any(|s| &s.variable == *w && s.layers.contains(&v.layer.key))
                });
                direct || (wanted.is_empty() && v.areas.iter().any(|a| a.geometry.is_some()))
            })
            .collect()
    }

    /// The value of an expression (e.g. a target population `einwohner[alter=3..6]`) for one area
    /// in one period, with the same cells as the indicators.
    pub fn expression_value(
        &self,
        expr: &domain::expression::Expr,
        layer: &LayerVersion,
        area: &Area,
        period: Period,
    ) -> Result<f64, domain::expression::Gap> {
        expr.evaluate(&AreaCells { atlas: self, layer, area, period: Some(period) })
    }

    /// The value of a definition for one area in one period.
    pub fn indicator(
        &self,
        d: &Definition,
        layer: &LayerVersion,
        area: &Area,
        period: Option<Period>,
    ) -> Result<Computed, NotReported> {
        d.compute(&AreaCells { atlas: self, layer, area, period })
    }

    /// The values of a definition for all areas of a layer, each judged against the benchmark's
    /// value: the city's, or that of a chosen area (of any layer).
    pub fn indicator_values<'a>(
        &self,
        d: &Definition,
        layer: &'a LayerVersion,
        period: Option<Period>,
        benchmark: Option<(&LayerVersion, &Area)>,
    ) -> (Vec<AreaIndicator<'a>>, Option<Computed>) {
        let year = period.map(Period::start_year);
        let city = benchmark.or_else(|| self.city(year)).and_then(|(l, a)| self.indicator(d, l, a, period).ok());
        let values = layer
            .areas
            .iter()
            .map(|area| {
                let result = self.indicator(d, layer, area, period);
                let judgement = match (&result, &city) {
                    (Ok(c), Some(bench)) => c.interval.and_then(|i| significance(i, bench.value, d.polarity)),
                    _ => None,
                };
                AreaIndicator { area, result, judgement }
            })
            .collect();
        (values, city)
    }

    /// Every value of a definition: each layer of [`Self::indicator_layers`] (in the version valid
    /// in the period's year), each of its areas and each period of [`Self::indicator_periods`]
    /// (`None` for definitions that read no variable; nothing if the variables share no period).
    pub fn all_indicator_values(&self, d: &Definition) -> Vec<IndicatorRow<'_>> {
        let periods: Vec<Option<Period>> = match self.indicator_periods(d) {
            p if !p.is_empty() => p.into_iter().map(Some).collect(),
            _ if d.variables().iter().any(|v| v.as_str() != AREA_KM2) => Vec::new(),
            _ => vec![None],
        };
        let mut rows = Vec::new();
        for layer in self.indicator_layers(d) {
            for &period in &periods {
                let version = period
                    .and_then(|p| self.data.layer(layer.layer.key.as_str(), Some(p.start_year())))
                    .unwrap_or(layer);
                rows.extend(version.areas.iter().map(|area| IndicatorRow {
                    layer: version,
                    area,
                    period,
                    result: self.indicator(d, version, area, period),
                }));
            }
        }
        rows
    }

    /// The number of institutions in an area matching `filters` (or the sum of `attribute`), as an
    /// indicator term `einrichtungen…` sees it.
    pub fn institutions_value(
        &self,
        layer: &LayerVersion,
        area: &Area,
        attribute: Option<&str>,
        filters: &[(String, String)],
    ) -> f64 {
        AreaCells { atlas: self, layer, area, period: None }.institutions(attribute, filters)
    }

    /// An area's indicator over `periods`, all on the boundaries of `layer` (one version of a layer).
    /// Periods in which another version of the layer was valid are re-estimated: numerator and
    /// denominator are computed on that version's areas and carried over with an imported crosswalk
    /// between the two versions where there is one, else by surface shares
    /// ([`Crosswalk::by_area`]); the ratio is formed afterwards. Each value says whether it was
    /// re-estimated, and the basis of the re-estimation is returned.
    pub fn indicator_series_on(
        &self,
        d: &Definition,
        layer: &LayerVersion,
        area: &Area,
        periods: &[Period],
    ) -> (Vec<(Option<f64>, bool)>, Option<Basis>) {
        let mut basis = None;
        // One crosswalk per source version: intersecting the geometries is the expensive part.
        let mut crosswalks: HashMap<domain::ReleaseId, Crosswalk> = HashMap::new();
        let values = periods
            .iter()
            .map(|&p| {
                let version = self.data.layer(layer.layer.key.as_str(), Some(p.start_year()));
                match version {
                    Some(v) if v.release != layer.release => {
                        let crosswalk = crosswalks.entry(v.release).or_insert_with(|| {
                            let (crosswalk, b) = self.crosswalk(v, layer);
                            basis = Some(b);
                            crosswalk
                        });
                        (self.reestimated(d, v, crosswalk, area, p), true)
                    }
                    _ => (self.indicator(d, layer, area, Some(p)).ok().map(|c| c.value), false),
                }
            })
            .collect();
        (values, basis)
    }

    /// The crosswalk from one layer version to another: an imported one that links them, or one
    /// computed from the geometries.
    pub fn crosswalk(&self, source: &LayerVersion, target: &LayerVersion) -> (Crosswalk, Basis) {
        let links = |(layer, year): &(domain::LayerKey, Option<i32>), v: &LayerVersion| {
            layer == &v.layer.key
                && match year {
                    Some(y) => v.validity.contains(*y),
                    None => self.data.layer(v.layer.key.as_str(), None).is_some_and(|n| n.release == v.release),
                }
        };
        match self.data.crosswalks.iter().find(|c| links(&c.from, source) && links(&c.to, target)) {
            Some(c) => (c.crosswalk.clone(), Basis::Imported),
            None => (Crosswalk::by_area(&source.areas, &target.areas), Basis::Area),
        }
    }

    /// The indicator of `area` in `period`, from the counts of the `source` version carried over.
    fn reestimated(
        &self,
        d: &Definition,
        source: &LayerVersion,
        crosswalk: &Crosswalk,
        area: &Area,
        period: Period,
    ) -> Option<f64> {
        let counts = |expr: &domain::expression::Expr| -> HashMap<AreaKey, f64> {
            source
                .areas
                .iter()
                .filter_map(|a| {
                    let cells = AreaCells { atlas: self, layer: source, area: a, period: Some(period) };
                    Some((a.key.clone(), expr.evaluate(&cells).ok()?))
                })
                .collect()
        };
        let (numerators, _) = crosswalk.reestimate(&counts(&d.numerator));
        let numerator = *numerators.get(&area.key)?;
        match &d.denominator {
            None => Some(d.factor * numerator),
            Some(den) => {
                let (denominators, _) = crosswalk.reestimate(&counts(den));
                let denominator = *denominators.get(&area.key)?;
                (denominator > 0.0 && denominator >= d.min_denominator).then(|| d.factor * numerator / denominator)
            }
        }
    }

    /// The stored value of a cell, or the sum over the child areas for additive variables.
    fn cell_or_sum(
        &self,
        layer: &LayerVersion,
        area: &AreaKey,
        variable: &VariableKey,
        breakdown: &Breakdown,
        period: Period,
        depth: usize,
    ) -> Option<Value> {
        if let Some((v, _)) = self.cell(&layer.layer.key, variable, breakdown, period, area) {
            return Some(v);
        }
        let additive = self.data.variable(variable.as_str()).is_some_and(|v| v.variable.unit.is_additive());
        if !additive || depth > 8 {
            return None;
        }
        let year = Some(period.start_year());
        let child_layer = self
            .data
            .layer_keys()
            .into_iter()
            .filter_map(|k| self.data.layer(k.as_str(), year))
            .find(|v| v.layer.parent.as_ref() == Some(&layer.layer.key))?;
        let children: Vec<&Area> = child_layer.areas.iter().filter(|a| a.parent.as_ref() == Some(area)).collect();
        if children.is_empty() {
            return None;
        }
        let mut total = 0.0;
        for child in children {
            match self.cell_or_sum(child_layer, &child.key, variable, breakdown, period, depth + 1)? {
                Value::Number(x) => total += x,
                symbol @ Value::Symbol(_) => return Some(symbol),
            }
        }
        Some(Value::Number(total))
    }
}

/// One area and period as seen by an indicator definition.
struct AreaCells<'a> {
    atlas: &'a KommuneAtlas,
    layer: &'a LayerVersion,
    area: &'a Area,
    period: Option<Period>,
}

impl Cells for AreaCells<'_> {
    fn value(&self, variable: &VariableKey, breakdown: &Breakdown) -> Option<Value> {
        if let Some(period) = self.period
            && let Some(v) = self.atlas.cell_or_sum(self.layer, &self.area.key, variable, breakdown, period, 0)
        {
            return Some(v);
        }
        if variable.as_str() == AREA_KM2 && breakdown.is_total() {
            return self.atlas.area_m2(self.layer, &self.area.key).map(|m2| Value::Number(m2 / 1_000_000.0));
        }
        None
    }

    fn categories(&self, variable: &VariableKey, dimension: &str) -> Vec<String> {
        self.atlas
            .series
            .iter()
            .filter(|s| &s.variable == variable)
            .filter_map(|s| match s.breakdown.pairs() {
                [(d, c)] if d == dimension => Some(c.clone()),
                _ => None,
            })
            .collect()
    }

    fn institutions(&self, attribute: Option<&str>, filters: &[(String, String)]) -> f64 {
        let all: Vec<usize>;
        let positions: &[usize] = match &self.area.geometry {
            // An area without geometry (a city total known only by key) holds all institutions.
            None => {
                all = (0..self.atlas.data.institutions.len()).collect();
                &all
            }
            Some(_) => self.atlas.located.get(&(self.layer.release, self.area.key.clone())).map_or(&[], Vec::as_slice),
        };
        positions
            .iter()
            .map(|&i| &self.atlas.data.institutions[i].institution)
            .filter(|i| {
                filters.iter().all(|(name, value)| match name.as_str() {
                    "art" => &i.kind == value,
                    _ => i.attributes.iter().any(|(n, v)| n == name && v == value),
                })
            })
            .map(|i| match attribute {
                None => 1.0,
                Some(a) => i
                    .attributes
                    .iter()
                    .find(|(n, _)| n == a)
                    .and_then(|(_, v)| v.replace(',', ".").parse::<f64>().ok())
                    .unwrap_or(0.0),
            })
            .sum()
    }
}

/// "12,3 %", "4,5", "17 Schulen": an indicator value as the atlas and the reports show it – German
/// digits, one decimal except for counts; "%" and the unit of counts are written, other units (e.g.
/// "je 100 Personen 18 bis unter 65") stand in the method notes.
pub fn value_text(d: &Definition, x: f64) -> String {
    let decimals = if d.kind == domain::indicator::Kind::Count { 0 } else { 1 };
    let number = render::format_de(x, decimals);
    match d.unit.as_str() {
        "" => number,
        "%" => format!("{number} %"),
        unit if d.kind == domain::indicator::Kind::Count => format!("{number} {unit}"),
        _ => number,
    }
}
