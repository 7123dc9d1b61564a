//! Meta's rate cards as Excel workbooks (`.xlsx`), as Meta's links serve
//! them since October 2026: workbooks built here with `rust_xlsxwriter` in
//! the layout of `reference/meta/meta-xlsx-layout-2026-10.md` (and, for the
//! volume tiers, the cells of Meta's April 2026 CSV), for a future quarter,
//! dropped into a plans directory under arbitrary names and used as they
//! are. Every expected figure is worked out by hand in the test.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rust_xlsxwriter::Workbook;

/// One cell of a sheet to write.
#[derive(Clone, Copy)]
enum C<'a> {
    /// A text cell.
    S(&'a str),
    /// A numeric cell.
    N(f64),
    /// Nothing written.
    E,
}

use C::{E, N, S};

const TITLE: &str =
    "Cost per message in USD on the WhatsApp Business Platform, effective January 1, 2027";
const AGENT: &str = "$2.00 USD / 1 M (million) tokens";

/// A direct plan with round figures: base 100.00 for 1,000 conversations,
/// markup 10%.
const PLAN: &str = r#"
[[plan]]
id = "direct-test"
name = "Direct test"
product = "direct"
currency = "USD"
base_fee = "100.00"
included = 1000
overage_rate = "0.0100"
markup_percent = "10"
"#;

/// The "List rates" sheet of a January 2027 USD card: title in A1, note
/// rows (text in A, a link in E), a blank row, the header with `Currency`
/// in column B and the new "Meta Business Agent" column H, numeric rates,
/// `n/a` strings. Row 6 is Argentina, 7 India, 8 Other.
fn list_rates() -> Vec<Vec<C<'static>>> {
    vec![
        vec![S(TITLE)],
        vec![
            S(
                "We charge on a per-message basis on the WhatsApp Business Platform. Learn more here:",
            ),
            E,
            E,
            E,
            S("https://developers.facebook.com/docs/whatsapp/pricing"),
        ],
        vec![
            S("Some markets are mapped to a \"Rest of\" region or \"Other.\" Learn more here:"),
            E,
            E,
            E,
            S("https://developers.facebook.com/docs/whatsapp/pricing#country-calling-codes"),
        ],
        vec![],
        vec![
            S("Market"),
            S("Currency"),
            S("Marketing"),
            S("Utility"),
            S("Authentication"),
            S("Authentication-\nInternational"),
            S("Service"),
            S("Meta Business Agent"),
        ],
        vec![
            S("Argentina"),
            S("USD"),
            N(0.0618),
            N(0.0304),
            N(0.0304),
            S("n/a"),
            S("n/a"),
            S(AGENT),
        ],
        vec![
            S("India"),
            S("USD"),
            N(0.0118),
            N(0.0107),
            N(0.0014),
            N(1.15),
            S("n/a"),
            S(AGENT),
        ],
        vec![
            S("Other"),
            S("USD"),
            N(0.0604),
            N(0.0077),
            N(0.0077),
            N(0.1),
            S("n/a"),
            S("n/a"),
        ],
    ]
}

/// The volume tiers of the same card, in the cells of Meta's April 2026
/// tiers CSV: title, note, category row, sub-header row, header, then six
/// rows for Argentina (market name on the first only, `--` for an open
/// bound, counts as numbers, "vs. List rate" as text).
fn volume_tiers() -> Vec<Vec<C<'static>>> {
    let title = "Cost per message in USD on the WhatsApp Business Platform, effective January 1, 2027 - Reflecting volume tiers for utility and authentication messages";
    let mut rows = vec![
        vec![S(title)],
        vec![
            S("Volume tiers apply only to utility and authentication messages. Learn more here:"),
            E,
            E,
            E,
            E,
            S("https://developers.facebook.com/docs/whatsapp/pricing/volume-tiers"),
        ],
        vec![
            E,
            E,
            S("Utility"),
            E,
            E,
            E,
            E,
            S("Authentication"),
            E,
            E,
            E,
            E,
            S("Authentication-International"),
        ],
        vec![
            E,
            E,
            S("Messages (per month)"),
            E,
            S("What we charge"),
            E,
            E,
            S("Messages (per month)"),
            E,
            S("What we charge"),
            E,
            E,
            S("Messages (per month)"),
            E,
            S("What we charge"),
        ],
    ];
    let mut header = vec![S("Market\n(per rate card)"), S("Currency")];
    for _ in 0..3 {
        header.extend([
            S("From"),
            S("To"),
            S("Rate type"),
            S("Rate"),
            S("vs. List rate"),
        ]);
    }
    rows.push(header);
    // Argentina: (from, to, rate, vs. list) for utility, then authentication;
    // `None` is Meta's `--`, an open bound.
    let utility = [
        (0.0, Some(100_000.0), 0.0304, "0%"),
        (100_001.0, Some(1_000_000.0), 0.0289, "-5%"),
        (1_000_001.0, Some(4_500_000.0), 0.0274, "-10%"),
        (4_500_001.0, Some(15_000_000.0), 0.0258, "-15%"),
        (15_000_001.0, Some(30_000_000.0), 0.0243, "-20%"),
        (30_000_001.0, None, 0.0228, "-25%"),
    ];
    let authentication = [
        (0.0, Some(120_000.0), 0.0304, "0%"),
        (120_001.0, Some(400_000.0), 0.0289, "-5%"),
        (400_001.0, Some(1_000_000.0), 0.0274, "-10%"),
        (1_000_001.0, Some(5_000_000.0), 0.0258, "-15%"),
        (5_000_001.0, Some(10_000_000.0), 0.0243, "-20%"),
        (10_000_001.0, None, 0.0228, "-25%"),
    ];
    for (i, tiers) in utility.iter().zip(&authentication).enumerate() {
        let kind = if i == 0 { "List rate" } else { "Tier rate" };
        let mut row = vec![if i == 0 { S("Argentina") } else { E }, S("USD")];
        for &(from, to, rate, vs) in [tiers.0, tiers.1] {
            row.extend([N(from), to.map_or(S("--"), N), S(kind), N(rate), S(vs)]);
        }
        row.extend([S("n/a"); 5]);
        rows.push(row);
    }
    rows
}

/// A workbook with the given sheets (name, rows).
fn workbook(path: &Path, sheets: &[(&str, Vec<Vec<C<'_>>>)]) {
    let mut book = Workbook::new();
    for (name, rows) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*name).unwrap();
        for (r, row) in (0_u32..).zip(rows) {
            for (c, cell) in (0_u16..).zip(row) {
                match *cell {
                    S(text) => {
                        sheet.write_string(r, c, text).unwrap();
                    }
                    N(number) => {
                        sheet.write_number(r, c, number).unwrap();
                    }
                    E => {}
                }
            }
        }
    }
    book.save(path).unwrap();
}

/// A fresh plans directory with the test plan and a `meta/` folder.
fn plans_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ctbill-xlsx-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("meta")).unwrap();
    std::fs::write(dir.join("plans.toml"), PLAN).unwrap();
    dir
}

fn ctbill(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ctbill"))
        .arg("--plans")
        .arg(dir)
        .args(args)
        .env_remove("CTBILL_PLANS")
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", stderr(out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The Meta line of a quantity (each line of the test bill has its own).
fn meta_line<'a>(bill: &'a serde_json::Value, quantity: &str) -> &'a serde_json::Value {
    bill["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["kind"] == "meta" && l["quantity"] == quantity)
        .unwrap_or_else(|| panic!("no meta line of {quantity} messages in {bill}"))
}

/// The January 2027 usage every pricing test bills, and its hand-worked
/// figures:
/// - base 100.00 (1,000 conversations, all included);
/// - Argentina utility 150,000 on the tiers: 100,000 × 0.0304 = 3,040.00
///   plus 50,000 × 0.0289 = 1,445.00, so 4,485.00;
/// - India marketing 10,000 × 0.0118 = 118.00 exactly (not 117.99…);
/// - India utility 3,000 × 0.0107 = 32.10 (India has no tiers: list rate);
/// - India authentication-international 10 × 1.15 = 11.50;
/// - Other authentication 2,000 × 0.0077 = 15.40;
/// - Meta 4,485.00 + 118.00 + 32.10 + 11.50 + 15.40 = 4,662.00;
/// - markup 10% of 4,662.00 = 466.20;
/// - total 100.00 + 4,662.00 + 466.20 = 5,228.20.
fn assert_january_bill(dir: &Path) {
    let bill = json(&ctbill(
        dir,
        &[
            "estimate",
            "--plan",
            "direct-test",
            "--conversations",
            "1000",
            "--month",
            "2027-01",
            "--meta",
            "utility:Argentina=150000",
            "--meta",
            "marketing:India=10000",
            "--meta",
            "utility:India=3000",
            "--meta",
            "authentication-international:India=10",
            "--meta",
            "authentication:Other=2000",
            "--format",
            "json",
        ],
    ));
    let argentina = meta_line(&bill, "150000");
    assert_eq!(argentina["amount"], "4485.00");
    let tiers = argentina["tiers"].as_array().unwrap();
    assert_eq!(tiers.len(), 2, "{argentina}");
    assert_eq!(tiers[0]["quantity"], "100000");
    assert_eq!(tiers[1]["quantity"], "50000");
    assert_eq!(tiers[1]["exact"], "1445.0000");
    let marketing = meta_line(&bill, "10000");
    assert_eq!(marketing["unit_price"], "0.0118");
    assert_eq!(marketing["exact"], "118.0000");
    let utility = meta_line(&bill, "3000");
    assert_eq!(utility["exact"], "32.1000");
    let international = meta_line(&bill, "10");
    assert_eq!(international["exact"], "11.50");
    assert_eq!(meta_line(&bill, "2000")["exact"], "15.4000");
    assert_eq!(bill["meta_subtotal"], "4662.00");
    assert_eq!(bill["total"], "5228.20");
    let card = bill["meta_card"].as_str().unwrap();
    assert!(card.contains("2027-01-01"), "{card}");
}

#[test]
fn workbooks_under_any_name_price_the_next_quarter() {
    let dir = plans_dir("any-name");
    // As Meta's link delivers it: a workbook named `.csv`.
    workbook(
        &dir.join("meta/829311379_1537421421402610_366484812346475911_n.csv"),
        &[("List rates", list_rates())],
    );
    // Beside the plans, with an upper-case extension and an odd sheet name.
    workbook(
        &dir.join("USD volume tiers.XLSX"),
        &[("Sheet1", volume_tiers())],
    );
    // Excel's lock file, present while a workbook is open in Excel: skipped.
    std::fs::write(
        dir.join("meta/~$USD volume tiers.xlsx"),
        b"\x05owner\0\0\xff",
    )
    .unwrap();
    assert_january_bill(&dir);

    let check = ctbill(&dir, &["check"]);
    assert!(check.status.success(), "{}", stderr(&check));
    assert!(String::from_utf8_lossy(&check.stdout).starts_with("ok: "));

    // The card lists both workbooks as its sources, and its rates are the
    // decimals typed: 0.0118, 0.0107, 1.15, 0.0077, 0.1.
    let shown = json(&ctbill(
        &dir,
        &["rates", "show", "--month", "2027-01", "--format", "json"],
    ));
    assert_eq!(shown["effective"], "2027-01-01");
    let sources = shown["sources"].to_string();
    assert!(sources.contains("829311379"), "{sources}");
    assert!(sources.contains("USD volume tiers.XLSX"), "{sources}");
    let rates = shown["rates"].as_array().unwrap();
    let india = rates.iter().find(|m| m["market"] == "India").unwrap();
    assert_eq!(india["rates"]["marketing"], "0.0118");
    assert_eq!(india["rates"]["utility"], "0.0107");
    assert_eq!(india["rates"]["authentication-international"], "1.15");
    assert_eq!(india["rates"]["service"], serde_json::Value::Null);
    let other = rates.iter().find(|m| m["market"] == "Other").unwrap();
    assert_eq!(other["rates"]["utility"], "0.0077");
    assert_eq!(other["rates"]["authentication-international"], "0.1");
    let argentina = rates.iter().find(|m| m["market"] == "Argentina").unwrap();
    let tiers = argentina["tiers"].as_array().unwrap();
    assert_eq!(tiers.len(), 12, "{argentina}");
    assert_eq!(tiers[5]["from"], 30_000_001);
    assert_eq!(tiers[5]["to"], serde_json::Value::Null);
    assert_eq!(tiers[1]["rate"], "0.0289");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn one_workbook_may_hold_both_sheets() {
    let dir = plans_dir("two-sheets");
    // A notes sheet first; then the card's two sheets under names that
    // say nothing: the content tells them apart.
    workbook(
        &dir.join("meta/USD.xlsx"),
        &[
            ("Read me", vec![vec![S("Downloaded from Meta")]]),
            ("Tab B", volume_tiers()),
            ("Tab A", list_rates()),
        ],
    );
    assert_january_bill(&dir);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_bad_rate_cell_is_named_by_file_sheet_and_cell() {
    let dir = plans_dir("bad-cell");
    let mut rows = list_rates();
    rows[6][3] = S("abc"); // India utility, cell D7
    rows[7][2] = N(0.1 + 0.2); // Other marketing, cell C8: a computed number
    workbook(&dir.join("meta/USD_rates.xlsx"), &[("List rates", rows)]);
    let out = ctbill(&dir, &["check"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    let path = dir.join("meta/USD_rates.xlsx").display().to_string();
    assert!(
        err.contains(&format!(
            "{path}: sheet \"List rates\", cell C8: holds the number 0.30000000000000004"
        )),
        "{err}"
    );
    // The computed number is reported first; fix it and the bad text shows.
    let mut rows = list_rates();
    rows[6][3] = S("abc");
    workbook(&dir.join("meta/USD_rates.xlsx"), &[("List rates", rows)]);
    let out = ctbill(&dir, &["check"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "{path}: sheet \"List rates\", cell D7: India utility rate: "
        )),
        "{err}"
    );
    assert!(err.contains("abc"), "{err}");
    // The estimate refuses the card too, rather than pricing without it.
    let out = ctbill(
        &dir,
        &[
            "estimate",
            "--plan",
            "direct-test",
            "--conversations",
            "1000",
            "--month",
            "2027-01",
            "--meta",
            "marketing:India=1",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("cell D7"), "{}", stderr(&out));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_workbook_without_the_currency_header_is_an_error() {
    let dir = plans_dir("no-header");
    let mut rows = list_rates();
    rows.remove(4); // the header row
    workbook(&dir.join("meta/rates.csv"), &[("List rates", rows)]);
    let out = ctbill(&dir, &["check"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    let path = dir.join("meta/rates.csv").display().to_string();
    assert!(
        err.contains(&format!(
            "{path}: sheet \"List rates\": no header row with `Currency` in column B"
        )),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_bad_title_and_a_bad_tier_are_located() {
    let dir = plans_dir("bad-title");
    let mut rows = list_rates();
    rows[0][0] =
        S("Cost per message in XYZ on the WhatsApp Business Platform, effective January 1, 2027");
    workbook(&dir.join("meta/rates.xlsx"), &[("List rates", rows)]);
    let mut tiers = volume_tiers();
    tiers[6][3] = S("1,00,000"); // Argentina utility second tier's To, cell D7
    workbook(&dir.join("meta/tiers.xlsx"), &[("Volume tiers", tiers)]);
    let out = ctbill(&dir, &["check"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    let rates = dir.join("meta/rates.xlsx").display().to_string();
    let tiers = dir.join("meta/tiers.xlsx").display().to_string();
    assert!(
        err.contains(&format!("{rates}: sheet \"List rates\", cell A1: `XYZ`")),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{tiers}: sheet \"Volume tiers\", cell D7: Argentina utility To"
        )),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_workbook_that_is_no_rate_card_is_an_error_not_ignored() {
    let dir = plans_dir("not-a-card");
    workbook(
        &dir.join("meta/budget.xlsx"),
        &[("Budget", vec![vec![S("Q1 budget"), N(1200.0)]])],
    );
    let out = ctbill(&dir, &["check"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    let path = dir.join("meta/budget.xlsx").display().to_string();
    assert!(
        err.contains(&format!(
            "{path}: is an Excel workbook but not one of Meta's rate cards"
        )),
        "{err}"
    );
    assert!(err.contains("\"Budget\""), "{err}");
    // Neither text nor a workbook (an old binary .xls, say): named too.
    std::fs::remove_file(dir.join("meta/budget.xlsx")).unwrap();
    std::fs::write(
        dir.join("meta/old.xls"),
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\xff\xfe",
    )
    .unwrap();
    let out = ctbill(&dir, &["check"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is neither UTF-8 text nor an Excel workbook"),
        "{}",
        stderr(&out)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_damaged_workbook_is_an_error_never_a_panic() {
    let dir = plans_dir("damaged");
    let path = dir.join("meta/rates.xlsx");
    workbook(&path, &[("List rates", list_rates())]);
    let whole = std::fs::read(&path).unwrap();
    // Cut short at several points, and with bytes flipped in the middle.
    let mut damaged: Vec<Vec<u8>> = [4, 30, whole.len() / 3, whole.len() / 2, whole.len() - 1]
        .iter()
        .map(|&n| whole[..n].to_vec())
        .collect();
    for at in [whole.len() / 4, whole.len() / 2, whole.len() * 3 / 4] {
        let mut flipped = whole.clone();
        for b in &mut flipped[at..(at + 16).min(whole.len())] {
            *b ^= 0x5a;
        }
        damaged.push(flipped);
    }
    for bytes in damaged {
        std::fs::write(&path, &bytes).unwrap();
        let out = ctbill(&dir, &["check"]);
        let code = out.status.code();
        assert!(
            code == Some(2) || code == Some(0),
            "{code:?}: {}",
            stderr(&out)
        );
        if code == Some(2) {
            assert!(stderr(&out).contains("rates.xlsx"), "{}", stderr(&out));
        }
        assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    }
    let _ = std::fs::remove_dir_all(&dir);
}
