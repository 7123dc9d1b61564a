//! The plans and Meta rate cards of one source, and pricing a month's
//! usage against them: the step between the loaders (`load.rs`, `meta/`)
//! and the pure engine (`bill.rs`). No printing.
//!
//! - `loading`: reading a source into a [`Catalog`] (plans, rate book).
//! - `pricing`: [`price`], usage on a plan into a bill.
//! - `memo`: what pricing remembers per card across a run's bills.

mod loading;
mod memo;
mod pricing;

pub use loading::Catalog;
pub use pricing::{card_notes, meta_charges, price, price_with};
