//! `bimo planung`: Schulentwicklungsplanung on the store – the base forecast, capacity, the
//! configured scenarios side by side and a back-test, written to one XLSX workbook with every
//! assumption on its own sheet (method: `docs/PLANUNG.md`). The plan is read by
//! [`web::planning`]; each scenario run is recorded in the store, and `bimo planung beschluss`
//! records the council decision that adopted a scenario.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use domain::Audience;
use domain::attention::{Datum, Person};
use domain::forecast::Backtest;
use domain::scenario::{Comparison, Outcome};
use import::PlanningConfig;
use rust_xlsxwriter::{Format, Workbook, Worksheet};
use store::{NewScenario, ScenarioId, Store};
use web::planning::{Plan, ZuegigkeitSource};

/// The options of `bimo planung`.
#[derive(Debug, Clone, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    /// Record a council decision instead of running the plan.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Directory of the store file `bimo.sqlite`.
    #[arg(long, default_value = ".")]
    pub data_dir: PathBuf,
    /// The planning configuration (TOML), e.g. data/planung/koeln.toml.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Run only this scenario beside the base (default: every scenario of the configuration).
    #[arg(long)]
    pub szenario: Option<String>,
    /// The workbook to write (XLSX).
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Also write the forecasts of every run as `;`-separated CSV.
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// Who runs the plan; each scenario run is recorded in the store under this name.
    #[arg(long)]
    pub by: Option<String>,
    /// The launch year of the back-test (default: three years before the launch year).
    #[arg(long)]
    pub backtest: Option<i32>,
}

/// `bimo planung beschluss`.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Command {
    /// Record that a council decision adopted a stored scenario.
    Beschluss {
        /// Directory of the store file `bimo.sqlite`.
        #[arg(long, default_value = ".")]
        data_dir: PathBuf,
        /// The stored scenario's number (printed by `bimo planung`).
        #[arg(long)]
        szenario: i64,
        /// The decision, e.g. "Ratsbeschluss 2026/0815".
        #[arg(long)]
        beschluss: String,
        /// The date of the decision, YYYY-MM-DD.
        #[arg(long)]
        datum: Datum,
        /// Who records it.
        #[arg(long)]
        by: String,
    },
}

/// What a run of `bimo planung` computed.
#[derive(Debug)]
pub struct Outcomes {
    /// The plan read from the store.
    pub plan: Plan,
    /// The base run.
    pub base: Outcome,
    /// Each scenario run with its comparison against the base and its number in the store (if recorded).
    pub scenarios: Vec<(Outcome, Vec<Comparison>, Option<ScenarioId>)>,
    /// The back-test.
    pub backtest: Backtest,
}

/// Runs `bimo planung` (or records a decision); `now` is the RFC 3339 time. Returns the lines to print.
pub fn run(args: &Args, now: &str) -> anyhow::Result<Vec<String>> {
    if let Some(Command::Beschluss { data_dir, szenario, beschluss, datum, by }) = &args.command {
        let store = open(data_dir)?;
        let by = Person::new(by)?;
        let a = store.adopt_scenario(ScenarioId(*szenario), beschluss, *datum, &by, now)?;
        return Ok(vec![format!("scenario {szenario}: adopted by {} of {} (recorded by {by})", a.decision, a.date)]);
    }
    let (Some(config_path), Some(output)) = (&args.config, &args.output) else {
        bail!("bimo planung needs --config and --output (or the subcommand beschluss)")
    };
    let (config, text) = import::read_planning_config(config_path)
        .map_err(|e| anyhow::anyhow!("the planning configuration has errors:\n{e}"))?;
    let store = open(&args.data_dir)?;
    let outcomes = compute(&store, &config, args.szenario.as_deref(), args.backtest)?;
    let mut lines = Vec::new();
    let mut recorded = Vec::new();
    for (outcome, comparison, _) in outcomes.scenarios {
        let id = match &args.by {
            Some(by) => {
                let scenario = web::planning::scenario(&config, &outcome.name)?;
                let id = record(&store, &config, scenario, &text, by, now)?;
                lines.push(format!("scenario {:?} recorded as {id}", outcome.name));
                Some(id)
            }
            None => None,
        };
        recorded.push((outcome, comparison, id));
    }
    if args.by.is_none() && !recorded.is_empty() {
        lines.push("scenario runs not recorded in the store: give --by NAME".to_owned());
    }
    let outcomes = Outcomes { scenarios: recorded, ..outcomes };
    write_xlsx(output, &config, &outcomes)?;
    if let Some(csv) = &args.csv {
        write_csv(csv, &outcomes)?;
    }
    lines.extend(describe(&outcomes));
    lines.push(format!("written to {}", output.display()));
    Ok(lines)
}

fn open(dir: &Path) -> anyhow::Result<Store> {
    let path = dir.join("bimo.sqlite");
    if !path.exists() {
        bail!("there is no store {}", path.display());
    }
    Store::open(&path).with_context(|| format!("cannot open the store {}", path.display()))
}

/// Reads the plan from the store's public data and runs the base, the scenarios and the back-test.
pub fn compute(
    store: &Store,
    config: &PlanningConfig,
    only: Option<&str>,
    backtest: Option<i32>,
) -> anyhow::Result<Outcomes> {
    let snapshot = store.snapshot(Audience::Public)?;
    let atlas = web::atlas::Atlas::new(snapshot, Default::default(), Default::default());
    let k =
        atlas.kommune(&config.kommune).with_context(|| format!("Kommune {} is not in the store", config.kommune))?;
    let plan = web::planning::plan(k, config)?;
    let base = web::planning::evaluate(&plan, None)?;
    let chosen: Vec<&import::ScenarioConfig> = match only {
        Some(name) => vec![web::planning::scenario(config, name)?],
        None => config.scenarios.iter().collect(),
    };
    let scenarios = chosen
        .into_iter()
        .map(|s| {
            let outcome = web::planning::evaluate(&plan, Some(s))?;
            let comparison = web::planning::compare(&base, &outcome);
            Ok((outcome, comparison, None))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let backtest = web::planning::backtest(&plan, backtest.unwrap_or(config.launch - 3))?;
    Ok(Outcomes { plan, base, scenarios, backtest })
}

/// Stores a scenario run: the configuration text as its assumptions. The same text under the same
/// name is the stored scenario; changed text becomes a new scenario whose base is the old one.
fn record(
    store: &Store,
    config: &PlanningConfig,
    scenario: &import::ScenarioConfig,
    text: &str,
    by: &str,
    now: &str,
) -> anyhow::Result<ScenarioId> {
    let kommune = domain::KommuneKey::new(config.kommune.clone())?;
    let stored = store.scenarios(&kommune)?;
    let same_name: Vec<_> = stored
        .iter()
        .filter(|s| s.scenario.name == scenario.name || s.scenario.name.starts_with(&format!("{} · ", scenario.name)))
        .collect();
    if let Some(s) = same_name.iter().find(|s| s.scenario.assumptions == text) {
        return Ok(s.id);
    }
    let name = match same_name.is_empty() {
        true => scenario.name.clone(),
        false => format!("{} · {now}", scenario.name),
    };
    Ok(store.add_scenario(NewScenario {
        kommune,
        name,
        base: same_name.last().map(|s| s.id),
        description: format!("{} (Autor: {})", scenario.description, scenario.author),
        assumptions: text.to_owned(),
        created_by: Person::new(by)?,
        created_at: now.to_owned(),
    })?)
}

/// A summary: schools planned, schools running full per run, the back-test's MAPE.
pub fn describe(o: &Outcomes) -> Vec<String> {
    let full = |outcome: &Outcome| outcome.schools.iter().filter(|s| s.runs_full().is_some()).count();
    let mut lines = vec![format!(
        "{} schools planned ({} left out), {} run full within the horizon in the base",
        o.base.schools.len(),
        o.plan.left_out.len(),
        full(&o.base)
    )];
    for (s, _, _) in &o.scenarios {
        lines.push(format!("scenario {:?}: {} schools run full", s.name, full(s)));
    }
    for h in &o.backtest.mape {
        if let Some(m) = h.mape {
            lines.push(format!(
                "back-test from {}: horizon {} ({}) MAPE {m:.1} % over {} schools",
                o.backtest.launch, h.horizon, h.year, h.schools
            ));
        }
    }
    lines
}

/// One cell of a sheet.
enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn number(x: f64) -> Cell {
    Cell::Number(x)
}

fn maybe(x: Option<f64>) -> Cell {
    x.map_or(Cell::Empty, Cell::Number)
}

/// A sheet: a bold header row, then rows of cells; numbers keep full precision and show one decimal.
fn sheet(workbook: &mut Workbook, name: &str, header: &[&str], rows: Vec<Vec<Cell>>) -> anyhow::Result<()> {
    let bold = Format::new().set_bold();
    let decimal = Format::new().set_num_format("#,##0.0##");
    let ws: &mut Worksheet = workbook.add_worksheet().set_name(name)?;
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, col(c), *h, &bold)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r + 1)?;
        for (c, cell) in row.iter().enumerate() {
            match cell {
                Cell::Text(t) => ws.write_string(r, col(c), t)?,
                Cell::Number(x) if x.is_finite() => ws.write_number_with_format(r, col(c), *x, &decimal)?,
                Cell::Number(_) | Cell::Empty => ws,
            };
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofit();
    Ok(())
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

fn name_of<'a>(plan: &'a Plan, school: &str) -> (&'a str, &'a str) {
    plan.schools
        .iter()
        .find(|s| s.institution.key == school)
        .map_or(("", ""), |s| (s.institution.name.as_str(), s.institution.kind.as_str()))
}

/// Writes the workbook: Prognose, Kapazität, Szenarien, Backtest, Annahmen.
pub fn write_xlsx(path: &Path, config: &PlanningConfig, o: &Outcomes) -> anyhow::Result<()> {
    let mut workbook = Workbook::new();
    let plan = &o.plan;
    let (lo, hi) =
        config.schulformen.iter().map(|s| s.grades()).fold((u8::MAX, 0), |(a, b), (f, l)| (a.min(f), b.max(l)));
    let mut header: Vec<String> =
        ["Schulnummer", "Name", "Schulform", "Planungsbereich", "Schuljahr"].map(String::from).to_vec();
    header.extend((lo..=hi).map(|g| format!("Jahrgang {g}")));
    header.push("Summe".to_owned());
    let mut rows = Vec::new();
    for s in &o.base.schools {
        let (name, form) = name_of(plan, &s.school);
        for y in &s.years {
            let mut row = vec![
                text(&s.school),
                text(name),
                text(form),
                text(&s.planning_area),
                text(domain::Period::SchoolYear(y.year).to_string()),
            ];
            for g in lo..=hi {
                let k = g.checked_sub(s.first_grade).map(usize::from);
                row.push(maybe(k.and_then(|k| y.pupils.get(k).copied())));
            }
            row.push(number(y.pupils.iter().sum()));
            rows.push(row);
        }
    }
    for (area, year, pupils) in o.base.planning_areas() {
        let mut row =
            vec![text("Summe"), text(""), text(""), text(area), text(domain::Period::SchoolYear(year).to_string())];
        row.extend((lo..=hi).map(|_| Cell::Empty));
        row.push(number(pupils));
        rows.push(row);
    }
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    sheet(&mut workbook, "Prognose", &header_refs, rows)?;

    let mut rows = Vec::new();
    for s in &o.base.schools {
        let (name, form) = name_of(plan, &s.school);
        let full = s.runs_full().map(|y| domain::Period::SchoolYear(y).to_string());
        for y in &s.years {
            let Some(c) = &y.capacity else { continue };
            rows.push(vec![
                text(&s.school),
                text(name),
                text(form),
                text(domain::Period::SchoolYear(y.year).to_string()),
                number(c.pupils),
                number(f64::from(c.total_classes())),
                number(f64::from(c.zuege)),
                maybe(y.zuegigkeit),
                number(c.places / plan_klassenfrequenz(plan, &s.school)),
                number(c.places),
                number(c.utilisation),
                number(c.places_balance),
                number(c.classrooms_balance),
                full.clone().map_or(Cell::Empty, text),
            ]);
        }
    }
    sheet(
        &mut workbook,
        "Kapazität",
        &[
            "Schulnummer",
            "Name",
            "Schulform",
            "Schuljahr",
            "Schüler",
            "Klassen (Bedarf)",
            "Züge (Bedarf)",
            "Zügigkeit",
            "Räume",
            "Plätze",
            "Auslastung",
            "Plätze +/−",
            "Räume +/−",
            "läuft voll ab",
        ],
        rows,
    )?;

    let mut rows = Vec::new();
    for (s, comparison, id) in &o.scenarios {
        for c in comparison {
            let (name, _) = name_of(plan, &c.school);
            let pick = |x: Option<domain::scenario::Stand>, f: fn(domain::scenario::Stand) -> f64| maybe(x.map(f));
            rows.push(vec![
                text(&s.name),
                id.map_or(Cell::Empty, |i| number(i.0 as f64)),
                text(&c.school),
                text(name),
                text(domain::Period::SchoolYear(c.year).to_string()),
                pick(c.a, |s| s.pupils),
                pick(c.b, |s| s.pupils),
                number(c.pupils_difference()),
                pick(c.a, |s| f64::from(s.classes)),
                pick(c.b, |s| f64::from(s.classes)),
                number(c.classes_difference() as f64),
                pick(c.a, |s| s.zuegigkeit),
                pick(c.b, |s| s.zuegigkeit),
                pick(c.a, |s| s.utilisation),
                pick(c.b, |s| s.utilisation),
                maybe(c.utilisation_difference()),
            ]);
        }
    }
    sheet(
        &mut workbook,
        "Szenarien",
        &[
            "Szenario",
            "gespeichert als",
            "Schulnummer",
            "Name",
            "Schuljahr",
            "Schüler Basis",
            "Schüler Szenario",
            "Schüler Differenz",
            "Klassen Basis",
            "Klassen Szenario",
            "Klassen Differenz",
            "Zügigkeit Basis",
            "Zügigkeit Szenario",
            "Auslastung Basis",
            "Auslastung Szenario",
            "Auslastung Differenz",
        ],
        rows,
    )?;

    let b = &o.backtest;
    let mut rows = Vec::new();
    for s in &b.schools {
        let (name, _) = name_of(plan, &s.school);
        for d in s.deviations.iter().filter(|d| d.grade.is_none()) {
            rows.push(vec![
                text(&s.school),
                text(name),
                text(domain::Period::SchoolYear(d.year).to_string()),
                number(f64::from(d.horizon)),
                number(d.forecast),
                number(d.observed),
                number(d.error()),
                maybe(d.percentage_error()),
            ]);
        }
    }
    for h in &b.mape {
        rows.push(vec![
            text("MAPE"),
            text(format!("{} Schulen", h.schools)),
            text(domain::Period::SchoolYear(h.year).to_string()),
            number(f64::from(h.horizon)),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            maybe(h.mape),
        ]);
    }
    sheet(
        &mut workbook,
        "Backtest",
        &["Schulnummer", "Name", "Schuljahr", "Horizont", "Prognose", "beobachtet", "Fehler", "Fehler %"],
        rows,
    )?;

    sheet(&mut workbook, "Annahmen", &["Bereich", "Annahme", "Wert", "Erläuterung"], assumptions(config, o))?;
    workbook.save(path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

fn plan_klassenfrequenz(plan: &Plan, school: &str) -> f64 {
    plan.base.schools.iter().find(|s| s.school.id == school).map_or(1.0, |s| s.klassenfrequenz)
}

fn years_text(y: &import::Years) -> (String, String) {
    let excluded = y.exclude.iter().map(i32::to_string).collect::<Vec<_>>().join(", ");
    (format!("{}–{}", y.first, y.last), if excluded.is_empty() { "keine".to_owned() } else { excluded })
}

fn assumptions(config: &PlanningConfig, o: &Outcomes) -> Vec<Vec<Cell>> {
    let plan = &o.plan;
    let mut rows = Vec::new();
    let mut add =
        |area: &str, what: &str, value: Cell, note: &str| rows.push(vec![text(area), text(what), value, text(note)]);
    add("Plan", "Titel", text(&config.title), "");
    add("Plan", "Kommune", text(&config.kommune), "");
    add(
        "Prognose",
        "Startjahr",
        text(domain::Period::SchoolYear(config.launch).to_string()),
        "letztes beobachtetes Schuljahr",
    );
    add("Prognose", "Horizont", number(f64::from(config.horizon)), "Schuljahre nach dem Startjahr");
    let (span, excluded) = years_text(&config.stuetzzeitraum);
    add("Prognose", "Stützzeitraum", text(span), "Quoten = arithmetisches Mittel der Jahresquoten");
    add("Prognose", "ausgeschlossene Jahre", text(excluded), "");
    add(
        "Prognose",
        "Einschulungsalter",
        number(f64::from(config.entry_age)),
        "Alter am 31.12. des Jahres, in dem das Schuljahr beginnt",
    );
    add(
        "Prognose",
        "Rundung",
        text("keine"),
        "Prognosen ungerundet; ganze Schüler erst bei der Klassenbildung (kaufmännisch)",
    );
    add("Einzugsbereiche", "Ebene", text(&config.areas.layer), "");
    let mode = match config.areas.catchment {
        import::CatchmentMode::Nearest => "nächstgelegene Grundschule".to_owned(),
        import::CatchmentMode::InverseDistance => {
            format!("inverse Distanz: 1 / max(d, {} m)^{}", config.areas.floor_m, config.areas.power)
        }
        import::CatchmentMode::Schulbezirk => "Schulbezirke (Grundschulen im Bezirk zu gleichen Teilen)".to_owned(),
    };
    add("Einzugsbereiche", "Verfahren", text(mode), "geschätzt, nicht gemeldet");
    add(
        "Einzugsbereiche",
        "Sek I",
        text("alle Grundschulen der Kommune"),
        "Übergangsquote je Schule auf Jahrgang 4 aller Grundschulen",
    );
    let (span, excluded) = years_text(&config.projection.stuetzzeitraum);
    add(
        "Bevölkerungsprojektion",
        "Basisjahr",
        number(f64::from(plan.population_year)),
        "letzte beobachtete Bevölkerung (31.12.)",
    );
    add("Bevölkerungsprojektion", "Stützzeitraum der Raten", text(span), "gepoolte Raten, stadtweit ein Gebietstyp");
    add("Bevölkerungsprojektion", "ausgeschlossene Jahre", text(excluded), "");
    let r = &plan.rates;
    add("Bevölkerungsprojektion", "Sexualproportion", number(r.sexualproportion), "Jungen je Mädchen");
    add(
        "Bevölkerungsprojektion",
        "zusammengefasste Geburtenziffer",
        number(r.fruchtbarkeit.iter().sum()),
        "Summe der altersspezifischen Raten",
    );
    add(
        "Bevölkerungsprojektion",
        "Säuglingssterblichkeit m/w",
        text(format!("{:.5} / {:.5}", r.saeuglingssterblichkeit[0], r.saeuglingssterblichkeit[1])),
        "",
    );
    add(
        "Bevölkerungsprojektion",
        "Zuzüge von außerhalb je Jahr",
        number(r.zuzug_extern.summe),
        "Mittel des Stützzeitraums",
    );
    for f in &config.schulformen {
        let (first, last) = f.grades();
        add("Klassenbildung", &f.name, text(format!("{:?}, Jahrgänge {first}–{last}", f.preset)), &rules_text(f));
        add(
            "Kapazität",
            &format!("Klassenfrequenz {}", f.name),
            number(f.klassenfrequenz()),
            "Plätze = Zügigkeit × Jahrgänge × Klassenfrequenz",
        );
    }
    for (s, f) in plan.schools.iter().zip(&o.base.forecast.schools) {
        let source = match &s.source {
            ZuegigkeitSource::Table => "Tabelle [capacity]".to_owned(),
            ZuegigkeitSource::Attribute(a) => format!("Attribut {a}"),
            ZuegigkeitSource::Observed => "Standardregel: meiste Eingangsklassen im Stützzeitraum".to_owned(),
        };
        add("Zügigkeit", &s.institution.key, number(s.zuegigkeit), &source);
        let durchgang = f.quotas.durchgang.iter().map(|q| format!("{:.4}", q.mean)).collect::<Vec<_>>().join(", ");
        add(
            "Quoten",
            &s.institution.key,
            number(f.quotas.entry.mean),
            &format!("Eingangsquote; Durchgangsquoten {durchgang}"),
        );
    }
    for (key, reason) in &plan.left_out {
        add("nicht geplant", key, text(reason), "");
    }
    for s in &config.scenarios {
        add("Szenario", &s.name, text(&s.author), &s.description);
        for c in &s.changes {
            add("Szenario", &s.name, text(format!("{c:?}")), "Änderung gegenüber der Basis");
        }
    }
    for r in &plan.releases {
        let synthetic = r.title.contains("synthetisch") || r.provenance.source.contains("synthetisch");
        add(
            if synthetic { "Daten (SYNTHETISCH)" } else { "Daten" },
            &format!("Release {}", r.id.0),
            text(&r.title),
            &format!("{}; Lizenz {}", r.provenance.source, r.provenance.licence),
        );
    }
    rows
}

fn rules_text(f: &import::SchulformConfig) -> String {
    match f.preset {
        import::Preset::NrwGrundschule => "§ 6a VO zu § 93 Abs. 2 SchulG: ≤29 → 1, 30–56 → 2, 57–81 → 3, 82–104 → 4, 105–125 → 5, 126–150 → 6, je weitere 25 → +1".to_owned(),
        import::Preset::NrwSek1 => "Bandbreiten: Jg. 5–6 Richtwert 27 (25–29), Jg. 7–10 Richtwert 28 (26–30); Klassen = ⌈Schüler / Obergrenze⌉".to_owned(),
    }
}

/// Writes every run's forecast: `szenario;schule;schuljahr;jahrgang;schueler`, full precision.
pub fn write_csv(path: &Path, o: &Outcomes) -> anyhow::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_path(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    w.write_record(["szenario", "schule", "schuljahr", "jahrgang", "schueler"])?;
    for outcome in std::iter::once(&o.base).chain(o.scenarios.iter().map(|(s, _, _)| s)) {
        for s in &outcome.schools {
            for y in &s.years {
                for (g, p) in y.pupils.iter().enumerate() {
                    let grade = (usize::from(s.first_grade) + g).to_string();
                    let year = domain::Period::SchoolYear(y.year).to_string();
                    w.write_record([outcome.name.as_str(), &s.school, &year, &grade, &p.to_string()])?;
                }
            }
        }
    }
    w.flush()?;
    Ok(())
}
