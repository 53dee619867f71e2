//! The seeded synthetic microdata generator (method note: `docs/STATISTIKSTELLE.md`).
//!
//! Children are drawn per birth year and Stadtviertel from the calibration (children per birth
//! year, the share with a migration background, the schools with their Schulform, size, location
//! and Schulsozialindex) and followed through Kita, the school-entry examination, the Grundschule
//! and Sek I, year by year. Every record of a year in the window goes to the [`Sink`]; the
//! generator returns the true transitions from grade 4 to grade 5, which the aggregated flows
//! must reproduce exactly. Pure: the same calibration, settings and seed give the same records.

use std::collections::BTreeMap;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::Error;

/// A Stadtviertel (the finest layer: where records give residence).
#[derive(Debug, Clone, PartialEq)]
pub struct Viertel {
    /// The area key.
    pub key: String,
    /// The centre (WGS84 longitude, latitude).
    pub centre: (f64, f64),
    /// Children per birth year (at scale 1).
    pub births: f64,
    /// The share of inhabitants with a migration background (0–1).
    pub migration: f64,
}

/// A school.
#[derive(Debug, Clone, PartialEq)]
pub struct School {
    /// The Schulnummer.
    pub key: String,
    /// The Schulform (`Grundschule`, `Gymnasium`, …).
    pub form: String,
    /// The location (WGS84 longitude, latitude).
    pub location: (f64, f64),
    /// Its pupils (a weight of its attraction).
    pub pupils: f64,
    /// The Schulsozialindex (1–9; 5 where none is published).
    pub social_index: f64,
}

/// What the generator is calibrated on.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// The Stadtviertel.
    pub viertel: Vec<Viertel>,
    /// The schools of the forms the generator knows ([`FORMS`]).
    pub schools: Vec<School>,
}

/// The Schulformen the generator knows, with their last grade and leaving qualification.
pub const FORMS: [(&str, i32, &str); 6] = [
    ("Grundschule", 4, ""),
    ("Hauptschule", 10, "HSA"),
    ("Realschule", 10, "MSA"),
    ("Sekundarschule", 10, "MSA"),
    ("Gesamtschule", 13, "AHR"),
    ("Gymnasium", 13, "AHR"),
];

/// How much and what to generate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Seed of the random generator.
    pub seed: u64,
    /// The first school year (2020 is 2020/21) and calendar year written.
    pub first_year: i32,
    /// The number of years written.
    pub years: u32,
    /// Children per birth year relative to the calibration (1 = the demo city).
    pub scale: f64,
}

/// A pupil's record of one school year.
#[derive(Debug, Clone, PartialEq)]
pub struct Pupil<'a> {
    /// The pseudonym (the same person has the same one in every year and every kind of record).
    pub pseudonym: u64,
    /// The school year (2024 is 2024/25).
    pub year: i32,
    /// The Schulnummer.
    pub school: &'a str,
    /// The grade.
    pub grade: i32,
    /// The Schulform.
    pub form: &'a str,
    /// The Stadtviertel of residence.
    pub area: &'a str,
    /// `m` or `w`.
    pub sex: &'static str,
    /// The year of birth.
    pub birth_year: i32,
    /// Whether the family language is not German.
    pub family_language: bool,
    /// The special-needs focus (LE, ES, SQ, GG, KM), if any.
    pub focus: Option<&'static str>,
    /// Whether the pupil came to the city this school year.
    pub newcomer: bool,
    /// Whether the pupil repeats the grade.
    pub repeater: bool,
    /// The leaving qualification gained at the end of this school year, if any.
    pub qualification: Option<&'static str>,
}

/// A child's Kita record of one year.
#[derive(Debug, Clone, PartialEq)]
pub struct KitaChild<'a> {
    /// The pseudonym.
    pub pseudonym: u64,
    /// The year.
    pub year: i32,
    /// The Kita (synthetic keys: `K` + Stadtviertel + number).
    pub kita: String,
    /// The age in completed years.
    pub age: i32,
    /// Contracted weekly hours (25, 35 or 45).
    pub hours: i32,
    /// The Stadtviertel of residence.
    pub area: &'a str,
}

/// A school-entry examination.
#[derive(Debug, Clone, PartialEq)]
pub struct Exam<'a> {
    /// The pseudonym.
    pub pseudonym: u64,
    /// The year of the examination (= the school year of entry).
    pub year: i32,
    /// The Stadtviertel of residence.
    pub area: &'a str,
    /// Years in a Kita.
    pub kita_years: i32,
    /// The language screening: `unauffällig` or `auffällig`.
    pub language: &'static str,
    /// The BMI class.
    pub bmi: &'static str,
}

/// A person of the register extract (the children and young people the generator follows).
#[derive(Debug, Clone, PartialEq)]
pub struct Person<'a> {
    /// The pseudonym.
    pub pseudonym: u64,
    /// The year of the extract.
    pub year: i32,
    /// The birth date as days since 1970-01-01.
    pub birth_date: i32,
    /// `m` or `w`.
    pub sex: &'static str,
    /// `deutsch` or `nichtdeutsch`.
    pub citizenship: &'static str,
    /// The Stadtviertel of residence.
    pub area: &'a str,
}

/// Where the records go.
pub trait Sink {
    /// A pupil's record.
    fn pupil(&mut self, record: &Pupil<'_>) -> Result<(), Error>;
    /// A Kita record.
    fn kita(&mut self, record: &KitaChild<'_>) -> Result<(), Error>;
    /// A school-entry examination.
    fn exam(&mut self, record: &Exam<'_>) -> Result<(), Error>;
    /// A person of the register extract.
    fn person(&mut self, record: &Person<'_>) -> Result<(), Error>;
}

/// The true transitions: (school year of grade 5, Stadtviertel, grade-4 school, grade-5
/// Schulform) → pupils.
pub type Truth = BTreeMap<(i32, String, String, String), u64>;

/// Per Stadtviertel: its Schulbezirk school (the nearest Grundschule) and per Schulform the
/// nearest schools with their weights.
struct Choices {
    /// Index of the nearest Grundschule per Viertel.
    district: Vec<usize>,
    /// Per Viertel and form (index into [`FORMS`]): up to five nearest schools and weights.
    near: Vec<Vec<Vec<(usize, f64)>>>,
}

fn distance(a: (f64, f64), b: (f64, f64)) -> f64 {
    let dx = (a.0 - b.0) * (a.1.to_radians().cos()) * 111.3;
    let dy = (a.1 - b.1) * 111.3;
    (dx * dx + dy * dy).sqrt()
}

/// The Schulbezirk of every Stadtviertel: the nearest Grundschule to its centre (the demo has no
/// Schulbezirk data; documented in docs/STATISTIKSTELLE.md). `None` if there is no Grundschule.
pub fn districts(calibration: &Calibration) -> Vec<Option<usize>> {
    calibration
        .viertel
        .iter()
        .map(|v| {
            calibration
                .schools
                .iter()
                .enumerate()
                .filter(|(_, s)| s.form == "Grundschule")
                .min_by(|a, b| distance(v.centre, a.1.location).total_cmp(&distance(v.centre, b.1.location)))
                .map(|(i, _)| i)
        })
        .collect()
}

impl Choices {
    fn new(c: &Calibration) -> Result<Choices, Error> {
        let mut near = Vec::new();
        let mut district = Vec::new();
        for (v, d) in c.viertel.iter().zip(districts(c)) {
            district.push(d.ok_or_else(|| Error::Calibration { message: "no Grundschule".into() })?);
            let mut per_form = Vec::new();
            for (form, _, _) in FORMS {
                let mut schools: Vec<(usize, f64)> = c
                    .schools
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.form == form)
                    .map(|(i, s)| (i, distance(v.centre, s.location)))
                    .collect();
                schools.sort_by(|a, b| a.1.total_cmp(&b.1));
                schools.truncate(5);
                let weighted =
                    schools.into_iter().map(|(i, d)| (i, c.schools[i].pupils.max(1.0) / (0.25 + d * d))).collect();
                per_form.push(weighted);
            }
            near.push(per_form);
        }
        Ok(Choices { district, near })
    }
}

fn pick<T: Copy>(rng: &mut ChaCha8Rng, options: &[(T, f64)]) -> Option<T> {
    let total: f64 = options.iter().map(|(_, w)| w).sum();
    if options.is_empty() || total <= 0.0 {
        return None;
    }
    let mut u = rng.random::<f64>() * total;
    for (t, w) in options {
        if u < *w {
            return Some(*t);
        }
        u -= w;
    }
    options.last().map(|(t, _)| *t)
}

/// A bijective mix of the person number: distinct persons get distinct pseudonyms.
fn pseudonym(seed: u64, id: u64) -> u64 {
    let mut z = id ^ seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Days from 1970-01-01 to 1 January of `year` (proleptic Gregorian).
fn days_to_year(year: i32) -> i32 {
    let y = year - 1;
    365 * (year - 1970) + (y / 4 - y / 100 + y / 400) - (1969 / 4 - 1969 / 100 + 1969 / 400)
}

/// Generates the records into `sink` and returns the true grade 4 → 5 transitions.
pub fn generate(calibration: &Calibration, settings: &Settings, sink: &mut impl Sink) -> Result<Truth, Error> {
    if settings.years == 0 || settings.scale.is_nan() || settings.scale <= 0.0 {
        return Err(Error::Calibration { message: "years and scale must be positive".into() });
    }
    let choices = Choices::new(calibration)?;
    let mut rng = ChaCha8Rng::seed_from_u64(settings.seed);
    let first = settings.first_year;
    let last = first + settings.years as i32 - 1;
    let window = first..=last;
    let mut truth = Truth::new();
    let mut id = 0u64;
    for birth in (first - 19)..=(last - 1) {
        for (vi, v) in calibration.viertel.iter().enumerate() {
            let expected = v.births * settings.scale;
            let n = expected.floor() as u64 + u64::from(rng.random::<f64>() < expected.fract());
            for _ in 0..n {
                id += 1;
                let child = Child {
                    pseudonym: pseudonym(settings.seed, id),
                    birth,
                    viertel: vi,
                    sex: if rng.random::<f64>() < 0.512 { "m" } else { "w" },
                    family_language: rng.random::<f64>() < 0.7 * v.migration,
                    citizenship: if rng.random::<f64>() < 0.45 * v.migration { "nichtdeutsch" } else { "deutsch" },
                };
                child.simulate(calibration, &choices, &mut rng, &window, sink, &mut truth)?;
            }
        }
    }
    Ok(truth)
}

struct Child {
    pseudonym: u64,
    birth: i32,
    viertel: usize,
    sex: &'static str,
    family_language: bool,
    citizenship: &'static str,
}

impl Child {
    fn simulate(
        &self,
        c: &Calibration,
        choices: &Choices,
        rng: &mut ChaCha8Rng,
        window: &std::ops::RangeInclusive<i32>,
        sink: &mut impl Sink,
        truth: &mut Truth,
    ) -> Result<(), Error> {
        let v = &c.viertel[self.viertel];
        let area = v.key.as_str();
        // Kita from a start age (or none) until school entry.
        let start = pick(rng, &[(Some(1), 0.35), (Some(2), 0.2), (Some(3), 0.38), (None, 0.07)]).flatten();
        let entry = self.birth + 6 + i32::from(rng.random::<f64>() < 0.05);
        let kita = format!("K{area}-{}", rng.random_range(1..=3));
        let hours = pick(rng, &[(25, 0.2), (35, 0.45), (45, 0.35)]).unwrap_or(35);
        let mut kita_years = 0;
        if let Some(start) = start {
            for year in (self.birth + start)..entry {
                kita_years += 1;
                if window.contains(&year) {
                    let age = year - self.birth;
                    let record = KitaChild { pseudonym: self.pseudonym, year, kita: kita.clone(), age, hours, area };
                    sink.kita(&record)?;
                }
            }
        }
        if window.contains(&entry) {
            let p = 0.12 + if self.family_language { 0.3 } else { 0.0 } - 0.02 * f64::from(kita_years);
            let language = if rng.random::<f64>() < p { "auffällig" } else { "unauffällig" };
            let bmi = pick(
                rng,
                &[("untergewichtig", 0.08), ("normalgewichtig", 0.8), ("übergewichtig", 0.07), ("adipös", 0.05)],
            )
            .unwrap_or("normalgewichtig");
            sink.exam(&Exam { pseudonym: self.pseudonym, year: entry, area, kita_years, language, bmi })?;
        }
        let focus = if rng.random::<f64>() < 0.06 {
            pick(rng, &[("LE", 0.4), ("ES", 0.25), ("SQ", 0.15), ("GG", 0.1), ("KM", 0.1)])
        } else {
            None
        };
        // Newcomers arrive during their schooling; their earlier years are not in the city.
        let arrival = if rng.random::<f64>() < 0.03 { entry + rng.random_range(1..=9) } else { entry };
        let primary = if rng.random::<f64>() < 0.85 {
            choices.district[self.viertel]
        } else {
            let others: Vec<(usize, f64)> = choices.near[self.viertel][0]
                .iter()
                .copied()
                .filter(|(i, _)| *i != choices.district[self.viertel])
                .collect();
            pick(rng, &others).unwrap_or(choices.district[self.viertel])
        };
        let mut school = primary;
        let mut form = 0;
        let mut grade = 1;
        let mut repeater = false;
        let mut left = false;
        let mut previous: Option<(i32, i32, usize)> = None;
        let mut year = entry;
        loop {
            let (_, last_grade, qualification) = FORMS[form];
            let finishes = grade == last_grade && form > 0 && !(form == 4 && grade == 10)
                || (form == 4 && grade == 10 && rng.random::<f64>() < 0.6);
            if year >= arrival && window.contains(&year) {
                let s = &c.schools[school];
                let record = Pupil {
                    pseudonym: self.pseudonym,
                    year,
                    school: &s.key,
                    grade,
                    form: &s.form,
                    area,
                    sex: self.sex,
                    birth_year: self.birth,
                    family_language: self.family_language,
                    focus,
                    newcomer: year == arrival && arrival != entry,
                    repeater,
                    qualification: if finishes {
                        Some(if form == 4 && grade == 10 { "MSA" } else { qualification })
                    } else {
                        None
                    },
                };
                sink.pupil(&record)?;
                if let Some((y, 4, from)) = previous
                    && y == year - 1
                    && grade == 5
                {
                    let key = (year, v.key.clone(), c.schools[from].key.clone(), s.form.clone());
                    *truth.entry(key).or_insert(0) += 1;
                }
                previous = Some((year, grade, school));
            }
            if finishes || year >= *window.end() {
                break;
            }
            if rng.random::<f64>() < 0.01 {
                left = true;
                break;
            }
            year += 1;
            repeater = grade > 1 && rng.random::<f64>() < 0.02;
            if repeater {
                continue;
            }
            grade += 1;
            if grade == 5 {
                let s = c.schools[primary].social_index - 1.0;
                let weights =
                    [(1, 0.04 + 0.01 * s), (2, 0.14 + 0.01 * s), (3, 0.05), (4, 0.22 + 0.01 * s), (5, 0.50 - 0.04 * s)];
                let available: Vec<(usize, f64)> =
                    weights.into_iter().filter(|(f, _)| !choices.near[self.viertel][*f].is_empty()).collect();
                form = pick(rng, &available).unwrap_or(5);
                school = pick(rng, &choices.near[self.viertel][form]).unwrap_or(primary);
            }
        }
        let year = *window.end();
        let age = year - self.birth;
        if !left && (0..=18).contains(&age) && (arrival == entry || arrival <= year) {
            let birth_date = days_to_year(self.birth) + rng.random_range(0..365);
            let person = Person {
                pseudonym: self.pseudonym,
                year,
                birth_date,
                sex: self.sex,
                citizenship: self.citizenship,
                area,
            };
            sink.person(&person)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_to_year_counts_leap_years() {
        assert_eq!(days_to_year(1970), 0);
        assert_eq!(days_to_year(1971), 365);
        assert_eq!(days_to_year(1973), 365 * 3 + 1);
        assert_eq!(days_to_year(2000), 10957);
    }

    #[test]
    fn pseudonyms_are_distinct() {
        let set: std::collections::HashSet<u64> = (0..10_000).map(|i| pseudonym(7, i)).collect();
        assert_eq!(set.len(), 10_000);
    }
}
