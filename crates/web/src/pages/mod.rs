//! HTML pages: the map, the table (with CSV), area profiles, schools and the sources page.
//!
//! Every page takes its view from the query string ([`ViewQuery`]), so every view has a stable URL.
//! This module holds what the pages share: the query, its resolution against the data, the map
//! controls and value formatting.

mod account;
mod angebote;
mod flows;
mod freigabe;
mod indicators;
mod lenkungskreis;
mod map;
mod massnahmen;
mod monitoring;
mod planning;
mod profile;
mod schools;
mod sources;
mod table;
mod ziele;

use axum::Router;
use axum::extract::{OriginalUri, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::Breakdown;
use domain::Period;
use domain::classify::ClassMethod;
use domain::measure::Measure;
use maud::{Markup, html};
use serde::Deserialize;

use crate::atlas::{AreaValue, KommuneAtlas, Series, View};
use crate::auth::CurrentUser;
use crate::views::page;
use crate::{AppError, AppState};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/quellen", get(sources::releases_page))
        .route("/anmelden", get(account::login_page).post(account::login))
        .route("/abmelden", post(account::logout))
        .route("/konto", get(account::account_page))
        .route("/konto/freigaben", post(account::grant))
        .route("/konto/passwort", post(account::change_password))
        .route("/konto/protokoll", get(account::audit_page))
        .route("/atlas/{kommune}", get(map::map_page))
        .route("/atlas/{kommune}/tabelle", get(table::table_page))
        .route("/atlas/{kommune}/tabelle.csv", get(table::table_csv))
        .route("/atlas/{kommune}/schulen", get(schools::schools_page))
        .route("/atlas/{kommune}/indikatoren", get(indicators::catalogue_page))
        .route("/atlas/{kommune}/indikatoren/uebersicht", get(indicators::overview_page))
        .route("/atlas/{kommune}/indikator/{indicator}", get(indicators::sheet_page))
        .route("/atlas/{kommune}/gebiet/{layer}/{area}", get(profile::profile_page))
        .route("/atlas/{kommune}/gebiet/{layer}/{area}/quartiersprofil.pdf", get(profile::profile_pdf))
        .route("/atlas/{kommune}/gebiet/{layer}/{area}/quartiersprofil.html", get(profile::profile_html))
        .route("/atlas/{kommune}/angebote", get(angebote::list_page).post(angebote::save))
        .route("/atlas/{kommune}/angebote/neu", get(angebote::new_page))
        .route("/atlas/{kommune}/angebot/{angebot}", get(angebote::offer_page))
        .route("/atlas/{kommune}/angebot/{angebot}/zurueckziehen", post(angebote::withdraw))
        .route("/atlas/{kommune}/angebot/{angebot}/freigabe", post(freigabe::offer))
        .route("/atlas/{kommune}/versorgung", get(angebote::coverage_page))
        .route("/atlas/{kommune}/ziele", get(ziele::goals_page))
        .route("/atlas/{kommune}/lenkungskreis", get(lenkungskreis::list_page).post(lenkungskreis::create))
        .route("/atlas/{kommune}/lenkungskreis/{sitzung}", get(lenkungskreis::meeting_page))
        .route("/atlas/{kommune}/lenkungskreis/{sitzung}/punkt", post(lenkungskreis::add_item))
        .route("/atlas/{kommune}/lenkungskreis/{sitzung}/beschluss", post(lenkungskreis::decide))
        .route("/atlas/{kommune}/lenkungskreis/{sitzung}/aufgabe", post(lenkungskreis::add_task))
        .route("/atlas/{kommune}/lenkungskreis/{sitzung}/erledigt", post(lenkungskreis::done))
        .route("/atlas/{kommune}/massnahmen", get(massnahmen::list_page).post(massnahmen::save))
        .route("/atlas/{kommune}/massnahmen/neu", get(massnahmen::new_page))
        .route("/atlas/{kommune}/massnahme/{massnahme}", get(massnahmen::measure_page))
        .route("/atlas/{kommune}/massnahme/{massnahme}/urteil", post(massnahmen::judge))
        .route("/atlas/{kommune}/massnahme/{massnahme}/freigabe", post(freigabe::measure))
        .route("/atlas/{kommune}/uebergaenge", get(flows::flows_page))
        .route("/atlas/{kommune}/planung", get(planning::plan_page))
        .route("/atlas/{kommune}/planung/schule/{school}", get(planning::school_page))
        .route("/atlas/{kommune}/planung/vergleich", get(planning::comparison_page))
        .route("/atlas/{kommune}/sozialmonitoring", get(monitoring::list_page))
        .route("/atlas/{kommune}/sozialmonitoring/{index}", get(monitoring::index_page))
        .route("/atlas/{kommune}/sozialmonitoring/{index}/tabelle.csv", get(monitoring::index_csv))
        .route("/atlas/{kommune}/sozialmonitoring/{index}/gebiet/{area}", get(monitoring::area_page))
        .route(
            "/static/atlas.css",
            get(|| async {
                ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], include_str!("../../static/atlas.css"))
            }),
        )
        .route(
            "/static/atlas.js",
            get(|| async {
                ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], include_str!("../../static/atlas.js"))
            }),
        )
        .fallback(not_found)
}

/// Unknown paths: an HTML page, except below `/api/` (which the API's own fallback misses for
/// `/api/` itself), where the answer is the API's JSON.
async fn not_found(OriginalUri(uri): OriginalUri) -> Response {
    if uri.path().starts_with("/api/") {
        AppError::NotFound("unknown API path".into()).into_response()
    } else {
        PageError(AppError::NotFound("Diese Seite gibt es nicht.".into())).into_response()
    }
}

/// An error of a page, answered as an HTML page in the atlas frame (with language, title and a way
/// back), not as the API's JSON: people reach these through old or mistyped links.
pub(crate) struct PageError(AppError);

/// Runs the building of a page on the blocking pool: maps, charts and tables are CPU work that
/// must not hold up the request runtime.
async fn off_runtime<T: Send + 'static>(
    build: impl FnOnce() -> Result<T, PageError> + Send + 'static,
) -> Result<T, PageError> {
    tokio::task::spawn_blocking(build).await.map_err(AppError::internal)?
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> PageError {
        PageError(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, text) = self.0.status_and_text();
        let heading = match status {
            StatusCode::NOT_FOUND => "Nicht gefunden",
            StatusCode::BAD_REQUEST => "Ungültige Anfrage",
            StatusCode::FORBIDDEN => "Nicht erlaubt",
            StatusCode::TOO_MANY_REQUESTS => "Zu viele Versuche",
            _ => "Fehler",
        };
        let body = html! {
            h1 { (heading) }
            p { (text) }
            p { a href="/" { "Zur Übersicht" } }
        };
        (status, page(heading, None, "", body)).into_response()
    }
}

/// The areas of a layer as a plain base map (no values, no links), for maps of points.
pub(crate) fn base_map(layer: Option<&store::LayerVersion>) -> Vec<render::MapArea<'_>> {
    layer
        .map(|l| {
            l.areas
                .iter()
                .filter_map(|a| {
                    Some(render::MapArea {
                        key: a.key.as_str(),
                        name: &a.name,
                        geometry: a.geometry.as_ref()?,
                        value: None,
                        value_text: String::new(),
                        href: None,
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A labelled text input of a form that comes back with problems: the message sits at the field
/// (`aria-describedby`, `aria-invalid`).
pub(crate) fn text_field(name: &str, label: &str, hint: &str, value: &str, message: &str) -> Markup {
    let invalid = !message.is_empty();
    html! {
        label {
            (label)
            @if !hint.is_empty() { span class="hint" { (hint) } }
            input type="text" name=(name) value=(value) aria-invalid=[invalid.then_some("true")] aria-describedby=[invalid.then(|| format!("fehler-{name}"))];
            @if invalid { span class="field-error" id=(format!("fehler-{name}")) { (message) } }
        }
    }
}

/// A grant form's department and permission (`none` revokes).
pub(crate) fn parse_grant(
    department: &str,
    permission: &str,
) -> Result<(domain::access::DepartmentKey, Option<domain::access::Permission>), AppError> {
    let department =
        department.parse().map_err(|_| AppError::BadRequest(format!("Unbekanntes Amt {department:?}.")))?;
    let permission = match permission {
        "none" => None,
        p => Some(p.parse().map_err(|_| AppError::BadRequest(format!("Unbekanntes Recht {p:?}.")))?),
    };
    Ok((department, permission))
}

/// The view parameters shared by map, table, CSV and profile; all optional, so every URL is stable
/// and shareable.
#[derive(Debug, Default, Deserialize, Clone)]
pub(crate) struct ViewQuery {
    layer: Option<String>,
    /// `variable` or `variable|breakdown`.
    var: Option<String>,
    year: Option<String>,
    measure: Option<String>,
    method: Option<String>,
    k: Option<usize>,
    schools: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
}

impl ViewQuery {
    fn with(&self, f: impl FnOnce(&mut ViewQuery)) -> ViewQuery {
        let mut q = self.clone();
        f(&mut q);
        q
    }

    fn encode(&self) -> String {
        let pairs = [
            ("layer", self.layer.clone()),
            ("var", self.var.clone()),
            ("year", self.year.clone()),
            ("measure", self.measure.clone()),
            ("method", self.method.clone()),
            ("k", self.k.map(|k| k.to_string())),
            ("schools", self.schools.clone()),
            ("sort", self.sort.clone()),
            ("dir", self.dir.clone()),
        ];
        let parts: Vec<String> = pairs.into_iter().filter_map(|(k, v)| Some(format!("{k}={}", encode(&v?)))).collect();
        if parts.is_empty() { String::new() } else { format!("?{}", parts.join("&")) }
    }

    fn show_schools(&self) -> bool {
        self.schools.as_deref() == Some("1")
    }
}

/// Percent-encodes a query value.
fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn series_param(s: &Series) -> String {
    if s.breakdown.is_total() { s.variable.to_string() } else { format!("{}|{}", s.variable, s.breakdown) }
}

/// Applies defaults and checks a view query against the data.
fn resolve<'a>(k: &'a KommuneAtlas, q: &ViewQuery) -> Result<View<'a>, AppError> {
    let series = match &q.var {
        Some(v) => {
            let (var, bd) = v.split_once('|').unwrap_or((v, ""));
            let bd = Breakdown::parse(bd).map_err(|e| AppError::BadRequest(e.to_string()))?;
            k.series(var, &bd).ok_or_else(|| AppError::NotFound(format!("kein Merkmal {v:?}")))?
        }
        None => default_series(k).ok_or_else(|| AppError::NotFound("keine Daten".into()))?,
    };
    let layer_key = match &q.layer {
        Some(l) => l.clone(),
        None => series
            .layers
            .iter()
            .filter_map(|l| k.data.layer(l.as_str(), None))
            .max_by_key(|v| v.areas.len())
            .map(|v| v.layer.key.to_string())
            .ok_or_else(|| AppError::NotFound("keine Ebene".into()))?,
    };
    let period = match &q.year {
        Some(y) => y.parse::<Period>().map_err(|e| AppError::BadRequest(e.to_string()))?,
        None => *series.periods.last().ok_or_else(|| AppError::NotFound("kein Zeitraum".into()))?,
    };
    let layer = k
        .data
        .layer(&layer_key, Some(period.start_year()))
        .or_else(|| k.data.layer(&layer_key, None))
        .ok_or_else(|| AppError::NotFound(format!("keine Ebene {layer_key:?}")))?;
    let has_base = k.share_base(series).is_some();
    let measure = match &q.measure {
        Some(m) => Measure::from_code(m)
            .filter(|m| series.measures(has_base).contains(m))
            .ok_or_else(|| AppError::BadRequest(format!("Darstellung {m:?} passt nicht zum Merkmal")))?,
        None => series.default_measure(has_base),
    };
    let method = match &q.method {
        Some(m) => {
            ClassMethod::from_code(m).ok_or_else(|| AppError::BadRequest(format!("unbekannte Klassifikation {m:?}")))?
        }
        None => ClassMethod::Quantile,
    };
    let classes = q.k.unwrap_or(5);
    if !(3..=7).contains(&classes) {
        return Err(AppError::BadRequest("Klassenzahl muss zwischen 3 und 7 liegen".into()));
    }
    Ok(View { layer, series, period, measure, method, classes })
}

/// The series a Kommune opens with: the total count that most other series refer to
/// (e.g. Einwohner or Bevölkerung).
fn default_series(k: &KommuneAtlas) -> Option<&Series> {
    let refs = |s: &Series| {
        k.series.iter().filter(|o| o.variable == s.variable && !o.breakdown.is_total()).count()
            + k.data.variables.iter().filter(|v| v.variable.share_of.as_ref() == Some(&s.variable)).count()
    };
    k.series.iter().filter(|s| s.breakdown.is_total()).max_by_key(|s| (refs(s), std::cmp::Reverse(s.label.clone())))
}

fn unit_label(view: &View<'_>) -> String {
    match view.measure {
        Measure::Absolute => match &view.series.unit {
            domain::Unit::Count | domain::Unit::Balance => "Anzahl".into(),
            domain::Unit::Percent => "%".into(),
            domain::Unit::Measure(u) => u.clone(),
        },
        Measure::ShareOfTotal => "%".into(),
        Measure::PerKm2 => "je km²".into(),
    }
}

fn value_text(v: &AreaValue<'_>, view: &View<'_>) -> String {
    match (v.value, v.symbol) {
        (Some(x), _) => match view.measure {
            Measure::ShareOfTotal => format!("{} %", render::format_de(x, 1)),
            Measure::PerKm2 => format!("{} je km²", render::format_de(x, 0)),
            Measure::Absolute if view.series.unit == domain::Unit::Percent => format!("{} %", render::format_de(x, 1)),
            Measure::Absolute => render::format_auto(x),
        },
        (None, Some(s)) => format!("{} ({})", s.as_str(), s.meaning()),
        (None, None) => "keine Daten".into(),
    }
}

fn kommune<'a>(atlas: &'a crate::atlas::Atlas, key: &str) -> Result<&'a KommuneAtlas, AppError> {
    atlas.kommune(key).ok_or_else(|| AppError::NotFound(format!("keine Kommune {key:?}")))
}

async fn home(State(state): State<AppState>, user: CurrentUser) -> Result<Response, PageError> {
    let atlas = state.atlas_for(&user.viewer()).await?;
    if let [only] = atlas.kommunen.as_slice() {
        return Ok(Redirect::to(&format!("/atlas/{}", only.data.kommune.key)).into_response());
    }
    Ok(page(
        "Übersicht",
        None,
        "",
        html! {
            h1 { "Kommunen" }
            @if atlas.kommunen.is_empty() {
                p { "Der Datenbestand ist leer. Daten laden mit " code { "bimo import MANIFEST.toml" } "." }
            }
            ul class="kommunen" {
                @for k in &atlas.kommunen {
                    li { a href=(format!("/atlas/{}", k.data.kommune.key)) { (k.data.kommune.name) }
                        " – " (k.data.layer_keys().len()) " Ebenen, " (k.series.len()) " Merkmale, "
                        (k.data.institutions.len()) " Einrichtungen" }
                }
            }
        },
    )
    .into_response())
}

/// The controls of map and table: a GET form, so the URL always describes the view.
fn controls(k: &KommuneAtlas, view: &View<'_>, q: &ViewQuery, action: &str) -> Markup {
    let key = k.data.kommune.key.as_str();
    let has_base = k.share_base(view.series).is_some();
    html! {
        form class="controls" method="get" action=(format!("/atlas/{key}{action}")) {
            label { "Ebene"
                select name="layer" {
                    @for l in k.data.layer_keys() {
                        @if let Some(v) = k.data.layer(l.as_str(), None) {
                            option value=(l) selected[l == &view.layer.layer.key] {
                                (v.layer.name) " (" (v.areas.len()) @if !view.series.layers.contains(l) { ", ohne Daten zum Merkmal" } ")"
                            }
                        }
                    }
                }
            }
            label { "Merkmal"
                select name="var" {
                    // Cross-tabulations (single age × sex, say) stay out of the menu: thousands of
                    // entries would bury it. Their URLs and the API still reach them.
                    @for s in k.series.iter().filter(|s| s.breakdown.pairs().len() <= 1 || std::ptr::eq(*s, view.series)) {
                        option value=(series_param(s)) selected[std::ptr::eq(s, view.series)] { (s.label) }
                    }
                }
            }
            label { "Jahr"
                select name="year" {
                    @for p in &view.series.periods {
                        option value=(p) selected[*p == view.period] { (p) }
                    }
                }
            }
            label { "Darstellung"
                select name="measure" {
                    @for m in view.series.measures(has_base) {
                        option value=(m.code()) selected[m == view.measure] { (m.label()) }
                    }
                }
            }
            label { "Klassifikation"
                select name="method" {
                    @for m in ClassMethod::ALL {
                        option value=(m.code()) selected[m == view.method] { (m.short_label()) }
                    }
                }
            }
            label { "Klassen"
                select name="k" {
                    @for n in 3..=7usize {
                        option value=(n) selected[n == view.classes] { (n) }
                    }
                }
            }
            label class="check" { input type="checkbox" name="schools" value="1" checked[q.show_schools()]; " Schulen zeigen" }
            button type="submit" { "Anzeigen" }
        }
    }
}

fn title_of(view: &View<'_>) -> String {
    format!("{} – {} ({}), {}", view.series.label, view.measure.label(), view.layer.layer.name, view.period)
}

/// The areas of a view as the renderer wants them, each linked to its profile with the view `link`.
fn map_areas<'a>(
    kommune: &str,
    view: &View<'_>,
    values: &'a [AreaValue<'a>],
    link: &ViewQuery,
) -> Vec<render::MapArea<'a>> {
    values
        .iter()
        .filter_map(|v| {
            Some(render::MapArea {
                key: v.area.key.as_str(),
                name: &v.area.name,
                geometry: v.area.geometry.as_ref()?,
                value: v.value,
                value_text: value_text(v, view),
                href: Some(format!(
                    "/atlas/{kommune}/gebiet/{}/{}{}",
                    view.layer.layer.key,
                    encode(v.area.key.as_str()),
                    link.encode()
                )),
            })
        })
        .collect()
}
