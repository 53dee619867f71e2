use render::{
    AgeBand, AgeChartSpec, Bar, BarChartSpec, BySex, LineChartSpec, Reference, Series, age_chart, bar_chart, line_chart,
};

use crate::svg_check::{check, child, elements, text_of, with_class};

fn tiny_line_chart() -> String {
    line_chart(&LineChartSpec {
        title: "Anteil <18",
        periods: vec!["2005".into(), "2006".into(), "2007".into()],
        series: vec![
            Series { name: "Altstadt", values: vec![Some(10.0), Some(12.5), Some(11.0)] },
            Series { name: "Köln", values: vec![Some(14.0), None, Some(15.25)] },
        ],
        y_label: "Anteil in %",
        value_suffix: " %",
        target: None,
        reestimated: Vec::new(),
        width: 480.0,
        height: 260.0,
    })
}

#[test]
fn line_chart_snapshot() {
    let svg = tiny_line_chart();
    let doc = check(&svg);
    let root = doc.root_element();
    assert_eq!(root.attribute("role"), Some("img"));
    assert_eq!(
        text_of(child(root, "desc")),
        "Liniendiagramm Anteil <18 (Anteil in %). Altstadt: 2005: 10 %, 2006: 12,5 %, 2007: 11 %. \
         Köln: 2005: 14 %, 2006: keine Daten, 2007: 15,3 %."
    );
    // One line for Altstadt; Köln has no two neighbouring values, so only markers.
    assert_eq!(with_class(&doc, "series").len(), 1);
    // Altstadt: 3 circle markers plus one in the legend; Köln: 2 square markers plus one in the legend.
    assert_eq!(elements(&doc, "circle").count(), 4);
    assert_eq!(elements(&doc, "rect").count(), 3);
    assert_eq!(elements(&doc, "path").count(), 1);
    let titles: Vec<String> = elements(&doc, "circle")
        .chain(elements(&doc, "rect"))
        .filter_map(|m| m.children().find(|c| c.has_tag_name("title")))
        .map(text_of)
        .collect();
    assert_eq!(
        titles,
        [
            "Altstadt, 2005: 10 %",
            "Altstadt, 2006: 12,5 %",
            "Altstadt, 2007: 11 %",
            "Köln, 2005: 14 %",
            "Köln, 2007: 15,3 %"
        ]
    );
    let labels: Vec<String> = elements(&doc, "text").map(text_of).collect();
    assert_eq!(labels, ["Altstadt", "Köln", "Anteil in %", "10", "12", "14", "16", "2005", "2006", "2007"]);
}

#[test]
fn line_chart_series_differ_in_dash_pattern_and_gaps_break_lines() {
    let svg = line_chart(&LineChartSpec {
        title: "t",
        periods: (2005..2010).map(|y| y.to_string()).collect(),
        series: vec![
            Series { name: "a", values: vec![Some(1.0), Some(2.0), None, Some(3.0), Some(4.0)] },
            Series { name: "b", values: vec![Some(2.0), Some(2.0), Some(2.0), Some(2.0), Some(2.0)] },
        ],
        y_label: "",
        value_suffix: "",
        target: None,
        reestimated: Vec::new(),
        width: 400.0,
        height: 200.0,
    });
    let doc = check(&svg);
    let series = with_class(&doc, "series");
    let a = series.iter().find(|s| s.attribute("data-series") == Some("0")).unwrap();
    let b = series.iter().find(|s| s.attribute("data-series") == Some("1")).unwrap();
    assert_eq!(a.attribute("d").unwrap().matches('M').count(), 2);
    assert_eq!(a.attribute("stroke-dasharray"), None);
    assert!(b.attribute("stroke-dasharray").is_some());
    assert_ne!(a.attribute("stroke"), b.attribute("stroke"));
}

#[test]
fn line_chart_without_values_says_so() {
    let svg = line_chart(&LineChartSpec {
        title: "t",
        periods: vec!["2020".into()],
        series: vec![Series { name: "a", values: vec![None] }],
        y_label: "Anzahl",
        value_suffix: "",
        target: None,
        reestimated: Vec::new(),
        width: 300.0,
        height: 200.0,
    });
    let doc = check(&svg);
    assert!(text_of(doc.root_element()).contains("keine Daten"));
}

fn bands() -> Vec<AgeBand<'static>> {
    vec![
        AgeBand { label: "unter 6", share: Some(6.5), comparison: Some(5.5), by_sex: None },
        AgeBand { label: "6 bis unter 18", share: Some(12.0), comparison: Some(11.75), by_sex: None },
        AgeBand { label: "18 bis unter 65", share: Some(60.0), comparison: None, by_sex: None },
        AgeBand { label: "65 und älter", share: None, comparison: Some(19.0), by_sex: None },
    ]
}

#[test]
fn age_chart_puts_the_youngest_band_at_the_bottom() {
    let spec = AgeChartSpec {
        title: "Altersaufbau",
        area_name: "Altstadt",
        comparison_name: "Köln",
        bands: bands(),
        width: 500.0,
        height: 300.0,
    };
    let svg = age_chart(&spec);
    let doc = check(&svg);
    let bars = with_class(&doc, "bar");
    assert_eq!(bars.len(), 4);
    let y = |i: usize| bars[i].attribute("y").unwrap().parse::<f64>().unwrap();
    assert!(y(0) > y(1) && y(1) > y(2) && y(2) > y(3));
    assert_eq!(text_of(child(bars[0], "title")), "unter 6: 6,5 % (Köln: 5,5 %)");
    assert_eq!(text_of(child(bars[3], "title")), "65 und älter: keine Daten (Köln: 19 %)");
    assert_eq!(with_class(&doc, "comparison").len(), 3);
    assert_eq!(
        text_of(child(doc.root_element(), "desc")),
        "Altersaufbau Altstadt im Vergleich zu Köln, Anteile an der Bevölkerung in %, von jung nach alt. \
         unter 6: 6,5 % (Köln: 5,5 %). 6 bis unter 18: 12 % (Köln: 11,8 %). 18 bis unter 65: 60 % (Köln: keine Daten). \
         65 und älter: keine Daten (Köln: 19 %)."
    );
}

#[test]
fn age_chart_with_sexes_is_a_two_sided_pyramid() {
    let mut b = bands();
    for (i, band) in b.iter_mut().enumerate() {
        let v = 3.0 + i as f64;
        band.by_sex = Some(BySex {
            male: Some(v),
            female: Some(v + 0.5),
            comparison_male: Some(v - 0.5),
            comparison_female: None,
        });
    }
    let spec = AgeChartSpec {
        title: "Pyramide",
        area_name: "Altstadt",
        comparison_name: "Köln",
        bands: b,
        width: 500.0,
        height: 300.0,
    };
    let svg = age_chart(&spec);
    let doc = check(&svg);
    let bars = with_class(&doc, "bar");
    assert_eq!(bars.len(), 8);
    let x = |n: &roxmltree::Node| n.attribute("x").unwrap().parse::<f64>().unwrap();
    // Men end at the left of the label gutter, women start at its right.
    assert!(x(&bars[0]) + bars[0].attribute("width").unwrap().parse::<f64>().unwrap() < 250.0);
    assert!(x(&bars[1]) > 250.0);
    assert_eq!(text_of(child(bars[0], "title")), "unter 6, männlich: 3 % (Köln: 2,5 %)");
    assert_eq!(text_of(child(bars[1], "title")), "unter 6, weiblich: 3,5 %");
    assert_eq!(with_class(&doc, "comparison").len(), 4);
    let text = text_of(doc.root_element());
    assert!(text.contains("männlich") && text.contains("weiblich"));
}

#[test]
fn bar_chart_with_reference_links_and_gaps() {
    let spec = BarChartSpec {
        title: "Vergleich",
        bars: vec![
            Bar { key: "1", label: "Altstadt-Nord", value: Some(12.5), href: Some("/a/1".into()) },
            Bar { key: "2", label: "A&B <x>", value: Some(-3.0), href: None },
            Bar { key: "3", label: "Ein sehr, sehr langer Stadtteilname mit Zusatz", value: None, href: None },
        ],
        reference: Some(Reference { label: "Köln", value: 8.0 }),
        highlight: Some("1"),
        value_suffix: " %",
        width: 420.0,
    };
    let svg = bar_chart(&spec);
    let doc = check(&svg);
    let root = doc.root_element();
    assert_eq!(root.attribute("role"), Some("group"));
    assert_eq!(root.attribute("height"), Some(&*render::bar_chart_height(3).to_string()));
    let bars = with_class(&doc, "bar");
    assert_eq!(bars.iter().map(|b| b.attribute("data-key").unwrap()).collect::<Vec<_>>(), ["1", "2", "3"]);
    assert_ne!(bars[0].attribute("fill"), bars[1].attribute("fill"));
    assert_eq!(text_of(child(bars[1], "title")), "A&B <x>: -3,0 %");
    assert!(text_of(bars[2]).starts_with("keine Daten"));
    // A negative bar extends to the left of the zero line.
    let zero = bars[0].attribute("x").unwrap();
    let neg_end = bars[1].attribute("x").unwrap().parse::<f64>().unwrap()
        + bars[1].attribute("width").unwrap().parse::<f64>().unwrap();
    assert_eq!(neg_end.to_string(), zero);
    assert_eq!(elements(&doc, "a").map(|a| a.attribute("href").unwrap()).collect::<Vec<_>>(), ["/a/1"]);
    assert_eq!(with_class(&doc, "reference").len(), 1);
    let text = text_of(root);
    assert!(text.contains("Köln: 8,0 %"));
    let shortened = elements(&doc, "text").map(text_of).find(|t| t.ends_with('…')).unwrap();
    assert!("Ein sehr, sehr langer Stadtteilname mit Zusatz".starts_with(shortened.trim_end_matches('…')));
    assert_eq!(
        text_of(child(root, "desc")),
        "Balkendiagramm Vergleich. Altstadt-Nord: 12,5 %; A&B <x>: -3,0 %; Ein sehr, sehr langer Stadtteilname mit Zusatz: keine Daten. \
         Vergleichswert Köln: 8,0 %."
    );
}

#[test]
fn values_beyond_the_f64_range_of_an_axis_give_an_empty_but_valid_chart() {
    let bars = vec![
        Bar { key: "a", label: "a", value: Some(-1e308), href: None },
        Bar { key: "b", label: "b", value: Some(1e308), href: None },
    ];
    let spec = BarChartSpec { title: "t", bars, reference: None, highlight: None, value_suffix: "", width: 300.0 };
    check(&bar_chart(&spec));
    let series = vec![Series { name: "a", values: vec![Some(-1e308), Some(1e308)] }];
    check(&line_chart(&LineChartSpec {
        title: "t",
        periods: vec!["1".into(), "2".into()],
        series,
        y_label: "",
        value_suffix: "",
        target: None,
        reestimated: Vec::new(),
        width: 300.0,
        height: 200.0,
    }));
}

#[test]
fn a_target_line_is_drawn_labelled_and_described() {
    let svg = line_chart(&LineChartSpec {
        title: "Betreuungsquote",
        periods: vec!["2021".into(), "2022".into()],
        series: vec![Series { name: "Stadt", values: vec![Some(30.0), Some(34.0)] }],
        y_label: "%",
        value_suffix: " %",
        target: Some(render::TargetLine { label: "Ziel 2025", value: 45.0 }),
        reestimated: Vec::new(),
        width: 400.0,
        height: 240.0,
    });
    let doc = check(&svg);
    assert_eq!(with_class(&doc, "target").len(), 1);
    assert!(svg.contains(">Ziel 2025<"));
    assert!(text_of(child(doc.root_element(), "desc")).ends_with(". Ziel 2025: 45 %."));
    // The axis reaches the target even though no value does.
    assert!(svg.contains(">45<") || svg.contains(">50<"), "{svg}");
}

#[test]
fn breaks_mark_where_values_were_reestimated() {
    let svg = line_chart(&LineChartSpec {
        title: "Kinder",
        periods: vec!["2008".into(), "2009".into(), "2010".into(), "2011".into()],
        series: vec![Series { name: "Quartier A", values: vec![Some(10.0), Some(11.0), Some(12.0), Some(12.5)] }],
        y_label: "%",
        value_suffix: " %",
        target: None,
        reestimated: vec![true, true, false, false],
        width: 400.0,
        height: 240.0,
    });
    let doc = check(&svg);
    assert_eq!(with_class(&doc, "break").len(), 1);
    assert!(
        text_of(child(doc.root_element(), "desc")).ends_with("Auf den aktuellen Gebietsstand umgeschätzt: 2008, 2009.")
    );
}

#[test]
fn sankey_is_a_complete_picture_with_its_withheld_flows_named() {
    use render::{Flow, SankeyNode, SankeySpec, sankey};
    let node = |key, total| SankeyNode { key, label: key, total };
    let svg = sankey(&SankeySpec {
        title: "Übergänge <5>",
        origin_heading: "Stadtbezirk",
        destination_heading: "Schulform",
        origins: vec![node("Innenstadt & Süd", Some(525.0)), node("Rodenkirchen", Some(820.0))],
        destinations: vec![node("Gymnasium", Some(598.0)), node("Realschule", Some(245.0))],
        flows: vec![
            Flow { origin: 0, destination: 0, value: Some(223.0) },
            Flow { origin: 0, destination: 1, value: None },
            Flow { origin: 1, destination: 0, value: Some(375.0) },
            Flow { origin: 1, destination: 1, value: Some(144.0) },
        ],
        total: Some(1345.0),
        width: 600.0,
        plot_height: 300.0,
    });
    let doc = check(&svg);
    assert_eq!(doc.root_element().attribute("role"), Some("img"));
    assert_eq!(with_class(&doc, "flow").len(), 3);
    assert_eq!(with_class(&doc, "node").len(), 4);
    assert_eq!(
        text_of(with_class(&doc, "note")[0]),
        "1 Strom geheim gehalten (Zeichen .) und nicht gezeichnet; schraffiert: ihr Anteil an veröffentlichten Summen"
    );
    assert!(
        text_of(child(doc.root_element(), "desc"))
            .contains("Innenstadt & Süd (525 (39,0 %)): Gymnasium 223, Realschule geheim gehalten.")
    );
}
