//! Targets (Zielwerte) for indicators and the Leitziele they make measurable: `[[leitziel]]` and
//! `[[ziel]]` tables in a TOML file become typed [`Leitziel`]s and [`Target`]s.

use std::path::Path;

use domain::indicator::{Direction, IndicatorKey, Leitziel, Target};
use domain::{AreaKey, KommuneKey, LayerKey};
use serde::Deserialize;
use toml::Spanned;

use crate::error::{Errors, ImportErrors, Position, text_position, toml_error};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    leitziel: Vec<Spanned<RawGoal>>,
    #[serde(default)]
    ziel: Vec<Spanned<RawTarget>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGoal {
    kommune: String,
    schluessel: String,
    titel: String,
    #[serde(default)]
    beschreibung: String,
}

/// The Leitziele and targets of a targets file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Targets {
    /// The Leitziele, in file order.
    pub leitziele: Vec<Leitziel>,
    /// The targets, in file order.
    pub ziele: Vec<Target>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    kommune: String,
    indikator: String,
    wert: f64,
    jahr: i32,
    richtung: String,
    quelle: String,
    #[serde(default)]
    ebene: Option<String>,
    #[serde(default)]
    gebiet: Option<String>,
    #[serde(default)]
    leitziel: Option<String>,
}

/// Parses a targets file (TOML, `[[leitziel]]` and `[[ziel]]` tables); `file` names it in errors.
pub fn parse_targets(text: &str, file: &str) -> Result<Targets, ImportErrors> {
    let raw: RawFile = toml::from_str(text).map_err(|e| toml_error(text, file, &e))?;
    let mut errors = Errors::default();
    let mut leitziele: Vec<Leitziel> = Vec::new();
    for table in raw.leitziel {
        let at = text_position(text, file, table.span().start);
        let g = table.into_inner();
        match KommuneKey::new(g.kommune.clone()) {
            Err(e) => errors.push(at, e.to_string()),
            Ok(_) if g.schluessel.trim().is_empty() || g.titel.trim().is_empty() => {
                errors.push(at, "a leitziel needs a schluessel and a titel")
            }
            Ok(_) if leitziele.iter().any(|l| l.key == g.schluessel) => {
                errors.push(at, format!("leitziel {:?} is in the file twice", g.schluessel))
            }
            Ok(kommune) => {
                leitziele.push(Leitziel { key: g.schluessel, kommune, title: g.titel, description: g.beschreibung })
            }
        }
    }
    let mut targets = Vec::new();
    for table in raw.ziel {
        let at = text_position(text, file, table.span().start);
        let t = table.into_inner();
        let direction = match t.richtung.as_str() {
            "mindestens" => Some(Direction::AtLeast),
            "hoechstens" | "höchstens" => Some(Direction::AtMost),
            other => {
                errors
                    .push(at.clone(), format!("unknown richtung {other:?}, expected \"mindestens\" or \"hoechstens\""));
                None
            }
        };
        let area = match (&t.ebene, &t.gebiet) {
            (None, None) => Ok(None),
            (Some(l), Some(a)) => match (LayerKey::new(l.clone()), AreaKey::new(a.clone())) {
                (Ok(l), Ok(a)) => Ok(Some((l, a))),
                (Err(e), _) | (_, Err(e)) => Err(e.to_string()),
            },
            _ => Err("ebene and gebiet go together".to_owned()),
        };
        let kommune = KommuneKey::new(t.kommune.clone()).map_err(|e| e.to_string());
        let indicator = IndicatorKey::new(t.indikator.clone()).map_err(|e| e.to_string());
        if !t.wert.is_finite() {
            errors.push(at.clone(), "wert must be a finite number");
        }
        if let Some(goal) = &t.leitziel
            && !leitziele.iter().any(|l| &l.key == goal)
        {
            errors.push(at.clone(), format!("unknown leitziel {goal:?}: give it as a [[leitziel]] table in this file"));
        }
        match (direction, area, kommune, indicator) {
            (Some(direction), Ok(area), Ok(kommune), Ok(indicator)) if t.wert.is_finite() => targets.push(Target {
                indicator,
                kommune,
                area,
                value: t.wert,
                year: t.jahr,
                direction,
                source: t.quelle,
                goal: t.leitziel,
            }),
            (_, area, kommune, indicator) => {
                for e in [area.err(), kommune.err(), indicator.err()].into_iter().flatten() {
                    errors.push(at.clone(), e);
                }
            }
        }
    }
    errors.finish(Targets { leitziele, ziele: targets })
}

/// Reads a targets file.
pub fn read_targets(path: &Path) -> Result<Targets, ImportErrors> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| ImportErrors::one(Position::file(&file), format!("cannot read the targets: {e}")))?;
    parse_targets(&text, &file)
}

#[cfg(test)]
mod tests;
