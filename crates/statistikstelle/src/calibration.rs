//! Reads the generator's calibration from the Köln demo: the layers (Stadt, Stadtbezirke,
//! Stadtteile, Stadtviertel), the real population 2012 by age and migration background per
//! Stadtteil, and Köln's public general schools from the NRW school list 2024/25.

use std::collections::HashMap;
use std::path::Path;

use domain::Period;

use crate::Error;
use crate::areas::{Area, Areas};
use crate::generator::{Calibration, FORMS, School, Viertel};

/// The year of the real population figures.
pub const BASE_YEAR: i32 = 2012;

fn content(path: &Path) -> Result<import::ContentSpec, Error> {
    import::read_manifest(path)
        .map(|m| m.content)
        .map_err(|e| Error::Calibration { message: format!("{}: {e}", path.display()) })
}

fn layer(dir: &Path, name: &str) -> Result<Vec<domain::Area>, Error> {
    let path = dir.join(name);
    let import::ContentSpec::Layer(spec) = content(&path)? else {
        return Err(Error::Calibration { message: format!("{} is no layer manifest", path.display()) });
    };
    let mut areas = import::read_layer(&spec).map_err(|e| Error::Calibration { message: e.to_string() })?.areas;
    areas.sort_by(|a, b| a.key.as_str().cmp(b.key.as_str()));
    Ok(areas)
}

/// Reads the calibration and the area hierarchy from the folder of the Köln demo manifests.
pub fn read_koeln(dir: &Path) -> Result<(Calibration, Areas), Error> {
    let fail = |message: String| Error::Calibration { message };
    let stadt = layer(dir, "stadt.toml")?;
    let bezirke = layer(dir, "stadtbezirk.toml")?;
    let teile = layer(dir, "stadtteil.toml")?;
    let viertel = layer(dir, "stadtviertel.toml")?;
    let top = stadt.first().ok_or_else(|| fail("the Stadt layer is empty".into()))?;
    let teil_parents = domain::locate::parents_by_containment(&teile, &bezirke);
    let mut areas =
        vec![Area { key: top.key.as_str().into(), layer: "stadt".into(), name: top.name.clone(), parent: None }];
    for b in &bezirke {
        areas.push(Area {
            key: b.key.as_str().into(),
            layer: "stadtbezirk".into(),
            name: b.name.clone(),
            parent: Some(top.key.as_str().into()),
        });
    }
    for (t, parent) in teile.iter().zip(&teil_parents) {
        let parent =
            parent.as_ref().ok_or_else(|| fail(format!("Stadtteil {} lies in no Stadtbezirk", t.key.as_str())))?;
        areas.push(Area {
            key: t.key.as_str().into(),
            layer: "stadtteil".into(),
            name: t.name.clone(),
            parent: Some(parent.as_str().into()),
        });
    }
    for v in &viertel {
        let parent =
            v.parent.as_ref().ok_or_else(|| fail(format!("Stadtviertel {} has no Stadtteil", v.key.as_str())))?;
        areas.push(Area {
            key: v.key.as_str().into(),
            layer: "stadtviertel".into(),
            name: v.name.clone(),
            parent: Some(parent.as_str().into()),
        });
    }
    let areas = Areas::new(areas)?;

    // Per Stadtteil: children per single year of age 6–9, inhabitants, with migration background.
    let path = dir.join("bevoelkerung.toml");
    let import::ContentSpec::Statistics(spec) = content(&path)? else {
        return Err(fail(format!("{} is no statistics manifest", path.display())));
    };
    let data = import::read_statistics(&spec).map_err(|e| fail(e.to_string()))?;
    let mut per_age: HashMap<&str, f64> = HashMap::new();
    let mut total: HashMap<&str, f64> = HashMap::new();
    let mut migration: HashMap<&str, f64> = HashMap::new();
    for o in &data.observations {
        let o = &o.value;
        if o.period != Period::Year(BASE_YEAR) || o.variable.as_str() != "einwohner" {
            continue;
        }
        let Some(value) = o.value.number() else { continue };
        match o.breakdown.pairs() {
            [] => {
                total.insert(o.area.as_str(), value);
            }
            [(d, c)] if d == "alter" && c == "06 - < 10" => {
                per_age.insert(o.area.as_str(), value / 4.0);
            }
            [(d, c)] if d == "migrationshintergrund" && c == "Einwohner mit Migrationshintergrund" => {
                migration.insert(o.area.as_str(), value);
            }
            _ => {}
        }
    }
    let mut viertel_of: HashMap<&str, usize> = HashMap::new();
    for v in &viertel {
        if let Some(p) = &v.parent {
            *viertel_of.entry(p.as_str()).or_default() += 1;
        }
    }
    let mut calibration_viertel = Vec::new();
    for v in &viertel {
        let teil = v.parent.as_ref().map(|p| p.as_str()).unwrap_or_default();
        let (Some(children), Some(people)) = (per_age.get(teil), total.get(teil)) else {
            return Err(fail(format!("Stadtteil {teil} has no population by age in {BASE_YEAR}")));
        };
        let centre = domain::school_index::centroid(v)
            .ok_or_else(|| fail(format!("Stadtviertel {} has no shape", v.key.as_str())))?;
        calibration_viertel.push(Viertel {
            key: v.key.as_str().into(),
            centre: (centre.x(), centre.y()),
            births: children / viertel_of[teil] as f64,
            migration: migration.get(teil).map_or(0.0, |m| (m / people).clamp(0.0, 1.0)),
        });
    }

    let path = dir.join("schulen.toml");
    let import::ContentSpec::Institutions(mut spec) = content(&path)? else {
        return Err(fail(format!("{} is no institutions manifest", path.display())));
    };
    spec.attributes.push(import::AttributeSpec { column: "Rechtsstatus".into(), label: "Rechtsstatus".into() });
    let attribute = |i: &domain::Institution, label: &str| -> Option<String> {
        i.attributes.iter().find(|(k, _)| k == label).map(|(_, v)| v.trim().to_owned())
    };
    let mut schools: Vec<School> = import::read_institutions(&spec)
        .map_err(|e| fail(e.to_string()))?
        .into_iter()
        .filter(|i| {
            attribute(i, "Rechtsstatus").as_deref() == Some("Öffentlich") && FORMS.iter().any(|(f, _, _)| *f == i.kind)
        })
        .map(|i| School {
            pupils: attribute(&i, "Schülerzahl").and_then(|v| v.parse().ok()).unwrap_or(0.0),
            social_index: attribute(&i, "Schulsozialindex").and_then(|v| v.parse().ok()).unwrap_or(5.0),
            key: i.key,
            form: i.kind,
            location: (i.location.x(), i.location.y()),
        })
        .collect();
    schools.sort_by(|a, b| a.key.cmp(&b.key));
    Ok((Calibration { viertel: calibration_viertel, schools }, areas))
}
