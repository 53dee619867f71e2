use super::*;

const RELEASE: &str = r#"
[release]
kommune = "koeln"
kommune_name = "Köln"
title = "T"
source = "S"
licence = "CC BY 3.0 DE"
attribution = "A"
"#;

#[test]
fn parses_a_layer_manifest_with_defaults() {
    let text = format!(
        "{RELEASE}[layer]\nkey = \"stadtteil\"\nname = \"Stadtteile\"\nfile = \"x.shp\"\nkey_field = \"K\"\nname_field = \"N\"\nvalid_from = 2005\n"
    );
    let m = parse_manifest(&text, "m.toml").unwrap();
    assert_eq!(m.release.audience, Audience::Public);
    let ContentSpec::Layer(l) = m.content else { panic!("not a layer") };
    assert_eq!(l.validity(), Validity { from: Some(2005), to: None });
    assert_eq!(l.key.as_str(), "stadtteil");
}

#[test]
fn toml_errors_name_line_and_column() {
    let text = format!("{RELEASE}[layer]\nkey = \"a/b\"\n");
    let e = parse_manifest(&text, "m.toml").unwrap_err().to_string();
    assert!(e.starts_with("m.toml:10:7: "), "{e}");
    assert!(e.contains("slash"), "{e}");
}

#[test]
fn needs_exactly_one_content_table() {
    let e = parse_manifest(RELEASE, "m.toml").unwrap_err().to_string();
    assert!(e.contains("exactly one of"), "{e}");
}

#[test]
fn long_spec_needs_one_variable_source() {
    let text = format!(
        "{RELEASE}[statistics]\nformat = \"long\"\nfile = \"a.csv\"\nlayers = [\"stadt\"]\n[statistics.long]\narea = \"a\"\nperiod = \"p\"\nvalue = \"v\"\n"
    );
    let e = parse_manifest(&text, "m.toml").unwrap_err().to_string();
    assert!(e.contains("exactly one of variable"), "{e}");
}

#[test]
fn wide_periods_accept_text_and_numbers() {
    let text = format!(
        "{RELEASE}[statistics]\nformat = \"wide\"\nfile = \"a.csv\"\nlayers = [\"stadt\"]\n[statistics.wide]\narea = \"a\"\nperiod = 2013\n[[statistics.wide.column]]\ncolumn = \"c\"\nkey = \"k\"\nlabel = \"K\"\nunit = \"percent\"\nperiod = \"2013/14\"\n"
    );
    let m = parse_manifest(&text, "m.toml").unwrap();
    let ContentSpec::Statistics(s) = m.content else { panic!("not statistics") };
    let Layout::Wide(w) = s.layout else { panic!("not wide") };
    assert_eq!(w.period, Period::Year(2013));
    assert_eq!(w.columns[0].period, Some(Period::SchoolYear(2013)));
    assert_eq!(w.columns[0].unit, Unit::Percent);
}
