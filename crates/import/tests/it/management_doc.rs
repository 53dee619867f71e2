//! The user references `docs/ANGEBOTE.md` and `docs/MASSNAHMEN.md` are tested: every ```toml block
//! in them parses as what it shows (a list of offers, a list of measures, a coverage configuration),
//! and so do the files the demo ships.

use std::path::Path;

use crate::index_doc::toml_blocks;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// Parses a block by what its tables say it is; `None` for a block that is none of them.
fn parse(text: &str, place: &str) -> Option<Result<(), String>> {
    let result = if text.contains("[[angebot]]") {
        import::parse_offers(text, place).map(drop)
    } else if text.contains("[[massnahme]]") {
        import::parse_measures(text, place, &|_| true).map(drop)
    } else if text.contains("[versorgung]") {
        import::parse_versorgung(text, place).map(drop)
    } else {
        return None;
    };
    Some(result.map_err(|e| e.to_string()))
}

#[test]
fn every_block_of_the_management_references_parses() {
    for doc in ["docs/ANGEBOTE.md", "docs/MASSNAHMEN.md"] {
        let text = std::fs::read_to_string(root().join(doc)).unwrap();
        let blocks = toml_blocks(&text);
        let parsed: Vec<Result<(), String>> =
            blocks.iter().filter_map(|(line, block)| parse(block, &format!("{doc} block at line {line}"))).collect();
        assert!(!parsed.is_empty(), "{doc} shows no file");
        let failures: Vec<String> = parsed.into_iter().filter_map(Result::err).collect();
        assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    }
}

#[test]
fn the_demo_files_parse() {
    let catalogue = import::read_catalogue(&root().join("data/indikatoren/katalog.toml")).unwrap();
    let known = |key: &str| catalogue.iter().any(|d| d.key.as_str() == key);
    assert_eq!(import::read_offers(&root().join("data/demo/koeln/beispiele/angebote.toml")).unwrap().len(), 12);
    assert_eq!(
        import::read_measures(&root().join("data/demo/koeln/beispiele/massnahmen.toml"), &known).unwrap().len(),
        4
    );
    let config = import::read_versorgung(&root().join("data/versorgung/koeln.toml")).unwrap();
    assert_eq!(config.zielgruppen.len(), 4);
}
