//! `bimo report profil`: the Quartiersprofil of one area, or of every area of a layer, as PDF and
//! accessible HTML (crate `report`), from the public snapshot of the store.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use domain::Audience;
use store::Store;
use web::atlas::Atlas;

/// The reports of `bimo report`.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Command {
    /// Quartiersprofil (Steckbrief) per area: PDF and HTML named by the area key.
    Profil(ProfilArgs),
}

/// The options of `bimo report profil`.
#[derive(Debug, Clone, clap::Args)]
pub struct ProfilArgs {
    /// Directory of the store file `bimo.sqlite`.
    #[arg(long, default_value = ".")]
    pub data_dir: PathBuf,
    /// The Kommune.
    #[arg(long)]
    pub kommune: String,
    /// The layer of the areas.
    #[arg(long)]
    pub layer: String,
    /// One area (its key); every area of the layer if not given.
    #[arg(long)]
    pub gebiet: Option<String>,
    /// Folder to write `<key>.pdf` and `<key>.html` to (created if missing).
    #[arg(long)]
    pub output: PathBuf,
    /// The indicator catalogue (TOML).
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/indikatoren/katalog.toml"))]
    pub catalogue: PathBuf,
    /// Key indicators (catalogue keys), in order; repeat for more. Without, every indicator with a
    /// value for the area. A key indicator that cannot be computed stops the run.
    #[arg(long = "indikator")]
    pub indikatoren: Vec<String>,
    /// A text file printed under the title; `{{ indikator:KEY }}` stands for the area's value.
    #[arg(long)]
    pub text: Option<PathBuf>,
    /// Index configurations (Sozialmonitoring, with a `[store]` table) whose class each area shows.
    #[arg(long = "index")]
    pub indices: Vec<PathBuf>,
    /// An SVG logo for the title.
    #[arg(long)]
    pub logo: Option<PathBuf>,
    /// Accent colour of headings and rules, `#rrggbb`.
    #[arg(long, default_value = "#08519c")]
    pub akzent: String,
    /// Also write each PDF's typst project: `<key>.typst/main.typ` with its figures and logo, for
    /// `typst compile --root <key>.typst <key>.typst/main.typ`.
    #[arg(long)]
    pub typst_quelle: bool,
}

/// What a run wrote.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The profiles written.
    pub profiles: usize,
    /// Their pages in total.
    pub pages: usize,
    /// Time to read the store and index the atlas.
    pub load: Duration,
    /// Time to build, typeset and write the profiles.
    pub render: Duration,
}

/// Runs `bimo report`.
pub fn run(command: &Command) -> anyhow::Result<Outcome> {
    match command {
        Command::Profil(args) => profiles(args),
    }
}

fn profiles(args: &ProfilArgs) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let catalogue = import::read_catalogue(&args.catalogue)
        .map_err(|e| anyhow::anyhow!("the indicator catalogue has errors:\n{e}"))?;
    let config = report::ProfileConfig {
        indicators: args.indikatoren.clone(),
        text: args.text.as_deref().map(read).transpose()?,
        indices: crate::index::definitions(&args.indices)?,
    };
    let style = report::Style { accent: args.akzent.clone(), logo: args.logo.as_deref().map(read).transpose()? };
    let path = args.data_dir.join("bimo.sqlite");
    if !path.exists() {
        bail!("there is no store {}", path.display());
    }
    let store = Store::open(&path).with_context(|| format!("cannot open the store {}", path.display()))?;
    let atlas = Atlas::new(store.snapshot(Audience::Public)?, Arc::new(catalogue), Arc::new(Vec::new()));
    let k = atlas.kommune(&args.kommune).with_context(|| format!("Kommune {} is not in the store", args.kommune))?;
    let layer = k
        .data
        .layer(&args.layer, None)
        .with_context(|| format!("Kommune {} has no layer {}", args.kommune, args.layer))?;
    let keys: Vec<String> = match &args.gebiet {
        Some(key) => vec![key.clone()],
        None => layer.areas.iter().map(|a| a.key.as_str().to_owned()).collect(),
    };
    let load = started.elapsed();
    std::fs::create_dir_all(&args.output).with_context(|| format!("cannot create {}", args.output.display()))?;
    let mut pages = 0;
    for key in &keys {
        let profile = report::build_profile(&atlas, &args.kommune, &args.layer, key, &config)
            .with_context(|| format!("profile of {} {key}", args.layer))?;
        let pdf = report::pdf(&profile, &style).with_context(|| format!("PDF of {} {key}", args.layer))?;
        pages += pdf.pages;
        let file = safe_name(key);
        write(&args.output.join(format!("{file}.pdf")), &pdf.bytes)?;
        write(&args.output.join(format!("{file}.html")), report::html(&profile, &style).as_bytes())?;
        if args.typst_quelle {
            let project = args.output.join(format!("{file}.typst"));
            for (path, bytes) in report::files(&profile, &style) {
                let target = project.join(path.trim_start_matches('/'));
                if let Some(dir) = target.parent() {
                    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
                }
                write(&target, &bytes)?;
            }
            write(&project.join("main.typ"), report::typst_source(&profile, &style).as_bytes())?;
        }
    }
    Ok(Outcome { profiles: keys.len(), pages, load, render: started.elapsed() - load })
}

/// An area key as a file name: characters other than letters, digits, `-` and `_` become `_`.
fn safe_name(key: &str) -> String {
    key.chars().map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect()
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}
