//! `ctbill batch` invariants: one output row per input row, in order,
//! whatever mix of good and bad rows and input oddities comes in; JSON Lines
//! bills equal to `estimate --format json`; a closed stdout ends quietly.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use ctbill::batch::{self, Format, Options};
use ctbill::catalog::Catalog;
use ctbill::load::Source;
use proptest::prelude::*;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_ctbill");

/// Runs a batch in memory on the embedded plans: (exit code, stdout, stderr).
fn run(input: &str, plan: Option<&str>, format: Format) -> (u8, String, String) {
    let catalog = Catalog::load(Source::Embedded).unwrap();
    let options = Options::new(&catalog, plan, format, ctbill::calendar::today().month()).unwrap();
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let code = batch::run(
        &catalog,
        &options,
        input.as_bytes(),
        &mut stdout,
        &mut stderr,
    )
    .unwrap();
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

/// The longest row ctbill reads (1 MiB); a longer one is a bad row.
const MAX_ROW_BYTES: usize = 1 << 20;

/// One CSV record as the contract reads it, worked out independently of
/// ctbill: the lines it spans (from 1), its bytes (line ends inside it
/// included), its cells, and whether a quote never closed or a quoted cell
/// had text after its closing quote.
#[derive(Debug, Default, Clone)]
struct ModelRecord {
    first: usize,
    last: usize,
    bytes: usize,
    cells: Vec<Vec<u8>>,
    unclosed: bool,
    after_quote: bool,
}

/// Splits `text` into records: CR, LF and CRLF end lines; an empty line
/// is no record; a quote at the start of a cell runs to the next lone
/// quote (`""` is a quote). Returns the records and the number of lines.
fn model_csv(text: &[u8]) -> (Vec<ModelRecord>, usize) {
    let mut records = Vec::new();
    let mut line = 0;
    let mut i = 0;
    while i < text.len() {
        let mut record = ModelRecord {
            first: line + 1,
            ..ModelRecord::default()
        };
        let mut cell = Vec::new();
        let mut quoted = false; // inside quotes
        let mut at_cell_start = true;
        let mut closed = false; // after a closing quote
        let mut verbatim = false; // the cell is kept as written
        let mut cell_start = i;
        let start = i;
        loop {
            let Some(&b) = text.get(i) else {
                record.unclosed = quoted;
                if !matches!(text[i - 1], b'\r' | b'\n') {
                    line += 1; // the last line, without a line end
                }
                break;
            };
            let crlf = b == b'\r' && text.get(i + 1) == Some(&b'\n');
            if (b == b'\r' || b == b'\n') && !quoted {
                line += 1;
                i += if crlf { 2 } else { 1 };
                break;
            }
            if b == b'\r' || b == b'\n' {
                line += 1;
                if crlf {
                    cell.extend_from_slice(b"\r\n");
                    i += 2;
                    continue;
                }
            }
            i += 1;
            if quoted {
                if b == b'"' && text.get(i) == Some(&b'"') {
                    cell.push(b'"');
                    i += 1;
                } else if b == b'"' {
                    quoted = false;
                    closed = true;
                } else {
                    cell.push(b);
                }
            } else if b == b',' {
                if verbatim {
                    cell = text[cell_start..i - 1].to_vec();
                }
                record.cells.push(std::mem::take(&mut cell));
                at_cell_start = true;
                closed = false;
                verbatim = false;
                cell_start = i;
                continue;
            } else if b == b'"' && at_cell_start {
                quoted = true;
            } else {
                if closed {
                    record.after_quote = true;
                    verbatim = true;
                }
                cell.push(b);
            }
            at_cell_start = false;
        }
        record.last = line;
        record.bytes = text[start..i.min(text.len())]
            .strip_suffix(b"\r\n")
            .or_else(|| text[start..i.min(text.len())].strip_suffix(b"\n"))
            .or_else(|| text[start..i.min(text.len())].strip_suffix(b"\r"))
            .unwrap_or(&text[start..i.min(text.len())])
            .len();
        if record.bytes == 0 && !record.unclosed {
            continue; // an empty line
        }
        if verbatim {
            cell = text[cell_start..start + record.bytes].to_vec();
        }
        record.cells.push(cell);
        records.push(record);
    }
    (records, line)
}

/// The lines of `text`: each CR, LF or CRLF ends one; a last line without
/// an end is a line when it is not empty.
fn model_lines(text: &[u8]) -> Vec<&[u8]> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < text.len() {
        if text[i] == b'\r' || text[i] == b'\n' {
            lines.push(&text[start..i]);
            i += if text[i] == b'\r' && text.get(i + 1) == Some(&b'\n') {
                2
            } else {
                1
            };
            start = i;
        } else {
            i += 1;
        }
    }
    if start < text.len() {
        lines.push(&text[start..]);
    }
    lines
}

fn byte_records(output: &[u8]) -> Vec<csv::ByteRecord> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(output)
        .byte_records()
        .map(Result::unwrap)
        .collect()
}

/// Runs a batch on raw bytes: (exit code, stdout, stderr).
fn run_bytes(input: &[u8], plan: Option<&str>) -> (u8, Vec<u8>, String) {
    let catalog = Catalog::load(Source::Embedded).unwrap();
    let options = Options::new(
        &catalog,
        plan,
        Format::Csv,
        ctbill::calendar::today().month(),
    )
    .unwrap();
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let code = batch::run(&catalog, &options, input, &mut stdout, &mut stderr).unwrap();
    (code, stdout, String::from_utf8(stderr).unwrap())
}

/// Input bytes, shown with long runs shortened (a failing case may hold
/// a line of a megabyte).
#[derive(Clone)]
struct Body(Vec<u8>);

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("b\"")?;
        for run in self.0.chunk_by(|a, b| a == b) {
            let byte = std::ascii::escape_default(run[0]).to_string();
            if run.len() > 8 {
                write!(f, "<{} × {byte}>", run.len())?;
            } else {
                f.write_str(&byte.repeat(run.len()))?;
            }
        }
        f.write_str("\"")
    }
}

/// Random input bytes: short runs of quotes, commas, CR, LF, NUL, ESC,
/// spaces and digits, now and then a line longer than a row may be.
fn body() -> impl Strategy<Value = Body> {
    let piece = prop_oneof![
        20 => prop::collection::vec(
            prop::sample::select(&b"77a ,\"\"\r\n\r\n\0\x1b"[..]),
            0..12
        ),
        1 => (1usize..3).prop_map(|k| vec![b'7'; MAX_ROW_BYTES + k]),
    ];
    prop::collection::vec(piece, 0..30).prop_map(|pieces| Body(pieces.concat()))
}

/// An error cell: starts with its row's number, and quotes no control
/// character (ESC, NUL, CR...) and nothing long.
fn check_error(error: &[u8], row: usize) -> Result<(), TestCaseError> {
    let text = String::from_utf8_lossy(error);
    prop_assert!(text.starts_with(&format!("row {row}")), "{}", text);
    prop_assert!(!error.iter().any(|&b| b < 0x20 || b == 0x7f), "{}", text);
    prop_assert!(error.len() < 1000, "{} bytes", error.len());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Whatever the bytes after a CSV header: one output row per record,
    /// in order, and every input line belongs to exactly one record (an
    /// empty line to none): a quote that never closes is one bad row that
    /// says which lines it ran over, a record too long one bad row with
    /// its length.
    #[test]
    fn csv_bytes_keep_every_line(body in body()) {
        let mut input = b"id,sent\n".to_vec();
        input.extend_from_slice(&body.0);
        let (records, lines) = model_csv(&input);
        // The records cover the lines in order; what they skip is empty.
        let all_lines = model_lines(&input);
        prop_assert_eq!(all_lines.len(), lines);
        let mut next = 1;
        for record in &records {
            for skipped in next..record.first {
                prop_assert!(all_lines[skipped - 1].is_empty());
            }
            next = record.last + 1;
        }
        let (code, stdout, stderr) = run_bytes(&input, Some("connect-10k"));
        let out = byte_records(&stdout);
        prop_assert_eq!(out.len(), records.len(), "{}", stderr);
        let mut bad = 0;
        for (i, (record, model)) in out.iter().zip(&records).enumerate().skip(1) {
            prop_assert_eq!(record.len(), 2 + 8);
            let error = &record[9];
            let long = model.bytes > MAX_ROW_BYTES;
            if !long {
                for c in 0..2 {
                    let cell = model.cells.get(c).map_or(&[][..], Vec::as_slice);
                    prop_assert!(&record[c] == cell, "row {} cell {}: {:?} vs {:?}", i, c,
                        String::from_utf8_lossy(&record[c]), String::from_utf8_lossy(cell));
                }
            }
            if error.is_empty() {
                prop_assert!(!model.unclosed && !long && !model.after_quote);
                prop_assert_eq!(&record[2], b"USD");
                continue;
            }
            bad += 1;
            check_error(error, i)?;
            let text = String::from_utf8_lossy(error);
            if model.unclosed {
                let span = format!(
                    "ran over {} lines (lines {} to {}",
                    model.last - model.first + 1, model.first, model.last
                );
                prop_assert!(text.contains(&span), "{} vs {}", text, span);
            } else if long {
                let length = format!("is {} bytes long", model.bytes);
                prop_assert!(text.contains(&length), "{}", text);
            } else if model.after_quote {
                prop_assert!(text.contains("after its closing quote"), "{}", text);
            }
        }
        prop_assert_eq!(code, u8::from(bad > 0));
        let summary = format!("{bad} bad");
        prop_assert!(stderr.contains(&summary), "{}", stderr);
    }

    /// A plain list (first line a count), whatever bytes follow: every
    /// line is one row, in order, whatever ends it.
    #[test]
    fn plain_bytes_keep_every_line(body in body()) {
        let mut input = b"1\n".to_vec();
        input.extend_from_slice(&body.0);
        let lines = model_lines(&input);
        let (code, stdout, stderr) = run_bytes(&input, Some("connect-10k"));
        let out = byte_records(&stdout);
        prop_assert_eq!(out.len(), lines.len() + 1, "{}", stderr);
        let mut bad = 0;
        for (i, (record, line)) in out.iter().skip(1).zip(&lines).enumerate() {
            prop_assert_eq!(record.len(), 1 + 8);
            let error = &record[8];
            if line.len() > MAX_ROW_BYTES {
                prop_assert!(record[0].is_empty(), "row {}: a long line is not carried", i + 1);
                let length = format!("is {} bytes long", line.len());
                prop_assert!(String::from_utf8_lossy(error).contains(&length));
            } else {
                let text = line.trim_ascii();
                let text = text
                    .strip_prefix(b"\"")
                    .and_then(|t| t.strip_suffix(b"\""))
                    .unwrap_or(text);
                prop_assert!(&record[0] == text, "row {}: {:?} vs {:?}", i + 1,
                    String::from_utf8_lossy(&record[0]), String::from_utf8_lossy(text));
            }
            if !error.is_empty() {
                bad += 1;
                check_error(error, i + 1)?;
            }
        }
        prop_assert_eq!(code, u8::from(bad > 0));
    }
}

/// A CR-only list is as many rows as it has lines (it was one row).
#[test]
fn cr_only_line_ends_split_rows() {
    // connect-10k: 30.00 + 5,000 × 0.0070 = 65.00; 30.00 below the quota.
    let (code, stdout, stderr) = run("0\r10000\r15000\r", Some("connect-10k"), Format::Csv);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "sent,currency,base,overage,fair_use_overage,meta,markup,total,error\n\
         0,USD,30.00,0.00,,,,30.00,\n\
         10000,USD,30.00,0.00,,,,30.00,\n\
         15000,USD,30.00,35.00,,,,65.00,\n"
    );
    // 30.00 + 30.00 + 65.00 = 125.00
    assert!(stderr.contains("total USD 125.00 (3 rows)"), "{stderr}");
}

/// Bad rows are bounded and safe to print: a 2 MB line of NULs and ESCs
/// comes back as a short, escaped error.
#[test]
fn a_long_line_of_controls_is_not_echoed() {
    let mut input = b"1\n".to_vec();
    input.extend(b"\x1b]0;x\x07\0".iter().cycle().take(2 << 20));
    input.extend_from_slice(b"\n2\n");
    let (code, stdout, stderr) = run_bytes(&input, Some("connect-10k"));
    assert_eq!(code, 1);
    let out = byte_records(&stdout);
    assert_eq!(out.len(), 4);
    let error = String::from_utf8_lossy(&out[2][8]).into_owned();
    assert!(
        error.starts_with("row 2, column sent: the line is 2097152 bytes long"),
        "{error}"
    );
    assert!(error.contains("\\u{1b}]0;x\\u{7}\\0"), "{error}");
    assert!(!stderr.contains('\x1b') && !stderr.contains('\0'));
    assert!(stdout.len() < 1000 && stderr.len() < 1000);
}

/// Runs the binary on `args`, feeding `input` through a pipe when given
/// (so the one-thread path): (exit code, stdout, stderr).
fn run_bin(args: &[&str], input: Option<&[u8]>) -> (Option<i32>, Vec<u8>, Vec<u8>) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = input {
        let mut stdin = child.stdin.take().unwrap();
        let input = input.to_vec();
        std::thread::spawn(move || stdin.write_all(&input));
    }
    let out = child.wait_with_output().unwrap();
    (out.status.code(), out.stdout, out.stderr)
}

/// A large file is priced on several threads, a pipe on one: the output
/// (rows, order, bytes, summary, exit code) is the same, in CSV and JSON
/// Lines, with and without `--vs-month`, on 200,000 random rows of every kind: plans of both products,
/// Meta amounts and message counts in several markets and months, markups
/// with and without `%`, bad cells, quoted cells holding commas and line
/// ends, rows of the wrong width and blank lines.
#[test]
fn threads_write_what_one_thread_writes() {
    const ROWS: usize = 200_000;
    let plans = [
        "connect-10k",
        "connect-250k",
        "direct-25k",
        "direct-in-25k",
        "direct-100k",
        "",
        "nope",
    ];
    let mut text = String::from(
        "account,plan,sent,conversations,meta_amount,markup,marketing:IN,utility:BR,month\n",
    );
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from((seed >> 33) % u64::try_from(n).unwrap()).unwrap()
    };
    for i in 0..ROWS {
        let plan = plans[next(plans.len())];
        let count = next(2_000_000);
        let (sent, conversations) = if plan.starts_with("direct") == (next(10) > 0) {
            (String::new(), count.to_string())
        } else {
            (count.to_string(), String::new())
        };
        let amount = match next(4) {
            0 => format!("{}.{:02}", next(100_000), next(100)),
            _ => String::new(),
        };
        let markup = ["", "", "10", "12.5%", "0.10", "x"][next(6)];
        let marketing = if amount.is_empty() && next(2) == 0 {
            next(500_000).to_string()
        } else {
            String::new()
        };
        let utility = if amount.is_empty() && next(3) == 0 {
            next(300_000).to_string()
        } else {
            String::new()
        };
        let month = ["", "2026-07", "2026-10", "2026-11", "2026-13"][next(5)];
        let account = match next(50) {
            0 => format!("\"acct, {i}\nsecond line\""),
            1 => format!("\"acct \"\"{i}\"\"\""),
            _ => format!("acct-{i}"),
        };
        let _ = write!(
            text,
            "{account},{plan},{sent},{conversations},{amount},{markup},{marketing},{utility},{month}"
        );
        match next(100) {
            0 => text.push_str(",extra"),
            1 => text.push('\n'),
            _ => {}
        }
        text.push('\n');
    }
    let dir = std::env::temp_dir().join(format!("ctbill-threads-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("rows.csv");
    std::fs::write(&path, &text).unwrap();
    // Large enough for the threaded path (4 MiB).
    assert!(text.len() >= 4 << 20, "{} bytes", text.len());
    let path = path.to_str().unwrap();
    for (format, vs) in [
        ("csv", None),
        ("jsonl", None),
        ("csv", Some("2026-07")),
        ("jsonl", Some("2026-07")),
    ] {
        let mut args = vec!["batch", "--format", format];
        if let Some(month) = vs {
            args.extend(["--vs-month", month]);
        }
        let one = run_bin(&args, Some(text.as_bytes()));
        args.push(path);
        let threads = run_bin(&args, None);
        assert_eq!(threads.0, Some(1), "{format}: some rows are bad");
        assert_eq!(threads.0, one.0, "{format}");
        assert_eq!(
            String::from_utf8_lossy(&threads.2),
            String::from_utf8_lossy(&one.2),
            "{format}"
        );
        assert!(threads.1 == one.1, "{format}: the outputs differ");
        let lines = threads.1.split(|&b| b == b'\n').count() - 1;
        // One line per row in JSON Lines; the CSV adds its header and the
        // line ends inside quoted cells.
        if format == "jsonl" {
            assert_eq!(lines, ROWS);
        } else {
            assert!(lines > ROWS + 1, "{format}: {lines} lines");
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A slow producer (`tail -f | ctbill batch`): each row comes out once it
/// is priced, while the input is still open, in a CSV and in a plain list.
#[test]
fn rows_come_out_while_the_input_is_still_open() {
    for (args, first, expected) in [
        (
            &["batch"][..],
            "plan,sent\nconnect-10k,15000\n",
            // The header, then 15,000 on connect-10k: 30.00 + 5,000 × 0.0070 = 65.00.
            [
                "plan,sent,currency,base,overage,fair_use_overage,meta,markup,total,error",
                "connect-10k,15000,USD,30.00,35.00,,,,65.00,",
            ]
            .as_slice(),
        ),
        (
            &["batch", "--plan", "connect-10k"][..],
            "15000\n",
            [
                "sent,currency,base,overage,fair_use_overage,meta,markup,total,error",
                "15000,USD,30.00,35.00,,,,65.00,",
            ]
            .as_slice(),
        ),
    ] {
        let mut child = Command::new(BIN)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(first.as_bytes()).unwrap();
        stdin.flush().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let n = expected.len();
        std::thread::spawn(move || {
            let lines: Vec<String> = BufReader::new(stdout)
                .lines()
                .take(n)
                .map(Result::unwrap)
                .collect();
            let _ = tx.send(lines);
        });
        // The input stays open: the rows must not wait for its end.
        let lines = rx.recv_timeout(std::time::Duration::from_secs(20));
        drop(stdin);
        let _ = child.wait();
        let lines = lines.expect("no output while the input was open");
        assert_eq!(lines, expected, "{args:?}");
    }
}

/// A market the row's card lacks is refused on every row that names it,
/// with the same message (pricing remembers the refusal per card), and a
/// row on a card that has the market is still priced.
#[test]
fn a_market_the_card_lacks_is_refused_on_every_row() {
    let input = "plan,conversations,utility:BR,month\n\
                 direct-in-25k,1,5,2026-10\n\
                 direct-in-25k,1,5,2026-10\n\
                 direct-25k,1,5,2026-10\n";
    let (code, out, _) = run(input, None, Format::Csv);
    assert_eq!(code, 1);
    let rows = records(&out);
    let error = |i: usize| rows[i].get(rows[i].len() - 1).unwrap().to_owned();
    assert!(
        error(1).starts_with("row 1, column utility:BR: "),
        "{}",
        error(1)
    );
    assert!(error(1).contains("no Brazil row"), "{}", error(1));
    assert_eq!(
        error(2).strip_prefix("row 2"),
        error(1).strip_prefix("row 1")
    );
    assert_eq!(error(3), "");
    assert_eq!(rows[3].get(4), Some("USD"));
}
