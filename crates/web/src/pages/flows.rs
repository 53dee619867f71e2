//! The transitions page: the origin–destination tables of a Kommune (Übergänge,
//! Bildungswanderung) as Sankey diagrams with their table of numbers.

use axum::extract::{Path, Query, State};
use domain::{Area, Period, Value};
use maud::{Markup, html};
use serde::Deserialize;
use store::LayerVersion;

use super::{PageError, encode, kommune, off_runtime};
use crate::atlas::{Atlas, KommuneAtlas};
use crate::auth::CurrentUser;
use crate::flows::{FlowNode, FlowTable, FlowVariable, Origin, dimension_label, flow_table, flow_variables};
use crate::views::{page, sources, svg};
use crate::{AppError, AppState};

/// The origin choice meaning the child areas.
const AREAS: &str = "gebiete";

/// Variable, area, origin and period of a transitions view; all optional.
#[derive(Debug, Default, Deserialize, Clone)]
pub(super) struct FlowQuery {
    /// The variable, e.g. `uebergaenge_5`.
    merkmal: Option<String>,
    /// `layer:area`, e.g. `stadtbezirk:001`; the whole Kommune when absent.
    gebiet: Option<String>,
    /// `gebiete` (the child areas) or a dimension crossed with the destination.
    herkunft: Option<String>,
    /// The period, e.g. `2024/25`; the newest when absent.
    zeitraum: Option<String>,
}

impl FlowQuery {
    fn encode(&self) -> String {
        let pairs = [
            ("merkmal", &self.merkmal),
            ("gebiet", &self.gebiet),
            ("herkunft", &self.herkunft),
            ("zeitraum", &self.zeitraum),
        ];
        let parts: Vec<String> =
            pairs.into_iter().filter_map(|(k, v)| Some(format!("{k}={}", encode(v.as_deref()?)))).collect();
        parts.join("&")
    }
}

/// A transitions view after defaults are applied.
struct Chosen<'a> {
    flows: &'a FlowVariable,
    layer: &'a LayerVersion,
    area: &'a Area,
    origin: Origin,
    period: Period,
}

fn choose<'a>(k: &'a KommuneAtlas, all: &'a [FlowVariable], q: &FlowQuery) -> Result<Chosen<'a>, AppError> {
    let flows = match q.merkmal.as_deref().filter(|m| !m.is_empty()) {
        Some(m) => all
            .iter()
            .find(|f| f.variable.as_str() == m)
            .ok_or_else(|| AppError::NotFound(format!("keine Herkunft-Ziel-Tabelle {m:?}")))?,
        None => all.first().ok_or_else(|| AppError::NotFound("keine Herkunft-Ziel-Tabelle".into()))?,
    };
    let period = match q.zeitraum.as_deref().filter(|z| !z.is_empty()) {
        Some(z) => {
            let p: Period = z.parse().map_err(|e: domain::period::PeriodError| AppError::BadRequest(e.to_string()))?;
            if !flows.periods.contains(&p) {
                return Err(AppError::NotFound(format!("{}: keine Daten für {p}", flows.label)));
            }
            p
        }
        None => *flows.periods.last().ok_or_else(|| AppError::NotFound("kein Zeitraum".into()))?,
    };
    let year = Some(period.start_year());
    let (layer, area) = match q.gebiet.as_deref().filter(|g| !g.is_empty()) {
        Some(g) => {
            let (l, a) =
                g.split_once(':').ok_or_else(|| AppError::BadRequest(format!("Gebiet {g:?}: Ebene:Schlüssel")))?;
            let layer = k.data.layer(l, year).ok_or_else(|| AppError::NotFound(format!("keine Ebene {l:?}")))?;
            let area = layer
                .areas
                .iter()
                .find(|x| x.key.as_str() == a)
                .ok_or_else(|| AppError::NotFound(format!("kein Gebiet {a:?} in {}", layer.layer.name)))?;
            (layer, area)
        }
        None => k.city(year).ok_or_else(|| AppError::NotFound("kein Gebiet der ganzen Kommune".into()))?,
    };
    let origin = match q.herkunft.as_deref().filter(|h| !h.is_empty() && *h != AREAS) {
        Some(h) if flows.crossed.iter().any(|c| c == h) => Origin::Dimension(h.to_owned()),
        Some(h) => return Err(AppError::NotFound(format!("{}: keine Herkunft {h:?}", flows.label))),
        None => Origin::Areas,
    };
    Ok(Chosen { flows, layer, area, origin, period })
}

pub(super) async fn flows_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(key): Path<String>,
    Query(q): Query<FlowQuery>,
) -> Result<Markup, PageError> {
    let atlas = state.atlas_for(&user.viewer()).await?;
    off_runtime(move || flows_markup(&atlas, key, q)).await
}

/// A stored cell as published: the number, its symbol (`.` withheld) or "–" when nothing is stored.
fn cell_text(v: Option<Value>) -> String {
    match v {
        Some(Value::Number(x)) => render::format_auto(x),
        Some(Value::Symbol(s)) => s.as_str().to_owned(),
        None => "–".to_owned(),
    }
}

/// A count with its share of `of` in parentheses when both are numbers.
fn with_share(v: Option<Value>, of: Option<Value>) -> String {
    match (v, of) {
        (Some(Value::Number(x)), Some(Value::Number(t))) if t > 0.0 => {
            format!("{} ({} %)", render::format_auto(x), render::format_de(x / t * 100.0, 1))
        }
        _ => cell_text(v),
    }
}

fn number(v: Option<Value>) -> Option<f64> {
    v.and_then(Value::number)
}

fn node(n: &FlowNode) -> render::SankeyNode<'_> {
    render::SankeyNode { key: &n.key, label: &n.label, total: number(n.total) }
}

/// The Sankey diagram of a table: withheld cells become withheld flows; cells with nothing stored
/// are no flow.
fn diagram(table: &FlowTable, title: &str, destination_heading: &str) -> String {
    let flows = table
        .cells
        .iter()
        .enumerate()
        .flat_map(|(o, row)| {
            row.iter().enumerate().filter_map(move |(d, v)| {
                let value = match v.as_ref()? {
                    Value::Number(x) => Some(*x),
                    Value::Symbol(_) => None,
                };
                Some(render::Flow { origin: o, destination: d, value })
            })
        })
        .collect();
    render::sankey(&render::SankeySpec {
        title,
        origin_heading: &table.origin_heading,
        destination_heading,
        origins: table.origins.iter().map(node).collect(),
        destinations: table.destinations.iter().map(node).collect(),
        flows,
        total: number(table.total),
        width: 760.0,
        plot_height: 360.0,
    })
}

fn flows_markup(atlas: &Atlas, key: String, q: FlowQuery) -> Result<Markup, PageError> {
    let k = kommune(atlas, &key)?;
    let all = flow_variables(k);
    let base = format!("/atlas/{key}/uebergaenge");
    if all.is_empty() {
        return Ok(page(
            "Übergänge",
            Some((&key, &k.data.kommune.name)),
            "uebergaenge",
            html! {
                h1 { "Übergänge und Wanderungen in " (k.data.kommune.name) }
                p { "Es sind keine Herkunft-Ziel-Tabellen geladen. Die Statistikstelle erzeugt sie aus verknüpften Einzeldaten ("
                    code { "statistikstelle aggregieren" } ", Quellen " code { "uebergaenge" } " und " code { "schulbezirk" } ")." }
            },
        ));
    }
    let chosen = choose(k, &all, &q)?;
    let table = flow_table(k, chosen.flows, &chosen.origin, chosen.layer, chosen.area, chosen.period);
    let destination_heading = dimension_label(&chosen.flows.destination);
    let title = format!(
        "{}: {} nach {}, {} {}",
        chosen.flows.label, table.origin_heading, destination_heading, chosen.area.name, chosen.period
    );
    let chart = diagram(&table, &title, &destination_heading);
    let releases: Vec<&domain::Release> = table.releases.iter().filter_map(|r| k.data.release(*r)).collect();
    let year = Some(chosen.period.start_year());
    let area_layers: Vec<&LayerVersion> = k
        .data
        .layer_keys()
        .into_iter()
        .filter(|l| chosen.flows.layers.contains(l))
        .filter_map(|l| k.data.layer(l.as_str(), year))
        .collect();
    let herkunft = match &chosen.origin {
        Origin::Areas => AREAS.to_owned(),
        Origin::Dimension(d) => d.clone(),
    };
    let gebiet = format!("{}:{}", chosen.layer.layer.key, chosen.area.key);
    let drill = |a: &str, layer: &str| {
        let q = FlowQuery {
            merkmal: Some(chosen.flows.variable.to_string()),
            gebiet: Some(format!("{layer}:{a}")),
            herkunft: Some(AREAS.to_owned()),
            zeitraum: Some(chosen.period.to_string()),
        };
        format!("{base}?{}", q.encode())
    };
    let child_layer = crate::flows::children(k, chosen.flows, chosen.layer, chosen.area, chosen.period)
        .map(|(l, _)| l.layer.key.to_string())
        .filter(|_| chosen.origin == Origin::Areas);
    Ok(page(
        "Übergänge",
        Some((&key, &k.data.kommune.name)),
        "uebergaenge",
        html! {
            h1 { "Übergänge und Wanderungen in " (k.data.kommune.name) }
            p class="hint" { "Herkunft-Ziel-Tabellen der Statistikstelle: wohin die gezählten Personen gehen, nach Wohngebiet oder nach einem zweiten Merkmal. "
                "Die Bänder sind so breit wie die Anzahl; geheim gehaltene Zellen (" code { "." } ") werden nicht gezeichnet und unter dem Diagramm gezählt." }
            nav aria-label="Herkunft-Ziel-Tabellen" { ul {
                @for f in &all {
                    li { a href=(format!("{base}?merkmal={}", encode(f.variable.as_str()))) aria-current=[(f.variable == chosen.flows.variable).then_some("page")] { (f.label) }
                        " – nach " (dimension_label(&f.destination)) }
                }
            } }
            form class="controls inline flows" method="get" action=(base) {
                label { "Merkmal" select name="merkmal" {
                    @for f in &all { option value=(f.variable) selected[f.variable == chosen.flows.variable] { (f.label) } }
                } }
                label { "Gebiet" select name="gebiet" {
                    @for l in &area_layers {
                        optgroup label=(l.layer.name) {
                            @for a in &l.areas {
                                @let value = format!("{}:{}", l.layer.key, a.key);
                                option value=(value) selected[value == gebiet] { (a.name) }
                            }
                        }
                    }
                } }
                label { "Herkunft" select name="herkunft" {
                    option value=(AREAS) selected[herkunft == AREAS] { "Wohngebiete" }
                    @for c in &chosen.flows.crossed { option value=(c) selected[*c == herkunft] { (dimension_label(c)) } }
                } }
                label { "Zeitraum" select name="zeitraum" {
                    @for p in &chosen.flows.periods { option value=(p) selected[*p == chosen.period] { (p) } }
                } }
                button type="submit" { "Anzeigen" }
            }
            section aria-labelledby="sankey" {
                h2 id="sankey" { (title) }
                figure class="sankey" {
                    (svg(chart))
                    figcaption { "Links " (table.origin_heading) ", rechts " (destination_heading) "; in Klammern der Anteil an allen "
                        (cell_text(table.total)) " in " (chosen.area.name) "." }
                }
            }
            section aria-labelledby="zahlen" {
                h2 id="zahlen" { "Die Zahlen" }
                div class="scroll" role="region" tabindex="0" aria-label=(title) { table class="data" {
                    caption { (title) ", Anzahl (Anteil an der Zeile)" }
                    thead { tr {
                        th scope="col" { (table.origin_heading) }
                        @for d in &table.destinations { th scope="col" class="num" { (d.label) } }
                        th scope="col" class="num" { "Insgesamt" }
                    } }
                    tbody {
                        @for (o, row) in table.origins.iter().zip(&table.cells) {
                            tr {
                                th scope="row" {
                                    @if let Some(layer) = &child_layer { a href=(drill(&o.key, layer)) { (o.label) } } @else { (o.label) }
                                }
                                @for v in row { td class="num" { (with_share(*v, o.total)) } }
                                td class="num" { (cell_text(o.total)) }
                            }
                        }
                    }
                    tfoot { tr {
                        th scope="row" { (chosen.area.name) " insgesamt" }
                        @for d in &table.destinations { td class="num" { (with_share(d.total, table.total)) } }
                        td class="num" { (cell_text(table.total)) }
                    } }
                } }
                p class="hint" { code { "." } " geheim gehalten (Mindestfallzahl oder sekundäre Geheimhaltung der Statistikstelle), "
                    code { "–" } " nichts gespeichert." }
                (sources(&releases))
            }
        },
    ))
}
