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

#[test]
fn wrong_methods_and_labels_are_reported() {
    let e = parse_index_config(&CONFIG.replace("zscore_population", "zscore"), "index.toml").unwrap_err().to_string();
    assert_eq!(
        e,
        "index.toml: unknown normalisation \"zscore\", expected zscore_population, zscore_sample, minmax or rank"
    );
    let e = parse_index_config(&CONFIG.replace("[\"1\", \"2\", \"3\"]", "[\"1\", \"2\"]"), "index.toml")
        .unwrap_err()
        .to_string();
    assert_eq!(e, "index.toml: status classes need 3 labels, found 2");
    let e =
        parse_index_config(&CONFIG.replace("cuts = [-1.0, 1.0]", "cuts = [-1.0, 1.0]\nquantiles = 4"), "index.toml")
            .unwrap_err()
            .to_string();
    assert_eq!(e, "index.toml: give exactly one of cuts, quantiles and equal_width (with or without top_share)");
    let e = parse_index_config("id = 1", "index.toml").unwrap_err().to_string();
    assert!(e.starts_with("index.toml:1:6: invalid type"), "{e}");
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
