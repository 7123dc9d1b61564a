//! `ctbill batch` invariants: one output row per input row, in order,
//! whatever mix of good and bad rows and input oddities comes in; JSON Lines
//! bills equal to `estimate --format json`; a closed stdout ends quietly.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use ctbill::app::Output;
use ctbill::batch::{self, Format, Options};
use ctbill::catalog::Catalog;
use ctbill::load::Source;
use proptest::prelude::*;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_ctbill");

/// Runs a batch in memory on the embedded plans: (exit code, stdout, stderr).
fn run(input: &str, plan: Option<&str>, format: Format) -> (u8, String, String) {
    let catalog = Catalog::load(Source::Embedded).unwrap();
    let options = Options::new(&catalog, plan, format).unwrap();
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let mut output = Output {
        stdout: &mut stdout,
        stderr: &mut stderr,
    };
    let code = batch::run(&catalog, &options, input.as_bytes(), &mut output).unwrap();
    (
        code,
        String::from_utf8(stdout).unwrap(),
        String::from_utf8(stderr).unwrap(),
    )
}

fn records(csv_text: &str) -> Vec<csv::StringRecord> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv_text.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect()
}

/// One input row of the property test.
#[derive(Debug, Clone)]
enum Row {
    /// A good count on connect-10k.
    Good(u64),
    /// The same, grouped by thousands and quoted (`"15,000"`).
    Grouped(u64),
    Negative,
    Fraction,
    Garbage,
    UnknownPlan,
    WrongUnit,
    TooFew,
    TooMany,
}

impl Row {
    fn is_bad(&self) -> bool {
        !matches!(self, Row::Good(_) | Row::Grouped(_))
    }

    /// The CSV line for account `i` (columns: account,plan,sent,conversations).
    fn line(&self, i: usize) -> String {
        let a = format!("acct-{i}");
        match self {
            Row::Good(n) => format!("{a},connect-10k,{n},"),
            Row::Grouped(n) => format!("{a},connect-10k,\"{}\",", group(*n)),
            Row::Negative => format!("{a},connect-10k,-5,"),
            Row::Fraction => format!("{a},connect-10k,1.5,"),
            Row::Garbage => format!("{a},connect-10k,lots,"),
            Row::UnknownPlan => format!("{a},conect-10k,5,"),
            Row::WrongUnit => format!("{a},connect-10k,,5"),
            Row::TooFew => format!("{a},connect-10k,5"),
            Row::TooMany => format!("{a},connect-10k,5,,x"),
        }
    }
}

fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// connect-10k by hand: $30.00 + (n − 10,000) × 0.0070, rounded half up to
/// cents: cents = 3000 + ⌊(units × 70 + 50) / 100⌋.
fn connect_10k_total(n: u64) -> String {
    let units = u128::from(n.saturating_sub(10_000));
    let cents = 3000 + (units * 70 + 50) / 100;
    format!("{}.{:02}", cents / 100, cents % 100)
}

fn row_strategy() -> impl Strategy<Value = Row> {
    prop_oneof![
        4 => (0u64..1_000_000).prop_map(Row::Good),
        1 => (0u64..10_000_000).prop_map(Row::Grouped),
        1 => Just(Row::Negative),
        1 => Just(Row::Fraction),
        1 => Just(Row::Garbage),
        1 => Just(Row::UnknownPlan),
        1 => Just(Row::WrongUnit),
        1 => Just(Row::TooFew),
        1 => Just(Row::TooMany),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever the rows, line ends and blank lines: one output row per
    /// input row, in order, errors exactly on the bad rows, exit 1 iff any.
    #[test]
    fn one_output_row_per_input_row_in_order(
        rows in prop::collection::vec((row_strategy(), any::<bool>(), any::<bool>()), 0..40),
        bom in any::<bool>(),
    ) {
        let mut input = String::from(if bom { "\u{feff}" } else { "" });
        input.push_str("account,plan,sent,conversations\n");
        for (i, (row, crlf, blank_after)) in rows.iter().enumerate() {
            input.push_str(&row.line(i));
            input.push_str(if *crlf { "\r\n" } else { "\n" });
            if *blank_after {
                input.push('\n');
            }
        }
        let (code, stdout, stderr) = run(&input, None, Format::Csv);
        let out = records(&stdout);
        prop_assert_eq!(out.len(), rows.len() + 1);
        prop_assert_eq!(out[0].len(), 4 + 8);
        let bad = rows.iter().filter(|(r, _, _)| r.is_bad()).count();
        for (i, (row, _, _)) in rows.iter().enumerate() {
            let record = &out[i + 1];
            prop_assert_eq!(record.len(), 12);
            prop_assert_eq!(&record[0], format!("acct-{i}"));
            let error = &record[11];
            if row.is_bad() {
                let prefix = format!("row {}", i + 1);
                prop_assert!(error.starts_with(&prefix), "{}", error);
                prop_assert_eq!(&record[10], "");
                prop_assert_eq!(&record[4], "");
            } else {
                prop_assert_eq!(error, "");
                let (Row::Good(n) | Row::Grouped(n)) = row else { unreachable!() };
                prop_assert_eq!(&record[4], "USD");
                prop_assert_eq!(&record[10], &connect_10k_total(*n));
            }
        }
        prop_assert_eq!(code, u8::from(bad > 0));
        let summary = format!("ctbill: batch: {} row", rows.len());
        prop_assert!(stderr.starts_with(&summary), "{}", stderr);
        let bad_text = format!(", {bad} bad");
        prop_assert!(stderr.contains(&bad_text), "{}", stderr);
    }

    /// Plain lists (first line a count): every line is a row, in order, bad
    /// or not, blank lines included (they lack a count); JSON Lines carry
    /// each row's number and input.
    #[test]
    fn plain_lists_keep_every_line(
        lines in prop::collection::vec(prop_oneof![
            (0u64..100_000).prop_map(|n| n.to_string()),
            Just("-1".to_owned()),
            Just("x".to_owned()),
            Just(String::new()),
        ], 0..40),
    ) {
        // The first line decides the kind of input: a count makes a plain list.
        let mut lines = lines;
        lines.insert(0, "1".to_owned());
        let input = lines.join("\n");
        // Joined with "\n", a last empty string is only the final line end.
        let ends_with_newline = lines.last().is_some_and(String::is_empty);
        let kept: Vec<&String> = lines[..lines.len() - usize::from(ends_with_newline)].iter().collect();
        let (_, stdout, _) = run(&input, Some("connect-10k"), Format::Csv);
        let out = records(&stdout);
        prop_assert_eq!(out.len(), kept.len() + 1);
        for (record, line) in out.iter().skip(1).zip(&kept) {
            prop_assert_eq!(&record[0], line.as_str());
        }
        let (_, stdout, _) = run(&input, Some("connect-10k"), Format::Jsonl);
        let objects: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        prop_assert_eq!(objects.len(), kept.len());
        for (i, (object, line)) in objects.iter().zip(&kept).enumerate() {
            prop_assert_eq!(&object["row"], &Value::from(i + 1));
            prop_assert_eq!(&object["input"]["sent"], &Value::from(line.as_str()));
            prop_assert_eq!(object.get("error").is_some(), object.get("total").is_none());
        }
    }
}

/// Each JSON Lines bill is `estimate --format json` for the same usage,
/// plus `row` and `input`.
#[test]
fn jsonl_bills_equal_estimate_json() {
    let input = "account,plan,sent,conversations,meta_amount,markup\n\
                 A1,connect-10k,15000,,,\n\
                 A2,direct-25k,,30000,1250.40,12\n\
                 A3,direct-in-25k,,120000,,\n\
                 A4,connect-250k,1000000,,,\n";
    let (code, stdout, _) = run(input, None, Format::Jsonl);
    assert_eq!(code, 0);
    let estimates: [&[&str]; 4] = [
        &["--plan", "connect-10k", "--sent", "15000"],
        &[
            "--plan",
            "direct-25k",
            "--conversations",
            "30000",
            "--meta-amount",
            "1250.40",
            "--markup",
            "12",
        ],
        &["--plan", "direct-in-25k", "--conversations", "120000"],
        &["--plan", "connect-250k", "--sent", "1000000"],
    ];
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), estimates.len());
    for (i, (line, args)) in lines.iter().zip(estimates).enumerate() {
        let mut row: Value = serde_json::from_str(line).unwrap();
        let object = row.as_object_mut().unwrap();
        assert_eq!(object.remove("row"), Some(Value::from(i + 1)));
        let input = object.remove("input").unwrap();
        assert_eq!(input["account"], Value::from(format!("A{}", i + 1)));
        let estimate = Command::new(BIN)
            .arg("estimate")
            .args(args)
            .args(["--format", "json"])
            .env_remove("CTBILL_PLANS")
            .output()
            .unwrap();
        assert!(estimate.status.success(), "{args:?}");
        let expected: Value = serde_json::from_slice(&estimate.stdout).unwrap();
        assert_eq!(row, expected, "{args:?}");
    }
}

/// `ctbill batch FILE` reads the file; `-` reads stdin.
#[test]
fn reads_a_file_or_stdin() {
    let path = std::env::temp_dir().join(format!("ctbill-batch-{}.csv", std::process::id()));
    std::fs::write(&path, "plan,sent\nconnect-10k,15000\n").unwrap();
    let from_file = Command::new(BIN).arg("batch").arg(&path).output().unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(from_file.status.code(), Some(0));
    // 30.00 + 5,000 × 0.0070 = 65.00
    assert_eq!(
        String::from_utf8_lossy(&from_file.stdout),
        "plan,sent,currency,base,overage,fair_use_overage,meta,markup,total,error\n\
         connect-10k,15000,USD,30.00,35.00,,,,65.00,\n"
    );
    let mut child = Command::new(BIN)
        .args(["batch", "--plan", "connect-10k", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"15000\n").unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(String::from_utf8_lossy(&output.stdout).ends_with("15000,USD,30.00,35.00,,,,65.00,\n"));
}

/// `ctbill batch | head -1`: a closed stdout ends the batch quietly, exit 0.
#[test]
fn closed_stdout_ends_quietly() {
    let mut child = Command::new(BIN)
        .args(["batch", "--plan", "connect-10k"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        let line = b"15000\n".repeat(10_000);
        for _ in 0..200 {
            if stdin.write_all(&line).is_err() {
                break; // ctbill has stopped reading: expected
            }
        }
    });
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert!(first.starts_with("sent,currency,base,"));
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}
