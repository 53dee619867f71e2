//! The table view of a map and its CSV download.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use super::PageError;
use super::{ViewQuery, controls, encode, kommune, off_runtime, resolve, title_of, value_text};
use crate::atlas::AreaValue;
use crate::atlas::Atlas;
use crate::auth::CurrentUser;
use crate::views::{page, sources};
use crate::{AppError, AppState};

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

pub(super) async fn table_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(key): Path<String>,
    Query(q): Query<ViewQuery>,
) -> Result<Markup, PageError> {
    let atlas = state.atlas_for(&user.viewer()).await?;
    off_runtime(move || table_markup(&atlas, key, q)).await
}

fn table_markup(atlas: &Atlas, key: String, q: ViewQuery) -> Result<Markup, PageError> {
    let k = kommune(atlas, &key)?;
    let view = resolve(k, &q)?;
    let values = sorted(k.values(&view), &q);
    let breaks = k.breaks(&view, &values);
    let releases = k.releases_of(&values);
    let title = title_of(&view);
    let sort_link = |col: &str| {
        let desc = q.sort.as_deref() == Some(col) && q.dir.as_deref() != Some("desc");
        format!(
            "/atlas/{key}/tabelle{}",
            q.with(|q| {
                q.sort = Some(col.into());
                q.dir = desc.then(|| "desc".into());
            })
            .encode()
        )
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
                    div class="scroll" role="region" tabindex="0" aria-label=(title) { table class="data" {
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

pub(super) async fn table_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(key): Path<String>,
    Query(q): Query<ViewQuery>,
) -> Result<Response, PageError> {
    let atlas = state.atlas_for(&user.viewer()).await?;
    off_runtime(move || table_csv_body(&atlas, key, q)).await
}

fn table_csv_body(atlas: &Atlas, key: String, q: ViewQuery) -> Result<Response, PageError> {
    let k = kommune(atlas, &key)?;
    let view = resolve(k, &q)?;
    let values = sorted(k.values(&view), &q);
    // German spreadsheet convention: BOM, `;` separator, decimal comma, CRLF.
    let mut out = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let header =
        ["schluessel", "gebiet", "ebene", "merkmal", "zeitraum", "darstellung", "wert", "zeichen", "quelle", "lizenz"];
    out.write_record(header).map_err(AppError::internal)?;
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
        out.write_record(&fields).map_err(AppError::internal)?;
    }
    let out = out.into_inner().map_err(AppError::internal)?;
    let filename = format!("bimo-{key}-{}-{}.csv", view.layer.layer.key, view.period.to_string().replace('/', "-"));
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
        ],
        out,
    )
        .into_response())
}
