//! Meta's volume tiers: the side-by-side blocks of Meta's tiers file, one
//! tier from its cells, and assembling and validating the tiers of each
//! market × category (both layouts).

use std::collections::HashMap;

use std::str::FromStr;

use super::card::Tier;
use super::category::Category;
use super::cells::{Row, is_na, key, parse_count, parse_rate};
use super::error::CardError;
use super::files::{CardFile, Ctx, TierSet, TiersFile, check_currency, partial_note};
use super::names;

pub(super) fn parse_original_tiers(
    ctx: &Ctx<'_>,
    notes: &[Row],
    header: &Row,
    data: &[&Row],
) -> Result<CardFile, Vec<CardError>> {
    let label = ctx.label;
    // The category row names each block above its first column.
    let categories: Vec<(usize, Category)> = notes
        .iter()
        .map(|r| {
            r.cells
                .iter()
                .enumerate()
                .skip(1)
                .filter_map(|(i, c)| Category::from_str(c.trim()).ok().map(|cat| (i, cat)))
                .collect::<Vec<_>>()
        })
        .find(|found| !found.is_empty())
        .unwrap_or_default();
    if categories.is_empty() {
        return Err(vec![CardError::at(
            label,
            header.line,
            "no category row (Utility, Authentication, Authentication-International) above the header",
        )]);
    }
    let keys: Vec<String> = header.cells.iter().map(|c| key(c)).collect();
    let Some(currency_col) = keys.iter().position(|k| k == "currency") else {
        return Err(vec![CardError::at(
            label,
            header.line,
            "the header has no Currency column",
        )]);
    };
    let blocks = tier_blocks(label, header.line, &keys, &categories)?;
    let mut errors = Vec::new();
    let mut currency = ctx.currency;
    let mut collector = TierCollector::default();
    let mut market: Option<String> = None;
    for row in data {
        let name = row.cell(0);
        if !name.is_empty() {
            market = Some(name.to_owned());
        }
        let Some(market) = &market else {
            errors.push(
                CardError::at(label, row.line, "the first tier row has no market name").in_cell(0),
            );
            continue;
        };
        if let Err(e) = check_currency(
            label,
            row,
            currency_col,
            &mut currency,
            "from the title row",
        ) {
            errors.push(e);
            continue;
        }
        for &(category, cols) in &blocks {
            let cells = [cols.from, cols.to, cols.rate].map(|i| row.cell(i));
            if cells.iter().all(|c| is_na(c)) {
                continue;
            }
            let what = format!("{market} {category}");
            match tier_from_row(label, row, &what, cols) {
                Ok(tier) => collector.push(market, category, row.line, None, tier),
                Err(e) => errors.push(e),
            }
        }
    }
    finish_tiers(ctx, collector, errors)
}

/// One side-by-side block of Meta's tiers file: its category and the
/// columns of From, To, Rate and (optionally) "vs. List rate".
pub(super) type Block = (Category, TierColumns);

/// Finds the blocks of the header: each `From` column starts one, whose
/// category is the nearest category cell at or left of it.
pub(super) fn tier_blocks(
    label: &str,
    line: u64,
    keys: &[String],
    categories: &[(usize, Category)],
) -> Result<Vec<Block>, Vec<CardError>> {
    let mut blocks = Vec::new();
    let mut errors = Vec::new();
    for (from_col, _) in keys.iter().enumerate().filter(|(_, k)| *k == "from") {
        let next_from = keys
            .iter()
            .enumerate()
            .skip(from_col + 1)
            .find(|(_, k)| *k == "from")
            .map_or(keys.len(), |(i, _)| i);
        let find =
            |pred: &dyn Fn(&str) -> bool| (from_col + 1..next_from).find(|&i| pred(&keys[i]));
        let category = categories
            .iter()
            .rev()
            .find(|(col, _)| *col <= from_col)
            .map(|(_, c)| *c);
        let (Some(category), Some(to), Some(rate)) =
            (category, find(&|k| k == "to"), find(&|k| k == "rate"))
        else {
            errors.push(CardError::at(
                label,
                line,
                format!(
                    "the From column {} has no category above it, or no To and Rate columns after it",
                    from_col + 1
                ),
            ));
            continue;
        };
        if !category.has_volume_tiers() {
            errors.push(CardError::at(
                label,
                line,
                format!("{category} messages have no volume tiers"),
            ));
            continue;
        }
        let discount = find(&|k| k.starts_with("vslist"));
        blocks.push((
            category,
            TierColumns {
                from: from_col,
                to,
                rate,
                discount,
            },
        ));
    }
    if errors.is_empty() {
        Ok(blocks)
    } else {
        Err(errors)
    }
}

/// Where one tier's cells are: From, To, Rate and, optionally, Meta's
/// "vs. List rate".
#[derive(Clone, Copy)]
pub(super) struct TierColumns {
    pub(super) from: usize,
    pub(super) to: usize,
    pub(super) rate: usize,
    pub(super) discount: Option<usize>,
}

/// Parses one tier from its cells; `what` names the market and category.
pub(super) fn tier_from_row(
    label: &str,
    row: &Row,
    what: &str,
    cols: TierColumns,
) -> Result<Tier, CardError> {
    let line = row.line;
    let from = parse_count(label, line, &format!("{what} From"), row.cell(cols.from))
        .map_err(|e| e.in_cell(cols.from))?;
    let to = match row.cell(cols.to) {
        "" | "--" => None,
        to => Some(
            parse_count(label, line, &format!("{what} To"), to).map_err(|e| e.in_cell(cols.to))?,
        ),
    };
    let rate = parse_rate(label, line, &format!("{what} Rate"), row.cell(cols.rate))
        .and_then(|rate| {
            rate.ok_or_else(|| {
                CardError::at(
                    label,
                    line,
                    format!("{what}: the tier has bounds but its rate is n/a"),
                )
            })
        })
        .map_err(|e| e.in_cell(cols.rate))?;
    let discount_vs_list = cols
        .discount
        .map(|i| row.cell(i))
        .filter(|d| !is_na(d))
        .map(str::to_owned);
    Ok(Tier {
        from,
        to,
        rate,
        discount_vs_list,
    })
}

/// Where a tier came from: its line and, in normalized files, its `tier`
/// number.
pub(super) type TierOrigin = (u64, Option<u64>);

/// Tiers grouped by market × category in order of first appearance.
#[derive(Default)]
pub(super) struct TierCollector {
    pub(super) index: HashMap<(String, Category), usize>,
    /// Each set with, per tier, its line and its `tier` number.
    pub(super) sets: Vec<(TierSet, Vec<TierOrigin>)>,
}

impl TierCollector {
    /// Adds a tier; `ordinal` is the normalized file's `tier` number.
    pub(super) fn push(
        &mut self,
        market: &str,
        category: Category,
        line: u64,
        ordinal: Option<u64>,
        tier: Tier,
    ) {
        let k = (names::normalize(market), category);
        let at = *self.index.entry(k).or_insert_with(|| {
            self.sets.push((
                TierSet {
                    market: market.to_owned(),
                    category,
                    tiers: Vec::new(),
                    first_line: line,
                },
                Vec::new(),
            ));
            self.sets.len() - 1
        });
        let (set, meta) = &mut self.sets[at];
        set.tiers.push(tier);
        meta.push((line, ordinal));
    }
}

pub(super) fn finish_tiers(
    ctx: &Ctx<'_>,
    collector: TierCollector,
    mut errors: Vec<CardError>,
) -> Result<CardFile, Vec<CardError>> {
    let label = ctx.label;
    let mut sets = Vec::new();
    for (mut set, mut meta) in collector.sets {
        // Normalized files number their tiers; order by that number and
        // insist on 0, 1, 2, ...
        if meta.iter().all(|(_, o)| o.is_some()) {
            let mut paired: Vec<_> = meta.into_iter().zip(set.tiers).collect();
            paired.sort_by_key(|((_, o), _)| *o);
            let mut numbering_ok = true;
            for (expected, ((line, ordinal), _)) in (0_u64..).zip(&paired) {
                if *ordinal != Some(expected) {
                    errors.push(CardError::at(
                        label,
                        *line,
                        format!(
                            "{} {} tier number {} is out of sequence; tiers are numbered 0, 1, 2, ... (expected {expected})",
                            set.market,
                            set.category,
                            ordinal.unwrap_or_default()
                        ),
                    ));
                    numbering_ok = false;
                    break;
                }
            }
            (meta, set.tiers) = paired.into_iter().unzip();
            if !numbering_ok {
                continue;
            }
        }
        set.first_line = meta.first().map_or(set.first_line, |(l, _)| *l);
        let lines: Vec<u64> = meta.iter().map(|(l, _)| *l).collect();
        match validate_tiers(label, &set, &lines, partial_note(&ctx.provenance).is_some()) {
            Ok(()) => sets.push(set),
            Err(e) => errors.push(e),
        }
    }
    if sets.is_empty() && errors.is_empty() {
        errors.push(CardError::file(
            label,
            "no tiers in the file; it looks truncated",
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let Some(currency) = ctx.currency else {
        return Err(vec![CardError::file(label, "no currency found")]);
    };
    Ok(CardFile::Tiers(TiersFile {
        label: label.to_owned(),
        format: ctx.format,
        currency,
        effective: ctx.effective,
        provenance: ctx.provenance.clone(),
        sets,
    }))
}

/// The first tier starts at 0, each next one right after the previous one
/// ends, only the last is open and the last must be open. A file that says
/// it is partial (`# Partial: ...`) may leave gaps and end closed: the
/// tiers it does not publish are refused when a count reaches them.
pub(super) fn validate_tiers(
    label: &str,
    set: &TierSet,
    lines: &[u64],
    partial: bool,
) -> Result<(), CardError> {
    let what = format!("{} {}", set.market, set.category);
    let mut previous_to: Option<u64> = None;
    for (i, (tier, &line)) in set.tiers.iter().zip(lines).enumerate() {
        if i == 0 {
            if tier.from != 0 {
                return Err(CardError::at(
                    label,
                    line,
                    format!(
                        "{what} tiers must start at 0 (Meta writes the first tier From 0); this one starts at {}",
                        tier.from
                    ),
                ));
            }
        } else {
            let Some(prev) = previous_to else {
                return Err(CardError::at(
                    label,
                    lines[i - 1],
                    format!(
                        "{what}: only the last tier may be open (To `--`), but another tier follows this one"
                    ),
                ));
            };
            let expected = prev.saturating_add(1);
            if tier.from < expected {
                return Err(CardError::at(
                    label,
                    line,
                    format!(
                        "{what} tier From {} overlaps the previous tier, which ends at {prev}; it should start at {expected}",
                        tier.from
                    ),
                ));
            }
            if tier.from > expected && !partial {
                return Err(CardError::at(
                    label,
                    line,
                    format!(
                        "{what} tier From {} leaves a gap after the previous tier, which ends at {prev}; it should start at {expected}",
                        tier.from
                    ),
                ));
            }
        }
        if let Some(to) = tier.to
            && to < tier.from
        {
            return Err(CardError::at(
                label,
                line,
                format!(
                    "{what} tier ends (To {to}) before it starts (From {})",
                    tier.from
                ),
            ));
        }
        previous_to = tier.to;
    }
    if previous_to.is_some() && !partial {
        return Err(CardError::at(
            label,
            lines.last().copied().unwrap_or_default(),
            format!(
                "{what}: the last tier must be open (To `--` or empty) so that every count has a rate; \
                 a file that knowingly lacks tiers says so in a `# Partial: ...` comment line"
            ),
        ));
    }
    Ok(())
}
