//! Runs one parsed command: loads plans, calls the engine, picks the
//! renderer, and writes the result. The only module that touches stdin,
//! stdout and stderr.

use std::io::{self, IsTerminal, Read, Write};
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
use crate::plan::{Plan, Product, Unit};
use crate::render::{self, Format};
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
            let mut command = Cli::command();
            clap_complete::generate(shell, &mut command, "ctbill", out.stdout);
            Ok(exit::SUCCESS)
        }
    }
}

fn write(out: &mut dyn Write, text: &str) -> Result<(), Error> {
    out.write_all(text.as_bytes())
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
    let mut text = String::new();
    stdin
        .lock()
        .take(4096)
        .read_to_string(&mut text)
        .map_err(|e| {
            Error::Input(format!(
                "standard input: cannot read a count ({e}); pass {flag} N instead"
            ))
        })?;
    // A file saved by a spreadsheet may start with a byte-order mark.
    let text = text.trim_start_matches('\u{feff}');
    if text.trim().is_empty() {
        return Err(Error::Input(format!(
            "standard input is empty: expected one count such as 15000, or pass {flag} N"
        )));
    }
    if text.split_whitespace().count() > 1 {
        return Err(Error::Input(format!(
            "standard input: expected one count, found several values; for many accounts use `ctbill batch --plan {}`",
            plan.id
        )));
    }
    let count =
        usage::parse_count(text).map_err(|m| Error::Input(format!("standard input: {m}")))?;
    Ok((None, count))
}

/// Builds the month's usage from the flags.
fn usage_from(args: &MetaArgs, unit: Option<Unit>, count: u64) -> Usage {
    let meta = match (&args.meta_amount, args.meta.is_empty()) {
        (Some(amount), _) => MetaUsage::Amount(*amount),
        (None, false) => MetaUsage::Messages(args.meta.clone()),
        (None, true) => MetaUsage::None,
    };
    Usage {
        unit,
        count,
        meta,
        markup_percent: args.markup,
        month: args.month.unwrap_or_else(|| Date::today_utc().month()),
    }
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
    let usage = usage_from(&args.meta, unit, count);
    let bill = catalog::price(catalog, plan, &usage).map_err(name_the_flag)?;
    let text = match args.format {
        Format::Table => render::table::bill(&bill, args.explain),
        Format::Json => render::json::bill(&bill, args.explain),
        Format::Csv => render::csv::bill(&bill),
        Format::Markdown => render::markdown::bill(&bill, args.explain),
    };
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
    let text = match (args.format, &args.show) {
        (Format::Json, Some(_)) => render::json::pretty(&render::json::PlanJson::new(&selected[0])),
        (Format::Json, None) => render::json::plans(selected),
        (Format::Csv, _) => render::csv::plans(selected),
        (Format::Markdown, _) => render::markdown::table(&render::table::plans_table(selected)),
        (Format::Table, Some(_)) => render::table::plan_card(&selected[0]),
        (Format::Table, None) => render::table::plans_table(selected).render(),
    };
    write(out.stdout, &text)?;
    Ok(exit::SUCCESS)
}

fn rates(catalog: &Catalog, args: &RatesArgs, out: &mut Output<'_>) -> Result<u8, Error> {
    let book = catalog.rate_book()?;
    let text = match &args.show {
        None => render::rates::cards(book.cards(), args.format),
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
            render::rates::card(card, &markets, &heading, args.format)
        }
    };
    write(out.stdout, &text)?;
    Ok(exit::SUCCESS)
}

fn check(source: Source, out: &mut Output<'_>) -> Result<u8, Error> {
    let catalog = Catalog::load_checked(source)?;
    let cards = catalog.rate_book()?.cards().len();
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
    let usage = usage_from(&args.meta, Some(unit), count.unwrap_or(0));
    let bills = tiers
        .iter()
        .map(|plan| catalog::price(catalog, plan, &usage).map_err(name_the_flag))
        .collect::<Result<Vec<_>, _>>()?;
    let comparison = Comparison::new(bills, count, (currency, choice), args.budget)
        .map_err(|e| Error::Input(e.to_string()))?;
    let text = match args.format {
        Format::Table => render::compare::table(&comparison),
        Format::Json => render::compare::json(&comparison),
        Format::Csv => render::compare::csv(&comparison),
        Format::Markdown => render::compare::markdown(&comparison),
    };
    if let Some(path) = &args.chart {
        let svg = render::chart::svg(&comparison).map_err(|e| Error::Input(e.to_string()))?;
        std::fs::write(path, svg).map_err(|source| Error::Io {
            context: format!("cannot write the chart to `{}`", path.display()),
            source,
        })?;
    }
    write(out.stdout, &text)?;
    if let Some(path) = &args.chart {
        write(
            out.stderr,
            &format!("chart written to {}\n", path.display()),
        )?;
    }
    Ok(exit::SUCCESS)
}
