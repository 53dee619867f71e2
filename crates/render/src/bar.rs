//! Horizontal bar chart comparing one value across areas, with a reference line.

use crate::format::{auto_decimals, common_decimals, format_de, nice_ticks};
use crate::palette::{TEXT, TEXT_MUTED};
use crate::svg::{Role, Svg, escape, num, shorten, span, text_width};

/// Height of one bar's row, in px.
const ROW: f64 = 22.0;
/// Space above the bars for the reference label.
const TOP: f64 = 24.0;
/// Space below the bars for the axis labels.
const BOTTOM: f64 = 24.0;
/// Bars other than the highlighted one.
const FILL: &str = "#4a98c9";
/// The highlighted bar.
const FILL_HIGHLIGHT: &str = "#08519c";

/// One bar.
#[derive(Debug, Clone)]
pub struct Bar<'a> {
    /// Key of the area; appears as `data-key`.
    pub key: &'a str,
    /// Label left of the bar (the area's name).
    pub label: &'a str,
    /// The value; `None` shows "keine Daten" instead of a bar.
    pub value: Option<f64>,
    /// Link target, e.g. the area's profile page.
    pub href: Option<String>,
}

/// A reference value drawn as a dashed line across all bars, e.g. the city's value.
#[derive(Debug, Clone)]
pub struct Reference<'a> {
    /// Name of the reference, e.g. `"Köln"`.
    pub label: &'a str,
    /// The reference value.
    pub value: f64,
}

/// Everything a bar chart shows.
#[derive(Debug, Clone)]
pub struct BarChartSpec<'a> {
    /// Title: the accessible name of the picture (not drawn; the page or report shows a caption).
    pub title: &'a str,
    /// The bars, top to bottom in the given order.
    pub bars: Vec<Bar<'a>>,
    /// The line to compare with.
    pub reference: Option<Reference<'a>>,
    /// Key of the bar to emphasise, e.g. the area whose profile is shown.
    pub highlight: Option<&'a str>,
    /// Appended to values, e.g. `" %"`; may be empty.
    pub value_suffix: &'a str,
    /// Width of the picture in px; the height follows from the number of bars (22 px each plus
    /// 48 px for the reference label and the axis).
    pub width: f64,
}

/// The height [`bar_chart`] gives a chart of `bars` bars.
pub fn bar_chart_height(bars: usize) -> f64 {
    TOP + bars as f64 * ROW + BOTTOM
}

/// Draws a horizontal bar chart as a standalone SVG.
///
/// Bars (`class="bar"`, `data-key`) start at zero, so negative values go left; each has its value
/// written at its end (above the reference line, with a white halo) and a `<title>`; all values
/// of one chart share the number of decimals. With an `href` the whole row (label and bar) is a link.
/// Labels too long for the label column (at most 40 % of the width) are shortened with "…" and
/// kept whole in the title. The reference value is a dashed line with its label on top.
pub fn bar_chart(spec: &BarChartSpec) -> String {
    let height = bar_chart_height(spec.bars.len());
    let value_text = |v: Option<f64>| value_text(spec, v);
    let role = if spec.bars.iter().any(|b| b.href.is_some()) { Role::Group } else { Role::Img };
    let mut svg = Svg::new(spec.width, height, role, spec.title, &describe(spec));
    let values: Vec<f64> = spec
        .bars
        .iter()
        .filter_map(|b| b.value)
        .chain(spec.reference.as_ref().map(|r| r.value))
        .filter(|v| v.is_finite())
        .collect();
    let lo = values.iter().copied().fold(0.0, f64::min);
    let hi = values.iter().copied().fold(0.0, f64::max);
    let ticks = nice_ticks(lo, hi, 5);
    let decimals = common_decimals(&ticks);
    let (Some(&t0), Some(&t1)) = (ticks.first(), ticks.last()) else { return svg.finish() };
    let label_room = (spec.width * 0.4).min(spec.bars.iter().map(|b| text_width(b.label, 12.0)).fold(0.0, f64::max));
    let value_room = spec.bars.iter().map(|b| text_width(&value_text(b.value), 11.0)).fold(0.0, f64::max) + 6.0;
    let left = label_room + 10.0 + if lo < 0.0 { value_room } else { 0.0 };
    let right = spec.width - value_room.max(12.0);
    let x_of = |v: f64| left + (v - t0) / (t1 - t0) * (right - left);
    let bottom = height - BOTTOM;
    svg.push(r##"<g class="grid" stroke="#e3e3e3" stroke-width="1">"##);
    for &t in &ticks {
        let x = num(x_of(t));
        let stroke = if t == 0.0 { r##" stroke="#8c8c8c""## } else { "" };
        svg.push(&format!(r#"<line x1="{x}" y1="{}" x2="{x}" y2="{}"{stroke}/>"#, num(TOP - 4.0), num(bottom)));
    }
    svg.push("</g>");
    for &t in &ticks {
        svg.text(
            x_of(t),
            bottom + 15.0,
            &format!(r#"fill="{TEXT}" font-size="11" text-anchor="middle""#),
            &format_de(t, decimals),
        );
    }
    // Value labels go on top of the reference line, which goes on top of the bars.
    let mut values = String::new();
    for (i, bar) in spec.bars.iter().enumerate() {
        let y = TOP + i as f64 * ROW;
        let title = format!("{}: {}", bar.label, value_text(bar.value));
        let mut row = String::new();
        let label = shorten(bar.label, label_room, 12.0);
        row.push_str(&format!(
            r#"<text x="{}" y="{}" fill="{TEXT}" text-anchor="end">{}</text>"#,
            num(label_room + 2.0),
            num(y + 15.0),
            escape(&label)
        ));
        let fill = if spec.highlight == Some(bar.key) { FILL_HIGHLIGHT } else { FILL };
        match bar.value.filter(|v| v.is_finite()) {
            Some(v) => {
                let b = x_of(v);
                let (x, w) = span(x_of(0.0), b);
                row.push_str(&format!(
                    r#"<rect class="bar" data-key="{}" data-value="{v}" x="{x}" y="{}" width="{w}" height="15" fill="{fill}"><title>{}</title></rect>"#,
                    escape(bar.key),
                    num(y + 3.0),
                    escape(&title)
                ));
                let (x, anchor) = if v < 0.0 { (b - 4.0, "end") } else { (b + 4.0, "start") };
                values.push_str(&format!(
                    r#"<text x="{}" y="{}" text-anchor="{anchor}">{}</text>"#,
                    num(x),
                    num(y + 14.5),
                    escape(&value_text(Some(v)))
                ));
            }
            None => values.push_str(&format!(
                r#"<text class="bar" data-key="{}" x="{}" y="{}" fill="{TEXT_MUTED}">keine Daten<title>{}</title></text>"#,
                escape(bar.key),
                num(x_of(0.0) + 4.0),
                num(y + 14.5),
                escape(&title)
            )),
        }
        match &bar.href {
            Some(href) => svg.push(&format!(r#"<a href="{}" aria-label="{}">{row}</a>"#, escape(href), escape(&title))),
            None => svg.push(&row),
        }
    }
    if let Some(r) = spec.reference.as_ref().filter(|r| r.value.is_finite()) {
        let x = x_of(r.value);
        svg.push(&format!(
            r##"<line class="reference" x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="#1a1a1a" stroke-width="1.5" stroke-dasharray="5 3"/>"##,
            num(TOP - 6.0),
            num(bottom),
            x = num(x)
        ));
        let text = format!("{}: {}", r.label, value_text(Some(r.value)));
        let half = text_width(&text, 11.0) / 2.0;
        let centre = x.clamp(half, (spec.width - half).max(half));
        svg.text(centre, TOP - 10.0, &format!(r#"fill="{TEXT}" font-size="11" text-anchor="middle""#), &text);
    }
    svg.push(&format!(
        r##"<g class="values" fill="{TEXT}" font-size="11" stroke="#ffffff" stroke-width="4" stroke-linejoin="round" paint-order="stroke">{values}</g>"##
    ));
    svg.finish()
}

/// A value with the chart's common number of decimals and the suffix, or "keine Daten".
fn value_text(spec: &BarChartSpec, v: Option<f64>) -> String {
    let shown = spec.bars.iter().filter_map(|b| b.value).chain(spec.reference.as_ref().map(|r| r.value));
    let decimals = shown.map(auto_decimals).max().unwrap_or(0);
    v.map_or("keine Daten".to_owned(), |v| format!("{}{}", format_de(v, decimals), spec.value_suffix))
}

/// The text alternative: every bar's value in order, and the reference.
fn describe(spec: &BarChartSpec) -> String {
    let items: Vec<String> = spec.bars.iter().map(|b| format!("{}: {}", b.label, value_text(spec, b.value))).collect();
    let mut text = format!("Balkendiagramm {}. {}", spec.title, items.join("; "));
    if let Some(r) = &spec.reference {
        text.push_str(&format!(". Vergleichswert {}: {}", r.label, value_text(spec, Some(r.value))));
    }
    text.push('.');
    text
}
