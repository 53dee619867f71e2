//! Documents the atlas offers for download but does not typeset itself: the report crate, which
//! depends on this one, implements [`Reports`], and the binary hands it to
//! [`crate::AppState::with_reports`]. Without it the atlas shows no report links.

use crate::AppError;
use crate::atlas::Atlas;

/// The form of a downloaded document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// A tagged PDF.
    Pdf,
    /// A standalone, accessible HTML file.
    Html,
}

impl ReportFormat {
    /// The file extension, also the last part of the download's path.
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Pdf => "pdf",
            ReportFormat::Html => "html",
        }
    }

    /// The media type of the response.
    pub fn content_type(self) -> &'static str {
        match self {
            ReportFormat::Pdf => "application/pdf",
            ReportFormat::Html => "text/html; charset=utf-8",
        }
    }
}

/// Typesets documents from the atlas. Called on the blocking pool: typesetting takes a second.
pub trait Reports: Send + Sync {
    /// The Quartiersprofil of `area` in `layer` of `kommune`: [`AppError::NotFound`] for an
    /// unknown Kommune, layer or area.
    fn profile(
        &self,
        atlas: &Atlas,
        kommune: &str,
        layer: &str,
        area: &str,
        format: ReportFormat,
    ) -> Result<Vec<u8>, AppError>;
}
