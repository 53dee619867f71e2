//! The reports the atlas offers for download: [`web::reports::Reports`] implemented with this
//! crate, so the web crate needs no typst.

use web::AppError;
use web::atlas::Atlas;
use web::reports::{ReportFormat, Reports};

use crate::{BuildError, ProfileConfig, Style, build_profile, html, pdf, school_forecasts};

/// Quartiersprofile for the atlas, with one configuration and one style for every area.
#[derive(Debug, Clone)]
pub struct AtlasReports {
    config: ProfileConfig,
    style: Style,
    plans: Vec<import::PlanningConfig>,
}

impl AtlasReports {
    /// Profiles built with `config`, typeset in `style`.
    pub fn new(config: ProfileConfig, style: Style) -> AtlasReports {
        AtlasReports { config, style, plans: Vec::new() }
    }

    /// The same, showing the forecasts of these Schulentwicklungsplanungen for the schools in the
    /// area, computed from the atlas of each request.
    pub fn with_planning(self, plans: Vec<import::PlanningConfig>) -> AtlasReports {
        AtlasReports { plans, ..self }
    }
}

impl Reports for AtlasReports {
    fn profile(
        &self,
        atlas: &Atlas,
        kommune: &str,
        layer: &str,
        area: &str,
        format: ReportFormat,
    ) -> Result<Vec<u8>, AppError> {
        let plans: Vec<import::PlanningConfig> = self.plans.iter().filter(|p| p.kommune == kommune).cloned().collect();
        // A plan that cannot be computed leaves its section out rather than every profile.
        let forecasts = school_forecasts(atlas, &plans).unwrap_or_else(|e| {
            tracing::warn!("Quartiersprofil without planning figures: {e}");
            Vec::new()
        });
        let config = ProfileConfig { forecasts, ..self.config.clone() };
        let profile = build_profile(atlas, kommune, layer, area, &config).map_err(|e| match e {
            BuildError::UnknownKommune(_) | BuildError::UnknownLayer { .. } | BuildError::UnknownArea { .. } => {
                AppError::NotFound(e.to_string())
            }
            other => AppError::Internal(other.to_string()),
        })?;
        match format {
            ReportFormat::Pdf => {
                pdf(&profile, &self.style).map(|p| p.bytes).map_err(|e| AppError::Internal(e.to_string()))
            }
            ReportFormat::Html => Ok(html(&profile, &self.style).into_bytes()),
        }
    }
}
