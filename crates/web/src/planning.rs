//! Schulentwicklungsplanung on the store: the inputs of a plan are read from a Kommune's data as
//! a [`PlanningConfig`] says, the computation itself is [`domain::forecast`],
//! [`domain::projection`], [`domain::capacity`] and [`domain::scenario`].
//!
//! [`plan`] reads, once per configuration and data version:
//!
//! - **Schools**: the institutions whose kind is a configured Schulform and that have pupils in
//!   the launch year; pupils per grade from the institution statistics (`collection`, variable
//!   `pupils`, breakdown `klasse=N` or `jahrgang=N`, school years), grades outside the Schulform's range (an
//!   Oberstufe) left out. The planning area is the area of `areas.planning_areas` the school lies
//!   in.
//! - **Zügigkeit**, in this order: the `[capacity]` table (Züge, or rooms / grades); the
//!   Schulform's `zuegigkeit` attribute; else the **default rule**: the most entry-grade classes
//!   the class rule gives for the pupils observed in the entry grade over the Stützzeitraum (at
//!   least 1) – the school is assumed to hold the Züge it has run recently.
//! - **Children of entry age** per area and school year `t`: the register population aged
//!   `entry_age` on 31 December of `t` (the age reached in the year school starts), both sexes.
//!   Years after the last observed population come from a cohort-component projection
//!   ([`domain::projection::projiziere_ohne_komponenten`]) from that population, with city-wide
//!   rates estimated ([`domain::projection::schaetze`]) from the stocks, births, deaths and moves
//!   of the projection's Stützzeitraum.
//! - **Catchments**: each area's children are assigned to the Grundschulen: to the nearest one, in
//!   proportion to inverse distance ([`domain::school_index::estimate_catchment`]), or to those
//!   lying in it when the areas are Schulbezirke. A catchment is named by its school's key.
//!   Schools of Sek I draw from grade 4 of every Grundschule of the Kommune.
//!
//! [`evaluate`] runs the base or a scenario, [`compare`] sets two runs side by side, [`backtest`]
//! runs the base forecast as of an earlier year against what happened.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use domain::capacity::whole_pupils;
use domain::forecast::{Backtest, Feeder, ForecastError, Intake, PupilCount, School};
use domain::projection::{
    Annahmen, Bestand, Ereignisse, Geschlecht, Historie, ProjektionsFehler, Raster, Szenario as Projektionsszenario,
    projiziere_ohne_komponenten, schaetze,
};
use domain::scenario::{
    AreaChildren, Assignment, Comparison, Outcome, PlannedSchool, PlanningBase, ScenarioError, Szenario,
};
use domain::school_index::{AreaInput, Catchment, SchoolInput, centroid, estimate_catchment};
use domain::{Breakdown, Institution, Period, Release, ReleaseId, Value};
use geo::{Contains, Distance, Haversine, Point};
use import::{CatchmentMode, PlanningConfig, ScenarioConfig};

use crate::atlas::KommuneAtlas;

/// The breakdown dimensions that name the grade in the pupil statistics.
pub const GRADE: [&str; 2] = ["klasse", "jahrgang"];

/// Where a school's Zügigkeit comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum ZuegigkeitSource {
    /// The `[capacity]` table of the configuration.
    Table,
    /// An attribute of the institution.
    Attribute(String),
    /// The default rule: the most entry-grade classes over the Stützzeitraum.
    Observed,
}

/// A school in the plan, with what the tables show beside the numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanSchool {
    /// The institution (key, name, Schulform, location).
    pub institution: Institution,
    /// The planning area.
    pub planning_area: String,
    /// The Zügigkeit of the base.
    pub zuegigkeit: f64,
    /// Where it comes from.
    pub source: ZuegigkeitSource,
}

/// Children of entry age of one area and school year, and whether they were counted or projected.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EntryCohort {
    /// The number of children.
    pub children: f64,
    /// Whether the number is projected (else it is the register count).
    pub projected: bool,
}

/// Everything read for a plan: the base of every scenario, the schools, the children of entry age
/// and the rates of the projection.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The base of every scenario.
    pub base: PlanningBase,
    /// The schools, in the order of `base.schools`.
    pub schools: Vec<PlanSchool>,
    /// Schools of a planned Schulform left out, with the reason.
    pub left_out: Vec<(String, String)>,
    /// Children of entry age per (area, school year).
    pub cohorts: BTreeMap<(String, i32), EntryCohort>,
    /// The last year with an observed population (the base year of the projection).
    pub population_year: i32,
    /// The estimated rates of the projection.
    pub rates: Annahmen,
    /// The area keys in the order of the projection's raster.
    pub areas: Vec<String>,
    /// The releases the plan read, oldest first.
    pub releases: Vec<Release>,
}

/// Why a plan cannot be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlanningError {
    /// The layer has no version valid in the launch year.
    #[error("the layer {0} has no areas valid in the launch year")]
    NoLayer(String),
    /// No institution of a planned Schulform has pupils in the launch year.
    #[error("no school of the Schulformen {schulformen} has pupils ({variable}) in {launch}")]
    NoSchools {
        /// The Schulformen.
        schulformen: String,
        /// The pupil variable.
        variable: String,
        /// The launch year.
        launch: Period,
    },
    /// No population by single age in the store.
    #[error("there is no population by single age and sex ({variable}) on the layer {layer}")]
    NoPopulation {
        /// The variable.
        variable: String,
        /// The layer.
        layer: String,
    },
    /// A Zügigkeit attribute that is not a positive number.
    #[error("school {school}: the attribute {attribute} is {value:?}, not a positive number")]
    BadAttribute {
        /// The school.
        school: String,
        /// The attribute.
        attribute: String,
        /// The text found.
        value: String,
    },
    /// The population projection failed (e.g. a base year without data).
    #[error("population projection: {0}")]
    Projection(#[from] ProjektionsFehler),
    /// The forecast or a scenario failed.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// A scenario name that the configuration does not have.
    #[error("there is no scenario {name:?}; the configuration has: {known}")]
    UnknownScenario {
        /// The name asked for.
        name: String,
        /// The names there are.
        known: String,
    },
}

impl From<ForecastError> for PlanningError {
    fn from(e: ForecastError) -> Self {
        PlanningError::Scenario(ScenarioError::Forecast(e))
    }
}

/// Reads the plan of `config` from a Kommune's data (module documentation).
pub fn plan(k: &KommuneAtlas, config: &PlanningConfig) -> Result<Plan, PlanningError> {
    let mut used: BTreeSet<ReleaseId> = BTreeSet::new();
    let layer = k
        .data
        .layer(&config.areas.layer, Some(config.launch))
        .ok_or_else(|| PlanningError::NoLayer(config.areas.layer.clone()))?;
    used.insert(layer.release);

    // Pupils per school, grade and year, within each Schulform's grades.
    let mut pupils: BTreeMap<&str, Vec<PupilCount>> = BTreeMap::new();
    for o in &k.data.institution_observations {
        let ob = &o.observation;
        if o.collection != config.collection || ob.variable.as_str() != config.pupils {
            continue;
        }
        let (Period::SchoolYear(year), Value::Number(n)) = (ob.period, ob.value) else { continue };
        let grade = GRADE.iter().find_map(|d| dimension(&ob.breakdown, d)).and_then(|g| g.parse::<u8>().ok());
        let Some(grade) = grade else { continue };
        pupils.entry(ob.institution.as_str()).or_default().push(PupilCount::new(
            ob.institution.clone(),
            year,
            grade,
            n,
        ));
        used.insert(o.release);
    }
    let planning_layer = match &config.areas.planning_areas {
        Some(l) => Some(k.data.layer(l, Some(config.launch)).ok_or_else(|| PlanningError::NoLayer(l.clone()))?),
        None => None,
    };
    let mut schools = Vec::new();
    let mut planned = Vec::new();
    let mut counts = Vec::new();
    let mut left_out = Vec::new();
    for record in &k.data.institutions {
        let i = &record.institution;
        let Some(form) = config.schulform(&i.kind) else { continue };
        let (first, last) = form.grades();
        let own: Vec<PupilCount> = pupils
            .get(i.key.as_str())
            .map(|p| p.iter().filter(|p| (first..=last).contains(&p.grade)).cloned().collect())
            .unwrap_or_default();
        if !own.iter().any(|p| p.year == config.launch) {
            left_out.push((i.key.clone(), format!("no pupils in {}", Period::SchoolYear(config.launch))));
            continue;
        }
        used.insert(record.release);
        let planning_area = match planning_layer {
            Some(l) => l
                .areas
                .iter()
                .find(|a| a.geometry.as_ref().is_some_and(|g| g.contains(&i.location)))
                .map_or_else(|| "ohne Planungsbereich".to_owned(), |a| a.key.to_string()),
            None => config.kommune.clone(),
        };
        let rules = form.rules();
        let (zuegigkeit, source) = zuegigkeit(config, form, i, &own, &rules)?;
        let intake = match form.is_grundschule() {
            true => Intake::Einschulung { catchment: i.key.clone() },
            false => Intake::Uebergang { from: Feeder::Kommune },
        };
        planned.push(PlannedSchool {
            school: School::new(i.key.clone(), planning_area.clone(), first, last, intake),
            schulform: i.kind.clone(),
            location: i.location,
            zuegigkeit,
            klassenfrequenz: form.klassenfrequenz(),
            rules,
        });
        schools.push(PlanSchool { institution: i.clone(), planning_area, zuegigkeit, source });
        counts.extend(own);
    }
    if planned.is_empty() {
        return Err(PlanningError::NoSchools {
            schulformen: config.schulformen.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", "),
            variable: config.pupils.clone(),
            launch: Period::SchoolYear(config.launch),
        });
    }

    // Population and movements per area.
    let areas: Vec<&domain::Area> = layer.areas.iter().collect();
    let index: HashMap<&str, usize> = areas.iter().enumerate().map(|(i, a)| (a.key.as_str(), i)).collect();
    let history = read_history(k, config, &index, &mut used)?;
    let raster = history.raster;
    let population_year = *history.stocks.keys().next_back().ok_or_else(|| PlanningError::NoPopulation {
        variable: config.areas.population.clone(),
        layer: config.areas.layer.clone(),
    })?;
    let mut historie = Historie::new(raster);
    for (&year, stock) in &history.stocks {
        historie.bestand(year, stock.clone())?;
    }
    for (&year, events) in &history.events {
        historie.ereignisse(year, events.clone())?;
    }
    let rates = schaetze(&historie, &config.projection.stuetzzeitraum.stuetzzeitraum(), &vec![0; areas.len()])?;
    let last_year = config.launch + i32::from(config.horizon);
    let years = usize::try_from(last_year - population_year).unwrap_or(0);
    let bestand = Bestand::new(raster, population_year, history.stocks[&population_year].clone())?;
    let projection = projiziere_ohne_komponenten(&bestand, &rates, &Projektionsszenario::status_quo(years))?;
    let age = usize::from(config.entry_age).min(raster.max_alter());
    let entry = |p: &[f64], r: usize| Geschlecht::ALLE.iter().map(|&s| p[raster.index(r, s, age)]).sum::<f64>();
    let mut cohorts = BTreeMap::new();
    for (&year, stock) in &history.stocks {
        for (r, a) in areas.iter().enumerate() {
            cohorts.insert((a.key.to_string(), year), EntryCohort { children: entry(stock, r), projected: false });
        }
    }
    for step in 1..=years {
        let (Some(year), Some(p)) = (projection.jahr(step), projection.bevoelkerung(step)) else { continue };
        for (r, a) in areas.iter().enumerate() {
            cohorts.insert((a.key.to_string(), year), EntryCohort { children: entry(p, r), projected: true });
        }
    }

    let assignments = catchments(config, &areas, &planned);
    let base = PlanningBase {
        schools: planned,
        pupils: counts,
        inflows: Vec::new(),
        children: cohorts.iter().map(|((a, y), c)| AreaChildren::new(a.clone(), *y, c.children)).collect(),
        assignments,
        spec: config.forecast_spec(),
        entry_age: config.entry_age,
    };
    let releases = used.iter().filter_map(|id| k.data.release(*id).cloned()).collect();
    Ok(Plan {
        base,
        schools,
        left_out,
        cohorts,
        population_year,
        rates,
        areas: areas.iter().map(|a| a.key.to_string()).collect(),
        releases,
    })
}

/// The value of a breakdown dimension.
fn dimension<'a>(breakdown: &'a Breakdown, name: &str) -> Option<&'a str> {
    breakdown.pairs().iter().find(|(d, _)| d == name).map(|(_, c)| c.as_str())
}

fn zuegigkeit(
    config: &PlanningConfig,
    form: &import::SchulformConfig,
    i: &Institution,
    own: &[PupilCount],
    rules: &domain::capacity::ClassRules,
) -> Result<(f64, ZuegigkeitSource), PlanningError> {
    let (first, last) = form.grades();
    if let Some(c) = config.capacity.get(&i.key) {
        let zuege = c.zuege.or(c.rooms.map(|r| f64::from(r) / f64::from(last - first + 1))).unwrap_or(1.0);
        return Ok((zuege, ZuegigkeitSource::Table));
    }
    if let Some(attribute) = &form.zuegigkeit
        && let Some((_, text)) = i.attributes.iter().find(|(k, _)| k == attribute)
    {
        return match text.trim().replace(',', ".").parse::<f64>() {
            Ok(z) if z.is_finite() && z > 0.0 => Ok((z, ZuegigkeitSource::Attribute(attribute.clone()))),
            _ => Err(PlanningError::BadAttribute {
                school: i.key.clone(),
                attribute: attribute.clone(),
                value: text.clone(),
            }),
        };
    }
    let rule = rules.for_grade(first);
    let most = config
        .stuetzzeitraum()
        .years()
        .filter_map(|y| own.iter().find(|p| p.year == y && p.grade == first))
        .filter_map(|p| Some(rule?.classes(whole_pupils(p.pupils)?)))
        .max()
        .unwrap_or(1)
        .max(1);
    Ok((f64::from(most), ZuegigkeitSource::Observed))
}

/// Stocks and events per year on the raster of the layer's areas.
struct History {
    raster: Raster,
    stocks: BTreeMap<i32, Vec<f64>>,
    events: BTreeMap<i32, Ereignisse>,
}

fn read_history(
    k: &KommuneAtlas,
    config: &PlanningConfig,
    index: &HashMap<&str, usize>,
    used: &mut BTreeSet<ReleaseId>,
) -> Result<History, PlanningError> {
    let layer = config.areas.layer.as_str();
    let p = &config.projection;
    let event_names = [&p.deaths, &p.out_external, &p.out_internal, &p.in_external, &p.in_internal];
    let sex = |b: &Breakdown| match dimension(b, "geschlecht") {
        Some("m") => Some(Geschlecht::Maennlich),
        Some("w") => Some(Geschlecht::Weiblich),
        _ => None,
    };
    let age = |b: &Breakdown| dimension(b, "alter").and_then(|a| a.parse::<usize>().ok());
    let mut max_age = 0;
    for o in &k.data.observations {
        if o.layer.as_str() == layer && o.observation.variable.as_str() == config.areas.population {
            max_age = max_age.max(age(&o.observation.breakdown).unwrap_or(0));
        }
    }
    if max_age == 0 {
        return Err(PlanningError::NoPopulation {
            variable: config.areas.population.clone(),
            layer: config.areas.layer.clone(),
        });
    }
    let raster = Raster::new(index.len(), max_age)?;
    let (g, n, z) = (raster.gebiete(), raster.alter(), raster.zellen());
    let mut stocks: BTreeMap<i32, Vec<f64>> = BTreeMap::new();
    let mut events: BTreeMap<i32, Ereignisse> = BTreeMap::new();
    let empty = || Ereignisse {
        geburten: vec![0.0; 2 * g],
        geburten_nach_alter_der_mutter: vec![0.0; g * n],
        gestorbene: vec![0.0; z],
        fortzuege_extern: vec![0.0; z],
        fortzuege_intern: vec![0.0; z],
        zuzuege_extern: vec![0.0; z],
        zuzuege_intern: vec![0.0; z],
    };
    for o in &k.data.observations {
        let ob = &o.observation;
        if o.layer.as_str() != layer {
            continue;
        }
        let (Period::Year(year), Value::Number(x), Some(&r)) = (ob.period, ob.value, index.get(ob.area.as_str()))
        else {
            continue;
        };
        let b = &ob.breakdown;
        let variable = ob.variable.as_str();
        if variable == config.areas.population {
            if let (Some(a), Some(s)) = (age(b), sex(b)) {
                stocks.entry(year).or_insert_with(|| vec![0.0; z])[raster.index(r, s, a.min(max_age))] += x;
                used.insert(o.release);
            }
        } else if variable == p.births {
            let e = events.entry(year).or_insert_with(empty);
            match (age(b), sex(b)) {
                (Some(a), None) => e.geburten_nach_alter_der_mutter[r * n + a.min(max_age)] += x,
                (None, Some(s)) => e.geburten[r * 2 + s.index()] += x,
                _ => continue,
            }
            used.insert(o.release);
        } else if let Some(kind) = event_names.iter().position(|v| v.as_str() == variable)
            && let (Some(a), Some(s)) = (age(b), sex(b))
        {
            let e = events.entry(year).or_insert_with(empty);
            let table = match kind {
                0 => &mut e.gestorbene,
                1 => &mut e.fortzuege_extern,
                2 => &mut e.fortzuege_intern,
                3 => &mut e.zuzuege_extern,
                _ => &mut e.zuzuege_intern,
            };
            table[raster.index(r, s, a.min(max_age))] += x;
            used.insert(o.release);
        }
    }
    Ok(History { raster, stocks, events })
}

/// The assignment of each area's children to the Grundschulen' catchments.
fn catchments(config: &PlanningConfig, areas: &[&domain::Area], schools: &[PlannedSchool]) -> Vec<Assignment> {
    let grundschulen: Vec<&PlannedSchool> =
        schools.iter().filter(|s| matches!(s.school.intake, Intake::Einschulung { .. })).collect();
    let mut out = Vec::new();
    match config.areas.catchment {
        CatchmentMode::Nearest => {
            for a in areas {
                let Some(c) = centroid(a) else { continue };
                let nearest = grundschulen
                    .iter()
                    .map(|s| (Haversine.distance(c, s.location), s))
                    .min_by(|x, y| x.0.total_cmp(&y.0).then_with(|| x.1.school.id.cmp(&y.1.school.id)));
                if let Some((_, s)) = nearest {
                    out.push(Assignment::new(a.key.to_string(), s.school.id.clone(), 1.0));
                }
            }
        }
        CatchmentMode::InverseDistance => {
            let inputs: Vec<SchoolInput> = grundschulen
                .iter()
                .map(|s| SchoolInput {
                    id: s.school.id.clone(),
                    schulform: "Grundschule".into(),
                    location: s.location,
                    own: None,
                })
                .collect();
            let located: Vec<(&domain::Area, Point<f64>)> =
                areas.iter().filter_map(|a| Some((*a, centroid(a)?))).collect();
            let area_inputs: Vec<AreaInput> = located
                .iter()
                .map(|(a, c)| AreaInput { key: a.key.to_string(), centroid: *c, population: 1.0, indicators: vec![] })
                .collect();
            let rule = Catchment { power: config.areas.power, floor_m: config.areas.floor_m };
            for (s, weights) in grundschulen.iter().zip(estimate_catchment(&inputs, &area_inputs, rule)) {
                for ((a, _), w) in located.iter().zip(weights) {
                    if w > 0.0 {
                        out.push(Assignment::new(a.key.to_string(), s.school.id.clone(), w));
                    }
                }
            }
        }
        CatchmentMode::Schulbezirk => {
            for a in areas {
                let inside: Vec<&&PlannedSchool> = grundschulen
                    .iter()
                    .filter(|s| a.geometry.as_ref().is_some_and(|g| g.contains(&s.location)))
                    .collect();
                for s in &inside {
                    out.push(Assignment::new(a.key.to_string(), s.school.id.clone(), 1.0 / inside.len() as f64));
                }
            }
        }
    }
    out
}

/// The scenario `name` of the configuration.
pub fn scenario<'c>(config: &'c PlanningConfig, name: &str) -> Result<&'c ScenarioConfig, PlanningError> {
    config.scenario(name).ok_or_else(|| PlanningError::UnknownScenario {
        name: name.to_owned(),
        known: config.scenarios.iter().map(|s| format!("{:?}", s.name)).collect::<Vec<_>>().join(", "),
    })
}

/// The name of the base run.
pub const BASIS: &str = "Basis";

/// Runs the base (`None`) or a scenario of the plan.
pub fn evaluate(plan: &Plan, scenario: Option<&ScenarioConfig>) -> Result<Outcome, PlanningError> {
    let szenario = scenario.map_or_else(|| Szenario::basis(BASIS), ScenarioConfig::szenario);
    Ok(domain::scenario::evaluate(&plan.base, &szenario)?)
}

/// Two runs side by side per school and year.
pub fn compare(a: &Outcome, b: &Outcome) -> Vec<Comparison> {
    domain::scenario::compare(a, b)
}

/// The base forecast launched in `launch` (with the Stützzeitraum moved by as many years) and
/// compared with the pupils observed later; the children of entry age are the register counts.
/// Schools without pupils in that year (opened later) are left out.
pub fn backtest(plan: &Plan, launch: i32) -> Result<Backtest, PlanningError> {
    let mut input = plan.base.forecast_input()?;
    let present: BTreeSet<String> =
        input.pupils.iter().filter(|p| p.year == launch).map(|p| p.school.clone()).collect();
    input.schools.retain(|s| present.contains(&s.id));
    input.pupils.retain(|p| present.contains(&p.school));
    Ok(domain::forecast::backtest(&input, &plan.base.spec.as_of(launch))?)
}
