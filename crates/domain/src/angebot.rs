//! Support offers (Angebote) along the learning biography, and their coverage and gaps per area.
//!
//! An [`Angebot`] serves one [`LifePhase`], may accompany one [`Uebergang`], and is somewhere: at a
//! location, in the areas it serves, or both. Forms and files give an [`AngebotDraft`] (all text);
//! [`Angebot::from_draft`] checks it and reports every [`Problem`] at once, each naming its field.
//!
//! [`coverage`] compares the offers with each area's need ([`AreaNeed`]) and finds the gaps:
//!
//! 1. Only offers that run on the day of the analysis count (`from ≤ day ≤ to`);
//!    `offers_counted` says how many.
//! 2. Places: an offer with served areas splits its capacity `c` over those of its served areas
//!    that are among the analysed areas, in proportion to their target population:
//!    `places_a += c × pop_a / Σ pop` with `Σ` over those `n` areas (equally, `c / n`, if all of
//!    them have 0; an area named twice counts once). An offer without served areas but with a
//!    location gives its whole capacity to the area the locator puts it in (if that area is
//!    analysed). Offers without capacity give no places but still count for reachability. Places
//!    may be fractional.
//! 3. Benchmark: `benchmark_per_100 = 100 × Σ places / Σ pop` over the analysed areas; none if
//!    `Σ pop = 0`. Each area: `per_100 = 100 × places / pop` (none if `pop = 0`) and
//!    `missing_places = max(0, benchmark_per_100 × pop / 100 − places)` (0 without benchmark).
//! 4. Walking distance: `d = haversine(area point, offer location) × detour_factor` in metres (a
//!    straight line understates a walk; Umwegfaktor), over the counted offers with a location;
//!    `nearest` is the minimum (ties: the smaller key). An area is reachable if `d ≤ max_walk_m`.
//!    It is a gap if `missing_places > 1e-9` or it is not reachable.
//! 5. Gaps are ranked (1 = first) by need class descending (unclassified last), then missing
//!    places descending, then nearest distance descending (no offer at all = infinitely far, so
//!    first), then area key ascending.

use std::collections::HashMap;
use std::str::FromStr;

use geo::{Distance, Haversine, Point};

use crate::AreaKey;
use crate::attention::Datum;

crate::key_type!(
    /// An offer's key, e.g. `sprachfoerderung-kalk`.
    AngebotKey
);

/// Life phase (Lebensphase) an offer serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LifePhase {
    /// Kindertageseinrichtung, before school.
    Kita,
    /// Primary school.
    Grundschule,
    /// Lower secondary school.
    SekundarstufeI,
    /// Upper secondary school.
    SekundarstufeII,
    /// Vocational training and work.
    Beruf,
}

impl LifePhase {
    /// Every phase, in the order of the learning biography.
    pub const ALL: [LifePhase; 5] = [
        LifePhase::Kita,
        LifePhase::Grundschule,
        LifePhase::SekundarstufeI,
        LifePhase::SekundarstufeII,
        LifePhase::Beruf,
    ];

    /// Text form used in files, forms and the store.
    pub fn as_str(self) -> &'static str {
        match self {
            LifePhase::Kita => "kita",
            LifePhase::Grundschule => "grundschule",
            LifePhase::SekundarstufeI => "sek1",
            LifePhase::SekundarstufeII => "sek2",
            LifePhase::Beruf => "beruf",
        }
    }

    /// The German name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            LifePhase::Kita => "Kita",
            LifePhase::Grundschule => "Grundschule",
            LifePhase::SekundarstufeI => "Sekundarstufe I",
            LifePhase::SekundarstufeII => "Sekundarstufe II",
            LifePhase::Beruf => "Beruf",
        }
    }
}

impl FromStr for LifePhase {
    type Err = AngebotParseError;
    fn from_str(s: &str) -> Result<Self, AngebotParseError> {
        LifePhase::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| AngebotParseError { text: s.to_owned(), expected: "kita, grundschule, sek1, sek2 or beruf" })
    }
}

/// Transition (Übergang) an offer accompanies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Uebergang {
    /// From Kita to primary school.
    KitaGrundschule,
    /// From primary to lower secondary school.
    GrundschuleSekI,
    /// From lower to upper secondary school.
    SekISekII,
    /// From school to vocational training and work.
    SchuleBeruf,
}

impl Uebergang {
    /// Every transition, in the order of the learning biography.
    pub const ALL: [Uebergang; 4] =
        [Uebergang::KitaGrundschule, Uebergang::GrundschuleSekI, Uebergang::SekISekII, Uebergang::SchuleBeruf];

    /// Text form used in files, forms and the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Uebergang::KitaGrundschule => "kita-grundschule",
            Uebergang::GrundschuleSekI => "grundschule-sek1",
            Uebergang::SekISekII => "sek1-sek2",
            Uebergang::SchuleBeruf => "schule-beruf",
        }
    }

    /// The German name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Uebergang::KitaGrundschule => "Kita → Grundschule",
            Uebergang::GrundschuleSekI => "Grundschule → Sek I",
            Uebergang::SekISekII => "Sek I → Sek II",
            Uebergang::SchuleBeruf => "Schule → Beruf",
        }
    }
}

impl FromStr for Uebergang {
    type Err = AngebotParseError;
    fn from_str(s: &str) -> Result<Self, AngebotParseError> {
        Uebergang::ALL.into_iter().find(|u| u.as_str() == s).ok_or_else(|| AngebotParseError {
            text: s.to_owned(),
            expected: "kita-grundschule, grundschule-sek1, sek1-sek2 or schule-beruf",
        })
    }
}

/// A life phase or transition name that is not one of the known ones.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown value {text:?}: expected {expected}")]
pub struct AngebotParseError {
    text: String,
    expected: &'static str,
}

/// An offer as entered, all fields still text or optional; what a form or a file gives.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AngebotDraft {
    /// The offer's key.
    pub key: String,
    /// Its title.
    pub title: String,
    /// The life phase, as [`LifePhase::as_str`].
    pub phase: String,
    /// The transition, as [`Uebergang::as_str`]; empty for none.
    pub uebergang: String,
    /// Whom the offer is for, e.g. "Kinder ab 4 Jahren und ihre Eltern".
    pub target_group: String,
    /// The organisation that runs it (Träger).
    pub traeger: String,
    /// WGS84 longitude, decimal point or comma; empty (with the latitude) for no location.
    pub longitude: String,
    /// WGS84 latitude, decimal point or comma; empty (with the longitude) for no location.
    pub latitude: String,
    /// Keys of the areas it serves; blank entries are ignored.
    pub areas_served: Vec<String>,
    /// Number of places; empty if unknown.
    pub capacity: String,
    /// Languages, comma-separated.
    pub languages: String,
    /// Cost to participants, free text.
    pub cost: String,
    /// Contact, free text.
    pub contact: String,
    /// First day, `YYYY-MM-DD`.
    pub from: String,
    /// Last day, `YYYY-MM-DD`; empty if open-ended.
    pub to: String,
}

/// One problem with a draft, naming the form field it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The field, named as in [`AngebotDraft`] (`"key"`, `"title"`, …).
    pub field: &'static str,
    /// What is wrong, in German, for the person who filled in the form.
    pub message: String,
}

/// A checked offer.
#[derive(Debug, Clone, PartialEq)]
pub struct Angebot {
    /// The offer's key.
    pub key: AngebotKey,
    /// Its title.
    pub title: String,
    /// The life phase it serves.
    pub phase: LifePhase,
    /// The transition it accompanies, if any.
    pub uebergang: Option<Uebergang>,
    /// Whom the offer is for.
    pub target_group: String,
    /// The organisation that runs it (Träger).
    pub traeger: String,
    /// Where it takes place: WGS84 longitude (x) and latitude (y).
    pub location: Option<Point<f64>>,
    /// The areas it serves.
    pub areas_served: Vec<AreaKey>,
    /// Number of places, if known (never 0).
    pub capacity: Option<u32>,
    /// Languages it is offered in.
    pub languages: Vec<String>,
    /// Cost to participants, free text.
    pub cost: String,
    /// Contact, free text.
    pub contact: String,
    /// First day.
    pub from: Datum,
    /// Last day; none if open-ended.
    pub to: Option<Datum>,
}

impl Angebot {
    /// Parses a draft; every problem at once (not only the first), each naming its field.
    ///
    /// Text is trimmed. Key, title, phase, target group, Träger and start are required; the offer
    /// needs a location (longitude and latitude, German decimal comma accepted) or a served area;
    /// the capacity is empty or a positive integer; languages are split on commas; the end is
    /// empty or not before the start.
    pub fn from_draft(draft: &AngebotDraft) -> Result<Angebot, Vec<Problem>> {
        let mut problems = Vec::new();
        match parse_draft(draft, &mut problems) {
            Some(angebot) if problems.is_empty() => Ok(angebot),
            _ => Err(problems),
        }
    }

    /// The draft that gives this offer back (for editing forms): `from_draft(&a.draft()) == Ok(a)`
    /// for every offer `from_draft` returns.
    pub fn draft(&self) -> AngebotDraft {
        let text = |value: Option<String>| value.unwrap_or_default();
        AngebotDraft {
            key: self.key.to_string(),
            title: self.title.clone(),
            phase: self.phase.as_str().to_owned(),
            uebergang: text(self.uebergang.map(|u| u.as_str().to_owned())),
            target_group: self.target_group.clone(),
            traeger: self.traeger.clone(),
            longitude: text(self.location.map(|p| p.x().to_string())),
            latitude: text(self.location.map(|p| p.y().to_string())),
            areas_served: self.areas_served.iter().map(AreaKey::to_string).collect(),
            capacity: text(self.capacity.map(|c| c.to_string())),
            languages: self.languages.join(", "),
            cost: self.cost.clone(),
            contact: self.contact.clone(),
            from: self.from.to_string(),
            to: text(self.to.map(|d| d.to_string())),
        }
    }

    /// Whether the offer runs on `day` (from ≤ day ≤ to).
    pub fn runs_on(&self, day: Datum) -> bool {
        self.from <= day && self.to.is_none_or(|to| day <= to)
    }
}

/// The offer if every field parses; each problem is pushed to `problems`.
fn parse_draft(draft: &AngebotDraft, problems: &mut Vec<Problem>) -> Option<Angebot> {
    let key = note(problems, "key", parse_key(draft.key.trim()));
    let title = note(problems, "title", required(&draft.title, "Der Titel fehlt."));
    let phase = parse_choice(&draft.phase, "Unbekannte Lebensphase", &LifePhase::ALL, LifePhase::as_str);
    let phase = note(problems, "phase", needed(phase, "Die Lebensphase fehlt."));
    let uebergang = parse_choice(&draft.uebergang, "Unbekannter Übergang", &Uebergang::ALL, Uebergang::as_str);
    let uebergang = note(problems, "uebergang", uebergang);
    let target_group = note(problems, "target_group", required(&draft.target_group, "Die Zielgruppe fehlt."));
    let traeger = note(problems, "traeger", required(&draft.traeger, "Der Träger fehlt."));
    let (lon, lat) = (draft.longitude.trim(), draft.latitude.trim());
    let longitude = note(problems, "longitude", coordinate(lon, lat, "Der Längengrad", "der Breitengrad", 180.0));
    let latitude = note(problems, "latitude", coordinate(lat, lon, "Der Breitengrad", "der Längengrad", 90.0));
    let area_texts: Vec<&str> = draft.areas_served.iter().map(|a| a.trim()).filter(|a| !a.is_empty()).collect();
    let areas_served = note(problems, "areas_served", parse_areas(&area_texts));
    if lon.is_empty() && lat.is_empty() && area_texts.is_empty() {
        let message = "Ein Angebot braucht einen Standort oder ein versorgtes Gebiet.".to_owned();
        problems.push(Problem { field: "areas_served", message });
    }
    let capacity = note(problems, "capacity", parse_capacity(draft.capacity.trim()));
    let from = note(problems, "from", needed(parse_date(&draft.from, "Der Beginn"), "Der Beginn fehlt."));
    let to = note(problems, "to", parse_date(&draft.to, "Das Ende"));
    if let (Some(from), Some(Some(to))) = (from, to)
        && to < from
    {
        let message = format!("Der Zeitraum endet vor seinem Beginn ({from} > {to}).");
        problems.push(Problem { field: "to", message });
    }
    Some(Angebot {
        key: key?,
        title: title?,
        phase: phase?,
        uebergang: uebergang?,
        target_group: target_group?,
        traeger: traeger?,
        location: longitude?.zip(latitude?).map(|(x, y)| Point::new(x, y)),
        areas_served: areas_served?,
        capacity: capacity?,
        languages: draft.languages.split(',').map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect(),
        cost: draft.cost.trim().to_owned(),
        contact: draft.contact.trim().to_owned(),
        from: from?,
        to: to?,
    })
}

/// The value, or a problem for `field` pushed to `problems`.
fn note<T>(problems: &mut Vec<Problem>, field: &'static str, result: Result<T, String>) -> Option<T> {
    result.map_err(|message| problems.push(Problem { field, message })).ok()
}

/// A value that may not be empty.
fn needed<T>(value: Result<Option<T>, String>, missing: &str) -> Result<T, String> {
    value?.ok_or_else(|| missing.to_owned())
}

fn required(text: &str, missing: &str) -> Result<String, String> {
    match text.trim() {
        "" => Err(missing.to_owned()),
        text => Ok(text.to_owned()),
    }
}

fn parse_key(text: &str) -> Result<AngebotKey, String> {
    if text.is_empty() {
        return Err("Der Schlüssel fehlt.".to_owned());
    }
    AngebotKey::new(text).map_err(|_| {
        format!("Der Schlüssel „{text}“ ist ungültig: höchstens 64 Zeichen, ohne Schrägstrich und Steuerzeichen.")
    })
}

/// Parses one of `all` by its text form; `Ok(None)` if the text is empty.
fn parse_choice<T: FromStr + Copy>(
    text: &str,
    unknown: &str,
    all: &[T],
    as_str: fn(T) -> &'static str,
) -> Result<Option<T>, String> {
    match text.trim() {
        "" => Ok(None),
        text => text.parse().map(Some).map_err(|_| {
            let expected: Vec<&str> = all.iter().map(|&v| as_str(v)).collect();
            format!("{unknown} „{text}“ (erwartet: {}).", expected.join(", "))
        }),
    }
}

/// One coordinate: `Ok(None)` if it and its partner are both empty.
fn coordinate(text: &str, partner: &str, name: &str, partner_name: &str, limit: f64) -> Result<Option<f64>, String> {
    match (text.is_empty(), partner.is_empty()) {
        (true, true) => return Ok(None),
        (true, false) => return Err(format!("{name} fehlt ({partner_name} ist angegeben).")),
        _ => {}
    }
    let value: f64 = text.replace(',', ".").parse().map_err(|_| format!("{name} „{text}“ ist keine Zahl."))?;
    if !value.is_finite() {
        return Err(format!("{name} „{text}“ ist keine Zahl."));
    }
    if !(-limit..=limit).contains(&value) {
        return Err(format!("{name} „{text}“ liegt nicht zwischen -{limit} und {limit}."));
    }
    Ok(Some(value))
}

fn parse_areas(texts: &[&str]) -> Result<Vec<AreaKey>, String> {
    let mut keys: Vec<AreaKey> = Vec::with_capacity(texts.len());
    let mut problems = Vec::new();
    for &text in texts {
        match AreaKey::new(text) {
            Ok(key) if keys.contains(&key) => problems.push(format!("Das Gebiet „{text}“ ist doppelt angegeben.")),
            Ok(key) => keys.push(key),
            Err(_) => problems.push(format!("Der Gebietsschlüssel „{text}“ ist ungültig.")),
        }
    }
    if problems.is_empty() { Ok(keys) } else { Err(problems.join(" ")) }
}

fn parse_capacity(text: &str) -> Result<Option<u32>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<u32>() {
        Ok(n) if n > 0 => Ok(Some(n)),
        _ => Err(format!("Die Kapazität „{text}“ ist keine positive ganze Zahl.")),
    }
}

/// A date, `Ok(None)` if the text is empty.
fn parse_date(text: &str, name: &str) -> Result<Option<Datum>, String> {
    match text.trim() {
        "" => Ok(None),
        text => text.parse().map(Some).map_err(|_| format!("{name} „{text}“ ist kein Datum der Form JJJJ-MM-TT.")),
    }
}

/// An area's need: the people the offers are for, and how much the area needs them.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaNeed {
    /// The area.
    pub area: AreaKey,
    /// Its name.
    pub name: String,
    /// The people the offers are for, e.g. children aged 3–6 in the area.
    pub target_population: f64,
    /// Class of the area in the social index, 1 = least need; none if not classified.
    pub need_class: Option<u8>,
    /// Representative point (e.g. the centroid), WGS84.
    pub point: Point<f64>,
}

/// Settings of the gap analysis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GapSettings {
    /// The day the analysis is for: only offers running on it count.
    pub day: Datum,
    /// Factor from straight-line to walking distance (Umwegfaktor), e.g. 1.3.
    pub detour_factor: f64,
    /// Longest acceptable walk to the nearest offer, in metres, e.g. 1000.
    pub max_walk_m: f64,
}

/// One area's coverage.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaCoverage {
    /// The area.
    pub area: AreaKey,
    /// Its name.
    pub name: String,
    /// The people the offers are for.
    pub target_population: f64,
    /// Class of the area in the social index, 1 = least need.
    pub need_class: Option<u8>,
    /// Places allotted to the area (may be fractional).
    pub places: f64,
    /// `100 × places / target_population`; none when the target population is 0.
    pub per_100: Option<f64>,
    /// `max(0, benchmark × target_population / 100 − places)`; 0 without benchmark.
    pub missing_places: f64,
    /// The nearest counted offer with a location and the walking distance to it in metres.
    pub nearest: Option<(AngebotKey, f64)>,
    /// Whether the nearest offer is at most `max_walk_m` away.
    pub reachable: bool,
    /// Whether places are missing or no offer is within reach.
    pub gap: bool,
    /// 1-based rank among the gaps; none if the area is no gap.
    pub rank: Option<usize>,
}

/// The result: the city-wide benchmark and every area, in the order of `areas` given.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    /// `100 × Σ places / Σ target_population`; none if the total target population is 0.
    pub benchmark_per_100: Option<f64>,
    /// Every area, in the order given.
    pub areas: Vec<AreaCoverage>,
    /// How many offers run on the day of the analysis.
    pub offers_counted: usize,
}

/// Missing places at or below this count as none (rounding noise of the proportional split).
const TOLERANCE: f64 = 1e-9;

/// Coverage and gaps per area by the rules in the [module docs](crate::angebot). `locate` gives the area an
/// offer's location lies in (the web passes a point-in-polygon locator).
pub fn coverage(
    offers: &[Angebot],
    areas: &[AreaNeed],
    locate: &dyn Fn(Point<f64>) -> Option<AreaKey>,
    settings: &GapSettings,
) -> Coverage {
    let running: Vec<&Angebot> = offers.iter().filter(|o| o.runs_on(settings.day)).collect();
    let mut index: HashMap<&AreaKey, usize> = HashMap::new();
    for (i, need) in areas.iter().enumerate() {
        index.entry(&need.area).or_insert(i);
    }

    let mut places = vec![0.0; areas.len()];
    for offer in &running {
        let Some(capacity) = offer.capacity.map(f64::from) else { continue };
        if offer.areas_served.is_empty() {
            if let Some(&i) = offer.location.and_then(locate).and_then(|key| index.get(&key)) {
                places[i] += capacity;
            }
            continue;
        }
        let mut served: Vec<usize> = offer.areas_served.iter().filter_map(|key| index.get(key).copied()).collect();
        served.sort_unstable();
        served.dedup();
        let total: f64 = served.iter().map(|&i| areas[i].target_population).sum();
        for &i in &served {
            places[i] += if total > 0.0 {
                capacity * areas[i].target_population / total
            } else {
                capacity / served.len() as f64
            };
        }
    }

    let total_population: f64 = areas.iter().map(|a| a.target_population).sum();
    let benchmark_per_100 = (total_population > 0.0).then(|| 100.0 * places.iter().sum::<f64>() / total_population);
    let located: Vec<(&AngebotKey, Point<f64>)> =
        running.iter().filter_map(|o| o.location.map(|p| (&o.key, p))).collect();

    let mut result: Vec<AreaCoverage> = areas
        .iter()
        .zip(&places)
        .map(|(need, &places)| {
            let population = need.target_population;
            let missing_places = benchmark_per_100.map_or(0.0, |b| (b * population / 100.0 - places).max(0.0));
            let nearest = located
                .iter()
                .map(|&(key, p)| (key, Haversine.distance(need.point, p) * settings.detour_factor))
                .min_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(b.0)))
                .map(|(key, d)| (key.clone(), d));
            let reachable = nearest.as_ref().is_some_and(|&(_, d)| d <= settings.max_walk_m);
            AreaCoverage {
                area: need.area.clone(),
                name: need.name.clone(),
                target_population: population,
                need_class: need.need_class,
                places,
                per_100: (population > 0.0).then(|| 100.0 * places / population),
                missing_places,
                nearest,
                reachable,
                gap: missing_places > TOLERANCE || !reachable,
                rank: None,
            }
        })
        .collect();

    let distance = |c: &AreaCoverage| c.nearest.as_ref().map_or(f64::INFINITY, |&(_, d)| d);
    let mut gaps: Vec<usize> = (0..result.len()).filter(|&i| result[i].gap).collect();
    gaps.sort_by(|&i, &j| {
        let (a, b) = (&result[i], &result[j]);
        b.need_class
            .cmp(&a.need_class)
            .then_with(|| b.missing_places.total_cmp(&a.missing_places))
            .then_with(|| distance(b).total_cmp(&distance(a)))
            .then_with(|| a.area.cmp(&b.area))
    });
    for (rank, i) in gaps.into_iter().enumerate() {
        result[i].rank = Some(rank + 1);
    }
    Coverage { benchmark_per_100, areas: result, offers_counted: running.len() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Datum {
        text.parse().unwrap()
    }

    fn area(key: &str) -> AreaKey {
        AreaKey::new(key).unwrap()
    }

    fn offer(key: &str, served: &[&str], location: Option<f64>, capacity: Option<u32>) -> Angebot {
        Angebot {
            key: AngebotKey::new(key).unwrap(),
            title: format!("Angebot {key}"),
            phase: LifePhase::Kita,
            uebergang: None,
            target_group: "Kinder von 3 bis 6 Jahren".to_owned(),
            traeger: "Stadt".to_owned(),
            location: location.map(|lon| Point::new(lon, 50.9)),
            areas_served: served.iter().map(|s| area(s)).collect(),
            capacity,
            languages: Vec::new(),
            cost: String::new(),
            contact: String::new(),
            from: day("2026-08-01"),
            to: None,
        }
    }

    /// An area whose point is at `lon`, latitude 50.9, like every offer's location.
    fn need(key: &str, target_population: f64, need_class: Option<u8>, lon: f64) -> AreaNeed {
        AreaNeed {
            area: area(key),
            name: key.to_uppercase(),
            target_population,
            need_class,
            point: Point::new(lon, 50.9),
        }
    }

    fn run(offers: &[Angebot], areas: &[AreaNeed]) -> Coverage {
        let settings = GapSettings { day: day("2026-09-01"), detour_factor: 1.3, max_walk_m: 1000.0 };
        coverage(offers, areas, &|p: Point<f64>| ((p.x() - 6.96).abs() < 1e-9).then(|| area("c")), &settings)
    }

    // Haversine distance of two points 0.01° of longitude apart at latitude 50.9°, with geo's mean
    // earth radius R = 6 371 008.8 m, computed independently with python3's math module:
    //   a = cos²(50.9°) · sin²(0.01° / 2);  d = 2 R asin(√a) = 701.2804695506287 m,
    // and 1402.5609358849179 m for 0.02°. Times the detour factor 1.3: 911.6646104158174 m and
    // 1823.3292166503932 m.
    const WALK_001: f64 = 911.664_610_415_817_4;
    const WALK_002: f64 = 1_823.329_216_650_393_2;

    /// Per area: key, places, per 100, missing places, gap, rank.
    type Row<'a> = (&'a str, f64, Option<f64>, f64, bool, Option<usize>);
    fn rows(c: &Coverage) -> Vec<Row<'_>> {
        c.areas.iter().map(|a| (a.area.as_str(), a.places, a.per_100, a.missing_places, a.gap, a.rank)).collect()
    }

    fn walks(c: &Coverage) -> Vec<Option<(&str, f64)>> {
        c.areas.iter().map(|a| a.nearest.as_ref().map(|(k, d)| (k.as_str(), *d))).collect()
    }

    fn near(found: Option<(&str, f64)>, key: &str, metres: f64) -> bool {
        found.is_some_and(|(k, d)| k == key && (d - metres).abs() < 1e-6)
    }

    #[test]
    fn coverage_splits_places_by_population_and_ranks_gaps_by_need_class() {
        let areas = [need("a", 100.0, Some(3), 6.95), need("b", 300.0, Some(2), 6.97), need("c", 0.0, None, 6.96)];
        let offers = [
            offer("sprachfoerderung-ab", &["a", "b"], Some(6.95), Some(40)),
            offer("kita-c", &[], Some(6.96), Some(20)),
            // Ended the day before: it would give a 1000 places and sit at b's point.
            Angebot { to: Some(day("2026-08-31")), ..offer("ferienkurs", &["a"], Some(6.97), Some(1000)) },
        ];
        let c = run(&offers, &areas);
        assert_eq!(c.offers_counted, 2);
        // Places: a 40 × 100 / (100 + 300) = 10, b 40 × 300 / 400 = 30, c the 20 of kita-c in it.
        // Benchmark: 100 × (10 + 30 + 20) / (100 + 300 + 0) = 100 × 60 / 400 = 15 per 100.
        assert_eq!(c.benchmark_per_100, Some(15.0));
        // Per 100: a 100 × 10 / 100 = 10, b 100 × 30 / 300 = 10, c none (no target population).
        // Missing: a 15 × 100 / 100 − 10 = 5, b 15 × 300 / 100 − 30 = 15, c max(0, 0 − 20) = 0.
        // Gaps a and b; a first for its higher need class although b misses more places.
        let expected: [Row; 3] = [
            ("a", 10.0, Some(10.0), 5.0, true, Some(1)),
            ("b", 30.0, Some(10.0), 15.0, true, Some(2)),
            ("c", 20.0, None, 0.0, false, None),
        ];
        assert_eq!(rows(&c), expected);
        // Nearest: a and c have an offer at their point; b is 0.01° from kita-c, 0.02° from
        // sprachfoerderung-ab (and the ended ferienkurs at its point does not count).
        let w = walks(&c);
        assert_eq!((w[0], w[2]), (Some(("sprachfoerderung-ab", 0.0)), Some(("kita-c", 0.0))));
        assert!(near(w[1], "kita-c", WALK_001), "{w:?}");
        assert!(c.areas.iter().all(|a| a.reachable));
        assert_eq!(c.areas[0].name, "A");
    }

    #[test]
    fn gaps_ranked_by_missing_places_then_distance_then_key() {
        let offers = [offer("haus", &["p", "q"], Some(7.0), Some(60))];
        let areas = [
            need("t", 0.0, None, 7.03),
            need("w", 100.0, Some(2), 7.01),
            need("u", 100.0, Some(2), 7.02),
            need("s", 150.0, Some(2), 7.01),
            need("r", 100.0, Some(2), 7.02),
            need("q", 200.0, Some(2), 7.0),
            need("p", 100.0, Some(2), 7.0),
        ];
        let c = run(&offers, &areas);
        // Places: p 60 × 100 / 300 = 20, q 60 × 200 / 300 = 40. Total target population
        // 0 + 100 + 100 + 150 + 100 + 200 + 100 = 750; benchmark 100 × 60 / 750 = 8 per 100.
        assert_eq!(c.benchmark_per_100, Some(8.0));
        // Missing: 8 × 100 / 100 = 8 for w, u, r; s 8 × 150 / 100 = 12; q max(0, 16 − 40) = 0;
        // p max(0, 8 − 20) = 0; t 0. Walks: 0.01° 912 m (reachable), 0.02° 1823 m, 0.03° (not).
        // Ranks, all of class 2 but t: s (12 missing); r and u (8 missing, 1823 m; r < u); w (8,
        // 912 m); t last (unclassified, a gap only because it is out of reach). p, q: no gap.
        let expected: [Row; 7] = [
            ("t", 0.0, None, 0.0, true, Some(5)),
            ("w", 0.0, Some(0.0), 8.0, true, Some(4)),
            ("u", 0.0, Some(0.0), 8.0, true, Some(3)),
            ("s", 0.0, Some(0.0), 12.0, true, Some(1)),
            ("r", 0.0, Some(0.0), 8.0, true, Some(2)),
            ("q", 40.0, Some(20.0), 0.0, false, None),
            ("p", 20.0, Some(20.0), 0.0, false, None),
        ];
        assert_eq!(rows(&c), expected);
        let w = walks(&c);
        assert!(near(w[1], "haus", WALK_001) && near(w[2], "haus", WALK_002), "{w:?}");
        let reachable: Vec<bool> = c.areas.iter().map(|a| a.reachable).collect();
        assert_eq!(reachable, [false, true, false, true, false, true, true]);
    }

    #[test]
    fn without_an_offer_to_walk_to_every_area_is_a_gap_and_unclassified_areas_come_last() {
        // Capacity but no location: places, but nothing to walk to (infinitely far for all).
        let offers = [offer("beratung", &["y"], None, Some(10))];
        let classes = [("z", None), ("y", Some(1)), ("x", Some(1)), ("w", Some(1)), ("v", Some(4))];
        let areas: Vec<AreaNeed> = classes.iter().map(|&(k, class)| need(k, 100.0, class, 7.0)).collect();
        let c = run(&offers, &areas);
        // Benchmark 100 × 10 / 500 = 2; missing 2 × 100 / 100 − 0 = 2, y max(0, 2 − 10) = 0.
        // Ranks: v (class 4); w and x (class 1, 2 missing; key order); y (class 1, 0 missing); z.
        assert_eq!(c.benchmark_per_100, Some(2.0));
        let expected: [Row; 5] = [
            ("z", 0.0, Some(0.0), 2.0, true, Some(5)),
            ("y", 10.0, Some(10.0), 0.0, true, Some(4)),
            ("x", 0.0, Some(0.0), 2.0, true, Some(3)),
            ("w", 0.0, Some(0.0), 2.0, true, Some(2)),
            ("v", 0.0, Some(0.0), 2.0, true, Some(1)),
        ];
        assert_eq!(rows(&c), expected);
        assert!(c.areas.iter().all(|a| a.nearest.is_none() && !a.reachable));
    }

    #[test]
    fn areas_without_target_population_share_equally_and_give_no_benchmark() {
        let offers = [
            // "anderswo" is not analysed and "c" is named twice: 10 / 2 = 5 places for c and d.
            offer("zwei", &["c", "d", "anderswo", "c"], None, Some(10)),
            // Located outside every area (the locator knows only 6.96), or without capacity.
            offer("draussen", &[], Some(8.0), Some(7)),
            offer("ohne-kapazitaet", &["c"], None, None),
        ];
        let c = run(&offers, &[need("c", 0.0, Some(1), 8.0), need("d", 0.0, Some(1), 8.0)]);
        assert_eq!((c.benchmark_per_100, c.offers_counted), (None, 3));
        let expected: [Row; 2] = [("c", 5.0, None, 0.0, false, None), ("d", 5.0, None, 0.0, false, None)];
        assert_eq!(rows(&c), expected);
        assert_eq!(run(&offers, &[]), Coverage { benchmark_per_100: None, areas: Vec::new(), offers_counted: 3 });
    }

    #[test]
    fn nearest_offer_ties_go_to_the_smaller_key() {
        let offers = [offer("zwei", &["a"], Some(7.0), None), offer("eins", &["a"], Some(7.0), None)];
        let c = run(&offers, &[need("a", 10.0, None, 7.01)]);
        assert!(near(walks(&c)[0], "eins", WALK_001));
        // No places anywhere: benchmark 0, nothing missing, and within reach: no gap.
        assert_eq!(c.benchmark_per_100, Some(0.0));
        assert_eq!(rows(&c), [("a", 0.0, Some(0.0), 0.0, false, None)]);
    }

    #[test]
    fn runs_on_includes_first_and_last_day() {
        let a = Angebot { to: Some(day("2026-12-31")), ..offer("k", &["a"], None, None) };
        let runs: Vec<bool> =
            ["2026-07-31", "2026-08-01", "2026-12-31", "2027-01-01"].map(|d| a.runs_on(day(d))).into();
        assert_eq!(runs, [false, true, true, false]);
        assert!(offer("offen", &["a"], None, None).runs_on(day("2099-01-01")));
    }

    fn full_draft() -> AngebotDraft {
        let text = |s: &str| s.to_owned();
        AngebotDraft {
            key: text("sprachfoerderung-kalk"),
            title: text(" Rucksack Kita "),
            phase: text("kita"),
            uebergang: text("kita-grundschule"),
            target_group: text("Eltern mit Kindern von 4 bis 6 Jahren"),
            traeger: text("Familienzentrum Kalk"),
            longitude: text("6,95"),
            latitude: text(" 50,94"),
            areas_served: vec![text("kalk"), text(" "), text("humboldt-gremberg")],
            capacity: text("25"),
            languages: text("Deutsch, Türkisch,, Arabisch "),
            cost: text("kostenlos"),
            contact: text("kalk@example.org"),
            from: text("2026-08-01"),
            to: text("2027-07-31"),
        }
    }

    #[test]
    fn draft_parses_with_german_decimal_comma_and_round_trips() {
        let a = Angebot::from_draft(&full_draft()).unwrap();
        assert_eq!(a.location, Some(Point::new(6.95, 50.94)), "6,95 is 6.95");
        assert_eq!(
            (a.title.as_str(), a.phase, a.uebergang),
            ("Rucksack Kita", LifePhase::Kita, Some(Uebergang::KitaGrundschule))
        );
        assert_eq!((a.areas_served.clone(), a.capacity), (vec![area("kalk"), area("humboldt-gremberg")], Some(25)));
        assert_eq!(a.languages, ["Deutsch", "Türkisch", "Arabisch"]);
        assert_eq!((a.from, a.to), (day("2026-08-01"), Some(day("2027-07-31"))));
        assert_eq!(
            (a.draft().longitude, a.draft().languages),
            ("6.95".to_owned(), "Deutsch, Türkisch, Arabisch".to_owned())
        );
        assert_eq!(Angebot::from_draft(&a.draft()), Ok(a));
        // Only an area, open-ended, no transition, capacity unknown.
        let empty = String::new;
        let sparse = AngebotDraft {
            uebergang: empty(),
            longitude: empty(),
            latitude: empty(),
            capacity: empty(),
            languages: empty(),
            to: empty(),
            ..full_draft()
        };
        let b = Angebot::from_draft(&sparse).unwrap();
        assert_eq!((b.location, b.uebergang, b.capacity, b.to), (None, None, None, None));
        assert_eq!(Angebot::from_draft(&b.draft()), Ok(b));
    }

    fn problems(draft: AngebotDraft) -> Vec<(&'static str, String)> {
        Angebot::from_draft(&draft).unwrap_err().into_iter().map(|p| (p.field, p.message)).collect()
    }

    #[test]
    fn draft_problems_are_reported_together_with_their_fields() {
        let text = |s: &str| s.to_owned();
        let found = problems(AngebotDraft {
            title: text("  "),
            longitude: text("181"),
            capacity: text("0"),
            from: text("2026-09-01"),
            to: text("2026-08-01"),
            ..full_draft()
        });
        let expected = [
            ("title", text("Der Titel fehlt.")),
            ("longitude", text("Der Längengrad „181“ liegt nicht zwischen -180 und 180.")),
            ("capacity", text("Die Kapazität „0“ ist keine positive ganze Zahl.")),
            ("to", text("Der Zeitraum endet vor seinem Beginn (2026-09-01 > 2026-08-01).")),
        ];
        assert_eq!(found, expected);

        let found = problems(AngebotDraft {
            key: text("a/b"),
            phase: text("hort"),
            uebergang: text("kita-sek1"),
            traeger: String::new(),
            longitude: String::new(),
            latitude: String::new(),
            areas_served: vec![String::new()],
            capacity: text("x"),
            from: String::new(),
            to: text("31.07.2027"),
            ..full_draft()
        });
        let fields: Vec<&str> = found.iter().map(|p| p.0).collect();
        assert_eq!(fields, ["key", "phase", "uebergang", "traeger", "areas_served", "capacity", "from", "to"]);
        assert_eq!(found[1].1, "Unbekannte Lebensphase „hort“ (erwartet: kita, grundschule, sek1, sek2, beruf).");
        assert_eq!(found[4].1, "Ein Angebot braucht einen Standort oder ein versorgtes Gebiet.");
        assert_eq!(found[5].1, "Die Kapazität „x“ ist keine positive ganze Zahl.");

        let found = problems(AngebotDraft {
            longitude: text("6.9.5"),
            latitude: String::new(),
            areas_served: vec![text("kalk"), text("kalk")],
            ..full_draft()
        });
        let expected = [
            ("longitude", text("Der Längengrad „6.9.5“ ist keine Zahl.")),
            ("latitude", text("Der Breitengrad fehlt (der Längengrad ist angegeben).")),
            ("areas_served", text("Das Gebiet „kalk“ ist doppelt angegeben.")),
        ];
        assert_eq!(found, expected);
    }

    #[test]
    fn phases_and_transitions_parse_their_text_forms() {
        assert!(LifePhase::ALL.into_iter().all(|p| p.as_str().parse() == Ok(p)));
        assert!(Uebergang::ALL.into_iter().all(|u| u.as_str().parse() == Ok(u)));
        assert_eq!(
            (LifePhase::SekundarstufeI.label(), Uebergang::SchuleBeruf.label()),
            ("Sekundarstufe I", "Schule → Beruf")
        );
        let error = "Kita".parse::<LifePhase>().unwrap_err().to_string();
        assert_eq!(error, r#"unknown value "Kita": expected kita, grundschule, sek1, sek2 or beruf"#);
        let error = "".parse::<Uebergang>().unwrap_err().to_string();
        assert_eq!(
            error,
            r#"unknown value "": expected kita-grundschule, grundschule-sek1, sek1-sek2 or schule-beruf"#
        );
    }
}
