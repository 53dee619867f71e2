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
    /// The plan's first and last forecast school year.
    pub years: (i32, i32),
    /// In the first year: pupils and utilisation (pupils / places); `None` if the school is not open.
    pub first: Option<(f64, f64)>,
    /// In the last year: pupils, utilisation and places − pupils; `None` if the school is closed.
    pub last: Option<(f64, f64, f64)>,
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
        let years = (config.launch + 1, config.launch + i32::from(config.horizon));
        for s in &outcome.schools {
            let capacity = |year: i32| s.years.iter().find(|y| y.year == year).and_then(|y| y.capacity.as_ref());
            out.push(SchoolForecast {
                kommune: config.kommune.clone(),
                plan: config.title.clone(),
                school: s.school.clone(),
                schulform: s.schulform.clone(),
                years,
                first: capacity(years.0).map(|c| (c.pupils, c.utilisation)),
                last: capacity(years.1).map(|c| (c.pupils, c.utilisation, c.places_balance)),
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
