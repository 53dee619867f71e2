//! Placeholders in the text of a report: `{{ indikator:KEY }}` stands for the area's value of a
//! catalogue indicator, formatted like the tables. A placeholder that cannot be bound fails the
//! build with its name and the reason (the missing variable, where one is missing), so no number
//! in a text is ever typed by hand or left stale.

use domain::Area;
use domain::indicator::Definition;
use store::LayerVersion;
use web::atlas::KommuneAtlas;

use web::indicators::value_text;

use crate::build::{BuildError, missing};

/// `text` with every placeholder replaced by its value.
pub(crate) fn bind(
    text: &str,
    k: &KommuneAtlas,
    catalogue: &[Definition],
    layer: &LayerVersion,
    area: &Area,
) -> Result<String, BuildError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find("}}").ok_or_else(|| BuildError::Placeholder {
            placeholder: after.trim().to_owned(),
            reason: "nicht mit }} geschlossen".to_owned(),
        })?;
        let name = after[..end].trim();
        out.push_str(&value(name, k, catalogue, layer, area)?);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

fn value(
    name: &str,
    k: &KommuneAtlas,
    catalogue: &[Definition],
    layer: &LayerVersion,
    area: &Area,
) -> Result<String, BuildError> {
    let fail = |reason: String| BuildError::Placeholder { placeholder: name.to_owned(), reason };
    let key = name.strip_prefix("indikator:").ok_or_else(|| fail("nur indikator:SCHLÜSSEL ist bekannt".to_owned()))?;
    let d = catalogue
        .iter()
        .find(|d| d.key.as_str() == key.trim())
        .ok_or_else(|| fail(format!("kein Indikator {} im Katalog", key.trim())))?;
    let absent = missing(k, d, layer);
    if !absent.is_empty() {
        return Err(fail(format!("es fehlt die Variable {}", absent.join(", "))));
    }
    let period = k.indicator_periods(d).last().copied();
    k.indicator(d, layer, area, period)
        .map(|c| value_text(d, c.value))
        .map_err(|e| fail(format!("kein Wert für {}: {e}", area.name)))
}
