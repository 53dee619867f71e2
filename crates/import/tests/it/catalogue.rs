//! The indicator catalogue: the shipped file reads cleanly, and each kind of error names
//! `file:line:column`.

use std::collections::HashSet;
use std::path::Path;

use domain::expression::Expr;
use domain::indicator::{Bereich, Kind, Stage, Tier};
use domain::uncertainty::Polarity;
use import::{parse_catalogue, read_catalogue};

fn shipped() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/indikatoren/katalog.toml")
}

/// A valid table at lines 1–15 (key on line 2), changed by `extra` (see [`apply`]).
fn table(key: &str, extra: &str) -> String {
    let base = format!(
        "[[indikator]]\nkey = \"{key}\"\nlabel = \"L\"\nbereich = \"A\"\ntier = \"kern\"\nstage = \"kontext\"\n\
         kind = \"proportion\"\nnumerator = \"einwohner[alter=0..18]\"\ndenominator = \"einwohner\"\nfactor = 100\n\
         unit = \"%\"\npolarity = \"keine\"\nsource = \"S\"\nreference_date = \"31.12.\"\ninterpretation = \"I\"\n"
    );
    apply(&base, extra)
}

/// Replaces or appends the `name = value` lines given in `extra`; `name = -` removes a line.
fn apply(base: &str, extra: &str) -> String {
    let mut lines: Vec<String> = base.lines().map(str::to_owned).collect();
    for change in extra.lines().filter(|l| !l.trim().is_empty()) {
        let name = change.split('=').next().unwrap().trim();
        let position = lines.iter().position(|l| l.split('=').next().unwrap().trim() == name);
        let remove = change.split_once('=').is_some_and(|(_, v)| v.trim() == "-");
        match (position, remove) {
            (Some(i), true) => {
                lines.remove(i);
            }
            (Some(i), false) => lines[i] = change.to_owned(),
            (None, true) => {}
            (None, false) => lines.push(change.to_owned()),
        }
    }
    lines.join("\n") + "\n"
}

fn errors(text: &str) -> Vec<String> {
    parse_catalogue(text, "k.toml").unwrap_err().0.iter().map(ToString::to_string).collect()
}

fn one_error(text: &str) -> String {
    let errors = errors(text);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    errors.into_iter().next().unwrap()
}

#[test]
fn the_shipped_catalogue_reads_cleanly() {
    let definitions = read_catalogue(&shipped()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(definitions.len(), 55);
    assert!(definitions.len() >= 40);
    let keys: HashSet<_> = definitions.iter().map(|d| d.key.clone()).collect();
    assert_eq!(keys.len(), definitions.len(), "keys are unique");
    let bereiche: HashSet<_> = definitions.iter().map(|d| d.bereich).collect();
    for bereich in Bereich::ALL {
        assert!(bereiche.contains(&bereich), "no indicator in Bereich {}", bereich.letter());
    }
    for d in &definitions {
        assert_eq!(d.kind == Kind::Count, d.denominator.is_none(), "{}", d.key);
        assert!(d.factor > 0.0 && d.min_denominator >= 0.0, "{}", d.key);
    }
}

#[test]
fn a_valid_table_becomes_a_definition_with_defaults() {
    let text = table("anteil", "factor = -\nmin_denominator = -");
    let definitions = parse_catalogue(&text, "k.toml").unwrap();
    let [d] = definitions.as_slice() else { panic!("{definitions:?}") };
    assert_eq!(d.key.as_str(), "anteil");
    assert_eq!((d.bereich, d.tier, d.stage, d.kind), (Bereich::A, Tier::Kern, Stage::Kontext, Kind::Proportion));
    assert_eq!(d.polarity, Polarity::NoJudgement);
    assert_eq!(d.numerator, "einwohner[alter=0..18]".parse::<Expr>().unwrap());
    assert_eq!(d.denominator, Some("einwohner".parse::<Expr>().unwrap()));
    assert_eq!((d.factor, d.min_denominator), (1.0, 0.0));
    assert_eq!((d.unit.as_str(), d.reference_date.as_str()), ("%", "31.12."));
}

#[test]
fn a_proportion_need_not_have_factor_100() {
    assert!(parse_catalogue(&table("anteil", "factor = 1000"), "k.toml").is_ok());
}

#[test]
fn an_unknown_bereich_lists_the_allowed_ones() {
    assert_eq!(
        one_error(&table("x", "bereich = \"J\"")),
        "k.toml:4:11: unknown bereich \"J\", expected one of \"A\", \"B\", \"C\", \"D\", \"E\", \"F\", \"G\", \"H\", \"I\""
    );
}

#[test]
fn an_unknown_tier_lists_the_allowed_ones() {
    assert_eq!(
        one_error(&table("x", "tier = \"kernindikator\"")),
        "k.toml:5:8: unknown tier \"kernindikator\", expected one of \"kern\", \"ueberblick\", \"ergaenzung\""
    );
}

#[test]
fn an_unknown_stage_lists_the_allowed_ones() {
    assert_eq!(
        one_error(&table("x", "stage = \"outcome\"")),
        "k.toml:6:9: unknown stage \"outcome\", expected one of \"kontext\", \"input\", \"prozess\", \"output\""
    );
}

#[test]
fn an_unknown_kind_lists_the_allowed_ones() {
    assert_eq!(
        one_error(&table("x", "kind = \"share\"")),
        "k.toml:7:8: unknown kind \"share\", expected one of \"proportion\", \"rate\", \"ratio\", \"count\""
    );
}

#[test]
fn an_unknown_polarity_lists_the_allowed_ones() {
    assert_eq!(
        one_error(&table("x", "polarity = \"hoeher_ist_besser\"")),
        "k.toml:12:12: unknown polarity \"hoeher_ist_besser\", expected one of \"hoeher_besser\", \
         \"hoeher_schlechter\", \"keine\""
    );
}

#[test]
fn a_numerator_syntax_error_points_at_the_faulty_character() {
    // The opening quote is in column 13; the range starts at the 19th character (after an `ö`).
    assert_eq!(
        one_error(&table("x", "numerator = \"bevölkerung[alter=18..6]\"")),
        "k.toml:8:32: invalid numerator \"bevölkerung[alter=18..6]\": empty range \"18..6\""
    );
    // `alter!0..18` is read as a dimension name; the `=` is missing where the `]` is.
    assert_eq!(
        one_error(&table("x", "numerator = \"einwohner[alter!0..18]\"")),
        "k.toml:8:35: invalid numerator \"einwohner[alter!0..18]\": expected '='"
    );
}

#[test]
fn a_denominator_syntax_error_points_at_the_faulty_character() {
    // Quote in column 15; the error is after the last character (the missing `]`), at the closing quote.
    assert_eq!(
        one_error(&table("x", "denominator = \"einwohner[alter=0..18\"")),
        "k.toml:9:37: invalid denominator \"einwohner[alter=0..18\": expected ']'"
    );
}

#[test]
fn a_duplicate_key_names_the_first_occurrence() {
    let text = table("anteil", "") + &table("anteil", "");
    assert_eq!(one_error(&text), "k.toml:17:7: duplicate key \"anteil\", first defined on line 2");
}

#[test]
fn a_count_with_a_denominator_is_an_error() {
    assert_eq!(one_error(&table("x", "kind = \"count\"")), "k.toml:9:15: a count has no denominator");
}

#[test]
fn a_share_rate_or_ratio_without_a_denominator_is_an_error() {
    for kind in ["proportion", "rate", "ratio"] {
        assert_eq!(
            one_error(&table("x", &format!("kind = \"{kind}\"\ndenominator = -"))),
            format!("k.toml:7:8: a {kind} needs a denominator")
        );
    }
}

#[test]
fn a_factor_must_be_positive_and_finite() {
    assert_eq!(one_error(&table("x", "factor = 0")), "k.toml:10:10: factor must be positive and finite, not 0");
    assert_eq!(one_error(&table("x", "factor = -100")), "k.toml:10:10: factor must be positive and finite, not -100");
    assert_eq!(one_error(&table("x", "factor = inf")), "k.toml:10:10: factor must be positive and finite, not inf");
}

#[test]
fn a_negative_min_denominator_is_an_error() {
    assert_eq!(
        one_error(&table("x", "min_denominator = -5")),
        "k.toml:16:19: min_denominator must not be negative, not -5"
    );
}

#[test]
fn an_invalid_key_is_an_error() {
    assert_eq!(
        one_error(&table("a/b", "")),
        "k.toml:2:7: invalid key \"a/b\": contains a slash or a control character"
    );
}

#[test]
fn an_unknown_field_is_an_error() {
    let error = one_error(&table("x", "zaehler = \"einwohner\""));
    assert!(error.starts_with("k.toml:16:1: unknown field `zaehler`, expected one of `key`"), "{error}");
}

#[test]
fn a_missing_field_is_an_error() {
    assert_eq!(one_error(&table("x", "unit = -")), "k.toml:1:1: missing field `unit`");
}

#[test]
fn a_wrong_type_is_an_error() {
    assert_eq!(one_error(&table("x", "factor = \"100\"")), "k.toml:10:10: invalid type: string \"100\", expected f64");
}

#[test]
fn a_toml_syntax_error_is_an_error() {
    let error = one_error("[[indikator]]\nkey = \"x\nlabel = \"L\"\n");
    assert!(error.starts_with("k.toml:2:"), "{error}");
}

#[test]
fn an_unknown_top_level_table_is_an_error() {
    let text = table("x", "") + "[meta]\nversion = 1\n";
    assert_eq!(one_error(&text), "k.toml:16:2: unknown table \"meta\", expected [[indikator]]");
}

#[test]
fn an_empty_catalogue_is_an_error() {
    assert_eq!(one_error("# nothing\n"), "k.toml: the catalogue has no [[indikator]] tables");
}

#[test]
fn all_errors_are_reported_not_only_the_first() {
    let text = table("a", "bereich = \"Z\"\nnumerator = \"einwohner[\"\nfactor = 0")
        + &table("b", "kind = \"count\"\nmin_denominator = -1")
        + &table("a", "unit = -")
        + &table("a", "polarity = \"gut\"");
    assert_eq!(
        errors(&text),
        [
            "k.toml:4:11: unknown bereich \"Z\", expected one of \"A\", \"B\", \"C\", \"D\", \"E\", \"F\", \"G\", \"H\", \"I\"",
            "k.toml:8:24: invalid numerator \"einwohner[\": expected '='",
            "k.toml:10:10: factor must be positive and finite, not 0",
            "k.toml:24:15: a count has no denominator",
            "k.toml:31:19: min_denominator must not be negative, not -1",
            "k.toml:32:1: missing field `unit`",
            "k.toml:47:7: duplicate key \"a\", first defined on line 2",
            "k.toml:57:12: unknown polarity \"gut\", expected one of \"hoeher_besser\", \"hoeher_schlechter\", \"keine\"",
        ]
    );
}

#[test]
fn a_missing_file_is_an_error() {
    let error = read_catalogue(Path::new("/nonexistent/katalog.toml")).unwrap_err().to_string();
    assert!(error.starts_with("/nonexistent/katalog.toml: cannot read the catalogue: "), "{error}");
}
