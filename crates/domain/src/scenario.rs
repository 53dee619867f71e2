//! Planning scenarios (Szenarien) for Schulentwicklungsplanung: typed changes to a base forecast,
//! applied and compared per school and year.
//!
//! A [`PlanningBase`] holds everything the base forecast reads: the schools with their Schulform,
//! location and Zügigkeit, the observed pupils, the children of entry age per **area** and school
//! year, and how each area's children are assigned to the catchments of the Grundschulen
//! ([`Assignment`]). The children of entry age of a catchment in a year are
//! `Σ_area share(area, catchment) · children(area, year)`; [`evaluate`] builds that input, runs
//! [`forecast`](crate::forecast::forecast) and assesses every school's capacity
//! ([`assess`](crate::capacity::assess)).
//!
//! A [`Szenario`] lists [`Change`]s; every change starts in a forecast year (after the launch
//! year), so the quotas of the Stützzeitraum stay those of the base. The changes act in this order:
//!
//! 1. **Neubaugebiet** (new housing area): dwellings first occupied per year × children per
//!    dwelling by age at first occupancy. A child who moves in aged `a` in year `y` is of entry age
//!    `e` in school year `y + (e − a)`, so the extra children of entry age in year `t` are
//!    `Σ_{y ≤ t} dwellings(y) · occupancy(e − (t − y))`, shared among the catchments like the
//!    area's other children. The occupants are counted directly, without mortality or moves after
//!    moving in (the same first-occupant logic as
//!    [`projection::Neubaugebiet`](crate::projection::Neubaugebiet), where the whole population is
//!    projected).
//! 2. **Grenzänderung** (catchment boundary moved): from a year on, the area's share in one
//!    catchment goes to another.
//! 3. The forecast runs on the changed children of entry age.
//! 4. **Schließung** (school closed): from a year on the school has no pupils; its forecast pupils
//!    of each grade and year go to the [`NEIGHBOURS`] nearest schools of the same Schulform still
//!    open that year (by geodesic distance), shared in proportion to `1 / max(d, 100 m)`. Pupils
//!    keep their grade, so the totals of the Schulform stay the same.
//! 5. **Neuer Zug** (a new parallel class): from a year on, the school's Zügigkeit is one higher.
//! 6. Capacity per school and open year: classrooms = Zügigkeit × grades, places = classrooms ×
//!    Klassenfrequenz, classes by the Schulform's class rules ([`crate::capacity`]).
//!
//! [`compare`] sets two outcomes side by side per school and year: pupils, classes, Zügigkeit,
//! places, utilisation and the differences.
//!
//! ```
//! use domain::capacity::ClassRules;
//! use domain::forecast::{ForecastSpec, Intake, PupilCount, School, Stuetzzeitraum};
//! use domain::scenario::{AreaChildren, Assignment, Change, PlannedSchool, PlanningBase, Szenario, evaluate};
//! use geo::Point;
//! let pupils = (2021..=2024).flat_map(|y| (1..=4).map(move |g| PupilCount::new("gs", y, g, 25.0))).collect();
//! let base = PlanningBase {
//!     schools: vec![PlannedSchool {
//!         school: School::new("gs", "Nord", 1, 4, Intake::Einschulung { catchment: "gs".into() }),
//!         schulform: "Grundschule".into(),
//!         location: Point::new(6.95, 50.94),
//!         zuegigkeit: 1.0,
//!         klassenfrequenz: 25.0,
//!         rules: ClassRules::nrw_grundschule(),
//!     }],
//!     pupils,
//!     inflows: vec![],
//!     children: (2021..=2027).map(|y| AreaChildren::new("x", y, 25.0)).collect(),
//!     assignments: vec![Assignment::new("x", "gs", 1.0)],
//!     spec: ForecastSpec { launch: 2024, stuetzzeitraum: Stuetzzeitraum::new(2022, 2024), horizon: 3 },
//!     entry_age: 6,
//! };
//! let housing = Change::Neubaugebiet {
//!     area: "x".into(),
//!     from: 2025,
//!     dwellings: vec![100.0],
//!     occupancy: vec![0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.05],
//! };
//! let outcome = evaluate(&base, &Szenario::new("Neubau", vec![housing])).unwrap();
//! let school = &outcome.schools[0];
//! assert_eq!(school.pupils(2025), Some(&[30.0, 25.0, 25.0, 25.0][..]));
//! assert_eq!(outcome.runs_full("gs"), Some(2025)); // 105 pupils on 100 places
//! ```

use std::collections::{BTreeSet, HashMap};

use geo::{Distance, Haversine, Point};

use crate::capacity::{Capacity, CapacityError, ClassRules, YearCapacity, assess, runs_full};
use crate::forecast::{
    EntryAge, Forecast, ForecastError, ForecastInput, ForecastSpec, Inflow, Intake, PupilCount, School, forecast,
};

/// How many of the nearest open schools of the same Schulform take the pupils of a closed school.
pub const NEIGHBOURS: usize = 2;

/// The smallest distance, in metres, counted when the pupils of a closed school are shared.
pub const MIN_DISTANCE_M: f64 = 100.0;

/// A school in the plan: the forecast's school with what capacity and closures need.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedSchool {
    /// The school as the forecast sees it; a Grundschule names its catchment in its intake.
    pub school: School,
    /// The Schulform; a closed school's pupils go to schools of the same Schulform.
    pub schulform: String,
    /// Location in WGS84 longitude/latitude.
    pub location: Point<f64>,
    /// The Zügigkeit (parallel classes per grade the building holds; may be fractional).
    pub zuegigkeit: f64,
    /// Pupils per class the places are counted with.
    pub klassenfrequenz: f64,
    /// The class formation rules of its Schulform.
    pub rules: ClassRules,
}

/// Children of entry age living in an area, for the school year they would enter (observed for
/// past years, projected for the forecast years).
#[derive(Debug, Clone, PartialEq)]
pub struct AreaChildren {
    /// The area's key.
    pub area: String,
    /// The school year.
    pub year: i32,
    /// The number of children.
    pub children: f64,
}

impl AreaChildren {
    /// `children` of entry age in `area` for the school year `year`.
    pub fn new(area: impl Into<String>, year: i32, children: f64) -> Self {
        Self { area: area.into(), year, children }
    }
}

/// The share of an area's children of entry age that belongs to a catchment.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// The area's key.
    pub area: String,
    /// The catchment, as named in [`Intake::Einschulung`].
    pub catchment: String,
    /// The share, in [0, 1]; an area's shares sum to at most 1 (the rest goes to no catchment of
    /// the plan, e.g. to private schools).
    pub share: f64,
}

impl Assignment {
    /// `share` of `area`'s children belong to `catchment`.
    pub fn new(area: impl Into<String>, catchment: impl Into<String>, share: f64) -> Self {
        Self { area: area.into(), catchment: catchment.into(), share }
    }
}

/// The base of every scenario: the inputs of the base forecast and the schools' capacity.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanningBase {
    /// The schools, Grundschulen and schools of Sek I.
    pub schools: Vec<PlannedSchool>,
    /// Observed pupils per school, grade and year.
    pub pupils: Vec<PupilCount>,
    /// Entry-grade inflows from other municipalities.
    pub inflows: Vec<Inflow>,
    /// Children of entry age per area and school year.
    pub children: Vec<AreaChildren>,
    /// How the areas' children are assigned to catchments.
    pub assignments: Vec<Assignment>,
    /// Launch year, Stützzeitraum and horizon.
    pub spec: ForecastSpec,
    /// The age of entry (age reached in the calendar year the school year starts), for the
    /// occupancy profile of a Neubaugebiet.
    pub entry_age: u8,
}

impl PlanningBase {
    /// The input of the base forecast: the children of entry age per catchment summed from the
    /// areas (for a back-test with [`forecast::backtest`](crate::forecast::backtest)).
    pub fn forecast_input(&self) -> Result<ForecastInput, ScenarioError> {
        let none = Changes { housing: vec![], boundaries: vec![], new_zug: vec![], closures: vec![] };
        forecast_input(self, &none)
    }
}

/// One change of a scenario against the base.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A new housing area in an existing area.
    Neubaugebiet {
        /// The area the dwellings are in.
        area: String,
        /// The year of the first dwellings.
        from: i32,
        /// Dwellings first occupied in `from`, `from + 1`, …
        dwellings: Vec<f64>,
        /// Children per dwelling by age at first occupancy `0, 1, …`; ages above the entry age
        /// are never of entry age again and are not read.
        occupancy: Vec<f64>,
    },
    /// A catchment boundary moved: the area's share in `from_catchment` goes to `to_catchment`.
    Grenzaenderung {
        /// The area moved.
        area: String,
        /// The catchment it leaves.
        from_catchment: String,
        /// The catchment it joins.
        to_catchment: String,
        /// The first school year of the new boundary.
        from: i32,
    },
    /// The school gets one more Zug.
    NeuerZug {
        /// The school.
        school: String,
        /// The first school year with the extra Zug.
        from: i32,
    },
    /// The school is closed; its pupils go to the nearest schools of its Schulform.
    Schliessung {
        /// The school.
        school: String,
        /// The first school year without the school.
        from: i32,
    },
}

impl Change {
    /// The first school year the change acts in.
    pub fn year(&self) -> i32 {
        match self {
            Change::Neubaugebiet { from, .. }
            | Change::Grenzaenderung { from, .. }
            | Change::NeuerZug { from, .. }
            | Change::Schliessung { from, .. } => *from,
        }
    }
}

/// A named set of changes; with no changes it is the base forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct Szenario {
    /// The scenario's name.
    pub name: String,
    /// The changes, applied in the order of the module documentation (within a kind, as listed).
    pub changes: Vec<Change>,
}

impl Szenario {
    /// A scenario with these changes.
    pub fn new(name: impl Into<String>, changes: Vec<Change>) -> Self {
        Self { name: name.into(), changes }
    }

    /// The base forecast: no changes.
    pub fn basis(name: impl Into<String>) -> Self {
        Self::new(name, Vec::new())
    }
}

/// One school year of a school in an outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanYear {
    /// The school year.
    pub year: i32,
    /// Pupils per grade (unrounded), the first grade first; zero in every grade once closed.
    pub pupils: Vec<f64>,
    /// The Zügigkeit of the year; `None` once the school is closed.
    pub zuegigkeit: Option<f64>,
    /// Needs against capacity; `None` once the school is closed.
    pub capacity: Option<YearCapacity>,
}

/// The outcome of one school.
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolOutcome {
    /// The school's id.
    pub school: String,
    /// Its planning area.
    pub planning_area: String,
    /// Its Schulform.
    pub schulform: String,
    /// Its first grade.
    pub first_grade: u8,
    /// The first school year it is closed, if the scenario closes it.
    pub closed_from: Option<i32>,
    /// Every forecast year, in order.
    pub years: Vec<PlanYear>,
}

impl SchoolOutcome {
    /// The pupils per grade in `year`.
    pub fn pupils(&self, year: i32) -> Option<&[f64]> {
        self.year(year).map(|y| y.pupils.as_slice())
    }

    /// The pupils of all grades in `year`.
    pub fn total(&self, year: i32) -> Option<f64> {
        self.pupils(year).map(|p| p.iter().sum())
    }

    /// One forecast year.
    pub fn year(&self, year: i32) -> Option<&PlanYear> {
        self.years.iter().find(|y| y.year == year)
    }

    /// The first year the school runs full ([`runs_full`]), among its open years.
    pub fn runs_full(&self) -> Option<i32> {
        let years: Vec<YearCapacity> = self.years.iter().filter_map(|y| y.capacity.clone()).collect();
        runs_full(&years)
    }
}

/// A scenario evaluated: the forecast and the capacity of every school.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The scenario's name.
    pub name: String,
    /// The forecast on the scenario's children of entry age, before closures (its quotas are
    /// those of the base).
    pub forecast: Forecast,
    /// Every school after closures, in the order of [`PlanningBase::schools`].
    pub schools: Vec<SchoolOutcome>,
}

impl Outcome {
    /// The outcome of the school `id`.
    pub fn school(&self, id: &str) -> Option<&SchoolOutcome> {
        self.schools.iter().find(|s| s.school == id)
    }

    /// The first year the school `id` runs full.
    pub fn runs_full(&self, id: &str) -> Option<i32> {
        self.school(id)?.runs_full()
    }

    /// The pupils per planning area and year (all grades of its schools), ordered by area and year.
    pub fn planning_areas(&self) -> Vec<(String, i32, f64)> {
        let mut sums: std::collections::BTreeMap<(String, i32), f64> = std::collections::BTreeMap::new();
        for s in &self.schools {
            for y in &s.years {
                *sums.entry((s.planning_area.clone(), y.year)).or_default() += y.pupils.iter().sum::<f64>();
            }
        }
        sums.into_iter().map(|((area, year), pupils)| (area, year, pupils)).collect()
    }
}

/// Why a scenario cannot be evaluated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// The forecast failed.
    #[error(transparent)]
    Forecast(#[from] ForecastError),
    /// A capacity or class rule failed.
    #[error("school {school:?}: {source}")]
    Capacity {
        /// The school.
        school: String,
        /// The cause.
        source: CapacityError,
    },
    /// A change names a school that is not in the plan.
    #[error("scenario {scenario:?}: there is no school {school:?}")]
    UnknownSchool {
        /// The scenario.
        scenario: String,
        /// The school named.
        school: String,
    },
    /// A change names an area without children of entry age or without an assignment.
    #[error("scenario {scenario:?}: area {area:?} has no children of entry age or no catchment")]
    UnknownArea {
        /// The scenario.
        scenario: String,
        /// The area named.
        area: String,
    },
    /// A boundary change names a catchment no Grundschule draws from.
    #[error("scenario {scenario:?}: no Grundschule has the catchment {catchment:?}")]
    UnknownCatchment {
        /// The scenario.
        scenario: String,
        /// The catchment named.
        catchment: String,
    },
    /// A change that starts outside the forecast years.
    #[error("scenario {scenario:?}: a change starts in {year}, but the forecast years are {first}–{last}")]
    OutsideForecast {
        /// The scenario.
        scenario: String,
        /// The year of the change.
        year: i32,
        /// The first forecast year.
        first: i32,
        /// The last forecast year.
        last: i32,
    },
    /// A closed school without any open school of its Schulform that has the grade.
    #[error("school {school:?} closes in {year}, but no open school of its Schulform can take grade {grade}")]
    NoNeighbour {
        /// The closed school.
        school: String,
        /// The year.
        year: i32,
        /// The grade without a place.
        grade: u8,
    },
    /// A number that must be finite and at least zero (a share at most 1) is not.
    #[error("{what} is {value}, not a finite number of at least zero (a share at most 1)")]
    BadNumber {
        /// Which value.
        what: String,
        /// The value.
        value: f64,
    },
}

fn check(what: impl FnOnce() -> String, value: f64, at_most_one: bool) -> Result<(), ScenarioError> {
    if value.is_finite() && value >= 0.0 && (!at_most_one || value <= 1.0) {
        Ok(())
    } else {
        Err(ScenarioError::BadNumber { what: what(), value })
    }
}

/// The changes of a scenario sorted by kind, checked against the base.
struct Changes<'a> {
    housing: Vec<(&'a str, i32, &'a [f64], &'a [f64])>,
    boundaries: Vec<(&'a str, &'a str, &'a str, i32)>,
    new_zug: Vec<(usize, i32)>,
    closures: Vec<(usize, i32)>,
}

impl<'a> Changes<'a> {
    fn new(base: &'a PlanningBase, szenario: &'a Szenario) -> Result<Self, ScenarioError> {
        let name = || szenario.name.clone();
        let (first, last) = (base.spec.launch + 1, base.spec.launch + i32::from(base.spec.horizon));
        let school = |id: &str| {
            base.schools
                .iter()
                .position(|s| s.school.id == id)
                .ok_or_else(|| ScenarioError::UnknownSchool { scenario: name(), school: id.to_owned() })
        };
        let area = |key: &str| {
            let known = base.children.iter().any(|c| c.area == key) && base.assignments.iter().any(|a| a.area == key);
            if known { Ok(()) } else { Err(ScenarioError::UnknownArea { scenario: name(), area: key.to_owned() }) }
        };
        let catchment = |key: &str| {
            let known = base
                .schools
                .iter()
                .any(|s| matches!(&s.school.intake, Intake::Einschulung { catchment } if catchment == key));
            if known {
                Ok(())
            } else {
                Err(ScenarioError::UnknownCatchment { scenario: name(), catchment: key.to_owned() })
            }
        };
        let mut changes = Changes { housing: vec![], boundaries: vec![], new_zug: vec![], closures: vec![] };
        for change in &szenario.changes {
            let year = change.year();
            if !(first..=last).contains(&year) {
                return Err(ScenarioError::OutsideForecast { scenario: name(), year, first, last });
            }
            match change {
                Change::Neubaugebiet { area: a, from, dwellings, occupancy } => {
                    area(a)?;
                    for (i, &d) in dwellings.iter().enumerate() {
                        check(
                            || format!("scenario {:?}: dwellings in {} of {a:?}", szenario.name, from + i as i32),
                            d,
                            false,
                        )?;
                    }
                    for (age, &o) in occupancy.iter().enumerate() {
                        check(|| format!("scenario {:?}: occupancy at age {age} in {a:?}", szenario.name), o, false)?;
                    }
                    changes.housing.push((a, *from, dwellings, occupancy));
                }
                Change::Grenzaenderung { area: a, from_catchment, to_catchment, from } => {
                    area(a)?;
                    catchment(from_catchment)?;
                    catchment(to_catchment)?;
                    changes.boundaries.push((a, from_catchment, to_catchment, *from));
                }
                Change::NeuerZug { school: s, from } => changes.new_zug.push((school(s)?, *from)),
                Change::Schliessung { school: s, from } => changes.closures.push((school(s)?, *from)),
            }
        }
        changes.closures.sort_by_key(|&(_, from)| from);
        Ok(changes)
    }

    /// The extra children of entry age of `area` in `year` from new housing.
    fn housing(&self, area: &str, year: i32, entry_age: u8) -> f64 {
        self.housing
            .iter()
            .filter(|(a, ..)| *a == area)
            .map(|&(_, from, dwellings, occupancy)| {
                dwellings
                    .iter()
                    .enumerate()
                    .map(|(i, d)| {
                        let moved_in = from + i as i32;
                        let age = i32::from(entry_age) - (year - moved_in);
                        match usize::try_from(age) {
                            Ok(age) if moved_in <= year => d * occupancy.get(age).copied().unwrap_or(0.0),
                            _ => 0.0,
                        }
                    })
                    .sum::<f64>()
            })
            .sum()
    }

    /// The first year `school` is closed.
    fn closed_from(&self, school: usize) -> Option<i32> {
        self.closures.iter().filter(|(s, _)| *s == school).map(|(_, from)| *from).min()
    }
}

/// The forecast input of a scenario: the base's schools, pupils and inflows, and the children of
/// entry age per catchment from the areas' children, the assignments and the scenario's housing
/// and boundary changes.
fn forecast_input(base: &PlanningBase, changes: &Changes<'_>) -> Result<ForecastInput, ScenarioError> {
    let mut children: HashMap<(&str, i32), f64> = HashMap::new();
    for c in &base.children {
        check(|| format!("children of entry age in area {:?} in {}", c.area, c.year), c.children, false)?;
        *children.entry((c.area.as_str(), c.year)).or_default() += c.children;
    }
    let mut shares: HashMap<&str, Vec<(&str, f64)>> = HashMap::new();
    for a in &base.assignments {
        check(|| format!("the share of area {:?} in catchment {:?}", a.area, a.catchment), a.share, true)?;
        shares.entry(a.area.as_str()).or_default().push((a.catchment.as_str(), a.share));
    }
    let years: BTreeSet<i32> = base.children.iter().map(|c| c.year).collect();
    let mut entry: std::collections::BTreeMap<(&str, i32), f64> = std::collections::BTreeMap::new();
    for (&area, base_shares) in &shares {
        for &year in &years {
            let Some(&n) = children.get(&(area, year)) else { continue };
            let n = n + changes.housing(area, year, base.entry_age);
            let mut now: Vec<(&str, f64)> = base_shares.clone();
            for &(_, from_c, to_c, _) in changes.boundaries.iter().filter(|(a, .., from)| *a == area && *from <= year) {
                let moved: f64 = now.iter().filter(|(c, _)| *c == from_c).map(|(_, s)| s).sum();
                now.retain(|(c, _)| *c != from_c);
                now.push((to_c, moved));
            }
            for (catchment, share) in now {
                *entry.entry((catchment, year)).or_default() += share * n;
            }
        }
    }
    Ok(ForecastInput {
        schools: base.schools.iter().map(|s| s.school.clone()).collect(),
        pupils: base.pupils.clone(),
        entry_age: entry.into_iter().map(|((c, year), n)| EntryAge::new(c, year, n)).collect(),
        inflows: base.inflows.clone(),
    })
}

/// Evaluates a scenario on the base: forecast, closures, capacity (module documentation).
pub fn evaluate(base: &PlanningBase, szenario: &Szenario) -> Result<Outcome, ScenarioError> {
    let changes = Changes::new(base, szenario)?;
    let input = forecast_input(base, &changes)?;
    let forecast = forecast(&input, &base.spec)?;
    let mut tables: Vec<Vec<(i32, Vec<f64>)>> =
        forecast.schools.iter().map(|f| f.pupils.years().map(|(y, row)| (y, row.to_vec())).collect()).collect();
    for &(closed, from) in &changes.closures {
        redistribute(base, &changes, &mut tables, closed, from)?;
    }
    let schools = base
        .schools
        .iter()
        .zip(tables)
        .enumerate()
        .map(|(i, (s, table))| {
            let closed_from = changes.closed_from(i);
            let grades = s.school.last_grade - s.school.first_grade + 1;
            let years = table
                .into_iter()
                .map(|(year, pupils)| {
                    if closed_from.is_some_and(|c| year >= c) {
                        return Ok(PlanYear { year, pupils, zuegigkeit: None, capacity: None });
                    }
                    let extra = changes.new_zug.iter().filter(|&&(k, from)| k == i && from <= year).count();
                    let zuegigkeit = s.zuegigkeit + extra as f64;
                    let capacity = Capacity::zuege(zuegigkeit, grades, s.klassenfrequenz)
                        .and_then(|c| assess(s.school.first_grade, [(year, pupils.as_slice())], &s.rules, &c))
                        .map_err(|source| ScenarioError::Capacity { school: s.school.id.clone(), source })?;
                    Ok(PlanYear { year, pupils, zuegigkeit: Some(zuegigkeit), capacity: capacity.into_iter().next() })
                })
                .collect::<Result<Vec<_>, ScenarioError>>()?;
            Ok(SchoolOutcome {
                school: s.school.id.clone(),
                planning_area: s.school.planning_area.clone(),
                schulform: s.schulform.clone(),
                first_grade: s.school.first_grade,
                closed_from,
                years,
            })
        })
        .collect::<Result<Vec<_>, ScenarioError>>()?;
    Ok(Outcome { name: szenario.name.clone(), forecast, schools })
}

/// Moves the pupils of `closed` from `from` on to its nearest open neighbours of the same Schulform.
fn redistribute(
    base: &PlanningBase,
    changes: &Changes<'_>,
    tables: &mut [Vec<(i32, Vec<f64>)>],
    closed: usize,
    from: i32,
) -> Result<(), ScenarioError> {
    let c = &base.schools[closed];
    for k in 0..tables[closed].len() {
        let (year, row) = tables[closed][k].clone();
        if year < from {
            continue;
        }
        for (g, pupils) in row.iter().enumerate() {
            let grade = c.school.first_grade + g as u8;
            let mut near: Vec<(usize, f64)> = base
                .schools
                .iter()
                .enumerate()
                .filter(|&(j, s)| {
                    j != closed
                        && s.schulform == c.schulform
                        && (s.school.first_grade..=s.school.last_grade).contains(&grade)
                        && changes.closed_from(j).is_none_or(|f| f > year)
                })
                .map(|(j, s)| (j, Haversine.distance(c.location, s.location).max(MIN_DISTANCE_M)))
                .collect();
            if near.is_empty() {
                return Err(ScenarioError::NoNeighbour { school: c.school.id.clone(), year, grade });
            }
            near.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
            near.truncate(NEIGHBOURS);
            let pull: f64 = near.iter().map(|(_, d)| 1.0 / d).sum();
            for (j, d) in near {
                let s = &base.schools[j];
                let target = &mut tables[j][k].1[usize::from(grade - s.school.first_grade)];
                *target += pupils * (1.0 / d) / pull;
            }
        }
        tables[closed][k].1.fill(0.0);
    }
    Ok(())
}

/// A school in one year of one scenario.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stand {
    /// Pupils of all grades (unrounded).
    pub pupils: f64,
    /// Classes needed in all grades.
    pub classes: u32,
    /// The Zügigkeit.
    pub zuegigkeit: f64,
    /// The places.
    pub places: f64,
    /// Pupils / places.
    pub utilisation: f64,
}

/// One school in one year of two scenarios.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// The school.
    pub school: String,
    /// The school year.
    pub year: i32,
    /// The first scenario; `None` where the school is closed or missing.
    pub a: Option<Stand>,
    /// The second scenario; `None` where the school is closed or missing.
    pub b: Option<Stand>,
}

impl Comparison {
    /// Pupils of `b` minus pupils of `a` (a closed school counts no pupils).
    pub fn pupils_difference(&self) -> f64 {
        self.b.map_or(0.0, |s| s.pupils) - self.a.map_or(0.0, |s| s.pupils)
    }

    /// Classes of `b` minus classes of `a`.
    pub fn classes_difference(&self) -> i64 {
        i64::from(self.b.map_or(0, |s| s.classes)) - i64::from(self.a.map_or(0, |s| s.classes))
    }

    /// Utilisation of `b` minus utilisation of `a`, where the school is open in both.
    pub fn utilisation_difference(&self) -> Option<f64> {
        Some(self.b?.utilisation - self.a?.utilisation)
    }
}

fn stand(y: &PlanYear) -> Option<Stand> {
    let c = y.capacity.as_ref()?;
    Some(Stand {
        pupils: c.pupils,
        classes: c.total_classes(),
        zuegigkeit: y.zuegigkeit?,
        places: c.places,
        utilisation: c.utilisation,
    })
}

/// Both outcomes side by side: every school of `a` (then those only in `b`) and every year of
/// either, in order.
pub fn compare(a: &Outcome, b: &Outcome) -> Vec<Comparison> {
    let mut ids: Vec<&str> = a.schools.iter().map(|s| s.school.as_str()).collect();
    ids.extend(b.schools.iter().map(|s| s.school.as_str()).filter(|id| a.school(id).is_none()));
    let mut rows = Vec::new();
    for id in ids {
        let (sa, sb) = (a.school(id), b.school(id));
        let years: BTreeSet<i32> = sa.iter().chain(sb.iter()).flat_map(|s| s.years.iter().map(|y| y.year)).collect();
        for year in years {
            let at = |s: Option<&SchoolOutcome>| s.and_then(|s| s.year(year)).and_then(stand);
            rows.push(Comparison { school: id.to_owned(), year, a: at(sa), b: at(sb) });
        }
    }
    rows
}

#[cfg(test)]
mod tests;
