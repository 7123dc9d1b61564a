//! The tabular model every writer shares: a header (with short forms
//! for narrow terminals), body rows, footer rows (totals) and each
//! column's alignment. Reports build these; writers draw them (comfy-table
//! for terminals, Markdown, CSV).

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

    /// A column's header, the short form when `short` and it has one.
    #[must_use]
    pub fn header(&self, index: usize, short: bool) -> &str {
        match self.short.get(index) {
            Some(Some(text)) if short => text,
            _ => self.columns.get(index).map_or("", |(h, _)| h.as_str()),
        }
    }

    /// How many columns the table has.
    #[must_use]
    pub fn width(&self) -> usize {
        self.columns.len()
    }
}
