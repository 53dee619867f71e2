//! `bimo report profil`: the Quartiersprofil of one area, or of every area of a layer, and
//! `bimo report bericht`: a Lernreport or Lebenslagenbericht from its definition and Markdown
//! chapters – each as PDF and accessible HTML (crate `report`), from the public snapshot of the
//! store, optionally as it stood at an earlier release.

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
    /// A Lernreport or Lebenslagenbericht from a definition (`bericht.toml`) and its Markdown
    /// chapters: PDF, HTML and the Stand of its numbers, named after the definition's folder.
    Bericht(BerichtArgs),
}

/// The options of `bimo report bericht`.
#[derive(Debug, Clone, clap::Args)]
pub struct BerichtArgs {
    /// The report's definition (TOML); its chapter texts, logo and previous Stand are read
    /// relative to it.
    #[arg(long)]
    pub definition: PathBuf,
    /// Directory of the store file `bimo.sqlite`.
    #[arg(long, default_value = ".")]
    pub data_dir: PathBuf,
    /// Folder to write `<name>.pdf`, `<name>.html` and `<name>.stand.toml` to (created if missing);
    /// the name is the definition's file stem, or its folder's name for `bericht.toml`.
    #[arg(long)]
    pub output: PathBuf,
    /// The indicator catalogue (TOML).
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/indikatoren/katalog.toml"))]
    pub catalogue: PathBuf,
    /// Build from the store as it stood when this release was the newest (printed in the colophon
    /// of every report), to rebuild an earlier edition byte for byte.
    #[arg(long)]
    pub bis_release: Option<i64>,
    /// The Stand file of the previous edition; overrides `previous` of the definition.
    #[arg(long)]
    pub vorheriger_stand: Option<PathBuf>,
    /// Also write the PDF's typst project `<name>.typst/` (main.typ, figures, logo).
    #[arg(long)]
    pub typst_quelle: bool,
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
    /// Schulentwicklungsplanungen (TOML, as for `bimo planung`) whose forecasts each area shows for
    /// its schools.
    #[arg(long = "planung")]
    pub plans: Vec<PathBuf>,
    /// An SVG logo for the title.
    #[arg(long)]
    pub logo: Option<PathBuf>,
    /// Accent colour of headings and rules, `#rrggbb`.
    #[arg(long, default_value = "#08519c")]
    pub akzent: String,
    /// Build from the store as it stood when this release was the newest.
    #[arg(long)]
    pub bis_release: Option<i64>,
    /// Also write each PDF's typst project: `<key>.typst/main.typ` with its figures and logo, for
    /// `typst compile --root <key>.typst <key>.typst/main.typ`.
    #[arg(long)]
    pub typst_quelle: bool,
}

/// What a run wrote.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// What was written: "profiles" or "reports".
    pub kind: &'static str,
    /// The documents written.
    pub documents: usize,
    /// Their pages in total.
    pub pages: usize,
    /// Time to read the store and index the atlas.
    pub load: Duration,
    /// Time to build, typeset and write the documents.
    pub render: Duration,
}

/// Runs `bimo report`.
pub fn run(command: &Command) -> anyhow::Result<Outcome> {
    match command {
        Command::Profil(args) => profiles(args),
        Command::Bericht(args) => document(args),
    }
}

fn profiles(args: &ProfilArgs) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let catalogue = import::read_catalogue(&args.catalogue)
        .map_err(|e| anyhow::anyhow!("the indicator catalogue has errors:\n{e}"))?;
    let mut config = report::ProfileConfig {
        indicators: args.indikatoren.clone(),
        text: args
            .text
            .as_deref()
            .map(|p| Ok::<_, anyhow::Error>(report::Narrative { origin: p.display().to_string(), text: read(p)? }))
            .transpose()?,
        indices: crate::index::definitions(&args.indices)?,
        forecasts: Vec::new(),
    };
    let style = report::Style { accent: args.akzent.clone(), logo: args.logo.as_deref().map(read).transpose()? };
    let atlas = atlas(&args.data_dir, catalogue, args.bis_release)?;
    let plans = args
        .plans
        .iter()
        .map(|p| import::read_planning_config(p).map(|(c, _)| c).map_err(|e| anyhow::anyhow!("{e}")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    config.forecasts = report::school_forecasts(&atlas, &plans)?;
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
            write_project(
                &args.output.join(format!("{file}.typst")),
                &report::typst_source(&profile, &style),
                report::files(&profile, &style),
            )?;
        }
    }
    Ok(Outcome { kind: "profiles", documents: keys.len(), pages, load, render: started.elapsed() - load })
}

/// The atlas of the store's public data, as it stood at release `up_to` if given.
fn atlas(data_dir: &Path, catalogue: Vec<domain::indicator::Definition>, up_to: Option<i64>) -> anyhow::Result<Atlas> {
    let path = data_dir.join("bimo.sqlite");
    if !path.exists() {
        bail!("there is no store {}", path.display());
    }
    let store = Store::open(&path).with_context(|| format!("cannot open the store {}", path.display()))?;
    let snapshot = match up_to {
        Some(id) => store.snapshot_as_of(Audience::Public, domain::ReleaseId(id))?,
        None => store.snapshot(Audience::Public)?,
    };
    Ok(Atlas::new(snapshot, Arc::new(catalogue), Arc::new(Vec::new())))
}

/// A typst project: `main.typ` and its files under `dir`.
fn write_project(dir: &Path, source: &str, files: Vec<(String, Vec<u8>)>) -> anyhow::Result<()> {
    for (path, bytes) in files {
        let target = dir.join(path.trim_start_matches('/'));
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        write(&target, &bytes)?;
    }
    write(&dir.join("main.typ"), source.as_bytes())
}

fn document(args: &BerichtArgs) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let catalogue = import::read_catalogue(&args.catalogue)
        .map_err(|e| anyhow::anyhow!("the indicator catalogue has errors:\n{e}"))?;
    let input = read_definition(&args.definition, args.vorheriger_stand.as_deref())?;
    let base = args.definition.parent().unwrap_or(Path::new("."));
    let style = report::Style {
        accent: input.spec.accent.clone().unwrap_or_else(|| report::Style::default().accent),
        logo: input.spec.logo.as_deref().map(|l| read(&base.join(l))).transpose()?,
    };
    let atlas = atlas(&args.data_dir, catalogue, args.bis_release)?;
    let load = started.elapsed();
    let doc =
        report::build_document(&atlas, &input).with_context(|| format!("report {}", args.definition.display()))?;
    let pdf = report::document_pdf(&doc, &style).with_context(|| format!("PDF of {}", args.definition.display()))?;
    // Named after the definition file, or after its folder when it is the usual `bericht.toml`.
    let stem = args.definition.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let name = safe_name(
        if stem == "bericht" || stem.is_empty() {
            base.canonicalize()
                .ok()
                .and_then(|b| b.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| "bericht".to_owned())
        } else {
            stem
        }
        .as_str(),
    );
    std::fs::create_dir_all(&args.output).with_context(|| format!("cannot create {}", args.output.display()))?;
    write(&args.output.join(format!("{name}.pdf")), &pdf.bytes)?;
    write(&args.output.join(format!("{name}.html")), report::document_html(&doc, &style).as_bytes())?;
    write(&args.output.join(format!("{name}.stand.toml")), doc.stand.to_toml().as_bytes())?;
    if args.typst_quelle {
        write_project(
            &args.output.join(format!("{name}.typst")),
            &report::document_typst_source(&doc, &style),
            report::document_files(&doc, &style),
        )?;
    }
    Ok(Outcome { kind: "reports", documents: 1, pages: pdf.pages, load, render: started.elapsed() - load })
}

/// A report's definition with its chapter texts and the previous edition's Stand (`stand`
/// overrides the definition's `previous`).
fn read_definition(path: &Path, stand: Option<&Path>) -> anyhow::Result<report::DocumentInput> {
    let origin = path.display().to_string();
    let spec = report::DocumentSpec::parse(&read(path)?, &origin)?;
    let base = path.parent().unwrap_or(Path::new("."));
    let narratives = spec
        .chapters
        .iter()
        .map(|c| {
            c.text
                .as_deref()
                .map(|t| {
                    let file = base.join(t);
                    Ok(report::Narrative { origin: file.display().to_string(), text: read(&file)? })
                })
                .transpose()
        })
        .collect::<anyhow::Result<_>>()?;
    let previous = match (stand, &spec.previous) {
        (Some(p), _) => Some(p.to_path_buf()),
        (None, Some(p)) => Some(base.join(p)),
        (None, None) => None,
    };
    let previous = previous
        .map(|p| Ok::<_, anyhow::Error>(report::Stand::parse(&read(&p)?, &p.display().to_string())?))
        .transpose()?;
    Ok(report::DocumentInput { spec, narratives, previous })
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
