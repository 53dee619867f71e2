use super::*;
use proptest::prelude::*;

/// A p-table written by hand (js = 1, D = 2): block 1 publishes 0, 2, 3 with 0.6, 0.2, 0.2; block 2
/// (all counts from 2 up) shifts by −2, 0, +1, +2 with 0.25, 0.375, 0.25, 0.125.
const HAND: &str = "i;j;p;v;p_int_ub
0;0;1;0;1
1;0;0.6;-1;0.6
1;2;0.2;1;0.8
1;3;0.2;2;1
2;0;0.25;-2;0.25
2;2;0.375;0;0.625
2;3;0.25;1;0.875
2;4;0.125;2;1
";

fn key(units: u32) -> CellKey {
    CellKey::from_sum(u64::from(units))
}

fn error(text: &str) -> (usize, Option<String>, PTableProblem) {
    let error = PTable::parse(text).unwrap_err();
    (error.line, error.column, error.problem)
}

#[test]
fn cell_keys_are_sums_modulo_one() {
    assert_eq!(CellKey::from_sum(0).units(), 0);
    assert_eq!(CellKey::from_sum(99_999_999).units(), 99_999_999);
    assert_eq!(CellKey::from_sum(100_000_000).units(), 0);
    assert_eq!(CellKey::from_sum(250_000_006).units(), 50_000_006);
    assert_eq!(CellKey::from_sum(25_000_000).value(), 0.25);
    // A parent cell: its key from the sum of all its records equals the sum of its leaves' keys.
    let leaves: [u64; 3] = [150_000_000, 99_999_999, 7];
    let parent = CellKey::from_sum(leaves.iter().sum());
    assert_eq!(parent.units(), 50_000_006);
    assert_eq!(leaves.iter().map(|sum| CellKey::from_sum(*sum)).sum::<CellKey>(), parent);
    assert_eq!(key(60_000_000) + key(40_000_001), key(1));
}

#[test]
fn the_hand_table_is_read_with_exact_bounds() {
    let table = PTable::parse(HAND).unwrap();
    assert_eq!(table.max_i(), 2);
    let bounds: Vec<(u32, u32, i32, u32, u32)> = table.rows().map(|r| (r.i, r.j, r.v, r.lower, r.upper)).collect();
    assert_eq!(
        bounds,
        [
            (0, 0, 0, 0, 100_000_000),
            (1, 0, -1, 0, 60_000_000),
            (1, 2, 1, 60_000_000, 80_000_000),
            (1, 3, 2, 80_000_000, 100_000_000),
            (2, 0, -2, 0, 25_000_000),
            (2, 2, 0, 25_000_000, 62_500_000),
            (2, 3, 1, 62_500_000, 87_500_000),
            (2, 4, 2, 87_500_000, 100_000_000),
        ]
    );
}

#[test]
fn perturbation_takes_the_first_row_whose_upper_bound_exceeds_the_key() {
    let table = PTable::parse(HAND).unwrap();
    let published = |n, units| table.perturb(n, key(units));
    // Block 1 at its boundaries.
    assert_eq!(
        [0, 59_999_999, 60_000_000, 79_999_999, 80_000_000, 99_999_999].map(|k| published(1, k)),
        [0, 0, 2, 2, 3, 3]
    );
    // Block 2.
    assert_eq!([24_999_999, 25_000_000, 62_499_999, 62_500_000, 87_500_000].map(|k| published(2, k)), [0, 2, 2, 3, 4]);
    // Counts from max_i up use the last block.
    assert_eq!([0, 30_000_000, 70_000_000, 90_000_000].map(|k| published(10, k)), [8, 10, 11, 12]);
    assert_eq!(published(u64::MAX, 90_000_000), u64::MAX);
    // Zero stays zero, whatever the key.
    assert_eq!([0, 50_000_000, 99_999_999].map(|k| published(0, k)), [0, 0, 0]);
}

#[test]
fn the_sas_variant_with_padding_and_lower_bounds_is_read() {
    let text = " i ; j ;    p ;  v ; p_int_lb ; p_int_ub\n\
                0 ; 0 ; 1.00 ;  0 ;  0.00000 ; 1.00000\n\
                \n\
                1 ; 0 ; 0.50 ; -1 ;  0.00000 ; 0.50000\n\
                1 ; 2 ; 0.50 ;  1 ;  0.50000 ; 1.00000\n";
    let table = PTable::parse(text).unwrap();
    assert_eq!(table.perturb(1, key(49_999_999)), 0);
    assert_eq!(table.perturb(5, key(50_000_000)), 6);
    let comma = "j,i,v,p,p_int_ub,type\n0,0,0,1,1,all\n0,1,-1,0.5,0.5,all\n2,1,1,0.5,1,all\n";
    assert_eq!(
        PTable::parse(comma).unwrap(),
        PTable::parse("i;j;p;v;p_int_ub\n0;0;1;0;1\n1;0;0.5;-1;0.5\n1;2;0.5;1;1").unwrap()
    );
}

#[test]
fn interval_bounds_are_converted_exactly() {
    // 0.00001 · 10⁸ is 1000.0000000000001 in floating point; the key 1000 lies above the bound.
    assert_eq!(key_units_above("0.00001"), Some(1_000));
    assert_eq!(key_units_above("1e-08"), Some(1));
    assert_eq!(key_units_above("0.123456781"), Some(12_345_679));
    assert_eq!(key_units_above("1.0E0"), Some(100_000_000));
    assert_eq!(key_units_above("0"), Some(0));
    assert_eq!(key_units_above("1e-400"), Some(1));
    assert_eq!(key_units_above("0.5x"), None);
    let table = PTable::parse("i;j;p;v;p_int_ub\n0;0;1;0;1\n1;0;0.00001;-1;0.00001\n1;2;0.99999;1;1\n").unwrap();
    assert_eq!(table.perturb(1, key(999)), 0);
    assert_eq!(table.perturb(1, key(1_000)), 2);
}

#[test]
fn parse_errors_name_line_and_column() {
    let column = |name: &str| Some(name.to_owned());
    assert_eq!(error(""), (1, None, PTableProblem::Empty));
    assert_eq!(error("i;j;p;v;p_int_ub\n"), (2, None, PTableProblem::Empty));
    assert_eq!(error("i;j;q;v;p_int_ub\n"), (1, column("q"), PTableProblem::UnknownColumn));
    assert_eq!(error("i;j;p;v;j\n"), (1, column("j"), PTableProblem::DuplicateColumn));
    assert_eq!(error("i;j;p;v\n0;0;1;0\n"), (1, column("p_int_ub"), PTableProblem::MissingColumn));
    let replace = |line: &str, by: &str| error(&HAND.replace(line, by));
    assert_eq!(replace("1;2;0.2;1;0.8", "1;2;0.2;1"), (4, None, PTableProblem::FieldCount { expected: 5, found: 4 }));
    assert_eq!(replace("1;2;0.2;1;0.8", "1;2;x;1;0.8"), (4, column("p"), PTableProblem::Number("x".to_owned())));
    assert_eq!(replace("1;2;0.2;1;0.8", "1;2;1.5;1;0.8"), (4, column("p"), PTableProblem::Probability(1.5)));
    assert_eq!(replace("1;0;0.6;-1;0.6", "1;-1;0.6;-2;0.6"), (3, column("j"), PTableProblem::NegativeCount(-1)));
    assert_eq!(
        replace("1;2;0.2;1;0.8", "1;2;0.2;2;0.8"),
        (4, column("v"), PTableProblem::Deviation { expected: 1, found: 2 })
    );
    assert_eq!(replace("0;0;1;0;1", "0;1;1;1;1"), (2, column("j"), PTableProblem::ZeroChanged));
    assert_eq!(replace("1;3;0.2;2;1", "1;1;0.2;0;1"), (5, column("j"), PTableProblem::RowOrder));
    assert_eq!(replace("1;3;0.2;2;1", "1;3;0.1;2;0.9"), (5, column("p"), PTableProblem::BlockSum { i: 1, sum: 0.9 }));
    assert_eq!(
        replace("1;2;0.2;1;0.8", "1;2;0.2;1;0.7"),
        (4, column("p_int_ub"), PTableProblem::Interval { expected: 0.8, found: 0.7 })
    );
    assert_eq!(
        error("i;j;p;v;p_int_ub\n1;0;1;-1;1\n"),
        (2, column("i"), PTableProblem::BlockOrder { expected: 0, found: 1 })
    );
    let gap = "i;j;p;v;p_int_ub\n0;0;1;0;1\n2;0;1;-2;1\n";
    assert_eq!(error(gap), (3, column("i"), PTableProblem::BlockOrder { expected: 1, found: 2 }));
    let lower = "i;j;p;v;p_int_lb;p_int_ub\n0;0;1;0;0;1\n1;0;0.5;-1;0;0.5\n1;2;0.5;1;0.4;1\n";
    assert_eq!(error(lower), (4, column("p_int_lb"), PTableProblem::Interval { expected: 0.5, found: 0.4 }));
    let message = PTable::parse(&HAND.replace("1;2;0.2;1;0.8", "1;2;1.5;1;0.8")).unwrap_err().to_string();
    assert_eq!(message, "line 4, column p: 1.5 is outside [0, 1]");
}

/// METHODS.md §5.4 and cellKey's tests: D = 5, V = 3, js = 2, pstay = 0.5 gives 66 rows, max i = 8,
/// mean p 0.136 and mean v 1.045.
#[test]
fn the_reference_table_has_the_structure_of_ptables() {
    let table = PTable::maximum_entropy(5, 3.0, 2, Some(0.5)).unwrap();
    let rows: Vec<&PTableRow> = table.rows().collect();
    assert_eq!(rows.len(), 66);
    assert_eq!(table.max_i(), 8);
    let mean =
        |f: &dyn Fn(&PTableRow) -> f64| (rows.iter().map(|r| f(r)).sum::<f64>() / 66.0 * 1000.0).round() / 1000.0;
    assert_eq!(mean(&|r| r.p), 0.136);
    assert_eq!(mean(&|r| f64::from(r.v)), 1.045);
    for i in 0..=8 {
        let block: Vec<&&PTableRow> = rows.iter().filter(|r| r.i == i).collect();
        let moment = |power: i32| block.iter().map(|r| r.p * f64::from(r.v).powi(power)).sum::<f64>();
        assert_eq!(block.last().unwrap().upper, RECORD_KEY_SCALE);
        assert!((moment(0) - 1.0).abs() < 1e-12, "block {i}");
        assert!(moment(1).abs() < 1e-6, "block {i}: mean {}", moment(1));
        if i > 0 {
            assert!((moment(2) - 3.0).abs() < 1e-6, "block {i}: variance {}", moment(2));
        }
        if let Some(stay) = block.iter().find(|r| r.v == 0).filter(|_| i > 0) {
            assert!(stay.p >= 0.5 - 1e-8, "block {i}: pstay {}", stay.p);
        }
        assert!(block.iter().all(|r| r.j == 0 || r.j > 2));
    }
}

/// `create_cnt_ptable(D = 5, V = 3, js = 2)@tMatrix` as printed in ptable's vignette (1.0.0), rows
/// i = 1..=8 over j = 0, 3, 4, …, 13; nloptr's SLSQP solves to about 10⁻⁷.
const VIGNETTE_D5_V3_JS2: [[f64; 12]; 8] = [
    [0.73446954, 0.136720190, 0.07279631, 0.03742956, 0.018584399, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.40880704, 0.406643537, 0.14762401, 0.03231882, 0.004266868, 0.0003397188, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.20398618, 0.393662525, 0.24749239, 0.11056847, 0.035102043, 0.0079189055, 0.001269491, 0.0, 0.0, 0.0, 0.0, 0.0],
    [
        0.08485487,
        0.277921233,
        0.27792123,
        0.18939369,
        0.105125448,
        0.0454553570,
        0.015310774,
        0.004017391,
        0.0,
        0.0,
        0.0,
        0.0,
    ],
    [
        0.02014749,
        0.173347467,
        0.22063302,
        0.22131828,
        0.174967643,
        0.1090164652,
        0.053532830,
        0.020717693,
        0.006319113,
        0.0,
        0.0,
        0.0,
    ],
    [
        0.0,
        0.072029825,
        0.13671708,
        0.19735138,
        0.216652933,
        0.1808822561,
        0.114850887,
        0.055459983,
        0.020367237,
        0.005688418,
        0.0,
        0.0,
    ],
    [
        0.0,
        0.018439196,
        0.05548389,
        0.12162104,
        0.194208159,
        0.2259140226,
        0.191441399,
        0.118180404,
        0.053146176,
        0.017410672,
        0.004155049,
        0.0,
    ],
    [
        0.0,
        0.003791861,
        0.01659093,
        0.05229263,
        0.118730368,
        0.1941934608,
        0.228801496,
        0.194193460,
        0.118730371,
        0.052292634,
        0.016590928,
        0.00379186,
    ],
];

/// ptable's vignette: `create_cnt_ptable(D = 5, V = 3, js = 2)` – every probability within 10⁻⁷,
/// including block 4, where the monotony constraint ties p(v = −1) = p(v = 0), and blocks 1 and 2,
/// whose stay is blocked.
#[test]
fn construction_reproduces_ptables_vignette_table() {
    let table = PTable::maximum_entropy(5, 3.0, 2, None).unwrap();
    for (index, expected) in VIGNETTE_D5_V3_JS2.iter().enumerate() {
        let i = index as u32 + 1;
        let columns = [0, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
        for (j, p) in columns.iter().zip(expected) {
            let found = table.rows().find(|r| r.i == i && r.j == *j).map_or(0.0, |r| r.p);
            assert!((found - p).abs() < 1e-7, "i = {i}, j = {j}: {found} against {p}");
        }
    }
}

/// ptable's vignette: `create_cnt_ptable(D = 2, V = 0.9)@pTable`, read from its printed form, is
/// exactly what the construction gives (block 1: mono ties p(v = −1) = p(v = 0) = 0.3625).
#[test]
fn construction_reproduces_ptables_vignette_ptable_exactly() {
    let printed = "i;j;p;v;p_int_lb;p_int_ub;type
0;0;1.00000000;0;0.00000000;1.00000000;all
1;0;0.36250000;-1;0.00000000;0.36250000;all
1;1;0.36250000;0;0.36250000;0.72500000;all
1;2;0.18750000;1;0.72500000;0.91250000;all
1;3;0.08750000;2;0.91250000;1.00000000;all
2;0;0.05154609;-2;0.00000000;0.05154609;all
2;1;0.24381564;-1;0.05154609;0.29536173;all
2;2;0.40927654;0;0.29536173;0.70463827;all
2;3;0.24381564;1;0.70463827;0.94845391;all
2;4;0.05154609;2;0.94845391;1.00000000;all";
    assert_eq!(PTable::maximum_entropy(2, 0.9, 0, None).unwrap(), PTable::parse(printed).unwrap());
}

/// ptable's vignette: with `D = 2, V = 1` count 1 cannot reach the variance (ptable reports p_var
/// 0.93188, p_stay 0.36649 after 20 iterations); the symmetric block is 0.06382714, 0.24469145,
/// 0.38296282, …. With `D = 4, V = 1, pstay = 0.5` every block keeps p_stay 0.5 and variance 1.
#[test]
fn construction_reproduces_ptables_vignette_checks() {
    let rounded = |x: f64, digits: i32| (x * 10f64.powi(digits)).round() / 10f64.powi(digits);
    let block =
        |table: &PTable, i: u32| -> Vec<(i32, f64)> { table.rows().filter(|r| r.i == i).map(|r| (r.v, r.p)).collect() };
    let moments = |rows: &[(i32, f64)]| {
        let stay = rows.iter().find(|(v, _)| *v == 0).map_or(0.0, |(_, p)| *p);
        (rounded(stay, 5), rounded(rows.iter().map(|(v, p)| p * f64::from(v * v)).sum(), 5))
    };
    let short = PTable::maximum_entropy(2, 1.0, 0, None).unwrap();
    assert_eq!(moments(&block(&short, 1)), (0.36649, 0.93188));
    let symmetric: Vec<f64> = block(&short, 2).iter().map(|(_, p)| rounded(*p, 8)).collect();
    assert_eq!(symmetric, [0.06382714, 0.24469145, 0.38296282, 0.24469145, 0.06382714]);
    let stay = PTable::maximum_entropy(4, 1.0, 0, Some(0.5)).unwrap();
    for i in 1..=4 {
        assert_eq!(moments(&block(&stay, i)), (0.5, 1.0), "block {i}");
    }
}

#[test]
fn construction_rejects_impossible_parameters() {
    assert_eq!(PTable::maximum_entropy(0, 1.0, 0, None), Err(ConstructionError::MaximumDeviation));
    assert_eq!(PTable::maximum_entropy(2, 0.0, 0, None), Err(ConstructionError::Variance(0.0)));
    assert_eq!(PTable::maximum_entropy(2, 1.0, 0, Some(1.0)), Err(ConstructionError::Stay(1.0)));
    // Count 1 with js = 2 can only go to 0 (v = −1) or 3..=6 (v ≥ 2): the variance is at least 2.
    assert_eq!(PTable::maximum_entropy(5, 1.5, 2, None), Err(ConstructionError::Infeasible { i: 1 }));
}

proptest! {
    #[test]
    fn perturbation_is_deterministic_keeps_zero_and_skips_small_counts(
        d in 1u32..=6,
        variance in 0.5f64..6.0,
        js in 0u32..=3,
        pstay in proptest::option::of(0.05f64..0.9),
        n in 0u64..40,
        units in 0u32..RECORD_KEY_SCALE,
    ) {
        let table = PTable::maximum_entropy(d, variance, js, pstay);
        prop_assume!(table.is_ok());
        let table = table.unwrap();
        let published = table.perturb(n, key(units));
        prop_assert_eq!(published, table.perturb(n, key(units)));
        prop_assert!(published.abs_diff(n) <= u64::from(d));
        prop_assert!(published == 0 || published > u64::from(js));
        prop_assert_eq!(table.perturb(0, key(units)), 0);
    }
}
