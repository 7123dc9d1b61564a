//! Runs one parsed command: loads plans, calls the engine, picks the
//! renderer, and writes the result. The only module that touches stdin,
//! stdout and stderr.

use std::io::{self, IsTerminal, Read, Write};

use clap::CommandFactory;

use crate::bill::{self, Bill, MetaCharges};
use crate::calendar::Date;
use crate::cli::{
    BatchArgs, Cli, Command, CountArgs, EstimateArgs, MetaArgs, PlansArgs, PlansCommand,
};
use crate::error::{Error, exit};
use crate::load::{self, Source, SourceFiles};
use crate::plan::{Plan, Unit};
use crate::render::{self, Format};
use crate::usage::{self, MetaUsage, Usage};

/// Plans loaded from one source.
pub struct Catalog {
    /// Where they came from.
    pub source: Source,
    /// The raw files (rate cards are parsed only when needed).
    pub files: SourceFiles,
    /// Every plan, in file order.
    pub plans: Vec<Plan>,
}

impl Catalog {
    /// Reads and validates every plan file of `source`.
    ///
    /// # Errors
    ///
    /// Every problem in every file.
    pub fn load(source: Source) -> Result<Self, Error> {
        let files = SourceFiles::read(&source).map_err(Error::Problems)?;
        let plans = load::parse_plans(&files.plans).map_err(Error::Problems)?;
        Ok(Self {
            source,
            files,
            plans,
        })
    }

    /// The plan with this id, or an error suggesting the closest one.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownPlan`].
    pub fn plan(&self, id: &str) -> Result<&Plan, Error> {
        self.plans
            .iter()
            .find(|p| p.id == id)
            .ok_or_else(|| Error::UnknownPlan {
                id: id.to_owned(),
                suggestion: crate::suggest::closest(id, self.plans.iter().map(|p| p.id.as_str()))
                    .map(str::to_owned),
                source_name: self.source.to_string(),
            })
    }
}

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
    let source = Source::resolve(cli.plans.clone());
    match cli.command {
        Command::Estimate(args) => estimate(&Catalog::load(source)?, &args, out),
        Command::Batch(args) => batch(&Catalog::load(source)?, &args, out),
        Command::Plans(args) => plans(&Catalog::load(source)?, &args, out),
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
        usage::parse_count(&text).map_err(|m| Error::Input(format!("standard input: {m}")))?;
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

/// Prices one usage on one plan, resolving Meta message counts against the
/// rate cards of the catalog.
///
/// # Errors
///
/// Wrong unit, free plan, Meta usage that cannot be priced, overflow.
pub fn price<'p>(_catalog: &Catalog, plan: &'p Plan, usage: &Usage) -> Result<Bill<'p>, Error> {
    bill::check_unit(plan, usage.unit)?;
    let meta = match &usage.meta {
        MetaUsage::None => MetaCharges::None,
        MetaUsage::Amount(amount) => MetaCharges::Amount(*amount),
        MetaUsage::Messages(_) => {
            return Err(Error::Input(
                "pricing Meta message counts needs the rate cards, which this build does not load yet; use --meta-amount"
                    .to_owned(),
            ));
        }
    };
    Ok(bill::bill(plan, usage.count, usage.markup_percent, meta)?)
}

fn estimate(catalog: &Catalog, args: &EstimateArgs, out: &mut Output<'_>) -> Result<u8, Error> {
    let plan = catalog.plan(&args.plan)?;
    bill::check_unit(plan, None)?;
    let (unit, count) = read_count(&args.count, plan)?;
    let usage = usage_from(&args.meta, unit, count);
    let bill = price(catalog, plan, &usage)?;
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
            let file = std::fs::File::open(path).map_err(|source| Error::Io {
                context: format!("cannot read `{}`", path.display()),
                source,
            })?;
            crate::batch::run(catalog, &options, file, out)
        }
        _ => crate::batch::run(catalog, &options, io::stdin().lock(), out),
    }
}

fn plans(catalog: &Catalog, args: &PlansArgs, out: &mut Output<'_>) -> Result<u8, Error> {
    let selected: Vec<Plan> = match &args.show {
        Some(PlansCommand::Show { id }) => vec![catalog.plan(id)?.clone()],
        None => catalog.plans.clone(),
    };
    let text = match (args.format, &args.show) {
        (Format::Json, Some(_)) => render::json::pretty(&render::json::PlanJson::new(&selected[0])),
        (Format::Json, None) => render::json::plans(&selected),
        (Format::Csv, _) => render::csv::plans(&selected),
        (Format::Markdown, _) => render::markdown::table(&render::table::plans_table(&selected)),
        (Format::Table, Some(_)) => render::table::plan_card(&selected[0]),
        (Format::Table, None) => render::table::plans_table(&selected).render(),
    };
    write(out.stdout, &text)?;
    Ok(exit::SUCCESS)
}

fn check(source: Source, out: &mut Output<'_>) -> Result<u8, Error> {
    let catalog = Catalog::load(source)?;
    let text = format!(
        "ok: {} plan{} in {} file{} ({})\n",
        catalog.plans.len(),
        if catalog.plans.len() == 1 { "" } else { "s" },
        catalog.files.plans.len(),
        if catalog.files.plans.len() == 1 {
            ""
        } else {
            "s"
        },
        catalog.source
    );
    write(out.stderr, &text)?;
    Ok(exit::SUCCESS)
}
