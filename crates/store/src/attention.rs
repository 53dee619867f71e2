//! The review events of the attention workflow: who proposed an area as Aufmerksamkeitsgebiet of
//! an index edition, and who confirmed or rejected it, when and why.
//!
//! Events are appended, never changed (triggers in `schema_v2.sql` refuse updates and deletes).
//! Recording an event replays the area's stored history through the domain state machine
//! ([`Review`]) inside one transaction, so a step the state does not allow stores nothing.

use domain::attention::{IndexKey, Person, Review, ReviewAction, ReviewEvent, ReviewState, Step};
use domain::{AreaKey, KommuneKey, LayerKey};
use rusqlite::{Connection, TransactionBehavior, params};

use crate::{Store, StoreError};

/// The area under review: an area of a layer of a Kommune, in the classes of one index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReviewSubject {
    /// The Kommune.
    pub kommune: KommuneKey,
    /// The index, e.g. `berlin-mss`.
    pub index: IndexKey,
    /// The layer of the area, e.g. `planungsraum`.
    pub layer: LayerKey,
    /// The area.
    pub area: AreaKey,
}

/// A stored review event with the time it was recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedReviewEvent {
    /// The event.
    pub event: ReviewEvent,
    /// When it was stored, RFC 3339 UTC.
    pub recorded_at: String,
}

/// The review of one area of an index: its history, from which [`Review::state`] folds the
/// current state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaReview {
    /// The layer of the area.
    pub layer: LayerKey,
    /// The area.
    pub area: AreaKey,
    /// Its review.
    pub review: Review,
}

impl Store {
    /// Records one review step for an area if its current state allows it, and returns the new
    /// state; otherwise returns [`StoreError::Review`] and stores nothing. `recorded_at` is the
    /// RFC 3339 time of recording.
    pub fn record_review(
        &self,
        subject: &ReviewSubject,
        event: ReviewEvent,
        recorded_at: &str,
    ) -> Result<ReviewState, StoreError> {
        let mut conn = self.conn();
        // Immediate: no other writer can slip an event in between reading the history and appending.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut review = Review::from_events(history(&tx, subject)?.into_iter().map(|r| r.event))
            .map_err(|e| corrupt(format!("stored history of area {} is invalid: {e}", subject.area)))?;
        let state = review.apply(event.clone())?;
        tx.execute(
            "INSERT INTO review_event (kommune, layer, area, index_key, edition, kind, person, comment, date, \
             recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                subject.kommune.as_str(),
                subject.layer.as_str(),
                subject.area.as_str(),
                subject.index.as_str(),
                event.edition.to_string(),
                event.action.as_str(),
                event.step.by.as_str(),
                event.step.comment,
                event.step.date.to_string(),
                recorded_at,
            ],
        )?;
        tx.commit()?;
        Ok(state)
    }

    /// The review history of one area, oldest first; empty if it was never proposed.
    pub fn review_history(&self, subject: &ReviewSubject) -> Result<Vec<RecordedReviewEvent>, StoreError> {
        history(&self.conn(), subject)
    }

    /// The reviews of every area of a Kommune ever proposed for an index, ordered by layer and area.
    pub fn reviews(&self, kommune: &KommuneKey, index: &IndexKey) -> Result<Vec<AreaReview>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT layer, area, edition, kind, person, comment, date, recorded_at FROM review_event \
             WHERE kommune = ?1 AND index_key = ?2 ORDER BY layer, area, id",
        )?;
        let mut rows = stmt.query(params![kommune.as_str(), index.as_str()])?;
        let mut grouped: Vec<(LayerKey, AreaKey, Vec<ReviewEvent>)> = Vec::new();
        while let Some(row) = rows.next()? {
            let (layer, area): (String, String) = (row.get(0)?, row.get(1)?);
            let event = read_event(row, 2)?.event;
            match grouped.last_mut() {
                Some((l, a, events)) if l.as_str() == layer && a.as_str() == area => events.push(event),
                _ => {
                    let layer = LayerKey::new(layer).map_err(|e| corrupt(e.to_string()))?;
                    let area = AreaKey::new(area).map_err(|e| corrupt(e.to_string()))?;
                    grouped.push((layer, area, vec![event]));
                }
            }
        }
        grouped
            .into_iter()
            .map(|(layer, area, events)| {
                let review = Review::from_events(events)
                    .map_err(|e| corrupt(format!("stored history of area {area} is invalid: {e}")))?;
                Ok(AreaReview { layer, area, review })
            })
            .collect()
    }
}

fn history(conn: &Connection, s: &ReviewSubject) -> Result<Vec<RecordedReviewEvent>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT edition, kind, person, comment, date, recorded_at FROM review_event \
         WHERE kommune = ?1 AND index_key = ?2 AND layer = ?3 AND area = ?4 ORDER BY id",
    )?;
    let mut rows = stmt.query(params![s.kommune.as_str(), s.index.as_str(), s.layer.as_str(), s.area.as_str()])?;
    let mut events = Vec::new();
    while let Some(row) = rows.next()? {
        events.push(read_event(row, 0)?);
    }
    Ok(events)
}

/// Reads edition, kind, person, comment, date and recorded_at from the columns starting at `at`.
fn read_event(row: &rusqlite::Row<'_>, at: usize) -> Result<RecordedReviewEvent, StoreError> {
    let text = |i: usize| -> Result<String, StoreError> { Ok(row.get(at + i)?) };
    let edition = text(0)?;
    let event = ReviewEvent {
        edition: edition.parse().map_err(|_| corrupt(format!("invalid edition {edition:?}")))?,
        action: text(1)?.parse::<ReviewAction>().map_err(|e| corrupt(e.to_string()))?,
        step: Step {
            by: Person::new(&text(2)?).map_err(|e| corrupt(e.to_string()))?,
            comment: text(3)?,
            date: text(4)?.parse().map_err(|e: domain::attention::DatumError| corrupt(e.to_string()))?,
        },
    };
    Ok(RecordedReviewEvent { event, recorded_at: text(5)? })
}

fn corrupt(detail: String) -> StoreError {
    StoreError::Corrupt { table: "review_event", detail }
}

#[cfg(test)]
mod tests;
