//! Integration tests of the importers on the demo data, small fixtures and the examples of
//! `docs/MANIFEST.md`.

mod catalogue;
mod demo;
mod failures;
mod index_doc;
mod management_doc;
mod manifest_doc;
