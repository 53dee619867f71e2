//! Status-quo assumptions from observed history, averaged over a base period (Stützzeitraum).

use std::collections::BTreeMap;

use crate::forecast::Stuetzzeitraum;

use super::{
    Annahmen, Geschlecht, ProjektionsFehler, Raster, SEXUALPROPORTION_STANDARD, ZuzugExtern, pruefe_anzahlen,
    pruefe_laenge,
};

/// The events of one calendar year, by the age reached at the end of the year (age 0: born in the
/// year), per area × sex × age in raster order unless said otherwise.
#[derive(Debug, Clone, PartialEq)]
pub struct Ereignisse {
    /// Live births per area × sex of the child.
    pub geburten: Vec<f64>,
    /// Live births per area × age of the mother (ages `0..=max_alter`).
    pub geburten_nach_alter_der_mutter: Vec<f64>,
    /// Deaths (infant deaths at age 0).
    pub gestorbene: Vec<f64>,
    /// Moves out of the city.
    pub fortzuege_extern: Vec<f64>,
    /// Moves to another area of the city, counted at the area left.
    pub fortzuege_intern: Vec<f64>,
    /// Moves into the city.
    pub zuzuege_extern: Vec<f64>,
    /// Moves from another area of the city, counted at the area entered.
    pub zuzuege_intern: Vec<f64>,
}

/// Observed stocks (31 December of each year) and yearly events of a city.
#[derive(Debug, Clone, PartialEq)]
pub struct Historie {
    raster: Raster,
    bestaende: BTreeMap<i32, Vec<f64>>,
    ereignisse: BTreeMap<i32, Ereignisse>,
}

impl Historie {
    /// An empty history on `raster`.
    pub fn new(raster: Raster) -> Self {
        Historie { raster, bestaende: BTreeMap::new(), ereignisse: BTreeMap::new() }
    }

    /// The raster of all arrays.
    pub fn raster(&self) -> Raster {
        self.raster
    }

    /// Sets the population on 31 December of `jahr` (one count per cell).
    pub fn bestand(&mut self, jahr: i32, werte: Vec<f64>) -> Result<(), ProjektionsFehler> {
        let raster = self.raster;
        pruefe_laenge("observed population", &werte, raster.zellen())?;
        pruefe_anzahlen("observed population", &werte, |i| format!("{jahr}, {}", raster.stelle(i)))?;
        self.bestaende.insert(jahr, werte);
        Ok(())
    }

    /// Sets the events of `jahr`.
    pub fn ereignisse(&mut self, jahr: i32, ereignisse: Ereignisse) -> Result<(), ProjektionsFehler> {
        let raster = self.raster;
        let (g, n, z) = (raster.gebiete(), raster.alter(), raster.zellen());
        let e = &ereignisse;
        pruefe_laenge("geburten", &e.geburten, 2 * g)?;
        pruefe_anzahlen("geburten", &e.geburten, |i| format!("{jahr}, area {}, {}", i / 2, Geschlecht::ALLE[i % 2]))?;
        pruefe_laenge("geburten_nach_alter_der_mutter", &e.geburten_nach_alter_der_mutter, g * n)?;
        pruefe_anzahlen("geburten_nach_alter_der_mutter", &e.geburten_nach_alter_der_mutter, |i| {
            format!("{jahr}, area {}, age {}", i / n, i % n)
        })?;
        for (groesse, werte) in [
            ("gestorbene", &e.gestorbene),
            ("fortzuege_extern", &e.fortzuege_extern),
            ("fortzuege_intern", &e.fortzuege_intern),
            ("zuzuege_extern", &e.zuzuege_extern),
            ("zuzuege_intern", &e.zuzuege_intern),
        ] {
            pruefe_laenge(groesse, werte, z)?;
            pruefe_anzahlen(groesse, werte, |i| format!("{jahr}, {}", raster.stelle(i)))?;
        }
        self.ereignisse.insert(jahr, ereignisse);
        Ok(())
    }
}

/// Estimates the status-quo [`Annahmen`] from `historie` over the base period `zeitraum`
/// (Stützzeitraum, the same type as the pupil forecast's; excluded years such as 2015 and 2016 or
/// 2022 are left out), with death
/// probabilities and fertility per area type (`gebietstyp` per area; all zero for city-wide rates).
///
/// Each year `y` of the period needs the stocks of 31 December `y − 1` and `y` and the events of
/// `y`; a year without them is an error, and so is a period with no year left. Every rate is the
/// sum of events over the years divided by the sum of the persons at risk (a pooled mean, so
/// years weigh by their size):
/// - `q(a)` = deaths at age `a + 1` / stock aged `a` at the start; the two oldest start ages share
///   one probability (deaths at the open age / stock aged `max − 1` and `max`); infant
///   mortality = deaths at age 0 / births. Per type, falling back to the city where the type had
///   nobody at risk; nobody at risk in the whole city is an error.
/// - fertility `f(a)` = births to mothers aged `a` / the mean of the women aged `a` at the start
///   and end of the year; per type, falling back to the city, and 0 where no woman was at risk.
/// - sex ratio = boys / girls born; [`SEXUALPROPORTION_STANDARD`] if nobody was born.
/// - out-migration rates = out-movers / survivors reaching that age (stock aged `a − 1` at the
///   start minus deaths at `a`; births minus infant deaths at age 0), per cell, falling back to
///   the city rate of that sex and age where the cell had nobody at risk.
/// - external in-migrants: the mean yearly total, the profile by sex and age and the area shares
///   of all external in-movers (uniform if there were none).
/// - destination shares of internal movers: each area's share of the internal in-movers of each
///   sex and age; where a sex and age had none, each area's share of all internal in-movers
///   (uniform if there were none at all).
///
/// The result is checked like any other [`Annahmen`], so inconsistent data (more out-movers than
/// persons at risk) give [`ProjektionsFehler::RateAusserhalb`] naming the cell.
pub fn schaetze(
    historie: &Historie,
    zeitraum: &Stuetzzeitraum,
    gebietstyp: &[usize],
) -> Result<Annahmen, ProjektionsFehler> {
    let raster = historie.raster;
    let (g, n, z) = (raster.gebiete(), raster.alter(), raster.zellen());
    let oben = raster.max_alter();
    pruefe_laenge("gebietstyp", gebietstyp, g)?;
    let typen = gebietstyp.iter().max().map_or(1, |t| t + 1);

    let mut jahre = Vec::new();
    for jahr in zeitraum.years() {
        let anfang = historie.bestaende.get(&(jahr - 1));
        let ende = historie.bestaende.get(&jahr);
        let ereignisse = historie.ereignisse.get(&jahr);
        match (anfang, ende, ereignisse) {
            (None, _, _) => return Err(fehlt(jahr, "population at the end of the previous year")),
            (_, None, _) => return Err(fehlt(jahr, "population at the end of the year")),
            (_, _, None) => return Err(fehlt(jahr, "events")),
            (Some(a), Some(e), Some(ev)) => jahre.push((a, e, ev)),
        }
    }
    if jahre.is_empty() {
        let (von, bis, ausgeschlossen) = (zeitraum.first, zeitraum.last, zeitraum.exclude.clone());
        return Err(ProjektionsFehler::LeererStuetzzeitraum { von, bis, ausgeschlossen });
    }

    // Sums over the years: deaths and persons at risk per type × sex × start age (the open group
    // at `oben` holds the two oldest start ages), births by mother's age and women at risk per
    // type × age, out-movers and survivors per cell.
    let mut tote = vec![0.0; typen * 2 * n];
    let mut risiko = vec![0.0; typen * 2 * n];
    let mut mutter = vec![0.0; typen * n];
    let mut frauen = vec![0.0; typen * n];
    let (mut geboren, mut saeuglinge) = ([0.0; 2], [0.0; 2]);
    let (mut fort_e, mut fort_i, mut ueberlebende) = (vec![0.0; z], vec![0.0; z], vec![0.0; z]);
    let (mut zu_e, mut zu_i) = (vec![0.0; z], vec![0.0; z]);
    for (anfang, ende, ev) in &jahre {
        for (r, &typ) in gebietstyp.iter().enumerate() {
            for s in 0..2 {
                let o = (r * 2 + s) * n;
                let t = (typ * 2 + s) * n;
                for a in 0..oben {
                    let ziel = if a + 1 == oben { oben } else { a };
                    risiko[t + ziel] += anfang[o + a];
                    tote[t + ziel] += ev.gestorbene[o + a + 1];
                    ueberlebende[o + a + 1] += anfang[o + a] - ev.gestorbene[o + a + 1];
                }
                risiko[t + oben] += anfang[o + oben];
                ueberlebende[o + oben] += anfang[o + oben];
                geboren[s] += ev.geburten[r * 2 + s];
                saeuglinge[s] += ev.gestorbene[o];
                ueberlebende[o] += ev.geburten[r * 2 + s] - ev.gestorbene[o];
            }
            let w = (r * 2 + 1) * n;
            for a in 0..n {
                mutter[typ * n + a] += ev.geburten_nach_alter_der_mutter[r * n + a];
                frauen[typ * n + a] += 0.5 * (anfang[w + a] + ende[w + a]);
            }
        }
        for i in 0..z {
            fort_e[i] += ev.fortzuege_extern[i];
            fort_i[i] += ev.fortzuege_intern[i];
            zu_e[i] += ev.zuzuege_extern[i];
            zu_i[i] += ev.zuzuege_intern[i];
        }
    }

    // Death probabilities per type, with the city as fallback.
    let mut sterbewahrscheinlichkeit = vec![0.0; typen * 2 * n];
    for s in 0..2 {
        for a in 0..n {
            let stadt_tote: f64 = (0..typen).map(|t| tote[(t * 2 + s) * n + a]).sum();
            let stadt_risiko: f64 = (0..typen).map(|t| risiko[(t * 2 + s) * n + a]).sum();
            if a + 1 == oben {
                continue;
            }
            if stadt_risiko <= 0.0 {
                let stelle = raster.stelle_profil(s * n + a);
                return Err(ProjektionsFehler::KeineExposition { stelle });
            }
            for t in 0..typen {
                let i = (t * 2 + s) * n + a;
                let q = quote(tote[i], risiko[i]).unwrap_or(stadt_tote / stadt_risiko);
                sterbewahrscheinlichkeit[i] = q;
                if a == oben {
                    sterbewahrscheinlichkeit[i - 1] = q;
                }
            }
        }
    }
    let saeuglingssterblichkeit = [0, 1].map(|s| quote(saeuglinge[s], geboren[s]).unwrap_or(0.0));
    let sexualproportion = match geboren[0] + geboren[1] > 0.0 {
        true => geboren[0] / geboren[1],
        false => SEXUALPROPORTION_STANDARD,
    };

    let mut fruchtbarkeit = vec![0.0; typen * n];
    for a in 0..n {
        let stadt: f64 = (0..typen).map(|t| mutter[t * n + a]).sum();
        let risiko: f64 = (0..typen).map(|t| frauen[t * n + a]).sum();
        let stadt_rate = quote(stadt, risiko).unwrap_or(0.0);
        for t in 0..typen {
            fruchtbarkeit[t * n + a] = quote(mutter[t * n + a], frauen[t * n + a]).unwrap_or(stadt_rate);
        }
    }

    let mut fortzug_extern = vec![0.0; z];
    let mut fortzug_intern = vec![0.0; z];
    for j in 0..2 * n {
        let zellen = (0..g).map(|r| r * 2 * n + j);
        let stadt_risiko: f64 = zellen.clone().map(|i| ueberlebende[i]).sum();
        let stadt_e = quote(zellen.clone().map(|i| fort_e[i]).sum(), stadt_risiko).unwrap_or(0.0);
        let stadt_i = quote(zellen.clone().map(|i| fort_i[i]).sum(), stadt_risiko).unwrap_or(0.0);
        for i in zellen {
            fortzug_extern[i] = quote(fort_e[i], ueberlebende[i]).unwrap_or(stadt_e);
            fortzug_intern[i] = quote(fort_i[i], ueberlebende[i]).unwrap_or(stadt_i);
        }
    }

    let zuzug_summe: f64 = zu_e.iter().sum();
    let zuzug_extern = match zuzug_summe > 0.0 {
        true => ZuzugExtern {
            summe: zuzug_summe / jahre.len() as f64,
            profil: (0..2 * n).map(|j| (0..g).map(|r| zu_e[r * 2 * n + j]).sum::<f64>() / zuzug_summe).collect(),
            anteile: zu_e.chunks_exact(2 * n).map(|b| b.iter().sum::<f64>() / zuzug_summe).collect(),
        },
        false => {
            ZuzugExtern { summe: 0.0, profil: vec![1.0 / (2 * n) as f64; 2 * n], anteile: vec![1.0 / g as f64; g] }
        }
    };

    let umzug_summe: f64 = zu_i.iter().sum();
    let gebietsanteile: Vec<f64> = match umzug_summe > 0.0 {
        true => zu_i.chunks_exact(2 * n).map(|b| b.iter().sum::<f64>() / umzug_summe).collect(),
        false => vec![1.0 / g as f64; g],
    };
    let mut umzug_ziele = vec![0.0; z];
    for j in 0..2 * n {
        let summe: f64 = (0..g).map(|r| zu_i[r * 2 * n + j]).sum();
        for (r, anteil) in gebietsanteile.iter().enumerate() {
            let i = r * 2 * n + j;
            umzug_ziele[i] = quote(zu_i[i], summe).unwrap_or(*anteil);
        }
    }

    let annahmen = Annahmen {
        gebietstyp: gebietstyp.to_vec(),
        sterbewahrscheinlichkeit,
        saeuglingssterblichkeit,
        fruchtbarkeit,
        sexualproportion,
        fortzug_extern,
        fortzug_intern,
        zuzug_extern,
        umzug_ziele,
    };
    annahmen.pruefe(raster)?;
    Ok(annahmen)
}

/// `zaehler / nenner`, or `None` when nobody was at risk.
fn quote(zaehler: f64, nenner: f64) -> Option<f64> {
    (nenner > 0.0).then(|| zaehler / nenner)
}

fn fehlt(jahr: i32, was: &'static str) -> ProjektionsFehler {
    ProjektionsFehler::FehlendesJahr { jahr, was }
}
