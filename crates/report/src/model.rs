//! The typed input of a Quartiersprofil: everything the PDF and the HTML show, already computed and
//! formatted, so rendering is a pure function of this value.

/// A Quartiersprofil of one area: the input of [`crate::typst_source`], [`crate::pdf`] and [`crate::html`].
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// The Kommune's name, e.g. "Köln".
    pub kommune: String,
    /// The layer's name, e.g. "Stadtteil".
    pub layer: String,
    /// The area key, e.g. "101".
    pub area_key: String,
    /// The area name.
    pub area_name: String,
    /// The enclosing area's name and its layer's name, if there is one.
    pub parent: Option<(String, String)>,
    /// The names of the columns compared: the area, its parent (if any) and the city.
    pub compared: Vec<String>,
    /// The key indicators, in configured order.
    pub indicators: Vec<IndicatorLine>,
    /// Per indicator group, a bar chart of the area's rates and shares against the city (city = 100).
    pub group_charts: Vec<Figure>,
    /// The area on a map of its layer.
    pub locator: Figure,
    /// A time series of the first key indicator that is not a count and has more than one period.
    pub time_series: Option<Figure>,
    /// The age structure.
    pub age: Option<Figure>,
    /// Schools and other institutions (of any collection) located in the area.
    pub schools: Vec<School>,
    /// Sozialmonitoring classes of the area, one per configured index with a result for it.
    pub monitoring: Vec<MonitoringClass>,
    /// Per Schulentwicklungsplanung, the forecasts of the schools in the area.
    pub planning: Vec<crate::document::Table>,
    /// Free text of the profile with its placeholders already bound to values.
    pub text: Option<String>,
    /// The frozen snapshot: the releases behind every number, oldest first.
    pub releases: Vec<ReleaseNote>,
    /// Method notes of every indicator used.
    pub methods: Vec<MethodNote>,
    /// The date printed and written into the PDF: that of the newest release used (year, month, day).
    pub date: (i32, u8, u8),
}

/// One key indicator: the area's value against its parent and the city.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorLine {
    /// Catalogue key.
    pub key: String,
    /// Display name.
    pub label: String,
    /// The indicator group (Leitfaden area), e.g. "A Rahmenbedingungen".
    pub group: String,
    /// The period of the values, e.g. "2023"; "aktuell" for institution counts.
    pub period: String,
    /// The formatted values, one per entry of [`Profile::compared`]; "–" where not reported.
    pub values: Vec<String>,
    /// The significance against the city, e.g. "schlechter", if there is an interval.
    pub judgement: Option<String>,
}

/// A picture with its caption and text alternative.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// Caption printed under the picture.
    pub caption: String,
    /// Text alternative (what the picture shows, in words).
    pub alt: String,
    /// The standalone SVG from `render`.
    pub svg: String,
    /// A legend beside the picture (an SVG from `render::legend`), for maps.
    pub legend: Option<String>,
}

/// A school located in the area.
#[derive(Debug, Clone, PartialEq)]
pub struct School {
    /// Schulnummer.
    pub key: String,
    /// Name.
    pub name: String,
    /// Schulform.
    pub kind: String,
}

/// The class of the area in one edition of a Sozialmonitoring index.
#[derive(Debug, Clone, PartialEq)]
pub struct MonitoringClass {
    /// The index's title.
    pub index: String,
    /// The edition's period.
    pub period: String,
    /// The class code, or why the area is not in the index.
    pub class: String,
}

/// One release of the frozen snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct ReleaseNote {
    /// Store number.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Source.
    pub source: String,
    /// Licence.
    pub licence: String,
    /// SHA-256 of the imported file(s).
    pub sha256: String,
}

/// How one indicator is computed.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodNote {
    /// Display name.
    pub label: String,
    /// The formula, e.g. "100 × einwohner[alter=0..18] / einwohner[alter=18..65]".
    pub formula: String,
    /// Source of the data.
    pub source: String,
    /// How to read it, and the interval used for the significance.
    pub note: String,
}

/// Look of the documents: accent colour and optional logo.
#[derive(Debug, Clone, PartialEq)]
pub struct Style {
    /// Accent colour of headings and rules, `#rrggbb`.
    pub accent: String,
    /// An SVG logo printed on the title, if any.
    pub logo: Option<String>,
}

impl Default for Style {
    fn default() -> Style {
        Style { accent: "#08519c".to_owned(), logo: None }
    }
}
