//! The validated request: what one run of ctbill is asked to do, as the
//! rest of the program uses it. `cli/` builds it from the command line
//! ([`crate::cli::to_request`]); `app.rs` runs it. Everything here is plain
//! data and pure rules: no clap type, no clock, no I/O. The flags' names
//! live here too, so that an error about a value given on the command line
//! names its flag while the engine speaks only of units and usage.

use std::path::PathBuf;

use rust_decimal::Decimal;

use crate::advice::{self, CurrencyChoice};
use crate::batch;
use crate::bill::BillError;
use crate::calendar::{Date, Month};
use crate::error::Error;
use crate::load::Source;
use crate::meta::MetaError;
use crate::money::Currency;
use crate::plan::{Plan, Product, Unit};
use crate::render::Format;
use crate::usage::{self, Amount, Markup, MetaCount, MetaUsage, Usage};

/// One run of ctbill, validated.
#[derive(Debug)]
pub struct Request {
    /// Where plans and rate cards come from (`--plans`, `$CTBILL_PLANS`,
    /// `./plans`, the built-in ones; for `check`, its directory).
    pub plans: Source,
    /// Today (UTC), read once when the request was made.
    pub today: Date,
    /// The width of the terminal that stdout writes to, in columns;
    /// `None` when stdout is not a terminal (output then keeps its shape).
    pub width: Option<usize>,
    /// The command.
    pub command: Command,
}

/// What to do.
#[derive(Debug)]
pub enum Command {
    /// `ctbill estimate`.
    Estimate(Estimate),
    /// `ctbill compare`.
    Compare(Compare),
    /// `ctbill batch`.
    Batch(Batch),
    /// `ctbill plans`.
    Plans(Plans),
    /// `ctbill rates`.
    Rates(Rates),
    /// `ctbill check`: validate [`Request::plans`].
    Check,
    /// `ctbill quote FILE`.
    Quote(QuoteFile),
    /// `ctbill check FILE`: validate a quote file against [`Request::plans`].
    CheckQuote(PathBuf),
    /// `ctbill completions`: the script, already generated.
    Completions(Vec<u8>),
}

/// Meta charges, markup and month, as given (the month defaulted to today's).
#[derive(Debug, Clone)]
pub struct MetaSettings {
    /// `--meta-amount`.
    pub amount: Option<Amount>,
    /// `--meta`, in the order given.
    pub messages: Vec<MetaCount>,
    /// `--markup`.
    pub markup: Option<Markup>,
    /// The billing month.
    pub month: Month,
    /// `--phone-numbers`, as given.
    pub phone_numbers: Option<u64>,
}

impl MetaSettings {
    /// Whether Meta charges were given, as an amount or message counts.
    #[must_use]
    pub fn given(&self) -> bool {
        self.amount.is_some() || !self.messages.is_empty()
    }

    /// The warning about a markup below 1 written without `%`, if any.
    #[must_use]
    pub fn warning(&self) -> Option<String> {
        self.markup.and_then(|m| m.warning("--markup"))
    }

    /// Refuses `--phone-numbers` for a plan that is not Direct: business
    /// phone numbers only matter to Meta's free service tier, which Direct
    /// plans pass through.
    ///
    /// # Errors
    ///
    /// The flag was given for such a plan.
    pub fn check_direct(&self, plan: &crate::plan::Plan) -> Result<(), Error> {
        match self.phone_numbers {
            Some(_) if plan.product != crate::plan::Product::Direct => Err(Error::Input(format!(
                "--phone-numbers: `{}` is a {} plan; business phone numbers only count for Meta's free service tier on WhatsApp Direct plans",
                plan.id, plan.product
            ))),
            _ => Ok(()),
        }
    }

    /// The month's usage for plans billing in `currency`.
    ///
    /// # Errors
    ///
    /// A Meta amount written in another currency (naming the flag).
    pub fn usage(
        &self,
        unit: Option<Unit>,
        count: u64,
        currency: Currency,
    ) -> Result<Usage, Error> {
        let meta = match (&self.amount, self.messages.is_empty()) {
            (Some(amount), _) => {
                amount
                    .in_currency(currency)
                    .map_err(|m| Error::Input(format!("--meta-amount: {m}")))?;
                MetaUsage::Amount(*amount)
            }
            (None, false) => MetaUsage::Messages(self.messages.clone()),
            (None, true) => MetaUsage::None,
        };
        Ok(Usage {
            unit,
            count,
            meta,
            markup_percent: self.markup.map(|m| m.percent),
            month: self.month,
            phone_numbers: self.phone_numbers.unwrap_or(usage::DEFAULT_PHONE_NUMBERS),
        })
    }
}

/// `ctbill estimate`.
#[derive(Debug)]
pub struct Estimate {
    /// The plan id as typed.
    pub plan: String,
    /// The count and its unit, when given by flag (else on standard input).
    pub count: Option<(Unit, u64)>,
    /// Meta charges, markup and month.
    pub meta: MetaSettings,
    /// Output format.
    pub format: Format,
    /// Show each line's formula.
    pub explain: bool,
    /// `--vs-month` / `--vs-plans`: price the same usage a second time.
    pub vs: Option<Vs>,
}

/// What to price the same usage under a second time, to show what changed
/// (`--vs-month`, `--vs-plans`). The bill of the run's own month and plans
/// is "this" one; the one priced under `Vs` is "vs", and a change is this
/// total minus the vs total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Vs {
    /// `--vs-month`: the same plans, another month's rate cards (the vs
    /// bill's billing month is this one).
    Month(Month),
    /// `--vs-plans`: the same month, the plans and rate cards of another
    /// directory (the same plan id must exist there).
    Plans(PathBuf),
}

/// `ctbill compare`, with its product chosen.
#[derive(Debug)]
pub struct Compare {
    /// The product whose tiers to compare.
    pub product: Product,
    /// The unit the product counts.
    pub unit: Unit,
    /// The count, when given (it may be left out with a budget).
    pub count: Option<u64>,
    /// `--currency`.
    pub currency: Option<Currency>,
    /// Meta charges, markup and month (the same on every tier).
    pub meta: MetaSettings,
    /// `--budget`.
    pub budget: Option<Amount>,
    /// Output format.
    pub format: Format,
    /// `--chart`.
    pub chart: Option<PathBuf>,
}

impl Compare {
    /// Chooses the product from the flags: `--product`, else Direct for
    /// `--conversations` (or Meta charges without a count), else Connect.
    ///
    /// # Errors
    ///
    /// No count and no budget, `--product free`, or a count in the other
    /// product's unit.
    pub fn choose_product(
        product: Option<Product>,
        given: Option<(Unit, u64)>,
        budget: bool,
        meta_given: bool,
    ) -> Result<(Product, Unit), Error> {
        if given.is_none() && !budget {
            return Err(Error::Input(
                "no volume given: pass --sent N (Connect) or --conversations N (Direct), or --budget AMOUNT"
                    .to_owned(),
            ));
        }
        let product = match (product, given) {
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
                flag(unit),
                flag(given_unit)
            )));
        }
        Ok((product, unit))
    }

    /// The tiers to compare among `plans` and their currency: `--currency`,
    /// else the one most of the product's plans use. `source` names where
    /// the plans came from.
    ///
    /// # Errors
    ///
    /// No plans of the product, or none in the currency asked for.
    pub fn tiers<'p>(
        &self,
        plans: &'p [Plan],
        source: &str,
    ) -> Result<(Vec<&'p Plan>, Currency, CurrencyChoice), Error> {
        let product = self.product;
        let of_product: Vec<&Plan> = plans.iter().filter(|p| p.product == product).collect();
        let (currency, choice) = match self.currency {
            Some(currency) => (currency, CurrencyChoice::Given),
            None => advice::default_currency(&of_product)
                .ok_or_else(|| Error::Input(format!("no {product} plans in {source}")))?,
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
        Ok((tiers, currency, choice))
    }

    /// The budget in the tiers' currency.
    ///
    /// # Errors
    ///
    /// A budget written in another currency.
    pub fn budget_in(&self, currency: Currency) -> Result<Option<Decimal>, Error> {
        self.budget
            .map(|b| {
                b.in_currency(currency).map_err(|m| {
                    Error::Input(format!(
                        "--budget: {}",
                        m.replace("the plan bills", "the compared plans bill")
                    ))
                })
            })
            .transpose()
    }
}

/// `ctbill batch`.
#[derive(Debug)]
pub struct Batch {
    /// `--plan`.
    pub plan: Option<String>,
    /// Output format.
    pub format: batch::Format,
    /// The input file; `None` for standard input (`-` or nothing).
    pub file: Option<PathBuf>,
    /// `--vs-month` / `--vs-plans`: price every row a second time.
    pub vs: Option<Vs>,
}

/// `ctbill quote FILE`.
#[derive(Debug)]
pub struct QuoteFile {
    /// The quote file.
    pub file: PathBuf,
    /// Output format.
    pub format: Format,
    /// Itemize every month.
    pub explain: bool,
}

/// `ctbill plans [show ID]`.
#[derive(Debug)]
pub struct Plans {
    /// The plan to show; `None` lists them all.
    pub show: Option<String>,
    /// Output format.
    pub format: Format,
}

/// `ctbill rates [show]`.
#[derive(Debug)]
pub struct Rates {
    /// The card to show; `None` lists the cards.
    pub show: Option<RatesShow>,
    /// Two cards to compare (`rates diff`).
    pub diff: Option<RatesDiff>,
    /// Output format.
    pub format: Format,
}

/// `ctbill rates show`.
#[derive(Debug)]
pub struct RatesShow {
    /// Card currency.
    pub currency: Currency,
    /// The month whose card to show (defaulted to today's).
    pub month: Month,
    /// One market, as typed.
    pub market: Option<String>,
}

impl RatesShow {
    /// An error finding the card, with the flags that pick another.
    #[must_use]
    pub fn card_error(err: &MetaError) -> Error {
        Error::Input(format!(
            "{err}; pick another with --month YYYY-MM or --currency"
        ))
    }

    /// An error resolving `--market`.
    #[must_use]
    pub fn market_error(&self, err: &MetaError) -> Error {
        let text = self.market.as_deref().unwrap_or_default();
        Error::Input(format!("--market {text}: {err}"))
    }
}

/// `ctbill rates diff`.
#[derive(Debug)]
pub struct RatesDiff {
    /// Card currency.
    pub currency: Currency,
    /// The month whose card is compared (`rate`).
    pub month: Month,
    /// The month whose card it is compared with (`vs_rate`).
    pub vs_month: Month,
    /// One market, as typed.
    pub market: Option<String>,
}

impl RatesDiff {
    /// An error finding the card of `flag` (`--month` or `--vs-month`).
    #[must_use]
    pub fn card_error(flag: &str, month: Month, err: &MetaError) -> Error {
        Error::Input(format!("{flag} {month}: {err}"))
    }

    /// An error resolving `--market` on the card of `flag`.
    #[must_use]
    pub fn market_error(&self, flag: &str, err: &MetaError) -> Error {
        let text = self.market.as_deref().unwrap_or_default();
        Error::Input(format!(
            "--market {}: on the card of {flag}: {err}",
            crate::shown::shown(text)
        ))
    }
}

/// The command-line flag that gives a count in `unit`.
#[must_use]
pub fn flag(unit: Unit) -> &'static str {
    match unit {
        Unit::Notifications => "--sent",
        Unit::Conversations => "--conversations",
    }
}

/// Says which command-line flag a pricing error comes from (the engine and
/// the catalog speak of units and usage, not of flags). Applied to the
/// error of a whole run: only `estimate` and `compare` return pricing
/// errors (a batch turns them into row errors naming row and column).
#[must_use]
pub fn name_the_flag(err: Error) -> Error {
    match err {
        Error::Meta { spec, source, .. } => Error::Input(format!("--meta {spec}: {source}")),
        Error::Bill(
            e @ BillError::WrongUnit {
                expected, given, ..
            },
        ) => Error::Input(format!(
            "{e}; use {} instead of {}",
            flag(expected),
            flag(given)
        )),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compare_picks_the_product_from_the_count_and_meta() {
        let choose = |product, given, budget, meta| {
            Compare::choose_product(product, given, budget, meta).map(|(p, _)| p)
        };
        let sent = Some((Unit::Notifications, 15_000));
        let conversations = Some((Unit::Conversations, 30_000));
        assert_eq!(choose(None, sent, false, false).unwrap(), Product::Connect);
        assert_eq!(
            choose(None, conversations, false, false).unwrap(),
            Product::Direct
        );
        assert_eq!(choose(None, None, true, true).unwrap(), Product::Direct);
        assert_eq!(choose(None, None, true, false).unwrap(), Product::Connect);
        let err = choose(Some(Product::Direct), sent, false, false).unwrap_err();
        assert_eq!(
            err.to_string(),
            "--product direct counts conversations, not notifications; use --conversations instead of --sent"
        );
        assert!(choose(Some(Product::Free), sent, false, false).is_err());
        assert!(choose(None, None, false, false).is_err());
    }

    #[test]
    fn flags_name_the_units() {
        assert_eq!(flag(Unit::Notifications), "--sent");
        assert_eq!(flag(Unit::Conversations), "--conversations");
    }
}
