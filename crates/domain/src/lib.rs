//! The pure core of bimo: domain types and the statistics that work on them.
//!
//! Nothing in this crate does I/O. Importers turn files into these types, the store keeps them,
//! and the web atlas and reports present them.
//!
//! Main types:
//! - [`Kommune`], [`Layer`] and [`Area`]: the geography. Layers form a hierarchy (a layer knows its
//!   parent layer) and areas are versioned ([`Validity`]).
//! - [`Variable`], [`Observation`], [`Value`] and [`Breakdown`]: the statistics, one long table of
//!   variable × area × period × breakdown → value.
//! - [`Release`]: every import is an immutable, dated release with source, licence and audience.
//! - [`Institution`]: schools and other points.
//! - [`classify`]: class breaks for choropleth maps; [`measure`]: shares and densities;
//!   [`crosswalk`]: re-estimating counts on other areas; [`composite`]: composite indices
//!   (Sozialmonitoring); [`school_index`]: a school social index from the pupils' residential areas
//!   and the school's own composition, compared with published stages.
//! - [`uncertainty`]: Wilson and exact Poisson confidence intervals, Fingertips-style significance.
//! - [`attention`]: early warnings between two editions of an index and the expert validation of
//!   Aufmerksamkeitsgebiete.
//! - [`expression`]: the language of indicator numerators and denominators, evaluated on one
//!   area's cells; [`indicator`]: indicator definitions and their computation.
//!
//! ```
//! use domain::{classify::{ClassMethod, breaks}, Period};
//! let b = breaks(&[1.0, 2.0, 3.0, 4.0], ClassMethod::EqualInterval, 2).unwrap();
//! assert_eq!(b.upper_bounds(), &[2.5, 4.0]);
//! assert_eq!("2024/25".parse::<Period>().unwrap(), Period::SchoolYear(2024));
//! ```

pub mod access;
pub mod angebot;
pub mod attention;
pub mod capacity;
pub mod classify;
pub mod composite;
pub mod crosswalk;
pub mod expression;
pub mod forecast;
pub mod geography;
pub mod indicator;
pub mod institution;
pub mod lenkungskreis;
pub mod locate;
pub mod massnahme;
pub mod measure;
pub mod monitoring;
pub mod observation;
pub mod period;
pub mod projection;
pub mod release;
pub mod scenario;
pub mod school_index;
pub mod sensitivity;
pub mod uncertainty;

pub use geography::{Area, AreaKey, Kommune, KommuneKey, Layer, LayerKey, Validity};
pub use institution::Institution;
pub use observation::{Breakdown, Observation, Symbol, Unit, UnitError, Value, Variable, VariableKey};
pub use period::Period;
pub use release::{Audience, Provenance, Release, ReleaseId};

/// A key that failed to parse: empty, too long, or with characters that cannot appear in a URL
/// path segment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid key {text:?}: {reason}")]
pub struct KeyError {
    text: String,
    reason: &'static str,
}

/// Checks the rules every textual key obeys: 1–64 characters, no slash, no control characters,
/// no surrounding whitespace.
pub(crate) fn check_key(text: &str) -> Result<(), KeyError> {
    let reason = if text.is_empty() {
        Some("empty")
    } else if text.chars().count() > 64 {
        Some("longer than 64 characters")
    } else if text.trim() != text {
        Some("surrounding whitespace")
    } else if text.chars().any(|c| c == '/' || c.is_control()) {
        Some("contains a slash or a control character")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(KeyError { text: text.to_owned(), reason }),
        None => Ok(()),
    }
}

macro_rules! key_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// Parses a key; see [`KeyError`](crate::KeyError) for the rules.
            pub fn new(text: impl Into<String>) -> Result<Self, $crate::KeyError> {
                let text = text.into();
                $crate::check_key(&text)?;
                Ok(Self(text))
            }

            /// The key as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::KeyError;
            fn from_str(s: &str) -> Result<Self, $crate::KeyError> {
                Self::new(s)
            }
        }
    };
}
pub(crate) use key_type;
