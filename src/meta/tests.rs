//! Tests against the real files: Meta's own 2026-04-01 USD CSVs (shipped
//! unchanged in `plans/meta/`), the normalized 2026-10-01 USD and
//! 2025-10-01 INR cards, and the market mapping. Every expected amount is
//! worked out by hand from those files in the comment next to it.

use std::str::FromStr;

use rust_decimal::Decimal;

use super::*;
use crate::calendar::Month;
use crate::money::Currency;

const USD_RATES_2026_04: &str = include_str!("../../plans/meta/USD_rates_2026-04-01.csv");
const USD_TIERS_2026_04: &str = include_str!("../../plans/meta/USD_volume_tiers_2026-04-01.csv");
const USD_RATES_2026_10: &str = include_str!("../../plans/meta/USD_rates_2026-10-01.csv");
const INR_RATES_2025_10: &str = include_str!("../../plans/meta/INR_rates_2025-10-01.csv");
const MAPPING: &str = include_str!("../../plans/meta/market-mapping.csv");
/// The normalized copies of Meta's 2026-04-01 pair; not shipped (they would
/// duplicate the card), only compared with the originals.
const NORMALIZED_RATES_2026_04: &str = include_str!("testdata/meta-rate-card-2026-04-01.csv");
const NORMALIZED_TIERS_2026_04: &str = include_str!("testdata/meta-volume-tiers-2026-04-01.csv");

const RATES_LABEL: &str = "plans/meta/USD_rates_2026-04-01.csv";
const TIERS_LABEL: &str = "plans/meta/USD_volume_tiers_2026-04-01.csv";

fn shipped() -> Vec<(&'static str, &'static str)> {
    vec![
        (RATES_LABEL, USD_RATES_2026_04),
        (TIERS_LABEL, USD_TIERS_2026_04),
        ("plans/meta/USD_rates_2026-10-01.csv", USD_RATES_2026_10),
        ("plans/meta/INR_rates_2025-10-01.csv", INR_RATES_2025_10),
        ("plans/meta/market-mapping.csv", MAPPING),
    ]
}

fn book() -> RateBook {
    match RateBook::from_files(shipped()) {
        Ok(book) => book,
        Err(errors) => panic!("shipped cards do not load: {errors:#?}"),
    }
}

fn usd() -> Currency {
    Currency::from_code("USD").unwrap()
}

fn inr() -> Currency {
    Currency::from_code("INR").unwrap()
}

fn month(text: &str) -> Month {
    text.parse().unwrap()
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str_exact(text).unwrap()
}

fn card<'a>(book: &'a RateBook, currency: Currency, m: &str) -> &'a RateCard {
    book.card_for(currency, month(m)).unwrap()
}

/// `(count, rate, exact)` of each part, as strings, so scale is checked too.
fn parts(charge: &MetaCharge) -> Vec<(u64, String, String)> {
    charge
        .parts
        .iter()
        .map(|p| (p.count, p.rate.to_string(), p.exact.to_string()))
        .collect()
}

fn part(count: u64, rate: &str, exact: &str) -> (u64, String, String) {
    (count, rate.to_owned(), exact.to_owned())
}

fn errors_of(files: Vec<(&str, &str)>) -> Vec<String> {
    match RateBook::from_files(files) {
        Ok(_) => panic!("expected errors"),
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

// ------------------------------------------------------------ categories

#[test]
fn categories_parse_case_insensitively_and_display_kebab_case() {
    for (text, category) in [
        ("marketing", Category::Marketing),
        ("Utility", Category::Utility),
        ("AUTHENTICATION", Category::Authentication),
        (
            "authentication-international",
            Category::AuthenticationInternational,
        ),
        (
            "authentication_international",
            Category::AuthenticationInternational,
        ),
        ("auth-intl", Category::AuthenticationInternational),
        (
            "Authentication-\nInternational",
            Category::AuthenticationInternational,
        ),
        ("service", Category::Service),
    ] {
        assert_eq!(Category::from_str(text), Ok(category), "{text}");
    }
    for category in Category::ALL {
        assert_eq!(category.to_string().parse::<Category>(), Ok(category));
    }
    assert_eq!(
        Category::AuthenticationInternational.to_string(),
        "authentication-international"
    );
    let err = "marketting".parse::<Category>().unwrap_err().to_string();
    assert!(err.contains("`marketting`"), "{err}");
    assert!(
        err.contains("marketing, utility, authentication, authentication-international, service")
    );
    assert!(Category::Utility.has_volume_tiers());
    assert!(Category::Authentication.has_volume_tiers());
    assert!(!Category::Marketing.has_volume_tiers());
    assert!(!Category::Service.has_volume_tiers());
}

// ------------------------------------------------------------ parsing Meta's files

#[test]
fn reads_metas_rates_csv_as_downloaded() {
    let CardFile::Rates(file) = parse_card_file(RATES_LABEL, USD_RATES_2026_04).unwrap() else {
        panic!("not detected as rates");
    };
    assert_eq!(file.format, SourceFormat::MetaOriginal);
    assert_eq!(file.currency, usd());
    assert_eq!(file.effective.to_string(), "2026-04-01");
    assert_eq!(file.markets.len(), 32);
    assert!(file.provenance[0].contains("effective April 1, 2026"));
    let argentina = &file.markets[0];
    assert_eq!((argentina.name.as_str(), argentina.line), ("Argentina", 8));
    // Argentina,USD,0.0618,0.0260,0.0260,n/a,n/a
    assert_eq!(
        argentina.rate(Category::Utility).unwrap().to_string(),
        "0.0260"
    );
    assert_eq!(argentina.rate(Category::AuthenticationInternational), None);
    assert_eq!(argentina.rate(Category::Service), None);
    // India,USD,0.0118,0.0014,0.0014,0.0304,n/a: the "Authentication-\nInternational" column.
    let india = file.markets.iter().find(|m| m.name == "India").unwrap();
    assert_eq!(
        india.rate(Category::AuthenticationInternational),
        Some(dec("0.0304"))
    );
    assert_eq!(file.markets.last().unwrap().name, "Other");
}

#[test]
fn reads_metas_volume_tiers_csv_as_downloaded() {
    let CardFile::Tiers(file) = parse_card_file(TIERS_LABEL, USD_TIERS_2026_04).unwrap() else {
        panic!("not detected as tiers");
    };
    assert_eq!(file.format, SourceFormat::MetaOriginal);
    assert_eq!(
        (file.currency, file.effective.to_string()),
        (usd(), "2026-04-01".to_owned())
    );
    // 32 markets × (utility, authentication) + 9 authentication-international blocks.
    assert_eq!(file.sets.len(), 32 * 2 + 9);
    let set = |market: &str, category| {
        file.sets
            .iter()
            .find(|s| s.market == market && s.category == category)
            .unwrap()
    };
    // Argentina utility: 0..100,000 @0.0260, ... "30,000,001",-- @0.0195.
    let argentina = set("Argentina", Category::Utility);
    assert_eq!(argentina.first_line, 7);
    assert_eq!(argentina.tiers.len(), 6);
    assert_eq!(
        argentina.tiers[0],
        Tier {
            from: 0,
            to: Some(100_000),
            rate: dec("0.0260"),
            discount_vs_list: Some("0%".to_owned())
        }
    );
    assert_eq!(argentina.tiers[1].from, 100_001);
    assert_eq!(argentina.tiers[5].from, 30_000_001);
    assert_eq!(argentina.tiers[5].to, None);
    // Blank market cells continue the market above; the authentication block
    // has its own bounds (0..120,000).
    assert_eq!(
        set("Argentina", Category::Authentication).tiers[0].to,
        Some(120_000)
    );
    // Egypt has an authentication-international block (0.0650 list rate).
    let egypt = set("Egypt", Category::AuthenticationInternational);
    assert_eq!(egypt.tiers[0].rate.to_string(), "0.0650");
    assert_eq!(egypt.tiers[5].rate.to_string(), "0.0488");
    // Argentina's authentication-international block is all n/a: no set.
    assert!(
        !file
            .sets
            .iter()
            .any(|s| s.market == "Argentina" && s.category == Category::AuthenticationInternational)
    );
}

/// `(from, to, rate as written, discount)` of one tier.
type TierView = (u64, Option<u64>, String, Option<String>);

/// The normalized 2026-04-01 pair says exactly what Meta's originals say.
#[test]
fn normalized_copies_match_metas_originals_exactly() {
    let (Ok(CardFile::Rates(original)), Ok(CardFile::Rates(normalized))) = (
        parse_card_file("orig", USD_RATES_2026_04),
        parse_card_file("norm", NORMALIZED_RATES_2026_04),
    ) else {
        panic!("rates did not parse");
    };
    assert_eq!(normalized.format, SourceFormat::Normalized);
    assert_eq!(
        (original.currency, original.effective),
        (normalized.currency, normalized.effective)
    );
    assert!(normalized.provenance[0].starts_with("Meta WhatsApp Business Platform rate card"));
    let view = |f: &RatesFile| -> Vec<(String, Vec<Option<String>>)> {
        f.markets
            .iter()
            .map(|m| {
                (
                    m.name.clone(),
                    m.rates.iter().map(|r| r.map(|r| r.to_string())).collect(),
                )
            })
            .collect()
    };
    assert_eq!(view(&original), view(&normalized));

    let (Ok(CardFile::Tiers(original)), Ok(CardFile::Tiers(normalized))) = (
        parse_card_file("orig", USD_TIERS_2026_04),
        parse_card_file("norm", NORMALIZED_TIERS_2026_04),
    ) else {
        panic!("tiers did not parse");
    };
    assert_eq!(
        (original.currency, original.effective),
        (normalized.currency, normalized.effective)
    );
    let view = |f: &TiersFile| -> Vec<(String, Category, Vec<TierView>)> {
        let mut sets: Vec<_> = f
            .sets
            .iter()
            .map(|s| {
                let tiers = s
                    .tiers
                    .iter()
                    .map(|t| (t.from, t.to, t.rate.to_string(), t.discount_vs_list.clone()))
                    .collect();
                (s.market.clone(), s.category, tiers)
            })
            .collect();
        sets.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        sets
    };
    assert_eq!(view(&original).len(), 73);
    assert_eq!(view(&original), view(&normalized));
}

#[test]
fn reads_normalized_cards_and_the_mapping() {
    let CardFile::Rates(october) = parse_card_file("oct", USD_RATES_2026_10).unwrap() else {
        panic!();
    };
    assert_eq!(october.effective.to_string(), "2026-10-01");
    assert_eq!(october.markets.len(), 47);
    // Argentina,USD,0.0618,0.0260,0.0260,,0.0260 is on line 22, after 20 comment lines and the header.
    assert_eq!(october.markets[0].line, 22);
    let CardFile::Rates(inr_card) = parse_card_file("inr", INR_RATES_2025_10).unwrap() else {
        panic!();
    };
    assert_eq!(
        (inr_card.currency, inr_card.effective.to_string()),
        (inr(), "2025-10-01".to_owned())
    );
    let CardFile::Mapping(mapping) = parse_card_file("map", MAPPING).unwrap() else {
        panic!();
    };
    assert_eq!(mapping.catch_all("2026-10-01".parse().unwrap()), "Other");
    assert_eq!(mapping.rows.iter().filter(|r| r.iso2 == "BD").count(), 2);
}

// ------------------------------------------------------------ broken files

#[test]
fn a_truncated_file_is_an_error_with_file_and_line() {
    // Title, four notes and the two-line header: no data.
    let head: String = USD_RATES_2026_04.split_inclusive('\n').take(7).collect();
    let err = parse_card_file(RATES_LABEL, &head).unwrap_err();
    assert_eq!(err.line, Some(6), "{err}");
    assert!(
        err.to_string()
            .starts_with("plans/meta/USD_rates_2026-04-01.csv:6: "),
        "{err}"
    );
    assert!(err.message.contains("truncated"), "{err}");

    // Cut in the middle of the Chile row (line 10).
    let cut = &USD_RATES_2026_04[..USD_RATES_2026_04.find("Chile,USD,0.08").unwrap() + 14];
    let err = parse_card_file(RATES_LABEL, cut).unwrap_err();
    assert_eq!(err.line, Some(10), "{err}");
    assert!(err.message.contains("cut short"), "{err}");

    // Tiers: only the title and notes.
    let head: String = USD_TIERS_2026_04.split_inclusive('\n').take(4).collect();
    let err = parse_card_file(TIERS_LABEL, &head).unwrap_err();
    assert!(err.message.contains("truncated"), "{err}");

    // A normalized card with a header and nothing else.
    let head: String = USD_RATES_2026_10.split_inclusive('\n').take(21).collect();
    let err = parse_card_file("oct.csv", &head).unwrap_err();
    assert_eq!(err.line, Some(21), "{err}");

    assert!(
        parse_card_file("empty.csv", "")
            .unwrap_err()
            .message
            .contains("empty")
    );
}

#[test]
fn a_missing_title_or_effective_date_is_an_error() {
    let untitled = USD_RATES_2026_04.split_once('\n').unwrap().1;
    let err = parse_card_file(RATES_LABEL, untitled).unwrap_err();
    assert_eq!(err.line, Some(1), "{err}");
    assert!(err.message.contains("Cost per message in USD"), "{err}");

    let undated = USD_RATES_2026_04.replace(", effective April 1, 2026", "");
    let err = parse_card_file(RATES_LABEL, &undated).unwrap_err();
    assert_eq!(err.line, Some(1), "{err}");
    assert!(err.message.contains("no effective date"), "{err}");

    let bad_currency = USD_RATES_2026_04.replacen("in USD on", "in XYZ on", 1);
    let err = parse_card_file(RATES_LABEL, &bad_currency).unwrap_err();
    assert!(err.message.contains("`XYZ`"), "{err}");

    let no_date_comment =
        USD_RATES_2026_10.replace("# Effective date: 2026-10-01", "# Effective: soon");
    let err = parse_card_file("oct.csv", &no_date_comment).unwrap_err();
    assert!(
        err.message.contains("# Effective date: YYYY-MM-DD"),
        "{err}"
    );

    // The date comment is line 2 of the October card.
    let bad_date = USD_RATES_2026_10.replace(
        "# Effective date: 2026-10-01",
        "# Effective date: 2026-13-01",
    );
    let err = parse_card_file("oct.csv", &bad_date).unwrap_err();
    assert_eq!(err.line, Some(2), "{err}");
    assert!(err.message.contains("`2026-13-01`"), "{err}");
}

#[test]
fn a_bad_number_names_the_cell_file_and_line() {
    // Argentina (line 8) marketing 0.0618 → 0.06x8.
    let bad = USD_RATES_2026_04.replacen("0.0618", "0.06x8", 1);
    let err = parse_card_file(RATES_LABEL, &bad).unwrap_err();
    assert_eq!(err.line, Some(8), "{err}");
    assert!(err.message.contains("Argentina marketing rate"), "{err}");
    assert!(err.message.contains("`0.06x8`"), "{err}");

    // A row whose currency is not the title's.
    let bad = USD_RATES_2026_04.replacen("Brazil,USD", "Brazil,EUR", 1);
    let err = parse_card_file(RATES_LABEL, &bad).unwrap_err();
    assert_eq!(err.line, Some(9), "{err}");
    assert!(err.message.contains("`EUR`"), "{err}");

    // A tier bound with a misplaced separator (Argentina second row, line 8).
    let bad = USD_TIERS_2026_04.replacen("\"100,001\"", "\"10,0001\"", 1);
    let err = parse_card_file(TIERS_LABEL, &bad).unwrap_err();
    assert_eq!(err.line, Some(8), "{err}");
    assert!(err.message.contains("Argentina utility From"), "{err}");

    // A negative rate in a normalized card.
    let bad = USD_RATES_2026_10.replacen("Bangladesh,USD,0.0732", "Bangladesh,USD,-0.0732", 1);
    let err = parse_card_file("oct.csv", &bad).unwrap_err();
    assert_eq!(err.line, Some(23), "{err}");
    assert!(err.message.contains("negative"), "{err}");
}

#[test]
fn tiers_must_start_at_zero_be_contiguous_and_end_open() {
    // Argentina utility second tier starts at 100,000 instead of 100,001: overlap, line 8.
    let overlap =
        USD_TIERS_2026_04.replacen("\"100,001\",\"1,000,000\"", "\"100,000\",\"1,000,000\"", 1);
    let err = parse_card_file(TIERS_LABEL, &overlap).unwrap_err();
    assert_eq!(err.line, Some(8), "{err}");
    assert!(err.message.contains("Argentina utility"), "{err}");
    assert!(err.message.contains("overlaps"), "{err}");
    assert!(err.message.contains("should start at 100001"), "{err}");

    let gap =
        USD_TIERS_2026_04.replacen("\"100,001\",\"1,000,000\"", "\"100,002\",\"1,000,000\"", 1);
    let err = parse_card_file(TIERS_LABEL, &gap).unwrap_err();
    assert!(err.message.contains("gap"), "{err}");

    let late_start = USD_TIERS_2026_04.replacen("Argentina,USD,0,", "Argentina,USD,1,", 1);
    let err = parse_card_file(TIERS_LABEL, &late_start).unwrap_err();
    assert_eq!(err.line, Some(7), "{err}");
    assert!(err.message.contains("must start at 0"), "{err}");

    // Open too early: Argentina utility tier 2 made open.
    let early_open =
        USD_TIERS_2026_04.replacen("\"1,000,001\",\"4,500,000\"", "\"1,000,001\",--", 1);
    let err = parse_card_file(TIERS_LABEL, &early_open).unwrap_err();
    assert!(
        err.message.contains("only the last tier may be open"),
        "{err}"
    );

    // Closed at the top: the last Argentina utility tier gets a bound.
    let closed =
        USD_TIERS_2026_04.replacen("\"30,000,001\",--", "\"30,000,001\",\"40,000,000\"", 1);
    let err = parse_card_file(TIERS_LABEL, &closed).unwrap_err();
    assert!(err.message.contains("last tier must be open"), "{err}");

    // Normalized tiers out of sequence.
    let renumbered = NORMALIZED_TIERS_2026_04.replacen(
        "Argentina,USD,utility,1,",
        "Argentina,USD,utility,7,",
        1,
    );
    let err = parse_card_file("tiers.csv", &renumbered).unwrap_err();
    assert!(err.message.contains("out of sequence"), "{err}");
}

#[test]
fn the_book_reports_every_problem_in_every_file() {
    let bad_rates = USD_RATES_2026_04
        .replacen("0.0618", "0.06x8", 1)
        .replacen("0.0625", "abc", 1);
    let bad_tiers =
        USD_TIERS_2026_04.replacen("\"100,001\",\"1,000,000\"", "\"100,000\",\"1,000,000\"", 1);
    let errors = errors_of(vec![(RATES_LABEL, &bad_rates), (TIERS_LABEL, &bad_tiers)]);
    assert_eq!(errors.len(), 3, "{errors:#?}");
    assert!(errors[0].starts_with("plans/meta/USD_rates_2026-04-01.csv:8: "));
    assert!(errors[1].starts_with("plans/meta/USD_rates_2026-04-01.csv:9: "));
    assert!(errors[2].starts_with("plans/meta/USD_volume_tiers_2026-04-01.csv:8: "));
}

#[test]
fn two_rates_files_for_one_card_or_tiers_without_rates_are_errors() {
    let errors = errors_of(vec![
        (RATES_LABEL, USD_RATES_2026_04),
        ("plans/meta/copy.csv", NORMALIZED_RATES_2026_04),
    ]);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].contains("plans/meta/copy.csv"), "{}", errors[0]);
    assert!(errors[0].contains(RATES_LABEL), "{}", errors[0]);

    let errors = errors_of(vec![(TIERS_LABEL, USD_TIERS_2026_04)]);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].contains("no rates file"), "{}", errors[0]);

    // A tiers file whose first tier is not the list rate of the rates file.
    let tiers = USD_TIERS_2026_04.replacen(
        "0,\"100,000\",List rate,0.0260",
        "0,\"100,000\",List rate,0.0261",
        1,
    );
    let errors = errors_of(vec![
        (RATES_LABEL, USD_RATES_2026_04),
        (TIERS_LABEL, &tiers),
    ]);
    assert!(
        errors[0].contains("Argentina utility first tier rate is 0.0261"),
        "{}",
        errors[0]
    );
}

// ------------------------------------------------------------ the book

#[test]
fn lists_the_cards() {
    let book = book();
    let listed: Vec<(String, String, usize, bool)> = book
        .cards()
        .iter()
        .map(|c| {
            (
                c.currency().to_string(),
                c.effective().to_string(),
                c.markets().len(),
                c.has_volume_tiers(),
            )
        })
        .collect();
    let expected = [
        ("INR", "2025-10-01", 32, false),
        ("USD", "2026-04-01", 32, true),
        ("USD", "2026-10-01", 47, false),
    ]
    .map(|(c, d, n, t)| (c.to_owned(), d.to_owned(), n, t));
    assert_eq!(listed, expected);
    let april = &book.cards()[1];
    assert_eq!(april.sources(), [RATES_LABEL, TIERS_LABEL]);
    assert!(
        april
            .provenance()
            .iter()
            .any(|p| p.contains("Reflecting volume tiers"))
    );
    assert!(
        book.cards()[2]
            .provenance()
            .iter()
            .any(|p| p.contains("TRUST: SECONDARY"))
    );
}

#[test]
fn picks_the_newest_card_on_or_before_the_month() {
    let book = book();
    assert_eq!(
        card(&book, usd(), "2026-09").effective().to_string(),
        "2026-04-01"
    );
    assert_eq!(
        card(&book, usd(), "2026-04").effective().to_string(),
        "2026-04-01"
    );
    assert_eq!(
        card(&book, usd(), "2026-10").effective().to_string(),
        "2026-10-01"
    );
    assert_eq!(
        card(&book, usd(), "2027-01").effective().to_string(),
        "2026-10-01"
    );
    assert_eq!(
        card(&book, inr(), "2026-11").effective().to_string(),
        "2025-10-01"
    );
    let err = book
        .card_for(usd(), month("2026-03"))
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "no USD Meta rate card is in force in 2026-03; the USD cards loaded take effect 2026-04-01, 2026-10-01; pick a month from the earliest, or add an older card to plans/meta/"
    );
    let eur = Currency::from_code("EUR").unwrap();
    assert!(book.card_for(eur, month("2026-11")).is_err());
    let empty = RateBook::default();
    let err = empty
        .card_for(usd(), month("2026-11"))
        .unwrap_err()
        .to_string();
    assert!(err.ends_with("no Meta rate cards are loaded"), "{err}");
}

#[test]
fn resolves_markets_countries_and_iso_codes() {
    let book = book();
    let april = card(&book, usd(), "2026-04");
    let resolve = |text: &str| book.resolve_market(april, text).map(|r| r.market);
    assert_eq!(resolve("India").unwrap(), "India");
    assert_eq!(resolve("IN").unwrap(), "India");
    assert_eq!(resolve("in").unwrap(), "India");
    assert_eq!(resolve("india").unwrap(), "India");
    assert_eq!(resolve("Argentina").unwrap(), "Argentina");
    assert_eq!(
        resolve("rest of latin america").unwrap(),
        "Rest of Latin America"
    );
    assert_eq!(
        resolve("Rest of Central and Eastern Europe").unwrap(),
        "Rest of Central & Eastern Europe"
    );
    assert_eq!(resolve("other").unwrap(), "Other");
    assert_eq!(resolve("Uruguay").unwrap(), "Rest of Latin America");
    assert_eq!(resolve("US").unwrap(), "North America");
    // Estonia is not in Meta's table: its ISO code bills as Other, as Meta does.
    let estonia = book.resolve_market(april, "EE").unwrap();
    assert_eq!(estonia.market, "Other");
    assert!(
        estonia
            .note
            .unwrap()
            .contains("not in Meta's country table")
    );
    // ... and so does its name (ISO 3166-1 knows it; Meta's table does not).
    let by_name = book.resolve_market(april, "estonia").unwrap();
    assert_eq!(by_name.market, "Other");
    assert_eq!(
        by_name.note.as_deref(),
        Some(
            "Estonia (EE) is not in Meta's country table for the 2026-04-01 card; billed as Other"
        )
    );
    // Two letters that are no country code, and a name that is no country, are errors.
    assert!(book.resolve_market(april, "XX").is_err());
    assert!(book.resolve_market(april, "Atlantis").is_err());
    let india = book.resolve_market(april, "IN").unwrap();
    assert_eq!(
        india.note.as_deref(),
        Some("IN (India) is billed as India since 2025-07-01")
    );

    // A typo gets a did-you-mean.
    let err = resolve("Indai").unwrap_err().to_string();
    assert!(
        err.contains("`Indai` is not a market on the 2026-04-01 USD card"),
        "{err}"
    );
    assert!(err.contains("did you mean India?"), "{err}");
    let err = resolve("Rest of Latn America").unwrap_err().to_string();
    assert!(err.contains("Rest of Latin America"), "{err}");
    let err = resolve("Atlantis").unwrap_err().to_string();
    assert!(err.contains("a country (Estonia, EE) or Other"), "{err}");
}

#[test]
fn a_country_that_moved_market_resolves_by_the_cards_date() {
    let book = book();
    let april = card(&book, usd(), "2026-09");
    let october = card(&book, usd(), "2026-10");
    // BD,Bangladesh,880,2025-07-01,Rest of Asia Pacific / BD,...,2026-10-01,Bangladesh
    for text in ["BD", "Bangladesh", "bangladesh"] {
        assert_eq!(
            book.resolve_market(april, text).unwrap().market,
            "Rest of Asia Pacific"
        );
        assert_eq!(
            book.resolve_market(october, text).unwrap().market,
            "Bangladesh"
        );
    }
    // Utility, 1,000 messages: Rest of Asia Pacific 0.0113 → 11.3000 in
    // September; Bangladesh 0.0037 → 3.7000 from October.
    let sept = book
        .price(usd(), month("2026-09"), Category::Utility, "BD", 1000)
        .unwrap();
    assert_eq!(sept.exact_total.to_string(), "11.3000");
    let oct = book
        .price(usd(), month("2026-10"), Category::Utility, "BD", 1000)
        .unwrap();
    assert_eq!(oct.exact_total.to_string(), "3.7000");
    assert_eq!(oct.market, "Bangladesh");
}

#[test]
fn without_a_mapping_only_market_names_resolve() {
    let book = RateBook::from_files([(RATES_LABEL, USD_RATES_2026_04)]).unwrap();
    let april = &book.cards()[0];
    assert!(!april.has_volume_tiers());
    assert_eq!(book.resolve_market(april, "india").unwrap().market, "India");
    // A country with its own row bills there by code too (one country, one market).
    assert_eq!(book.resolve_market(april, "IN").unwrap().market, "India");
    // Japan has no row of its own; only the mapping could say where it bills.
    let err = book.resolve_market(april, "JP").unwrap_err();
    assert!(matches!(err, MetaError::NoMapping { .. }), "{err}");
}

// ------------------------------------------------------------ one country, one market

/// Every card and mapping built into ctbill.
fn built_in_book() -> RateBook {
    let files = crate::load::SourceFiles::embedded();
    RateBook::from_files(
        files
            .cards
            .iter()
            .map(|f| (f.label.as_str(), f.text.as_ref())),
    )
    .map_or_else(
        |errors| panic!("built-in cards do not load: {errors:#?}"),
        RateBook::built_in,
    )
}

#[test]
fn the_issue_examples_bill_at_the_same_market_by_code_and_by_name() {
    let book = book();
    let october = card(&book, usd(), "2026-10");
    let resolve = |text: &str| book.resolve_market(october, text).unwrap().market;
    // Kazakhstan has its own row on the 2026-10-01 card (utility 0.0180);
    // Meta's country table does not list it, so KZ used to fall to Other.
    for text in ["KZ", "kz", "KAZ", "Kazakhstan", "Republic of Kazakhstan"] {
        assert_eq!(resolve(text), "Kazakhstan", "{text}");
    }
    let kz = book
        .price(usd(), month("2026-10"), Category::Utility, "KZ", 1000)
        .unwrap();
    // 1,000 × 0.0180 = 18.0000
    assert_eq!(kz.exact_total.to_string(), "18.0000");
    for (names, market) in [
        (
            &[
                "TR",
                "TUR",
                "Turkey",
                "Türkiye",
                "turkiye",
                "TÜRKIYE",
                "Republic of Türkiye",
            ][..],
            "Turkey",
        ),
        (
            &["CZ", "CZE", "Czechia", "Czech Republic", "czechia"][..],
            "Rest of Central & Eastern Europe",
        ),
        (
            &[
                "CI",
                "CIV",
                "Côte d'Ivoire",
                "Cote d'Ivoire",
                "cote divoire",
                "Ivory Coast",
            ][..],
            "Rest of Africa",
        ),
        (
            &[
                "VN",
                "VNM",
                "Viet Nam",
                "Vietnam",
                "Socialist Republic of Viet Nam",
            ][..],
            "Rest of Asia Pacific",
        ),
        (&["RU", "RUS", "Russian Federation", "Russia"][..], "Russia"),
        (&["SZ", "Eswatini", "Swaziland"][..], "Rest of Africa"),
        (&["EE", "EST", "Estonia"][..], "Other"),
    ] {
        for text in names {
            assert_eq!(resolve(text), market, "{text}");
        }
    }
}

/// The market a resolution ends at, or the market it was refused for
/// (errors quote the input, which differs between a name and a code).
fn outcome(result: Result<ResolvedMarket, MetaError>) -> Result<String, String> {
    result.map(|r| r.market).map_err(|e| match e {
        MetaError::NotOnPartialCard { market, .. } | MetaError::MarketNotOnCard { market, .. } => {
            market
        }
        other => format!("{other:?}"),
    })
}

/// Whatever name, code or alias of a country is written, it resolves to the
/// market its ISO alpha-2 code resolves to, on every built-in card.
#[test]
fn every_name_and_code_of_a_country_bills_where_its_iso_code_does() {
    let book = built_in_book();
    let mapping_names: Vec<(&str, &str)> = book
        .mapping()
        .expect("a mapping is built in")
        .rows
        .iter()
        .filter(|r| r.iso2 != "*")
        .map(|r| (r.iso2.as_str(), r.country.as_str()))
        .collect();
    assert!(!book.cards().is_empty());
    for card in book.cards() {
        let market = |text: &str| outcome(book.resolve_market(card, text));
        for country in super::countries::COUNTRIES {
            let by_code = market(country.alpha2);
            let mapped = mapping_names
                .iter()
                .filter(|(code, _)| *code == country.alpha2)
                .map(|(_, name)| *name);
            for text in country
                .names
                .iter()
                .copied()
                .chain([country.alpha3])
                .chain(mapped)
            {
                assert_eq!(
                    market(text),
                    by_code,
                    "{text} vs {} on the {} card",
                    country.alpha2,
                    card.name()
                );
            }
        }
    }
}

proptest::proptest! {
    /// Any spelling of a country (case changed letter by letter, accents
    /// kept or dropped) bills where its ISO code does.
    #[test]
    fn any_case_and_accents_resolve_alike(
        index in 0..super::countries::COUNTRIES.len(),
        name in 0_usize..8,
        mask in proptest::prelude::any::<u64>(),
        strip in proptest::prelude::any::<bool>(),
    ) {
        let book = book();
        let card = card(&book, usd(), "2026-10");
        let country = &super::countries::COUNTRIES[index];
        let written = country.names[name % country.names.len()];
        let mut text: String = written
            .chars()
            .enumerate()
            .map(|(i, c)| if mask >> (i % 64) & 1 == 1 { c.to_uppercase().next().unwrap_or(c) } else { c.to_lowercase().next().unwrap_or(c) })
            .collect();
        if strip {
            text = text.replace(['ü', 'Ü'], "u").replace(['ô', 'Ô'], "o").replace(['é', 'É'], "e");
        }
        let by_code = outcome(book.resolve_market(card, country.alpha2));
        proptest::prop_assert_eq!(outcome(book.resolve_market(card, &text)), by_code);
    }
}

// ------------------------------------------------------------ pricing

#[test]
fn product_example_argentina_utility_150000() {
    // 100,000 × 0.0260 + 50,000 × 0.0247 = 2,600.0000 + 1,235.0000 = 3,835.0000
    let book = book();
    let charge = card(&book, usd(), "2026-04")
        .price(Category::Utility, "Argentina", 150_000)
        .unwrap();
    assert_eq!(
        parts(&charge),
        [
            part(100_000, "0.0260", "2600.0000"),
            part(50_000, "0.0247", "1235.0000")
        ]
    );
    assert_eq!(charge.exact_total.to_string(), "3835.0000");
    assert_eq!(
        crate::money::round_line(charge.exact_total, usd()).to_string(),
        "3835.00"
    );
    assert_eq!(charge.note, None);
}

#[test]
fn tier_thresholds_are_inclusive() {
    let book = book();
    let april = card(&book, usd(), "2026-04");
    // Exactly at the top of tier 0: 100,000 × 0.0260 = 2,600.0000.
    let at = april
        .price(Category::Utility, "Argentina", 100_000)
        .unwrap();
    assert_eq!(parts(&at), [part(100_000, "0.0260", "2600.0000")]);
    // One over: 2,600.0000 + 1 × 0.0247 = 2,600.0247.
    let over = april
        .price(Category::Utility, "Argentina", 100_001)
        .unwrap();
    assert_eq!(
        parts(&over),
        [
            part(100_000, "0.0260", "2600.0000"),
            part(1, "0.0247", "0.0247")
        ]
    );
    assert_eq!(over.exact_total.to_string(), "2600.0247");
    // One message: 0.0260.
    assert_eq!(
        april
            .price(Category::Utility, "Argentina", 1)
            .unwrap()
            .exact_total
            .to_string(),
        "0.0260"
    );
    // Zero messages: nothing to pay, shown at the first tier's rate
    // (0 × 0.0260 = 0), so quantity × unit price is still the amount.
    let zero = april.price(Category::Utility, "Argentina", 0).unwrap();
    assert_eq!(zero.parts.len(), 1);
    assert_eq!(
        (zero.parts[0].count, zero.parts[0].rate.to_string()),
        (0, "0.0260".to_owned())
    );
    assert_eq!(zero.exact_total, Decimal::ZERO);
}

#[test]
fn counts_crossing_several_tiers() {
    let book = book();
    let april = card(&book, usd(), "2026-04");
    // Argentina utility, 5,000,000:
    //   100,000 × 0.0260 =   2,600.0000  (0 – 100,000)
    //   900,000 × 0.0247 =  22,230.0000  (100,001 – 1,000,000)
    // 3,500,000 × 0.0234 =  81,900.0000  (1,000,001 – 4,500,000)
    //   500,000 × 0.0221 =  11,050.0000  (4,500,001 – 5,000,000 of 15,000,000)
    //                      117,780.0000
    let charge = april
        .price(Category::Utility, "Argentina", 5_000_000)
        .unwrap();
    assert_eq!(
        parts(&charge),
        [
            part(100_000, "0.0260", "2600.0000"),
            part(900_000, "0.0247", "22230.0000"),
            part(3_500_000, "0.0234", "81900.0000"),
            part(500_000, "0.0221", "11050.0000"),
        ]
    );
    assert_eq!(charge.exact_total.to_string(), "117780.0000");
    // Into the open tier, 31,000,000: the above up to 4,500,000 (106,730.0000)
    // + 10,500,000 × 0.0221 = 232,050.0000 + 15,000,000 × 0.0208 = 312,000.0000
    // + 1,000,000 × 0.0195 = 19,500.0000 → 670,280.0000.
    let charge = april
        .price(Category::Utility, "Argentina", 31_000_000)
        .unwrap();
    assert_eq!(charge.parts.len(), 6);
    assert_eq!(charge.parts[5].count, 1_000_000);
    assert_eq!(charge.exact_total.to_string(), "670280.0000");
}

#[test]
fn prices_each_category_on_the_april_card() {
    let book = book();
    let april = card(&book, usd(), "2026-04");
    // India marketing 0.0118 × 1,000 = 11.8000 (never tiered).
    let marketing = april.price(Category::Marketing, "India", 1000).unwrap();
    assert_eq!(parts(&marketing), [part(1000, "0.0118", "11.8000")]);
    // India authentication, 800,000: 750,000 × 0.0014 = 1,050.0000
    // + 50,000 × 0.0013 = 65.0000 → 1,115.0000.
    let auth = april
        .price(Category::Authentication, "India", 800_000)
        .unwrap();
    assert_eq!(auth.exact_total.to_string(), "1115.0000");
    // India authentication-international, 1,000 × 0.0304 = 30.4000.
    let intl = april
        .price(Category::AuthenticationInternational, "India", 1000)
        .unwrap();
    assert_eq!(parts(&intl), [part(1000, "0.0304", "30.4000")]);
    // Argentina has no authentication-international rate: an error, never zero.
    let err = april
        .price(Category::AuthenticationInternational, "Argentina", 10)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the 2026-04-01 USD card has no authentication-international rate for Argentina"
    );
}

#[test]
fn service_is_free_on_the_april_card_and_charged_from_october() {
    let book = book();
    let april = card(&book, usd(), "2026-09");
    assert!(april.service_free());
    let free = april.price(Category::Service, "India", 5000).unwrap();
    assert_eq!(free.exact_total, Decimal::ZERO);
    assert!(free.parts.is_empty());
    assert_eq!(
        free.note.as_deref(),
        Some("service messages are free on the 2026-04-01 card")
    );

    let october = card(&book, usd(), "2026-10");
    assert!(!october.service_free());
    // India,USD,...,service 0.0014: 5,000 × 0.0014 = 7.0000, no tiers.
    let charged = october.price(Category::Service, "India", 5000).unwrap();
    assert_eq!(parts(&charged), [part(5000, "0.0014", "7.0000")]);
    assert_eq!(charged.note, None);
}

#[test]
fn the_october_card_prices_at_list_rates_and_refuses_unknown_rates() {
    let book = book();
    let october = card(&book, usd(), "2026-10");
    // No tiers published: Argentina utility 150,000 × 0.0260 = 3,900.0000.
    let charge = october
        .price(Category::Utility, "Argentina", 150_000)
        .unwrap();
    assert_eq!(parts(&charge), [part(150_000, "0.0260", "3900.0000")]);
    assert_eq!(charge.note, None);
    assert_eq!(
        october.describe(),
        "Meta USD rate card effective 2026-10-01 (list rates, no volume tiers published)"
    );
    // Kazakhstan authentication-international 0.1600 × 10 = 1.6000.
    let kz = october
        .price(Category::AuthenticationInternational, "Kazakhstan", 10)
        .unwrap();
    assert_eq!(kz.exact_total.to_string(), "1.6000");
    let err = october
        .price(Category::AuthenticationInternational, "Bangladesh", 10)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the 2026-10-01 USD card has no authentication-international rate for Bangladesh"
    );
}

#[test]
fn prices_in_inr() {
    let book = book();
    // India,INR,0.7846,...: 1,000 × 0.7846 = 784.6000.
    let charge = book
        .price(inr(), month("2026-11"), Category::Marketing, "IN", 1000)
        .unwrap();
    assert_eq!(charge.exact_total.to_string(), "784.6000");
}

#[test]
fn pricing_an_unknown_market_suggests_close_names() {
    let book = book();
    let err = card(&book, usd(), "2026-04")
        .price(Category::Marketing, "Brasil", 1)
        .unwrap_err()
        .to_string();
    assert!(err.contains("did you mean Brazil?"), "{err}");
}

#[test]
fn overflow_is_an_error_not_a_panic() {
    let huge = "# Effective date: 2030-01-01\n\
                # Partial: Atlantis only\n\
                market,currency,marketing,utility,authentication,authentication_international,service\n\
                Atlantis,USD,79228162514264337593543950335,1,1,,\n";
    let book = RateBook::from_files([("huge.csv", huge)]).unwrap();
    let err = book.cards()[0]
        .price(Category::Marketing, "Atlantis", 2)
        .unwrap_err();
    assert!(matches!(err, MetaError::Overflow { .. }), "{err}");
    // The largest count at a real rate fits: 18,446,744,073,709,551,615 × 1.
    let fits = book.cards()[0]
        .price(Category::Utility, "Atlantis", u64::MAX)
        .unwrap();
    assert_eq!(fits.exact_total, Decimal::from(u64::MAX));
}

#[test]
fn reads_any_of_metas_billing_currencies() {
    // The same file as Meta would publish it in EUR: title and every row.
    let eur = USD_RATES_2026_04.replace("USD", "EUR");
    let CardFile::Rates(file) = parse_card_file("EUR_rates.csv", &eur).unwrap() else {
        panic!();
    };
    assert_eq!(file.currency.code(), "EUR");
    // IDR rates run into the thousands and carry separators in quoted cells.
    let idr = USD_RATES_2026_04.replace("USD", "IDR").replacen(
        "Argentina,IDR,0.0618",
        "Argentina,IDR,\"1,012.3456\"",
        1,
    );
    let CardFile::Rates(file) = parse_card_file("IDR_rates.csv", &idr).unwrap() else {
        panic!();
    };
    assert_eq!(
        file.markets[0]
            .rate(Category::Marketing)
            .unwrap()
            .to_string(),
        "1012.3456"
    );
    // A title currency that is not ISO 4217 is refused; so is a row in
    // another currency than the title's.
    assert!(parse_card_file("x.csv", &USD_RATES_2026_04.replace("USD", "XXY")).is_err());
}

#[test]
fn a_mapped_market_missing_from_the_card_is_an_error() {
    // A card with no "Rest of Asia Pacific" row: Japan maps there.
    let small = "# Effective date: 2026-04-01\n\
                 market,currency,marketing,utility,authentication,authentication_international,service\n\
                 India,USD,0.0118,0.0014,0.0014,0.0304,\n\
                 Other,USD,0.0604,0.0077,0.0077,,\n";
    let book = RateBook::from_files([("small.csv", small), ("map.csv", MAPPING)]).unwrap();
    let card = &book.cards()[0];
    let err = book.resolve_market(card, "JP").unwrap_err();
    assert!(matches!(err, MetaError::MarketNotOnCard { .. }), "{err}");
    assert!(err.to_string().contains("Rest of Asia Pacific"), "{err}");
    // Unlisted countries still fall to Other.
    assert_eq!(book.resolve_market(card, "EE").unwrap().market, "Other");
}

#[test]
fn two_mapping_files_are_an_error() {
    let errors = errors_of(vec![("a.csv", MAPPING), ("b.csv", MAPPING)]);
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].starts_with("b.csv: ") && errors[0].contains("a.csv"),
        "{}",
        errors[0]
    );
}

/// Any cut of the real files parses or fails with an error; never a panic.
#[test]
fn every_truncation_is_an_error_or_a_card_never_a_panic() {
    for text in [USD_RATES_2026_04, USD_RATES_2026_10, MAPPING] {
        for end in (0..=text.len())
            .step_by(7)
            .filter(|&i| text.is_char_boundary(i))
        {
            let _ = parse_card_file("cut.csv", &text[..end]);
        }
    }
    for end in (0..=USD_TIERS_2026_04.len()).step_by(401) {
        let _ = parse_card_file("cut.csv", &USD_TIERS_2026_04[..end]);
    }
}

// ------------------------------------------------------------ partial cards, built-in cards

#[test]
fn partial_tiers_price_what_they_publish_and_refuse_the_rest() {
    let book = built_in_book();
    let inr_july = card(&book, inr(), "2026-08");
    assert_eq!(inr_july.effective().to_string(), "2026-07-01");
    // India utility: only the list tier 0–25,000,000 @ ₹0.1150 is published.
    // 25,000,000 × 0.1150 = 2,875,000.0000
    let top = inr_july
        .price(Category::Utility, "India", 25_000_000)
        .unwrap();
    assert_eq!(top.exact_total, dec("2875000.0000"));
    let err = inr_july
        .price(Category::Utility, "India", 25_000_001)
        .unwrap_err();
    assert!(
        matches!(
            err,
            MetaError::TiersNotPublished {
                published: 25_000_000,
                ..
            }
        ),
        "{err}"
    );
    // Rest of Central & Eastern Europe utility, 2026-10-01: 0–100,000 @ 0.0212 and
    // 80,000,001+ @ 0.0159; the tiers between are a gap.
    // 100,000 × 0.0212 = 2,120.0000
    let october = card(&book, usd(), "2026-11");
    let cee = "Rest of Central & Eastern Europe";
    assert_eq!(
        october
            .price(Category::Utility, cee, 100_000)
            .unwrap()
            .exact_total,
        dec("2120.0000")
    );
    assert!(october.price(Category::Utility, cee, 100_001).is_err());
    assert!(october.price(Category::Utility, cee, 90_000_000).is_err());
    // Rest of Africa utility is fully published: 150,000 =
    // 100,000 × 0.0040 + 50,000 × 0.0038 = 400.0000 + 190.0000 = 590.0000
    let africa = october
        .price(Category::Utility, "Rest of Africa", 150_000)
        .unwrap();
    assert_eq!(africa.exact_total, dec("590.0000"));
    assert_eq!(africa.note, None);
    // India has no published tiers on this card: list rate, and the bill says so.
    // 150,000 × 0.0014 = 210.0000
    let india = october.price(Category::Utility, "India", 150_000).unwrap();
    assert_eq!(india.exact_total, dec("210.0000"));
    assert!(
        india
            .note
            .unwrap()
            .contains("publishes no India utility volume tiers")
    );
    assert!(october.is_partial() && october.tiers_partial());
}

#[test]
fn every_built_in_card_loads_and_carries_its_provenance() {
    let book = built_in_book();
    let names: Vec<String> = book.cards().iter().map(RateCard::name).collect();
    for expected in [
        "2026-07-01 USD",
        "2026-01-01 INR",
        "2026-04-01 INR",
        "2026-07-01 INR",
        "2026-10-01 INR",
        "2026-04-01 EUR",
        "2026-07-01 CLP",
        "2026-10-01 BRL",
        "2026-10-01 IDR",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} not in {names:?}"
        );
    }
    for card in book.cards() {
        assert!(card.is_built_in());
        // Meta's own file (its title row), or a normalized file that says
        // where its figures came from and how far to trust them.
        assert!(
            card.is_primary() || card.provenance().iter().any(|l| l.contains("TRUST")),
            "{} has no provenance",
            card.name()
        );
    }
}

proptest::proptest! {
    /// The card in force never takes effect after the billing month starts.
    #[test]
    fn the_card_in_force_is_never_newer_than_the_month(year in 2025_u16..2029, m in 1_u8..=12, which in 0_usize..8) {
        let book = built_in_book();
        let currency = ["USD", "INR", "EUR", "CLP", "BRL", "IDR", "SAR", "AED"][which];
        let month: Month = format!("{year}-{m:02}").parse().unwrap();
        if let Ok(card) = book.card_for(Currency::from_code(currency).unwrap(), month) {
            proptest::prop_assert!(card.effective() <= month.first_day());
            proptest::prop_assert!(card.currency().code() == currency);
        }
    }
}

#[test]
fn a_card_a_quarter_or_more_before_the_month_is_named_stale() {
    let book = book();
    let october = card(&book, usd(), "2026-12");
    // 2026-10-01 → 2026-12: two months, still the quarter's card.
    assert_eq!(october.staleness(month("2026-12")), None);
    // 2027-01: a new quarter; Meta will have published a newer card.
    let note = october.staleness(month("2027-01")).unwrap();
    assert_eq!(
        note,
        "the newest USD card here is 2026-10-01, 3 months before 2027-01; Meta publishes new cards quarterly, so these rates may be out of date: drop newer files into plans/meta/"
    );
    // The 2025-10-01 INR card (the only INR card of these files) for 2026-11: 13 months.
    let inr_card = card(&book, inr(), "2026-11");
    assert!(
        inr_card
            .staleness(month("2026-11"))
            .unwrap()
            .contains("2025-10-01, 13 months before 2026-11")
    );
}

#[test]
fn a_market_as_written_is_quoted_with_control_characters_escaped() {
    let book = book();
    let october = card(&book, usd(), "2026-11");
    let err = book
        .resolve_market(october, "In\u{1b}[2Jdia")
        .unwrap_err()
        .to_string();
    assert!(!err.contains('\u{1b}'), "{err}");
    assert!(
        err.starts_with("`In\\u{1b}[2Jdia` is not a market"),
        "{err}"
    );
}

/// Dates are strict (`+026-10-01` used to read as the year 26): a bad date
/// in a mapping row, a normalized file's effective-date comment or Meta's
/// title row is an error naming the file and line.
#[test]
fn an_invalid_date_is_an_error_with_its_file_and_line() {
    // Line 2 is the first data row, after the header on line 1.
    let mapping =
        "iso2,country,calling_code,effective_from,market\nAR,Argentina,54,+026-10-01,Argentina\n";
    let errors = errors_of(vec![("m.csv", mapping)]);
    assert_eq!(
        errors,
        [
            "m.csv:2: effective_from: `+026-10-01` is not a valid date; expected YYYY-MM-DD, e.g. 2026-04-01"
        ]
    );
    for (bad, line) in [("2026-1-01", 1), ("2026-02-30", 1)] {
        let text = format!(
            "# Effective date: {bad}\nmarket,currency,marketing,utility,authentication\nIndia,USD,0.01,0.001,0.001\n"
        );
        let errors = errors_of(vec![("n.csv", &text)]);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].starts_with(&format!(
                "n.csv:{line}: in the `# Effective date:` comment: `{bad}` is not a valid date"
            )),
            "{}",
            errors[0]
        );
    }
    let title = USD_RATES_2026_04.replacen("April 1, 2026", "April 31, 2026", 1);
    let errors = errors_of(vec![("t.csv", &title)]);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("t.csv:1: `April 31, 2026` in the title row is not a date"),
        "{}",
        errors[0]
    );
}

#[test]
fn a_card_from_october_2026_without_service_rates_has_a_gap_not_free_service() {
    // The October card re-dated 2027-01-01 with every service cell emptied:
    // Meta charges service from 2026-10-01, so the empty column is a gap:
    // service is not free, and pricing it is an error, never 0.00.
    let text: String = USD_RATES_2026_10
        .lines()
        .map(|line| {
            let line = line.replace("2026-10-01", "2027-01-01");
            if line.starts_with('#') || line.starts_with("market,") {
                line
            } else {
                match line.rsplit_once(',') {
                    Some((rest, _service)) => format!("{rest},"),
                    None => line,
                }
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let book = RateBook::from_files([("USD_rates_2027-01-01.csv", text.as_str())]).unwrap();
    let january = card(&book, usd(), "2027-01");
    assert!(!january.service_free());
    let err = january.price(Category::Service, "India", 5000).unwrap_err();
    assert!(
        err.to_string().contains("has no service rate for India"),
        "{err}"
    );
}
