//! Colours: the sequential map palette, the "no data" fill and text colours with enough contrast.

/// ColorBrewer **YlGnBu** (yellow–green–blue), sequential, 3 to 7 classes.
///
/// Source: Cynthia A. Brewer, ColorBrewer 2.0, <https://colorbrewer2.org/#type=sequential&scheme=YlGnBu>
/// (Apache License 2.0). The scheme is marked colour-blind safe and print friendly there, and its
/// lightness rises monotonically, so the classes stay ordered in greyscale.
const YL_GN_BU: [&[&str]; 7] = [
    &["#41b6c4"],
    &["#a1dab4", "#225ea8"],
    &["#edf8b1", "#7fcdbb", "#2c7fb8"],
    &["#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"],
    &["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"],
    &["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"],
    &["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"],
];

/// The sequential palette (ColorBrewer YlGnBu, see the source above) for `k` classes, lightest
/// first.
///
/// ColorBrewer defines 3 to 7 classes; for 1 and 2 classes (breaks merge repeated limits) colours of
/// the 4-class scheme are used, `k = 0` gives no colour and more than 7 gives the 7 colours.
///
/// ```
/// assert_eq!(render::sequential(3), ["#edf8b1", "#7fcdbb", "#2c7fb8"]);
/// ```
pub fn sequential(k: usize) -> &'static [&'static str] {
    match k {
        0 => &[],
        k => YL_GN_BU[k.min(7) - 1],
    }
}

/// The colour of class `class` out of `classes`, clamped to the last colour.
pub(crate) fn class_colour(classes: usize, class: usize) -> &'static str {
    let p = sequential(classes.max(1));
    p[class.min(p.len() - 1)]
}

/// Colours for categories without an order (the destinations of a Sankey diagram): the
/// Okabe–Ito colour-blind-safe set without black, the darker colours first (the first four have
/// at least 3:1 contrast on white).
///
/// Source: Masataka Okabe and Kei Ito, "Color Universal Design (CUD) – How to make figures and
/// presentations that are friendly to colorblind people", 2008, <https://jfly.uni-koeln.de/color/>.
pub(crate) const CATEGORICAL: [&str; 7] = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#f0e442"];

/// Background of the "no data" hatch: a light grey.
pub const NO_DATA_FILL: &str = "#f0f0f0";

/// Lines of the "no data" hatch: a mid grey, visible against [`NO_DATA_FILL`] and white.
pub const NO_DATA_HATCH: &str = "#969696";

/// Main text colour: near black, 17.4:1 on white.
pub const TEXT: &str = "#1a1a1a";

/// Secondary text colour (notes, axis captions): 7:1 on white, above WCAG AA's 4.5:1.
pub const TEXT_MUTED: &str = "#595959";

/// Fill of areas when there are no class breaks (a plain base map).
pub const BASE_FILL: &str = "#dde6ea";

/// The text colour for labels drawn on `fill` (a `#rrggbb` colour): black or white, whichever
/// contrasts more (WCAG 2 contrast ratio). For every palette colour the result reaches 4.5:1
/// (WCAG AA for normal text); pure black is needed for the mid blues, where [`TEXT`] would fall
/// short. An unparsable colour gets black.
pub fn text_on(fill: &str) -> &'static str {
    match (contrast_ratio(fill, "#000000"), contrast_ratio(fill, "#ffffff")) {
        (Some(black), Some(white)) if white > black => "#ffffff",
        _ => "#000000",
    }
}

/// The WCAG 2 contrast ratio of two `#rrggbb` colours, from 1 to 21; `None` if either does not
/// parse.
pub fn contrast_ratio(a: &str, b: &str) -> Option<f64> {
    let (la, lb) = (luminance(a)?, luminance(b)?);
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    Some((hi + 0.05) / (lo + 0.05))
}

/// WCAG 2 relative luminance of a `#rrggbb` colour.
fn luminance(hex: &str) -> Option<f64> {
    let digits = hex.strip_prefix('#').filter(|d| d.len() == 6 && d.is_ascii())?;
    let channel = |i: usize| -> Option<f64> {
        let c = f64::from(u8::from_str_radix(&digits[i..i + 2], 16).ok()?) / 255.0;
        Some(if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) })
    };
    Some(0.2126 * channel(0)? + 0.7152 * channel(2)? + 0.0722 * channel(4)?)
}

#[cfg(test)]
mod tests;
