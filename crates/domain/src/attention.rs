//! The attention workflow of a Sozialmonitoring: early warnings from comparing two editions of an
//! index, and the expert validation of areas proposed as *Aufmerksamkeitsgebiet*.
//!
//! **Early warnings.** [`compare`] takes the class code of every area in two editions (for the
//! Berlin MSS the Gesamtindex code such as `2+/-`; `None` for an area left out of the index, e.g.
//! below the population threshold) and an [`AttentionRule`], which is data: the ordered list of
//! classes (best first) and the list of codes that call for attention. It returns one
//! [`EarlyWarning`] per change, most urgent first.
//!
//! **Expert validation.** Hamburg's practice requires local knowledge before a statistically
//! conspicuous area is acted on, so an area is first *proposed*, then *confirmed* or *rejected* by a
//! named [`Person`] with a comment and a [`Datum`]. A [`Review`] is the ordered list of these
//! [`ReviewEvent`]s; its [`ReviewState`] is folded from the events, never stored beside them. A
//! decided area can be proposed again in a later edition.
//!
//! ```
//! use domain::attention::{AttentionRule, EarlyWarning, Review, ReviewAction, ReviewEvent, ReviewState, Signal, compare};
//! use domain::AreaKey;
//!
//! // Status classes 1 (hoch) to 4 (sehr niedrig); the presumed MSS rule (UNVERIFIED, METHODS §1.3).
//! let rule = AttentionRule::new(
//!     ["1", "2", "3", "4"],
//!     ["2-", "3+", "3+/-", "3-", "4+", "4+/-", "4-"],
//! ).unwrap();
//! let key = |k: &str| AreaKey::new(k).unwrap();
//! let warnings = compare(&[(key("A"), Some("2+/-"))], &[(key("A"), Some("3+/-"))], &rule).unwrap();
//! assert_eq!(warnings[0].signal, Signal::EnteredAttention);
//! assert_eq!(warnings[1].signal, Signal::Worsened { from: "2".into(), to: "3".into(), steps: 1 });
//!
//! let mut review = Review::default();
//! review.apply(ReviewEvent::new("2019", ReviewAction::Propose, "A. Muster", "Status niedrig", "2020-03-01").unwrap()).unwrap();
//! review.apply(ReviewEvent::new("2019", ReviewAction::Confirm, "B. Beispiel", "Bestätigt im Quartiersrat", "2020-04-15").unwrap()).unwrap();
//! assert!(matches!(review.state(), ReviewState::Confirmed { .. }));
//! ```

use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use crate::{AreaKey, Period, key_type};

key_type!(
    /// The key of an index whose editions are compared and reviewed, such as `berlin-mss`.
    IndexKey
);

// ----------------------------------------------------------------------------------------------
// Early warnings
// ----------------------------------------------------------------------------------------------

/// Which class codes of an index call for attention, and how its classes are ordered.
///
/// The classes are listed best first (for the MSS status: `1` hoch … `4` sehr niedrig). A code
/// belongs to the longest listed class it starts with, so a combined code `{status}{dynamik}` such
/// as `3+/-` belongs to status class `3`, and a plain class code to itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttentionRule {
    classes: Vec<String>,
    attention: BTreeSet<String>,
}

/// An [`AttentionRule`] that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RuleError {
    /// No classes were given.
    #[error("the rule lists no classes")]
    NoClasses,
    /// A class or an attention code is empty.
    #[error("the rule contains an empty class or code")]
    EmptyCode,
    /// A class is listed twice.
    #[error("class {0:?} is listed twice")]
    DuplicateClass(String),
    /// An attention code belongs to none of the classes (a typing error in the configuration).
    #[error("attention code {0:?} belongs to none of the classes")]
    CodeWithoutClass(String),
}

impl AttentionRule {
    /// A rule from the classes, best first, and the codes that call for attention.
    pub fn new<C, A>(classes: C, attention: A) -> Result<AttentionRule, RuleError>
    where
        C: IntoIterator,
        C::Item: Into<String>,
        A: IntoIterator,
        A::Item: Into<String>,
    {
        let classes: Vec<String> = classes.into_iter().map(Into::into).collect();
        if classes.is_empty() {
            return Err(RuleError::NoClasses);
        }
        let mut seen = BTreeSet::new();
        for c in &classes {
            if c.is_empty() {
                return Err(RuleError::EmptyCode);
            }
            if !seen.insert(c.as_str()) {
                return Err(RuleError::DuplicateClass(c.clone()));
            }
        }
        let rule = AttentionRule { classes, attention: BTreeSet::new() };
        let mut codes = BTreeSet::new();
        for code in attention.into_iter().map(Into::into) {
            if code.is_empty() {
                return Err(RuleError::EmptyCode);
            }
            if rule.class_index(&code).is_none() {
                return Err(RuleError::CodeWithoutClass(code));
            }
            codes.insert(code);
        }
        Ok(AttentionRule { attention: codes, ..rule })
    }

    /// The classes, best first.
    pub fn classes(&self) -> &[String] {
        &self.classes
    }

    /// The class a code belongs to, if any.
    pub fn class_of(&self, code: &str) -> Option<&str> {
        self.class_index(code).map(|i| self.classes[i].as_str())
    }

    /// Whether a code calls for attention.
    pub fn is_attention(&self, code: &str) -> bool {
        self.attention.contains(code)
    }

    fn class_index(&self, code: &str) -> Option<usize> {
        (0..self.classes.len())
            .filter(|&i| code.starts_with(self.classes[i].as_str()))
            .max_by_key(|&i| self.classes[i].len())
    }
}

/// Where an area stands in one edition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// The area is not in the edition at all (e.g. other boundaries).
    Absent,
    /// The area is in the edition but left out of the index (e.g. too few inhabitants).
    Excluded,
    /// The area has this class code.
    Classified(String),
}

impl Standing {
    /// The class code, if the area has one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Standing::Classified(code) => Some(code),
            Standing::Absent | Standing::Excluded => None,
        }
    }
}

/// What changed for an area between two editions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signal {
    /// Classified in both editions; the code now calls for attention and did not before.
    EnteredAttention,
    /// Classified in both editions; the class is worse by `steps` classes.
    Worsened {
        /// Class before.
        from: String,
        /// Class now.
        to: String,
        /// How many classes worse.
        steps: usize,
    },
    /// Had a class before, has none now (left out of the index, or no longer in the edition).
    Excluded {
        /// Whether the old code called for attention: an area that leaves sight while in attention.
        was_attention: bool,
    },
    /// Had no class before, has one now.
    Included {
        /// Whether the new code calls for attention.
        attention: bool,
    },
    /// Classified in both editions; the code called for attention and no longer does.
    LeftAttention,
    /// Classified in both editions; the class is better by `steps` classes.
    Improved {
        /// Class before.
        from: String,
        /// Class now.
        to: String,
        /// How many classes better.
        steps: usize,
    },
}

impl Signal {
    /// Urgency rank, 0 most urgent, as documented on [`compare`].
    fn rank(&self) -> u8 {
        match self {
            Signal::EnteredAttention | Signal::Included { attention: true } => 0,
            Signal::Worsened { .. } => 1,
            Signal::Excluded { was_attention: true } => 2,
            Signal::LeftAttention => 3,
            Signal::Improved { .. } => 4,
            Signal::Included { attention: false } | Signal::Excluded { was_attention: false } => 5,
        }
    }

    fn steps(&self) -> usize {
        match self {
            Signal::Worsened { steps, .. } | Signal::Improved { steps, .. } => *steps,
            _ => 0,
        }
    }
}

/// One early warning: a change of one area between two editions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlyWarning {
    /// The area.
    pub area: AreaKey,
    /// Its standing in the earlier edition.
    pub before: Standing,
    /// Its standing in the later edition.
    pub after: Standing,
    /// What changed.
    pub signal: Signal,
}

/// Which of the two editions given to [`compare`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The earlier edition.
    Before,
    /// The later edition.
    After,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Before => "earlier",
            Side::After => "later",
        })
    }
}

/// Two editions that cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CompareError {
    /// An area is listed twice in one edition.
    #[error("area {area} is listed twice in the {side} edition")]
    DuplicateArea {
        /// The area.
        area: AreaKey,
        /// The edition.
        side: Side,
    },
    /// A code belongs to none of the rule's classes.
    #[error("area {area} has code {code:?} in the {side} edition, which belongs to none of the classes")]
    UnknownCode {
        /// The area.
        area: AreaKey,
        /// The code.
        code: String,
        /// The edition.
        side: Side,
    },
}

/// Compares two editions of an index: every area's class code (`None` if it is left out of the
/// index) in the earlier edition `before` and the later edition `after`.
///
/// An area classified in both editions can enter or leave attention and worsen or improve in class
/// (both, if the class change moves it into or out of attention); an area classified in only one is
/// reported as included or excluded; an area missing from a slice is [`Standing::Absent`] there.
///
/// The warnings are sorted most urgent first: entering attention (also by being taken into the
/// index with an attention code), worsening, leaving the index while in attention, leaving
/// attention, improving, then the other inclusions and exclusions; within each, more classes moved
/// first, then by area key.
pub fn compare<S: AsRef<str>>(
    before: &[(AreaKey, Option<S>)],
    after: &[(AreaKey, Option<S>)],
    rule: &AttentionRule,
) -> Result<Vec<EarlyWarning>, CompareError> {
    let before = edition(before, rule, Side::Before)?;
    let after = edition(after, rule, Side::After)?;
    let areas: BTreeSet<&AreaKey> = before.keys().chain(after.keys()).copied().collect();
    let mut warnings = Vec::new();
    for area in areas {
        let standing = |m: &Edition| match m.get(area) {
            None => Standing::Absent,
            Some(None) => Standing::Excluded,
            Some(Some((code, _))) => Standing::Classified((*code).to_owned()),
        };
        let (old, new) = (before.get(area).copied().flatten(), after.get(area).copied().flatten());
        let signals = match (old, new) {
            (None, None) => vec![],
            (Some((code, _)), None) => vec![Signal::Excluded { was_attention: rule.is_attention(code) }],
            (None, Some((code, _))) => vec![Signal::Included { attention: rule.is_attention(code) }],
            (Some((a, class_a)), Some((b, class_b))) => {
                let mut s = Vec::new();
                match (rule.is_attention(a), rule.is_attention(b)) {
                    (false, true) => s.push(Signal::EnteredAttention),
                    (true, false) => s.push(Signal::LeftAttention),
                    _ => {}
                }
                let (from, to) = (rule.classes[class_a].clone(), rule.classes[class_b].clone());
                match class_b.cmp(&class_a) {
                    Ordering::Greater => s.push(Signal::Worsened { from, to, steps: class_b - class_a }),
                    Ordering::Less => s.push(Signal::Improved { from, to, steps: class_a - class_b }),
                    Ordering::Equal => {}
                }
                s
            }
        };
        for signal in signals {
            warnings.push(EarlyWarning {
                area: area.clone(),
                before: standing(&before),
                after: standing(&after),
                signal,
            });
        }
    }
    warnings.sort_by(|a, b| {
        (a.signal.rank(), Reverse(a.signal.steps()), &a.area).cmp(&(
            b.signal.rank(),
            Reverse(b.signal.steps()),
            &b.area,
        ))
    });
    Ok(warnings)
}

/// One edition: each area's code and class index, or `None` if it is left out of the index.
type Edition<'a> = BTreeMap<&'a AreaKey, Option<(&'a str, usize)>>;

/// One edition, checked.
fn edition<'a, S: AsRef<str>>(
    rows: &'a [(AreaKey, Option<S>)],
    rule: &AttentionRule,
    side: Side,
) -> Result<Edition<'a>, CompareError> {
    let mut map = BTreeMap::new();
    for (area, code) in rows {
        let classified = match code {
            None => None,
            Some(code) => {
                let code = code.as_ref();
                let class = rule.class_index(code).ok_or_else(|| CompareError::UnknownCode {
                    area: area.clone(),
                    code: code.to_owned(),
                    side,
                })?;
                Some((code, class))
            }
        };
        if map.insert(area, classified).is_some() {
            return Err(CompareError::DuplicateArea { area: area.clone(), side });
        }
    }
    Ok(map)
}

// ----------------------------------------------------------------------------------------------
// Expert validation
// ----------------------------------------------------------------------------------------------

/// A calendar date (proleptic Gregorian), written and read as ISO `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Datum {
    year: u16,
    month: u8,
    day: u8,
}

/// A date that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid date {0:?}: expected a calendar date such as 2026-11-26")]
pub struct DatumError(String);

impl Datum {
    /// The date, if it exists in the calendar (years 1000–9999).
    pub fn new(year: u16, month: u8, day: u8) -> Option<Datum> {
        let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        ((1000..=9999).contains(&year) && (1..=days).contains(&day)).then_some(Datum { year, month, day })
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month, 1–12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month.
    pub fn day(self) -> u8 {
        self.day
    }
}

impl fmt::Display for Datum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl FromStr for Datum {
    type Err = DatumError;

    fn from_str(s: &str) -> Result<Datum, DatumError> {
        let err = || DatumError(s.to_owned());
        let digits = |t: &str, n: usize| {
            if t.len() == n && t.bytes().all(|b| b.is_ascii_digit()) { t.parse::<u16>().ok() } else { None }
        };
        let mut parts = s.split('-');
        let (Some(y), Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(err());
        };
        let (Some(y), Some(m), Some(d)) = (digits(y, 4), digits(m, 2), digits(d, 2)) else {
            return Err(err());
        };
        Datum::new(y, u8::try_from(m).map_err(|_| err())?, u8::try_from(d).map_err(|_| err())?).ok_or_else(err)
    }
}

/// The name of the person who takes a review step: not empty, no surrounding whitespace.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Person(String);

impl Person {
    /// A person's name; surrounding whitespace is removed.
    pub fn new(name: &str) -> Result<Person, ReviewError> {
        let name = name.trim();
        if name.is_empty() { Err(ReviewError::Unnamed) } else { Ok(Person(name.to_owned())) }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Person {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a review step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReviewAction {
    /// Propose the area as Aufmerksamkeitsgebiet for an edition.
    Propose,
    /// Confirm the pending proposal with local knowledge.
    Confirm,
    /// Reject the pending proposal with local knowledge.
    Reject,
}

impl ReviewAction {
    /// The stored name: `proposed`, `confirmed` or `rejected`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewAction::Propose => "proposed",
            ReviewAction::Confirm => "confirmed",
            ReviewAction::Reject => "rejected",
        }
    }
}

impl fmt::Display for ReviewAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ReviewAction {
    type Err = ReviewError;

    fn from_str(s: &str) -> Result<ReviewAction, ReviewError> {
        match s {
            "proposed" => Ok(ReviewAction::Propose),
            "confirmed" => Ok(ReviewAction::Confirm),
            "rejected" => Ok(ReviewAction::Reject),
            _ => Err(ReviewError::UnknownAction(s.to_owned())),
        }
    }
}

/// Who took a review step, when, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The person.
    pub by: Person,
    /// Their comment (the local knowledge behind a decision); may be empty for a proposal.
    pub comment: String,
    /// The date of the step.
    pub date: Datum,
}

/// One event in the review history of an area.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewEvent {
    /// The edition of the index the proposal refers to.
    pub edition: Period,
    /// What the step does.
    pub action: ReviewAction,
    /// Who, when, why.
    pub step: Step,
}

impl ReviewEvent {
    /// An event from text as typed by a user: edition (e.g. `2019`), person, comment, ISO date.
    pub fn new(edition: &str, action: ReviewAction, by: &str, comment: &str, date: &str) -> Result<Self, ReviewError> {
        Ok(ReviewEvent {
            edition: edition.parse().map_err(|_| ReviewError::Edition(edition.to_owned()))?,
            action,
            step: Step { by: Person::new(by)?, comment: comment.trim().to_owned(), date: date.parse()? },
        })
    }
}

/// The state of an area's review, folded from its history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewState {
    /// Never proposed.
    NotProposed,
    /// Proposed for an edition; awaiting the expert validation.
    Proposed {
        /// The edition.
        edition: Period,
        /// The proposal.
        proposal: Step,
    },
    /// Proposed and confirmed: an Aufmerksamkeitsgebiet.
    Confirmed {
        /// The edition.
        edition: Period,
        /// The proposal.
        proposal: Step,
        /// The confirmation.
        decision: Step,
    },
    /// Proposed and rejected.
    Rejected {
        /// The edition.
        edition: Period,
        /// The proposal.
        proposal: Step,
        /// The rejection.
        decision: Step,
    },
}

impl ReviewState {
    /// The action of the latest step: `None` if never proposed.
    pub fn last_action(&self) -> Option<ReviewAction> {
        match self {
            ReviewState::NotProposed => None,
            ReviewState::Proposed { .. } => Some(ReviewAction::Propose),
            ReviewState::Confirmed { .. } => Some(ReviewAction::Confirm),
            ReviewState::Rejected { .. } => Some(ReviewAction::Reject),
        }
    }

    /// The edition of the latest proposal, if any.
    pub fn edition(&self) -> Option<Period> {
        match self {
            ReviewState::NotProposed => None,
            ReviewState::Proposed { edition, .. }
            | ReviewState::Confirmed { edition, .. }
            | ReviewState::Rejected { edition, .. } => Some(*edition),
        }
    }

    /// The date of the latest step, if any.
    fn last_date(&self) -> Option<Datum> {
        match self {
            ReviewState::NotProposed => None,
            ReviewState::Proposed { proposal, .. } => Some(proposal.date),
            ReviewState::Confirmed { decision, .. } | ReviewState::Rejected { decision, .. } => Some(decision.date),
        }
    }

    /// The state after `event`, or why the event is not allowed now.
    pub fn then(&self, event: &ReviewEvent) -> Result<ReviewState, ReviewError> {
        if let Some(previous) = self.last_date().filter(|d| event.step.date < *d) {
            return Err(ReviewError::DateBeforePrevious { date: event.step.date, previous });
        }
        let step = event.step.clone();
        match (self, event.action) {
            (ReviewState::Proposed { edition, .. }, ReviewAction::Propose) => {
                Err(ReviewError::AlreadyProposed { edition: *edition })
            }
            (ReviewState::NotProposed, ReviewAction::Propose) => {
                Ok(ReviewState::Proposed { edition: event.edition, proposal: step })
            }
            (ReviewState::Confirmed { edition, .. } | ReviewState::Rejected { edition, .. }, ReviewAction::Propose) => {
                if event.edition > *edition {
                    Ok(ReviewState::Proposed { edition: event.edition, proposal: step })
                } else {
                    Err(ReviewError::EditionNotLater { edition: event.edition, decided: *edition })
                }
            }
            (ReviewState::NotProposed, ReviewAction::Confirm | ReviewAction::Reject) => Err(ReviewError::NotProposed),
            (ReviewState::Confirmed { edition, .. }, ReviewAction::Confirm | ReviewAction::Reject) => {
                Err(ReviewError::AlreadyDecided { edition: *edition, decision: ReviewAction::Confirm })
            }
            (ReviewState::Rejected { edition, .. }, ReviewAction::Confirm | ReviewAction::Reject) => {
                Err(ReviewError::AlreadyDecided { edition: *edition, decision: ReviewAction::Reject })
            }
            (ReviewState::Proposed { edition, proposal }, action) => {
                if event.edition != *edition {
                    return Err(ReviewError::OtherEdition { edition: event.edition, proposed: *edition });
                }
                if step.comment.trim().is_empty() {
                    return Err(ReviewError::NoComment);
                }
                let (edition, proposal) = (*edition, proposal.clone());
                Ok(if action == ReviewAction::Confirm {
                    ReviewState::Confirmed { edition, proposal, decision: step }
                } else {
                    ReviewState::Rejected { edition, proposal, decision: step }
                })
            }
        }
    }
}

/// A review step that is not allowed, or cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReviewError {
    /// The person's name is empty.
    #[error("the person taking the step must be named")]
    Unnamed,
    /// The date cannot be read.
    #[error(transparent)]
    Datum(#[from] DatumError),
    /// The edition cannot be read.
    #[error("invalid edition {0:?}: expected a year such as 2019 or a school year such as 2024/25")]
    Edition(String),
    /// A stored action name is unknown.
    #[error("unknown review action {0:?}")]
    UnknownAction(String),
    /// A confirmation or rejection for an area that has no pending proposal.
    #[error("the area has not been proposed; propose it before confirming or rejecting")]
    NotProposed,
    /// A second proposal while one is pending.
    #[error("the area is already proposed for edition {edition} and awaits a decision")]
    AlreadyProposed {
        /// The pending edition.
        edition: Period,
    },
    /// A decision on a proposal that is already decided.
    #[error("the proposal for edition {edition} is already {decision}; propose the area again in a later edition")]
    AlreadyDecided {
        /// The decided edition.
        edition: Period,
        /// The decision taken.
        decision: ReviewAction,
    },
    /// A new proposal that is not for a later edition than the decided one.
    #[error("edition {edition} is not later than edition {decided}, whose proposal is already decided")]
    EditionNotLater {
        /// The edition of the new proposal.
        edition: Period,
        /// The decided edition.
        decided: Period,
    },
    /// A decision naming another edition than the pending proposal.
    #[error("the pending proposal is for edition {proposed}, not {edition}")]
    OtherEdition {
        /// The edition named.
        edition: Period,
        /// The pending proposal's edition.
        proposed: Period,
    },
    /// A decision without a comment.
    #[error("a confirmation or rejection needs a comment giving the local knowledge behind it")]
    NoComment,
    /// A step dated before the previous step (e.g. a decision before its proposal).
    #[error("date {date} precedes the previous step of {previous}")]
    DateBeforePrevious {
        /// The date given.
        date: Datum,
        /// The previous step's date.
        previous: Datum,
    },
}

/// The review history of one area: the events in order, each allowed by the state before it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Review {
    events: Vec<ReviewEvent>,
}

impl Review {
    /// Replays a stored history, checking every step.
    pub fn from_events(events: impl IntoIterator<Item = ReviewEvent>) -> Result<Review, ReviewError> {
        let mut review = Review::default();
        for event in events {
            review.apply(event)?;
        }
        Ok(review)
    }

    /// Appends an event if the current state allows it; otherwise the history is unchanged.
    /// Returns the new state.
    pub fn apply(&mut self, event: ReviewEvent) -> Result<ReviewState, ReviewError> {
        let next = self.state().then(&event)?;
        self.events.push(event);
        Ok(next)
    }

    /// The events, oldest first.
    pub fn history(&self) -> &[ReviewEvent] {
        &self.events
    }

    /// The current state: the fold of the history.
    pub fn state(&self) -> ReviewState {
        self.events.iter().fold(ReviewState::NotProposed, |state, event| {
            // Every event was checked by `apply`, so `then` succeeds here.
            state.then(event).unwrap_or(state)
        })
    }
}

#[cfg(test)]
mod tests;
