//! The user reference `docs/INDEX.md` is tested: every ```toml block in it is a complete index
//! configuration and must parse as one; so must every configuration shipped in `data/indizes`.

use std::path::Path;

/// The ```toml blocks of `markdown`: the line of the opening fence (1-based) and the text.
pub(crate) fn toml_blocks(markdown: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut open: Option<(usize, String)> = None;
    for (i, line) in markdown.lines().enumerate() {
        match (open.as_mut(), line.strip_prefix("```")) {
            (None, Some(info)) if info.trim() == "toml" => open = Some((i + 1, String::new())),
            (None, Some(_)) => open = Some((0, String::new())),
            (Some(_), Some(rest)) if rest.trim().is_empty() => blocks.extend(open.take().filter(|(l, _)| *l > 0)),
            (Some((_, text)), _) => {
                text.push_str(line);
                text.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "a code block is not closed");
    blocks
}

#[test]
fn every_configuration_in_the_reference_parses() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/INDEX.md");
    let doc = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let blocks = toml_blocks(&doc);
    assert!(blocks.len() >= 6, "docs/INDEX.md has only {} configurations", blocks.len());
    let failures: Vec<String> = blocks
        .iter()
        .filter_map(|(line, text)| {
            import::parse_index_config(text, &format!("docs/INDEX.md block at line {line}"))
                .err()
                .map(|e| e.to_string())
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_block_reader_keeps_only_toml_blocks() {
    let blocks = toml_blocks("text\n```toml\na = 1\n```\n\n```sh\nls\n```\n```toml\nb = 2\n```\n");
    assert_eq!(blocks, [(2, "a = 1\n".to_owned()), (9, "b = 2\n".to_owned())]);
}

#[test]
fn every_shipped_configuration_parses() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/indizes");
    let mut read = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            import::read_index_config(&path).unwrap_or_else(|e| panic!("{e}"));
            read += 1;
        }
    }
    assert!(read >= 1, "no configuration in {}", dir.display());
}
