//! A bar chart of amounts by period, as an `<svg>` element for an HTML
//! document (see [`crate::render::html::figure`]): a quote's monthly
//! totals. Every amount is computed exactly before; the chart converts
//! them to `f64` only to place them in pixels, and labels them as written.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::{FONT, ceil_to, esc, nice_step, px, ticks};
use crate::money::{Currency, group_thousands};

const WIDTH: f64 = 960.0;
const HEIGHT: f64 = 380.0;
const LEFT: f64 = 100.0;
const RIGHT: f64 = 24.0;
const TOP: f64 = 56.0;
const BOTTOM: f64 = 48.0;
/// Bars labelled with their amount at most; more get none (too crowded).
const LABELLED: usize = 18;
/// Period labels on the axis at most; more show every second, third, ….
const PERIODS: usize = 12;

/// The bars as an inline `<svg>`: `title` above, one bar per `(label,
/// amount)` in order, amounts on a grid in `currency`. A negative amount
/// draws as no bar (its label still shows it).
#[must_use]
pub fn bars(title: &str, currency: Currency, bars: &[(String, Decimal)]) -> String {
    let code = currency.code();
    let top = bars
        .iter()
        .map(|(_, a)| *a)
        .max()
        .unwrap_or_default()
        .max(Decimal::ONE);
    let step = nice_step(top / Decimal::from(5), Decimal::new(1, 2));
    let y_max = ceil_to(top.max(step), step);
    let (x0, x1, y0, y1) = (LEFT, WIDTH - RIGHT, HEIGHT - BOTTOM, TOP);
    let sy = |v: Decimal| {
        y0 - px(v.max(Decimal::ZERO).checked_div(y_max).unwrap_or_default()) * (y0 - y1)
    };
    let mut out = format!(
        r##"<svg class="chart bars" role="img" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="{FONT}" font-size="13" fill="#222">
<title>{title}</title>
<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>
<text x="24" y="30" font-size="16" font-weight="600">{title}</text>
"##,
        title = esc(title)
    );
    let _ = writeln!(
        out,
        r##"<g class="grid" stroke="#e4e4e4" stroke-width="1">"##
    );
    for tick in ticks(y_max, step) {
        let y = sy(tick);
        let _ = writeln!(
            out,
            r#"<line x1="{x0:.1}" y1="{y:.1}" x2="{x1:.1}" y2="{y:.1}"/>"#
        );
    }
    let _ = writeln!(
        out,
        "</g>\n<g class=\"axis-labels\" font-size=\"12\" fill=\"#444\">"
    );
    for tick in ticks(y_max, step) {
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{code} {}</text>"#,
            x0 - 8.0,
            sy(tick) + 4.0,
            group_thousands(tick.normalize())
        );
    }
    let count = bars.len().max(1);
    let every = count.div_ceil(PERIODS);
    let slot = (x1 - x0) / f64::from(u32::try_from(count).unwrap_or(u32::MAX));
    for (i, (label, _)) in bars.iter().enumerate().filter(|(i, _)| i % every == 0) {
        let x = x0 + slot * (f64::from(u32::try_from(i).unwrap_or(0)) + 0.5);
        let _ = writeln!(
            out,
            r#"<text x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            y0 + 20.0,
            esc(label)
        );
    }
    let _ = writeln!(out, "</g>");
    for (i, (label, amount)) in bars.iter().enumerate() {
        let x = x0 + slot * (f64::from(u32::try_from(i).unwrap_or(0)) + 0.15);
        let y = sy(*amount);
        let _ = writeln!(
            out,
            r##"<rect class="bar" data-label="{}" x="{x:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" fill="#0072B2"><title>{}: {code} {}</title></rect>"##,
            esc(label),
            slot * 0.7,
            y0 - y,
            esc(label),
            group_thousands(*amount)
        );
        if bars.len() <= LABELLED {
            let _ = writeln!(
                out,
                r#"<text class="amount" x="{:.1}" y="{:.1}" text-anchor="middle" font-size="11">{}</text>"#,
                x + slot * 0.35,
                y - 5.0,
                group_thousands(*amount)
            );
        }
    }
    let _ = writeln!(
        out,
        r##"<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y0}" stroke="#444"/><line x1="{x0}" y1="{y0}" x2="{x0}" y2="{y1}" stroke="#444"/>"##
    );
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(i: u32, amount: i64) -> (String, Decimal) {
        (format!("2027-{i:02}"), Decimal::new(amount, 2))
    }

    #[test]
    fn one_bar_per_period_scaled_to_a_round_top() {
        // 12 months from 1,000.00 to 2,100.00 (100.00 a month more): the
        // top 2,100 / 5 = 420 → a step of 500, the axis to 2,500.
        let months: Vec<_> = (1..=12)
            .map(|i| month(i, 100_000 + 10_000 * i64::from(i - 1)))
            .collect();
        let usd = Currency::from_code("USD").unwrap();
        let svg = bars("Monthly totals <&>", usd, &months);
        let doc = roxmltree::Document::parse(&svg).expect("the SVG parses as XML");
        let rects: Vec<_> = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("bar"))
            .collect();
        assert_eq!(rects.len(), 12);
        let height = |n: &roxmltree::Node<'_, '_>| -> f64 {
            n.attribute("height").unwrap().parse().unwrap()
        };
        // The plot is 380 - 48 - 56 = 276 px high: 1,000 of 2,500 is 110.4.
        assert!(
            (height(&rects[0]) - 110.4).abs() < 0.06,
            "{}",
            height(&rects[0])
        );
        assert!((height(&rects[11]) - 231.84).abs() < 0.06);
        let texts: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .collect();
        for expected in [
            "Monthly totals <&>",
            "USD 2,500",
            "2027-01",
            "2027-12",
            "2,100.00",
        ] {
            assert!(texts.contains(&expected), "{expected} in {texts:?}");
        }
        assert!(svg.contains("Monthly totals &lt;&amp;&gt;"));
        assert!(!svg.contains("http"), "no namespace URL inline");
    }

    #[test]
    fn many_periods_label_every_few_and_no_amounts() {
        // 60 months: every 5th is labelled on the axis (60 / 12), no amounts.
        let months: Vec<_> = (0..60).map(|i| (format!("m{i}"), Decimal::ONE)).collect();
        let jpy = Currency::from_code("JPY").unwrap();
        let svg = bars("t", jpy, &months);
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let axis: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .filter(|t| t.starts_with('m'))
            .collect();
        assert_eq!(axis.len(), 12);
        assert_eq!(axis[1], "m5");
        assert!(
            !doc.descendants()
                .any(|n| n.attribute("class") == Some("amount"))
        );
        assert_eq!(bars("t", jpy, &[]).matches("class=\"bar\"").count(), 0);
    }
}
