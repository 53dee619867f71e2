//! Reports from the store as PDF (typst) and accessible HTML: first the Quartiersprofil
//! (Steckbrief) of one area.
//!
//! The flow is model in, bytes out, and each step is pure and synchronous, so a web handler runs it
//! on the blocking pool:
//! - [`build_profile`] gathers a [`Profile`] from a [`web::atlas::Atlas`] with the atlas's own
//!   computations (indicators with their significance against the city, the Sozialmonitoring class,
//!   the located schools) and draws its figures with `render`, the atlas's SVG renderer;
//! - [`typst_source`] and [`html`] write the profile as typst markup and as one HTML file;
//! - [`pdf`] compiles the markup with typst as a library in a [`World`](typst::World) that serves
//!   only that markup, the SVGs and the fonts embedded in `typst-assets`: no file system, no
//!   network, no system fonts. The PDF's date is the profile's (the newest release used) and its
//!   identifier is derived from the area and the release ids, so the same snapshot gives the same
//!   bytes on every machine.
//!
//! typst (and its weight) stays in this crate; `domain` knows nothing of it.
//!
//! ```no_run
//! use std::sync::Arc;
//! let store = store::Store::open(std::path::Path::new("bimo.sqlite"))?;
//! let atlas = web::atlas::Atlas::new(store.snapshot(domain::Audience::Public)?, Arc::default(), Arc::default());
//! let profile = report::build_profile(&atlas, "koeln", "stadtteil", "101", &Default::default())?;
//! let style = report::Style::default();
//! let pdf = report::pdf(&profile, &style)?;
//! let html = report::html(&profile, &style);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod atlas_reports;
mod build;
mod changes;
mod compose;
mod document;
mod document_html;
mod document_typst;
mod forecasts;
mod html;
mod markdown;
mod model;
mod placeholder;
mod typst_source;
mod world;

pub use atlas_reports::AtlasReports;
pub use build::{BuildError, ProfileConfig, build_profile};
pub use compose::build_document;
pub use document::{
    Chapter, ChapterSpec, Content, Document, DocumentInput, DocumentSpec, ElementSpec, Narrative, SpecError, Stand,
    StandValue, Table,
};
pub use document_html::document_html;
pub use document_typst::document_typst_source;
pub use forecasts::{SchoolForecast, school_forecasts};
pub use html::html;
pub use markdown::{Block, Inline};
pub use model::{Figure, IndicatorLine, MethodNote, MonitoringClass, Profile, ReleaseNote, School, Style};
pub use typst_source::typst_source;

use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

/// Why a PDF could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReportError {
    /// typst rejected the markup or a figure (a bug in this crate or in a figure's SVG).
    #[error("typst: {0}")]
    Typst(String),
}

fn typst_error(diagnostics: &[typst::diag::SourceDiagnostic]) -> ReportError {
    ReportError::Typst(diagnostics.iter().map(|d| d.message.as_str()).collect::<Vec<_>>().join("; "))
}

/// A compiled profile: the PDF and its number of pages.
#[derive(Debug, Clone, PartialEq)]
pub struct Pdf {
    /// The PDF file.
    pub bytes: Vec<u8>,
    /// Its pages.
    pub pages: usize,
}

/// The files a profile's markup refers to, by their absolute path in the typst project (its
/// figures `/abb/N.svg`, their legends `/abb/N-legende.svg` and the logo `/logo.svg`): what the typst command-line compiler needs
/// beside [`typst_source`] under its `--root`.
pub fn files(p: &Profile, style: &Style) -> Vec<(String, Vec<u8>)> {
    project_files(typst_source::figures(p), style)
}

/// The files a report's markup refers to, as [`files`] for a profile.
pub fn document_files(doc: &Document, style: &Style) -> Vec<(String, Vec<u8>)> {
    project_files(document_typst::figures(doc), style)
}

fn project_files(figures: Vec<&Figure>, style: &Style) -> Vec<(String, Vec<u8>)> {
    figures
        .into_iter()
        .enumerate()
        .flat_map(|(i, f)| {
            std::iter::once((typst_source::figure_path(i), f.svg.clone().into_bytes()))
                .chain(f.legend.iter().map(move |l| (typst_source::legend_path(i), l.clone().into_bytes())))
        })
        .chain(style.logo.iter().map(|l| (typst_source::LOGO_PATH.to_owned(), l.clone().into_bytes())))
        .collect()
}

/// The profile as a tagged PDF (PDF/UA-1).
pub fn pdf(p: &Profile, style: &Style) -> Result<Pdf, ReportError> {
    let releases = p.releases.iter().map(|r| r.id.to_string()).collect::<Vec<_>>().join(",");
    compile(
        typst_source(p, style),
        files(p, style),
        p.date,
        format!("bimo/quartiersprofil/{}/{}/{releases}", p.layer, p.area_key),
    )
}

/// The report as a tagged PDF (PDF/UA-1).
pub fn document_pdf(doc: &Document, style: &Style) -> Result<Pdf, ReportError> {
    compile(
        document_typst_source(doc, style),
        document_files(doc, style),
        doc.date,
        format!("bimo/bericht/{}/{}", doc.title, doc.last_release),
    )
}

/// Typesets `source` with its files; `ident` is the PDF's document identifier, so that the same
/// input gives the same bytes.
fn compile(
    source: String,
    files: Vec<(String, Vec<u8>)>,
    date: (i32, u8, u8),
    ident: String,
) -> Result<Pdf, ReportError> {
    let (y, m, d) = date;
    let date = Datetime::from_ymd(y, m, d).ok_or_else(|| ReportError::Typst(format!("kein Datum {y}-{m}-{d}")))?;
    let world = world::ReportWorld::new(source, files, date).map_err(ReportError::Typst)?;
    let document: PagedDocument = typst::compile(&world).output.map_err(|e| typst_error(&e))?;
    let options = PdfOptions {
        ident: Smart::Custom(ident),
        creator: Smart::Custom(Some("bimo".to_owned())),
        timestamp: Some(Timestamp::new_utc(date)),
        standards: PdfStandards::new(&[PdfStandard::Ua_1]).map_err(|e| ReportError::Typst(e.message().to_string()))?,
        ..PdfOptions::default()
    };
    let bytes = typst_pdf::pdf(&document, &options).map_err(|e| typst_error(&e))?;
    Ok(Pdf { bytes, pages: document.pages().len() })
}
