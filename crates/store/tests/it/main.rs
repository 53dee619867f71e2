//! Integration tests of the store: releases land whole or not at all, newest visible wins, old
//! releases stay queryable, audiences hide what they must.

use domain::institution::InstitutionObservation;
use domain::{
    Area, AreaKey, Audience, Breakdown, Kommune, Layer, LayerKey, Observation, Period, Provenance, Unit, Validity,
    Value, Variable, VariableKey,
};
use geo::{MultiPolygon, polygon};
use store::{Content, NewRelease, Store, StoreError};

/// A square with its exterior ring counter-clockwise, as RFC 7946 wants it.
fn square(x: f64) -> MultiPolygon<f64> {
    MultiPolygon::new(vec![polygon![(x: x, y: 50.0), (x: x + 0.1, y: 50.0), (x: x + 0.1, y: 50.1), (x: x, y: 50.1)]])
}

/// The same square, clockwise.
fn clockwise(x: f64) -> MultiPolygon<f64> {
    MultiPolygon::new(vec![polygon![(x: x, y: 50.0), (x: x, y: 50.1), (x: x + 0.1, y: 50.1), (x: x + 0.1, y: 50.0)]])
}

fn release(title: &str, audience: Audience, content: Content) -> NewRelease {
    NewRelease {
        kommune: Kommune { key: "testdorf".parse().unwrap(), name: "Testdorf".into(), ags: None },
        title: title.into(),
        provenance: Provenance { source: "Test".into(), licence: "CC0".into(), attribution: "Test".into(), url: None },
        audience,
        owner: None,
        imported_at: "2026-11-26T00:00:00Z".into(),
        file: "test.csv".into(),
        sha256: "00".into(),
        content,
    }
}

fn layer() -> Content {
    let area = |k: &str, x| Area {
        key: k.parse().unwrap(),
        name: format!("Gebiet {k}"),
        parent: None,
        validity: Validity::ALWAYS,
        geometry: Some(square(x)),
    };
    Content::Layer {
        layer: Layer { key: "quartier".parse().unwrap(), name: "Quartiere".into(), parent: None },
        validity: Validity::ALWAYS,
        areas: vec![area("1", 8.0), Area { geometry: Some(clockwise(8.1)), ..area("2", 8.1) }],
    }
}

fn einwohner(values: &[(&str, f64)]) -> Content {
    let var: VariableKey = "einwohner".parse().unwrap();
    Content::Statistics {
        variables: vec![Variable { key: var.clone(), label: "Einwohner".into(), unit: Unit::Count, share_of: None }],
        observations: values
            .iter()
            .map(|(a, x)| {
                (
                    LayerKey::new("quartier").unwrap(),
                    Observation {
                        variable: var.clone(),
                        area: AreaKey::new(*a).unwrap(),
                        period: Period::Year(2012),
                        breakdown: Breakdown::TOTAL,
                        value: Value::Number(*x),
                    },
                )
            })
            .collect(),
    }
}

fn values(store: &Store, audience: Audience) -> Vec<(String, f64)> {
    let snap = store.snapshot(audience).unwrap();
    let mut v: Vec<(String, f64)> = snap
        .kommune("testdorf")
        .map(|k| {
            k.observations
                .iter()
                .map(|o| (o.observation.area.to_string(), o.observation.value.number().unwrap()))
                .collect()
        })
        .unwrap_or_default();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

#[test]
fn a_corrected_release_wins_and_the_old_one_stays_queryable() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("bimo.sqlite")).unwrap();
    store.import(release("Quartiere", Audience::Public, layer())).unwrap();
    let first = store.import(release("Einwohner", Audience::Public, einwohner(&[("1", 100.0), ("2", 200.0)]))).unwrap();
    store.import(release("Einwohner korrigiert", Audience::Public, einwohner(&[("2", 210.0)]))).unwrap();
    assert_eq!(values(&store, Audience::Public), [("1".into(), 100.0), ("2".into(), 210.0)]);
    let old = store.release_observations(Audience::Public, first).unwrap().unwrap();
    assert_eq!(old.iter().map(|o| o.observation.value.number().unwrap()).collect::<Vec<_>>(), [100.0, 200.0]);
    let snap = store.snapshot(Audience::Public).unwrap();
    let k = snap.kommune("testdorf").unwrap();
    assert_eq!(k.layer("quartier", Some(2012)).unwrap().areas.len(), 2);
    assert_eq!(k.layer("quartier", Some(2012)).unwrap().areas[0].geometry, Some(square(8.0)));
    // Clockwise rings are stored counter-clockwise: same points, RFC 7946 orientation.
    assert_eq!(k.layer("quartier", Some(2012)).unwrap().areas[1].geometry, Some(square(8.1)));
}

#[test]
fn the_snapshot_as_of_a_release_is_the_one_read_then() {
    let store = Store::open_in_memory().unwrap();
    store.import(release("Quartiere", Audience::Public, layer())).unwrap();
    let first = store.import(release("Einwohner", Audience::Public, einwohner(&[("1", 100.0), ("2", 200.0)]))).unwrap();
    let then = store.snapshot(Audience::Public).unwrap();
    store.import(release("Einwohner korrigiert", Audience::Public, einwohner(&[("2", 210.0)]))).unwrap();
    let as_of = store.snapshot_as_of(Audience::Public, first).unwrap();
    let cells = |s: &store::Snapshot| -> Vec<(String, f64, i64)> {
        let mut cells: Vec<(String, f64, i64)> = s
            .kommune("testdorf")
            .unwrap()
            .observations
            .iter()
            .map(|o| (o.observation.area.to_string(), o.observation.value.number().unwrap(), o.release.0))
            .collect();
        cells.sort_by(|a, b| a.0.cmp(&b.0));
        cells
    };
    assert_eq!(cells(&as_of), cells(&then));
    assert_eq!(cells(&as_of), [("1".into(), 100.0, first.0), ("2".into(), 200.0, first.0)]);
    assert_eq!(as_of.kommune("testdorf").unwrap().releases.len(), 2, "the correction is not yet there");
}

#[test]
fn internal_releases_are_hidden_from_the_public() {
    let store = Store::open_in_memory().unwrap();
    store.import(release("Quartiere", Audience::Public, layer())).unwrap();
    let internal = store.import(release("Intern", Audience::Internal, einwohner(&[("1", 5.0)]))).unwrap();
    assert!(values(&store, Audience::Public).is_empty());
    assert_eq!(values(&store, Audience::Partner), []);
    assert_eq!(values(&store, Audience::Internal), [("1".into(), 5.0)]);
    assert_eq!(store.release_observations(Audience::Public, internal).unwrap(), None);
    let snap = store.snapshot(Audience::Public).unwrap();
    assert!(snap.kommune("testdorf").unwrap().releases.iter().all(|r| r.audience == Audience::Public));
}

#[test]
fn a_failing_import_leaves_the_store_as_it_was() {
    let store = Store::open_in_memory().unwrap();
    store.import(release("Quartiere", Audience::Public, layer())).unwrap();
    store.import(release("Einwohner", Audience::Public, einwohner(&[("1", 100.0)]))).unwrap();
    let before = store.data_version().unwrap();
    // A duplicate cell violates the primary key half-way through the insert.
    let err = store
        .import(release("Doppelt", Audience::Public, einwohner(&[("1", 1.0), ("2", 2.0), ("2", 3.0)])))
        .unwrap_err();
    assert!(matches!(err, StoreError::Database(_)), "{err}");
    // Statistics for a layer that does not exist.
    let Content::Statistics { variables, mut observations } = einwohner(&[("1", 7.0)]) else { unreachable!() };
    observations[0].0 = "bezirk".parse().unwrap();
    let err =
        store.import(release("Falsch", Audience::Public, Content::Statistics { variables, observations })).unwrap_err();
    assert_eq!(err.to_string(), "unknown layer bezirk in Kommune testdorf");
    assert_eq!(store.data_version().unwrap(), before);
    assert_eq!(values(&store, Audience::Public), [("1".into(), 100.0)]);
    let snap = store.snapshot(Audience::Public).unwrap();
    assert_eq!(snap.kommune("testdorf").unwrap().releases.len(), 2);
}

#[test]
fn a_layer_needs_its_parent_layer() {
    let store = Store::open_in_memory().unwrap();
    let Content::Layer { mut layer, validity, areas } = layer() else { unreachable!() };
    layer.parent = Some("bezirk".parse().unwrap());
    let err =
        store.import(release("Quartiere", Audience::Public, Content::Layer { layer, validity, areas })).unwrap_err();
    assert_eq!(err.to_string(), "parent layer bezirk of layer quartier does not exist");
    assert_eq!(store.data_version().unwrap(), 0);
}

#[test]
fn area_versions_are_chosen_by_year() {
    let store = Store::open_in_memory().unwrap();
    let Content::Layer { layer: l, areas, .. } = layer() else { unreachable!() };
    let old = Validity { from: None, to: Some(2010) };
    let new = Validity { from: Some(2011), to: None };
    store
        .import(release(
            "alt",
            Audience::Public,
            Content::Layer { layer: l.clone(), validity: old, areas: areas[..1].to_vec() },
        ))
        .unwrap();
    store.import(release("neu", Audience::Public, Content::Layer { layer: l, validity: new, areas })).unwrap();
    let snap = store.snapshot(Audience::Public).unwrap();
    let k = snap.kommune("testdorf").unwrap();
    assert_eq!(k.layer("quartier", Some(2005)).unwrap().areas.len(), 1);
    assert_eq!(k.layer("quartier", Some(2012)).unwrap().areas.len(), 2);
    assert_eq!(k.layer("quartier", None).unwrap().areas.len(), 2);
    let versions = store.layer_versions("testdorf", "quartier").unwrap();
    assert_eq!(versions.iter().map(|v| v.validity).collect::<Vec<_>>(), [new, old]);
    assert!(store.layer_versions("testdorf", "bezirk").unwrap().is_empty());
}

fn schools(collection: &str, keys: &[&str]) -> Content {
    Content::Institutions {
        collection: collection.into(),
        institutions: keys
            .iter()
            .map(|k| domain::Institution {
                key: (*k).into(),
                name: format!("Schule {k}"),
                kind: "Grundschule".into(),
                location: geo::Point::new(8.05, 50.05),
                attributes: vec![],
            })
            .collect(),
    }
}

#[test]
fn a_new_list_of_a_collection_replaces_the_old_one() {
    let store = Store::open_in_memory().unwrap();
    store.import(release("Schulen 2023", Audience::Public, schools("schulen", &["1", "2"]))).unwrap();
    store.import(release("Kitas", Audience::Public, schools("kitas", &["K1"]))).unwrap();
    // School 2 closed: the 2024 list no longer has it.
    store.import(release("Schulen 2024", Audience::Public, schools("schulen", &["1", "3"]))).unwrap();
    // An internal draft list is invisible to the public and does not replace their list.
    store.import(release("Entwurf", Audience::Internal, schools("schulen", &["1"]))).unwrap();
    let keys = |audience| {
        let snap = store.snapshot(audience).unwrap();
        snap.kommune("testdorf").unwrap().institutions.iter().map(|i| i.institution.key.clone()).collect::<Vec<_>>()
    };
    assert_eq!(keys(Audience::Public), ["1", "3", "K1"]);
    assert_eq!(keys(Audience::Internal), ["1", "K1"]);
    // Imports check against the newest list whatever its audience.
    let stored = store.institution_keys("testdorf", "schulen").unwrap().unwrap();
    assert_eq!(stored, ["1".to_owned()].into());
    assert_eq!(store.institution_keys("testdorf", "horte").unwrap(), None);
}

fn pupils(collection: &str, cells: &[(&str, &str, f64)]) -> Content {
    let var: VariableKey = "schueler".parse().unwrap();
    Content::InstitutionStatistics {
        collection: collection.into(),
        variables: vec![Variable { key: var.clone(), label: "Schüler".into(), unit: Unit::Count, share_of: None }],
        observations: cells
            .iter()
            .map(|(school, klasse, x)| InstitutionObservation {
                institution: (*school).into(),
                variable: var.clone(),
                period: "2024/25".parse().unwrap(),
                breakdown: Breakdown::parse(&format!("klasse={klasse}")).unwrap(),
                value: Value::Number(*x),
            })
            .collect(),
    }
}

/// (release, school, breakdown, value) of the current institution statistics.
fn pupil_cells(store: &Store, audience: Audience) -> Vec<(i64, String, String, f64)> {
    let snap = store.snapshot(audience).unwrap();
    snap.kommune("testdorf")
        .unwrap()
        .institution_observations
        .iter()
        .map(|o| {
            assert_eq!(o.collection, "schulen");
            assert_eq!(o.observation.period, Period::SchoolYear(2024));
            let i = &o.observation;
            (o.release.0, i.institution.clone(), i.breakdown.to_string(), i.value.number().unwrap())
        })
        .collect()
}

#[test]
fn institution_statistics_take_the_newest_visible_value_per_cell() {
    let store = Store::open_in_memory().unwrap();
    store.import(release("Schulen", Audience::Public, schools("schulen", &["1", "2"]))).unwrap();
    let first = store.import(release(
        "Schüler",
        Audience::Public,
        pupils("schulen", &[("1", "1", 50.0), ("1", "2", 48.0), ("2", "1", 25.0)]),
    ));
    assert_eq!(first.unwrap().0, 2);
    // A correction of one cell, and an internal draft the public must not see.
    store.import(release("Korrektur", Audience::Public, pupils("schulen", &[("1", "2", 47.0)]))).unwrap();
    store.import(release("Entwurf", Audience::Internal, pupils("schulen", &[("2", "1", 26.0)]))).unwrap();
    let cell = |r: i64, s: &str, k: &str, x: f64| (r, s.to_owned(), format!("klasse={k}"), x);
    assert_eq!(
        pupil_cells(&store, Audience::Public),
        [cell(2, "1", "1", 50.0), cell(3, "1", "2", 47.0), cell(2, "2", "1", 25.0)]
    );
    assert_eq!(
        pupil_cells(&store, Audience::Internal),
        [cell(2, "1", "1", 50.0), cell(3, "1", "2", 47.0), cell(4, "2", "1", 26.0)]
    );
    let snap = store.snapshot(Audience::Public).unwrap();
    let testdorf = snap.kommune("testdorf").unwrap();
    assert_eq!(testdorf.variable("schueler").unwrap().variable.label, "Schüler");
    assert_eq!(testdorf.release(domain::ReleaseId(2)).unwrap().kind, "institution_statistics");
    assert!(testdorf.observations.is_empty());
}

#[test]
fn institution_statistics_need_their_collection_and_are_never_changed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bimo.sqlite");
    let store = Store::open(&path).unwrap();
    store.import(release("Kitas", Audience::Public, schools("kitas", &["1"]))).unwrap();
    let err = store.import(release("Schüler", Audience::Public, pupils("schulen", &[("1", "1", 5.0)]))).unwrap_err();
    assert!(matches!(err, StoreError::UnknownCollection { .. }));
    assert_eq!(err.to_string(), "unknown collection schulen in Kommune testdorf");
    assert_eq!(store.data_version().unwrap(), 1);
    store.import(release("Schulen", Audience::Public, schools("schulen", &["1"]))).unwrap();
    store.import(release("Schüler", Audience::Public, pupils("schulen", &[("1", "1", 5.0)]))).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    for (sql, message) in [
        ("UPDATE institution_observation SET value = 1", "institution observations are never changed"),
        ("DELETE FROM institution_observation", "institution observations are never deleted"),
    ] {
        let err = conn.execute(sql, []).unwrap_err();
        assert!(err.to_string().contains(message), "{sql}: {err}");
    }
    assert_eq!(pupil_cells(&store, Audience::Public), [(3, "1".to_owned(), "klasse=1".to_owned(), 5.0)]);
}
