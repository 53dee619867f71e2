use super::*;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn school(id: &str, schulform: &str, lon: f64, own: Option<f64>) -> SchoolInput {
    SchoolInput {
        id: id.into(),
        schulform: schulform.into(),
        location: Point::new(lon, 0.0),
        own: own.map(|x| vec![x]),
    }
}

fn area(key: &str, lon: f64, population: f64, value: f64) -> AreaInput {
    AreaInput { key: key.into(), centroid: Point::new(lon, 0.0), population, indicators: vec![value] }
}

const RULE: Catchment = Catchment { power: 2.0, floor_m: 1.0 };

/// On the equator distances are proportional to the longitude difference, so the shares are
/// ratios of small integers: area X (lon 0) is 1 unit from S1 (lon 0.01) and 2 from S2 (lon 0.02),
/// area Y (lon 0.03) 2 from S1 and 1 from S2; with power 2 the shares are 4/5 and 1/5.
fn example() -> (Vec<SchoolInput>, Vec<AreaInput>, Vec<Residence>) {
    let schools = vec![
        school("S1", "Grundschule", 0.01, Some(0.1)),
        school("S2", "Grundschule", 0.02, Some(0.3)),
        school("S3", "Hauptschule", 0.02, Some(0.5)),
    ];
    let areas = vec![area("X", 0.0, 100.0, 10.0), area("Y", 0.03, 50.0, 40.0)];
    let residence = vec![
        Residence { school: "S3".into(), area: "X".into(), pupils: 10.0 },
        Residence { school: "S3".into(), area: "Y".into(), pupils: 30.0 },
    ];
    (schools, areas, residence)
}

fn config(own: bool) -> SchoolIndexConfig {
    SchoolIndexConfig {
        area_weights: vec![1.0],
        own_weights: if own { vec![1.0] } else { vec![] },
        catchment: RULE,
        cutter: Cutter::EqualWidth(3),
    }
}

#[test]
fn the_catchment_shares_each_area_by_inverse_squared_distance_within_a_schulform() {
    let (schools, areas, _) = example();
    let w = estimate_catchment(&schools, &areas, RULE);
    assert!(close(w[0][0], 80.0) && close(w[0][1], 10.0), "{:?}", w[0]);
    assert!(close(w[1][0], 20.0) && close(w[1][1], 40.0), "{:?}", w[1]);
    // The only Hauptschule takes every area's whole population.
    assert!(close(w[2][0], 100.0) && close(w[2][1], 50.0), "{:?}", w[2]);
}

#[test]
fn the_floor_keeps_a_school_at_the_centroid_from_taking_everything() {
    let schools = [school("A", "Grundschule", 0.0, None), school("B", "Grundschule", 0.001, None)];
    // B is about 111 m away; with a 1 km floor both count as 1 km away and share equally.
    let w = estimate_catchment(&schools, &[area("X", 0.0, 10.0, 1.0)], Catchment { power: 2.0, floor_m: 1000.0 });
    assert!(close(w[0][0], 5.0) && close(w[1][0], 5.0), "{w:?}");
    // Power 0 ignores distance altogether.
    let w = estimate_catchment(&schools, &[area("X", 0.0, 10.0, 1.0)], Catchment { power: 0.0, floor_m: 1.0 });
    assert!(close(w[0][0], 5.0) && close(w[1][0], 5.0), "{w:?}");
}

#[test]
fn the_area_component_is_the_weighted_mean_and_none_without_weight() {
    let areas = [area("X", 0.0, 0.0, 10.0), area("Y", 0.0, 0.0, 40.0)];
    let c = area_component(&[80.0, 10.0], &areas).unwrap();
    assert!(close(c[0], 1200.0 / 90.0), "{c:?}");
    assert_eq!(area_component(&[0.0, 0.0], &areas), None);
}

#[test]
fn the_index_combines_area_and_own_components_by_z_scores() {
    let (schools, areas, residence) = example();
    let r = compute(&schools, &areas, &residence, &config(true)).unwrap();
    let s = &r.schools;
    // Area components: S1 (80·10 + 10·40)/90, S2 (20·10 + 40·40)/60 = 30, S3 counted (10·10 + 30·40)/40.
    assert!(close(s[0].area_component[0], 40.0 / 3.0));
    assert!(close(s[1].area_component[0], 30.0));
    assert!(close(s[2].area_component[0], 32.5));
    assert_eq!(
        [s[0].source, s[1].source, s[2].source],
        [WeightSource::Estimated, WeightSource::Estimated, WeightSource::Residence]
    );
    assert_eq!(s[2].weights, vec![("X".to_owned(), 10.0), ("Y".to_owned(), 30.0)]);
    assert_eq!(s[1].own_component, Some(vec![0.3]));
    // Hand-computed: area mean 455/18, population SD sqrt(70350/972); own z = ±sqrt(1.5).
    let sd = (70350.0_f64 / 972.0).sqrt();
    let za = [-215.0 / 18.0 / sd, 85.0 / 18.0 / sd, 130.0 / 18.0 / sd];
    let zo = [-(1.5_f64.sqrt()), 0.0, 1.5_f64.sqrt()];
    for i in 0..3 {
        assert!(close(s[i].z[0], za[i]) && close(s[i].z[1], zo[i]), "{i}: {:?}", s[i].z);
        assert!(close(s[i].index, (za[i] + zo[i]) / 2.0), "{i}");
    }
    assert!((s[0].index - -1.3143723).abs() < 1e-7 && (s[2].index - 1.0368375).abs() < 1e-7);
    // Three equal-width stages between −1.31437 and 1.03684: cuts at −0.53064 and 0.25310.
    assert_eq!([s[0].stage, s[1].stage, s[2].stage], [1, 3, 3]);
}

#[test]
fn without_own_composition_the_index_is_the_area_z_score() {
    let (schools, areas, residence) = example();
    let r = compute(&schools, &areas, &residence, &config(false)).unwrap();
    assert_eq!(r.schools[0].own_component, None);
    assert_eq!(r.schools[0].z.len(), 1);
    assert!(close(r.schools[1].index, r.schools[1].z[0]));
    // A negative weight turns the column around.
    let turned = SchoolIndexConfig { area_weights: vec![-2.0], ..config(false) };
    let t = compute(&schools, &areas, &residence, &turned).unwrap();
    assert!(close(t.schools[1].index, -r.schools[1].index));
}

#[test]
fn the_nrw_hybrid_cutter_gives_the_top_school_stage_nine() {
    // 20 schools on a line, each drawing on its own area only (residence counts), values 1..=20:
    // ceil(5 % of 20) = 1 school in stage 9, the other 19 in 8 equal-width stages.
    let schools: Vec<SchoolInput> = (0..20).map(|i| school(&format!("S{i}"), "Grundschule", 0.0, None)).collect();
    let areas: Vec<AreaInput> = (0..20).map(|i| area(&format!("A{i}"), 0.0, 1.0, f64::from(i + 1))).collect();
    let residence: Vec<Residence> =
        (0..20).map(|i| Residence { school: format!("S{i}"), area: format!("A{i}"), pupils: 1.0 }).collect();
    let cfg =
        SchoolIndexConfig { cutter: Cutter::TopShareThenEqualWidth { top_share: 0.05, rest: 8 }, ..config(false) };
    let r = compute(&schools, &areas, &residence, &cfg).unwrap();
    let stages: Vec<usize> = r.schools.iter().map(|s| s.stage).collect();
    assert_eq!(stages[19], 9);
    assert_eq!((stages[0], stages[18]), (1, 8));
    assert!(stages[..19].iter().all(|s| (1..=8).contains(s)));
}

#[test]
fn bad_input_is_named() {
    let (schools, areas, residence) = example();
    let no_columns = SchoolIndexConfig { area_weights: vec![0.0], ..config(false) };
    assert_eq!(compute(&schools, &areas, &residence, &no_columns), Err(SchoolIndexError::NoColumns));
    let bad_rule = SchoolIndexConfig { catchment: Catchment { power: 2.0, floor_m: 0.0 }, ..config(false) };
    assert_eq!(compute(&schools, &areas, &residence, &bad_rule), Err(SchoolIndexError::BadCatchment));
    let wide = SchoolIndexConfig { area_weights: vec![1.0, 1.0], ..config(false) };
    assert_eq!(
        compute(&schools, &areas, &residence, &wide),
        Err(SchoolIndexError::AreaWidth { area: "X".into(), found: 1, expected: 2 })
    );
    let mut missing_own = schools.clone();
    missing_own[1].own = None;
    assert_eq!(
        compute(&missing_own, &areas, &residence, &config(true)),
        Err(SchoolIndexError::OwnWidth { school: "S2".into(), found: 0, expected: 1 })
    );
    let unknown_area = [Residence { school: "S3".into(), area: "Z".into(), pupils: 1.0 }];
    assert_eq!(
        compute(&schools, &areas, &unknown_area, &config(false)),
        Err(SchoolIndexError::UnknownArea { school: "S3".into(), area: "Z".into() })
    );
    let unknown_school = [Residence { school: "S9".into(), area: "X".into(), pupils: 1.0 }];
    assert_eq!(
        compute(&schools, &areas, &unknown_school, &config(false)),
        Err(SchoolIndexError::UnknownSchool("S9".into()))
    );
    let negative = [Residence { school: "S3".into(), area: "X".into(), pupils: -1.0 }];
    assert!(matches!(compute(&schools, &areas, &negative, &config(false)), Err(SchoolIndexError::BadNumber { .. })));
    let zero = [Residence { school: "S3".into(), area: "X".into(), pupils: 0.0 }];
    assert_eq!(compute(&schools, &areas, &zero, &config(false)), Err(SchoolIndexError::EmptyCatchment("S3".into())));
    assert_eq!(
        compute(&schools[..1], &areas, &[], &config(false)),
        Err(SchoolIndexError::Index(IndexError::TooFewAreas(1)))
    );
    // Two schools with the same area component cannot be standardised.
    let same = [area("X", 0.0, 100.0, 10.0), area("Y", 0.03, 50.0, 10.0)];
    assert_eq!(compute(&schools, &same, &[], &config(false)), Err(SchoolIndexError::Index(IndexError::Constant(0))));
}

#[test]
fn spearman_matches_hand_computed_values() {
    // Without ties: 1 − 6·Σd²/(n(n²−1)) = 1 − 6·2/60 = 0.8.
    assert!(close(spearman(&[10.0, 20.0, 30.0, 40.0], &[1.0, 3.0, 2.0, 4.0]).unwrap(), 0.8));
    // With ties: ranks of y are 1, 2, 3.5, 5, 3.5; Σ dx·dy = 8, Σ dx² = 10, Σ dy² = 9.5.
    let rho = spearman(&[1.0, 2.0, 3.0, 4.0, 5.0], &[5.0, 6.0, 7.0, 8.0, 7.0]).unwrap();
    assert!(close(rho, 8.0 / 95.0_f64.sqrt()), "{rho}");
    assert!((rho - 0.8207827).abs() < 1e-7);
    assert!(close(spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]).unwrap(), -1.0));
    assert_eq!(spearman(&[1.0, 2.0], &[1.0, 1.0]), None);
    assert_eq!(spearman(&[1.0], &[1.0]), None);
    assert_eq!(spearman(&[1.0, 2.0], &[1.0]), None);
    assert_eq!(spearman(&[1.0, f64::NAN], &[1.0, 2.0]), None);
}

fn comparisons() -> Vec<Comparison> {
    let c = |schulform: &str, index: f64, computed: usize, published: usize| Comparison {
        schulform: schulform.into(),
        index,
        computed,
        published,
    };
    vec![
        c("Grundschule", -1.0, 1, 1),
        c("Grundschule", -0.5, 2, 3),
        c("Grundschule", 0.0, 3, 3),
        c("Gymnasium", -0.2, 2, 2),
        c("Gymnasium", 0.8, 4, 2),
    ]
}

#[test]
fn agreement_reports_exact_and_adjacent_shares_spearman_and_confusion() {
    let r = agreement(&comparisons()).unwrap();
    let t = &r.total;
    assert_eq!(t.n, 5);
    assert!(close(t.exact, 0.6) && close(t.within_one, 0.8));
    // Stage ranks: computed 1, 2.5, 4, 2.5, 5; published 1, 4.5, 4.5, 2.5, 2.5 → 4 / sqrt(9.5 · 9).
    assert!(close(t.spearman_stage.unwrap(), 4.0 / 85.5_f64.sqrt()));
    assert!((t.spearman_stage.unwrap() - 0.4325905).abs() < 1e-7);
    // Index ranks 1, 2, 4, 3, 5 → 3 / sqrt(10 · 9) = 1/sqrt(10).
    assert!(close(t.spearman_index.unwrap(), 0.1_f64.sqrt()));
    assert_eq!(t.confusion, vec![vec![1, 0, 0, 0], vec![0, 1, 0, 1], vec![0, 1, 1, 0], vec![0, 0, 0, 0]]);
    let names: Vec<&str> = r.by_schulform.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Grundschule", "Gymnasium"]);
    let g = &r.by_schulform[0].1;
    assert_eq!(g.n, 3);
    assert!(close(g.exact, 2.0 / 3.0) && close(g.within_one, 1.0));
    // Computed ranks 1, 2, 3; published 1, 2.5, 2.5 (deviations −1, 0.5, 0.5) → 1.5 / sqrt(2 · 1.5).
    assert!(close(g.spearman_stage.unwrap(), 3.0_f64.sqrt() / 2.0));
    assert_eq!(g.confusion, vec![vec![1, 0, 0], vec![0, 0, 0], vec![0, 1, 1]]);
    let y = &r.by_schulform[1].1;
    assert!(close(y.exact, 0.5) && close(y.within_one, 0.5));
    // Both Gymnasien are published in stage 2: no rank correlation.
    assert_eq!((y.spearman_stage, y.spearman_index), (None, None));
    assert_eq!(y.confusion[1], vec![0, 1, 0, 1]);
    assert_eq!(agreement(&[]), None);
}
