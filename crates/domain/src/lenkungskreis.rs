//! The Lenkungskreis: the steering group of the departments that meets on findings, decides and
//! hands out tasks.
//!
//! A meeting (Sitzung) is the fold of its events, in the order they were recorded; events are never
//! changed, so the history of every decision is kept. The steps:
//!
//! 1. `Angelegt` – the meeting with its title and date (first event, once);
//! 2. `PunktAufgenommen` – an agenda item (Tagesordnungspunkt): a finding, an early warning, a
//!    measure due for review, a gap in the coverage of offers, or anything else, with the page it
//!    comes from;
//! 3. `Beschlossen` – a decision on an agenda item, adopting measures and planning scenarios; a
//!    decision may replace an earlier one, which then counts as replaced (both stay in the history);
//! 4. `AufgabeVergeben` – a task (action item) with its owning department and deadline, optionally
//!    for a decision; `AufgabeErledigt` marks it done.
//!
//! [`Sitzung::apply`] refuses an event the state does not allow (a decision on an item that does
//! not exist, a replaced decision replaced again, a task done twice), so the store can check a new
//! event against the history inside the transaction that appends it.

use crate::access::DepartmentKey;
use crate::attention::Datum;

crate::key_type!(
    /// A meeting's key, e.g. `2026-12-03`.
    SitzungKey
);

/// Where an agenda item comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Herkunft {
    /// An early warning between two editions of an index.
    Fruehwarnung,
    /// A measure whose review is due.
    Ueberpruefung,
    /// A gap in the coverage of offers.
    Versorgungsluecke,
    /// Anything else the members bring.
    Sonstiges,
}

impl Herkunft {
    /// Every kind, in the order of the agenda form.
    pub const ALL: [Herkunft; 4] =
        [Herkunft::Fruehwarnung, Herkunft::Ueberpruefung, Herkunft::Versorgungsluecke, Herkunft::Sonstiges];

    /// Text form used in forms and the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Herkunft::Fruehwarnung => "fruehwarnung",
            Herkunft::Ueberpruefung => "ueberpruefung",
            Herkunft::Versorgungsluecke => "versorgungsluecke",
            Herkunft::Sonstiges => "sonstiges",
        }
    }

    /// The German name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Herkunft::Fruehwarnung => "Frühwarnung",
            Herkunft::Ueberpruefung => "Überprüfung einer Maßnahme",
            Herkunft::Versorgungsluecke => "Versorgungslücke",
            Herkunft::Sonstiges => "Sonstiges",
        }
    }
}

impl std::str::FromStr for Herkunft {
    type Err = SitzungError;
    fn from_str(s: &str) -> Result<Self, SitzungError> {
        Herkunft::ALL.into_iter().find(|h| h.as_str() == s).ok_or_else(|| SitzungError::UnknownKind(s.to_owned()))
    }
}

/// One recorded step of a meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ereignis {
    /// The meeting is set up.
    Angelegt {
        /// Its title, e.g. "Lenkungskreis Bildung und Soziales, 4. Sitzung".
        title: String,
        /// Its date.
        date: Datum,
    },
    /// An item goes on the agenda.
    PunktAufgenommen {
        /// Where it comes from.
        herkunft: Herkunft,
        /// What it is about, e.g. "Chorweiler: Statusklasse 3 → 4".
        subject: String,
        /// The atlas page it comes from, if any (a path such as `/atlas/koeln/...`).
        reference: Option<String>,
    },
    /// A decision on an agenda item.
    Beschlossen {
        /// The agenda item (index, 0-based).
        punkt: usize,
        /// The text of the decision.
        text: String,
        /// The measures it adopts (keys).
        massnahmen: Vec<String>,
        /// The planning scenarios it adopts (store ids).
        szenarien: Vec<i64>,
        /// The earlier decision (index) it replaces, if any.
        replaces: Option<usize>,
    },
    /// A task is handed out.
    AufgabeVergeben {
        /// What is to be done.
        text: String,
        /// The department that does it.
        owner: DepartmentKey,
        /// By when.
        deadline: Datum,
        /// The decision (index) it serves, if any.
        beschluss: Option<usize>,
    },
    /// A task is done.
    AufgabeErledigt {
        /// The task (index).
        aufgabe: usize,
        /// When.
        date: Datum,
    },
}

/// An agenda item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Punkt {
    /// Where it comes from.
    pub herkunft: Herkunft,
    /// What it is about.
    pub subject: String,
    /// The page it comes from.
    pub reference: Option<String>,
}

/// A decision with whether a later one replaced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Beschluss {
    /// The agenda item.
    pub punkt: usize,
    /// The text.
    pub text: String,
    /// Adopted measures.
    pub massnahmen: Vec<String>,
    /// Adopted scenarios.
    pub szenarien: Vec<i64>,
    /// The decision it replaces.
    pub replaces: Option<usize>,
    /// The decision that replaced it.
    pub replaced_by: Option<usize>,
}

/// A task and whether it is done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aufgabe {
    /// What is to be done.
    pub text: String,
    /// Who does it.
    pub owner: DepartmentKey,
    /// By when.
    pub deadline: Datum,
    /// For which decision.
    pub beschluss: Option<usize>,
    /// When it was done.
    pub done: Option<Datum>,
}

impl Aufgabe {
    /// Whether the task is open after its deadline on `day`.
    pub fn overdue(&self, day: Datum) -> bool {
        self.done.is_none() && self.deadline < day
    }
}

/// A meeting as its events make it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sitzung {
    /// Its title.
    pub title: String,
    /// Its date.
    pub date: Datum,
    /// The agenda.
    pub punkte: Vec<Punkt>,
    /// The decisions, in the order taken.
    pub beschluesse: Vec<Beschluss>,
    /// The tasks.
    pub aufgaben: Vec<Aufgabe>,
}

/// An event the meeting's state does not allow, or bad text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SitzungError {
    /// The first event must set the meeting up, and only the first.
    #[error("eine Sitzung wird genau einmal angelegt, als erstes")]
    NotSetUp,
    /// A text that must not be empty.
    #[error("{0} darf nicht leer sein")]
    Empty(&'static str),
    /// An agenda item that does not exist.
    #[error("Tagesordnungspunkt {0} gibt es nicht")]
    UnknownPunkt(usize),
    /// A decision that does not exist.
    #[error("Beschluss {0} gibt es nicht")]
    UnknownBeschluss(usize),
    /// A decision replaced already.
    #[error("Beschluss {0} ist schon ersetzt")]
    AlreadyReplaced(usize),
    /// A task that does not exist.
    #[error("Aufgabe {0} gibt es nicht")]
    UnknownAufgabe(usize),
    /// A task done already.
    #[error("Aufgabe {0} ist schon erledigt")]
    AlreadyDone(usize),
    /// An unknown kind of agenda item.
    #[error("unbekannte Herkunft {0:?}")]
    UnknownKind(String),
}

fn non_empty(text: &str, what: &'static str) -> Result<(), SitzungError> {
    if text.trim().is_empty() { Err(SitzungError::Empty(what)) } else { Ok(()) }
}

impl Sitzung {
    /// The meeting its events make, or the first event that is not allowed.
    pub fn fold(events: &[Ereignis]) -> Result<Sitzung, SitzungError> {
        let mut events = events.iter();
        let Some(Ereignis::Angelegt { title, date }) = events.next() else { return Err(SitzungError::NotSetUp) };
        non_empty(title, "der Titel")?;
        let mut sitzung = Sitzung {
            title: title.clone(),
            date: *date,
            punkte: Vec::new(),
            beschluesse: Vec::new(),
            aufgaben: Vec::new(),
        };
        for e in events {
            sitzung.apply(e)?;
        }
        Ok(sitzung)
    }

    /// Applies one more event, or says why it is not allowed (and changes nothing).
    pub fn apply(&mut self, event: &Ereignis) -> Result<(), SitzungError> {
        match event {
            Ereignis::Angelegt { .. } => return Err(SitzungError::NotSetUp),
            Ereignis::PunktAufgenommen { herkunft, subject, reference } => {
                non_empty(subject, "der Gegenstand")?;
                self.punkte.push(Punkt { herkunft: *herkunft, subject: subject.clone(), reference: reference.clone() });
            }
            Ereignis::Beschlossen { punkt, text, massnahmen, szenarien, replaces } => {
                non_empty(text, "der Beschlusstext")?;
                if *punkt >= self.punkte.len() {
                    return Err(SitzungError::UnknownPunkt(*punkt));
                }
                if let Some(r) = replaces {
                    match self.beschluesse.get(*r) {
                        None => return Err(SitzungError::UnknownBeschluss(*r)),
                        Some(b) if b.replaced_by.is_some() => return Err(SitzungError::AlreadyReplaced(*r)),
                        Some(_) => {}
                    }
                }
                let index = self.beschluesse.len();
                if let Some(r) = replaces {
                    self.beschluesse[*r].replaced_by = Some(index);
                }
                self.beschluesse.push(Beschluss {
                    punkt: *punkt,
                    text: text.clone(),
                    massnahmen: massnahmen.clone(),
                    szenarien: szenarien.clone(),
                    replaces: *replaces,
                    replaced_by: None,
                });
            }
            Ereignis::AufgabeVergeben { text, owner, deadline, beschluss } => {
                non_empty(text, "die Aufgabe")?;
                if let Some(b) = beschluss
                    && *b >= self.beschluesse.len()
                {
                    return Err(SitzungError::UnknownBeschluss(*b));
                }
                self.aufgaben.push(Aufgabe {
                    text: text.clone(),
                    owner: owner.clone(),
                    deadline: *deadline,
                    beschluss: *beschluss,
                    done: None,
                });
            }
            Ereignis::AufgabeErledigt { aufgabe, date } => {
                let task = self.aufgaben.get_mut(*aufgabe).ok_or(SitzungError::UnknownAufgabe(*aufgabe))?;
                if task.done.is_some() {
                    return Err(SitzungError::AlreadyDone(*aufgabe));
                }
                task.done = Some(*date);
            }
        }
        Ok(())
    }

    /// The decisions in force: those no later decision replaced.
    pub fn in_force(&self) -> impl Iterator<Item = (usize, &Beschluss)> {
        self.beschluesse.iter().enumerate().filter(|(_, b)| b.replaced_by.is_none())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Datum {
        text.parse().unwrap()
    }

    fn setup() -> Vec<Ereignis> {
        vec![
            Ereignis::Angelegt { title: "Lenkungskreis, 1. Sitzung".into(), date: day("2026-12-03") },
            Ereignis::PunktAufgenommen {
                herkunft: Herkunft::Fruehwarnung,
                subject: "Chorweiler: Statusklasse 3 → 4".into(),
                reference: Some("/atlas/koeln/sozialmonitoring/x/gebiet/609".into()),
            },
        ]
    }

    fn decide(text: &str, replaces: Option<usize>) -> Ereignis {
        Ereignis::Beschlossen {
            punkt: 0,
            text: text.into(),
            massnahmen: vec!["chorweiler-bildungslandschaft".into()],
            szenarien: vec![],
            replaces,
        }
    }

    #[test]
    fn decisions_replace_each_other_and_keep_their_history() {
        let mut events = setup();
        events.push(decide("Bildungslandschaft ausweiten", None));
        events.push(decide("Bildungslandschaft ausweiten, mit Jugendamt", Some(0)));
        let s = Sitzung::fold(&events).unwrap();
        assert_eq!(s.beschluesse.len(), 2, "both stay");
        assert_eq!(s.beschluesse[0].replaced_by, Some(1));
        let in_force: Vec<usize> = s.in_force().map(|(i, _)| i).collect();
        assert_eq!(in_force, [1]);
        events.push(decide("noch einmal", Some(0)));
        assert_eq!(Sitzung::fold(&events).unwrap_err(), SitzungError::AlreadyReplaced(0));
    }

    #[test]
    fn tasks_are_handed_out_and_done_once() {
        let mut events = setup();
        events.push(decide("Maßnahme beschlossen", None));
        events.push(Ereignis::AufgabeVergeben {
            text: "Träger ansprechen".into(),
            owner: "soziales".parse().unwrap(),
            deadline: day("2027-01-31"),
            beschluss: Some(0),
        });
        let s = Sitzung::fold(&events).unwrap();
        assert!(!s.aufgaben[0].overdue(day("2027-01-31")));
        assert!(s.aufgaben[0].overdue(day("2027-02-01")));
        events.push(Ereignis::AufgabeErledigt { aufgabe: 0, date: day("2027-01-15") });
        let s = Sitzung::fold(&events).unwrap();
        assert_eq!(s.aufgaben[0].done, Some(day("2027-01-15")));
        assert!(!s.aufgaben[0].overdue(day("2027-03-01")));
        events.push(Ereignis::AufgabeErledigt { aufgabe: 0, date: day("2027-01-16") });
        assert_eq!(Sitzung::fold(&events).unwrap_err(), SitzungError::AlreadyDone(0));
    }

    #[test]
    fn events_the_state_does_not_allow_are_refused() {
        assert_eq!(Sitzung::fold(&[]).unwrap_err(), SitzungError::NotSetUp);
        let mut s = Sitzung::fold(&setup()).unwrap();
        let before = s.clone();
        assert_eq!(
            s.apply(&Ereignis::Beschlossen {
                punkt: 5,
                text: "x".into(),
                massnahmen: vec![],
                szenarien: vec![],
                replaces: None
            }),
            Err(SitzungError::UnknownPunkt(5))
        );
        assert_eq!(s.apply(&decide(" ", None)), Err(SitzungError::Empty("der Beschlusstext")));
        assert_eq!(s.apply(&decide("x", Some(3))), Err(SitzungError::UnknownBeschluss(3)));
        let task = Ereignis::AufgabeVergeben {
            text: "x".into(),
            owner: "soziales".parse().unwrap(),
            deadline: day("2027-01-31"),
            beschluss: Some(0),
        };
        assert_eq!(s.apply(&task), Err(SitzungError::UnknownBeschluss(0)));
        assert_eq!(
            s.apply(&Ereignis::AufgabeErledigt { aufgabe: 0, date: day("2027-01-01") }),
            Err(SitzungError::UnknownAufgabe(0))
        );
        assert_eq!(s.apply(&setup()[0]), Err(SitzungError::NotSetUp));
        assert_eq!(s, before, "a refused event changes nothing");
        assert_eq!("fruehwarnung".parse::<Herkunft>(), Ok(Herkunft::Fruehwarnung));
    }
}
