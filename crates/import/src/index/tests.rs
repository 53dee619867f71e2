use super::*;

const CONFIG: &str = r#"
id = "id"
population = ["ew"]
min_population = 300

[[index]]
key = "status"
columns = { a = 1, b = -1 }
normalisation = "zscore_population"
restandardise = true
cuts = [-1.0, 1.0]
classes = ["1", "2", "3"]
"#;

#[test]
fn a_configuration_becomes_typed_methods() {
    let c = parse_index_config(CONFIG, "index.toml").unwrap();
    let spec = c.indices[0].spec().unwrap();
    assert_eq!(spec.weights, [1.0, -1.0]);
    assert_eq!(spec.normalisation, Normalisation::ZScore(Sd::Population));
    assert_eq!(spec.cutter, Cutter::Cuts(vec![-1.0, 1.0]));
    assert_eq!(c.min_population, Some(300.0));
}

fn error(text: &str) -> String {
    parse_index_config(text, "index.toml").unwrap_err().to_string()
}

#[test]
fn wrong_methods_and_labels_are_reported_at_their_line_and_column() {
    assert_eq!(
        error(&CONFIG.replace("zscore_population", "zscore")),
        "index.toml:9:17: unknown variant `zscore`, expected one of `zscore_population`, `zscore_sample`, `minmax`, \
         `goalposts`, `rank`"
    );
    assert_eq!(
        error(&CONFIG.replace("[\"1\", \"2\", \"3\"]", "[\"1\", \"2\"]")),
        "index.toml:12:11: status classes need 3 labels, found 2"
    );
    assert_eq!(
        error(&CONFIG.replace("cuts = [-1.0, 1.0]", "cuts = [-1.0, 1.0]\nquantiles = 4")),
        "index.toml:12:13: give exactly one of cuts, quantiles and equal_width (with or without top_share)"
    );
    assert_eq!(
        error(&CONFIG.replace("columns = { a = 1, b = -1 }", "columns = { a = 0 }")),
        "index.toml:8:11: give at least one column with a weight other than 0"
    );
    let e = error("id = 1");
    assert!(e.starts_with("index.toml:1:6: invalid type"), "{e}");
}

#[test]
fn every_wrong_index_is_reported() {
    let second = "\n[[index]]\nkey = \"dynamik\"\ncolumns = { c = 1 }\nnormalisation = \"rank\"\nquantiles = 2\n\
                  classes = [\"1\"]\n";
    let text = format!("{}{second}", CONFIG.replace("restandardise = true", "aggregation = \"geometric\""));
    assert_eq!(
        error(&text),
        "index.toml:10:15: the geometric mean needs positive values: use minmax, goalposts or rank normalisation, not \
         z-scores\nindex.toml:19:11: dynamik classes need 2 labels, found 1"
    );
}

#[test]
fn top_share_with_equal_width_is_the_nrw_hybrid() {
    let text = CONFIG.replace(
        "cuts = [-1.0, 1.0]\nclasses = [\"1\", \"2\", \"3\"]",
        "top_share = 0.05\nequal_width = 2\nclasses = [\"1\", \"2\", \"3\"]",
    );
    let c = parse_index_config(&text, "index.toml").unwrap();
    assert_eq!(c.indices[0].spec().unwrap().cutter, Cutter::TopShareThenEqualWidth { top_share: 0.05, rest: 2 });
}

/// An index over two columns with `normalisation`, `aggregation` and further lines.
fn part(lines: &str) -> String {
    format!(
        "id = \"id\"\n\n[[index]]\nkey = \"k\"\ncolumns = {{ a = 1, b = -2 }}\n{lines}\nquantiles = 2\nclasses = [\"1\", \"2\"]\n"
    )
}

#[test]
fn goalposts_are_read_in_column_order_and_checked() {
    let c = parse_index_config(
        &part("normalisation = \"goalposts\"\ngoalposts = { b = [0.0, 40.0], a = [5, 10] }"),
        "index.toml",
    )
    .unwrap();
    assert_eq!(
        c.indices[0].spec().unwrap().normalisation,
        Normalisation::Goalposts(vec![Goalposts { lo: 5.0, hi: 10.0 }, Goalposts { lo: 0.0, hi: 40.0 }])
    );
    assert_eq!(
        error(&part("normalisation = \"goalposts\"\ngoalposts = { a = [0.0, 40.0] }")),
        "index.toml:7:13: index k: goalposts missing for b; give goalposts = { column = [lo, hi], … } for every column"
    );
    assert_eq!(
        error(&part("normalisation = \"goalposts\"")),
        "index.toml:6:17: index k: goalposts missing for a, b; give goalposts = { column = [lo, hi], … } for every \
         column"
    );
    assert_eq!(
        error(&part("normalisation = \"goalposts\"\ngoalposts = { a = [0.0, 40.0], b = [3, 3] }")),
        "index.toml:7:36: the goalposts of b must be [lo, hi] with lo < hi, got [3, 3]"
    );
    assert_eq!(
        error(&part("normalisation = \"minmax\"\ngoalposts = { a = [0, 1], b = [0, 1], c = [0, 1] }")),
        "index.toml:7:43: goalposts for c, which is not in columns"
    );
}

#[test]
fn the_geometric_mean_takes_a_zero_rule() {
    let spec = |lines: &str| parse_index_config(&part(lines), "index.toml").unwrap().indices[0].spec().unwrap();
    assert_eq!(
        spec("normalisation = \"rank\"\naggregation = \"geometric\"").aggregation,
        Aggregation::Geometric(ZeroRule::Reject)
    );
    assert_eq!(
        spec("normalisation = \"minmax\"\naggregation = \"geometric\"\nzero_rule = { offset = 0.01 }").aggregation,
        Aggregation::Geometric(ZeroRule::Offset(0.01))
    );
    assert_eq!(spec("normalisation = \"minmax\"\naggregation = \"mean\"").aggregation, Aggregation::WeightedMean);
    assert_eq!(
        error(&part("normalisation = \"zscore_sample\"\naggregation = \"geometric\"")),
        "index.toml:7:15: the geometric mean needs positive values: use minmax, goalposts or rank normalisation, not \
         z-scores"
    );
    assert_eq!(
        error(&part("normalisation = \"rank\"\naggregation = \"geometric\"\nzero_rule = { offset = -1 }")),
        "index.toml:8:13: the offset must be a positive number, got -1"
    );
    assert_eq!(
        error(&part("normalisation = \"rank\"\nzero_rule = \"reject\"")),
        "index.toml:7:13: zero_rule applies only to aggregation = \"geometric\""
    );
    let e = error(&part("normalisation = \"rank\"\naggregation = \"geometric\"\nzero_rule = \"ignore\""));
    assert!(e.starts_with("index.toml:8:13: unknown variant `ignore`, expected `reject` or `offset`"), "{e}");
}

#[test]
fn top_share_must_be_a_share() {
    for share in ["0.0", "1.0", "1.5"] {
        let text = part(&format!("normalisation = \"rank\"\ntop_share = {share}\nequal_width = 1"))
            .replace("quantiles = 2\n", "");
        assert_eq!(
            error(&text),
            format!(
                "index.toml:7:13: top_share must lie between 0 and 1 (exclusive), got {}",
                share.trim_end_matches(".0")
            )
        );
    }
}

const SENSITIVITY: &str = "\n[sensitivity]\nruns = 500\nseed = 42\nweight_spread = 0.25\ndrop_one = true\n\
                           normalisations = [\"zscore_population\", \"minmax\", \"rank\"]\n";

#[test]
fn the_sensitivity_table_becomes_alternatives_per_index() {
    let c = parse_index_config(&format!("{CONFIG}{SENSITIVITY}"), "index.toml").unwrap();
    let s = c.sensitivity.as_ref().unwrap();
    assert_eq!((s.runs, s.seed, s.weight_spread, s.drop_one), (500, 42, 0.25, true));
    let a = c.indices[0].alternatives(s).unwrap();
    assert_eq!(a.normalisations, [Normalisation::ZScore(Sd::Population), Normalisation::MinMax, Normalisation::Rank]);
    assert_eq!((a.runs, a.seed, a.weight_spread, a.drop_one), (500, 42, 0.25, true));
}

#[test]
fn wrong_sensitivity_settings_are_reported() {
    let with = |from: &str, to: &str| error(&format!("{CONFIG}{}", SENSITIVITY.replace(from, to)));
    assert_eq!(with("runs = 500", "runs = 0"), "index.toml:15:8: runs must be at least 1");
    assert_eq!(with("0.25", "1.0"), "index.toml:17:17: weight_spread must lie in [0, 1), got 1");
    assert_eq!(
        with("\"rank\"]", "\"goalposts\"]"),
        "index.toml:19:18: index status: goalposts missing for a, b; give goalposts = { column = [lo, hi], … } for \
         every column"
    );
    let e = with("\"rank\"]", "\"median\"]");
    assert!(e.starts_with("index.toml:19:50: unknown variant `median`"), "{e}");
    let e = with("seed = 42", "seed = -1");
    assert!(e.starts_with("index.toml:16:8: invalid value"), "{e}");
    let geometric = CONFIG.replace("zscore_population\"", "rank\"\naggregation = \"geometric\"");
    assert_eq!(
        error(&format!("{geometric}{SENSITIVITY}")),
        "index.toml:20:18: index status uses the geometric mean: the geometric mean needs positive values: use minmax, \
         goalposts or rank normalisation, not z-scores"
    );
}
