use super::*;

fn csv(text: &str) -> Result<(Table, Errors), ImportErrors> {
    read_table(text.as_bytes(), "t.csv", TableOptions::default())
}

#[test]
fn sniffs_separators_and_skips_excel_sep_line() {
    let (t, _) = csv("a;b\n1,5;2\n").unwrap();
    assert_eq!(t.header, ["a", "b"]);
    assert_eq!(t.rows[0].cells[0], Cell::Text("1,5".into()));
    let (t, _) = csv("\"a,x\";b,c\n1;2,3\n").unwrap();
    assert_eq!(t.header.len(), 2);
    let (t, _) = csv("sep=,\na,b\n1;2,3\n").unwrap();
    assert_eq!(t.header, ["a", "b"]);
    assert_eq!(t.rows[0].line, 3);
    assert_eq!(t.at(3, 1).to_string(), "t.csv:3:b");
}

#[test]
fn strips_bom_and_reports_bad_bytes() {
    let (t, _) = read_table(b"\xef\xbb\xbfa;b\n1;2\n", "t.csv", TableOptions::default()).unwrap();
    assert_eq!(t.header[0], "a");
    let e = decode(b"a;b\nK\xf6ln;2\n", Encoding::Utf8, "t.csv").unwrap_err();
    assert_eq!(e.position.to_string(), "t.csv:2:2");
    assert!(e.message.contains("windows-1252"));
    assert_eq!(decode(b"K\xf6ln", Encoding::Windows1252, "t.csv").unwrap(), "Köln");
    let e = decode("a\nKöln".as_bytes(), Encoding::Windows1252, "t.csv").unwrap_err();
    assert_eq!(e.position.to_string(), "t.csv:2:2");
    assert!(e.message.contains("utf-8"));
}

#[test]
fn empty_and_header_only_files_are_errors() {
    assert_eq!(csv("").unwrap_err().to_string(), "t.csv: the file is empty");
    assert_eq!(csv("a;b\n").unwrap_err().to_string(), "t.csv: the file has a header but no data rows");
}

#[test]
fn wrong_field_counts_are_collected() {
    let (t, errors) = csv("a;b;c\n1;2\n1;2;3\n1;2;3;4\n").unwrap();
    assert_eq!(t.rows.len(), 1);
    let text = errors.into_errors().to_string();
    assert_eq!(text, "t.csv:2:c: expected 3 fields, found 2\nt.csv:4:field 4: expected 3 fields, found 4");
}

#[test]
fn line_ranges_select_data() {
    let options = TableOptions { lines: Some(Lines { from: 3, to: 3 }), ..TableOptions::default() };
    let (t, _) = read_table(b"a\n1\n2\n3\n", "t.csv", options).unwrap();
    assert_eq!(t.rows.len(), 1);
    assert_eq!(t.rows[0].cells[0].text(), "2");
}

#[test]
fn column_letters() {
    assert_eq!(column_letter(0), "A");
    assert_eq!(column_letter(25), "Z");
    assert_eq!(column_letter(26), "AA");
    assert_eq!(column_letter(68), "BQ");
}
