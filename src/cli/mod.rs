//! The command line: `args.rs` holds the clap definitions; this module turns
//! them into a validated [`Request`] (ripgrep's low and high arguments,
//! just's `Config::from_arguments`). The edge is read here, once: the
//! clock, `$CTBILL_PLANS`, `$COLUMNS` and whether stdout is a terminal.

mod args;

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::PathBuf;

use clap::CommandFactory;

pub use args::{
    BatchArgs, BatchFormat, Cli, Command, CompareArgs, CountArgs, DocFormat, EstimateArgs, Format,
    MetaArgs, PlansArgs, PlansCommand, QuoteArgs, RatesArgs, RatesCommand, VsArgs,
};

use crate::batch;
use crate::calendar::Date;
use crate::error::Error;
use crate::load::Source;
use crate::plan::Unit;
use crate::render;
use crate::request::{self, MetaSettings, Request};

/// `--plans` given more than once with different directories (before and
/// after the subcommand, or twice in one place): clap would keep the last
/// one silently, so the command line is refused with both named. The same
/// directory twice is not ambiguous and passes. Call on arguments clap has
/// accepted: every `--plans` token before `--` is then the option itself
/// (no flag of ctbill takes a value that starts with `--plans`).
#[must_use]
pub fn conflicting_plans(args: &[OsString]) -> Option<String> {
    let mut given: Vec<String> = Vec::new();
    let mut tokens = args.iter().skip(1);
    while let Some(token) = tokens.next() {
        if token == "--" {
            break;
        }
        if token == "--plans" {
            if let Some(value) = tokens.next() {
                given.push(value.to_string_lossy().into_owned());
            }
        } else if let Some(value) = token.to_string_lossy().strip_prefix("--plans=") {
            given.push(value.to_owned());
        }
    }
    let first = given.first()?;
    let other = given.iter().find(|dir| *dir != first)?;
    Some(format!(
        "--plans is given twice, as `{}` and as `{}`; give one plans directory",
        crate::shown::shown(first),
        crate::shown::shown(other)
    ))
}

/// Turns a parsed command line into the request the program runs, reading
/// the clock, the environment and the terminal once, here.
///
/// # Errors
///
/// Flags that clap accepts but that do not go together (compare's product
/// and count).
pub fn to_request(cli: Cli) -> Result<Request, Error> {
    let today = crate::calendar::today();
    let stdout = std::io::stdout();
    let width = output_width(
        stdout.is_terminal(),
        std::env::var("COLUMNS").ok().as_deref(),
        || terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)),
    );
    // CTBILL_PLANS is read here rather than by clap, so that an empty value
    // means "not set" instead of an error.
    let from_env = std::env::var_os("CTBILL_PLANS")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from);
    if let (None, Some(dir)) = (&cli.plans, &from_env) {
        if !dir.is_dir() {
            // Name the variable: the user may not remember setting it.
            return Err(Error::Input(format!(
                "CTBILL_PLANS={}: no such directory; point it at a directory of plan files, or unset it to use ./plans or the built-in plans",
                crate::shown::shown(&dir.display().to_string())
            )));
        }
    }
    let plans_dir = cli.plans.clone().or(from_env);
    let mut plans = Source::resolve(plans_dir);
    let command = match cli.command {
        Command::Estimate(args) => request::Command::Estimate(request::Estimate {
            plan: args.plan,
            count: count(&args.count),
            meta: meta(args.meta, today),
            format: doc_format(args.format, today),
            explain: args.explain,
            vs: vs(args.vs),
        }),
        Command::Compare(args) => {
            let given = count(&args.count);
            let meta = meta(args.meta, today);
            let (product, unit) = request::Compare::choose_product(
                args.product,
                given,
                args.budget.is_some(),
                meta.given(),
            )?;
            request::Command::Compare(request::Compare {
                product,
                unit,
                count: given.map(|(_, n)| n),
                currency: args.currency,
                meta,
                budget: args.budget,
                format: doc_format(args.format, today),
                chart: args.chart.map(svg_path).transpose()?,
            })
        }
        Command::Batch(args) => request::Command::Batch(request::Batch {
            plan: args.plan,
            format: match args.format {
                BatchFormat::Csv => batch::Format::Csv,
                BatchFormat::Jsonl => batch::Format::Jsonl,
            },
            file: args.file.filter(|path| path.as_os_str() != "-"),
            vs: vs(args.vs),
        }),
        Command::Plans(args) => request::Command::Plans(request::Plans {
            show: args.show.map(|PlansCommand::Show { id }| id),
            format: format(args.format),
        }),
        Command::Rates(args) => rates_request(args, today),
        Command::Quote(QuoteArgs {
            file,
            format: f,
            explain,
        }) => request::Command::Quote(request::QuoteFile {
            file,
            format: doc_format(f, today),
            explain,
        }),
        Command::Check { dir: Some(file) } if file.is_file() => request::Command::CheckQuote(file),
        Command::Check { dir } => {
            if let Some(dir) = dir {
                plans = Source::Dir(dir);
            }
            request::Command::Check
        }
        Command::Completions { shell } => {
            // Generated into memory: clap_complete panics on a write error,
            // where a closed pipe or a full disk deserve the same handling
            // as any other output.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "ctbill", &mut script);
            request::Command::Completions(script)
        }
    };
    Ok(Request {
        plans,
        today,
        width,
        command,
    })
}

/// `ctbill rates [show | diff]`: the month of `rates show` defaults to
/// today's; `rates diff` names both of its months.
fn rates_request(args: RatesArgs, today: Date) -> request::Command {
    let (show, diff) = match args.show {
        None => (None, None),
        Some(RatesCommand::Show {
            currency,
            month,
            market,
        }) => (
            Some(request::RatesShow {
                currency,
                month: month.unwrap_or_else(|| today.month()),
                market,
            }),
            None,
        ),
        Some(RatesCommand::Diff {
            currency,
            month,
            vs_month,
            market,
        }) => (
            None,
            Some(request::RatesDiff {
                currency,
                month,
                vs_month,
                market,
            }),
        ),
    };
    request::Command::Rates(request::Rates {
        show,
        diff,
        format: format(args.format),
    })
}

/// The width to lay terminal output out for: `None` when stdout is not a
/// terminal; else `$COLUMNS` when it holds a positive number, else the
/// terminal's measured width.
fn output_width(
    terminal: bool,
    columns: Option<&str>,
    measure: impl FnOnce() -> Option<usize>,
) -> Option<usize> {
    if !terminal {
        return None;
    }
    columns
        .and_then(|text| text.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .or_else(measure)
}

fn count(args: &CountArgs) -> Option<(Unit, u64)> {
    match (args.sent, args.conversations) {
        (Some(n), _) => Some((Unit::Notifications, n)),
        (_, Some(n)) => Some((Unit::Conversations, n)),
        _ => None,
    }
}

fn meta(args: MetaArgs, today: Date) -> MetaSettings {
    MetaSettings {
        amount: args.meta_amount,
        messages: args.meta,
        markup: args.markup,
        month: args.month.unwrap_or_else(|| today.month()),
        phone_numbers: args.phone_numbers,
    }
}

fn vs(args: VsArgs) -> Option<request::Vs> {
    match (args.vs_month, args.vs_plans) {
        (Some(month), _) => Some(request::Vs::Month(month)),
        (_, Some(dir)) => Some(request::Vs::Plans(dir)),
        _ => None,
    }
}

fn format(format: Format) -> render::Format {
    match format {
        Format::Table => render::Format::Table,
        Format::Json => render::Format::Json,
        Format::Csv => render::Format::Csv,
        Format::Markdown => render::Format::Markdown,
    }
}

/// A document's format; an HTML document is dated `today`.
fn doc_format(format: DocFormat, today: Date) -> render::Format {
    match format {
        DocFormat::Table => render::Format::Table,
        DocFormat::Json => render::Format::Json,
        DocFormat::Csv => render::Format::Csv,
        DocFormat::Markdown => render::Format::Markdown,
        DocFormat::Html => render::Format::Html { today },
    }
}

/// `--chart` writes an SVG image: a name ending in anything but `.svg`
/// (`tiers.png`) would hold SVG under a misleading name.
fn svg_path(path: std::path::PathBuf) -> Result<std::path::PathBuf, Error> {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"))
    {
        Ok(path)
    } else {
        Err(Error::Input(format!(
            "--chart {}: the chart is an SVG image; give a file name ending in .svg, e.g. tiers.svg",
            crate::shown::shown(&path.display().to_string())
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_is_the_terminal_s_and_none_when_piped() {
        let measured = || Some(132);
        assert_eq!(output_width(false, Some("80"), measured), None);
        assert_eq!(output_width(false, None, measured), None);
        assert_eq!(output_width(true, None, measured), Some(132));
        assert_eq!(output_width(true, Some("80"), measured), Some(80));
        assert_eq!(output_width(true, Some(" 120 "), measured), Some(120));
        for ignored in ["", "0", "wide", "-5"] {
            assert_eq!(output_width(true, Some(ignored), measured), Some(132));
        }
        assert_eq!(output_width(true, None, || None), None);
    }

    #[test]
    fn the_clock_defaults_every_month_from_one_reading() {
        let cli = <Cli as clap::Parser>::try_parse_from([
            "ctbill",
            "compare",
            "--sent",
            "1",
            "--product",
            "connect",
        ])
        .unwrap();
        let request = to_request(cli).unwrap();
        let request::Command::Compare(compare) = request.command else {
            panic!("not compare");
        };
        assert_eq!(compare.meta.month, request.today.month());
    }

    #[test]
    fn a_dash_reads_standard_input() {
        let cli = <Cli as clap::Parser>::try_parse_from(["ctbill", "batch", "-"]).unwrap();
        let request::Command::Batch(batch) = to_request(cli).unwrap().command else {
            panic!("not batch");
        };
        assert_eq!(batch.file, None);
    }
}
