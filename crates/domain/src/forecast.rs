//! Pupil forecasts for Schulentwicklungsplanung by the Übergangsquotenverfahren (METHODS §3.1),
//! and back-testing of those forecasts.
//!
//! School years are named by the calendar year in which they start (2024 = Schuljahr 2024/25), as
//! [`Period::SchoolYear`](crate::Period::SchoolYear) does. Every quota is the arithmetic mean of its
//! yearly values over the [`Stuetzzeitraum`]:
//!
//! - **Einschulungsquote** of a Grundschule ([`Intake::Einschulung`]): `e_t = (G1_t − I_t) / A6_t`,
//!   `G1` its pupils in the entry grade, `I` the entry-grade pupils from other municipalities
//!   ([`Inflow`], zero if none are given) and `A6` the children of entry age in its catchment
//!   ([`EntryAge`]). Forecast: `Ĝ1_t = ē · A6_t + Ī_t`.
//! - **Übergangsquote** of a school of Sek I ([`Intake::Uebergang`]): `u_t = (G5_t − I_t) / ΣG4_{t−1}`,
//!   the sum over the last grade of the Grundschulen of the feeding planning areas ([`Feeder`]).
//!   Forecast: `Ĝ5_t = ū · ΣĜ4_{t−1} + Ī_t`. Since every school of a Schulform divides by the same
//!   sum, the quotas of the schools add up to the quota of the Schulform.
//! - **Durchgangsquote** from grade `g` to `g+1`: `q_g,t = G(g+1)_t / G(g)_{t−1}`; it bundles
//!   repeaters, movers and leavers. Forecast: `Ĝ(g+1)_t = Ĝ(g)_{t−1} · q̄_g`.
//!
//! `Ī_t` is the inflow given for a forecast year (an assumption), else the mean inflow over the
//! Stützzeitraum (status quo). Forecasts are kept **unrounded**; rounding to whole pupils is a
//! planning decision taken where classes are formed ([`crate::capacity`]).
//!
//! [`backtest`] runs the same forecast as of an earlier year with only the pupils and inflows known
//! then, and compares it with what happened: the deviation per school, grade, total and horizon, and
//! the MAPE of the school totals per horizon.
//!
//! The constructed example of METHODS §3.3:
//!
//! ```
//! use domain::forecast::{EntryAge, ForecastInput, ForecastSpec, Intake, PupilCount, School, Stuetzzeitraum, forecast};
//! let rows = [(2021, [50, 52, 49, 51]), (2022, [55, 51, 53, 48]), (2023, [48, 56, 50, 52]), (2024, [53, 49, 57, 49])];
//! let pupils = rows
//!     .iter()
//!     .flat_map(|(year, g)| g.iter().zip(1..).map(move |(&n, grade)| PupilCount::new("gs", *year, grade, f64::from(n))))
//!     .collect();
//! let a6 = [(2021, 54), (2022, 58), (2023, 51), (2024, 55), (2025, 60), (2026, 47), (2027, 52)];
//! let input = ForecastInput {
//!     schools: vec![School::new("gs", "Nord", 1, 4, Intake::Einschulung { catchment: "bezirk".into() })],
//!     pupils,
//!     entry_age: a6.iter().map(|&(year, n)| EntryAge::new("bezirk", year, f64::from(n))).collect(),
//!     inflows: vec![],
//! };
//! let spec = ForecastSpec { launch: 2024, stuetzzeitraum: Stuetzzeitraum::new(2022, 2024), horizon: 3 };
//! let f = forecast(&input, &spec).unwrap();
//! let school = &f.schools[0];
//! assert_eq!(format!("{:.4}", school.quotas.entry.mean), "0.9510");
//! assert_eq!(format!("{:.1}", school.pupils.get(2025, 1).unwrap()), "57.1");
//! assert_eq!(format!("{:.1}", school.pupils.total(2025).unwrap()), "216.3");
//! ```

use std::collections::HashMap;

/// Pupils of one school in one grade and school year, as counted (Schulstatistik, October).
#[derive(Debug, Clone, PartialEq)]
pub struct PupilCount {
    /// The school's id, as in [`School::id`].
    pub school: String,
    /// The school year, named by the calendar year in which it starts.
    pub year: i32,
    /// The grade (Jahrgangsstufe).
    pub grade: u8,
    /// The number of pupils.
    pub pupils: f64,
}

impl PupilCount {
    /// A count of `pupils` in `grade` of `school` in `year`.
    pub fn new(school: impl Into<String>, year: i32, grade: u8, pupils: f64) -> Self {
        Self { school: school.into(), year, grade, pupils }
    }
}

/// Children of school-entry age in a catchment in a year, from the population register: observed
/// for past years, projected for the forecast years.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryAge {
    /// The catchment (Schulbezirk, or the areas feeding a school), as in [`Intake::Einschulung`].
    pub catchment: String,
    /// The school year the children would enter.
    pub year: i32,
    /// The number of children.
    pub children: f64,
}

impl EntryAge {
    /// `children` of entry age in `catchment` for the school year `year`.
    pub fn new(catchment: impl Into<String>, year: i32, children: f64) -> Self {
        Self { catchment: catchment.into(), year, children }
    }
}

/// Pupils of a school's entry grade who live in another municipality (Einpendler). For years up
/// to the launch year they are observed and taken out of the entry quota; for forecast years they
/// are an assumption that replaces the mean inflow of the Stützzeitraum.
#[derive(Debug, Clone, PartialEq)]
pub struct Inflow {
    /// The school's id.
    pub school: String,
    /// The school year.
    pub year: i32,
    /// Entry-grade pupils from other municipalities.
    pub pupils: f64,
}

/// How a school's entry grade is filled.
#[derive(Debug, Clone, PartialEq)]
pub enum Intake {
    /// A Grundschule: the entry grade from the children of entry age in the catchment, by the
    /// Einschulungsquote.
    Einschulung {
        /// The catchment's key in [`EntryAge::catchment`].
        catchment: String,
    },
    /// A school of Sek I: the entry grade from the last grade of the Grundschulen of the feeding
    /// planning areas in the year before, by the Übergangsquote.
    Uebergang {
        /// The planning areas whose Grundschulen feed the school.
        from: Feeder,
    },
}

/// The Grundschulen a school of Sek I draws from.
#[derive(Debug, Clone, PartialEq)]
pub enum Feeder {
    /// Every Grundschule of the Kommune.
    Kommune,
    /// The Grundschulen of these planning areas.
    Areas(Vec<String>),
}

/// A school to forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct School {
    /// The school's id (e.g. the NRW Schulnummer).
    pub id: String,
    /// The planning area (Planungsbezirk) the school belongs to; forecasts are summed per area.
    pub planning_area: String,
    /// The entry grade, e.g. 1 for a Grundschule, 5 for Sek I.
    pub first_grade: u8,
    /// The last grade, e.g. 4 for a Grundschule in NRW, 10 for Sek I.
    pub last_grade: u8,
    /// How the entry grade is filled.
    pub intake: Intake,
}

impl School {
    /// A school with grades `first_grade..=last_grade`.
    pub fn new(
        id: impl Into<String>,
        planning_area: impl Into<String>,
        first_grade: u8,
        last_grade: u8,
        intake: Intake,
    ) -> Self {
        Self { id: id.into(), planning_area: planning_area.into(), first_grade, last_grade, intake }
    }

    fn grades(&self) -> usize {
        usize::from(self.last_grade - self.first_grade) + 1
    }
}

/// Everything a forecast reads.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ForecastInput {
    /// The schools, Grundschulen and schools of Sek I together.
    pub schools: Vec<School>,
    /// Observed pupils per school, grade and year (long form, any order).
    pub pupils: Vec<PupilCount>,
    /// Children of entry age per catchment and year, observed and projected.
    pub entry_age: Vec<EntryAge>,
    /// Optional entry-grade inflows from other municipalities.
    pub inflows: Vec<Inflow>,
}

/// The base years (Stützzeitraum) whose yearly quotas are averaged: `first..=last` without the
/// excluded years (special periods such as an unusual inflow).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stuetzzeitraum {
    /// The first base year.
    pub first: i32,
    /// The last base year.
    pub last: i32,
    /// Years left out of the mean.
    pub exclude: Vec<i32>,
}

impl Stuetzzeitraum {
    /// The years `first..=last`, none excluded.
    pub fn new(first: i32, last: i32) -> Self {
        Self { first, last, exclude: Vec::new() }
    }

    /// The same period without `year`.
    pub fn excluding(mut self, year: i32) -> Self {
        self.exclude.push(year);
        self
    }

    /// The base years in order.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        (self.first..=self.last).filter(|y| !self.exclude.contains(y))
    }
}

/// What to forecast: from which year, on which base years, how far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForecastSpec {
    /// The launch year: the last observed school year, whose stocks the forecast starts from.
    pub launch: i32,
    /// The base years of the quotas; must end no later than the launch year.
    pub stuetzzeitraum: Stuetzzeitraum,
    /// The number of school years forecast after the launch year.
    pub horizon: u16,
}

impl ForecastSpec {
    /// The same forecast launched in `launch` instead: the Stützzeitraum moves by the same number
    /// of years and keeps its length; excluded years stay the same calendar years.
    pub fn as_of(&self, launch: i32) -> ForecastSpec {
        let shift = launch - self.launch;
        ForecastSpec {
            launch,
            stuetzzeitraum: Stuetzzeitraum {
                first: self.stuetzzeitraum.first + shift,
                last: self.stuetzzeitraum.last + shift,
                exclude: self.stuetzzeitraum.exclude.clone(),
            },
            horizon: self.horizon,
        }
    }
}

/// A quota: its yearly values over the Stützzeitraum and their arithmetic mean.
#[derive(Debug, Clone, PartialEq)]
pub struct Quota {
    /// The arithmetic mean of the yearly values, used in the forecast.
    pub mean: f64,
    /// (school year, value) for every base year.
    pub yearly: Vec<(i32, f64)>,
}

/// The quotas of one school.
#[derive(Debug, Clone, PartialEq)]
pub struct Quotas {
    /// The Einschulungsquote of a Grundschule or the Übergangsquote of a school of Sek I.
    pub entry: Quota,
    /// The Durchgangsquoten, the first from the entry grade to the next.
    pub durchgang: Vec<Quota>,
    /// The mean entry-grade inflow from other municipalities over the Stützzeitraum.
    pub inflow: f64,
}

/// Pupils per school year and grade, for consecutive years and grades.
#[derive(Debug, Clone, PartialEq)]
pub struct GradeTable {
    first_year: i32,
    years: usize,
    first_grade: u8,
    grades: usize,
    values: Vec<f64>,
}

impl GradeTable {
    fn zeros(first_year: i32, years: usize, first_grade: u8, grades: usize) -> Self {
        Self { first_year, years, first_grade, grades, values: vec![0.0; years * grades] }
    }

    fn index(&self, year: i32) -> Option<usize> {
        let k = usize::try_from(year - self.first_year).ok()?;
        (k < self.years).then_some(k)
    }

    /// The first school year of the table.
    pub fn first_year(&self) -> i32 {
        self.first_year
    }

    /// The first grade of the table.
    pub fn first_grade(&self) -> u8 {
        self.first_grade
    }

    /// The pupils of every grade in `year`, the first grade first.
    pub fn year(&self, year: i32) -> Option<&[f64]> {
        let k = self.index(year)?;
        Some(&self.values[k * self.grades..(k + 1) * self.grades])
    }

    /// The pupils in `grade` in `year`.
    pub fn get(&self, year: i32, grade: u8) -> Option<f64> {
        let g = usize::from(grade.checked_sub(self.first_grade)?);
        self.year(year)?.get(g).copied()
    }

    /// The pupils of all grades in `year`.
    pub fn total(&self, year: i32) -> Option<f64> {
        Some(self.year(year)?.iter().sum())
    }

    /// Every year with its pupils per grade, in order.
    pub fn years(&self) -> impl Iterator<Item = (i32, &[f64])> + '_ {
        (self.first_year..).zip(self.values.chunks_exact(self.grades.max(1)))
    }
}

/// The forecast of one school.
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolForecast {
    /// The school's id.
    pub school: String,
    /// Its planning area.
    pub planning_area: String,
    /// The quotas the forecast used.
    pub quotas: Quotas,
    /// Forecast pupils (unrounded) for the years after the launch year, grades of the school.
    pub pupils: GradeTable,
}

/// The forecast of a planning area: the sum of its schools per grade.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaForecast {
    /// The planning area.
    pub planning_area: String,
    /// Forecast pupils for the years after the launch year, from the lowest to the highest grade
    /// of any of its schools.
    pub pupils: GradeTable,
}

/// A forecast of every school.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    /// The launch year.
    pub launch: i32,
    /// The number of years forecast.
    pub horizon: u16,
    /// One forecast per school, in the order of [`ForecastInput::schools`].
    pub schools: Vec<SchoolForecast>,
}

impl Forecast {
    /// The forecast of the school `id`.
    pub fn school(&self, id: &str) -> Option<&SchoolForecast> {
        self.schools.iter().find(|s| s.school == id)
    }

    /// The forecast per planning area (sum of its schools), ordered by area.
    pub fn planning_areas(&self) -> Vec<AreaForecast> {
        let mut areas: Vec<&str> = self.schools.iter().map(|s| s.planning_area.as_str()).collect();
        areas.sort_unstable();
        areas.dedup();
        let years = usize::from(self.horizon);
        areas
            .into_iter()
            .map(|area| {
                let schools = || self.schools.iter().filter(|s| s.planning_area == area);
                let lo = schools().map(|s| s.pupils.first_grade).min().unwrap_or(1);
                let hi = schools().map(|s| s.pupils.first_grade as usize + s.pupils.grades).max().unwrap_or(1);
                let mut table = GradeTable::zeros(self.launch + 1, years, lo, hi.saturating_sub(usize::from(lo)));
                for s in schools() {
                    let offset = usize::from(s.pupils.first_grade - lo);
                    for (k, row) in s.pupils.values.chunks_exact(s.pupils.grades.max(1)).enumerate() {
                        let start = k * table.grades + offset;
                        for (sum, v) in table.values[start..start + row.len()].iter_mut().zip(row) {
                            *sum += v;
                        }
                    }
                }
                AreaForecast { planning_area: area.to_owned(), pupils: table }
            })
            .collect()
    }
}

/// The comparison of a back-test forecast with what happened, for one school, year and grade
/// (or the school's total).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Deviation {
    /// The school year compared.
    pub year: i32,
    /// Years after the launch year (1 = the first forecast year).
    pub horizon: u16,
    /// The grade, or `None` for the school's total over all grades.
    pub grade: Option<u8>,
    /// The forecast (unrounded).
    pub forecast: f64,
    /// The observed pupils.
    pub observed: f64,
}

impl Deviation {
    /// Forecast minus observed: positive when the forecast was too high.
    pub fn error(&self) -> f64 {
        self.forecast - self.observed
    }

    /// The error in per cent of the observed pupils; `None` when none were observed.
    pub fn percentage_error(&self) -> Option<f64> {
        (self.observed > 0.0).then(|| 100.0 * self.error() / self.observed)
    }
}

/// The back-test of one school.
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolBacktest {
    /// The school's id.
    pub school: String,
    /// Per forecast year, one deviation per observed grade and then, if every grade was
    /// observed, the total.
    pub deviations: Vec<Deviation>,
}

/// The mean absolute percentage error of the school totals at one horizon.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HorizonError {
    /// Years after the launch year.
    pub horizon: u16,
    /// The school year.
    pub year: i32,
    /// The MAPE in per cent over the schools with an observed total above zero; `None` if none.
    pub mape: Option<f64>,
    /// The number of schools in the MAPE.
    pub schools: usize,
}

/// A forecast as of an earlier year compared with what happened.
#[derive(Debug, Clone, PartialEq)]
pub struct Backtest {
    /// The launch year of the back-test forecast.
    pub launch: i32,
    /// The horizon compared: the requested horizon, cut at the last year with observed pupils.
    pub horizon: u16,
    /// The forecast itself.
    pub forecast: Forecast,
    /// The deviations per school, in the order of [`ForecastInput::schools`].
    pub schools: Vec<SchoolBacktest>,
    /// The MAPE of the school totals for horizons 1, 2, …
    pub mape: Vec<HorizonError>,
}

/// Why a forecast cannot be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ForecastError {
    /// The Stützzeitraum has no year left after the exclusions, or starts after it ends.
    #[error("the Stützzeitraum {first}–{last} has no base year left after the exclusions")]
    EmptyStuetzzeitraum {
        /// Its first year.
        first: i32,
        /// Its last year.
        last: i32,
    },
    /// The Stützzeitraum ends after the launch year.
    #[error("the Stützzeitraum must end no later than the launch year {launch}, but ends in {last}")]
    StuetzzeitraumAfterLaunch {
        /// Its last year.
        last: i32,
        /// The launch year.
        launch: i32,
    },
    /// No pupil count falls into a base year.
    #[error("there are no pupil counts in the Stützzeitraum {first}–{last}")]
    NoDataInStuetzzeitraum {
        /// Its first year.
        first: i32,
        /// Its last year.
        last: i32,
    },
    /// Two schools with the same id.
    #[error("school {0:?} is listed twice")]
    DuplicateSchool(String),
    /// A school whose last grade lies below its first.
    #[error("school {school:?}: the last grade {last} lies below the first grade {first}")]
    Grades {
        /// The school.
        school: String,
        /// Its first grade.
        first: u8,
        /// Its last grade.
        last: u8,
    },
    /// A pupil count or inflow of a school that is not listed.
    #[error("there are pupils for school {school:?} in {year}, which is not among the schools")]
    UnknownSchool {
        /// The school's id.
        school: String,
        /// The year of the count.
        year: i32,
    },
    /// A pupil count for a grade the school does not have.
    #[error("school {school:?} has grades {first}–{last}, but there are pupils for grade {grade} in {year}")]
    GradeOutOfRange {
        /// The school.
        school: String,
        /// The grade of the count.
        grade: u8,
        /// The year of the count.
        year: i32,
        /// The school's first grade.
        first: u8,
        /// The school's last grade.
        last: u8,
    },
    /// A count that is negative or not a finite number.
    #[error("{what} in {year} is {value}, but a count must be a finite number of at least zero")]
    InvalidCount {
        /// What was counted, e.g. `school "a", grade 3`.
        what: String,
        /// The year of the count.
        year: i32,
        /// The value.
        value: f64,
    },
    /// The same cell given twice.
    #[error("{what} in {year} is given twice")]
    Duplicate {
        /// The cell, e.g. `school "a", grade 3`.
        what: String,
        /// The year.
        year: i32,
    },
    /// A Grundschule whose catchment has no children of entry age at all.
    #[error("school {school:?}: its catchment {catchment:?} has no children of entry age")]
    NoCatchment {
        /// The school.
        school: String,
        /// The catchment.
        catchment: String,
    },
    /// A year the forecast needs without children of entry age for a catchment.
    #[error("catchment {catchment:?} has no count of children of entry age for {year}")]
    MissingEntryAge {
        /// The catchment.
        catchment: String,
        /// The year.
        year: i32,
    },
    /// A grade without a pupil count in a year the quotas or the launch need.
    #[error("school {school:?} has no pupil count for grade {grade} in {year}, which the forecast needs")]
    MissingGrade {
        /// The school.
        school: String,
        /// The grade.
        grade: u8,
        /// The year.
        year: i32,
    },
    /// A school of Sek I whose feeding planning areas have no Grundschule.
    #[error("school {0:?}: no Grundschule lies in the planning areas that feed it")]
    NoFeeder(String),
    /// A quota whose denominator is zero.
    #[error("school {school:?}: {stock} in {year} is zero, so the quota cannot be formed")]
    ZeroStock {
        /// The school.
        school: String,
        /// The stock, e.g. `grade 3`.
        stock: String,
        /// The year of the stock.
        year: i32,
    },
    /// More entry-grade pupils from other municipalities than pupils in the entry grade.
    #[error("school {school:?}: the inflow in {year} exceeds the pupils of the entry grade")]
    InflowExceedsEntry {
        /// The school.
        school: String,
        /// The year.
        year: i32,
    },
}

/// Forecasts every school for `spec.horizon` years after the launch year.
///
/// Inflows given for forecast years are used as assumptions; the children of entry age must be
/// given for every forecast year of every catchment.
pub fn forecast(input: &ForecastInput, spec: &ForecastSpec) -> Result<Forecast, ForecastError> {
    let data = Data::new(input, spec)?;
    data.forecast(usize::from(spec.horizon), true)
}

/// Runs the forecast as of `spec.launch` with only the pupils and inflows observed up to then,
/// and compares it with the pupils observed later.
///
/// The horizon is cut at the last year with any pupil count, so a back-test launched in that year
/// has horizon zero. The children of entry age are read as given: with observed register counts
/// the back-test measures the error of the quotas alone; pass the projection of the time to
/// include the error of the population projection. Every school of the input must have pupils
/// in the launch year: leave out the schools opened later.
pub fn backtest(input: &ForecastInput, spec: &ForecastSpec) -> Result<Backtest, ForecastError> {
    let data = Data::new(input, spec)?;
    let last_observed = input.pupils.iter().map(|p| p.year).max().unwrap_or(spec.launch);
    let available = usize::try_from(last_observed - spec.launch).unwrap_or(0);
    let horizon = usize::from(spec.horizon).min(available);
    let forecast = data.forecast(horizon, false)?;
    let mut mape = vec![(0.0, 0usize); horizon];
    let schools = forecast
        .schools
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let observed = &data.cells[i];
            let mut deviations = Vec::new();
            for (k, (year, row)) in f.pupils.years().enumerate() {
                let horizon = u16::try_from(k + 1).unwrap_or(u16::MAX);
                let mut total = Some((0.0, 0.0));
                for (g, &value) in row.iter().enumerate() {
                    let grade = f.pupils.first_grade + g as u8;
                    match observed.get(year, g) {
                        Some(seen) => {
                            deviations.push(Deviation {
                                year,
                                horizon,
                                grade: Some(grade),
                                forecast: value,
                                observed: seen,
                            });
                            total = total.map(|(a, b)| (a + value, b + seen));
                        }
                        None => total = None,
                    }
                }
                if let Some((value, seen)) = total {
                    let d = Deviation { year, horizon, grade: None, forecast: value, observed: seen };
                    if let Some(pe) = d.percentage_error() {
                        mape[k].0 += pe.abs();
                        mape[k].1 += 1;
                    }
                    deviations.push(d);
                }
            }
            SchoolBacktest { school: f.school.clone(), deviations }
        })
        .collect();
    let mape = mape
        .into_iter()
        .enumerate()
        .map(|(k, (sum, n))| HorizonError {
            horizon: u16::try_from(k + 1).unwrap_or(u16::MAX),
            year: spec.launch + k as i32 + 1,
            mape: (n > 0).then(|| sum / n as f64),
            schools: n,
        })
        .collect();
    Ok(Backtest { launch: spec.launch, horizon: forecast.horizon, forecast, schools, mape })
}

/// Optional values per year from `first_year` on.
#[derive(Debug, Clone)]
struct Cells {
    first_year: i32,
    width: usize,
    values: Vec<Option<f64>>,
}

impl Cells {
    fn new(first_year: i32, years: usize, width: usize) -> Self {
        Self { first_year, width, values: vec![None; years * width] }
    }

    fn slot(&self, year: i32, column: usize) -> Option<usize> {
        let k = usize::try_from(year - self.first_year).ok()?;
        let i = k * self.width + column;
        (column < self.width && i < self.values.len()).then_some(i)
    }

    fn get(&self, year: i32, column: usize) -> Option<f64> {
        self.values[self.slot(year, column)?]
    }
}

fn check_count(what: impl FnOnce() -> String, year: i32, value: f64) -> Result<(), ForecastError> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(ForecastError::InvalidCount { what: what(), year, value })
    }
}

/// Puts `value` into its cell, refusing a second value for the same cell.
fn put(
    cells: &mut Cells,
    year: i32,
    column: usize,
    value: f64,
    what: impl FnOnce() -> String,
) -> Result<(), ForecastError> {
    if let Some(i) = cells.slot(year, column) {
        if cells.values[i].is_some() {
            return Err(ForecastError::Duplicate { what: what(), year });
        }
        cells.values[i] = Some(value);
    }
    Ok(())
}

/// The input checked and laid out densely: one table of cells per school and catchment.
struct Data<'a> {
    input: &'a ForecastInput,
    spec: &'a ForecastSpec,
    base: Vec<i32>,
    /// Pupils per school: years × grades.
    cells: Vec<Cells>,
    /// Entry-grade inflows per school.
    inflows: Vec<Cells>,
    /// Children of entry age per catchment.
    entry_age: HashMap<&'a str, Cells>,
    /// Per school of Sek I, the Grundschulen feeding it (empty for a Grundschule).
    feeders: Vec<Vec<usize>>,
}

impl<'a> Data<'a> {
    fn new(input: &'a ForecastInput, spec: &'a ForecastSpec) -> Result<Self, ForecastError> {
        let st = &spec.stuetzzeitraum;
        let base: Vec<i32> = st.years().collect();
        if base.is_empty() {
            return Err(ForecastError::EmptyStuetzzeitraum { first: st.first, last: st.last });
        }
        if st.last > spec.launch {
            return Err(ForecastError::StuetzzeitraumAfterLaunch { last: st.last, launch: spec.launch });
        }
        let mut index = HashMap::with_capacity(input.schools.len());
        for (i, s) in input.schools.iter().enumerate() {
            if s.last_grade < s.first_grade {
                return Err(ForecastError::Grades { school: s.id.clone(), first: s.first_grade, last: s.last_grade });
            }
            if index.insert(s.id.as_str(), i).is_some() {
                return Err(ForecastError::DuplicateSchool(s.id.clone()));
            }
        }
        let first_year = st.first - 1;
        let last_year = input
            .pupils
            .iter()
            .map(|p| p.year)
            .chain(input.entry_age.iter().map(|e| e.year))
            .chain(input.inflows.iter().map(|i| i.year))
            .max()
            .unwrap_or(spec.launch)
            .max(spec.launch + i32::from(spec.horizon));
        let years = usize::try_from(last_year - first_year + 1).unwrap_or(0);
        let mut cells: Vec<Cells> = input.schools.iter().map(|s| Cells::new(first_year, years, s.grades())).collect();
        let mut in_base = false;
        for p in &input.pupils {
            let &i = index
                .get(p.school.as_str())
                .ok_or_else(|| ForecastError::UnknownSchool { school: p.school.clone(), year: p.year })?;
            let s = &input.schools[i];
            if !(s.first_grade..=s.last_grade).contains(&p.grade) {
                return Err(ForecastError::GradeOutOfRange {
                    school: s.id.clone(),
                    grade: p.grade,
                    year: p.year,
                    first: s.first_grade,
                    last: s.last_grade,
                });
            }
            let what = || format!("school {:?}, grade {}", s.id, p.grade);
            check_count(what, p.year, p.pupils)?;
            put(&mut cells[i], p.year, usize::from(p.grade - s.first_grade), p.pupils, what)?;
            in_base |= base.contains(&p.year);
        }
        if !in_base {
            return Err(ForecastError::NoDataInStuetzzeitraum { first: st.first, last: st.last });
        }
        let mut inflows: Vec<Cells> = input.schools.iter().map(|_| Cells::new(first_year, years, 1)).collect();
        for f in &input.inflows {
            let &i = index
                .get(f.school.as_str())
                .ok_or_else(|| ForecastError::UnknownSchool { school: f.school.clone(), year: f.year })?;
            let what = || format!("the inflow of school {:?}", f.school);
            check_count(what, f.year, f.pupils)?;
            put(&mut inflows[i], f.year, 0, f.pupils, what)?;
        }
        let mut entry_age: HashMap<&str, Cells> = HashMap::new();
        for e in &input.entry_age {
            let what = || format!("children of entry age in catchment {:?}", e.catchment);
            check_count(what, e.year, e.children)?;
            let cells = entry_age.entry(e.catchment.as_str()).or_insert_with(|| Cells::new(first_year, years, 1));
            put(cells, e.year, 0, e.children, what)?;
        }
        let feeders = input
            .schools
            .iter()
            .map(|s| match &s.intake {
                Intake::Einschulung { .. } => Ok(Vec::new()),
                Intake::Uebergang { from } => {
                    let feeds = |p: &School| match from {
                        Feeder::Kommune => true,
                        Feeder::Areas(areas) => areas.contains(&p.planning_area),
                    };
                    let list: Vec<usize> = (0..input.schools.len())
                        .filter(|&p| {
                            let p = &input.schools[p];
                            matches!(p.intake, Intake::Einschulung { .. }) && feeds(p)
                        })
                        .collect();
                    if list.is_empty() { Err(ForecastError::NoFeeder(s.id.clone())) } else { Ok(list) }
                }
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { input, spec, base, cells, inflows, entry_age, feeders })
    }

    fn pupils(&self, school: usize, grade: usize, year: i32) -> Result<f64, ForecastError> {
        self.cells[school].get(year, grade).ok_or_else(|| {
            let s = &self.input.schools[school];
            ForecastError::MissingGrade { school: s.id.clone(), grade: s.first_grade + grade as u8, year }
        })
    }

    fn catchment(&self, school: usize, catchment: &str) -> Result<&Cells, ForecastError> {
        self.entry_age.get(catchment).ok_or_else(|| ForecastError::NoCatchment {
            school: self.input.schools[school].id.clone(),
            catchment: catchment.to_owned(),
        })
    }

    fn children(&self, cells: &Cells, catchment: &str, year: i32) -> Result<f64, ForecastError> {
        cells.get(year, 0).ok_or_else(|| ForecastError::MissingEntryAge { catchment: catchment.to_owned(), year })
    }

    /// The last grade of the feeding Grundschulen, summed, in `year`.
    fn feeding_stock(&self, school: usize, year: i32) -> Result<f64, ForecastError> {
        self.feeders[school]
            .iter()
            .try_fold(0.0, |sum, &p| Ok(sum + self.pupils(p, self.input.schools[p].grades() - 1, year)?))
    }

    fn zero(&self, school: usize, stock: impl Into<String>, year: i32) -> ForecastError {
        ForecastError::ZeroStock { school: self.input.schools[school].id.clone(), stock: stock.into(), year }
    }

    fn mean(yearly: Vec<(i32, f64)>) -> Quota {
        let mean = yearly.iter().map(|(_, q)| q).sum::<f64>() / yearly.len() as f64;
        Quota { mean, yearly }
    }

    fn quotas(&self, school: usize) -> Result<Quotas, ForecastError> {
        let s = &self.input.schools[school];
        let inflow = |year| self.inflows[school].get(year, 0).unwrap_or(0.0);
        let mut entry = Vec::with_capacity(self.base.len());
        for &t in &self.base {
            let stock = self.pupils(school, 0, t)?;
            let own = stock - inflow(t);
            if own < 0.0 {
                return Err(ForecastError::InflowExceedsEntry { school: s.id.clone(), year: t });
            }
            let denominator = match &s.intake {
                Intake::Einschulung { catchment } => {
                    let a6 = self.children(self.catchment(school, catchment)?, catchment, t)?;
                    if a6 == 0.0 {
                        return Err(self.zero(school, format!("the children of entry age in {catchment:?}"), t));
                    }
                    a6
                }
                Intake::Uebergang { .. } => {
                    let feeding = self.feeding_stock(school, t - 1)?;
                    if feeding == 0.0 {
                        return Err(self.zero(school, "the last grade of the feeding Grundschulen", t - 1));
                    }
                    feeding
                }
            };
            entry.push((t, own / denominator));
        }
        let mut durchgang = Vec::with_capacity(s.grades() - 1);
        for g in 0..s.grades() - 1 {
            let mut yearly = Vec::with_capacity(self.base.len());
            for &t in &self.base {
                let before = self.pupils(school, g, t - 1)?;
                let after = self.pupils(school, g + 1, t)?;
                if before == 0.0 {
                    return Err(self.zero(school, format!("grade {}", s.first_grade + g as u8), t - 1));
                }
                yearly.push((t, after / before));
            }
            durchgang.push(Self::mean(yearly));
        }
        let inflow = self.base.iter().map(|&t| inflow(t)).sum::<f64>() / self.base.len() as f64;
        Ok(Quotas { entry: Self::mean(entry), durchgang, inflow })
    }

    /// Forecasts one school; `feeding[k]` is the last grade of its feeding Grundschulen in the
    /// year `k` years after the launch year (only read for schools of Sek I).
    fn school(
        &self,
        school: usize,
        horizon: usize,
        assumed_inflows: bool,
        feeding: &[f64],
    ) -> Result<SchoolForecast, ForecastError> {
        let s = &self.input.schools[school];
        let launch = self.spec.launch;
        let quotas = self.quotas(school)?;
        let grades = s.grades();
        let mut table = GradeTable::zeros(launch + 1, horizon, s.first_grade, grades);
        let mut previous: Vec<f64> = (0..grades).map(|g| self.pupils(school, g, launch)).collect::<Result<_, _>>()?;
        let catchment = match &s.intake {
            Intake::Einschulung { catchment } => Some((catchment.as_str(), self.catchment(school, catchment)?)),
            Intake::Uebergang { .. } => None,
        };
        for (k, row) in table.values.chunks_exact_mut(grades).enumerate() {
            let year = launch + 1 + k as i32;
            let inflow = if assumed_inflows { self.inflows[school].get(year, 0) } else { None };
            let entrants = match catchment {
                Some((key, cells)) => quotas.entry.mean * self.children(cells, key, year)?,
                None => quotas.entry.mean * feeding[k],
            };
            row[0] = entrants + inflow.unwrap_or(quotas.inflow);
            for ((next, before), q) in row[1..].iter_mut().zip(&previous).zip(&quotas.durchgang) {
                *next = before * q.mean;
            }
            previous.copy_from_slice(row);
        }
        Ok(SchoolForecast { school: s.id.clone(), planning_area: s.planning_area.clone(), quotas, pupils: table })
    }

    fn forecast(&self, horizon: usize, assumed_inflows: bool) -> Result<Forecast, ForecastError> {
        let n = self.input.schools.len();
        let mut out: Vec<Option<SchoolForecast>> = vec![None; n];
        // Grundschulen first: their last grade feeds the schools of Sek I.
        for (i, s) in self.input.schools.iter().enumerate() {
            if matches!(s.intake, Intake::Einschulung { .. }) {
                out[i] = Some(self.school(i, horizon, assumed_inflows, &[])?);
            }
        }
        let mut feeding = vec![0.0; horizon];
        for i in 0..n {
            if out[i].is_some() {
                continue;
            }
            feeding.fill(0.0);
            for &p in &self.feeders[i] {
                let last = self.input.schools[p].grades() - 1;
                if let Some(first) = feeding.first_mut() {
                    *first += self.pupils(p, last, self.spec.launch)?;
                }
                if let Some(f) = &out[p] {
                    for (k, (_, row)) in f.pupils.years().take(horizon.saturating_sub(1)).enumerate() {
                        feeding[k + 1] += row[last];
                    }
                }
            }
            out[i] = Some(self.school(i, horizon, assumed_inflows, &feeding)?);
        }
        Ok(Forecast {
            launch: self.spec.launch,
            horizon: u16::try_from(horizon).unwrap_or(u16::MAX),
            schools: out.into_iter().flatten().collect(),
        })
    }
}

#[cfg(test)]
mod tests;
