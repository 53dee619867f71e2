//! Coordinate reference systems: EPSG codes, GeoJSON `crs` names and ESRI/OGC WKT, all
//! transformed to WGS84 longitude/latitude.

use geo::{Coord, MapCoords, MultiPolygon};
use proj4rs::Proj;

/// A source coordinate reference system that can be transformed to WGS84.
#[derive(Debug)]
pub(crate) struct Crs {
    /// `None` for WGS84 longitude/latitude itself.
    proj: Option<Proj>,
    geographic: bool,
}

/// An EPSG code from the usual spellings: `EPSG:25832`, `urn:ogc:def:crs:EPSG::25832`,
/// `urn:ogc:def:crs:EPSG:6.6:25832`, `http://www.opengis.net/def/crs/EPSG/0/25832`.
fn epsg_code(text: &str) -> Option<u16> {
    let upper = text.to_ascii_uppercase();
    let rest = upper
        .strip_prefix("EPSG:")
        .or_else(|| upper.strip_prefix("URN:OGC:DEF:CRS:EPSG:").map(|r| r.rsplit(':').next().unwrap_or(r)))
        .or_else(|| {
            upper.strip_prefix("HTTP://WWW.OPENGIS.NET/DEF/CRS/EPSG/").map(|r| r.rsplit('/').next().unwrap_or(r))
        })?;
    rest.parse().ok()
}

/// The first complete top-level WKT node; ESRI `.prj` files may append a `VERTCS[…]` after the
/// `PROJCS[…]` without wrapping both in a compound system.
fn first_wkt_node(wkt: &str) -> &str {
    let mut depth = 0usize;
    for (i, c) in wkt.char_indices() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return &wkt[..=i];
                }
            }
            _ => {}
        }
    }
    wkt
}

impl Crs {
    /// WGS84 longitude/latitude.
    pub(crate) const WGS84: Crs = Crs { proj: None, geographic: true };

    /// Reads an EPSG code, a GeoJSON `crs` name, a proj string or WKT.
    pub(crate) fn parse(text: &str) -> Result<Crs, String> {
        let text = text.trim();
        let upper = text.to_ascii_uppercase();
        if ["CRS84", "OGC:CRS84", "URN:OGC:DEF:CRS:OGC:1.3:CRS84", "URN:OGC:DEF:CRS:OGC::CRS84", "WGS84"]
            .contains(&upper.as_str())
        {
            return Ok(Crs::WGS84);
        }
        let proj_string = if let Some(code) = epsg_code(text) {
            if code == 4326 {
                return Ok(Crs::WGS84);
            }
            crs_definitions::from_code(code).ok_or_else(|| format!("unknown crs {text:?}"))?.proj4.to_owned()
        } else if text.starts_with('+') {
            text.to_owned()
        } else if ["PROJCS[", "GEOGCS[", "PROJCRS[", "GEOGCRS[", "GEODCRS["].iter().any(|p| upper.starts_with(p)) {
            proj4wkt::wkt_to_projstring(first_wkt_node(text)).map_err(|e| format!("unsupported wkt crs: {e}"))?
        } else {
            return Err(format!("unknown crs {text:?}: expected EPSG:<code>, a proj string or wkt"));
        };
        let proj = Proj::from_proj_string(&proj_string).map_err(|e| format!("unsupported crs {text:?}: {e}"))?;
        let geographic = proj.is_latlong();
        Ok(Crs { proj: Some(proj), geographic })
    }

    /// Transforms one coordinate to WGS84 longitude/latitude in degrees.
    pub(crate) fn to_wgs84(&self, c: Coord<f64>) -> Result<Coord<f64>, String> {
        let Some(proj) = &self.proj else { return Ok(c) };
        let wgs84 = wgs84();
        let mut point = if self.geographic { (c.x.to_radians(), c.y.to_radians()) } else { (c.x, c.y) };
        proj4rs::transform::transform(proj, &wgs84, &mut point)
            .map_err(|e| format!("cannot transform ({}, {}) to wgs84: {e}", c.x, c.y))?;
        Ok(Coord { x: point.0.to_degrees(), y: point.1.to_degrees() })
    }

    /// Transforms a geometry to WGS84 longitude/latitude.
    pub(crate) fn multipolygon_to_wgs84(&self, geometry: &MultiPolygon<f64>) -> Result<MultiPolygon<f64>, String> {
        geometry.try_map_coords(|c| self.to_wgs84(c))
    }
}

fn wgs84() -> Proj {
    // The definition is a constant known to parse.
    Proj::from_proj_string("+proj=longlat +datum=WGS84 +no_defs").unwrap_or_else(|e| unreachable!("wgs84: {e}"))
}

#[cfg(test)]
mod tests;
