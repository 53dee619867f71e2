use domain::Period;
use domain::attention::{ReviewError, ReviewState};

use super::*;
use crate::MIGRATIONS;

fn subject(area: &str) -> ReviewSubject {
    ReviewSubject {
        kommune: "berlin".parse().unwrap(),
        index: "berlin-mss".parse().unwrap(),
        layer: "planungsraum".parse().unwrap(),
        area: area.parse().unwrap(),
    }
}

fn event(edition: &str, action: ReviewAction, comment: &str, date: &str) -> ReviewEvent {
    ReviewEvent::new(edition, action, "A. Muster", comment, date).unwrap()
}

const NOW: &str = "2026-11-26T12:00:00Z";

#[test]
fn steps_are_recorded_and_read_back_as_domain_values() {
    let store = Store::open_in_memory().unwrap();
    let s = subject("08010117");
    let proposal = event("2019", ReviewAction::Propose, "", "2020-03-01");
    let state = store.record_review(&s, proposal.clone(), NOW).unwrap();
    assert!(matches!(state, ReviewState::Proposed { edition: Period::Year(2019), .. }));
    let decision = event("2019", ReviewAction::Confirm, "Quartiersmanagement bestätigt", "2020-04-15");
    let state = store.record_review(&s, decision.clone(), "2026-11-26T12:05:00Z").unwrap();
    assert!(matches!(state, ReviewState::Confirmed { .. }));
    let history = store.review_history(&s).unwrap();
    assert_eq!(
        history,
        vec![
            RecordedReviewEvent { event: proposal, recorded_at: NOW.into() },
            RecordedReviewEvent { event: decision, recorded_at: "2026-11-26T12:05:00Z".into() },
        ]
    );
    assert_eq!(store.review_history(&subject("other")).unwrap(), vec![]);
}

#[test]
fn a_forbidden_step_stores_nothing() {
    let store = Store::open_in_memory().unwrap();
    let s = subject("1");
    let err = store.record_review(&s, event("2019", ReviewAction::Reject, "nein", "2020-01-01"), NOW).unwrap_err();
    assert!(matches!(err, StoreError::Review(ReviewError::NotProposed)), "{err}");
    assert_eq!(err.to_string(), "the area has not been proposed; propose it before confirming or rejecting");
    assert_eq!(store.review_history(&s).unwrap(), vec![]);
    store.record_review(&s, event("2019", ReviewAction::Propose, "", "2020-03-01"), NOW).unwrap();
    let early = event("2019", ReviewAction::Confirm, "ja", "2020-02-01");
    assert!(matches!(
        store.record_review(&s, early, NOW),
        Err(StoreError::Review(ReviewError::DateBeforePrevious { .. }))
    ));
    assert_eq!(store.review_history(&s).unwrap().len(), 1);
}

#[test]
fn reviews_list_every_area_of_a_kommune_and_index() {
    let store = Store::open_in_memory().unwrap();
    for area in ["2", "1"] {
        store.record_review(&subject(area), event("2019", ReviewAction::Propose, "", "2020-03-01"), NOW).unwrap();
    }
    store.record_review(&subject("2"), event("2019", ReviewAction::Reject, "Neubaugebiet", "2020-03-02"), NOW).unwrap();
    // Another index and another Kommune are kept apart.
    let other_index = ReviewSubject { index: "hamburg-rise".parse().unwrap(), ..subject("3") };
    store.record_review(&other_index, event("2021", ReviewAction::Propose, "", "2022-01-01"), NOW).unwrap();
    let other_kommune = ReviewSubject { kommune: "hamburg".parse().unwrap(), ..subject("4") };
    store.record_review(&other_kommune, event("2021", ReviewAction::Propose, "", "2022-01-01"), NOW).unwrap();

    let s = subject("1");
    let reviews = store.reviews(&s.kommune, &s.index).unwrap();
    let states: Vec<(&str, &str, Option<ReviewAction>)> =
        reviews.iter().map(|r| (r.layer.as_str(), r.area.as_str(), r.review.state().last_action())).collect();
    assert_eq!(
        states,
        vec![("planungsraum", "1", Some(ReviewAction::Propose)), ("planungsraum", "2", Some(ReviewAction::Reject))]
    );
    assert_eq!(reviews[1].review.history().len(), 2);
    assert_eq!(store.reviews(&"koeln".parse().unwrap(), &s.index).unwrap(), vec![]);
}

#[test]
fn review_events_cannot_be_changed_or_deleted() {
    let store = Store::open_in_memory().unwrap();
    store.record_review(&subject("1"), event("2019", ReviewAction::Propose, "", "2020-03-01"), NOW).unwrap();
    let conn = store.conn();
    let update = conn.execute("UPDATE review_event SET person = 'X'", []).unwrap_err();
    assert!(update.to_string().contains("review events are never changed"), "{update}");
    let delete = conn.execute("DELETE FROM review_event", []).unwrap_err();
    assert!(delete.to_string().contains("review events are never deleted"), "{delete}");
}

#[test]
fn a_version_1_store_is_upgraded_in_place_with_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bimo.sqlite");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute_batch(
            "INSERT INTO kommune VALUES ('testdorf', 'Testdorf', NULL);
             INSERT INTO release VALUES (1, 'testdorf', 'layer', 'Quartiere', 'Test', 'CC0', 'Test', NULL,
                 'public', '2026-01-01T00:00:00Z', 'q.geojson', '00');
             INSERT INTO layer_version VALUES (1, 'quartier', 'Quartiere', NULL, NULL, NULL);
             INSERT INTO area VALUES (1, '1', 'Gebiet 1', NULL, NULL);",
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    let version: i64 = store.conn().pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(version, crate::SCHEMA_VERSION);
    let snapshot = store.snapshot(domain::Audience::Public).unwrap();
    let testdorf = snapshot.kommune("testdorf").unwrap();
    assert_eq!(testdorf.layer("quartier", None).unwrap().areas.len(), 1);
    store.record_review(&subject("1"), event("2019", ReviewAction::Propose, "", "2020-03-01"), NOW).unwrap();
    drop(store);
    // Opening again changes nothing.
    let store = Store::open(&path).unwrap();
    assert_eq!(store.review_history(&subject("1")).unwrap().len(), 1);
    assert_eq!(store.data_version().unwrap(), 1);
}

#[test]
fn a_fresh_store_starts_at_the_newest_version_and_a_newer_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bimo.sqlite");
    let store = Store::open(&path).unwrap();
    let conn = store.conn();
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(version, crate::SCHEMA_VERSION);
    conn.pragma_update(None, "user_version", crate::SCHEMA_VERSION + 1).unwrap();
    drop(conn);
    drop(store);
    let err = Store::open(&path).err().unwrap();
    assert_eq!(err.to_string(), "store schema version 7 is newer than this program's version 6");
}
