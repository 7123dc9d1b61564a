//! The terminal writer: tables drawn by comfy-table (columns measured in
//! display columns, numbers right-aligned, a rule under the header and
//! above totals) and the prose around them. Given a terminal's width,
//! everything fits it; piped, nothing wraps.

use unicode_width::UnicodeWidthStr as _;

use crate::advice::Comparison;
use crate::bill::Bill;
use crate::plan::Plan;
use crate::report::table::{Align, Table};
use crate::report::{self, CardRates, Report, comparison, rates};

/// Draws a [`Table`] with comfy-table, columns measured in display
/// columns (wide characters line up): two spaces between columns (one of
/// padding, one where a column line would be), a rule under the header
/// and above the footer. With a `width` (a terminal's columns) the table
/// fits it: text wraps at spaces inside its column, continuation lines
/// indented, while figures, ids and totals stay whole; when that is still
/// too wide the layout gets compact (one space between columns, shorter
/// headers). Without a width nothing wraps, the layout scripts rely on.
#[must_use]
pub fn draw(source: &Table, width: Option<usize>) -> String {
    let layout = width.map(|w| layout(source, w));
    let (short, gap) = layout.as_ref().map_or((false, 2), |l| (l.short, l.gap));
    let alignments = source.alignments();
    let fit = |text: &str, i: usize, indent: bool| match &layout {
        Some(l) => wrap_cell(text, l.widths[i], indent),
        None => text.to_owned(),
    };
    let mut table = comfy_table::Table::new();
    table.load_preset(PRESET);
    table.set_content_arrangement(comfy_table::ContentArrangement::Disabled);
    table.set_header((0..source.width()).map(|i| fit(source.header(i, short), i, false)));
    let mut in_footer = false;
    for (row, footer) in source.all_rows() {
        if footer && !in_footer {
            table.add_row(vec![FOOTER_MARK]);
            in_footer = true;
        }
        let text_column = |i: usize| alignments.get(i) == Some(&Align::Left);
        table.add_row(
            row.iter()
                .enumerate()
                .map(|(i, cell)| fit(cell, i, !footer && text_column(i))),
        );
    }
    let last = source.width().saturating_sub(1);
    let padding = u16::try_from(gap.saturating_sub(1)).unwrap_or(0);
    for (i, column) in table.column_iter_mut().enumerate() {
        column.set_padding((0, if i == last { 0 } else { padding }));
        if alignments.get(i) == Some(&Align::Right) {
            column.set_cell_alignment(comfy_table::CellAlignment::Right);
        }
    }
    let lines: Vec<String> = table.lines().map(|l| l.trim_end().to_owned()).collect();
    let rule = lines
        .iter()
        .find(|l| !l.is_empty() && l.chars().all(|c| c == '─'))
        .cloned()
        .unwrap_or_default();
    let mut out = String::new();
    for line in lines {
        let line = if line.trim() == FOOTER_MARK {
            &rule
        } else {
            &line
        };
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// A cell's text in lines at most `width` columns wide, broken at spaces
/// (inside a word only when one is wider than the column); with `indent`
/// the lines after the first start two spaces in, where there is room.
fn wrap_cell(text: &str, width: usize, indent: bool) -> String {
    if text.lines().all(|l| l.width() <= width) {
        return text.to_owned();
    }
    // Indented only where the longest word still fits after the indent.
    let longest = text.split([' ', '\n']).map(str::width).max().unwrap_or(0);
    let indent = indent && longest + 2 <= width;
    let options = textwrap::Options::new(width.max(1))
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .subsequent_indent(if indent { "  " } else { "" });
    let lines: Vec<String> = textwrap::wrap(text, options)
        .iter()
        .map(|l| l.trim_end().to_owned())
        .collect();
    lines.join("\n")
}

/// The widest line of a cell, in display columns.
fn text_width(text: &str) -> usize {
    text.lines().map(str::width).max().unwrap_or(0)
}

/// The least wide layout that keeps every word of a cell (and, if it
/// can, of a header) on one line: two spaces between columns, else one,
/// else shorter headers too; then each column as wide as it can be, the
/// widest text columns giving way first.
fn layout(source: &Table, width: usize) -> Layout {
    let columns = source.width();
    let alignments = source.alignments();
    let longest_word = |text: &str| text.split([' ', '\n']).map(str::width).max().unwrap_or(0);
    // Each column's least width, with room or not for the two spaces that
    // indent a wrapped text cell's continuation lines.
    let body = |indent: bool| -> Vec<usize> {
        (0..columns)
            .map(|i| {
                let text_column = alignments.get(i) == Some(&Align::Left);
                source
                    .all_rows()
                    .filter_map(|(row, footer)| Some((row.get(i)?, footer)))
                    .map(|(cell, footer)| {
                        if footer {
                            // A total stays on one line: "USD 3,108.03".
                            text_width(cell)
                        } else if indent && text_column && cell.contains(' ') {
                            (longest_word(cell) + 2).min(text_width(cell))
                        } else {
                            longest_word(cell)
                        }
                    })
                    .max()
                    .unwrap_or(0)
            })
            .collect()
    };
    let header = |short: bool| -> Vec<usize> {
        (0..columns)
            .map(|i| longest_word(source.header(i, short)))
            .collect()
    };
    let least = |short: bool, indent: bool| -> Vec<usize> {
        body(indent)
            .iter()
            .zip(header(short))
            .map(|(&b, h)| b.max(h))
            .collect()
    };
    let seps = columns.saturating_sub(1);
    let candidates = [
        (false, 2, true),
        (false, 1, true),
        (true, 2, true),
        (true, 1, true),
        (true, 1, false),
    ];
    let (short, gap, minimums) = candidates
        .into_iter()
        .map(|(short, gap, indent)| (short, gap, least(short, indent)))
        .find(|(_, gap, minimums)| minimums.iter().sum::<usize>() + gap * seps <= width)
        .unwrap_or_else(|| {
            // Too narrow even so: the widest columns break inside words.
            let mut minimums = least(true, false);
            while minimums.iter().sum::<usize>() + seps > width {
                match minimums.iter_mut().max() {
                    Some(widest) if *widest > 1 => *widest -= 1,
                    _ => break,
                }
            }
            (true, 1, minimums)
        });
    let mut widths: Vec<usize> = (0..columns)
        .map(|i| {
            source
                .all_rows()
                .filter_map(|(row, _)| row.get(i))
                .map(|cell| text_width(cell))
                .chain([text_width(source.header(i, short))])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let room = width.saturating_sub(gap * seps);
    while widths.iter().sum::<usize>() > room {
        // The widest column that can still give way.
        let Some(widest) = (0..columns)
            .filter(|&i| widths[i] > minimums[i])
            .max_by_key(|&i| (widths[i], std::cmp::Reverse(i)))
        else {
            break;
        };
        widths[widest] -= 1;
    }
    Layout { widths, gap, short }
}

/// How a table is fitted to a terminal: each column's width, the spaces
/// between columns, and whether headers are the short ones.
struct Layout {
    widths: Vec<usize>,
    gap: usize,
    short: bool,
}

/// No borders and no column lines; a `─` rule under the header (see
/// comfy-table's `TableComponent` order).
const PRESET: &str = "     ──            ";

/// The first cell of the row that becomes the rule above the footer.
const FOOTER_MARK: &str = "\u{2500}";

/// Writes `text` as one line, or with a `width` as lines that fit it:
/// the first line starts with `first`, the others with `rest`.
pub fn prose(out: &mut String, text: &str, width: Option<usize>, first: &str, rest: &str) {
    match width {
        None => {
            out.push_str(first);
            out.push_str(text);
            out.push('\n');
        }
        Some(width) => {
            let options = textwrap::Options::new(width.max(1))
                .word_splitter(textwrap::WordSplitter::NoHyphenation)
                .initial_indent(first)
                .subsequent_indent(rest);
            for line in textwrap::wrap(text, options) {
                out.push_str(line.trim_end());
                out.push('\n');
            }
        }
    }
}

/// A report for a terminal `width` columns wide (`None`: piped).
#[must_use]
pub fn write(report: &Report<'_>, width: Option<usize>) -> String {
    match report {
        Report::Bill { bill: b, explain } => bill(b, *explain, width),
        Report::BillDiff { diff, explain } => bill_diff(diff, *explain, width),
        Report::Plans(plans) => draw(&report::plans::plans_table(plans), width),
        Report::Plan(plan) => plan_card(plan, width),
        Report::Comparison(c) => comparison(c, width),
        Report::RateCards(cards) => draw(&rates::cards_table(cards), width),
        Report::RateCard(shown) => card_rates(shown, width),
        Report::Quote { quote: q, explain } => quote(q, *explain, width),
        Report::RatesDiff(diff) => rates_diff(diff, width),
    }
}

/// A quote: the heading, one row per month and the total, the advice, the
/// first month itemized (every month with `explain`, with formulas), and
/// the notes.
#[must_use]
pub fn quote(q: &crate::quote::Quote<'_>, explain: bool, width: Option<usize>) -> String {
    use crate::report::quote as model;
    let mut out = String::new();
    prose(&mut out, &model::title(q), width, "", "  ");
    prose(&mut out, &model::dated(q), width, "", "  ");
    out.push('\n');
    out.push_str(&draw(&model::months_table(q), width));
    if let Some(advice) = model::advice(q) {
        out.push('\n');
        prose(&mut out, &advice, width, "", "  ");
    }
    let shown = if explain { q.months.len() } else { 1 };
    for month in q.months.iter().take(shown) {
        out.push('\n');
        let heading = format!(
            "{}: {}",
            month.month.map(|m| m.to_string()).unwrap_or_default(),
            report::bill::usage_text(month)
        );
        prose(&mut out, &heading, width, "", "  ");
        out.push_str(&draw(&report::bill::bill_table(month), width));
        if explain {
            for (kind, text) in report::bill::explain(month) {
                prose(&mut out, &format!("{kind}: {text}"), width, "  ", "    ");
            }
        }
    }
    out.push('\n');
    for note in model::notes(q) {
        prose(&mut out, &format!("note: {note}"), width, "", "      ");
    }
    out
}

/// The bill as a table: title, usage, one row per line, the total, notes,
/// and with `explain` each line's formula. With a `width` every line fits
/// it.
#[must_use]
pub fn bill(bill: &Bill<'_>, explain: bool, width: Option<usize>) -> String {
    let mut out = String::new();
    let title = format!(
        "{} ({}), {}{}",
        bill.plan.name,
        bill.plan.id,
        report::bill::usage_text(bill),
        report::bill::month_text(bill)
    );
    prose(&mut out, &title, width, "", "  ");
    if let Some(card) = &bill.meta_card {
        prose(&mut out, &format!("Meta rates: {card}"), width, "", "  ");
    }
    out.push('\n');
    out.push_str(&draw(&report::bill::bill_table(bill), width));
    for note in &bill.notes {
        prose(&mut out, &format!("note: {note}"), width, "", "      ");
    }
    if explain {
        out.push_str("\nHow each line was computed:\n");
        let rows = report::bill::explain(bill);
        let label_width = rows.iter().map(|(k, _)| k.width()).max().unwrap_or(0);
        let indent = " ".repeat(label_width + 4);
        for (kind, text) in rows {
            let pad = label_width.saturating_sub(kind.width());
            let first = format!("  {kind}{}  ", " ".repeat(pad));
            match width {
                // A narrow terminal: the text goes under its label.
                Some(w) if label_width + 4 + 30 > w => {
                    prose(&mut out, &kind, width, "  ", "  ");
                    prose(&mut out, &text, width, "      ", "      ");
                }
                _ => prose(&mut out, &text, width, &first, &indent),
            }
        }
    }
    out
}

/// A bill beside the same usage priced another way: both amounts and the
/// change per line and in total; with `explain`, why each line changed.
#[must_use]
pub fn bill_diff(diff: &crate::diff::BillDiff<'_>, explain: bool, width: Option<usize>) -> String {
    let mut out = String::new();
    prose(&mut out, &report::diff::title(diff), width, "", "  ");
    if let Some(cards) = report::diff::cards_text(diff) {
        prose(&mut out, &cards, width, "", "  ");
    }
    out.push('\n');
    out.push_str(&draw(&report::diff::diff_table(diff), width));
    for note in report::diff::notes(diff) {
        prose(&mut out, &format!("note: {note}"), width, "", "      ");
    }
    if explain {
        let rows = report::diff::explain(diff);
        if rows.is_empty() {
            out.push_str("\nNo line changed.\n");
        } else {
            out.push_str("\nWhy each line changed:\n");
        }
        for (label, text) in rows {
            prose(&mut out, &format!("{label}: {text}"), width, "  ", "      ");
        }
    }
    out
}

/// One plan, field by field (`plans show ID`).
#[must_use]
pub fn plan_card(plan: &Plan, width: Option<usize>) -> String {
    let mut out = String::new();
    prose(
        &mut out,
        &format!("{} ({})", plan.name, plan.id),
        width,
        "",
        "  ",
    );
    for (name, value) in report::plans::plan_fields(plan) {
        prose(
            &mut out,
            &value,
            width,
            &format!("  {name:<16} "),
            &" ".repeat(19),
        );
    }
    out
}

/// The comparison for a terminal; with a `width` every line fits it.
#[must_use]
pub fn comparison(c: &Comparison<'_>, width: Option<usize>) -> String {
    let mut out = String::new();
    prose(&mut out, &comparison::title(c), width, "", "  ");
    if let Some(card) = comparison::card_text(c) {
        prose(&mut out, &card, width, "", "  ");
    }
    out.push('\n');
    if c.quotes.is_empty() {
        out.push_str(&draw(&comparison::prices_table(c), width));
    } else {
        out.push_str(&draw(&comparison::quote_table(c), width));
        if let Some(text) = comparison::cheapest_text(c) {
            out.push('\n');
            prose(&mut out, &text, width, "", "");
        }
    }
    if !c.break_evens.is_empty() {
        out.push('\n');
        prose(&mut out, comparison::BREAK_EVEN_HEADING, width, "", "");
        for b in &c.break_evens {
            prose(
                &mut out,
                &comparison::break_even_text(b, c.unit.plural()),
                width,
                "  ",
                "    ",
            );
        }
    }
    if let Some(budget) = comparison::budget_table(c) {
        out.push('\n');
        out.push_str(&draw(&budget, width));
    }
    for note in &c.notes {
        out.push('\n');
        prose(&mut out, &format!("note: {note}"), width, "", "      ");
    }
    out
}

/// `ctbill rates show`: the heading, the rates and, for one market, its
/// volume tiers.
#[must_use]
pub fn card_rates(shown: &CardRates<'_>, width: Option<usize>) -> String {
    let mut out = String::new();
    prose(&mut out, shown.heading, width, "", "  ");
    out.push('\n');
    out.push_str(&draw(&rates::rates_table(shown.card, shown.markets), width));
    if let Some(market) = shown.single_market() {
        let tiers = rates::tiers_table(market);
        out.push('\n');
        if tiers.is_empty() {
            prose(&mut out, rates::NO_TIERS, width, "", "");
        } else {
            prose(&mut out, rates::TIERS_HEADING, width, "", "");
            out.push('\n');
            out.push_str(&draw(&tiers, width));
        }
    }
    out
}

/// `rates diff`: the heading, the changed rates, the markets added and
/// removed, the changed volume tiers and the notes.
#[must_use]
pub fn rates_diff(diff: &report::rates_diff::RatesDiff<'_>, width: Option<usize>) -> String {
    let mut out = String::new();
    for line in diff.heading().lines() {
        prose(&mut out, line, width, "", "  ");
    }
    let changes = report::rates_diff::changes_table(diff);
    if !changes.is_empty() {
        out.push('\n');
        out.push_str(&draw(&changes, width));
    }
    for line in diff.market_lines() {
        out.push('\n');
        prose(&mut out, &line, width, "", "  ");
    }
    let tiers = report::rates_diff::tier_changes_table(diff);
    if !tiers.is_empty() {
        out.push('\n');
        prose(&mut out, report::rates_diff::TIERS_HEADING, width, "", "");
        out.push('\n');
        out.push_str(&draw(&tiers, width));
    }
    for note in &diff.notes {
        out.push('\n');
        prose(&mut out, &format!("note: {note}"), width, "", "      ");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_left_and_right_aligned_columns() {
        let mut table = Table::new(&[("Item", Align::Left), ("Amount", Align::Right)]);
        table.row(vec!["Base fee".into(), "30.00".into()]);
        table.row(vec!["Overage".into(), "1,035.00".into()]);
        table.footer(vec!["Total".into(), "1,065.00".into()]);
        let expected = "\
Item        Amount
──────────────────
Base fee     30.00
Overage   1,035.00
──────────────────
Total     1,065.00
";
        assert_eq!(draw(&table, None), expected);
    }

    #[test]
    fn measures_wide_characters_in_terminal_columns() {
        let mut table = Table::new(&[("Name", Align::Left), ("Id", Align::Left)]);
        table.row(vec!["コネクト 10K".into(), "jp".into()]);
        table.row(vec!["Connect 10K".into(), "en".into()]);
        // コネクト 10K is 12 columns; Connect 10K is 11 and gets one more space.
        let expected = "\
Name          Id
────────────────
コネクト 10K  jp
Connect 10K   en
";
        assert_eq!(draw(&table, None), expected);
    }

    #[test]
    fn wraps_text_keeps_figures_whole_and_the_footer_rule() {
        let mut table = Table::new(&[("Item", Align::Left), ("Amount (USD)", Align::Right)]);
        table.row(vec![
            "Consumption overage: conversations 25,001–100,000".into(),
            "1,234,567.89".into(),
        ]);
        table.footer(vec!["Total".into(), "USD 1,234,567.89".into()]);
        // 34 columns: the total "USD 1,234,567.89" (16) stays whole, the
        // item wraps into the other 16 (34 - 16 - 2 between the columns),
        // room for its longest word, "25,001–100,000" (14).
        let text = draw(&table, Some(34));
        for line in text.lines() {
            assert!(line.chars().count() <= 34, "{line:?} in\n{text}");
        }
        assert!(text.contains("USD 1,234,567.89"), "{text}");
        assert!(text.contains("  1,234,567.89"), "{text}");
        let rules = text.lines().filter(|l| l.starts_with('─')).count();
        assert_eq!(rules, 2, "{text}");
        assert!(text.lines().last().unwrap().starts_with("Total"), "{text}");
    }

    #[test]
    fn wraps_prose_only_with_a_width() {
        let mut out = String::new();
        prose(&mut out, "note: one two three four", None, "", "      ");
        prose(&mut out, "note: one two three four", Some(16), "", "      ");
        assert_eq!(
            out,
            "note: one two three four\nnote: one two\n      three four\n"
        );
    }

    #[test]
    fn a_narrow_terminal_gets_the_short_headers() {
        let mut table = Table::new(&[("Currency", Align::Left), ("Amount", Align::Right)])
            .short_headers(&[("Currency", "Cur.")]);
        table.row(vec!["USD".into(), "1.00".into()]);
        // Full headers need 8 + 2 + 6 = 16 columns (15 with one space);
        // short ones 4 + 2 + 6 = 12.
        assert_eq!(
            draw(&table, Some(16)),
            "Currency  Amount\n────────────────\nUSD         1.00\n"
        );
        assert_eq!(
            draw(&table, Some(12)),
            "Cur.  Amount\n────────────\nUSD     1.00\n"
        );
    }

    #[test]
    fn wrapped_text_continues_indented() {
        let mut table = Table::new(&[("Item", Align::Left), ("Amount", Align::Right)]);
        table.row(vec![
            "Fair-usage overage: above 100,000".into(),
            "600.00".into(),
        ]);
        // 30 columns: 6 for the amount, 2 between, 22 for the item, whose
        // words ("Fair-usage" the longest, 10) fit with a 2-space indent:
        // "Fair-usage overage:" (19) then "  above 100,000" (15). The column
        // is as wide as its widest line: 19 + 2 + 6 = 27.
        assert_eq!(
            draw(&table, Some(30)),
            "\
Item                 Amount
───────────────────────────
Fair-usage overage:  600.00
  above 100,000
"
        );
    }
}
