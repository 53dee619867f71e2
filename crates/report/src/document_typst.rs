//! The typst markup of a Lernreport or Lebenslagenbericht: a title page, the table of contents,
//! numbered chapters that each start a page, numbered figures ("Abbildung n") and tables
//! ("Tabelle n"), running header and page numbers, and the colophon. As in the profile, every
//! piece of text enters the markup as a string literal, so nothing an author or the data writes
//! can be read as markup.

use std::fmt::Write;

use crate::document::{Content, Document, Table};
use crate::markdown::{Block, Inline};
use crate::model::{Figure, Style};
use crate::typst_source::sources;
use crate::typst_source::{FIGURE_AND_TABLE_RULES, LOGO_PATH, colour, figure, lit, t};

/// The document's figures in the order the markup numbers them.
pub(crate) fn figures(doc: &Document) -> Vec<&Figure> {
    doc.chapters
        .iter()
        .flat_map(|c| &c.content)
        .filter_map(|c| match c {
            Content::Figure(f) => Some(f),
            _ => None,
        })
        .collect()
}

fn inlines(out: &mut String, items: &[Inline]) {
    for i in items {
        match i {
            Inline::Text(text) => out.push_str(&t(text)),
            Inline::Emphasis(inner) => {
                out.push_str("#emph[");
                inlines(out, inner);
                out.push(']');
            }
            Inline::Strong(inner) => {
                out.push_str("#strong[");
                inlines(out, inner);
                out.push(']');
            }
            Inline::Code(code) => {
                let _ = write!(out, "#raw({})", lit(code));
            }
            Inline::Link(url, inner) => {
                let _ = write!(out, "#link({})[", lit(url));
                inlines(out, inner);
                out.push(']');
            }
            Inline::LineBreak => out.push_str("#linebreak()"),
        }
    }
}

fn blocks(out: &mut String, items: &[Block]) {
    for b in items {
        match b {
            Block::Heading(level, inner) => {
                let _ = write!(out, "#heading(level: {}, outlined: false)[", (level + 1).min(6));
                inlines(out, inner);
                out.push_str("]\n\n");
            }
            Block::Paragraph(inner) => {
                inlines(out, inner);
                out.push_str("\n\n");
            }
            Block::List { start, items } => {
                match start {
                    Some(n) => {
                        let _ = write!(out, "#enum(start: {n}, ");
                    }
                    None => out.push_str("#list("),
                }
                for item in items {
                    out.push('[');
                    match item.as_slice() {
                        [Block::Paragraph(inner)] => inlines(out, inner),
                        more => blocks(out, more),
                    }
                    out.push_str("], ");
                }
                out.push_str(")\n\n");
            }
            Block::Quote(inner) => {
                out.push_str("#quote(block: true)[");
                blocks(out, inner);
                out.push_str("]\n\n");
            }
        }
    }
}

pub(crate) fn table(out: &mut String, table: &Table) {
    // Names and numbers share the width in fractions (with `auto`, long text would squeeze the
    // numbers or the numbers the names); a column of short labels such as periods takes what it needs.
    let short = |i: usize| table.rows.iter().all(|r| r.get(i).is_none_or(|c| c.chars().count() <= 8));
    let columns: Vec<&str> = table
        .numeric
        .iter()
        .enumerate()
        .map(|(i, numeric)| match (numeric, short(i)) {
            (true, _) => "1fr",
            (false, true) => "auto",
            (false, false) => "2fr",
        })
        .collect();
    let align: Vec<&str> = table.numeric.iter().map(|n| if *n { "right" } else { "left" }).collect();
    let _ = writeln!(
        out,
        "#figure(kind: table, caption: [{}], table(columns: ({},), align: ({},),",
        t(&table.caption),
        columns.join(", "),
        align.join(", ")
    );
    out.push_str("  table.header(");
    for h in &table.header {
        let _ = write!(out, "[*{}*], ", t(h));
    }
    out.push_str("),\n");
    for row in &table.rows {
        out.push(' ');
        for cell in row {
            let _ = write!(out, " [{}],", t(cell));
        }
        out.push('\n');
    }
    out.push_str("))\n\n");
}

/// The typst source of a report.
pub fn document_typst_source(doc: &Document, style: &Style) -> String {
    let mut o = String::new();
    let (y, m, d) = doc.date;
    let _ = writeln!(
        o,
        "#set document(title: {}, author: {}, date: datetime(year: {y}, month: {m}, day: {d}))",
        lit(&doc.title),
        lit(doc.publisher.as_deref().unwrap_or(&doc.kommune))
    );
    let _ = writeln!(o, "#let accent = {}", colour(&style.accent));
    o.push_str(concat!(
        "#set text(lang: \"de\", region: \"DE\", font: \"Libertinus Serif\", size: 10.5pt, hyphenate: true)\n",
        "#set par(justify: true)\n",
        "#set page(paper: \"a4\", margin: (x: 2.2cm, top: 2.4cm, bottom: 2.6cm),\n",
        "  header: context if counter(page).get().first() > 1 [#set text(size: 8.5pt, fill: luma(90)); ",
    ));
    let _ = writeln!(o, "{} #h(1fr) {}],", t(&doc.title), t(&doc.kommune));
    o.push_str(concat!(
        "  footer: context if counter(page).get().first() > 1 [#set text(size: 8.5pt, fill: luma(90)); ",
        "#h(1fr) Seite #counter(page).display() von #counter(page).final().first() #h(1fr)])\n",
        "#show heading: set text(fill: accent)\n",
        "#show heading.where(level: 1): it => { pagebreak(weak: true); block(below: 1.2em, stroke: ",
        "(bottom: 0.8pt + accent), inset: (bottom: 4pt), width: 100%, text(size: 18pt, it)) }\n",
        "#show heading.where(level: 2): set block(above: 1.4em, below: 0.7em)\n",
    ));
    o.push_str(FIGURE_AND_TABLE_RULES);

    // Title page.
    o.push_str("#page[\n");
    if style.logo.is_some() {
        let _ = writeln!(o, "#place(top + right, image({}, height: 2cm, alt: \"Logo\"))", lit(LOGO_PATH));
    }
    o.push_str("#v(22%)\n");
    let _ = writeln!(o, "#text(size: 13pt, fill: accent, tracking: 1pt)[#upper({})]\n", lit(&doc.kind));
    let _ = writeln!(o, "#par(justify: false, text(size: 28pt, weight: \"bold\", fill: accent)[{}])\n", t(&doc.title));
    if let Some(sub) = &doc.subtitle {
        let _ = writeln!(o, "#par(justify: false, text(size: 14pt, hyphenate: false)[{}])\n", t(sub));
    }
    o.push_str("#v(1fr)\n");
    if let Some(publisher) = &doc.publisher {
        let _ = writeln!(o, "#text(size: 11pt)[{}] \\", t(publisher));
    }
    let _ = writeln!(o, "#text(size: 10pt, fill: luma(90))[{}]", t(&format!("Datenstand {d:02}.{m:02}.{y}")));
    o.push_str("]\n\n");

    o.push_str("#outline(title: [Inhalt], depth: 1)\n\n");
    let figs = figures(doc);
    let mut fig_no = 0;
    for chapter in &doc.chapters {
        let _ = writeln!(o, "#heading(level: 1, numbering: \"1\")[{}]\n", t(&chapter.title));
        for c in &chapter.content {
            match c {
                Content::Text(b) => blocks(&mut o, b),
                Content::Table(tab) => table(&mut o, tab),
                Content::Figure(_) => {
                    figure(&mut o, figs[fig_no], fig_no, "90%");
                    fig_no += 1;
                }
            }
        }
    }

    o.push_str(
        "#heading(level: 1)[Impressum, Quellen und Methoden]\n\n#set text(size: 8.5pt)\n#set par(justify: false)\n\n",
    );
    let _ = writeln!(
        o,
        "{}\n",
        t(&format!(
            "Erstellt mit bimo aus dem eingefrorenen Datenstand bis Release {r}: dieselbe Definition, dieselben \
             Texte, derselbe Indikatorkatalog und der Datenbestand bis zu diesem Release (bimo report bericht … --bis-release {r}) ergeben \
             dieselbe Datei. Alle Zahlen im Text stammen aus Platzhaltern, die an die Daten gebunden sind.",
            r = doc.last_release
        ))
    );
    if let Some(publisher) = &doc.publisher {
        let _ = writeln!(o, "{}\n", t(&format!("Herausgeber: {publisher}")));
    }
    sources(&mut o, &doc.releases, &doc.methods);
    o
}
