//! Writes sample pictures to `/tmp/render-samples/` for looking at them: a choropleth of Hamburg's
//! Stadtteile (boundaries from `data/demo/hamburg`, made-up values), its legend and one chart of
//! each kind. Run with `cargo run -p render --example samples`.

use std::error::Error;
use std::fs;

use domain::classify::{ClassMethod, breaks};
use geo::{Centroid, Geometry, MultiPolygon};
use render::{
    AgeBand, AgeChartSpec, Bar, BarChartSpec, BySex, ChoroplethSpec, LineChartSpec, MapArea, MapPoint, Reference,
    Series, age_chart, bar_chart, choropleth, format_de, legend, line_chart,
};

/// A made-up but stable value between 2 and 30 for a name; every 17th area has none.
fn made_up_value(name: &str) -> Option<f64> {
    let h = name.bytes().fold(2166136261_u32, |h, b| (h ^ u32::from(b)).wrapping_mul(16777619));
    (h % 17 != 0).then(|| 2.0 + f64::from(h % 2800) / 100.0)
}

fn main() -> Result<(), Box<dyn Error>> {
    let out = std::path::Path::new("/tmp/render-samples");
    fs::create_dir_all(out)?;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/demo/hamburg/hamburg.geojson");
    let collection: geojson::FeatureCollection = fs::read_to_string(path)?.parse()?;
    let mut shapes: Vec<(String, MultiPolygon<f64>)> = Vec::new();
    for feature in collection.features {
        let name = feature.property("name").and_then(|n| n.as_str()).unwrap_or("?").to_owned();
        let Some(geometry) = feature.geometry else { continue };
        match Geometry::<f64>::try_from(geometry.value)? {
            Geometry::MultiPolygon(mp) => shapes.push((name, mp)),
            Geometry::Polygon(p) => shapes.push((name, MultiPolygon::new(vec![p]))),
            _ => {}
        }
    }
    let values: Vec<Option<f64>> = shapes.iter().map(|(n, _)| made_up_value(n)).collect();
    let finite: Vec<f64> = values.iter().flatten().copied().collect();
    let b = breaks(&finite, ClassMethod::Quantile, 5).ok_or("no values")?;
    let keys: Vec<String> = (0..shapes.len()).map(|i| format!("{:03}", i + 1)).collect();
    let areas: Vec<MapArea> = shapes
        .iter()
        .zip(&values)
        .zip(&keys)
        .map(|(((name, geometry), value), key)| MapArea {
            key,
            name,
            geometry,
            value: *value,
            value_text: value.map_or("keine Daten (.)".to_owned(), |v| format!("{} %", format_de(v, 1))),
            href: Some(format!("/hamburg/stadtteil/{key}")),
        })
        .collect();
    let labels: Vec<String> = (1..=8).map(|i| format!("Grundschule {i}")).collect();
    let points: Vec<MapPoint> = shapes
        .iter()
        .step_by(13)
        .zip(&labels)
        .filter_map(|((_, g), label)| Some(MapPoint { key: label, label, location: g.centroid()?, href: None }))
        .collect();
    let highlight = keys.get(40).map(String::as_str);
    let has_missing = values.iter().any(Option::is_none);
    let map = ChoroplethSpec {
        title: "Beispielwerte je Stadtteil",
        areas,
        breaks: Some(&b),
        points,
        highlight,
        width: 860.0,
        height: 640.0,
    };
    fs::write(out.join("map.svg"), choropleth(&map))?;
    fs::write(out.join("legend.svg"), legend(&b, ClassMethod::Quantile.label(), "Beispielwert in %", has_missing))?;

    let periods: Vec<String> = (2005..=2012).map(|y| y.to_string()).collect();
    let line = LineChartSpec {
        title: "Anteil der unter 18-Jährigen",
        periods,
        series: vec![
            Series {
                name: "Altona-Altstadt",
                values: vec![Some(14.2), Some(14.8), Some(15.1), None, Some(15.9), Some(16.4), Some(16.2), Some(16.8)],
            },
            Series {
                name: "Bezirk Altona",
                values: vec![
                    Some(15.0),
                    Some(15.1),
                    Some(15.3),
                    Some(15.2),
                    Some(15.4),
                    Some(15.6),
                    Some(15.7),
                    Some(15.8),
                ],
            },
            Series {
                name: "Hamburg",
                values: vec![
                    Some(15.8),
                    Some(15.7),
                    Some(15.7),
                    Some(15.6),
                    Some(15.6),
                    Some(15.5),
                    Some(15.6),
                    Some(15.7),
                ],
            },
        ],
        y_label: "Anteil in %",
        value_suffix: " %",
        target: None,
        reestimated: Vec::new(),
        width: 640.0,
        height: 320.0,
    };
    fs::write(out.join("line.svg"), line_chart(&line))?;

    let labels = [
        "0 bis unter 6",
        "6 bis unter 10",
        "10 bis unter 18",
        "18 bis unter 30",
        "30 bis unter 45",
        "45 bis unter 65",
        "65 bis unter 80",
        "80 und älter",
    ];
    let shares = [6.1, 3.9, 7.2, 19.5, 26.0, 22.1, 11.0, 4.2];
    let city = [5.6, 3.6, 7.4, 16.9, 23.1, 25.4, 13.3, 4.7];
    let age = |by_sex: bool| AgeChartSpec {
        title: "Altersaufbau Altona-Altstadt",
        area_name: "Altona-Altstadt",
        comparison_name: "Hamburg",
        bands: labels
            .iter()
            .zip(shares.iter().zip(city))
            .map(|(label, (&s, c))| AgeBand {
                label,
                share: Some(s),
                comparison: Some(c),
                by_sex: by_sex.then_some(BySex {
                    male: Some(s * 0.51),
                    female: Some(s * 0.49),
                    comparison_male: Some(c * 0.49),
                    comparison_female: Some(c * 0.51),
                }),
            })
            .collect(),
        width: 560.0,
        height: 360.0,
    };
    fs::write(out.join("age.svg"), age_chart(&age(false)))?;
    fs::write(out.join("pyramid.svg"), age_chart(&age(true)))?;

    let bars: Vec<Bar> = map
        .areas
        .iter()
        .take(12)
        .map(|a| Bar { key: a.key, label: a.name, value: a.value.map(|v| v - 12.0), href: a.href.clone() })
        .collect();
    let bar = BarChartSpec {
        title: "Abweichung vom Mittel",
        bars,
        reference: Some(Reference { label: "Hamburg", value: 3.5 }),
        highlight: highlight.and(map.areas.get(3).map(|a| a.key)),
        value_suffix: " %-Punkte",
        width: 640.0,
    };
    fs::write(out.join("bar.svg"), bar_chart(&bar))?;
    println!("wrote {}", out.display());
    Ok(())
}
