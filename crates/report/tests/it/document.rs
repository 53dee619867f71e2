//! A Lernreport of Testdorf: placeholders bound to hand-computed values, the changes against a
//! previous Stand, snapshots of the typst source and the HTML, identical bytes when rebuilt from the
//! store as it stood, and the errors of unbound placeholders and unsupported Markdown.

use std::sync::Arc;

use domain::{Audience, ReleaseId};
use report::{BuildError, Content, DocumentInput, DocumentSpec, Narrative, Stand, StandValue};
use web::atlas::Atlas;

use crate::{catalogue, snapshot, style, testdorf};

const SPEC: &str = r#"kind = "Lernreport"
title = "Lernreport Testdorf"
subtitle = "Bildung in den Stadtteilen"
publisher = "Stadt Testdorf, Bildungsbüro"
kommune = "testdorf"
layer = "stadtteil"

[[chapter]]
title = "Rahmenbedingungen"
text = "rahmen.md"
element = [
  { kind = "key_figures", indicators = ["einwohner", "jugendquote"] },
  { kind = "map", indicator = "anteil_unter18" },
  { kind = "time_series", indicator = "jugendquote", compare = "bezirk" },
  { kind = "ranking", indicator = "anteil_unter18", count = 1 },
]

[[chapter]]
title = "Schulen"
text = "schulen.md"
element = [{ kind = "key_figures", indicators = ["grundschulen"] }]
"#;

/// 2023: young people 936 + 1442 + 728 + 1731 = 4837, working age 16,100: Jugendquote 30.04;
/// 2022: 4868 (30.24); 2021: 4900 (30.43). Share under 18 in 2023: Mülheim 1731 / 6631 = 26.10 %,
/// Altstadt & Hafen 936 / 6236 = 15.01 %.
const RAHMEN: &str = "Die Jugendquote lag {{ zeitraum:jugendquote }} bei {{ indikator:jugendquote }} \
({{ veraenderung:jugendquote }}; 2021: {{ indikator:jugendquote@2021 }}).\n\n\
## Stadtteile\n\nHöchster Anteil: {{ hoechster:anteil_unter18 }}, niedrigster: {{ niedrigster:anteil_unter18 }}.\n";

const SCHULEN: &str = "- In Testdorf liegen **{{ indikator:grundschulen }}**.\n- Eine davon in *Deutz*.\n";

fn input(rahmen: &str, previous: Option<Stand>) -> DocumentInput {
    DocumentInput {
        spec: DocumentSpec::parse(SPEC, "bericht.toml").unwrap(),
        narratives: vec![
            Some(Narrative { origin: "rahmen.md".into(), text: rahmen.into() }),
            Some(Narrative { origin: "schulen.md".into(), text: SCHULEN.into() }),
        ],
        previous,
    }
}

fn atlas_of(snapshot: store::Snapshot) -> Atlas {
    Atlas::new(snapshot, Arc::new(catalogue()), Arc::new(Vec::new()))
}

fn atlas() -> Atlas {
    atlas_of(testdorf().snapshot(Audience::Public).unwrap())
}

fn paragraphs(content: &Content) -> Vec<String> {
    let Content::Text(blocks) = content else { return Vec::new() };
    blocks
        .iter()
        .filter_map(|b| match b {
            report::Block::Paragraph(inlines) => Some(
                inlines
                    .iter()
                    .map(|i| match i {
                        report::Inline::Text(t) => t.clone(),
                        other => format!("{other:?}"),
                    })
                    .collect(),
            ),
            _ => None,
        })
        .collect()
}

#[test]
fn placeholders_are_bound_to_the_citys_numbers() {
    let doc = report::build_document(&atlas(), &input(RAHMEN, None)).unwrap();
    assert_eq!(
        paragraphs(&doc.chapters[0].content[0]),
        [
            "Die Jugendquote lag 2023 bei 30,0 (−0,2; 2021: 30,4).",
            "Höchster Anteil: Mülheim (26,1 %), niedrigster: Altstadt & Hafen (15,0 %)."
        ]
    );
    // Stadtteile 2023: 936 / 4200 = 22.29 (Altstadt & Hafen) up to 1731 / 4100 = 42.22 (Mülheim).
    let Content::Table(key_figures) = &doc.chapters[0].content[1] else { panic!("key figures are a table") };
    assert_eq!(
        key_figures.rows[1],
        ["Jugendquote", "2023", "30,0", "30,2 (2022)", "−0,2", "22,3 bis 42,2"].map(String::from)
    );
    let titles: Vec<&str> = doc.chapters.iter().map(|c| c.title.as_str()).collect();
    assert_eq!(titles, ["Rahmenbedingungen", "Schulen", "Veränderungen gegenüber dem vorigen Zeitraum"]);
    let releases: Vec<i64> = doc.releases.iter().map(|r| r.id).collect();
    assert_eq!(releases, [1, 2, 3, 4, 5]);
    assert_eq!((doc.last_release, doc.date), (5, (2026, 11, 21)));
    let city_jugendquote = doc.stand.values.iter().find(|v| v.city && v.indicator == "jugendquote").unwrap();
    assert_eq!((city_jugendquote.period.as_str(), city_jugendquote.value), ("2023", 100.0 * 4837.0 / 16100.0));
}

#[test]
fn changes_since_the_last_report_are_ranked_by_their_departure_from_the_mean_change() {
    let then = |area: &str, name: &str, value: f64| StandValue {
        indicator: "anteil_unter18".into(),
        period: "2019".into(),
        area: area.into(),
        name: name.into(),
        city: false,
        value,
    };
    let previous = Stand {
        title: "Lernreport Testdorf 2020".into(),
        kommune: "testdorf".into(),
        layer: "stadtteil".into(),
        date: "2020-06-30".into(),
        last_release: 1,
        values: vec![then("202", "Mülheim", 20.0), then("201", "Deutz", 15.0), then("101", "Altstadt & Hafen", 15.0)],
    };
    let doc = report::build_document(&atlas(), &input(RAHMEN, Some(previous.clone()))).unwrap();
    let other_layer = Stand { layer: "bezirk".into(), ..previous };
    let err = report::build_document(&atlas(), &input(RAHMEN, Some(other_layer))).unwrap_err();
    assert_eq!(
        err.to_string(),
        "der Stand des vorigen Berichts \"Lernreport Testdorf 2020\" gilt für testdorf/bezirk, dieser Bericht für testdorf/stadtteil"
    );
    let changes = doc.chapters.last().unwrap();
    assert_eq!(changes.title, "Veränderungen seit dem letzten Bericht");
    let Some(Content::Table(table)) = changes.content.last() else { panic!("a table of area changes") };
    // Shares 2023: Mülheim 26.1047, Deutz 15.3976, Altstadt & Hafen 15.0096 %; changes 6.1047, 0.3976,
    // 0.0096 (mean 2.1706, population SD 2.7863): +1.41, −0.64, −0.78 SD.
    let row = |name: &str, then: &str, now: &str, change: &str, sd: &str| {
        [name, "Anteil der unter 18-Jährigen", then, now, change, sd].map(String::from)
    };
    assert_eq!(
        table.rows,
        [
            row("Mülheim", "20,0 % (2019)", "26,1 % (2023)", "+6,1 Prozentpunkte", "+1,4"),
            row("Altstadt & Hafen", "15,0 % (2019)", "15,0 % (2023)", "±0,0 Prozentpunkte", "−0,8"),
            row("Deutz", "15,0 % (2019)", "15,4 % (2023)", "+0,4 Prozentpunkte", "−0,6"),
        ]
    );
}

#[test]
fn typst_source_and_html_match_their_snapshots() {
    let doc = report::build_document(&atlas(), &input(RAHMEN, None)).unwrap();
    snapshot("testdorf-lernreport.typ", &report::document_typst_source(&doc, &style()));
    snapshot("testdorf-lernreport.html", &report::document_html(&doc, &style()));
    let pdf = report::document_pdf(&doc, &style()).unwrap();
    assert!(pdf.pages >= 5, "title, contents, three chapters and the colophon: {} pages", pdf.pages);
}

#[test]
fn a_report_rebuilt_from_the_store_as_it_stood_has_identical_bytes() {
    let store = testdorf();
    let first =
        report::build_document(&atlas_of(store.snapshot(Audience::Public).unwrap()), &input(RAHMEN, None)).unwrap();
    let pdf = report::document_pdf(&first, &style()).unwrap();
    // A later release adds a school: today's report changes, the one as of release 5 does not.
    store
        .import(crate::release(
            "Schulen 2024",
            25,
            store::Content::Institutions {
                collection: "schulen".into(),
                institutions: vec![domain::Institution {
                    key: "100003".into(),
                    name: "Grundschule Nord".into(),
                    kind: "Grundschule".into(),
                    location: geo::Point::new(8.05, 50.15),
                    attributes: vec![],
                }],
            },
        ))
        .unwrap();
    let now =
        report::build_document(&atlas_of(store.snapshot(Audience::Public).unwrap()), &input(RAHMEN, None)).unwrap();
    assert_ne!(now, first);
    let rebuilt = report::build_document(
        &atlas_of(store.snapshot_as_of(Audience::Public, ReleaseId(first.last_release)).unwrap()),
        &input(RAHMEN, None),
    )
    .unwrap();
    assert_eq!(rebuilt, first);
    assert!(report::document_pdf(&rebuilt, &style()).unwrap().bytes == pdf.bytes, "the rebuilt PDF differs");
}

#[test]
fn a_placeholder_bound_to_missing_data_names_file_line_column_and_variable() {
    let text = "Einleitung.\n\nArbeitslos sind {{ indikator:arbeitslosenquote }}.\n";
    let err = report::build_document(&atlas(), &input(text, None)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "rahmen.md:3:17: Platzhalter {{ indikator:arbeitslosenquote }}: es fehlt die Variable arbeitslose"
    );
    let err = report::build_document(&atlas(), &input("{{ zeitraum:jugendquote@2021 }}", None)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "rahmen.md:1:1: Platzhalter {{ zeitraum:jugendquote@2021 }}: zeitraum: nimmt keinen Zeitraum @…"
    );
    let err = report::build_document(&atlas(), &input("Wert {{ indikator:jugendquote", None)).unwrap_err();
    assert!(matches!(err, BuildError::Placeholder { line: 1, column: 6, .. }), "{err}");
}

#[test]
fn a_bound_value_is_never_read_as_markdown() {
    // "2023. Jahr" at the start of a paragraph would be a numbered list if bound before parsing.
    let doc =
        report::build_document(&atlas(), &input("- Punkt\n\n{{ zeitraum:jugendquote }}. Jahr der Daten.\n", None))
            .unwrap();
    assert_eq!(paragraphs(&doc.chapters[0].content[0]), ["2023. Jahr der Daten."]);
}

#[test]
fn markdown_a_report_cannot_set_names_its_place() {
    let err = report::build_document(&atlas(), &input("Text.\n\n![Karte](karte.png)\n", None)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "rahmen.md:3:1: ein Bild (Abbildungen kommen aus den Daten) ist im Berichtstext nicht möglich"
    );
}

#[test]
fn an_element_on_an_indicator_without_data_names_chapter_and_variable() {
    let mut input = input(RAHMEN, None);
    input.spec.chapters[1].elements = vec![report::ElementSpec::Map { indicator: "sgb2_quote".into() }];
    let err = report::build_document(&atlas(), &input).unwrap_err();
    assert!(err.to_string().starts_with("Kapitel \"Schulen\": sgb2_quote: es fehlt die Variable"), "{err}");
}
