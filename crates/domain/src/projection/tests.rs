use proptest::collection::vec;
use proptest::prelude::*;

use super::*;
use crate::forecast::Stuetzzeitraum;

const M: Geschlecht = Geschlecht::Maennlich;
const W: Geschlecht = Geschlecht::Weiblich;

fn nah(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}

fn assert_nah(gefunden: &[f64], erwartet: &[f64]) {
    assert_eq!(gefunden.len(), erwartet.len());
    for (i, (g, e)) in gefunden.iter().zip(erwartet).enumerate() {
        assert!(nah(*g, *e), "position {i}: found {g}, expected {e}\nfound    {gefunden:?}\nexpected {erwartet:?}");
    }
}

/// Men and women of each area, ages in order: `[[m…], [w…]]` per area.
fn zellen(gebiete: &[[&[f64]; 2]]) -> Vec<f64> {
    gebiete.iter().flat_map(|g| g.iter().flat_map(|s| s.iter().copied())).collect()
}

// ---------------------------------------------------------------------------------------------
// METHODS.md §4.3: the constructed toy with 5-year groups, one sex
// ---------------------------------------------------------------------------------------------

#[test]
fn methods_4_3_toy_projection() {
    let bestand = [500.0, 480.0, 520.0, 600.0];
    // Survival ratios 0.995, 0.998, 0.997; the toy has no open group, so the oldest group's
    // survivors leave the table (q = 1 for staying in it).
    let q = [0.005, 0.002, 0.003, 1.0];
    let (mut p, mut tote) = ([0.0; 4], [0.0; 4]);
    ueberleben(&bestand, &q, &mut p, &mut tote);
    assert_nah(&p, &[0.0, 497.5, 479.04, 518.44]);
    p[0] = 540.0 * 0.994;
    for (p, netto) in p.iter_mut().zip([10.0, 5.0, -8.0, 20.0]) {
        *p += netto;
    }
    assert_nah(&p, &[546.76, 502.50, 471.04, 538.44]);
    assert!(nah(p.iter().sum(), 2058.74));
}

#[test]
fn methods_4_3_toy_births_from_asfr() {
    let b = geburten(&[0.02, 0.08, 0.10], &[300.0, 320.0, 310.0], &[290.0, 330.0, 300.0], 5.0);
    assert!(nah(b, 312.0), "{b}");
}

// ---------------------------------------------------------------------------------------------
// Hand-computed single-age examples
// ---------------------------------------------------------------------------------------------

#[test]
fn survival_with_open_group_hand_computed() {
    let raster = Raster::new(1, 2).unwrap();
    let bestand = Bestand::new(raster, 2025, zellen(&[[&[100.0, 50.0, 10.0], &[0.0, 0.0, 0.0]]])).unwrap();
    let mut annahmen = Annahmen::ohne_bewegung(raster);
    annahmen.sterbewahrscheinlichkeit = vec![0.1, 0.2, 0.5, 0.0, 0.0, 0.0];
    let p = projiziere(&bestand, &annahmen, &Szenario::status_quo(1)).unwrap();
    // age 1: 100 · 0.9 = 90; open group: 50 · 0.8 + 10 · 0.5 = 45.
    assert_nah(&p.bevoelkerung(1).unwrap()[..3], &[0.0, 90.0, 45.0]);
    assert_nah(&p.komponente(Komponente::Gestorbene, 1).unwrap()[..3], &[0.0, 10.0, 15.0]);
}

#[test]
fn internal_migration_balances_hand_computed() {
    // Two areas, men only, nobody dies; 10 % of A's and 20 % of B's survivors move within the
    // city, a quarter of all internal movers go to A and three quarters to B.
    let raster = Raster::new(2, 2).unwrap();
    let null: &[f64] = &[0.0, 0.0, 0.0];
    let bestand =
        Bestand::new(raster, 2025, zellen(&[[&[100.0, 50.0, 10.0], null], [&[40.0, 0.0, 60.0], null]])).unwrap();
    let mut annahmen = Annahmen::ohne_bewegung(raster);
    annahmen.fortzug_intern = raster.je_gebiet(&[0.1, 0.2]).unwrap();
    annahmen.umzug_ziele = raster.je_gebiet(&[0.25, 0.75]).unwrap();
    let p = projiziere(&bestand, &annahmen, &Szenario::status_quo(1)).unwrap();
    // Survivors A (0, 100, 60), B (0, 40, 60); out A (0, 10, 6), B (0, 8, 12); pools 18 and 18;
    // in A 4.5 each, B 13.5 each.
    let erwartet = zellen(&[[&[0.0, 94.5, 58.5], null], [&[0.0, 45.5, 61.5], null]]);
    assert_nah(p.bevoelkerung(1).unwrap(), &erwartet);
    let fort = p.komponente(Komponente::FortzuegeIntern, 1).unwrap();
    let zu = p.komponente(Komponente::ZuzuegeIntern, 1).unwrap();
    assert_nah(&[fort.iter().sum(), zu.iter().sum()], &[36.0, 36.0]);
    // A loses 16 and gains 9, B loses 20 and gains 27: net −7 and +7, the city 0.
    let netto = |r: usize| -> f64 { (0..6).map(|j| zu[r * 6 + j] - fort[r * 6 + j]).sum() };
    assert_nah(&[netto(0), netto(1)], &[-7.0, 7.0]);
    assert_nah(&[p.summe(1).unwrap()], &[260.0]);
}

#[test]
fn external_migration_hand_computed() {
    // 40 in-migrants: profile men age 1 ¾, women age 2 ¼; area shares 0.6 and 0.4. 5 % of the
    // survivors leave the city.
    let raster = Raster::new(2, 2).unwrap();
    let hundert: &[f64] = &[100.0, 100.0, 100.0];
    let bestand = Bestand::new(raster, 2025, zellen(&[[hundert, hundert], [hundert, hundert]])).unwrap();
    let mut annahmen = Annahmen::ohne_bewegung(raster);
    annahmen.fortzug_extern = vec![0.05; raster.zellen()];
    annahmen.zuzug_extern =
        ZuzugExtern { summe: 40.0, profil: vec![0.0, 0.75, 0.0, 0.0, 0.0, 0.25], anteile: vec![0.6, 0.4] };
    let p = projiziere(&bestand, &annahmen, &Szenario::status_quo(1)).unwrap();
    // Survivors (0, 100, 200) · 0.95 = (0, 95, 190); A: men age 1 + 18, women age 2 + 6;
    // B: men age 1 + 12, women age 2 + 4.
    let erwartet = zellen(&[[&[0.0, 113.0, 190.0], &[0.0, 95.0, 196.0]], [&[0.0, 107.0, 190.0], &[0.0, 95.0, 194.0]]]);
    assert_nah(p.bevoelkerung(1).unwrap(), &erwartet);
}

#[test]
fn births_hand_computed() {
    // Women aged 1 bear 0.5 children a year; 40 women aged 1 at the start, all aged 2 at the end,
    // so W̄(1) = 20 and B = 10; sex ratio 1.0; infant mortality 2 % for boys, 4 % for girls.
    let raster = Raster::new(1, 2).unwrap();
    let bestand = Bestand::new(raster, 2025, zellen(&[[&[0.0, 0.0, 0.0], &[0.0, 40.0, 0.0]]])).unwrap();
    let mut annahmen = Annahmen::ohne_bewegung(raster);
    annahmen.fruchtbarkeit = vec![0.0, 0.5, 0.0];
    annahmen.sexualproportion = 1.0;
    annahmen.saeuglingssterblichkeit = [0.02, 0.04];
    let p = projiziere(&bestand, &annahmen, &Szenario::status_quo(1)).unwrap();
    assert_nah(p.geburten(1).unwrap(), &[5.0, 5.0]);
    assert_nah(p.bevoelkerung(1).unwrap(), &zellen(&[[&[4.9, 0.0, 0.0], &[4.8, 0.0, 40.0]]]));
    assert_nah(p.komponente(Komponente::Gestorbene, 1).unwrap(), &zellen(&[[&[0.1, 0.0, 0.0], &[0.2, 0.0, 0.0]]]));

    // The default sex ratio 1.05 gives 10 · 1.05 / 2.05 boys.
    annahmen.sexualproportion = SEXUALPROPORTION_STANDARD;
    let p = projiziere(&bestand, &annahmen, &Szenario::status_quo(1)).unwrap();
    assert_nah(p.geburten(1).unwrap(), &[10.5 / 2.05, 10.0 / 2.05]);
}

#[test]
fn newborns_migrate_in_their_first_year() {
    // 10 births, 10 % of the newborns move out of the city, 2 babies move in.
    let raster = Raster::new(1, 2).unwrap();
    let bestand = Bestand::new(raster, 2025, zellen(&[[&[0.0, 0.0, 0.0], &[0.0, 40.0, 0.0]]])).unwrap();
    let mut annahmen = Annahmen::ohne_bewegung(raster);
    annahmen.fruchtbarkeit = vec![0.0, 0.5, 0.0];
    annahmen.sexualproportion = 1.0;
    annahmen.fortzug_extern = zellen(&[[&[0.1, 0.0, 0.0], &[0.1, 0.0, 0.0]]]);
    annahmen.zuzug_extern = ZuzugExtern { summe: 2.0, profil: vec![0.5, 0.0, 0.0, 0.5, 0.0, 0.0], anteile: vec![1.0] };
    let p = projiziere(&bestand, &annahmen, &Szenario::status_quo(1)).unwrap();
    assert_nah(p.bevoelkerung(1).unwrap(), &zellen(&[[&[5.5, 0.0, 0.0], &[5.5, 0.0, 40.0]]]));
}

#[test]
fn control_total_hand_computed() {
    // 100 in every cell, 60 external in-migrants spread evenly (10 per cell); the Eckwert 594
    // scales the 660 projected persons by 0.9.
    let raster = Raster::new(1, 2).unwrap();
    let bestand = Bestand::new(raster, 2025, vec![100.0; 6]).unwrap();
    let mut annahmen = Annahmen::ohne_bewegung(raster);
    annahmen.zuzug_extern = ZuzugExtern { summe: 60.0, profil: vec![1.0 / 6.0; 6], anteile: vec![1.0] };
    let szenario = Szenario { eckwerte: Some(vec![594.0]), ..Szenario::status_quo(1) };
    let p = projiziere(&bestand, &annahmen, &szenario).unwrap();
    assert_nah(p.bevoelkerung(1).unwrap(), &[9.0, 99.0, 189.0, 9.0, 99.0, 189.0]);
    assert_nah(p.komponente(Komponente::Eckwertanpassung, 1).unwrap(), &[-1.0, -11.0, -21.0, -1.0, -11.0, -21.0]);
    assert_nah(&[p.summe(1).unwrap()], &[594.0]);
}

#[test]
fn new_housing_hand_computed() {
    // 10 dwellings in the first year, 5 in the second; per dwelling 0.3, 0.2, 0.5 men and 0.3,
    // 0.2, 0.6 women of ages 0, 1, 2+ (2.1 persons). Nobody dies, moves or is born.
    let raster = Raster::new(2, 2).unwrap();
    let basis = zellen(&[[&[10.0, 20.0, 30.0], &[10.0, 20.0, 30.0]], [&[1.0, 1.0, 1.0], &[1.0, 1.0, 1.0]]]);
    let bestand = Bestand::new(raster, 2025, basis).unwrap();
    let annahmen = Annahmen::ohne_bewegung(raster);
    let neubau = Neubaugebiet { gebiet: 0, wohnungen: vec![10.0, 5.0], belegung: vec![0.3, 0.2, 0.5, 0.3, 0.2, 0.6] };
    let szenario = Szenario { neubau: vec![neubau], ..Szenario::status_quo(2) };
    let p = projiziere(&bestand, &annahmen, &szenario).unwrap();
    let jahr1 = zellen(&[[&[3.0, 12.0, 55.0], &[3.0, 12.0, 56.0]], [&[0.0, 1.0, 2.0], &[0.0, 1.0, 2.0]]]);
    let jahr2 = zellen(&[[&[1.5, 4.0, 69.5], &[1.5, 4.0, 71.0]], [&[0.0, 0.0, 3.0], &[0.0, 0.0, 3.0]]]);
    assert_nah(p.bevoelkerung(1).unwrap(), &jahr1);
    assert_nah(p.bevoelkerung(2).unwrap(), &jahr2);
    assert_nah(&p.komponente(Komponente::Neubau, 2).unwrap()[..6], &[1.5, 1.0, 2.5, 1.5, 1.0, 3.0]);
    assert_nah(&[p.summe(2).unwrap()], &[126.0 + 21.0 + 10.5]);

    // The first occupants come on top of the control total.
    let mit_eckwert = Szenario { eckwerte: Some(vec![120.0, 120.0]), ..szenario };
    let p = projiziere(&bestand, &annahmen, &mit_eckwert).unwrap();
    assert_nah(&[p.summe(1).unwrap(), p.summe(2).unwrap()], &[141.0, 130.5]);
}

#[test]
fn area_types_use_their_own_tables() {
    // Area 0 is type 1 (q = 0.5 for everyone), area 1 type 0 (q = 0).
    let raster = Raster::new(2, 1).unwrap();
    let bestand = Bestand::new(raster, 2025, vec![10.0; 8]).unwrap();
    let mut annahmen = Annahmen::ohne_bewegung(raster);
    annahmen.gebietstyp = vec![1, 0];
    annahmen.sterbewahrscheinlichkeit = vec![0.0, 0.0, 0.0, 0.0, 0.5, 0.5, 0.5, 0.5];
    annahmen.fruchtbarkeit = vec![0.0; 4];
    let p = projiziere(&bestand, &annahmen, &Szenario::status_quo(1)).unwrap();
    assert_nah(p.bevoelkerung(1).unwrap(), &[0.0, 10.0, 0.0, 10.0, 0.0, 20.0, 0.0, 20.0]);
}

#[test]
fn accessors_outside_the_horizon_give_none() {
    let raster = Raster::new(1, 1).unwrap();
    let bestand = Bestand::new(raster, 2025, vec![1.0; 4]).unwrap();
    let p = projiziere(&bestand, &Annahmen::ohne_bewegung(raster), &Szenario::status_quo(2)).unwrap();
    assert_eq!((p.jahre(), p.jahr(0), p.jahr(2), p.jahr(3)), (2, Some(2025), Some(2027), None));
    assert!(p.bevoelkerung(3).is_none() && p.summe(3).is_none() && p.geburten(0).is_none());
    for c in Komponente::ALLE {
        assert!(p.komponente(c, 0).is_none() && p.komponente(c, 3).is_none(), "{c:?}");
        assert_eq!(p.komponente(c, 2), Some(&[0.0; 4][..]), "{c:?}");
    }
    assert_eq!((p.wert(0, 1, M, 0), p.wert(0, 0, W, 2), p.wert(0, 0, W, 1)), (None, None, Some(1.0)));
}

// ---------------------------------------------------------------------------------------------
// Bad input
// ---------------------------------------------------------------------------------------------

fn fehler_bei(aendern: impl FnOnce(&mut Annahmen, &mut Szenario)) -> ProjektionsFehler {
    let raster = Raster::new(2, 2).unwrap();
    let bestand = Bestand::new(raster, 2025, vec![10.0; raster.zellen()]).unwrap();
    let mut annahmen = Annahmen::ohne_bewegung(raster);
    let mut szenario = Szenario::status_quo(2);
    aendern(&mut annahmen, &mut szenario);
    projiziere(&bestand, &annahmen, &szenario).unwrap_err()
}

#[test]
fn bad_input_gives_typed_errors() {
    assert_eq!(Raster::new(0, 5), Err(ProjektionsFehler::LeeresRaster));
    assert_eq!(Raster::new(3, 0), Err(ProjektionsFehler::LeeresRaster));
    let raster = Raster::new(1, 1).unwrap();
    let negativ = Bestand::new(raster, 2025, vec![1.0, 2.0, -3.0, 4.0]).unwrap_err();
    assert_eq!(negativ.to_string(), "base population at area 0, female, age 0 is -3, not a non-negative count");
    assert!(matches!(Bestand::new(raster, 2025, vec![f64::NAN; 4]), Err(ProjektionsFehler::NegativeAnzahl { .. })));
    assert_eq!(
        Bestand::new(raster, 2025, vec![1.0; 3]),
        Err(ProjektionsFehler::Dimension { groesse: "base population", erwartet: 4, gefunden: 3 })
    );

    let e = fehler_bei(|a, _| a.fortzug_extern[7] = 1.5);
    assert_eq!(e.to_string(), "fortzug_extern at area 1, male, age 1 is 1.5, outside [0, 1]");
    let e = fehler_bei(|a, _| {
        a.fortzug_extern[0] = 0.6;
        a.fortzug_intern[0] = 0.6;
    });
    assert!(matches!(e, ProjektionsFehler::RateAusserhalb { groesse: "fortzug_extern + fortzug_intern", .. }));
    let e = fehler_bei(|a, _| a.sterbewahrscheinlichkeit[1] = -0.1);
    assert_eq!(e.to_string(), "sterbewahrscheinlichkeit at type 0, male, age 1 is -0.1, outside [0, 1]");
    let e = fehler_bei(|a, _| a.saeuglingssterblichkeit[1] = 2.0);
    assert!(matches!(e, ProjektionsFehler::RateAusserhalb { groesse: "saeuglingssterblichkeit", .. }));
    let e = fehler_bei(|a, _| a.fruchtbarkeit[2] = -1.0);
    assert!(matches!(e, ProjektionsFehler::NegativeAnzahl { groesse: "fruchtbarkeit", .. }));

    let e = fehler_bei(|a, _| a.zuzug_extern.anteile = vec![0.5, 0.4]);
    assert_eq!(e.to_string(), "zuzug_extern.anteile for all areas sum to 0.9, not 1");
    let e = fehler_bei(|a, _| a.zuzug_extern.profil[0] += 0.1);
    assert!(matches!(e, ProjektionsFehler::AnteileNichtEins { groesse: "zuzug_extern.profil", .. }));
    let e = fehler_bei(|a, _| a.umzug_ziele[4] = 0.0);
    assert_eq!(e.to_string(), "umzug_ziele for female, age 1 sum to 0.5, not 1");

    let e = fehler_bei(|a, _| a.fortzug_intern.truncate(11));
    assert_eq!(e, ProjektionsFehler::Dimension { groesse: "fortzug_intern", erwartet: 12, gefunden: 11 });
    let e = fehler_bei(|a, _| a.sterbewahrscheinlichkeit.push(0.0));
    assert!(matches!(e, ProjektionsFehler::Dimension { groesse: "sterbewahrscheinlichkeit", .. }));
    let e = fehler_bei(|a, _| a.gebietstyp = vec![0, 1]);
    assert_eq!(e, ProjektionsFehler::Gebietstyp { gebiet: 1, typ: 1, typen: 1 });
    let e = fehler_bei(|a, _| a.sexualproportion = 0.0);
    assert_eq!(e, ProjektionsFehler::Sexualproportion(0.0));

    let e = fehler_bei(|_, s| s.eckwerte = Some(vec![100.0]));
    assert_eq!(e, ProjektionsFehler::Dimension { groesse: "eckwerte", erwartet: 2, gefunden: 1 });
    let e = fehler_bei(|_, s| s.zuzug_extern = Some(vec![100.0, -1.0]));
    assert_eq!(e.to_string(), "zuzug_extern per year at year 2 is -1, not a non-negative count");
    let belegung = vec![0.0; 6];
    let e = fehler_bei(|_, s| s.neubau = vec![Neubaugebiet { gebiet: 2, wohnungen: vec![1.0, 1.0], belegung }]);
    assert_eq!(e, ProjektionsFehler::NeubauGebiet { nummer: 0, gebiet: 2, gebiete: 2 });
    let e = fehler_bei(|_, s| s.neubau = vec![Neubaugebiet { gebiet: 0, wohnungen: vec![1.0], belegung: vec![] }]);
    assert!(matches!(e, ProjektionsFehler::Dimension { groesse: "neubau.wohnungen", .. }));
}

#[test]
fn control_total_for_an_empty_city_is_an_error() {
    let raster = Raster::new(1, 1).unwrap();
    let bestand = Bestand::new(raster, 2025, vec![0.0; 4]).unwrap();
    let annahmen = Annahmen::ohne_bewegung(raster);
    let szenario = Szenario { eckwerte: Some(vec![0.0, 5.0]), ..Szenario::status_quo(2) };
    let e = projiziere(&bestand, &annahmen, &szenario).unwrap_err();
    assert_eq!(e.to_string(), "the control total for 2027 is 5, but the projected population is zero");
}

// ---------------------------------------------------------------------------------------------
// Estimation from history
// ---------------------------------------------------------------------------------------------

/// One area, ages 0, 1, 2+: stocks at the end of 2020 and 2021, events of 2021; 2022 with
/// different deaths.
fn historie() -> Historie {
    let raster = Raster::new(1, 2).unwrap();
    let mut h = Historie::new(raster);
    h.bestand(2020, vec![100.0; 6]).unwrap();
    h.bestand(2021, zellen(&[[&[9.0, 89.0, 194.0], &[10.0, 99.0, 207.0]]])).unwrap();
    h.bestand(2022, zellen(&[[&[10.0, 8.0, 280.0], &[10.0, 10.0, 300.0]]])).unwrap();
    let ruhig = vec![0.0; 6];
    h.ereignisse(2021, ereignisse_2021()).unwrap();
    h.ereignisse(
        2022,
        Ereignisse {
            geburten: vec![10.0, 10.0],
            geburten_nach_alter_der_mutter: vec![0.0, 20.0, 0.0],
            gestorbene: zellen(&[[&[0.0, 1.0, 3.0], &[0.0, 0.0, 6.0]]]),
            fortzuege_extern: ruhig.clone(),
            fortzuege_intern: ruhig.clone(),
            zuzuege_extern: ruhig.clone(),
            zuzuege_intern: ruhig,
        },
    )
    .unwrap();
    h
}

/// The events of 2021 in [`historie`].
fn ereignisse_2021() -> Ereignisse {
    let ruhig = vec![0.0; 6];
    Ereignisse {
        geburten: vec![10.0, 10.0],
        geburten_nach_alter_der_mutter: vec![0.0, 20.0, 0.0],
        gestorbene: zellen(&[[&[1.0, 2.0, 6.0], &[0.0, 1.0, 3.0]]]),
        fortzuege_extern: zellen(&[[&[0.0, 9.0, 0.0], &[0.0, 0.0, 0.0]]]),
        fortzuege_intern: ruhig.clone(),
        zuzuege_extern: zellen(&[[&[0.0, 0.0, 0.0], &[0.0, 0.0, 10.0]]]),
        zuzuege_intern: ruhig,
    }
}

#[test]
fn estimation_hand_computed_with_an_excluded_year() {
    let zeitraum = Stuetzzeitraum::new(2021, 2022).excluding(2022);
    let a = schaetze(&historie(), &zeitraum, &[0]).unwrap();
    // q(0) = 2 / 100 for men, 1 / 100 for women; the two oldest start ages share 6 / 200, 3 / 200.
    assert_nah(&a.sterbewahrscheinlichkeit, &[0.02, 0.03, 0.03, 0.01, 0.015, 0.015]);
    assert_nah(&a.saeuglingssterblichkeit, &[0.1, 0.0]);
    assert_nah(&[a.sexualproportion], &[1.0]);
    // 20 births to mothers aged 1; women aged 1: 100 at the start, 99 at the end.
    assert_nah(&a.fruchtbarkeit, &[0.0, 20.0 / 99.5, 0.0]);
    // 9 of the 98 men surviving to age 1 left the city.
    assert_nah(&a.fortzug_extern, &[0.0, 9.0 / 98.0, 0.0, 0.0, 0.0, 0.0]);
    assert_eq!(
        a.zuzug_extern,
        ZuzugExtern { summe: 10.0, profil: vec![0.0, 0.0, 0.0, 0.0, 0.0, 1.0], anteile: vec![1.0] }
    );
    // No internal moves: uniform destination shares (one area).
    assert_eq!(a.umzug_ziele, vec![1.0; 6]);
}

#[test]
fn estimation_pools_the_years_of_the_base_period() {
    let zeitraum = Stuetzzeitraum::new(2021, 2022);
    let a = schaetze(&historie(), &zeitraum, &[0]).unwrap();
    // Men: deaths at age 1 are 2 + 1 of 100 + 9 aged 0 at the start, at the open age 6 + 3 of
    // 200 + 283 aged 1 and 2+; women at the open age 3 + 6 of 200 + 306.
    assert_nah(&a.sterbewahrscheinlichkeit[..3], &[3.0 / 109.0, 9.0 / 483.0, 9.0 / 483.0]);
    assert_nah(&a.sterbewahrscheinlichkeit[4..], &[9.0 / 506.0, 9.0 / 506.0]);
    assert_nah(&[a.zuzug_extern.summe], &[5.0]);
    assert_nah(&a.fruchtbarkeit, &[0.0, 40.0 / (99.5 + 54.5), 0.0]);
}

#[test]
fn estimation_errors() {
    let h = historie();
    let leer = Stuetzzeitraum::new(2021, 2022).excluding(2021).excluding(2022);
    let e = schaetze(&h, &leer, &[0]).unwrap_err();
    assert_eq!(e.to_string(), "the base period 2021–2022 has no year with data left after excluding [2021, 2022]");
    let umgekehrt = Stuetzzeitraum::new(2022, 2021);
    assert!(matches!(schaetze(&h, &umgekehrt, &[0]), Err(ProjektionsFehler::LeererStuetzzeitraum { .. })));
    let zu_lang = Stuetzzeitraum::new(2020, 2022);
    let e = schaetze(&h, &zu_lang, &[0]).unwrap_err();
    assert_eq!(e.to_string(), "year 2020 of the base period has no population at the end of the previous year");
    let mut ohne_ereignisse = Historie::new(h.raster());
    ohne_ereignisse.bestand(2020, vec![1.0; 6]).unwrap();
    ohne_ereignisse.bestand(2021, vec![1.0; 6]).unwrap();
    let e = schaetze(&ohne_ereignisse, &Stuetzzeitraum::new(2021, 2021), &[0]);
    assert_eq!(e, Err(ProjektionsFehler::FehlendesJahr { jahr: 2021, was: "events" }));
    let zeitraum = Stuetzzeitraum::new(2021, 2021);
    assert!(matches!(schaetze(&h, &zeitraum, &[0, 0]), Err(ProjektionsFehler::Dimension { .. })));

    let mut h2 = historie();
    assert!(matches!(h2.bestand(2023, vec![1.0; 5]), Err(ProjektionsFehler::Dimension { .. })));
    let mut ev = ereignisse_2021();
    ev.gestorbene[2] = -1.0;
    assert_eq!(
        h2.ereignisse(2023, ev).unwrap_err().to_string(),
        "gestorbene at 2023, area 0, male, age 2+ is -1, not a non-negative count"
    );

    // More out-movers than survivors.
    let mut ev = ereignisse_2021();
    ev.fortzuege_extern[1] = 99.0;
    h2.ereignisse(2021, ev).unwrap();
    let e = schaetze(&h2, &zeitraum, &[0]).unwrap_err();
    assert!(matches!(e, ProjektionsFehler::RateAusserhalb { groesse: "fortzug_extern", .. }), "{e}");

    // Nobody aged 0 at the start of the year.
    let mut h3 = historie();
    h3.bestand(2020, zellen(&[[&[0.0, 100.0, 100.0], &[100.0, 100.0, 100.0]]])).unwrap();
    let e = schaetze(&h3, &zeitraum, &[0]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "nobody was at risk at male, age 0 in the base period, so no death probability can be estimated"
    );
}

/// Assumptions with every part in use, for two areas of different types.
fn volle_annahmen(raster: Raster) -> Annahmen {
    let n = raster.alter();
    let z = raster.zellen();
    let mut a = Annahmen::ohne_bewegung(raster);
    a.gebietstyp = (0..raster.gebiete()).map(|r| r % 2).collect();
    let typen = a.gebietstyp.iter().max().unwrap() + 1;
    // The two oldest start ages share one probability, as in an estimate.
    a.sterbewahrscheinlichkeit = (0..typen * 2 * n)
        .map(|i| {
            let alter = (i % n).min(n - 2);
            0.001 * (1 + i / n) as f64 + 0.01 * alter as f64
        })
        .collect();
    a.fruchtbarkeit = (0..typen * n).map(|i| if i % n == 0 { 0.0 } else { 0.02 + 0.01 * (i % n % 3) as f64 }).collect();
    a.saeuglingssterblichkeit = [0.004, 0.003];
    a.sexualproportion = 1.06;
    a.fortzug_extern = (0..z).map(|i| 0.02 + 0.001 * (i % 7) as f64).collect();
    a.fortzug_intern = (0..z).map(|i| 0.05 + 0.002 * (i % 5) as f64).collect();
    let profil: Vec<f64> = (0..2 * n).map(|j| 1.0 + (j % 4) as f64).collect();
    let anteile: Vec<f64> = (0..raster.gebiete()).map(|r| 1.0 + r as f64).collect();
    a.zuzug_extern = ZuzugExtern { summe: 300.0, profil: normiert(&profil), anteile: normiert(&anteile) };
    let roh: Vec<f64> = (0..z).map(|i| 1.0 + ((i * 7) % 5) as f64).collect();
    a.umzug_ziele = ziele_normiert(raster, &roh);
    a
}

fn normiert(werte: &[f64]) -> Vec<f64> {
    let summe: f64 = werte.iter().sum();
    werte.iter().map(|w| w / summe).collect()
}

/// Divides each cell by the sum over the areas of its sex and age.
fn ziele_normiert(raster: Raster, roh: &[f64]) -> Vec<f64> {
    let block = 2 * raster.alter();
    let summen: Vec<f64> = (0..block).map(|j| roh.iter().skip(j).step_by(block).sum()).collect();
    roh.iter().enumerate().map(|(i, w)| w / summen[i % block]).collect()
}

#[test]
fn estimation_recovers_the_rates_of_a_projected_year() {
    let raster = Raster::new(4, 5).unwrap();
    let n = raster.alter();
    let basis: Vec<f64> = (0..raster.zellen()).map(|i| 50.0 + (i * 13 % 17) as f64).collect();
    let bestand = Bestand::new(raster, 2025, basis.clone()).unwrap();
    let annahmen = volle_annahmen(raster);
    let p = projiziere(&bestand, &annahmen, &Szenario::status_quo(1)).unwrap();
    let ende = p.bevoelkerung(1).unwrap().to_vec();
    let mutter: Vec<f64> = (0..raster.gebiete())
        .flat_map(|r| {
            let typ = annahmen.gebietstyp[r];
            let w = raster.index(r, W, 0);
            let (f, basis, ende) = (&annahmen.fruchtbarkeit, &basis, &ende);
            (0..n).map(move |a| f[typ * n + a] * 0.5 * (basis[w + a] + ende[w + a]))
        })
        .collect();
    let komponente = |k| p.komponente(k, 1).unwrap().to_vec();
    let mut h = Historie::new(raster);
    h.bestand(2025, basis.clone()).unwrap();
    h.bestand(2026, ende).unwrap();
    h.ereignisse(
        2026,
        Ereignisse {
            geburten: p.geburten(1).unwrap().to_vec(),
            geburten_nach_alter_der_mutter: mutter,
            gestorbene: komponente(Komponente::Gestorbene),
            fortzuege_extern: komponente(Komponente::FortzuegeExtern),
            fortzuege_intern: komponente(Komponente::FortzuegeIntern),
            zuzuege_extern: komponente(Komponente::ZuzuegeExtern),
            zuzuege_intern: komponente(Komponente::ZuzuegeIntern),
        },
    )
    .unwrap();
    let zeitraum = Stuetzzeitraum::new(2026, 2026);
    let geschaetzt = schaetze(&h, &zeitraum, &annahmen.gebietstyp).unwrap();
    assert_nah(&geschaetzt.sterbewahrscheinlichkeit, &annahmen.sterbewahrscheinlichkeit);
    assert_nah(&geschaetzt.saeuglingssterblichkeit, &annahmen.saeuglingssterblichkeit);
    assert_nah(&[geschaetzt.sexualproportion], &[annahmen.sexualproportion]);
    assert_nah(&geschaetzt.fruchtbarkeit, &annahmen.fruchtbarkeit);
    assert_nah(&geschaetzt.fortzug_extern, &annahmen.fortzug_extern);
    assert_nah(&geschaetzt.fortzug_intern, &annahmen.fortzug_intern);
    assert_nah(&[geschaetzt.zuzug_extern.summe], &[annahmen.zuzug_extern.summe]);
    assert_nah(&geschaetzt.zuzug_extern.profil, &annahmen.zuzug_extern.profil);
    assert_nah(&geschaetzt.zuzug_extern.anteile, &annahmen.zuzug_extern.anteile);
    assert_nah(&geschaetzt.umzug_ziele, &annahmen.umzug_ziele);
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

/// A raster, a base population, full assumptions and a horizon.
fn fall() -> impl Strategy<Value = (Bestand, Annahmen, usize)> {
    (1usize..=4, 1usize..=6, 1usize..=4)
        .prop_flat_map(|(g, max_alter, jahre)| {
            let raster = Raster::new(g, max_alter).unwrap();
            let (z, n) = (raster.zellen(), raster.alter());
            (
                Just(raster),
                vec(0.0..1000.0, z),
                vec(0.0..0.3, 2 * n),
                vec(0.0..0.1, n),
                vec(0.0..0.4, z),
                vec(0.0..0.4, z),
                vec(0.01..1.0, 2 * n),
                vec(0.01..1.0, g),
                vec(0.01..1.0, z),
                0.0..500.0,
                Just(jahre),
            )
        })
        .prop_map(|(raster, basis, q, f, fe, fi, profil, anteile, ziele, summe, jahre)| {
            let annahmen = Annahmen {
                gebietstyp: vec![0; raster.gebiete()],
                sterbewahrscheinlichkeit: q,
                saeuglingssterblichkeit: [0.005, 0.004],
                fruchtbarkeit: f,
                sexualproportion: SEXUALPROPORTION_STANDARD,
                fortzug_extern: fe,
                fortzug_intern: fi,
                zuzug_extern: ZuzugExtern { summe, profil: normiert(&profil), anteile: normiert(&anteile) },
                umzug_ziele: ziele_normiert(raster, &ziele),
            };
            (Bestand::new(raster, 2025, basis).unwrap(), annahmen, jahre)
        })
}

proptest! {
    #[test]
    fn without_deaths_births_and_migration_cohorts_age(
        (bestand, _, jahre) in fall()
    ) {
        let raster = bestand.raster();
        let (n, oben) = (raster.alter(), raster.max_alter());
        let p = projiziere(&bestand, &Annahmen::ohne_bewegung(raster), &Szenario::status_quo(jahre)).unwrap();
        for k in 1..=jahre {
            let (vorher, nachher) = (p.bevoelkerung(k - 1).unwrap(), p.bevoelkerung(k).unwrap());
            for zeile in 0..2 * raster.gebiete() {
                let (v, w) = (&vorher[zeile * n..(zeile + 1) * n], &nachher[zeile * n..(zeile + 1) * n]);
                prop_assert_eq!(w[0], 0.0);
                prop_assert_eq!(&w[1..oben], &v[..oben - 1]);
                prop_assert_eq!(w[oben], v[oben - 1] + v[oben]);
            }
            prop_assert!(nah(p.summe(k).unwrap(), bestand.werte().iter().sum()));
        }
    }

    #[test]
    fn the_city_total_of_internal_net_moves_is_zero((bestand, annahmen, jahre) in fall()) {
        let raster = bestand.raster();
        let block = 2 * raster.alter();
        let p = projiziere(&bestand, &annahmen, &Szenario::status_quo(jahre)).unwrap();
        for k in 1..=jahre {
            let fort = p.komponente(Komponente::FortzuegeIntern, k).unwrap();
            let zu = p.komponente(Komponente::ZuzuegeIntern, k).unwrap();
            for j in 0..block {
                let pool: f64 = fort.iter().skip(j).step_by(block).sum();
                let netto: f64 = zu.iter().skip(j).step_by(block).zip(fort.iter().skip(j).step_by(block)).map(|(z, f)| z - f).sum();
                prop_assert!(netto.abs() <= 1e-9 * (1.0 + pool), "sex-age {} year {}: net {} of {}", j, k, netto, pool);
            }
        }
    }

    #[test]
    fn a_scenario_without_changes_equals_the_base((bestand, annahmen, jahre) in fall()) {
        let basis = projiziere(&bestand, &annahmen, &Szenario::status_quo(jahre)).unwrap();
        let leerer_neubau = Neubaugebiet {
            gebiet: 0,
            wohnungen: vec![0.0; jahre],
            belegung: vec![1.0; 2 * bestand.raster().alter()],
        };
        let szenario = Szenario {
            jahre,
            zuzug_extern: Some(vec![annahmen.zuzug_extern.summe; jahre]),
            eckwerte: Some((1..=jahre).map(|k| basis.summe(k).unwrap()).collect()),
            neubau: vec![leerer_neubau],
        };
        prop_assert_eq!(projiziere(&bestand, &annahmen, &szenario).unwrap(), basis);
    }

    #[test]
    fn without_components_the_population_is_the_same((bestand, annahmen, jahre) in fall()) {
        let status_quo = projiziere(&bestand, &annahmen, &Szenario::status_quo(jahre)).unwrap();
        let eckwerte = (1..=jahre).map(|k| 0.9 * status_quo.summe(k).unwrap()).collect();
        let szenario = Szenario { eckwerte: Some(eckwerte), ..Szenario::status_quo(jahre) };
        let mit = projiziere(&bestand, &annahmen, &szenario).unwrap();
        let ohne = projiziere_ohne_komponenten(&bestand, &annahmen, &szenario).unwrap();
        for k in 0..=jahre {
            prop_assert_eq!(mit.bevoelkerung(k), ohne.bevoelkerung(k));
            prop_assert_eq!(mit.geburten(k), ohne.geburten(k));
        }
        prop_assert!(Komponente::ALLE.iter().all(|&c| ohne.komponente(c, 1).is_none()));
    }

    #[test]
    fn every_year_balances_its_components(
        (bestand, annahmen, jahre) in fall(),
        skala in 0.5..1.5f64,
        wohnungen in 0.0..50.0f64,
    ) {
        let raster = bestand.raster();
        let (n, oben) = (raster.alter(), raster.max_alter());
        let status_quo = projiziere(&bestand, &annahmen, &Szenario::status_quo(jahre)).unwrap();
        let szenario = Szenario {
            jahre,
            zuzug_extern: None,
            eckwerte: Some((1..=jahre).map(|k| skala * status_quo.summe(k).unwrap()).collect()),
            neubau: vec![Neubaugebiet { gebiet: raster.gebiete() - 1, wohnungen: vec![wohnungen; jahre], belegung: vec![0.05; 2 * n] }],
        };
        let p = projiziere(&bestand, &annahmen, &szenario).unwrap();
        for k in 1..=jahre {
            let (vorher, nachher) = (p.bevoelkerung(k - 1).unwrap(), p.bevoelkerung(k).unwrap());
            let komp: Vec<&[f64]> = Komponente::ALLE.iter().map(|&c| p.komponente(c, k).unwrap()).collect();
            let geburten = p.geburten(k).unwrap();
            for i in 0..raster.zellen() {
                let a = i % n;
                let zugang = match a {
                    0 => geburten[i / n],
                    a if a == oben => vorher[i - 1] + vorher[i],
                    _ => vorher[i - 1],
                };
                let bilanz = zugang - komp[0][i] - komp[1][i] - komp[2][i] + komp[3][i] + komp[4][i] + komp[5][i] + komp[6][i];
                prop_assert!(nah(nachher[i], bilanz), "year {} cell {}: {} vs {}", k, i, nachher[i], bilanz);
                prop_assert!(nachher[i] >= 0.0);
            }
            // The control total, then the first occupants on top of it.
            let erwartet = skala * status_quo.summe(k).unwrap() + wohnungen * 0.05 * (2 * n) as f64;
            prop_assert!(nah(p.summe(k).unwrap(), erwartet));
        }
    }
}
