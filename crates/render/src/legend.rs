//! The legend of a choropleth map, as data for HTML and as SVG.

use domain::classify::Breaks;

use crate::format::{auto_decimals, format_de};
use crate::palette::{TEXT, TEXT_MUTED, class_colour, text_on};
use crate::svg::{Role, Svg, hatch_url, num, text_width};

/// Label of the "no data" entry.
pub const NO_DATA_LABEL: &str = "keine Daten";

/// One class of a legend.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendEntry {
    /// Fill colour of the class, `#rrggbb`.
    pub colour: &'static str,
    /// Colour for text written on [`LegendEntry::colour`], with at least 4.5:1 contrast.
    pub text_colour: &'static str,
    /// Lower limit (exclusive except for the first class).
    pub lower: f64,
    /// Upper limit (inclusive).
    pub upper: f64,
    /// The range in German, e.g. `"1.200 – 2.500"`.
    pub label: String,
}

/// The classes of `breaks` with their colours and labels, lowest first.
///
/// All labels use the same number of decimals: enough for the limits ([`auto_decimals`]), and more
/// (up to four) if two different limits would otherwise look the same.
pub fn legend_entries(breaks: &Breaks) -> Vec<LegendEntry> {
    let n = breaks.len();
    let limits: Vec<f64> = std::iter::once(breaks.min()).chain(breaks.upper_bounds().iter().copied()).collect();
    let mut decimals = limits.iter().map(|&x| auto_decimals(x)).max().unwrap_or(0);
    let collide = |d: usize| limits.windows(2).any(|w| w[0] != w[1] && format_de(w[0], d) == format_de(w[1], d));
    while decimals < 4 && collide(decimals) {
        decimals += 1;
    }
    (0..n)
        .map(|i| {
            let (lower, upper) = breaks.range(i);
            let colour = class_colour(n, i);
            let label = if lower == upper {
                format_de(upper, decimals)
            } else {
                format!("{} – {}", format_de(lower, decimals), format_de(upper, decimals))
            };
            LegendEntry { colour, text_colour: text_on(colour), lower, upper, label }
        })
        .collect()
}

/// Row height, swatch size and text positions of the SVG legend.
const ROW: f64 = 22.0;
const SWATCH_W: f64 = 24.0;
const SWATCH_H: f64 = 16.0;
const LABEL_X: f64 = SWATCH_W + 8.0;

/// Draws the legend as a standalone SVG: `unit_label` as heading, one swatch per class (highest on
/// top, as the values rise), a hatched "keine Daten" swatch when `has_missing`, and the class
/// method below ("Klassen: …").
pub fn legend(breaks: &Breaks, method_label: &str, unit_label: &str, has_missing: bool) -> String {
    let entries = legend_entries(breaks);
    let method = format!("Klassen: {method_label}");
    let rows = entries.len() + usize::from(has_missing);
    let width = entries
        .iter()
        .map(|e| LABEL_X + text_width(&e.label, 12.0))
        .chain([text_width(unit_label, 13.0), text_width(&method, 11.0), LABEL_X + text_width(NO_DATA_LABEL, 12.0)])
        .fold(0.0, f64::max)
        .ceil()
        + 4.0;
    let top = 24.0;
    let height = top + rows as f64 * ROW + 22.0;
    let mut desc = format!("Legende {unit_label}: ");
    desc.push_str(&entries.iter().map(|e| e.label.as_str()).collect::<Vec<_>>().join("; "));
    if has_missing {
        desc.push_str("; schraffiert: ");
        desc.push_str(NO_DATA_LABEL);
    }
    desc.push_str(". ");
    desc.push_str(&method);
    let mut svg = Svg::new(width, height, Role::Img, &format!("Legende: {unit_label}"), &desc);
    svg.hatch_defs();
    svg.text(0.0, 15.0, &format!(r#"fill="{TEXT}" font-size="13" font-weight="600""#), unit_label);
    let swatch = |svg: &mut Svg, row: usize, fill: &str, label: &str| {
        let y = top + row as f64 * ROW;
        svg.push(&format!(
            r##"<rect class="swatch" x="0.5" y="{}" width="{SWATCH_W}" height="{SWATCH_H}" fill="{fill}" stroke="#8c8c8c" stroke-width="0.5"/>"##,
            num(y + 0.5)
        ));
        svg.text(LABEL_X, y + 12.5, &format!(r#"fill="{TEXT}""#), label);
    };
    for (row, e) in entries.iter().rev().enumerate() {
        swatch(&mut svg, row, e.colour, &e.label);
    }
    if has_missing {
        swatch(&mut svg, entries.len(), &hatch_url(), NO_DATA_LABEL);
    }
    svg.text(0.0, height - 6.0, &format!(r#"fill="{TEXT_MUTED}" font-size="11""#), &method);
    svg.finish()
}

#[cfg(test)]
mod tests;
