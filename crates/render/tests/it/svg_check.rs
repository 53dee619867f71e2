//! The checks every picture must pass: well-formed XML, a complete `<svg>` root, readable text and
//! references that resolve.

use roxmltree::{Document, Node};

/// Parses `svg` and checks what every picture shares; returns the document for further checks.
pub fn check(svg: &str) -> Document<'_> {
    let doc = Document::parse(svg).unwrap_or_else(|e| panic!("not well-formed XML: {e}\n{svg}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.tag_name().namespace(), Some("http://www.w3.org/2000/svg"));
    let (w, h) = (root.attribute("width").unwrap(), root.attribute("height").unwrap());
    assert_eq!(root.attribute("viewBox"), Some(format!("0 0 {w} {h}").as_str()));
    assert_eq!(root.attribute("font-family"), Some("system-ui, sans-serif"));
    assert!(matches!(root.attribute("role"), Some("img" | "group")));
    let ids: Vec<&str> = doc.descendants().filter_map(|n| n.attribute("id")).collect();
    for id in root.attribute("aria-labelledby").unwrap().split(' ') {
        assert!(ids.contains(&id), "aria-labelledby {id} does not resolve");
    }
    assert!(!text_of(child(root, "title")).is_empty());
    assert!(!text_of(child(root, "desc")).is_empty());
    for node in doc.descendants().filter(Node::is_element) {
        if let Some(size) = node.attribute("font-size") {
            assert!(size.parse::<f64>().unwrap() >= 11.0, "font-size {size}");
        }
        for attr in ["fill", "stroke"] {
            if let Some(reference) = node.attribute(attr).and_then(|v| v.strip_prefix("url(#")) {
                let id = reference.trim_end_matches(')');
                assert!(ids.contains(&id), "{attr} {id} does not resolve");
            }
        }
        if node.has_tag_name("text") {
            let fill = node.attribute("fill").unwrap_or("#000000");
            let ratio = render::contrast_ratio(fill, "#ffffff").unwrap();
            assert!(ratio >= 4.5, "text {:?} has contrast {ratio}", node.text());
        }
    }
    doc
}

/// The first child element named `name`.
pub fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Node<'a, 'i> {
    node.children()
        .find(|c| c.has_tag_name(name))
        .unwrap_or_else(|| panic!("no <{name}> in <{}>", node.tag_name().name()))
}

/// The text content of a node (all text descendants).
pub fn text_of(node: Node) -> String {
    node.descendants().filter(Node::is_text).filter_map(|n| n.text()).collect()
}

/// All elements named `name`.
pub fn elements<'a, 'i>(doc: &'a Document<'i>, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    doc.descendants().filter(move |n| n.has_tag_name(name))
}

/// The elements whose `class` attribute is `class`.
pub fn with_class<'a, 'i>(doc: &'a Document<'i>, class: &'a str) -> Vec<Node<'a, 'i>> {
    doc.descendants().filter(|n| n.attribute("class") == Some(class)).collect()
}
