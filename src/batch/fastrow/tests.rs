//! The fast path held to the engine: both paths on the same input must
//! write the same bytes (stdout and stderr), CSV and JSON Lines, with and
//! without `--vs-month`.

use std::fmt::Write as _;

use proptest::prelude::*;

use super::super::{Format, Options, run};
use crate::calendar::Month;
use crate::catalog::Catalog;
use crate::load::Source;
use crate::vs::VsPricing;

/// Cells of each kind: plain ones the fast path prices, and the
/// spellings, mistakes and rules it must leave to the engine.
const PLANS: [&str; 9] = [
    "connect-10k",
    "connect-250k",
    "direct-25k",
    "direct-100k",
    "direct-in-25k",
    "",
    " direct-50k ",
    "nope",
    "free",
];
const COUNTS: [&str; 14] = [
    "",
    "0",
    "15000",
    "104729",
    "1200000",
    "15,000",
    " 7 ",
    // Space on one side only: read as the count, not written as JSON
    // writes it.
    "7 ",
    " 7",
    "-5",
    "1.5",
    "007",
    "18446744073709551615",
    "99999999999999999999",
];
const AMOUNTS: [&str; 10] = [
    "",
    "0",
    "37.01",
    "1250.4",
    "0.005",
    "$5",
    "12.",
    ".5",
    "1e3",
    "123456789012.345678",
];
const MARKUPS: [&str; 7] = ["", "10", "0", "12.5", "0.10", "10%", "x"];
const MONTHS: [&str; 8] = [
    "", "2026-11", "2026-10", "2026-04", "2025-10", "2027-01", "2026-13", " 2026-07",
];
const PHONES: [&str; 4] = ["", "1", "0", "x"];
/// Meta columns: markets by code, name and alias, on one line twice,
/// sharing a counter, service, a market no card has.
const META: [&str; 9] = [
    "marketing:IN",
    "utility:BR",
    "marketing:India",
    "authentication:IN",
    "authentication_international:IN",
    "service:IN",
    "utility:KZ",
    "marketing:Atlantis",
    "utility:AR",
];

fn batch(
    catalog: &Catalog,
    input: &str,
    format: Format,
    fast: bool,
    vs: Option<&VsPricing>,
) -> (u8, String, String) {
    let mut options =
        Options::new(catalog, Some("direct-25k"), format, Month::of(2026, 11)).unwrap();
    options.fast_path = fast;
    options.vs = vs;
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run(catalog, &options, input.as_bytes(), &mut out, &mut err).unwrap();
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

fn pick<'a>(list: &[&'a str], i: usize) -> &'a str {
    list[i % list.len()]
}

/// Mostly one of the first `plain` of `list`, now and then any.
fn mostly<'a>(list: &[&'a str], plain: usize, i: usize) -> &'a str {
    if i % 8 == 0 {
        pick(list, i / 8)
    } else {
        pick(&list[..plain], i / 8)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Every row the fast path prices or refuses comes out exactly as
    /// the engine writes it, summary included: amounts, vs totals and
    /// changes, errors, row counts and totals per currency.
    #[test]
    fn fast_rows_are_engine_rows(
        columns in prop::sample::subsequence(META.to_vec(), 0..=META.len()),
        rows in prop::collection::vec(
            (any::<usize>(), any::<usize>(), any::<bool>(), any::<usize>(), any::<usize>(),
             any::<usize>(), any::<usize>(), prop::collection::vec((any::<usize>(), 0u64..400_000), 9)),
            1..40),
        vs in prop::option::of(prop::sample::select(vec![Month::of(2026, 7), Month::of(2026, 4), Month::of(2027, 1)])),
    ) {
        let catalog = Catalog::load(Source::Embedded).unwrap();
        let mut text = String::from("account,plan,sent,conversations,meta_amount,markup,month,phone_numbers");
        for c in &columns {
            text.push(',');
            text.push_str(c);
        }
        text.push('\n');
        for (i, (plan, count, sent, amount, markup, month, phones, meta)) in rows.iter().enumerate() {
            let count = pick(&COUNTS, *count);
            let (sent, conversations) = if *sent { (count, "") } else { ("", count) };
            // A quoted cell makes the line one the splitter reads cell by
            // cell; a line without quotes is also copied as written.
            let quote = if amount % 2 == 0 { "" } else { "\"" };
            let amount = if amount % 3 == 0 { pick(&AMOUNTS, amount / 3) } else { "" };
            let mut line = format!(
                "acct-{i},{},{sent},{conversations},{quote}{amount}{quote},{},{},{}",
                pick(&PLANS, *plan), pick(&MARKUPS, *markup), pick(&MONTHS, *month), pick(&PHONES, *phones)
            );
            for (j, _) in columns.iter().enumerate() {
                let (kind, n) = meta[j];
                line.push(',');
                match kind % 4 {
                    0 => {}
                    1 | 2 => line.push_str(&n.to_string()),
                    _ => line.push_str(pick(&COUNTS, kind / 4)),
                }
            }
            text.push_str(&line);
            text.push('\n');
        }
        let vs = vs.map(VsPricing::Month);
        for format in [Format::Csv, Format::Jsonl] {
            let engine = batch(&catalog, &text, format, false, vs.as_ref());
            let fast = batch(&catalog, &text, format, true, vs.as_ref());
            prop_assert_eq!(fast, engine, "input:\n{}", text);
        }
    }
}

#[test]
fn the_bench_rows_take_the_fast_path_and_agree() {
    // Rows as bench/batch.sh writes them: Connect counts, and Direct
    // rows with India marketing and Brazil utility counts over three
    // months (the INR plan's card refuses Brazil).
    let catalog = Catalog::load(Source::Embedded).unwrap();
    let mut text = String::from("account,plan,sent,conversations,marketing:IN,utility:BR,month\n");
    let direct = [
        "direct-25k",
        "direct-50k",
        "direct-100k",
        "direct-250k",
        "direct-in-25k",
    ];
    for i in 0..2_000u64 {
        let plan = direct[(i / 2 % 5) as usize];
        let _ = writeln!(
            text,
            "acct-{i},{plan},,{},{},{},2026-{:02}",
            i * 104_729 % 1_200_000,
            i * 37 % 100_000,
            i * 13 % 300_000,
            10 + i % 3
        );
    }
    let vs = VsPricing::Month(Month::of(2026, 7));
    for format in [Format::Csv, Format::Jsonl] {
        for vs in [None, Some(&vs)] {
            let fast = batch(&catalog, &text, format, true, vs);
            let engine = batch(&catalog, &text, format, false, vs);
            for (fast, engine) in fast.1.lines().zip(engine.1.lines()) {
                assert_eq!(fast, engine);
            }
            assert_eq!(fast, engine);
        }
    }
}

/// Plans in currencies of every card shipped (CLP has no minor unit),
/// and in currencies no card has (KWD, JPY), with fractional markups,
/// fair use and rates finer than the minor unit: the shipped plans
/// beside them, in a directory of their own.
const MORE_PLANS: &str = r#"
[[plan]]
id = "direct-clp"
name = "Direct CLP"
product = "direct"
currency = "CLP"
base_fee = "15000"
included = 1000
overage_rate = "12.5"
fair_use_limit = 5000
fair_use_rate = "20.25"
markup_percent = "12.5"

[[plan]]
id = "connect-clp"
name = "Connect CLP"
product = "connect"
currency = "CLP"
base_fee = "9990"
included = 100
overage_rate = "0.5"

[[plan]]
id = "direct-brl"
name = "Direct BRL"
product = "direct"
currency = "BRL"
base_fee = "99.90"
included = 1000
overage_rate = "0.045"
markup_percent = "10.0"

[[plan]]
id = "direct-idr"
name = "Direct IDR"
product = "direct"
currency = "IDR"
base_fee = "1500000.00"
included = 1000
overage_rate = "150.5"
markup_percent = "0"

[[plan]]
id = "direct-eur"
name = "Direct EUR"
product = "direct"
currency = "EUR"
base_fee = "200"
included = 0
overage_rate = "0.01"
markup_percent = "7.25"
example = true

[[plan]]
id = "direct-gbp"
name = "Direct GBP"
product = "direct"
currency = "GBP"
base_fee = "0.005"
included = 10
overage_rate = "0.0000001"
markup_percent = "0.0"

[[plan]]
id = "direct-sar"
name = "Direct SAR"
product = "direct"
currency = "SAR"
base_fee = "100"
included = 10
overage_rate = "0.1"
markup_percent = "100"

[[plan]]
id = "direct-aed"
name = "Direct AED"
product = "direct"
currency = "AED"
base_fee = "100.00"
included = 10
overage_rate = "0.10"
markup_percent = "0.5"

[[plan]]
id = "direct-kwd"
name = "Direct KWD"
product = "direct"
currency = "KWD"
base_fee = "10.000"
included = 10
overage_rate = "0.0015"
markup_percent = "3"

[[plan]]
id = "direct-jpy"
name = "Direct JPY"
product = "direct"
currency = "JPY"
base_fee = "3000"
included = 10
overage_rate = "0.5"
fair_use_limit = 10
fair_use_rate = "1.5"
markup_percent = "10"

[[plan]]
id = "direct-usd-frac"
name = "Direct USD \"fractional\""
product = "direct"
currency = "USD"
base_fee = "0"
included = 0
overage_rate = "0.00005"
fair_use_limit = 0
fair_use_rate = "0.015"
markup_percent = "12.50"
"#;

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}

fn more_catalog() -> Catalog {
    catalog_with(MORE_PLANS)
}

/// Asserts that the fast path writes what the engine writes for `input`
/// (no default plan, billed in 2026-11), alone and with `--vs-month
/// vs_month`.
fn assert_agrees(catalog: &Catalog, input: &[u8], vs_month: Month) {
    for vs in [None, Some(VsPricing::Month(vs_month))] {
        let diff = differ(catalog, input, None, Month::of(2026, 11), vs.as_ref());
        assert!(diff.is_none(), "{}", diff.unwrap_or_default());
    }
}

/// Both paths on `input`; the outputs, when they differ.
fn differ(
    catalog: &Catalog,
    input: &[u8],
    plan: Option<&str>,
    month: Month,
    vs: Option<&VsPricing>,
) -> Option<String> {
    for format in [Format::Csv, Format::Jsonl] {
        let run_one = |fast: bool| {
            let mut options = Options::new(catalog, plan, format, month).unwrap();
            options.fast_path = fast;
            options.vs = vs;
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let code = run(catalog, &options, input, &mut out, &mut err).map_err(|e| e.to_string());
            (
                code,
                String::from_utf8_lossy(&out).into_owned(),
                String::from_utf8_lossy(&err).into_owned(),
            )
        };
        let (engine, fast) = (run_one(false), run_one(true));
        if engine != fast {
            let mut text = format!("{format:?}: ");
            if engine.0 != fast.0 {
                let _ = write!(text, "exit {:?} vs {:?}; ", fast.0, engine.0);
            }
            for (which, f, e) in [
                ("stdout", &fast.1, &engine.1),
                ("stderr", &fast.2, &engine.2),
            ] {
                for (i, (f, e)) in f.lines().zip(e.lines()).enumerate() {
                    if f != e {
                        let _ = write!(text, "{which} line {i}:\n fast:   {f}\n engine: {e}\n");
                        break;
                    }
                }
                if f.lines().count() != e.lines().count() {
                    let _ = writeln!(text, "{which}: line counts differ");
                }
            }
            return Some(text);
        }
    }
    None
}

const MORE_PLAN_IDS: [&str; 20] = [
    "direct-clp",
    "connect-clp",
    "direct-brl",
    "direct-idr",
    "direct-eur",
    "direct-gbp",
    "direct-sar",
    "direct-aed",
    "direct-kwd",
    "direct-jpy",
    "direct-usd-frac",
    "direct-25k",
    "direct-in-25k",
    "connect-10k",
    "",
    "Direct-25k",
    "direct-25k\u{a0}",
    "\tdirect-clp",
    "free",
    "direct-100k",
];
const MORE_COUNTS: [&str; 24] = [
    "",
    "0",
    "00",
    "1",
    "9",
    "10",
    "11",
    "999",
    "1000",
    "1001",
    "5000",
    "250000",
    "250001",
    "500000",
    "500001",
    "1000000000000",
    "+5",
    "-0",
    " 42\t",
    "42\u{a0}",
    "\u{b}42",
    "9999999999999999999",
    "18446744073709551615",
    "1_000",
];
const MORE_AMOUNTS: [&str; 18] = [
    "",
    "0",
    "0.0",
    "00.50",
    "0.005",
    "0.0049999",
    "0.5",
    "1.5",
    "2.5",
    "123456789012345678",
    "12345678901234567.8",
    "0.000000000000000001",
    "99999999999999999",
    " 7.125 ",
    "5.",
    ".5",
    "$5",
    "5 BRL",
];
const MORE_MARKUPS: [&str; 14] = [
    "",
    "0",
    "00",
    "100",
    "007",
    "9999999999999999999",
    "1000000",
    " 3 ",
    "0.0",
    "12.5",
    "1%",
    "0.5",
    "+3",
    "3\u{a0}",
];
const MORE_MONTHS: [&str; 20] = [
    "",
    "2026-11",
    "2026-10",
    "2026-09",
    "2026-07",
    "2026-06",
    "2026-04",
    "2026-03",
    "2026-01",
    "2025-10",
    "2025-09",
    "2027-01",
    "2030-12",
    "2100-02",
    "2026-1",
    " 2026-11 ",
    "2026-11\u{a0}",
    "1999-12",
    "0001-01",
    "9999-12",
];
const MORE_PHONES: [&str; 6] = ["", "0", "1", "5", "+1", "1.0"];
const MORE_META: [&str; 24] = [
    "marketing:CL",
    "utility:Chile",
    "utility:BR",
    "authentication:BR",
    "marketing:Brazil",
    "utility:ID",
    "authentication:ID",
    "utility:Indonesia",
    "marketing:SA",
    "utility:AE",
    "marketing:DE",
    "marketing:FR",
    "utility:GB",
    "marketing:IN",
    "utility:IN",
    "authentication:IN",
    "authentication_international:IN",
    "marketing:US",
    "utility:US",
    "authentication:US",
    "marketing:Other",
    "service:BR",
    "marketing: in",
    "utility:Rest of Latin America",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// [`fast_rows_are_engine_rows`] on plans in every card's currency
    /// and in currencies no card has, cells written every way, line
    /// ends of each kind, rows of the wrong width and quoted cells.
    #[test]
    fn fast_rows_are_engine_rows_in_every_currency(
        columns in prop::sample::subsequence(MORE_META.to_vec(), 0..=6),
        order in any::<u64>(),
        rows in prop::collection::vec(
            (any::<[usize; 8]>(), prop::collection::vec((any::<usize>(), 0u64..2_000_000), 6)),
            1..30),
        vs in prop::option::of(0usize..MORE_MONTHS.len()),
        month in 0usize..MORE_MONTHS.len(),
        default in 0usize..4,
        ends in 0usize..4,
    ) {
        let catalog = more_catalog();
        let mut names = vec!["account", "plan", "sent", "conversations", "meta_amount", "markup", "month", "phone_numbers"];
        names.extend(columns.iter().copied());
        // Some headers in another order.
        if order % 3 == 0 {
            let n = names.len();
            names.rotate_left((order / 3) as usize % n);
        }
        let end = ["\n", "\r\n", "\r", "\n"][ends];
        let mut text = names.join(",");
        text.push_str(end);
        for (i, (picks, meta)) in rows.iter().enumerate() {
            let count = mostly(&MORE_COUNTS, 16, picks[1]);
            let plan = mostly(&MORE_PLAN_IDS, 15, picks[0]);
            // Mostly in the plan's own unit.
            let connect = plan.contains("connect") || (plan.is_empty() && default == 3);
            let (sent, conversations) = if connect == (picks[7] % 9 == 0) { ("", count) } else { (count, "") };
            let amount = if picks[2] % 3 == 0 { mostly(&MORE_AMOUNTS, 14, picks[2] / 3) } else { "" };
            let markup = if picks[3] % 2 == 0 { mostly(&MORE_MARKUPS, 8, picks[3] / 2) } else { "" };
            let mut cells: Vec<String> = names.iter().map(|name| match *name {
                "account" => format!("acct-{i}"),
                "plan" => plan.to_owned(),
                "sent" => sent.to_owned(),
                "conversations" => conversations.to_owned(),
                "meta_amount" => amount.to_owned(),
                "markup" => markup.to_owned(),
                "month" => mostly(&MORE_MONTHS, 14, picks[4]).to_owned(),
                "phone_numbers" => mostly(&MORE_PHONES, 4, picks[5]).to_owned(),
                _ => String::new(),
            }).collect();
            let mut m = 0;
            for (name, cell) in names.iter().zip(cells.iter_mut()) {
                if name.contains(':') {
                    let (kind, n) = meta[m % meta.len()];
                    m += 1;
                    *cell = match kind % 5 {
                        0 => String::new(),
                        1 | 2 => n.to_string(),
                        3 => (n % 3).to_string(),
                        _ => mostly(&MORE_COUNTS, 16, kind / 5).to_owned(),
                    };
                }
            }
            // Quoted cells, a row short or long by one.
            match picks[6] % 48 {
                0 => cells[0] = format!("\"{}\"", cells[0]),
                1 => cells[1] = format!("\"{}\"", cells[1]),
                2 => { cells.pop(); }
                3 => cells.push("extra".to_owned()),
                4 => cells[0] = "\"a,\"\"b\"\"\"".to_owned(),
                5 => cells[0] = "é\u{1}\\".to_owned(),
                _ => {}
            }
            text.push_str(&cells.join(","));
            text.push_str(if picks[7] % 11 == 3 { "\r\n" } else { end });
        }
        let plan = [None, Some("direct-25k"), Some("direct-clp"), Some("connect-clp")][default];
        let vs = vs.and_then(|v| MORE_MONTHS[v].parse::<Month>().ok()).map(VsPricing::Month);
        let month = MORE_MONTHS[month].parse::<Month>().unwrap_or(Month::of(2026, 11));
        if let Some(diff) = differ(&catalog, text.as_bytes(), plan, month, vs.as_ref()) {
            prop_assert!(false, "{}\ninput:\n{}", diff, text);
        }
    }
}

/// A catalog of the shipped plans and `extra` (TOML plan tables),
/// read from a directory made for it and removed once read.
fn catalog_with(extra: &str) -> Catalog {
    static MADE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("ctbill-fastrow-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("plans"),
        &dir,
    );
    std::fs::write(dir.join("extra.toml"), extra).unwrap();
    let catalog = Catalog::load(Source::Dir(dir.clone()));
    let _ = std::fs::remove_dir_all(&dir);
    let catalog = catalog.unwrap();
    // Every file is read by now: the rate cards parse from memory.
    catalog.rate_book().unwrap();
    catalog
}

#[test]
fn markups_of_many_decimals_are_the_engines() {
    let catalog = catalog_with(
        r#"
[[plan]]
id = "direct-fine"
name = "Direct fine markup"
product = "direct"
currency = "USD"
base_fee = "10.00"
included = 10
overage_rate = "0.01"
markup_percent = "0.0000000000000000000000001"

[[plan]]
id = "direct-finer"
name = "Direct finer markup"
product = "direct"
currency = "USD"
base_fee = "10.00"
included = 10
overage_rate = "0.01"
markup_percent = "0.000000000000000000000000001"
"#,
    );
    let input = "account,plan,conversations,meta_amount,marketing:IN\n\
        a,direct-fine,5,0.01,\n\
        b,direct-fine,5,0.10,\n\
        c,direct-finer,5,0.10,\n\
        d,direct-fine,5,,100\n\
        e,direct-finer,5,,7\n";
    let diff = differ(&catalog, input.as_bytes(), None, Month::of(2026, 11), None);
    assert!(diff.is_none(), "{}", diff.unwrap_or_default());
}

/// Every Meta column on a plan of each card's currency, in each
/// card's month and the months around, at every tier bound of every
/// card (and one either side), with `--vs-month` on another card.
#[test]
fn every_tier_bound_of_every_card_agrees() {
    let catalog = more_catalog();
    let book = catalog.rate_book().unwrap();
    let mut counts: Vec<u64> = vec![
        0,
        1,
        2,
        999_999_999_999,
        1_000_000_000_000_000,
        1_000_000_000_000_001,
    ];
    let mut months: Vec<Month> = Vec::new();
    for card in book.cards() {
        months.push(card.effective().month());
        for market in card.markets() {
            for category in crate::meta::Category::ALL {
                for tier in market.tiers(category) {
                    counts.extend([tier.from.saturating_sub(1), tier.from, tier.from + 1]);
                    if let Some(to) = tier.to {
                        counts.extend([to - 1, to, to + 1]);
                    }
                }
            }
        }
    }
    counts.sort_unstable();
    counts.dedup();
    months.sort_unstable();
    months.dedup();
    let plans = [
        "direct-25k",
        "direct-in-25k",
        "direct-clp",
        "direct-brl",
        "direct-idr",
        "direct-eur",
        "direct-gbp",
        "direct-sar",
        "direct-aed",
        "direct-usd-frac",
    ];
    let mut text = String::from("account,plan,conversations,markup,month");
    for c in MORE_META {
        text.push(',');
        text.push_str(c);
    }
    text.push('\n');
    let mut row = 0;
    // Each count in three columns a turn (all of them make a test
    // too slow to run each time), a fourth column now and then.
    let n = MORE_META.len();
    for (p, plan) in plans.iter().enumerate() {
        for (m, month) in months.iter().enumerate() {
            for (c, &count) in counts.iter().enumerate() {
                for j in [0, n / 3, 2 * n / 3].map(|k| (k + c + 5 * p + 3 * m) % n) {
                    row += 1;
                    let markup = ["", "0", "15", "100"][row % 4];
                    let _ = write!(
                        text,
                        "r{row},{plan},{},{markup},{month}",
                        row * 7919 % 300_000
                    );
                    for k in 0..MORE_META.len() {
                        text.push(',');
                        if k == j {
                            let _ = write!(text, "{count}");
                        } else if row % 5 == 0 && k == (j + 7) % n {
                            let _ = write!(text, "{}", row % 1000);
                        }
                    }
                    text.push('\n');
                }
            }
        }
    }
    assert_agrees(&catalog, text.as_bytes(), Month::of(2026, 10));
}

/// Inputs written to trip the fast path, each compared whole.
#[test]
fn odd_inputs_agree() {
    let catalog = more_catalog();
    let inputs: [&[u8]; 16] = [
        b"account,plan,conversations,month\na,direct-25k,5,2026-1\nb,direct-25k,5, 2026-11 \nc,direct-25k,5,\x0c2026-11\x0c\nd,direct-25k,5,\x0b2026-11\n",
        b"account,plan,conversations,marketing:IN,marketing:India\na,direct-25k,30000,5,\nb,direct-25k,30000,,5\nc,direct-25k,30000,5,5\nd,direct-25k,30000,5,\n",
        b"account,plan,conversations,authentication:IN,authentication_international:IN\na,direct-25k,1,5,\nb,direct-25k,1,,5\nc,direct-25k,1,5,5\nd,direct-25k,1,0,5\n",
        b"account,plan,sent,conversations,meta_amount,markup,utility:BR\na,connect-10k,5,,0,0,0\nb,connect-10k,5,,,,0\nc,connect-10k,5,,0,,\nd,connect-10k,5,,,0,\ne,connect-10k,5,,,,1\n",
        b"account,plan,conversations,meta_amount,utility:US\na,direct-25k,5,0,0\nb,direct-25k,5,0,\nc,direct-25k,5,,0\nd,direct-25k,5,0.00,7\ne,direct-25k,5,3,0\n",
        b"account,plan,conversations\na\x00b,direct-25k,5\n\xff\xfe,direct-25k,5\nc,direct-25k,5\xff\n\xc3\xa9,direct-25k,5\n\x7f,direct-25k,5\n",
        b"account,plan,conversations,utility:US\ra,direct-25k,5,6\rb,direct-25k,7,8\r\nc,direct-25k,9,10\n\rd,direct-25k,1,2",
        b"account,plan,conversations,utility:US\na,direct-25k,5\nb,direct-25k,5,6,7\nc,direct-25k,5,6,\nd,,5,6\n,,,\n",
        b"account,plan,sent,conversations\na,,5,\nb,,,5\nc, ,5,\nd,Direct-25k,,5\ne,DIRECT-25K,,5\nf,direct-25k ,,5\n",
        b"account,plan,sent,conversations\na,connect-10k,18446744073709551615,\nb,connect-10k,9999999999999999999,\nc,direct-usd-frac,,9999999999999999999\nd,direct-clp,,9999999999999999999\ne,direct-gbp,,9999999999999999999\n",
        b"account,plan,conversations,meta_amount,markup\na,direct-25k,5,99999999999999999,9999999999999999999\nb,direct-25k,5,0.000000000000000001,5\nc,direct-25k,5,184467440737095516.15,\nd,direct-clp,5,0.5,\ne,direct-clp,5,1.5,\nf,direct-kwd,5,0.0005,\n",
        b"account,plan,conversations,marketing:IN,utility:BR,marketing:DE\na,direct-in-25k,5,5,5,\nb,direct-in-25k,5,,5,\nc,direct-in-25k,5,5,,\nd,direct-in-25k,5,,,5\ne,direct-eur,5,5,5,5\n",
        b"account,plan,conversations,month,utility:BR,authentication:BR,utility:ID\na,direct-brl,5,2026-10,500001,,\nb,direct-brl,5,2026-10,,500001,\nc,direct-brl,5,2026-10,,500000,\nd,direct-idr,5,2026-04,,,99999999\ne,direct-idr,5,2026-07,,,1\n",
        b"\xef\xbb\xbfaccount,plan,conversations,marketing:US\n\n\na,direct-25k,5,5\n   \nb,direct-25k,5,5\n",
        b"account,\"plan\",conversations,\" marketing:US \"\na,\"direct-25k\",\" 5 \",\"5\"\nb,direct-25k,\"5\",\"\"\nc,direct-25k,5,\"5\"x\n\"d\ne\",direct-25k,5,5\n",
        b"account,plan,conversations,phone_numbers,service:BR,marketing:BR\na,direct-25k,5,0,,5\nb,direct-25k,5,2,5,5\nc,direct-25k,5,,0,5\nd,direct-25k,5,99999999999999999999,,5\n",
    ];
    for input in inputs {
        for (plan, vs) in [
            (None, None),
            (
                Some("direct-25k"),
                Some(VsPricing::Month(Month::of(2026, 7))),
            ),
            (
                Some("direct-clp"),
                Some(VsPricing::Month(Month::of(2025, 1))),
            ),
        ] {
            let diff = differ(&catalog, input, plan, Month::of(2026, 11), vs.as_ref());
            assert!(
                diff.is_none(),
                "{}\ninput:\n{}",
                diff.unwrap_or_default(),
                String::from_utf8_lossy(input)
            );
        }
    }
}

/// Past what the fast path remembers: more than 64 Meta columns (a
/// bill's lines are a bit each), months, cards and markups, and every
/// row on another plan.
#[test]
fn past_what_is_remembered_agrees() {
    let catalog = more_catalog();
    let book = catalog.rate_book().unwrap();
    let usd = crate::money::Currency::from_code("USD").unwrap();
    let card = book.card_for(usd, Month::of(2026, 10)).unwrap();
    let mut columns = Vec::new();
    for market in card.markets() {
        for category in ["marketing", "utility", "authentication"] {
            columns.push(format!("{category}:{}", market.name()));
        }
    }
    assert!(columns.len() > 64, "{}", columns.len());
    let mut text = format!(
        "account,plan,conversations,markup,month,{}\n",
        columns.join(",")
    );
    let plans = [
        "direct-25k",
        "direct-50k",
        "direct-100k",
        "direct-250k",
        "direct-usd-frac",
        "direct-in-25k",
    ];
    for row in 0..400_usize {
        let month = Month::of(
            2026 + i16::try_from(row / 12 % 9).unwrap(),
            i8::try_from(row % 12).unwrap() + 1,
        );
        let _ = write!(
            text,
            "r{row},{},{},{},{month}",
            plans[row % plans.len()],
            row * 7919 % 300_000,
            if row % 3 == 0 {
                String::new()
            } else {
                (row % 97).to_string()
            }
        );
        for k in 0..columns.len() {
            text.push(',');
            if k == row * 7 % columns.len() || (row % 4 == 0 && k == columns.len() - 1 - row % 5) {
                let _ = write!(text, "{}", row * 104_729 % 2_000_000);
            }
        }
        text.push('\n');
    }
    assert_agrees(&catalog, text.as_bytes(), Month::of(2026, 4));
}
