use domain::classify::{ClassMethod, breaks};
use geo::{MultiPolygon, Point, Rect, coord, polygon};
use render::{
    ChoroplethSpec, ClassedPoint, MapArea, MapPoint, PointMapSpec, Projection, choropleth, point_map, sequential,
};

use crate::svg_check::{check, child, elements, text_of, with_class};

fn square(x: f64, y: f64, size: f64) -> MultiPolygon<f64> {
    MultiPolygon::new(vec![polygon![
        (x: x, y: y), (x: x + size, y: y), (x: x + size, y: y + size), (x: x, y: y + size), (x: x, y: y)
    ]])
}

#[test]
fn projection_maps_bbox_corners_to_the_padded_viewport_corners() {
    // Symmetric about the equator, cos(mid-latitude) = 1: a square box in a square viewport.
    let p = Projection::fit(Rect::new(coord! { x: 0.0, y: -1.0 }, coord! { x: 2.0, y: 1.0 }), 220.0, 220.0, 10.0);
    assert_eq!(p.project(coord! { x: 0.0, y: 1.0 }), (10.0, 10.0));
    assert_eq!(p.project(coord! { x: 2.0, y: -1.0 }), (210.0, 210.0));
    // At Köln's latitude the viewport is made exactly as wide as the shrunken longitudes need.
    let (south, north) = (50.8, 51.1);
    let shrink = ((south + north) / 2.0_f64).to_radians().cos();
    let width = 0.3 * shrink * 1000.0 + 20.0;
    let p = Projection::fit(Rect::new(coord! { x: 6.8, y: south }, coord! { x: 7.1, y: north }), width, 320.0, 10.0);
    let (x0, y0) = p.project(coord! { x: 6.8, y: north });
    let (x1, y1) = p.project(coord! { x: 7.1, y: south });
    for (got, want) in [(x0, 10.0), (y0, 10.0), (x1, width - 10.0), (y1, 310.0)] {
        assert!((got - want).abs() < 1e-9, "{got} != {want}");
    }
}

#[test]
fn choropleth_of_two_squares_and_a_gap() {
    let (a, b, c) = (square(7.0, 51.0, 0.01), square(7.01, 51.0, 0.01), square(7.02, 51.0, 0.01));
    let brk = breaks(&[1.0, 2.0, 3.0], ClassMethod::Quantile, 3).unwrap();
    let area = |key, name, geometry, value: Option<f64>, text: &str, href: Option<&str>| MapArea {
        key,
        name,
        geometry,
        value,
        value_text: text.to_owned(),
        href: href.map(str::to_owned),
    };
    let spec = ChoroplethSpec {
        title: "Anteil <Test> & \"Karte\"",
        areas: vec![
            area("a", "Altstadt", &a, Some(1.0), "1,0 %", Some("/gebiet/a?x=1&y=2")),
            area("b", "A&B <x>", &b, Some(3.0), "3,0 %", None),
            area("c", "Ohne 'Daten'", &c, None, "keine Daten (.)", Some("/gebiet/c")),
        ],
        breaks: Some(&brk),
        points: vec![MapPoint {
            key: "s1",
            label: "Schule am Park",
            location: Point::new(7.005, 51.005),
            href: Some("/schule/s1".to_owned()),
        }],
        highlight: Some("b"),
        width: 600.0,
        height: 300.0,
    };
    let svg = choropleth(&spec);
    let doc = check(&svg);
    let root = doc.root_element();
    assert_eq!(root.attribute("role"), Some("group"));
    assert_eq!(text_of(child(root, "title")), "Anteil <Test> & \"Karte\"");
    assert_eq!(
        text_of(child(root, "desc")),
        "Karte mit 3 Gebieten. Niedrigster Wert: Altstadt (1,0 %). Höchster Wert: A&B <x> (3,0 %). 1 ohne Daten. 1 Standorte."
    );
    assert!(svg.contains("A&amp;B &lt;x&gt;: 3,0 %"), "names are escaped in the raw text");

    let areas = with_class(&doc, "area");
    assert_eq!(areas.len(), 3);
    let fill =
        |key: &str| areas.iter().find(|n| n.attribute("data-key") == Some(key)).unwrap().attribute("fill").unwrap();
    assert_eq!(fill("a"), sequential(3)[0]);
    assert_eq!(fill("b"), sequential(3)[2]);
    let hatch = fill("c").strip_prefix("url(#").unwrap().trim_end_matches(')');
    assert!(elements(&doc, "pattern").any(|p| p.attribute("id") == Some(hatch)));
    for (n, (id, value, title)) in areas.iter().zip([
        ("area-a", Some("1"), "Altstadt: 1,0 %"),
        ("area-b", Some("3"), "A&B <x>: 3,0 %"),
        ("area-c", None, "Ohne 'Daten': keine Daten (.)"),
    ]) {
        assert_eq!(n.attribute("id"), Some(id));
        assert_eq!(n.attribute("data-value"), value);
        assert_eq!(text_of(child(*n, "title")), title);
        let labelled = if n.parent_element().unwrap().has_tag_name("a") { n.parent_element().unwrap() } else { *n };
        assert_eq!(labelled.attribute("aria-label"), Some(title));
        assert!(n.attribute("d").unwrap().starts_with('M') && n.attribute("d").unwrap().ends_with('z'));
    }
    let links: Vec<&str> = elements(&doc, "a").filter_map(|a| a.attribute("href")).collect();
    assert_eq!(links, ["/gebiet/a?x=1&y=2", "/gebiet/c", "/schule/s1"]);
    assert!(svg.contains(r#"href="/gebiet/a?x=1&amp;y=2""#));

    let points = with_class(&doc, "point");
    assert_eq!(points.len(), 1);
    assert_eq!(text_of(child(points[0], "title")), "Schule am Park");
    let order: Vec<&str> = root.children().filter_map(|n| n.attribute("class")).collect();
    assert_eq!(order, ["areas", "points", "highlight"]);
    let highlight = with_class(&doc, "highlight")[0];
    assert_eq!(highlight.attribute("fill"), Some("none"));
    let outlines: Vec<_> = elements(&doc, "path").filter(|p| p.parent_element() == Some(highlight)).collect();
    assert_eq!(outlines.len(), 2, "halo and outline");
    assert!(outlines.iter().all(|p| p.attribute("d") == areas[1].attribute("d")));
    assert_eq!(outlines[1].attribute("stroke"), Some("#1a1a1a"));
}

#[test]
fn squares_share_their_edge_exactly_after_rounding() {
    let (a, b) = (square(7.0, 51.0, 0.01), square(7.01, 51.0, 0.01));
    let areas = [(&a, "a"), (&b, "b")]
        .map(|(g, key)| MapArea { key, name: key, geometry: g, value: None, value_text: String::new(), href: None })
        .to_vec();
    let spec = ChoroplethSpec {
        title: "t",
        areas,
        breaks: None,
        points: vec![],
        highlight: None,
        width: 200.0,
        height: 100.0,
    };
    let svg = choropleth(&spec);
    let doc = check(&svg);
    assert_eq!(doc.root_element().attribute("role"), Some("img"));
    // The squares have the same size, so their paths differ only in the start point.
    let d: Vec<&str> = with_class(&doc, "area").iter().map(|n| n.attribute("d").unwrap()).collect();
    let tail = |s: &str| s.split_once(['h', 'l']).unwrap().1.to_owned();
    assert_eq!(tail(d[0]), tail(d[1]));
}

#[test]
fn an_empty_map_is_still_a_valid_picture() {
    let spec = ChoroplethSpec {
        title: "leer",
        areas: vec![],
        breaks: None,
        points: vec![],
        highlight: Some("x"),
        width: 100.0,
        height: 100.0,
    };
    let svg = choropleth(&spec);
    let doc = check(&svg);
    assert_eq!(text_of(child(doc.root_element(), "desc")), "Karte mit 0 Gebieten.");
}

#[test]
fn a_point_far_outside_the_areas_neither_shrinks_the_map_nor_is_drawn() {
    let geometry = square(0.0, 0.0, 1.0);
    let area = |key| MapArea {
        key,
        name: key,
        geometry: &geometry,
        value: None,
        value_text: "keine Daten".into(),
        href: None,
    };
    let point = |key, x, y| MapPoint { key, label: key, location: Point::new(x, y), href: None };
    let with = choropleth(&ChoroplethSpec {
        title: "t",
        areas: vec![area("a")],
        breaks: None,
        points: vec![point("innen", 0.5, 0.5), point("weit", 40.0, 40.0)],
        highlight: None,
        width: 200.0,
        height: 200.0,
    });
    let without = choropleth(&ChoroplethSpec {
        title: "t",
        areas: vec![area("a")],
        breaks: None,
        points: vec![],
        highlight: None,
        width: 200.0,
        height: 200.0,
    });
    let path = |svg: &str| svg.split(" d=\"").nth(1).map(|d| d.split('"').next().unwrap_or("").to_owned());
    assert_eq!(path(&with), path(&without));
    assert!(with.contains(r#"data-key="innen""#));
    assert!(!with.contains(r#"data-key="weit""#));
}

#[test]
fn a_map_without_any_value_is_a_plain_base_map() {
    let geometry = square(0.0, 0.0, 1.0);
    let spec = ChoroplethSpec {
        title: "ohne Daten",
        areas: vec![MapArea {
            key: "a",
            name: "A",
            geometry: &geometry,
            value: None,
            value_text: "keine Daten".into(),
            href: None,
        }],
        breaks: None,
        points: vec![],
        highlight: None,
        width: 100.0,
        height: 100.0,
    };
    let svg = choropleth(&spec);
    check(&svg);
    assert!(svg.contains(&format!(r#"fill="{}""#, render::BASE_FILL)), "{svg}");
    assert!(!svg.contains("fill=\"url(#"), "{svg}");
}

#[test]
fn point_map_colours_points_by_class_over_a_plain_base() {
    let (a, b) = (square(7.0, 51.0, 0.01), square(7.01, 51.0, 0.01));
    let areas = [(&a, "a"), (&b, "b")]
        .map(|(g, key)| MapArea {
            key,
            name: key,
            geometry: g,
            value: Some(9.0),
            value_text: String::new(),
            href: None,
        })
        .to_vec();
    let point = |key, x, class| ClassedPoint {
        key,
        label: key,
        location: Point::new(x, 51.005),
        class,
        href: Some(format!("/schule/{key}")),
    };
    let spec = PointMapSpec {
        title: "Auslastung 2030",
        areas,
        points: vec![point("s1", 7.005, Some(0)), point("s2", 7.015, Some(3)), point("s3", 7.012, None)],
        classes: 4,
        width: 400.0,
        height: 300.0,
    };
    let svg = point_map(&spec);
    let doc = check(&svg);
    let root = doc.root_element();
    assert_eq!(root.attribute("role"), Some("group"));
    assert_eq!(
        text_of(child(root, "desc")),
        "Karte mit 3 Standorten; Klasse 1: 1; Klasse 2: 0; Klasse 3: 0; Klasse 4: 1; ohne Wert: 1."
    );
    let base: Vec<Option<&str>> = with_class(&doc, "area").iter().map(|n| n.attribute("fill")).collect();
    assert_eq!(base, [Some(render::BASE_FILL), Some(render::BASE_FILL)], "the areas' values are not shown");
    let fills: Vec<Option<&str>> = with_class(&doc, "point").iter().map(|n| n.attribute("fill")).collect();
    assert_eq!(fills, [Some(sequential(4)[0]), Some(sequential(4)[3]), Some("#ffffff")]);
    let links: Vec<&str> = elements(&doc, "a").filter_map(|a| a.attribute("aria-label")).collect();
    assert_eq!(links, ["s1", "s2", "s3"]);
}
