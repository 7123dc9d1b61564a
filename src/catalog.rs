//! The plans and Meta rate cards of one source, and pricing a month's
//! usage against them: the step between the loaders (`load.rs`,
//! `meta/`) and the pure engine (`bill.rs`). No printing; the only I/O is
//! reading the source's files when the catalog is loaded.

use std::cell::{OnceCell, RefCell};
use std::rc::Rc;

use crate::bill::{self, Bill, BillError, MetaCharges};
use crate::calendar::{Date, Month};
use crate::error::Error;
use crate::load::{self, Problem, Source, SourceFiles};
use crate::meta::{Category, MetaError, MonthCount, RateBook, RateCard, rules};
use crate::money::Currency;
use crate::plan::{Plan, Product};
use crate::usage::{MetaCount, MetaUsage, Usage};

/// Plans loaded from one source, and its Meta rate cards (parsed only when
/// a command needs them, so a quote without Meta usage costs nothing more).
pub struct Catalog {
    /// Where they came from.
    pub source: Source,
    /// The raw files.
    pub files: SourceFiles,
    /// Every plan, in file order.
    pub plans: Vec<Plan>,
    rate_book: OnceCell<Result<RateBook, Vec<Problem>>>,
    /// Per card: its description for bills, and the markets already
    /// resolved by text as written (a batch names the same few on every row).
    /// A handful of cards at most, so a list beats hashing.
    cards: RefCell<Vec<CardMemo>>,
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
        Ok(Self::new(source, files, plans))
    }

    /// Reads every plan file and rate card of `source` and validates them
    /// together (rate cards are otherwise parsed only when needed), so one
    /// run reports every problem in every file.
    ///
    /// # Errors
    ///
    /// Every problem in every plan file and rate card.
    pub fn load_checked(source: Source) -> Result<Self, Error> {
        let files = SourceFiles::read(&source).map_err(Error::Problems)?;
        let (plans, mut problems) = match load::parse_plans(&files.plans) {
            Ok(plans) => (plans, Vec::new()),
            Err(problems) => (Vec::new(), problems),
        };
        let catalog = Self::new(source, files, plans);
        if let Err(Error::Problems(mut bad)) = catalog.rate_book() {
            problems.append(&mut bad);
        }
        if problems.is_empty() {
            Ok(catalog)
        } else {
            Err(Error::Problems(problems))
        }
    }

    fn new(source: Source, files: SourceFiles, plans: Vec<Plan>) -> Self {
        Self {
            source,
            files,
            plans,
            rate_book: OnceCell::new(),
            cards: RefCell::default(),
        }
    }

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
    fn resolve_market(
        &self,
        book: &RateBook,
        card: &RateCard,
        text: &str,
    ) -> Result<Rc<str>, MetaError> {
        self.with_memo(card, |memo| {
            if let Some((_, market)) = memo.markets.iter().find(|(written, _)| written == text) {
                return Ok(Rc::clone(market));
            }
            let market: Rc<str> = book.resolve_market(card, text)?.market.into();
            memo.markets.push((text.to_owned(), Rc::clone(&market)));
            Ok(market)
        })
    }

    /// How bills name a card, e.g. `Meta USD rate card effective 2026-04-01 (with volume tiers)`.
    fn card_description(&self, card: &RateCard) -> Rc<str> {
        self.with_memo(card, |memo| Rc::clone(&memo.description))
    }

    /// The Meta rate cards and market mapping of the source, parsed on
    /// first use.
    ///
    /// # Errors
    ///
    /// Every problem in every rate-card file.
    pub fn rate_book(&self) -> Result<&RateBook, Error> {
        self.rate_book
            .get_or_init(|| {
                let files = self
                    .files
                    .cards
                    .iter()
                    .map(|f| (f.label.as_str(), f.contents()));
                // A plans directory's cards and mapping sit on top of the
                // built-in ones, which fill the gaps.
                let book = match self.source {
                    Source::Embedded => RateBook::from_files(files).map(RateBook::built_in),
                    Source::Dir(_) => {
                        let built_in = SourceFiles::embedded().cards;
                        RateBook::layered(
                            files,
                            built_in.iter().map(|f| (f.label.as_str(), f.contents())),
                        )
                    }
                };
                book.map_err(|errors| {
                    errors
                        .into_iter()
                        .map(|e| Problem {
                            file: e.file,
                            line: e.line.and_then(|l| usize::try_from(l).ok()).unwrap_or(0),
                            column: 0,
                            message: e.message,
                        })
                        .collect()
                })
            })
            .as_ref()
            .map_err(|problems| Error::Problems(problems.clone()))
    }

    /// How many rate cards the source itself holds (for a plans directory,
    /// not counting the built-in cards that fill its gaps).
    ///
    /// # Errors
    ///
    /// Every problem in every rate-card file.
    pub fn own_card_count(&self) -> Result<usize, Error> {
        let cards = self.rate_book()?.cards();
        Ok(match self.source {
            Source::Embedded => cards.len(),
            Source::Dir(_) => cards.iter().filter(|c| !c.is_built_in()).count(),
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

/// What the catalog remembers about one rate card: how bills name it, and
/// the markets resolved so far (text as written, market on the card).
struct CardMemo {
    key: (Currency, Date),
    description: Rc<str>,
    markets: Vec<(String, Rc<str>)>,
}

impl CardMemo {
    fn new(card: &RateCard) -> Self {
        Self {
            key: (card.currency(), card.effective()),
            description: card.describe().into(),
            markets: Vec::new(),
        }
    }
}

/// Prices one usage on one plan, resolving Meta message counts against the
/// rate card in force for the usage's month in the plan's currency.
///
/// # Errors
///
/// Wrong unit, free plan, Meta usage that cannot be priced ([`Error::Meta`]
/// names the usage as written), overflow.
pub fn price<'p>(catalog: &Catalog, plan: &'p Plan, usage: &Usage) -> Result<Bill<'p>, Error> {
    bill::check_unit(plan, usage.unit)?;
    let direct = plan.product == Product::Direct;
    // A spreadsheet that fills unused cells with 0 gives a zero Meta amount,
    // zero message counts or a zero markup on Connect rows: that is no Meta
    // usage, not an error. Anything non-zero there still is one.
    let meta = match &usage.meta {
        MetaUsage::None => MetaCharges::None,
        MetaUsage::Amount(amount) if !direct && amount.is_zero() => MetaCharges::None,
        MetaUsage::Amount(amount) => MetaCharges::Amount(
            amount
                .in_currency(plan.currency)
                .map_err(|m| Error::Input(format!("Meta amount: {m}")))?,
        ),
        MetaUsage::Messages(counts) if !direct && counts.iter().all(|c| c.count == 0) => {
            MetaCharges::None
        }
        MetaUsage::Messages(counts) if direct => {
            price_messages(catalog, catalog.rate_book()?, plan, usage, counts)?
        }
        MetaUsage::Messages(_) => {
            return Err(BillError::NotDirect {
                plan: plan.id.clone(),
                product: plan.product,
                what: "Meta charges",
            }
            .into());
        }
    };
    let markup = usage.markup_percent.filter(|m| direct || !m.is_zero());
    let mut bill = bill::bill(plan, usage.count, markup, meta)?;
    bill.month = Some(usage.month);
    Ok(bill)
}

/// Prices Meta message counts on the card in force: counts of the same
/// category and market are added up first (volume tiers count the whole
/// month), then the month is priced by Meta's rules
/// ([`RateCard::price_month`]), each market × category on one line.
fn price_messages(
    catalog: &Catalog,
    book: &RateBook,
    plan: &Plan,
    usage: &Usage,
    counts: &[MetaCount],
) -> Result<MetaCharges, Error> {
    let month = usage.month;
    let spec = |c: &MetaCount| {
        format!(
            "{}:{}={}",
            c.category,
            crate::shown::Shown(&c.market),
            c.count
        )
    };
    let card = book
        .card_for(plan.currency, month)
        .map_err(|source| Error::Input(source.to_string()))?;
    // One entry per market × category: (category, market, total count, first usage as given).
    let mut merged: Vec<(Category, Rc<str>, u64, usize)> = Vec::with_capacity(counts.len());
    for (index, count) in counts.iter().enumerate() {
        let category = count.category;
        let market = catalog
            .resolve_market(book, card, &count.market)
            .map_err(|source| Error::Meta {
                index,
                spec: spec(count),
                source,
            })?;
        match merged
            .iter_mut()
            .find(|(c, m, _, _)| *c == category && *m == market)
        {
            Some((_, _, total, _)) => {
                *total = total.checked_add(count.count).ok_or_else(|| {
                    Error::Input(format!(
                        "{}: the message counts for {market} add up past {}",
                        spec(count),
                        u64::MAX
                    ))
                })?;
            }
            None => merged.push((category, market, count.count, index)),
        }
    }
    let month_counts: Vec<MonthCount<'_>> = merged
        .iter()
        .map(|(category, market, count, _)| MonthCount {
            category: *category,
            market,
            count: *count,
        })
        .collect();
    let free_service = if rules::free_service_tier_applies(month) {
        rules::free_service_allowance(usage.phone_numbers)
    } else {
        0
    };
    let lines = card
        .price_month(&month_counts, free_service)
        .map_err(|(i, source)| {
            let index = merged[i].3;
            Error::Meta {
                index,
                spec: spec(&counts[index]),
                source,
            }
        })?;
    Ok(MetaCharges::Priced {
        card: catalog.card_description(card),
        card_notes: card_notes(card, month),
        lines,
    })
}

/// What a bill of `month` priced on `card` must say about the card: that
/// it is stale, a secondary source, partial, or list rates only.
fn card_notes(card: &RateCard, month: Month) -> Vec<std::borrow::Cow<'static, str>> {
    let name = format!("the Meta {} card of {}", card.currency(), card.effective());
    let mut notes: Vec<std::borrow::Cow<'static, str>> = Vec::new();
    if let Some(stale) = card.staleness(month) {
        notes.push(stale.into());
    }
    if !card.is_primary() {
        notes.push(
            format!(
                "{name} is a secondary source (a third party's copy of Meta's figures, not Meta's \
                 own file): check the rates against Meta's published card before sending this"
            )
            .into(),
        );
    }
    if let Some(covers) = card.partial_rates() {
        notes.push(
            format!("{name} is partial ({covers}): markets it lacks are refused, never guessed")
                .into(),
        );
    }
    if !card.has_volume_tiers() {
        notes.push(
            format!(
                "{name} gives list rates only (no volume tiers were published with it): \
                 every message is priced at list rate, which can be above what Meta bills at high volumes"
            )
            .into(),
        );
    }
    notes
}
