//! The `bimo` command line: import manifests into the store and serve the atlas.
//!
//! [`import_manifest`] is the one path by which files become releases: read and check the files
//! (crate `import`), resolve area keys and parent areas against what the store already holds, and
//! add the release in one transaction (crate `store`). If anything is wrong, the store is left
//! exactly as it was and every problem is reported with file, line and column.

pub mod account;
pub mod attention;
pub mod crosswalk;
pub mod disclosure;
pub mod index;
pub mod indicators;
pub mod management;
pub mod planning;
pub mod report;
pub mod school_index;
pub mod synthetic;

use std::collections::HashSet;
use std::path::Path;

use anyhow::Context;
use domain::{Kommune, Provenance, ReleaseId};
use import::{ContentSpec, ImportErrors, KnownAreas, Manifest};
use store::{Content, NewRelease, Store};

/// The outcome of importing one manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Imported {
    /// A new release was stored.
    New(ReleaseId),
    /// The same file was already imported under the same title; nothing was stored.
    AlreadyThere(ReleaseId),
}

/// Why an import failed.
#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    /// The files have errors; each names file, line and column.
    #[error("{0}")]
    Input(#[from] ImportErrors),
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] store::StoreError),
    /// A statistics manifest names a layer that has not been imported.
    #[error("{manifest}: layer {layer} of Kommune {kommune} is not in the store; import the layer first")]
    MissingLayer {
        /// The manifest.
        manifest: String,
        /// Its Kommune.
        kommune: String,
        /// The missing layer.
        layer: String,
    },
    /// An institution statistics manifest names a collection that has not been imported.
    #[error(
        "{manifest}: collection {collection} of Kommune {kommune} is not in the store; import its institutions first"
    )]
    MissingCollection {
        /// The manifest.
        manifest: String,
        /// Its Kommune.
        kommune: String,
        /// The missing collection.
        collection: String,
    },
    /// A file could not be read.
    #[error("cannot read {file}: {source}")]
    Io {
        /// The file.
        file: String,
        /// The cause.
        source: std::io::Error,
    },
}

/// Imports one manifest as one release; `now` is the RFC 3339 import time.
pub fn import_manifest(store: &Store, path: &Path, now: &str) -> Result<Imported, ImportFailure> {
    let manifest = import::read_manifest(path)?;
    import_parsed(store, path, manifest, now)
}

fn import_parsed(store: &Store, path: &Path, manifest: Manifest, now: &str) -> Result<Imported, ImportFailure> {
    let Manifest { release, content } = manifest;
    // The manifest is part of what was imported: a changed audience or label is a new release.
    let mut all_files = vec![path.to_path_buf()];
    all_files.extend(data_files(content.file()));
    let files: Vec<&Path> = all_files.iter().map(|p| p.as_path()).collect();
    let sha256 = import::file_digest(&files)
        .map_err(|source| ImportFailure::Io { file: content.file().display().to_string(), source })?;
    if let Some(id) = store.has_release(release.kommune.as_str(), &release.title, &sha256)? {
        return Ok(Imported::AlreadyThere(id));
    }
    // Imports check against everything stored, whatever its audience.
    let kommune = release.kommune.as_str();
    let content = match content {
        ContentSpec::Layer(spec) => {
            let data = import::read_layer(&spec)?;
            let mut areas = data.areas;
            if !data.parent_field_given
                && let Some(parent) = &data.layer.parent
                && let Some(parent_layer) =
                    newest_overlapping(store.layer_versions(kommune, parent.as_str())?, spec.validity())
            {
                let parents = domain::locate::parents_by_containment(&areas, &parent_layer.areas);
                for (a, p) in areas.iter_mut().zip(parents) {
                    a.parent = p;
                }
            }
            Content::Layer { layer: data.layer, validity: spec.validity(), areas }
        }
        ContentSpec::Statistics(spec) => {
            let data = import::read_statistics(&spec)?;
            let mut known: Vec<KnownAreas> = Vec::new();
            for l in &spec.layers {
                let versions = store.layer_versions(kommune, l.as_str())?;
                if versions.is_empty() {
                    return Err(ImportFailure::MissingLayer {
                        manifest: path.display().to_string(),
                        kommune: kommune.to_owned(),
                        layer: l.to_string(),
                    });
                }
                let versions = versions
                    .into_iter()
                    .map(|v| (v.validity, v.areas.into_iter().map(|a| a.key).collect::<HashSet<_>>()))
                    .collect();
                known.push(KnownAreas { layer: l.clone(), versions });
            }
            let observations = import::check_area_keys(&data, &known)?;
            Content::Statistics { variables: data.variables, observations }
        }
        ContentSpec::Crosswalk(spec) => {
            let crosswalk = import::read_crosswalk(&spec)?;
            // Every key must name an area of the layer version the table links.
            let mut problems = Vec::new();
            for (layer, year, keys) in [
                (&spec.from_layer, spec.from_year, crosswalk.rows().iter().map(|r| r.0.clone()).collect::<Vec<_>>()),
                (&spec.to_layer, spec.to_year, crosswalk.rows().iter().map(|r| r.1.clone()).collect::<Vec<_>>()),
            ] {
                let versions = store.layer_versions(kommune, layer.as_str())?;
                let Some(version) = versions.iter().find(|v| year.is_none_or(|y| v.validity.contains(y))) else {
                    return Err(ImportFailure::MissingLayer {
                        manifest: path.display().to_string(),
                        kommune: kommune.to_owned(),
                        layer: layer.to_string(),
                    });
                };
                let known: HashSet<&domain::AreaKey> = version.areas.iter().map(|a| &a.key).collect();
                for key in keys.iter().filter(|k| !known.contains(k)) {
                    problems.push(import::ImportError::new(
                        import::Position::file(spec.file.display().to_string()),
                        format!("unknown area key {:?}: not in layer {layer}", key.as_str()),
                    ));
                }
            }
            if !problems.is_empty() {
                problems.dedup_by(|a, b| a.message == b.message);
                return Err(ImportFailure::Input(ImportErrors(problems)));
            }
            Content::Crosswalk { from: (spec.from_layer, spec.from_year), to: (spec.to_layer, spec.to_year), crosswalk }
        }
        ContentSpec::Institutions(spec) => {
            Content::Institutions { institutions: import::read_institutions(&spec)?, collection: spec.collection }
        }
        ContentSpec::InstitutionStatistics(spec) => {
            let data = import::read_institution_statistics(&spec)?;
            let Some(known) = store.institution_keys(kommune, &spec.collection)? else {
                return Err(ImportFailure::MissingCollection {
                    manifest: path.display().to_string(),
                    kommune: kommune.to_owned(),
                    collection: spec.collection,
                });
            };
            let observations = import::check_institution_keys(&data, &spec.collection, &known)?;
            Content::InstitutionStatistics { collection: spec.collection, variables: data.variables, observations }
        }
    };
    let id = store.import(NewRelease {
        kommune: Kommune { key: release.kommune, name: release.kommune_name, ags: release.ags },
        title: release.title,
        provenance: Provenance {
            source: release.source,
            licence: release.licence,
            attribution: release.attribution,
            url: release.url,
        },
        audience: release.audience,
        owner: release.owner,
        imported_at: now.to_owned(),
        file: files
            .iter()
            .filter_map(|f| f.file_name())
            .map(|f| f.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(", "),
        sha256,
        content,
    })?;
    Ok(Imported::New(id))
}

/// The newest version of a parent layer that shares a year with the child layer's validity.
fn newest_overlapping(versions: Vec<store::LayerVersion>, validity: domain::Validity) -> Option<store::LayerVersion> {
    versions.into_iter().find(|v| v.validity.overlaps(validity))
}

/// The data files whose bytes make up a release: a shapefile brings its sidecar files.
fn data_files(main: &Path) -> Vec<std::path::PathBuf> {
    let mut files = vec![main.to_path_buf()];
    if main.extension().is_some_and(|e| e.eq_ignore_ascii_case("shp")) {
        for ext in ["dbf", "prj", "shx", "cpg"] {
            let f = main.with_extension(ext);
            if f.exists() {
                files.push(f);
            }
        }
    }
    files
}

/// The demo's manifests, in import order, listed one per line in `demo.txt` of the demo folder.
pub fn demo_manifests(dir: &Path) -> anyhow::Result<Vec<std::path::PathBuf>> {
    let list = dir.join("demo.txt");
    let text = std::fs::read_to_string(&list).with_context(|| format!("cannot read {}", list.display()))?;
    Ok(text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(|l| dir.join(l)).collect())
}

/// The index configurations the demo offers in the atlas, in the order of `indizes.txt` in the
/// demo folder (paths relative to that folder).
pub fn demo_indices(dir: &Path) -> anyhow::Result<Vec<std::path::PathBuf>> {
    let list = dir.join("indizes.txt");
    let text = std::fs::read_to_string(&list).with_context(|| format!("cannot read {}", list.display()))?;
    Ok(text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(|l| dir.join(l)).collect())
}

/// The current time in RFC 3339, UTC, to the second.
pub fn now_rfc3339() -> String {
    web::auth::now_rfc3339()
}
