//! Fitting WGS84 longitude/latitude into a pixel viewport.

use geo::{Coord, Rect};

/// An equirectangular projection that fits a longitude/latitude box into a `width` × `height`
/// viewport, keeping the aspect ratio and centring the box inside the padding.
///
/// Longitudes are scaled by the cosine of the box's mid-latitude, so shapes keep their proportions
/// near that latitude. Over a city (some tens of kilometres) the error of this approximation against
/// a conformal projection stays well below a pixel at atlas sizes, which is accurate enough for
/// thematic maps; it is not meant for countries or continents. The y axis points down, as in SVG.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    west: f64,
    north: f64,
    /// Pixels per degree of latitude.
    scale: f64,
    /// cos(mid-latitude): degrees of longitude are this much shorter than degrees of latitude.
    shrink: f64,
    left: f64,
    top: f64,
}

impl Projection {
    /// Fits `bbox` (x = longitude, y = latitude, degrees) into the viewport minus `padding` on each
    /// side. A box without extent (a single point) is centred; a viewport smaller than twice the
    /// padding leaves no room, and every point then maps to its centre.
    pub fn fit(bbox: Rect<f64>, width: f64, height: f64, padding: f64) -> Projection {
        let (min, max) = (bbox.min(), bbox.max());
        let shrink = ((min.y + max.y) / 2.0).to_radians().cos().abs();
        let inner_w = (width - 2.0 * padding).max(0.0);
        let inner_h = (height - 2.0 * padding).max(0.0);
        let (span_x, span_y) = ((max.x - min.x) * shrink, max.y - min.y);
        let fits = [(inner_w, span_x), (inner_h, span_y)]
            .into_iter()
            .filter(|&(_, span)| span > 0.0)
            .map(|(room, span)| room / span);
        let scale = fits.reduce(f64::min).unwrap_or(1.0);
        Projection {
            west: min.x,
            north: max.y,
            scale,
            shrink,
            left: (width - span_x * scale) / 2.0,
            top: (height - span_y * scale) / 2.0,
        }
    }

    /// Pixel position of a longitude/latitude coordinate, unrounded.
    pub fn project(&self, c: Coord<f64>) -> (f64, f64) {
        (self.left + (c.x - self.west) * self.shrink * self.scale, self.top + (self.north - c.y) * self.scale)
    }

    /// Pixel position in tenths of a pixel, rounded: the resolution of all map output.
    pub(crate) fn project_tenths(&self, c: Coord<f64>) -> (i64, i64) {
        let (x, y) = self.project(c);
        (crate::svg::to_tenths(x), crate::svg::to_tenths(y))
    }
}

#[cfg(test)]
mod tests;
