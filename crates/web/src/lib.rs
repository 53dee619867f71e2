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
mod error;
pub mod indicators;
pub mod monitoring;
mod pages;
pub mod planning;
pub mod reports;
mod views;

pub use api::OPENAPI;

use std::sync::{Arc, RwLock};

use axum::Router;
use domain::Audience;
use store::Store;

pub use error::AppError;

/// Shared state: the store and the cached atlas built from it.
#[derive(Clone)]
pub struct AppState {
    store: Arc<Store>,
    audience: Audience,
    catalogue: Arc<Vec<domain::indicator::Definition>>,
    targets: Arc<Vec<domain::indicator::Target>>,
    indices: Arc<Vec<monitoring::IndexDefinition>>,
    planning: Arc<Vec<import::PlanningConfig>>,
    reports: Option<Arc<dyn reports::Reports>>,
    cache: Arc<RwLock<Option<CachedAtlas>>>,
}

/// The atlas together with the store data version it was built from.
type CachedAtlas = (i64, Arc<atlas::Atlas>);

impl AppState {
    /// State for the public atlas: without login, only public releases are visible.
    pub fn new(store: Arc<Store>) -> AppState {
        AppState {
            store,
            audience: Audience::Public,
            catalogue: Arc::new(Vec::new()),
            targets: Arc::new(Vec::new()),
            indices: Arc::new(Vec::new()),
            planning: Arc::new(Vec::new()),
            reports: None,
            cache: Arc::new(RwLock::new(None)),
        }
    }

    /// The same state with these indicator targets.
    pub fn with_targets(self, targets: Vec<domain::indicator::Target>) -> AppState {
        AppState { targets: Arc::new(targets), cache: Arc::new(RwLock::new(None)), ..self }
    }

    /// The same state offering these composite indices (Sozialmonitoring) in the atlas.
    pub fn with_indices(self, indices: Vec<monitoring::IndexDefinition>) -> AppState {
        AppState { indices: Arc::new(indices), ..self }
    }

    /// The same state offering these school development plans (one per Kommune) in the atlas.
    pub fn with_planning(self, planning: Vec<import::PlanningConfig>) -> AppState {
        AppState { planning: Arc::new(planning), ..self }
    }

    /// The same state offering the documents `reports` typesets (the Quartiersprofil of each area)
    /// as downloads in the atlas.
    pub fn with_reports(self, reports: Arc<dyn reports::Reports>) -> AppState {
        AppState { reports: Some(reports), ..self }
    }

    /// The same state offering these indicator definitions on every Kommune's data.
    pub fn with_catalogue(self, catalogue: Vec<domain::indicator::Definition>) -> AppState {
        AppState { catalogue: Arc::new(catalogue), cache: Arc::new(RwLock::new(None)), ..self }
    }

    /// The atlas for the store's current data version; rebuilt on the blocking pool when a release
    /// has landed since the last request.
    pub async fn atlas(&self) -> Result<Arc<atlas::Atlas>, AppError> {
        let state = self.clone();
        tokio::task::spawn_blocking(move || state.atlas_blocking()).await.map_err(AppError::internal)?
    }

    fn atlas_blocking(&self) -> Result<Arc<atlas::Atlas>, AppError> {
        let version = self.store.data_version().map_err(AppError::internal)?;
        if let Some((v, atlas)) = self.cache.read().unwrap_or_else(std::sync::PoisonError::into_inner).as_ref()
            && *v == version
        {
            return Ok(Arc::clone(atlas));
        }
        let snapshot = self.store.snapshot(self.audience).map_err(AppError::internal)?;
        let atlas = Arc::new(atlas::Atlas::new(snapshot, Arc::clone(&self.catalogue), Arc::clone(&self.targets)));
        *self.cache.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Some((version, Arc::clone(&atlas)));
        Ok(atlas)
    }
}

/// The whole application: pages, static assets and the API.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(pages::router())
        .nest("/api", api::router())
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}
