//! Errors that end a command, the exit codes of the contract, and
//! [`Problem`]: one mistake in an input file at its line and column (plan,
//! quote and rate-card files all report them).
//!
//! One typed enum, not `anyhow`: every message is pinned by the contract
//! and the CLI cases, `run` tells a closed pipe (a quiet exit 0) from other
//! failures by matching [`Error::Io`], and batch rows turn [`Error::Meta`]
//! into `row N, column C` locations. The few I/O failures at the edge
//! already carry their context in [`Error::Io`] (what was being done, then
//! the system's error, as anyhow's `{:#}` would print it), so `anyhow`
//! would add a dependency and downcasts without removing any code.

use std::fmt;

use crate::bill::BillError;
use crate::meta::MetaError;

/// Exit codes (PRODUCT.md): 0 success, 1 a batch finished with bad rows,
/// 2 the command line, an input value, a plan file or a rate card is wrong.
pub mod exit {
    /// Everything worked.
    pub const SUCCESS: u8 = 0;
    /// A batch finished but some rows carry errors instead of amounts.
    pub const BAD_ROWS: u8 = 1;
    /// The command line, an input value, a plan file or a rate card is wrong.
    pub const USAGE: u8 = 2;
}

/// Why a command could not produce its output.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A bad value on the command line or on standard input; the message
    /// names where and what would be right.
    #[error("{0}")]
    Input(String),
    /// A plan id that no plan file defines.
    #[error("{}", unknown_plan(.id, .suggestion.as_deref(), .source_name))]
    UnknownPlan {
        /// The id typed.
        id: String,
        /// The closest known id.
        suggestion: Option<String>,
        /// Where plans were loaded from.
        source_name: String,
    },
    /// Problems in plan files or rate cards.
    #[error("{}", Problems(.0))]
    Problems(Vec<Problem>),
    /// Meta usage that cannot be priced: `spec` is the usage as written
    /// (`marketing:IN=20000`) and `index` its place among the usage's
    /// message counts, for the caller to say where it came from.
    #[error("{spec}: {source}")]
    Meta {
        /// Index of the message count in [`crate::usage::MetaUsage::Messages`].
        index: usize,
        /// The Meta usage as written.
        spec: String,
        /// Why it cannot be priced.
        source: MetaError,
    },
    /// The engine refused the bill.
    #[error(transparent)]
    Bill(#[from] BillError),
    /// Reading input or writing output failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The system's error.
        source: std::io::Error,
    },
}

impl Error {
    /// The exit code for this error: always [`exit::USAGE`].
    #[must_use]
    pub fn exit_code(&self) -> u8 {
        exit::USAGE
    }
}

fn unknown_plan(id: &str, suggestion: Option<&str>, source: &str) -> String {
    let hint = suggestion
        .map(|s| format!("did you mean `{s}`? "))
        .unwrap_or_default();
    format!("unknown plan `{id}` in {source}; {hint}run `ctbill plans` to list the plans")
}

struct Problems<'a>(&'a [Problem]);

impl fmt::Display for Problems<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        write!(f, "{n} problem{} found:", if n == 1 { "" } else { "s" })?;
        for problem in self.0 {
            write!(f, "\n  {problem}")?;
        }
        Ok(())
    }
}

/// One problem in an input file, located by line and column (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file as the user knows it, e.g. `plans/connect.toml`.
    pub file: String,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column; 0 when unknown.
    pub column: usize,
    /// What is wrong and what would be right.
    pub message: String,
}

impl Problem {
    /// A problem at a byte offset of `text`.
    #[must_use]
    pub fn at(file: &str, text: &str, offset: usize, message: impl Into<String>) -> Self {
        let (line, column) = line_column(text, offset);
        Self {
            file: file.to_owned(),
            line,
            column,
            message: message.into(),
        }
    }

    /// A problem with the file as a whole.
    #[must_use]
    pub fn file(file: &str, message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            line: 0,
            column: 0,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (0, _) => write!(f, "{}: {}", self.file, self.message),
            (line, 0) => write!(f, "{}:{line}: {}", self.file, self.message),
            (line, column) => write!(f, "{}:{line}:{column}: {}", self.file, self.message),
        }
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters() {
        assert_eq!(line_column("ab\ncé x", 7), (2, 4));
        assert_eq!(line_column("", 5), (1, 1));
    }
}
