//! Importers: raw files become typed domain values, once, here.
//!
//! Each release manifest ([`Manifest`], read by [`read_manifest`]) names one file and says how to
//! read it:
//!
//! - [`read_layer`]: a shapefile or GeoJSON file becomes a [`domain::Layer`] with its
//!   [`domain::Area`]s, reprojected to WGS84 longitude/latitude and checked for valid polygons.
//! - [`read_statistics`]: a long or wide CSV or spreadsheet table becomes [`domain::Variable`]s and
//!   [`domain::Observation`]s; [`check_area_keys`] then resolves the area keys against the layers.
//! - [`read_institutions`]: a CSV file with coordinate columns or GeoJSON points becomes
//!   [`domain::Institution`]s.
//! - [`read_institution_statistics`]: a long CSV or spreadsheet table of values per institution
//!   (pupils per school, grade and school year) becomes [`domain::Variable`]s and
//!   [`domain::institution::InstitutionObservation`]s; [`check_institution_keys`] then checks the
//!   keys against the collection's list.
//! - [`read_planning_config`]: a Schulentwicklungsplanung configuration ([`PlanningConfig`]).
//! - [`read_catalogue`]: the indicator catalogue's `[[indikator]]` tables become [`domain::indicator::Definition`]s.
//!
//! German files are the norm: `;` or `,` separators, decimal commas, thousands grouped by points or
//! spaces ([`parse_number`]), UTF-8 or Windows-1252, and the official symbols of Destatis in value
//! cells. Importers collect every row error and keep going; they fail with the full list
//! ([`ImportErrors`]), each error at its [`Position`].
//!
//! The path-based functions are thin wrappers around cores that read from bytes or text
//! ([`parse_manifest`], [`parse_statistics`]), which the tests use.
//!
//! ```
//! use import::{parse_statistics, parse_manifest, ContentSpec};
//! let manifest = parse_manifest(r#"
//! [release]
//! kommune = "koeln"
//! kommune_name = "Köln"
//! title = "Einwohner"
//! source = "Stadt Köln"
//! licence = "CC BY 3.0 DE"
//! attribution = "Stadt Köln"
//! [statistics]
//! format = "long"
//! file = "einwohner.csv"
//! layers = ["stadtteil"]
//! [statistics.long]
//! area = "raum"
//! period = "jahr"
//! value = "zahl"
//! variable_const = "einwohner"
//! [[statistics.variable]]
//! key = "einwohner"
//! label = "Einwohner"
//! "#, "einwohner.toml").unwrap();
//! let ContentSpec::Statistics(spec) = manifest.content else { unreachable!() };
//! let data = parse_statistics(b"raum;jahr;zahl\n101;2012;1 675\n", "einwohner.csv", &spec).unwrap();
//! assert_eq!(data.observations[0].value.value.number(), Some(1675.0));
//! ```

mod catalogue;
mod crosswalk;
mod crs;
mod error;
mod index;
mod institution_statistics;
mod institutions;
mod layer;
mod management;
mod number;
mod planning;
mod spec;
mod statistics;
mod table;
mod targets;

pub use catalogue::{parse_catalogue, read_catalogue};
pub use crosswalk::{CrosswalkSpec, read_crosswalk};
pub use error::{ImportError, ImportErrors, Position};
pub use index::{
    AggregationName, Exclusion, IndexConfig, IndexPart, NormalisationName, SensitivityConfig, StoreTarget,
    ZeroRuleConfig, parse_index_config, read_index_config,
};
pub use institution_statistics::{
    InstitutionStatisticsData, check_institution_keys, parse_institution_statistics, read_institution_statistics,
};
pub use institutions::{parse_institutions, read_institutions};
pub use layer::{LayerData, RawFeature, parse_geojson_features, read_layer};
pub use management::{
    MeasureEntry, OfferEntry, VersorgungConfig, Zielgruppe, parse_measures, parse_offers, parse_versorgung,
    read_measures, read_offers, read_versorgung,
};
pub use number::{Decimal, NumberError, parse_number};
pub use planning::{
    AreasConfig, CapacityConfig, CatchmentMode, ChangeConfig, PlanningConfig, Preset, ProjectionConfig, ScenarioConfig,
    SchulformConfig, Years, parse_planning_config, read_planning_config,
};
pub use spec::{
    AttributeSpec, ContentSpec, Dissolve, InstitutionStatisticsSpec, InstitutionsSpec, LayerSpec, Layout, LongSpec,
    Manifest, MappedVariable, ReleaseSpec, StatisticsSpec, VariableSource, VariableSpec, WideColumn, WideSpec,
    parse_manifest, read_manifest,
};
pub use statistics::{KnownAreas, Located, StatisticsData, check_area_keys, parse_statistics, read_statistics};
pub use table::{Encoding, Lines, decode};
pub use targets::{Targets, parse_targets, read_targets};

/// Hex SHA-256 over the bytes of `paths`, in order, for the release record.
pub fn file_digest(paths: &[&std::path::Path]) -> std::io::Result<String> {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for path in paths {
        let mut file = std::fs::File::open(path)?;
        std::io::copy(&mut file, &mut hasher)?;
    }
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}
