//! The Lenkungskreis workspace: the meetings of a Kommune, and per meeting its agenda (with items
//! proposed from the findings: urgent early warnings of the indices, measures whose review is due,
//! the most urgent coverage gaps), its decisions adopting measures and scenarios, its tasks, and
//! the full history of recorded steps. Every member of a city department reads; the editors of
//! the department that keeps a meeting record its steps.

use std::sync::Arc;

use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use domain::access::{DepartmentKey, Viewer};
use domain::attention::Datum;
use domain::lenkungskreis::{Ereignis, Herkunft, Sitzung, SitzungKey};
use maud::html;
use serde::Deserialize;
use store::{AccountId, Actor, StoreError, StoredSitzung};

use super::{PageError, encode, kommune, off_runtime};
use crate::auth::{CurrentUser, cross_site, now};
use crate::views::page;
use crate::{AppError, AppState};

fn kommune_key(key: &str) -> Result<domain::KommuneKey, AppError> {
    key.parse().map_err(|_| AppError::NotFound(format!("keine Kommune {key:?}")))
}

/// A member of a city department with no department of their own: what every city member sees.
fn city_member() -> Viewer {
    Viewer::Account(vec![domain::access::Membership {
        department: DepartmentKey::new("alle-aemter").expect("a valid key"),
        kind: domain::access::DepartmentKind::Verwaltung,
        role: domain::access::Role::Reader,
    }])
}

/// The way to the sign-in form (coming back to `back`) for a request without session.
fn sign_in_first(user: &CurrentUser, back: &str) -> Option<Redirect> {
    user.session.is_none().then(|| Redirect::to(&format!("/anmelden?weiter={back}")))
}

fn store_error(e: StoreError) -> AppError {
    match e {
        StoreError::Forbidden(_) => AppError::Forbidden(
            "Nicht erlaubt: die Sitzung führen die Bearbeiterinnen und Bearbeiter der Geschäftsstelle, die sie angelegt hat.".into(),
        ),
        StoreError::Sitzung(e) => AppError::BadRequest(format!("Nicht festgehalten: {e}.")),
        StoreError::UnknownDepartment(d) => AppError::BadRequest(format!("Unbekanntes Amt {d}.")),
        other => AppError::internal(other),
    }
}

fn today() -> String {
    now().1.get(..10).unwrap_or_default().to_owned()
}

/// The meetings of a Kommune and the form to set one up.
pub(super) async fn list_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(key): Path<String>,
) -> Result<Response, PageError> {
    if let Some(redirect) = sign_in_first(&user, &format!("/atlas/{key}/lenkungskreis")) {
        return Ok(redirect.into_response());
    }
    let viewer = user.viewer();
    let csrf = user.session.as_ref().map(|s| s.csrf.clone()).unwrap_or_default();
    let atlas = state.atlas_for(&viewer).await?;
    off_runtime(move || {
        let k = kommune(&atlas, &key)?;
        let meetings = state.store.sitzungen(&kommune_key(&key)?, &viewer).map_err(AppError::internal)?;
        let departments = state.store.departments().map_err(AppError::internal)?;
        let keepers: Vec<_> = departments
            .iter()
            .filter(|d| d.kind == domain::access::DepartmentKind::Verwaltung && viewer.may_edit_for(&d.key))
            .collect();
        Ok(page(
            "Lenkungskreis",
            Some((&key, &k.data.kommune.name)),
            "lenkungskreis",
            html! {
                h1 { "Lenkungskreis" }
                p class="lead" { "Die Sitzungen des Lenkungskreises: Tagesordnung aus Befunden und Frühwarnungen, Beschlüsse mit den Maßnahmen und Szenarien, die sie übernehmen, Aufgaben mit Verantwortlichen und Fristen. Jeder Schritt bleibt in der Geschichte der Sitzung erhalten." }
                @if meetings.is_empty() { p { "Noch keine Sitzungen, die Sie sehen dürfen." } } @else {
                    table class="data" {
                        caption class="sr-only" { "Sitzungen" }
                        thead { tr { th scope="col" { "Datum" } th scope="col" { "Sitzung" } th scope="col" class="num" { "Punkte" } th scope="col" class="num" { "Beschlüsse" } th scope="col" class="num" { "offene Aufgaben" } } }
                        tbody { @for m in &meetings { tr {
                            td class="nowrap" { (m.sitzung.date) }
                            td { a href=(format!("/atlas/{key}/lenkungskreis/{}", encode(m.key.as_str()))) { (m.sitzung.title) } }
                            td class="num" { (m.sitzung.punkte.len()) }
                            td class="num" { (m.sitzung.in_force().count()) }
                            td class="num" { (m.sitzung.aufgaben.iter().filter(|a| a.done.is_none()).count()) }
                        } } }
                    }
                }
                @if !keepers.is_empty() {
                    h2 { "Sitzung anlegen" }
                    form class="controls narrow" method="post" action=(format!("/atlas/{key}/lenkungskreis")) {
                        input type="hidden" name="csrf" value=(csrf);
                        label { "Kennung" input type="text" name="sitzung" value=(today()) required; }
                        label { "Titel" input type="text" name="title" required; }
                        label { "Datum (JJJJ-MM-TT)" input type="text" name="date" value=(today()) required; }
                        label { "Geschäftsstelle" select name="owner" { @for d in &keepers { option value=(d.key) { (d.name) } } } }
                        button type="submit" { "Anlegen" }
                    }
                }
            },
        )
        .into_response())
    })
    .await
}

#[derive(Debug, Deserialize)]
pub(super) struct NewMeeting {
    csrf: String,
    sitzung: String,
    title: String,
    date: String,
    owner: String,
}

fn parse_date(text: &str) -> Result<Datum, AppError> {
    text.trim().parse().map_err(|_| AppError::BadRequest(format!("„{text}“ ist kein Kalenderdatum (JJJJ-MM-TT).")))
}

/// The account behind a form that changes something: origin and form token checked before
/// anything else happens.
fn form_account(user: &CurrentUser, headers: &HeaderMap, csrf: &str) -> Result<AccountId, AppError> {
    if cross_site(headers) {
        return Err(AppError::Forbidden("Anfrage von einer fremden Seite.".into()));
    }
    Ok(user.check_csrf(csrf)?.account.id)
}

/// Records one step (a new meeting's first with its keeper) and goes back to the meeting.
async fn record(
    state: AppState,
    account: AccountId,
    key: String,
    meeting: SitzungKey,
    new_owner: Option<DepartmentKey>,
    event: Ereignis,
) -> Result<Response, PageError> {
    let store = Arc::clone(&state.store);
    let kommune = kommune_key(&key)?;
    let target = format!("/atlas/{key}/lenkungskreis/{}", encode(meeting.as_str()));
    off_runtime(move || {
        store
            .record_sitzung(Actor::Account(account), &kommune, &meeting, new_owner.as_ref(), &event, &now().1)
            .map_err(store_error)?;
        Ok(())
    })
    .await?;
    Ok(Redirect::to(&target).into_response())
}

/// Sets up a meeting.
pub(super) async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(key): Path<String>,
    headers: HeaderMap,
    Form(form): Form<NewMeeting>,
) -> Result<Response, PageError> {
    let account = form_account(&user, &headers, &form.csrf)?;
    let meeting: SitzungKey = form
        .sitzung
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest(format!("Ungültige Kennung „{}“.", form.sitzung)))?;
    let owner: DepartmentKey =
        form.owner.parse().map_err(|_| AppError::BadRequest(format!("Unbekanntes Amt {:?}.", form.owner)))?;
    let event = Ereignis::Angelegt { title: form.title.trim().to_owned(), date: parse_date(&form.date)? };
    record(state, account, key, meeting, Some(owner), event).await
}

/// One meeting, with proposals for its agenda and the forms to record its steps.
pub(super) async fn meeting_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((key, meeting)): Path<(String, String)>,
) -> Result<Response, PageError> {
    if let Some(redirect) = sign_in_first(&user, &format!("/atlas/{key}/lenkungskreis/{meeting}")) {
        return Ok(redirect.into_response());
    }
    let viewer = user.viewer();
    let csrf = user.session.as_ref().map(|s| s.csrf.clone()).unwrap_or_default();
    let atlas = state.atlas_for(&viewer).await?;
    // Proposals become agenda text every city member reads: they come only from what every city
    // member may see, never from the editor's own grants or internal records.
    let common = city_member();
    let common_atlas = state.atlas_for(&common).await?;
    off_runtime(move || {
        let k = kommune(&atlas, &key)?;
        let kommune = kommune_key(&key)?;
        let StoredSitzung { key: meeting_key, owner, sitzung } = state
            .store
            .sitzungen(&kommune, &viewer)
            .map_err(AppError::internal)?
            .into_iter()
            .find(|m| m.key.as_str() == meeting)
            .ok_or_else(|| AppError::NotFound(format!("keine Sitzung {meeting:?}")))?;
        let history = state.store.sitzung_history(&kommune, &meeting_key, &viewer).map_err(AppError::internal)?;
        let departments = state.store.departments().map_err(AppError::internal)?;
        let name_of = |d: &DepartmentKey| departments.iter().find(|x| &x.key == d).map_or(d.to_string(), |x| x.name.clone());
        let may_edit = viewer.may_edit_for(&owner);
        let proposals = match (may_edit, common_atlas.kommune(&key)) {
            (true, Some(common_k)) => {
                let measures = state.store.massnahmen(&kommune, &common).map_err(AppError::internal)?;
                proposals(&state, common_k, &common_atlas, &common, &sitzung, &measures)
            }
            _ => Vec::new(),
        };
        let base = format!("/atlas/{key}/lenkungskreis/{}", encode(meeting_key.as_str()));
        let day = sitzung.date;
        Ok(page(
            &sitzung.title,
            Some((&key, &k.data.kommune.name)),
            "lenkungskreis",
            html! {
                h1 { (sitzung.title) }
                p { "Sitzung am " (sitzung.date) "; Geschäftsstelle: " (name_of(&owner)) ". " a href=(format!("/atlas/{key}/lenkungskreis")) { "Alle Sitzungen" } }
                h2 { "Tagesordnung" }
                @if sitzung.punkte.is_empty() { p { "Noch keine Punkte." } }
                ol class="agenda" {
                    @for (i, p) in sitzung.punkte.iter().enumerate() {
                        li {
                            span class="badge" { (p.herkunft.label()) } " " (p.subject)
                            @if let Some(r) = &p.reference { " – " a href=(r) { "zum Befund" } }
                            @for (j, b) in sitzung.beschluesse.iter().enumerate().filter(|(_, b)| b.punkt == i) {
                                div class=(if b.replaced_by.is_some() { "beschluss ersetzt" } else { "beschluss" }) {
                                    strong { "Beschluss " (j + 1) } @if let Some(r) = b.replaces { " (ersetzt Beschluss " (r + 1) ")" }
                                    @if let Some(by) = b.replaced_by { " – ersetzt durch Beschluss " (by + 1) }
                                    ": " (b.text)
                                    @if !b.massnahmen.is_empty() { br; "Übernimmt die Maßnahmen: "
                                        @for (n, m) in b.massnahmen.iter().enumerate() { @if n > 0 { ", " } a href=(format!("/atlas/{key}/massnahme/{}", encode(m))) { (m) } } }
                                    @if !b.szenarien.is_empty() { br; "Übernimmt die Planungsszenarien: " (b.szenarien.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")) }
                                }
                            }
                        }
                    }
                }
                h2 { "Aufgaben" }
                @if sitzung.aufgaben.is_empty() { p { "Keine Aufgaben." } } @else {
                    table class="data" {
                        caption class="sr-only" { "Aufgaben" }
                        thead { tr { th scope="col" { "Aufgabe" } th scope="col" { "Verantwortlich" } th scope="col" { "Frist" } th scope="col" { "Beschluss" } th scope="col" { "Stand" } } }
                        tbody { @for (i, a) in sitzung.aufgaben.iter().enumerate() { tr {
                            td { (a.text) } td { (name_of(&a.owner)) } td class="nowrap" { (a.deadline) }
                            td { (a.beschluss.map_or("–".to_owned(), |b| (b + 1).to_string())) }
                            td {
                                @if let Some(done) = a.done { "erledigt am " (done) }
                                @else {
                                    @if a.overdue(today().parse().unwrap_or(day)) { strong { "überfällig" } } @else { "offen" }
                                    @if may_edit {
                                        form class="inline-action" method="post" action=(format!("{base}/erledigt")) {
                                            input type="hidden" name="csrf" value=(csrf);
                                            input type="hidden" name="aufgabe" value=(i);
                                            button type="submit" { "erledigt" }
                                        }
                                    }
                                }
                            }
                        } } }
                    }
                }
                @if may_edit {
                    @if !proposals.is_empty() {
                        h2 { "Vorschläge aus den Befunden" }
                        p class="hint" { "Frühwarnungen der Indizes, fällige Überprüfungen von Maßnahmen und die dringendsten Versorgungslücken; noch nicht auf der Tagesordnung." }
                        ul class="proposals" {
                            @for (herkunft, subject, reference) in &proposals {
                                li {
                                    form class="inline-action" method="post" action=(format!("{base}/punkt")) {
                                        input type="hidden" name="csrf" value=(csrf);
                                        input type="hidden" name="herkunft" value=(herkunft.as_str());
                                        input type="hidden" name="subject" value=(subject);
                                        input type="hidden" name="reference" value=(reference);
                                        span class="badge" { (herkunft.label()) } " " (subject) " "
                                        button type="submit" { "aufnehmen" }
                                    }
                                }
                            }
                        }
                    }
                    h2 { "Schritte festhalten" }
                    div class="forms" {
                        form class="controls narrow" method="post" action=(format!("{base}/punkt")) {
                            h3 { "Weiterer Punkt" }
                            input type="hidden" name="csrf" value=(csrf);
                            input type="hidden" name="herkunft" value="sonstiges";
                            input type="hidden" name="reference" value="";
                            label { "Gegenstand" input type="text" name="subject" required; }
                            button type="submit" { "Aufnehmen" }
                        }
                        @if !sitzung.punkte.is_empty() {
                            form class="controls narrow" method="post" action=(format!("{base}/beschluss")) {
                                h3 { "Beschluss" }
                                input type="hidden" name="csrf" value=(csrf);
                                label { "Zu Punkt" select name="punkt" { @for (i, p) in sitzung.punkte.iter().enumerate() { option value=(i) { (i + 1) ". " (p.subject) } } } }
                                label { "Beschlusstext" input type="text" name="text" required; }
                                label { "Übernommene Maßnahmen (Kennungen, durch Komma getrennt)" input type="text" name="massnahmen"; }
                                label { "Übernommene Planungsszenarien (Nummern, durch Komma getrennt)" input type="text" name="szenarien"; }
                                label { "Ersetzt Beschluss" select name="replaces" {
                                    option value="" { "keinen" }
                                    @for (j, b) in sitzung.in_force() { option value=(j) { (j + 1) ": " (b.text) } }
                                } }
                                button type="submit" { "Beschließen" }
                            }
                        }
                        form class="controls narrow" method="post" action=(format!("{base}/aufgabe")) {
                            h3 { "Aufgabe" }
                            input type="hidden" name="csrf" value=(csrf);
                            label { "Was ist zu tun" input type="text" name="text" required; }
                            label { "Verantwortlich" select name="owner" { @for d in &departments { option value=(d.key) { (d.name) } } } }
                            label { "Frist (JJJJ-MM-TT)" input type="text" name="deadline" required; }
                            label { "Zu Beschluss" select name="beschluss" {
                                option value="" { "keinem" }
                                @for (j, b) in sitzung.in_force() { option value=(j) { (j + 1) ": " (b.text) } }
                            } }
                            button type="submit" { "Vergeben" }
                        }
                    }
                }
                h2 { "Verlauf" }
                ol class="history" {
                    @for e in &history { li { (e.at) " – " (e.actor) ": " (describe(&e.event)) } }
                }
            },
        )
        .into_response())
    })
    .await
}

fn describe(e: &Ereignis) -> String {
    match e {
        Ereignis::Angelegt { title, date } => format!("Sitzung „{title}“ am {date} angelegt"),
        Ereignis::PunktAufgenommen { herkunft, subject, .. } => {
            format!("Punkt aufgenommen ({}): {subject}", herkunft.label())
        }
        Ereignis::Beschlossen { punkt, text, replaces, .. } => match replaces {
            Some(r) => format!("zu Punkt {} beschlossen, ersetzt Beschluss {}: {text}", punkt + 1, r + 1),
            None => format!("zu Punkt {} beschlossen: {text}", punkt + 1),
        },
        Ereignis::AufgabeVergeben { text, owner, deadline, .. } => format!("Aufgabe an {owner} bis {deadline}: {text}"),
        Ereignis::AufgabeErledigt { aufgabe, date } => format!("Aufgabe {} am {date} erledigt", aufgabe + 1),
    }
}

/// Agenda proposals not yet on the agenda: urgent early warnings of the Kommune's indices, measures
/// whose review date has come by the meeting without a judgement, and the three most urgent gaps of
/// each life phase of the coverage analysis.
fn proposals(
    state: &AppState,
    k: &crate::atlas::KommuneAtlas,
    atlas: &crate::atlas::Atlas,
    viewer: &Viewer,
    sitzung: &Sitzung,
    measures: &[store::StoredMassnahme],
) -> Vec<(Herkunft, String, String)> {
    let key = k.data.kommune.key.as_str();
    let mut out = Vec::new();
    for def in state.indices.iter().filter(|d| d.kommune == key) {
        for (area, name, text) in super::monitoring::urgent_warnings(k, atlas, def) {
            out.push((
                Herkunft::Fruehwarnung,
                format!("{name}: {text}"),
                format!("/atlas/{key}/sozialmonitoring/{}/gebiet/{}", encode(&def.key), encode(&area)),
            ));
        }
    }
    let kommune = k.data.kommune.key.clone();
    for m in measures {
        let judged = state.store.urteile(&kommune, m.massnahme.key.as_str()).unwrap_or_default();
        for (i, e) in m.massnahme.effects.iter().enumerate() {
            if e.review <= sitzung.date && !judged.iter().any(|j| j.urteil.effect == i) {
                out.push((
                    Herkunft::Ueberpruefung,
                    format!("{}: Überprüfung fällig seit {} ({})", m.massnahme.title, e.review, e.indicator),
                    format!("/atlas/{key}/massnahme/{}", encode(m.massnahme.key.as_str())),
                ));
            }
        }
    }
    if let Some(config) = state.versorgung.iter().find(|v| v.kommune.as_str() == key) {
        let offers: Vec<_> =
            state.store.angebote(&kommune, viewer).unwrap_or_default().into_iter().map(|o| o.angebot).collect();
        for z in &config.zielgruppen {
            let Ok(analysis) =
                crate::versorgung::analyse(k, &atlas.catalogue, &state.indices, config, z.phase, &offers, sitzung.date)
            else {
                continue;
            };
            let mut gaps: Vec<_> = analysis.coverage.areas.iter().filter(|a| a.rank.is_some()).collect();
            gaps.sort_by_key(|a| a.rank);
            for a in gaps.into_iter().take(3) {
                out.push((
                    Herkunft::Versorgungsluecke,
                    format!("{}: Versorgungslücke {} (Rang {})", a.name, z.phase.label(), a.rank.unwrap_or_default()),
                    format!("/atlas/{key}/versorgung?phase={}", z.phase.as_str()),
                ));
            }
        }
    }
    out.retain(|(_, subject, _)| !sitzung.punkte.iter().any(|p| &p.subject == subject));
    out
}

#[derive(Debug, Deserialize)]
pub(super) struct ItemForm {
    csrf: String,
    herkunft: String,
    subject: String,
    reference: String,
}

fn meeting_key(text: &str) -> Result<SitzungKey, AppError> {
    text.parse().map_err(|_| AppError::NotFound(format!("keine Sitzung {text:?}")))
}

/// Puts an item on the agenda.
pub(super) async fn add_item(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((key, meeting)): Path<(String, String)>,
    headers: HeaderMap,
    Form(form): Form<ItemForm>,
) -> Result<Response, PageError> {
    let meeting = meeting_key(&meeting)?;
    let account = form_account(&user, &headers, &form.csrf)?;
    let herkunft: Herkunft = form.herkunft.parse().map_err(|e| AppError::BadRequest(format!("{e}")))?;
    // Only pages of this Kommune's atlas, so an agenda item never links elsewhere.
    let prefix = format!("/atlas/{key}/");
    let reference =
        Some(form.reference.trim().to_owned()).filter(|r| super::account::is_local_path(r) && r.starts_with(&prefix));
    let event = Ereignis::PunktAufgenommen { herkunft, subject: form.subject.trim().to_owned(), reference };
    record(state, account, key, meeting, None, event).await
}

#[derive(Debug, Deserialize)]
pub(super) struct DecisionForm {
    csrf: String,
    punkt: usize,
    text: String,
    massnahmen: String,
    szenarien: String,
    replaces: String,
}

fn list(text: &str) -> Vec<String> {
    text.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect()
}

fn optional_index(text: &str, what: &str) -> Result<Option<usize>, AppError> {
    match text.trim() {
        "" => Ok(None),
        t => t.parse().map(Some).map_err(|_| AppError::BadRequest(format!("{what} „{t}“ ist keine Nummer."))),
    }
}

/// Records a decision; adopted measures must exist and be visible, scenarios must be numbers.
pub(super) async fn decide(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((key, meeting)): Path<(String, String)>,
    headers: HeaderMap,
    Form(form): Form<DecisionForm>,
) -> Result<Response, PageError> {
    let meeting = meeting_key(&meeting)?;
    let account = form_account(&user, &headers, &form.csrf)?;
    let viewer = user.viewer();
    let massnahmen = list(&form.massnahmen);
    let store = Arc::clone(&state.store);
    let (kommune, wanted) = (kommune_key(&key)?, massnahmen.clone());
    off_runtime(move || {
        let known = store.massnahmen(&kommune, &viewer).map_err(AppError::internal)?;
        match wanted.iter().find(|m| !known.iter().any(|k| k.massnahme.key.as_str() == m.as_str())) {
            Some(unknown) => Err(AppError::BadRequest(format!("Die Maßnahme „{unknown}“ gibt es nicht.")).into()),
            None => Ok(()),
        }
    })
    .await?;
    let szenarien = list(&form.szenarien)
        .iter()
        .map(|s| s.parse::<i64>().map_err(|_| AppError::BadRequest(format!("Das Szenario „{s}“ ist keine Nummer."))))
        .collect::<Result<Vec<_>, _>>()?;
    let event = Ereignis::Beschlossen {
        punkt: form.punkt,
        text: form.text.trim().to_owned(),
        massnahmen,
        szenarien,
        replaces: optional_index(&form.replaces, "Der ersetzte Beschluss")?,
    };
    record(state, account, key, meeting, None, event).await
}

#[derive(Debug, Deserialize)]
pub(super) struct TaskForm {
    csrf: String,
    text: String,
    owner: String,
    deadline: String,
    beschluss: String,
}

/// Hands out a task.
pub(super) async fn add_task(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((key, meeting)): Path<(String, String)>,
    headers: HeaderMap,
    Form(form): Form<TaskForm>,
) -> Result<Response, PageError> {
    let meeting = meeting_key(&meeting)?;
    let account = form_account(&user, &headers, &form.csrf)?;
    let responsible: DepartmentKey =
        form.owner.parse().map_err(|_| AppError::BadRequest(format!("Unbekanntes Amt {:?}.", form.owner)))?;
    let store = Arc::clone(&state.store);
    let wanted = responsible.clone();
    off_runtime(move || match store.departments().map_err(AppError::internal)?.iter().any(|d| d.key == wanted) {
        true => Ok(()),
        false => Err(AppError::BadRequest(format!("Unbekanntes Amt {wanted}.")).into()),
    })
    .await?;
    let event = Ereignis::AufgabeVergeben {
        text: form.text.trim().to_owned(),
        owner: responsible,
        deadline: parse_date(&form.deadline)?,
        beschluss: optional_index(&form.beschluss, "Der Beschluss")?,
    };
    record(state, account, key, meeting, None, event).await
}

#[derive(Debug, Deserialize)]
pub(super) struct DoneForm {
    csrf: String,
    aufgabe: usize,
}

/// Marks a task done today.
pub(super) async fn done(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((key, meeting)): Path<(String, String)>,
    headers: HeaderMap,
    Form(form): Form<DoneForm>,
) -> Result<Response, PageError> {
    let meeting = meeting_key(&meeting)?;
    let account = form_account(&user, &headers, &form.csrf)?;
    let event = Ereignis::AufgabeErledigt { aufgabe: form.aufgabe, date: parse_date(&today())? };
    record(state, account, key, meeting, None, event).await
}
