//! The choropleth map: areas coloured by class, points on top, one area highlighted.

use std::fmt::Write;

use domain::classify::Breaks;
use geo::Intersects;
use geo::{BoundingRect, Coord, LineString, MultiPolygon, Point, Rect};

use crate::palette::{BASE_FILL, class_colour};
use crate::projection::Projection;
use crate::svg::{Role, Svg, escape, hatch_url, num, tenths};

/// Padding between the map's drawing and the edge of the picture, in px.
const PADDING: f64 = 8.0;

/// One area of a choropleth map.
#[derive(Debug, Clone)]
pub struct MapArea<'a> {
    /// Key of the area; appears as `data-key` and in the element id `area-<key>`.
    pub key: &'a str,
    /// Display name.
    pub name: &'a str,
    /// Boundary in WGS84 longitude/latitude.
    pub geometry: &'a MultiPolygon<f64>,
    /// The value that decides the fill; `None` draws the "no data" hatch (or the plain base fill
    /// when no area of the map has a value).
    pub value: Option<f64>,
    /// The value as shown to people, already formatted, e.g. `"12,5 %"` or `"keine Daten (.)"`.
    pub value_text: String,
    /// Link target of the area, e.g. its profile page.
    pub href: Option<String>,
}

/// A point drawn above the areas, such as a school.
#[derive(Debug, Clone)]
pub struct MapPoint<'a> {
    /// Key of the point; appears as `data-key`.
    pub key: &'a str,
    /// Text for the tooltip and screen readers.
    pub label: &'a str,
    /// Location in WGS84 longitude/latitude.
    pub location: Point<f64>,
    /// Link target of the point.
    pub href: Option<String>,
}

/// Everything a choropleth map shows.
#[derive(Debug, Clone)]
pub struct ChoroplethSpec<'a> {
    /// Title: the accessible name of the picture (not drawn; the page or report shows a caption).
    pub title: &'a str,
    /// The areas, drawn in this order.
    pub areas: Vec<MapArea<'a>>,
    /// Class breaks of the values; `None` draws a plain base map.
    pub breaks: Option<&'a Breaks>,
    /// Points drawn above the areas.
    pub points: Vec<MapPoint<'a>>,
    /// Key of the area to outline.
    pub highlight: Option<&'a str>,
    /// Width of the picture in px.
    pub width: f64,
    /// Height of the picture in px.
    pub height: f64,
}

/// A point coloured by its class, such as a school by its utilisation.
#[derive(Debug, Clone)]
pub struct ClassedPoint<'a> {
    /// Key of the point; appears as `data-key`.
    pub key: &'a str,
    /// Text for the tooltip and screen readers, with the value, e.g. "GS Am Hafen: 104 %".
    pub label: &'a str,
    /// Location in WGS84 longitude/latitude.
    pub location: Point<f64>,
    /// Its class, 0 the lowest; `None` draws it hollow (no value).
    pub class: Option<usize>,
    /// Link target of the point.
    pub href: Option<String>,
}

/// Everything a point map shows: the areas as a plain base map, the points coloured by class.
#[derive(Debug, Clone)]
pub struct PointMapSpec<'a> {
    /// Title: the accessible name of the picture.
    pub title: &'a str,
    /// The areas of the base map (their values are not shown).
    pub areas: Vec<MapArea<'a>>,
    /// The points, drawn in this order.
    pub points: Vec<ClassedPoint<'a>>,
    /// The number of classes (colours of [`crate::sequential`]).
    pub classes: usize,
    /// Width of the picture in px.
    pub width: f64,
    /// Height of the picture in px.
    pub height: f64,
}

/// Draws points coloured by class over a plain base map of the areas, as a standalone SVG.
///
/// Each point is a circle (`class="point"`, `data-key`, `data-class`) filled with the colour of its
/// class from [`crate::sequential`] with a dark outline, or hollow without a class; with an `href`
/// it is a link labelled by its `label`. The view fits the areas (the points when there are none);
/// the text alternative counts the points per class.
pub fn point_map(spec: &PointMapSpec) -> String {
    let base = ChoroplethSpec {
        title: spec.title,
        areas: spec.areas.iter().map(|a| MapArea { value: None, ..a.clone() }).collect(),
        breaks: None,
        points: spec
            .points
            .iter()
            .map(|p| MapPoint { key: p.key, label: p.label, location: p.location, href: None })
            .collect(),
        highlight: None,
        width: spec.width,
        height: spec.height,
    };
    let bbox = bounding_box(&base);
    let projection = Projection::fit(bbox, spec.width, spec.height, PADDING);
    let role = if spec.points.iter().any(|p| p.href.is_some()) { Role::Group } else { Role::Img };
    let mut desc = format!("Karte mit {} Standorten", spec.points.len());
    for class in 0..spec.classes {
        let n = spec.points.iter().filter(|p| p.class == Some(class)).count();
        let _ = write!(desc, "; Klasse {}: {n}", class + 1);
    }
    let without = spec.points.iter().filter(|p| p.class.is_none()).count();
    if without > 0 {
        let _ = write!(desc, "; ohne Wert: {without}");
    }
    desc.push('.');
    let mut svg = Svg::new(spec.width, spec.height, role, spec.title, &desc);
    svg.push(r##"<g class="areas" stroke="#ffffff" stroke-width="0.8" stroke-linejoin="round" fill-rule="evenodd">"##);
    for area in &spec.areas {
        let d = path_data(area.geometry, &projection);
        svg.push(&format!(
            r#"<path class="area" data-key="{}" fill="{BASE_FILL}" d="{d}"><title>{}</title></path>"#,
            escape(area.key),
            escape(area.name)
        ));
    }
    svg.push("</g>");
    svg.push(r##"<g class="points" stroke="#1a1a1a" stroke-width="1">"##);
    let colours = crate::sequential(spec.classes.max(1));
    for p in spec.points.iter().filter(|p| bbox.intersects(&p.location)) {
        let (x, y) = projection.project(p.location.0);
        let label = escape(p.label);
        let (fill, class) = match p.class {
            Some(c) => (colours[c.min(colours.len() - 1)], format!(r#" data-class="{c}""#)),
            None => ("#ffffff", String::new()),
        };
        let circle = |aria: &str| {
            format!(
                r#"<circle class="point" data-key="{}"{class} cx="{}" cy="{}" r="5" fill="{fill}"{aria}><title>{label}</title></circle>"#,
                escape(p.key),
                num(x),
                num(y)
            )
        };
        match &p.href {
            Some(href) => svg.push(&format!(r#"<a href="{}" aria-label="{label}">{}</a>"#, escape(href), circle(""))),
            None => svg.push(&circle(&format!(r#" role="img" aria-label="{label}""#))),
        }
    }
    svg.push("</g>");
    svg.finish()
}

/// Draws a choropleth map as a standalone SVG.
///
/// Each area is a `<path class="area" id="area-<key>" data-key data-value>` filled with the colour
/// of its class from [`crate::sequential`], or with the "no data" hatch (plain when no area has a
/// value). It carries a `<title>` and
/// an `aria-label` "name: value text"; with an `href` it is wrapped in an `<a>`, so it can be reached
/// with the keyboard and followed without JavaScript. Points are circles (`class="point"`) with a
/// white outline above the areas; the highlighted area gets a thick dark outline, drawn last and
/// with a white halo, transparent to the pointer. The view fits the areas (the points only when there
/// are no areas); points outside the areas' bounding box are left out, so that one badly geocoded
/// point cannot shrink the map.
///
/// The root is `role="group"` when anything is linked (so assistive technology can reach the links
/// inside) and `role="img"` otherwise; either way it is labelled by the `<title>` and described by a
/// `<desc>` with the number of areas, the lowest and highest value, gaps and points.
pub fn choropleth(spec: &ChoroplethSpec) -> String {
    let bbox = bounding_box(spec);
    let projection = Projection::fit(bbox, spec.width, spec.height, PADDING);
    let role = if spec.areas.iter().any(|a| a.href.is_some()) || spec.points.iter().any(|p| p.href.is_some()) {
        Role::Group
    } else {
        Role::Img
    };
    let mut svg = Svg::new(spec.width, spec.height, role, spec.title, &summary(spec));
    svg.hatch_defs();
    svg.push(r##"<g class="areas" stroke="#ffffff" stroke-width="0.8" stroke-linejoin="round" fill-rule="evenodd">"##);
    let hatch = hatch_url();
    // Hatching sets gaps apart from values; on a map without any value it would only be noise.
    let gap = if spec.areas.iter().any(|a| a.value.is_some()) { hatch.as_str() } else { BASE_FILL };
    for area in &spec.areas {
        let fill = match (area.value, spec.breaks) {
            (None, _) => gap,
            (Some(_), None) => BASE_FILL,
            (Some(v), Some(b)) => class_colour(b.len(), b.class_of(v)),
        };
        let label = escape(&format!("{}: {}", area.name, area.value_text));
        let value = area.value.map(|v| format!(r#" data-value="{v}""#)).unwrap_or_default();
        let key = escape(area.key);
        let id = escape(&area.key.replace(char::is_whitespace, "_"));
        let d = path_data(area.geometry, &projection);
        let path = |aria: &str| {
            format!(
                r#"<path id="area-{id}" class="area" data-key="{key}"{value} fill="{fill}"{aria} d="{d}"><title>{label}</title></path>"#
            )
        };
        match &area.href {
            Some(href) => {
                svg.push(&format!(r#"<a href="{}" aria-label="{label}">{}</a>"#, escape(href), path("")));
            }
            None => svg.push(&path(&format!(r#" role="img" aria-label="{label}""#))),
        }
    }
    svg.push("</g>");
    if !spec.points.is_empty() {
        svg.push(r##"<g class="points" fill="#d95f02" stroke="#ffffff" stroke-width="1.5">"##);
        for p in spec.points.iter().filter(|p| bbox.intersects(&p.location)) {
            let (x, y) = projection.project(p.location.0);
            let label = escape(p.label);
            let circle = |aria: &str| {
                format!(
                    r#"<circle class="point" data-key="{}" cx="{}" cy="{}" r="4"{aria}><title>{label}</title></circle>"#,
                    escape(p.key),
                    num(x),
                    num(y)
                )
            };
            match &p.href {
                Some(href) => {
                    svg.push(&format!(r#"<a href="{}" aria-label="{label}">{}</a>"#, escape(href), circle("")))
                }
                None => svg.push(&circle(&format!(r#" role="img" aria-label="{label}""#))),
            }
        }
        svg.push("</g>");
    }
    if let Some(area) = spec.highlight.and_then(|k| spec.areas.iter().find(|a| a.key == k)) {
        // A white halo under the dark line keeps the outline visible on the darkest class too.
        svg.push(&format!(
            r##"<g class="highlight" fill="none" stroke-linejoin="round" pointer-events="none"><path stroke="#ffffff" stroke-width="5" d="{d}"/><path stroke="#1a1a1a" stroke-width="2.5" d="{d}"/></g>"##,
            d = path_data(area.geometry, &projection)
        ));
    }
    svg.finish()
}

/// The box around all areas, or around the points when there are no areas; a unit box when there
/// is nothing to show.
fn bounding_box(spec: &ChoroplethSpec) -> Rect<f64> {
    let areas: Vec<Rect<f64>> = spec.areas.iter().filter_map(|a| a.geometry.bounding_rect()).collect();
    let rects: Vec<Rect<f64>> = if areas.is_empty() {
        spec.points.iter().map(|p| Rect::new(p.location.0, p.location.0)).collect()
    } else {
        areas
    };
    rects
        .into_iter()
        .reduce(|a, b| {
            let min = Coord { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) };
            let max = Coord { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) };
            Rect::new(min, max)
        })
        .unwrap_or_else(|| Rect::new(Coord { x: 0.0, y: 0.0 }, Coord { x: 1.0, y: 1.0 }))
}

/// The text alternative: how many areas, the lowest and highest value, gaps and points.
fn summary(spec: &ChoroplethSpec) -> String {
    let with_value = || spec.areas.iter().filter_map(|a| a.value.map(|v| (v, a)));
    let mut text = format!("Karte mit {} Gebieten", spec.areas.len());
    let min = with_value().min_by(|a, b| a.0.total_cmp(&b.0));
    let max = with_value().max_by(|a, b| a.0.total_cmp(&b.0));
    if let (Some((_, lo)), Some((_, hi))) = (min, max) {
        let _ = write!(
            text,
            ". Niedrigster Wert: {} ({}). Höchster Wert: {} ({})",
            lo.name, lo.value_text, hi.name, hi.value_text
        );
    }
    let missing = spec.areas.iter().filter(|a| a.value.is_none()).count();
    if missing > 0 {
        let _ = write!(text, ". {missing} ohne Daten");
    }
    if !spec.points.is_empty() {
        let _ = write!(text, ". {} Standorte", spec.points.len());
    }
    text.push('.');
    text
}

/// Compact path data of a multipolygon: one subpath per ring, coordinates rounded to 0.1 px,
/// relative moves after the first point, repeated points dropped and rings that collapse to fewer
/// than three points left out.
pub(crate) fn path_data(geometry: &MultiPolygon<f64>, projection: &Projection) -> String {
    let mut d = String::new();
    let rings = geometry.iter().flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()));
    for ring in rings {
        write_ring(&mut d, &rounded_ring(ring, projection));
    }
    d
}

/// The ring's points in tenths of a pixel, without consecutive duplicates or the closing point.
fn rounded_ring(ring: &LineString<f64>, projection: &Projection) -> Vec<(i64, i64)> {
    let mut pts: Vec<(i64, i64)> = ring.coords().map(|&c| projection.project_tenths(c)).collect();
    pts.dedup();
    if pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    pts
}

/// Appends one closed subpath in relative coordinates, using `h`/`v` for axis-parallel steps.
fn write_ring(d: &mut String, pts: &[(i64, i64)]) {
    let [(x0, y0), rest @ ..] = pts else { return };
    if pts.len() < 3 {
        return;
    }
    let _ = write!(d, "M{} {}", tenths(*x0), tenths(*y0));
    let mut last_cmd = 'M';
    let (mut x, mut y) = (*x0, *y0);
    for &(nx, ny) in rest {
        let (dx, dy) = (nx - x, ny - y);
        let (cmd, args) = match (dx, dy) {
            (dx, 0) => ('h', vec![dx]),
            (0, dy) => ('v', vec![dy]),
            (dx, dy) => ('l', vec![dx, dy]),
        };
        let mut first = true;
        if cmd != last_cmd {
            d.push(cmd);
            last_cmd = cmd;
        } else {
            first = false;
        }
        for a in args {
            if !first && a >= 0 {
                d.push(' ');
            }
            d.push_str(&tenths(a));
            first = false;
        }
        (x, y) = (nx, ny);
    }
    d.push('z');
}

#[cfg(test)]
mod tests;
