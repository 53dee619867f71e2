//! A long report – a Lernreport, a Lebenslagenbericht – as typed input and as output model.
//!
//! The input is a definition file (TOML, [`DocumentSpec`]) beside the authors' Markdown chapters;
//! the output, [`Document`], holds everything the PDF and the HTML show, already computed and
//! formatted. A [`Stand`] keeps the numbers of one edition so that the next edition can say what
//! moved ("Veränderungen seit dem letzten Bericht").

use std::num::NonZeroUsize;

use serde::{Deserialize, Serialize};

use crate::markdown::Block;
use crate::model::{Figure, MethodNote, ReleaseNote};

/// The definition of a report: what the authors write in `bericht.toml`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentSpec {
    /// The kind printed above the title, e.g. "Lernreport" or "Lebenslagenbericht".
    pub kind: String,
    /// Title, e.g. "Lernreport Köln 2026".
    pub title: String,
    /// Subtitle under the title.
    #[serde(default)]
    pub subtitle: Option<String>,
    /// Who publishes it, e.g. "Stadt Köln, Bildungsbüro".
    #[serde(default)]
    pub publisher: Option<String>,
    /// The Kommune (store key).
    pub kommune: String,
    /// The layer of maps and rankings (store key), e.g. `stadtteil`.
    pub layer: String,
    /// Accent colour `#rrggbb`.
    #[serde(default)]
    pub accent: Option<String>,
    /// An SVG logo for the title page, relative to the definition file.
    #[serde(default)]
    pub logo: Option<String>,
    /// The [`Stand`] file of the previous edition, relative to the definition file; without it the
    /// changes are those since each indicator's previous period.
    #[serde(default)]
    pub previous: Option<String>,
    /// The chapters, in order.
    #[serde(rename = "chapter")]
    pub chapters: Vec<ChapterSpec>,
}

/// One chapter: its narrative and its data-driven figures and tables.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChapterSpec {
    /// The chapter title, e.g. "Frühkindliche Bildung".
    pub title: String,
    /// The Markdown file of the narrative, relative to the definition file.
    #[serde(default)]
    pub text: Option<String>,
    /// Figures and tables after the narrative, in order.
    #[serde(default, rename = "element")]
    pub elements: Vec<ElementSpec>,
}

/// A figure or table computed from the store.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ElementSpec {
    /// A table of indicators for the whole city: newest value, previous period, change, and the
    /// range over the areas of the report's layer.
    KeyFigures {
        /// Catalogue keys.
        indicators: Vec<String>,
    },
    /// A map of the report's layer shaded by an indicator (quintiles).
    Map {
        /// Catalogue key.
        indicator: String,
    },
    /// The city's time series of an indicator, optionally with the areas of a coarser layer.
    TimeSeries {
        /// Catalogue key.
        indicator: String,
        /// A layer (store key) whose areas get a line each, e.g. `stadtbezirk`.
        #[serde(default)]
        compare: Option<String>,
    },
    /// The areas of the report's layer with the highest and the lowest values.
    Ranking {
        /// Catalogue key.
        indicator: String,
        /// How many at each end (default 5).
        #[serde(default = "default_count")]
        count: NonZeroUsize,
    },
}

fn default_count() -> NonZeroUsize {
    NonZeroUsize::new(5).expect("5 is not zero")
}

/// A chapter's narrative as read by the caller: where it came from (for error messages) and its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Narrative {
    /// The file, as shown in messages.
    pub origin: String,
    /// Its Markdown.
    pub text: String,
}

/// What a report is built from besides the store: the definition, each chapter's narrative (same
/// order as the chapters), and the previous edition's numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentInput {
    /// The definition.
    pub spec: DocumentSpec,
    /// Per chapter, its narrative if it has one.
    pub narratives: Vec<Option<Narrative>>,
    /// The previous edition's numbers, if given.
    pub previous: Option<Stand>,
}

/// Why a definition or a Stand file cannot be read: the message names line and column.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{origin}:{line}:{column}: {message}")]
pub struct SpecError {
    /// The file.
    pub origin: String,
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl SpecError {
    fn from_toml(origin: &str, text: &str, e: &toml::de::Error) -> SpecError {
        let (line, column) = e.span().map_or((1, 1), |s| crate::markdown::line_column(text, s.start));
        SpecError { origin: origin.to_owned(), line, column, message: e.message().to_owned() }
    }
}

impl DocumentSpec {
    /// Parses a definition; `origin` names the file in errors.
    pub fn parse(text: &str, origin: &str) -> Result<DocumentSpec, SpecError> {
        let spec: DocumentSpec = toml::from_str(text).map_err(|e| SpecError::from_toml(origin, text, &e))?;
        if spec.chapters.is_empty() {
            return Err(SpecError {
                origin: origin.to_owned(),
                line: 1,
                column: 1,
                message: "ein Bericht braucht mindestens ein [[chapter]]".to_owned(),
            });
        }
        Ok(spec)
    }
}

/// The numbers of one edition of a report: each indicator's value for the city and every area of
/// the report's layer in the period shown. Written beside the PDF as `<name>.stand.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stand {
    /// The report's title.
    pub title: String,
    /// The Kommune (store key) of its numbers.
    pub kommune: String,
    /// The layer (store key) of its area values.
    pub layer: String,
    /// Its Datenstand, `YYYY-MM-DD`.
    pub date: String,
    /// The newest release it was built from.
    pub last_release: i64,
    /// The values.
    #[serde(rename = "value", default)]
    pub values: Vec<StandValue>,
}

/// One value of a [`Stand`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StandValue {
    /// Catalogue key.
    pub indicator: String,
    /// The period, e.g. "2012".
    pub period: String,
    /// The area key; the city's key for the whole city.
    pub area: String,
    /// The area's name.
    pub name: String,
    /// Whether this is the whole city.
    pub city: bool,
    /// The value.
    pub value: f64,
}

impl Stand {
    /// Parses a Stand file; `origin` names the file in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Stand, SpecError> {
        toml::from_str(text).map_err(|e| SpecError::from_toml(origin, text, &e))
    }

    /// The Stand as TOML.
    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self).expect("a Stand is plain data");
        format!(
            "# bimo: the numbers of the report {:?} (Datenstand {}), for the section on changes of its next edition.\n{body}",
            self.title.replace(['\n', '\r'], " "),
            self.date
        )
    }
}

/// A report ready to be written: the input of [`crate::document_pdf`] and [`crate::document_html`].
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The kind, e.g. "Lernreport".
    pub kind: String,
    /// Title.
    pub title: String,
    /// Subtitle.
    pub subtitle: Option<String>,
    /// Publisher.
    pub publisher: Option<String>,
    /// The Kommune's name.
    pub kommune: String,
    /// The chapters, the generated "Veränderungen" chapter last.
    pub chapters: Vec<Chapter>,
    /// The frozen snapshot: the releases behind every number, oldest first.
    pub releases: Vec<ReleaseNote>,
    /// Method notes of every indicator used.
    pub methods: Vec<MethodNote>,
    /// The Datenstand: the import date of the newest release used (year, month, day).
    pub date: (i32, u8, u8),
    /// The newest release in the store when the report was built: rebuilding with the store as of
    /// this release gives the same bytes.
    pub last_release: i64,
    /// The numbers of this edition.
    pub stand: Stand,
}

/// A chapter of a [`Document`].
#[derive(Debug, Clone, PartialEq)]
pub struct Chapter {
    /// Title.
    pub title: String,
    /// Its content in order.
    pub content: Vec<Content>,
}

/// A piece of a chapter.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    /// Narrative text.
    Text(Vec<Block>),
    /// A numbered figure.
    Figure(Figure),
    /// A numbered table.
    Table(Table),
}

/// A table with its caption.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Caption, printed above.
    pub caption: String,
    /// Column headings.
    pub header: Vec<String>,
    /// Whether each column holds numbers (right-aligned).
    pub numeric: Vec<bool>,
    /// The rows, formatted; the first cell of a row names it.
    pub rows: Vec<Vec<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_definition_parses_with_defaults() {
        let spec = DocumentSpec::parse(
            r##"kind = "Lernreport"
title = "Lernreport Köln"
kommune = "koeln"
layer = "stadtteil"

[[chapter]]
title = "Rahmenbedingungen"
text = "01.md"
element = [
  { kind = "key_figures", indicators = ["einwohner"] },
  { kind = "ranking", indicator = "jugendquote" },
  { kind = "time_series", indicator = "jugendquote", compare = "stadtbezirk" },
]
"##,
            "bericht.toml",
        )
        .unwrap();
        assert_eq!(
            spec.chapters[0].elements[1],
            ElementSpec::Ranking { indicator: "jugendquote".to_owned(), count: default_count() }
        );
        assert_eq!(spec.previous, None);
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = DocumentSpec::parse(
            "kind = \"Lernreport\"\ntitle = \"T\"\nkommune = \"k\"\nlayer = \"l\"\n\n[[chapter]]\ntitle = \"A\"\nelement = [{ kind = \"torte\", indicator = \"x\" }]\n",
            "bericht.toml",
        )
        .unwrap_err();
        assert_eq!((e.origin.as_str(), e.line), ("bericht.toml", 8), "{e}");
        assert!(e.message.contains("torte"), "{e}");
        let e = DocumentSpec::parse(
            "kind = \"L\"\ntitle = \"T\"\nkommune = \"k\"\nlayer = \"l\"\nchapter = []\n",
            "b.toml",
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("b.toml:1:1: ein Bericht braucht"), "{e}");
    }

    #[test]
    fn a_stand_round_trips() {
        let stand = Stand {
            title: "Lernreport\nKöln".to_owned(),
            kommune: "koeln".to_owned(),
            layer: "stadtteil".to_owned(),
            date: "2026-11-26".to_owned(),
            last_release: 7,
            values: vec![StandValue {
                indicator: "jugendquote".to_owned(),
                period: "2012".to_owned(),
                area: "101".to_owned(),
                name: "Altstadt/Süd".to_owned(),
                city: false,
                value: 12.25,
            }],
        };
        assert_eq!(Stand::parse(&stand.to_toml(), "s.toml").unwrap(), stand);
        let e = Stand::parse("title = \"x\"\ndate = 3\n", "s.toml").unwrap_err();
        assert_eq!((e.line, e.column), (2, 8), "{e}");
    }
}
