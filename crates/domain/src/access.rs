//! Who may see and change what: departments, roles, grants and publication tiers.
//!
//! The model is KomMonitor's: **departments** (Dezernat, Amt, or a partner organisation such as a
//! Träger) own resources; a person's **role** (reader, editor, admin) holds per department; the
//! owner of a resource **grants** read or edit on it to another department. On top of that every
//! release has a **publication tier** ([`Audience`]):
//!
//! | tier       | who sees it                                                                  |
//! |------------|------------------------------------------------------------------------------|
//! | `public`   | everyone, without login                                                      |
//! | `partner`  | every signed-in account, of the city or of a partner organisation            |
//! | `internal` | members of the owning department and of departments with a grant on it; a release without an owner: every member of a city department |
//!
//! Only an admin of the owning department may grant or revoke. An edit grant includes read.
//! These rules are pure; the web layer asks them for every request, so pages, API, exports and
//! downloads see the same releases.

use crate::release::{Audience, ReleaseId};

crate::key_type!(
    /// A department's key, e.g. `bildungsbuero` or `amt-fuer-soziales`.
    DepartmentKey
);

/// Whether a department belongs to the city administration or is a partner outside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DepartmentKind {
    /// A Dezernat or Amt of the city.
    Verwaltung,
    /// A partner organisation (Träger, neighbouring office) with accounts in bimo.
    Partner,
}

impl DepartmentKind {
    /// Text form used in files, forms and the store.
    pub fn as_str(self) -> &'static str {
        match self {
            DepartmentKind::Verwaltung => "verwaltung",
            DepartmentKind::Partner => "partner",
        }
    }
}

impl std::str::FromStr for DepartmentKind {
    type Err = AccessParseError;
    fn from_str(s: &str) -> Result<Self, AccessParseError> {
        match s {
            "verwaltung" => Ok(DepartmentKind::Verwaltung),
            "partner" => Ok(DepartmentKind::Partner),
            other => Err(AccessParseError { text: other.to_owned(), expected: "verwaltung or partner" }),
        }
    }
}

/// What a person may do in one department. Ordered: each role includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Sees what the department sees.
    Reader,
    /// Also changes the department's resources.
    Editor,
    /// Also grants the department's resources to other departments and manages its members.
    Admin,
}

impl Role {
    /// Text form used in files, forms and the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    /// The German name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Role::Reader => "Lesen",
            Role::Editor => "Bearbeiten",
            Role::Admin => "Verwalten",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = AccessParseError;
    fn from_str(s: &str) -> Result<Self, AccessParseError> {
        match s {
            "reader" => Ok(Role::Reader),
            "editor" => Ok(Role::Editor),
            "admin" => Ok(Role::Admin),
            other => Err(AccessParseError { text: other.to_owned(), expected: "reader, editor or admin" }),
        }
    }
}

/// What a grant allows. Ordered: edit includes read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Permission {
    /// See the resource.
    Read,
    /// See and change the resource.
    Edit,
}

impl Permission {
    /// Text form used in forms and the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::Read => "read",
            Permission::Edit => "edit",
        }
    }

    /// The German name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Permission::Read => "Lesen",
            Permission::Edit => "Bearbeiten",
        }
    }
}

impl std::str::FromStr for Permission {
    type Err = AccessParseError;
    fn from_str(s: &str) -> Result<Self, AccessParseError> {
        match s {
            "read" => Ok(Permission::Read),
            "edit" => Ok(Permission::Edit),
            other => Err(AccessParseError { text: other.to_owned(), expected: "read or edit" }),
        }
    }
}

/// A role, kind or permission name that is not one of the known ones.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown value {text:?}: expected {expected}")]
pub struct AccessParseError {
    text: String,
    expected: &'static str,
}

/// A person's role in one department.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    /// The department.
    pub department: DepartmentKey,
    /// Its kind, which decides whether the person counts as city staff.
    pub kind: DepartmentKind,
    /// The person's role there.
    pub role: Role,
}

/// A department's current grant on a record (an offer, a measure) of another department.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordGrant {
    /// The department it is granted to.
    pub department: DepartmentKey,
    /// What the grant allows.
    pub permission: Permission,
}

/// A record seen as a release, so that records and releases follow one set of rules.
fn as_release(audience: Audience, owner: &DepartmentKey, grants: &[RecordGrant]) -> (ReleaseAccess, Vec<Grant>) {
    let id = ReleaseId(0);
    let grants = grants
        .iter()
        .map(|g| Grant { release: id, department: g.department.clone(), permission: g.permission })
        .collect();
    (ReleaseAccess { id, audience, owner: Some(owner.clone()) }, grants)
}

/// Who is asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Viewer {
    /// Nobody signed in: the public atlas.
    Anonymous,
    /// A signed-in account with its memberships.
    Account(Vec<Membership>),
}

/// What the rules need to know about a release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseAccess {
    /// The release.
    pub id: ReleaseId,
    /// Its publication tier.
    pub audience: Audience,
    /// The department that owns it, if one was named at import.
    pub owner: Option<DepartmentKey>,
}

/// A department's current grant on a release (the newest grant event; revoked grants are absent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The granted release.
    pub release: ReleaseId,
    /// The department it is granted to.
    pub department: DepartmentKey,
    /// What the grant allows.
    pub permission: Permission,
}

impl Viewer {
    fn memberships(&self) -> &[Membership] {
        match self {
            Viewer::Anonymous => &[],
            Viewer::Account(m) => m,
        }
    }

    fn member_of(&self, department: &DepartmentKey) -> Option<Role> {
        self.memberships().iter().filter(|m| &m.department == department).map(|m| m.role).max()
    }

    /// The permission this viewer holds on a release through ownership or grants: owners' members
    /// edit if editor or admin, read if reader; grantees get what was granted (capped at read for
    /// readers of the grantee department).
    fn permission(&self, release: &ReleaseAccess, grants: &[Grant]) -> Option<Permission> {
        let own = release
            .owner
            .as_ref()
            .and_then(|o| self.member_of(o))
            .map(|role| if role >= Role::Editor { Permission::Edit } else { Permission::Read });
        let granted = grants
            .iter()
            .filter(|g| g.release == release.id)
            .filter_map(|g| {
                self.member_of(&g.department)
                    .map(|role| if role >= Role::Editor { g.permission } else { Permission::Read })
            })
            .max();
        own.max(granted)
    }

    /// Whether this viewer may see the release (its rows in pages, API, exports and downloads).
    pub fn may_read(&self, release: &ReleaseAccess, grants: &[Grant]) -> bool {
        match release.audience {
            Audience::Public => true,
            Audience::Partner => matches!(self, Viewer::Account(_)),
            Audience::Internal => match &release.owner {
                None => self.memberships().iter().any(|m| m.kind == DepartmentKind::Verwaltung),
                Some(_) => self.permission(release, grants).is_some(),
            },
        }
    }

    /// Whether this viewer may change the release's metadata or supersede it by a corrected import.
    pub fn may_edit(&self, release: &ReleaseAccess, grants: &[Grant]) -> bool {
        self.permission(release, grants) == Some(Permission::Edit)
    }

    /// Whether this viewer may grant or revoke access to the release: admins of its owner only.
    pub fn may_grant(&self, release: &ReleaseAccess) -> bool {
        release.owner.as_ref().and_then(|o| self.member_of(o)) == Some(Role::Admin)
    }

    /// Whether this viewer may see a record (an offer, a measure) that `owner` keeps for
    /// `audience`, with the grants the owner gave on it: the same rules as for a release.
    pub fn may_read_record(&self, audience: Audience, owner: &DepartmentKey, grants: &[RecordGrant]) -> bool {
        let (record, grants) = as_release(audience, owner, grants);
        self.may_read(&record, &grants)
    }

    /// Whether this viewer may change a record `owner` keeps: an editor or admin of the owner, or of
    /// a department with an edit grant on it.
    pub fn may_edit_record(&self, owner: &DepartmentKey, grants: &[RecordGrant]) -> bool {
        let (record, grants) = as_release(Audience::Internal, owner, grants);
        self.may_edit(&record, &grants)
    }

    /// Whether this viewer is an admin of `department` (and so grants its records to others).
    pub fn administers(&self, department: &DepartmentKey) -> bool {
        self.member_of(department) == Some(Role::Admin)
    }

    /// Whether this viewer may create and change the records `owner` keeps: an editor or admin there.
    pub fn may_edit_for(&self, owner: &DepartmentKey) -> bool {
        self.member_of(owner).is_some_and(|role| role >= Role::Editor)
    }

    /// The releases this viewer may see, in the order given.
    pub fn visible<'a>(&self, releases: &'a [ReleaseAccess], grants: &[Grant]) -> Vec<&'a ReleaseAccess> {
        releases.iter().filter(|r| self.may_read(r, grants)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dept(key: &str) -> DepartmentKey {
        DepartmentKey::new(key).unwrap()
    }

    fn member(key: &str, kind: DepartmentKind, role: Role) -> Membership {
        Membership { department: dept(key), kind, role }
    }

    fn release(id: i64, audience: Audience, owner: Option<&str>) -> ReleaseAccess {
        ReleaseAccess { id: ReleaseId(id), audience, owner: owner.map(dept) }
    }

    /// Every tier × owner × viewer, with the expected table written out by hand.
    #[test]
    fn read_matrix() {
        use DepartmentKind::{Partner, Verwaltung};
        let viewers = [
            ("anonym", Viewer::Anonymous),
            ("schule-leser", Viewer::Account(vec![member("schule", Verwaltung, Role::Reader)])),
            ("soziales-admin", Viewer::Account(vec![member("soziales", Verwaltung, Role::Admin)])),
            ("jugend-leser", Viewer::Account(vec![member("jugend", Verwaltung, Role::Reader)])),
            ("traeger", Viewer::Account(vec![member("traeger", Partner, Role::Editor)])),
        ];
        let releases = [
            release(1, Audience::Public, None),
            release(2, Audience::Partner, Some("schule")),
            release(3, Audience::Internal, Some("schule")),
            release(4, Audience::Internal, None),
            release(5, Audience::Internal, Some("soziales")),
        ];
        // Soziales grants release 5 to Jugend (read) and to the Träger (edit).
        let grants = [
            Grant { release: ReleaseId(5), department: dept("jugend"), permission: Permission::Read },
            Grant { release: ReleaseId(5), department: dept("traeger"), permission: Permission::Edit },
        ];
        let expected: [(&str, [bool; 5]); 5] = [
            ("anonym", [true, false, false, false, false]),
            ("schule-leser", [true, true, true, true, false]),
            ("soziales-admin", [true, true, false, true, true]),
            ("jugend-leser", [true, true, false, true, true]),
            ("traeger", [true, true, false, false, true]),
        ];
        for ((name, viewer), (name2, row)) in viewers.iter().zip(expected) {
            assert_eq!(*name, name2);
            let seen: Vec<bool> = releases.iter().map(|r| viewer.may_read(r, &grants)).collect();
            assert_eq!(seen, row, "{name}");
        }
    }

    #[test]
    fn edit_needs_an_editor_role_and_an_edit_right() {
        let release = release(5, Audience::Internal, Some("soziales"));
        let grants = [Grant { release: ReleaseId(5), department: dept("jugend"), permission: Permission::Edit }];
        let v = |key: &str, role| Viewer::Account(vec![member(key, DepartmentKind::Verwaltung, role)]);
        assert!(v("soziales", Role::Editor).may_edit(&release, &grants));
        assert!(!v("soziales", Role::Reader).may_edit(&release, &grants));
        assert!(v("jugend", Role::Editor).may_edit(&release, &grants));
        // A reader of the grantee department reads, but does not edit.
        assert!(!v("jugend", Role::Reader).may_edit(&release, &grants));
        assert!(v("jugend", Role::Reader).may_read(&release, &grants));
        // A grant on another release gives nothing.
        let other = ReleaseAccess { id: ReleaseId(6), ..release.clone() };
        assert!(!v("jugend", Role::Admin).may_read(&other, &grants));
    }

    #[test]
    fn only_the_owners_admins_grant() {
        let owned = release(5, Audience::Internal, Some("soziales"));
        let v = |key: &str, role| Viewer::Account(vec![member(key, DepartmentKind::Verwaltung, role)]);
        assert!(v("soziales", Role::Admin).may_grant(&owned));
        assert!(!v("soziales", Role::Editor).may_grant(&owned));
        assert!(!v("schule", Role::Admin).may_grant(&owned));
        assert!(!v("soziales", Role::Admin).may_grant(&release(4, Audience::Internal, None)));
        assert!(!Viewer::Anonymous.may_grant(&owned));
    }

    #[test]
    fn records_follow_the_tiers_and_editors_change_their_departments_records() {
        let v = |key: &str, role| Viewer::Account(vec![member(key, DepartmentKind::Verwaltung, role)]);
        let owner = dept("traeger");
        assert!(Viewer::Anonymous.may_read_record(Audience::Public, &owner, &[]));
        assert!(!Viewer::Anonymous.may_read_record(Audience::Partner, &owner, &[]));
        assert!(v("schule", Role::Reader).may_read_record(Audience::Partner, &owner, &[]));
        assert!(!v("schule", Role::Admin).may_read_record(Audience::Internal, &owner, &[]));
        assert!(v("traeger", Role::Reader).may_read_record(Audience::Internal, &owner, &[]));
        assert!(v("traeger", Role::Editor).may_edit_for(&owner));
        assert!(!v("traeger", Role::Reader).may_edit_for(&owner));
        assert!(!v("schule", Role::Admin).may_edit_for(&owner));
        // Grants on a record work as on a release: read lets see, edit lets an editor change.
        let read = [RecordGrant { department: dept("schule"), permission: Permission::Read }];
        let edit = [RecordGrant { department: dept("schule"), permission: Permission::Edit }];
        assert!(v("schule", Role::Reader).may_read_record(Audience::Internal, &owner, &read));
        assert!(!v("schule", Role::Editor).may_edit_record(&owner, &read));
        assert!(v("schule", Role::Editor).may_edit_record(&owner, &edit));
        assert!(!v("schule", Role::Reader).may_edit_record(&owner, &edit));
        assert!(v("traeger", Role::Editor).may_edit_record(&owner, &[]));
    }

    #[test]
    fn names_parse_and_refuse() {
        assert_eq!("admin".parse::<Role>().unwrap(), Role::Admin);
        assert_eq!("edit".parse::<Permission>().unwrap(), Permission::Edit);
        assert_eq!("partner".parse::<DepartmentKind>().unwrap(), DepartmentKind::Partner);
        assert_eq!(
            "chef".parse::<Role>().unwrap_err().to_string(),
            "unknown value \"chef\": expected reader, editor or admin"
        );
    }
}
