use super::*;

fn node<'a>(key: &'a str, total: Option<f64>) -> SankeyNode<'a> {
    SankeyNode { key, label: key, total }
}

fn flow(origin: usize, destination: usize, value: Option<f64>) -> Flow {
    Flow { origin, destination, value }
}

/// Two origins A, B and two destinations X, Y; A → X 30, A → Y 10, B → X 20, B → Y 40.
fn two_by_two(flows: Vec<Flow>) -> SankeySpec<'static> {
    SankeySpec {
        title: "Übergänge",
        origin_heading: "Herkunft",
        destination_heading: "Ziel",
        origins: vec![node("A", None), node("B", None)],
        destinations: vec![node("X", None), node("Y", None)],
        flows,
        total: None,
        width: 400.0,
        plot_height: 100.0,
    }
}

fn full() -> Vec<Flow> {
    vec![flow(0, 0, Some(30.0)), flow(0, 1, Some(10.0)), flow(1, 0, Some(20.0)), flow(1, 1, Some(40.0))]
}

/// Both columns sum to 100 and take 100 px: 1 px per count. A is 40 px high from the top (28),
/// B 60 px after a gap of 10; X and Y are 50 px each. Bands leave A at 28 (to X, 30 wide) and 58
/// (to Y, 10 wide), B at 78 (to X, 20 wide) and 98 (to Y, 40 wide); they reach X at 28 (from A)
/// and 58 (from B), Y at 88 (from A) and 98 (from B).
#[test]
fn a_two_by_two_table_gives_nodes_and_bands_by_hand() {
    let l = layout(&two_by_two(full()));
    assert_eq!(l.scale, 1.0);
    let boxes = |b: &[NodeBox]| b.iter().map(|b| (b.y, b.height, b.centre)).collect::<Vec<_>>();
    assert_eq!(boxes(&l.origins), [(28.0, 40.0, 48.0), (78.0, 60.0, 108.0)]);
    assert_eq!(boxes(&l.destinations), [(28.0, 50.0, 53.0), (88.0, 50.0, 113.0)]);
    let bands: Vec<(usize, usize, f64, f64, f64)> =
        l.bands.iter().map(|b| (b.flow.origin, b.flow.destination, b.from_y, b.to_y, b.width)).collect();
    assert_eq!(
        bands,
        [(0, 0, 28.0, 28.0, 30.0), (0, 1, 58.0, 88.0, 10.0), (1, 0, 78.0, 58.0, 20.0), (1, 1, 98.0, 98.0, 40.0)]
    );
    assert_eq!(l.withheld, 0);
    // 28 above, 40 + 10 + 60 for the nodes, 10 below.
    assert_eq!(l.height, 148.0);
}

/// The labels "40 (40,0 %)" are 11 characters at 11 px: 11 × 11 × 0.58 = 70.18 px, a sixth more
/// is 81.88 px on either side, so the origin bars end at 81.88 + 6 + 12 = 99.88 and the destination
/// bars start at 400 − 81.88 − 6 − 12 = 300.12; the bands' control points lie in the middle, at 200.
#[test]
fn bands_are_drawn_between_the_bars_in_their_destinations_colour() {
    let svg = sankey(&two_by_two(full()));
    assert!(svg.contains(r#"height="148" viewBox="0 0 400 148""#), "{svg}");
    assert!(svg.contains(
        r##"data-from="A" data-to="X" data-value="30" d="M99.9 28C200 28 200 28 300.1 28L300.1 58C200 58 200 58 99.9 58Z" fill="#0072b2"><title>A → X: 30 (75,0 % von A)</title>"##
    ));
    assert!(svg.contains(
        r##"data-from="B" data-to="X" data-value="20" d="M99.9 78C200 78 200 58 300.1 58L300.1 78C200 78 200 98 99.9 98Z" fill="#0072b2">"##
    ));
    assert!(svg.contains(r##"data-from="B" data-to="Y" data-value="40" d="M99.9 98C200 98"##));
    assert!(svg.contains(r##"fill="#d55e00"><title>B → Y: 40 (66,7 % von B)</title>"##));
    assert!(svg.contains(r##"<rect class="node" data-key="A" x="87.9" y="28" width="12" height="40" fill="#4d4d4d"><title>A: 40 (40,0 %)</title></rect>"##));
    assert!(svg.contains(r##"<rect class="node" data-key="Y" x="300.1" y="88" width="12" height="50" fill="#d55e00"><title>Y: 50 (50,0 %)</title></rect>"##));
    assert!(!svg.contains("geheim"), "nothing is withheld: {svg}");
    assert!(svg.contains(
        "Flussdiagramm (Sankey) Übergänge: von Herkunft (links) nach Ziel (rechts), die Bänder so breit wie die \
         Anzahl. A (40 (40,0 %)): X 30, Y 10. B (60 (60,0 %)): X 20, Y 40.</desc>"
    ));
}

/// The flows' order in the input does not matter.
#[test]
fn the_drawing_does_not_depend_on_the_order_of_the_flows() {
    let mut reversed = full();
    reversed.reverse();
    assert_eq!(sankey(&two_by_two(reversed)), sankey(&two_by_two(full())));
}

/// A → Y and B → X are withheld. The published totals (A 40, B 10; X 34, Y 16) sum to 50 per
/// column, so 2 px per count. A: 80 px from 28, its drawn 30 → X 60 px, the withheld 10 hatched
/// (20 px from 88). B: 20 px, less than the least slot of 30, so centred in its slot 118–148 at
/// 123; drawn 6 → Y 12 px, 4 withheld hatched. X: 68 px from 28; Y: 32 px from 106. The note
/// adds 22 px: 28 + 80 + 10 + 30 + 10 + 22 = 180.
#[test]
fn withheld_flows_are_hatched_in_the_published_totals_and_counted_in_a_note() {
    let spec = SankeySpec {
        origins: vec![node("A", Some(40.0)), node("B", Some(10.0))],
        destinations: vec![node("X", Some(34.0)), node("Y", Some(16.0))],
        flows: vec![flow(0, 0, Some(30.0)), flow(0, 1, None), flow(1, 0, None), flow(1, 1, Some(6.0))],
        total: Some(50.0),
        ..two_by_two(Vec::new())
    };
    let l = layout(&spec);
    assert_eq!(l.scale, 2.0);
    let boxes = |b: &[NodeBox]| b.iter().map(|b| (b.y, b.height, b.drawn, b.withheld)).collect::<Vec<_>>();
    assert_eq!(boxes(&l.origins), [(28.0, 80.0, 30.0, true), (123.0, 20.0, 6.0, true)]);
    assert_eq!(boxes(&l.destinations), [(28.0, 68.0, 30.0, true), (106.0, 32.0, 6.0, true)]);
    let bands: Vec<(f64, f64, f64)> = l.bands.iter().map(|b| (b.from_y, b.to_y, b.width)).collect();
    assert_eq!(bands, [(28.0, 28.0, 60.0), (123.0, 106.0, 12.0)]);
    assert_eq!((l.withheld, l.height), (2, 180.0));

    let svg = sankey(&spec);
    assert!(svg.contains(r#"<rect class="withheld" x="87.9" y="88" width="12" height="20""#), "{svg}");
    assert!(svg.contains("<title>A: 10 in geheim gehaltenen Strömen</title>"));
    assert!(svg.contains(r#"y="135" width="12" height="8""#), "B's 4 withheld: {svg}");
    assert!(svg.contains(">2 Ströme geheim gehalten (Zeichen .) und nicht gezeichnet;"), "{svg}");
    assert!(svg.contains("A (40 (80,0 %)): X 30, Y geheim gehalten. B (10 (20,0 %)): X geheim gehalten, Y 6. 2 Ströme geheim gehalten.</desc>"), "{svg}");
    assert_eq!(svg.matches("class=\"flow\"").count(), 2);
}

/// Without a published total, a node with withheld flows is at least its drawn flows, and one with
/// nothing drawn says it is withheld.
#[test]
fn nodes_without_a_total_say_what_is_known() {
    let spec = two_by_two(vec![flow(0, 0, Some(30.0)), flow(0, 1, None), flow(1, 1, None)]);
    let svg = sankey(&spec);
    assert!(svg.contains("<title>A: mind. 30</title>"), "{svg}");
    assert!(svg.contains("<title>B: geheim gehalten</title>"), "{svg}");
    assert!(svg.contains("<title>Y: geheim gehalten</title>"), "{svg}");
    // A node without any flow and without a total has no data, which is not zero.
    let spec = SankeySpec { origins: vec![node("A", None), node("B", None), node("C", None)], ..spec };
    assert!(sankey(&spec).contains("<title>C: keine Daten</title>"));
    assert!(svg.contains(">2 Ströme geheim gehalten (Zeichen .)"), "{svg}");
}

/// The counts written on the bands are the table's, not recomputed from the scaled widths.
#[test]
fn bands_carry_their_counts_exactly() {
    let spec = SankeySpec {
        plot_height: 360.0,
        ..two_by_two(vec![flow(0, 0, Some(223.0)), flow(1, 1, Some(8146.0 - 223.0))])
    };
    let svg = sankey(&spec);
    assert!(svg.contains(r#"data-from="A" data-to="X" data-value="223""#), "{svg}");
    assert!(svg.contains("<title>A → X: 223 (100,0 % von A)</title>"));
}
