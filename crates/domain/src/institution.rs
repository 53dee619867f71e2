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
