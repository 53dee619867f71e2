use domain::access::{DepartmentKind, Permission, Role};
use domain::angebot::AngebotDraft;
use domain::massnahme::{Befund, MassnahmeDraft, Urteil, WirkungDraft};
use domain::{Kommune, Provenance};

use super::*;
use crate::{Content, NewAccount, NewRelease, StoredDepartment};

const AT: &str = "2026-11-26T10:00:00Z";

fn store() -> (Store, AccountId, AccountId) {
    let store = Store::open_in_memory().unwrap();
    store
        .import(NewRelease {
            kommune: Kommune { key: "testdorf".parse().unwrap(), name: "Testdorf".into(), ags: None },
            title: "Leer".into(),
            provenance: Provenance { source: "T".into(), licence: "CC0".into(), attribution: "T".into(), url: None },
            audience: Audience::Public,
            owner: None,
            imported_at: AT.into(),
            file: "t".into(),
            sha256: "00".into(),
            content: Content::Statistics { variables: vec![], observations: vec![] },
        })
        .unwrap();
    for (key, kind) in [("traeger", DepartmentKind::Partner), ("soziales", DepartmentKind::Verwaltung)] {
        store
            .add_department(&StoredDepartment { key: key.parse().unwrap(), name: key.into(), kind }, "system", AT)
            .unwrap();
    }
    let mut ids = Vec::new();
    for (login, department, role) in [("tina", "traeger", Role::Editor), ("rudi", "traeger", Role::Reader)] {
        let account = NewAccount { login: login.into(), name: login.into(), password_hash: "h".into() };
        ids.push(store.add_account(&account, "system", AT).unwrap());
        store.set_membership(login, &department.parse().unwrap(), Some(role), "system", AT).unwrap();
    }
    (store, ids[0], ids[1])
}

fn angebot(key: &str, title: &str) -> Angebot {
    Angebot::from_draft(&AngebotDraft {
        key: key.into(),
        title: title.into(),
        phase: "kita".into(),
        uebergang: "kita-grundschule".into(),
        target_group: "Kinder von 4 bis 6 Jahren".into(),
        traeger: "Träger e. V.".into(),
        longitude: "6,95".into(),
        latitude: "50,94".into(),
        capacity: "20".into(),
        languages: "Deutsch, Türkisch".into(),
        from: "2026-01-01".into(),
        ..AngebotDraft::default()
    })
    .unwrap()
}

fn new(angebot: Angebot, owner: DepartmentKey, audience: Audience, example: bool) -> NewAngebot {
    NewAngebot { angebot, owner, audience, example }
}

fn kommune() -> KommuneKey {
    "testdorf".parse().unwrap()
}

fn traeger() -> DepartmentKey {
    "traeger".parse().unwrap()
}

#[test]
fn editors_save_offers_as_versions_readers_do_not() {
    let (store, tina, rudi) = store();
    let err = store
        .save_angebot(
            Actor::Account(rudi),
            &kommune(),
            &new(angebot("a", "Lesepaten"), traeger(), Audience::Public, false),
            AT,
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::Forbidden(_)), "{err}");
    store
        .save_angebot(
            Actor::Account(tina),
            &kommune(),
            &new(angebot("a", "Lesepaten"), traeger(), Audience::Public, false),
            AT,
        )
        .unwrap();
    store
        .save_angebot(
            Actor::Account(tina),
            &kommune(),
            &new(angebot("a", "Lesepaten plus"), traeger(), Audience::Public, false),
            AT,
        )
        .unwrap();
    let list = store.angebote(&kommune(), &Viewer::Anonymous).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].angebot.title, "Lesepaten plus");
    assert_eq!(list[0].angebot, angebot("a", "Lesepaten plus"), "reads back exactly as saved");
    let log = store.audit_log(1).unwrap();
    assert_eq!(log[0].action, "save offer");
    assert!(log[0].before.as_deref().unwrap().contains("\"Lesepaten\""));
    assert!(log[0].after.as_deref().unwrap().contains("\"Lesepaten plus\""));
    // Another department may not take the offer over, even the system keeps its owner.
    let soziales: DepartmentKey = "soziales".parse().unwrap();
    let err = store
        .save_angebot(Actor::System, &kommune(), &new(angebot("a", "x"), soziales.clone(), Audience::Public, false), AT)
        .unwrap_err();
    assert!(matches!(err, StoreError::Forbidden(_)));
    store.withdraw_angebot(Actor::Account(tina), &kommune(), "a", AT).unwrap();
    assert!(store.angebote(&kommune(), &Viewer::Anonymous).unwrap().is_empty());
    assert!(matches!(
        store.withdraw_angebot(Actor::Account(tina), &kommune(), "a", AT),
        Err(StoreError::UnknownRecord(_))
    ));
}

#[test]
fn internal_offers_are_seen_by_their_department_only() {
    let (store, tina, _) = store();
    store
        .save_angebot(
            Actor::Account(tina),
            &kommune(),
            &new(angebot("b", "Entwurf"), traeger(), Audience::Internal, true),
            AT,
        )
        .unwrap();
    assert!(store.angebote(&kommune(), &Viewer::Anonymous).unwrap().is_empty());
    let tina = store.account("tina").unwrap().unwrap().viewer();
    let seen = store.angebote(&kommune(), &tina).unwrap();
    assert_eq!((seen.len(), seen[0].example), (1, true));
}

fn massnahme(lead: &str) -> Massnahme {
    Massnahme::from_draft(
        &MassnahmeDraft {
            key: "m-1".into(),
            title: "Sprachkita".into(),
            field: "bildung".into(),
            lead: lead.into(),
            status: "laufend".into(),
            priority: "1".into(),
            start: "2024-08-01".into(),
            areas: vec!["1".into()],
            effects: vec![WirkungDraft {
                indicator: "sprachfoerderbedarf".into(),
                baseline_period: "2023".into(),
                baseline: "30".into(),
                target: "25".into(),
                review: "2027-06-30".into(),
            }],
            ..MassnahmeDraft::default()
        },
        &|_| true,
    )
    .unwrap()
}

#[test]
fn measures_and_judgements_are_kept_with_their_history() {
    let (store, tina, rudi) = store();
    let layer: LayerKey = "quartier".parse().unwrap();
    assert!(matches!(
        store.save_massnahme(Actor::Account(tina), &kommune(), &layer, Audience::Internal, &massnahme("soziales"), AT),
        Err(StoreError::Forbidden(_))
    ));
    store
        .save_massnahme(Actor::Account(tina), &kommune(), &layer, Audience::Internal, &massnahme("traeger"), AT)
        .unwrap();
    let tina_viewer = store.account("tina").unwrap().unwrap().viewer();
    let list = store.massnahmen(&kommune(), &tina_viewer).unwrap();
    assert_eq!(list[0].massnahme, massnahme("traeger"));
    assert!(store.massnahmen(&kommune(), &Viewer::Anonymous).unwrap().is_empty(), "internal");
    let urteil = |effect| Urteil {
        effect,
        befund: Befund::AufKurs,
        reviewer: Person::new("Rita Review").unwrap(),
        comment: "Trend stimmt".into(),
        date: "2027-07-01".parse().unwrap(),
    };
    assert!(matches!(
        store.record_urteil(Actor::Account(rudi), &kommune(), "m-1", &urteil(0), AT),
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        store.record_urteil(Actor::Account(tina), &kommune(), "m-1", &urteil(1), AT),
        Err(StoreError::UnknownRecord(_))
    ));
    store.record_urteil(Actor::Account(tina), &kommune(), "m-1", &urteil(0), AT).unwrap();
    let judged = store.urteile(&kommune(), "m-1").unwrap();
    assert_eq!((judged.len(), judged[0].recorded_by.as_str()), (1, "tina"));
    assert_eq!(judged[0].urteil, urteil(0));
    let err = store.conn().execute("DELETE FROM massnahme_urteil", []).unwrap_err();
    assert!(err.to_string().contains("never deleted"));
}

#[test]
fn judgements_stay_with_their_effect_when_effects_are_reordered() {
    let (store, tina, _) = store();
    let layer: LayerKey = "quartier".parse().unwrap();
    let effect = |indicator: &str| WirkungDraft {
        indicator: indicator.into(),
        baseline_period: "2023".into(),
        baseline: "30".into(),
        target: "25".into(),
        review: "2027-06-30".into(),
    };
    let with = |effects: Vec<WirkungDraft>| {
        Massnahme::from_draft(&MassnahmeDraft { effects, ..massnahme("traeger").draft() }, &|_| true).unwrap()
    };
    let save =
        |m: &Massnahme| store.save_massnahme(Actor::Account(tina), &kommune(), &layer, Audience::Internal, m, AT);
    save(&with(vec![effect("a"), effect("b")])).unwrap();
    let urteil = Urteil {
        effect: 1,
        befund: Befund::Erreicht,
        reviewer: Person::new("R").unwrap(),
        comment: String::new(),
        date: "2027-07-01".parse().unwrap(),
    };
    store.record_urteil(Actor::Account(tina), &kommune(), "m-1", &urteil, AT).unwrap();
    save(&with(vec![effect("b"), effect("a")])).unwrap();
    assert_eq!(store.urteile(&kommune(), "m-1").unwrap()[0].urteil.effect, 0, "still on the effect on b");
    save(&with(vec![effect("a")])).unwrap();
    assert!(store.urteile(&kommune(), "m-1").unwrap().is_empty(), "the effect on b is gone");
}

#[test]
fn the_keeping_department_grants_its_records_to_another() {
    let (store, tina, _) = store();
    let account = |login: &str, department: &str, role| {
        let id = store
            .add_account(
                &NewAccount { login: login.into(), name: login.into(), password_hash: "h".into() },
                "system",
                AT,
            )
            .unwrap();
        store.set_membership(login, &department.parse().unwrap(), Some(role), "system", AT).unwrap();
        id
    };
    let anja = account("anja", "traeger", Role::Admin);
    let sofie = account("sofie", "soziales", Role::Editor);
    let draft = new(angebot("c", "Intern"), traeger(), Audience::Internal, false);
    store.save_angebot(Actor::Account(tina), &kommune(), &draft, AT).unwrap();
    let sofie_viewer = || store.account("sofie").unwrap().unwrap().viewer();
    assert!(store.angebote(&kommune(), &sofie_viewer()).unwrap().is_empty());
    let soziales: DepartmentKey = "soziales".parse().unwrap();
    assert!(matches!(
        store.grant_record(
            tina,
            RecordRef { kommune: &kommune(), kind: RecordKind::Angebot, key: "c" },
            &soziales,
            Some(Permission::Edit),
            AT
        ),
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(store.save_angebot(Actor::Account(sofie), &kommune(), &draft, AT), Err(StoreError::Forbidden(_))));
    store
        .grant_record(
            anja,
            RecordRef { kommune: &kommune(), kind: RecordKind::Angebot, key: "c" },
            &soziales,
            Some(Permission::Edit),
            AT,
        )
        .unwrap();
    assert_eq!(store.angebote(&kommune(), &sofie_viewer()).unwrap().len(), 1, "granted: seen");
    let changed = new(angebot("c", "Intern, ergänzt"), traeger(), Audience::Internal, false);
    store.save_angebot(Actor::Account(sofie), &kommune(), &changed, AT).unwrap();
    store
        .grant_record(anja, RecordRef { kommune: &kommune(), kind: RecordKind::Angebot, key: "c" }, &soziales, None, AT)
        .unwrap();
    assert!(store.angebote(&kommune(), &sofie_viewer()).unwrap().is_empty(), "revoked");
    assert!(matches!(
        store.grant_record(
            anja,
            RecordRef { kommune: &kommune(), kind: RecordKind::Angebot, key: "fehlt" },
            &soziales,
            Some(Permission::Read),
            AT
        ),
        Err(StoreError::UnknownRecord(_))
    ));
    let log = store.audit_log(1).unwrap();
    assert_eq!(
        (log[0].action.as_str(), log[0].before.as_deref(), log[0].after.as_deref()),
        ("grant", Some("edit"), Some("none"))
    );
}
