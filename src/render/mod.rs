//! Writers: one per format, each drawing the [`Report`] a command built
//! (hyperfine's `export/`, infracost's single output model). A writer
//! returns text and never writes it itself; none prices or recomputes.
//!
//! - [`table`]: the terminal, with comfy-table, fitted to a width
//! - [`markdown`]: GitHub-flavoured Markdown, written by hand
//! - [`csv`]: CSV with the `csv` crate, raw values for scripts
//! - [`json`]: pretty JSON, amounts as strings
//! - [`html`]: one self-contained HTML document, for a customer
//! - [`chart`]: the SVG cost-curve chart of `compare --chart`, also
//!   inline in the HTML documents
//!
//! Adding a format: a variant of [`Format`], a file with a `write`
//! function, and its arm in [`render`].

pub mod chart;
pub mod csv;
pub mod html;
pub mod json;
pub mod markdown;
pub mod table;

use crate::calendar::Date;
use crate::report::Report;

/// Output format of `estimate`, `plans` and the like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Aligned columns for reading in a terminal.
    #[default]
    Table,
    /// One JSON object; amounts are strings holding exact decimals.
    Json,
    /// Comma-separated values with a header row.
    Csv,
    /// A GitHub-flavoured Markdown table, ready to paste into an email.
    Markdown,
    /// One self-contained HTML document (`estimate`, `compare`), dated
    /// `today` (the request's date).
    Html {
        /// The date the document carries.
        today: Date,
    },
}

/// A report in a format. `width` is the terminal's width, for the table
/// writer only (`None` when piped: nothing wraps).
#[must_use]
pub fn render(report: &Report<'_>, format: Format, width: Option<usize>) -> String {
    match format {
        Format::Table => table::write(report, width),
        Format::Json => json::write(report),
        Format::Csv => csv::write(report),
        Format::Markdown => markdown::write(report),
        Format::Html { today } => html::write(report, today),
    }
}
