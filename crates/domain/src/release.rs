//! Releases: every import is one immutable, dated release.

use std::fmt;
use std::str::FromStr;

/// The store's number for a release; releases are numbered in the order they were made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReleaseId(pub i64);

impl fmt::Display for ReleaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Who may see a release. Ordered from the widest to the narrowest circle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Audience {
    /// Everyone, including the published atlas without login.
    Public,
    /// Partners of the city (Träger, neighbouring offices) and the city itself.
    Partner,
    /// Only the city administration.
    Internal,
}

impl Audience {
    /// Text form used in files, URLs and the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Public => "public",
            Audience::Partner => "partner",
            Audience::Internal => "internal",
        }
    }

    /// Whether a viewer cleared for `self` may see a release published for `release`.
    pub fn may_see(self, release: Audience) -> bool {
        release <= self
    }
}

/// An audience name that is not one of public, partner, internal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown audience {0:?}: expected public, partner or internal")]
pub struct AudienceError(String);

impl FromStr for Audience {
    type Err = AudienceError;
    fn from_str(s: &str) -> Result<Self, AudienceError> {
        match s {
            "public" => Ok(Audience::Public),
            "partner" => Ok(Audience::Partner),
            "internal" => Ok(Audience::Internal),
            other => Err(AudienceError(other.to_owned())),
        }
    }
}

/// Where the numbers of a release come from and under which terms they may be used.
#[derive(Debug, Clone, PartialEq)]
pub struct Provenance {
    /// The publisher and dataset, e.g. "Stadt Köln, Offene Daten: Bevölkerungsstatistik".
    pub source: String,
    /// Licence name, e.g. "CC BY 4.0" or "dl-de/by-2-0".
    pub licence: String,
    /// Attribution text required by the licence.
    pub attribution: String,
    /// Link to the source, if any.
    pub url: Option<String>,
}

/// A stored release.
#[derive(Debug, Clone, PartialEq)]
pub struct Release {
    /// Store number.
    pub id: ReleaseId,
    /// Short title.
    pub title: String,
    /// What the release contains: `layer`, `statistics` or `institutions`.
    pub kind: String,
    /// Source and licence.
    pub provenance: Provenance,
    /// Who may see it.
    pub audience: Audience,
    /// When it was imported (RFC 3339, UTC).
    pub imported_at: String,
    /// The imported file's name and SHA-256, so a release can be traced to its bytes.
    pub file: String,
    /// SHA-256 of the imported file(s), hex.
    pub sha256: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audiences_nest() {
        assert!(Audience::Internal.may_see(Audience::Public));
        assert!(Audience::Partner.may_see(Audience::Partner));
        assert!(!Audience::Public.may_see(Audience::Partner));
        assert_eq!("partner".parse::<Audience>().unwrap(), Audience::Partner);
        assert!("secret".parse::<Audience>().is_err());
    }
}
