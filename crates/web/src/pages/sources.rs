//! The sources and licences page: every visible release.

use axum::extract::State;
use maud::{Markup, html};

use super::PageError;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::views::page;

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

pub(super) async fn releases_page(State(state): State<AppState>, user: CurrentUser) -> Result<Markup, PageError> {
    let atlas = state.atlas_for(&user.viewer()).await?;
    Ok(page(
        "Quellen & Lizenzen",
        None,
        "quellen",
        html! {
            h1 { "Quellen & Lizenzen" }
            p { "Jeder Import ist ein unveränderlicher Datenstand. Eine korrigierte Datei wird ein neuer Datenstand; ältere bleiben über die API abrufbar. Ohne Anmeldung sind nur öffentliche Datenstände sichtbar; angemeldet sieht man zusätzlich, was die eigenen Ämter besitzen oder freigegeben bekommen haben." }
            @for k in &atlas.kommunen {
                h2 { (k.data.kommune.name) }
                div class="scroll" role="region" tabindex="0" aria-label={ "Datenstände " (k.data.kommune.name) } { table class="data" {
                    caption class="sr-only" { "Datenstände " (k.data.kommune.name) }
                    thead { tr { th scope="col" { "Nr." } th scope="col" { "Titel" } th scope="col" { "Art" } th scope="col" { "Quelle" }
                        th scope="col" { "Lizenz" } th scope="col" { "Namensnennung" } th scope="col" { "Stufe" } th scope="col" { "Importiert" } th scope="col" { "Datei (SHA-256)" } } }
                    tbody {
                        @for r in &k.data.releases {
                            tr id=(format!("release-{}", r.id)) {
                                td { (r.id) } td { (r.title) } td { (kind_label(&r.kind)) }
                                td { @if let Some(u) = &r.provenance.url { a href=(u) { (r.provenance.source) } } @else { (r.provenance.source) } }
                                td class="nowrap" { (r.provenance.licence) } td { (r.provenance.attribution) }
                                td { (super::account::audience_label(r.audience)) }
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
