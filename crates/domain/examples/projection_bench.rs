//! Benchmark of the projection core (`bench/projection.sh`): 371 areas (the Stadtviertel of Köln)
//! × ages 0..=99 (99 the open group) × 2 sexes, projected 20 years with [`projiziere`] (every
//! component stored) and [`projiziere_ohne_komponenten`] (population and births only).
//!
//! The input is synthetic but plausible and seeded (ChaCha8, seed 2026): area sizes from 800 to
//! 6,000 inhabitants with an urban age structure, two area types (inner city, outskirts) with
//! Gompertz death probabilities and a normal fertility schedule (TFR 1.3 and 1.6), out-migration
//! rates peaking in the twenties, 45,000 external in-migrants a year spread by an age-sex profile
//! and area shares, and destination shares of internal movers that vary by area, sex and age.
//!
//! The inputs are written into the directory given on the command line, so that the NumPy peer
//! (`bench/projection_peer.py`) computes on exactly the same numbers: one file per array,
//! `NAME.f64`, an ASCII header line `f64 d1 d2 …` (the shape, C order, last index fastest) followed by
//! the values as little-endian f64, and `meta.txt` with the scalars (`key=value`).
//!
//! Output (key=value lines on standard output): the median and every run's time in milliseconds of
//! both variants (the projection call only, inputs built) and the city total of the last year,
//! printed with full precision (shortest representation that reads back to the same f64).
//!
//! ```text
//! cargo run --release -p domain --example projection_bench -- DIR [RUNS]
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use domain::projection::{Annahmen, Bestand, Raster, Szenario, ZuzugExtern, projiziere, projiziere_ohne_komponenten};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

const GEBIETE: usize = 371;
const MAX_ALTER: usize = 99;
const JAHRE: usize = 20;
const BASISJAHR: i32 = 2025;
const SEED: u64 = 2026;
const ZUZUG_EXTERN: f64 = 45_000.0;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().ok_or("usage: projection_bench DIR [RUNS]")?);
    let runs: usize = args.next().map_or(Ok(5), |r| r.parse())?;
    std::fs::create_dir_all(&dir)?;

    let raster = Raster::new(GEBIETE, MAX_ALTER)?;
    let (bestand, annahmen) = eingabe(raster)?;
    schreibe_eingabe(&dir, raster, &bestand, &annahmen)?;
    let szenario = Szenario::status_quo(JAHRE);

    let mut summen = Vec::new();
    for (name, rechne) in [
        ("mit_komponenten", projiziere as fn(&Bestand, &Annahmen, &Szenario) -> _),
        ("ohne_komponenten", projiziere_ohne_komponenten),
    ] {
        let mut ms = Vec::with_capacity(runs);
        let mut summe = 0.0;
        for _ in 0..runs.max(1) {
            let start = Instant::now();
            let projektion = rechne(&bestand, &annahmen, &szenario)?;
            ms.push(start.elapsed().as_secs_f64() * 1e3);
            summe = projektion.summe(JAHRE).ok_or("no last year")?;
            std::hint::black_box(&projektion);
        }
        let runs_text: Vec<String> = ms.iter().map(|m| format!("{m:.3}")).collect();
        println!("BIMO_{}_RUNS_MS={}", name.to_uppercase(), runs_text.join(" "));
        println!("BIMO_{}_MS={:.3}", name.to_uppercase(), median(&mut ms));
        summen.push(summe);
    }
    if summen[0] != summen[1] {
        return Err(format!("the two variants differ: {} vs {}", summen[0], summen[1]).into());
    }
    println!("BIMO_BASE_TOTAL={}", bestand.werte().iter().sum::<f64>());
    println!("BIMO_TOTAL={}", summen[0]);
    Ok(())
}

/// The median of a non-empty list (sorts it).
fn median(werte: &mut [f64]) -> f64 {
    werte.sort_by(f64::total_cmp);
    let n = werte.len();
    if n % 2 == 1 { werte[n / 2] } else { (werte[n / 2 - 1] + werte[n / 2]) / 2.0 }
}

/// The seeded synthetic base population and assumptions.
fn eingabe(raster: Raster) -> Result<(Bestand, Annahmen), Box<dyn std::error::Error>> {
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let (n, g) = (raster.alter(), raster.gebiete());
    let alter = |a: usize| a as f64;
    let glocke = |a: f64, mitte: f64, breite: f64| (-((a - mitte) / breite).powi(2) / 2.0).exp();

    // Area types: the first fifth of the areas is the inner city (type 0), the rest outskirts.
    let gebietstyp: Vec<usize> = (0..g).map(|r| usize::from(r >= g / 5)).collect();

    // Base population: an age structure with a hump of young adults (stronger in the inner city)
    // and a decline after 60, scaled to a random area size, with ±15 % noise per cell.
    let mut werte = vec![0.0; raster.zellen()];
    for (r, &typ) in gebietstyp.iter().enumerate() {
        let groesse = rng.random_range(800.0..6000.0);
        let junge = if typ == 0 { 1.2 } else { 0.5 };
        let form: Vec<f64> = (0..2 * n)
            .map(|i| {
                let a = alter(i % n);
                let alt = if a > 60.0 { (-(a - 60.0) / 12.0).exp() } else { 1.0 };
                (1.0 + junge * glocke(a, 28.0, 6.0)) * alt
            })
            .collect();
        let faktor = groesse / form.iter().sum::<f64>();
        for (i, f) in form.iter().enumerate() {
            werte[r * 2 * n + i] = f * faktor * rng.random_range(0.85..1.15);
        }
    }
    let bestand = Bestand::new(raster, BASISJAHR, werte)?;

    // Death probabilities by type × sex × age at the start of the year (Gompertz; women 0.6,
    // the inner city 1.1 times); 1 is never reached below age 100.
    let mut sterbewahrscheinlichkeit = Vec::with_capacity(2 * 2 * n);
    for typ in 0..2 {
        for s in 0..2 {
            let faktor = [1.1, 1.0][typ] * [1.0, 0.6][s];
            sterbewahrscheinlichkeit
                .extend((0..n).map(|a| (faktor * (0.0004 + 0.00003 * (0.095 * alter(a)).exp())).min(1.0)));
        }
    }
    // Fertility by type × age of the mother: a normal schedule between 15 and 49 (TFR 1.3 in the
    // inner city, 1.6 in the outskirts; means 32 and 30).
    let mut fruchtbarkeit = Vec::with_capacity(2 * n);
    for (tfr, mitte) in [(1.3, 32.0), (1.6, 30.0)] {
        let form: Vec<f64> =
            (0..n).map(|a| if (15..=49).contains(&a) { glocke(alter(a), mitte, 5.5) } else { 0.0 }).collect();
        let summe: f64 = form.iter().sum();
        fruchtbarkeit.extend(form.iter().map(|f| tfr * f / summe));
    }
    // Out-migration rates by cell at the age reached: peaks in the twenties, ±20 % per area.
    let (mut fortzug_extern, mut fortzug_intern) = (Vec::new(), Vec::new());
    for _ in 0..g {
        let (fe, fi) = (rng.random_range(0.8..1.2), rng.random_range(0.8..1.2));
        for i in 0..2 * n {
            let a = alter(i % n);
            fortzug_extern.push(fe * (0.02 + 0.07 * glocke(a, 25.0, 5.0)));
            fortzug_intern.push(fi * (0.04 + 0.09 * glocke(a, 27.0, 6.0) + 0.03 * glocke(a, 2.0, 3.0)));
        }
    }
    // External in-migrants: a profile peaking at 22 (slightly more men), random area shares.
    let profil_form: Vec<f64> = (0..2 * n)
        .map(|i| [1.05, 1.0][i / n] * (0.05 + glocke(alter(i % n), 22.0, 5.0) + 0.1 * glocke(alter(i % n), 1.0, 2.0)))
        .collect();
    let anteile_form: Vec<f64> = (0..g).map(|_| rng.random_range(0.2..1.0)).collect();
    // Internal destinations: an attractiveness per area times ±30 % per cell, normalised per sex
    // and age over all areas.
    let anziehung: Vec<f64> = (0..g).map(|_| rng.random_range(0.3..1.5)).collect();
    let mut umzug_ziele: Vec<f64> =
        (0..raster.zellen()).map(|i| anziehung[i / (2 * n)] * rng.random_range(0.7..1.3)).collect();
    for j in 0..2 * n {
        let summe: f64 = umzug_ziele.iter().skip(j).step_by(2 * n).sum();
        umzug_ziele.iter_mut().skip(j).step_by(2 * n).for_each(|u| *u /= summe);
    }
    let annahmen = Annahmen {
        gebietstyp,
        sterbewahrscheinlichkeit,
        saeuglingssterblichkeit: [0.0035, 0.0029],
        fruchtbarkeit,
        sexualproportion: 1.05,
        fortzug_extern,
        fortzug_intern,
        zuzug_extern: ZuzugExtern {
            summe: ZUZUG_EXTERN,
            profil: normiert(profil_form),
            anteile: normiert(anteile_form),
        },
        umzug_ziele,
    };
    Ok((bestand, annahmen))
}

/// Divides by the sum.
fn normiert(werte: Vec<f64>) -> Vec<f64> {
    let summe: f64 = werte.iter().sum();
    werte.into_iter().map(|w| w / summe).collect()
}

/// Writes every input array as `NAME.f64` and the scalars as `meta.txt`.
fn schreibe_eingabe(dir: &Path, raster: Raster, bestand: &Bestand, annahmen: &Annahmen) -> std::io::Result<()> {
    let (g, n) = (raster.gebiete(), raster.alter());
    let typen = annahmen.fruchtbarkeit.len() / n;
    let gebietstyp: Vec<f64> = annahmen.gebietstyp.iter().map(|&t| t as f64).collect();
    let zellen = [g, 2, n];
    let arrays: [(&str, &[usize], &[f64]); 10] = [
        ("bestand", &zellen, bestand.werte()),
        ("gebietstyp", &[g], &gebietstyp),
        ("sterbewahrscheinlichkeit", &[typen, 2, n], &annahmen.sterbewahrscheinlichkeit),
        ("fruchtbarkeit", &[typen, n], &annahmen.fruchtbarkeit),
        ("fortzug_extern", &zellen, &annahmen.fortzug_extern),
        ("fortzug_intern", &zellen, &annahmen.fortzug_intern),
        ("zuzug_profil", &[2, n], &annahmen.zuzug_extern.profil),
        ("zuzug_anteile", &[g], &annahmen.zuzug_extern.anteile),
        ("umzug_ziele", &zellen, &annahmen.umzug_ziele),
        ("saeuglingssterblichkeit", &[2], &annahmen.saeuglingssterblichkeit),
    ];
    for (name, form, werte) in arrays {
        let mut datei = std::io::BufWriter::new(std::fs::File::create(dir.join(format!("{name}.f64")))?);
        let form: Vec<String> = form.iter().map(usize::to_string).collect();
        writeln!(datei, "f64 {}", form.join(" "))?;
        for w in werte {
            datei.write_all(&w.to_le_bytes())?;
        }
        datei.flush()?;
    }
    std::fs::write(
        dir.join("meta.txt"),
        format!(
            "gebiete={g}\nmax_alter={}\njahre={JAHRE}\nbasisjahr={BASISJAHR}\nseed={SEED}\nsexualproportion={}\n\
             zuzug_extern={}\n",
            raster.max_alter(),
            annahmen.sexualproportion,
            annahmen.zuzug_extern.summe
        ),
    )
}
