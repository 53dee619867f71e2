//! Placeholders in the text of a report: `{{ NAME }}` stands for a number from the store, formatted
//! like the tables, so no number in a text is ever typed by hand or left stale. A placeholder
//! that cannot be bound fails the build with its file, line and column, its name and the reason
//! (the missing variable, where one is missing).
//!
//! In a Quartiersprofil `{{ indikator:KEY }}` is the area's value; in a Lernreport or
//! Lebenslagenbericht the names of [`crate::compose`] speak of the whole city.

use std::collections::BTreeMap;

use domain::Area;
use domain::indicator::Definition;
use store::LayerVersion;
use web::atlas::KommuneAtlas;
use web::indicators::value_text;

use crate::build::{BuildError, missing};
use crate::document::Narrative;
use crate::markdown::line_column;

/// Every `{{ NAME }}` of a narrative with its byte offset; an unclosed one fails with its place.
fn scan(narrative: &Narrative) -> Result<Vec<(usize, &str, usize)>, BuildError> {
    let text = &narrative.text;
    let mut found = Vec::new();
    let mut done = 0;
    while let Some(at) = text[done..].find("{{") {
        let start = done + at;
        let after = &text[start + 2..];
        let Some(end) = after.find("}}") else {
            return Err(fail(narrative, start, after.trim(), "nicht mit }} geschlossen".to_owned()));
        };
        found.push((start, after[..end].trim(), start + 2 + end + 2));
        done = start + 2 + end + 2;
    }
    Ok(found)
}

fn fail(narrative: &Narrative, offset: usize, placeholder: &str, reason: String) -> BuildError {
    let (line, column) = line_column(&narrative.text, offset);
    BuildError::Placeholder {
        origin: narrative.origin.clone(),
        line,
        column,
        placeholder: placeholder.to_owned(),
        reason,
    }
}

/// `text` with every `{{ NAME }}` replaced by `value(NAME)`; a failure names the narrative's file,
/// the line and column of the placeholder, and the reason `value` gives.
pub(crate) fn substitute(
    narrative: &Narrative,
    mut value: impl FnMut(&str) -> Result<String, String>,
) -> Result<String, BuildError> {
    let text = &narrative.text;
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    for (start, name, end) in scan(narrative)? {
        out.push_str(&text[done..start]);
        out.push_str(&value(name).map_err(|reason| fail(narrative, start, name, reason))?);
        done = end;
    }
    out.push_str(&text[done..]);
    Ok(out)
}

/// The value of every placeholder of a narrative, by its name; a failure as in [`substitute`].
pub(crate) fn values(
    narrative: &Narrative,
    mut value: impl FnMut(&str) -> Result<String, String>,
) -> Result<BTreeMap<String, String>, BuildError> {
    let mut out = BTreeMap::new();
    for (start, name, _) in scan(narrative)? {
        if !out.contains_key(name) {
            out.insert(name.to_owned(), value(name).map_err(|reason| fail(narrative, start, name, reason))?);
        }
    }
    Ok(out)
}

/// A text of the parsed narrative with its placeholders replaced from `values`; a placeholder that
/// is not in one piece of text (`{{ *indikator:x* }}`) fails with its place in the narrative.
pub(crate) fn fill(narrative: &Narrative, text: &str, values: &BTreeMap<String, String>) -> Result<String, BuildError> {
    let piece = Narrative { origin: narrative.origin.clone(), text: text.to_owned() };
    substitute(&piece, |name| values.get(name).cloned().ok_or_else(String::new)).map_err(|_| {
        // The place of the broken placeholder: its opening and first characters, found in the source.
        let rest = text.find("{{").map_or("", |i| &text[i..]);
        let opening: String = rest.chars().take(8).collect();
        let at = narrative.text.find(&opening).unwrap_or(0);
        fail(narrative, at, text, "ein Platzhalter muss in einem Stück Text stehen, ohne Formatierung darin".to_owned())
    })
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
