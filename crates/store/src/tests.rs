//! The schema upgrades.

use domain::Audience;
use rusqlite::Connection;

use super::*;

#[test]
fn a_version_2_store_is_upgraded_in_place_with_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bimo.sqlite");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.execute_batch(MIGRATIONS[1]).unwrap();
        conn.pragma_update(None, "user_version", 2).unwrap();
        conn.execute_batch(
            "INSERT INTO kommune VALUES ('testdorf', 'Testdorf', NULL);
             INSERT INTO release VALUES (1, 'testdorf', 'layer', 'Quartiere', 'Test', 'CC0', 'Test', NULL,
                 'public', '2026-01-01T00:00:00Z', 'q.geojson', '00');
             INSERT INTO layer_version VALUES (1, 'quartier', 'Quartiere', NULL, NULL, NULL);
             INSERT INTO area VALUES (1, '1', 'Gebiet 1', NULL, NULL);
             INSERT INTO release VALUES (2, 'testdorf', 'statistics', 'Einwohner', 'Test', 'CC0', 'Test', NULL,
                 'internal', '2026-01-02T00:00:00Z', 'e.csv', '01');
             INSERT INTO variable VALUES (2, 'einwohner', 'Einwohner', 'count', NULL);
             INSERT INTO observation VALUES (2, 'quartier', '1', 'einwohner', '2012', '', 120.0, NULL);
             INSERT INTO review_event (kommune, layer, area, index_key, edition, kind, person, comment, date,
                 recorded_at) VALUES ('testdorf', 'quartier', '1', 'mss', '2019', 'proposed', 'A', '',
                 '2020-03-01', '2020-03-02T00:00:00Z');",
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    {
        let conn = store.conn();
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        let enforced: i64 = conn.pragma_query_value(None, "foreign_keys", |r| r.get(0)).unwrap();
        assert_eq!(enforced, 1);
        // The rebuilt release table still guards its children.
        let orphan = conn.execute("INSERT INTO area VALUES (9, '1', 'x', NULL, NULL)", []).unwrap_err();
        assert!(orphan.to_string().contains("FOREIGN KEY"), "{orphan}");
    }
    let snapshot = store.snapshot(Audience::Internal).unwrap();
    let testdorf = snapshot.kommune("testdorf").unwrap();
    assert_eq!(
        testdorf.releases.iter().map(|r| (r.id.0, r.kind.as_str())).collect::<Vec<_>>(),
        [(1, "layer"), (2, "statistics")]
    );
    assert_eq!(testdorf.releases[1].audience, Audience::Internal);
    assert_eq!(testdorf.layer("quartier", None).unwrap().areas.len(), 1);
    assert_eq!(testdorf.observations[0].observation.value.number(), Some(120.0));
    assert!(store.snapshot(Audience::Public).unwrap().kommune("testdorf").unwrap().observations.is_empty());
    let subject = ReviewSubject {
        kommune: "testdorf".parse().unwrap(),
        index: "mss".parse().unwrap(),
        layer: "quartier".parse().unwrap(),
        area: "1".parse().unwrap(),
    };
    assert_eq!(store.review_history(&subject).unwrap().len(), 1);
    // The new release kind is accepted.
    store
        .conn()
        .execute(
            "INSERT INTO release VALUES (3, 'testdorf', 'institution_statistics', 'Schüler', 'Test', 'CC0', 'Test',
                 NULL, 'public', '2026-01-03T00:00:00Z', 's.csv', '02')",
            [],
        )
        .unwrap();
    drop(store);
    // Opening again changes nothing.
    let store = Store::open(&path).unwrap();
    assert_eq!(store.data_version().unwrap(), 3);
}
