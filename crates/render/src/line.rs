//! Time-series line chart: several named series over the same periods.

use std::fmt::Write;

use crate::format::{common_decimals, format_auto, format_de, nice_ticks};
use crate::palette::{TEXT, TEXT_MUTED};
use crate::svg::{Role, Svg, escape, num, text_width};

/// One line of a [`LineChartSpec`].
#[derive(Debug, Clone)]
pub struct Series<'a> {
    /// Name shown in the legend and tooltips, e.g. the area, its parent area or the city.
    pub name: &'a str,
    /// One value per period of the chart; `None` leaves a gap in the line.
    pub values: Vec<Option<f64>>,
}

/// Everything a line chart shows.
#[derive(Debug, Clone)]
pub struct LineChartSpec<'a> {
    /// Title: the accessible name of the picture (not drawn; the page or report shows a caption).
    pub title: &'a str,
    /// The x axis labels in order, e.g. `"2005"` … `"2012"`.
    pub periods: Vec<String>,
    /// The lines; the first is drawn most prominently and on top.
    pub series: Vec<Series<'a>>,
    /// Caption of the value axis, e.g. `"Anteil in %"`.
    pub y_label: &'a str,
    /// Appended to values in tooltips and the text alternative, e.g. `" %"`; may be empty.
    pub value_suffix: &'a str,
    /// A target drawn as a labelled horizontal line, e.g. a council's goal for the indicator.
    pub target: Option<TargetLine<'a>>,
    /// Per period, whether its values were re-estimated onto other boundaries; a dashed vertical
    /// line marks each break between re-estimated and original values. Empty: none.
    pub reestimated: Vec<bool>,
    /// Width of the picture in px.
    pub width: f64,
    /// Height of the picture in px.
    pub height: f64,
}

/// A horizontal target line of a [`LineChartSpec`].
#[derive(Debug, Clone)]
pub struct TargetLine<'a> {
    /// Label drawn at the line's right end, e.g. "Ziel 2030".
    pub label: &'a str,
    /// The target value.
    pub value: f64,
}

/// Marker shapes, so that series differ without colour.
#[derive(Clone, Copy)]
enum Marker {
    Circle,
    Square,
    Triangle,
    Diamond,
    Cross,
}

/// How one series is drawn.
struct Style {
    colour: &'static str,
    dash: &'static str,
    width: f64,
    marker: Marker,
}

/// Series styles in order; colours from the Okabe–Ito colour-blind-safe set (plus dark grey), each
/// with at least 3:1 contrast on white, and a distinct dash pattern and marker.
const STYLES: [Style; 5] = [
    Style { colour: "#0072b2", dash: "", width: 2.5, marker: Marker::Circle },
    Style { colour: "#d55e00", dash: "7 4", width: 2.0, marker: Marker::Square },
    Style { colour: "#4d4d4d", dash: "2 3", width: 2.0, marker: Marker::Triangle },
    Style { colour: "#009e73", dash: "10 3 2 3", width: 2.0, marker: Marker::Diamond },
    Style { colour: "#cc79a7", dash: "4 2", width: 2.0, marker: Marker::Cross },
];

/// Draws a line chart as a standalone SVG.
///
/// The value axis has "nice" ticks ([`nice_ticks`]) written in German. Each series is one `<path
/// class="series">`, broken where a value is missing, with a marker per value that carries a
/// `<title>` ("series, period: value"). The legend on top shows each series' dash pattern and
/// marker. The `<desc>` lists every value, so the chart can be read without seeing it.
pub fn line_chart(spec: &LineChartSpec) -> String {
    let values: Vec<f64> = spec
        .series
        .iter()
        .flat_map(|s| s.values.iter().flatten().copied())
        .chain(spec.target.as_ref().map(|t| t.value))
        .filter(|v| v.is_finite())
        .collect();
    let mut svg = Svg::new(spec.width, spec.height, Role::Img, spec.title, &describe(spec));
    let (legend_h, legend) = legend_rows(spec);
    svg.push(&legend);
    let top = legend_h + 26.0;
    svg.text(0.0, top - 10.0, &format!(r#"fill="{TEXT_MUTED}" font-size="11""#), spec.y_label);
    let (Some(lo), Some(hi)) = (values.iter().copied().reduce(f64::min), values.iter().copied().reduce(f64::max))
    else {
        svg.text(
            spec.width / 2.0,
            (top + spec.height) / 2.0,
            &format!(r#"fill="{TEXT_MUTED}" text-anchor="middle""#),
            "keine Daten",
        );
        return svg.finish();
    };
    let ticks = nice_ticks(lo, hi, 5);
    let decimals = common_decimals(&ticks);
    let labels: Vec<String> = ticks.iter().map(|&t| format_de(t, decimals)).collect();
    let left = labels.iter().map(|l| text_width(l, 11.0)).fold(24.0, f64::max) + 8.0;
    let (right, bottom) = (spec.width - 12.0, spec.height - 26.0);
    let (Some(&t0), Some(&t1)) = (ticks.first(), ticks.last()) else { return svg.finish() };
    let y_of = |v: f64| bottom - (v - t0) / (t1 - t0) * (bottom - top);
    svg.push(r##"<g class="grid" stroke="#e3e3e3" stroke-width="1">"##);
    for &t in &ticks {
        let y = num(y_of(t));
        let stroke = if t == 0.0 { r##" stroke="#8c8c8c""## } else { "" };
        svg.push(&format!(r#"<line x1="{}" y1="{y}" x2="{}" y2="{y}"{stroke}/>"#, num(left), num(right)));
    }
    svg.push("</g>");
    for (t, label) in ticks.iter().zip(&labels) {
        svg.text(left - 6.0, y_of(*t) + 4.0, &format!(r#"fill="{TEXT}" font-size="11" text-anchor="end""#), label);
    }
    let n = spec.periods.len().max(1);
    let inset = 14.0;
    let x_of = |i: usize| {
        if n == 1 {
            (left + right) / 2.0
        } else {
            left + inset + i as f64 * (right - left - 2.0 * inset) / (n - 1) as f64
        }
    };
    let spacing = if n == 1 { right - left } else { (right - left - 2.0 * inset) / (n - 1) as f64 };
    let widest = spec.periods.iter().map(|p| text_width(p, 11.0)).fold(0.0, f64::max);
    let every = ((widest + 10.0) / spacing).ceil().max(1.0) as usize;
    for (i, p) in spec.periods.iter().enumerate().filter(|(i, _)| i % every == 0) {
        svg.text(x_of(i), bottom + 17.0, &format!(r#"fill="{TEXT}" font-size="11" text-anchor="middle""#), p);
    }
    if let Some(target) = spec.target.as_ref().filter(|t| t.value.is_finite()) {
        let y = y_of(target.value);
        svg.push(&format!(
            r##"<line class="target" x1="{}" y1="{}" x2="{}" y2="{}" stroke="#1a1a1a" stroke-width="1.5" stroke-dasharray="2 4"/>"##,
            num(left),
            num(y),
            num(right),
            num(y)
        ));
        svg.text(right, y - 5.0, &format!(r#"fill="{TEXT}" font-size="11" text-anchor="end""#), target.label);
    }
    // Breaks in the series: between a re-estimated period and an original one.
    for i in 1..spec.periods.len().min(spec.reestimated.len()) {
        if spec.reestimated[i] != spec.reestimated[i - 1] {
            let x = (x_of(i - 1) + x_of(i)) / 2.0;
            svg.push(&format!(
                r##"<line class="break" x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="#1a1a1a" stroke-width="1" stroke-dasharray="4 3"/>"##,
                num(top),
                num(bottom),
                x = num(x)
            ));
            svg.text(x + 3.0, top + 10.0, &format!(r#"fill="{TEXT}" font-size="11""#), "Bruch");
        }
    }
    // The first series is drawn last, so that it lies on top.
    for (si, series) in spec.series.iter().enumerate().rev() {
        let style = &STYLES[si % STYLES.len()];
        let points: Vec<Option<(f64, f64)>> = (0..spec.periods.len())
            .map(|i| series.values.get(i).copied().flatten().filter(|v| v.is_finite()).map(|v| (x_of(i), y_of(v))))
            .collect();
        let d = line_path(&points);
        if !d.is_empty() {
            let dash =
                if style.dash.is_empty() { String::new() } else { format!(r#" stroke-dasharray="{}""#, style.dash) };
            svg.push(&format!(
                r#"<path class="series" data-series="{si}" fill="none" stroke="{}" stroke-width="{}"{dash} stroke-linejoin="round" d="{d}"/>"#,
                style.colour, style.width
            ));
        }
        svg.push(&format!(
            r##"<g class="markers" data-series="{si}" fill="{}" stroke="#ffffff" stroke-width="1">"##,
            style.colour
        ));
        for (i, point) in points.iter().enumerate() {
            if let (Some((x, y)), Some(Some(v))) = (point, series.values.get(i)) {
                let title = format!("{}, {}: {}{}", series.name, spec.periods[i], format_auto(*v), spec.value_suffix);
                svg.push(&marker(style.marker, *x, *y, Some(&title)));
            }
        }
        svg.push("</g>");
    }
    svg.finish()
}

/// Path data through the points, starting a new subpath after each gap.
fn line_path(points: &[Option<(f64, f64)>]) -> String {
    let mut d = String::new();
    let mut drawing = false;
    for (i, p) in points.iter().enumerate() {
        match p {
            Some((x, y)) => {
                let next = points.get(i + 1).copied().flatten();
                if drawing {
                    let _ = write!(d, "L{} {}", num(*x), num(*y));
                } else if next.is_some() {
                    let _ = write!(d, "M{} {}", num(*x), num(*y));
                    drawing = true;
                }
            }
            None => drawing = false,
        }
    }
    d
}

/// A marker centred at (`x`, `y`), with a `<title>` when given.
fn marker(kind: Marker, x: f64, y: f64, title: Option<&str>) -> String {
    let (open, close) = match title {
        Some(t) => (">".to_owned(), format!("<title>{}</title>", escape(t))),
        None => ("/>".to_owned(), String::new()),
    };
    let end = |tag: &str| if close.is_empty() { String::new() } else { format!("{close}</{tag}>") };
    let (cx, cy) = (num(x), num(y));
    match kind {
        Marker::Circle => format!(r#"<circle cx="{cx}" cy="{cy}" r="4"{open}{}"#, end("circle")),
        Marker::Square => {
            format!(r#"<rect x="{}" y="{}" width="7" height="7"{open}{}"#, num(x - 3.5), num(y - 3.5), end("rect"))
        }
        Marker::Triangle => {
            format!(r#"<path d="M{cx} {}l4.5 8h-9z"{open}{}"#, num(y - 5.0), end("path"))
        }
        Marker::Diamond => format!(r#"<path d="M{cx} {}l4.5 4.5-4.5 4.5-4.5-4.5z"{open}{}"#, num(y - 4.5), end("path")),
        Marker::Cross => format!(
            r#"<path d="M{} {}l3-3 2 2-3 3 3 3-2 2-3-3-3 3-2-2 3-3-3-3 2-2z"{open}{}"#,
            cx,
            num(y - 2.0),
            end("path")
        ),
    }
}

/// The legend rows on top: a line sample with the series' dash pattern and marker, then its name,
/// wrapped to the chart width. Returns the height used and the markup.
fn legend_rows(spec: &LineChartSpec) -> (f64, String) {
    let mut out = String::from(r#"<g class="legend">"#);
    let (mut x, mut y) = (0.0, 14.0);
    for (si, series) in spec.series.iter().enumerate() {
        let style = &STYLES[si % STYLES.len()];
        let w = 30.0 + 6.0 + text_width(series.name, 12.0);
        if x > 0.0 && x + w > spec.width {
            (x, y) = (0.0, y + 20.0);
        }
        let dash = if style.dash.is_empty() { String::new() } else { format!(r#" stroke-dasharray="{}""#, style.dash) };
        let _ = write!(
            out,
            r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}"{dash}/><g fill="{}" stroke="#ffffff" stroke-width="1">{}</g><text x="{}" y="{}" fill="{TEXT}">{}</text>"##,
            num(x),
            num(y - 4.0),
            num(x + 30.0),
            num(y - 4.0),
            style.colour,
            style.width,
            style.colour,
            marker(style.marker, x + 15.0, y - 4.0, None),
            num(x + 36.0),
            num(y),
            escape(series.name)
        );
        x += w + 18.0;
    }
    out.push_str("</g>");
    (y + 4.0, out)
}

/// The text alternative: every value of every series.
fn describe(spec: &LineChartSpec) -> String {
    let mut text = format!("Liniendiagramm {}", spec.title);
    if !spec.y_label.is_empty() {
        let _ = write!(text, " ({})", spec.y_label);
    }
    for s in &spec.series {
        let values: Vec<String> = spec
            .periods
            .iter()
            .enumerate()
            .map(|(i, p)| match s.values.get(i).copied().flatten() {
                Some(v) => format!("{p}: {}{}", format_auto(v), spec.value_suffix),
                None => format!("{p}: keine Daten"),
            })
            .collect();
        let _ = write!(text, ". {}: {}", s.name, values.join(", "));
    }
    if let Some(t) = &spec.target {
        let _ = write!(text, ". {}: {}{}", t.label, format_auto(t.value), spec.value_suffix);
    }
    let estimated: Vec<&str> =
        spec.periods.iter().zip(&spec.reestimated).filter(|(_, r)| **r).map(|(p, _)| p.as_str()).collect();
    if !estimated.is_empty() {
        let _ = write!(text, ". Auf den aktuellen Gebietsstand umgeschätzt: {}", estimated.join(", "));
    }
    text.push('.');
    text
}

#[cfg(test)]
mod tests;
