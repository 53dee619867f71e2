//! Planning figures of a Quartiersprofil: for each school of a Schulentwicklungsplanung, its
//! forecast pupils and utilisation in the first and the last year of the base run, computed once
//! per plan with `web::planning` (the atlas's planning pages use the same) and then looked up per
//! area.

use domain::{Period, ReleaseId};
use import::PlanningConfig;
use web::atlas::Atlas;

use crate::build::BuildError;

/// The base-run forecast of one school.
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolForecast {
    /// The Kommune (store key).
    pub kommune: String,
    /// The plan's title.
    pub plan: String,
    /// The school's key.
    pub school: String,
    /// Its Schulform in the plan.
    pub schulform: String,
    /// First forecast year: school year, pupils, utilisation (pupils / places).
    pub first: (i32, f64, f64),
    /// Last forecast year: school year, pupils, utilisation, places − pupils.
    pub last: (i32, f64, f64, f64),
    /// The releases the plan reads (schools, pupils, population).
    pub releases: Vec<ReleaseId>,
}

/// The forecasts of every school of every plan, base run; a plan that cannot be computed is an
/// error naming it.
pub fn school_forecasts(atlas: &Atlas, plans: &[PlanningConfig]) -> Result<Vec<SchoolForecast>, BuildError> {
    let mut out = Vec::new();
    for config in plans {
        let fail = |reason: String| BuildError::Planning { plan: config.title.clone(), reason };
        let Some(k) = atlas.kommune(&config.kommune) else { continue };
        let plan = web::planning::plan(k, config).map_err(|e| fail(e.to_string()))?;
        let outcome = web::planning::evaluate(&plan, None).map_err(|e| fail(e.to_string()))?;
        let releases: Vec<ReleaseId> = plan.releases.iter().map(|r| r.id).collect();
        for s in &outcome.schools {
            let open: Vec<(i32, &domain::capacity::YearCapacity)> =
                s.years.iter().filter_map(|y| Some((y.year, y.capacity.as_ref()?))).collect();
            let (Some((y0, c0)), Some((yn, cn))) = (open.first(), open.last()) else { continue };
            out.push(SchoolForecast {
                kommune: config.kommune.clone(),
                plan: config.title.clone(),
                school: s.school.clone(),
                schulform: s.schulform.clone(),
                first: (*y0, c0.pupils, c0.utilisation),
                last: (*yn, cn.pupils, cn.utilisation, cn.places_balance),
                releases: releases.clone(),
            });
        }
    }
    Ok(out)
}

/// "2025/26".
pub(crate) fn school_year(y: i32) -> String {
    Period::SchoolYear(y).to_string()
}
