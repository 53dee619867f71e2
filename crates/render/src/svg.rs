//! The SVG writer shared by all pictures: escaping, numbers, the document frame and ids.

use std::fmt::Write;

use crate::palette::{NO_DATA_FILL, NO_DATA_HATCH};

/// Stands for the document's id prefix while the document is written; see [`Svg::finish`].
/// [`escape`] removes it from all text, so user data cannot forge an id.
pub(crate) const ID: &str = "\u{1}";

/// The font stack, set once on the root element and inherited.
pub(crate) const FONT: &str = "system-ui, sans-serif";

/// Escapes text for XML content and attribute values (`&`, `<`, `>`, `"`, `'`) and drops the
/// characters XML 1.0 does not allow (most control characters, U+FFFE, U+FFFF).
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A coordinate rounded to 0.1, written without trailing zeros: `12.0` → `12`, `-0.46` → `-0.5`.
pub(crate) fn num(x: f64) -> String {
    tenths(to_tenths(x))
}

/// `x` in tenths, rounded.
pub(crate) fn to_tenths(x: f64) -> i64 {
    (x * 10.0).round() as i64
}

/// A number of tenths as decimal text: `123` → `12.3`, `-5` → `-0.5`, `40` → `4`.
pub(crate) fn tenths(t: i64) -> String {
    let sign = if t < 0 { "-" } else { "" };
    let (int, frac) = (t.unsigned_abs() / 10, t.unsigned_abs() % 10);
    if frac == 0 { format!("{sign}{int}") } else { format!("{sign}{int}.{frac}") }
}

/// The `x` and `width` attributes of a box between `a` and `b` in either order, from the rounded
/// ends, so that boxes sharing an end meet exactly.
pub(crate) fn span(a: f64, b: f64) -> (String, String) {
    let (a, b) = (to_tenths(a), to_tenths(b));
    (tenths(a.min(b)), tenths((a - b).abs()))
}

/// Rough width of `text` at `size` px in a sans-serif font: 0.58 em per character on average,
/// a little generous so that layouts leave room rather than overlap.
pub(crate) fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.58
}

/// `text` cut to fit `room` px at `size` px, ending in "…" when cut.
pub(crate) fn shorten(text: &str, room: f64, size: f64) -> String {
    if text_width(text, size) <= room {
        return text.to_owned();
    }
    let keep = ((room / (size * 0.58)) as usize).saturating_sub(1);
    let mut short: String = text.chars().take(keep).collect();
    short.push('…');
    short
}

/// Whether the picture is one image or a group of interactive parts (links).
#[derive(Clone, Copy)]
pub(crate) enum Role {
    /// `role="img"`: one graphic with a text alternative.
    Img,
    /// `role="group"`: contains links that keyboard users reach one by one.
    Group,
}

/// An SVG document being written.
pub(crate) struct Svg {
    out: String,
}

impl Svg {
    /// Opens a document of `width` × `height` px with its accessible `title` and `desc`.
    pub(crate) fn new(width: f64, height: f64, role: Role, title: &str, desc: &str) -> Svg {
        let (w, h) = (num(width), num(height));
        let role = match role {
            Role::Img => "img",
            Role::Group => "group",
        };
        let mut out = String::with_capacity(4096);
        let _ = write!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="{role}" aria-labelledby="{ID}title" aria-describedby="{ID}desc" font-family="{FONT}" font-size="12"><title id="{ID}title">{}</title><desc id="{ID}desc">{}</desc>"#,
            escape(title),
            escape(desc)
        );
        Svg { out }
    }

    /// Appends raw markup (already escaped).
    pub(crate) fn push(&mut self, markup: &str) {
        self.out.push_str(markup);
    }

    /// Appends a `<text>` element at (`x`, `y`) with `attrs` (raw) and the escaped `content`.
    pub(crate) fn text(&mut self, x: f64, y: f64, attrs: &str, content: &str) {
        let _ = write!(self.out, r#"<text x="{}" y="{}" {attrs}>{}</text>"#, num(x), num(y), escape(content));
    }

    /// Appends the `<defs>` with the "no data" hatch pattern, referenced as [`hatch_url`].
    pub(crate) fn hatch_defs(&mut self) {
        let _ = write!(
            self.out,
            r#"<defs><pattern id="{ID}hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="{NO_DATA_FILL}"/><line x1="1.5" y1="0" x2="1.5" y2="6" stroke="{NO_DATA_HATCH}" stroke-width="1.2"/></pattern></defs>"#
        );
    }

    /// Closes the document and replaces the id placeholder by a prefix derived from the content.
    ///
    /// Inline SVGs share the HTML page's id namespace. A content hash makes ids unique per picture;
    /// two pictures with the same ids have the same content, so a reference that resolves to the
    /// other copy still finds an identical definition.
    pub(crate) fn finish(mut self) -> String {
        self.out.push_str("</svg>");
        let hash = self
            .out
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3));
        self.out.replace(ID, &format!("r{:08x}-", hash as u32))
    }
}

/// The fill value that paints the "no data" hatch of [`Svg::hatch_defs`].
pub(crate) fn hatch_url() -> String {
    format!("url(#{ID}hatch)")
}

#[cfg(test)]
mod tests;
