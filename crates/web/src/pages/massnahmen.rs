//! Measures (Maßnahmen) in the atlas: the list per Kommune, each measure's Steckbrief with the review
//! of its expected effects (the indicator's path since the baseline against the target, with its
//! confidence interval, the assessment and the reviewers' judgements), the form to record a
//! judgement, and the editor for the lead department.

use std::sync::Arc;

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use domain::access::Viewer;
use domain::attention::Person;
use domain::indicator::Definition;
use domain::massnahme::{
    Befund, Handlungsfeld, Massnahme, MassnahmeDraft, PathPoint, Prioritaet, Problem, Status, Urteil, Wirkung,
    WirkungDraft, assess,
};
use domain::{Audience, LayerKey, Period};
use maud::{Markup, html};
use serde::Deserialize;
use store::{Actor, StoreError, StoredDepartment, StoredMassnahme};

use super::account::audience_label;
use super::{PageError, encode, kommune, off_runtime};
use crate::atlas::KommuneAtlas;
use crate::auth::{CurrentUser, cross_site, now};
use crate::views::{page, svg};
use crate::{AppError, AppState};

/// How many expected effects the editor offers at once (a saved measure shows its own and one more).
const EFFECT_SLOTS: usize = 2;

fn kommune_key(key: &str) -> Result<domain::KommuneKey, AppError> {
    key.parse().map_err(|_| AppError::NotFound(format!("keine Kommune {key:?}")))
}

fn measures(state: &AppState, key: &str, viewer: &Viewer) -> Result<Vec<StoredMassnahme>, AppError> {
    state.store.massnahmen(&kommune_key(key)?, viewer).map_err(AppError::internal)
}

fn area_in<'a>(layer: &'a store::LayerVersion, key: &str) -> Option<&'a domain::Area> {
    layer.areas.iter().find(|a| a.key.as_str() == key)
}

fn store_error(e: StoreError) -> AppError {
    match e {
        StoreError::Forbidden(_) => AppError::Forbidden(
            "Nicht erlaubt: Maßnahmen ändern und beurteilen die Bearbeiterinnen und Bearbeiter der federführenden Stelle.".into(),
        ),
        StoreError::UnknownRecord(what) => AppError::NotFound(format!("{what} gibt es nicht (mehr).")),
        StoreError::UnknownDepartment(d) => AppError::BadRequest(format!("Unbekannte federführende Stelle {d}.")),
        other => AppError::internal(other),
    }
}

/// The measures of a Kommune.
pub(super) async fn list_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(key): Path<String>,
) -> Result<Markup, PageError> {
    let viewer = user.viewer();
    let atlas = state.atlas_for(&viewer).await?;
    off_runtime(move || {
        let k = kommune(&atlas, &key)?;
        let list = measures(&state, &key, &viewer)?;
        let departments = state.store.departments().map_err(AppError::internal)?;
        let may_add = departments.iter().any(|d| viewer.may_edit_for(&d.key));
        let name_of = |d: &domain::access::DepartmentKey| {
            departments.iter().find(|x| &x.key == d).map_or(d.to_string(), |x| x.name.clone())
        };
        let area_name = |m: &StoredMassnahme, a: &domain::AreaKey| {
            k.data.layer(m.layer.as_str(), None).and_then(|l| area_in(l, a.as_str())).map_or(a.to_string(), |x| x.name.clone())
        };
        let name = &k.data.kommune.name;
        Ok(page(
            "Maßnahmen",
            Some((&key, name)),
            "massnahmen",
            html! {
                h1 { "Maßnahmen" }
                p class="lead" { "Maßnahmen der integrierten Quartiersentwicklung: wer sie führt, was sie kosten und welche Indikatoren sie bis wann bewegen sollen. Jede Maßnahme wird an ihren Indikatoren überprüft." }
                @if list.iter().any(|m| m.massnahme.example) { p class="note" { "Mit „Beispiel“ markierte Maßnahmen sind erfundene Beispiele der Demo in vier Pilotgebieten, gewählt nach dem Index." } }
                @if may_add { p { a href=(format!("/atlas/{key}/massnahmen/neu")) { "Neue Maßnahme erfassen" } } }
                @if list.is_empty() { p { "Keine Maßnahmen, die Sie sehen dürfen." } } @else {
                    div class="scroll" role="region" tabindex="0" aria-label="Maßnahmen" {
                        table class="data" {
                            caption class="sr-only" { "Maßnahmen" }
                            thead { tr { th scope="col" { "Maßnahme" } th scope="col" { "Gebiete" } th scope="col" { "Handlungsfeld" } th scope="col" { "Federführung" } th scope="col" { "Status" } th scope="col" { "Priorität" } th scope="col" { "Zeitraum" } th scope="col" { "nächste Überprüfung" } } }
                            tbody {
                                @for m in &list {
                                    @let x = &m.massnahme;
                                    tr {
                                        td { a href=(format!("/atlas/{key}/massnahme/{}", encode(x.key.as_str()))) { (x.title) } @if x.example { " " span class="badge" { "Beispiel" } } }
                                        td { (x.areas.iter().map(|a| area_name(m, a)).collect::<Vec<_>>().join(", ")) }
                                        td { (x.field.label()) }
                                        td { (name_of(&x.lead)) }
                                        td { (x.status.label()) }
                                        td { (x.priority.label()) }
                                        td class="nowrap" { (x.start) " – " (x.end.map_or(String::new(), |d| d.to_string())) }
                                        td class="nowrap" { (x.effects.iter().map(|e| e.review).min().map_or("–".to_owned(), |d| d.to_string())) }
                                    }
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

/// One expected effect in one area: the path since the baseline and its assessment.
struct Review<'a> {
    area: String,
    definition: Option<&'a Definition>,
    path: Vec<PathPoint>,
    assessment: domain::massnahme::Assessment,
}

fn review<'a>(
    k: &KommuneAtlas,
    catalogue: &'a [Definition],
    layer: &LayerKey,
    area: &domain::AreaKey,
    effect: &Wirkung,
) -> Review<'a> {
    let definition = catalogue.iter().find(|d| d.key.as_str() == effect.indicator);
    let version = k.data.layer(layer.as_str(), None);
    let area_version = version.and_then(|l| area_in(l, area.as_str()));
    let path: Vec<PathPoint> = match (definition, version, area_version) {
        (Some(d), Some(l), Some(a)) => k
            .indicator_periods(d)
            .into_iter()
            .filter(|p| {
                std::mem::discriminant(p) == std::mem::discriminant(&effect.baseline_period)
                    && *p >= effect.baseline_period
            })
            .filter_map(|p| {
                let c = k.indicator(d, l, a, Some(p)).ok()?;
                Some(PathPoint { period: p, value: c.value, interval: c.interval.map(|i| (i.lower, i.upper)) })
            })
            .collect(),
        _ => Vec::new(),
    };
    let assessment = assess(effect, &path);
    Review { area: area_version.map_or(area.to_string(), |a| a.name.clone()), definition, path, assessment }
}

fn chart(title: &str, effect: &Wirkung, r: &Review<'_>) -> String {
    let periods: Vec<Period> = r.path.iter().map(|p| p.period).collect();
    let value = |f: &dyn Fn(&PathPoint) -> Option<f64>| r.path.iter().map(f).collect::<Vec<_>>();
    let unit = r.definition.map_or("", |d| d.unit.as_str());
    let label = format!("Ziel {}", effect.review.year());
    render::line_chart(&render::LineChartSpec {
        title,
        periods: periods.iter().map(ToString::to_string).collect(),
        series: vec![
            render::Series { name: &r.area, values: value(&|p| Some(p.value)) },
            render::Series { name: "untere Grenze (95 %)", values: value(&|p| p.interval.map(|i| i.0)) },
            render::Series { name: "obere Grenze (95 %)", values: value(&|p| p.interval.map(|i| i.1)) },
        ],
        y_label: unit,
        value_suffix: "",
        target: Some(render::TargetLine { label: &label, value: effect.target }),
        reestimated: Vec::new(),
        width: 560.0,
        height: 300.0,
    })
}

fn number(x: f64) -> String {
    render::format_de(x, render::auto_decimals(x).max(1))
}

/// A measure's Steckbrief and the review of its effects.
pub(super) async fn measure_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((key, measure)): Path<(String, String)>,
) -> Result<Markup, PageError> {
    let viewer = user.viewer();
    let csrf = user.session.as_ref().map(|s| s.csrf.clone());
    let signed_in = user.session.is_some();
    let atlas = state.atlas_for(&viewer).await?;
    off_runtime(move || {
        let k = kommune(&atlas, &key)?;
        let m = measures(&state, &key, &viewer)?
            .into_iter()
            .find(|m| m.massnahme.key.as_str() == measure)
            .ok_or_else(|| AppError::NotFound(format!("keine Maßnahme {measure:?}")))?;
        let judgements = state.store.urteile(&kommune_key(&key)?, &measure).map_err(AppError::internal)?;
        let departments = state.store.departments().map_err(AppError::internal)?;
        let grants = state
            .store
            .record_grants(store::RecordRef { kommune: &kommune_key(&key)?, kind: store::RecordKind::Massnahme, key: &measure })
            .map_err(AppError::internal)?;
        let may_edit = viewer.may_edit_record(&m.massnahme.lead, &grants);
        let grant_form = viewer.administers(&m.massnahme.lead).then_some(csrf.as_deref()).flatten();
        let grants_section = super::freigabe::section(
            &format!("/atlas/{key}/massnahme/{}/freigabe", encode(&measure)),
            &grants,
            &departments,
            &m.massnahme.lead,
            grant_form,
        );
        let x = &m.massnahme;
        let lead = departments.iter().find(|d| d.key == x.lead).map_or(x.lead.to_string(), |d| d.name.clone());
        Ok(page(
            &x.title,
            Some((&key, &k.data.kommune.name)),
            "massnahmen",
            html! {
                h1 { (x.title) @if x.example { " " span class="badge" { "Beispiel" } } }
                h2 { "Steckbrief" }
                dl class="facts" {
                    dt { "Kennung" } dd { (x.key) }
                    dt { "Handlungsfeld" } dd { (x.field.label()) }
                    dt { "Federführung" } dd { (lead) }
                    dt { "Partner" } dd { (x.partners.join(", ")) }
                    dt { "Status" } dd { (x.status.label()) }
                    dt { "Priorität" } dd { (x.priority.label()) }
                    dt { "Zeitraum" } dd { (x.start) " – " (x.end.map_or("offen".to_owned(), |d| d.to_string())) }
                    dt { "Kosten" } dd { (x.cost.map_or("–".to_owned(), |c| format!("{} €", render::format_de(c, 2)))) }
                    dt { "Finanzierung" } dd { (x.funding) }
                    dt { "Sichtbar für" } dd { (audience_label(m.audience)) }
                    dt { "Zuletzt gespeichert" } dd { (m.saved_at.get(..10).unwrap_or(&m.saved_at)) }
                }
                h2 { "Erwartete Wirkungen und ihre Überprüfung" }
                @if x.effects.is_empty() { p { "Keine erwarteten Wirkungen eingetragen." } }
                @for (i, effect) in x.effects.iter().enumerate() {
                    section class="effect" aria-labelledby=(format!("wirkung-{i}")) {
                        @let label = atlas.catalogue.iter().find(|d| d.key.as_str() == effect.indicator).map_or(effect.indicator.clone(), |d| d.label.clone());
                        h3 id=(format!("wirkung-{i}")) { (label) ": von " (number(effect.baseline)) " (" (effect.baseline_period) ") auf " (number(effect.target)) ", Überprüfung " (effect.review) }
                        @for area in &x.areas {
                            @let r = review(k, &atlas.catalogue, &m.layer, area, effect);
                            @let title = format!("{label} in {} seit {}", r.area, effect.baseline_period);
                            p { strong { (r.area) ": " (r.assessment.befund.label()) } " – "
                                @match (r.assessment.latest, r.assessment.progress) {
                                    (Some(latest), Some(progress)) => {
                                        (number(latest.value)) " im Jahr " (latest.period) ", " (render::format_de(progress * 100.0, 0)) " % des Wegs zum Ziel"
                                        @match r.assessment.significant { Some(true) => { "; der Basiswert liegt außerhalb des 95-%-Intervalls." } Some(false) => { "; der Basiswert liegt im 95-%-Intervall, die Veränderung ist nicht gesichert." } None => { "; ohne Konfidenzintervall." } }
                                    }
                                    _ => { "noch kein Wert nach dem Basisjahr." }
                                }
                            }
                            @if !r.path.is_empty() {
                                figure { (svg(chart(&title, effect, &r))) figcaption { (title) ", mit 95-%-Konfidenzintervall und Zielwert" } }
                                table class="data" {
                                    caption { (title) }
                                    thead { tr { th scope="col" { "Jahr" } th scope="col" class="num" { "Wert" } th scope="col" class="num" { "95-%-Intervall" } } }
                                    tbody { @for p in &r.path { tr { td { (p.period) } td class="num" { (render::format_de(p.value, 2)) } td class="num" { (p.interval.map_or("–".to_owned(), |(l, u)| format!("{} – {}", render::format_de(l, 2), render::format_de(u, 2)))) } } } }
                                }
                            }
                        }
                        @let mine: Vec<_> = judgements.iter().filter(|j| j.urteil.effect == i).collect();
                        @if !mine.is_empty() {
                            h4 { "Urteile" }
                            ul { @for j in &mine { li { (j.urteil.date) ": " strong { (j.urteil.befund.label()) }
                                // Names and reasons are for signed-in people only, as in the attention workflow.
                                @if signed_in { " – " (j.urteil.reviewer.as_str()) @if !j.urteil.comment.is_empty() { ": " (j.urteil.comment) } }
                            } } }
                        }
                        @if let (true, Some(csrf)) = (may_edit, csrf.as_deref()) {
                            form class="controls narrow" method="post" action=(format!("/atlas/{key}/massnahme/{}/urteil", encode(x.key.as_str()))) {
                                input type="hidden" name="csrf" value=(csrf);
                                input type="hidden" name="effect" value=(i);
                                label { "Urteil" select name="befund" { @for b in Befund::ALL { option value=(b.as_str()) { (b.label()) } } } }
                                label { "Wer urteilt" input type="text" name="reviewer" required; }
                                label { "Begründung" input type="text" name="comment"; }
                                label { "Datum" input type="text" name="date" value=(now().1.get(..10).unwrap_or_default()); }
                                button type="submit" { "Urteil festhalten" }
                            }
                        }
                    }
                }
                @if let (true, Some(csrf)) = (may_edit, csrf.as_deref()) {
                    details {
                        summary { "Steckbrief bearbeiten" }
                        (measure_form(&key, k, &x.draft(), m.layer.as_str(), m.audience, &leads_for(&departments, &viewer, &x.lead), csrf, &[]))
                    }
                }
                @if signed_in { (grants_section) }
                p { a href=(format!("/atlas/{key}/massnahmen")) { "Alle Maßnahmen" } }
            },
        ))
    })
    .await
}

/// The departments a measure's form offers as lead: those the viewer edits for, and the current
/// lead (a department granted edit keeps the lead as it is).
fn leads_for(
    departments: &[StoredDepartment],
    viewer: &Viewer,
    lead: &domain::access::DepartmentKey,
) -> Vec<StoredDepartment> {
    departments.iter().filter(|d| &d.key == lead || viewer.may_edit_for(&d.key)).cloned().collect()
}

fn editable(departments: &[StoredDepartment], viewer: &Viewer) -> Vec<StoredDepartment> {
    departments.iter().filter(|d| viewer.may_edit_for(&d.key)).cloned().collect()
}

#[allow(clippy::too_many_arguments)]
fn measure_form(
    key: &str,
    k: &KommuneAtlas,
    draft: &MassnahmeDraft,
    layer: &str,
    audience: Audience,
    leads: &[StoredDepartment],
    csrf: &str,
    problems: &[Problem],
) -> Markup {
    // The areas' input also shows the problems of single areas (`areas[2]`).
    let problem = |field: &str| {
        let mine = |p: &&Problem| p.field == field || (field == "areas" && p.field.starts_with("areas["));
        problems.iter().filter(mine).map(|p| p.message.clone()).collect::<Vec<_>>().join(" ")
    };
    let input = |name: String, field: String, label: String, value: String| {
        super::text_field(&name, &label, "", &value, &problem(&field))
    };
    let simple = |name: &str, label: &str, value: &str| {
        input(name.to_owned(), name.to_owned(), label.to_owned(), value.to_owned())
    };
    let mut effects = draft.effects.clone();
    effects.resize((effects.len() + 1).max(EFFECT_SLOTS), WirkungDraft::default());
    let lead_message = problem("lead");
    html! {
        @if !problems.is_empty() {
            div class="notice" role="alert" { p { "Die Maßnahme wurde nicht gespeichert: " (problems.len()) " Angabe(n) sind zu korrigieren." } }
        }
        form class="controls narrow" method="post" action=(format!("/atlas/{key}/massnahmen")) {
            input type="hidden" name="csrf" value=(csrf);
            (simple("key", "Kennung", &draft.key))
            (simple("title", "Titel", &draft.title))
            label { "Handlungsfeld" select name="field" { @for f in Handlungsfeld::ALL { option value=(f.as_str()) selected[draft.field == f.as_str()] { (f.label()) } } } }
            label { "Federführung" select name="lead" aria-invalid=[(!lead_message.is_empty()).then_some("true")] {
                option value="" { "– bitte wählen –" }
                @for d in leads { option value=(d.key) selected[draft.lead == d.key.as_str()] { (d.name) } }
            } @if !lead_message.is_empty() { span class="field-error" { (lead_message) } } }
            (simple("partners", "Partner (durch Komma getrennt)", &draft.partners))
            label { "Status" select name="status" { @for s in Status::ALL { option value=(s.as_str()) selected[draft.status == s.as_str()] { (s.label()) } } } }
            label { "Priorität" select name="priority" { @for p in Prioritaet::ALL { option value=(p.as_str()) selected[draft.priority == p.as_str()] { (p.label()) } } } }
            (simple("start", "Beginn (JJJJ-MM-TT)", &draft.start))
            (simple("end", "Ende (JJJJ-MM-TT, leer: offen)", &draft.end))
            (simple("cost", "Kosten in €", &draft.cost))
            (simple("funding", "Finanzierung", &draft.funding))
            label { "Ebene der Gebiete" select name="layer" { @for l in k.data.layer_versions.iter().map(|l| l.layer.key.as_str()).collect::<std::collections::BTreeSet<_>>() { option value=(l) selected[l == layer] { (l) } } } }
            (input("areas".into(), "areas".into(), "Gebiete (Schlüssel, durch Komma getrennt)".into(), draft.areas.join(", ")))
            label { "Sichtbar für" select name="audience" {
                @for a in [Audience::Internal, Audience::Partner, Audience::Public] { option value=(a.as_str()) selected[a == audience] { (audience_label(a)) } }
            } }
            @for (i, e) in effects.iter().enumerate() {
                fieldset {
                    legend { "Erwartete Wirkung " (i + 1) " (leer lassen, wenn keine)" }
                    (input(format!("e{i}_indicator"), format!("effects[{i}].indicator"), "Indikator (Schlüssel aus dem Katalog)".into(), e.indicator.clone()))
                    (input(format!("e{i}_baseline_period"), format!("effects[{i}].baseline_period"), "Basisjahr".into(), e.baseline_period.clone()))
                    (input(format!("e{i}_baseline"), format!("effects[{i}].baseline"), "Basiswert".into(), e.baseline.clone()))
                    (input(format!("e{i}_target"), format!("effects[{i}].target"), "Zielwert".into(), e.target.clone()))
                    (input(format!("e{i}_review"), format!("effects[{i}].review"), "Überprüfung am (JJJJ-MM-TT)".into(), e.review.clone()))
                }
            }
            @if draft.example { input type="hidden" name="example" value="1"; }
            button type="submit" { "Speichern" }
        }
    }
}

/// The form for a new measure.
pub(super) async fn new_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(key): Path<String>,
) -> Result<Response, PageError> {
    let Some(session) = user.session.clone() else {
        return Ok(Redirect::to(&format!("/anmelden?weiter=/atlas/{key}/massnahmen/neu")).into_response());
    };
    let viewer = user.viewer();
    let atlas = state.atlas_for(&viewer).await?;
    off_runtime(move || {
        let k = kommune(&atlas, &key)?;
        let leads = editable(&state.store.departments().map_err(AppError::internal)?, &viewer);
        if leads.is_empty() {
            return Err(
                AppError::Forbidden("Maßnahmen erfassen Bearbeiterinnen und Bearbeiter eines Amts.".into()).into()
            );
        }
        let layer =
            state.versorgung.iter().find(|v| v.kommune.as_str() == key).map_or(String::new(), |v| v.layer.to_string());
        let form =
            measure_form(&key, k, &MassnahmeDraft::default(), &layer, Audience::Internal, &leads, &session.csrf, &[]);
        Ok(page(
            "Neue Maßnahme",
            Some((&key, &k.data.kommune.name)),
            "massnahmen",
            html! { h1 { "Neue Maßnahme" } (form) },
        )
        .into_response())
    })
    .await
}

/// The fields of the measure form, effects in numbered slots.
#[derive(Debug, Deserialize)]
pub(super) struct MeasureForm {
    csrf: String,
    layer: String,
    audience: String,
    #[serde(default)]
    example: Option<String>,
    #[serde(flatten)]
    fields: std::collections::HashMap<String, String>,
}

impl MeasureForm {
    fn text(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }

    fn draft(&self) -> MassnahmeDraft {
        let effects = (0..)
            .map_while(|i| self.fields.contains_key(&format!("e{i}_indicator")).then_some(i))
            .map(|i| WirkungDraft {
                indicator: self.text(&format!("e{i}_indicator")),
                baseline_period: self.text(&format!("e{i}_baseline_period")),
                baseline: self.text(&format!("e{i}_baseline")),
                target: self.text(&format!("e{i}_target")),
                review: self.text(&format!("e{i}_review")),
            })
            .filter(|e| *e != WirkungDraft::default())
            .collect();
        MassnahmeDraft {
            key: self.text("key"),
            title: self.text("title"),
            field: self.text("field"),
            lead: self.text("lead"),
            partners: self.text("partners"),
            status: self.text("status"),
            priority: self.text("priority"),
            start: self.text("start"),
            end: self.text("end"),
            cost: self.text("cost"),
            funding: self.text("funding"),
            areas: self.text("areas").split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect(),
            effects,
            example: self.example.is_some(),
        }
    }
}

/// Saves a measure; problems come back on the form (422) and nothing is saved.
pub(super) async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(key): Path<String>,
    headers: HeaderMap,
    Form(form): Form<MeasureForm>,
) -> Result<Response, PageError> {
    if cross_site(&headers) {
        return Err(AppError::Forbidden("Anfrage von einer fremden Seite.".into()).into());
    }
    let session = user.check_csrf(&form.csrf)?.clone();
    let viewer = user.viewer();
    let atlas = state.atlas_for(&viewer).await?;
    off_runtime(move || {
        let k = kommune(&atlas, &key)?;
        let departments = state.store.departments().map_err(AppError::internal)?;
        let leads = match form.text("lead").parse::<domain::access::DepartmentKey>() {
            Ok(lead) => leads_for(&departments, &viewer, &lead),
            Err(_) => editable(&departments, &viewer),
        };
        let layer: LayerKey = form.layer.parse().map_err(|_| AppError::BadRequest(format!("Unbekannte Ebene {:?}.", form.layer)))?;
        if k.data.layer(layer.as_str(), None).is_none() {
            return Err(AppError::BadRequest(format!("Unbekannte Ebene {layer}.")).into());
        }
        let audience: Audience =
            form.audience.parse().map_err(|_| AppError::BadRequest(format!("Unbekannte Stufe {:?}.", form.audience)))?;
        let draft = form.draft();
        let is_indicator = |key: &str| atlas.catalogue.iter().any(|d| d.key.as_str() == key);
        let mut result = Massnahme::from_draft(&draft, &is_indicator);
        if let Ok(m) = &result {
            let unknown: Vec<Problem> = m
                .areas
                .iter()
                .filter(|a| k.data.layer(layer.as_str(), None).and_then(|l| area_in(l, a.as_str())).is_none())
                .map(|a| Problem { field: "areas".into(), message: format!("Das Gebiet „{a}“ gibt es auf der Ebene {layer} nicht.") })
                .collect();
            if !unknown.is_empty() {
                result = Err(unknown);
            }
        }
        let massnahme = match result {
            Ok(m) => m,
            Err(problems) => {
                let body = html! { h1 { "Maßnahme erfassen" } (measure_form(&key, k, &draft, layer.as_str(), audience, &leads, &session.csrf, &problems)) };
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, page("Maßnahme erfassen", Some((&key, &k.data.kommune.name)), "massnahmen", body)).into_response());
            }
        };
        state
            .store
            .save_massnahme(Actor::Account(session.account.id), &kommune_key(&key)?, &layer, audience, &massnahme, &now().1)
            .map_err(store_error)?;
        Ok(Redirect::to(&format!("/atlas/{key}/massnahme/{}", encode(massnahme.key.as_str()))).into_response())
    })
    .await
}

#[derive(Debug, Deserialize)]
pub(super) struct JudgementForm {
    csrf: String,
    effect: usize,
    befund: String,
    reviewer: String,
    comment: String,
    date: String,
}

/// Records a reviewer's judgement of one effect.
pub(super) async fn judge(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((key, measure)): Path<(String, String)>,
    headers: HeaderMap,
    Form(form): Form<JudgementForm>,
) -> Result<Response, PageError> {
    if cross_site(&headers) {
        return Err(AppError::Forbidden("Anfrage von einer fremden Seite.".into()).into());
    }
    let account = user.check_csrf(&form.csrf)?.account.id;
    let urteil = Urteil {
        effect: form.effect,
        befund: form
            .befund
            .parse()
            .map_err(|_| AppError::BadRequest(format!("Unbekanntes Urteil {:?}.", form.befund)))?,
        reviewer: Person::new(&form.reviewer)
            .map_err(|_| AppError::BadRequest("Bitte angeben, wer urteilt.".into()))?,
        comment: form.comment.trim().to_owned(),
        date: form.date.trim().parse().map_err(|_| {
            AppError::BadRequest(format!("Das Datum „{}“ ist kein Kalenderdatum (JJJJ-MM-TT).", form.date))
        })?,
    };
    let store = Arc::clone(&state.store);
    let kommune = kommune_key(&key)?;
    let target = format!("/atlas/{key}/massnahme/{}", encode(&measure));
    off_runtime(move || {
        store.record_urteil(Actor::Account(account), &kommune, &measure, &urteil, &now().1).map_err(store_error)?;
        Ok(())
    })
    .await?;
    Ok(Redirect::to(&target).into_response())
}
