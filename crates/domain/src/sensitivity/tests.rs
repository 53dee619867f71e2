use super::*;
use crate::composite::{Aggregation, Cutter, Goalposts, Sd};

/// The constructed mini example of METHODS.md §1.7.
fn mini() -> Vec<Vec<f64>> {
    vec![
        vec![2.0, 5.0, 10.0],
        vec![4.0, 12.0, 25.0],
        vec![6.0, 18.0, 45.0],
        vec![3.0, 8.0, 15.0],
        vec![9.0, 30.0, 70.0],
        vec![1.0, 3.0, 5.0],
    ]
}

fn berlin_like() -> IndexSpec {
    IndexSpec {
        weights: vec![1.0, 1.0, 1.0],
        normalisation: Normalisation::ZScore(Sd::Population),
        aggregation: Aggregation::Sum,
        restandardise: true,
        cutter: Cutter::Cuts(vec![-1.0, 1.0, 1.5]),
    }
}

fn nothing_drawn(runs: usize) -> Alternatives {
    Alternatives { normalisations: Vec::new(), weight_spread: 0.0, drop_one: false, runs, seed: 1 }
}

#[test]
fn ranks_count_from_the_top_and_ties_share_their_mean_rank() {
    assert_eq!(ranks_from_top(&[0.5, 2.0, -1.0, 2.0]), [3.0, 1.5, 4.0, 1.5]);
}

#[test]
fn without_alternatives_the_band_collapses_to_the_base_rank() {
    let s = analyse(&mini(), &berlin_like(), &nothing_drawn(10)).unwrap();
    // Index order of §1.7: E > C > B > D > A > F.
    let base: Vec<f64> = s.areas.iter().map(|a| a.base_rank).collect();
    assert_eq!(base, [5.0, 3.0, 2.0, 4.0, 1.0, 6.0]);
    for a in &s.areas {
        assert_eq!((a.median_rank, a.rank_q05, a.rank_q95, a.kept_class), (a.base_rank, a.base_rank, a.base_rank, 1.0));
    }
    assert_eq!(s.mean_rank_shift, 0.0);
}

#[test]
fn leaving_out_one_of_two_opposed_indicators_swaps_the_ranks() {
    // Alone, the first indicator ranks the areas 3, 2, 1, the second 1, 2, 3; the middle area is 2 in
    // every run, so it keeps its rank and the outer areas move by 1 in every run.
    let rows = vec![vec![1.0, 3.0], vec![2.0, 2.0], vec![3.0, 1.0]];
    let base = IndexSpec {
        weights: vec![1.0, 1.0],
        normalisation: Normalisation::Rank,
        aggregation: Aggregation::Sum,
        restandardise: false,
        cutter: Cutter::Quantiles(1),
    };
    let alternatives = Alternatives { drop_one: true, ..nothing_drawn(400) };
    let s = analyse(&rows, &base, &alternatives).unwrap();
    // With both indicators every area ties at rank 2.
    assert!(s.areas.iter().all(|a| a.base_rank == 2.0));
    assert_eq!((s.areas[1].rank_q05, s.areas[1].rank_q95), (2.0, 2.0));
    assert_eq!((s.areas[0].rank_q05, s.areas[0].rank_q95), (1.0, 3.0));
    assert_eq!((s.areas[2].rank_q05, s.areas[2].rank_q95), (1.0, 3.0));
    // Two of three areas move by one rank in every run.
    assert!((s.mean_rank_shift - 2.0 / 3.0).abs() < 1e-12);
    assert!(s.areas.iter().all(|a| a.kept_class == 1.0));
}

#[test]
fn a_seed_gives_the_same_result_and_another_seed_another_one() {
    let alternatives = Alternatives {
        normalisations: vec![Normalisation::ZScore(Sd::Population), Normalisation::MinMax, Normalisation::Rank],
        weight_spread: 0.25,
        drop_one: true,
        runs: 300,
        seed: 2026,
    };
    let a = analyse(&mini(), &berlin_like(), &alternatives).unwrap();
    assert_eq!(a, analyse(&mini(), &berlin_like(), &alternatives).unwrap());
    let b = analyse(&mini(), &berlin_like(), &Alternatives { seed: 2027, ..alternatives }).unwrap();
    assert_ne!(a, b);
    for area in &a.areas {
        assert!(area.rank_q05 <= area.median_rank && area.median_rank <= area.rank_q95, "{area:?}");
        assert!((0.0..=1.0).contains(&area.kept_class));
    }
    // E (index 4) is the highest area whatever is drawn.
    assert_eq!((a.areas[4].rank_q05, a.areas[4].rank_q95), (1.0, 1.0));
}

#[test]
fn goalposts_lose_the_left_out_indicator_too() {
    let posts = vec![Goalposts { lo: 0.0, hi: 10.0 }, Goalposts { lo: 0.0, hi: 40.0 }, Goalposts { lo: 0.0, hi: 80.0 }];
    let alternatives =
        Alternatives { normalisations: vec![Normalisation::Goalposts(posts)], drop_one: true, ..nothing_drawn(50) };
    let s = analyse(&mini(), &berlin_like(), &alternatives).unwrap();
    assert_eq!(s.areas.len(), 6);
}

#[test]
fn impossible_analyses_are_errors() {
    let base = berlin_like();
    assert_eq!(analyse(&mini(), &base, &nothing_drawn(0)), Err(SensitivityError::NoRuns));
    let spread = Alternatives { weight_spread: 1.0, ..nothing_drawn(5) };
    assert_eq!(analyse(&mini(), &base, &spread), Err(SensitivityError::WeightSpread(1.0)));
    let one = IndexSpec { weights: vec![1.0], ..base.clone() };
    let drop = Alternatives { drop_one: true, ..nothing_drawn(5) };
    assert_eq!(analyse(&[vec![1.0], vec![2.0]], &one, &drop), Err(SensitivityError::DropOnlyIndicator));
    assert_eq!(
        analyse(&mini()[..1], &base, &nothing_drawn(5)),
        Err(SensitivityError::Base(IndexError::TooFewAreas(1)))
    );
    let geometric = IndexSpec {
        normalisation: Normalisation::Rank,
        aggregation: Aggregation::Geometric(crate::composite::ZeroRule::Reject),
        ..base
    };
    let with_z = Alternatives { normalisations: vec![Normalisation::ZScore(Sd::Sample)], ..nothing_drawn(5) };
    assert_eq!(
        analyse(&mini(), &geometric, &with_z),
        Err(SensitivityError::Alternative { position: 0, error: IndexError::GeometricOfZScores })
    );
}
