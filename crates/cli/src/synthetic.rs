//! `bimo synthetisch`: seeded synthetic planning data for the Köln demo, calibrated on the real
//! open data of the demo (method note: `docs/SYNTHETIC.md`).
//!
//! The demo has neither a register population by single age nor births, deaths and moves, nor
//! pupils by grade. This module makes them up, reproducibly for a seed:
//!
//! 1. **Base 2012** (real margins): the Stadtteil population of 31.12.2012 by 13 age bands and by
//!    sex (`bevoelkerung.csv`) is spread over single ages 0–99 (99 = 99 and older) with a
//!    mean-preserving interpolation of the band densities and a Gompertz survival tail above 75,
//!    split by sex with a fixed age profile of the male share raked to each Stadtteil's real
//!    male total, and rounded so that every band total is exact.
//! 2. **2013–2024** (invented process): the cohort-component steps of `domain::projection` in its
//!    order and age convention, with counts drawn at random: deaths, external and internal
//!    out-moves, in-moves, births by mother's age, infant deaths.
//! 3. **Stadtviertel 2024**: each Stadtteil's 2024 cells are shared among its Stadtviertel with
//!    random weights and a random age tilt per Stadtviertel.
//! 4. **Pupils 2015/16–2024/25**: entry cohorts of the public general schools from the synthetic
//!    children of entry age of the Stadtteile around each school (capacity-weighted inverse
//!    squared distance within the Schulform), Durchgangsquoten with noise, scaled per school so
//!    that 2024/25 equals the real `Anzahl`.
//!
//! Everything the generator writes says that it is synthetic: release titles, sources, the
//! `SOURCES.md` of the output folder.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use domain::{Institution, Period};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The options of `bimo synthetisch`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Seed of the random generator; the same seed gives the same bytes.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// Folder of the Köln demo manifests whose data calibrate the generator.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/demo/koeln"))]
    pub koeln: PathBuf,
    /// Folder to write the CSV files, their manifests and `SOURCES.md` into (created if missing).
    #[arg(long)]
    pub output: PathBuf,
}

/// Single ages `0..=OLDEST`; the oldest is the open group (99 and older).
pub const OLDEST: usize = 99;
const AGES: usize = OLDEST + 1;
/// The base year: the last year of the real population statistics.
pub const BASE_YEAR: i32 = 2012;
/// The last year generated (population, events, school year 2024/25).
pub const LAST_YEAR: i32 = 2024;
/// The first year whose events are written (the Stützzeitraum of the demo).
pub const FIRST_EVENT_YEAR: i32 = 2019;
/// The first school year written (2015/16).
pub const FIRST_SCHOOL_YEAR: i32 = 2015;

/// External net migration per year as a share of the population at the start of the year
/// (invented; the broad shape of Köln's development, not its figures).
const NET_MIGRATION: [(i32, f64); 12] = [
    (2013, 0.006),
    (2014, 0.006),
    (2015, 0.010),
    (2016, 0.005),
    (2017, 0.003),
    (2018, 0.002),
    (2019, 0.001),
    (2020, -0.003),
    (2021, -0.002),
    (2022, 0.008),
    (2023, 0.002),
    (2024, 0.001),
];
/// Mean and spread of the age of the mother (invented, German order of magnitude); the level (the
/// total fertility rate) is calibrated so that the births of the first year equal a third of the
/// real 0–<3 band of the base year.
const FERTILITY: (f64, f64) = (31.5, 5.5);
/// Share of boys among births: sex ratio 1.05 (`domain::projection::SEXUALPROPORTION_STANDARD`).
const BOYS: f64 = 1.05 / 2.05;
/// Infant mortality, boys and girls.
const INFANT_DEATHS: [f64; 2] = [0.0035, 0.0029];
/// Gompertz–Makeham mortality `μ(a) = c + α·exp(β·a)` for men and women (approximating the shape
/// of a German life table; invented, not fitted).
const GOMPERTZ: [(f64, f64); 2] = [(2.7e-5, 0.095), (1.0e-5, 0.1014)];
const MAKEHAM: f64 = 0.0002;
/// Standard deviations of the log-normal area factors: fertility, attraction of external and of
/// internal in-movers, Stadtviertel weights, and of the Stadtviertel age tilt.
const SPREAD_FERTILITY: f64 = 0.15;
const SPREAD_ATTRACTION: f64 = 0.08;
const SPREAD_VIERTEL: f64 = 0.35;
const SPREAD_TILT: f64 = 0.15;
/// Noise of entry cohorts and of each grade-to-grade step (log-normal standard deviations).
const NOISE_ENTRY: f64 = 0.04;
const NOISE_STEP: f64 = 0.02;
/// Shortest distance counted in the school catchments (km), as in `bimo schulsozialindex`.
const MIN_DISTANCE_KM: f64 = 0.5;

/// What one run generated and checked.
#[derive(Debug)]
pub struct Summary {
    /// Written files and their sizes in bytes, in name order.
    pub files: Vec<(String, u64)>,
    /// City total of the real base (2012) and of the synthetic population, per year.
    pub city: Vec<(i32, u64)>,
    /// Per Stadtteil: real total 2012 and synthetic total 2013.
    pub stadtteile_2013: Vec<(String, u64, u64)>,
    /// The calibrated total fertility rate (before the log-normal area factors).
    pub tfr: f64,
    /// City events per year: births, deaths, external in, external out, internal moves.
    pub events: Vec<(i32, [u64; 5])>,
    /// Per school: key, Schulform, real `Anzahl`, synthetic total 2024/25, and the school's scale
    /// factor relative to its Schulform's (1 = the catchment model alone would have hit `Anzahl`).
    pub schools: Vec<(String, String, u32, u32, f64)>,
}

impl Summary {
    /// A short report for the terminal.
    pub fn describe(&self) -> String {
        let mut s = String::new();
        for (name, size) in &self.files {
            let _ = writeln!(s, "{name}: {size} bytes");
        }
        let line = |(y, n): &(i32, u64)| format!("{y} {n}");
        let _ = writeln!(s, "city population: {}", self.city.iter().map(line).collect::<Vec<_>>().join(", "));
        let ratios: Vec<f64> = self.stadtteile_2013.iter().map(|(_, a, b)| *b as f64 / *a as f64 - 1.0).collect();
        let (lo, hi) = min_max(&ratios);
        let _ = writeln!(s, "Stadtteile 2013 vs. real 2012: {:+.2} % to {:+.2} %", lo * 100.0, hi * 100.0);
        let _ = writeln!(s, "total fertility rate (calibrated): {:.3}", self.tfr);
        for (y, [b, d, zi, fo, int]) in &self.events {
            let _ = writeln!(s, "{y}: births {b}, deaths {d}, in {zi}, out {fo}, internal moves {int}");
        }
        let off = self.schools.iter().map(|x| (i64::from(x.3) - i64::from(x.2)).abs()).max().unwrap_or(0);
        let factors: Vec<f64> = self.schools.iter().map(|x| x.4).collect();
        let (lo, hi) = min_max(&factors);
        let outside = factors.iter().filter(|f| !(0.5..=2.0).contains(*f)).count();
        let _ = writeln!(
            s,
            "{} schools, largest |total 2024/25 − Anzahl| = {off}; relative scale factors {lo:.2}–{hi:.2}, \
             {outside} outside 0.5–2",
            self.schools.len()
        );
        for (key, form, anzahl, _, f) in self.schools.iter().filter(|x| !(0.5..=2.0).contains(&x.4)) {
            let _ = writeln!(s, "  {key} {form} (Anzahl {anzahl}): {f:.2}");
        }
        s
    }
}

fn min_max(xs: &[f64]) -> (f64, f64) {
    xs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| (lo.min(x), hi.max(x)))
}

/// Generates every file into `args.output` and returns what was written and checked.
pub fn run(args: &Args) -> anyhow::Result<Summary> {
    let input = Calibration::read(&args.koeln)?;
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
    let base = base_population(&input)?;
    let mut sim = Simulation::new(&input, base, &mut rng);
    for year in BASE_YEAR + 1..=LAST_YEAR {
        sim.year(year, &mut rng);
    }
    let viertel = stadtviertel(&input, &sim.stocks[&LAST_YEAR], &mut rng)?;
    let schools = pupils(&input, &sim.stocks, &mut rng)?;

    std::fs::create_dir_all(&args.output).with_context(|| format!("cannot create {}", args.output.display()))?;
    let files: Vec<(&str, String)> = vec![
        ("SOURCES.md", sources_md(args.seed)),
        ("bewegungen.csv", events_csv(&input, &sim.events)),
        ("bewegungen.toml", events_manifest(args.seed)),
        ("einwohner.csv", population_csv(&input, &sim.stocks, &viertel)),
        ("einwohner.toml", population_manifest(args.seed)),
        ("schueler.csv", pupils_csv(&schools)),
        ("schueler.toml", pupils_manifest(args.seed)),
    ];
    let mut written = Vec::new();
    for (name, text) in files {
        let path = args.output.join(name);
        std::fs::write(&path, &text).with_context(|| format!("cannot write {}", path.display()))?;
        written.push((name.to_owned(), text.len() as u64));
    }
    let total = |v: &[u32]| v.iter().map(|&x| u64::from(x)).sum::<u64>();
    let area_total = |v: &[u32], r: usize| total(&v[r * 2 * AGES..(r + 1) * 2 * AGES]);
    Ok(Summary {
        files: written,
        tfr: sim.tfr,
        city: sim.stocks.iter().map(|(y, v)| (*y, total(v))).collect(),
        stadtteile_2013: input
            .stadtteile
            .iter()
            .enumerate()
            .map(|(r, st)| (st.key.clone(), st.total, area_total(&sim.stocks[&(BASE_YEAR + 1)], r)))
            .collect(),
        events: sim
            .events
            .iter()
            .map(|(y, e)| {
                let births = total(&e.births_by_sex);
                (*y, [births, total(&e.deaths), total(&e.in_ext), total(&e.out_ext), total(&e.out_int)])
            })
            .collect(),
        schools: schools
            .iter()
            .map(|s| {
                let last = s.grades.last().map_or(0, |g| g.iter().sum());
                (s.key.clone(), s.form.clone(), s.anzahl, last, s.relative_scale)
            })
            .collect(),
    })
}

// ---------------------------------------------------------------------------------------------
// Calibration data

/// A Stadtteil with its real 2012 margins.
struct Stadtteil {
    key: String,
    /// Centroid, WGS84 longitude/latitude.
    centre: (f64, f64),
    total: u64,
    male: f64,
    female: f64,
    /// (first age, last age included, persons); the last band is open.
    bands: Vec<(usize, usize, f64)>,
}

/// The real margins of one area in the base year, as read.
#[derive(Default)]
struct Margins {
    total: Option<f64>,
    male: f64,
    female: f64,
    bands: Vec<(usize, usize, f64)>,
}

struct Calibration {
    stadtteile: Vec<Stadtteil>,
    /// Stadtviertel keys in key order, with the index of their Stadtteil.
    viertel: Vec<(String, usize)>,
    /// Public general schools in key order.
    schools: Vec<Institution>,
}

fn manifest(path: &Path) -> anyhow::Result<import::ContentSpec> {
    Ok(import::read_manifest(path).map_err(|e| anyhow::anyhow!("{} has errors:\n{e}", path.display()))?.content)
}

impl Calibration {
    fn read(dir: &Path) -> anyhow::Result<Self> {
        let layer = |name: &str| -> anyhow::Result<Vec<domain::Area>> {
            let path = dir.join(name);
            let import::ContentSpec::Layer(spec) = manifest(&path)? else { bail!("{} is no layer", path.display()) };
            let mut areas = import::read_layer(&spec).map_err(|e| anyhow::anyhow!("{e}"))?.areas;
            areas.sort_by(|a, b| a.key.as_str().cmp(b.key.as_str()));
            Ok(areas)
        };
        let stt_areas = layer("stadtteil.toml")?;
        let stv_areas = layer("stadtviertel.toml")?;

        let path = dir.join("bevoelkerung.toml");
        let import::ContentSpec::Statistics(spec) = manifest(&path)? else { bail!("{} is no table", path.display()) };
        let data = import::read_statistics(&spec).map_err(|e| anyhow::anyhow!("{e}"))?;
        let mut margins: BTreeMap<&str, Margins> = BTreeMap::new();
        for o in &data.observations {
            let o = &o.value;
            if o.period != Period::Year(BASE_YEAR) || o.variable.as_str() != "einwohner" {
                continue;
            }
            let Some(value) = o.value.number() else { continue };
            let m = margins.entry(o.area.as_str()).or_default();
            match o.breakdown.pairs() {
                [] => m.total = Some(value),
                [(d, c)] if d == "geschlecht" && c == "Männlich" => m.male = value,
                [(d, c)] if d == "geschlecht" && c == "Weiblich" => m.female = value,
                [(d, c)] if d == "alter" => {
                    let (from, to) = domain::expression::age_band(c).with_context(|| format!("age band {c:?}"))?;
                    let last = to.map_or(OLDEST, |t| t as usize - 1);
                    m.bands.push((from as usize, last, value));
                }
                _ => {}
            }
        }
        let mut stadtteile = Vec::new();
        for area in &stt_areas {
            let key = area.key.as_str();
            let Some(Margins { total: Some(total), male, female, mut bands }) = margins.remove(key) else {
                bail!("Stadtteil {key} has no population by age and sex in {BASE_YEAR}")
            };
            bands.sort_by_key(|b| b.0);
            let tiles = bands.windows(2).all(|w| w[0].1 + 1 == w[1].0);
            if bands.first().map(|b| b.0) != Some(0) || bands.last().map(|b| b.1) != Some(OLDEST) || !tiles {
                bail!("Stadtteil {key}: the age bands of {BASE_YEAR} do not tile 0 and older");
            }
            let centre =
                domain::school_index::centroid(area).with_context(|| format!("Stadtteil {key} has no shape"))?;
            stadtteile.push(Stadtteil {
                key: key.to_owned(),
                centre: (centre.x(), centre.y()),
                total: total.round() as u64,
                male,
                female,
                bands,
            });
        }
        let viertel = stv_areas
            .iter()
            .map(|a| {
                let key = a.key.as_str();
                let parent = stadtteile.iter().position(|s| key.starts_with(&s.key) && key.len() == s.key.len() + 2);
                parent.map(|p| (key.to_owned(), p)).with_context(|| format!("Stadtviertel {key} has no Stadtteil"))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;

        let path = dir.join("schulen.toml");
        let import::ContentSpec::Institutions(mut spec) = manifest(&path)? else {
            bail!("{} is no institutions manifest", path.display())
        };
        spec.attributes.push(import::AttributeSpec { column: "Rechtsstatus".into(), label: "Rechtsstatus".into() });
        let mut schools: Vec<Institution> = import::read_institutions(&spec)
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .into_iter()
            .filter(|i| {
                attribute(i, "Rechtsstatus") == Some("Öffentlich")
                    && crate::school_index::GENERAL_SCHOOLS.contains(&i.kind.as_str())
            })
            .collect();
        schools.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(Calibration { stadtteile, viertel, schools })
    }
}

fn attribute<'a>(i: &'a Institution, label: &str) -> Option<&'a str> {
    i.attributes.iter().find(|(k, _)| k == label).map(|(_, v)| v.trim())
}

// ---------------------------------------------------------------------------------------------
// Random draws

fn uniform(rng: &mut ChaCha8Rng) -> f64 {
    rng.random::<f64>()
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u = 1.0 - uniform(rng);
    let v = uniform(rng);
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

fn lognormal(rng: &mut ChaCha8Rng, sd: f64) -> f64 {
    (sd * normal(rng)).exp()
}

/// Binomial: exact Bernoulli trials up to 50 persons, the normal approximation above.
fn binomial(rng: &mut ChaCha8Rng, n: u32, p: f64) -> u32 {
    if n == 0 || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    if n <= 50 {
        return (0..n).filter(|_| uniform(rng) < p).count() as u32;
    }
    let mean = f64::from(n) * p;
    (mean + (mean * (1.0 - p)).sqrt() * normal(rng)).round().clamp(0.0, f64::from(n)) as u32
}

/// Poisson: Knuth's product of uniforms up to a mean of 30, the normal approximation above.
fn poisson(rng: &mut ChaCha8Rng, mean: f64) -> u32 {
    if mean <= 0.0 {
        return 0;
    }
    if mean > 30.0 {
        return (mean + mean.sqrt() * normal(rng)).round().max(0.0) as u32;
    }
    let limit = (-mean).exp();
    let (mut k, mut product) = (0, uniform(rng));
    while product > limit {
        k += 1;
        product *= uniform(rng);
    }
    k
}

/// Multinomial by successive binomials.
fn multinomial(rng: &mut ChaCha8Rng, n: u32, weights: &[f64]) -> Vec<u32> {
    let mut left_weight: f64 = weights.iter().sum();
    let mut left = n;
    let mut out = Vec::with_capacity(weights.len());
    for &w in weights {
        let k = if left_weight > 0.0 { binomial(rng, left, w / left_weight) } else { 0 };
        out.push(k);
        left -= k;
        left_weight -= w;
    }
    if let Some(last) = weights.iter().rposition(|&w| w > 0.0) {
        out[last] += left;
    }
    out
}

/// Rounds non-negative `values` to integers summing to `total` (largest remainder; ties to the
/// first).
fn round_to_total(values: &[f64], total: u32) -> Vec<u32> {
    let mut out: Vec<u32> = values.iter().map(|v| v.max(0.0).floor() as u32).collect();
    let mut rest: Vec<(usize, f64)> = values.iter().enumerate().map(|(i, v)| (i, v - v.floor())).collect();
    rest.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let missing = total.saturating_sub(out.iter().sum());
    for (i, _) in rest.iter().cycle().take(missing as usize) {
        out[*i] += 1;
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Demographic rates

fn bell(a: f64, mean: f64, sd: f64) -> f64 {
    (-0.5 * ((a - mean) / sd).powi(2)).exp()
}

/// Probability of dying within the year for a person aged `a` at its start (`sex` 0 men, 1 women).
fn death_probability(sex: usize, a: usize) -> f64 {
    let (alpha, beta) = GOMPERTZ[sex];
    let hazard = MAKEHAM + alpha * (beta * a as f64).exp();
    (1.0 - (-hazard).exp()).min(0.7)
}

/// Share of men at age `a` before raking to a Stadtteil's male total.
fn male_share(a: usize) -> f64 {
    let a = a as f64;
    if a < 50.0 {
        0.51
    } else if a < 70.0 {
        0.51 - 0.003 * (a - 50.0)
    } else if a < 85.0 {
        0.45 - (0.10 / 15.0) * (a - 70.0)
    } else {
        (0.35 - (0.10 / 14.0) * (a - 85.0)).max(0.25)
    }
}

/// External out-migration rate by age reached at the end of the year.
fn out_external(a: usize) -> f64 {
    let base = if a < 18 {
        0.028
    } else if a < 65 {
        0.018
    } else {
        0.010
    };
    base + 0.07 * bell(a as f64, 28.0, 6.0)
}

/// Rate of moving to another Stadtteil by age reached at the end of the year.
fn out_internal(a: usize) -> f64 {
    let base = if a < 7 {
        0.085
    } else if a < 18 {
        0.055
    } else if a < 65 {
        0.05
    } else {
        0.03
    };
    base + 0.11 * bell(a as f64, 27.0, 6.0)
}

/// Relative age profile of external in-movers.
fn in_profile(a: usize) -> f64 {
    let base = if a < 10 {
        0.4
    } else if a < 65 {
        0.15
    } else {
        0.05
    };
    base + 2.5 * bell(a as f64, 24.0, 5.0)
}

/// Births per woman of age `a` (age reached at the end of the year), 15–49, at a total fertility
/// rate of 1.
fn fertility_at(a: usize) -> f64 {
    let (mean, sd) = FERTILITY;
    let norm: f64 = (15..=49).map(|x| bell(x as f64, mean, sd)).sum();
    if (15..=49).contains(&a) { bell(a as f64, mean, sd) / norm } else { 0.0 }
}

// ---------------------------------------------------------------------------------------------
// Step 1: the base population 2012

/// Cell index: area, then sex (men, women), then age.
fn cell(area: usize, sex: usize, age: usize) -> usize {
    (area * 2 + sex) * AGES + age
}

fn base_population(input: &Calibration) -> anyhow::Result<Vec<u32>> {
    let mut out = vec![0; input.stadtteile.len() * 2 * AGES];
    // Survival of women from 70, for the open band (ages beyond 99 fold into 99).
    let mut tail = vec![1.0; 111];
    for a in 71..=110 {
        tail[a] = tail[a - 1] * (1.0 - death_probability(1, a - 1));
    }
    for (r, st) in input.stadtteile.iter().enumerate() {
        let density: Vec<(f64, f64)> = st
            .bands
            .iter()
            .filter(|b| b.1 < OLDEST)
            .map(|&(from, last, n)| ((from + last + 1) as f64 / 2.0, n / (last + 1 - from) as f64))
            .collect();
        let interpolate = |x: f64| -> f64 {
            let i = density.iter().position(|d| d.0 >= x).unwrap_or(density.len());
            match (i.checked_sub(1).map(|j| density[j]), density.get(i)) {
                (Some((x0, y0)), Some(&(x1, y1))) => y0 + (y1 - y0) * (x - x0) / (x1 - x0),
                (None, Some(&(_, y))) | (Some((_, y)), None) => y,
                (None, None) => 0.0,
            }
        };
        let open_from = st.bands.last().map_or(OLDEST, |b| b.0);
        let mut single = vec![0.0; AGES];
        for &(from, last, n) in &st.bands {
            let raw: Vec<f64> = if last == OLDEST {
                let level = interpolate(open_from as f64 - 0.5).max(1e-9) / tail[70.max(open_from - 1).min(110)];
                let mut v: Vec<f64> = (from..OLDEST).map(|a| level * tail[a.min(110)]).collect();
                v.push((OLDEST..=110).map(|a| level * tail[a]).sum());
                v
            } else {
                (from..=last).map(|a| interpolate(a as f64 + 0.5).max(1e-9)).collect()
            };
            let sum: f64 = raw.iter().sum();
            for (a, x) in (from..=last).zip(raw) {
                single[a] = n * x / sum;
            }
        }
        // Rake the male share: odds × c so that the men add up to the real share of men.
        let target = st.male / (st.male + st.female) * single.iter().sum::<f64>();
        let men = |c: f64| -> Vec<f64> {
            (0..AGES).map(|a| single[a] * c * male_share(a) / (1.0 - male_share(a) + c * male_share(a))).collect()
        };
        let (mut lo, mut hi) = (-3.0f64, 3.0f64);
        for _ in 0..60 {
            let mid = (lo + hi) / 2.0;
            if men(mid.exp()).iter().sum::<f64>() < target {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let m = men(((lo + hi) / 2.0).exp());
        for &(from, last, n) in &st.bands {
            let values: Vec<f64> = (from..=last).flat_map(|a| [m[a], single[a] - m[a]]).collect();
            let counts = round_to_total(&values, n.round() as u32);
            for (i, a) in (from..=last).enumerate() {
                out[cell(r, 0, a)] = counts[2 * i];
                out[cell(r, 1, a)] = counts[2 * i + 1];
            }
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Step 2: the years 2013–2024

/// The events of one year, by the age reached at its end, in cell order unless said otherwise.
struct Events {
    /// Per area × sex of the child.
    births_by_sex: Vec<u32>,
    /// Per area × age of the mother (`area * AGES + age`).
    births_by_mother: Vec<u32>,
    deaths: Vec<u32>,
    out_ext: Vec<u32>,
    out_int: Vec<u32>,
    in_ext: Vec<u32>,
    in_int: Vec<u32>,
}

struct Simulation {
    stocks: BTreeMap<i32, Vec<u32>>,
    events: BTreeMap<i32, Events>,
    areas: usize,
    /// The calibrated total fertility rate (before the area factors).
    tfr: f64,
    fertility: Vec<f64>,
    attraction_ext: Vec<f64>,
    attraction_int: Vec<f64>,
}

impl Simulation {
    fn new(input: &Calibration, base: Vec<u32>, rng: &mut ChaCha8Rng) -> Self {
        let areas = input.stadtteile.len();
        let mut factors = |sd: f64| (0..areas).map(|_| lognormal(rng, sd)).collect::<Vec<f64>>();
        let mut fertility = factors(SPREAD_FERTILITY);
        let attraction_ext = factors(SPREAD_ATTRACTION);
        let attraction_int = factors(SPREAD_ATTRACTION);
        let under_three: u32 =
            (0..areas).flat_map(|r| [0, 1].map(|s| (0..3).map(|a| base[cell(r, s, a)]).sum::<u32>())).sum();
        let at_rate_one: f64 = (0..areas)
            .map(|r| {
                fertility[r] * (15..=49).map(|a| fertility_at(a) * f64::from(base[cell(r, 1, a - 1)])).sum::<f64>()
            })
            .sum();
        let tfr = f64::from(under_three) / 3.0 / at_rate_one;
        for f in &mut fertility {
            *f *= tfr;
        }
        Simulation {
            tfr,
            stocks: BTreeMap::from([(BASE_YEAR, base)]),
            events: BTreeMap::new(),
            areas,
            fertility,
            attraction_ext,
            attraction_int,
        }
    }

    /// One calendar year in the order of `domain::projection`: ageing and deaths, migration of
    /// ages 1+, births and infant deaths, migration of age 0.
    fn year(&mut self, year: i32, rng: &mut ChaCha8Rng) {
        let g = self.areas;
        let start = &self.stocks[&(year - 1)];
        let n = start.len();
        let mut ev = Events {
            births_by_sex: vec![0; 2 * g],
            births_by_mother: vec![0; g * AGES],
            deaths: vec![0; n],
            out_ext: vec![0; n],
            out_int: vec![0; n],
            in_ext: vec![0; n],
            in_int: vec![0; n],
        };
        let mut p = vec![0u32; n];
        // 1. Ageing and survival; deaths at the age reached.
        for r in 0..g {
            for s in 0..2 {
                for a in 0..AGES {
                    let reached = (a + 1).min(OLDEST);
                    let died = binomial(rng, start[cell(r, s, a)], death_probability(s, a));
                    ev.deaths[cell(r, s, reached)] += died;
                    p[cell(r, s, reached)] += start[cell(r, s, a)] - died;
                }
            }
        }
        // 2. Out-movers of ages 1+.
        let ages: Vec<usize> = (1..AGES).collect();
        self.move_out(&mut p, &mut ev, &ages, rng);
        let population: Vec<f64> =
            (0..g).map(|r| start[r * 2 * AGES..(r + 1) * 2 * AGES].iter().sum::<u32>()).map(f64::from).collect();
        let net = NET_MIGRATION.iter().find(|(y, _)| *y == year).map_or(0.0, |x| x.1);
        let out_total: u32 = ev.out_ext.iter().sum();
        let in_total = (f64::from(out_total) + net * population.iter().sum::<f64>()).round().max(0.0) as u32;
        let ext_share: Vec<f64> = (0..g).map(|r| population[r] * self.attraction_ext[r]).collect();
        let int_share: Vec<f64> = (0..g).map(|r| population[r] * self.attraction_int[r]).collect();
        // External in-movers of every age, drawn now; age 0 arrives after the births.
        let weights: Vec<f64> = (0..n).map(|i| ext_share[i / (2 * AGES)] * in_profile(i % AGES)).collect();
        let arrivals = multinomial(rng, in_total, &weights);
        self.move_in(&mut p, &mut ev, &arrivals, &int_share, &ages, rng);
        // 3. Births from the mean of the women at the start and now.
        for r in 0..g {
            let mut born = 0;
            for a in 15..=49 {
                let women = f64::from(start[cell(r, 1, a)] + p[cell(r, 1, a)]) / 2.0;
                let k = poisson(rng, fertility_at(a) * self.fertility[r] * women);
                ev.births_by_mother[r * AGES + a] = k;
                born += k;
            }
            let boys = binomial(rng, born, BOYS);
            for (s, b) in [(0, boys), (1, born - boys)] {
                ev.births_by_sex[2 * r + s] = b;
                let died = binomial(rng, b, INFANT_DEATHS[s]);
                ev.deaths[cell(r, s, 0)] += died;
                p[cell(r, s, 0)] = b - died;
            }
        }
        // 4. Migration of age 0.
        self.move_out(&mut p, &mut ev, &[0], rng);
        self.move_in(&mut p, &mut ev, &arrivals, &int_share, &[0], rng);
        self.stocks.insert(year, p);
        self.events.insert(year, ev);
    }

    fn move_out(&self, p: &mut [u32], ev: &mut Events, ages: &[usize], rng: &mut ChaCha8Rng) {
        for r in 0..self.areas {
            for s in 0..2 {
                for &a in ages {
                    let i = cell(r, s, a);
                    let ext = binomial(rng, p[i], out_external(a));
                    let int = binomial(rng, p[i] - ext, out_internal(a));
                    ev.out_ext[i] = ext;
                    ev.out_int[i] = int;
                    p[i] -= ext + int;
                }
            }
        }
    }

    /// External arrivals as drawn, and the pool of internal movers of each sex and age shared
    /// among the areas by `share`, so that internal moves balance for every sex and age.
    fn move_in(
        &self,
        p: &mut [u32],
        ev: &mut Events,
        arrivals: &[u32],
        share: &[f64],
        ages: &[usize],
        rng: &mut ChaCha8Rng,
    ) {
        for s in 0..2 {
            for &a in ages {
                let pool: u32 = (0..self.areas).map(|r| ev.out_int[cell(r, s, a)]).sum();
                for (r, k) in multinomial(rng, pool, share).into_iter().enumerate() {
                    let i = cell(r, s, a);
                    ev.in_int[i] = k;
                    ev.in_ext[i] = arrivals[i];
                    p[i] += k + arrivals[i];
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Step 3: Stadtviertel 2024

fn stadtviertel(input: &Calibration, stock: &[u32], rng: &mut ChaCha8Rng) -> anyhow::Result<Vec<u32>> {
    let mut out = vec![0; input.viertel.len() * 2 * AGES];
    for r in 0..input.stadtteile.len() {
        let members: Vec<usize> = input.viertel.iter().enumerate().filter(|(_, v)| v.1 == r).map(|(i, _)| i).collect();
        if members.is_empty() {
            bail!("Stadtteil {} has no Stadtviertel", input.stadtteile[r].key);
        }
        let params: Vec<(f64, f64)> =
            members.iter().map(|_| (lognormal(rng, SPREAD_VIERTEL), SPREAD_TILT * normal(rng))).collect();
        for s in 0..2 {
            for a in 0..AGES {
                let w: Vec<f64> = params.iter().map(|(w, tilt)| w * (tilt * (a as f64 - 40.0) / 40.0).exp()).collect();
                for (&v, k) in members.iter().zip(multinomial(rng, stock[cell(r, s, a)], &w)) {
                    out[cell(v, s, a)] = k;
                }
            }
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Step 4: pupils

/// How a Schulform is modelled: first and last grade, the age of the entry cohort (at the end of
/// the calendar year in which the school year starts) and the Durchgangsquoten from each grade to
/// the next.
struct FormRule {
    first: u8,
    last: u8,
    entry_age: usize,
    passage: &'static [f64],
}

fn form_rule(form: &str) -> Option<FormRule> {
    let rule = |first, last, entry_age, passage| Some(FormRule { first, last, entry_age, passage });
    match form {
        "Grundschule" => rule(1, 4, 6, &[1.00, 0.99, 1.00]),
        "Hauptschule" => rule(5, 10, 10, &[1.03, 1.05, 1.06, 1.04, 0.92]),
        "Realschule" => rule(5, 10, 10, &[1.01, 1.02, 1.03, 1.02, 0.97]),
        "Sekundarschule" => rule(5, 10, 10, &[1.00, 1.01, 1.01, 1.00, 0.97]),
        "Gesamtschule" => rule(5, 13, 10, &[1.00, 1.00, 0.99, 0.99, 0.97, 0.55, 0.92, 0.95]),
        "Gymnasium" => rule(5, 13, 10, &[0.98, 0.98, 0.97, 0.97, 0.97, 0.97, 0.93, 0.95]),
        "PRIMUS-Schule" => rule(1, 10, 6, &[1.00, 0.99, 1.00, 0.95, 1.00, 1.00, 0.99, 0.99, 0.97]),
        _ => None,
    }
}

/// One school's synthetic pupils.
struct SchoolPupils {
    key: String,
    form: String,
    anzahl: u32,
    first: u8,
    /// Per school year from [`FIRST_SCHOOL_YEAR`], the pupils of each grade.
    grades: Vec<Vec<u32>>,
    /// The school's scale factor divided by the mean factor of its Schulform.
    relative_scale: f64,
}

fn distance_km((lon1, lat1): (f64, f64), (lon2, lat2): (f64, f64)) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let h = ((p2 - p1) / 2.0).sin().powi(2) + p1.cos() * p2.cos() * ((lon2 - lon1).to_radians() / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

fn pupils(
    input: &Calibration,
    stocks: &BTreeMap<i32, Vec<u32>>,
    rng: &mut ChaCha8Rng,
) -> anyhow::Result<Vec<SchoolPupils>> {
    // Children of `age` at the end of `year` in Stadtteil r; before the base year, the base
    // population's older cohorts stand in (no deaths or moves backwards).
    let children = |r: usize, age: usize, year: i32| -> f64 {
        let (stock, age) = if year >= BASE_YEAR {
            (&stocks[&year], age)
        } else {
            (&stocks[&BASE_YEAR], age + (BASE_YEAR - year) as usize)
        };
        let age = age.min(OLDEST);
        f64::from(stock[cell(r, 0, age)] + stock[cell(r, 1, age)])
    };
    let mut schools = Vec::new();
    for school in &input.schools {
        let rule = form_rule(&school.kind).with_context(|| format!("no rule for Schulform {}", school.kind))?;
        let anzahl: f64 = attribute(school, "Schülerzahl")
            .and_then(|t| t.parse().ok())
            .with_context(|| format!("school {} has no Schülerzahl", school.key))?;
        schools.push((school, rule, anzahl));
    }
    // Capacity-weighted inverse squared distance within the Schulform.
    let location = |i: &Institution| (i.location.x(), i.location.y());
    let weight = |r: usize, (i, _, anzahl): &(&Institution, FormRule, f64)| {
        anzahl / distance_km(input.stadtteile[r].centre, location(i)).max(MIN_DISTANCE_KM).powi(2)
    };
    let mut model: Vec<Vec<Vec<f64>>> = Vec::new();
    for (k, s) in schools.iter().enumerate() {
        let rule = &s.1;
        let grades = usize::from(rule.last - rule.first) + 1;
        let share: Vec<f64> = (0..input.stadtteile.len())
            .map(|r| {
                let all: f64 = schools.iter().filter(|o| o.0.kind == s.0.kind).map(|o| weight(r, o)).sum();
                weight(r, &schools[k]) / all
            })
            .collect();
        let first_entry = FIRST_SCHOOL_YEAR - grades as i32 + 1;
        // Cohort tables by entry year: pupils in each grade as the cohort moves up.
        let mut by_year: BTreeMap<i32, Vec<f64>> = BTreeMap::new();
        for entry in first_entry..=LAST_YEAR {
            let intake: f64 = share.iter().enumerate().map(|(r, sh)| sh * children(r, rule.entry_age, entry)).sum();
            let mut n = intake * lognormal(rng, NOISE_ENTRY);
            for g in 0..grades {
                let year = entry + g as i32;
                if year > LAST_YEAR {
                    break;
                }
                if g > 0 {
                    n *= rule.passage[g - 1] * lognormal(rng, NOISE_STEP);
                }
                by_year.entry(year).or_insert_with(|| vec![0.0; grades])[g] = n;
            }
        }
        model.push((FIRST_SCHOOL_YEAR..=LAST_YEAR).map(|y| by_year.remove(&y).unwrap_or_default()).collect());
    }
    let last = (LAST_YEAR - FIRST_SCHOOL_YEAR) as usize;
    let mut form_scale: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
    for (s, m) in schools.iter().zip(&model) {
        let e = form_scale.entry(s.0.kind.as_str()).or_default();
        e.0 += s.2;
        e.1 += m[last].iter().sum::<f64>();
    }
    let mut out = Vec::new();
    for ((school, rule, anzahl), m) in schools.iter().zip(model) {
        let modelled: f64 = m[last].iter().sum();
        if modelled <= 0.0 {
            bail!("school {} has no children of entry age around it", school.key);
        }
        let scale = anzahl / modelled;
        let (real, synthetic) = form_scale[school.kind.as_str()];
        let grades = m
            .iter()
            .enumerate()
            .map(|(y, g)| {
                let scaled: Vec<f64> = g.iter().map(|x| x * scale).collect();
                if y == last {
                    round_to_total(&scaled, *anzahl as u32)
                } else {
                    scaled.iter().map(|x| x.round() as u32).collect()
                }
            })
            .collect();
        out.push(SchoolPupils {
            key: school.key.clone(),
            form: school.kind.clone(),
            anzahl: *anzahl as u32,
            first: rule.first,
            grades,
            relative_scale: scale / (real / synthetic),
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Output

const SEXES: [&str; 2] = ["m", "w"];

fn population_csv(input: &Calibration, stocks: &BTreeMap<i32, Vec<u32>>, viertel: &[u32]) -> String {
    let mut s = String::from("gebiet;jahr;alter;geschlecht;einwohner\n");
    let write = |s: &mut String, key: &str, year: i32, values: &[u32]| {
        let sex_total = |x: usize| values[x * AGES..(x + 1) * AGES].iter().sum::<u32>();
        let _ = writeln!(s, "{key};{year};;;{}", sex_total(0) + sex_total(1));
        for (x, sex) in SEXES.iter().enumerate() {
            let _ = writeln!(s, "{key};{year};;{sex};{}", sex_total(x));
        }
        for a in 0..AGES {
            for (x, sex) in SEXES.iter().enumerate() {
                let _ = writeln!(s, "{key};{year};{a};{sex};{}", values[x * AGES + a]);
            }
        }
    };
    for (&year, stock) in stocks.range(BASE_YEAR + 1..) {
        for (r, st) in input.stadtteile.iter().enumerate() {
            write(&mut s, &st.key, year, &stock[r * 2 * AGES..(r + 1) * 2 * AGES]);
        }
    }
    for (v, (key, _)) in input.viertel.iter().enumerate() {
        write(&mut s, key, LAST_YEAR, &viertel[v * 2 * AGES..(v + 1) * 2 * AGES]);
    }
    s
}

/// The variables of `bewegungen.csv`: key and label.
pub const EVENT_VARIABLES: [(&str, &str); 6] = [
    ("geburten", "Lebendgeborene (alter: Alter der Mutter, geschlecht: des Kindes)"),
    ("sterbefaelle", "Sterbefälle"),
    ("zuzuege_extern", "Zuzüge von außerhalb der Stadt"),
    ("fortzuege_extern", "Fortzüge nach außerhalb der Stadt"),
    ("zuzuege_intern", "Zuzüge aus anderen Stadtteilen"),
    ("fortzuege_intern", "Fortzüge in andere Stadtteile"),
];

fn events_csv(input: &Calibration, events: &BTreeMap<i32, Events>) -> String {
    let mut s = String::from("gebiet;jahr;merkmal;alter;geschlecht;anzahl\n");
    for (&year, ev) in events.range(FIRST_EVENT_YEAR..) {
        for (r, st) in input.stadtteile.iter().enumerate() {
            let key = &st.key;
            let boys = ev.births_by_sex[2 * r];
            let girls = ev.births_by_sex[2 * r + 1];
            let _ = writeln!(s, "{key};{year};geburten;;;{}", boys + girls);
            let _ = writeln!(s, "{key};{year};geburten;;m;{boys}");
            let _ = writeln!(s, "{key};{year};geburten;;w;{girls}");
            for a in 15..=49 {
                let _ = writeln!(s, "{key};{year};geburten;{a};;{}", ev.births_by_mother[r * AGES + a]);
            }
            let tables = [&ev.deaths, &ev.in_ext, &ev.out_ext, &ev.in_int, &ev.out_int];
            for ((variable, _), table) in EVENT_VARIABLES[1..].iter().zip(tables) {
                let area = &table[r * 2 * AGES..(r + 1) * 2 * AGES];
                let _ = writeln!(s, "{key};{year};{variable};;;{}", area.iter().sum::<u32>());
                for a in 0..AGES {
                    for (x, sex) in SEXES.iter().enumerate() {
                        let n = area[x * AGES + a];
                        if n > 0 {
                            let _ = writeln!(s, "{key};{year};{variable};{a};{sex};{n}");
                        }
                    }
                }
            }
        }
    }
    s
}

fn pupils_csv(schools: &[SchoolPupils]) -> String {
    let mut s = String::from("schulnummer;schuljahr;klasse;anzahl\n");
    for school in schools {
        for (y, grades) in school.grades.iter().enumerate() {
            let year = FIRST_SCHOOL_YEAR + y as i32;
            let _ = writeln!(s, "{};{year}/{:02};;{}", school.key, (year + 1) % 100, grades.iter().sum::<u32>());
            for (g, n) in grades.iter().enumerate() {
                let _ =
                    writeln!(s, "{};{year}/{:02};{};{n}", school.key, (year + 1) % 100, usize::from(school.first) + g);
            }
        }
    }
    s
}

fn release(title: &str, seed: u64, licence: &str, attribution: &str) -> String {
    format!(
        r#"[release]
kommune = "koeln"
kommune_name = "Köln"
ags = "05315000"
title = "{title} (synthetisch)"
source = "bimo-Generator für synthetische Planungsdaten, Saat {seed} (bimo synthetisch --seed {seed}); erfundene Zahlen, kalibriert auf offene Daten, siehe SOURCES.md"
licence = "{licence}"
attribution = "{attribution}"
url = "https://offenedaten-koeln.de"
audience = "public"
"#
    )
}

const POPULATION_LICENCE: &str = "CC BY 3.0 DE (Kalibrierungsdaten)";
const POPULATION_ATTRIBUTION: &str =
    "Synthetische Daten (bimo), kalibriert auf die Bevölkerungsstatistik 2012 der Stadt Köln (CC BY)";

fn population_manifest(seed: u64) -> String {
    format!(
        r#"# Synthetic register population by Stadtteil, single age (99 = 99 and older) and sex, 31.12.2013–2024,
# and by Stadtviertel for 2024. Generated by `bimo synthetisch`; see docs/SYNTHETIC.md. Do not edit.
{}
[statistics]
format = "long"
file = "einwohner.csv"
layers = ["stadtteil", "stadtviertel"]

[statistics.long]
area = "gebiet"
period = "jahr"
value = "einwohner"
variable_const = "einwohner"
breakdown = ["alter", "geschlecht"]

[[statistics.variable]]
key = "einwohner"
label = "Einwohner"
unit = "count"
"#,
        release(
            "Einwohner nach Einzelalter und Geschlecht 2013–2024",
            seed,
            POPULATION_LICENCE,
            POPULATION_ATTRIBUTION
        )
    )
}

fn events_manifest(seed: u64) -> String {
    let mut s = format!(
        r#"# Synthetic births, deaths and moves by Stadtteil, age reached at the end of the year (births: age of
# the mother) and sex, 2019–2024. Cells without events are left out (a missing cell is 0).
# Generated by `bimo synthetisch`; see docs/SYNTHETIC.md. Do not edit.
{}
[statistics]
format = "long"
file = "bewegungen.csv"
layers = ["stadtteil"]

[statistics.long]
area = "gebiet"
period = "jahr"
value = "anzahl"
variable = "merkmal"
breakdown = ["alter", "geschlecht"]
"#,
        release("Geburten, Sterbefälle und Wanderungen 2019–2024", seed, POPULATION_LICENCE, POPULATION_ATTRIBUTION)
    );
    for (key, label) in EVENT_VARIABLES {
        let _ = write!(s, "\n[[statistics.variable]]\nkey = \"{key}\"\nlabel = \"{label}\"\nunit = \"count\"\n");
    }
    s
}

fn pupils_manifest(seed: u64) -> String {
    format!(
        r#"# Synthetic pupils per public general school (Schulnummer), grade (klasse) and school year 2015/16–2024/25;
# rows without a grade are the school's total. Generated by `bimo synthetisch`; see docs/SYNTHETIC.md. Do not edit.
{}
[institution_statistics]
collection = "schulen"
file = "schueler.csv"
institution = "schulnummer"
period = "schuljahr"
value = "anzahl"
variable_const = "schueler"
breakdown = ["klasse"]

[[institution_statistics.variable_def]]
key = "schueler"
label = "Schülerinnen und Schüler"
unit = "count"
"#,
        release(
            "Schülerinnen und Schüler nach Klassenstufe 2015/16–2024/25",
            seed,
            "dl-de/by-2-0 und CC BY 3.0 DE (Kalibrierungsdaten)",
            "Synthetische Daten (bimo), kalibriert auf IT.NRW, Schulverzeichnis 2024/25 (dl-de/by-2-0), und die \
             Bevölkerungsstatistik 2012 der Stadt Köln (CC BY)"
        )
    )
}

fn sources_md(seed: u64) -> String {
    format!(
        r#"# SOURCES – synthetic planning data for the Köln demo

**Every number in this folder is synthetic** – made up by `bimo synthetisch --seed {seed}` (crates/cli/src/synthetic.rs;
method, parameters and checks in docs/SYNTHETIC.md). They are not the statistics of the city of Köln or of any school,
and must not be quoted as such. Regenerate with

    bimo synthetisch --seed {seed} --output data/demo/koeln/synthetisch

The same seed gives the same bytes (a test checks it).

## What is real (the calibration data)
- Population of the 86 Stadtteile on 31.12.2012 by 13 age bands and by sex: ../bevoelkerung.csv, Stadt Köln, Offene
  Daten Köln (via KoelnAPI/data), licence CC BY 3.0 DE, attribution "Stadt Köln (CC BY)". The synthetic population
  keeps these band totals exactly in the base year 2012 (which is not written here) and develops from them.
- Boundaries of the 86 Stadtteile and 371 Stadtviertel (../Stadtteil.shp, ../Stadtviertel.shp), same source and licence:
  Stadtteil centroids for the school catchments, the list of Stadtviertel per Stadtteil.
- The public general schools of Köln 2024/25 (Schulnummer, Schulform, location, pupils `Anzahl` rounded to 5):
  ../../nrw-schulen/, IT.NRW Schul- und Adressverzeichnis 2024/25, licence dl-de/by-2-0; coordinates ODbL
  (OpenStreetMap/Nominatim). The synthetic pupils of 2024/25 add up to `Anzahl` for every school.

## What is invented
Single-age and sex profiles, mortality, fertility, migration rates and net migration, the area factors, the
Stadtviertel shares, the school catchments, Durchgangsquoten and all random noise – see docs/SYNTHETIC.md.

## Files
- einwohner.csv / einwohner.toml: Einwohner per Stadtteil × age 0–99 (99 = 99 and older) × sex (m, w) × 31.12.2013–2024,
  and per Stadtviertel for 2024; with totals and totals by sex.
- bewegungen.csv / bewegungen.toml: geburten (by age of the mother and by sex of the child), sterbefaelle,
  zuzuege_extern, fortzuege_extern, zuzuege_intern, fortzuege_intern per Stadtteil × age reached at the end of the
  year × sex × 2019–2024; cells without events are left out.
- schueler.csv / schueler.toml: pupils per school (Schulnummer) × school year 2015/16–2024/25 × grade (`klasse`; rows
  without it are the school's total) for the public general schools (Grundschule 1–4; Haupt- and
  Realschule 5–10; Gesamtschule and Gymnasium 5–13, i.e. with the Oberstufe, because `Anzahl` counts it).
"#
    )
}
