//! Maps and charts for the atlas and the reports, drawn once as standalone SVG.
//!
//! Every function here is pure: typed data in, an SVG string out. The web atlas embeds the SVG
//! inline in its pages; the report crate embeds the same SVG in PDFs. So each picture is complete on
//! its own: it declares `xmlns`, `width`, `height` and `viewBox`, its colours are attributes (no
//! stylesheet needed), text uses `font-family="system-ui, sans-serif"` at 11 px or more, and all text
//! is escaped. CSS classes (`area`, `point`, `highlight`, `series`, `bar`, …) are hooks for the page's
//! hover and focus styles only. Ids carry a prefix derived from the picture's content, so several
//! pictures can share one HTML page.
//!
//! Accessibility: every picture has a `<title>` and a `<desc>` text alternative (referenced with
//! `aria-labelledby`/`aria-describedby`); areas, points, bars and data points have their own
//! `<title>`; linked elements are `<a href>` and work with the keyboard and without JavaScript.
//! Series are told apart by dash pattern and marker as well as by colour.
//!
//! Main items:
//! - [`choropleth`] with [`ChoroplethSpec`], [`MapArea`] and [`MapPoint`]; [`legend`] and
//!   [`legend_entries`] for its key; [`Projection`] fits longitude/latitude into pixels.
//! - [`line_chart`] (time series), [`age_chart`] (Altersaufbau) and [`bar_chart`] (areas compared).
//! - [`sankey`] with [`SankeySpec`], [`SankeyNode`] and [`Flow`]: an origin–destination table
//!   (transitions, Bildungswanderung) as a Sankey diagram, withheld flows counted in a note.
//! - [`format_de`], [`format_auto`] and [`nice_ticks`]: German numbers and axis ticks.
//! - [`sequential`] and [`text_on`]: the colour-blind-safe palette and readable text colours.
//!
//! ```
//! use domain::classify::{breaks, ClassMethod};
//! use geo::{polygon, MultiPolygon};
//! use render::{choropleth, ChoroplethSpec, MapArea};
//!
//! let square = MultiPolygon::new(vec![polygon![
//!     (x: 6.9, y: 50.9), (x: 7.0, y: 50.9), (x: 7.0, y: 51.0), (x: 6.9, y: 51.0)
//! ]]);
//! let b = breaks(&[12.5], ClassMethod::Quantile, 5).unwrap();
//! let svg = choropleth(&ChoroplethSpec {
//!     title: "Anteil der unter 18-Jährigen",
//!     areas: vec![MapArea {
//!         key: "101",
//!         name: "Altstadt & Süd",
//!         geometry: &square,
//!         value: Some(12.5),
//!         value_text: format!("{} %", render::format_de(12.5, 1)),
//!         href: Some("/koeln/stadtteil/101".into()),
//!     }],
//!     breaks: Some(&b),
//!     points: vec![],
//!     highlight: Some("101"),
//!     width: 400.0,
//!     height: 300.0,
//! });
//! assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
//! assert!(svg.contains(r#"aria-label="Altstadt &amp; Süd: 12,5 %""#));
//! ```

mod age;
mod bar;
mod format;
mod legend;
mod line;
mod map;
mod palette;
mod projection;
mod sankey;
mod svg;

pub use age::{AgeBand, AgeChartSpec, BySex, age_chart};
pub use bar::{Bar, BarChartSpec, Reference, bar_chart, bar_chart_height};
pub use format::{auto_decimals, common_decimals, format_auto, format_de, nice_ticks};
pub use legend::{LegendEntry, NO_DATA_LABEL, legend, legend_entries};
pub use line::{LineChartSpec, Series, TargetLine, line_chart};
pub use map::{ChoroplethSpec, ClassedPoint, MapArea, MapPoint, PointMapSpec, choropleth, point_map};
pub use palette::{BASE_FILL, NO_DATA_FILL, NO_DATA_HATCH, TEXT, TEXT_MUTED, contrast_ratio, sequential, text_on};
pub use projection::Projection;
pub use sankey::{Flow, SankeyNode, SankeySpec, sankey};
