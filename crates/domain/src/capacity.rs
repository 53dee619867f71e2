//! Class formation and school capacity (METHODS §3.2): how many classes a forecast needs, and
//! whether the school's places and classrooms suffice.
//!
//! Class formation rules are data ([`ClassRule`], per grade in [`ClassRules`]), so the rules of
//! other Länder are added as values, not code:
//!
//! - [`ClassTable`]: a table of upper pupil bounds and classes, continued by one more class per
//!   further `step` pupils — the NRW Grundschule rule of § 6a VO zu § 93 Abs. 2 SchulG
//!   ([`ClassTable::nrw_grundschule`]: ≤ 29 → 1, 30–56 → 2, 57–81 → 3, 82–104 → 4, 105–125 → 5,
//!   126–150 → 6, each further 25 → +1).
//! - [`Bandwidth`]: a Klassenfrequenzrichtwert with its Bandbreite, as in NRW Sek I (Realschule,
//!   Gymnasium and Gesamtschule: 28, 26–30; grades 5–6: 27, 25–29). The classes needed are the
//!   **fewest classes `k` with `pupils / k` at most the upper end of the Bandbreite**, that is
//!   `⌈pupils / upper⌉`; the planning value (Klassenrichtzahl) is `pupils / Richtwert`. The VO's
//!   allowances (exceeding the Bandbreite by up to 5 pupils with up to three parallel classes, or
//!   fewer classes for pedagogical reasons) are decisions of the school authority, not rules here.
//!
//! **Rounding.** Forecasts are unrounded. Rounding happens only where a whole number is decided:
//! the pupils of a grade are rounded half up to whole pupils ([`whole_pupils`]) before the class
//! rule is applied (57.1 → 57 → 3 classes). Places, utilisation and the surplus or deficit of
//! places use the unrounded pupils.
//!
//! **Capacity.** A school offers classrooms (its Zügigkeit × grades, or its counted rooms) and
//! places = classrooms × Klassenfrequenz, the Berlin convention: 3.5 Züge × 6 grades × 24 = 504
//! places. A school **runs full** in the first year in which its pupils exceed its places or its
//! classes exceed its classrooms ([`runs_full`]); exactly 100 % is not yet full.
//!
//! ```
//! use domain::capacity::{Capacity, ClassRules, assess, runs_full};
//! let rules = ClassRules::nrw_grundschule();
//! let capacity = Capacity::zuege(2.0, 4, 25.0).unwrap(); // 8 classrooms, 200 places
//! let years = [(2025, [57.1, 54.0, 49.3, 55.9].as_slice()), (2026, [44.7, 58.2, 54.4, 48.3].as_slice())];
//! let plan = assess(1, years, &rules, &capacity).unwrap();
//! assert_eq!((plan[0].zuege, plan[1].zuege), (3, 2));
//! assert_eq!(plan[0].classes, [3, 2, 2, 2]);
//! assert_eq!(runs_full(&plan), Some(2025)); // 216.3 pupils on 200 places, 9 classes in 8 rooms
//! ```

/// Why a rule, a capacity or an assessment is not valid.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CapacityError {
    /// A class table without rows.
    #[error("a class table needs at least one row")]
    EmptyTable,
    /// A class table whose rows do not rise.
    #[error(
        "row {0} of the class table: the pupil bounds must rise from row to row, the classes must be at least 1 \
         and must not fall"
    )]
    TableOrder(usize),
    /// A class table whose continuation step is zero.
    #[error("the step of a class table (pupils per further class) must be at least 1")]
    Step,
    /// A Bandbreite that does not hold its Richtwert, or starts at zero.
    #[error("the Bandbreite {lower}–{upper} must hold the Richtwert {richtwert} and start above zero")]
    Bandwidth {
        /// The Klassenfrequenzrichtwert.
        richtwert: u32,
        /// The lower end of the Bandbreite.
        lower: u32,
        /// The upper end of the Bandbreite.
        upper: u32,
    },
    /// Two rules for the same grade.
    #[error("grade {0} has more than one class rule")]
    OverlappingRules(u8),
    /// A capacity figure that is not a positive finite number.
    #[error("the {what} of a capacity must be a positive number, got {value}")]
    Capacity {
        /// Which figure: `Zügigkeit`, `grades`, `rooms` or `Klassenfrequenz`.
        what: &'static str,
        /// The value given.
        value: f64,
    },
    /// A grade without a class rule.
    #[error("there is no class rule for grade {0}")]
    NoRule(u8),
    /// A pupil number that is negative or not finite.
    #[error("grade {grade} in {year} has {value} pupils, but pupils must be a finite number of at least zero")]
    Pupils {
        /// The school year.
        year: i32,
        /// The grade.
        grade: u8,
        /// The value.
        value: f64,
    },
}

/// A table of class formation: (most pupils, classes) rows with rising bounds, and beyond the
/// last row one further class per `step` pupils or part of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassTable {
    rows: Vec<(u32, u32)>,
    step: u32,
}

impl ClassTable {
    /// A table; the pupil bounds must rise, the classes be at least 1 and not fall, and the step
    /// be at least 1.
    pub fn new(rows: Vec<(u32, u32)>, step: u32) -> Result<Self, CapacityError> {
        if rows.is_empty() {
            return Err(CapacityError::EmptyTable);
        }
        if step == 0 {
            return Err(CapacityError::Step);
        }
        for (i, &(max, classes)) in rows.iter().enumerate() {
            let rises = i == 0 || (max > rows[i - 1].0 && classes >= rows[i - 1].1);
            if classes == 0 || max == 0 || !rises {
                return Err(CapacityError::TableOrder(i));
            }
        }
        Ok(Self { rows, step })
    }

    /// NRW Grundschule, § 6a VO zu § 93 Abs. 2 SchulG (as of 1 March 2024): Eingangsklassen
    /// ≤ 29 → 1, 30–56 → 2, 57–81 → 3, 82–104 → 4, 105–125 → 5, 126–150 → 6, each further 25 → +1.
    pub fn nrw_grundschule() -> Self {
        Self { rows: vec![(29, 1), (56, 2), (81, 3), (104, 4), (125, 5), (150, 6)], step: 25 }
    }

    /// The rows: (most pupils, classes).
    pub fn rows(&self) -> &[(u32, u32)] {
        &self.rows
    }

    /// Pupils per further class beyond the last row.
    pub fn step(&self) -> u32 {
        self.step
    }

    fn classes(&self, pupils: u32) -> u32 {
        match self.rows.iter().find(|(max, _)| pupils <= *max) {
            Some(&(_, classes)) => classes,
            None => {
                let (max, classes) = self.rows[self.rows.len() - 1];
                classes.saturating_add((pupils - max).div_ceil(self.step))
            }
        }
    }
}

/// A Klassenfrequenzrichtwert with its Bandbreite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bandwidth {
    richtwert: u32,
    lower: u32,
    upper: u32,
}

impl Bandwidth {
    /// A Richtwert inside its Bandbreite `lower..=upper`, with `lower` at least 1.
    pub fn new(richtwert: u32, lower: u32, upper: u32) -> Result<Self, CapacityError> {
        if lower == 0 || lower > richtwert || richtwert > upper {
            return Err(CapacityError::Bandwidth { richtwert, lower, upper });
        }
        Ok(Self { richtwert, lower, upper })
    }

    /// NRW Realschule and Sek I of Gymnasium and Gesamtschule, grades 7–10: Richtwert 28,
    /// Bandbreite 26–30.
    pub fn nrw_sek1() -> Self {
        Self { richtwert: 28, lower: 26, upper: 30 }
    }

    /// NRW Sek I, grades 5–6: Richtwert 27, Bandbreite 25–29.
    pub fn nrw_sek1_erprobungsstufe() -> Self {
        Self { richtwert: 27, lower: 25, upper: 29 }
    }

    /// The Klassenfrequenzrichtwert.
    pub fn richtwert(&self) -> u32 {
        self.richtwert
    }

    /// The lower end of the Bandbreite.
    pub fn lower(&self) -> u32 {
        self.lower
    }

    /// The upper end of the Bandbreite.
    pub fn upper(&self) -> u32 {
        self.upper
    }
}

/// A class formation rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClassRule {
    /// Classes looked up in a table.
    Table(ClassTable),
    /// The fewest classes that keep every class within the upper end of the Bandbreite.
    Bandwidth(Bandwidth),
}

impl ClassRule {
    /// The classes needed for `pupils`; no pupils need no class.
    pub fn classes(&self, pupils: u32) -> u32 {
        if pupils == 0 {
            return 0;
        }
        match self {
            ClassRule::Table(table) => table.classes(pupils),
            ClassRule::Bandwidth(b) => pupils.div_ceil(b.upper),
        }
    }

    /// The planning value (Klassenrichtzahl) `pupils / Richtwert` of a Bandbreite rule; `None` for
    /// a table, which has no Richtwert.
    pub fn planning_value(&self, pupils: f64) -> Option<f64> {
        match self {
            ClassRule::Table(_) => None,
            ClassRule::Bandwidth(b) => Some(pupils / f64::from(b.richtwert)),
        }
    }
}

/// The class rules of a Schulform, per range of grades.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassRules {
    by_grade: Vec<(u8, u8, ClassRule)>,
}

impl ClassRules {
    /// Rules for the grade ranges `first..=last`; no grade may have two rules.
    pub fn new(by_grade: Vec<(u8, u8, ClassRule)>) -> Result<Self, CapacityError> {
        for (i, (first, last, _)) in by_grade.iter().enumerate() {
            for (f, l, _) in &by_grade[..i] {
                let overlap = (*first).max(*f);
                if overlap <= (*last).min(*l) {
                    return Err(CapacityError::OverlappingRules(overlap));
                }
            }
        }
        Ok(Self { by_grade })
    }

    /// NRW Grundschule: the § 6a table for grades 1–4. The VO applies it to the Eingangsklassen,
    /// and classes continue unchanged; applying it to every grade gives the classes a grade of
    /// that size would need.
    pub fn nrw_grundschule() -> Self {
        Self { by_grade: vec![(1, 4, ClassRule::Table(ClassTable::nrw_grundschule()))] }
    }

    /// NRW Sek I (Realschule, Gymnasium, Gesamtschule): grades 5–6 Richtwert 27 (25–29), grades
    /// 7–10 Richtwert 28 (26–30). Check the current VO before relying on the numbers.
    pub fn nrw_sek1() -> Self {
        Self {
            by_grade: vec![
                (5, 6, ClassRule::Bandwidth(Bandwidth::nrw_sek1_erprobungsstufe())),
                (7, 10, ClassRule::Bandwidth(Bandwidth::nrw_sek1())),
            ],
        }
    }

    /// The rule for `grade`.
    pub fn for_grade(&self, grade: u8) -> Option<&ClassRule> {
        self.by_grade.iter().find(|(first, last, _)| (*first..=*last).contains(&grade)).map(|(_, _, rule)| rule)
    }
}

/// A school's capacity: classrooms and places per class.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Capacity {
    classrooms: f64,
    klassenfrequenz: f64,
}

fn positive(what: &'static str, value: f64) -> Result<f64, CapacityError> {
    if value.is_finite() && value > 0.0 { Ok(value) } else { Err(CapacityError::Capacity { what, value }) }
}

impl Capacity {
    /// Capacity from the Zügigkeit (parallel classes per grade, possibly fractional such as 3.5):
    /// classrooms = Zügigkeit × grades.
    pub fn zuege(zuegigkeit: f64, grades: u8, klassenfrequenz: f64) -> Result<Self, CapacityError> {
        let classrooms = positive("Zügigkeit", zuegigkeit)? * positive("grades", f64::from(grades))?;
        Ok(Self { classrooms, klassenfrequenz: positive("Klassenfrequenz", klassenfrequenz)? })
    }

    /// Capacity from the counted classrooms.
    pub fn rooms(rooms: u32, klassenfrequenz: f64) -> Result<Self, CapacityError> {
        let classrooms = positive("rooms", f64::from(rooms))?;
        Ok(Self { classrooms, klassenfrequenz: positive("Klassenfrequenz", klassenfrequenz)? })
    }

    /// The classrooms (may be fractional with a fractional Zügigkeit).
    pub fn classrooms(&self) -> f64 {
        self.classrooms
    }

    /// The pupils per class the places are counted with.
    pub fn klassenfrequenz(&self) -> f64 {
        self.klassenfrequenz
    }

    /// The places: classrooms × Klassenfrequenz.
    pub fn places(&self) -> f64 {
        self.classrooms * self.klassenfrequenz
    }
}

/// A school's needs against its capacity in one year.
#[derive(Debug, Clone, PartialEq)]
pub struct YearCapacity {
    /// The school year.
    pub year: i32,
    /// The pupils of all grades (unrounded).
    pub pupils: f64,
    /// The classes needed per grade, the first grade first, from the pupils rounded to whole pupils.
    pub classes: Vec<u32>,
    /// The Züge needed: the classes needed in the entry grade.
    pub zuege: u32,
    /// The places.
    pub places: f64,
    /// Pupils / places.
    pub utilisation: f64,
    /// Places − pupils: a surplus if positive, a deficit if negative.
    pub places_balance: f64,
    /// Classrooms − classes needed: a surplus if positive, a deficit if negative.
    pub classrooms_balance: f64,
}

impl YearCapacity {
    /// The classes needed in all grades.
    pub fn total_classes(&self) -> u32 {
        self.classes.iter().sum()
    }

    /// Whether the school is full: more pupils than places, or more classes than classrooms.
    pub fn is_full(&self) -> bool {
        self.places_balance < 0.0 || self.classrooms_balance < 0.0
    }
}

/// Pupils rounded half up to whole pupils, the decision point for class formation; `None` for a
/// negative or non-finite number.
pub fn whole_pupils(pupils: f64) -> Option<u32> {
    // Non-negative, so `round` (half away from zero) rounds half up; `as` saturates at u32::MAX.
    (pupils.is_finite() && pupils >= 0.0).then(|| pupils.round() as u32)
}

/// The needs of a school against its capacity, per year: `years` yields each school year with its
/// pupils per grade from `first_grade` on (e.g. [`GradeTable::years`](crate::forecast::GradeTable::years)).
pub fn assess<'p>(
    first_grade: u8,
    years: impl IntoIterator<Item = (i32, &'p [f64])>,
    rules: &ClassRules,
    capacity: &Capacity,
) -> Result<Vec<YearCapacity>, CapacityError> {
    let places = capacity.places();
    years
        .into_iter()
        .map(|(year, row)| {
            let mut classes = Vec::with_capacity(row.len());
            for (g, &pupils) in row.iter().enumerate() {
                let grade = first_grade.saturating_add(u8::try_from(g).unwrap_or(u8::MAX));
                let rule = rules.for_grade(grade).ok_or(CapacityError::NoRule(grade))?;
                let whole = whole_pupils(pupils).ok_or(CapacityError::Pupils { year, grade, value: pupils })?;
                classes.push(rule.classes(whole));
            }
            let pupils: f64 = row.iter().sum();
            let needed: u32 = classes.iter().sum();
            Ok(YearCapacity {
                year,
                pupils,
                zuege: classes.first().copied().unwrap_or(0),
                classes,
                places,
                utilisation: pupils / places,
                places_balance: places - pupils,
                classrooms_balance: capacity.classrooms() - f64::from(needed),
            })
        })
        .collect()
}

/// The first year in which the school runs full ([`YearCapacity::is_full`]).
pub fn runs_full(years: &[YearCapacity]) -> Option<i32> {
    years.iter().find(|y| y.is_full()).map(|y| y.year)
}

#[cfg(test)]
mod tests;
