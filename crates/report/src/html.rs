//! The Quartiersprofil as one standalone, accessible HTML file: `lang="de"`, one `h1`, sections
//! with headings, tables with `caption` and `th scope`, and the same SVGs as the PDF inline (each
//! carries its own `<title>` and `<desc>`), inside `figure` with `figcaption`.

use std::fmt::Write;

use crate::model::{Figure, MethodNote, Profile, ReleaseNote, Style};

/// `text` escaped for HTML text and attribute values.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// The accent colour if it is `#rrggbb`, else the default blue.
pub(crate) fn accent(style: &Style) -> &str {
    let ok = style.accent.len() == 7
        && style.accent.starts_with('#')
        && style.accent[1..].chars().all(|c| c.is_ascii_hexdigit());
    if ok { &style.accent } else { "#08519c" }
}

pub(crate) fn figure(out: &mut String, no: &mut usize, f: &Figure) {
    *no += 1;
    let legend = f.legend.as_deref().map(|l| format!("\n{}", l.trim_end())).unwrap_or_default();
    let _ = writeln!(
        out,
        "<figure>\n{}{legend}\n<figcaption>Abbildung {no}: {}</figcaption>\n</figure>",
        f.svg.trim_end(),
        esc(&f.caption)
    );
}

/// The document head with its style sheet, up to the opening `<main>`.
pub(crate) fn head(out: &mut String, title: &str, style: &Style) {
    let _ = writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"de\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>",
        esc(title)
    );
    let _ = writeln!(
        out,
        "<style>\nbody {{ font-family: Georgia, serif; max-width: 50rem; margin: 2rem auto; padding: 0 1rem; \
         line-height: 1.45; color: #1a1a1a; hyphens: auto; }}\nh1, h2 {{ color: {a}; }}\n\
         h2 {{ border-bottom: 1px solid {a}; }}\ntable {{ border-collapse: collapse; width: 100%; }}\n\
         th, td {{ text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #ccc; vertical-align: top; }}\n\
         td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}\ncaption {{ text-align: left; \
         font-style: italic; }}\nfigure {{ margin: 1.5rem 0; }}\nfigure svg {{ max-width: 100%; height: auto; }}\n\
         .logo svg {{ height: 3rem; width: auto; float: right; }}\n</style>\n</head>\n<body>\n<main>",
        a = accent(style)
    );
}

/// The HTML document of a profile.
pub fn html(p: &Profile, style: &Style) -> String {
    let mut o = String::new();
    let title = format!("Quartiersprofil {}", p.area_name);
    let (y, m, d) = p.date;
    head(&mut o, &format!("{} – {}", title, p.kommune), style);
    if let Some(logo) = &style.logo {
        let _ = writeln!(o, "<div class=\"logo\" role=\"img\" aria-label=\"Logo\">{}</div>", logo.trim_end());
    }
    let _ = writeln!(o, "<h1>{}</h1>", esc(&title));
    let sub = crate::typst_source::subtitle(p);
    let _ = writeln!(o, "<p>{}<br>Datenstand {d:02}.{m:02}.{y}</p>", esc(&sub));
    if let Some(text) = &p.text {
        let _ = writeln!(o, "<p>{}</p>", esc(text));
    }
    let mut no = 0;
    // Tables are numbered as in the PDF: key indicators, institutions, planning.
    let mut tables = 0;
    let next = |n: &mut usize| {
        *n += 1;
        *n
    };
    let _ = writeln!(o, "<section aria-labelledby=\"lage\">\n<h2 id=\"lage\">Lage</h2>");
    figure(&mut o, &mut no, &p.locator);
    o.push_str(
        "</section>\n<section aria-labelledby=\"kennzahlen\">\n<h2 id=\"kennzahlen\">Kennzahlen im Vergleich</h2>\n",
    );
    if p.indicators.is_empty() {
        o.push_str("<p>Für dieses Gebiet ist kein Indikator berechenbar.</p>\n");
    } else {
        let _ = writeln!(
            o,
            "<table>\n<caption>Tabelle {}: Indikatoren von {} im Vergleich; Signifikanz gegenüber der Gesamtstadt (95 %)</caption>",
            next(&mut tables),
            esc(&p.area_name)
        );
        o.push_str("<thead><tr><th scope=\"col\">Indikator</th><th scope=\"col\">Stand</th>");
        for c in &p.compared {
            let _ = write!(o, "<th scope=\"col\" class=\"num\">{}</th>", esc(c));
        }
        o.push_str("<th scope=\"col\">Vergleich mit der Gesamtstadt</th></tr></thead>\n<tbody>\n");
        let mut group = None;
        for l in &p.indicators {
            if group != Some(&l.group) {
                let _ = writeln!(
                    o,
                    "<tr><th scope=\"rowgroup\" colspan=\"{}\">{}</th></tr>",
                    p.compared.len() + 3,
                    esc(&l.group)
                );
                group = Some(&l.group);
            }
            let _ = write!(o, "<tr><th scope=\"row\">{}</th><td>{}</td>", esc(&l.label), esc(&l.period));
            for v in &l.values {
                let _ = write!(o, "<td class=\"num\">{}</td>", esc(v));
            }
            let _ = writeln!(o, "<td>{}</td></tr>", esc(l.judgement.as_deref().unwrap_or("–")));
        }
        o.push_str("</tbody>\n</table>\n");
    }
    for f in &p.group_charts {
        figure(&mut o, &mut no, f);
    }
    o.push_str("</section>\n");
    if p.time_series.is_some() || p.age.is_some() {
        o.push_str(
            "<section aria-labelledby=\"entwicklung\">\n<h2 id=\"entwicklung\">Entwicklung und Altersaufbau</h2>\n",
        );
        for f in p.time_series.iter().chain(&p.age) {
            figure(&mut o, &mut no, f);
        }
        o.push_str("</section>\n");
    }
    if !p.monitoring.is_empty() {
        o.push_str("<section aria-labelledby=\"monitoring\">\n<h2 id=\"monitoring\">Sozialmonitoring</h2>\n<ul>\n");
        for c in &p.monitoring {
            let _ = writeln!(o, "<li>{} {}: {}</li>", esc(&c.index), esc(&c.period), esc(&c.class));
        }
        o.push_str("</ul>\n</section>\n");
    }
    let _ = writeln!(
        o,
        "<section aria-labelledby=\"schulen\">\n<h2 id=\"schulen\">Schulen und Einrichtungen im Gebiet ({})</h2>",
        p.schools.len()
    );
    if p.schools.is_empty() {
        o.push_str("<p>Keine Schule oder andere Einrichtung liegt in diesem Gebiet.</p>\n");
    } else {
        let _ = writeln!(
            o,
            "<table>\n<caption>Tabelle {}: Schulen und Einrichtungen in {}</caption>",
            next(&mut tables),
            esc(&p.area_name)
        );
        o.push_str("<thead><tr><th scope=\"col\">Nummer</th><th scope=\"col\">Name</th><th scope=\"col\">Art</th></tr></thead>\n<tbody>\n");
        for s in &p.schools {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><th scope=\"row\">{}</th><td>{}</td></tr>",
                esc(&s.key),
                esc(&s.name),
                esc(&s.kind)
            );
        }
        o.push_str("</tbody>\n</table>\n");
    }
    o.push_str("</section>\n");
    if !p.planning.is_empty() {
        o.push_str("<section aria-labelledby=\"planung\">\n<h2 id=\"planung\">Schulentwicklungsplanung</h2>\n");
        for table in &p.planning {
            crate::document_html::table(&mut o, &mut tables, table);
        }
        o.push_str("</section>\n");
    }
    o.push_str("<section aria-labelledby=\"impressum\">\n<h2 id=\"impressum\">Impressum, Quellen und Methoden</h2>\n");
    let _ = writeln!(
        o,
        "<p>Erstellt mit bimo aus dem eingefrorenen Datenstand der Releases {}. Derselbe Datenstand ergibt dieselbe Datei.</p>",
        p.releases.iter().map(|r| r.id.to_string()).collect::<Vec<_>>().join(", ")
    );
    sources(&mut o, &p.releases, &p.methods);
    o.push_str("</section>\n</main>\n</body>\n</html>\n");
    o
}

/// The releases of the frozen snapshot and the method note of every indicator, for the colophon.
pub(crate) fn sources(out: &mut String, releases: &[ReleaseNote], methods: &[MethodNote]) {
    out.push_str("<h3>Releases</h3>\n<ul>\n");
    for r in releases {
        let _ = writeln!(
            out,
            "<li>Release {}: {} – Quelle: {}; Lizenz: {}; SHA-256 {}</li>",
            r.id,
            esc(&r.title),
            esc(&r.source),
            esc(&r.licence),
            esc(&r.sha256[..r.sha256.len().min(16)])
        );
    }
    out.push_str("</ul>\n<h3>Indikatoren</h3>\n<dl>\n");
    for n in methods {
        let _ = writeln!(
            out,
            "<dt>{}</dt><dd>{} – {}. {}</dd>",
            esc(&n.label),
            esc(&n.formula),
            esc(&n.source),
            esc(&n.note)
        );
    }
    out.push_str("</dl>\n");
}
