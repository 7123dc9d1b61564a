//! JSON Lines rows written straight into the output buffer: the same bytes
//! as serializing [`super::BillRow`] / [`super::BadRow`] with `serde_json`
//! (a test holds them together), without building a value per row.

use crate::bill::Bill;
use crate::render::json::{
    Descriptions, push_decimal, push_str, push_u128, write_bill_fields_with,
};

/// `"input":{...}`: the row's cells by column name (missing cells empty,
/// bytes that are not UTF-8 replaced).
fn input(out: &mut Vec<u8>, names: &[String], cells: &[&[u8]]) {
    input_of(out, names, |i| cells.get(i).copied());
}

/// [`input`], the cells from `cell` (`None` past the last).
pub(super) fn input_of<'a>(
    out: &mut Vec<u8>,
    names: &[String],
    cell: impl Fn(usize) -> Option<&'a [u8]>,
) {
    out.extend_from_slice(b"\"input\":{");
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_str(out, name);
        out.push(b':');
        push_cell(out, cell(i).unwrap_or_default());
    }
    out.push(b'}');
}

/// An input cell as a JSON string, bytes that are not UTF-8 replaced.
pub(super) fn push_cell(out: &mut Vec<u8>, cell: &[u8]) {
    match std::str::from_utf8(cell) {
        Ok(text) => push_str(out, text),
        Err(_) => push_str(out, &String::from_utf8_lossy(cell)),
    }
}

pub(super) fn row_number(out: &mut Vec<u8>, row: u64) {
    out.extend_from_slice(b"{\"row\":");
    push_u128(out, u128::from(row));
    out.push(b',');
}

/// A priced row: `{"row":N,<the bill>,"input":{...}}`; with a vs bill,
/// `"vs":{<the vs bill>},"change":"<total − vs total>"` before `input`.
pub(super) fn bill_row(
    (out, descriptions): (&mut Vec<u8>, &mut Descriptions),
    row: u64,
    bill: &Bill<'_>,
    vs: Option<&Bill<'_>>,
    names: &[String],
    cells: &[&[u8]],
) {
    row_number(out, row);
    write_bill_fields_with(out, bill, descriptions);
    out.push(b',');
    if let Some(vs) = vs {
        out.extend_from_slice(b"\"vs\":{");
        write_bill_fields_with(out, vs, descriptions);
        out.extend_from_slice(b"},\"change\":");
        push_decimal(out, bill.total.saturating_sub(vs.total));
        out.push(b',');
    }
    input(out, names, cells);
    out.push(b'}');
}

/// A bad row: `{"row":N,"column":...,"error":...,"input":{...}}`.
pub(super) fn bad_row(
    out: &mut Vec<u8>,
    row: u64,
    column: Option<&str>,
    error: &str,
    names: &[String],
    cells: &[&[u8]],
) {
    bad_row_start(out, row, column, error);
    input(out, names, cells);
    out.push(b'}');
}

/// A bad row up to its input: `{"row":N,"column":...,"error":...,`.
pub(super) fn bad_row_start(out: &mut Vec<u8>, row: u64, column: Option<&str>, error: &str) {
    row_number(out, row);
    if let Some(column) = column {
        out.extend_from_slice(b"\"column\":");
        push_str(out, column);
        out.push(b',');
    }
    out.extend_from_slice(b"\"error\":");
    push_str(out, error);
    out.push(b',');
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use proptest::prelude::*;
    use rust_decimal::Decimal;

    use super::super::{BadRow, BillRow, InputJson};
    use super::{bad_row, bill_row};
    use crate::calendar::Month;
    use crate::catalog::{self, Catalog};
    use crate::load::Source;
    use crate::meta::Category;
    use crate::usage::{Amount, MetaCount, MetaUsage, Usage};

    const MARKETS: [&str; 6] = ["IN", "BR", "US", "India", "Other", "DE"];

    fn names() -> Vec<String> {
        ["account", "plan", "sent", "a\"b\\c\u{1}", "é"]
            .map(str::to_owned)
            .to_vec()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// The direct writer gives serde's bytes on random bills: every
        /// plan, Meta amounts and message counts (tiered, free service,
        /// notes), markups, and cells that need escaping.
        #[test]
        fn direct_rows_are_serde_rows(
            plan in 0usize..64,
            count in prop_oneof![0u64..2_000_000, any::<u64>()],
            meta in prop::collection::vec((0usize..5, 0usize..MARKETS.len(), 0u64..5_000_000), 0..4),
            amount in prop::option::of(0i64..10_000_000),
            markup in prop::option::of(0i64..5000),
            month in 0u32..12,
            row in any::<u64>(),
            cells in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..12), 0..6),
        ) {
            let catalog = Catalog::load(Source::Embedded).unwrap();
            let plan = &catalog.plans[plan % catalog.plans.len()];
            let meta = match amount {
                Some(a) if meta.is_empty() => MetaUsage::Amount(Amount {
                    value: Decimal::new(a, 2),
                    currency: None,
                }),
                _ if meta.is_empty() => MetaUsage::None,
                _ => MetaUsage::Messages(
                    meta.iter()
                        .map(|&(c, m, n)| MetaCount {
                            category: Category::ALL[c % Category::ALL.len()],
                            market: Arc::from(MARKETS[m]),
                            count: n,
                        })
                        .collect(),
                ),
            };
            let usage = Usage {
                unit: None,
                count,
                meta,
                markup_percent: markup.map(|m| Decimal::new(m, 2)),
                month: Month::new(2026, month + 1).unwrap(),
                phone_numbers: 1,
            };
            let names = names();
            let cells: Vec<&[u8]> = cells.iter().map(Vec::as_slice).collect();
            let mut direct = Vec::new();
            match catalog::price(&catalog, plan, &usage) {
                Ok(bill) => {
                    // Without a vs bill, and with one (the row's own bill
                    // priced in another month, as `--vs-month` does).
                    let vs_usage = Usage { month: Month::new(2026, 12 - month).unwrap(), ..usage.clone() };
                    let vs = catalog::price(&catalog, plan, &vs_usage).ok();
                    // One cache for the case's bills, as a batch keeps one
                    // for its run: the second bill reads what the first made.
                    let mut descriptions = crate::render::json::Descriptions::default();
                    for vs in [None, vs.as_ref()] {
                        let serde = serde_json::to_vec(&BillRow {
                            row,
                            bill: crate::render::json::BillJson::new(&bill, false),
                            vs: vs.map(|vs| crate::render::json::BillJson::new(vs, false)),
                            change: vs.map(|vs| bill.total.saturating_sub(vs.total).to_string()),
                            input: InputJson { names: &names, cells: &cells },
                        })
                        .unwrap();
                        direct.clear();
                        bill_row((&mut direct, &mut descriptions), row, &bill, vs, &names, &cells);
                        prop_assert_eq!(String::from_utf8(direct.clone()).unwrap(), String::from_utf8(serde).unwrap());
                    }
                }
                Err(error) => {
                    let text = format!("{error}\t\u{7f}\u{1b}");
                    for column in [None, Some("utility:BR")] {
                        let serde = serde_json::to_vec(&BadRow {
                            row,
                            column,
                            error: &text,
                            input: InputJson { names: &names, cells: &cells },
                        })
                        .unwrap();
                        direct.clear();
                        bad_row(&mut direct, row, column, &text, &names, &cells);
                        prop_assert_eq!(String::from_utf8(direct.clone()).unwrap(), String::from_utf8(serde).unwrap());
                    }
                }
            }
        }

        #[test]
        fn ascii_escapes_like_serde(text in "[\\x00-\\x7f]{0,40}", plain in "[ -~]{0,40}") {
            // Escapes anywhere in eight-byte words, or none at all.
            for text in [text.clone(), plain.replace(['"', '\\'], ""), format!("{plain}{text}")] {
                let mut direct = Vec::new();
                crate::render::json::push_str(&mut direct, &text);
                prop_assert_eq!(direct, serde_json::to_vec(&text).unwrap());
            }
        }

        #[test]
        fn strings_escape_like_serde(text in any::<String>()) {
            let mut direct = Vec::new();
            crate::render::json::push_str(&mut direct, &text);
            prop_assert_eq!(direct, serde_json::to_vec(&text).unwrap());
        }
    }
}
