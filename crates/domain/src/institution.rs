//! Institutions such as schools and Kitas: points with attributes.

use geo::Point;

/// An institution located at a point.
#[derive(Debug, Clone, PartialEq)]
pub struct Institution {
    /// Official number (e.g. the NRW Schulnummer).
    pub key: String,
    /// Display name.
    pub name: String,
    /// Kind, e.g. the Schulform "Grundschule".
    pub kind: String,
    /// Location in WGS84 longitude/latitude.
    pub location: Point<f64>,
    /// Further attributes in source order, e.g. ("Schülerzahl", "220"), ("Sozialindex", "5").
    pub attributes: Vec<(String, String)>,
}

/// One value of a statistic of an institution, such as the pupils of a school in grade 5 in the
/// school year 2024/25: the institution's counterpart of an area's [`Observation`](crate::Observation).
#[derive(Debug, Clone, PartialEq)]
pub struct InstitutionObservation {
    /// The institution key, e.g. the Schulnummer ([`Institution::key`]).
    pub institution: String,
    /// What is counted, e.g. `schueler`.
    pub variable: crate::VariableKey,
    /// When, e.g. the school year `2024/25`.
    pub period: crate::Period,
    /// Which part, e.g. `klasse=5`, or the total.
    pub breakdown: crate::Breakdown,
    /// The number or the reason there is none.
    pub value: crate::Value,
}
