//! Indicator definitions as data, and their computation for one area and period.
//!
//! An indicator is `factor × numerator / denominator` (DHIS2's form), both written in the
//! [`expression`](crate::expression) language. Its [`Kind`] says which confidence interval fits;
//! its [`Polarity`] says whether higher is better. Below `min_denominator` a value is not reported.
//!
//! ```
//! use domain::indicator::{Bereich, Kind};
//! use domain::uncertainty::CiMethod;
//! assert_eq!(Kind::Proportion.ci_method(), Some(CiMethod::Wilson));
//! assert_eq!(Kind::Ratio.ci_method(), None);
//! assert_eq!(Bereich::from_letter("C").map(Bereich::label), Some("Frühkindliche Bildung"));
//! ```

use crate::VariableKey;
use crate::expression::{Cells, Expr, Gap};
use crate::key_type;
use crate::uncertainty::{CiMethod, Confidence, Interval, Polarity, confidence_interval};

key_type!(
    /// The key of an indicator in the catalogue, such as `jugendquote`.
    IndicatorKey
);

/// The areas of the "Anwendungsleitfaden zum Aufbau eines kommunalen Bildungsmonitorings".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Bereich {
    /// A Rahmenbedingungen.
    A,
    /// B Grundinformationen zur Bildung.
    B,
    /// C Frühkindliche Bildung.
    C,
    /// D Allgemeinbildende Schulen.
    D,
    /// E Berufliche Bildung.
    E,
    /// F Hochschule.
    F,
    /// G Weiterbildung.
    G,
    /// H Non-formale Lernwelten.
    H,
    /// I Bildungsnetzwerke und Beratung.
    I,
}

impl Bereich {
    /// All areas in order.
    pub const ALL: [Bereich; 9] =
        [Bereich::A, Bereich::B, Bereich::C, Bereich::D, Bereich::E, Bereich::F, Bereich::G, Bereich::H, Bereich::I];

    /// The letter.
    pub fn letter(self) -> &'static str {
        ["A", "B", "C", "D", "E", "F", "G", "H", "I"][self as usize]
    }

    /// Reads a letter.
    pub fn from_letter(letter: &str) -> Option<Bereich> {
        Bereich::ALL.into_iter().find(|b| b.letter() == letter)
    }

    /// The German name.
    pub fn label(self) -> &'static str {
        match self {
            Bereich::A => "Rahmenbedingungen",
            Bereich::B => "Grundinformationen zur Bildung",
            Bereich::C => "Frühkindliche Bildung",
            Bereich::D => "Allgemeinbildende Schulen",
            Bereich::E => "Berufliche Bildung",
            Bereich::F => "Hochschule",
            Bereich::G => "Weiterbildung",
            Bereich::H => "Non-formale Lernwelten",
            Bereich::I => "Bildungsnetzwerke und Beratung",
        }
    }
}

/// The Leitfaden's tiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tier {
    /// Kernindikator.
    Kern,
    /// Überblicksindikator.
    Ueberblick,
    /// Ergänzungsindikator.
    Ergaenzung,
}

impl Tier {
    /// German name.
    pub fn label(self) -> &'static str {
        match self {
            Tier::Kern => "Kernindikator",
            Tier::Ueberblick => "Überblicksindikator",
            Tier::Ergaenzung => "Ergänzungsindikator",
        }
    }
}

/// Where an indicator sits in the context → input → process → output model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    /// Kontext.
    Kontext,
    /// Input.
    Input,
    /// Prozess.
    Prozess,
    /// Output / Outcome.
    Output,
}

impl Stage {
    /// German name.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Kontext => "Kontext",
            Stage::Input => "Input",
            Stage::Prozess => "Prozess",
            Stage::Output => "Output",
        }
    }
}

/// The statistical kind of an indicator, which decides its confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// The numerator is a part of the denominator (a share): Wilson interval.
    Proportion,
    /// Events per population at risk: exact Poisson interval.
    Rate,
    /// A ratio of two different populations (e.g. Altenquotient): no interval.
    Ratio,
    /// A plain count: no denominator, no interval.
    Count,
}

impl Kind {
    /// The interval method of this kind, if any.
    pub fn ci_method(self) -> Option<CiMethod> {
        match self {
            Kind::Proportion => Some(CiMethod::Wilson),
            Kind::Rate => Some(CiMethod::ExactPoisson),
            Kind::Ratio | Kind::Count => None,
        }
    }
}

/// An indicator definition.
#[derive(Debug, Clone, PartialEq)]
pub struct Definition {
    /// Catalogue key.
    pub key: IndicatorKey,
    /// Display name.
    pub label: String,
    /// Leitfaden area.
    pub bereich: Bereich,
    /// Leitfaden tier.
    pub tier: Tier,
    /// Model stage.
    pub stage: Stage,
    /// Statistical kind.
    pub kind: Kind,
    /// Numerator.
    pub numerator: Expr,
    /// Denominator; `None` for counts.
    pub denominator: Option<Expr>,
    /// Factor (100 for per cent, 1000 for per 1000, 1 for counts).
    pub factor: f64,
    /// Unit shown with values, e.g. "%" or "je 1000 Einwohner".
    pub unit: String,
    /// Whether higher is better.
    pub polarity: Polarity,
    /// Below this denominator the value is not reported.
    pub min_denominator: f64,
    /// Data source(s).
    pub source: String,
    /// Reference date, e.g. "31.12." or "1. März".
    pub reference_date: String,
    /// How to read the indicator.
    pub interpretation: String,
}

/// A computed indicator value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Computed {
    /// The numerator's value.
    pub numerator: f64,
    /// The denominator's value.
    pub denominator: Option<f64>,
    /// `factor × numerator / denominator` (or the numerator for counts).
    pub value: f64,
    /// The 95 % confidence interval, where the kind has one.
    pub interval: Option<Interval>,
}

/// Why an indicator value is not reported.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum NotReported {
    /// Data are missing, secret or do not fit.
    #[error("{0}")]
    Gap(#[from] Gap),
    /// The denominator is below the indicator's minimum.
    #[error("Nenner {denominator} unter dem Mindestwert {minimum}")]
    BelowMinimum {
        /// The denominator.
        denominator: f64,
        /// The minimum.
        minimum: f64,
    },
    /// The denominator is zero or negative.
    #[error("Nenner ist null")]
    ZeroDenominator,
    /// A share whose part exceeds its whole: the data contradict each other.
    #[error("Zähler {numerator} größer als Nenner {denominator}")]
    PartExceedsWhole {
        /// The numerator.
        numerator: f64,
        /// The denominator.
        denominator: f64,
    },
}

impl Definition {
    /// The variables the definition reads.
    pub fn variables(&self) -> Vec<&VariableKey> {
        let mut v: Vec<&VariableKey> = self.numerator.variables();
        if let Some(d) = &self.denominator {
            v.extend(d.variables());
        }
        v.sort();
        v.dedup();
        v
    }

    /// Whether the definition counts institutions.
    pub fn uses_institutions(&self) -> bool {
        self.numerator.uses_institutions() || self.denominator.as_ref().is_some_and(Expr::uses_institutions)
    }

    /// The value for one area and period, with its 95 % interval, or why it is not reported.
    pub fn compute(&self, cells: &dyn Cells) -> Result<Computed, NotReported> {
        let numerator = self.numerator.evaluate(cells)?;
        let Some(denominator) = &self.denominator else {
            return Ok(Computed { numerator, denominator: None, value: numerator * self.factor, interval: None });
        };
        let denominator = denominator.evaluate(cells)?;
        if denominator <= 0.0 {
            return Err(NotReported::ZeroDenominator);
        }
        if denominator < self.min_denominator {
            return Err(NotReported::BelowMinimum { denominator, minimum: self.min_denominator });
        }
        if self.kind == Kind::Proportion && numerator > denominator {
            return Err(NotReported::PartExceedsWhole { numerator, denominator });
        }
        let interval = self
            .kind
            .ci_method()
            .and_then(|m| confidence_interval(m, numerator, denominator, self.factor, Confidence::NINETY_FIVE));
        Ok(Computed {
            numerator,
            denominator: Some(denominator),
            value: self.factor * numerator / denominator,
            interval,
        })
    }
}

/// Whether a target is a floor or a ceiling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// The value should reach at least the target ("mindestens").
    AtLeast,
    /// The value should stay at or below the target ("höchstens").
    AtMost,
}

impl Direction {
    /// German word.
    pub fn label(self) -> &'static str {
        match self {
            Direction::AtLeast => "mindestens",
            Direction::AtMost => "höchstens",
        }
    }
}

/// A target (Zielwert) for an indicator, set by a council decision, a Leitbild or a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The indicator.
    pub indicator: IndicatorKey,
    /// The Kommune that set it.
    pub kommune: crate::KommuneKey,
    /// The area it is set for (layer and key); `None` for the Kommune as a whole.
    pub area: Option<(crate::LayerKey, crate::AreaKey)>,
    /// The target value, in the indicator's unit.
    pub value: f64,
    /// The year by which it should be reached.
    pub year: i32,
    /// Floor or ceiling.
    pub direction: Direction,
    /// Who set it, e.g. "Ratsbeschluss vom 12.3.2024".
    pub source: String,
    /// The key of the Leitziel it makes measurable, if any.
    pub goal: Option<String>,
}

/// A goal of the Leitbild (e.g. of Bielefeld's BILDUNG³), made measurable by its [`Target`]s.
#[derive(Debug, Clone, PartialEq)]
pub struct Leitziel {
    /// Its key, which targets name.
    pub key: String,
    /// The Kommune whose Leitbild it belongs to.
    pub kommune: crate::KommuneKey,
    /// Its title, e.g. "Bildungserfolg von der Herkunft entkoppeln".
    pub title: String,
    /// What it means, in the Leitbild's words.
    pub description: String,
}

/// How far a value is from its target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Progress {
    /// The value meets the target.
    Reached,
    /// The value misses the target by `gap` (always positive, in the indicator's unit).
    Open {
        /// Distance to the target.
        gap: f64,
    },
}

impl Target {
    /// The progress of `current` towards the target.
    pub fn progress(&self, current: f64) -> Progress {
        let gap = match self.direction {
            Direction::AtLeast => self.value - current,
            Direction::AtMost => current - self.value,
        };
        if gap <= 0.0 { Progress::Reached } else { Progress::Open { gap } }
    }
}

#[cfg(test)]
mod tests;
