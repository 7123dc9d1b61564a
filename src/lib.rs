//! ctbill: exact invoices and quotes for CleverTap's WhatsApp add-ons.
//!
//! The library holds everything; the binary only calls [`run`]. Nothing in
//! here prints except [`run`] itself, which owns stdout and stderr.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod advice;
pub mod app;
pub mod batch;
pub mod bill;
pub mod calendar;
pub mod catalog;
pub mod cli;
pub mod error;
pub mod load;
pub mod meta;
pub mod money;
pub mod outfile;
pub mod plan;
pub mod render;
pub mod shown;
mod suggest;
pub mod usage;

use std::ffi::OsString;
use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

/// Runs the command line and returns the process exit code. Data goes to
/// stdout, messages to stderr; errors are printed here, never panicked.
pub fn run<I: IntoIterator<Item = OsString>>(args: I) -> ExitCode {
    let args: Vec<OsString> = args.into_iter().collect();
    let cli = match cli::Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(err) => {
            // clap prints help and version to stdout, usage errors to stderr.
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() {
                error::exit::USAGE
            } else {
                error::exit::SUCCESS
            });
        }
    };
    if let Some(message) = cli::conflicting_plans(&args) {
        let _ = writeln!(io::stderr(), "ctbill: error: {message}");
        return ExitCode::from(error::exit::USAGE);
    }
    let (stdout, stderr) = (io::stdout(), io::stderr());
    let (mut stdout, mut stderr) = (stdout.lock(), stderr.lock());
    let mut output = app::Output {
        stdout: &mut stdout,
        stderr: &mut stderr,
    };
    match app::execute(cli, &mut output) {
        Ok(code) => ExitCode::from(code),
        Err(error::Error::Io { source, .. }) if source.kind() == io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(err) => {
            let _ = writeln!(stderr, "ctbill: error: {err}");
            ExitCode::from(err.exit_code())
        }
    }
}
