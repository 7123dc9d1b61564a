//! What pricing remembers per rate card across the bills of one run: how
//! bills name the card, the markets already resolved (or refused) by text
//! as written (a batch names the same few on every row), and the card's
//! notes per billing month. A handful of cards at most, so a list beats
//! hashing.

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

use crate::calendar::{Date, Month};
use crate::meta::{MetaError, RateBook, RateCard};
use crate::money::Currency;

/// Per card: its description for bills and the markets resolved so far.
#[derive(Default)]
pub struct Memo {
    cards: RefCell<Vec<CardMemo>>,
}

impl Memo {
    /// Runs `f` on what the catalog remembers of `card`.
    fn with_memo<T>(&self, card: &RateCard, f: impl FnOnce(&mut CardMemo) -> T) -> T {
        let key = (card.currency(), card.effective());
        let mut cards = self.cards.borrow_mut();
        let index = if let Some(index) = cards.iter().position(|m| m.key == key) {
            index
        } else {
            cards.push(CardMemo::new(card));
            cards.len() - 1
        };
        f(&mut cards[index])
    }

    /// [`RateBook::resolve_market`], remembered per card and text.
    pub(super) fn resolve_market(
        &self,
        book: &RateBook,
        card: &RateCard,
        text: &str,
    ) -> Result<Rc<str>, MetaError> {
        self.with_memo(card, |memo| {
            if let Some((_, market)) = memo.markets.iter().find(|(written, _)| written == text) {
                return market.clone();
            }
            // A market the card lacks is refused on every row that names
            // it: remembered too, not looked up again.
            let market: Result<Rc<str>, MetaError> = book
                .resolve_market(card, text)
                .map(|resolved| resolved.market.into());
            memo.markets.push((text.to_owned(), market.clone()));
            market
        })
    }

    /// The notes a bill of `month` priced on `card` carries (made by
    /// `make` once per card and month).
    pub(super) fn card_notes(
        &self,
        card: &RateCard,
        month: Month,
        make: impl FnOnce() -> Vec<Cow<'static, str>>,
    ) -> Vec<Cow<'static, str>> {
        self.with_memo(card, |memo| {
            if let Some((_, notes)) = memo.notes.iter().find(|(m, _)| *m == month) {
                return notes.clone();
            }
            let notes = make();
            memo.notes.push((month, notes.clone()));
            notes
        })
    }

    /// How bills name a card, e.g. `Meta USD rate card effective 2026-04-01 (with volume tiers)`.
    pub(super) fn card_description(&self, card: &RateCard) -> Rc<str> {
        self.with_memo(card, |memo| Rc::clone(&memo.description))
    }
}

/// What the catalog remembers about one rate card: how bills name it, and
/// the markets resolved so far (text as written, market on the card).
struct CardMemo {
    key: (Currency, Date),
    description: Rc<str>,
    markets: Vec<(String, Result<Rc<str>, MetaError>)>,
    /// The notes of bills priced on the card, per billing month.
    notes: Vec<(Month, Vec<Cow<'static, str>>)>,
}

impl CardMemo {
    fn new(card: &RateCard) -> Self {
        Self {
            key: (card.currency(), card.effective()),
            description: card.describe().into(),
            markets: Vec::new(),
            notes: Vec::new(),
        }
    }
}
