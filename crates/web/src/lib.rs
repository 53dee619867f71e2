//! The web atlas and the JSON API, as one axum [`Router`] built by [`app`].
//!
//! Handlers are thin: they extract the query, ask the [`atlas::Atlas`] (an in-memory view of the
//! store's current [`store::Snapshot`], rebuilt whenever a new release lands) and render a maud
//! template or JSON. Store reads run on the blocking pool, never on the request runtime.
//!
//! ```no_run
//! # async fn run() {
//! let store = std::sync::Arc::new(store::Store::open(std::path::Path::new("bimo.sqlite")).unwrap());
//! let router = web::app(web::AppState::new(store));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await.unwrap();
//! axum::serve(listener, router).await.unwrap();
//! # }
//! ```

mod api;
pub mod atlas;
mod audit;
pub mod auth;
mod error;
pub mod flows;
pub mod indicators;
pub mod monitoring;
mod pages;
pub mod planning;
pub mod reports;
pub mod versorgung;
mod views;

pub use api::OPENAPI;

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use axum::Router;
use domain::ReleaseId;
use domain::access::{Grant, ReleaseAccess, Viewer};
use store::Store;

pub use error::AppError;

/// Shared state: the store and the cached atlas built from it.
#[derive(Clone)]
pub struct AppState {
    store: Arc<Store>,
    secure_cookies: bool,
    catalogue: Arc<Vec<domain::indicator::Definition>>,
    targets: Arc<Vec<domain::indicator::Target>>,
    leitziele: Arc<Vec<domain::indicator::Leitziel>>,
    indices: Arc<Vec<monitoring::IndexDefinition>>,
    planning: Arc<Vec<import::PlanningConfig>>,
    versorgung: Arc<Vec<import::VersorgungConfig>>,
    reports: Option<Arc<dyn reports::Reports>>,
    access: Arc<RwLock<Option<CachedAccess>>>,
    cache: Arc<Mutex<Vec<CachedAtlas>>>,
}

/// Every release's tier and owner, and the current grants.
type AccessTable = (Vec<ReleaseAccess>, Vec<Grant>);

/// The access table with the store's access version it was read at.
type CachedAccess = ((i64, i64), Arc<AccessTable>);

/// An atlas with the set of releases it was built from (sorted): viewers who may see the same
/// releases share it.
type CachedAtlas = (Vec<ReleaseId>, Arc<atlas::Atlas>);

/// How many atlases (one per distinct set of visible releases) stay in memory.
const CACHED_ATLASES: usize = 4;

impl AppState {
    /// State for the atlas: without login only public releases are visible; a signed-in account
    /// sees what its departments' roles and grants allow (`domain::access`). Session cookies are
    /// `Secure`.
    pub fn new(store: Arc<Store>) -> AppState {
        AppState {
            store,
            secure_cookies: true,
            catalogue: Arc::new(Vec::new()),
            targets: Arc::new(Vec::new()),
            leitziele: Arc::new(Vec::new()),
            indices: Arc::new(Vec::new()),
            planning: Arc::new(Vec::new()),
            versorgung: Arc::new(Vec::new()),
            reports: None,
            access: Arc::new(RwLock::new(None)),
            cache: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// The same state with session cookies without the `Secure` flag, for an installation served
    /// over plain HTTP on a trusted network (browsers do not send `Secure` cookies over HTTP except
    /// to localhost).
    pub fn with_insecure_cookies(self) -> AppState {
        AppState { secure_cookies: false, ..self }
    }

    /// The same state with these indicator targets.
    pub fn with_targets(self, targets: Vec<domain::indicator::Target>) -> AppState {
        AppState { targets: Arc::new(targets), cache: Arc::new(Mutex::new(Vec::new())), ..self }
    }

    /// The same state with the Leitziele its targets make measurable.
    pub fn with_leitziele(self, leitziele: Vec<domain::indicator::Leitziel>) -> AppState {
        AppState { leitziele: Arc::new(leitziele), ..self }
    }

    /// The same state offering these composite indices (Sozialmonitoring) in the atlas.
    pub fn with_indices(self, indices: Vec<monitoring::IndexDefinition>) -> AppState {
        AppState { indices: Arc::new(indices), ..self }
    }

    /// The same state offering these school development plans (one per Kommune) in the atlas.
    pub fn with_planning(self, planning: Vec<import::PlanningConfig>) -> AppState {
        AppState { planning: Arc::new(planning), ..self }
    }

    /// The same state offering the coverage analysis of support offers (one configuration per
    /// Kommune).
    pub fn with_versorgung(self, versorgung: Vec<import::VersorgungConfig>) -> AppState {
        AppState { versorgung: Arc::new(versorgung), ..self }
    }

    /// The same state offering the documents `reports` typesets (the Quartiersprofil of each area)
    /// as downloads in the atlas.
    pub fn with_reports(self, reports: Arc<dyn reports::Reports>) -> AppState {
        AppState { reports: Some(reports), ..self }
    }

    /// The same state offering these indicator definitions on every Kommune's data.
    pub fn with_catalogue(self, catalogue: Vec<domain::indicator::Definition>) -> AppState {
        AppState { catalogue: Arc::new(catalogue), cache: Arc::new(Mutex::new(Vec::new())), ..self }
    }

    /// The atlas of the releases `viewer` may see, as the store stands now; built on the blocking
    /// pool when no cached one has the same releases.
    pub async fn atlas_for(&self, viewer: &Viewer) -> Result<Arc<atlas::Atlas>, AppError> {
        let state = self.clone();
        let viewer = viewer.clone();
        tokio::task::spawn_blocking(move || state.atlas_blocking(&viewer)).await.map_err(AppError::internal)?
    }

    /// The tiers, owners and grants of every release, read again only when a release or grant has
    /// landed since.
    fn release_access(&self) -> Result<Arc<AccessTable>, AppError> {
        let version = self.store.access_version().map_err(AppError::internal)?;
        if let Some((v, access)) = self.access.read().unwrap_or_else(PoisonError::into_inner).as_ref()
            && *v == version
        {
            return Ok(Arc::clone(access));
        }
        let access = Arc::new(self.store.release_access().map_err(AppError::internal)?);
        *self.access.write().unwrap_or_else(PoisonError::into_inner) = Some((version, Arc::clone(&access)));
        Ok(access)
    }

    /// The releases `viewer` may see, sorted.
    fn visible_releases(&self, viewer: &Viewer) -> Result<Vec<ReleaseId>, AppError> {
        let access = self.release_access()?;
        let (releases, grants) = &*access;
        Ok(viewer.visible(releases, grants).into_iter().map(|r| r.id).collect())
    }

    /// Whether `viewer` sees any release that is not public (then its exports are audited).
    pub(crate) fn sees_non_public(&self, viewer: &Viewer) -> Result<bool, AppError> {
        let access = self.release_access()?;
        let (releases, grants) = &*access;
        Ok(viewer.visible(releases, grants).iter().any(|r| r.audience != domain::Audience::Public))
    }

    fn atlas_blocking(&self, viewer: &Viewer) -> Result<Arc<atlas::Atlas>, AppError> {
        let visible = self.visible_releases(viewer)?;
        {
            let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(i) = cache.iter().position(|(ids, _)| *ids == visible) {
                // Most recently used last.
                let entry = cache.remove(i);
                let atlas = Arc::clone(&entry.1);
                cache.push(entry);
                return Ok(atlas);
            }
        }
        let set: HashSet<ReleaseId> = visible.iter().copied().collect();
        let snapshot = self.store.snapshot_of(&set).map_err(AppError::internal)?;
        let atlas = Arc::new(atlas::Atlas::new(snapshot, Arc::clone(&self.catalogue), Arc::clone(&self.targets)));
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        if !cache.iter().any(|(ids, _)| *ids == visible) {
            if cache.len() >= CACHED_ATLASES {
                cache.remove(0);
            }
            cache.push((visible, Arc::clone(&atlas)));
        }
        Ok(atlas)
    }
}

/// The whole application: pages, static assets and the API.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(pages::router())
        .nest("/api", api::router())
        .layer(axum::middleware::from_fn_with_state(state.clone(), audit::exports))
        .layer(axum::middleware::from_fn(auth::security_headers))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}
