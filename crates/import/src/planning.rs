//! Planning configurations (`bimo planung --config`): which data of the store a
//! Schulentwicklungsplanung reads, how catchments and capacities are formed, the base years and
//! horizon of the forecast, and the scenarios. The user reference is `docs/PLANUNG.md`.
//!
//! ```
//! let config = import::parse_planning_config(r#"
//! kommune = "koeln"
//! title = "Schulentwicklungsplanung Köln"
//! launch = 2024
//! horizon = 5
//! stuetzzeitraum = { first = 2020, last = 2024, exclude = [2022] }
//! [areas]
//! layer = "stadtteil"
//! [projection]
//! stuetzzeitraum = { first = 2019, last = 2024 }
//! [[schulform]]
//! name = "Grundschule"
//! preset = "nrw_grundschule"
//! [[szenario]]
//! name = "Neuer Zug"
//! author = "Schulverwaltungsamt"
//! changes = [{ kind = "neuer_zug", school = "123456", from = 2026 }]
//! "#, "planung.toml").unwrap();
//! assert_eq!(config.stuetzzeitraum().years().collect::<Vec<_>>(), [2020, 2021, 2023, 2024]);
//! assert_eq!(config.schulformen[0].grades(), (1, 4));
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use domain::capacity::ClassRules;
use domain::forecast::{ForecastSpec, Stuetzzeitraum};
use domain::scenario::{Change, Szenario};
use serde::Deserialize;

use crate::error::{Errors, ImportErrors, Position};
use crate::index::{Step, locate};

/// A planning configuration.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanningConfig {
    /// The Kommune key.
    pub kommune: String,
    /// The title of the plan, e.g. "Schulentwicklungsplanung Köln 2025–2034".
    pub title: String,
    /// The institutions collection whose statistics hold the pupils (default `schulen`).
    #[serde(default = "schulen")]
    pub collection: String,
    /// The variable of the pupils per school, grade (`klasse=N` breakdown) and school year
    /// (default `schueler`).
    #[serde(default = "schueler")]
    pub pupils: String,
    /// The launch year: the last observed school year (2024 = 2024/25).
    pub launch: i32,
    /// School years forecast after the launch year.
    pub horizon: u16,
    /// The age of school entry, reached in the calendar year the school year starts (default 6).
    #[serde(default = "six")]
    pub entry_age: u8,
    /// The base years of the quotas.
    pub stuetzzeitraum: Years,
    /// The areas whose children feed the Grundschulen.
    pub areas: AreasConfig,
    /// The population projection that gives the children of entry age of the forecast years.
    pub projection: ProjectionConfig,
    /// The Schulformen planned, with their grades and class rules.
    #[serde(rename = "schulform")]
    pub schulformen: Vec<SchulformConfig>,
    /// Capacity per school key, where the institution data have no Zügigkeit.
    #[serde(default)]
    pub capacity: BTreeMap<String, CapacityConfig>,
    /// The scenarios.
    #[serde(default, rename = "szenario")]
    pub scenarios: Vec<ScenarioConfig>,
}

fn schulen() -> String {
    "schulen".to_owned()
}

fn schueler() -> String {
    "schueler".to_owned()
}

fn six() -> u8 {
    6
}

/// A span of years without some of them: `{ first = 2019, last = 2024, exclude = [2022] }`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Years {
    /// The first year.
    pub first: i32,
    /// The last year.
    pub last: i32,
    /// Years left out (special periods).
    #[serde(default)]
    pub exclude: Vec<i32>,
}

impl Years {
    /// As a Stützzeitraum.
    pub fn stuetzzeitraum(&self) -> Stuetzzeitraum {
        Stuetzzeitraum { first: self.first, last: self.last, exclude: self.exclude.clone() }
    }
}

/// How the areas' children are shared among the Grundschulen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CatchmentMode {
    /// Each area's children go to the nearest Grundschule (from the area's centroid).
    Nearest,
    /// Each area's children are shared among all Grundschulen in proportion to
    /// `1 / max(d, floor_m)^power` (`domain::school_index::estimate_catchment`).
    InverseDistance,
    /// The areas are Schulbezirke: each one's children go to the Grundschulen lying in it, in
    /// equal parts.
    Schulbezirk,
}

/// The `[areas]` table.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreasConfig {
    /// The layer of the areas (e.g. `stadtteil`, or a Schulbezirk layer).
    pub layer: String,
    /// The population variable per single age and sex (`alter=N;geschlecht=m|w`, default
    /// `einwohner`), 31 December of each year.
    #[serde(default = "einwohner")]
    pub population: String,
    /// How catchments are formed (default `nearest`).
    #[serde(default = "nearest")]
    pub catchment: CatchmentMode,
    /// Exponent of `inverse_distance` (default 2).
    #[serde(default = "two")]
    pub power: f64,
    /// Smallest distance of `inverse_distance`, in metres (default 500).
    #[serde(default = "five_hundred")]
    pub floor_m: f64,
    /// The layer whose areas are the planning areas (a school belongs to the area it lies in);
    /// without it the whole Kommune is one planning area.
    #[serde(default)]
    pub planning_areas: Option<String>,
}

fn einwohner() -> String {
    "einwohner".to_owned()
}

fn nearest() -> CatchmentMode {
    CatchmentMode::Nearest
}

fn two() -> f64 {
    2.0
}

fn five_hundred() -> f64 {
    500.0
}

/// The `[projection]` table: the variables of the population's movements on the area layer
/// (each by `alter=N;geschlecht=m|w`, the age reached in the year) and their base years.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectionConfig {
    /// The base years of the rates.
    pub stuetzzeitraum: Years,
    /// Live births by sex of the child (`geschlecht=m|w`) and, where given, by age of the mother
    /// (`alter_mutter=N`) (default `geburten`).
    #[serde(default = "geburten")]
    pub births: String,
    /// Deaths (default `sterbefaelle`).
    #[serde(default = "gestorbene")]
    pub deaths: String,
    /// Moves out of the city (default `fortzuege_extern`).
    #[serde(default = "fortzuege_extern")]
    pub out_external: String,
    /// Moves to another area of the city (default `fortzuege_intern`).
    #[serde(default = "fortzuege_intern")]
    pub out_internal: String,
    /// Moves into the city (default `zuzuege_extern`).
    #[serde(default = "zuzuege_extern")]
    pub in_external: String,
    /// Moves from another area of the city (default `zuzuege_intern`).
    #[serde(default = "zuzuege_intern")]
    pub in_internal: String,
}

fn geburten() -> String {
    "geburten".to_owned()
}
fn gestorbene() -> String {
    "sterbefaelle".to_owned()
}
fn fortzuege_extern() -> String {
    "fortzuege_extern".to_owned()
}
fn fortzuege_intern() -> String {
    "fortzuege_intern".to_owned()
}
fn zuzuege_extern() -> String {
    "zuzuege_extern".to_owned()
}
fn zuzuege_intern() -> String {
    "zuzuege_intern".to_owned()
}

/// A named set of grades and class rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// NRW Grundschule: grades 1–4, the § 6a table, 25 pupils per class for the places; the
    /// entry grade from the children of entry age in the catchment.
    NrwGrundschule,
    /// NRW Sek I (Realschule, Gymnasium, Gesamtschule): grades 5–10, Bandbreiten 25–29 (5–6) and
    /// 26–30 (7–10), 28 pupils per class for the places; the entry grade from grade 4 of every
    /// Grundschule of the Kommune.
    NrwSek1,
}

/// One `[[schulform]]` table.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchulformConfig {
    /// The Schulform as in the institutions' kind, e.g. `Grundschule`.
    pub name: String,
    /// Grades and class rules.
    pub preset: Preset,
    /// Pupils per class for the places (default: 25 for `nrw_grundschule`, 28 for `nrw_sek1`).
    #[serde(default)]
    pub klassenfrequenz: Option<f64>,
    /// The institution attribute holding the Zügigkeit, if the data have one.
    #[serde(default)]
    pub zuegigkeit: Option<String>,
}

impl SchulformConfig {
    /// First and last grade.
    pub fn grades(&self) -> (u8, u8) {
        match self.preset {
            Preset::NrwGrundschule => (1, 4),
            Preset::NrwSek1 => (5, 10),
        }
    }

    /// The class rules.
    pub fn rules(&self) -> ClassRules {
        match self.preset {
            Preset::NrwGrundschule => ClassRules::nrw_grundschule(),
            Preset::NrwSek1 => ClassRules::nrw_sek1(),
        }
    }

    /// Pupils per class for the places.
    pub fn klassenfrequenz(&self) -> f64 {
        self.klassenfrequenz.unwrap_or(match self.preset {
            Preset::NrwGrundschule => 25.0,
            Preset::NrwSek1 => 28.0,
        })
    }

    /// Whether the entry grade comes from the children of entry age (else from grade 4).
    pub fn is_grundschule(&self) -> bool {
        self.preset == Preset::NrwGrundschule
    }
}

/// The capacity of one school: `{ zuege = 3 }` or `{ rooms = 14 }` (Züge = rooms / grades).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapacityConfig {
    /// The Zügigkeit.
    #[serde(default)]
    pub zuege: Option<f64>,
    /// The classrooms.
    #[serde(default)]
    pub rooms: Option<u32>,
}

/// One `[[szenario]]` table.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioConfig {
    /// The name, unique in the configuration.
    pub name: String,
    /// Who made it.
    pub author: String,
    /// What it is about.
    #[serde(default)]
    pub description: String,
    /// The changes against the base.
    #[serde(default)]
    pub changes: Vec<ChangeConfig>,
}

/// One change of a scenario, `kind` naming it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ChangeConfig {
    /// A new housing area.
    Neubaugebiet {
        /// The area key.
        area: String,
        /// The year of the first dwellings.
        from: i32,
        /// Dwellings first occupied per year from `from` on.
        dwellings: Vec<f64>,
        /// Children per dwelling by age at first occupancy 0, 1, ….
        occupancy: Vec<f64>,
    },
    /// An area's children go from one Grundschule's catchment to another's.
    Grenzaenderung {
        /// The area key.
        area: String,
        /// The school it leaves.
        from_school: String,
        /// The school it joins.
        to_school: String,
        /// The first school year.
        from: i32,
    },
    /// One more Zug.
    NeuerZug {
        /// The school.
        school: String,
        /// The first school year.
        from: i32,
    },
    /// The school closes.
    Schliessung {
        /// The school.
        school: String,
        /// The first school year without it.
        from: i32,
    },
}

impl ChangeConfig {
    /// The typed change; catchments are named by their Grundschule.
    pub fn change(&self) -> Change {
        match self.clone() {
            ChangeConfig::Neubaugebiet { area, from, dwellings, occupancy } => {
                Change::Neubaugebiet { area, from, dwellings, occupancy }
            }
            ChangeConfig::Grenzaenderung { area, from_school, to_school, from } => {
                Change::Grenzaenderung { area, from_catchment: from_school, to_catchment: to_school, from }
            }
            ChangeConfig::NeuerZug { school, from } => Change::NeuerZug { school, from },
            ChangeConfig::Schliessung { school, from } => Change::Schliessung { school, from },
        }
    }

    fn from(&self) -> i32 {
        self.change().year()
    }
}

impl ScenarioConfig {
    /// The typed scenario.
    pub fn szenario(&self) -> Szenario {
        Szenario::new(self.name.clone(), self.changes.iter().map(ChangeConfig::change).collect())
    }
}

impl PlanningConfig {
    /// The base years of the quotas.
    pub fn stuetzzeitraum(&self) -> Stuetzzeitraum {
        self.stuetzzeitraum.stuetzzeitraum()
    }

    /// Launch year, Stützzeitraum and horizon of the forecast.
    pub fn forecast_spec(&self) -> ForecastSpec {
        ForecastSpec { launch: self.launch, stuetzzeitraum: self.stuetzzeitraum(), horizon: self.horizon }
    }

    /// The Schulform `name`.
    pub fn schulform(&self, name: &str) -> Option<&SchulformConfig> {
        self.schulformen.iter().find(|s| s.name == name)
    }

    /// The scenario `name`.
    pub fn scenario(&self, name: &str) -> Option<&ScenarioConfig> {
        self.scenarios.iter().find(|s| s.name == name)
    }

    /// Every problem that concerns more than one value, with the path to the value at fault.
    fn problems(&self) -> Vec<(Vec<Step<'_>>, String)> {
        let mut out = Vec::new();
        let key = |k: &'static str| vec![Step::Key(k)];
        if self.horizon == 0 {
            out.push((key("horizon"), "the horizon must be at least one school year".to_owned()));
        }
        for (table, years, end) in [
            ("stuetzzeitraum", &self.stuetzzeitraum, self.launch),
            ("projection", &self.projection.stuetzzeitraum, self.launch),
        ] {
            let mut path = key(table);
            if table == "projection" {
                path.push(Step::Key("stuetzzeitraum"));
            }
            if years.first > years.last || (years.first..=years.last).all(|y| years.exclude.contains(&y)) {
                out.push((path, format!("the years {}–{} leave no base year", years.first, years.last)));
            } else if years.last > end {
                out.push((path, format!("the base years must end no later than the launch year {end}")));
            }
        }
        let areas = &self.areas;
        if !(areas.power.is_finite() && areas.power >= 0.0) {
            out.push((vec![Step::Key("areas"), Step::Key("power")], "power must be a number of at least 0".into()));
        }
        if !(areas.floor_m.is_finite() && areas.floor_m > 0.0) {
            out.push((vec![Step::Key("areas"), Step::Key("floor_m")], "floor_m must be a positive number".into()));
        }
        if self.schulformen.is_empty() {
            out.push((key("kommune"), "give at least one [[schulform]]".into()));
        }
        let mut names = BTreeSet::new();
        for (i, s) in self.schulformen.iter().enumerate() {
            let at = |k| vec![Step::Key("schulform"), Step::Item(i), Step::Key(k)];
            if !names.insert(s.name.as_str()) {
                out.push((at("name"), format!("Schulform {:?} is given twice", s.name)));
            }
            if s.klassenfrequenz.is_some_and(|k| !(k.is_finite() && k > 0.0)) {
                out.push((at("klassenfrequenz"), "klassenfrequenz must be a positive number".into()));
            }
        }
        if !self.schulformen.iter().any(SchulformConfig::is_grundschule) {
            out.push((key("schulform"), "at least one Schulform must be a Grundschule (nrw_grundschule)".into()));
        }
        for (school, c) in &self.capacity {
            let path = vec![Step::Key("capacity"), Step::Key(school)];
            match (c.zuege, c.rooms) {
                (Some(z), None) if z.is_finite() && z > 0.0 => {}
                (None, Some(r)) if r > 0 => {}
                _ => out.push((path, format!("school {school}: give either zuege > 0 or rooms > 0"))),
            }
        }
        let (first, last) = (self.launch + 1, self.launch + i32::from(self.horizon));
        let mut names = BTreeSet::new();
        for (i, s) in self.scenarios.iter().enumerate() {
            if !names.insert(s.name.as_str()) {
                out.push((
                    vec![Step::Key("szenario"), Step::Item(i), Step::Key("name")],
                    format!("scenario {:?} is given twice", s.name),
                ));
            }
            for (j, c) in s.changes.iter().enumerate() {
                let at = vec![Step::Key("szenario"), Step::Item(i), Step::Key("changes"), Step::Item(j)];
                if !(first..=last).contains(&c.from()) {
                    out.push((
                        at,
                        format!("the change starts in {}, outside the forecast years {first}–{last}", c.from()),
                    ));
                }
            }
        }
        out
    }
}

/// Parses a planning configuration; `file` names it in errors.
pub fn parse_planning_config(text: &str, file: &str) -> Result<PlanningConfig, ImportErrors> {
    let config: PlanningConfig = toml::from_str(text).map_err(|e| crate::error::toml_error(text, file, &e))?;
    let mut errors = Errors::default();
    for (path, message) in config.problems() {
        errors.push(locate(text, file, &path), message);
    }
    errors.finish(config)
}

/// Reads a planning configuration file; returns it with its text (stored with each scenario run).
pub fn read_planning_config(path: &Path) -> Result<(PlanningConfig, String), ImportErrors> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        ImportErrors::one(Position::file(&file), format!("cannot read the planning configuration: {e}"))
    })?;
    Ok((parse_planning_config(&text, &file)?, text))
}

#[cfg(test)]
mod tests;
