//! Measures primary suppression, secondary suppression and the audit on a fine, sparse table set
//! like the pupils of Köln's 86 Stadtteile (in 9 Stadtbezirke).
//!
//! Tables: pupils by Stadtteil × Schulform (6) × Klasse (10) × Geschlecht (2), linked with
//! pupils by Stadtteil × Schulform and by Stadtteil × Schulform × Staatsangehörigkeit (2). Counts
//! are Poisson draws (seeded ChaCha8), Grundschulen in Klassen 1–4 only, the others in 5–10.
//!
//! ```text
//! cargo run --release -p disclosure --example sparse [-- PUPILS [STADTTEILE [SEED]]]
//! ```
//!
//! Defaults: about 14,000 pupils, 86 Stadtteile, seed 1.

use std::time::Instant;

use disclosure::{Hierarchy, Problem, Protection, Rules, Settings, Table};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

const BEZIRKE: usize = 9;
const SCHULFORMEN: [&str; 6] = ["GS", "HS", "RS", "GY", "GE", "FS"];
/// Relative size of each Schulform per Klasse.
const SCHULFORM_WEIGHTS: [f64; 6] = [1.8, 0.4, 0.7, 1.6, 1.2, 0.3];
const KLASSEN: [&str; 10] = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"];
const GESCHLECHT: [&str; 2] = ["m", "w"];
const STAAT: [&str; 2] = ["de", "nd"];

fn main() {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<u64>().expect("a whole number"));
    let pupils = args.next().unwrap_or(14_000) as f64;
    let stadtteile = args.next().unwrap_or(86) as usize;
    let seed = args.next().unwrap_or(1);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);

    let started = Instant::now();
    let mut area = Hierarchy::new("gebiet", "Stadt");
    for b in 0..BEZIRKE {
        area.add(format!("SB{b}"), "Stadt").unwrap();
    }
    let leaves: Vec<String> = (0..stadtteile).map(|s| format!("ST{s:03}")).collect();
    for (s, leaf) in leaves.iter().enumerate() {
        area.add(leaf.clone(), &format!("SB{}", s * BEZIRKE / stadtteile)).unwrap();
    }
    let schulform = Hierarchy::flat("schulform", "Insgesamt", &SCHULFORMEN).unwrap();
    let klasse = Hierarchy::flat("klasse", "Insgesamt", &KLASSEN).unwrap();
    let geschlecht = Hierarchy::flat("geschlecht", "Insgesamt", &GESCHLECHT).unwrap();
    let staat = Hierarchy::flat("staat", "Insgesamt", &STAAT).unwrap();

    let grades = |form: usize| if form == 0 { 0..4 } else { 4..10 };
    let weight: f64 =
        (0..SCHULFORMEN.len()).map(|f| SCHULFORM_WEIGHTS[f] * grades(f).len() as f64 * GESCHLECHT.len() as f64).sum();
    let mut detailed = Vec::new();
    let mut by_form = Vec::new();
    let mut by_citizenship = Vec::new();
    for leaf in &leaves {
        let size = rng.random_range(0.3..1.7) * pupils / stadtteile as f64 / weight;
        let foreign = rng.random_range(0.05..0.5);
        for (f, form) in SCHULFORMEN.iter().enumerate() {
            let mut total = 0;
            for k in grades(f) {
                for sex in GESCHLECHT {
                    let n = poisson(&mut rng, size * SCHULFORM_WEIGHTS[f]);
                    detailed.push(([leaf.as_str(), form, KLASSEN[k], sex], n));
                    total += n;
                }
            }
            by_form.push(([leaf.as_str(), form], total));
            let nd = (0..total).filter(|_| rng.random_range(0.0..1.0) < foreign).count() as u64;
            by_citizenship.push(([leaf.as_str(), form, "de"], total - nd));
            by_citizenship.push(([leaf.as_str(), form, "nd"], nd));
        }
    }
    let dimensions = vec![area.clone(), schulform.clone(), klasse, geschlecht];
    let problem = Problem::new(vec![
        Table::counts("schueler", dimensions, detailed).unwrap(),
        Table::counts("schulform", vec![area.clone(), schulform.clone()], by_form).unwrap(),
        Table::counts("staat", vec![area, schulform, staat], by_citizenship).unwrap(),
    ])
    .unwrap();
    let total = problem.value(problem.cell(1, &["Stadt", "Insgesamt"]).unwrap());
    println!(
        "{} cells, {} constraints, {total} pupils (seed {seed}); built in {:.2?}",
        problem.cell_count(),
        problem.constraints().len(),
        started.elapsed()
    );

    let started = Instant::now();
    let primary = problem.primary(&Rules::minimum_frequency(3));
    println!("primary:   {:>5} cells in {:.2?}", primary.primary_count(), started.elapsed());

    let settings =
        Settings { protection: Protection { absolute: 1.0, percent: 0.0 }, singletons: false, threshold: None };
    let started = Instant::now();
    let protected = problem.protect(&primary, &settings).unwrap();
    println!("protect:   {:>5} secondary in {:.2?}", protected.secondary_count(), started.elapsed());

    let started = Instant::now();
    let audit = problem.audit(&protected, &settings.protection).unwrap();
    println!(
        "audit:     {:>5} withheld cells, {} unprotected, in {:.2?}",
        audit.entries.len(),
        audit.unprotected().count(),
        started.elapsed()
    );
}

/// A Poisson draw with mean `mean` (Knuth's product of uniforms; the means here are small).
fn poisson(rng: &mut ChaCha8Rng, mean: f64) -> u64 {
    let limit = (-mean).exp();
    let mut product = rng.random_range(0.0..1.0);
    let mut n = 0;
    while product > limit {
        product *= rng.random_range(0.0..1.0);
        n += 1;
    }
    n
}
