//! `bimo`: import a city's small-area data and serve the atlas.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use bimo::{Imported, import_manifest, now_rfc3339};
use clap::{Parser, Subcommand};
use store::Store;

/// bimo – Bildungsmonitor: datenbasiertes kommunales Bildungsmanagement.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct StoreArgs {
    /// Directory of the store file `bimo.sqlite`.
    #[arg(long, default_value = ".")]
    data_dir: PathBuf,
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The indicator catalogue (TOML) offered on the data.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/indikatoren/katalog.toml"))]
    catalogue: PathBuf,
    /// Targets set for indicators (TOML, `[[ziel]]` tables); `bimo demo` uses the demo's fictitious ones.
    #[arg(long)]
    targets: Option<PathBuf>,
    /// Composite indices (Sozialmonitoring) offered in the atlas: index configurations with a
    /// `[store]` table; repeat for several. `bimo demo` offers the shipped ones in data/indizes.
    #[arg(long = "index")]
    indices: Vec<PathBuf>,
    /// School development plans (Schulentwicklungsplanung) offered in the atlas: planning
    /// configurations, one per Kommune; `bimo demo` offers data/planung/koeln.toml.
    #[arg(long = "planung")]
    plans: Vec<PathBuf>,
    /// Coverage analyses of support offers offered in the atlas: configurations, one per Kommune;
    /// `bimo demo` offers data/versorgung/koeln.toml.
    #[arg(long = "versorgung")]
    versorgung: Vec<PathBuf>,
    /// Send the session cookie without the `Secure` flag, for an atlas served over plain HTTP on a
    /// trusted network (not needed on localhost or behind HTTPS).
    #[arg(long)]
    insecure_cookies: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Import the shipped open data (Köln, Hamburg, Berlin) and serve the atlas.
    Demo {
        #[command(flatten)]
        store: StoreArgs,
        #[command(flatten)]
        serve: ServeArgs,
        /// Folder of the demo manifests.
        #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/demo"))]
        files: PathBuf,
        /// Import only; do not serve.
        #[arg(long)]
        no_serve: bool,
    },
    /// Serve the atlas on an existing store.
    Serve {
        #[command(flatten)]
        store: StoreArgs,
        #[command(flatten)]
        serve: ServeArgs,
    },
    /// List every release in the store, whatever its audience.
    Releases {
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Expert validation of Aufmerksamkeitsgebiete: propose an area, confirm or reject the proposal,
    /// list states and history.
    Aufmerksamkeit {
        #[command(flatten)]
        store: StoreArgs,
        #[command(subcommand)]
        command: bimo::attention::Command,
    },
    /// Read lists of support offers (`[[angebot]]` tables) into the store.
    Angebote {
        #[command(flatten)]
        store: StoreArgs,
        /// The files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Read lists of measures (`[[massnahme]]` tables) into the store.
    Massnahmen {
        #[command(flatten)]
        store: StoreArgs,
        /// The indicator catalogue the expected effects must name indicators of.
        #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/indikatoren/katalog.toml"))]
        catalogue: PathBuf,
        /// The files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Departments, accounts and roles for signing in to the atlas, and the audit log.
    Konto {
        #[command(flatten)]
        store: StoreArgs,
        #[command(subcommand)]
        command: bimo::account::Command,
    },
    /// Import release manifests (TOML); each becomes one release, landing whole or not at all.
    Import {
        #[command(flatten)]
        store: StoreArgs,
        /// Manifest files, imported in the order given.
        #[arg(required = true)]
        manifests: Vec<PathBuf>,
    },
    /// Compute every catalogue indicator for every area, layer and period of the public data.
    Indicators {
        #[command(flatten)]
        store: StoreArgs,
        /// The indicator catalogue (TOML).
        #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/indikatoren/katalog.toml"))]
        catalogue: PathBuf,
        /// Write the values as `;`-separated CSV.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Write the input tables (observations, areas, variables, institution terms) as CSV into
        /// this folder, for a peer computing the same indicators (bench/indicators.sh).
        #[arg(long)]
        export_inputs: Option<PathBuf>,
    },
    /// Compute a composite index (e.g. the Berlin MSS) over a plain CSV with one row per area,
    /// without a store; writes every intermediate value.
    Index {
        /// The index configuration (TOML), e.g. data/indizes/berlin-mss.toml.
        #[arg(long)]
        config: PathBuf,
        /// The areas: key, inhabitants at the window's dates, one column per indicator. Without it,
        /// the index runs on the store, on the Kommune and layer of the configuration's [store] table.
        #[arg(long)]
        input: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArgs,
        /// On the store: the edition (the year at the end of the window); the newest by default.
        #[arg(long)]
        period: Option<domain::Period>,
        /// On the store: the indicator catalogue whose indicators the configuration may name.
        #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/indikatoren/katalog.toml"))]
        catalogue: PathBuf,
        /// Where to write the result (`;`-separated CSV).
        #[arg(long)]
        output: PathBuf,
        /// Where to write the Monte Carlo sensitivity analysis of the configuration's
        /// [sensitivity] table (`;`-separated CSV: median rank and 5–95 % band per area).
        #[arg(long)]
        sensitivity: Option<PathBuf>,
    },
    /// Compute a crosswalk: the shares with which one layer's counts are re-estimated on another
    /// layer or boundary version, from the geometries (or from a finer layer's counts).
    Crosswalk {
        #[command(flatten)]
        store: StoreArgs,
        /// The Kommune.
        #[arg(long)]
        kommune: String,
        /// Source layer, optionally the version valid in a year: `stadtteil@2009`.
        #[arg(long)]
        from: bimo::crosswalk::LayerChoice,
        /// Target layer, optionally the version valid in a year.
        #[arg(long)]
        to: bimo::crosswalk::LayerChoice,
        /// Weight by the counts of a finer layer instead of by surface: `layer:variable:period`.
        #[arg(long)]
        counts: Option<bimo::crosswalk::CountsChoice>,
        /// Where to write the table (`von;nach;anteil`).
        #[arg(long)]
        output: PathBuf,
    },
    /// Compute a school social index (residential areas + own composition, NRW hybrid stages) and
    /// compare it with the published Schulsozialindex; writes every intermediate value.
    Schulsozialindex(bimo::school_index::Args),
    /// Reports as PDF and accessible HTML: `report profil` writes the Quartiersprofil of one area
    /// or of every area of a layer, `report bericht` a Lernreport or Lebenslagenbericht.
    Report {
        #[command(subcommand)]
        command: bimo::report::Command,
    },
    /// Schulentwicklungsplanung: pupil forecast, capacity, scenarios and back-test from the store,
    /// written to XLSX; `planung beschluss` records the council decision adopting a scenario.
    Planung(bimo::planning::Args),
    /// Statistical disclosure control (Geheimhaltung) of aggregate tables from CSV: primary and
    /// secondary suppression, the protected tables and the attacker audit (docs/GEHEIMHALTUNG.md).
    Geheimhaltung(bimo::disclosure::Args),
    /// Generate the demo's synthetic planning data (register population by single age, births,
    /// deaths and moves, pupils by grade), calibrated on the real Köln data, for a seed.
    Synthetisch(bimo::synthetic::Args),
}

fn open(args: &StoreArgs) -> anyhow::Result<Arc<Store>> {
    std::fs::create_dir_all(&args.data_dir).with_context(|| format!("cannot create {}", args.data_dir.display()))?;
    let path = args.data_dir.join("bimo.sqlite");
    Ok(Arc::new(Store::open(&path).with_context(|| format!("cannot open the store {}", path.display()))?))
}

fn import_all(store: &Store, manifests: &[PathBuf]) -> anyhow::Result<()> {
    for m in manifests {
        let started = std::time::Instant::now();
        match import_manifest(store, m, &now_rfc3339()) {
            Ok(Imported::New(id)) => {
                eprintln!("imported {} as release {id} in {:.1} s", m.display(), started.elapsed().as_secs_f64())
            }
            Ok(Imported::AlreadyThere(id)) => eprintln!("{} is already release {id}; skipped", m.display()),
            Err(e) => anyhow::bail!("import of {} failed; the store is unchanged:\n{e}", display(m)),
        }
    }
    Ok(())
}

fn read_offers(store: &Store, files: &[PathBuf]) -> anyhow::Result<()> {
    for f in files {
        let done = bimo::management::offers(store, f, &now_rfc3339())
            .with_context(|| format!("the offers of {} were not stored", display(f)))?;
        eprintln!(
            "{}: {} offers saved, {} unchanged, {} withdrawn in the store and left so",
            display(f),
            done.saved,
            done.unchanged,
            done.withdrawn
        );
    }
    Ok(())
}

fn read_measures(store: &Store, catalogue: &Path, files: &[PathBuf]) -> anyhow::Result<()> {
    let catalogue =
        import::read_catalogue(catalogue).map_err(|e| anyhow::anyhow!("the indicator catalogue has errors:\n{e}"))?;
    for f in files {
        let done = bimo::management::measures(store, f, &catalogue, &now_rfc3339())
            .with_context(|| format!("the measures of {} were not stored", display(f)))?;
        eprintln!("{}: {} measures saved, {} unchanged", display(f), done.saved, done.unchanged);
    }
    Ok(())
}

fn print_releases(store: &Store) -> anyhow::Result<()> {
    let snapshot = store.snapshot(domain::Audience::Internal)?;
    let mut rows: Vec<(&str, &domain::Release)> =
        snapshot.kommunen.iter().flat_map(|k| k.releases.iter().map(move |r| (k.kommune.key.as_str(), r))).collect();
    rows.sort_by_key(|(_, r)| r.id);
    println!("{:>4}  {:<10} {:<12} {:<9} {:<20}  title", "id", "kommune", "kind", "audience", "imported");
    for (kommune, r) in rows {
        println!(
            "{:>4}  {:<10} {:<12} {:<9} {:<20}  {}",
            r.id.0,
            kommune,
            r.kind,
            r.audience.as_str(),
            r.imported_at,
            r.title
        );
    }
    Ok(())
}

fn display(p: &Path) -> String {
    p.display().to_string()
}

async fn serve(store: Arc<Store>, args: ServeArgs) -> anyhow::Result<()> {
    let catalogue = import::read_catalogue(&args.catalogue)
        .map_err(|e| anyhow::anyhow!("the indicator catalogue has errors:\n{e}"))?;
    let listen = args.listen;
    let targets = match &args.targets {
        Some(path) => import::read_targets(path).map_err(|e| anyhow::anyhow!("the targets have errors:\n{e}"))?,
        None => import::Targets::default(),
    };
    let indices = bimo::index::definitions(&args.indices)?;
    let plans = args
        .plans
        .iter()
        .map(|p| import::read_planning_config(p).map(|(config, _)| config).map_err(|e| anyhow::anyhow!("{e}")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let profiles = report::ProfileConfig { indices: indices.clone(), ..report::ProfileConfig::default() };
    let reports = report::AtlasReports::new(profiles, report::Style::default()).with_planning(plans.clone());
    let state = if args.insecure_cookies {
        web::AppState::new(store).with_insecure_cookies()
    } else {
        web::AppState::new(store)
    };
    let versorgung = args
        .versorgung
        .iter()
        .map(|p| import::read_versorgung(p).map_err(|e| anyhow::anyhow!("{e}")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let state = state
        .with_versorgung(versorgung)
        .with_catalogue(catalogue)
        .with_targets(targets.ziele)
        .with_leitziele(targets.leitziele)
        .with_indices(indices)
        .with_planning(plans)
        .with_reports(Arc::new(reports));
    // Build the atlas before the first visitor asks for it.
    state
        .atlas_for(&domain::access::Viewer::Anonymous)
        .await
        .map_err(|e| anyhow::anyhow!("cannot read the store: {e}"))?;
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
    eprintln!("bimo atlas on http://{listen}/  (Ctrl-C to stop)");
    axum::serve(listener, web::app(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    match cli.command {
        Command::Demo { store, serve: s, files, no_serve } => {
            let st = open(&store)?;
            let files =
                files.canonicalize().with_context(|| format!("cannot find the demo files in {}", files.display()))?;
            import_all(&st, &bimo::demo_manifests(&files)?)?;
            if let Some(password) = bimo::account::demo_setup(&st, &now_rfc3339())? {
                eprintln!("demo account created – sign in at /anmelden as \"demo\" with the password {password}");
            }
            read_offers(&st, &[files.join("koeln/beispiele/angebote.toml")])?;
            read_measures(&st, &s.catalogue, &[files.join("koeln/beispiele/massnahmen.toml")])?;
            if !no_serve {
                let targets = s.targets.clone().or_else(|| Some(files.join("../indikatoren/ziele-demo.toml")));
                let indices = if s.indices.is_empty() { bimo::demo_indices(&files)? } else { s.indices.clone() };
                let plans =
                    if s.plans.is_empty() { vec![files.join("../planung/koeln.toml")] } else { s.plans.clone() };
                let versorgung = if s.versorgung.is_empty() {
                    vec![files.join("../versorgung/koeln.toml")]
                } else {
                    s.versorgung.clone()
                };
                runtime.block_on(serve(st, ServeArgs { targets, indices, plans, versorgung, ..s }))?;
            }
        }
        Command::Serve { store, serve: s } => runtime.block_on(serve(open(&store)?, s))?,
        Command::Releases { store } => print_releases(&*open(&store)?)?,
        Command::Aufmerksamkeit { store, command } => {
            bimo::attention::run(&*open(&store)?, command, &now_rfc3339(), &mut std::io::stdout().lock())?
        }
        Command::Angebote { store, files } => read_offers(&*open(&store)?, &files)?,
        Command::Massnahmen { store, catalogue, files } => read_measures(&*open(&store)?, &catalogue, &files)?,
        Command::Konto { store, command } => bimo::account::run(
            &*open(&store)?,
            command,
            &now_rfc3339(),
            &mut std::io::stdin().lock(),
            &mut std::io::stdout().lock(),
        )?,
        Command::Import { store, manifests } => import_all(&*open(&store)?, &manifests)?,
        Command::Index { config: path, input, store, period, catalogue, output, sensitivity } => {
            let config = import::read_index_config(&path).map_err(|e| anyhow::anyhow!("{e}"))?;
            let outcome = match input {
                Some(input) => bimo::index::run(&config, &input, &output, sensitivity.as_deref())?,
                None => {
                    let catalogue = import::read_catalogue(&catalogue)
                        .map_err(|e| anyhow::anyhow!("the indicator catalogue has errors:\n{e}"))?;
                    let def = bimo::index::definitions(std::slice::from_ref(&path))?.remove(0);
                    bimo::index::run_on_store(
                        &*open(&store)?,
                        catalogue,
                        &def,
                        period,
                        &output,
                        sensitivity.as_deref(),
                    )?
                }
            };
            eprintln!(
                "{}{} areas in the index, {} left out; written to {}",
                outcome.period.map(|p| format!("edition {p}: ")).unwrap_or_default(),
                outcome.included,
                outcome.excluded.len(),
                output.display()
            );
            for (code, n) in &outcome.counts {
                eprintln!("  {code}: {n}");
            }
            for (index, shift) in &outcome.rank_shifts {
                eprintln!("sensitivity of {index}: mean absolute rank shift {shift:.2}");
            }
        }
        Command::Crosswalk { store, kommune, from, to, counts, output } => {
            let summary = bimo::crosswalk::run(&*open(&store)?, &kommune, &from, &to, counts.as_ref(), &output)?;
            eprintln!("{} rows ({}) written to {}", summary.rows, summary.basis.label(), output.display());
            if !summary.unmatched.is_empty() {
                eprintln!("not placed in any target area: {}", summary.unmatched.join(", "));
            }
        }
        Command::Planung(args) => {
            for line in bimo::planning::run(&args, &now_rfc3339())? {
                eprintln!("{line}");
            }
        }
        Command::Report { command } => {
            let o = bimo::report::run(&command)?;
            eprintln!(
                "{} {kind}, {} pages; store and atlas {:.2} s, {kind} {:.2} s ({:.1} pages per second)",
                o.documents,
                o.pages,
                o.load.as_secs_f64(),
                o.render.as_secs_f64(),
                o.pages as f64 / o.render.as_secs_f64().max(1e-9),
                kind = if o.documents == 1 { o.kind.trim_end_matches('s') } else { o.kind }
            );
        }
        Command::Schulsozialindex(args) => {
            let outcome = bimo::school_index::run(&args)?;
            println!("{}", bimo::school_index::describe(&outcome));
            eprintln!("{} schools written to {}", outcome.schools.len(), args.output.display());
        }
        Command::Geheimhaltung(args) => {
            let outcome = bimo::disclosure::run(&args)?;
            eprintln!("{outcome}; written to {}", args.output.display());
        }
        Command::Synthetisch(args) => {
            let summary = bimo::synthetic::run(&args)?;
            eprint!("{}", summary.describe());
        }
        Command::Indicators { store, catalogue, output, export_inputs } => {
            let r = bimo::indicators::run(&store.data_dir, &catalogue, output.as_deref(), export_inputs.as_deref())?;
            eprintln!(
                "{} indicator values ({} reported); snapshot load {:.3} ms, atlas index {:.3} ms, compute {:.3} ms",
                r.computation.records.len(),
                r.computation.records.iter().filter(|x| x.wert.is_some()).count(),
                r.load.as_secs_f64() * 1e3,
                r.index.as_secs_f64() * 1e3,
                r.computation.compute.as_secs_f64() * 1e3
            );
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    // Logs go to stderr, beside the progress lines; stdout stays for results. usvg (inside typst)
    // warns about every zero-width bar of a chart, which SVG defines as not drawn: only its errors.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn,usvg=error".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
