//! The cost-curve chart of `ctbill compare --chart`: total cost against
//! volume for every tier, as a hand-written SVG document (no dependency,
//! no fonts or system libraries needed).
//!
//! Every figure on the chart is a billed total computed by the engine
//! ([`Comparison::cost_curves`], [`Comparison::break_even_points`]); the
//! chart never prices, and converts figures to `f64` only to place them in
//! pixels. Between a tier's
//! breakpoints (zero, its quota, its fair-use limit) its total is a straight
//! line, so each tier is drawn as a polyline through those points: rounding
//! to the minor unit is far below a pixel.

pub mod bars;

use std::fmt::Write as _;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::advice::{Comparison, CostCurve};
use crate::bill::BillError;
use crate::money::{group_count, group_thousands};

const WIDTH: f64 = 960.0;
const HEIGHT: f64 = 560.0;
const LEFT: f64 = 100.0;
const RIGHT: f64 = 200.0;
const TOP: f64 = 76.0;
const BOTTOM: f64 = 70.0;
/// Where the title and subtitle start.
const TITLE_X: f64 = 24.0;
const FONT: &str = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";
/// Okabe–Ito colours (no yellow: too pale on white), distinguishable with
/// the common colour-vision deficiencies.
const COLOURS: [&str; 7] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
];

/// Escapes text for XML content and attributes.
fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The smallest of 1, 2, 2.5, 5 × a power of ten that is at least `raw`
/// (at least `floor`).
fn nice_step(raw: Decimal, floor: Decimal) -> Decimal {
    let raw = raw.max(floor);
    let ten = Decimal::TEN;
    let mut power = Decimal::ONE;
    while let Some(next) = power.checked_mul(ten).filter(|next| *next <= raw) {
        power = next;
    }
    while power > raw && power > Decimal::new(1, 6) {
        power /= ten;
    }
    [
        Decimal::ONE,
        Decimal::TWO,
        Decimal::new(25, 1),
        Decimal::new(5, 0),
        ten,
    ]
    .into_iter()
    .filter_map(|m| m.checked_mul(power))
    .find(|step| *step >= raw)
    .unwrap_or(raw)
}

/// `value` rounded up to a whole number of `step`s (`value` itself when
/// that would not fit).
fn ceil_to(value: Decimal, step: Decimal) -> Decimal {
    value
        .checked_div(step)
        .and_then(|steps| steps.ceil().checked_mul(step))
        .unwrap_or(value)
}

/// Most ticks an axis gets, whatever the amounts: the steps aim at about
/// eight, and this bounds the drawing even for absurd figures.
const MAX_TICKS: u32 = 40;

/// `0, step, 2 × step, …` up to `max`, at most [`MAX_TICKS`] + 1 of them.
fn ticks(max: Decimal, step: Decimal) -> impl Iterator<Item = Decimal> {
    (0..=MAX_TICKS).map_while(move |i| {
        step.checked_mul(Decimal::from(i))
            .filter(|tick| *tick <= max)
    })
}

/// Pixels for drawing only: the amount was computed exactly before.
fn px(value: Decimal) -> f64 {
    value.to_f64().unwrap_or(0.0)
}

/// The volume the chart runs to: a quarter past the comparison's volume
/// of interest, on a tick.
fn volume_span(c: &Comparison<'_>) -> Decimal {
    let raw = Decimal::from(c.volume_of_interest()) * Decimal::new(125, 2);
    ceil_to(raw, volume_step(raw))
}

/// The step between volume ticks: about eight of them.
fn volume_step(span: Decimal) -> Decimal {
    nice_step(span / Decimal::from(8), Decimal::ONE)
}

/// The chart as an SVG document (a file of its own, `compare --chart`).
///
/// # Errors
///
/// An overflow while computing a total.
pub fn svg(c: &Comparison<'_>) -> Result<String, BillError> {
    draw(c, true)
}

/// The chart as an `<svg>` element inside an HTML document: the same
/// drawing without the XML namespace (HTML5 puts `<svg>` in it by itself,
/// and a document must name no URL), scaled to its container's width.
///
/// # Errors
///
/// An overflow while computing a total.
pub fn inline_svg(c: &Comparison<'_>) -> Result<String, BillError> {
    draw(c, false)
}

fn draw(c: &Comparison<'_>, standalone: bool) -> Result<String, BillError> {
    let x_max = volume_span(c);
    let series = c.cost_curves(x_max)?;
    let mut y_top = series
        .iter()
        .flatten()
        .map(|&(_, y)| y)
        .max()
        .unwrap_or(Decimal::ONE);
    if let Some(budget) = &c.budget {
        y_top = y_top.max(budget.amount);
    }
    let y_step = nice_step(y_top / Decimal::from(5), Decimal::new(1, 2));
    let y_max = ceil_to(y_top.max(y_step), y_step);
    let x_step = volume_step(x_max);

    let f = Frame {
        x_max,
        y_max,
        x_step,
        y_step,
    };

    let mut out = String::new();
    header(&mut out, c, standalone);
    grid(&mut out, c, &f);
    guides(&mut out, c, &f);
    lines(&mut out, c, &f, &series);
    break_evens(&mut out, c, &f)?;
    legend(&mut out, c);
    out.push_str("</svg>\n");
    Ok(out)
}

/// The plotting area and its scales.
struct Frame {
    x_max: Decimal,
    y_max: Decimal,
    x_step: Decimal,
    y_step: Decimal,
}

impl Frame {
    /// Pixels for drawing only: the amounts were computed exactly before.
    fn sx(&self, n: Decimal) -> f64 {
        LEFT + px(n.checked_div(self.x_max).unwrap_or_default()) * (WIDTH - RIGHT - LEFT)
    }

    fn sy(&self, v: Decimal) -> f64 {
        HEIGHT
            - BOTTOM
            - px(v.checked_div(self.y_max).unwrap_or_default()) * (HEIGHT - BOTTOM - TOP)
    }
}

fn header(out: &mut String, c: &Comparison<'_>, standalone: bool) {
    let currency = c.currency.code();
    let root = if standalone {
        r#"xmlns="http://www.w3.org/2000/svg""#
    } else {
        r#"class="chart" role="img""#
    };
    let _ = writeln!(
        out,
        r##"<svg {root} width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="{FONT}" font-size="13" fill="#222">"##
    );
    let month = c
        .month
        .map(|m| format!(", billing month {m}"))
        .unwrap_or_default();
    let example = if c.examples.is_empty() {
        ""
    } else {
        " (example prices, not a contract)"
    };
    let heading = format!(
        "{}: monthly total by volume ({currency}){month}",
        crate::report::comparison::title(c)
            .split(" tiers")
            .next()
            .unwrap_or_default()
    );
    let title = format!("{heading}{example}");
    let _ = writeln!(out, "<title>{}</title>", esc(&title));
    let _ = writeln!(
        out,
        r##"<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>"##
    );
    // From the left edge: the longest title (about 75 characters, with
    // the month) fits the width at this size.
    let _ = writeln!(
        out,
        r#"<text x="{TITLE_X}" y="30" font-size="16" font-weight="600">{}</text>"#,
        esc(&heading)
    );
    // The example-prices mark, under the legend: the title line has no
    // room for it.
    if !c.examples.is_empty() {
        let _ = writeln!(
            out,
            r##"<text class="example" x="{:.1}" y="{:.1}" font-size="12" font-weight="600" fill="#B34A00"><tspan x="{:.1}">Example prices,</tspan><tspan x="{:.1}" dy="15">not a contract</tspan></text>"##,
            WIDTH - RIGHT + 20.0,
            HEIGHT - BOTTOM - 15.0,
            WIDTH - RIGHT + 20.0,
            WIDTH - RIGHT + 20.0,
        );
    }
    let subtitle = match c.cheapest() {
        Some(q) => format!(
            "Quoted: {}; cheapest there: {} ({currency} {}). Dots: where the next tier becomes cheaper.",
            c.unit.count_text(q.bill.count),
            q.bill.plan.id,
            group_thousands(q.bill.total)
        ),
        None => "Dots: where the next tier becomes cheaper.".to_owned(),
    };
    let _ = writeln!(
        out,
        r##"<text x="{TITLE_X}" y="52" font-size="13" fill="#555">{}</text>"##,
        esc(&subtitle)
    );
}

fn grid(out: &mut String, c: &Comparison<'_>, f: &Frame) {
    let (x0, x1, y0, y1) = (LEFT, WIDTH - RIGHT, HEIGHT - BOTTOM, TOP);
    let (x_max, y_max) = (f.x_max, f.y_max);
    let sx = |n: Decimal| f.sx(n);
    let sy = |v: Decimal| f.sy(v);
    let unit = c.unit.plural();
    let currency = c.currency.code();
    // Grid, ticks and labels.
    let _ = writeln!(
        out,
        r##"<g class="grid" stroke="#e4e4e4" stroke-width="1">"##
    );
    for tick in ticks(y_max, f.y_step) {
        let y = sy(tick);
        let _ = writeln!(
            out,
            r#"<line x1="{x0:.1}" y1="{y:.1}" x2="{x1:.1}" y2="{y:.1}"/>"#
        );
    }
    for tick in ticks(x_max, f.x_step) {
        let x = sx(tick);
        let _ = writeln!(
            out,
            r#"<line x1="{x:.1}" y1="{y0:.1}" x2="{x:.1}" y2="{y1:.1}"/>"#
        );
    }
    let _ = writeln!(out, "</g>");
    let _ = writeln!(
        out,
        r##"<g class="axis-labels" font-size="12" fill="#444">"##
    );
    for tick in ticks(y_max, f.y_step) {
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{currency} {}</text>"#,
            x0 - 8.0,
            sy(tick) + 4.0,
            group_thousands(tick.normalize())
        );
    }
    for tick in ticks(x_max, f.x_step) {
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            sx(tick),
            y0 + 20.0,
            group_count(u64::try_from(tick).unwrap_or(0))
        );
    }
    let _ = writeln!(out, "</g>");
    let _ = writeln!(
        out,
        r##"<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y0}" stroke="#444"/><line x1="{x0}" y1="{y0}" x2="{x0}" y2="{y1}" stroke="#444"/>"##
    );
    let mut axis = unit.to_owned();
    if let Some(first) = axis.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    let _ = writeln!(
        out,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="14">{axis} per month</text>"#,
        f64::midpoint(x0, x1),
        HEIGHT - 22.0
    );
    let _ = writeln!(
        out,
        r#"<text transform="translate(24 {:.1}) rotate(-90)" text-anchor="middle" font-size="14">Total per month ({currency})</text>"#,
        f64::midpoint(y0, y1)
    );
}

fn guides(out: &mut String, c: &Comparison<'_>, f: &Frame) {
    let (x0, x1, y0, y1) = (LEFT, WIDTH - RIGHT, HEIGHT - BOTTOM, TOP);
    let sx = |n: Decimal| f.sx(n);
    let sy = |v: Decimal| f.sy(v);
    let currency = c.currency.code();
    // Budget and quoted volume.
    if let Some(budget) = &c.budget {
        let y = sy(budget.amount);
        let _ = writeln!(
            out,
            r##"<line class="budget" x1="{x0:.1}" y1="{y:.1}" x2="{x1:.1}" y2="{y:.1}" stroke="#777" stroke-width="1.5" stroke-dasharray="2 4"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#555">budget {currency} {}</text>"##,
            x1 - 4.0,
            y - 6.0,
            group_thousands(budget.amount)
        );
    }
    if let Some(count) = c.count {
        let x = sx(Decimal::from(count));
        let _ = writeln!(
            out,
            r##"<line class="quoted" x1="{x:.1}" y1="{y0:.1}" x2="{x:.1}" y2="{y1:.1}" stroke="#333" stroke-width="1.5" stroke-dasharray="6 4"/><text x="{:.1}" y="{:.1}" fill="#333">quoted {}</text>"##,
            x + 4.0,
            y1 + 12.0,
            group_count(count)
        );
    }
}

fn lines(out: &mut String, c: &Comparison<'_>, f: &Frame, series: &[CostCurve]) {
    let sx = |n: Decimal| f.sx(n);
    let sy = |v: Decimal| f.sy(v);
    // One series per tier.
    for (i, (tier, points)) in c.tiers.iter().zip(series).enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let path: Vec<String> = points
            .iter()
            .map(|&(n, y)| format!("{:.1},{:.1}", sx(n), sy(y)))
            .collect();
        let _ = writeln!(
            out,
            r#"<polyline class="series" data-plan="{id}" fill="none" stroke="{colour}" stroke-width="2.5" stroke-linejoin="round" points="{}"><title>{id}</title></polyline>"#,
            path.join(" "),
            id = esc(&tier.plan.id),
        );
    }
}

fn break_evens(out: &mut String, c: &Comparison<'_>, f: &Frame) -> Result<(), BillError> {
    let y0 = HEIGHT - BOTTOM;
    let x_max = f.x_max;
    let sx = |n: Decimal| f.sx(n);
    let sy = |v: Decimal| f.sy(v);
    // Break-evens: a dot on the cheaper tier's line, labelled with the volume.
    for point in c.break_even_points(x_max)? {
        let (pair, index, at) = (&c.break_evens[point.break_even], point.tier, point.at);
        let (x, y) = (sx(Decimal::from(at)), sy(point.total));
        let colour = COLOURS[index % COLOURS.len()];
        // Below and right of the dot; near the axis, below and left (over
        // the axis line would be unreadable); near both axes, where that
        // would run over the amounts' labels, above and right.
        let label = group_count(at);
        let label_width = 7.5 * f64::from(u32::try_from(label.len()).unwrap_or(0));
        let (label_x, label_y, anchor) = if y + 18.0 <= y0 - 4.0 {
            (x + 6.0, y + 18.0, "start")
        } else if x - 6.0 - label_width >= LEFT + 4.0 {
            (x - 6.0, y0 - 6.0, "end")
        } else {
            (x + 6.0, y - 8.0, "start")
        };
        let _ = writeln!(
            out,
            r##"<g class="break-even" data-from="{}" data-to="{}"><circle cx="{x:.1}" cy="{y:.1}" r="5" fill="{colour}" stroke="#fff" stroke-width="1.5"/><text x="{:.1}" y="{:.1}" font-size="12" fill="{colour}" stroke="#fff" stroke-width="3" paint-order="stroke" text-anchor="{anchor}">{}</text></g>"##,
            esc(&pair.from.id),
            esc(&pair.to.id),
            label_x,
            label_y,
            label
        );
    }

    Ok(())
}

fn legend(out: &mut String, c: &Comparison<'_>) {
    let (x1, y1) = (WIDTH - RIGHT, TOP);
    // Legend.
    let lx = x1 + 20.0;
    let _ = writeln!(out, r#"<g class="legend" font-size="13">"#);
    for (i, tier) in c.tiers.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let y = y1 + 8.0 + 34.0 * f64::from(u32::try_from(i).unwrap_or(0));
        let cheapest = c.cheapest().is_some_and(|q| q.bill.plan.id == tier.plan.id);
        let _ = writeln!(
            out,
            r#"<line x1="{lx:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{colour}" stroke-width="3"/><text x="{:.1}" y="{:.1}"{}>{}</text>"#,
            lx + 24.0,
            lx + 32.0,
            y + 4.0,
            if cheapest {
                r#" font-weight="600""#
            } else {
                ""
            },
            esc(&tier.plan.id),
        );
        if cheapest {
            let _ = writeln!(
                out,
                r##"<text x="{:.1}" y="{:.1}" font-size="11" fill="#555">cheapest at the quote</text>"##,
                lx + 32.0,
                y + 18.0
            );
        }
    }
    let _ = writeln!(out, "</g>");
}

#[cfg(test)]
mod tests;
