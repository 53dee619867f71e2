//! The user reference `docs/MANIFEST.md` is tested: every ```toml block that is a complete manifest
//! (has a `[release]` line) must parse as one, and every other ```toml block must at least be valid
//! TOML.

use std::path::Path;

fn doc() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/MANIFEST.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// A fenced code block: its info string, the line of its opening fence (1-based) and its text.
struct Block<'a> {
    info: &'a str,
    line: usize,
    text: String,
}

/// The fenced code blocks of a Markdown text (``` fences at the start of a line).
fn code_blocks(markdown: &str) -> Vec<Block<'_>> {
    let mut blocks = Vec::new();
    let mut open: Option<Block<'_>> = None;
    for (i, line) in markdown.lines().enumerate() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(info)) => open = Some(Block { info: info.trim(), line: i + 1, text: String::new() }),
            (Some(_), Some(rest)) if rest.trim().is_empty() => blocks.extend(open.take()),
            (Some(block), _) => {
                block.text.push_str(line);
                block.text.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "docs/MANIFEST.md: a code block is not closed");
    blocks
}

fn toml_blocks(doc: &str) -> Vec<Block<'_>> {
    code_blocks(doc).into_iter().filter(|b| b.info == "toml").collect()
}

fn is_manifest(block: &Block<'_>) -> bool {
    block.text.lines().any(|l| l.trim() == "[release]")
}

#[test]
fn every_complete_manifest_in_the_reference_parses() {
    let doc = doc();
    let manifests: Vec<Block<'_>> = toml_blocks(&doc).into_iter().filter(is_manifest).collect();
    assert!(manifests.len() >= 5, "docs/MANIFEST.md has only {} complete manifests", manifests.len());
    let failures: Vec<String> = manifests
        .iter()
        .enumerate()
        .filter_map(|(i, block)| {
            let n = i + 1;
            import::parse_manifest(&block.text, &format!("docs/MANIFEST.md block {n}"))
                .err()
                .map(|e| format!("manifest block {n} (docs/MANIFEST.md line {}):\n{e}", block.line))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_toml_snippet_in_the_reference_is_valid_toml() {
    let doc = doc();
    let failures: Vec<String> = toml_blocks(&doc)
        .iter()
        .filter(|b| !is_manifest(b))
        .filter_map(|b| {
            toml::from_str::<toml::Table>(&b.text).err().map(|e| format!("docs/MANIFEST.md line {}: {e}", b.line))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_block_reader_finds_blocks_and_their_lines() {
    let blocks = code_blocks("text\n```toml\na = 1\n```\n\n```sh\nls\n```\n");
    let found: Vec<(&str, usize, &str)> = blocks.iter().map(|b| (b.info, b.line, b.text.as_str())).collect();
    assert_eq!(found, [("toml", 2, "a = 1\n"), ("sh", 6, "ls\n")]);
}
