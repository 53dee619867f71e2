//! Files of the management part: lists of support offers (`[[angebot]]`), of measures
//! (`[[massnahme]]` with `[[massnahme.wirkung]]`), and the configuration of the coverage analysis
//! (`[versorgung]` with `[[zielgruppe]]`). Every problem names file, line and column of the value
//! it is about; the domain's checks (`Angebot::from_draft`, `Massnahme::from_draft`) decide what is
//! valid, so a file and a form accept exactly the same.

use std::path::Path;

use domain::access::DepartmentKey;
use domain::angebot::{Angebot, AngebotDraft, LifePhase};
use domain::expression::Expr;
use domain::massnahme::{Massnahme, MassnahmeDraft, WirkungDraft};
use domain::{Audience, KommuneKey, LayerKey};
use serde::Deserialize;
use toml::Spanned;

use crate::error::{Errors, ImportErrors, Position, text_position, toml_error};

type S = Spanned<String>;

fn empty() -> S {
    Spanned::new(0..0, String::new())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOffers {
    #[serde(default)]
    angebot: Vec<Spanned<RawOffer>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOffer {
    kommune: S,
    amt: S,
    #[serde(default = "public")]
    stufe: S,
    #[serde(default)]
    beispiel: bool,
    schluessel: S,
    titel: S,
    lebensphase: S,
    #[serde(default = "empty")]
    uebergang: S,
    zielgruppe: S,
    traeger: S,
    #[serde(default = "empty")]
    laengengrad: S,
    #[serde(default = "empty")]
    breitengrad: S,
    #[serde(default)]
    gebiete: Vec<String>,
    #[serde(default = "empty")]
    plaetze: S,
    #[serde(default = "empty")]
    sprachen: S,
    #[serde(default = "empty")]
    kosten: S,
    #[serde(default = "empty")]
    kontakt: S,
    von: S,
    #[serde(default = "empty")]
    bis: S,
}

fn public() -> S {
    Spanned::new(0..0, "public".to_owned())
}

/// An offer read from a file, with who keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct OfferEntry {
    /// The Kommune.
    pub kommune: KommuneKey,
    /// The department that maintains it.
    pub owner: DepartmentKey,
    /// Who may see it.
    pub audience: Audience,
    /// An example of the demo.
    pub example: bool,
    /// The offer.
    pub angebot: Angebot,
}

/// A measure read from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureEntry {
    /// The Kommune.
    pub kommune: KommuneKey,
    /// The layer of its areas.
    pub layer: LayerKey,
    /// Who may see it.
    pub audience: Audience,
    /// The measure.
    pub massnahme: Massnahme,
}

/// Parses a key-like field, recording a problem at its position.
fn parsed<T: std::str::FromStr<Err: std::fmt::Display>>(
    value: &S,
    name: &str,
    text: &str,
    file: &str,
    errors: &mut Errors,
) -> Option<T> {
    value
        .get_ref()
        .parse()
        .map_err(|e| errors.push(text_position(text, file, value.span().start), format!("{name}: {e}")))
        .ok()
}

/// Parses a list of offers (`[[angebot]]` tables); `file` names it in errors.
pub fn parse_offers(text: &str, file: &str) -> Result<Vec<OfferEntry>, ImportErrors> {
    let raw: RawOffers = toml::from_str(text).map_err(|e| toml_error(text, file, &e))?;
    let mut errors = Errors::default();
    let mut out = Vec::new();
    for table in raw.angebot {
        let table_start = table.span().start;
        let o = table.into_inner();
        let draft = AngebotDraft {
            key: o.schluessel.get_ref().clone(),
            title: o.titel.get_ref().clone(),
            phase: o.lebensphase.get_ref().clone(),
            uebergang: o.uebergang.get_ref().clone(),
            target_group: o.zielgruppe.get_ref().clone(),
            traeger: o.traeger.get_ref().clone(),
            longitude: o.laengengrad.get_ref().clone(),
            latitude: o.breitengrad.get_ref().clone(),
            areas_served: o.gebiete.clone(),
            capacity: o.plaetze.get_ref().clone(),
            languages: o.sprachen.get_ref().clone(),
            cost: o.kosten.get_ref().clone(),
            contact: o.kontakt.get_ref().clone(),
            from: o.von.get_ref().clone(),
            to: o.bis.get_ref().clone(),
        };
        let kommune = parsed::<KommuneKey>(&o.kommune, "kommune", text, file, &mut errors);
        let owner = parsed::<DepartmentKey>(&o.amt, "amt", text, file, &mut errors);
        let audience = parsed::<Audience>(&o.stufe, "stufe", text, file, &mut errors);
        let angebot = Angebot::from_draft(&draft).map_err(|problems| {
            for p in problems {
                let span = match p.field {
                    "key" => o.schluessel.span(),
                    "title" => o.titel.span(),
                    "phase" => o.lebensphase.span(),
                    "uebergang" => o.uebergang.span(),
                    "target_group" => o.zielgruppe.span(),
                    "traeger" => o.traeger.span(),
                    "longitude" => o.laengengrad.span(),
                    "latitude" => o.breitengrad.span(),
                    "capacity" => o.plaetze.span(),
                    "from" => o.von.span(),
                    "to" => o.bis.span(),
                    _ => table_start..table_start,
                };
                let start = if span.start == 0 && span.end == 0 { table_start } else { span.start };
                errors.push(text_position(text, file, start), p.message);
            }
        });
        if let (Some(kommune), Some(owner), Some(audience), Ok(angebot)) = (kommune, owner, audience, angebot) {
            out.push(OfferEntry { kommune, owner, audience, example: o.beispiel, angebot });
        }
    }
    errors.finish(out)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeasures {
    #[serde(default)]
    massnahme: Vec<Spanned<RawMeasure>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeasure {
    kommune: S,
    ebene: S,
    #[serde(default = "internal")]
    stufe: S,
    #[serde(default)]
    beispiel: bool,
    schluessel: String,
    titel: String,
    handlungsfeld: String,
    #[serde(default)]
    federfuehrung: String,
    #[serde(default)]
    partner: String,
    status: String,
    prioritaet: String,
    beginn: String,
    #[serde(default)]
    ende: String,
    #[serde(default)]
    kosten: String,
    #[serde(default)]
    finanzierung: String,
    #[serde(default)]
    gebiete: Vec<String>,
    #[serde(default)]
    wirkung: Vec<RawEffect>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEffect {
    indikator: String,
    basisjahr: String,
    basiswert: String,
    zielwert: String,
    ueberpruefung: String,
}

fn internal() -> S {
    Spanned::new(0..0, "internal".to_owned())
}

/// Parses a list of measures (`[[massnahme]]` tables with `[[massnahme.wirkung]]`); an indicator
/// must be one for which `is_indicator` holds. A problem names the measure's table and the field.
pub fn parse_measures(
    text: &str,
    file: &str,
    is_indicator: &dyn Fn(&str) -> bool,
) -> Result<Vec<MeasureEntry>, ImportErrors> {
    let raw: RawMeasures = toml::from_str(text).map_err(|e| toml_error(text, file, &e))?;
    let mut errors = Errors::default();
    let mut out = Vec::new();
    for table in raw.massnahme {
        let at = text_position(text, file, table.span().start);
        let m = table.into_inner();
        let draft = MassnahmeDraft {
            key: m.schluessel,
            title: m.titel,
            field: m.handlungsfeld,
            lead: m.federfuehrung,
            partners: m.partner,
            status: m.status,
            priority: m.prioritaet,
            start: m.beginn,
            end: m.ende,
            cost: m.kosten,
            funding: m.finanzierung,
            areas: m.gebiete,
            effects: m
                .wirkung
                .into_iter()
                .map(|w| WirkungDraft {
                    indicator: w.indikator,
                    baseline_period: w.basisjahr,
                    baseline: w.basiswert,
                    target: w.zielwert,
                    review: w.ueberpruefung,
                })
                .collect(),
            example: m.beispiel,
        };
        let kommune = parsed::<KommuneKey>(&m.kommune, "kommune", text, file, &mut errors);
        let layer = parsed::<LayerKey>(&m.ebene, "ebene", text, file, &mut errors);
        let audience = parsed::<Audience>(&m.stufe, "stufe", text, file, &mut errors);
        let massnahme = Massnahme::from_draft(&draft, is_indicator).map_err(|problems| {
            for p in problems {
                errors.push(at.clone(), format!("massnahme {:?}, {}: {}", draft.key, p.field, p.message));
            }
        });
        if let (Some(kommune), Some(layer), Some(audience), Ok(massnahme)) = (kommune, layer, audience, massnahme) {
            out.push(MeasureEntry { kommune, layer, audience, massnahme });
        }
    }
    errors.finish(out)
}

/// The coverage analysis of one Kommune: on which layer, with which index's classes as need, and
/// the target group of each life phase.
#[derive(Debug, Clone, PartialEq)]
pub struct VersorgungConfig {
    /// The Kommune.
    pub kommune: KommuneKey,
    /// The layer whose areas are compared, e.g. `stadtteil`.
    pub layer: LayerKey,
    /// The composite index whose status classes give each area's need, if any.
    pub index: Option<String>,
    /// The factor from straight-line to walking distance.
    pub detour_factor: f64,
    /// The longest acceptable walk to the nearest offer, in metres.
    pub max_walk_m: f64,
    /// Per life phase, the target group.
    pub zielgruppen: Vec<Zielgruppe>,
}

/// The people a life phase's offers are for.
#[derive(Debug, Clone, PartialEq)]
pub struct Zielgruppe {
    /// The life phase.
    pub phase: LifePhase,
    /// Its name, e.g. "Kinder von 3 bis unter 6 Jahren".
    pub label: String,
    /// How to count them per area, e.g. `einwohner[alter=3..6]`.
    pub population: Expr,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVersorgungFile {
    versorgung: RawVersorgung,
    #[serde(default)]
    zielgruppe: Vec<RawZielgruppe>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVersorgung {
    kommune: S,
    ebene: S,
    #[serde(default)]
    index: Option<String>,
    #[serde(default = "detour")]
    umwegfaktor: f64,
    #[serde(default = "walk")]
    max_fussweg_m: f64,
}

fn detour() -> f64 {
    1.3
}

fn walk() -> f64 {
    1000.0
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawZielgruppe {
    lebensphase: S,
    bezeichnung: String,
    bevoelkerung: S,
}

/// Parses a coverage analysis configuration; `file` names it in errors.
pub fn parse_versorgung(text: &str, file: &str) -> Result<VersorgungConfig, ImportErrors> {
    let raw: RawVersorgungFile = toml::from_str(text).map_err(|e| toml_error(text, file, &e))?;
    let mut errors = Errors::default();
    let v = raw.versorgung;
    let kommune = parsed::<KommuneKey>(&v.kommune, "kommune", text, file, &mut errors);
    let layer = parsed::<LayerKey>(&v.ebene, "ebene", text, file, &mut errors);
    if !(v.umwegfaktor.is_finite() && v.umwegfaktor >= 1.0) {
        errors.push(Position::file(file), "umwegfaktor must be a number of at least 1");
    }
    if !(v.max_fussweg_m.is_finite() && v.max_fussweg_m > 0.0) {
        errors.push(Position::file(file), "max_fussweg_m must be a positive number");
    }
    let mut zielgruppen = Vec::new();
    for z in raw.zielgruppe {
        let phase = parsed::<LifePhase>(&z.lebensphase, "lebensphase", text, file, &mut errors);
        let population = parsed::<Expr>(&z.bevoelkerung, "bevoelkerung", text, file, &mut errors);
        if let (Some(phase), Some(population)) = (phase, population) {
            if zielgruppen.iter().any(|g: &Zielgruppe| g.phase == phase) {
                let at = text_position(text, file, z.lebensphase.span().start);
                errors.push(at, format!("lebensphase {:?} has a target group already", phase.as_str()));
            }
            zielgruppen.push(Zielgruppe { phase, label: z.bezeichnung, population });
        }
    }
    match (kommune, layer) {
        (Some(kommune), Some(layer)) => errors.finish(VersorgungConfig {
            kommune,
            layer,
            index: v.index,
            detour_factor: v.umwegfaktor,
            max_walk_m: v.max_fussweg_m,
            zielgruppen,
        }),
        _ => Err(errors.into_errors()),
    }
}

fn read(path: &Path, what: &str) -> Result<(String, String), ImportErrors> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| ImportErrors::one(Position::file(&file), format!("cannot read the {what}: {e}")))?;
    Ok((text, file))
}

/// Reads a list of offers.
pub fn read_offers(path: &Path) -> Result<Vec<OfferEntry>, ImportErrors> {
    let (text, file) = read(path, "offers")?;
    parse_offers(&text, &file)
}

/// Reads a list of measures.
pub fn read_measures(path: &Path, is_indicator: &dyn Fn(&str) -> bool) -> Result<Vec<MeasureEntry>, ImportErrors> {
    let (text, file) = read(path, "measures")?;
    parse_measures(&text, &file, is_indicator)
}

/// Reads a coverage analysis configuration.
pub fn read_versorgung(path: &Path) -> Result<VersorgungConfig, ImportErrors> {
    let (text, file) = read(path, "coverage configuration")?;
    parse_versorgung(&text, &file)
}

#[cfg(test)]
mod tests;
