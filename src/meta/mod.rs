//! Meta's WhatsApp rate cards: loading them, choosing the one in force, and
//! pricing message counts against it.
//!
//! This module owns everything between "the text of Meta's CSV files" and
//! "the exact, unrounded Meta charge for N messages of one category to one
//! market":
//!
//! - [`parse_card_file`] reads one file and tells what it is: Meta's own
//!   rates or volume-tiers CSV *as downloaded* (title row with currency and
//!   effective date, note rows, multi-line header cells, `n/a`, `--`,
//!   thousands separators, blank market cells continuing the row above), the
//!   same data normalized to one row per market (or tier) with `#` comment
//!   lines on top, or the country-to-market mapping. File names do not
//!   matter, so next quarter's pair of files can be dropped in as they are.
//! - [`RateBook::from_files`] pairs rates and tiers files into [`RateCard`]s
//!   by currency and effective date and reports *every* problem it finds.
//! - [`RateBook::card_for`] picks the newest card effective on or before the
//!   first day of a billing month; [`RateBook::resolve_market`] turns a
//!   market name, an ISO country code or a country name into a market of
//!   that card.
//! - [`RateCard::price`] prices a count, marginally across volume tiers
//!   (each tier's rate applies only to the messages inside it), and returns
//!   the exact amount with its breakdown. Rounding is the caller's job
//!   ([`crate::money::round_line`], once per line).
//!
//! Nothing here reads files or prints: callers pass `(label, contents)`
//! pairs, and the label (usually the path) appears in every error, with the
//! line (or, in an Excel workbook, the sheet and cell: see `xlsx`).
//!
//! The modules, from the files up:
//!
//! | module | owns |
//! |---|---|
//! | `cells` | the grid of text cells a CSV becomes; header keys, `n/a`, counts, exact rates |
//! | `xlsx` | Meta's Excel workbook → the same grid, errors located by sheet and cell |
//! | `detect` | what kind of file this is, and handing it to its reader |
//! | `original` | Meta's layout as downloaded: title row, notes, header |
//! | `normalized` | the normalized layout: `#` comments, one row per market or tier |
//! | `rates` | Meta's list rates, either layout |
//! | `tiers` | Meta's volume tiers: blocks, assembly, validation |
//! | `mapping` | the dated country-to-market mapping file |
//! | `files` | what a file holds once read ([`CardFile`]) and its provenance |
//! | `names`, `countries` | how names compare; ISO 3166-1 (generated table) |
//! | `category`, `error` | the categories; [`CardError`] and [`MetaError`] |
//! | `card` | one dated [`RateCard`]: markets, rates, tiers, notes |
//! | `rules`, `price` | Meta's pricing rules; pricing on a card |
//! | `market` | what a user wrote → a market of a card |
//! | `book` | the [`RateBook`]: cards paired, layered, chosen by month |
//! | `diff` | two cards compared: rates, markets and tiers that changed |

mod book;
mod card;
mod category;
mod cells;
mod countries;
mod detect;
mod diff;
mod error;
mod files;
mod mapping;
mod market;
mod names;
mod normalized;
mod original;
mod price;
mod rates;
pub mod rules;
mod tiers;
mod xlsx;

pub use book::RateBook;
pub use card::{Market, RateCard, Tier};
pub use category::{Category, UnknownCategory};
pub use detect::parse_card_file;
pub use diff::{CardDiff, PERCENT_PLACES, RateChange, TierChange, diff_cards, percent_change};
pub use error::{CardError, MetaError};
pub use files::{CardFile, MarketRates, RatesFile, SourceFormat, TierSet, TiersFile};
pub use mapping::{MappingRow, MarketMapping};
pub use market::ResolvedMarket;
pub use price::{MetaCharge, MonthCount};
pub use rules::TierPart;
pub use xlsx::is_workbook;

#[cfg(test)]
mod tests;
