//! The clap derive definitions (doc comments are the help text) and the
//! value parsers that validate each flag as it is read (counts, amounts,
//! Meta usage, months, currencies), so a bad value is refused with clap's
//! usage error before anything runs. Nothing else: `cli/mod.rs` turns these
//! into a [`crate::request::Request`], and nothing past it sees them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::calendar::Month;
use crate::money::Currency;
use crate::plan::Product;
use crate::usage::{self, Amount, Markup, MetaCount};

/// Exact invoices and quotes for CleverTap's WhatsApp add-ons.
///
/// Plans come from `--plans DIR`, else $CTBILL_PLANS, else ./plans when it
/// exists, else the plans built into ctbill.
// The doc comment is the help text, where backticks would show literally.
#[allow(clippy::doc_markdown)]
#[derive(Debug, Parser)]
#[command(name = "ctbill", version, about, max_term_width = 100)]
pub struct Cli {
    /// Directory of plan files (`*.toml`) and Meta rate cards (`*.csv`,
    /// `meta/*.csv`) [env: CTBILL_PLANS, ignored when empty].
    #[arg(long, global = true, value_name = "DIR")]
    pub plans: Option<PathBuf>,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Itemized bill for one plan and one month's usage.
    #[command(
        after_help = "Examples:\n  ctbill estimate --plan connect-10k --sent 15000\n  \
        echo 15000 | ctbill estimate --plan connect-10k --format json\n  \
        ctbill estimate --plan direct-25k --conversations 30000 --meta-amount 1250.40 --explain"
    )]
    Estimate(EstimateArgs),
    /// Every tier of one product priced side by side, with break-even
    /// volumes, a budget's reach and a cost-curve chart.
    #[command(after_help = "Examples:\n  ctbill compare --sent 15000\n  \
        ctbill compare --conversations 60000 --meta-amount 1000 --format markdown\n  \
        ctbill compare --budget 500 --product connect\n  \
        ctbill compare --sent 15000 --chart tiers.svg")]
    Compare(CompareArgs),
    /// Bills for many accounts: one per CSV row or per count, streamed.
    #[command(
        after_help = "Examples:\n  seq 0 1000 50000 | ctbill batch --plan connect-10k\n  \
        ctbill batch accounts.csv > bills.csv\n  \
        ctbill batch --format jsonl accounts.csv | jq -r '.total // .error'"
    )]
    Batch(BatchArgs),
    /// List the plans, or show one.
    Plans(PlansArgs),
    /// List Meta's rate cards, or show one card's rates and volume tiers.
    Rates(RatesArgs),
    /// A quote a rep can send: a deal file priced month by month.
    #[command(
        after_help = "Examples:\n  ctbill quote quotes/acme-direct-12m.toml\n  \
        ctbill quote quotes/acme-direct-12m.toml --format json\n  \
        ctbill quote quotes/acme-direct-12m.toml --explain"
    )]
    Quote(QuoteArgs),
    /// Validate plan files and rate cards (a directory), or a quote file;
    /// report every problem.
    Check {
        /// Directory to check (default: the plans source in use), or a quote
        /// file (`*.toml`), checked against the plans source in use.
        dir: Option<PathBuf>,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// `--format` of `plans` and `rates`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
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
}

/// `--format` of `estimate` and `compare`: the formats of [`Format`] and
/// a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum DocFormat {
    /// Aligned columns for reading in a terminal.
    #[default]
    Table,
    /// One JSON object; amounts are strings holding exact decimals.
    Json,
    /// Comma-separated values with a header row.
    Csv,
    /// A GitHub-flavoured Markdown table, ready to paste into an email.
    Markdown,
    /// One self-contained HTML document (inline style and chart, no
    /// scripts), to send to a customer or print to PDF.
    Html,
}

/// `ctbill quote FILE`.
#[derive(Debug, Args)]
pub struct QuoteArgs {
    /// The quote file (TOML: customer, plan, months, usage, discounts,
    /// commitment, taxes; see quotes/ for an example).
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: DocFormat,
    /// Itemize every month, with each line's formula.
    #[arg(long)]
    pub explain: bool,
}

/// `--format` of `batch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum BatchFormat {
    /// The input columns, then
    /// `currency,base,overage,fair_use_overage,meta,markup,total,error`.
    #[default]
    Csv,
    /// JSON Lines: one `estimate --format json` bill per line, with `row` and
    /// `input` (the row's cells by column name); `row`, `error` and `input`
    /// on a bad row. With --vs-month or --vs-plans, `vs` and `change` too.
    Jsonl,
}

/// A count of units: `--sent` for Connect, `--conversations` for Direct.
#[derive(Debug, Args, Clone, Default)]
#[group(multiple = false)]
pub struct CountArgs {
    /// Notifications sent this month (WhatsApp Connect plans).
    #[arg(long, value_name = "N", value_parser = parse_count, allow_hyphen_values = true)]
    pub sent: Option<u64>,
    /// Conversations this month (WhatsApp Direct plans).
    #[arg(long, value_name = "N", value_parser = parse_count, allow_hyphen_values = true)]
    pub conversations: Option<u64>,
}

/// Meta's charges (WhatsApp Direct plans): an amount, or message counts.
#[derive(Debug, Args, Clone, Default)]
pub struct MetaArgs {
    /// Meta's charges as shown in WhatsApp Manager, passed through as is;
    /// in the plan's currency, which may be written ($100, USD 100, 100 INR,
    /// ₹100) and must then be the plan's.
    #[arg(long, value_name = "AMOUNT", value_parser = parse_amount, allow_hyphen_values = true,
          conflicts_with = "meta", help_heading = "Meta charges")]
    pub meta_amount: Option<Amount>,
    /// Delivered messages, priced on Meta's rate card; repeatable.
    /// CATEGORY is marketing, utility, authentication,
    /// authentication-international or service; MARKET is a market on the
    /// card, a country name or an ISO code (e.g. marketing:IN=20000).
    #[arg(long, value_name = "CATEGORY:MARKET=COUNT", value_parser = parse_meta, help_heading = "Meta charges")]
    pub meta: Vec<MetaCount>,
    /// Service markup in percent over Meta's charges (default: the plan's):
    /// 10 and 10% are both ten percent; 0.10 is a tenth of a percent.
    #[arg(long, value_name = "PCT", value_parser = parse_markup, allow_hyphen_values = true, help_heading = "Meta charges")]
    pub markup: Option<Markup>,
    /// Billing month, which picks the Meta rate card (default: this month).
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month, help_heading = "Meta charges")]
    pub month: Option<Month>,
    /// Business phone numbers: from 2026-10 each one's first 1,000 service
    /// messages a month are free (default 1; 0 turns the free tier off).
    #[arg(long, value_name = "N", value_parser = parse_phone_numbers, help_heading = "Meta charges")]
    pub phone_numbers: Option<u64>,
}

/// `ctbill estimate`.
#[derive(Debug, Args)]
pub struct EstimateArgs {
    /// Plan id, e.g. connect-10k (see `ctbill plans`).
    #[arg(long, value_name = "ID")]
    pub plan: String,
    /// The count of units.
    #[command(flatten)]
    pub count: CountArgs,
    /// Meta charges, markup and month.
    #[command(flatten)]
    pub meta: MetaArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t, help_heading = "Output")]
    pub format: DocFormat,
    /// Show each line's formula, exact value and rounding.
    #[arg(long, help_heading = "Output")]
    pub explain: bool,
    /// Price the same usage a second time to compare with.
    #[command(flatten)]
    pub vs: VsArgs,
}

/// `--vs-month` or `--vs-plans`: what to price the same usage under a
/// second time, to show what changed.
#[derive(Debug, Args, Clone, Default)]
#[group(multiple = false)]
pub struct VsArgs {
    /// Also price the same usage under the Meta rate cards of this month,
    /// and show both bills and the change.
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month, help_heading = "Compare with")]
    pub vs_month: Option<Month>,
    /// Also price the same usage on the plans (and rate cards) of this
    /// directory, and show both bills and the change.
    #[arg(long, value_name = "DIR", help_heading = "Compare with")]
    pub vs_plans: Option<PathBuf>,
}

/// `ctbill compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The count of units (optional with --budget).
    #[command(flatten)]
    pub count: CountArgs,
    /// Product whose tiers to compare: connect or direct (default: connect
    /// with --sent, direct with --conversations).
    #[arg(long, value_name = "PRODUCT", value_parser = parse_product)]
    pub product: Option<Product>,
    /// Currency of the tiers to compare (default: the one most of the
    /// product's plans use).
    #[arg(long, value_name = "CODE", value_parser = parse_currency)]
    pub currency: Option<Currency>,
    /// Meta charges, markup and month (the same on every tier).
    #[command(flatten)]
    pub meta: MetaArgs,
    /// Monthly budget: the largest volume each tier carries within it (in
    /// the tiers' currency, which may be written: $500, USD 500).
    #[arg(long, value_name = "AMOUNT", value_parser = parse_amount, allow_hyphen_values = true)]
    pub budget: Option<Amount>,
    /// Output format.
    #[arg(long, value_enum, default_value_t, help_heading = "Output")]
    pub format: DocFormat,
    /// Also draw total cost against volume for every tier, as an SVG file.
    #[arg(long, value_name = "FILE.svg", help_heading = "Output")]
    pub chart: Option<PathBuf>,
}

/// `ctbill batch`.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Plan for a plain list of counts, and for CSV rows whose `plan` cell
    /// is empty or missing (a non-empty `plan` cell wins).
    #[arg(long, value_name = "ID")]
    pub plan: Option<String>,
    /// Output format: CSV (the input columns, then the amounts) or one JSON
    /// bill per line.
    #[arg(long, value_enum, default_value_t, help_heading = "Output")]
    pub format: BatchFormat,
    /// Price every row a second time to compare with (adds `vs_total` and
    /// `change`).
    #[command(flatten)]
    pub vs: VsArgs,
    /// Input file: a CSV with a header, or counts one per line; `-` or
    /// nothing reads standard input.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
}

/// `ctbill plans [show ID]`.
#[derive(Debug, Args)]
pub struct PlansArgs {
    /// `show` to show one plan.
    #[command(subcommand)]
    pub show: Option<PlansCommand>,
    /// Output format.
    #[arg(
        long,
        value_enum,
        default_value_t,
        global = true,
        help_heading = "Output"
    )]
    pub format: Format,
}

/// `ctbill plans show ID`.
#[derive(Debug, Subcommand)]
pub enum PlansCommand {
    /// Show one plan's prices and where it is defined.
    Show {
        /// Plan id.
        id: String,
    },
}

/// `ctbill rates [show]`.
#[derive(Debug, Args)]
pub struct RatesArgs {
    /// `show` to print one card's rates.
    #[command(subcommand)]
    pub show: Option<RatesCommand>,
    /// Output format.
    #[arg(
        long,
        value_enum,
        default_value_t,
        global = true,
        help_heading = "Output"
    )]
    pub format: Format,
}

/// `ctbill rates show`.
#[derive(Debug, Subcommand)]
pub enum RatesCommand {
    /// Print the rates of the card in force for a month, for every market or
    /// one market with its volume tiers.
    Show {
        /// Card currency (Meta bills in 16 currencies).
        #[arg(long, default_value = "USD", value_parser = parse_currency)]
        currency: Currency,
        /// Billing month whose card to show (default: this month).
        #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
        month: Option<Month>,
        /// One market: a market name, a country name or an ISO code.
        #[arg(long, value_name = "MARKET")]
        market: Option<String>,
    },
    /// List every market × category whose rate differs between the cards in
    /// force in two months, the markets added or removed, and the volume
    /// tiers that changed.
    #[command(
        after_help = "Examples:\n  ctbill rates diff --month 2026-10 --vs-month 2026-07\n  \
        ctbill rates diff --month 2026-10 --vs-month 2026-07 --market KZ\n  \
        ctbill rates diff --currency INR --month 2026-01 --vs-month 2025-10 --format json"
    )]
    Diff {
        /// Card currency.
        #[arg(long, default_value = "USD", value_parser = parse_currency)]
        currency: Currency,
        /// Billing month whose card is compared (its rates are `rate`).
        #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
        month: Month,
        /// Billing month whose card it is compared with (change = the rate
        /// on the card of --month minus the rate on this one).
        #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
        vs_month: Month,
        /// One market: a market name, a country name or an ISO code,
        /// resolved on each card.
        #[arg(long, value_name = "MARKET")]
        market: Option<String>,
    },
}

fn parse_count(text: &str) -> Result<u64, String> {
    usage::parse_count(text)
}

/// A count of business phone numbers: parsed like any count, with
/// messages about phone numbers rather than messages.
fn parse_phone_numbers(text: &str) -> Result<u64, String> {
    usage::parse_count_of(text, usage::PHONE_NUMBERS)
}

fn parse_amount(text: &str) -> Result<Amount, String> {
    usage::parse_amount(text)
}

fn parse_markup(text: &str) -> Result<Markup, String> {
    usage::parse_markup(text)
}

fn parse_product(text: &str) -> Result<Product, String> {
    text.parse::<Product>()
}

fn parse_currency(text: &str) -> Result<Currency, String> {
    text.trim().parse::<Currency>().map_err(|e| e.to_string())
}

fn parse_meta(text: &str) -> Result<MetaCount, String> {
    usage::parse_meta_spec(text)
}

fn parse_month(text: &str) -> Result<Month, String> {
    text.parse::<Month>().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    use crate::cli::conflicting_plans;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn plans_flag_is_global() {
        let cli = Cli::try_parse_from([
            "ctbill", "estimate", "--plan", "x", "--sent", "1", "--plans", "d",
        ])
        .unwrap();
        assert_eq!(cli.plans, Some(PathBuf::from("d")));
        let cli = Cli::try_parse_from(["ctbill", "--plans", "d", "plans"]).unwrap();
        assert_eq!(cli.plans, Some(PathBuf::from("d")));
    }

    #[test]
    fn plans_given_twice_with_different_directories_is_refused() {
        let args = |list: &[&str]| {
            list.iter()
                .map(std::ffi::OsString::from)
                .collect::<Vec<_>>()
        };
        let twice = args(&["ctbill", "--plans", "a", "plans", "--plans", "b"]);
        // clap alone keeps the last one without a word.
        assert_eq!(
            Cli::try_parse_from(&twice).unwrap().plans,
            Some(PathBuf::from("b"))
        );
        let message = conflicting_plans(&twice).unwrap();
        assert!(message.contains("as `a` and as `b`"), "{message}");
        for refused in [
            &["ctbill", "plans", "--plans", "a", "--plans=b"][..],
            &["ctbill", "--plans=a", "rates", "show", "--plans", "b"],
        ] {
            assert!(conflicting_plans(&args(refused)).is_some(), "{refused:?}");
        }
        for accepted in [
            &["ctbill", "--plans", "a", "plans"][..],
            &["ctbill", "--plans", "a", "plans", "--plans", "a"],
            &["ctbill", "plans"],
            // After `--`, a file named like the option is only a file.
            &["ctbill", "--plans", "a", "batch", "--", "--plans"],
        ] {
            assert_eq!(conflicting_plans(&args(accepted)), None, "{accepted:?}");
        }
    }

    #[test]
    fn vs_month_and_vs_plans_exclude_each_other() {
        for command in ["estimate", "batch"] {
            let mut args = vec!["ctbill", command];
            if command == "estimate" {
                args.extend(["--plan", "x", "--sent", "1"]);
            }
            args.extend(["--vs-month", "2026-07", "--vs-plans", "old"]);
            assert!(Cli::try_parse_from(&args).is_err(), "{command}");
        }
    }

    #[test]
    fn sent_and_conversations_exclude_each_other() {
        let parsed = Cli::try_parse_from([
            "ctbill",
            "estimate",
            "--plan",
            "x",
            "--sent",
            "1",
            "--conversations",
            "2",
        ]);
        assert!(parsed.is_err());
    }
}
