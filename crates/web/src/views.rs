//! Page layout and small shared fragments (maud).

use domain::Release;
use maud::{DOCTYPE, Markup, PreEscaped, html};

/// The frame of every page.
pub(crate) fn page(title: &str, kommune: Option<(&str, &str)>, active: &str, body: Markup) -> Markup {
    let nav = |href: String, label: &str, key: &str| {
        html! { a href=(href) aria-current=[(key == active).then_some("page")] { (label) } }
    };
    html! {
        (DOCTYPE)
        html lang="de" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                link rel="icon" href="data:,";
                title { (title) " – bimo Bildungsmonitor" }
                link rel="stylesheet" href="/static/atlas.css";
                script src="/static/atlas.js" defer {}
            }
            body {
                a class="skip" href="#main" { "Zum Inhalt springen" }
                header class="top" {
                    a class="brand" href="/" { "bimo" span { " Bildungsmonitor" } }
                    nav aria-label="Hauptnavigation" {
                        @if let Some((key, name)) = kommune {
                            span class="kommune" { (name) }
                            (nav(format!("/atlas/{key}"), "Karte", "karte"))
                            (nav(format!("/atlas/{key}/tabelle"), "Tabelle", "tabelle"))
                            (nav(format!("/atlas/{key}/schulen"), "Schulen", "schulen"))
                            (nav(format!("/atlas/{key}/indikatoren"), "Indikatoren", "indikatoren"))
                            (nav(format!("/atlas/{key}/uebergaenge"), "Übergänge", "uebergaenge"))
                            (nav(format!("/atlas/{key}/sozialmonitoring"), "Sozialmonitoring", "sozialmonitoring"))
                            (nav(format!("/atlas/{key}/planung"), "Schulplanung", "planung"))
                            (nav(format!("/atlas/{key}/angebote"), "Angebote", "angebote"))
                            (nav(format!("/atlas/{key}/ziele"), "Ziele", "ziele"))
                            (nav(format!("/atlas/{key}/massnahmen"), "Maßnahmen", "massnahmen"))
                            (nav(format!("/atlas/{key}/lenkungskreis"), "Lenkungskreis", "lenkungskreis"))
                        }
                        (nav("/quellen".into(), "Quellen & Lizenzen", "quellen"))
                        (nav("/konto".into(), "Konto", "konto"))
                    }
                }
                main id="main" { (body) }
                footer {
                    "bimo – offene Software für datenbasiertes kommunales Bildungsmanagement. "
                    "Jede Zahl nennt ihre Quelle und Lizenz; alle Datenstände unter "
                    a href="/quellen" { "Quellen & Lizenzen" } ". Die Daten als JSON: "
                    a href="/api/openapi.json" { "API" } "."
                }
            }
        }
    }
}

/// The source line under a map, table or chart: every release the numbers come from.
pub(crate) fn sources(releases: &[&Release]) -> Markup {
    html! {
        @if !releases.is_empty() {
            p class="sources" {
                "Quelle: "
                @for (i, r) in releases.iter().enumerate() {
                    @if i > 0 { "; " }
                    (r.provenance.attribution) " – " (r.title) " (Lizenz: " (r.provenance.licence) ", "
                    a class="nowrap" href=(format!("/quellen#release-{}", r.id)) { "Datenstand " (r.id) } ")"
                }
            }
        }
    }
}

/// Inline SVG from the renderer.
pub(crate) fn svg(markup: String) -> Markup {
    PreEscaped(markup)
}
