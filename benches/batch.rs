//! Benchmarks of the engine and the batch path (`cargo bench --bench batch`).
//! Whole-program comparisons with awk and Python live in `bench/batch.sh`.

use std::fmt::Write as _;
use std::io;

use ctbill::batch::{self, Format, Options, quick::Quick};
use ctbill::bill::{self, MetaCharges};
use ctbill::catalog::{self, Catalog};
use ctbill::load::Source;
use ctbill::usage::{MetaUsage, Usage};
use divan::counter::ItemsCount;
use divan::{Bencher, black_box};
use rust_decimal::Decimal;

fn main() {
    divan::main();
}

fn catalog() -> Catalog {
    Catalog::load(Source::Embedded).unwrap()
}

const ROWS: usize = 10_000;

/// `seq 0 17 170000`: plain counts for the fast path.
fn plain_input() -> String {
    (0..ROWS).fold(String::new(), |mut s, i| {
        let _ = writeln!(s, "{}", i * 17);
        s
    })
}

/// Mixed plans: Connect rows with `sent`, Direct rows with `conversations`
/// and a Meta amount.
fn mixed_input() -> String {
    let connect = ["connect-10k", "connect-25k", "connect-50k", "connect-100k"];
    let direct = ["direct-25k", "direct-50k", "direct-100k", "direct-in-25k"];
    let mut s = String::from("account,plan,sent,conversations,meta_amount\n");
    for i in 0..ROWS {
        if i % 2 == 0 {
            let _ = writeln!(s, "a{i},{},{},,", connect[i / 2 % 4], i * 7919 % 400_000);
        } else {
            let _ = writeln!(
                s,
                "a{i},{},,{},{}.{:02}",
                direct[i / 2 % 4],
                i * 104_729 % 1_200_000,
                i * 37 % 100_000,
                i % 100
            );
        }
    }
    s
}

/// The same ladder with Meta message counts on the Direct rows
/// (`marketing:IN`, `utility:BR`, three months), priced on Meta's cards.
fn meta_input() -> String {
    let connect = ["connect-10k", "connect-25k", "connect-50k", "connect-100k"];
    let direct = ["direct-25k", "direct-50k", "direct-100k", "direct-in-25k"];
    let mut s = String::from("account,plan,sent,conversations,marketing:IN,utility:BR,month\n");
    for i in 0..ROWS {
        if i % 2 == 0 {
            let _ = writeln!(
                s,
                "a{i},{},{},,,,2026-11",
                connect[i / 2 % 4],
                i * 7919 % 400_000
            );
        } else {
            let _ = writeln!(
                s,
                "a{i},{},,{},{},{},2026-{:02}",
                direct[i / 2 % 4],
                i * 104_729 % 1_200_000,
                i * 37 % 100_000,
                i * 13 % 300_000,
                10 + i % 3
            );
        }
    }
    s
}

fn run_batch(bencher: Bencher, input: &str, plan: Option<&str>, format: Format) {
    run_batch_with(bencher, input, plan, format, true);
}

/// `fast`: price the common rows on the integer fast path (as `batch` does).
fn run_batch_with(bencher: Bencher, input: &str, plan: Option<&str>, format: Format, fast: bool) {
    let catalog = catalog();
    let options = Options::new(&catalog, plan, format, ctbill::calendar::today().month()).unwrap();
    let options = if fast { options } else { options.engine_only() };
    bencher.counter(ItemsCount::new(ROWS)).bench_local(|| {
        let (mut stdout, mut stderr) = (io::sink(), io::sink());
        batch::run(
            &catalog,
            &options,
            black_box(input.as_bytes()),
            &mut stdout,
            &mut stderr,
        )
        .unwrap()
    });
}

/// 10,000 plain counts on connect-10k, CSV out (the integer fast path).
#[divan::bench]
fn batch_plain_csv(bencher: Bencher) {
    run_batch(bencher, &plain_input(), Some("connect-10k"), Format::Csv);
}

/// 10,000 CSV rows on eight plans with a Meta amount, CSV out (the
/// integer fast path of every row).
#[divan::bench]
fn batch_mixed_csv(bencher: Bencher) {
    run_batch(bencher, &mixed_input(), None, Format::Csv);
}

/// The same rows as JSON Lines.
#[divan::bench]
fn batch_mixed_jsonl(bencher: Bencher) {
    run_batch(bencher, &mixed_input(), None, Format::Jsonl);
}

/// 10,000 rows with Meta message counts, CSV out.
#[divan::bench]
fn batch_meta_counts_csv(bencher: Bencher) {
    run_batch(bencher, &meta_input(), None, Format::Csv);
}

/// The same rows as JSON Lines (tiers, notes and the Meta card on each).
#[divan::bench]
fn batch_meta_counts_jsonl(bencher: Bencher) {
    run_batch(bencher, &meta_input(), None, Format::Jsonl);
}

/// The Meta-count rows through the `Decimal` engine only: the baseline of
/// the fast path (the same output, byte for byte).
#[divan::bench]
fn batch_meta_counts_csv_engine(bencher: Bencher) {
    run_batch_with(bencher, &meta_input(), None, Format::Csv, false);
}

/// The same, as JSON Lines written from the engine's bills.
#[divan::bench]
fn batch_meta_counts_jsonl_engine(bencher: Bencher) {
    run_batch_with(bencher, &meta_input(), None, Format::Jsonl, false);
}

/// One bill from the engine: the vendor's example, connect-10k at 15,000.
#[divan::bench]
fn engine_connect(bencher: Bencher) {
    let catalog = catalog();
    let plan = catalog.plan("connect-10k").unwrap();
    bencher.bench_local(|| bill::bill(plan, black_box(15_000), None, MetaCharges::None));
}

/// One Direct bill with Meta charges and markup, through `catalog::price`.
#[divan::bench]
fn engine_direct_with_meta(bencher: Bencher) {
    let catalog = catalog();
    let plan = catalog.plan("direct-25k").unwrap();
    let usage = Usage {
        unit: None,
        count: 130_000,
        meta: MetaUsage::Amount(Decimal::new(125_040, 2).into()),
        markup_percent: None,
        month: "2026-04".parse().unwrap(),
        phone_numbers: 1,
    };
    bencher.bench_local(|| catalog::price(&catalog, plan, black_box(&usage)).map(|b| b.total));
}

/// The fast path's integer pricing of one count.
#[divan::bench]
fn quick_price(bencher: Bencher) {
    let catalog = catalog();
    let quick = Quick::new(catalog.plan("direct-25k").unwrap()).unwrap();
    bencher.bench_local(|| quick.price(black_box(130_000)));
}

/// Loading the embedded plans: what every `ctbill estimate` pays first.
#[divan::bench]
fn load_embedded_plans() -> Catalog {
    catalog()
}
