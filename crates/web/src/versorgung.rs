//! The coverage and gap analysis of support offers on an atlas: reads each area's target
//! population (the configuration's expression, in the newest period in which at least half of the
//! layer's areas have it), its need class (the status class of the configured index in its newest
//! edition) and its representative point, and hands them with the offers to the pure
//! `domain::angebot::coverage`.

use domain::Period;
use domain::angebot::{Angebot, AreaNeed, Coverage, GapSettings, LifePhase};
use domain::attention::Datum;
use domain::indicator::Definition;
use domain::locate::AreaIndex;
use geo::Centroid;
use import::{VersorgungConfig, Zielgruppe};
use store::LayerVersion;

use crate::AppError;
use crate::atlas::KommuneAtlas;
use crate::monitoring::{IndexDefinition, edition, editions};

/// One analysis: what it was computed on, and the result.
#[derive(Debug)]
pub struct GapAnalysis<'a> {
    /// The target group of the life phase.
    pub zielgruppe: &'a Zielgruppe,
    /// The period of the target population.
    pub period: Period,
    /// The layer version compared.
    pub layer: &'a LayerVersion,
    /// The index whose status classes are the need, with its edition, if configured and computable.
    pub need: Option<(String, Period)>,
    /// The result, in the order of the layer's areas.
    pub coverage: Coverage,
}

/// The newest period in which at least half of the layer's areas have the target population,
/// with the values.
fn population(k: &KommuneAtlas, layer: &LayerVersion, group: &Zielgruppe) -> Option<(Period, Vec<Option<f64>>)> {
    let mut periods: Vec<Period> = k.series.iter().flat_map(|s| s.periods.iter().copied()).collect();
    periods.sort();
    periods.dedup();
    periods.into_iter().rev().find_map(|period| {
        let values: Vec<Option<f64>> =
            layer.areas.iter().map(|a| k.expression_value(&group.population, layer, a, period).ok()).collect();
        (values.iter().filter(|v| v.is_some()).count() * 2 >= layer.areas.len().max(1)).then_some((period, values))
    })
}

/// Each area's need class (1 = least) from the index's newest edition: the class of its first part.
fn need_classes(
    k: &KommuneAtlas,
    catalogue: &[Definition],
    index: &IndexDefinition,
) -> Option<(Period, Vec<(String, u8)>)> {
    let period = *editions(k, catalogue, index).ok()?.last()?;
    let run = edition(k, catalogue, index, period).ok()?;
    let classes = run
        .result
        .areas
        .iter()
        .filter_map(|a| Some((a.key.clone(), u8::try_from(a.parts.first()?.class + 1).ok()?)))
        .collect();
    Some((period, classes))
}

/// The analysis of `phase` on the configured layer, with the offers of that phase running on `day`.
pub fn analyse<'a>(
    k: &'a KommuneAtlas,
    catalogue: &[Definition],
    indices: &[IndexDefinition],
    config: &'a VersorgungConfig,
    phase: LifePhase,
    offers: &[Angebot],
    day: Datum,
) -> Result<GapAnalysis<'a>, AppError> {
    let zielgruppe = config.zielgruppen.iter().find(|z| z.phase == phase).ok_or_else(|| {
        AppError::NotFound(format!("Für die Lebensphase {} ist keine Zielgruppe eingerichtet.", phase.label()))
    })?;
    let layer = k
        .data
        .layer(config.layer.as_str(), None)
        .ok_or_else(|| AppError::NotFound(format!("keine Ebene {}", config.layer)))?;
    let (period, populations) = population(k, layer, zielgruppe).ok_or_else(|| {
        AppError::NotFound(format!(
            "Die Zielgruppe „{}“ ({}) ist in keinem Zeitraum für die Hälfte der Gebiete zu berechnen.",
            zielgruppe.label, zielgruppe.population
        ))
    })?;
    let index = config
        .index
        .as_ref()
        .and_then(|key| indices.iter().find(|i| &i.key == key && i.kommune == k.data.kommune.key.as_str()))
        .filter(|i| i.layer == config.layer.as_str());
    let need = index.and_then(|i| need_classes(k, catalogue, i).map(|(p, classes)| (i.title.clone(), p, classes)));
    let areas: Vec<AreaNeed> = layer
        .areas
        .iter()
        .zip(&populations)
        // An area without the target population is left out (shown as "keine Daten"), on both
        // sides of the city's benchmark, rather than counted as one without need.
        .filter_map(|(a, population)| {
            let target_population = (*population)?;
            let point = a.geometry.as_ref()?.centroid()?;
            let need_class = need
                .as_ref()
                .and_then(|(_, _, classes)| classes.iter().find(|(key, _)| key == a.key.as_str()).map(|(_, c)| *c));
            Some(AreaNeed { area: a.key.clone(), name: a.name.clone(), target_population, need_class, point })
        })
        .collect();
    let polygons: Vec<_> = layer.areas.iter().filter_map(|a| Some((a.key.clone(), a.geometry.as_ref()?))).collect();
    let locator = AreaIndex::new(polygons.iter().map(|(_, g)| *g));
    let locate = |p: geo::Point<f64>| locator.locate(p).map(|i| polygons[i].0.clone());
    let offers: Vec<Angebot> = offers.iter().filter(|o| o.phase == phase).cloned().collect();
    let settings = GapSettings { day, detour_factor: config.detour_factor, max_walk_m: config.max_walk_m };
    let coverage = domain::angebot::coverage(&offers, &areas, &locate, &settings);
    Ok(GapAnalysis { zielgruppe, period, layer, need: need.map(|(title, p, _)| (title, p)), coverage })
}
