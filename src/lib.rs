//! ctbill: exact invoices and quotes for CleverTap's WhatsApp add-ons.
//!
//! The library holds everything; the binary only calls [`run`]. Nothing in
//! here prints except [`run`] itself, which owns stdout and stderr.
//!
//! One run goes through three layers: [`cli`] parses the command line with
//! clap and turns it into a validated [`request::Request`] (the clock and
//! the terminal read once); [`app`] runs the request: it loads the
//! [`catalog`], calls the engine ([`bill`], [`advice`], [`batch`]), picks a
//! writer in [`render`] and writes; [`run`] prints any error, its flag
//! named ([`request::name_the_flag`]), and returns the exit code.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod advice;
pub mod app;
pub mod batch;
pub mod bill;
pub mod calendar;
pub mod catalog;
pub mod cli;
pub mod diff;
pub mod error;
pub mod load;
pub mod meta;
pub mod money;
pub mod outfile;
pub mod plan;
pub mod quote;
pub mod render;
pub mod report;
pub mod request;
pub mod shown;
mod suggest;
mod tomlread;
pub mod usage;
pub mod vs;

use std::ffi::OsString;
use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

/// clap's message for a value its parser refused quotes the value whole and
/// raw (a terminal escape sequence, a megabyte-long argument): this is the
/// same message with the value quoted as every other message quotes input,
/// escaped and shortened; `None` when that changes nothing.
fn refused_value(err: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    use std::error::Error as _;
    let string = |kind| match err.get(kind) {
        Some(ContextValue::String(value)) => Some(value.as_str()),
        _ => None,
    };
    let value = string(ContextKind::InvalidValue)?;
    let arg = string(ContextKind::InvalidArg)?;
    let quoted = shown::shown(value);
    if err.kind() != ErrorKind::ValueValidation || quoted == value {
        return None;
    }
    let reason = err.source().map(ToString::to_string).unwrap_or_default();
    Some(format!(
        "error: invalid value '{quoted}' for '{arg}': {reason}\n\nFor more information, try '--help'.\n"
    ))
}

/// Runs the command line and returns the process exit code. Data goes to
/// stdout, messages to stderr; errors are printed here, never panicked.
pub fn run<I: IntoIterator<Item = OsString>>(args: I) -> ExitCode {
    let args: Vec<OsString> = args.into_iter().collect();
    let cli = match cli::Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(err) => {
            // clap prints help and version to stdout, usage errors to stderr.
            match refused_value(&err) {
                Some(text) => {
                    let _ = write!(io::stderr(), "{text}");
                }
                None => {
                    let _ = err.print();
                }
            }
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
    let outcome = cli::to_request(cli)
        .and_then(|request| app::execute(request, &mut output))
        .map_err(request::name_the_flag);
    match outcome {
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
