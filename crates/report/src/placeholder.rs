//! Placeholders in the text of a report: `{{ NAME }}` stands for a number from the store, formatted
//! like the tables, so no number in a text is ever typed by hand or left stale. A placeholder
//! that cannot be bound fails the build with its file, line and column, its name and the reason
//! (the missing variable, where one is missing).
//!
//! In a Quartiersprofil `{{ indikator:KEY }}` is the area's value; in a Lernreport or
//! Lebenslagenbericht the names of [`crate::compose`] speak of the whole city.

use domain::Area;
use domain::indicator::Definition;
use store::LayerVersion;
use web::atlas::KommuneAtlas;
use web::indicators::value_text;

use crate::build::{BuildError, missing};
use crate::document::Narrative;
use crate::markdown::line_column;

/// `text` with every `{{ NAME }}` replaced by `value(NAME)`; a failure names the narrative's file,
/// the line and column of the placeholder, and the reason `value` gives.
pub(crate) fn substitute(
    narrative: &Narrative,
    mut value: impl FnMut(&str) -> Result<String, String>,
) -> Result<String, BuildError> {
    let text = &narrative.text;
    let fail = |offset: usize, placeholder: &str, reason: String| {
        let (line, column) = line_column(text, offset);
        BuildError::Placeholder {
            origin: narrative.origin.clone(),
            line,
            column,
            placeholder: placeholder.to_owned(),
            reason,
        }
    };
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    while let Some(found) = text[done..].find("{{") {
        let start = done + found;
        out.push_str(&text[done..start]);
        let after = &text[start + 2..];
        let end = after.find("}}").ok_or_else(|| fail(start, after.trim(), "nicht mit }} geschlossen".to_owned()))?;
        let name = after[..end].trim();
        out.push_str(&value(name).map_err(|reason| fail(start, name, reason))?);
        done = start + 2 + end + 2;
    }
    out.push_str(&text[done..]);
    Ok(out)
}

/// The catalogue definition of `key`, computable on `layer`, or why not.
pub(crate) fn definition<'c>(
    key: &str,
    k: &KommuneAtlas,
    catalogue: &'c [Definition],
    layer: &LayerVersion,
) -> Result<&'c Definition, String> {
    let d =
        catalogue.iter().find(|d| d.key.as_str() == key).ok_or_else(|| format!("kein Indikator {key} im Katalog"))?;
    let absent = missing(k, d, layer);
    if !absent.is_empty() {
        return Err(format!("es fehlt die Variable {}", absent.join(", ")));
    }
    Ok(d)
}

/// The profile's text with `{{ indikator:KEY }}` bound to the area's newest value.
pub(crate) fn bind_profile(
    narrative: &Narrative,
    k: &KommuneAtlas,
    catalogue: &[Definition],
    layer: &LayerVersion,
    area: &Area,
) -> Result<String, BuildError> {
    substitute(narrative, |name| {
        let key = name.strip_prefix("indikator:").ok_or("nur indikator:SCHLÜSSEL ist bekannt")?.trim();
        let d = definition(key, k, catalogue, layer)?;
        let period = k.indicator_periods(d).last().copied();
        k.indicator(d, layer, area, period)
            .map(|c| value_text(d, c.value))
            .map_err(|e| format!("kein Wert für {}: {e}", area.name))
    })
}
