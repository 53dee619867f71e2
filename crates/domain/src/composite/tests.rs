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
fn ranks_minmax_and_weights() {
    let spec = IndexSpec {
        weights: vec![1.0, -1.0],
        normalisation: Normalisation::MinMax,
        aggregation: Aggregation::WeightedMean,
        restandardise: false,
        cutter: Cutter::Quantiles(2),
    };
    let r = spec.compute(&[vec![0.0, 10.0], vec![5.0, 0.0], vec![10.0, 5.0]]).unwrap();
    // (0 − 1)/2, (0.5 − 0)/2, (1 − 0.5)/2: a negative weight turns the second indicator around.
    assert_eq!(r.index, [-0.5, 0.25, 0.25]);
    let ranked = IndexSpec { normalisation: Normalisation::Rank, ..spec }
        .compute(&[vec![3.0, 1.0], vec![3.0, 2.0], vec![1.0, 3.0]])
        .unwrap();
    assert_eq!(
        ranked.normalised.iter().map(|z| z[0]).collect::<Vec<_>>(),
        [2.5, 2.5, 1.0],
        "ties share their mean rank"
    );
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
