//! The sealed engine of the statistics office (Statistikstelle): pseudonymised individual records
//! in, aggregate tables that pass disclosure control out (docs/STATISTIKSTELLE.md).
//!
//! German law seals individual data inside the municipal statistics office (Abschottungsgebot);
//! what leaves it are aggregates in which no person can be recognised. This crate
//!
//! - generates seeded synthetic individual records calibrated on the Köln demo ([`generator`],
//!   written as Parquet by [`microdata`]), with the true grade 4 → 5 transitions beside them;
//! - reads a table specification ([`Spec`]: sources, dimensions, filters, the layer residence is
//!   aggregated to) and runs it on Apache DataFusion ([`engine`]), with flows between school years
//!   linked by pseudonym and every unlinked record counted;
//! - protects every table of one run together with the `disclosure` crate (primary and secondary
//!   suppression over the area hierarchy, the attacker audit) and writes a release that
//!   `bimo import` accepts ([`release`]), all or nothing.
//!
//! The same run can use a Ballista cluster (a scheduler and executors, [`cluster`]) for a whole
//! Land. DataFusion lives in this crate only; the atlas binary `bimo` does not link it.
//!
//! ```
//! use statistikstelle::{Areas, Spec};
//!
//! let spec = Spec::parse(r#"
//!     [lauf]
//!     kommune = "koeln"
//!     kommune_name = "Köln"
//!     titel = "Schülerinnen und Schüler 2024/25"
//!     quelle = "Statistikstelle"
//!     schuljahr = 2024
//!     gebiete = "gebiete.csv"
//!     ebene = "stadtteil"
//!
//!     [quellen.schueler]
//!     datei = "schueler.parquet"
//!
//!     [[tabelle]]
//!     name = "schulform"
//!     quelle = "schueler"
//!     merkmal = "schueler"
//!     label = "Schülerinnen und Schüler"
//!     dimensionen = ["schulform", "geschlecht"]
//! "#, "spec.toml").unwrap();
//! assert_eq!(spec.tables[0].dimensions, ["schulform", "geschlecht"]);
//! ```

pub mod areas;
pub mod calibration;
pub mod cluster;
pub mod engine;
pub mod generator;
pub mod microdata;
pub mod records;
pub mod release;
pub mod spec;

pub use areas::{Area, Areas};
pub use spec::Spec;

use std::path::Path;

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An input file is wrong: the file, where in it (row or line, column) and what.
    #[error("{file}{}{}: {message}", at.as_ref().map(|a| format!(", {a}")).unwrap_or_default(), column.as_ref().map(|c| format!(", column {c}")).unwrap_or_default())]
    Input {
        /// The file.
        file: String,
        /// The row (Parquet) or line (CSV), if known.
        at: Option<String>,
        /// The column, if known.
        column: Option<String>,
        /// What is wrong.
        message: String,
    },
    /// The table specification is wrong.
    #[error("{file}: {message}")]
    Spec {
        /// The specification file.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// The area hierarchy is inconsistent.
    #[error("the areas: {message}")]
    Areas {
        /// What is wrong.
        message: String,
    },
    /// The calibration data of the generator are missing or inconsistent.
    #[error("calibration: {message}")]
    Calibration {
        /// What is wrong.
        message: String,
    },
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The query engine failed.
    #[error("query engine: {0}")]
    Engine(#[from] datafusion::error::DataFusionError),
    /// Arrow could not convert a column.
    #[error("arrow: {0}")]
    Arrow(#[from] datafusion::arrow::error::ArrowError),
    /// Disclosure control failed or found a cell it could not protect.
    #[error("disclosure control: {0}")]
    Disclosure(String),
    /// A Ballista scheduler or executor could not start or stopped.
    #[error("cluster: {0}")]
    Cluster(String),
}

impl Error {
    pub(crate) fn input(file: &str, line: Option<u64>, column: Option<&str>, message: String) -> Error {
        Error::Input {
            file: file.to_owned(),
            at: line.map(|l| format!("line {l}")),
            column: column.map(str::to_owned),
            message,
        }
    }

    pub(crate) fn csv(path: &Path, e: csv::Error) -> Error {
        Error::io(path, std::io::Error::other(e))
    }

    pub(crate) fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io { path: path.display().to_string(), source }
    }
}

/// What [`aggregate`] did and how long its parts took.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The release written.
    pub outcome: release::Outcome,
    /// The engine's counts and linkage.
    pub aggregates: engine::Aggregates,
    /// Reading, checking, linking and counting on DataFusion.
    pub engine: std::time::Duration,
    /// Disclosure control and writing the release.
    pub release: std::time::Duration,
}

/// Reads the specification and its areas, aggregates on DataFusion and writes the protected
/// release to `output` (all or nothing).
pub fn aggregate(
    spec_file: &Path,
    output: &Path,
    limits: engine::Limits,
    place: &engine::Place,
) -> Result<Report, Error> {
    let started = std::time::Instant::now();
    let spec = Spec::read(spec_file)?;
    let areas = Areas::read(&spec.run.gebiete)?;
    areas.hierarchy(&spec.run.ebene)?;
    let cell_key = spec.disclosure.zellschluessel.as_ref().map(spec::CellKeyFiles::load).transpose()?;
    let secret = cell_key.as_ref().map(|c| c.secret.as_str());
    let aggregates = engine::aggregate_blocking(&spec, &areas, limits, place, secret)?;
    release::check_shared_cells(&spec, &aggregates)
        .map_err(|message| Error::Spec { file: spec_file.display().to_string(), message })?;
    let engine = started.elapsed();
    let outcome = release::write(&spec, &areas, &aggregates, cell_key.as_ref().map(|c| &c.ptable), output)?;
    Ok(Report { outcome, aggregates, engine, release: started.elapsed() - engine })
}
