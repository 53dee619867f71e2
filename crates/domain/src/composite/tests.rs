use super::*;

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

fn berlin_like(normalisation: Normalisation) -> IndexSpec {
    IndexSpec {
        weights: vec![1.0, 1.0, 1.0],
        normalisation,
        aggregation: Aggregation::Sum,
        restandardise: true,
        cutter: Cutter::Cuts(vec![-1.0, 1.0, 1.5]),
    }
}

#[test]
fn the_mini_example_is_reproduced_to_five_decimals() {
    let r = berlin_like(Normalisation::ZScore(Sd::Population)).compute(&mini()).unwrap();
    let close = |a: f64, b: f64| (a - b).abs() < 5e-6;
    // Table of §1.7: z1, z3, z4, sum, I per area.
    let expected = [
        (-0.81092, -0.83706, -0.80874, -2.45671, -0.81995),
        (-0.06238, -0.07279, -0.14704, -0.28221, -0.09419),
        (0.68616, 0.58230, 0.73521, 2.00368, 0.66875),
        (-0.43665, -0.50951, -0.58817, -1.53433, -0.51210),
        (1.80897, 1.89247, 1.83804, 5.53948, 1.84886),
        (-1.18519, -1.05542, -1.02930, -3.26991, -1.09136),
    ];
    for (i, (z1, z3, z4, sum, index)) in expected.into_iter().enumerate() {
        let z = &r.normalised[i];
        assert!(close(z[0], z1) && close(z[1], z3) && close(z[2], z4), "area {i}: {z:?}");
        assert!(close(r.aggregate[i], sum) && close(r.index[i], index), "area {i}");
    }
    // mittel, mittel, mittel, mittel, sehr niedrig, hoch.
    assert_eq!(r.classes, [1, 1, 1, 1, 3, 0]);
}

#[test]
fn the_sample_sd_gives_other_values() {
    let pop = berlin_like(Normalisation::ZScore(Sd::Population)).compute(&mini()).unwrap();
    let sample = berlin_like(Normalisation::ZScore(Sd::Sample)).compute(&mini()).unwrap();
    // Both the z-scores and the re-standardised index shrink by sqrt((N−1)/N): near a cut the class
    // can change, which is why the Berlin MSS needs the population SD.
    let c = (5.0f64 / 6.0).sqrt();
    assert!((sample.normalised[0][0] / pop.normalised[0][0] - c).abs() < 1e-12);
    assert!((sample.index[4] / pop.index[4] - c).abs() < 1e-12);
}

#[test]
fn cuts_put_boundary_values_where_berlin_does() {
    let cutter = Cutter::Cuts(vec![-1.0, 1.0, 1.5]);
    assert_eq!(cutter.classes(&[-1.0001, -1.0, 1.0, 1.0001, 1.5, 1.5001]), [0, 1, 1, 2, 2, 3]);
    assert_eq!(Cutter::Quantiles(2).classes(&[4.0, 1.0, 3.0, 2.0]), [1, 0, 1, 0]);
    assert_eq!(Cutter::EqualWidth(2).classes(&[0.0, 10.0, 4.0, 6.0]), [0, 1, 0, 1]);
}

#[test]
fn mid_ranks_share_tied_ranks() {
    assert_eq!(mid_ranks(&[3.0, 1.0, 3.0, 2.0]), [3.5, 1.0, 3.5, 2.0]);
    assert_eq!(mid_ranks(&[]), Vec::<f64>::new());
}

#[test]
fn ranks_minmax_and_weights() {
    let spec = IndexSpec {
        weights: vec![1.0, -1.0],
        normalisation: Normalisation::MinMax,
        aggregation: Aggregation::WeightedMean,
        restandardise: false,
        cutter: Cutter::Quantiles(2),
    };
    let r = spec.compute(&[vec![0.0, 10.0], vec![5.0, 0.0], vec![10.0, 5.0]]).unwrap();
    // The negative weight turns the second indicator around (1 − y: 0, 1, 0.5), then |w| averages:
    // (0 + 0)/2, (0.5 + 1)/2, (1 + 0.5)/2.
    assert_eq!(r.normalised.iter().map(|y| y[1]).collect::<Vec<_>>(), [0.0, 1.0, 0.5]);
    assert_eq!(r.index, [0.0, 0.75, 0.75]);
    let ranked = IndexSpec { normalisation: Normalisation::Rank, ..spec.clone() }
        .compute(&[vec![3.0, 1.0], vec![3.0, 2.0], vec![1.0, 3.0]])
        .unwrap();
    assert_eq!(
        ranked.normalised.iter().map(|z| z[0]).collect::<Vec<_>>(),
        [2.5, 2.5, 1.0],
        "ties share their mean rank"
    );
    // Turned around: n + 1 − r.
    assert_eq!(ranked.normalised.iter().map(|z| z[1]).collect::<Vec<_>>(), [3.0, 2.0, 1.0]);
}

#[test]
fn degenerate_inputs_are_errors_not_panics() {
    let spec = berlin_like(Normalisation::ZScore(Sd::Population));
    assert_eq!(spec.compute(&[vec![1.0, 2.0, 3.0]]), Err(IndexError::TooFewAreas(1)));
    assert_eq!(
        spec.compute(&[vec![1.0, 2.0, 3.0], vec![1.0, 2.0]]),
        Err(IndexError::WrongWidth { row: 1, found: 2, expected: 3 })
    );
    assert_eq!(spec.compute(&[vec![1.0, 2.0, 3.0], vec![1.0, 5.0, 6.0]]), Err(IndexError::Constant(0)));
    assert_eq!(
        spec.compute(&[vec![1.0, f64::NAN, 3.0], vec![2.0, 5.0, 6.0]]),
        Err(IndexError::NotFinite { row: 0, column: 1 })
    );
}

fn hybrid(top_share: f64, rest: usize) -> Cutter {
    Cutter::TopShareThenEqualWidth { top_share, rest }
}

#[test]
fn the_hybrid_cutter_puts_the_top_five_percent_in_a_class_of_their_own() {
    // 20 areas: ⌈0.05·20⌉ = 1 goes to class 8; the other 19 (0…18) are cut into 8 classes of width 18/8.
    let values: Vec<f64> = (0..20).map(f64::from).collect();
    let classes = hybrid(0.05, 8).classes(&values);
    assert_eq!(classes, [0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 4, 5, 5, 6, 6, 7, 7, 7, 8]);
    assert_eq!(hybrid(0.05, 8).class_count(), 9);
    // 21 areas: ⌈0.05·21⌉ = ⌈1.05⌉ = 2 go to the top class.
    let values: Vec<f64> = (0..21).map(f64::from).collect();
    let classes = hybrid(0.05, 8).classes(&values);
    assert_eq!(classes.iter().filter(|&&c| c == 8).count(), 2);
    assert_eq!((classes[18], classes[19], classes[20]), (7, 8, 8));
    assert_eq!(classes[0], 0);
}

#[test]
fn the_hybrid_cutter_keeps_ties_together_and_rounds_exact_products_down() {
    // The lowest value of the top group (9) is shared: both areas go to the top class.
    assert_eq!(hybrid(0.25, 2).classes(&[0.0, 9.0, 9.0, 4.0]), [0, 2, 2, 1]);
    // 0.07·100 is 7.000000000000001 in floating point but counts as 7 areas.
    let values: Vec<f64> = (0..100).map(f64::from).collect();
    assert_eq!(hybrid(0.07, 8).classes(&values).iter().filter(|&&c| c == 8).count(), 7);
    // A value exactly on an inner boundary goes to the upper class: 0, 2, 4 with width 2 → 0, 1, 1.
    assert_eq!(hybrid(0.2, 2).classes(&[0.0, 2.0, 4.0, 10.0, 1.0]), [0, 1, 1, 2, 0]);
}

#[test]
fn the_hybrid_cutter_survives_degenerate_input() {
    assert_eq!(hybrid(0.05, 8).classes(&[]), Vec::<usize>::new());
    assert_eq!(hybrid(0.05, 8).classes(&[3.0]), [8]);
    // The second highest of four is tied with every other value, so all join the top class.
    assert_eq!(hybrid(0.5, 3).classes(&[1.0, 1.0, 1.0, 5.0]), [3, 3, 3, 3]);
    // One area left below the top group: no width, class 0.
    assert_eq!(hybrid(0.5, 3).classes(&[1.0, 7.0, 5.0]), [0, 3, 3]);
    assert_eq!(hybrid(0.0, 2).classes(&[1.0, 2.0, 3.0]), [0, 1, 1]);
    assert_eq!(hybrid(1.0, 2).classes(&[1.0, 2.0]), [2, 2]);
    assert_eq!(hybrid(0.5, 0).classes(&[1.0, 2.0]), [0, 0]);
}

fn close_all(a: &[f64], b: &[f64], tolerance: f64) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < tolerance)
}

fn column(r: &IndexResult, c: usize) -> Vec<f64> {
    r.normalised.iter().map(|y| y[c]).collect()
}

/// The constructed check of METHODS.md §7: x = (10, 20, 40, 30), y = (0.5, 0.2, 0.9, 0.4).
#[test]
fn the_handbook_check_is_reproduced() {
    let rows = vec![vec![10.0, 0.5], vec![20.0, 0.2], vec![40.0, 0.9], vec![30.0, 0.4]];
    let spec = IndexSpec {
        weights: vec![1.0, 1.0],
        normalisation: Normalisation::MinMax,
        aggregation: Aggregation::WeightedMean,
        restandardise: false,
        cutter: Cutter::Quantiles(2),
    };
    let r = spec.compute(&rows).unwrap();
    let percent = |v: Vec<f64>| v.into_iter().map(|y| 100.0 * y).collect::<Vec<_>>();
    assert!(close_all(&percent(column(&r, 0)), &[0.0, 33.333, 100.0, 66.667], 5e-4));
    assert!(close_all(&percent(column(&r, 1)), &[42.857, 0.0, 100.0, 28.571], 5e-4));
    assert!(close_all(&percent(r.index.clone()), &[21.429, 16.667, 100.0, 47.619], 5e-4));
    let z = IndexSpec { normalisation: Normalisation::ZScore(Sd::Population), ..spec }.compute(&rows).unwrap();
    assert!(close_all(&column(&z, 0), &[-1.3416, -0.4472, 1.3416, 0.4472], 5e-5));
}

#[test]
fn a_negative_weight_turns_the_z_score_and_a_sum_stays_the_signed_sum() {
    let mut spec = berlin_like(Normalisation::ZScore(Sd::Population));
    let plain = spec.compute(&mini()).unwrap();
    spec.weights = vec![1.0, -1.0, 1.0];
    let turned = spec.compute(&mini()).unwrap();
    for (p, t) in plain.normalised.iter().zip(&turned.normalised) {
        assert_eq!((t[0], t[1], t[2]), (p[0], -p[1], p[2]));
    }
    // Σ |w|·y with y = −z for the turned indicator is the signed sum Σ w·z, to the last bit.
    let weights = [1.0, -1.0, 1.0];
    for (t, z) in turned.aggregate.iter().zip(&plain.normalised) {
        assert_eq!(*t, z.iter().zip(weights).map(|(z, w)| z * w).sum::<f64>());
    }
}

#[test]
fn goalposts_are_fixed_and_capped() {
    let posts = vec![Goalposts { lo: 0.0, hi: 40.0 }, Goalposts { lo: 10.0, hi: 20.0 }];
    let spec = IndexSpec {
        weights: vec![1.0, -3.0],
        normalisation: Normalisation::Goalposts(posts),
        aggregation: Aggregation::WeightedMean,
        restandardise: false,
        cutter: Cutter::EqualWidth(2),
    };
    let r = spec.compute(&[vec![10.0, 12.0], vec![50.0, 25.0], vec![-5.0, 15.0]]).unwrap();
    // x₁: 10/40 = 0.25, 50 → capped 1, −5 → capped 0. x₂ is turned around: 1 − 0.2, 1 − 1 (25 capped), 1 − 0.5.
    assert_eq!(column(&r, 0), [0.25, 1.0, 0.0]);
    assert!(close_all(&column(&r, 1), &[0.8, 0.0, 0.5], 1e-12));
    // (1·0.25 + 3·0.8)/4, (1·1 + 3·0)/4, (1·0 + 3·0.5)/4.
    assert!(close_all(&r.index, &[0.6625, 0.25, 0.375], 1e-12));
    let wrong = |posts| IndexSpec { normalisation: Normalisation::Goalposts(posts), ..spec.clone() };
    assert_eq!(
        wrong(vec![Goalposts { lo: 0.0, hi: 1.0 }]).compute(&[vec![1.0, 1.0], vec![2.0, 2.0]]),
        Err(IndexError::GoalpostsCount { found: 1, expected: 2 })
    );
    let reversed = vec![Goalposts { lo: 0.0, hi: 1.0 }, Goalposts { lo: 5.0, hi: 5.0 }];
    assert_eq!(wrong(reversed).compute(&[vec![1.0, 1.0], vec![2.0, 2.0]]), Err(IndexError::GoalpostsOrder(1)));
}

#[test]
fn the_geometric_mean_weights_the_logarithms() {
    let spec = IndexSpec {
        weights: vec![1.0, 3.0],
        normalisation: Normalisation::Rank,
        aggregation: Aggregation::Geometric(ZeroRule::Reject),
        restandardise: false,
        cutter: Cutter::Quantiles(2),
    };
    // Ranks (1, 2) and (2, 1): 1^(1/4)·2^(3/4) and 2^(1/4)·1^(3/4).
    let r = spec.compute(&[vec![1.0, 10.0], vec![2.0, 5.0]]).unwrap();
    assert!(close_all(&r.index, &[2f64.powf(0.75), 2f64.powf(0.25)], 1e-12));
    // Min–max gives 0 to the lowest area of every indicator: rejected, or offset by ε.
    let minmax = IndexSpec { normalisation: Normalisation::MinMax, weights: vec![1.0, 1.0], ..spec.clone() };
    let rows = [vec![0.0, 4.0], vec![2.0, 0.0], vec![4.0, 2.0]];
    assert_eq!(minmax.compute(&rows), Err(IndexError::NotPositive { row: 0, column: 0, value: 0.0 }));
    let offset = IndexSpec { aggregation: Aggregation::Geometric(ZeroRule::Offset(0.5)), ..minmax.clone() };
    // (0 + 0.5)·(1 + 0.5), (0.5 + 0.5)·(0 + 0.5), (1 + 0.5)·(0.5 + 0.5), each to the power 1/2.
    let r = offset.compute(&rows).unwrap();
    assert!(close_all(&r.index, &[0.75f64.sqrt(), 0.5f64.sqrt(), 1.5f64.sqrt()], 1e-12));
    let z = IndexSpec { normalisation: Normalisation::ZScore(Sd::Population), ..offset.clone() };
    assert_eq!(z.compute(&rows), Err(IndexError::GeometricOfZScores));
    assert!(z.compute(&rows).unwrap_err().to_string().contains("min-max, goalposts or rank"));
    let no_offset = IndexSpec { aggregation: Aggregation::Geometric(ZeroRule::Offset(-1.0)), ..minmax };
    assert_eq!(no_offset.compute(&rows), Err(IndexError::Offset(-1.0)));
}

#[test]
fn a_zero_weight_leaves_an_indicator_out_of_the_geometric_mean() {
    let posts = vec![Goalposts { lo: 0.0, hi: 10.0 }, Goalposts { lo: 0.0, hi: 10.0 }];
    let spec = IndexSpec {
        weights: vec![2.0, 0.0],
        normalisation: Normalisation::Goalposts(posts),
        aggregation: Aggregation::Geometric(ZeroRule::Reject),
        restandardise: false,
        cutter: Cutter::Quantiles(2),
    };
    // The second indicator scores 0 in the first area, but its weight is 0: 0.4^1 and 0.8^1.
    let r = spec.compute(&[vec![4.0, 0.0], vec![8.0, 5.0]]).unwrap();
    assert!(close_all(&r.index, &[0.4, 0.8], 1e-12));
    let weighted = IndexSpec { weights: vec![2.0, 1.0], ..spec.clone() };
    assert_eq!(
        weighted.compute(&[vec![4.0, 0.0], vec![8.0, 5.0]]),
        Err(IndexError::NotPositive { row: 0, column: 1, value: 0.0 })
    );
    let all_zero = IndexSpec { weights: vec![0.0, 0.0], ..spec };
    assert_eq!(all_zero.compute(&[vec![1.0, 0.0], vec![3.0, 1.0]]), Err(IndexError::Weights));
}

#[test]
fn restandardising_centres_the_aggregate() {
    let spec = IndexSpec {
        weights: vec![1.0],
        normalisation: Normalisation::MinMax,
        aggregation: Aggregation::Sum,
        restandardise: true,
        cutter: Cutter::Cuts(vec![0.0]),
    };
    // Min–max 0, 0.5, 1: mean 0.5, population SD sqrt(1/6).
    let r = spec.compute(&[vec![0.0], vec![1.0], vec![2.0]]).unwrap();
    let s = (1.0f64 / 6.0).sqrt();
    assert!(close_all(&r.index, &[-0.5 / s, 0.0, 0.5 / s], 1e-12));
    assert_eq!(r.classes, [0, 1, 1]);
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    /// 2–30 areas × 1–4 indicators of values in [−1000, 1000], no indicator constant.
    fn table() -> impl Strategy<Value = Vec<Vec<f64>>> {
        (2usize..30, 1usize..5)
            .prop_flat_map(|(n, k)| prop::collection::vec(prop::collection::vec(-1000.0..1000.0f64, k), n))
            .prop_filter("no constant indicator", |rows| {
                (0..rows[0].len()).all(|c| rows.iter().any(|r| (r[c] - rows[0][c]).abs() > 1e-3))
            })
    }

    fn spec(k: usize, normalisation: Normalisation) -> IndexSpec {
        IndexSpec {
            weights: (0..k).map(|c| if c % 2 == 0 { 1.0 } else { -0.5 }).collect(),
            normalisation,
            aggregation: Aggregation::Sum,
            restandardise: false,
            cutter: Cutter::Quantiles(4),
        }
    }

    fn close(a: &[f64], b: &[f64]) -> bool {
        a.iter().zip(b).all(|(x, y)| (x - y).abs() <= 1e-9 * (1.0 + x.abs()))
    }

    proptest! {
        #[test]
        fn z_scores_have_mean_0_and_population_sd_1(rows in table()) {
            let r = spec(rows[0].len(), Normalisation::ZScore(Sd::Population)).compute(&rows).unwrap();
            for c in 0..rows[0].len() {
                let z: Vec<f64> = r.normalised.iter().map(|y| y[c]).collect();
                prop_assert!(mean(&z).abs() < 1e-9);
                prop_assert!((sd(&z, Sd::Population) - 1.0).abs() < 1e-9);
            }
        }

        #[test]
        fn classes_rise_with_the_index(values in prop::collection::vec(-100.0..100.0f64, 0..60), k in 1usize..10, share in 0.01..0.99f64) {
            let cutters = [
                Cutter::Cuts(vec![-1.0, 1.0, 1.5]),
                Cutter::Quantiles(k),
                Cutter::EqualWidth(k),
                Cutter::TopShareThenEqualWidth { top_share: share, rest: k },
            ];
            for cutter in cutters {
                let classes = cutter.classes(&values);
                for i in 0..values.len() {
                    for j in 0..values.len() {
                        if values[i] < values[j] {
                            prop_assert!(classes[i] <= classes[j], "{cutter:?}: {} → {}, {} → {}", values[i], classes[i], values[j], classes[j]);
                        }
                    }
                }
            }
        }

        #[test]
        fn adding_a_constant_to_an_indicator_changes_nothing(rows in table(), shift in -500.0..500.0f64) {
            for normalisation in [Normalisation::ZScore(Sd::Population), Normalisation::MinMax] {
                let s = spec(rows[0].len(), normalisation);
                let moved: Vec<Vec<f64>> = rows.iter().map(|r| { let mut r = r.clone(); r[0] += shift; r }).collect();
                let (a, b) = (s.compute(&rows).unwrap(), s.compute(&moved).unwrap());
                prop_assert!(close(&a.index, &b.index), "{:?}: {:?} vs {:?}", s.normalisation, a.index, b.index);
            }
        }

        #[test]
        fn scaling_an_indicator_changes_no_z_score(rows in table(), factor in 0.01..100.0f64) {
            let s = spec(rows[0].len(), Normalisation::ZScore(Sd::Sample));
            let scaled: Vec<Vec<f64>> = rows.iter().map(|r| { let mut r = r.clone(); r[0] *= factor; r }).collect();
            let (a, b) = (s.compute(&rows).unwrap(), s.compute(&scaled).unwrap());
            prop_assert!(close(&a.index, &b.index));
            for (x, y) in a.normalised.iter().zip(&b.normalised) {
                prop_assert!(close(x, y));
            }
        }
    }
}
