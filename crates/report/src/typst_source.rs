//! The typst markup of a Quartiersprofil. Every piece of data enters the markup as a typst string
//! literal (`#"…"`), so no name of an area or school can be read as markup.

use std::fmt::Write;

use crate::model::{Figure, MethodNote, Profile, ReleaseNote, Style};

/// A typst string literal of `text`.
pub(crate) fn lit(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `text` placed in markup.
pub(crate) fn t(text: &str) -> String {
    format!("#{}", lit(text))
}

/// The accent colour as a typst colour; the default blue if `accent` is not `#rrggbb`.
pub(crate) fn colour(accent: &str) -> String {
    let hex = accent.strip_prefix('#').filter(|h| h.len() == 6 && h.chars().all(|c| c.is_ascii_hexdigit()));
    format!("rgb({})", lit(&format!("#{}", hex.unwrap_or("08519c"))))
}

/// Captions of figures under them and of tables above, small; tables with a rule under the header
/// and hair lines between rows, not justified.
pub(crate) const FIGURE_AND_TABLE_RULES: &str = concat!(
    "#show figure.caption: set text(size: 9pt)\n",
    "#show figure.where(kind: table): set figure.caption(position: top)\n",
    "#set table(stroke: (x, y) => if y == 0 { (bottom: 0.6pt) } else { (bottom: 0.3pt + luma(200)) }, inset: 4pt)\n",
    "#show table: set text(size: 9pt, hyphenate: false)\n",
    "#show table: set par(justify: false)\n\n",
);

/// The file path under which figure `i` is served to typst.
pub(crate) fn figure_path(i: usize) -> String {
    format!("/abb/{i}.svg")
}

/// The file path under which the legend of figure `i` is served to typst.
pub(crate) fn legend_path(i: usize) -> String {
    format!("/abb/{i}-legende.svg")
}

/// The file path of the logo.
pub(crate) const LOGO_PATH: &str = "/logo.svg";

/// The profile's figures in the order the markup numbers them.
pub(crate) fn figures(p: &Profile) -> Vec<&Figure> {
    std::iter::once(&p.locator).chain(&p.group_charts).chain(&p.time_series).chain(&p.age).collect()
}

/// Figure `i` at `width` of the text; with its legend to the right of a map.
pub(crate) fn figure(out: &mut String, f: &Figure, i: usize, width: &str) {
    let image = format!("image({}, width: 100%, alt: {})", lit(&figure_path(i)), lit(&f.alt));
    let body = match &f.legend {
        Some(_) => format!(
            "block(width: {width}, grid(columns: (3fr, 1fr), column-gutter: 8pt, align: (left, bottom), {image}, \
             image({}, width: 100%, alt: \"Legende; die Klassen nennt die Beschreibung der Karte\")))",
            lit(&legend_path(i))
        ),
        None => format!("block(width: {width}, {image})"),
    };
    let _ = writeln!(out, "#figure({body}, caption: [{}])\n", t(&f.caption));
}

/// "Köln · Ebene Stadtteile, Schlüssel 101 · liegt in Innenstadt (Stadtbezirke)".
pub(crate) fn subtitle(p: &Profile) -> String {
    let mut sub = format!("{} · Ebene {}, Schlüssel {}", p.kommune, p.layer, p.area_key);
    if let Some((name, layer)) = &p.parent {
        sub.push_str(&format!(" · liegt in {name} ({layer})"));
    }
    sub
}

/// The typst source of a profile.
pub fn typst_source(p: &Profile, style: &Style) -> String {
    let mut o = String::new();
    let title = format!("Quartiersprofil {}", p.area_name);
    let (y, m, d) = p.date;
    let _ = writeln!(
        o,
        "#set document(title: {}, author: {}, date: datetime(year: {y}, month: {m}, day: {d}))",
        lit(&title),
        lit(&format!("bimo – {}", p.kommune))
    );
    let _ = writeln!(o, "#let accent = {}", colour(&style.accent));
    o.push_str(concat!(
        "#set text(lang: \"de\", region: \"DE\", font: \"Libertinus Serif\", size: 10.5pt, hyphenate: true)\n",
        "#set par(justify: true)\n",
        "#set page(paper: \"a4\", margin: (x: 2cm, top: 2.2cm, bottom: 2.4cm),\n",
        "  header: context if counter(page).get().first() > 1 [#set text(size: 8.5pt, fill: luma(90)); ",
    ));
    let _ = writeln!(o, "{} #h(1fr) {}],", t(&title), t(&p.kommune));
    o.push_str(concat!(
        "  footer: context [#set text(size: 8.5pt, fill: luma(90)); #h(1fr) Seite #counter(page).display() von ",
        "#counter(page).final().first() #h(1fr)])\n",
        "#show heading: set text(fill: accent)\n",
        "#show heading.where(level: 1): set text(size: 20pt)\n",
        "#show heading.where(level: 2): it => block(above: 1.4em, below: 0.7em, stroke: (bottom: 0.6pt + accent), ",
        "inset: (bottom: 3pt), width: 100%, it)\n",
    ));
    o.push_str(FIGURE_AND_TABLE_RULES);
    if style.logo.is_some() {
        let _ = writeln!(o, "#place(top + right, image({}, height: 1.4cm, alt: \"Logo\"))", lit(LOGO_PATH));
    }
    let _ = writeln!(o, "= {}\n", t(&title));
    let sub = subtitle(p);
    let _ = writeln!(o, "#text(size: 12pt)[{}] \\", t(&sub));
    let _ = writeln!(o, "#text(size: 9pt, fill: luma(90))[{}]\n", t(&format!("Datenstand {:02}.{:02}.{y}", d, m)));
    if let Some(text) = &p.text {
        let _ = writeln!(o, "{}\n", t(text));
    }

    let figs = figures(p);
    let mut fig_no = 0;
    let mut next_fig = |o: &mut String, width: &str| {
        figure(o, figs[fig_no], fig_no, width);
        fig_no += 1;
    };
    o.push_str("== Lage\n\n");
    next_fig(&mut o, "75%");

    o.push_str("== Kennzahlen im Vergleich\n\n");
    if p.indicators.is_empty() {
        o.push_str("Für dieses Gebiet ist kein Indikator berechenbar.\n\n");
    } else {
        let cols = p.compared.len();
        let _ = writeln!(
            o,
            "#figure(kind: table, caption: [{}], table(columns: (1fr, auto{}, auto), align: (left, left{}, left),",
            t(&format!("Indikatoren von {} im Vergleich; Signifikanz gegenüber der Gesamtstadt (95 %)", p.area_name)),
            ", auto".repeat(cols),
            ", right".repeat(cols)
        );
        let _ = write!(o, "  table.header([*Indikator*], [*Stand*]");
        for c in &p.compared {
            let _ = write!(o, ", [*{}*]", t(c));
        }
        o.push_str(", [*Vergleich*]),\n");
        let mut group = None;
        for l in &p.indicators {
            if group != Some(&l.group) {
                let _ = writeln!(o, "  table.cell(colspan: {}, text(fill: accent)[*{}*]),", cols + 3, t(&l.group));
                group = Some(&l.group);
            }
            let _ = write!(o, "  [{}], [{}]", t(&l.label), t(&l.period));
            for v in &l.values {
                let _ = write!(o, ", [{}]", t(v));
            }
            let _ = writeln!(o, ", [{}],", t(l.judgement.as_deref().unwrap_or("–")));
        }
        o.push_str("))\n\n");
    }
    for _ in &p.group_charts {
        next_fig(&mut o, "100%");
    }
    if p.time_series.is_some() || p.age.is_some() {
        o.push_str("== Entwicklung und Altersaufbau\n\n");
        if p.time_series.is_some() {
            next_fig(&mut o, "85%");
        }
        if p.age.is_some() {
            next_fig(&mut o, "85%");
        }
    }
    if !p.monitoring.is_empty() {
        o.push_str("== Sozialmonitoring\n\n");
        for c in &p.monitoring {
            let _ = writeln!(o, "- {}\n", t(&format!("{} {}: {}", c.index, c.period, c.class)));
        }
    }
    let _ = writeln!(o, "== Schulen und Einrichtungen im Gebiet ({})\n", p.schools.len());
    if p.schools.is_empty() {
        o.push_str("Keine Schule oder andere Einrichtung liegt in diesem Gebiet.\n\n");
    } else {
        let _ = writeln!(
            o,
            "#figure(kind: table, caption: [{}], table(columns: (auto, 1fr, auto), align: left,",
            t(&format!("Schulen und Einrichtungen in {}", p.area_name))
        );
        o.push_str("  table.header([*Nummer*], [*Name*], [*Art*]),\n");
        for s in &p.schools {
            let _ = writeln!(o, "  [{}], [{}], [{}],", t(&s.key), t(&s.name), t(&s.kind));
        }
        o.push_str("))\n\n");
    }
    if !p.planning.is_empty() {
        o.push_str("== Schulentwicklungsplanung\n\n");
        for table in &p.planning {
            crate::document_typst::table(&mut o, table);
        }
    }
    o.push_str("== Impressum, Quellen und Methoden\n\n#set text(size: 8.5pt)\n#set par(justify: false)\n\n");
    let _ = writeln!(
        o,
        "{}\n",
        t(&format!(
            "Erstellt mit bimo aus dem eingefrorenen Datenstand der Releases {}. Derselbe Datenstand ergibt dieselbe Datei.",
            p.releases.iter().map(|r| r.id.to_string()).collect::<Vec<_>>().join(", ")
        ))
    );
    sources(&mut o, &p.releases, &p.methods);
    o
}

/// The releases of the frozen snapshot and the method note of every indicator, for the colophon.
pub(crate) fn sources(out: &mut String, releases: &[ReleaseNote], methods: &[MethodNote]) {
    out.push_str("*Releases*\n\n");
    for r in releases {
        let _ = writeln!(
            out,
            "- {}\n",
            t(&format!(
                "Release {}: {} – Quelle: {}; Lizenz: {}; SHA-256 {}",
                r.id,
                r.title,
                r.source,
                r.licence,
                &r.sha256[..r.sha256.len().min(16)]
            ))
        );
    }
    out.push_str("*Indikatoren*\n\n");
    for n in methods {
        let _ = writeln!(out, "- *{}*: {}\n", t(&n.label), t(&format!("{} – {}. {}", n.formula, n.source, n.note)));
    }
}
