//! Sankey diagram of an origin–destination table: origins on the left, destinations on the right,
//! bands as wide as the counts that flow between them.

use crate::format::{format_auto, format_de};
use crate::palette::{CATEGORICAL, TEXT, TEXT_MUTED};
use crate::svg::{Role, Svg, escape, hatch_url, num, shorten, text_width};

/// Space above the nodes for the column headings.
const TOP: f64 = 28.0;
/// Width of a node's bar.
const NODE_WIDTH: f64 = 12.0;
/// Vertical space between two nodes of a column.
const GAP: f64 = 10.0;
/// The least height a node's slot takes, so that its two label lines never overlap the next.
const MIN_SLOT: f64 = 30.0;
/// How much wider than [`text_width`]'s estimate the label columns are.
const LABEL_SPARE: f64 = 7.0 / 6.0;
/// Space between a label and its node.
const LABEL_GAP: f64 = 6.0;
/// Space below the nodes.
const BOTTOM: f64 = 10.0;
/// Height of the note on withheld flows.
const NOTE: f64 = 22.0;
/// The fill of the origin nodes.
const ORIGIN_FILL: &str = "#4d4d4d";

/// An origin or a destination.
#[derive(Debug, Clone)]
pub struct SankeyNode<'a> {
    /// Key (area key or category); appears as `data-key`.
    pub key: &'a str,
    /// The label beside the node.
    pub label: &'a str,
    /// The node's published total (an area's count, a category's count), when the table has one.
    /// A node is drawn as high as this total or as its drawn flows, whichever is more; the part of
    /// the total that its withheld flows hold is hatched.
    pub total: Option<f64>,
}

/// A count flowing from one origin to one destination.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Flow {
    /// Position of the origin in [`SankeySpec::origins`].
    pub origin: usize,
    /// Position of the destination in [`SankeySpec::destinations`].
    pub destination: usize,
    /// The count; `None` when it is withheld (geheim gehalten): such a flow is not drawn, and the
    /// picture says how many there are.
    pub value: Option<f64>,
}

/// Everything a Sankey diagram shows.
#[derive(Debug, Clone)]
pub struct SankeySpec<'a> {
    /// Title: the accessible name of the picture (not drawn; the page shows a caption).
    pub title: &'a str,
    /// Heading of the left column, e.g. `"Stadtbezirk"`.
    pub origin_heading: &'a str,
    /// Heading of the right column, e.g. `"Schulform"`.
    pub destination_heading: &'a str,
    /// The origins, top to bottom in the given order.
    pub origins: Vec<SankeyNode<'a>>,
    /// The destinations, top to bottom in the given order; each has its own colour.
    pub destinations: Vec<SankeyNode<'a>>,
    /// The flows, in any order; at most one per origin and destination (flows naming a node that
    /// does not exist are left out). A pair without a flow has no data.
    pub flows: Vec<Flow>,
    /// The grand total the shares refer to; without it, the larger of the two columns' sums.
    pub total: Option<f64>,
    /// Width of the picture in px.
    pub width: f64,
    /// Height in px that the larger column's sum takes; the picture's height follows from it, the
    /// nodes' least slots and the note.
    pub plot_height: f64,
}

/// A node's place: the top of its bar, its height and the value it stands for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct NodeBox {
    /// Top of the bar.
    pub(crate) y: f64,
    /// Height of the bar.
    pub(crate) height: f64,
    /// The middle of its slot, where the label goes.
    pub(crate) centre: f64,
    /// What the node stands for: its total, or its drawn flows when that is more.
    pub(crate) value: f64,
    /// The sum of its drawn flows.
    pub(crate) drawn: f64,
    /// Whether any of its flows is withheld.
    pub(crate) withheld: bool,
    /// Whether any of its flows is published (zero included).
    pub(crate) published: bool,
}

/// A band: where it leaves its origin, where it reaches its destination, and its width.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Band {
    pub(crate) flow: Flow,
    /// The count it stands for.
    pub(crate) value: f64,
    pub(crate) from_y: f64,
    pub(crate) to_y: f64,
    pub(crate) width: f64,
}

/// The geometry of a diagram, apart from the horizontal placement.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Layout {
    /// Pixels per counted unit.
    pub(crate) scale: f64,
    pub(crate) origins: Vec<NodeBox>,
    pub(crate) destinations: Vec<NodeBox>,
    pub(crate) bands: Vec<Band>,
    /// The number of withheld flows.
    pub(crate) withheld: usize,
    /// The height of the picture.
    pub(crate) height: f64,
}

/// The flows in drawing order: by origin, then by destination.
fn ordered(spec: &SankeySpec) -> Vec<Flow> {
    let mut flows: Vec<Flow> = spec
        .flows
        .iter()
        .copied()
        .filter(|f| f.origin < spec.origins.len() && f.destination < spec.destinations.len())
        .collect();
    flows.sort_by_key(|f| (f.origin, f.destination));
    flows
}

/// A published, drawable count.
fn drawable(value: Option<f64>) -> Option<f64> {
    value.filter(|v| v.is_finite() && *v > 0.0)
}

/// Places the nodes of one column from the top: each takes a slot as high as its bar, at least
/// [`MIN_SLOT`], with its bar in the slot's middle.
fn column(nodes: &[SankeyNode], flows: &[Flow], of: impl Fn(&Flow) -> usize, scale: f64) -> (Vec<NodeBox>, f64) {
    let mut y = TOP;
    let mut boxes = Vec::with_capacity(nodes.len());
    for (i, node) in nodes.iter().enumerate() {
        let mine = flows.iter().filter(|f| of(f) == i);
        let drawn: f64 = mine.clone().filter_map(|f| drawable(f.value)).sum();
        let withheld = mine.clone().any(|f| f.value.is_none());
        let published = mine.clone().any(|f| f.value.is_some());
        let value = node.total.filter(|t| t.is_finite()).map_or(drawn, |t| t.max(drawn));
        let height = value * scale;
        let slot = height.max(MIN_SLOT);
        boxes.push(NodeBox {
            y: y + (slot - height) / 2.0,
            height,
            centre: y + slot / 2.0,
            value,
            drawn,
            withheld,
            published,
        });
        y += slot + GAP;
    }
    (boxes, y - GAP - TOP)
}

/// The sum of a column's node values.
fn column_sum(nodes: &[SankeyNode], flows: &[Flow], of: impl Fn(&Flow) -> usize) -> f64 {
    let (boxes, _) = column(nodes, flows, of, 0.0);
    boxes.iter().map(|b| b.value).sum()
}

pub(crate) fn layout(spec: &SankeySpec) -> Layout {
    let flows = ordered(spec);
    let sum =
        column_sum(&spec.origins, &flows, |f| f.origin).max(column_sum(&spec.destinations, &flows, |f| f.destination));
    let scale = if sum > 0.0 { spec.plot_height / sum } else { 0.0 };
    let (origins, left) = column(&spec.origins, &flows, |f| f.origin, scale);
    let (destinations, right) = column(&spec.destinations, &flows, |f| f.destination, scale);
    let mut out: Vec<f64> = origins.iter().map(|b| b.y).collect();
    let mut into: Vec<f64> = destinations.iter().map(|b| b.y).collect();
    let mut bands = Vec::new();
    // Bands leave an origin in destination order (the flows' order) and reach a destination in
    // origin order, so they cross as little as the node order allows.
    for flow in &flows {
        if let Some(v) = drawable(flow.value) {
            let width = v * scale;
            bands.push(Band { flow: *flow, value: v, from_y: out[flow.origin], to_y: 0.0, width });
            out[flow.origin] += width;
        }
    }
    let mut by_destination: Vec<&mut Band> = bands.iter_mut().collect();
    by_destination.sort_by_key(|b| (b.flow.destination, b.flow.origin));
    for band in by_destination {
        band.to_y = into[band.flow.destination];
        into[band.flow.destination] += band.width;
    }
    let withheld = flows.iter().filter(|f| f.value.is_none()).count();
    let note = if withheld > 0 { NOTE } else { 0.0 };
    Layout { scale, origins, destinations, bands, withheld, height: TOP + left.max(right) + BOTTOM + note }
}

/// "1.234 (12,3 %)", "mind. 120", "geheim gehalten" or "keine Daten": the count line of a
/// node's label.
fn count_text(node: &SankeyNode, b: &NodeBox, total: f64) -> String {
    let known = node.total.is_some() || (b.published && !b.withheld);
    match (known, b.withheld, b.drawn > 0.0) {
        (true, ..) if total > 0.0 => format!("{} ({} %)", format_auto(b.value), format_de(b.value / total * 100.0, 1)),
        (true, ..) => format_auto(b.value),
        (false, true, true) => format!("mind. {}", format_auto(b.drawn)),
        (false, true, false) => "geheim gehalten".to_owned(),
        (false, false, _) => "keine Daten".to_owned(),
    }
}

/// "3 Ströme geheim gehalten" or "1 Strom geheim gehalten".
fn withheld_text(n: usize) -> String {
    if n == 1 { "1 Strom geheim gehalten".to_owned() } else { format!("{n} Ströme geheim gehalten") }
}

/// Draws a Sankey diagram as a standalone SVG.
///
/// Origins stand on the left, destinations on the right, each as a bar (`class="node"`,
/// `data-key`) as high as its value, labelled with its name, its count and its share of the total.
/// Every published flow is a band (`<path class="flow">`) in its destination's colour, as wide as
/// its count, with a `<title>` giving the count and its share of the origin. Withheld flows are not
/// drawn: the part of a published node total they hold is hatched, and a note under the diagram
/// says how many flows are withheld. The `<desc>` lists every flow, so the diagram can be read
/// without seeing it.
pub fn sankey(spec: &SankeySpec) -> String {
    let layout = layout(spec);
    let total = spec.total.unwrap_or_else(|| {
        layout.origins.iter().map(|b| b.value).sum::<f64>().max(layout.destinations.iter().map(|b| b.value).sum())
    });
    let mut svg = Svg::new(spec.width, layout.height, Role::Img, spec.title, &describe(spec, &layout, total));
    svg.hatch_defs();
    let texts = |nodes: &[SankeyNode], boxes: &[NodeBox]| -> Vec<(String, String)> {
        nodes.iter().zip(boxes).map(|(n, b)| (n.label.to_owned(), count_text(n, b, total))).collect()
    };
    let left_texts = texts(&spec.origins, &layout.origins);
    let right_texts = texts(&spec.destinations, &layout.destinations);
    // Label columns a sixth wider than the estimate: wide fonts (DejaVu Sans) need it.
    let room = |texts: &[(String, String)]| {
        let widest = texts.iter().map(|(l, c)| text_width(l, 12.0).max(text_width(c, 11.0))).fold(0.0, f64::max);
        (widest * LABEL_SPARE).min(spec.width * 0.3)
    };
    let (left_room, right_room) = (room(&left_texts), room(&right_texts));
    let origin_x = left_room + LABEL_GAP;
    let destination_x = spec.width - right_room - LABEL_GAP - NODE_WIDTH;
    let (x0, x1) = (origin_x + NODE_WIDTH, destination_x);
    let xm = (x0 + x1) / 2.0;
    let heading = format!(r#"fill="{TEXT}" font-weight="bold""#);
    // The headings stand above the nodes, where the row is free, so a long one may reach over the
    // bands.
    svg.text(0.0, 16.0, &heading, spec.origin_heading);
    let heading_width = text_width(spec.destination_heading, 12.0) * LABEL_SPARE;
    svg.text(destination_x.min(spec.width - heading_width).max(0.0), 16.0, &heading, spec.destination_heading);

    svg.push(r#"<g class="flows" fill-opacity="0.5">"#);
    for band in &layout.bands {
        let (o, d) = (&spec.origins[band.flow.origin], &spec.destinations[band.flow.destination]);
        let origin_value = layout.origins[band.flow.origin].value;
        let value = band.value;
        let share = if origin_value > 0.0 {
            format!(" ({} % von {})", format_de(value / origin_value * 100.0, 1), o.label)
        } else {
            String::new()
        };
        let (a, b, w) = (band.from_y, band.to_y, band.width);
        svg.push(&format!(
            r#"<path class="flow" data-from="{}" data-to="{}" data-value="{value}" d="M{} {}C{} {} {} {} {} {}L{} {}C{} {} {} {} {} {}Z" fill="{}"><title>{}</title></path>"#,
            escape(o.key),
            escape(d.key),
            num(x0),
            num(a),
            num(xm),
            num(a),
            num(xm),
            num(b),
            num(x1),
            num(b),
            num(x1),
            num(b + w),
            num(xm),
            num(b + w),
            num(xm),
            num(a + w),
            num(x0),
            num(a + w),
            colour(band.flow.destination),
            escape(&format!("{} → {}: {}{share}", o.label, d.label, format_auto(value)))
        ));
    }
    svg.push("</g>");
    let columns = [
        (&spec.origins, &layout.origins, &left_texts, origin_x, left_room, "end"),
        (&spec.destinations, &layout.destinations, &right_texts, destination_x, spec.width - right_room, "start"),
    ];
    for (side, (nodes, boxes, texts, x, text_x, anchor)) in columns.into_iter().enumerate() {
        let room = if side == 0 { left_room } else { right_room };
        for (i, ((node, b), (label, count))) in nodes.iter().zip(boxes).zip(texts).enumerate() {
            let fill = if side == 0 { ORIGIN_FILL } else { colour(i) };
            let drawn = b.drawn * layout.scale;
            svg.push(&format!(
                r#"<rect class="node" data-key="{}" x="{}" y="{}" width="{NODE_WIDTH}" height="{}" fill="{fill}"><title>{}: {}</title></rect>"#,
                escape(node.key),
                num(x),
                num(b.y),
                num(drawn),
                escape(label),
                escape(count)
            ));
            if b.height - drawn > 0.05 {
                svg.push(&format!(
                    r#"<rect class="withheld" x="{}" y="{}" width="{NODE_WIDTH}" height="{}" fill="{}" stroke="{fill}" stroke-width="1"><title>{}: {} in geheim gehaltenen Strömen</title></rect>"#,
                    num(x),
                    num(b.y + drawn),
                    num(b.height - drawn),
                    hatch_url(),
                    escape(label),
                    format_auto(b.value - b.drawn)
                ));
            }
            svg.text(
                text_x,
                b.centre - 2.0,
                &format!(r#"fill="{TEXT}" text-anchor="{anchor}""#),
                &shorten(label, room, 12.0),
            );
            svg.text(
                text_x,
                b.centre + 12.0,
                &format!(r#"fill="{TEXT_MUTED}" font-size="11" text-anchor="{anchor}""#),
                count,
            );
        }
    }
    if layout.withheld > 0 {
        let y = layout.height - NOTE;
        svg.push(&format!(
            r#"<rect class="withheld-key" x="0" y="{}" width="12" height="12" fill="{}" stroke="{ORIGIN_FILL}" stroke-width="1"/>"#,
            num(y + 2.0),
            hatch_url()
        ));
        svg.text(
            18.0,
            y + 12.0,
            &format!(r#"class="note" fill="{TEXT_MUTED}" font-size="11""#),
            &format!(
                "{} (Zeichen .) und nicht gezeichnet; schraffiert: ihr Anteil an veröffentlichten Summen",
                withheld_text(layout.withheld)
            ),
        );
    }
    svg.finish()
}

/// The colour of the destination at `i`.
fn colour(i: usize) -> &'static str {
    CATEGORICAL[i % CATEGORICAL.len()]
}

/// The text alternative: the columns, every origin with its flows in order, the withheld flows.
fn describe(spec: &SankeySpec, layout: &Layout, total: f64) -> String {
    let flows = ordered(spec);
    let mut text = format!(
        "Flussdiagramm (Sankey) {}: von {} (links) nach {} (rechts), die Bänder so breit wie die Anzahl.",
        spec.title, spec.origin_heading, spec.destination_heading
    );
    for (i, (node, b)) in spec.origins.iter().zip(&layout.origins).enumerate() {
        let parts: Vec<String> = flows
            .iter()
            .filter(|f| f.origin == i)
            .map(|f| {
                let value = f.value.map_or("geheim gehalten".to_owned(), format_auto);
                format!("{} {value}", spec.destinations[f.destination].label)
            })
            .collect();
        text.push_str(&format!(" {} ({}): {}.", node.label, count_text(node, b, total), parts.join(", ")));
    }
    if layout.withheld > 0 {
        text.push_str(&format!(" {}.", withheld_text(layout.withheld)));
    }
    text
}

#[cfg(test)]
mod tests;
