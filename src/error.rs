//! Errors that end a command, and the exit codes of the contract.
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
use crate::load::Problem;
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
