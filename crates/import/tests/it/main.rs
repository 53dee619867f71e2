//! Integration tests of the importers on the demo data and small fixtures.

mod demo;
mod failures;
