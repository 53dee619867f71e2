//! A Lernreport or Lebenslagenbericht from an atlas: the chapters of the definition with their
//! narratives (placeholders bound) and their figures and tables, computed as the atlas computes
//! them, then the generated chapter "Veränderungen", the colophon's snapshot and the [`Stand`].
//!
//! Placeholders of a report's narrative speak of the whole city:
//! - `{{ indikator:KEY }}` – the newest value, `{{ indikator:KEY@2010 }}` – that of a period;
//! - `{{ zeitraum:KEY }}` – the newest period;
//! - `{{ veraenderung:KEY }}` – the change since the previous period, signed, in points for shares;
//! - `{{ hoechster:KEY }}`, `{{ niedrigster:KEY }}` – the area of the report's layer with the
//!   highest (lowest) newest value, with that value.

use domain::classify::{ClassMethod, breaks};
use domain::indicator::{Definition, Kind};
use domain::measure::Measure;
use domain::{Area, Period, ReleaseId};
use store::LayerVersion;
use web::atlas::{Atlas, KommuneAtlas};
use web::indicators::value_text;

use crate::build::{BuildError, method, signed, snapshot_notes};
use crate::changes::{city_changes, largest_changes};
use crate::document::{Chapter, Content, Document, DocumentInput, ElementSpec, Narrative, Stand, StandValue, Table};
use crate::markdown::{self, Block, Inline, line_column};
use crate::model::Figure;
use crate::placeholder::{definition, fill, values};

/// How many area changes the chapter "Veränderungen" lists.
const CHANGES_LISTED: usize = 10;

/// What a report reads from the atlas, and what it has used so far.
struct Context<'a> {
    k: &'a KommuneAtlas,
    catalogue: &'a [Definition],
    layer: &'a LayerVersion,
    city: (&'a LayerVersion, &'a Area),
    used: Vec<ReleaseId>,
    indicators: Vec<&'a Definition>,
}

impl<'a> Context<'a> {
    /// The definition of `key`, computable on the report's layer; remembered for the method notes
    /// and the Stand.
    fn definition(&mut self, key: &str) -> Result<&'a Definition, String> {
        let d = definition(key, self.k, self.catalogue, self.layer)?;
        if !self.indicators.iter().any(|x| x.key == d.key) {
            self.indicators.push(d);
            if d.uses_institutions() {
                let data = &self.k.data;
                self.used.extend(data.institutions.iter().map(|i| i.release));
                self.used.extend(data.institution_observations.iter().map(|o| o.release));
                self.used.sort_unstable();
                self.used.dedup();
            }
        }
        Ok(d)
    }

    /// The periods in which at least half of the layer's areas have a value, oldest first; `[None]`
    /// for indicators that count the current institutions.
    fn periods(&self, d: &Definition) -> Vec<Option<Period>> {
        let all = self.k.indicator_periods(d);
        if all.is_empty() {
            return if d.variables().iter().any(|v| v.as_str() != "flaeche_km2") { Vec::new() } else { vec![None] };
        }
        all.into_iter()
            .filter(|p| {
                let reported =
                    self.layer.areas.iter().filter(|a| self.k.indicator(d, self.layer, a, Some(*p)).is_ok()).count();
                reported > 0 && reported * 2 >= self.layer.areas.len()
            })
            .map(Some)
            .collect()
    }

    fn newest(&self, d: &Definition) -> Result<Option<Period>, String> {
        self.periods(d).last().copied().ok_or_else(|| {
            format!(
                "{} hat auf der Ebene {} in keinem Zeitraum Werte für die Hälfte der Gebiete",
                d.label, self.layer.layer.name
            )
        })
    }

    fn value(&mut self, d: &Definition, layer: &LayerVersion, area: &Area, period: Option<Period>) -> Option<f64> {
        if let Some(p) = period {
            for v in d.variables() {
                for s in self.k.series.iter().filter(|s| &s.variable == v) {
                    self.used.extend(self.k.value(layer, area, s, p, Measure::Absolute).releases);
                }
            }
        }
        self.k.indicator(d, layer, area, period).ok().map(|c| c.value)
    }

    fn city_value(&mut self, d: &Definition, period: Option<Period>) -> Option<f64> {
        let (l, a) = self.city;
        self.value(d, l, a, period)
    }

    /// Every area of the layer with its value in `period`.
    fn area_values(&mut self, d: &Definition, period: Option<Period>) -> Vec<(&'a Area, Option<f64>)> {
        let layer = self.layer;
        layer.areas.iter().map(|a| (a, self.value(d, layer, a, period))).collect()
    }

    /// The numbers of `d` in `period` for the Stand: the city and every area with a value.
    fn stand_values(&mut self, d: &Definition, period: Option<Period>) -> Vec<StandValue> {
        let label = period.map_or_else(|| "aktuell".to_owned(), |p| p.to_string());
        let entry = |a: &Area, city: bool, value: f64| StandValue {
            indicator: d.key.as_str().to_owned(),
            period: label.clone(),
            area: a.key.as_str().to_owned(),
            name: a.name.clone(),
            city,
            value,
        };
        let mut out: Vec<StandValue> =
            self.city_value(d, period).map(|v| entry(self.city.1, true, v)).into_iter().collect();
        out.extend(self.area_values(d, period).into_iter().filter_map(|(a, v)| Some(entry(a, false, v?))));
        out
    }
}

fn period_text(p: Option<Period>) -> String {
    p.map_or_else(|| "aktuell".to_owned(), |p| p.to_string())
}

/// "+1,2 Prozentpunkte", "−340 Einwohner", "+0,8": a change in the indicator's unit.
pub(crate) fn change_text(d: &Definition, delta: f64) -> String {
    let number = signed(delta, if d.kind == Kind::Count { 0 } else { 1 });
    let unit = match d.unit.as_str() {
        "%" => " Prozentpunkte".to_owned(),
        "" => String::new(),
        u if d.kind == Kind::Count => format!(" {u}"),
        _ => String::new(),
    };
    format!("{number}{unit}")
}

/// The kinds of report placeholders.
const KINDS: &str =
    "bekannt sind indikator:, zeitraum:, veraenderung:, hoechster: und niedrigster: mit einem Indikator";

/// The value of a report placeholder: its kind is checked first, then the indicator.
fn placeholder_value(c: &mut Context<'_>, name: &str) -> Result<String, String> {
    let (what, argument) = name.split_once(':').ok_or_else(|| KINDS.to_owned())?;
    let what = what.trim();
    if !["indikator", "zeitraum", "veraenderung", "hoechster", "niedrigster"].contains(&what) {
        return Err(format!("{what}: {KINDS}"));
    }
    let (key, period) = match argument.trim().split_once('@') {
        Some(_) if what != "indikator" => return Err(format!("{what}: nimmt keinen Zeitraum @…")),
        Some((key, p)) => (key.trim(), Some(p.trim().parse::<Period>().map_err(|e| format!("Zeitraum {p}: {e}"))?)),
        None => (argument.trim(), None),
    };
    let d = c.definition(key)?;
    match what {
        "indikator" => {
            let p = match period {
                Some(p) => Some(p),
                None => c.newest(d)?,
            };
            let v = c.city_value(d, p).ok_or_else(|| format!("kein Wert der Gesamtstadt für {}", period_text(p)))?;
            Ok(value_text(d, v))
        }
        "zeitraum" => Ok(period_text(c.newest(d)?)),
        "veraenderung" => {
            if d.uses_institutions() {
                return Err(format!(
                    "{} zählt die heutigen Einrichtungen; es gibt keine Veränderung zum Vorjahr",
                    d.label
                ));
            }
            let periods = c.periods(d);
            let [.., before, now] = periods.as_slice() else {
                return Err(format!("{} hat nur einen Zeitraum", d.label));
            };
            match (c.city_value(d, *before), c.city_value(d, *now)) {
                (Some(b), Some(n)) => Ok(change_text(d, n - b)),
                _ => Err("kein Wert der Gesamtstadt in den letzten beiden Zeiträumen".to_owned()),
            }
        }
        end => {
            let newest = c.newest(d)?;
            let values = c.area_values(d, newest);
            let mut reported: Vec<(&Area, f64)> = values.into_iter().filter_map(|(a, v)| Some((a, v?))).collect();
            reported.sort_by(|x, y| x.1.total_cmp(&y.1).then_with(|| x.0.key.cmp(&y.0.key)));
            let pick = if end == "hoechster" { reported.last() } else { reported.first() };
            let (a, v) = pick.ok_or("kein Gebiet mit Wert")?;
            Ok(format!("{} ({})", a.name, value_text(d, *v)))
        }
    }
}

/// A narrative: the author's Markdown parsed (so every position is theirs), its placeholders bound
/// and filled into the plain text (so a value is never read as Markdown), its headings made dense.
fn narrative(c: &mut Context<'_>, n: &Narrative) -> Result<Vec<Block>, BuildError> {
    let blocks = markdown::parse(&n.text).map_err(|e| {
        let (line, column) = line_column(&n.text, e.offset);
        BuildError::Markdown { origin: n.origin.clone(), line, column, what: e.what }
    })?;
    let values = values(n, |name| placeholder_value(c, name))?;
    let blocks = markdown::map_text(blocks, &mut |text| fill(n, text, &values))?;
    Ok(markdown::dense_headings(blocks))
}

fn element(c: &mut Context<'_>, chapter: &str, e: &ElementSpec) -> Result<Content, BuildError> {
    let fail = |reason: String| BuildError::Element { chapter: chapter.to_owned(), reason };
    match e {
        ElementSpec::KeyFigures { indicators } => {
            let mut rows = Vec::new();
            for key in indicators {
                let d = c.definition(key).map_err(|r| fail(format!("{key}: {r}")))?;
                let periods = c.periods(d);
                let now = periods.last().copied().ok_or_else(|| fail(format!("{}: keine Werte", d.label)))?;
                // An indicator counting today's institutions has no earlier value of its own.
                let before = periods.len().checked_sub(2).map(|i| periods[i]).filter(|_| !d.uses_institutions());
                let city_now = c.city_value(d, now);
                let city_before = before.and_then(|p| c.city_value(d, p));
                let values: Vec<f64> = c.area_values(d, now).into_iter().filter_map(|(_, v)| v).collect();
                let text = |v: Option<f64>| v.map_or_else(|| "–".to_owned(), |v| value_text(d, v));
                let range = match (values.iter().copied().reduce(f64::min), values.iter().copied().reduce(f64::max)) {
                    (Some(lo), Some(hi)) => format!("{} bis {}", value_text(d, lo), value_text(d, hi)),
                    _ => "–".to_owned(),
                };
                rows.push(vec![
                    d.label.clone(),
                    period_text(now),
                    text(city_now),
                    before.map_or_else(|| "–".to_owned(), |p| format!("{} ({})", text(city_before), period_text(p))),
                    match (city_before, city_now) {
                        (Some(b), Some(n)) => change_text(d, n - b),
                        _ => "–".to_owned(),
                    },
                    range,
                ]);
            }
            Ok(Content::Table(Table {
                caption: format!(
                    "Kennzahlen für {} und ihre Spanne über die Gebiete der Ebene {}",
                    c.city.1.name, c.layer.layer.name
                ),
                header: vec![
                    "Indikator".to_owned(),
                    "Stand".to_owned(),
                    "Gesamtstadt".to_owned(),
                    "Vorperiode".to_owned(),
                    "Veränderung".to_owned(),
                    format!("Spanne ({})", c.layer.layer.name),
                ],
                numeric: vec![false, false, true, true, true, true],
                rows,
            }))
        }
        ElementSpec::Map { indicator } => {
            let d = c.definition(indicator).map_err(|r| fail(format!("{indicator}: {r}")))?;
            let period = c.newest(d).map_err(fail)?;
            Ok(Content::Figure(map(c, d, period)))
        }
        ElementSpec::TimeSeries { indicator, compare } => {
            let d = c.definition(indicator).map_err(|r| fail(format!("{indicator}: {r}")))?;
            let compare = compare
                .as_deref()
                .map(|l| c.k.data.layer(l, None).ok_or_else(|| fail(format!("keine Ebene {l}"))))
                .transpose()?;
            c.used.extend(compare.map(|l| l.release));
            time_series(c, d, compare).map(Content::Figure).map_err(fail)
        }
        ElementSpec::Ranking { indicator, count } => {
            let d = c.definition(indicator).map_err(|r| fail(format!("{indicator}: {r}")))?;
            let period = c.newest(d).map_err(fail)?;
            Ok(Content::Figure(ranking(c, d, period, count.get())))
        }
    }
}

fn map(c: &mut Context<'_>, d: &Definition, period: Option<Period>) -> Figure {
    let values = c.area_values(d, period);
    let numbers: Vec<f64> = values.iter().filter_map(|(_, v)| *v).collect();
    let classes = breaks(&numbers, ClassMethod::Quantile, 5);
    let areas: Vec<render::MapArea<'_>> = values
        .iter()
        .filter_map(|(a, v)| {
            Some(render::MapArea {
                key: a.key.as_str(),
                name: &a.name,
                geometry: a.geometry.as_ref()?,
                value: *v,
                value_text: v.map_or_else(|| "keine Angabe".to_owned(), |v| value_text(d, v)),
                href: None,
            })
        })
        .collect();
    let layer = &c.layer.layer.name;
    let title = format!("{} {} nach {layer}", d.label, period_text(period));
    let svg = render::choropleth(&render::ChoroplethSpec {
        title: &title,
        areas,
        breaks: classes.as_ref(),
        points: Vec::new(),
        highlight: None,
        width: 520.0,
        height: 420.0,
    });
    let mut sorted: Vec<(&Area, f64)> = values.iter().filter_map(|(a, v)| Some((*a, (*v)?))).collect();
    sorted.sort_by(|x, y| x.1.total_cmp(&y.1).then_with(|| x.0.key.cmp(&y.0.key)));
    let ends = match (sorted.first(), sorted.last()) {
        (Some(lo), Some(hi)) => format!(
            " Höchster Wert: {} ({}), niedrigster: {} ({}).",
            hi.0.name,
            value_text(d, hi.1),
            lo.0.name,
            value_text(d, lo.1)
        ),
        _ => String::new(),
    };
    let without = values.len() - sorted.len();
    Figure {
        caption: format!(
            "{} ({}) {} in den {} Gebieten der Ebene {layer}, Quintile",
            d.label,
            d.unit,
            period_text(period),
            values.len()
        ),
        alt: format!(
            "Karte von {}: die Gebiete der Ebene {layer} nach {} {} in Klassen nach Quantilen ({}).{ends}{}",
            c.k.data.kommune.name,
            d.label,
            period_text(period),
            classes.as_ref().map_or_else(|| "keine".to_owned(), crate::build::class_labels),
            if without > 0 { format!(" {without} Gebiete ohne Angabe.") } else { String::new() }
        ),
        svg,
        legend: classes.as_ref().map(|b| render::legend(b, "Quintile", &d.unit, without > 0)),
    }
}

fn time_series(c: &mut Context<'_>, d: &Definition, compare: Option<&LayerVersion>) -> Result<Figure, String> {
    let periods: Vec<Period> = c.k.indicator_periods(d);
    let (city_layer, city) = c.city;
    let mut lines: Vec<(String, Vec<Option<f64>>)> =
        vec![(city.name.clone(), periods.iter().map(|p| c.value(d, city_layer, city, Some(*p))).collect())];
    if let Some(l) = compare {
        for a in &l.areas {
            lines.push((a.name.clone(), periods.iter().map(|p| c.value(d, l, a, Some(*p))).collect()));
        }
    }
    // Only the periods in which the city has a value: a variable may reach further in another form.
    let shown: Vec<usize> = (0..periods.len()).filter(|i| lines[0].1[*i].is_some()).collect();
    if shown.len() < 2 {
        return Err(format!("{}: die Gesamtstadt hat weniger als zwei Zeiträume mit Werten", d.label));
    }
    let labels: Vec<String> = shown.iter().map(|i| periods[*i].to_string()).collect();
    let series: Vec<render::Series<'_>> = lines
        .iter()
        .map(|(name, values)| render::Series { name, values: shown.iter().map(|i| values[*i]).collect() })
        .collect();
    let (first, last) = (labels[0].clone(), labels[labels.len() - 1].clone());
    let v = |x: Option<f64>| x.map_or_else(|| "–".to_owned(), |x| value_text(d, x));
    let alt = format!(
        "Liniendiagramm: {} von {first} bis {last}. {}",
        d.label,
        series
            .iter()
            .map(|s| format!(
                "{}: {} ({first}) bis {} ({last})",
                s.name,
                v(s.values.first().copied().flatten()),
                v(s.values.last().copied().flatten())
            ))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let svg = render::line_chart(&render::LineChartSpec {
        title: &format!("{} {first}–{last}", d.label),
        periods: labels.clone(),
        series,
        y_label: &d.unit,
        value_suffix: if d.unit == "%" { " %" } else { "" },
        target: None,
        reestimated: Vec::new(),
        width: 560.0,
        height: 300.0,
    });
    let with = compare.map(|l| format!(", Gesamtstadt und {}", l.layer.name)).unwrap_or_default();
    Ok(Figure {
        caption: format!("Zeitreihe {first}–{last}: {} ({}){with}", d.label, d.unit), alt, svg, legend: None
    })
}

fn ranking(c: &mut Context<'_>, d: &Definition, period: Option<Period>, count: usize) -> Figure {
    let mut reported: Vec<(&Area, f64)> =
        c.area_values(d, period).into_iter().filter_map(|(a, v)| Some((a, v?))).collect();
    reported.sort_by(|x, y| y.1.total_cmp(&x.1).then_with(|| x.0.key.cmp(&y.0.key)));
    let shown: Vec<(&Area, f64)> = if 2 * count >= reported.len() {
        reported.clone()
    } else {
        reported[..count].iter().chain(&reported[reported.len() - count..]).copied().collect()
    };
    let city = c.city_value(d, period);
    let layer = &c.layer.layer.name;
    let title = if shown.len() == reported.len() {
        format!("{} {}: die {} Gebiete der Ebene {layer} nach ihrem Wert", d.label, period_text(period), shown.len())
    } else {
        format!(
            "{} {}: die Gebiete der Ebene {layer} mit den höchsten und den niedrigsten Werten (je {count})",
            d.label,
            period_text(period)
        )
    };
    let svg = render::bar_chart(&render::BarChartSpec {
        title: &title,
        bars: shown
            .iter()
            .map(|(a, v)| render::Bar { key: a.key.as_str(), label: &a.name, value: Some(*v), href: None })
            .collect(),
        reference: city.map(|v| render::Reference { label: &c.city.1.name, value: v }),
        highlight: None,
        value_suffix: if d.unit == "%" { " %" } else { "" },
        width: 560.0,
    });
    let alt = format!(
        "Balkendiagramm, {title}{}: {}",
        city.map(|v| format!(" (Gesamtstadt {})", value_text(d, v))).unwrap_or_default(),
        shown.iter().map(|(a, v)| format!("{} {}", a.name, value_text(d, *v))).collect::<Vec<_>>().join("; ")
    );
    Figure { caption: title, alt, svg, legend: None }
}

/// The chapter "Veränderungen": the city's indicators and the areas that moved most, against the
/// previous edition's Stand or, without one, against each indicator's previous period.
fn changes_chapter(c: &mut Context<'_>, now: &[StandValue], previous: Option<&Stand>) -> Chapter {
    let before: Vec<StandValue> = match previous {
        Some(stand) => stand.values.clone(),
        None => {
            let indicators = c.indicators.clone();
            indicators
                .into_iter()
                .filter(|d| !d.uses_institutions())
                .flat_map(|d| {
                    let periods = c.periods(d);
                    match periods.len().checked_sub(2).map(|i| periods[i]) {
                        Some(p) => c.stand_values(d, p),
                        None => Vec::new(),
                    }
                })
                .collect()
        }
    };
    let label = |key: &str| c.indicators.iter().find(|d| d.key.as_str() == key).copied();
    let intro = match previous {
        Some(stand) => format!(
            "Verglichen wird mit dem vorigen Bericht „{}“ (Datenstand {}). Die Gebiete sind danach geordnet, wie weit ihre Veränderung von der mittleren Veränderung aller Gebiete abweicht, gemessen in Standardabweichungen der Veränderungen (Spalte „in SD“): so treten Entwicklungen gegen den gesamtstädtischen Trend hervor, und Indikatoren verschiedener Einheiten werden vergleichbar.",
            stand.title, stand.date
        ),
        None => "Für diese Ausgabe liegt kein Stand eines vorigen Berichts vor; verglichen wird daher jeder Indikator mit seinem vorigen Zeitraum. Die Gebiete sind danach geordnet, wie weit ihre Veränderung von der mittleren Veränderung aller Gebiete abweicht, gemessen in Standardabweichungen der Veränderungen (Spalte „in SD“): so treten Entwicklungen gegen den gesamtstädtischen Trend hervor, und Indikatoren verschiedener Einheiten werden vergleichbar.".to_owned(),
    };
    let mut content = vec![Content::Text(vec![Block::Paragraph(vec![Inline::Text(intro)])])];
    let city_rows: Vec<Vec<String>> = city_changes(&before, now)
        .into_iter()
        .filter_map(|(then, now)| {
            let d = label(&now.indicator)?;
            Some(vec![
                d.label.clone(),
                format!("{} ({})", value_text(d, then.value), then.period),
                format!("{} ({})", value_text(d, now.value), now.period),
                change_text(d, now.value - then.value),
            ])
        })
        .collect();
    if !city_rows.is_empty() {
        content.push(Content::Table(Table {
            caption: format!("Veränderungen für {}", c.city.1.name),
            header: vec!["Indikator".into(), "damals".into(), "jetzt".into(), "Veränderung".into()],
            numeric: vec![false, true, true, true],
            rows: city_rows,
        }));
    }
    let area_rows: Vec<Vec<String>> = largest_changes(&before, now, CHANGES_LISTED)
        .into_iter()
        .filter_map(|ch| {
            let d = label(&ch.now.indicator)?;
            Some(vec![
                ch.now.name.clone(),
                d.label.clone(),
                format!("{} ({})", value_text(d, ch.then.value), ch.then.period),
                format!("{} ({})", value_text(d, ch.now.value), ch.now.period),
                change_text(d, ch.now.value - ch.then.value),
                signed(ch.standardised, 1),
            ])
        })
        .collect();
    if area_rows.is_empty() {
        let compared = now
            .iter()
            .any(|n| !n.city && before.iter().any(|b| !b.city && b.indicator == n.indicator && b.area == n.area));
        let text = if compared {
            "In keinem Gebiet hat sich ein Wert verändert."
        } else {
            "Kein Gebiet hat in beiden Ständen einen Wert."
        };
        content.push(Content::Text(vec![Block::Paragraph(vec![Inline::Text(text.to_owned())])]));
    } else {
        content.push(Content::Table(Table {
            caption: format!(
                "Die {} auffälligsten Veränderungen in den Gebieten der Ebene {}",
                area_rows.len(),
                c.layer.layer.name
            ),
            header: vec![
                "Gebiet".into(),
                "Indikator".into(),
                "damals".into(),
                "jetzt".into(),
                "Veränderung".into(),
                "in SD".into(),
            ],
            numeric: vec![false, false, true, true, true, true],
            rows: area_rows,
        }));
    }
    let title = if previous.is_some() {
        "Veränderungen seit dem letzten Bericht"
    } else {
        "Veränderungen gegenüber dem vorigen Zeitraum"
    };
    Chapter { title: title.to_owned(), content }
}

/// The report of `input` from the atlas.
pub fn build_document(atlas: &Atlas, input: &DocumentInput) -> Result<Document, BuildError> {
    let spec = &input.spec;
    let k = atlas.kommune(&spec.kommune).ok_or_else(|| BuildError::UnknownKommune(spec.kommune.clone()))?;
    let layer = k
        .data
        .layer(&spec.layer, None)
        .ok_or_else(|| BuildError::UnknownLayer { kommune: spec.kommune.clone(), layer: spec.layer.clone() })?;
    let city = k
        .city(None)
        .ok_or_else(|| BuildError::UnknownLayer { kommune: spec.kommune.clone(), layer: "Gesamtstadt".to_owned() })?;
    if let Some(stand) = &input.previous
        && (stand.kommune != spec.kommune || stand.layer != spec.layer)
    {
        return Err(BuildError::StandMismatch {
            title: stand.title.clone(),
            found: format!("{}/{}", stand.kommune, stand.layer),
            expected: format!("{}/{}", spec.kommune, spec.layer),
        });
    }
    let mut c = Context {
        k,
        catalogue: &atlas.catalogue,
        layer,
        city,
        used: vec![layer.release, city.0.release],
        indicators: Vec::new(),
    };
    let mut chapters = Vec::new();
    for (i, chapter) in spec.chapters.iter().enumerate() {
        let mut content = Vec::new();
        if let Some(n) = input.narratives.get(i).and_then(Option::as_ref) {
            content.push(Content::Text(narrative(&mut c, n)?));
        }
        for e in &chapter.elements {
            content.push(element(&mut c, &chapter.title, e)?);
        }
        chapters.push(Chapter { title: chapter.title.clone(), content });
    }
    let indicators = c.indicators.clone();
    let mut values = Vec::new();
    for d in &indicators {
        if let Ok(p) = c.newest(d) {
            values.extend(c.stand_values(d, p));
        }
    }
    chapters.push(changes_chapter(&mut c, &values, input.previous.as_ref()));

    let (releases, date) = snapshot_notes(k, c.used);
    let last_release = k.data.releases.iter().map(|r| r.id.0).max().unwrap_or(0);
    let methods = indicators.iter().map(|d| method(d)).collect();
    let (y, m, day) = date;
    Ok(Document {
        kind: spec.kind.clone(),
        title: spec.title.clone(),
        subtitle: spec.subtitle.clone(),
        publisher: spec.publisher.clone(),
        kommune: k.data.kommune.name.clone(),
        chapters,
        releases,
        methods,
        date,
        last_release,
        stand: Stand {
            title: spec.title.clone(),
            kommune: spec.kommune.clone(),
            layer: spec.layer.clone(),
            date: format!("{y:04}-{m:02}-{day:02}"),
            last_release,
            values,
        },
    })
}
