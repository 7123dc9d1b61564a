//! Runs one validated [`Request`]: loads the catalog, calls the engine,
//! picks the writer, and writes the result. The only module that touches
//! stdin, stdout and stderr; it never sees the command line itself.

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::PathBuf;

use crate::bill;
use crate::catalog::{self, Catalog};
use crate::error::{Error, exit};
use crate::load::Source;
use crate::outfile;
use crate::plan::{Plan, Unit};
use crate::render;
use crate::report::rates_diff::RatesDiff as RatesDiffReport;
use crate::report::{CardRates, Report};
use crate::request::{self, Batch, Command, Compare, Estimate, Plans, Rates, Request};
use crate::shown::shown_bytes;
use crate::usage;

/// Where a command's output goes.
pub struct Output<'a> {
    /// Data.
    pub stdout: &'a mut dyn Write,
    /// Messages.
    pub stderr: &'a mut dyn Write,
}

/// Runs a validated request; returns the exit code.
///
/// # Errors
///
/// Anything that stops the command; nothing has been written to stdout then.
/// Pricing errors come as the engine words them (units, usage as written);
/// the caller names their flags ([`request::name_the_flag`]).
pub fn execute(request: Request, out: &mut Output<'_>) -> Result<u8, Error> {
    let source = request.plans;
    let month = request.today.month();
    let width = request.width;
    match request.command {
        Command::Estimate(args) => estimate(&Catalog::load(source)?, &args, width, out),
        Command::Compare(args) => compare(&Catalog::load(source)?, &args, width, out),
        Command::Batch(args) => batch(&Catalog::load(source)?, &args, month, out),
        Command::Plans(args) => plans(&Catalog::load(source)?, &args, width, out),
        Command::Rates(args) => rates(&Catalog::load(source)?, &args, width, out),
        Command::Check => check(source, out),
        Command::Quote(args) => {
            let catalog = Catalog::load(source)?;
            let quote = load_quote(&catalog, &args.file, request.today)?;
            let report = Report::Quote {
                quote: &quote,
                explain: args.explain,
            };
            write(out.stdout, &render::render(&report, args.format, width))?;
            Ok(exit::SUCCESS)
        }
        Command::CheckQuote(file) => {
            let catalog = Catalog::load(source)?;
            let quote = load_quote(&catalog, &file, request.today)?;
            let n = quote.months.len();
            let text = format!(
                "ok: quote {} for {}: {} over {n} month{} ({})\n",
                quote.deal.label,
                crate::shown::shown(&quote.deal.customer),
                quote.plan.id,
                if n == 1 { "" } else { "s" },
                catalog.source
            );
            write(out.stdout, &text)?;
            Ok(exit::SUCCESS)
        }
        Command::Completions(script) => {
            write_bytes(out.stdout, &script)?;
            Ok(exit::SUCCESS)
        }
    }
}

/// The largest quote file read: a deal is a dozen lines.
const QUOTE_FILE_LIMIT: u64 = 1 << 20;

/// Reads, parses and prices a quote file.
fn load_quote<'c>(
    catalog: &'c Catalog,
    path: &std::path::Path,
    today: crate::calendar::Date,
) -> Result<crate::quote::Quote<'c>, Error> {
    use std::io::Read as _;
    let label = crate::shown::shown(&path.display().to_string());
    let io_error = |source| Error::Io {
        context: format!("cannot read the quote file {label}"),
        source,
    };
    let file = std::fs::File::open(path).map_err(io_error)?;
    let mut bytes = Vec::new();
    file.take(QUOTE_FILE_LIMIT + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    if bytes.len() as u64 > QUOTE_FILE_LIMIT {
        return Err(Error::Input(format!(
            "{label}: the quote file is larger than {} bytes; a quote file is a short TOML file",
            crate::money::group_count(QUOTE_FILE_LIMIT)
        )));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        Error::Problems(vec![crate::load::Problem::file(
            &label,
            format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        )])
    })?;
    let deal = crate::quote::file::parse(&label, &text, today).map_err(Error::Problems)?;
    crate::quote::price(catalog, deal)
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

/// The count and its unit: as given on the command line, or a single
/// number on standard input (the plan counts in `expected`).
fn read_count(
    given: Option<(Unit, u64)>,
    plan: &Plan,
    expected: Unit,
) -> Result<(Option<Unit>, u64), Error> {
    if let Some((unit, n)) = given {
        return Ok((Some(unit), n));
    }
    let flag = request::flag(expected);
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

/// The warning about the markup, if any, on stderr.
fn warn(meta: &request::MetaSettings, out: &mut Output<'_>) -> Result<(), Error> {
    match meta.warning() {
        Some(warning) => write(out.stderr, &format!("ctbill: warning: {warning}\n")),
        None => Ok(()),
    }
}

fn estimate(
    catalog: &Catalog,
    args: &Estimate,
    width: Option<usize>,
    out: &mut Output<'_>,
) -> Result<u8, Error> {
    let plan = catalog.plan(&args.plan)?;
    // A free plan is refused before standard input is read; the count,
    // when given by flag, is checked against the plan when it is priced.
    let expected = bill::check_unit(plan, None)?;
    args.meta.check_direct(plan)?;
    let (unit, count) = read_count(args.count, plan, expected)?;
    let usage = args.meta.usage(unit, count, plan.currency)?;
    warn(&args.meta, out)?;
    let bill = catalog::price(catalog, plan, &usage)?;
    let text = match &args.vs {
        None => {
            let report = Report::Bill {
                bill: &bill,
                explain: args.explain,
            };
            render::render(&report, args.format, width)
        }
        Some(vs) => {
            let pricing = vs_pricing(vs)?;
            let vs_bill = pricing
                .price(catalog, plan, &usage)
                .map_err(|e| vs_error(&pricing, e))?;
            let diff = crate::diff::compare(&bill, &vs_bill, pricing.label());
            let report = Report::BillDiff {
                diff: &diff,
                explain: args.explain,
            };
            render::render(&report, args.format, width)
        }
    };
    write(out.stdout, &text)?;
    Ok(exit::SUCCESS)
}

/// The second pricing of `--vs-month` / `--vs-plans` (the directory's
/// catalog loaded once).
fn vs_pricing(vs: &request::Vs) -> Result<crate::vs::VsPricing, Error> {
    match vs {
        request::Vs::Month(month) => Ok(crate::vs::VsPricing::Month(*month)),
        request::Vs::Plans(dir) => {
            let shown_dir = crate::shown::shown(&dir.display().to_string());
            if !dir.is_dir() {
                return Err(Error::Input(format!(
                    "--vs-plans {shown_dir}: no such directory; give the directory of the plans to compare with"
                )));
            }
            let catalog = Catalog::load(Source::Dir(dir.clone()))?;
            Ok(crate::vs::VsPricing::Plans {
                catalog: Box::new(catalog),
                dir: shown_dir,
            })
        }
    }
}

/// An error of the second pricing, naming its flag.
fn vs_error(pricing: &crate::vs::VsPricing, err: crate::vs::VsError) -> Error {
    match err {
        crate::vs::VsError::Plan(message) => Error::Input(message),
        crate::vs::VsError::Price(e @ Error::Problems(_)) => e,
        crate::vs::VsError::Price(e) => {
            Error::Input(format!("{}: {}", pricing.flag(), request::name_the_flag(e)))
        }
    }
}

/// `ctbill batch`: opens the input (a file; standard input when none)
/// and streams it through [`crate::batch::run`].
fn batch(
    catalog: &Catalog,
    args: &Batch,
    month: crate::calendar::Month,
    out: &mut Output<'_>,
) -> Result<u8, Error> {
    let pricing = args.vs.as_ref().map(vs_pricing).transpose()?;
    let mut options =
        crate::batch::Options::new(catalog, args.plan.as_deref(), args.format, month)?;
    options.vs = pricing.as_ref();
    match args.file.as_deref() {
        Some(path) => crate::batch::run_file(catalog, &options, path, out.stdout, out.stderr),
        None => crate::batch::run_stdin(catalog, &options, out.stdout, out.stderr),
    }
}

fn plans(
    catalog: &Catalog,
    args: &Plans,
    width: Option<usize>,
    out: &mut Output<'_>,
) -> Result<u8, Error> {
    let selected: &[Plan] = match &args.show {
        Some(id) => std::slice::from_ref(catalog.plan(id)?),
        None => &catalog.plans,
    };
    let report = match &args.show {
        Some(_) => Report::Plan(&selected[0]),
        None => Report::Plans(selected),
    };
    let text = render::render(&report, args.format, width);
    write(out.stdout, &text)?;
    Ok(exit::SUCCESS)
}

fn rates(
    catalog: &Catalog,
    args: &Rates,
    width: Option<usize>,
    out: &mut Output<'_>,
) -> Result<u8, Error> {
    let book = catalog.rate_book()?;
    if let Some(diff) = &args.diff {
        let text = render::render(
            &Report::RatesDiff(&rates_diff(book, diff)?),
            args.format,
            width,
        );
        write(out.stdout, &text)?;
        return Ok(exit::SUCCESS);
    }
    let text = match &args.show {
        None => render::render(&Report::RateCards(book.cards()), args.format, width),
        Some(show) => {
            let month = show.month;
            let card = book
                .card_for(show.currency, month)
                .map_err(|e| request::RatesShow::card_error(&e))?;
            let markets = match &show.market {
                Some(text) => {
                    let resolved = book
                        .resolve_market(card, text)
                        .map_err(|e| show.market_error(&e))?;
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
            render::render(&report, args.format, width)
        }
    };
    write(out.stdout, &text)?;
    Ok(exit::SUCCESS)
}

/// `ctbill rates diff`: the cards in force in the two months, compared in
/// full or for one market resolved on each card (a country that moved
/// market between the cards compares its market on each).
fn rates_diff<'b>(
    book: &'b crate::meta::RateBook,
    args: &request::RatesDiff,
) -> Result<RatesDiffReport<'b>, Error> {
    let card = book
        .card_for(args.currency, args.month)
        .map_err(|e| request::RatesDiff::card_error("--month", args.month, &e))?;
    let vs_card = book
        .card_for(args.currency, args.vs_month)
        .map_err(|e| request::RatesDiff::card_error("--vs-month", args.vs_month, &e))?;
    let mut notes = Vec::new();
    let diff = match &args.market {
        None => crate::meta::diff_cards(card, vs_card, None),
        Some(text) => {
            let mine = book
                .resolve_market(card, text)
                .map_err(|e| args.market_error("--month", &e))?;
            let theirs = book
                .resolve_market(vs_card, text)
                .map_err(|e| args.market_error("--vs-month", &e))?;
            if mine.market != theirs.market {
                notes.push(format!(
                    "{} is billed as {} on the {} card and as {} on the {} card: each row compares the two",
                    crate::shown::shown(text.trim()),
                    mine.market,
                    card.effective(),
                    theirs.market,
                    vs_card.effective()
                ));
            }
            if mine.note == theirs.note {
                notes.extend(mine.note.clone());
            } else {
                for (resolved, c) in [(&mine, card), (&theirs, vs_card)] {
                    if let Some(note) = &resolved.note {
                        notes.push(format!("{} card: {note}", c.effective()));
                    }
                }
            }
            crate::meta::diff_cards(card, vs_card, Some((&mine.market, &theirs.market)))
        }
    };
    Ok(RatesDiffReport::new(diff, args.month, args.vs_month, notes))
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
fn compare(
    catalog: &Catalog,
    args: &Compare,
    width: Option<usize>,
    out: &mut Output<'_>,
) -> Result<u8, Error> {
    use crate::advice::Comparison;

    let (tiers, currency, choice) = args.tiers(&catalog.plans, &catalog.source.to_string())?;
    if let Some(plan) = tiers.first() {
        args.meta.check_direct(plan)?;
    }
    let usage = args
        .meta
        .usage(Some(args.unit), args.count.unwrap_or(0), currency)?;
    warn(&args.meta, out)?;
    let budget = args.budget_in(currency)?;
    let bills = tiers
        .iter()
        .map(|plan| catalog::price(catalog, plan, &usage))
        .collect::<Result<Vec<_>, _>>()?;
    let comparison = Comparison::new(bills, args.count, (currency, choice), budget)
        .map_err(|e| Error::Input(e.to_string()))?;
    let text = render::render(&Report::Comparison(&comparison), args.format, width);
    // The chart waits beside its target until the table is out.
    let chart = prepare_chart(catalog, args, &comparison)?;
    write(out.stdout, &text)?;
    if let Some(chart) = chart {
        let path = chart.target().display().to_string();
        chart.commit()?;
        write(
            out.stderr,
            &format!("chart written to {}\n", crate::shown::shown(&path)),
        )?;
    }
    Ok(exit::SUCCESS)
}

/// Renders the `--chart` SVG, when asked for, into a file not yet in place.
fn prepare_chart(
    catalog: &Catalog,
    args: &Compare,
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
