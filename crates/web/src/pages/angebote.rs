//! Support offers (Angebote) in the atlas: the list and map per Kommune, one offer's page, the
//! editor for the departments that keep offers, and the coverage and gap analysis per life phase.

use std::sync::Arc;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use domain::Audience;
use domain::access::{DepartmentKey, Viewer};
use domain::angebot::{Angebot, AngebotDraft, LifePhase, Problem, Uebergang};
use domain::attention::Datum;
use maud::{Markup, html};
use serde::Deserialize;
use store::{Actor, NewAngebot, StoreError, StoredAngebot, StoredDepartment};

use super::account::audience_label;
use super::{PageError, encode, kommune, off_runtime};
use crate::auth::{CurrentUser, cross_site, now};
use crate::views::{page, svg};
use crate::{AppError, AppState};

/// The kinds of gap an area can have, in the order of the map's classes.
const GAP_KINDS: [&str; 4] =
    ["versorgt", "zu wenig Plätze", "kein Angebot in Fußwegnähe", "zu wenig Plätze und kein Angebot in Fußwegnähe"];

/// Today's date in UTC.
fn today() -> Datum {
    now().1.get(..10).and_then(|d| d.parse().ok()).unwrap_or_else(|| Datum::new(2026, 1, 1).expect("a valid date"))
}

fn kommune_key(key: &str) -> Result<domain::KommuneKey, AppError> {
    key.parse().map_err(|_| AppError::NotFound(format!("keine Kommune {key:?}")))
}

/// The departments whose offers this viewer may keep.
fn editable(departments: &[StoredDepartment], viewer: &Viewer) -> Vec<StoredDepartment> {
    departments.iter().filter(|d| viewer.may_edit_for(&d.key)).cloned().collect()
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct ListQuery {
    phase: Option<String>,
    /// An area of the base map's layer: only the offers located in it or serving it.
    gebiet: Option<String>,
}

fn phase_of(text: Option<&str>) -> Option<LifePhase> {
    text.filter(|t| !t.is_empty()).and_then(|t| t.parse().ok())
}

/// The offers of a Kommune: a map, a filter by life phase and the list.
pub(super) async fn list_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(key): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<Markup, PageError> {
    let viewer = user.viewer();
    let atlas = state.atlas_for(&viewer).await?;
    off_runtime(move || {
        let k = kommune(&atlas, &key)?;
        let kommune = kommune_key(&key)?;
        let offers = state.store.angebote(&kommune, &viewer).map_err(AppError::internal)?;
        let departments = state.store.departments().map_err(AppError::internal)?;
        let may_add = !editable(&departments, &viewer).is_empty();
        let phase = phase_of(q.phase.as_deref());
        // The base map: the layer of the coverage analysis, or the finest layer.
        let configured = state.versorgung.iter().find(|v| v.kommune.as_str() == key).map(|v| v.layer.as_str());
        let layer = configured
            .and_then(|l| k.data.layer(l, None))
            .or_else(|| k.data.layer_versions.iter().max_by_key(|l| l.areas.len()));
        let area = match (q.gebiet.as_deref().filter(|g| !g.is_empty()), layer) {
            (Some(g), Some(l)) => Some(
                l.areas
                    .iter()
                    .find(|a| a.key.as_str() == g)
                    .ok_or_else(|| AppError::NotFound(format!("kein Gebiet {g:?} auf der Ebene {}", l.layer.name)))?,
            ),
            _ => None,
        };
        // An offer is in an area if it serves it, or, serving no area, if it is located in it.
        let in_area = |o: &StoredAngebot| match area {
            None => true,
            Some(a) if !o.angebot.areas_served.is_empty() => o.angebot.areas_served.contains(&a.key),
            Some(a) => o.angebot.location.zip(a.geometry.as_ref()).is_some_and(|(p, g)| geo::Contains::contains(g, &p)),
        };
        let shown: Vec<&StoredAngebot> =
            offers.iter().filter(|o| phase.is_none_or(|p| o.angebot.phase == p) && in_area(o)).collect();
        let areas = super::base_map(layer);
        let labels: Vec<String> = shown
            .iter()
            .map(|o| format!("{} ({}, {})", o.angebot.title, o.angebot.phase.label(), o.angebot.traeger))
            .collect();
        let points: Vec<render::ClassedPoint<'_>> = shown
            .iter()
            .zip(&labels)
            .filter_map(|(o, label)| {
                Some(render::ClassedPoint {
                    key: o.angebot.key.as_str(),
                    label,
                    location: o.angebot.location?,
                    class: LifePhase::ALL.iter().position(|p| *p == o.angebot.phase),
                    href: Some(format!("/atlas/{key}/angebot/{}", encode(o.angebot.key.as_str()))),
                })
            })
            .collect();
        let title = format!("Angebote in {}", area.map_or(&k.data.kommune.name, |a| &a.name));
        let map = render::point_map(&render::PointMapSpec {
            title: &title,
            areas,
            points,
            classes: LifePhase::ALL.len(),
            width: 640.0,
            height: 520.0,
        });
        let analyses: Vec<LifePhase> = state
            .versorgung
            .iter()
            .filter(|v| v.kommune.as_str() == key)
            .flat_map(|v| v.zielgruppen.iter().map(|z| z.phase))
            .collect();
        let name = &k.data.kommune.name;
        Ok(page(
            &title,
            Some((&key, name)),
            "angebote",
            html! {
                h1 { (title) }
                p class="lead" { "Förder- und Unterstützungsangebote entlang der Bildungsbiografie, gepflegt von den Trägern und Ämtern selbst. " (offers.len()) " Angebote." }
                @if offers.iter().any(|o| o.example) { p class="note" { "Mit „Beispiel“ markierte Angebote sind erfundene Beispiele der Demo, keine echten Angebote." } }
                @if may_add { p { a href=(format!("/atlas/{key}/angebote/neu")) { "Neues Angebot erfassen" } } }
                @if !analyses.is_empty() {
                    p { "Versorgungsanalyse: " @for (i, p) in analyses.iter().enumerate() { @if i > 0 { " · " } a href=(format!("/atlas/{key}/versorgung?phase={}", p.as_str())) { (p.label()) } } }
                }
                form class="controls inline" method="get" action=(format!("/atlas/{key}/angebote")) {
                    label { "Lebensphase" select name="phase" {
                        option value="" { "alle" }
                        @for p in LifePhase::ALL { option value=(p.as_str()) selected[phase == Some(p)] { (p.label()) } }
                    } }
                    @if let Some(l) = layer {
                        label { (l.layer.name) select name="gebiet" {
                            option value="" { "alle" }
                            @for a in &l.areas { option value=(a.key) selected[area.is_some_and(|x| x.key == a.key)] { (a.name) } }
                        } }
                    }
                    button type="submit" { "Anzeigen" }
                }
                div class="mapwrap" {
                    div class="map" { (svg(map)) div id="tooltip" class="tooltip" role="status" aria-live="polite" {} }
                    div class="legend" { ul class="classes" {
                        @for (c, p) in LifePhase::ALL.iter().enumerate() {
                            li { span class="swatch" style=(format!("background:{}", render::sequential(LifePhase::ALL.len())[c])) {} (p.label()) }
                        }
                    } }
                }
                div class="scroll" role="region" tabindex="0" aria-label="Angebote" {
                    table class="data" {
                        caption class="sr-only" { "Angebote" }
                        thead { tr { th scope="col" { "Angebot" } th scope="col" { "Lebensphase" } th scope="col" { "Übergang" } th scope="col" { "Zielgruppe" } th scope="col" { "Träger" } th scope="col" class="num" { "Plätze" } th scope="col" { "Sprachen" } th scope="col" { "Zeitraum" } } }
                        tbody {
                            @for o in &shown {
                                tr {
                                    td { a href=(format!("/atlas/{key}/angebot/{}", encode(o.angebot.key.as_str()))) { (o.angebot.title) } @if o.example { " " span class="badge" { "Beispiel" } } }
                                    td { (o.angebot.phase.label()) }
                                    td { (o.angebot.uebergang.map_or("–", Uebergang::label)) }
                                    td { (o.angebot.target_group) }
                                    td { (o.angebot.traeger) }
                                    td class="num" { (o.angebot.capacity.map_or("–".to_owned(), |c| c.to_string())) }
                                    td { (o.angebot.languages.join(", ")) }
                                    td class="nowrap" { (o.angebot.from) " – " (o.angebot.to.map_or(String::new(), |d| d.to_string())) }
                                }
                            }
                        }
                    }
                }
            },
        ))
    })
    .await
}

/// The form of an offer: the draft's fields, who keeps it and for whom; problems next to their fields.
/// How an offer is kept: by whom, for whom, and whether it is an example of the demo.
struct Keeping<'a> {
    owner: Option<&'a DepartmentKey>,
    audience: Audience,
    example: bool,
}

fn offer_form(
    key: &str,
    draft: &AngebotDraft,
    owners: &[StoredDepartment],
    Keeping { owner, audience, example }: Keeping<'_>,
    csrf: &str,
    problems: &[Problem],
) -> Markup {
    let problem = |field: &str| {
        problems.iter().filter(|p| p.field == field).map(|p| p.message.clone()).collect::<Vec<_>>().join(" ")
    };
    let input = |name: &'static str, label: &str, value: &str, hint: &str| {
        super::text_field(name, label, hint, value, &problem(name))
    };
    html! {
        @if !problems.is_empty() {
            div class="notice" role="alert" { p { "Das Angebot wurde nicht gespeichert: " (problems.len()) " Angabe(n) sind zu korrigieren." } }
        }
        form class="controls narrow" method="post" action=(format!("/atlas/{key}/angebote")) {
            input type="hidden" name="csrf" value=(csrf);
            (input("key", "Schlüssel", &draft.key, "Kurz und eindeutig, z. B. lesepaten-kalk; bei einem bestehenden Angebot nicht ändern."))
            (input("title", "Titel", &draft.title, ""))
            label { "Lebensphase" select name="phase" { @for p in LifePhase::ALL { option value=(p.as_str()) selected[draft.phase == p.as_str()] { (p.label()) } } } }
            label { "Übergang" select name="uebergang" {
                option value="" { "keiner" }
                @for u in Uebergang::ALL { option value=(u.as_str()) selected[draft.uebergang == u.as_str()] { (u.label()) } }
            } }
            (input("target_group", "Zielgruppe", &draft.target_group, ""))
            (input("traeger", "Träger", &draft.traeger, ""))
            (input("longitude", "Längengrad", &draft.longitude, "WGS84, z. B. 6,9583"))
            (input("latitude", "Breitengrad", &draft.latitude, "WGS84, z. B. 50,9413"))
            (input("areas_served", "Versorgte Gebiete", &draft.areas_served.join(", "), "Schlüssel, durch Komma getrennt; leer: das Gebiet des Standorts"))
            (input("capacity", "Plätze", &draft.capacity, "leer: unbekannt"))
            (input("languages", "Sprachen", &draft.languages, "durch Komma getrennt"))
            (input("cost", "Kosten", &draft.cost, ""))
            (input("contact", "Kontakt", &draft.contact, ""))
            (input("from", "Beginn", &draft.from, "JJJJ-MM-TT"))
            (input("to", "Ende", &draft.to, "JJJJ-MM-TT; leer: unbefristet"))
            label { "Gepflegt von" select name="owner" { @for d in owners { option value=(d.key) selected[owner == Some(&d.key)] { (d.name) } } } }
            label { "Sichtbar für" select name="audience" {
                @for a in [Audience::Public, Audience::Partner, Audience::Internal] { option value=(a.as_str()) selected[a == audience] { (audience_label(a)) } }
            } }
            @if example { input type="hidden" name="example" value="1"; }
            button type="submit" { "Speichern" }
        }
    }
}

/// The form for a new offer.
pub(super) async fn new_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(key): Path<String>,
) -> Result<Response, PageError> {
    let Some(session) = user.session.clone() else {
        return Ok(Redirect::to(&format!("/anmelden?weiter=/atlas/{key}/angebote/neu")).into_response());
    };
    let viewer = user.viewer();
    let atlas = state.atlas_for(&viewer).await?;
    off_runtime(move || {
        let k = kommune(&atlas, &key)?;
        let owners = editable(&state.store.departments().map_err(AppError::internal)?, &viewer);
        if owners.is_empty() {
            return Err(AppError::Forbidden(
                "Angebote erfassen Bearbeiterinnen und Bearbeiter eines Amts oder Trägers.".into(),
            )
            .into());
        }
        let draft = AngebotDraft { from: today().to_string(), ..AngebotDraft::default() };
        let form = offer_form(
            &key,
            &draft,
            &owners,
            Keeping { owner: None, audience: Audience::Public, example: false },
            &session.csrf,
            &[],
        );
        Ok(page(
            "Neues Angebot",
            Some((&key, &k.data.kommune.name)),
            "angebote",
            html! { h1 { "Neues Angebot" } (form) },
        )
        .into_response())
    })
    .await
}

/// One offer; with the form to change or withdraw it for those who keep it.
pub(super) async fn offer_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((key, offer)): Path<(String, String)>,
) -> Result<Markup, PageError> {
    let viewer = user.viewer();
    let csrf = user.session.as_ref().map(|s| s.csrf.clone());
    let user_signed_in = user.session.is_some();
    let atlas = state.atlas_for(&viewer).await?;
    off_runtime(move || {
        let k = kommune(&atlas, &key)?;
        let offers = state.store.angebote(&kommune_key(&key)?, &viewer).map_err(AppError::internal)?;
        let o = offers
            .into_iter()
            .find(|o| o.angebot.key.as_str() == offer)
            .ok_or_else(|| AppError::NotFound(format!("kein Angebot {offer:?}")))?;
        let departments = state.store.departments().map_err(AppError::internal)?;
        let grants = state
            .store
            .record_grants(store::RecordRef {
                kommune: &kommune_key(&key)?,
                kind: store::RecordKind::Angebot,
                key: o.angebot.key.as_str(),
            })
            .map_err(AppError::internal)?;
        let may_edit = viewer.may_edit_record(&o.owner, &grants);
        // The offer stays with its keeper: the form offers the keeper, whoever edits.
        let owners: Vec<StoredDepartment> = departments.iter().filter(|d| d.key == o.owner).cloned().collect();
        let grant_form = (viewer.administers(&o.owner)).then_some(csrf.as_deref()).flatten();
        let grants_section = super::freigabe::section(
            &format!("/atlas/{key}/angebot/{}/freigabe", encode(o.angebot.key.as_str())),
            &grants,
            &departments,
            &o.owner,
            grant_form,
        );
        let a = &o.angebot;
        Ok(page(
            &a.title,
            Some((&key, &k.data.kommune.name)),
            "angebote",
            html! {
                h1 { (a.title) @if o.example { " " span class="badge" { "Beispiel" } } }
                dl class="facts" {
                    dt { "Lebensphase" } dd { (a.phase.label()) }
                    dt { "Übergang" } dd { (a.uebergang.map_or("–", Uebergang::label)) }
                    dt { "Zielgruppe" } dd { (a.target_group) }
                    dt { "Träger" } dd { (a.traeger) }
                    dt { "Plätze" } dd { (a.capacity.map_or("unbekannt".to_owned(), |c| c.to_string())) }
                    dt { "Versorgte Gebiete" } dd { @if a.areas_served.is_empty() { "das Gebiet des Standorts" } @else { (a.areas_served.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")) } }
                    dt { "Sprachen" } dd { (a.languages.join(", ")) }
                    dt { "Kosten" } dd { (a.cost) }
                    dt { "Kontakt" } dd { (a.contact) }
                    dt { "Zeitraum" } dd { (a.from) " – " (a.to.map_or("unbefristet".to_owned(), |d| d.to_string())) }
                    dt { "Sichtbar für" } dd { (audience_label(o.audience)) }
                    dt { "Zuletzt gespeichert" } dd { (o.saved_at.get(..10).unwrap_or(&o.saved_at)) }
                }
                @if user_signed_in { (grants_section) }
                p { a href=(format!("/atlas/{key}/angebote")) { "Alle Angebote" } }
                @if let (true, Some(csrf)) = (may_edit, csrf.as_deref()) {
                    details {
                        summary { "Angebot bearbeiten" }
                        (offer_form(&key, &a.draft(), &owners, Keeping { owner: Some(&o.owner), audience: o.audience, example: o.example }, csrf, &[]))
                    }
                    form class="controls narrow" method="post" action=(format!("/atlas/{key}/angebot/{}/zurueckziehen", encode(a.key.as_str()))) {
                        input type="hidden" name="csrf" value=(csrf);
                        button type="submit" { "Angebot zurückziehen" }
                    }
                }
            },
        ))
    })
    .await
}

#[derive(Debug, Deserialize)]
pub(super) struct OfferForm {
    csrf: String,
    owner: String,
    audience: String,
    key: String,
    title: String,
    phase: String,
    uebergang: String,
    target_group: String,
    traeger: String,
    longitude: String,
    latitude: String,
    areas_served: String,
    capacity: String,
    languages: String,
    cost: String,
    contact: String,
    from: String,
    to: String,
    #[serde(default)]
    example: Option<String>,
}

/// Saves an offer: the form's problems come back on the form (422) and nothing is saved.
pub(super) async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(key): Path<String>,
    headers: HeaderMap,
    Form(form): Form<OfferForm>,
) -> Result<Response, PageError> {
    if cross_site(&headers) {
        return Err(AppError::Forbidden("Anfrage von einer fremden Seite.".into()).into());
    }
    let session = user.check_csrf(&form.csrf)?.clone();
    let viewer = user.viewer();
    let atlas = state.atlas_for(&viewer).await?;
    off_runtime(move || {
        let k = kommune(&atlas, &key)?;
        let kommune = kommune_key(&key)?;
        let owner: DepartmentKey =
            form.owner.parse().map_err(|_| AppError::BadRequest(format!("Unbekanntes Amt {:?}.", form.owner)))?;
        // The store decides who may save (the keeper's editors, or a department granted edit).
        let owners: Vec<StoredDepartment> = state
            .store
            .departments()
            .map_err(AppError::internal)?
            .into_iter()
            .filter(|d| d.key == owner || viewer.may_edit_for(&d.key))
            .collect();
        let audience: Audience =
            form.audience.parse().map_err(|_| AppError::BadRequest(format!("Unbekannte Stufe {:?}.", form.audience)))?;
        let form_example = form.example.is_some();
        let draft = AngebotDraft {
            key: form.key,
            title: form.title,
            phase: form.phase,
            uebergang: form.uebergang,
            target_group: form.target_group,
            traeger: form.traeger,
            longitude: form.longitude,
            latitude: form.latitude,
            areas_served: form.areas_served.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect(),
            capacity: form.capacity,
            languages: form.languages,
            cost: form.cost,
            contact: form.contact,
            from: form.from,
            to: form.to,
        };
        let angebot = match Angebot::from_draft(&draft) {
            Ok(a) => a,
            Err(problems) => {
                let body = html! { h1 { "Angebot erfassen" } (offer_form(&key, &draft, &owners, Keeping { owner: Some(&owner), audience, example: form_example }, &session.csrf, &problems)) };
                let markup = page("Angebot erfassen", Some((&key, &k.data.kommune.name)), "angebote", body);
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, markup).into_response());
            }
        };
        let new = NewAngebot { angebot, owner, audience, example: form_example };
        state.store.save_angebot(Actor::Account(session.account.id), &kommune, &new, &now().1).map_err(store_error)?;
        Ok(Redirect::to(&format!("/atlas/{key}/angebot/{}", encode(new.angebot.key.as_str()))).into_response())
    })
    .await
}

fn store_error(e: StoreError) -> AppError {
    match e {
        StoreError::Forbidden(_) => AppError::Forbidden(
            "Nicht erlaubt: ein Angebot bleibt bei dem Amt oder Träger, der es erfasst hat, und nur dessen Bearbeiterinnen und Bearbeiter ändern es.".into(),
        ),
        StoreError::UnknownRecord(what) => AppError::NotFound(format!("{what} gibt es nicht (mehr).")),
        StoreError::UnknownDepartment(d) => AppError::BadRequest(format!("Unbekanntes Amt {d}.")),
        other => AppError::internal(other),
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct TokenForm {
    csrf: String,
}

/// Withdraws an offer.
pub(super) async fn withdraw(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((key, offer)): Path<(String, String)>,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Result<Response, PageError> {
    if cross_site(&headers) {
        return Err(AppError::Forbidden("Anfrage von einer fremden Seite.".into()).into());
    }
    let account = user.check_csrf(&form.csrf)?.account.id;
    let store = Arc::clone(&state.store);
    let kommune = kommune_key(&key)?;
    off_runtime(move || {
        store.withdraw_angebot(Actor::Account(account), &kommune, &offer, &now().1).map_err(store_error)?;
        Ok(())
    })
    .await?;
    Ok(Redirect::to(&format!("/atlas/{key}/angebote")).into_response())
}

/// The coverage and gap analysis of one life phase.
pub(super) async fn coverage_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(key): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<Markup, PageError> {
    let viewer = user.viewer();
    let atlas = state.atlas_for(&viewer).await?;
    off_runtime(move || {
        let k = kommune(&atlas, &key)?;
        let config = state
            .versorgung
            .iter()
            .find(|v| v.kommune.as_str() == key)
            .ok_or_else(|| AppError::NotFound(format!("Für {} ist keine Versorgungsanalyse eingerichtet.", k.data.kommune.name)))?;
        let phases: Vec<LifePhase> = config.zielgruppen.iter().map(|z| z.phase).collect();
        let phase = phase_of(q.phase.as_deref()).or_else(|| phases.first().copied()).ok_or_else(|| AppError::NotFound("keine Zielgruppe".into()))?;
        let offers: Vec<Angebot> =
            state.store.angebote(&kommune_key(&key)?, &viewer).map_err(AppError::internal)?.into_iter().map(|o| o.angebot).collect();
        let day = today();
        let analysis = crate::versorgung::analyse(k, &atlas.catalogue, &state.indices, config, phase, &offers, day)?;
        let c = &analysis.coverage;
        // The map shows the kind of gap: none, too few places, no offer within walking distance, or both.
        let kind = |a: &domain::angebot::AreaCoverage| {
            usize::from(a.missing_places > 1e-9) + 2 * usize::from(!a.reachable)
        };
        let breaks = domain::classify::Breaks::categories(GAP_KINDS.len());
        let texts: Vec<String> = c
            .areas
            .iter()
            .map(|a| {
                let places = a.per_100.map_or("keine Zielgruppe".to_owned(), |v| format!("{} Plätze je 100", render::format_de(v, 1)));
                format!("{} – {places}", GAP_KINDS[kind(a)])
            })
            .collect();
        let counts: Vec<usize> = (0..GAP_KINDS.len()).map(|i| c.areas.iter().filter(|a| kind(a) == i).count()).collect();
        let areas: Vec<render::MapArea<'_>> = analysis
            .layer
            .areas
            .iter()
            .filter_map(|a| {
                let i = c.areas.iter().position(|x| x.area == a.key);
                Some(render::MapArea {
                    key: a.key.as_str(),
                    name: &a.name,
                    geometry: a.geometry.as_ref()?,
                    value: i.map(|i| kind(&c.areas[i]) as f64),
                    value_text: i.map_or_else(|| "keine Daten zur Zielgruppe".to_owned(), |i| texts[i].clone()),
                    href: Some(format!("/atlas/{key}/gebiet/{}/{}", analysis.layer.layer.key, encode(a.key.as_str()))),
                })
            })
            .collect();
        let running: Vec<&Angebot> = offers.iter().filter(|o| o.phase == phase && o.runs_on(day) && o.location.is_some()).collect();
        let points: Vec<render::MapPoint<'_>> = running
            .iter()
            .filter_map(|o| Some(render::MapPoint { key: o.key.as_str(), label: &o.title, location: o.location?, href: None }))
            .collect();
        let title = format!("Versorgungslücken: {} – {}", analysis.zielgruppe.label, analysis.layer.layer.name);
        let map = render::choropleth(&render::ChoroplethSpec {
            title: &title,
            areas,
            breaks: Some(&breaks),
            points,
            highlight: None,
            width: 640.0,
            height: 520.0,
        });
        let mut gaps: Vec<&domain::angebot::AreaCoverage> = c.areas.iter().filter(|a| a.rank.is_some()).collect();
        gaps.sort_by_key(|a| a.rank);
        let num = |x: f64| render::format_de(x, 0);
        let walk = |a: &domain::angebot::AreaCoverage| a.nearest.as_ref().map_or("kein Angebot".to_owned(), |(_, m)| format!("{} m", num(*m)));
        let name = &k.data.kommune.name;
        Ok(page(
            "Versorgungsanalyse",
            Some((&key, name)),
            "angebote",
            html! {
                h1 { "Versorgungsanalyse: " (phase.label()) }
                p class="lead" {
                    "Bedarf gegen Angebot in den Gebieten der Ebene „" (analysis.layer.layer.name) "“: die Zielgruppe „" (analysis.zielgruppe.label) "“ (" (analysis.period) "), "
                    "die Plätze der " (c.offers_counted) " heute laufenden Angebote, die Entfernung zum nächsten Angebot "
                    "(Luftlinie × " (render::format_de(config.detour_factor, 1)) " als Fußweg, erreichbar bis " (num(config.max_walk_m)) " m)"
                    @if let Some((title, period)) = &analysis.need { " und als Bedarf die Statusklasse im " (title) " " (period) } "."
                }
                form class="controls inline" method="get" action=(format!("/atlas/{key}/versorgung")) {
                    label { "Lebensphase" select name="phase" { @for p in &phases { option value=(p.as_str()) selected[*p == phase] { (p.label()) } } } }
                    button type="submit" { "Anzeigen" }
                }
                p {
                    "Städtischer Durchschnitt: "
                    strong { @if let Some(b) = c.benchmark_per_100 { (render::format_de(b, 1)) " Plätze je 100" } @else { "nicht zu berechnen" } }
                    ". " (gaps.len()) " von " (c.areas.len()) " Gebieten haben eine Lücke: weniger Plätze als im Durchschnitt oder kein Angebot in Fußwegnähe."
                }
                div class="mapwrap" {
                    div class="map" { (svg(map)) div id="tooltip" class="tooltip" role="status" aria-live="polite" {} }
                    div class="legend" { ul class="classes" {
                        @for (i, label) in GAP_KINDS.iter().enumerate() {
                            li { span class="swatch" style=(format!("background:{}", render::sequential(GAP_KINDS.len())[i])) {} (label) ": " (counts[i]) }
                        }
                        li { span class="swatch point" {} "laufende Angebote" }
                    } }
                }
                h2 { "Lücken nach Dringlichkeit" }
                p class="hint" { "Reihenfolge: höhere Bedarfsklasse zuerst, dann mehr fehlende Plätze, dann weiterer Weg." }
                div class="scroll" role="region" tabindex="0" aria-label="Lücken" {
                    table class="data" {
                        caption class="sr-only" { "Lücken nach Dringlichkeit" }
                        thead { tr { th scope="col" class="num" { "Rang" } th scope="col" { "Gebiet" } th scope="col" class="num" { "Bedarfsklasse" } th scope="col" class="num" { "Zielgruppe" } th scope="col" class="num" { "Plätze" } th scope="col" class="num" { "je 100" } th scope="col" class="num" { "fehlende Plätze" } th scope="col" class="num" { "nächstes Angebot" } } }
                        tbody {
                            @for a in &gaps {
                                tr {
                                    td class="num" { (a.rank.unwrap_or_default()) }
                                    td { a href=(format!("/atlas/{key}/gebiet/{}/{}", analysis.layer.layer.key, encode(a.area.as_str()))) { (a.name) } }
                                    td class="num" { (a.need_class.map_or("–".to_owned(), |c| c.to_string())) }
                                    td class="num" { (num(a.target_population)) }
                                    td class="num" { (render::format_de(a.places, 1)) }
                                    td class="num" { (a.per_100.map_or("–".to_owned(), |v| render::format_de(v, 1))) }
                                    td class="num" { (render::format_de(a.missing_places, 1)) }
                                    td class="num" { (walk(a)) @if !a.reachable { " (zu weit)" } }
                                }
                            }
                        }
                    }
                }
            },
        ))
    })
    .await
}
