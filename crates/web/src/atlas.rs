//! The atlas view model: the store's snapshot indexed for fast map, table and profile queries.
//!
//! Built once per data version; everything here is pure computation over [`Snapshot`].

use std::collections::{BTreeSet, HashMap};

use domain::classify::{Breaks, ClassMethod, breaks};
use domain::locate::AreaIndex;
use domain::measure::{Measure, per_km2, share_percent};
use domain::{Area, AreaKey, Breakdown, LayerKey, Period, Release, ReleaseId, Unit, Value, VariableKey};
use geo::GeodesicArea;
use store::{KommuneData, LayerVersion, Snapshot};

/// All Kommunen's atlases.
pub struct Atlas {
    /// One per Kommune, by name.
    pub kommunen: Vec<KommuneAtlas>,
    /// The indicator definitions offered on every Kommune's data.
    pub catalogue: std::sync::Arc<Vec<domain::indicator::Definition>>,
    /// The targets set for indicators.
    pub targets: std::sync::Arc<Vec<domain::indicator::Target>>,
    pub(crate) bodies: crate::api::Bodies,
}

impl Atlas {
    /// Indexes a snapshot; `catalogue` is the indicator catalogue offered on it, `targets` the
    /// targets set for those indicators.
    pub fn new(
        snapshot: Snapshot,
        catalogue: std::sync::Arc<Vec<domain::indicator::Definition>>,
        targets: std::sync::Arc<Vec<domain::indicator::Target>>,
    ) -> Atlas {
        let kommunen: Vec<KommuneAtlas> = snapshot.kommunen.into_iter().map(KommuneAtlas::new).collect();
        let bodies = crate::api::bodies(&kommunen);
        Atlas { kommunen, catalogue, targets, bodies }
    }

    /// The atlas of one Kommune.
    pub fn kommune(&self, key: &str) -> Option<&KommuneAtlas> {
        self.kommunen.iter().find(|k| k.data.kommune.key.as_str() == key)
    }

    /// The target a Kommune set for an indicator, for one area or (with `area` `None`) the whole.
    pub fn target(
        &self,
        kommune: &str,
        indicator: &str,
        area: Option<(&str, &str)>,
    ) -> Option<&domain::indicator::Target> {
        self.targets.iter().find(|t| {
            t.kommune.as_str() == kommune
                && t.indicator.as_str() == indicator
                && t.area.as_ref().map(|(l, a)| (l.as_str(), a.as_str())) == area
        })
    }
}

/// A variable with one breakdown: what a map can show.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Variable key.
    pub variable: VariableKey,
    /// Breakdown (the total when empty).
    pub breakdown: Breakdown,
    /// Label for menus, e.g. "Einwohner · alter: 06 - < 10".
    pub label: String,
    /// Unit of the stored values.
    pub unit: Unit,
    /// Periods with data, ascending.
    pub periods: Vec<Period>,
    /// Layers with data.
    pub layers: Vec<LayerKey>,
}

impl Series {
    /// The measures that make sense for this series.
    pub fn measures(&self, has_share_base: bool) -> Vec<Measure> {
        let mut m = vec![Measure::Absolute];
        if !self.breakdown.is_total() || has_share_base {
            m.push(Measure::ShareOfTotal);
        }
        if self.unit == Unit::Count {
            m.push(Measure::PerKm2);
        }
        m
    }

    /// The measure shown when none is asked for: shares for parts, densities for counts.
    pub fn default_measure(&self, has_share_base: bool) -> Measure {
        let m = self.measures(has_share_base);
        if m.contains(&Measure::ShareOfTotal) {
            Measure::ShareOfTotal
        } else if m.contains(&Measure::PerKm2) {
            Measure::PerKm2
        } else {
            Measure::Absolute
        }
    }
}

type CellKey = (LayerKey, VariableKey, Breakdown, Period);

/// The atlas of one Kommune.
pub struct KommuneAtlas {
    /// The visible data.
    pub data: KommuneData,
    /// Every series with data, in menu order.
    pub series: Vec<Series>,
    cells: HashMap<CellKey, HashMap<AreaKey, (Value, ReleaseId)>>,
    area_m2: HashMap<(ReleaseId, AreaKey), f64>,
    geojson: HashMap<ReleaseId, axum::body::Bytes>,
    /// For each layer version, the positions (in `data.institutions`) of the institutions in each area.
    pub(crate) located: HashMap<(ReleaseId, AreaKey), Vec<usize>>,
    pub(crate) bodies: crate::api::KommuneBodies,
}

/// One area's value in a map or table.
#[derive(Debug, Clone)]
pub struct AreaValue<'a> {
    /// The area.
    pub area: &'a Area,
    /// The shown value after applying the measure; `None` when missing.
    pub value: Option<f64>,
    /// The official symbol, when the stored cell holds one.
    pub symbol: Option<domain::Symbol>,
    /// The releases the number comes from.
    pub releases: Vec<ReleaseId>,
}

/// A map or table request after defaults have been applied.
#[derive(Debug, Clone)]
pub struct View<'a> {
    /// The layer version shown.
    pub layer: &'a LayerVersion,
    /// The series shown.
    pub series: &'a Series,
    /// The period shown.
    pub period: Period,
    /// How values are shown.
    pub measure: Measure,
    /// Class method.
    pub method: ClassMethod,
    /// Number of classes asked for.
    pub classes: usize,
}

impl KommuneAtlas {
    fn new(data: KommuneData) -> KommuneAtlas {
        // Keyed by reference while the observations are walked, owned once per distinct key: a
        // demo with single ages has 600,000 observations but only some 50,000 cell keys.
        type Cells<'d> = HashMap<(&'d LayerKey, &'d VariableKey, &'d Breakdown, Period), Vec<usize>>;
        type Found<'d> = HashMap<(&'d VariableKey, &'d Breakdown), (BTreeSet<Period>, BTreeSet<&'d LayerKey>)>;
        let mut by_key: Cells<'_> = HashMap::new();
        let mut found: Found<'_> = HashMap::new();
        for (i, o) in data.observations.iter().enumerate() {
            let ob = &o.observation;
            by_key.entry((&o.layer, &ob.variable, &ob.breakdown, ob.period)).or_default().push(i);
            let e = found.entry((&ob.variable, &ob.breakdown)).or_default();
            e.0.insert(ob.period);
            e.1.insert(&o.layer);
        }
        let cells: HashMap<CellKey, HashMap<AreaKey, (Value, ReleaseId)>> = by_key
            .into_iter()
            .map(|((layer, variable, breakdown, period), rows)| {
                let areas = rows
                    .into_iter()
                    .map(|i| {
                        let o = &data.observations[i];
                        (o.observation.area.clone(), (o.observation.value, o.release))
                    })
                    .collect();
                ((layer.clone(), variable.clone(), breakdown.clone(), period), areas)
            })
            .collect();
        let mut series: Vec<Series> = found
            .into_iter()
            .filter_map(|((variable, breakdown), (periods, layers))| {
                let (variable, breakdown) = (variable.clone(), breakdown.clone());
                let def = data.variable(variable.as_str())?;
                let label = if breakdown.is_total() {
                    def.variable.label.clone()
                } else {
                    let parts: Vec<String> = breakdown.pairs().iter().map(|(d, c)| format!("{d}: {c}")).collect();
                    format!("{} · {}", def.variable.label, parts.join(", "))
                };
                Some(Series {
                    variable,
                    breakdown,
                    label,
                    unit: def.variable.unit.clone(),
                    periods: periods.into_iter().collect(),
                    layers: layers.into_iter().cloned().collect(),
                })
            })
            .collect();
        // Totals first, then breakdowns in the order of their variable's label.
        series.sort_by(|a, b| {
            let la = data.variable(a.variable.as_str()).map(|v| v.variable.label.as_str());
            let lb = data.variable(b.variable.as_str()).map(|v| v.variable.label.as_str());
            (la, !a.breakdown.is_total(), &a.breakdown).cmp(&(lb, !b.breakdown.is_total(), &b.breakdown))
        });
        let area_m2 = data
            .layer_versions
            .iter()
            .flat_map(|v| v.areas.iter().map(move |a| (v.release, a)))
            .filter_map(|(r, a)| Some(((r, a.key.clone()), a.geometry.as_ref()?.geodesic_area_unsigned())))
            .collect();
        let geojson = data.layer_versions.iter().map(|v| (v.release, layer_geojson(v))).collect();
        let located = locate_institutions(&data);
        let mut k =
            KommuneAtlas { data, series, cells, area_m2, geojson, located, bodies: crate::api::KommuneBodies::empty() };
        k.bodies = crate::api::kommune_bodies(&k);
        k
    }

    /// The areas of a layer version as a GeoJSON FeatureCollection, serialised once per data version.
    pub fn areas_geojson(&self, layer: &str, year: Option<i32>) -> Option<axum::body::Bytes> {
        let v = self.data.layer(layer, year)?;
        self.geojson.get(&v.release).cloned()
    }

    /// The series of a variable and breakdown.
    pub fn series(&self, variable: &str, breakdown: &Breakdown) -> Option<&Series> {
        self.series.iter().find(|s| s.variable.as_str() == variable && &s.breakdown == breakdown)
    }

    /// The variable whose total a share of `series` refers to: the same variable's total for a
    /// breakdown, or the variable's `share_of`.
    pub fn share_base(&self, series: &Series) -> Option<(VariableKey, Breakdown)> {
        if !series.breakdown.is_total() {
            return Some((series.variable.clone(), Breakdown::TOTAL));
        }
        let def = self.data.variable(series.variable.as_str())?;
        def.variable.share_of.clone().map(|v| (v, Breakdown::TOTAL))
    }

    /// The stored cell of one area.
    pub fn cell(
        &self,
        layer: &LayerKey,
        variable: &VariableKey,
        breakdown: &Breakdown,
        period: Period,
        area: &AreaKey,
    ) -> Option<(Value, ReleaseId)> {
        self.cells.get(&(layer.clone(), variable.clone(), breakdown.clone(), period))?.get(area).copied()
    }

    /// The area's surface in m², if it has a geometry.
    pub fn area_m2(&self, layer: &LayerVersion, area: &AreaKey) -> Option<f64> {
        self.area_m2.get(&(layer.release, area.clone())).copied()
    }

    /// The value of `series` in `measure` for one area of a layer version.
    pub fn value<'a>(
        &self,
        layer: &LayerVersion,
        area: &'a Area,
        series: &Series,
        period: Period,
        measure: Measure,
    ) -> AreaValue<'a> {
        let key = &layer.layer.key;
        let cell = self.cell(key, &series.variable, &series.breakdown, period, &area.key);
        let mut releases: Vec<ReleaseId> = cell.iter().map(|c| c.1).collect();
        let (value, symbol) = match cell {
            None => (None, None),
            Some((Value::Symbol(s), _)) => (None, Some(s)),
            Some((Value::Number(x), _)) => {
                let shown = match measure {
                    Measure::Absolute => Some(x),
                    Measure::ShareOfTotal => self.share_base(series).and_then(|(v, b)| {
                        let (total, r) = self.cell(key, &v, &b, period, &area.key)?;
                        releases.push(r);
                        share_percent(x, total.number()?)
                    }),
                    Measure::PerKm2 => self.area_m2(layer, &area.key).and_then(|m2| per_km2(x, m2)),
                };
                (shown, None)
            }
        };
        releases.sort();
        releases.dedup();
        AreaValue { area, value, symbol, releases }
    }

    /// The values of all areas of a view, in key order.
    pub fn values<'a>(&self, view: &View<'a>) -> Vec<AreaValue<'a>> {
        view.layer.areas.iter().map(|a| self.value(view.layer, a, view.series, view.period, view.measure)).collect()
    }

    /// Class breaks for a view's values.
    pub fn breaks(&self, view: &View<'_>, values: &[AreaValue<'_>]) -> Option<Breaks> {
        let v: Vec<f64> = values.iter().filter_map(|a| a.value).collect();
        breaks(&v, view.method, view.classes)
    }

    /// The releases behind a set of values, oldest first.
    pub fn releases_of(&self, values: &[AreaValue<'_>]) -> Vec<&Release> {
        let mut ids: Vec<ReleaseId> = values.iter().flat_map(|v| v.releases.iter().copied()).collect();
        ids.sort();
        ids.dedup();
        ids.into_iter().filter_map(|id| self.data.release(id)).collect()
    }

    /// The layer version and area that enclose `area` of `layer` (its parent), if any.
    pub fn parent_of(&self, layer: &LayerVersion, area: &Area, year: Option<i32>) -> Option<(&LayerVersion, &Area)> {
        let parent_layer = self.data.layer(layer.layer.parent.as_ref()?.as_str(), year)?;
        let key = area.parent.as_ref()?;
        let parent = parent_layer.areas.iter().find(|a| &a.key == key)?;
        Some((parent_layer, parent))
    }

    /// The chain of enclosing areas, from the outermost down to (excluding) `area`.
    pub fn ancestors(&self, layer: &LayerVersion, area: &Area, year: Option<i32>) -> Vec<(&LayerVersion, &Area)> {
        let mut out = Vec::new();
        let mut current = self.parent_of(layer, area, year);
        while let Some((l, a)) = current {
            if out.len() > 16 {
                break;
            }
            out.push((l, a));
            current = self.parent_of(l, a, year);
        }
        out.reverse();
        out
    }

    /// The whole-Kommune reference area: the single area of a top layer (no parent), if there is one.
    pub fn city(&self, year: Option<i32>) -> Option<(&LayerVersion, &Area)> {
        let top =
            self.data.layer_versions.iter().find(|v| {
                v.layer.parent.is_none() && v.areas.len() == 1 && year.is_none_or(|y| v.validity.contains(y))
            })?;
        Some((top, &top.areas[0]))
    }

    /// The institutions inside an area (all of them for an area without geometry).
    pub fn institutions_in(&self, area: &Area) -> Vec<&store::InstitutionRecord> {
        match &area.geometry {
            None => self.data.institutions.iter().collect(),
            Some(g) => {
                let index = AreaIndex::new([g]);
                self.data.institutions.iter().filter(|i| index.locate(i.institution.location).is_some()).collect()
            }
        }
    }
}

/// Which institutions lie in which area, for every layer version.
fn locate_institutions(data: &KommuneData) -> HashMap<(ReleaseId, AreaKey), Vec<usize>> {
    let mut located: HashMap<(ReleaseId, AreaKey), Vec<usize>> = HashMap::new();
    for version in &data.layer_versions {
        let with_geometry: Vec<&Area> = version.areas.iter().filter(|a| a.geometry.is_some()).collect();
        let index = AreaIndex::new(with_geometry.iter().filter_map(|a| a.geometry.as_ref()));
        for (i, record) in data.institutions.iter().enumerate() {
            if let Some(n) = index.locate(record.institution.location) {
                located.entry((version.release, with_geometry[n].key.clone())).or_default().push(i);
            }
        }
    }
    located
}

fn layer_geojson(v: &LayerVersion) -> axum::body::Bytes {
    let features: Vec<geojson::Feature> = v
        .areas
        .iter()
        .map(|a| {
            let mut properties = geojson::JsonObject::new();
            properties.insert("key".into(), a.key.as_str().into());
            properties.insert("name".into(), a.name.clone().into());
            properties.insert("parent".into(), a.parent.as_ref().map(|p| p.as_str()).into());
            properties.insert("layer".into(), v.layer.key.as_str().into());
            properties.insert("release".into(), v.release.0.into());
            geojson::Feature {
                bbox: None,
                geometry: a.geometry.as_ref().map(geojson::Geometry::from),
                id: Some(geojson::feature::Id::String(a.key.to_string())),
                properties: Some(properties),
                foreign_members: None,
            }
        })
        .collect();
    axum::body::Bytes::from(geojson::FeatureCollection { bbox: None, features, foreign_members: None }.to_string())
}
