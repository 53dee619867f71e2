//! `statistikstelle`: the sealed engine of the statistics office, a binary of its own so that the
//! atlas (`bimo`) never links the query engine (docs/STATISTIKSTELLE.md).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use statistikstelle::{calibration, cluster, engine, generator, microdata};

/// statistikstelle – individual records to safe aggregates (Abschottungsgebot).
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate seeded synthetic individual records (pupils, Kita, school-entry examinations,
    /// register extract) as Parquet, calibrated on the Köln demo, with the true transitions.
    Mikrodaten {
        /// Seed of the random generator; the same seed gives the same records.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// The first school year (2020 is 2020/21).
        #[arg(long, default_value_t = 2015)]
        erstes_jahr: i32,
        /// The number of school years.
        #[arg(long, default_value_t = 10)]
        jahre: u32,
        /// Children per birth year relative to Köln (1 ≈ 1 million pupil-year records in 10 years).
        #[arg(long, default_value_t = 1.0)]
        skala: f64,
        /// Folder of the Köln demo manifests that calibrate the generator.
        #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/demo/koeln"))]
        koeln: PathBuf,
        /// Folder to write into (created if missing).
        #[arg(long)]
        ausgabe: PathBuf,
    },
    /// Aggregate individual records (Parquet or CSV) by a table specification on DataFusion,
    /// protect the tables (primary and secondary suppression, attacker audit) and write a release
    /// for `bimo import`; a failed run writes nothing.
    Aggregieren {
        /// The table specification (TOML).
        spec: PathBuf,
        /// The release folder to create (must not exist).
        #[arg(long)]
        ausgabe: PathBuf,
        /// Memory for the query engine in MiB before it spills to disk.
        #[arg(long, default_value_t = 4096)]
        speicher_mib: usize,
        /// Parallel partitions (threads); every core by default.
        #[arg(long)]
        threads: Option<usize>,
        /// Run the queries on a Ballista cluster: its scheduler's URL, e.g. df://127.0.0.1:50050
        /// (see `scheduler` and `executor`); in this process by default.
        #[arg(long)]
        cluster: Option<String>,
    },
    /// Run a Ballista scheduler for `aggregieren --cluster` (until stopped). Unencrypted and
    /// without authentication: loopback or the office's sealed network only.
    Scheduler {
        /// The address to listen on.
        #[arg(long, default_value = "127.0.0.1:50050")]
        adresse: SocketAddr,
    },
    /// Run a Ballista executor that takes tasks from a scheduler (until stopped). It must see the
    /// record files under the paths of the specification.
    Executor {
        /// The scheduler's address.
        #[arg(long, default_value = "127.0.0.1:50050")]
        scheduler: SocketAddr,
        /// The address of the executor's Arrow Flight service; its gRPC service takes the next
        /// port.
        #[arg(long, default_value = "127.0.0.1:50051")]
        adresse: SocketAddr,
        /// Tasks at once; every core by default.
        #[arg(long)]
        threads: Option<usize>,
        /// Memory for the executor's queries in MiB before they spill to disk.
        #[arg(long, default_value_t = 4096)]
        speicher_mib: u64,
        /// The folder of the executor's intermediate results; a new temporary folder by default.
        #[arg(long)]
        arbeitsordner: Option<PathBuf>,
    },
}

fn run(cli: Cli) -> Result<(), statistikstelle::Error> {
    let started = Instant::now();
    match cli.command {
        Command::Mikrodaten { seed, erstes_jahr, jahre, skala, koeln, ausgabe } => {
            let (calibration, areas) = calibration::read_koeln(&koeln)?;
            let settings = generator::Settings { seed, first_year: erstes_jahr, years: jahre, scale: skala };
            let w = microdata::write(&calibration, &areas, &settings, &ausgabe)?;
            eprintln!(
                "{} pupil-year records, {} Kita-year records, {} school-entry examinations, {} persons in the \
                 register extract, {} cells of true transitions; written to {} in {:.1} s",
                w.pupils,
                w.kita,
                w.exams,
                w.register,
                w.transitions,
                ausgabe.display(),
                started.elapsed().as_secs_f64()
            );
        }
        Command::Aggregieren { spec, ausgabe, speicher_mib, threads, cluster } => {
            let mut limits = engine::default_limits();
            limits.memory = speicher_mib << 20;
            if let Some(t) = threads {
                limits.partitions = t;
            }
            let place = cluster.map_or(engine::Place::Local, engine::Place::Cluster);
            let report = statistikstelle::aggregate(&spec, &ausgabe, limits, &place)?;
            let (o, aggregates) = (&report.outcome, &report.aggregates);
            for (side, status, n) in aggregates.linkage.iter().flatten() {
                eprintln!("linkage: {side}: {status}: {n}");
            }
            if let Some(n) = aggregates.without_district {
                eprintln!("linkage: Grundschule pupils whose area has no Schulbezirk: {n}");
            }
            eprintln!(
                "{} cells, {} primary and {} secondary suppressions, every suppressed cell protected; \
                 {} rows written to {} in {:.2} s (engine {:.2} s; disclosure control and release {:.2} s)",
                o.cells,
                o.primary,
                o.secondary,
                o.rows,
                o.folder.display(),
                started.elapsed().as_secs_f64(),
                report.engine.as_secs_f64(),
                report.release.as_secs_f64()
            );
        }
        Command::Scheduler { adresse } => {
            eprintln!("Ballista scheduler on {adresse}: aggregieren --cluster df://{adresse}");
            serve(cluster::scheduler(adresse))?;
        }
        Command::Executor { scheduler, adresse, threads, speicher_mib, arbeitsordner } => {
            let tasks = threads.unwrap_or_else(|| engine::default_limits().partitions);
            let settings = cluster::Executor {
                scheduler,
                bind: adresse,
                tasks,
                memory: speicher_mib << 20,
                work_dir: arbeitsordner,
            };
            eprintln!("Ballista executor on {adresse} for the scheduler on {scheduler}, {tasks} tasks at once");
            serve(cluster::executor(&settings))?;
        }
    }
    Ok(())
}

/// Runs a scheduler or an executor on a runtime of its own until it stops.
fn serve(server: impl Future<Output = Result<(), statistikstelle::Error>>) -> Result<(), statistikstelle::Error> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| statistikstelle::Error::Cluster(e.to_string()))?
        .block_on(server)
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
