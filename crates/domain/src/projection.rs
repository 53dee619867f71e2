//! Small-area population projection by the cohort-component method (Kohorten-Komponenten-Methode),
//! deterministic and annual, as SIKURS does it (METHODS.md §4).
//!
//! The population is held per area × sex × single age `0..=max_alter`, the top age being an open
//! group (`max_alter` and older). Every array is a flat `Vec<f64>` in the order of a [`Raster`]:
//! area, then sex ([`Geschlecht`]: male before female), then age. Results stay unrounded.
//!
//! **Inputs.** A base population ([`Bestand`], 31 December of the base year), the status-quo
//! assumptions ([`Annahmen`]: death probabilities and fertility per area type, infant mortality,
//! sex ratio at birth, external and internal out-migration rates per area × sex × age, external
//! in-migrants as a city total × an age-sex profile × area shares, destination shares of internal
//! movers) and a [`Szenario`] (horizon, external in-migration per year, control totals
//! (Eckwerte), new housing areas (Neubaugebiete)). [`schaetze`] derives the assumptions from
//! observed stocks and events averaged over a base period
//! ([`Stuetzzeitraum`](crate::forecast::Stuetzzeitraum)).
//!
//! **Age convention.** Events are counted by the age reached at the end of the calendar year
//! (year minus year of birth), so the survivors of age `a` at the start of the year are age `a + 1`
//! at its end. Death probabilities `q` are indexed by the age at the *start* of the year; migration
//! rates, the in-migrant profile and occupancy profiles by the age at the *end* of the year;
//! fertility rates by the age of the mother at the end of the year (rates at age 0 are not used).
//!
//! **Order of the steps**, for each year `t → t + 1` (METHODS.md §4.2 asks for it to be written
//! down; other orders give slightly different results):
//! 1. *Ageing and survival*: `P'(a + 1) = P(a) · (1 − q(a))` for every area and sex with the
//!    table of the area's type; the open group is `P(max−1) · (1 − q(max−1)) + P(max) · (1 − q(max))`.
//!    Deaths are counted at the age reached.
//! 2. *Migration of ages 1 and older*: external and internal out-movers `P' · m_ext` and
//!    `P' · m_int` leave each cell; then external in-migrants `Z_t · profile(s, a) · share(r)` and
//!    internal in-movers `pool(s, a) · destination(r, s, a)` arrive, where the pool is the sum of
//!    the internal out-movers of that sex and age over all areas. The city total of internal net
//!    moves is therefore zero for every sex and age.
//! 3. *Births*: `B(r) = Σ_a f(type(r), a) · W̄(r, a)` with `W̄` the mean of the women aged `a` at
//!    the start of the year and after step 2; boys `B · sr / (1 + sr)`, girls `B / (1 + sr)`; age 0
//!    is the survivors `B_s · (1 − q0_s)`, the infant deaths are counted at age 0.
//! 4. *Migration of age 0*: step 2 for the newborns (the pool of age 0 balances on its own).
//! 5. *Control totals* (optional): every cell is scaled pro rata by `E_t / ΣP` so that the city
//!    total equals the Eckwert of the year; the change is kept as the component
//!    [`Komponente::Eckwertanpassung`].
//! 6. *New housing*: each Neubaugebiet adds its dwellings of the year × the occupants per dwelling
//!    by sex and age (first occupants). This comes after the control totals on purpose: the
//!    Eckwert constrains the status-quo development, and the first occupants of a scenario are
//!    shown on top of it (a housing scenario exceeds the control total by exactly its occupants).
//!    The first occupants are added to whatever in-migration the rates already carry; whether part
//!    of them is already in the status quo is a planning judgement made in the inputs.
//!
//! Each year's result balances exactly (up to rounding of floating point):
//! `P_t+1(a) = P_t(a − 1) − deaths − out-movers + in-movers + Eckwertanpassung + Neubau`, with the
//! births in place of `P_t(a − 1)` at age 0 and `P_t(max − 1) + P_t(max)` at the open group.
//!
//! [`projiziere`] keeps every component of every year beside the population, so they can be shown
//! and stored with the assumptions; [`projiziere_ohne_komponenten`] keeps only the population and
//! the births (for 371 areas × 100 ages × 2 sexes × 20 years the components are about 70 MB, and
//! first writing them costs more than the arithmetic).
//!
//! ```
//! use domain::projection::{Annahmen, Bestand, Geschlecht, Raster, Szenario, ZuzugExtern, projiziere};
//!
//! // One area, ages 0, 1 and 2+, nobody dies, moves or is born: the cohorts just age.
//! let raster = Raster::new(1, 2).unwrap();
//! let bestand = Bestand::new(raster, 2025, vec![10.0, 20.0, 30.0, 11.0, 21.0, 31.0]).unwrap();
//! let mut annahmen = Annahmen::ohne_bewegung(raster);
//! // Two external in-migrants a year, one man and one woman of the open age group.
//! annahmen.zuzug_extern =
//!     ZuzugExtern { summe: 2.0, profil: vec![0.0, 0.0, 0.5, 0.0, 0.0, 0.5], anteile: vec![1.0] };
//! let projektion = projiziere(&bestand, &annahmen, &Szenario::status_quo(1)).unwrap();
//! assert_eq!(projektion.jahr(1), Some(2026));
//! assert_eq!(projektion.wert(1, 0, Geschlecht::Weiblich, 1), Some(11.0));
//! assert_eq!(projektion.wert(1, 0, Geschlecht::Weiblich, 2), Some(21.0 + 31.0 + 1.0));
//! assert_eq!(projektion.summe(1), Some(123.0 + 2.0));
//! ```

use std::fmt;

mod schaetzung;
#[cfg(test)]
mod tests;

pub use schaetzung::{Ereignisse, Historie, schaetze};

/// The sex ratio at birth (boys per girl) used when no local value is given or observed.
///
/// 1.05 is the usual demographic value (METHODS.md §4.2); it is UNVERIFIED for any particular
/// city, so a planning office should replace it by its own observed ratio.
pub const SEXUALPROPORTION_STANDARD: f64 = 1.05;

/// Tolerance for shares that must sum to 1.
const ANTEIL_TOLERANZ: f64 = 1e-6;

/// Sex, in the order of the flat arrays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Geschlecht {
    /// Male: the first half of each area's block.
    Maennlich,
    /// Female: the second half of each area's block; fertility applies to it.
    Weiblich,
}

impl Geschlecht {
    /// Both sexes in array order.
    pub const ALLE: [Geschlecht; 2] = [Geschlecht::Maennlich, Geschlecht::Weiblich];

    /// 0 for male, 1 for female.
    pub fn index(self) -> usize {
        match self {
            Geschlecht::Maennlich => 0,
            Geschlecht::Weiblich => 1,
        }
    }
}

impl fmt::Display for Geschlecht {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Geschlecht::Maennlich => "male",
            Geschlecht::Weiblich => "female",
        })
    }
}

/// The shape of the flat arrays: areas × 2 sexes × ages `0..=max_alter` (the top age open).
///
/// Cell `(area, sex, age)` is at [`Raster::index`] `(area · 2 + sex) · (max_alter + 1) + age`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Raster {
    gebiete: usize,
    max_alter: usize,
}

impl Raster {
    /// A raster of `gebiete` areas and ages `0..=max_alter`; needs one area and two ages.
    pub fn new(gebiete: usize, max_alter: usize) -> Result<Self, ProjektionsFehler> {
        if gebiete == 0 || max_alter == 0 {
            return Err(ProjektionsFehler::LeeresRaster);
        }
        Ok(Raster { gebiete, max_alter })
    }

    /// Number of areas.
    pub fn gebiete(&self) -> usize {
        self.gebiete
    }

    /// The open top age.
    pub fn max_alter(&self) -> usize {
        self.max_alter
    }

    /// Number of ages, `max_alter + 1`.
    pub fn alter(&self) -> usize {
        self.max_alter + 1
    }

    /// Number of cells, areas × 2 × ages.
    pub fn zellen(&self) -> usize {
        self.gebiete * 2 * self.alter()
    }

    /// The position of a cell in the flat arrays (no bounds check; see [`Raster::zellen`]).
    pub fn index(&self, gebiet: usize, geschlecht: Geschlecht, alter: usize) -> usize {
        (gebiet * 2 + geschlecht.index()) * self.alter() + alter
    }

    /// Broadcasts one value per area to every cell of that area (e.g. destination shares that do
    /// not depend on sex and age).
    pub fn je_gebiet(&self, werte: &[f64]) -> Result<Vec<f64>, ProjektionsFehler> {
        pruefe_laenge("values per area", werte, self.gebiete)?;
        Ok(werte.iter().flat_map(|&w| std::iter::repeat_n(w, 2 * self.alter())).collect())
    }

    /// A readable name of cell `i`, for error messages.
    fn stelle(&self, i: usize) -> String {
        let n = self.alter();
        let (gebiet, geschlecht, alter) = (i / (2 * n), Geschlecht::ALLE[(i / n) % 2], i % n);
        let offen = if alter == self.max_alter { "+" } else { "" };
        format!("area {gebiet}, {geschlecht}, age {alter}{offen}")
    }

    /// A readable name of position `i` in a sex × age profile.
    fn stelle_profil(&self, i: usize) -> String {
        let n = self.alter();
        format!("{}, age {}", Geschlecht::ALLE[(i / n) % 2], i % n)
    }
}

/// The base population: persons per area × sex × age on 31 December of the base year.
#[derive(Debug, Clone, PartialEq)]
pub struct Bestand {
    raster: Raster,
    basisjahr: i32,
    werte: Vec<f64>,
}

impl Bestand {
    /// Checks that there is one finite, non-negative count per cell.
    pub fn new(raster: Raster, basisjahr: i32, werte: Vec<f64>) -> Result<Self, ProjektionsFehler> {
        pruefe_laenge("base population", &werte, raster.zellen())?;
        pruefe_anzahlen("base population", &werte, |i| raster.stelle(i))?;
        Ok(Bestand { raster, basisjahr, werte })
    }

    /// The raster of the counts.
    pub fn raster(&self) -> Raster {
        self.raster
    }

    /// The year whose 31 December the counts describe.
    pub fn basisjahr(&self) -> i32 {
        self.basisjahr
    }

    /// The counts in raster order.
    pub fn werte(&self) -> &[f64] {
        &self.werte
    }
}

/// External in-migrants: a city total per year, spread by an age-sex profile and area shares.
#[derive(Debug, Clone, PartialEq)]
pub struct ZuzugExtern {
    /// In-migrants from outside the city per year (status quo; a [`Szenario`] can set each year).
    pub summe: f64,
    /// Share of each sex × age (male ages first, then female; ages at the end of the year);
    /// sums to 1.
    pub profil: Vec<f64>,
    /// Share of each area; sums to 1.
    pub anteile: Vec<f64>,
}

/// The status-quo assumptions of a projection (rates, profiles and shares).
///
/// Death probabilities and fertility rates come in one table per area type; an area's type is
/// its index into these tables (one type for city-wide rates).
#[derive(Debug, Clone, PartialEq)]
pub struct Annahmen {
    /// The type of each area.
    pub gebietstyp: Vec<usize>,
    /// Death probability `q` per type × sex × age at the start of the year, in [0, 1].
    pub sterbewahrscheinlichkeit: Vec<f64>,
    /// Probability that a newborn dies in its year of birth, male and female.
    pub saeuglingssterblichkeit: [f64; 2],
    /// Age-specific fertility rate per type × age of the woman (births per woman and year).
    pub fruchtbarkeit: Vec<f64>,
    /// Boys per girl at birth; see [`SEXUALPROPORTION_STANDARD`].
    pub sexualproportion: f64,
    /// Share of each cell's survivors that moves out of the city during the year.
    pub fortzug_extern: Vec<f64>,
    /// Share of each cell's survivors that moves to another area of the city during the year.
    pub fortzug_intern: Vec<f64>,
    /// External in-migration.
    pub zuzug_extern: ZuzugExtern,
    /// Share of the city's internal movers of each sex and age that go to each area, per cell;
    /// for each sex and age the shares over all areas sum to 1 ([`Raster::je_gebiet`] builds
    /// shares that are the same for every sex and age).
    pub umzug_ziele: Vec<f64>,
}

impl Annahmen {
    /// Assumptions under which nothing happens but ageing: one area type, `q = 0`, no births, no
    /// migration (uniform profiles and shares, so they are valid), sex ratio
    /// [`SEXUALPROPORTION_STANDARD`]. A starting point to set single parts.
    pub fn ohne_bewegung(raster: Raster) -> Self {
        let (n, z, g) = (raster.alter(), raster.zellen(), raster.gebiete());
        Annahmen {
            gebietstyp: vec![0; g],
            sterbewahrscheinlichkeit: vec![0.0; 2 * n],
            saeuglingssterblichkeit: [0.0; 2],
            fruchtbarkeit: vec![0.0; n],
            sexualproportion: SEXUALPROPORTION_STANDARD,
            fortzug_extern: vec![0.0; z],
            fortzug_intern: vec![0.0; z],
            zuzug_extern: ZuzugExtern {
                summe: 0.0,
                profil: vec![1.0 / (2 * n) as f64; 2 * n],
                anteile: vec![1.0 / g as f64; g],
            },
            umzug_ziele: vec![1.0 / g as f64; z],
        }
    }

    /// Checks every part against the raster; returns the number of area types.
    fn pruefe(&self, raster: Raster) -> Result<usize, ProjektionsFehler> {
        let (n, z, g) = (raster.alter(), raster.zellen(), raster.gebiete());
        pruefe_laenge("gebietstyp", &self.gebietstyp, g)?;
        let typen = self.sterbewahrscheinlichkeit.len() / (2 * n);
        pruefe_laenge("sterbewahrscheinlichkeit", &self.sterbewahrscheinlichkeit, typen.max(1) * 2 * n)?;
        pruefe_laenge("fruchtbarkeit", &self.fruchtbarkeit, typen * n)?;
        if let Some((gebiet, &typ)) = self.gebietstyp.iter().enumerate().find(|(_, t)| **t >= typen) {
            return Err(ProjektionsFehler::Gebietstyp { gebiet, typ, typen });
        }
        let typstelle = |i: usize| format!("type {}, {}", i / (2 * n), raster.stelle_profil(i % (2 * n)));
        pruefe_raten("sterbewahrscheinlichkeit", &self.sterbewahrscheinlichkeit, typstelle)?;
        pruefe_raten("saeuglingssterblichkeit", &self.saeuglingssterblichkeit, |i| Geschlecht::ALLE[i].to_string())?;
        pruefe_anzahlen("fruchtbarkeit", &self.fruchtbarkeit, |i| format!("type {}, age {}", i / n, i % n))?;
        if !(self.sexualproportion.is_finite() && self.sexualproportion > 0.0) {
            return Err(ProjektionsFehler::Sexualproportion(self.sexualproportion));
        }
        pruefe_laenge("fortzug_extern", &self.fortzug_extern, z)?;
        pruefe_laenge("fortzug_intern", &self.fortzug_intern, z)?;
        pruefe_raten("fortzug_extern", &self.fortzug_extern, |i| raster.stelle(i))?;
        pruefe_raten("fortzug_intern", &self.fortzug_intern, |i| raster.stelle(i))?;
        let summen: Vec<f64> = self.fortzug_extern.iter().zip(&self.fortzug_intern).map(|(e, i)| e + i).collect();
        pruefe_raten("fortzug_extern + fortzug_intern", &summen, |i| raster.stelle(i))?;
        let zuzug = &self.zuzug_extern;
        pruefe_anzahlen("zuzug_extern.summe", &[zuzug.summe], |_| "the city".to_owned())?;
        pruefe_laenge("zuzug_extern.profil", &zuzug.profil, 2 * n)?;
        pruefe_anteile("zuzug_extern.profil", &zuzug.profil, 1, |_| "all sexes and ages".to_owned())?;
        pruefe_laenge("zuzug_extern.anteile", &zuzug.anteile, g)?;
        pruefe_anteile("zuzug_extern.anteile", &zuzug.anteile, 1, |_| "all areas".to_owned())?;
        pruefe_laenge("umzug_ziele", &self.umzug_ziele, z)?;
        pruefe_anteile("umzug_ziele", &self.umzug_ziele, 2 * n, |i| raster.stelle_profil(i))?;
        Ok(typen)
    }
}

/// A new housing area (Neubaugebiet): dwellings first occupied per year × occupants per dwelling.
#[derive(Debug, Clone, PartialEq)]
pub struct Neubaugebiet {
    /// The area (raster index) the dwellings are in.
    pub gebiet: usize,
    /// Dwellings first occupied in each projection year (one value per year of the horizon).
    pub wohnungen: Vec<f64>,
    /// Occupants per dwelling by sex × age (male ages first); sums to the mean household size.
    pub belegung: Vec<f64>,
}

/// What a scenario sets on top of the status-quo [`Annahmen`].
#[derive(Debug, Clone, PartialEq)]
pub struct Szenario {
    /// Number of years to project.
    pub jahre: usize,
    /// External in-migrants per year (one value per year); `None` keeps [`ZuzugExtern::summe`].
    pub zuzug_extern: Option<Vec<f64>>,
    /// Control totals (Eckwerte): the city population at the end of each year; `None` for none.
    pub eckwerte: Option<Vec<f64>>,
    /// New housing areas.
    pub neubau: Vec<Neubaugebiet>,
}

impl Szenario {
    /// The status quo over `jahre` years: the assumptions alone, no control totals, no new housing.
    pub fn status_quo(jahre: usize) -> Self {
        Szenario { jahre, zuzug_extern: None, eckwerte: None, neubau: Vec::new() }
    }

    fn pruefe(&self, raster: Raster) -> Result<(), ProjektionsFehler> {
        let jahrstelle = |i: usize| format!("year {}", i + 1);
        if let Some(zuzug) = &self.zuzug_extern {
            pruefe_laenge("zuzug_extern per year", zuzug, self.jahre)?;
            pruefe_anzahlen("zuzug_extern per year", zuzug, jahrstelle)?;
        }
        if let Some(eckwerte) = &self.eckwerte {
            pruefe_laenge("eckwerte", eckwerte, self.jahre)?;
            pruefe_anzahlen("eckwerte", eckwerte, jahrstelle)?;
        }
        for (nummer, neubau) in self.neubau.iter().enumerate() {
            if neubau.gebiet >= raster.gebiete() {
                return Err(ProjektionsFehler::NeubauGebiet {
                    nummer,
                    gebiet: neubau.gebiet,
                    gebiete: raster.gebiete(),
                });
            }
            pruefe_laenge("neubau.wohnungen", &neubau.wohnungen, self.jahre)?;
            pruefe_anzahlen("neubau.wohnungen", &neubau.wohnungen, jahrstelle)?;
            pruefe_laenge("neubau.belegung", &neubau.belegung, 2 * raster.alter())?;
            pruefe_anzahlen("neubau.belegung", &neubau.belegung, |i| raster.stelle_profil(i))?;
        }
        Ok(())
    }
}

/// A component of the yearly change of a cell, stored beside the projected population.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Komponente {
    /// Deaths during the year, at the age reached (infant deaths at age 0).
    Gestorbene,
    /// Moves out of the city.
    FortzuegeExtern,
    /// Moves to another area of the city.
    FortzuegeIntern,
    /// Moves into the city.
    ZuzuegeExtern,
    /// Moves from another area of the city.
    ZuzuegeIntern,
    /// Pro-rata change from scaling to the control total (negative when scaled down).
    Eckwertanpassung,
    /// First occupants of new housing.
    Neubau,
}

impl Komponente {
    /// Every component, in storage order.
    pub const ALLE: [Komponente; 7] = [
        Komponente::Gestorbene,
        Komponente::FortzuegeExtern,
        Komponente::FortzuegeIntern,
        Komponente::ZuzuegeExtern,
        Komponente::ZuzuegeIntern,
        Komponente::Eckwertanpassung,
        Komponente::Neubau,
    ];
}

/// The result: the population at the end of each year and the components of each year's change.
///
/// Two projections are equal when every population, birth and component value is equal.
#[derive(Debug, Clone)]
pub struct Projektion {
    raster: Raster,
    basisjahr: i32,
    jahre: usize,
    /// (jahre + 1) × cells; year 0 is the base.
    bevoelkerung: Vec<f64>,
    /// jahre × areas × 2.
    geburten: Vec<f64>,
    /// One array per [`Komponente`], in the order of [`Komponente::ALLE`], stored as `speicher`
    /// says. Writing the result arrays costs more than computing them (first touch of each memory
    /// page), so only what is asked for is kept.
    komponenten: [Vec<f64>; 7],
    speicher: [Speicher; 7],
}

/// How one component is kept in a [`Projektion`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Speicher {
    /// jahre × cells.
    Alle,
    /// One year of zeros: the scenario has no control totals or no new housing.
    Null,
    /// One year of scratch space, overwritten every year and never shown.
    Verworfen,
}

impl PartialEq for Projektion {
    fn eq(&self, other: &Self) -> bool {
        let gleiche_komponenten = || {
            Komponente::ALLE.iter().all(|&c| (1..=self.jahre).all(|k| self.komponente(c, k) == other.komponente(c, k)))
        };
        self.raster == other.raster
            && self.basisjahr == other.basisjahr
            && self.jahre == other.jahre
            && self.bevoelkerung == other.bevoelkerung
            && self.geburten == other.geburten
            && gleiche_komponenten()
    }
}

impl Projektion {
    /// The raster of the arrays.
    pub fn raster(&self) -> Raster {
        self.raster
    }

    /// Number of projected years.
    pub fn jahre(&self) -> usize {
        self.jahre
    }

    /// The calendar year of step `k` (0 is the base year); `None` beyond the horizon.
    pub fn jahr(&self, k: usize) -> Option<i32> {
        (k <= self.jahre).then(|| self.basisjahr + k as i32)
    }

    /// The population at the end of step `k` (0 is the base) in raster order.
    pub fn bevoelkerung(&self, k: usize) -> Option<&[f64]> {
        let z = self.raster.zellen();
        (k <= self.jahre).then(|| &self.bevoelkerung[k * z..(k + 1) * z])
    }

    /// One cell of the population at the end of step `k`.
    pub fn wert(&self, k: usize, gebiet: usize, geschlecht: Geschlecht, alter: usize) -> Option<f64> {
        if gebiet >= self.raster.gebiete() || alter > self.raster.max_alter() {
            return None;
        }
        self.bevoelkerung(k).map(|p| p[self.raster.index(gebiet, geschlecht, alter)])
    }

    /// The city total at the end of step `k`.
    pub fn summe(&self, k: usize) -> Option<f64> {
        self.bevoelkerung(k).map(|p| p.iter().sum())
    }

    /// Births during step `k` (1..=jahre) per area × sex (before infant deaths).
    pub fn geburten(&self, k: usize) -> Option<&[f64]> {
        let n = self.raster.gebiete() * 2;
        (1..=self.jahre).contains(&k).then(|| &self.geburten[(k - 1) * n..k * n])
    }

    /// One component of step `k` (1..=jahre) per cell, in raster order; `None` beyond the
    /// horizon and for a projection made by [`projiziere_ohne_komponenten`].
    pub fn komponente(&self, komponente: Komponente, k: usize) -> Option<&[f64]> {
        let (z, c) = (self.raster.zellen(), komponente as usize);
        if !(1..=self.jahre).contains(&k) {
            return None;
        }
        match self.speicher[c] {
            Speicher::Alle => Some(&self.komponenten[c][(k - 1) * z..k * z]),
            Speicher::Null => Some(&self.komponenten[c]),
            Speicher::Verworfen => None,
        }
    }
}

/// Why a projection or an estimation cannot be done.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ProjektionsFehler {
    /// A raster without areas or with a single age.
    #[error("a projection needs at least one area and two ages")]
    LeeresRaster,
    /// An array of the wrong length.
    #[error("{groesse}: expected {erwartet} values, found {gefunden}")]
    Dimension {
        /// The input.
        groesse: &'static str,
        /// Length the raster or horizon asks for.
        erwartet: usize,
        /// Length given.
        gefunden: usize,
    },
    /// A count that is negative or not finite.
    #[error("{groesse} at {stelle} is {wert}, not a non-negative count")]
    NegativeAnzahl {
        /// The input.
        groesse: &'static str,
        /// The cell, e.g. `area 3, female, age 17`.
        stelle: String,
        /// The value found.
        wert: f64,
    },
    /// A rate or probability outside [0, 1].
    #[error("{groesse} at {stelle} is {wert}, outside [0, 1]")]
    RateAusserhalb {
        /// The input.
        groesse: &'static str,
        /// The cell.
        stelle: String,
        /// The value found.
        wert: f64,
    },
    /// Shares that do not sum to 1.
    #[error("{groesse} for {stelle} sum to {summe}, not 1")]
    AnteileNichtEins {
        /// The input.
        groesse: &'static str,
        /// Which set of shares.
        stelle: String,
        /// Their sum.
        summe: f64,
    },
    /// An area whose type has no table.
    #[error("area {gebiet} has type {typ}, but the rate tables have {typen} types")]
    Gebietstyp {
        /// The area.
        gebiet: usize,
        /// Its type.
        typ: usize,
        /// Number of types in the tables.
        typen: usize,
    },
    /// A sex ratio at birth that is not a positive number.
    #[error("the sex ratio at birth must be a positive number, found {0}")]
    Sexualproportion(f64),
    /// A new housing area outside the raster.
    #[error("new housing area {nummer} lies in area {gebiet}, but there are {gebiete} areas")]
    NeubauGebiet {
        /// Position in [`Szenario::neubau`].
        nummer: usize,
        /// The area given.
        gebiet: usize,
        /// Number of areas.
        gebiete: usize,
    },
    /// A positive control total for a year whose projected population is zero.
    #[error("the control total for {jahr} is {eckwert}, but the projected population is zero")]
    EckwertOhneBevoelkerung {
        /// The calendar year.
        jahr: i32,
        /// The control total.
        eckwert: f64,
    },
    /// A base period without any year left.
    #[error("the base period {von}–{bis} has no year with data left after excluding {ausgeschlossen:?}")]
    LeererStuetzzeitraum {
        /// First year.
        von: i32,
        /// Last year.
        bis: i32,
        /// Excluded years.
        ausgeschlossen: Vec<i32>,
    },
    /// A year of the base period without the data it needs.
    #[error("year {jahr} of the base period has no {was}")]
    FehlendesJahr {
        /// The calendar year.
        jahr: i32,
        /// What is missing.
        was: &'static str,
    },
    /// A death probability without anyone at risk in the whole city.
    #[error("nobody was at risk at {stelle} in the base period, so no death probability can be estimated")]
    KeineExposition {
        /// Sex and age.
        stelle: String,
    },
}

/// Projects `bestand` over `szenario.jahre` years under `annahmen` and the scenario.
///
/// The steps and their order are in the module documentation. All inputs are checked first, so an
/// error names the first bad input before anything is computed; the only error found while
/// projecting is a positive control total for a year with no population.
pub fn projiziere(
    bestand: &Bestand,
    annahmen: &Annahmen,
    szenario: &Szenario,
) -> Result<Projektion, ProjektionsFehler> {
    rechne(bestand, annahmen, szenario, Speicher::Alle)
}

/// Like [`projiziere`], but keeps only the population and the births: the components are computed
/// into one reused year of scratch space and [`Projektion::komponente`] gives `None`. For runs
/// where only the result counts (many scenarios, benchmarks); the population is the same.
pub fn projiziere_ohne_komponenten(
    bestand: &Bestand,
    annahmen: &Annahmen,
    szenario: &Szenario,
) -> Result<Projektion, ProjektionsFehler> {
    rechne(bestand, annahmen, szenario, Speicher::Verworfen)
}

fn rechne(
    bestand: &Bestand,
    annahmen: &Annahmen,
    szenario: &Szenario,
    aufzeichnen: Speicher,
) -> Result<Projektion, ProjektionsFehler> {
    let raster = bestand.raster;
    annahmen.pruefe(raster)?;
    szenario.pruefe(raster)?;
    let (z, jahre) = (raster.zellen(), szenario.jahre);

    let mut bevoelkerung = vec![0.0; (jahre + 1) * z];
    bevoelkerung[..z].copy_from_slice(&bestand.werte);
    let mut geburten = vec![0.0; jahre * raster.gebiete() * 2];
    let speicher = Komponente::ALLE.map(|k| match k {
        _ if aufzeichnen == Speicher::Verworfen => Speicher::Verworfen,
        Komponente::Eckwertanpassung if szenario.eckwerte.is_none() => Speicher::Null,
        Komponente::Neubau if szenario.neubau.is_empty() => Speicher::Null,
        _ => aufzeichnen,
    });
    let mut komponenten = speicher.map(|s| vec![0.0; if s == Speicher::Alle { jahre * z } else { z }]);
    let mut pool = vec![0.0; 2 * raster.alter()];

    for k in 1..=jahre {
        let (vorher, rest) = bevoelkerung.split_at_mut(k * z);
        let mut jahr = Jahr {
            vorher: &vorher[(k - 1) * z..],
            nachher: &mut rest[..z],
            geburten: &mut geburten[(k - 1) * raster.gebiete() * 2..k * raster.gebiete() * 2],
            komponenten: komponenten.each_mut().map(|v| match v.len() == z {
                true => &mut v[..],
                false => &mut v[(k - 1) * z..k * z],
            }),
        };
        let zuzug = szenario.zuzug_extern.as_ref().map_or(annahmen.zuzug_extern.summe, |v| v[k - 1]);
        let eckwert = szenario.eckwerte.as_ref().map(|v| v[k - 1]);
        jahr.schritt(raster, annahmen, zuzug, &mut pool);
        if let Some(eckwert) = eckwert {
            jahr.eckwert(eckwert, bestand.basisjahr + k as i32)?;
        }
        for neubau in &szenario.neubau {
            jahr.neubau(raster, neubau, neubau.wohnungen[k - 1]);
        }
    }
    Ok(Projektion { raster, basisjahr: bestand.basisjahr, jahre, bevoelkerung, geburten, komponenten, speicher })
}

/// The arrays of one projection step.
struct Jahr<'a> {
    vorher: &'a [f64],
    nachher: &'a mut [f64],
    geburten: &'a mut [f64],
    komponenten: [&'a mut [f64]; 7],
}

impl Jahr<'_> {
    /// Steps 1 to 4: survival, migration of ages 1+, births, migration of age 0.
    fn schritt(&mut self, raster: Raster, annahmen: &Annahmen, zuzug: f64, pool: &mut [f64]) {
        let n = raster.alter();
        let q = &annahmen.sterbewahrscheinlichkeit;
        for (r, &typ) in annahmen.gebietstyp.iter().enumerate() {
            for s in 0..2 {
                let zeile = (r * 2 + s) * n..(r * 2 + s + 1) * n;
                ueberleben(
                    &self.vorher[zeile.clone()],
                    &q[(typ * 2 + s) * n..(typ * 2 + s + 1) * n],
                    &mut self.nachher[zeile.clone()],
                    &mut self.komponenten[Komponente::Gestorbene as usize][zeile],
                );
            }
        }
        self.wandern(raster, annahmen, zuzug, 1..n, pool);

        let anteil_jungen = annahmen.sexualproportion / (1.0 + annahmen.sexualproportion);
        for (r, &typ) in annahmen.gebietstyp.iter().enumerate() {
            let frauen = (r * 2 + 1) * n + 1..(r * 2 + 2) * n;
            let b = geburten(
                &annahmen.fruchtbarkeit[typ * n + 1..(typ + 1) * n],
                &self.vorher[frauen.clone()],
                &self.nachher[frauen],
                1.0,
            );
            for (s, anteil) in [anteil_jungen, 1.0 - anteil_jungen].into_iter().enumerate() {
                let (b_s, q0, i) = (b * anteil, annahmen.saeuglingssterblichkeit[s], (r * 2 + s) * n);
                self.geburten[r * 2 + s] = b_s;
                self.nachher[i] = b_s * (1.0 - q0);
                self.komponenten[Komponente::Gestorbene as usize][i] = b_s * q0;
            }
        }
        self.wandern(raster, annahmen, zuzug, 0..1, pool);
    }

    /// Out-migration, then external and internal in-migration, of the ages in `alter`.
    fn wandern(
        &mut self,
        raster: Raster,
        annahmen: &Annahmen,
        zuzug: f64,
        alter: std::ops::Range<usize>,
        pool: &mut [f64],
    ) {
        let n = raster.alter();
        let [_, fort_e, fort_i, zu_e, zu_i, _, _] = &mut self.komponenten;
        pool.fill(0.0);
        for r in 0..raster.gebiete() {
            for s in 0..2 {
                let o = (r * 2 + s) * n;
                let zeile = o + alter.start..o + alter.end;
                let pool = &mut pool[s * n + alter.start..s * n + alter.end];
                let (p, me, mi) = (
                    &mut self.nachher[zeile.clone()],
                    &annahmen.fortzug_extern[zeile.clone()],
                    &annahmen.fortzug_intern[zeile.clone()],
                );
                let (fe, fi) = (&mut fort_e[zeile.clone()], &mut fort_i[zeile]);
                for j in 0..p.len() {
                    fe[j] = p[j] * me[j];
                    fi[j] = p[j] * mi[j];
                    p[j] -= fe[j] + fi[j];
                    pool[j] += fi[j];
                }
            }
        }
        let profil = &annahmen.zuzug_extern.profil;
        for (r, &anteil) in annahmen.zuzug_extern.anteile.iter().enumerate() {
            for s in 0..2 {
                let o = (r * 2 + s) * n;
                let zeile = o + alter.start..o + alter.end;
                let prof = &profil[s * n + alter.start..s * n + alter.end];
                let pool = &pool[s * n + alter.start..s * n + alter.end];
                let (p, ziel) = (&mut self.nachher[zeile.clone()], &annahmen.umzug_ziele[zeile.clone()]);
                let (ze, zi) = (&mut zu_e[zeile.clone()], &mut zu_i[zeile]);
                let faktor = zuzug * anteil;
                for j in 0..p.len() {
                    ze[j] = faktor * prof[j];
                    zi[j] = pool[j] * ziel[j];
                    p[j] += ze[j] + zi[j];
                }
            }
        }
    }

    /// Step 5: scales every cell so that the city total equals `eckwert`.
    fn eckwert(&mut self, eckwert: f64, jahr: i32) -> Result<(), ProjektionsFehler> {
        let summe: f64 = self.nachher.iter().sum();
        if summe <= 0.0 {
            return match eckwert > 0.0 {
                true => Err(ProjektionsFehler::EckwertOhneBevoelkerung { jahr, eckwert }),
                false => Ok(()),
            };
        }
        let faktor = eckwert / summe;
        let anpassung = &mut self.komponenten[Komponente::Eckwertanpassung as usize];
        for (p, a) in self.nachher.iter_mut().zip(anpassung.iter_mut()) {
            let neu = *p * faktor;
            *a = neu - *p;
            *p = neu;
        }
        Ok(())
    }

    /// Step 6: adds the first occupants of `wohnungen` dwellings of one new housing area.
    fn neubau(&mut self, raster: Raster, neubau: &Neubaugebiet, wohnungen: f64) {
        let block = neubau.gebiet * 2 * raster.alter()..(neubau.gebiet + 1) * 2 * raster.alter();
        let zugang = &mut self.komponenten[Komponente::Neubau as usize][block.clone()];
        for ((p, z), b) in self.nachher[block].iter_mut().zip(zugang.iter_mut()).zip(&neubau.belegung) {
            *z += wohnungen * b;
            *p += wohnungen * b;
        }
    }
}

/// Ageing with survival of one area and sex (any group width): `ziel[0] = 0`,
/// `ziel[a + 1] = bestand[a] · (1 − q[a])`, and the last group also keeps its own survivors
/// (open group). Deaths go to `gestorbene` at the group reached. All slices have the same length
/// of at least 2.
fn ueberleben(bestand: &[f64], q: &[f64], ziel: &mut [f64], gestorbene: &mut [f64]) {
    let oben = bestand.len() - 1;
    ziel[0] = 0.0;
    gestorbene[0] = 0.0;
    for a in 1..=oben {
        gestorbene[a] = bestand[a - 1] * q[a - 1];
        ziel[a] = bestand[a - 1] - gestorbene[a];
    }
    let tote_oben = bestand[oben] * q[oben];
    gestorbene[oben] += tote_oben;
    ziel[oben] += bestand[oben] - tote_oben;
}

/// Births of one area in a period of `breite` years: `breite · Σ f(a) · (W_start(a) + W_end(a)) / 2`.
fn geburten(fruchtbarkeit: &[f64], frauen_anfang: &[f64], frauen_ende: &[f64], breite: f64) -> f64 {
    let summe: f64 =
        fruchtbarkeit.iter().zip(frauen_anfang).zip(frauen_ende).map(|((f, w0), w1)| f * (w0 + w1) * 0.5).sum();
    breite * summe
}

fn pruefe_laenge<T>(groesse: &'static str, werte: &[T], erwartet: usize) -> Result<(), ProjektionsFehler> {
    match werte.len() == erwartet {
        true => Ok(()),
        false => Err(ProjektionsFehler::Dimension { groesse, erwartet, gefunden: werte.len() }),
    }
}

fn pruefe_anzahlen(
    groesse: &'static str,
    werte: &[f64],
    stelle: impl Fn(usize) -> String,
) -> Result<(), ProjektionsFehler> {
    match werte.iter().position(|w| !(w.is_finite() && *w >= 0.0)) {
        None => Ok(()),
        Some(i) => Err(ProjektionsFehler::NegativeAnzahl { groesse, stelle: stelle(i), wert: werte[i] }),
    }
}

fn pruefe_raten(
    groesse: &'static str,
    werte: &[f64],
    stelle: impl Fn(usize) -> String,
) -> Result<(), ProjektionsFehler> {
    match werte.iter().position(|w| !(0.0..=1.0).contains(w)) {
        None => Ok(()),
        Some(i) => Err(ProjektionsFehler::RateAusserhalb { groesse, stelle: stelle(i), wert: werte[i] }),
    }
}

/// Checks shares in [0, 1] that sum to 1 over every `schritt`-th value: with `schritt = 1` all
/// values form one set; with `schritt = k` the values `j, j + k, j + 2k, …` form set `j`.
fn pruefe_anteile(
    groesse: &'static str,
    werte: &[f64],
    schritt: usize,
    stelle: impl Fn(usize) -> String,
) -> Result<(), ProjektionsFehler> {
    pruefe_raten(groesse, werte, &stelle)?;
    let mut summen = vec![0.0; schritt];
    for (i, w) in werte.iter().enumerate() {
        summen[i % schritt] += w;
    }
    match summen.iter().position(|s| (s - 1.0).abs() > ANTEIL_TOLERANZ) {
        None => Ok(()),
        Some(j) => Err(ProjektionsFehler::AnteileNichtEins { groesse, stelle: stelle(j), summe: summen[j] }),
    }
}
