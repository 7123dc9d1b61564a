//! The terminal writer: tables drawn by comfy-table (columns measured in
//! display columns, numbers right-aligned, a rule under the header and
//! above totals) and the prose around them. Given a terminal's width,
//! everything fits it; piped, nothing wraps.

use unicode_width::UnicodeWidthStr as _;

use crate::bill::Bill;
use crate::money::group_thousands;
use crate::plan::Plan;

/// Column alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text columns.
    Left,
    /// Number columns.
    Right,
}

/// A table under construction: a header, body rows, optional footer rows.
#[derive(Debug, Clone, Default)]
pub struct Table {
    columns: Vec<(String, Align)>,
    /// Shorter headers for a narrow terminal, by column.
    short: Vec<Option<String>>,
    rows: Vec<Vec<String>>,
    footer: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headers and alignments.
    #[must_use]
    pub fn new(columns: &[(&str, Align)]) -> Self {
        Self {
            columns: columns.iter().map(|&(h, a)| (h.to_owned(), a)).collect(),
            ..Self::default()
        }
    }

    /// Gives columns shorter headers (`(header, short)`) for a terminal too
    /// narrow for the full ones.
    #[must_use]
    pub fn short_headers(mut self, shorts: &[(&str, &str)]) -> Self {
        self.short = self
            .columns
            .iter()
            .map(|(h, _)| {
                shorts
                    .iter()
                    .find(|(full, _)| full == h)
                    .map(|&(_, s)| s.to_owned())
            })
            .collect();
        self
    }

    /// Adds a body row.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Adds a footer row, set off by a rule (totals).
    pub fn footer(&mut self, cells: Vec<String>) {
        self.footer.push(cells);
    }

    /// Whether the table has no rows at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty() && self.footer.is_empty()
    }

    /// The columns' header texts.
    #[must_use]
    pub fn headers(&self) -> Vec<&str> {
        self.columns.iter().map(|(h, _)| h.as_str()).collect()
    }

    /// Body rows then footer rows, for renderers of other formats.
    pub fn all_rows(&self) -> impl Iterator<Item = (&Vec<String>, bool)> {
        self.rows
            .iter()
            .map(|r| (r, false))
            .chain(self.footer.iter().map(|r| (r, true)))
    }

    /// The columns' alignments.
    #[must_use]
    pub fn alignments(&self) -> Vec<Align> {
        self.columns.iter().map(|&(_, a)| a).collect()
    }

    /// Renders for a pipe: columns padded to their widest cell (measured
    /// in display columns, so wide characters line up), two spaces between
    /// columns, nothing wrapped.
    #[must_use]
    pub fn render(&self) -> String {
        self.render_to(None)
    }

    /// Renders with comfy-table: two spaces between columns (one of
    /// padding, one where a column line would be), a rule under the header
    /// and above the footer. With a `width` (a terminal's columns) the
    /// table fits it: text columns wrap at spaces, figures and ids stay
    /// whole, and when that is still too wide the layout gets compact (one
    /// space between columns, shorter headers). Without a width nothing
    /// wraps, the layout scripts rely on.
    #[must_use]
    pub fn render_to(&self, width: Option<usize>) -> String {
        let layout = width.map(|w| self.layout(w));
        let compact = layout.as_ref().is_some_and(|l| l.short);
        let headers = self.columns.iter().enumerate().map(|(i, (h, _))| {
            match self.short.get(i) {
                Some(Some(short)) if compact => short.as_str(),
                _ => h.as_str(),
            }
        });
        let mut table = comfy_table::Table::new();
        table.load_preset(PRESET);
        table.set_header(headers);
        for row in &self.rows {
            table.add_row(row);
        }
        if !self.footer.is_empty() {
            table.add_row(vec![FOOTER_MARK]);
            for row in &self.footer {
                table.add_row(row);
            }
        }
        let gap = layout.as_ref().map_or(2, |l| l.gap);
        if let (Some(width), Some(layout)) = (width, &layout) {
            table.set_content_arrangement(comfy_table::ContentArrangement::Dynamic);
            table.set_width(u16::try_from(width).unwrap_or(u16::MAX));
            // A column's width in comfy-table includes its padding.
            let last = layout.minimums.len().saturating_sub(1);
            table.set_constraints(layout.minimums.iter().enumerate().map(|(i, &m)| {
                let padding = if i == last { 0 } else { layout.gap - 1 };
                comfy_table::ColumnConstraint::LowerBoundary(comfy_table::Width::Fixed(
                    u16::try_from(m + padding).unwrap_or(u16::MAX),
                ))
            }));
        } else {
            table.set_content_arrangement(comfy_table::ContentArrangement::Disabled);
        }
        let last = self.columns.len().saturating_sub(1);
        let padding = u16::try_from(gap.saturating_sub(1)).unwrap_or(0);
        for (i, column) in table.column_iter_mut().enumerate() {
            column.set_padding((0, if i == last { 0 } else { padding }));
            if self.columns.get(i).is_some_and(|&(_, a)| a == Align::Right) {
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
            let line = if line == FOOTER_MARK { &rule } else { &line };
            out.push_str(line);
            out.push('\n');
        }
        out
    }

    /// The least wide layout that keeps every word of a cell (and, if it
    /// can, of a header) on one line: two spaces between columns, else one,
    /// else shorter headers too.
    fn layout(&self, width: usize) -> Layout {
        let longest_word = |text: &str| {
            text.split([' ', '\n'])
                .map(str::width)
                .max()
                .unwrap_or(0)
        };
        let body: Vec<usize> = (0..self.columns.len())
            .map(|i| {
                // A total (the footer) stays on one line: "USD 3,108.03".
                self.all_rows()
                    .filter_map(|(row, footer)| Some((row.get(i)?, footer)))
                    .map(|(cell, footer)| if footer { cell.width() } else { longest_word(cell) })
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let header = |short: bool| -> Vec<usize> {
            self.columns
                .iter()
                .enumerate()
                .map(|(i, (h, _))| match self.short.get(i) {
                    Some(Some(s)) if short => longest_word(s),
                    _ => longest_word(h),
                })
                .collect()
        };
        let seps = self.columns.len().saturating_sub(1);
        for (short, gap) in [(false, 2), (false, 1), (true, 2), (true, 1)] {
            let minimums: Vec<usize> = body
                .iter()
                .zip(header(short))
                .map(|(&b, h)| b.max(h))
                .collect();
            if minimums.iter().sum::<usize>() + gap * seps <= width {
                return Layout {
                    minimums,
                    gap,
                    short,
                };
            }
        }
        // Too narrow even so: the widest columns break inside words.
        let mut minimums: Vec<usize> = body
            .iter()
            .zip(header(true))
            .map(|(&b, h)| b.max(h))
            .collect();
        while minimums.iter().sum::<usize>() + seps > width {
            match minimums.iter_mut().max() {
                Some(widest) if *widest > 1 => *widest -= 1,
                _ => break,
            }
        }
        Layout {
            minimums,
            gap: 1,
            short: true,
        }
    }
}

/// How a table is fitted to a terminal: each column's least width, the
/// spaces between columns, and whether headers are the short ones.
struct Layout {
    minimums: Vec<usize>,
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
        super::usage_text(bill),
        super::month_text(bill)
    );
    prose(&mut out, &title, width, "", "  ");
    if let Some(card) = &bill.meta_card {
        prose(&mut out, &format!("Meta rates: {card}"), width, "", "  ");
    }
    out.push('\n');
    out.push_str(&bill_table(bill).render_to(width));
    for note in &bill.notes {
        prose(&mut out, &format!("note: {note}"), width, "", "      ");
    }
    if explain {
        out.push_str("\nHow each line was computed:\n");
        let rows = super::explain(bill);
        let label_width = rows
            .iter()
            .map(|(k, _)| k.width())
            .max()
            .unwrap_or(0);
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

/// The bill's lines as a [`Table`], shared with the Markdown renderer.
#[must_use]
pub fn bill_table(bill: &Bill<'_>) -> Table {
    let amount_header = format!("Amount ({})", bill.currency());
    let mut table = Table::new(&[
        ("Item", Align::Left),
        ("Quantity", Align::Right),
        ("Unit price", Align::Right),
        (&amount_header, Align::Right),
    ]);
    for line in &bill.lines {
        table.row(vec![
            super::describe(line, bill.plan),
            group_thousands(line.quantity),
            super::unit_price_text(line),
            group_thousands(line.amount),
        ]);
    }
    table.footer(vec![
        "Total".to_owned(),
        String::new(),
        String::new(),
        format!("{} {}", bill.currency(), group_thousands(bill.total)),
    ]);
    table
}

/// Plans as a [`Table`] (the `plans` listing).
#[must_use]
pub fn plans_table(plans: &[Plan]) -> Table {
    let mut table = Table::new(&[
        ("Id", Align::Left),
        ("Name", Align::Left),
        ("Product", Align::Left),
        ("Currency", Align::Left),
        ("Base fee", Align::Right),
        ("Included", Align::Right),
        ("Overage", Align::Right),
        ("Fair use", Align::Right),
        ("Markup", Align::Right),
        ("Example", Align::Left),
    ])
    .short_headers(&[
        ("Currency", "Cur."),
        ("Included", "Incl."),
        ("Overage", "Over."),
        ("Markup", "Mkup"),
        ("Example", "Ex."),
    ]);
    for plan in plans {
        let paid = plan.unit().is_some();
        let when_paid = |text: String| if paid { text } else { String::new() };
        table.row(vec![
            plan.id.clone(),
            plan.name.clone(),
            plan.product.to_string(),
            if paid {
                plan.currency.to_string()
            } else {
                String::new()
            },
            when_paid(group_thousands(plan.base_fee)),
            when_paid(crate::money::group_count(plan.included)),
            when_paid(plan.overage_rate.to_string()),
            super::fair_use_text(plan),
            super::markup_text(plan),
            if plan.example && paid { "yes" } else { "" }.to_owned(),
        ]);
    }
    table
}

/// One plan, field by field (`plans show ID`).
#[must_use]
pub fn plan_card(plan: &Plan, width: Option<usize>) -> String {
    let mut out = String::new();
    prose(&mut out, &format!("{} ({})", plan.name, plan.id), width, "", "  ");
    let mut field = |name: &str, value: String| {
        if !value.is_empty() {
            prose(&mut out, &value, width, &format!("  {name:<16} "), &" ".repeat(19));
        }
    };
    field("product", plan.product.to_string());
    if let Some(unit) = plan.unit() {
        field("currency", plan.currency.to_string());
        field(
            "base fee",
            format!("{} per month", group_thousands(plan.base_fee)),
        );
        field("included", unit.count_text(plan.included));
        field(
            "overage rate",
            format!("{} per {}", plan.overage_rate, unit.singular()),
        );
        if let Some(f) = &plan.fair_use {
            field(
                "fair use",
                format!(
                    "{} per {} above {}",
                    f.rate,
                    unit.singular(),
                    crate::money::group_count(f.limit)
                ),
            );
        }
    } else {
        field(
            "prices",
            "none: campaigns and journeys need an add-on".to_owned(),
        );
    }
    field(
        "markup",
        super::markup_text(plan).replace('%', "% over Meta's charges"),
    );
    if plan.example {
        field(
            "example",
            "yes: example prices, not a contract; replace them with contract prices".to_owned(),
        );
    }
    field("defined at", plan.origin.clone());
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
        assert_eq!(table.render(), expected);
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
        assert_eq!(table.render(), expected);
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
        let text = table.render_to(Some(34));
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
        assert_eq!(out, "note: one two three four\nnote: one two\n      three four\n");
    }
}
