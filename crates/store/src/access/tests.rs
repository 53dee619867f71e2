use domain::access::{DepartmentKind, Permission, Role};
use domain::{Audience, Kommune, Provenance, ReleaseId};

use super::*;
use crate::{Content, NewRelease};

const AT: &str = "2026-11-26T10:00:00Z";

fn dept(key: &str) -> DepartmentKey {
    key.parse().unwrap()
}

fn store_with_departments() -> Store {
    let store = Store::open_in_memory().unwrap();
    for (key, name, kind) in [
        ("schule", "Amt für Schule", DepartmentKind::Verwaltung),
        ("soziales", "Amt für Soziales", DepartmentKind::Verwaltung),
        ("traeger", "Träger e. V.", DepartmentKind::Partner),
    ] {
        store.add_department(&StoredDepartment { key: dept(key), name: name.into(), kind }, "system", AT).unwrap();
    }
    store
}

fn account(store: &Store, login: &str, department: &str, role: Role) -> AccountId {
    let id = store
        .add_account(
            &NewAccount { login: login.into(), name: login.into(), password_hash: "$argon2id$x".into() },
            "system",
            AT,
        )
        .unwrap();
    store.set_membership(login, &dept(department), Some(role), "system", AT).unwrap();
    id
}

fn release(store: &Store, audience: Audience, owner: Option<&str>) -> Result<ReleaseId, StoreError> {
    store.import(NewRelease {
        kommune: Kommune { key: "testdorf".parse().unwrap(), name: "Testdorf".into(), ags: None },
        title: "Einwohner".into(),
        provenance: Provenance { source: "Test".into(), licence: "CC0".into(), attribution: "Test".into(), url: None },
        audience,
        owner: owner.map(dept),
        imported_at: AT.into(),
        file: "t.csv".into(),
        sha256: "00".into(),
        content: Content::Statistics { variables: vec![], observations: vec![] },
    })
}

#[test]
fn owners_are_stored_and_must_exist() {
    let store = store_with_departments();
    let id = release(&store, Audience::Internal, Some("soziales")).unwrap();
    let (releases, grants) = store.release_access().unwrap();
    assert_eq!(releases, vec![ReleaseAccess { id, audience: Audience::Internal, owner: Some(dept("soziales")) }]);
    assert!(grants.is_empty());
    let err = release(&store, Audience::Internal, Some("bauamt")).unwrap_err();
    assert_eq!(err.to_string(), "unknown department bauamt");
    // The failed import left nothing behind.
    assert_eq!(store.release_access().unwrap().0.len(), 1);
}

#[test]
fn only_the_owners_admin_grants_and_every_grant_is_audited() {
    let store = store_with_departments();
    let admin = account(&store, "anna", "soziales", Role::Admin);
    let editor = account(&store, "emil", "soziales", Role::Editor);
    let stranger = account(&store, "sven", "schule", Role::Admin);
    let id = release(&store, Audience::Internal, Some("soziales")).unwrap();
    let version = store.access_version().unwrap();

    for actor in [editor, stranger] {
        let err = store.grant(actor, id, &dept("schule"), Some(Permission::Read), AT).unwrap_err();
        assert!(matches!(err, StoreError::Forbidden(_)), "{err}");
    }
    assert_eq!(store.access_version().unwrap(), version, "a refused grant stores nothing");

    store.grant(admin, id, &dept("schule"), Some(Permission::Read), AT).unwrap();
    let (_, grants) = store.release_access().unwrap();
    assert_eq!(grants, vec![Grant { release: id, department: dept("schule"), permission: Permission::Read }]);
    store.grant(admin, id, &dept("schule"), None, AT).unwrap();
    assert!(store.release_access().unwrap().1.is_empty(), "the newest event revokes");
    assert!(matches!(
        store.grant(admin, id, &dept("soziales"), Some(Permission::Read), AT),
        Err(StoreError::Forbidden(_))
    ));

    let log = store.audit_log(2).unwrap();
    assert_eq!((log[0].actor.as_str(), log[0].action.as_str()), ("anna", "grant"));
    assert_eq!(log[0].subject, format!("release {id} for department schule"));
    assert_eq!((log[0].before.as_deref(), log[0].after.as_deref()), (Some("read"), Some("none")));
    assert_eq!((log[1].before.as_deref(), log[1].after.as_deref()), (Some("none"), Some("read")));
}

#[test]
fn the_audit_log_cannot_be_changed() {
    let store = store_with_departments();
    let conn = store.conn();
    let err = conn.execute("DELETE FROM audit_log", []).unwrap_err();
    assert!(err.to_string().contains("never deleted"), "{err}");
    let err = conn.execute("UPDATE audit_log SET actor = 'x'", []).unwrap_err();
    assert!(err.to_string().contains("never changed"), "{err}");
}

#[test]
fn memberships_change_with_before_and_after_in_the_log() {
    let store = store_with_departments();
    account(&store, "anna", "soziales", Role::Reader);
    store.set_membership("anna", &dept("schule"), Some(Role::Editor), "admin", AT).unwrap();
    let anna = store.account("anna").unwrap().unwrap();
    assert_eq!(anna.memberships.len(), 2);
    let entry = &store.audit_log(1).unwrap()[0];
    assert_eq!(entry.before.as_deref(), Some("soziales:reader"));
    assert_eq!(entry.after.as_deref(), Some("schule:editor, soziales:reader"));
    assert!(matches!(
        store.set_membership("anna", &dept("bauamt"), Some(Role::Reader), "admin", AT),
        Err(StoreError::UnknownDepartment(_))
    ));
    assert!(matches!(
        store.add_account(&NewAccount { login: "anna".into(), name: "A".into(), password_hash: "h".into() }, "s", AT),
        Err(StoreError::DuplicateAccount(_))
    ));
}

#[test]
fn sessions_expire_and_end_with_a_password_change_or_a_lock() {
    let store = store_with_departments();
    let anna = account(&store, "anna", "soziales", Role::Reader);
    store.create_session("h1", anna, "csrf1", 100, 200).unwrap();
    assert_eq!(store.session("h1", 150).unwrap().unwrap().csrf, "csrf1");
    assert!(store.session("h1", 200).unwrap().is_none(), "expired");
    store.create_session("h2", anna, "csrf2", 100, 1000).unwrap();
    store.set_disabled("anna", true, "admin", AT).unwrap();
    assert!(store.session("h2", 150).unwrap().is_none(), "a locked account has no session");
    store.set_disabled("anna", false, "admin", AT).unwrap();
    store.create_session("h3", anna, "csrf3", 100, 1000).unwrap();
    store.set_password("anna", "$argon2id$y", "anna", AT).unwrap();
    assert!(store.session("h3", 150).unwrap().is_none(), "a new password ends every session");
    store.create_session("h4", anna, "csrf4", 100, 1000).unwrap();
    store.end_session("h4").unwrap();
    assert!(store.session("h4", 150).unwrap().is_none());
}

#[test]
fn sign_in_attempts_are_counted_before_they_are_checked() {
    let store = Store::open_in_memory().unwrap();
    for at in [100, 110, 120] {
        assert!(store.reserve_login_attempt("anna", at, 0, 3).unwrap());
    }
    assert!(!store.reserve_login_attempt("anna", 130, 0, 3).unwrap(), "the limit holds");
    assert!(store.reserve_login_attempt("bert", 130, 0, 3).unwrap(), "per login");
    // Attempts before the window no longer count.
    assert!(store.reserve_login_attempt("anna", 500, 115, 3).unwrap());
    store.clear_login_failures("anna").unwrap();
    for at in [600, 601, 602] {
        assert!(store.reserve_login_attempt("anna", at, 0, 3).unwrap());
    }
}
