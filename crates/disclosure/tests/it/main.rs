//! The disclosure-control engine against the exact cases of METHODS.md §5 (from sdcTable's own
//! tests), hierarchies and linked tables, and properties of random tables.

mod attack;
mod linked;
mod methods;
mod properties;

use disclosure::{Protection, Settings};

/// Counts must not be narrowed to a single value (width ≥ 1); no singleton or threshold rules.
fn settings() -> Settings {
    Settings { protection: Protection { absolute: 1.0, percent: 0.0 }, singletons: false, threshold: None }
}
