//! HTML pages: the map, the table (with CSV), area profiles, schools and the sources page.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use domain::classify::ClassMethod;
use domain::measure::Measure;
use domain::{Breakdown, Period};
use maud::{Markup, html};
use serde::Deserialize;

use crate::atlas::{AreaValue, KommuneAtlas, Series, View};
use crate::views::{page, sources, svg};
use crate::{AppError, AppState};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/quellen", get(releases_page))
        .route("/atlas/{kommune}", get(map_page))
        .route("/atlas/{kommune}/tabelle", get(table_page))
        .route("/atlas/{kommune}/tabelle.csv", get(table_csv))
        .route("/atlas/{kommune}/schulen", get(schools_page))
        .route("/atlas/{kommune}/gebiet/{layer}/{area}", get(profile_page))
        .route("/static/atlas.css", get(|| async { ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], include_str!("../static/atlas.css")) }))
        .route("/static/atlas.js", get(|| async { ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], include_str!("../static/atlas.js")) }))
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
        Some(m) => ClassMethod::from_code(m).ok_or_else(|| AppError::BadRequest(format!("unbekannte Klassifikation {m:?}")))?,
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

async fn home(State(state): State<AppState>) -> Result<Response, AppError> {
    let atlas = state.atlas().await?;
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
                    @for s in &k.series {
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

async fn map_page(State(state): State<AppState>, Path(key): Path<String>, Query(q): Query<ViewQuery>) -> Result<Markup, AppError> {
    let atlas = state.atlas().await?;
    let k = kommune(&atlas, &key)?;
    let view = resolve(k, &q)?;
    let values = k.values(&view);
    let breaks = k.breaks(&view, &values);
    let profile_q = ViewQuery { layer: None, sort: None, dir: None, ..q.clone() };
    let areas: Vec<render::MapArea<'_>> = values
        .iter()
        .filter_map(|v| {
            Some(render::MapArea {
                key: v.area.key.as_str(),
                name: &v.area.name,
                geometry: v.area.geometry.as_ref()?,
                value: v.value,
                value_text: value_text(v, &view),
                href: Some(format!("/atlas/{key}/gebiet/{}/{}{}", view.layer.layer.key, encode(v.area.key.as_str()), profile_q.encode())),
            })
        })
        .collect();
    let point_labels: Vec<String> = if q.show_schools() { k.data.institutions.iter().map(|i| institution_label(&i.institution)).collect() } else { Vec::new() };
    let points: Vec<render::MapPoint<'_>> = k
        .data
        .institutions
        .iter()
        .zip(&point_labels)
        .map(|(i, label)| render::MapPoint {
            key: &i.institution.key,
            label,
            location: i.institution.location,
            href: Some(format!("/atlas/{key}/schulen#schule-{}", encode(&i.institution.key))),
        })
        .collect();
    let title = title_of(&view);
    let map = render::choropleth(&render::ChoroplethSpec { title: &title, areas, breaks: breaks.as_ref(), points, highlight: None, width: 760.0, height: 620.0 });
    let has_missing = values.iter().any(|v| v.value.is_none());
    let releases = k.releases_of(&values);
    let school_releases: Vec<&domain::Release> = if q.show_schools() {
        let mut ids: Vec<_> = k.data.institutions.iter().map(|i| i.release).collect();
        ids.sort();
        ids.dedup();
        ids.into_iter().filter_map(|id| k.data.release(id)).collect()
    } else {
        Vec::new()
    };
    Ok(page(
        &title,
        Some((&key, &k.data.kommune.name)),
        "karte",
        html! {
            div class="atlas" {
                aside { h1 { (k.data.kommune.name) } (controls(k, &view, &q, "")) }
                section class="mapbox" aria-labelledby="maptitle" {
                    h2 id="maptitle" { (title) }
                    p class="hint" { "Gebiet überfahren oder mit Tab ansteuern, um den Wert zu lesen; anklicken oder Enter öffnet das Gebietsprofil. "
                        a href=(format!("/atlas/{key}/tabelle{}", q.encode())) { "Dieselben Daten als Tabelle" } "." }
                    div class="mapwrap" {
                        div class="map" { (svg(map)) div id="tooltip" class="tooltip" role="status" aria-live="polite" {} }
                        @if let Some(b) = &breaks {
                            div class="legend" { (svg(render::legend(b, view.method.label(), &unit_label(&view), has_missing))) }
                        } @else {
                            p { "Für diese Auswahl liegen keine Werte vor." }
                        }
                    }
                    (sources(&releases))
                    (sources(&school_releases))
                }
            }
        },
    ))
}

/// "Name (Schulform), Schülerzahl: 220, Schulsozialindex: 5": the text of a school on the map.
fn institution_label(i: &domain::Institution) -> String {
    let mut text = format!("{} ({})", i.name, i.kind);
    for (name, value) in &i.attributes {
        if !value.is_empty() {
            text.push_str(&format!(", {name}: {value}"));
        }
    }
    text
}

fn sorted<'a>(mut values: Vec<AreaValue<'a>>, q: &ViewQuery) -> Vec<AreaValue<'a>> {
    match q.sort.as_deref() {
        Some("name") => values.sort_by(|a, b| a.area.name.cmp(&b.area.name)),
        Some("wert") => values.sort_by(|a, b| match (a.value, b.value) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => a.area.key.cmp(&b.area.key),
        }),
        _ => {}
    }
    if q.dir.as_deref() == Some("desc") {
        values.reverse();
    }
    values
}

async fn table_page(State(state): State<AppState>, Path(key): Path<String>, Query(q): Query<ViewQuery>) -> Result<Markup, AppError> {
    let atlas = state.atlas().await?;
    let k = kommune(&atlas, &key)?;
    let view = resolve(k, &q)?;
    let values = sorted(k.values(&view), &q);
    let breaks = k.breaks(&view, &values);
    let releases = k.releases_of(&values);
    let title = title_of(&view);
    let sort_link = |col: &str| {
        let desc = q.sort.as_deref() == Some(col) && q.dir.as_deref() != Some("desc");
        format!("/atlas/{key}/tabelle{}", q.with(|q| { q.sort = Some(col.into()); q.dir = desc.then(|| "desc".into()); }).encode())
    };
    let aria_sort = |col: &str| match (q.sort.as_deref() == Some(col), q.dir.as_deref()) {
        (true, Some("desc")) => "descending",
        (true, _) => "ascending",
        _ => "none",
    };
    Ok(page(
        &title,
        Some((&key, &k.data.kommune.name)),
        "tabelle",
        html! {
            div class="atlas" {
                aside { h1 { (k.data.kommune.name) } (controls(k, &view, &q, "/tabelle")) }
                section {
                    h2 { (title) }
                    p { a href=(format!("/atlas/{key}/tabelle.csv{}", q.encode())) download { "Als CSV herunterladen" } " · "
                        a href=(format!("/atlas/{key}{}", q.encode())) { "Als Karte zeigen" } }
                    div class="scroll" { table class="data" {
                        caption class="sr-only" { (title) }
                        thead { tr {
                            th scope="col" { "Schlüssel" }
                            th scope="col" aria-sort=(aria_sort("name")) { a href=(sort_link("name")) { "Gebiet" (arrow(aria_sort("name"))) } }
                            th scope="col" class="num" aria-sort=(aria_sort("wert")) { a href=(sort_link("wert")) { (view.measure.label()) (arrow(aria_sort("wert"))) } }
                            th scope="col" { "Klasse" }
                        } }
                        tbody {
                            @for v in &values {
                                tr {
                                    td { (v.area.key) }
                                    td { a href=(format!("/atlas/{key}/gebiet/{}/{}{}", view.layer.layer.key, encode(v.area.key.as_str()), q.with(|q| { q.layer = None; q.sort = None; q.dir = None; }).encode())) { (v.area.name) } }
                                    td class="num" { (value_text(v, &view)) }
                                    td { @if let (Some(b), Some(x)) = (&breaks, v.value) { (b.class_of(x) + 1) " von " (b.len()) } }
                                }
                            }
                        }
                    } }
                    (sources(&releases))
                }
            }
        },
    ))
}

/// The visible sort marker of a column header (the state is in `aria-sort` for screen readers).
fn arrow(aria_sort: &str) -> &'static str {
    match aria_sort {
        "ascending" => " ▲",
        "descending" => " ▼",
        _ => "",
    }
}

/// Escapes a CSV field for `;`-separated output.
fn csv_field(s: &str) -> String {
    if s.contains([';', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
}

async fn table_csv(State(state): State<AppState>, Path(key): Path<String>, Query(q): Query<ViewQuery>) -> Result<Response, AppError> {
    let atlas = state.atlas().await?;
    let k = kommune(&atlas, &key)?;
    let view = resolve(k, &q)?;
    let values = sorted(k.values(&view), &q);
    // German spreadsheet convention: BOM, `;` separator, decimal comma.
    let mut out = String::from("\u{feff}schluessel;gebiet;ebene;merkmal;zeitraum;darstellung;wert;zeichen;quelle;lizenz\r\n");
    for v in &values {
        let releases = k.releases_of(std::slice::from_ref(v));
        let source: Vec<&str> = releases.iter().map(|r| r.provenance.attribution.as_str()).collect();
        let licence: Vec<&str> = releases.iter().map(|r| r.provenance.licence.as_str()).collect();
        let fields = [
            v.area.key.to_string(),
            v.area.name.clone(),
            view.layer.layer.key.to_string(),
            view.series.label.clone(),
            view.period.to_string(),
            view.measure.label().to_owned(),
            v.value.map(|x| x.to_string().replace('.', ",")).unwrap_or_default(),
            v.symbol.map(|s| s.as_str().to_owned()).unwrap_or_default(),
            source.join(" / "),
            licence.join(" / "),
        ];
        out.push_str(&fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(";"));
        out.push_str("\r\n");
    }
    let filename = format!("bimo-{key}-{}-{}.csv", view.layer.layer.key, view.period.to_string().replace('/', "-"));
    Ok((
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\""))],
        out,
    )
        .into_response())
}

async fn schools_page(State(state): State<AppState>, Path(key): Path<String>) -> Result<Markup, AppError> {
    let atlas = state.atlas().await?;
    let k = kommune(&atlas, &key)?;
    let finest = k.data.layer_keys().last().and_then(|l| k.data.layer(l.as_str(), None));
    let located: Vec<Option<&domain::Area>> = match finest {
        Some(layer) => {
            let with_geometry: Vec<&domain::Area> = layer.areas.iter().filter(|a| a.geometry.is_some()).collect();
            let index = domain::locate::AreaIndex::new(with_geometry.iter().filter_map(|a| a.geometry.as_ref()));
            k.data.institutions.iter().map(|i| index.locate(i.institution.location).map(|n| with_geometry[n])).collect()
        }
        None => vec![None; k.data.institutions.len()],
    };
    let attribute_names: Vec<&str> = {
        let mut names: Vec<&str> = Vec::new();
        for i in &k.data.institutions {
            for (n, _) in &i.institution.attributes {
                if !names.contains(&n.as_str()) {
                    names.push(n);
                }
            }
        }
        names
    };
    let mut ids: Vec<_> = k.data.institutions.iter().map(|i| i.release).collect();
    ids.sort();
    ids.dedup();
    let releases: Vec<&domain::Release> = ids.into_iter().filter_map(|id| k.data.release(id)).collect();
    Ok(page(
        "Schulen",
        Some((&key, &k.data.kommune.name)),
        "schulen",
        html! {
            h1 { "Schulen in " (k.data.kommune.name) }
            p { (k.data.institutions.len()) " Einrichtungen. "
                a href=(format!("/atlas/{key}?schools=1")) { "Auf der Karte zeigen" } }
            div class="scroll" { table class="data" {
                caption class="sr-only" { "Schulen mit Schulform, Lage und Merkmalen" }
                thead { tr {
                    th scope="col" { "Schulnummer" } th scope="col" { "Name" } th scope="col" { "Schulform" }
                    th scope="col" { (finest.map(|l| l.layer.name.as_str()).unwrap_or("Gebiet")) }
                    @for n in &attribute_names { th scope="col" { (n) } }
                } }
                tbody {
                    @for (i, area) in k.data.institutions.iter().zip(&located) {
                        tr id=(format!("schule-{}", i.institution.key)) {
                            td { (i.institution.key) } td { (i.institution.name) } td { (i.institution.kind) }
                            td { @if let (Some(a), Some(l)) = (area, finest) {
                                a href=(format!("/atlas/{key}/gebiet/{}/{}", l.layer.key, encode(a.key.as_str()))) { (a.name) } } }
                            @for n in &attribute_names {
                                td { (i.institution.attributes.iter().find(|(a, _)| a == n).map(|(_, v)| v.as_str()).unwrap_or("")) }
                            }
                        }
                    }
                }
            } }
            (sources(&releases))
        },
    ))
}

/// German name of a release kind.
fn kind_label(kind: &str) -> &str {
    match kind {
        "layer" => "Gebiete",
        "statistics" => "Statistik",
        "institutions" => "Einrichtungen",
        other => other,
    }
}

/// "2026-11-26T09:29:41Z" → "26.11.2026, 09:29 UTC"; other text is returned as it is.
fn german_timestamp(rfc3339: &str) -> String {
    let parts = (rfc3339.get(0..4), rfc3339.get(5..7), rfc3339.get(8..10), rfc3339.get(11..16));
    match parts {
        (Some(y), Some(m), Some(d), Some(hm)) if rfc3339.ends_with('Z') => format!("{d}.{m}.{y}, {hm} UTC"),
        _ => rfc3339.to_owned(),
    }
}

async fn releases_page(State(state): State<AppState>) -> Result<Markup, AppError> {
    let atlas = state.atlas().await?;
    Ok(page(
        "Quellen & Lizenzen",
        None,
        "quellen",
        html! {
            h1 { "Quellen & Lizenzen" }
            p { "Jeder Import ist ein unveränderlicher Datenstand. Eine korrigierte Datei wird ein neuer Datenstand; ältere bleiben über die API abrufbar. Ohne Anmeldung sind nur öffentliche Datenstände sichtbar." }
            @for k in &atlas.kommunen {
                h2 { (k.data.kommune.name) }
                div class="scroll" { table class="data" {
                    caption class="sr-only" { "Datenstände " (k.data.kommune.name) }
                    thead { tr { th scope="col" { "Nr." } th scope="col" { "Titel" } th scope="col" { "Art" } th scope="col" { "Quelle" }
                        th scope="col" { "Lizenz" } th scope="col" { "Namensnennung" } th scope="col" { "Importiert" } th scope="col" { "Datei (SHA-256)" } } }
                    tbody {
                        @for r in &k.data.releases {
                            tr id=(format!("release-{}", r.id)) {
                                td { (r.id) } td { (r.title) } td { (kind_label(&r.kind)) }
                                td { @if let Some(u) = &r.provenance.url { a href=(u) { (r.provenance.source) } } @else { (r.provenance.source) } }
                                td class="nowrap" { (r.provenance.licence) } td { (r.provenance.attribution) }
                                td class="nowrap" { time datetime=(r.imported_at) { (german_timestamp(&r.imported_at)) } }
                                td class="file" { (r.file) br; code title=(r.sha256) { (r.sha256.get(..16).unwrap_or(&r.sha256)) "…" } }
                            }
                        }
                    }
                } }
            }
        },
    ))
}

/// The heading under which a key figure of a breakdown is listed, e.g. "Einwohner nach alter
/// (Anteil in %)"; `None` for totals, which stand on their own.
fn figure_group(k: &KommuneAtlas, s: &Series, m: Measure) -> Option<String> {
    if s.breakdown.is_total() {
        return None;
    }
    let label = k.data.variable(s.variable.as_str()).map(|v| v.variable.label.as_str()).unwrap_or(s.variable.as_str());
    let dims: Vec<&str> = s.breakdown.pairs().iter().map(|(d, _)| d.as_str()).collect();
    let dims: Vec<String> = dims.iter().map(|d| capitalised(d)).collect();
    Some(format!("{label} nach {} ({})", dims.join(", "), m.label()))
}

/// The text with its first letter in upper case ("alter" → "Alter").
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The measure a key figure is shown in: shares for parts, values as published otherwise.
fn key_figure_measure(k: &KommuneAtlas, s: &Series) -> Measure {
    if k.share_base(s).is_some() { Measure::ShareOfTotal } else { Measure::Absolute }
}

async fn profile_page(
    State(state): State<AppState>,
    Path((key, layer_key, area_key)): Path<(String, String, String)>,
    Query(q): Query<ViewQuery>,
) -> Result<Markup, AppError> {
    let atlas = state.atlas().await?;
    let k = kommune(&atlas, &key)?;
    let view = resolve(k, &q.with(|q| q.layer = Some(layer_key.clone())))?;
    let year = Some(view.period.start_year());
    let layer = view.layer;
    let area = layer
        .areas
        .iter()
        .find(|a| a.key.as_str() == area_key)
        .ok_or_else(|| AppError::NotFound(format!("kein Gebiet {area_key:?} in {layer_key:?}")))?;
    let ancestors = k.ancestors(layer, area, year);
    let parent = ancestors.last().copied();
    let city = k.city(year).filter(|(l, _)| l.layer.key != layer.layer.key);
    let link_q = q.with(|q| { q.layer = None; q.sort = None; q.dir = None; });
    let mut used = Vec::new();

    // Key figures of the chosen period: area against parent area and city.
    let comparisons: Vec<(&str, &store::LayerVersion, &domain::Area)> = std::iter::once((area.name.as_str(), layer, area))
        .chain(parent.map(|(l, a)| (a.name.as_str(), l, a)))
        .chain(city.filter(|c| parent.is_none_or(|p| p.1.key != c.1.key)).map(|(l, a)| (a.name.as_str(), l, a)))
        .collect();
    let figures: Vec<(&Series, Measure, Vec<String>)> = k
        .series
        .iter()
        .filter(|s| s.periods.contains(&view.period) && s.layers.contains(&layer.layer.key))
        .map(|s| {
            let m = key_figure_measure(k, s);
            let cells = comparisons
                .iter()
                .map(|(_, l, a)| {
                    let v = k.value(l, a, s, view.period, m);
                    used.extend(v.releases.iter().copied());
                    let shown = View { layer: l, series: s, period: view.period, measure: m, method: view.method, classes: view.classes };
                    value_text(&v, &shown)
                })
                .collect();
            (s, m, cells)
        })
        .collect();

    // Time series of the chosen series for the area, its parent and the city.
    let periods = &view.series.periods;
    let lines: Vec<render::Series<'_>> = comparisons
        .iter()
        .map(|(name, l, a)| render::Series {
            name,
            values: periods.iter().map(|p| k.value(l, a, view.series, *p, view.measure).value).collect(),
        })
        .collect();
    let line_title = format!("{} ({}) {}–{}", view.series.label, view.measure.label(), periods.first().map(ToString::to_string).unwrap_or_default(), periods.last().map(ToString::to_string).unwrap_or_default());
    let unit = unit_label(&view);
    let suffix = if unit == "%" { " %" } else { "" };
    let line = render::line_chart(&render::LineChartSpec {
        title: &line_title,
        periods: periods.iter().map(ToString::to_string).collect(),
        series: lines,
        y_label: &unit,
        value_suffix: suffix,
        width: 560.0,
        height: 320.0,
    });

    // Age structure: the categories of an "alter" breakdown of the chosen (or any) variable.
    let age_series: Vec<&Series> = {
        let of = |var: &domain::VariableKey| -> Vec<&Series> {
            k.series.iter().filter(|s| &s.variable == var && s.breakdown.pairs().len() == 1 && s.breakdown.pairs()[0].0 == "alter").collect()
        };
        let own = of(&view.series.variable);
        if own.is_empty() { k.series.iter().find(|s| !of(&s.variable).is_empty()).map(|s| of(&s.variable)).unwrap_or_default() } else { own }
    };
    let age = (!age_series.is_empty()).then(|| {
        let reference = city.or(parent);
        let bands: Vec<render::AgeBand<'_>> = age_series
            .iter()
            .map(|s| render::AgeBand {
                label: &s.breakdown.pairs()[0].1,
                share: k.value(layer, area, s, view.period, Measure::ShareOfTotal).value,
                comparison: reference.and_then(|(l, a)| k.value(l, a, s, view.period, Measure::ShareOfTotal).value),
                by_sex: None,
            })
            .collect();
        render::age_chart(&render::AgeChartSpec {
            title: &format!("Altersaufbau {} {}", area.name, view.period),
            area_name: &area.name,
            comparison_name: reference.map(|(_, a)| a.name.as_str()).unwrap_or(""),
            bands,
            width: 560.0,
            height: 360.0,
        })
    });

    // Locator map: the layer with this area highlighted.
    let values = k.values(&view);
    let breaks = k.breaks(&view, &values);
    let map_areas: Vec<render::MapArea<'_>> = values
        .iter()
        .filter_map(|v| {
            Some(render::MapArea {
                key: v.area.key.as_str(),
                name: &v.area.name,
                geometry: v.area.geometry.as_ref()?,
                value: v.value,
                value_text: value_text(v, &view),
                href: Some(format!("/atlas/{key}/gebiet/{}/{}{}", layer.layer.key, encode(v.area.key.as_str()), link_q.encode())),
            })
        })
        .collect();
    let locator = render::choropleth(&render::ChoroplethSpec {
        title: &format!("Lage von {} – {}", area.name, title_of(&view)),
        areas: map_areas,
        breaks: breaks.as_ref(),
        points: Vec::new(),
        highlight: Some(area.key.as_str()),
        width: 560.0,
        height: 420.0,
    });

    let schools = k.institutions_in(area);
    used.extend(schools.iter().map(|s| s.release));
    used.extend(values.iter().flat_map(|v| v.releases.iter().copied()));
    used.sort();
    used.dedup();
    let releases: Vec<&domain::Release> = used.into_iter().filter_map(|id| k.data.release(id)).collect();
    let title = format!("{} ({})", area.name, layer.layer.name);
    Ok(page(
        &title,
        Some((&key, &k.data.kommune.name)),
        "karte",
        html! {
            nav class="breadcrumb" aria-label="Übergeordnete Gebiete" {
                a href=(format!("/atlas/{key}{}", q.with(|q| q.layer = Some(layer_key.clone())).encode())) { "Karte " (k.data.kommune.name) }
                @for (l, a) in &ancestors {
                    "› " a href=(format!("/atlas/{key}/gebiet/{}/{}{}", l.layer.key, encode(a.key.as_str()), link_q.encode())) { (a.name) } " "
                }
            }
            h1 { (area.name) " " small { "(" (layer.layer.name) " " (area.key) ")" } }
            div class="profile" {
                section aria-labelledby="kennzahlen" {
                    h2 id="kennzahlen" { "Kennzahlen " (view.period) }
                    table class="data" {
                        caption { "Kennzahlen im Vergleich" }
                        thead { tr { th scope="col" { "Merkmal" } @for (name, _, _) in &comparisons { th scope="col" class="num" { (name) } } } }
                        tbody {
                            @for (i, (s, m, cells)) in figures.iter().enumerate() {
                                @let group = figure_group(k, s, *m);
                                @if i == 0 || figure_group(k, figures[i - 1].0, figures[i - 1].1) != group {
                                    @if let Some(g) = &group { tr class="group" { th scope="rowgroup" colspan=(comparisons.len() + 1) { (g) } } }
                                }
                                tr {
                                    th scope="row" class=[group.as_ref().map(|_| "indent")] {
                                        a href=(format!("/atlas/{key}/gebiet/{layer_key}/{}{}", encode(&area_key), link_q.with(|q| { q.var = Some(series_param(s)); q.measure = Some(m.code().into()); }).encode())) {
                                            @if group.is_some() { (s.breakdown.pairs().iter().map(|(_, c)| c.as_str()).collect::<Vec<_>>().join(", ")) } @else { (s.label) }
                                        }
                                    }
                                    @for c in cells { td class="num" { (c) } }
                                }
                            }
                        }
                    }
                }
                section {
                    figure { figcaption { "Lage" } (svg(locator)) }
                    figure { figcaption { "Zeitreihe: " (view.series.label) " (" (unit) ")" } (svg(line)) }
                    @if let Some(age) = age {
                        figure { figcaption { "Altersaufbau " (view.period) " (Anteile in %; die Quelle gliedert das Alter nicht nach Geschlecht)" } (svg(age)) }
                    }
                }
            }
            section aria-labelledby="schulen" {
                h2 id="schulen" { "Schulen im Gebiet (" (schools.len()) ")" }
                @if schools.is_empty() { p { "Keine Schule liegt in diesem Gebiet." } } @else {
                    div class="scroll" { table class="data" {
                        caption class="sr-only" { "Schulen in " (area.name) }
                        thead { tr { th scope="col" { "Schulnummer" } th scope="col" { "Name" } th scope="col" { "Schulform" } th scope="col" { "Merkmale" } } }
                        tbody { @for s in &schools { tr {
                            td { (s.institution.key) } td { (s.institution.name) } td { (s.institution.kind) }
                            td { @for (i, (n, v)) in s.institution.attributes.iter().enumerate() { @if i > 0 { ", " } (n) ": " (v) } }
                        } } }
                    } }
                }
            }
            (sources(&releases))
        },
    ))
}
