//! `batch --vs-month` / `--vs-plans` invariants: on every priced row,
//! `change` is `total − vs_total` exactly, and a book priced against
//! itself (its own month, or its own plans) changes nothing.

use std::fmt::Write as _;

use ctbill::batch::{self, Format, Options};
use ctbill::calendar::Month;
use ctbill::catalog::Catalog;
use ctbill::load::Source;
use ctbill::vs::VsPricing;
use proptest::prelude::*;
use rust_decimal::Decimal;

const MONTHS: [&str; 4] = ["2026-04", "2026-07", "2026-10", "2026-11"];

/// One account: plan, count, month (index into [`MONTHS`]), India marketing messages.
#[derive(Debug, Clone)]
struct Account {
    plan: &'static str,
    count: u64,
    month: usize,
    marketing: u64,
}

fn account() -> impl Strategy<Value = Account> {
    (
        prop::sample::select(vec![
            "connect-10k",
            "connect-25k",
            "direct-25k",
            "direct-in-25k",
        ]),
        0u64..400_000,
        0usize..MONTHS.len(),
        0u64..3_000_000,
    )
        .prop_map(|(plan, count, month, marketing)| Account {
            plan,
            count,
            month,
            marketing,
        })
}

fn book(accounts: &[Account], month: Option<usize>) -> String {
    let mut text = String::from("account,plan,sent,conversations,month,marketing:IN\n");
    for (i, a) in accounts.iter().enumerate() {
        let direct = a.plan.starts_with("direct");
        let (sent, conversations, marketing) = if direct {
            (String::new(), a.count.to_string(), a.marketing.to_string())
        } else {
            (a.count.to_string(), String::new(), String::new())
        };
        let month = MONTHS[month.unwrap_or(a.month)];
        let _ = writeln!(
            text,
            "A{i},{},{sent},{conversations},{month},{marketing}",
            a.plan
        );
    }
    text
}

/// Runs a batch on the embedded plans compared under `vs`: (stdout, stderr).
fn run(input: &str, vs: &VsPricing) -> (String, String) {
    let catalog = Catalog::load(Source::Embedded).unwrap();
    let mut options =
        Options::new(&catalog, None, Format::Csv, "2026-11".parse().unwrap()).unwrap();
    options.vs = Some(vs);
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    batch::run(
        &catalog,
        &options,
        input.as_bytes(),
        &mut stdout,
        &mut stderr,
    )
    .unwrap();
    (
        String::from_utf8(stdout).unwrap(),
        String::from_utf8(stderr).unwrap(),
    )
}

/// The (`total`, `vs_total`, `change`) of every priced row, and how many rows.
fn changes(csv_text: &str) -> (Vec<(Decimal, Decimal, Decimal)>, usize) {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let names: Vec<&str> = headers.iter().collect();
    let column = |name: &str| names.iter().rposition(|h| *h == name).unwrap();
    let (total, vs_total, change, error) = (
        column("total"),
        column("vs_total"),
        column("change"),
        column("error"),
    );
    assert_eq!((vs_total, change, error), (total + 1, total + 2, total + 3));
    let mut rows = 0;
    let mut priced = Vec::new();
    for record in reader.records() {
        let record = record.unwrap();
        rows += 1;
        if record[error].is_empty() {
            let number = |i: usize| record[i].parse::<Decimal>().unwrap();
            priced.push((number(total), number(vs_total), number(change)));
        }
    }
    (priced, rows)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn change_is_total_minus_vs_total(
        accounts in prop::collection::vec(account(), 1..12),
        vs_month in 0usize..MONTHS.len(),
    ) {
        let vs = VsPricing::Month(MONTHS[vs_month].parse::<Month>().unwrap());
        let (stdout, stderr) = run(&book(&accounts, None), &vs);
        let (priced, rows) = changes(&stdout);
        prop_assert_eq!(rows, accounts.len());
        let (mut up, mut down, mut same) = (0, 0, 0);
        for (total, vs_total, change) in &priced {
            prop_assert_eq!(*change, *total - *vs_total);
            match change.cmp(&Decimal::ZERO) {
                std::cmp::Ordering::Greater => up += 1,
                std::cmp::Ordering::Less => down += 1,
                std::cmp::Ordering::Equal => same += 1,
            }
        }
        // The summary counts the same rows, over both currencies.
        let counted = stderr
            .lines()
            .filter(|l| l.contains("; vs (month "))
            .map(|l| {
                let tail = l.rsplit("; ").next().unwrap();
                let n: Vec<u64> = tail
                    .split(", ")
                    .map(|p| p.split(' ').next().unwrap().parse().unwrap())
                    .collect();
                (n[0], n[1], n[2])
            })
            .fold((0, 0, 0), |a, n| (a.0 + n.0, a.1 + n.1, a.2 + n.2));
        prop_assert_eq!(counted, (up, down, same), "{}", stderr);
    }

    #[test]
    fn a_book_priced_against_itself_changes_nothing(
        accounts in prop::collection::vec(account(), 1..12),
        month in 0usize..MONTHS.len(),
    ) {
        let own = VsPricing::Month(MONTHS[month].parse::<Month>().unwrap());
        let same_plans = VsPricing::Plans {
            catalog: Box::new(Catalog::load(Source::Embedded).unwrap()),
            dir: "the same plans".to_owned(),
        };
        for vs in [own, same_plans] {
            let (stdout, stderr) = run(&book(&accounts, Some(month)), &vs);
            let (priced, rows) = changes(&stdout);
            prop_assert_eq!(rows, accounts.len());
            for (total, vs_total, change) in &priced {
                prop_assert_eq!(total, vs_total);
                prop_assert!(change.is_zero());
            }
            for line in stderr.lines().filter(|l| l.contains("; vs (")) {
                prop_assert!(line.contains("; change 0"), "{}", line);
                prop_assert!(line.contains("; 0 up, 0 down, "), "{}", line);
            }
            let same: usize = stderr
                .lines()
                .filter(|l| l.contains("; vs ("))
                .map(|l| {
                    l.rsplit(", ").next().unwrap().split(' ').next().unwrap().parse::<usize>().unwrap()
                })
                .sum();
            prop_assert_eq!(same, priced.len());
        }
    }
}
