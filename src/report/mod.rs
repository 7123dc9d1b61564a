//! Reports: one model per command, built once from what the core computed
//! and drawn by every writer in [`crate::render`]. A report holds the
//! command's results ([`Bill`], [`Comparison`], plans, rate cards); the
//! submodules turn them into the words and [`table::Table`]s that every
//! format shares, so no writer prices or recomputes anything.
//!
//! Adding a command: a variant here and an arm in each writer (the
//! compiler lists them). Adding a format: one writer in `render/`.

pub mod bill;
pub mod comparison;
pub mod diff;
pub mod plans;
pub mod quote;
pub mod rates;
pub mod rates_diff;
pub mod table;

use crate::advice::Comparison;
use crate::bill::Bill;
use crate::meta::{Market, RateCard};
use crate::plan::Plan;

/// What one command reports.
#[derive(Debug, Clone, Copy)]
pub enum Report<'a> {
    /// `estimate`: one bill; `explain` adds how each line was computed.
    Bill {
        /// The bill.
        bill: &'a Bill<'a>,
        /// Whether to show each line's formula.
        explain: bool,
    },
    /// `estimate --vs-month/--vs-plans`: a bill and the same usage priced
    /// another way, line by line; `explain` says why each line changed.
    BillDiff {
        /// The two bills compared.
        diff: &'a crate::diff::BillDiff<'a>,
        /// Whether to say why each line changed.
        explain: bool,
    },
    /// `plans`: every plan loaded.
    Plans(&'a [Plan]),
    /// `plans show ID`: one plan.
    Plan(&'a Plan),
    /// `compare`: the tiers of one product side by side.
    Comparison(&'a Comparison<'a>),
    /// `rates`: every Meta rate card loaded.
    RateCards(&'a [RateCard]),
    /// `rates show`: one card's rates.
    RateCard(CardRates<'a>),
    /// `quote`: a deal month by month; `explain` itemizes every month.
    Quote {
        /// The priced quote.
        quote: &'a crate::quote::Quote<'a>,
        /// Whether to itemize every month (else the first).
        explain: bool,
    },
    /// `rates diff`: what changed between two cards.
    RatesDiff(&'a rates_diff::RatesDiff<'a>),
}

/// `rates show`: one card's rates for some markets (with one market, its
/// volume tiers too), under a heading that says which card and why.
#[derive(Debug, Clone, Copy)]
pub struct CardRates<'a> {
    /// The card.
    pub card: &'a RateCard,
    /// The markets shown, in the card's order.
    pub markets: &'a [&'a Market],
    /// "Meta USD rate card effective …, in force in 2026-04; USD per …".
    pub heading: &'a str,
}

impl CardRates<'_> {
    /// The one market shown, whose volume tiers are shown too.
    #[must_use]
    pub fn single_market(&self) -> Option<&Market> {
        match self.markets {
            [market] => Some(market),
            _ => None,
        }
    }
}
