//! HTML documents (`--format html`): one self-contained HTML5 page per
//! report, for a customer to open, or for a rep to attach to an email or
//! print to PDF (A4 or Letter). The style sheet is inline
//! (`html/style.css`), the chart is inline SVG, and the page has no
//! script and names no URL: nothing is fetched when it is opened.
//!
//! Every text that comes from a file or the user (plan names, market
//! names, notes) goes through [`escape`]: a plan named
//! `<script>alert(1)</script>` shows as that text. A content security
//! policy that allows nothing but the inline style sheet backs that up.
//!
//! A page is built from the same parts whatever the report: [`document`]
//! (the skeleton, title and style), [`heading`] (a kicker, the title and
//! the facts a reader looks for first: customer, date, validity, plan),
//! [`callout`] (the example-prices warning), [`items`] (a report
//! [`Table`] with right-aligned amounts and the totals in its footer),
//! [`figure`] (an inline SVG chart) and [`notes`] (example prices, the
//! rate card used, the rounding rule). A new document is one more
//! function that puts these together.

use std::fmt::Write as _;

use super::chart;
use crate::advice::{Comparison, CurrencyChoice};
use crate::bill::Bill;
use crate::calendar::Date;
use crate::money::{Currency, group_thousands};
use crate::report::table::{Align, Table};
use crate::report::{self, CardRates, Report, comparison, rates};

/// The style sheet every document carries inline: screen and print
/// (`@page` margins, rows never split across pages, the header repeated
/// on each page, no dark backgrounds).
pub const CSS: &str = include_str!("html/style.css");

/// What the page allows itself: its inline style sheet, nothing else (no
/// script, no request of any kind).
const POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'";

/// A report as one HTML document dated `today`.
#[must_use]
pub fn write(report: &Report<'_>, today: Date) -> String {
    match report {
        Report::Bill { bill: b, explain } => bill(b, *explain, today),
        Report::Comparison(c) => comparison(c, today),
        Report::Plans(plans) => listing(
            "Plans",
            today,
            &items(&report::plans::plans_table(plans), "items", |_| false),
        ),
        Report::Plan(plan) => {
            let facts: Vec<(&str, String)> = report::plans::plan_fields(plan);
            let body = heading(&Heading {
                kicker: "Plan",
                title: &plan.name,
                facts: &facts,
            });
            document(&format!("Plan {} ({})", plan.name, plan.id), &body)
        }
        Report::RateCards(cards) => listing(
            "Meta rate cards",
            today,
            &items(&rates::cards_table(cards), "items", |_| false),
        ),
        Report::RateCard(shown) => card_rates(shown, today),
        Report::BillDiff { diff, explain } => bill_diff(diff, *explain, today),
        Report::Quote { quote, explain } => quote_document(quote, *explain),
        Report::RatesDiff(d) => listing(
            &d.heading(),
            today,
            &items(&report::rates_diff::changes_table(d), "items", |_| false),
        ),
    }
}

/// `quote`: a heading with the customer, the date and the validity, one
/// row per month with the total, the cheapest-plan advice, a bar chart of
/// the monthly totals, the first month itemized (every month with
/// `--explain`), then the notes. The document is dated by the quote file.
fn quote_document(quote: &crate::quote::Quote<'_>, explain: bool) -> String {
    let deal = &quote.deal;
    let plan = quote.plan;
    let mut facts: Vec<(&str, String)> = vec![
        ("Customer", deal.customer.clone()),
        ("Plan", format!("{} ({})", plan.name, plan.id)),
        ("Period", {
            let n = quote.months.len();
            format!(
                "{n} month{} from {}",
                if n == 1 { "" } else { "s" },
                deal.start
            )
        }),
        ("Date", deal.date.to_string()),
    ];
    if let Some(until) = deal.valid_until {
        facts.push(("Valid until", until.to_string()));
    }
    if let Some(by) = &deal.prepared_by {
        facts.push(("Prepared by", by.clone()));
    }
    if !deal.growth_percent.is_zero() {
        facts.push((
            "Growth",
            format!("{}% a month", deal.growth_percent.normalize()),
        ));
    }
    let title = format!("Quote for {}", deal.customer);
    let mut body = heading(&Heading {
        kicker: "Quote",
        title: &title,
        facts: &facts,
    });
    if plan.example {
        body.push_str(&callout(EXAMPLE_CALLOUT));
    }
    body.push_str(&section(
        "Month by month",
        &items(&report::quote::months_table(quote), "items months", |_| {
            false
        }),
    ));
    if let Some(advice) = report::quote::advice(quote) {
        let _ = writeln!(body, "<p class=\"advice\">{}</p>", escape(&advice));
    }
    let bars: Vec<(String, rust_decimal::Decimal)> = quote
        .months
        .iter()
        .map(|b| (b.month.map(|m| m.to_string()).unwrap_or_default(), b.total))
        .collect();
    body.push_str(&figure(&crate::render::chart::bars::bars(
        "Monthly totals",
        quote.currency(),
        &bars,
    )));
    let itemized = if explain { quote.months.len() } else { 1 };
    for bill in quote.months.iter().take(itemized) {
        let month = bill.month.map(|m| m.to_string()).unwrap_or_default();
        body.push_str(&section(
            &format!("{month}, itemized"),
            &items(&report::bill::bill_table(bill), "items", |_| false),
        ));
        if explain {
            let mut table = Table::new(&[("Line", Align::Left), ("Computation", Align::Left)]);
            for (label, text) in report::bill::explain(bill) {
                table.row(vec![label, text]);
            }
            body.push_str(&items(&table, "explain", |_| false));
        }
    }
    body.push_str(&notes(&report::quote::notes(quote)));
    document(&report::quote::title(quote), &body)
}

/// `estimate --vs-month` / `--vs-plans`: both bills side by side, line by
/// line, the change of each and of the total, why each changed with
/// `--explain`, then the notes of both.
fn bill_diff(diff: &crate::diff::BillDiff<'_>, explain: bool, today: Date) -> String {
    let plan = diff.this.plan;
    let mut facts: Vec<(&str, String)> = vec![
        ("Plan", format!("{} ({})", plan.name, plan.id)),
        ("Usage", report::bill::usage_text(diff.this)),
        ("Compared", report::diff::title(diff)),
    ];
    facts.push(("Date", today.to_string()));
    let mut body = heading(&Heading {
        kicker: "What changed",
        title: &plan.name,
        facts: &facts,
    });
    if plan.example || diff.vs.plan.example {
        body.push_str(&callout(EXAMPLE_CALLOUT));
    }
    body.push_str(&section(
        "Charges, side by side",
        &items(&report::diff::diff_table(diff), "items", |_| false),
    ));
    if explain {
        let mut table = Table::new(&[("Line", Align::Left), ("Why it changed", Align::Left)]);
        for (label, text) in report::diff::explain(diff) {
            table.row(vec![label, text]);
        }
        body.push_str(&section(
            "Why each line changed",
            &items(&table, "explain", |_| false),
        ));
    }
    let mut all = report::diff::notes(diff);
    if let Some(cards) = report::diff::cards_text(diff) {
        all.push(cards);
    }
    all.push(rounding_note(diff.this.currency()));
    body.push_str(&notes(&all));
    document(
        &format!("What changed: {}", report::diff::title(diff)),
        &body,
    )
}

/// Escapes text for HTML content and for attribute values (quoted either
/// way). Control characters other than tab and newline, which HTML does
/// not allow, become U+FFFD. Use it on every text that is not markup
/// written here.
#[must_use]
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' => out.push(c),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// The page: doctype, language, character set, `title` (escaped here),
/// the inline style sheet, and `body` (markup) in a centred column.
#[must_use]
pub fn document(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{POLICY}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"ctbill {}\">\n\
         <title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION"),
        escape(title)
    )
}

/// A document's heading: a kicker ("Estimate", "Quote"), the title (a
/// plan's or customer's name) and facts as label and value (date,
/// validity, plan, usage, billing month), all plain text.
#[derive(Debug, Clone, Copy)]
pub struct Heading<'a> {
    /// What the document is, above the title.
    pub kicker: &'a str,
    /// The title: the `h1`.
    pub title: &'a str,
    /// Label and value pairs, in order.
    pub facts: &'a [(&'a str, String)],
}

/// The heading as a `<header>`: kicker, `h1` and the facts as a `dl`.
#[must_use]
pub fn heading(h: &Heading<'_>) -> String {
    let mut out = String::from("<header class=\"doc\">\n");
    let _ = writeln!(out, "<p class=\"kicker\">{}</p>", escape(h.kicker));
    let _ = writeln!(out, "<h1>{}</h1>", escape(h.title));
    if !h.facts.is_empty() {
        out.push_str("<dl class=\"facts\">\n");
        for (label, value) in h.facts {
            let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", escape(label), escape(value));
        }
        out.push_str("</dl>\n");
    }
    out.push_str("</header>\n");
    out
}

/// A warning set off in a box under the heading (example prices).
#[must_use]
pub fn callout(text: &str) -> String {
    format!("<p class=\"callout\">{}</p>\n", escape(text))
}

/// A section with a heading `h2` around `body` (markup).
#[must_use]
pub fn section(title: &str, body: &str) -> String {
    format!("<section>\n<h2>{}</h2>\n{body}</section>\n", escape(title))
}

/// A report [`Table`] as an HTML table of class `class`: the header in
/// `thead`, one `tr` per body row in `tbody` (`best(i)` marks the `i`-th,
/// e.g. the cheapest tier), the footer rows (totals) in `tfoot`; columns
/// aligned right in the report ([`Align::Right`]: amounts, counts) get
/// the class `num`. The first cell of each row is its header cell.
#[must_use]
pub fn items(table: &Table, class: &str, best: impl Fn(usize) -> bool) -> String {
    let alignments = table.alignments();
    let align = |i: usize| match alignments.get(i) {
        Some(Align::Right) => " class=\"num\"",
        _ => "",
    };
    let mut out = format!("<table class=\"{}\">\n<thead><tr>", escape(class));
    for (i, header) in table.headers().iter().enumerate() {
        let _ = write!(out, "<th scope=\"col\"{}>{}</th>", align(i), escape(header));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    let mut index = 0;
    let mut in_footer = false;
    for (row, footer) in table.all_rows() {
        if footer && !in_footer {
            out.push_str("</tbody>\n<tfoot>\n");
            in_footer = true;
        }
        let marked = !footer && best(index);
        out.push_str(if marked {
            "<tr class=\"best\">"
        } else {
            "<tr>"
        });
        for (i, cell) in row.iter().enumerate() {
            let tag = if i == 0 { "th" } else { "td" };
            let scope = if i == 0 { " scope=\"row\"" } else { "" };
            let _ = write!(out, "<{tag}{scope}{}>{}</{tag}>", align(i), escape(cell));
        }
        out.push_str("</tr>\n");
        if !footer {
            index += 1;
        }
    }
    out.push_str(if in_footer {
        "</tfoot>\n"
    } else {
        "</tbody>\n"
    });
    out.push_str("</table>\n");
    out
}

/// An inline chart: `svg` is an `<svg>` element drawn by [`chart`]
/// (markup, whose texts the chart escaped); it never splits across pages.
#[must_use]
pub fn figure(svg: &str) -> String {
    format!("<figure class=\"chart\">\n{svg}</figure>\n")
}

/// The notes at the foot of a document, each as a sentence; nothing
/// when there are none.
#[must_use]
pub fn notes<S: AsRef<str>>(notes: &[S]) -> String {
    if notes.is_empty() {
        return String::new();
    }
    let mut out = String::from("<section class=\"notes\">\n<h2>Notes</h2>\n<ul>\n");
    for note in notes {
        let _ = writeln!(out, "<li>{}</li>", escape(&sentence(note.as_ref())));
    }
    out.push_str("</ul>\n</section>\n");
    out
}

/// A note as a sentence: a capital first letter and a full stop.
fn sentence(note: &str) -> String {
    let note = note.trim();
    let mut chars = note.chars();
    let mut out: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    if !out.is_empty() && !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// The rounding rule, as the notes state it for `currency`.
#[must_use]
pub fn rounding_note(currency: Currency) -> String {
    let places = match currency.minor_units() {
        0 => format!("to a whole {currency} ({currency} has no minor unit)"),
        1 => format!("to 1 decimal place (the {currency} minor unit)"),
        n => format!("to {n} decimal places (the {currency} minor unit)"),
    };
    format!(
        "Rounding: each line is computed exactly and rounded once, {places}, half away from zero; \
         every total is the sum of the rounded lines"
    )
}

/// The example-prices warning under a heading.
pub const EXAMPLE_CALLOUT: &str = "Example prices, not a contract: replace them with the \
     customer's contract prices before sending this document to a customer.";

/// `estimate`: the plan and usage in the heading, the bill's lines with
/// the total, with `explain` how each line was computed, then the notes.
#[must_use]
pub fn bill(bill: &Bill<'_>, explain: bool, today: Date) -> String {
    let plan = bill.plan;
    let mut facts: Vec<(&str, String)> = vec![
        ("Plan", format!("{} ({})", plan.name, plan.id)),
        ("Product", plan.product.display_name().to_owned()),
        ("Usage", report::bill::usage_text(bill)),
    ];
    if let Some(month) = bill.month {
        facts.push(("Billing month", month.to_string()));
    }
    facts.push(("Date", today.to_string()));
    let mut body = heading(&Heading {
        kicker: "Estimate",
        title: &plan.name,
        facts: &facts,
    });
    if plan.example {
        body.push_str(&callout(EXAMPLE_CALLOUT));
    }
    body.push_str(&section(
        "Charges",
        &items(&report::bill::bill_table(bill), "items", |_| false),
    ));
    if explain {
        let mut table = Table::new(&[("Line", Align::Left), ("Computation", Align::Left)]);
        for (label, text) in report::bill::explain(bill) {
            table.row(vec![label, text]);
        }
        body.push_str(&section(
            "How each line was computed",
            &items(&table, "explain", |_| false),
        ));
    }
    let mut all: Vec<String> = bill.notes.iter().map(ToString::to_string).collect();
    if let Some(card) = &bill.meta_card {
        let month = bill
            .month
            .map(|m| format!(", the card in force in {m}"))
            .unwrap_or_default();
        all.push(format!("Meta rates: {card}{month}"));
    }
    all.push(rounding_note(bill.currency()));
    body.push_str(&notes(&all));
    let title = format!(
        "Estimate: {} ({}), {}{}",
        plan.name,
        plan.id,
        report::bill::usage_text(bill),
        report::bill::month_text(bill)
    );
    document(&title, &body)
}

/// `compare`: the tiers side by side (the cheapest marked), the cost
/// curves, the break-even volumes, a budget's reach, then the notes.
#[must_use]
pub fn comparison(c: &Comparison<'_>, today: Date) -> String {
    let volume = c
        .count
        .map(|n| format!(" at {}", c.unit.count_text(n)))
        .unwrap_or_default();
    let title = format!("{} tiers{volume}", c.product.display_name());
    let currency = match &c.currency_choice {
        CurrencyChoice::MostPlans { others } => {
            let others: Vec<&str> = others.iter().map(|o| o.code()).collect();
            format!(
                "{} (some {} plans are priced in {} instead)",
                c.currency,
                c.product,
                others.join(", ")
            )
        }
        CurrencyChoice::Given | CurrencyChoice::Only => c.currency.to_string(),
    };
    let mut facts: Vec<(&str, String)> = vec![("Currency", currency)];
    if let Some(budget) = &c.budget {
        facts.push((
            "Budget",
            format!("{} {} a month", c.currency, group_thousands(budget.amount)),
        ));
    }
    if let Some(month) = c.month {
        facts.push(("Billing month", month.to_string()));
    }
    facts.push(("Date", today.to_string()));
    let mut body = heading(&Heading {
        kicker: "Plan comparison",
        title: &title,
        facts: &facts,
    });
    if !c.examples.is_empty() {
        body.push_str(&callout(EXAMPLE_CALLOUT));
    }
    if c.quotes.is_empty() {
        body.push_str(&section(
            "Tiers",
            &items(&comparison::prices_table(c), "items ids", |_| false),
        ));
    } else {
        let mut part = items(&comparison::quote_table(c), "items ids", |i| {
            c.quotes.get(i).is_some_and(|q| q.cheapest)
        });
        if let Some(text) = comparison::cheapest_text(c) {
            let _ = writeln!(part, "<p class=\"lead\">{}</p>", escape(&text));
        }
        body.push_str(&section(&format!("Monthly total{volume}"), &part));
    }
    let mut all: Vec<String> = c.notes.iter().map(ToString::to_string).collect();
    match chart::inline_svg(c) {
        Ok(svg) => body.push_str(&section("Cost by volume", &figure(&svg))),
        Err(e) => all.push(format!("the chart could not be drawn: {e}")),
    }
    if !c.break_evens.is_empty() {
        let mut part = String::from(
            "<p>Where the next larger tier becomes cheaper, and stays cheaper from there on:</p>\n\
             <ul class=\"plain\">\n",
        );
        for b in &c.break_evens {
            let _ = writeln!(
                part,
                "<li>{}</li>",
                escape(&comparison::break_even_text(b, c.unit.plural()))
            );
        }
        part.push_str("</ul>\n");
        body.push_str(&section("Break-even volumes", &part));
    }
    if let Some(budget) = comparison::budget_table(c) {
        body.push_str(&section(
            "What the budget buys",
            &items(&budget, "items ids", |_| false),
        ));
    }
    if let Some(card) = comparison::card_text(c) {
        all.push(card);
    }
    all.push(rounding_note(c.currency));
    body.push_str(&notes(&all));
    let month = c
        .month
        .map(|m| format!(", billing month {m}"))
        .unwrap_or_default();
    document(&format!("Comparison: {title}{month}"), &body)
}

/// A listing (`plans`, `rates`) as a document: a heading and one table.
fn listing(title: &str, today: Date, table: &str) -> String {
    let facts = [("Date", today.to_string())];
    let mut body = heading(&Heading {
        kicker: "ctbill",
        title,
        facts: &facts,
    });
    body.push_str(table);
    document(title, &body)
}

/// `rates show`: the card's rates and, for one market, its volume tiers.
fn card_rates(shown: &CardRates<'_>, today: Date) -> String {
    let facts = [("Date", today.to_string())];
    let mut body = heading(&Heading {
        kicker: "Meta rate card",
        title: shown.heading,
        facts: &facts,
    });
    body.push_str(&items(
        &rates::rates_table(shown.card, shown.markets),
        "items",
        |_| false,
    ));
    if let Some(market) = shown.single_market() {
        let tiers = rates::tiers_table(market);
        if tiers.is_empty() {
            let _ = writeln!(body, "<p>{}</p>", escape(rates::NO_TIERS));
        } else {
            body.push_str(&section(
                rates::TIERS_HEADING.trim_end_matches(':'),
                &items(&tiers, "items", |_| false),
            ));
        }
    }
    document(shown.heading, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_quotes_and_control_characters() {
        assert_eq!(
            escape("<script>alert('x' & \"y\")</script>"),
            "&lt;script&gt;alert(&#39;x&#39; &amp; &quot;y&quot;)&lt;/script&gt;"
        );
        assert_eq!(escape("a\u{1b}[2Jb\tc\n"), "a\u{FFFD}[2Jb\tc\n");
        assert_eq!(escape("Türkiye 10K"), "Türkiye 10K");
    }

    #[test]
    fn the_table_aligns_amounts_and_puts_totals_in_the_footer() {
        let mut t = Table::new(&[("Item", Align::Left), ("Amount", Align::Right)]);
        t.row(vec!["a <b>".into(), "1.00".into()]);
        t.row(vec!["c".into(), "2.00".into()]);
        t.footer(vec!["Total".into(), "3.00".into()]);
        assert_eq!(
            items(&t, "items", |i| i == 1),
            "<table class=\"items\">\n\
             <thead><tr><th scope=\"col\">Item</th><th scope=\"col\" class=\"num\">Amount</th></tr></thead>\n\
             <tbody>\n\
             <tr><th scope=\"row\">a &lt;b&gt;</th><td class=\"num\">1.00</td></tr>\n\
             <tr class=\"best\"><th scope=\"row\">c</th><td class=\"num\">2.00</td></tr>\n\
             </tbody>\n<tfoot>\n\
             <tr><th scope=\"row\">Total</th><td class=\"num\">3.00</td></tr>\n\
             </tfoot>\n</table>\n"
        );
    }

    #[test]
    fn notes_read_as_sentences() {
        assert_eq!(
            sentence("example prices: not a contract"),
            "Example prices: not a contract."
        );
        assert_eq!(sentence("Done."), "Done.");
        assert_eq!(notes::<&str>(&[]), "");
    }

    #[test]
    fn the_rounding_rule_names_the_minor_unit() {
        let usd = Currency::from_code("USD").unwrap();
        let jpy = Currency::from_code("JPY").unwrap();
        assert!(rounding_note(usd).contains("to 2 decimal places (the USD minor unit)"));
        assert!(rounding_note(jpy).contains("to a whole JPY (JPY has no minor unit)"));
    }

    #[test]
    fn the_style_sheet_prints_as_the_contract_says() {
        for rule in [
            "@page { size: auto; margin: 15mm; }",
            "tr { break-inside: avoid;",
            "thead { display: table-header-group; }",
            "font-variant-numeric: tabular-nums",
            "max-width: 800px",
        ] {
            assert!(CSS.contains(rule), "{rule}");
        }
        assert!(!CSS.contains("url("), "the style sheet fetches nothing");
        assert!(!CSS.contains("@import"), "the style sheet fetches nothing");
    }
}
