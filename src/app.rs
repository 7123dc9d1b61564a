//! Runs one parsed command: loads plans, calls the engine, picks the
//! renderer, and writes the result. The only module that touches stdin,
//! stdout and stderr.

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::PathBuf;

use clap::CommandFactory;

use crate::bill::{self, BillError};
use crate::calendar::Date;
use crate::catalog::{self, Catalog};
use crate::cli::{
    BatchArgs, Cli, Command, CompareArgs, CountArgs, EstimateArgs, MetaArgs, PlansArgs,
    PlansCommand, RatesArgs, RatesCommand,
};
use crate::error::{Error, exit};
use crate::load::Source;
use crate::money::Currency;
use crate::outfile;
use crate::plan::{Plan, Product, Unit};
use crate::render;
use crate::report::{CardRates, Report};
use crate::shown::shown_bytes;
use crate::usage::{self, MetaUsage, Usage};

/// Where a command's output goes.
pub struct Output<'a> {
    /// Data.
    pub stdout: &'a mut dyn Write,
    /// Messages.
    pub stderr: &'a mut dyn Write,
}

/// Runs a parsed command line; returns the exit code.
///
/// # Errors
///
/// Anything that stops the command; nothing has been written to stdout then.
pub fn execute(cli: Cli, out: &mut Output<'_>) -> Result<u8, Error> {
    // CTBILL_PLANS is read here rather than by clap, so that an empty value
    // means "not set" instead of an error.
    let plans_dir = cli.plans.clone().or_else(|| {
        std::env::var_os("CTBILL_PLANS")
            .filter(|dir| !dir.is_empty())
            .map(PathBuf::from)
    });
    let source = Source::resolve(plans_dir);
    match cli.command {
        Command::Estimate(args) => estimate(&Catalog::load(source)?, &args, out),
        Command::Compare(args) => compare(&Catalog::load(source)?, &args, out),
        Command::Batch(args) => batch(&Catalog::load(source)?, &args, out),
        Command::Plans(args) => plans(&Catalog::load(source)?, &args, out),
        Command::Rates(args) => rates(&Catalog::load(source)?, &args, out),
        Command::Check { dir } => check(dir.map_or(source, Source::Dir), out),
        Command::Completions { shell } => {
            // Generated into memory first: clap_complete panics on a write
            // error, where a closed pipe or a full disk deserve the same
            // handling as any other output.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "ctbill", &mut script);
            write_bytes(out.stdout, &script)?;
            Ok(exit::SUCCESS)
        }
    }
}

fn write(out: &mut dyn Write, text: &str) -> Result<(), Error> {
    write_bytes(out, text.as_bytes())
}

fn write_bytes(out: &mut dyn Write, bytes: &[u8]) -> Result<(), Error> {
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|source| Error::Io {
            context: "cannot write the output".to_owned(),
            source,
        })
}

/// The count and its unit: from `--sent`/`--conversations`, or a single
/// number on standard input.
fn read_count(args: &CountArgs, plan: &Plan) -> Result<(Option<Unit>, u64), Error> {
    if let Some(n) = args.sent {
        return Ok((Some(Unit::Notifications), n));
    }
    if let Some(n) = args.conversations {
        return Ok((Some(Unit::Conversations), n));
    }
    let flag = plan.unit().map_or("--sent", Unit::flag);
    let stdin = io::stdin();
    if stdin.is_terminal() {
        return Err(Error::Input(format!(
            "no count given: pass {flag} N, or pipe the count on standard input (echo 15000 | ctbill estimate --plan {})",
            plan.id
        )));
    }
    let value = scan_one_value(&mut stdin.lock(), STDIN_LIMIT).map_err(|e| match e {
        Scanned::Empty => Error::Input(format!(
            "standard input is empty: expected one count such as 15000, or pass {flag} N"
        )),
        Scanned::Several { first, second } => Error::Input(format!(
            "standard input: expected one count, found `{}` and then `{}`; for many accounts use `ctbill batch --plan {}`",
            start_of(&first),
            start_of(&second),
            plan.id
        )),
        Scanned::TooLong(start) => Error::Input(format!(
            "standard input: `{}` is too long to be a count (more than {MAX_VALUE} characters); expected one count such as 15000",
            start_of(&start)
        )),
        Scanned::TooLarge => Error::Input(format!(
            "standard input is larger than {} bytes without holding a single count; pass {flag} N",
            crate::money::group_count(STDIN_LIMIT)
        )),
        Scanned::Io(e) => Error::Input(format!(
            "standard input: cannot read a count ({e}); pass {flag} N instead"
        )),
    })?;
    let text = std::str::from_utf8(&value).map_err(|_| {
        Error::Input(format!(
            "standard input: `{}` is not a count; expected a whole number such as 15000",
            shown_bytes(&value)
        ))
    })?;
    let count =
        usage::parse_count(text).map_err(|m| Error::Input(format!("standard input: {m}")))?;
    Ok((None, count))
}

/// The most bytes of standard input `estimate` reads looking for its count:
/// blank space around the count is skipped however long (streamed, never
/// held), up to this much.
pub const STDIN_LIMIT: u64 = 1 << 30;

/// The longest value [`scan_one_value`] takes for a count: a `u64` grouped
/// with separators and a sign fits in 27 characters.
pub const MAX_VALUE: usize = 64;

/// Why [`scan_one_value`] found no single value.
#[derive(Debug)]
pub enum Scanned {
    /// Nothing but blank space.
    Empty,
    /// A second value after the first (each as read, cut to
    /// [`MAX_VALUE`] bytes).
    Several {
        /// The first value.
        first: Vec<u8>,
        /// The start of the next one.
        second: Vec<u8>,
    },
    /// A value longer than [`MAX_VALUE`] bytes (its start).
    TooLong(Vec<u8>),
    /// More than the limit read.
    TooLarge,
    /// Reading failed.
    Io(io::Error),
}

/// Reads `input` to its end, streaming, and returns the one value in it:
/// the bytes between blank space (ASCII whitespace, and a byte-order mark
/// at the very start, as a spreadsheet may write). Memory stays bounded:
/// blank space is skipped, not kept, and a value is kept up to
/// [`MAX_VALUE`] bytes.
///
/// # Errors
///
/// No value, a second value, a value too long to be a count, more than
/// `limit` bytes, or a read error.
pub fn scan_one_value(input: &mut dyn BufRead, limit: u64) -> Result<Vec<u8>, Scanned> {
    const BOM: &[u8] = b"\xef\xbb\xbf";
    let mut value: Vec<u8> = Vec::new();
    let mut second: Vec<u8> = Vec::new();
    // 0: before the value, 1: in it, 2: after it, 3: in a second value.
    let mut state = 0u8;
    let mut total = 0u64;
    // The value began at the first byte, so a byte-order mark may lead it.
    let mut from_start = false;
    let several = |first: Vec<u8>, second: Vec<u8>| Scanned::Several { first, second };
    loop {
        let buffer = match input.fill_buf() {
            Ok([]) => break,
            Ok(buffer) => buffer,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Scanned::Io(e)),
        };
        for &b in buffer {
            let blank = b.is_ascii_whitespace() || b == 0x0b;
            match (state, blank) {
                (0 | 2, true) => {}
                (0, false) => {
                    from_start = total == 0 && value.is_empty();
                    state = 1;
                    value.push(b);
                }
                (1, false) if value.len() < MAX_VALUE + BOM.len() => value.push(b),
                (1, false) => return Err(Scanned::TooLong(strip_bom(value, from_start))),
                (1, true) if from_start && value == BOM => {
                    value.clear();
                    state = 0;
                }
                (1, true) => state = 2,
                (2, false) => {
                    state = 3;
                    second.push(b);
                }
                (3, false) if second.len() < MAX_VALUE => second.push(b),
                _ => return Err(several(strip_bom(value, from_start), second)),
            }
        }
        let used = buffer.len();
        total = total.saturating_add(used as u64);
        input.consume(used);
        if total > limit {
            return Err(Scanned::TooLarge);
        }
    }
    let value = strip_bom(value, from_start);
    match state {
        3 => Err(several(value, second)),
        _ if value.is_empty() => Err(Scanned::Empty),
        _ if value.len() > MAX_VALUE => Err(Scanned::TooLong(value)),
        _ => Ok(value),
    }
}

/// A value read by [`scan_one_value`] as a message quotes it: its first
/// 24 bytes, escaped, and `…` when there is more.
fn start_of(value: &[u8]) -> String {
    const SHOWN: usize = 24;
    if value.len() > SHOWN {
        format!("{}…", shown_bytes(&value[..SHOWN]))
    } else {
        shown_bytes(value)
    }
}

fn strip_bom(mut value: Vec<u8>, from_start: bool) -> Vec<u8> {
    if from_start && value.starts_with(b"\xef\xbb\xbf") {
        value.drain(..3);
    }
    value
}

/// Builds the month's usage from the flags, for plans billing in
/// `currency`: a Meta amount written in another currency is refused here,
/// naming the flag. A markup below 1 written without `%` is warned about.
fn usage_from(
    args: &MetaArgs,
    unit: Option<Unit>,
    count: u64,
    currency: Currency,
    out: &mut Output<'_>,
) -> Result<Usage, Error> {
    let meta = match (&args.meta_amount, args.meta.is_empty()) {
        (Some(amount), _) => {
            amount
                .in_currency(currency)
                .map_err(|m| Error::Input(format!("--meta-amount: {m}")))?;
            MetaUsage::Amount(*amount)
        }
        (None, false) => MetaUsage::Messages(args.meta.clone()),
        (None, true) => MetaUsage::None,
    };
    if let Some(warning) = args.markup.and_then(|m| m.warning("--markup")) {
        write(out.stderr, &format!("ctbill: warning: {warning}\n"))?;
    }
    Ok(Usage {
        unit,
        count,
        meta,
        markup_percent: args.markup.map(|m| m.percent),
        month: args.month.unwrap_or_else(|| Date::today_utc().month()),
        phone_numbers: args.phone_numbers.unwrap_or(usage::DEFAULT_PHONE_NUMBERS),
    })
}

/// Says which command-line flag a pricing error comes from (the engine and
/// the catalog speak of units and usage, not of flags).
fn name_the_flag(err: Error) -> Error {
    match err {
        Error::Meta { spec, source, .. } => Error::Input(format!("--meta {spec}: {source}")),
        Error::Bill(
            e @ BillError::WrongUnit {
                expected, given, ..
            },
        ) => Error::Input(format!(
            "{e}; use {} instead of {}",
            expected.flag(),
            given.flag()
        )),
        other => other,
    }
}

fn estimate(catalog: &Catalog, args: &EstimateArgs, out: &mut Output<'_>) -> Result<u8, Error> {
    let plan = catalog.plan(&args.plan)?;
    bill::check_unit(plan, None)?;
    let (unit, count) = read_count(&args.count, plan)?;
    let usage = usage_from(&args.meta, unit, count, plan.currency, out)?;
    let bill = catalog::price(catalog, plan, &usage).map_err(name_the_flag)?;
    let report = Report::Bill {
        bill: &bill,
        explain: args.explain,
    };
    let text = render::render(&report, args.format, terminal_width());
    write(out.stdout, &text)?;
    Ok(exit::SUCCESS)
}

/// `ctbill batch`: opens the input (a file; standard input for `-` or none)
/// and streams it through [`crate::batch::run`].
fn batch(catalog: &Catalog, args: &BatchArgs, out: &mut Output<'_>) -> Result<u8, Error> {
    let options = crate::batch::Options::new(catalog, args.plan.as_deref(), args.format)?;
    match args.file.as_deref() {
        Some(path) if path.as_os_str() != "-" => {
            crate::batch::run_file(catalog, &options, path, out)
        }
        _ => crate::batch::run(catalog, &options, io::stdin().lock(), out),
    }
}

fn plans(catalog: &Catalog, args: &PlansArgs, out: &mut Output<'_>) -> Result<u8, Error> {
    let selected: &[Plan] = match &args.show {
        Some(PlansCommand::Show { id }) => std::slice::from_ref(catalog.plan(id)?),
        None => &catalog.plans,
    };
    let report = match &args.show {
        Some(_) => Report::Plan(&selected[0]),
        None => Report::Plans(selected),
    };
    let text = render::render(&report, args.format, terminal_width());
    write(out.stdout, &text)?;
    Ok(exit::SUCCESS)
}

fn rates(catalog: &Catalog, args: &RatesArgs, out: &mut Output<'_>) -> Result<u8, Error> {
    let book = catalog.rate_book()?;
    let text = match &args.show {
        None => render::render(
            &Report::RateCards(book.cards()),
            args.format,
            terminal_width(),
        ),
        Some(RatesCommand::Show {
            currency,
            month,
            market,
        }) => {
            let month = month.unwrap_or_else(|| Date::today_utc().month());
            let card = book.card_for(*currency, month).map_err(|e| {
                Error::Input(format!(
                    "{e}; pick another with --month YYYY-MM or --currency"
                ))
            })?;
            let markets = match market {
                Some(text) => {
                    let resolved = book
                        .resolve_market(card, text)
                        .map_err(|e| Error::Input(format!("--market {text}: {e}")))?;
                    card.market(&resolved.market).into_iter().collect()
                }
                None => card.markets().iter().collect::<Vec<_>>(),
            };
            let heading = format!(
                "{}, in force in {month}; {} per delivered message",
                card.describe(),
                card.currency()
            );
            let report = Report::RateCard(CardRates {
                card,
                markets: &markets,
                heading: &heading,
            });
            render::render(&report, args.format, terminal_width())
        }
    };
    write(out.stdout, &text)?;
    Ok(exit::SUCCESS)
}

fn check(source: Source, out: &mut Output<'_>) -> Result<u8, Error> {
    let catalog = Catalog::load_checked(source)?;
    let cards = catalog.own_card_count()?;
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let (plans, files) = (catalog.plans.len(), catalog.files.plans.len());
    let text = format!(
        "ok: {plans} plan{} in {files} file{}, {cards} Meta rate card{} ({})\n",
        plural(plans),
        plural(files),
        plural(cards),
        catalog.source
    );
    write(out.stdout, &text)?;
    Ok(exit::SUCCESS)
}

/// `ctbill compare`: every tier of one product and currency, priced with
/// the same usage; the chart, when asked for, is written last.
fn compare(catalog: &Catalog, args: &CompareArgs, out: &mut Output<'_>) -> Result<u8, Error> {
    use crate::advice::{self, Comparison, CurrencyChoice};

    let given = match (args.count.sent, args.count.conversations) {
        (Some(n), _) => Some((Unit::Notifications, n)),
        (_, Some(n)) => Some((Unit::Conversations, n)),
        _ => None,
    };
    if given.is_none() && args.budget.is_none() {
        return Err(Error::Input(
            "no volume given: pass --sent N (Connect) or --conversations N (Direct), or --budget AMOUNT"
                .to_owned(),
        ));
    }
    let meta_given = args.meta.meta_amount.is_some() || !args.meta.meta.is_empty();
    let product = match (args.product, given) {
        (Some(Product::Free), _) => {
            return Err(Error::Input(
                "--product free: free plans have no prices to compare; use --product connect or --product direct"
                    .to_owned(),
            ));
        }
        (Some(product), _) => product,
        (None, Some((Unit::Conversations, _))) => Product::Direct,
        (None, None) if meta_given => Product::Direct,
        (None, _) => Product::Connect,
    };
    let unit = product.unit().unwrap_or(Unit::Notifications);
    if let Some((given_unit, _)) = given.filter(|(u, _)| *u != unit) {
        return Err(Error::Input(format!(
            "--product {product} counts {}, not {}; use {} instead of {}",
            unit.plural(),
            given_unit.plural(),
            unit.flag(),
            given_unit.flag()
        )));
    }
    let of_product: Vec<&Plan> = catalog
        .plans
        .iter()
        .filter(|p| p.product == product)
        .collect();
    let (currency, choice) = match args.currency {
        Some(currency) => (currency, CurrencyChoice::Given),
        None => advice::default_currency(&of_product)
            .ok_or_else(|| Error::Input(format!("no {product} plans in {}", catalog.source)))?,
    };
    let tiers: Vec<&Plan> = of_product
        .iter()
        .copied()
        .filter(|p| p.currency == currency)
        .collect();
    if tiers.is_empty() {
        let mut codes: Vec<&str> = of_product.iter().map(|p| p.currency.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        return Err(Error::Input(format!(
            "--currency {currency}: no {product} plans are priced in {currency}; they are priced in {}",
            if codes.is_empty() {
                "nothing".to_owned()
            } else {
                codes.join(", ")
            }
        )));
    }
    let count = given.map(|(_, n)| n);
    let usage = usage_from(&args.meta, Some(unit), count.unwrap_or(0), currency, out)?;
    let budget = args
        .budget
        .map(|b| {
            b.in_currency(currency).map_err(|m| {
                Error::Input(format!(
                    "--budget: {}",
                    m.replace("the plan bills", "the compared plans bill")
                ))
            })
        })
        .transpose()?;
    let bills = tiers
        .iter()
        .map(|plan| catalog::price(catalog, plan, &usage).map_err(name_the_flag))
        .collect::<Result<Vec<_>, _>>()?;
    let comparison = Comparison::new(bills, count, (currency, choice), budget)
        .map_err(|e| Error::Input(e.to_string()))?;
    let text = render::render(
        &Report::Comparison(&comparison),
        args.format,
        terminal_width(),
    );
    // The chart waits beside its target until the table is out.
    let chart = prepare_chart(catalog, args, &comparison)?;
    write(out.stdout, &text)?;
    if let Some(chart) = chart {
        let path = chart.target().display().to_string();
        chart.commit()?;
        write(out.stderr, &format!("chart written to {path}\n"))?;
    }
    Ok(exit::SUCCESS)
}

/// Renders the `--chart` SVG, when asked for, into a file not yet in place.
fn prepare_chart(
    catalog: &Catalog,
    args: &CompareArgs,
    comparison: &crate::advice::Comparison,
) -> Result<Option<outfile::Pending>, Error> {
    let Some(path) = &args.chart else {
        return Ok(None);
    };
    let svg = render::chart::svg(comparison).map_err(|e| Error::Input(e.to_string()))?;
    outfile::prepare(path, svg.as_bytes(), "chart", &inputs(catalog)).map(Some)
}

/// The files a command read from its plans directory, which nothing it
/// writes may replace.
fn inputs(catalog: &Catalog) -> Vec<PathBuf> {
    match &catalog.source {
        Source::Dir(_) => catalog
            .files
            .plans
            .iter()
            .chain(&catalog.files.cards)
            .map(|file| PathBuf::from(&file.label))
            .collect(),
        Source::Embedded => Vec::new(),
    }
}

/// The width tables and prose are fitted to: `COLUMNS` when it is a
/// number, else the terminal's size, when standard output is a terminal;
/// `None` when it is piped, so scripts get the unwrapped layout.
fn terminal_width() -> Option<usize> {
    use std::io::IsTerminal as _;
    if !io::stdout().is_terminal() {
        return None;
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0)
        .or_else(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)))
        // A terminal that reports no size is treated as a pipe.
        .filter(|&c| c > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `input` in chunks of `chunk` bytes, as a pipe may.
    fn scan(input: &[u8], chunk: usize) -> Result<Vec<u8>, Scanned> {
        let mut reader = io::BufReader::with_capacity(chunk, input);
        scan_one_value(&mut reader, STDIN_LIMIT)
    }

    fn value(input: &[u8]) -> String {
        for chunk in [1, 2, 3, 7, 4096, 65536] {
            let found = scan(input, chunk).unwrap();
            assert_eq!(found, scan(input, 8192).unwrap(), "chunk {chunk}");
        }
        String::from_utf8(scan(input, 8192).unwrap()).unwrap()
    }

    #[test]
    fn the_count_is_found_past_any_amount_of_blank_space() {
        // 4,093 spaces then 150000: the old 4 KiB read kept only `150`.
        let mut input = vec![b' '; 4093];
        input.extend_from_slice(b"150000\n");
        assert_eq!(value(&input), "150000");
        let mut input = vec![b'\n'; 3 << 20];
        input.extend_from_slice(b"15000");
        input.extend_from_slice(&[b'\r', b'\n', b'\t'].repeat(1000));
        assert_eq!(value(&input), "15000");
        assert_eq!(value(b"12,345\n"), "12,345");
        assert_eq!(value(b"\xef\xbb\xbf15000\n"), "15000");
        assert_eq!(value(b"\xef\xbb\xbf\r\n15000\n"), "15000");
    }

    #[test]
    fn a_second_value_anywhere_is_refused() {
        let mut input = b"150000".to_vec();
        input.extend(vec![b' '; 5000]);
        input.extend_from_slice(b"7\n");
        for chunk in [1, 4096] {
            match scan(&input, chunk) {
                Err(Scanned::Several { first, second }) => {
                    assert_eq!((&first[..], &second[..]), (&b"150000"[..], &b"7"[..]));
                }
                other => panic!("{other:?}"),
            }
        }
        // A byte-order mark is only skipped at the very start.
        assert!(matches!(
            scan(b"1 \xef\xbb\xbf", 8),
            Err(Scanned::Several { .. })
        ));
    }

    #[test]
    fn empty_long_and_oversized_inputs_are_errors() {
        assert!(matches!(scan(b"", 8), Err(Scanned::Empty)));
        assert!(matches!(scan(b" \n\t\r\n", 8), Err(Scanned::Empty)));
        assert!(matches!(scan(b"\xef\xbb\xbf\n", 8), Err(Scanned::Empty)));
        // /dev/zero: NUL is no blank space, so it is one endless value.
        let zeros = vec![0u8; 1 << 20];
        match scan(&zeros, 4096) {
            Err(Scanned::TooLong(start)) => assert!(start.len() <= MAX_VALUE + 3),
            other => panic!("{other:?}"),
        }
        let blank = vec![b' '; 10_000];
        let mut reader = &blank[..];
        assert!(matches!(
            scan_one_value(&mut reader, 4096),
            Err(Scanned::TooLarge)
        ));
    }

    #[test]
    fn quoted_values_are_cut_and_escaped() {
        assert_eq!(start_of(b"12"), "12");
        assert_eq!(start_of(b"1\x1b[2J"), "1\\u{1b}[2J");
        assert_eq!(start_of(&[b'9'; 30]), format!("{}…", "9".repeat(24)));
    }
}
