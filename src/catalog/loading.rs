//! Loading: the plans and Meta rate cards of one source, read and
//! validated, with the built-in cards layered under a plans directory's
//! own. The rate book is parsed on first use. The only I/O here is
//! reading the source's files.

use std::cell::OnceCell;

use super::memo::Memo;
use crate::error::Error;
use crate::load::{self, Problem, Source, SourceFiles};
use crate::meta::RateBook;
use crate::plan::Plan;

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
    /// What pricing remembers per card (see [`Memo`]).
    pub(super) memo: Memo,
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
            memo: Memo::default(),
        }
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
