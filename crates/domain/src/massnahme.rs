//! Measures (Maßnahmen) of an integrated development plan, their expected effects on indicators,
//! and the assessment of those effects at review.
//!
//! **Measures.** A [`Massnahme`] (the Maßnahmensteckbrief) has a key, a title, a
//! [`Handlungsfeld`], a federführende Stelle (a department), partners, a [`Status`], a
//! [`Prioritaet`], a start and an optional end date, optional costs, its funding, the areas it
//! works in and its expected effects ([`Wirkung`]): each names an indicator of the catalogue that
//! should move from its value in a baseline period to a target value by a review date. Forms and
//! files give a [`MassnahmeDraft`] of text fields; [`Massnahme::from_draft`] checks it and reports
//! every [`Problem`] at once, each naming its field (`lead`, `areas[1]`, `effects[0].target`), and
//! [`Massnahme::draft`] gives the text back. Costs and effect values accept German numbers
//! (`12.500,50`: `.` groups thousands when a `,` is present, `,` is the decimal mark) and plain
//! ones (`12500.5`). Example measures for the demo carry `example: true` and are labelled as such
//! wherever they are shown.
//!
//! **Assessment.** [`assess`] compares an effect with the indicator's path in the measure's areas
//! (any order). Only points of the same kind of period as the baseline (calendar or school year,
//! never compared with each other) and later than it count; *latest* is the one with the greatest
//! period. With baseline value *b*, target *t* and latest value *v*:
//!
//! - progress = (*v* − *b*) / (*t* − *b*): 0 at the baseline, 1 at the target, above 1 beyond it,
//!   negative when the indicator moved away from the target;
//! - significant = *b* < lower or *b* > upper, where (lower, upper) is the confidence interval of
//!   the latest point; unknown without an interval;
//! - [`Befund`]: progress ≥ 1 → [`Befund::Erreicht`]; progress > 0 and significant →
//!   [`Befund::AufKurs`]; progress < 0 and significant → [`Befund::Verschlechtert`]; otherwise
//!   (including no interval) → [`Befund::OhneSicherenFortschritt`]; no later point, or no finite
//!   progress (target = baseline) → [`Befund::NichtBeurteilbar`].
//!
//! The direction comes from the sign of *t* − *b*, so the indicator's polarity is not needed: a
//! target below the baseline means "lower is better" for this measure. The Befund only suggests;
//! the reviewer records the judgement as an [`Urteil`].
//!
//! ```
//! use domain::massnahme::{Befund, PathPoint, Wirkung, assess};
//! use domain::Period;
//!
//! let effect = Wirkung {
//!     indicator: "uebergang-gym".into(),
//!     baseline_period: Period::Year(2023),
//!     baseline: 30.0,
//!     target: 25.0,
//!     review: "2027-06-30".parse().unwrap(),
//! };
//! let path = [PathPoint { period: Period::Year(2025), value: 27.5, interval: Some((26.0, 29.0)) }];
//! let a = assess(&effect, &path);
//! assert_eq!(a.progress, Some(0.5));
//! assert_eq!(a.befund, Befund::AufKurs);
//! ```

use std::collections::BTreeSet;
use std::str::FromStr;

use crate::access::DepartmentKey;
use crate::attention::{Datum, Person};
use crate::{AreaKey, Period};

crate::key_type!(
    /// A measure's key, e.g. `m-2026-01`.
    MassnahmeKey
);

/// A text that names none of the values of a [`Handlungsfeld`], [`Status`], [`Prioritaet`] or
/// [`Befund`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown value {text:?}: expected {list}")]
pub struct MassnahmeParseError {
    text: String,
    list: String,
}

/// A closed list of values with a key (`as_str`, read by `FromStr` together with the label), a
/// German label and `ALL`.
macro_rules! choice {
    ($(#[$attr:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $key:literal, $label:literal;)+ }) => {
        $(#[$attr])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl $name {
            /// All values in order.
            pub const ALL: [$name; [$($key),+].len()] = [$($name::$variant),+];

            /// The key used in files, forms and URLs.
            pub fn as_str(self) -> &'static str {
                [$($key),+][self as usize]
            }

            /// The German label.
            pub fn label(self) -> &'static str {
                [$($label),+][self as usize]
            }
        }

        impl FromStr for $name {
            type Err = MassnahmeParseError;

            /// Reads the key or the label.
            fn from_str(s: &str) -> Result<$name, MassnahmeParseError> {
                $name::ALL.into_iter().find(|v| v.as_str() == s || v.label() == s).ok_or_else(|| {
                    MassnahmeParseError { text: s.to_owned(), list: $name::ALL.map($name::as_str).join(", ") }
                })
            }
        }
    };
}

choice!(
    /// Field of action.
    Handlungsfeld {
        /// Buildings, spaces, equipment.
        Infrastruktur = "infrastruktur", "Infrastruktur";
        /// Education offers and their quality.
        Bildung = "bildung", "Bildung";
        /// Social work, family support, participation.
        Soziales = "soziales", "Soziales";
    }
);

choice!(
    /// State of a measure.
    Status {
        /// Decided or proposed, not started.
        Geplant = "geplant", "geplant";
        /// Running.
        Laufend = "laufend", "laufend";
        /// Finished.
        Abgeschlossen = "abgeschlossen", "abgeschlossen";
        /// Paused or stopped.
        Ausgesetzt = "ausgesetzt", "ausgesetzt";
    }
);

choice!(
    /// Priority I (highest) to III.
    #[derive(PartialOrd, Ord)]
    Prioritaet {
        /// Priority I, the highest.
        I = "1", "I";
        /// Priority II.
        II = "2", "II";
        /// Priority III, the lowest.
        III = "3", "III";
    }
);

choice!(
    /// What the numbers suggest for an expected effect (the reviewer decides; see [`Urteil`]).
    Befund {
        /// Progress ≥ 1: the target is reached or passed.
        Erreicht = "erreicht", "Ziel erreicht";
        /// Progress > 0 and the baseline lies outside the latest interval.
        AufKurs = "auf-kurs", "auf Kurs";
        /// No significant change towards or away from the target, or no interval to tell.
        OhneSicherenFortschritt = "ohne-fortschritt", "kein gesicherter Fortschritt";
        /// Progress < 0 and the baseline lies outside the latest interval.
        Verschlechtert = "verschlechtert", "verschlechtert";
        /// No value after the baseline period, or no direction (target = baseline).
        NichtBeurteilbar = "nicht-beurteilbar", "nicht beurteilbar";
    }
);

/// An expected effect: the measure should move `indicator` in its areas from the baseline to the
/// target by the review date.
#[derive(Debug, Clone, PartialEq)]
pub struct Wirkung {
    /// An indicator key of the catalogue.
    pub indicator: String,
    /// The period of the baseline value, e.g. 2023.
    pub baseline_period: Period,
    /// The indicator's value in the baseline period.
    pub baseline: f64,
    /// The value aimed at (≠ baseline).
    pub target: f64,
    /// When to review.
    pub review: Datum,
}

/// A measure as entered (form or file): text fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MassnahmeDraft {
    /// The key, e.g. `m-2026-01`.
    pub key: String,
    /// The title.
    pub title: String,
    /// The [`Handlungsfeld`] key or label.
    pub field: String,
    /// The key of the federführende Stelle (a department); "" = none.
    pub lead: String,
    /// Partners, comma-separated.
    pub partners: String,
    /// The [`Status`] key or label.
    pub status: String,
    /// The [`Prioritaet`] key (`1`–`3`) or label (`I`–`III`).
    pub priority: String,
    /// Start date, `YYYY-MM-DD`.
    pub start: String,
    /// End date, `YYYY-MM-DD`; "" = open.
    pub end: String,
    /// Costs in euros, German (`12.500,50`) or plain (`12500.5`); "" = unknown.
    pub cost: String,
    /// Funding (programme, budget line).
    pub funding: String,
    /// Area keys; blank entries are skipped.
    pub areas: Vec<String>,
    /// Expected effects.
    pub effects: Vec<WirkungDraft>,
    /// Whether this is an example for the demo.
    pub example: bool,
}

/// An expected effect as entered: text fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WirkungDraft {
    /// An indicator key of the catalogue.
    pub indicator: String,
    /// The baseline period: a year (`2023`) or a school year (`2023/24`).
    pub baseline_period: String,
    /// The baseline value (German comma accepted).
    pub baseline: String,
    /// The target value (German comma accepted).
    pub target: String,
    /// Review date, `YYYY-MM-DD`.
    pub review: String,
}

/// One problem with a draft, naming its field (effects: `effects[0].target` etc.).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The field, as named in [`MassnahmeDraft`]; list entries with their index.
    pub field: String,
    /// What is wrong, in German.
    pub message: String,
}

/// A checked measure (Maßnahmensteckbrief).
#[derive(Debug, Clone, PartialEq)]
pub struct Massnahme {
    /// The key.
    pub key: MassnahmeKey,
    /// The title, not empty.
    pub title: String,
    /// The field of action.
    pub field: Handlungsfeld,
    /// The federführende Stelle.
    pub lead: DepartmentKey,
    /// Partners, in the order given.
    pub partners: Vec<String>,
    /// The state.
    pub status: Status,
    /// The priority.
    pub priority: Prioritaet,
    /// Start date.
    pub start: Datum,
    /// End date (≥ start); `None` = open.
    pub end: Option<Datum>,
    /// Costs in euros (≥ 0); `None` = unknown.
    pub cost: Option<f64>,
    /// Funding (programme, budget line); may be empty.
    pub funding: String,
    /// The areas the measure works in; at least one, none twice.
    pub areas: Vec<AreaKey>,
    /// Expected effects.
    pub effects: Vec<Wirkung>,
    /// An example for the demo, labelled as such everywhere.
    pub example: bool,
}

/// The problems found so far.
#[derive(Default)]
struct Problems(Vec<Problem>);

impl Problems {
    fn add(&mut self, field: &str, message: String) {
        self.0.push(Problem { field: field.to_owned(), message });
    }

    /// The value, or `None` after recording the problem.
    fn take<T>(&mut self, field: &str, result: Result<T, String>) -> Option<T> {
        result.map_err(|message| self.add(field, message)).ok()
    }
}

/// A date, or the German problem (`what` names the field in a sentence).
fn datum(text: &str, what: &str) -> Result<Datum, String> {
    text.parse().map_err(|_| format!("{what} „{text}“ ist kein Datum (JJJJ-MM-TT)."))
}

/// A value of a closed list, or the German problem.
fn choice<T: FromStr<Err = MassnahmeParseError>>(text: &str, what: &str) -> Result<T, String> {
    text.parse().map_err(|e: MassnahmeParseError| format!("{what} „{}“ ist unbekannt; erlaubt: {}.", e.text, e.list))
}

/// Reads a number written the German way (`12.500,50`: when a `,` is present it is the decimal
/// mark and `.` groups thousands) or plainly (`12500.5`). Only finite numbers.
fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim();
    let german_grouping = |int: &str| {
        let mut groups = int.trim_start_matches(['-', '+']).split('.');
        let first = groups.next().unwrap_or_default();
        (1..=3).contains(&first.len()) && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
    };
    let plain = match text.split_once(',') {
        // "180.000" is German for a hundred and eighty thousand, not 180: dots in German grouping
        // are thousands separators; "12500.5" and "1.5" stay plain decimals.
        None if text.contains('.') && german_grouping(text) => text.replace('.', ""),
        None => text.to_owned(),
        Some((int, frac)) => {
            let mut groups = int.trim_start_matches(['-', '+']).split('.');
            let first = groups.next().unwrap_or_default();
            let grouped = !int.contains('.') || ((1..=3).contains(&first.len()) && groups.all(|g| g.len() == 3));
            if !grouped {
                return None;
            }
            format!("{}.{frac}", int.replace('.', ""))
        }
    };
    plain.parse::<f64>().ok().filter(|v| v.is_finite())
}

impl Massnahme {
    /// Parses a draft; all problems at once. `is_indicator` says whether an indicator key exists
    /// in the catalogue.
    ///
    /// Every text field is trimmed. Rules: a valid key; a title; field, status and priority
    /// known; a federführende Stelle with a valid department key; a start date; an end date, if
    /// any, not before the start; costs, if any, a non-negative number; at least one area, each a
    /// valid key and none twice; each effect with a known indicator, a baseline period, numeric
    /// baseline and target that differ, and a review date not before the start.
    pub fn from_draft(draft: &MassnahmeDraft, is_indicator: &dyn Fn(&str) -> bool) -> Result<Massnahme, Vec<Problem>> {
        let mut p = Problems::default();

        let key = draft.key.trim();
        let key = p.take(
            "key",
            if key.is_empty() {
                Err("Eine Maßnahme braucht einen Schlüssel (z. B. m-2026-01).".to_owned())
            } else {
                MassnahmeKey::new(key)
                    .map_err(|_| format!("Der Schlüssel „{key}“ ist ungültig (1–64 Zeichen, kein /)."))
            },
        );
        let title = draft.title.trim();
        if title.is_empty() {
            p.add("title", "Eine Maßnahme braucht einen Titel.".to_owned());
        }
        let field = p.take("field", choice(draft.field.trim(), "Das Handlungsfeld"));
        let lead = draft.lead.trim();
        let lead = p.take(
            "lead",
            if lead.is_empty() {
                Err("Eine Maßnahme braucht eine federführende Stelle.".to_owned())
            } else {
                DepartmentKey::new(lead)
                    .map_err(|_| format!("Der Schlüssel der federführenden Stelle „{lead}“ ist ungültig."))
            },
        );
        let partners: Vec<String> =
            draft.partners.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect();
        let status = p.take("status", choice(draft.status.trim(), "Der Status"));
        let priority = p.take("priority", choice(draft.priority.trim(), "Die Priorität"));

        let start = p.take("start", datum(draft.start.trim(), "Der Beginn"));
        let end = match draft.end.trim() {
            "" => Some(None),
            text => p.take("end", datum(text, "Das Ende")).and_then(|end| match start {
                Some(start) if end < start => {
                    p.add("end", format!("Das Ende liegt vor dem Beginn ({end} vor {start})."));
                    None
                }
                _ => Some(Some(end)),
            }),
        };
        let cost = match draft.cost.trim() {
            "" => Some(None),
            text => p.take(
                "cost",
                parse_number(text)
                    .filter(|c| *c >= 0.0)
                    .map(Some)
                    .ok_or_else(|| format!("Die Kosten „{text}“ sind kein Eurobetrag ≥ 0 (z. B. 12.500,50).")),
            ),
        };

        let mut areas = Vec::new();
        let mut seen = BTreeSet::new();
        for (i, text) in draft.areas.iter().enumerate() {
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            let field = format!("areas[{i}]");
            match AreaKey::new(text) {
                Err(_) => p.add(&field, format!("Der Gebietsschlüssel „{text}“ ist ungültig.")),
                Ok(area) if !seen.insert(area.clone()) => {
                    p.add(&field, format!("Das Gebiet „{text}“ ist doppelt angegeben."))
                }
                Ok(area) => areas.push(area),
            }
        }
        if draft.areas.iter().all(|a| a.trim().is_empty()) {
            p.add("areas", "Eine Maßnahme braucht mindestens ein Gebiet.".to_owned());
        }

        let mut effects = Vec::new();
        for (i, e) in draft.effects.iter().enumerate() {
            let f = |name: &str| format!("effects[{i}].{name}");
            let indicator = e.indicator.trim();
            if indicator.is_empty() {
                p.add(&f("indicator"), "Jede Wirkung braucht einen Indikator.".to_owned());
            } else if !is_indicator(indicator) {
                p.add(&f("indicator"), format!("Unbekannter Indikator „{indicator}“."));
            }
            let text = e.baseline_period.trim();
            let baseline_period = p.take(
                &f("baseline_period"),
                text.parse::<Period>().map_err(|_| {
                    format!("Der Ausgangszeitraum „{text}“ ist kein Jahr (2023) und kein Schuljahr (2023/24).")
                }),
            );
            let number = |text: &str, what: &str| {
                parse_number(text).ok_or_else(|| format!("{what} „{}“ ist keine Zahl.", text.trim()))
            };
            let baseline = p.take(&f("baseline"), number(&e.baseline, "Der Ausgangswert"));
            let target = p.take(&f("target"), number(&e.target, "Der Zielwert"));
            if baseline.is_some() && baseline == target {
                p.add(
                    &f("target"),
                    "Der Zielwert gleicht dem Ausgangswert; eine Wirkung braucht eine Richtung.".to_owned(),
                );
            }
            let review = p.take(&f("review"), datum(e.review.trim(), "Der Überprüfungstermin"));
            if let (Some(review), Some(start)) = (review, start)
                && review < start
            {
                p.add(&f("review"), format!("Der Überprüfungstermin liegt vor dem Beginn ({review} vor {start})."));
            }
            if let (Some(baseline_period), Some(baseline), Some(target), Some(review)) =
                (baseline_period, baseline, target, review)
            {
                effects.push(Wirkung { indicator: indicator.to_owned(), baseline_period, baseline, target, review });
            }
        }

        match (key, field, lead, status, priority, start, end, cost) {
            (Some(key), Some(field), Some(lead), Some(status), Some(priority), Some(start), Some(end), Some(cost))
                if p.0.is_empty() =>
            {
                Ok(Massnahme {
                    key,
                    title: title.to_owned(),
                    field,
                    lead,
                    partners,
                    status,
                    priority,
                    start,
                    end,
                    cost,
                    funding: draft.funding.trim().to_owned(),
                    areas,
                    effects,
                    example: draft.example,
                })
            }
            _ => Err(p.0),
        }
    }

    /// The draft giving this measure back: `from_draft(&m.draft(), ..) == Ok(m)` (for partners
    /// without commas and texts without surrounding whitespace, as `from_draft` makes them).
    /// Numbers are written plainly (`12500.5`).
    pub fn draft(&self) -> MassnahmeDraft {
        MassnahmeDraft {
            key: self.key.to_string(),
            title: self.title.clone(),
            field: self.field.as_str().to_owned(),
            lead: self.lead.to_string(),
            partners: self.partners.join(", "),
            status: self.status.as_str().to_owned(),
            priority: self.priority.as_str().to_owned(),
            start: self.start.to_string(),
            end: self.end.map(|d| d.to_string()).unwrap_or_default(),
            cost: self.cost.map(|c| c.to_string()).unwrap_or_default(),
            funding: self.funding.clone(),
            areas: self.areas.iter().map(AreaKey::to_string).collect(),
            effects: self
                .effects
                .iter()
                .map(|e| WirkungDraft {
                    indicator: e.indicator.clone(),
                    baseline_period: e.baseline_period.to_string(),
                    baseline: e.baseline.to_string(),
                    target: e.target.to_string(),
                    review: e.review.to_string(),
                })
                .collect(),
            example: self.example,
        }
    }
}

/// One point of an indicator's path in the measure's area(s): a period, its value and, if known,
/// its confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PathPoint {
    /// The period.
    pub period: Period,
    /// The indicator's value.
    pub value: f64,
    /// The confidence interval (lower, upper), if known.
    pub interval: Option<(f64, f64)>,
}

/// The assessment of one expected effect.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Assessment {
    /// The latest point after the baseline period, if any.
    pub latest: Option<PathPoint>,
    /// (latest − baseline) / (target − baseline); 1.0 = target reached, negative = moved away.
    pub progress: Option<f64>,
    /// Whether the baseline lies outside the latest point's interval; `None` without interval.
    pub significant: Option<bool>,
    /// What the numbers suggest.
    pub befund: Befund,
}

/// Assesses an expected effect against the indicator's path, as described in the module docs.
/// `path` in any order; only points after the baseline period (and of its kind, calendar or
/// school year) with a finite value count as "latest".
pub fn assess(effect: &Wirkung, path: &[PathPoint]) -> Assessment {
    let same_kind = |p: Period| {
        matches!(
            (p, effect.baseline_period),
            (Period::Year(_), Period::Year(_)) | (Period::SchoolYear(_), Period::SchoolYear(_))
        )
    };
    let latest = path
        .iter()
        .filter(|p| same_kind(p.period) && p.period > effect.baseline_period && p.value.is_finite())
        .max_by_key(|p| p.period)
        .copied();
    let Some(point) = latest else {
        return Assessment { latest: None, progress: None, significant: None, befund: Befund::NichtBeurteilbar };
    };
    let progress = Some((point.value - effect.baseline) / (effect.target - effect.baseline)).filter(|p| p.is_finite());
    let significant = point.interval.map(|(lower, upper)| effect.baseline < lower || effect.baseline > upper);
    let befund = match (progress, significant) {
        (None, _) => Befund::NichtBeurteilbar,
        (Some(p), _) if p >= 1.0 => Befund::Erreicht,
        (Some(p), Some(true)) if p > 0.0 => Befund::AufKurs,
        (Some(p), Some(true)) if p < 0.0 => Befund::Verschlechtert,
        _ => Befund::OhneSicherenFortschritt,
    };
    Assessment { latest, progress, significant, befund }
}

/// The reviewer's judgement, recorded at review (the store keeps them append-only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Urteil {
    /// The effect judged: an index into [`Massnahme::effects`].
    pub effect: usize,
    /// The reviewer's Befund, which may differ from the one [`assess`] suggests.
    pub befund: Befund,
    /// Who judged.
    pub reviewer: Person,
    /// Why; may be empty.
    pub comment: String,
    /// When.
    pub date: Datum,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn effect() -> Wirkung {
        Wirkung {
            indicator: "uebergang-gym".into(),
            baseline_period: Period::Year(2023),
            baseline: 30.0,
            target: 25.0,
            review: "2027-06-30".parse().unwrap(),
        }
    }

    fn point(year: i32, value: f64, interval: Option<(f64, f64)>) -> PathPoint {
        PathPoint { period: Period::Year(year), value, interval }
    }

    #[test]
    fn halfway_with_baseline_outside_interval_is_auf_kurs() {
        // progress = (27.5 − 30) / (25 − 30) = −2.5 / −5 = 0.5; 30 > 29 (upper) → significant.
        let a = assess(&effect(), &[point(2025, 27.5, Some((26.0, 29.0)))]);
        assert_eq!(a.latest, Some(point(2025, 27.5, Some((26.0, 29.0)))));
        assert_eq!(a.progress, Some(0.5));
        assert_eq!(a.significant, Some(true));
        assert_eq!(a.befund, Befund::AufKurs);
    }

    #[test]
    fn baseline_inside_interval_or_no_interval_is_ohne_sicheren_fortschritt() {
        // progress 0.5 as above; 26 ≤ 30 ≤ 31 → not significant.
        let a = assess(&effect(), &[point(2025, 27.5, Some((26.0, 31.0)))]);
        assert_eq!((a.progress, a.significant), (Some(0.5), Some(false)));
        assert_eq!(a.befund, Befund::OhneSicherenFortschritt);
        // Without an interval significance is unknown.
        let a = assess(&effect(), &[point(2025, 27.5, None)]);
        assert_eq!((a.progress, a.significant), (Some(0.5), None));
        assert_eq!(a.befund, Befund::OhneSicherenFortschritt);
    }

    #[test]
    fn beyond_target_is_erreicht() {
        // progress = (24 − 30) / (25 − 30) = −6 / −5 = 1.2 ≥ 1, with or without interval.
        let a = assess(&effect(), &[point(2026, 24.0, None)]);
        assert_eq!(a.progress, Some(1.2));
        assert_eq!(a.significant, None);
        assert_eq!(a.befund, Befund::Erreicht);
    }

    #[test]
    fn significant_move_away_is_verschlechtert() {
        // progress = (32 − 30) / (25 − 30) = 2 / −5 = −0.4; 30 < 30.5 (lower) → significant.
        let a = assess(&effect(), &[point(2025, 32.0, Some((30.5, 33.5)))]);
        assert_eq!(a.progress, Some(-0.4));
        assert_eq!(a.significant, Some(true));
        assert_eq!(a.befund, Befund::Verschlechtert);
        // Rising target: baseline 10, target 20, latest 8 → (8 − 10) / (20 − 10) = −0.2.
        let rising = Wirkung { baseline: 10.0, target: 20.0, ..effect() };
        let a = assess(&rising, &[point(2025, 8.0, Some((7.0, 9.0)))]);
        assert_eq!((a.progress, a.befund), (Some(-0.2), Befund::Verschlechtert));
    }

    #[test]
    fn without_later_point_is_nicht_beurteilbar() {
        let expected = Assessment { latest: None, progress: None, significant: None, befund: Befund::NichtBeurteilbar };
        assert_eq!(assess(&effect(), &[]), expected);
        // The baseline period itself is not "after" it.
        assert_eq!(assess(&effect(), &[point(2023, 27.0, Some((26.0, 28.0)))]), expected);
        // Target = baseline: no direction, so no progress.
        let flat = Wirkung { target: 30.0, ..effect() };
        let a = assess(&flat, &[point(2025, 27.5, Some((26.0, 29.0)))]);
        assert_eq!((a.progress, a.significant, a.befund), (None, Some(true), Befund::NichtBeurteilbar));
    }

    #[test]
    fn only_later_points_of_the_same_kind_count_in_any_order() {
        let school_year = PathPoint { period: Period::SchoolYear(2030), value: 20.0, interval: None };
        let path =
            [point(2025, 27.5, Some((26.0, 29.0))), point(2019, 20.0, None), school_year, point(2024, 32.0, None)];
        // Latest is 2025: 2019 lies before the baseline, 2030/31 is a school year, 2024 < 2025.
        let a = assess(&effect(), &path);
        assert_eq!(a.latest.map(|p| p.period), Some(Period::Year(2025)));
        assert_eq!((a.progress, a.befund), (Some(0.5), Befund::AufKurs));
    }

    fn valid_draft() -> MassnahmeDraft {
        MassnahmeDraft {
            key: "m-2026-01".into(),
            title: " Sprachförderung in Kitas ".into(),
            field: "bildung".into(),
            lead: "bildungsbuero".into(),
            partners: "Kita-Träger Nord, , Familienzentrum".into(),
            status: "laufend".into(),
            priority: "II".into(),
            start: "2026-08-01".into(),
            end: "".into(),
            cost: "12.500,50".into(),
            funding: "Städtebauförderung".into(),
            areas: vec!["nord-1".into(), " ".into(), "nord-2".into()],
            effects: vec![WirkungDraft {
                indicator: "sprachfoerderbedarf".into(),
                baseline_period: "2023".into(),
                baseline: "30,0".into(),
                target: "25".into(),
                review: "2028-08-01".into(),
            }],
            example: true,
        }
    }

    fn known(key: &str) -> bool {
        key == "sprachfoerderbedarf"
    }

    #[test]
    fn draft_parses_and_round_trips() {
        let m = Massnahme::from_draft(&valid_draft(), &known).unwrap();
        assert_eq!(m.title, "Sprachförderung in Kitas");
        assert_eq!(m.partners, ["Kita-Träger Nord", "Familienzentrum"]);
        assert_eq!((m.field, m.status, m.priority), (Handlungsfeld::Bildung, Status::Laufend, Prioritaet::II));
        assert_eq!((m.end, m.cost), (None, Some(12500.5)));
        assert_eq!(m.areas, [AreaKey::new("nord-1").unwrap(), AreaKey::new("nord-2").unwrap()]);
        assert_eq!(m.effects[0].baseline_period, Period::Year(2023));
        assert_eq!((m.effects[0].baseline, m.effects[0].target), (30.0, 25.0));
        let draft = m.draft();
        assert_eq!((draft.cost.as_str(), draft.priority.as_str()), ("12500.5", "2"));
        assert_eq!(Massnahme::from_draft(&draft, &known), Ok(m.clone()));
        let closed = Massnahme { end: Some("2029-12-31".parse().unwrap()), cost: None, ..m };
        assert_eq!(Massnahme::from_draft(&closed.draft(), &known), Ok(closed));
    }

    #[test]
    fn all_draft_problems_at_once() {
        let mut draft = valid_draft();
        draft.lead = " ".into();
        draft.end = "2026-07-31".into();
        draft.cost = "zwölf".into();
        draft.areas = vec![String::new()];
        draft.effects[0].indicator = "gibt-es-nicht".into();
        draft.effects[0].target = "30".into();
        let problems = Massnahme::from_draft(&draft, &known).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["lead", "end", "cost", "areas", "effects[0].indicator", "effects[0].target"]);
        assert_eq!(problems[0].message, "Eine Maßnahme braucht eine federführende Stelle.");
        assert_eq!(problems[1].message, "Das Ende liegt vor dem Beginn (2026-07-31 vor 2026-08-01).");
        assert_eq!(problems[4].message, "Unbekannter Indikator „gibt-es-nicht“.");
    }

    #[test]
    fn bad_texts_are_reported_by_field() {
        let mut draft = valid_draft();
        draft.key = "a/b".into();
        draft.title = String::new();
        draft.field = "verkehr".into();
        draft.priority = "4".into();
        draft.start = "2026-02-30".into();
        draft.cost = "-5".into();
        draft.areas = vec!["nord-1".into(), "nord-1".into()];
        draft.effects[0].baseline_period = "2023/25".into();
        draft.effects[0].baseline = "1,2,3".into();
        draft.effects[0].review = "morgen".into();
        let problems = Massnahme::from_draft(&draft, &known).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        let expected = "key title field priority start cost areas[1] effects[0].baseline_period effects[0].baseline";
        assert_eq!(fields.join(" "), format!("{expected} effects[0].review"));
        assert_eq!(
            problems[2].message,
            "Das Handlungsfeld „verkehr“ ist unbekannt; erlaubt: infrastruktur, bildung, soziales."
        );
        // A review before the start; an invalid area is not also a missing one.
        let mut draft = valid_draft();
        draft.effects[0].review = "2026-01-01".into();
        draft.areas = vec!["a/b".into()];
        let problems = Massnahme::from_draft(&draft, &known).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["areas[0]", "effects[0].review"]);
    }

    #[test]
    fn german_and_plain_numbers() {
        // "12.500,50": drop the thousands dot, comma → point: 12500.50.
        assert_eq!(parse_number("12.500,50"), Some(12500.5));
        assert_eq!(parse_number("12500.5"), Some(12500.5));
        assert_eq!(parse_number("1.234.567,8"), Some(1234567.8));
        assert_eq!(parse_number("-2,5"), Some(-2.5));
        assert_eq!(parse_number(" 0 "), Some(0.0));
        // Dots in German grouping without a comma are thousands separators.
        assert_eq!(parse_number("180.000"), Some(180_000.0));
        assert_eq!(parse_number("2.400.000"), Some(2_400_000.0));
        assert_eq!(parse_number("1.5"), Some(1.5));
        for bad in ["", "1.2,5", "12.50,0", "1,2,3", "1,2.5", "abc", "inf", "NaN"] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn choices_read_keys_and_labels() {
        for f in Handlungsfeld::ALL {
            assert_eq!(f.as_str().parse(), Ok(f));
            assert_eq!(f.label().parse(), Ok(f));
        }
        for s in Status::ALL {
            assert_eq!(s.as_str().parse(), Ok(s));
        }
        for b in Befund::ALL {
            assert_eq!(b.as_str().parse(), Ok(b));
        }
        assert_eq!(Befund::OhneSicherenFortschritt.label(), "kein gesicherter Fortschritt");
        assert_eq!(Prioritaet::ALL.map(Prioritaet::label), ["I", "II", "III"]);
        assert_eq!("1".parse(), Ok(Prioritaet::I));
        assert!(Prioritaet::I < Prioritaet::II && Prioritaet::II < Prioritaet::III);
        assert_eq!("0".parse::<Prioritaet>().unwrap_err().to_string(), r#"unknown value "0": expected 1, 2, 3"#);
    }
}
