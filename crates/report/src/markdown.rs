//! The narrative of a report: CommonMark parsed into the few blocks a city's report text needs
//! (headings, paragraphs, lists, quotes) with emphasis, code and links inside. Everything else
//! (tables, images, raw HTML, footnotes) is refused with its line and column, because it could
//! not be set the same way in the PDF and the HTML.
//!
//! Placeholders `{{ … }}` are bound before parsing; see [`crate::placeholder`].

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag};

/// A block of narrative text.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A heading; level 1 is the highest inside a chapter.
    Heading(u8, Vec<Inline>),
    /// A paragraph.
    Paragraph(Vec<Inline>),
    /// A bulleted (`start == None`) or numbered list; each item is a sequence of blocks.
    List {
        /// The number of the first item of a numbered list.
        start: Option<u64>,
        /// The items.
        items: Vec<Vec<Block>>,
    },
    /// A block quote.
    Quote(Vec<Block>),
}

/// Text inside a block.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    /// Plain text.
    Text(String),
    /// Emphasis (italics).
    Emphasis(Vec<Inline>),
    /// Strong emphasis (bold).
    Strong(Vec<Inline>),
    /// Inline code.
    Code(String),
    /// A link with its target.
    Link(String, Vec<Inline>),
    /// A hard line break.
    LineBreak,
}

/// A construct the narrative may not use, at a byte offset of the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Refused {
    /// Byte offset into the text.
    pub offset: usize,
    /// What was found, in German.
    pub what: String,
}

/// One open container while parsing.
enum Open {
    Blocks(Vec<Block>),
    Item(Vec<Block>),
    List(Option<u64>, Vec<Vec<Block>>),
    Quote(Vec<Block>),
    Inline(InlineKind, Vec<Inline>),
}

enum InlineKind {
    Heading(u8),
    Paragraph,
    Emphasis,
    Strong,
    Link(String),
}

/// The link targets a report may carry: web pages, mail addresses and anchors.
fn allowed_link(url: &str) -> bool {
    ["https://", "http://", "mailto:", "#"].iter().any(|p| url.starts_with(p))
}

/// Parses `text` (CommonMark; placeholders stay text) into blocks. Tables, footnotes, strikethrough
/// and task lists are recognised only to be refused.
pub fn parse(text: &str) -> Result<Vec<Block>, Refused> {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut stack: Vec<Open> = vec![Open::Blocks(Vec::new())];
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        let refuse = |what: &str| Refused { offset: range.start, what: what.to_owned() };
        match event {
            Event::Start(tag) => stack.push(match tag {
                Tag::Paragraph => Open::Inline(InlineKind::Paragraph, Vec::new()),
                Tag::Heading { .. } if stack.len() > 1 => {
                    return Err(refuse("eine Überschrift in einer Liste oder einem Zitat"));
                }
                Tag::Heading { level, .. } => Open::Inline(InlineKind::Heading(heading_level(level)), Vec::new()),
                Tag::BlockQuote(_) => Open::Quote(Vec::new()),
                Tag::List(first) => Open::List(first, Vec::new()),
                Tag::Item => Open::Item(Vec::new()),
                Tag::Emphasis => Open::Inline(InlineKind::Emphasis, Vec::new()),
                Tag::Strong => Open::Inline(InlineKind::Strong, Vec::new()),
                Tag::Link { dest_url, .. } if !allowed_link(&dest_url) => {
                    return Err(refuse("ein Link, der nicht mit http://, https://, mailto: oder # beginnt,"));
                }
                Tag::Link { dest_url, .. } => Open::Inline(InlineKind::Link(dest_url.into_string()), Vec::new()),
                Tag::FootnoteDefinition(_) => return Err(refuse("eine Fußnote")),
                Tag::Strikethrough => return Err(refuse("Durchgestrichenes")),
                Tag::CodeBlock(_) => return Err(refuse("ein Codeblock")),
                Tag::HtmlBlock => return Err(refuse("HTML")),
                Tag::Image { .. } => return Err(refuse("ein Bild (Abbildungen kommen aus den Daten)")),
                Tag::Table(_) | Tag::TableHead | Tag::TableRow | Tag::TableCell => {
                    return Err(refuse("eine Tabelle (Tabellen kommen aus den Daten)"));
                }
                _ => return Err(refuse("ein nicht unterstütztes Markdown-Element")),
            }),
            Event::End(_) => match stack.pop().expect("every end has a start") {
                Open::Inline(kind, inlines) => match kind {
                    InlineKind::Heading(level) => push_block(&mut stack, Block::Heading(level, inlines)),
                    InlineKind::Paragraph => push_block(&mut stack, Block::Paragraph(inlines)),
                    InlineKind::Emphasis => push_inline(&mut stack, Inline::Emphasis(inlines)),
                    InlineKind::Strong => push_inline(&mut stack, Inline::Strong(inlines)),
                    InlineKind::Link(url) => push_inline(&mut stack, Inline::Link(url, inlines)),
                },
                Open::Quote(blocks) => push_block(&mut stack, Block::Quote(blocks)),
                Open::List(start, items) => push_block(&mut stack, Block::List { start, items }),
                Open::Item(blocks) => match stack.last_mut() {
                    Some(Open::List(_, items)) => items.push(blocks),
                    _ => return Err(refuse("eine unvollständige Struktur")),
                },
                Open::Blocks(_) => return Err(refuse("eine unvollständige Struktur")),
            },
            Event::Text(t) => text_inline(&mut stack, &t),
            Event::Code(c) => push_inline(&mut stack, Inline::Code(c.into_string())),
            Event::SoftBreak => text_inline(&mut stack, " "),
            Event::HardBreak => push_inline(&mut stack, Inline::LineBreak),
            Event::Html(_) | Event::InlineHtml(_) => return Err(refuse("HTML")),
            Event::Rule => return Err(refuse("eine Trennlinie")),
            Event::FootnoteReference(_) => return Err(refuse("eine Fußnote")),
            Event::TaskListMarker(_) => return Err(refuse("eine Aufgabenliste")),
            _ => return Err(refuse("ein nicht unterstütztes Markdown-Element")),
        }
    }
    match stack.pop() {
        Some(Open::Blocks(blocks)) if stack.is_empty() => Ok(blocks),
        _ => Err(Refused { offset: text.len(), what: "eine unvollständige Struktur".to_owned() }),
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Adds a block to the innermost container of blocks. Loose text inside a list item (a "tight"
/// item has no paragraph) arrives as inlines and is wrapped into a paragraph there.
fn push_block(stack: &mut [Open], block: Block) {
    match stack.last_mut() {
        Some(Open::Blocks(blocks) | Open::Item(blocks) | Open::Quote(blocks)) => blocks.push(block),
        // A list holds items, an inline container inlines: the parser never puts a block there.
        Some(Open::List(..) | Open::Inline(..)) | None => {}
    }
}

fn push_inline(stack: &mut [Open], inline: Inline) {
    match stack.last_mut() {
        Some(Open::Inline(_, inlines)) => inlines.push(inline),
        Some(Open::Item(blocks)) => match blocks.last_mut() {
            Some(Block::Paragraph(inlines)) => inlines.push(inline),
            _ => blocks.push(Block::Paragraph(vec![inline])),
        },
        _ => {}
    }
}

/// Adds text, joined to the text before it (the parser splits text at every special character).
fn text_inline(stack: &mut [Open], text: &str) {
    let last = match stack.last_mut() {
        Some(Open::Inline(_, inlines)) => inlines.last_mut(),
        Some(Open::Item(blocks)) => match blocks.last_mut() {
            Some(Block::Paragraph(inlines)) => inlines.last_mut(),
            _ => None,
        },
        _ => None,
    };
    match last {
        Some(Inline::Text(t)) => t.push_str(text),
        _ => push_inline(stack, Inline::Text(text.to_owned())),
    }
}

/// The blocks with their heading levels made dense from 1, in document order: a heading is at
/// most one level below the one before it (the first is level 1), and at most level 4, so neither
/// the PDF (PDF/UA forbids skipped levels) nor the HTML (a chapter is `h2`) skips a level. An
/// author's `##`, `####`, `###` become 1, 2, 2. Headings only stand at the top (see [`parse`]).
pub fn dense_headings(blocks: Vec<Block>) -> Vec<Block> {
    let mut used: Vec<u8> =
        blocks.iter().filter_map(|b| if let Block::Heading(l, _) = b { Some(*l) } else { None }).collect();
    used.sort_unstable();
    used.dedup();
    let mut previous = 0;
    blocks
        .into_iter()
        .map(|b| match b {
            Block::Heading(level, inlines) => {
                let rank = used.iter().position(|l| *l == level).map_or(1, |i| i + 1);
                let dense = rank.min(previous + 1).min(4);
                previous = dense;
                Block::Heading(u8::try_from(dense).unwrap_or(4), inlines)
            }
            other => other,
        })
        .collect()
}

/// The blocks with every piece of plain text passed through `f` (code and link targets are left
/// as they are); the first error stops.
pub fn map_text<E>(blocks: Vec<Block>, f: &mut impl FnMut(&str) -> Result<String, E>) -> Result<Vec<Block>, E> {
    fn inlines<E>(items: Vec<Inline>, f: &mut impl FnMut(&str) -> Result<String, E>) -> Result<Vec<Inline>, E> {
        items
            .into_iter()
            .map(|i| {
                Ok(match i {
                    Inline::Text(t) => Inline::Text(f(&t)?),
                    Inline::Emphasis(inner) => Inline::Emphasis(inlines(inner, f)?),
                    Inline::Strong(inner) => Inline::Strong(inlines(inner, f)?),
                    Inline::Link(url, inner) => Inline::Link(url, inlines(inner, f)?),
                    other @ (Inline::Code(_) | Inline::LineBreak) => other,
                })
            })
            .collect()
    }
    blocks
        .into_iter()
        .map(|b| {
            Ok(match b {
                Block::Heading(level, inner) => Block::Heading(level, inlines(inner, f)?),
                Block::Paragraph(inner) => Block::Paragraph(inlines(inner, f)?),
                Block::List { start, items } => {
                    Block::List { start, items: items.into_iter().map(|i| map_text(i, f)).collect::<Result<_, E>>()? }
                }
                Block::Quote(inner) => Block::Quote(map_text(inner, f)?),
            })
        })
        .collect()
}

/// Line and column (both from 1, the column counted in characters) of a byte offset of `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str) -> Inline {
        Inline::Text(t.to_owned())
    }

    #[test]
    fn headings_paragraphs_and_inlines() {
        let blocks =
            parse("# Titel\n\nEin *kurzer* und **wichtiger** Satz\nmit `code` und [Link](https://x.de).\n").unwrap();
        assert_eq!(
            blocks,
            vec![
                Block::Heading(1, vec![text("Titel")]),
                Block::Paragraph(vec![
                    text("Ein "),
                    Inline::Emphasis(vec![text("kurzer")]),
                    text(" und "),
                    Inline::Strong(vec![text("wichtiger")]),
                    text(" Satz mit "),
                    Inline::Code("code".to_owned()),
                    text(" und "),
                    Inline::Link("https://x.de".to_owned(), vec![text("Link")]),
                    text("."),
                ]),
            ]
        );
    }

    #[test]
    fn tight_and_nested_lists_and_quotes() {
        let blocks = parse("- eins\n- zwei\n  1. a\n  2. b\n\n> Zitat\n").unwrap();
        assert_eq!(
            blocks,
            vec![
                Block::List {
                    start: None,
                    items: vec![
                        vec![Block::Paragraph(vec![text("eins")])],
                        vec![
                            Block::Paragraph(vec![text("zwei")]),
                            Block::List {
                                start: Some(1),
                                items: vec![
                                    vec![Block::Paragraph(vec![text("a")])],
                                    vec![Block::Paragraph(vec![text("b")])]
                                ]
                            }
                        ],
                    ]
                },
                Block::Quote(vec![Block::Paragraph(vec![text("Zitat")])]),
            ]
        );
    }

    #[test]
    fn refused_constructs_name_their_place() {
        let t = "Text\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";
        assert_eq!(line_column(t, parse(t).unwrap_err().offset), (3, 1));
        for refused in [
            "Satz[^1].\n\n[^1]: Fußnote\n",
            "~~weg~~\n",
            "- [ ] offen\n",
            "[x](javascript:alert(1))\n",
            "- Punkt\n\n  ## Titel\n",
        ] {
            assert!(parse(refused).is_err(), "{refused:?} is refused");
        }
        let e = parse("Absatz\n\n![Karte](karte.png)\n").unwrap_err();
        assert_eq!(line_column("Absatz\n\n![Karte](karte.png)\n", e.offset), (3, 1));
        assert!(e.what.contains("Bild"), "{e:?}");
        let t = "eins\n\nzwei <b>fett</b>\n";
        let e = parse(t).unwrap_err();
        assert_eq!((line_column(t, e.offset), e.what.as_str()), ((3, 6), "HTML"));
    }

    #[test]
    fn heading_levels_become_dense() {
        let blocks = dense_headings(parse("## A\n\n#### B\n\n### C\n\n## D\n\n###### E\n").unwrap());
        let levels: Vec<u8> = blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading(l, _) => Some(*l),
                _ => None,
            })
            .collect();
        assert_eq!(levels, vec![1, 2, 2, 1, 2]);
    }

    #[test]
    fn numbered_lists_keep_their_start() {
        let blocks = parse("3. drei\n4. vier\n").unwrap();
        assert!(matches!(&blocks[0], Block::List { start: Some(3), items } if items.len() == 2), "{blocks:?}");
    }

    #[test]
    fn line_column_counts_characters() {
        assert_eq!(line_column("äb\ncd", 0), (1, 1));
        assert_eq!(line_column("äb\ncd", 3), (1, 3));
        assert_eq!(line_column("äb\ncd", 5), (2, 2));
    }
}
