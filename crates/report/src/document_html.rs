//! A Lernreport or Lebenslagenbericht as one standalone, accessible HTML file: the title block, a
//! table of contents as `nav`, one `section` per chapter with a numbered `h2`, the narrative's
//! headings below it, figures and tables numbered as in the PDF, and the colophon.

use std::fmt::Write;

use crate::document::{Content, Document, Table};
use crate::html::{esc, figure, head, sources};
use crate::markdown::{Block, Inline};
use crate::model::Style;

fn inlines(out: &mut String, items: &[Inline]) {
    for i in items {
        match i {
            Inline::Text(text) => out.push_str(&esc(text)),
            Inline::Emphasis(inner) => {
                out.push_str("<em>");
                inlines(out, inner);
                out.push_str("</em>");
            }
            Inline::Strong(inner) => {
                out.push_str("<strong>");
                inlines(out, inner);
                out.push_str("</strong>");
            }
            Inline::Code(code) => {
                let _ = write!(out, "<code>{}</code>", esc(code));
            }
            Inline::Link(url, inner) => {
                let _ = write!(out, "<a href=\"{}\">", esc(url));
                inlines(out, inner);
                out.push_str("</a>");
            }
            Inline::LineBreak => out.push_str("<br>"),
        }
    }
}

fn blocks(out: &mut String, items: &[Block]) {
    for b in items {
        match b {
            Block::Heading(level, inner) => {
                let h = (level + 2).min(6);
                let _ = write!(out, "<h{h}>");
                inlines(out, inner);
                let _ = writeln!(out, "</h{h}>");
            }
            Block::Paragraph(inner) => {
                out.push_str("<p>");
                inlines(out, inner);
                out.push_str("</p>\n");
            }
            Block::List { start, items } => {
                let tag = if start.is_some() { "ol" } else { "ul" };
                match start {
                    Some(n) if *n != 1 => {
                        let _ = writeln!(out, "<ol start=\"{n}\">");
                    }
                    _ => {
                        let _ = writeln!(out, "<{tag}>");
                    }
                }
                for item in items {
                    out.push_str("<li>");
                    match item.as_slice() {
                        [Block::Paragraph(inner)] => inlines(out, inner),
                        more => blocks(out, more),
                    }
                    out.push_str("</li>\n");
                }
                let _ = writeln!(out, "</{tag}>");
            }
            Block::Quote(inner) => {
                out.push_str("<blockquote>\n");
                blocks(out, inner);
                out.push_str("</blockquote>\n");
            }
        }
    }
}

pub(crate) fn table(out: &mut String, no: &mut usize, table: &Table) {
    *no += 1;
    let _ = writeln!(out, "<table>\n<caption>Tabelle {no}: {}</caption>\n<thead><tr>", esc(&table.caption));
    for (h, numeric) in table.header.iter().zip(&table.numeric) {
        let class = if *numeric { " class=\"num\"" } else { "" };
        let _ = write!(out, "<th scope=\"col\"{class}>{}</th>", esc(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &table.rows {
        out.push_str("<tr>");
        for (i, (cell, numeric)) in row.iter().zip(&table.numeric).enumerate() {
            match (i, numeric) {
                (0, _) => {
                    let _ = write!(out, "<th scope=\"row\">{}</th>", esc(cell));
                }
                (_, true) => {
                    let _ = write!(out, "<td class=\"num\">{}</td>", esc(cell));
                }
                (_, false) => {
                    let _ = write!(out, "<td>{}</td>", esc(cell));
                }
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// The HTML document of a report.
pub fn document_html(doc: &Document, style: &Style) -> String {
    let mut o = String::new();
    let (y, m, d) = doc.date;
    head(&mut o, &format!("{} – {}", doc.title, doc.kommune), style);
    if let Some(logo) = &style.logo {
        let _ = writeln!(o, "<div class=\"logo\" role=\"img\" aria-label=\"Logo\">{}</div>", logo.trim_end());
    }
    let _ = writeln!(o, "<header>\n<p>{}</p>\n<h1>{}</h1>", esc(&doc.kind), esc(&doc.title));
    if let Some(sub) = &doc.subtitle {
        let _ = writeln!(o, "<p>{}</p>", esc(sub));
    }
    let publisher = doc.publisher.as_deref().map(|p| format!("{}<br>", esc(p))).unwrap_or_default();
    let _ = writeln!(o, "<p>{publisher}Datenstand {d:02}.{m:02}.{y}</p>\n</header>");
    o.push_str("<nav aria-labelledby=\"inhalt\">\n<h2 id=\"inhalt\">Inhalt</h2>\n<ol>\n");
    for (i, chapter) in doc.chapters.iter().enumerate() {
        let _ = writeln!(o, "<li><a href=\"#kapitel-{}\">{}</a></li>", i + 1, esc(&chapter.title));
    }
    o.push_str(
        "<li class=\"unnumbered\"><a href=\"#impressum\">Impressum, Quellen und Methoden</a></li>\n</ol>\n</nav>\n",
    );
    let (mut figures, mut tables) = (0, 0);
    for (i, chapter) in doc.chapters.iter().enumerate() {
        let id = format!("kapitel-{}", i + 1);
        let _ =
            writeln!(o, "<section aria-labelledby=\"{id}\">\n<h2 id=\"{id}\">{} {}</h2>", i + 1, esc(&chapter.title));
        for c in &chapter.content {
            match c {
                Content::Text(b) => blocks(&mut o, b),
                Content::Figure(f) => figure(&mut o, &mut figures, f),
                Content::Table(t) => table(&mut o, &mut tables, t),
            }
        }
        o.push_str("</section>\n");
    }
    o.push_str("<section aria-labelledby=\"impressum\">\n<h2 id=\"impressum\">Impressum, Quellen und Methoden</h2>\n");
    let _ = writeln!(
        o,
        "<p>Erstellt mit bimo aus dem eingefrorenen Datenstand bis Release {r}: dieselbe Definition, dieselben Texte, \
         derselbe Indikatorkatalog und der Datenbestand bis zu diesem Release (<code>bimo report bericht … --bis-release {r}</code>) ergeben \
         dieselbe Datei. Alle Zahlen im Text stammen aus Platzhaltern, die an die Daten gebunden sind.</p>",
        r = doc.last_release
    );
    if let Some(publisher) = &doc.publisher {
        let _ = writeln!(o, "<p>Herausgeber: {}</p>", esc(publisher));
    }
    sources(&mut o, &doc.releases, &doc.methods);
    o.push_str("</section>\n</main>\n</body>\n</html>\n");
    o
}
