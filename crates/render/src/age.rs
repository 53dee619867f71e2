//! The age structure chart (Altersaufbau): one bar per age band, youngest at the bottom.

use std::fmt::Write;

use crate::format::{common_decimals, format_auto, format_de, nice_ticks};
use crate::palette::{TEXT, TEXT_MUTED};
use crate::svg::{Role, Svg, escape, num, span, text_width};

/// Bars of the total population (one-sided chart) and of men in a pyramid.
const BLUE: &str = "#2b8cbe";
/// Bars of women in a pyramid.
const ORANGE: &str = "#d95f02";

/// Sex-specific shares of one age band, in per cent of the whole population (both sexes), so that
/// the two sides of the pyramid add up to 100 % together.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BySex {
    /// Men (männlich) in the area.
    pub male: Option<f64>,
    /// Women (weiblich) in the area.
    pub female: Option<f64>,
    /// Men in the comparison area.
    pub comparison_male: Option<f64>,
    /// Women in the comparison area.
    pub comparison_female: Option<f64>,
}

/// One age band.
#[derive(Debug, Clone)]
pub struct AgeBand<'a> {
    /// Label, e.g. `"6 bis unter 10"`.
    pub label: &'a str,
    /// Share of the area's population in this band, in per cent.
    pub share: Option<f64>,
    /// Share of the comparison area's (e.g. the city's) population, in per cent.
    pub comparison: Option<f64>,
    /// Shares by sex; when any band has them, a two-sided pyramid is drawn instead.
    pub by_sex: Option<BySex>,
}

/// Everything an age structure chart shows.
#[derive(Debug, Clone)]
pub struct AgeChartSpec<'a> {
    /// Title: the accessible name of the picture (not drawn; the page or report shows a caption).
    pub title: &'a str,
    /// Name of the area, for the legend.
    pub area_name: &'a str,
    /// Name of the comparison area, e.g. the city.
    pub comparison_name: &'a str,
    /// The age bands, youngest first.
    pub bands: Vec<AgeBand<'a>>,
    /// Width of the picture in px.
    pub width: f64,
    /// Height of the picture in px.
    pub height: f64,
}

/// Draws the age structure as a standalone SVG.
///
/// Each band is a horizontal bar (`class="bar"`) of its share in per cent, youngest at the bottom
/// like a population pyramid; the comparison area's share is a dark outline over the bar. When any
/// band has [`BySex`] values, men are drawn to the left and women to the right of the band labels.
/// Each bar has a `<title>`, and the `<desc>` lists all shares.
pub fn age_chart(spec: &AgeChartSpec) -> String {
    let pyramid = spec.bands.iter().any(|b| b.by_sex.is_some());
    let mut svg = Svg::new(spec.width, spec.height, Role::Img, spec.title, &describe(spec, pyramid));
    legend(&mut svg, spec, pyramid);
    let values = spec.bands.iter().flat_map(|b| {
        let s = b.by_sex.unwrap_or_default();
        let own = if pyramid {
            [s.male, s.female, s.comparison_male, s.comparison_female]
        } else {
            [b.share, b.comparison, None, None]
        };
        own.into_iter().flatten()
    });
    let max = values.filter(|v| v.is_finite()).fold(0.0, f64::max);
    let ticks = nice_ticks(0.0, max, if pyramid { 3 } else { 5 });
    let decimals = common_decimals(&ticks);
    let Some(&t_max) = ticks.last() else { return svg.finish() };
    let label_w = spec.bands.iter().map(|b| text_width(b.label, 11.0)).fold(0.0, f64::max) + 12.0;
    let top = if pyramid { 52.0 } else { 34.0 };
    let bottom = spec.height - 36.0;
    let n = spec.bands.len().max(1);
    let row = (bottom - top) / n as f64;
    let bar_h = (row * 0.78).max(1.0);
    // One or two value axes: (origin x, direction, length).
    let axes: Vec<(f64, f64, f64)> = if pyramid {
        let half = (spec.width - label_w) / 2.0 - 12.0;
        vec![(spec.width / 2.0 - label_w / 2.0, -1.0, half), (spec.width / 2.0 + label_w / 2.0, 1.0, half)]
    } else {
        vec![(label_w, 1.0, spec.width - label_w - 16.0)]
    };
    let x_of = |axis: (f64, f64, f64), v: f64| axis.0 + axis.1 * v / t_max * axis.2;
    svg.push(r##"<g class="grid" stroke="#e3e3e3" stroke-width="1">"##);
    for &axis in &axes {
        for &t in &ticks {
            let x = num(x_of(axis, t));
            svg.push(&format!(r#"<line x1="{x}" y1="{}" x2="{x}" y2="{}"/>"#, num(top), num(bottom)));
        }
    }
    svg.push("</g>");
    for &axis in &axes {
        for &t in &ticks {
            let anchor = r#"text-anchor="middle""#;
            svg.text(
                x_of(axis, t),
                bottom + 15.0,
                &format!(r#"fill="{TEXT}" font-size="11" {anchor}"#),
                &format_de(t, decimals),
            );
        }
    }
    let caption_x = if pyramid { spec.width / 2.0 } else { label_w + axes[0].2 / 2.0 };
    svg.text(
        caption_x,
        bottom + 31.0,
        &format!(r#"fill="{TEXT_MUTED}" font-size="11" text-anchor="middle""#),
        "Anteil an der Bevölkerung in %",
    );
    if pyramid {
        svg.text(12.0, top - 8.0, &format!(r#"fill="{TEXT}" font-weight="600""#), "männlich");
        svg.text(
            spec.width - 12.0,
            top - 8.0,
            &format!(r#"fill="{TEXT}" font-weight="600" text-anchor="end""#),
            "weiblich",
        );
    }
    let every = (14.0 / row).ceil().max(1.0) as usize;
    for (i, band) in spec.bands.iter().enumerate() {
        let y = bottom - (i + 1) as f64 * row + (row - bar_h) / 2.0;
        let label_x = if pyramid { spec.width / 2.0 } else { label_w - 8.0 };
        let anchor = if pyramid { "middle" } else { "end" };
        if i % every == 0 {
            svg.text(
                label_x,
                y + bar_h / 2.0 + 4.0,
                &format!(r#"fill="{TEXT}" font-size="11" text-anchor="{anchor}""#),
                band.label,
            );
        }
        let sides: Vec<(Option<f64>, Option<f64>, &str, &str)> = if pyramid {
            let s = band.by_sex.unwrap_or_default();
            vec![(s.male, s.comparison_male, BLUE, "männlich"), (s.female, s.comparison_female, ORANGE, "weiblich")]
        } else {
            vec![(band.share, band.comparison, BLUE, "")]
        };
        for (&axis, (value, comparison, colour, side)) in axes.iter().zip(sides) {
            let rect = |v: f64| span(x_of(axis, 0.0), x_of(axis, v.max(0.0)));
            let mut title = format!("{}{}{}: ", band.label, if side.is_empty() { "" } else { ", " }, side);
            title.push_str(&value.map_or("keine Daten".to_owned(), |v| format!("{} %", format_auto(v))));
            if let Some(c) = comparison {
                let _ = write!(title, " ({}: {} %)", spec.comparison_name, format_auto(c));
            }
            let (x, w) = rect(value.unwrap_or(0.0));
            svg.push(&format!(
                r#"<rect class="bar" x="{x}" y="{}" width="{w}" height="{}" fill="{colour}"><title>{}</title></rect>"#,
                num(y),
                num(bar_h),
                escape(&title)
            ));
            if let Some(c) = comparison {
                let (x, w) = rect(c);
                svg.push(&format!(
                    r##"<rect class="comparison" x="{x}" y="{}" width="{w}" height="{}" fill="none" stroke="#1a1a1a" stroke-width="1.5" pointer-events="none"/>"##,
                    num(y),
                    num(bar_h)
                ));
            }
        }
    }
    svg.finish()
}

/// The legend on top: a filled swatch for the area (half blue, half orange in a pyramid), an
/// outlined one for the comparison.
fn legend(svg: &mut Svg, spec: &AgeChartSpec, pyramid: bool) {
    let right = if pyramid { ORANGE } else { BLUE };
    svg.push(&format!(r#"<rect x="0" y="4" width="8" height="12" fill="{BLUE}"/><rect x="8" y="4" width="8" height="12" fill="{right}"/>"#));
    svg.text(22.0, 14.0, &format!(r#"fill="{TEXT}""#), spec.area_name);
    let x = 22.0 + text_width(spec.area_name, 12.0) + 20.0;
    svg.push(&format!(
        r##"<rect x="{}" y="4.8" width="16" height="10.5" fill="none" stroke="#1a1a1a" stroke-width="1.5"/>"##,
        num(x + 0.8)
    ));
    svg.text(x + 24.0, 14.0, &format!(r#"fill="{TEXT}""#), spec.comparison_name);
}

/// The text alternative: every band's shares, with the comparison.
fn describe(spec: &AgeChartSpec, pyramid: bool) -> String {
    let pct = |v: Option<f64>| v.map_or("keine Daten".to_owned(), |v| format!("{} %", format_auto(v)));
    let mut text = format!(
        "Altersaufbau {} im Vergleich zu {}, Anteile an der Bevölkerung in %, von jung nach alt",
        spec.area_name, spec.comparison_name
    );
    for b in &spec.bands {
        match (pyramid, b.by_sex) {
            (true, s) => {
                let s = s.unwrap_or_default();
                let _ = write!(
                    text,
                    ". {}: männlich {}, weiblich {} ({}: männlich {}, weiblich {})",
                    b.label,
                    pct(s.male),
                    pct(s.female),
                    spec.comparison_name,
                    pct(s.comparison_male),
                    pct(s.comparison_female)
                );
            }
            (false, _) => {
                let _ =
                    write!(text, ". {}: {} ({}: {})", b.label, pct(b.share), spec.comparison_name, pct(b.comparison));
            }
        }
    }
    text.push('.');
    text
}
