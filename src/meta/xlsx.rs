//! Meta's rate cards as Excel workbooks (`.xlsx`), as Meta's download links
//! serve them since October 2026 (often still named `.csv`).
//!
//! A workbook is told apart by its content, never by its file or sheet
//! names: the ZIP signature `PK\x03\x04`, a workbook that calamine can open,
//! and sheets whose first row holds Meta's title in column A (`Cost per
//! message in USD on the WhatsApp Business Platform, effective October 1,
//! 2026`). Every such sheet is a card file: the list rates ("List rates":
//! note rows, then the header row with `Currency` in column B, one row per
//! market, `n/a` where a rate does not apply, a "Meta Business Agent" column
//! that is ignored) or the volume tiers (the same cells as Meta's CSV). One
//! workbook may hold both. Other sheets are ignored; a workbook without any
//! such sheet is an error, not silently skipped.
//!
//! Each card sheet becomes the grid of text cells that Meta's CSV becomes
//! (one [`Row`] per sheet row, its `line` the row number, cell 0 in column
//! A), and the CSV parser reads it, so the same validation applies. Its
//! errors are then located by sheet and cell: `USD_rates.xlsx: sheet "List
//! rates", cell D12: ...` (or `row 12` when a problem is the whole row).
//!
//! Numbers: a workbook stores a number as an IEEE double, which calamine
//! hands over as `f64`; the text of the cell is its shortest round-trip
//! decimal (Rust's `{}` for `f64`), which is the number as typed and as
//! Excel shows it: the double nearest to `0.0118` is
//! `0.01179999999999999931...`, whose shortest round-trip form is `0.0118`.
//! That holds for every number of at most 15 significant digits, which is
//! all Excel keeps of what is typed into it. A number that needs more (a
//! computed `0.1 + 0.2` = `0.30000000000000004`) is refused rather than
//! guessed at. The text is then parsed exactly, like a CSV cell; no `f64`
//! is used anywhere else.
//!
//! Bounds: a workbook may unpack to at most [`MAX_UNPACKED`] bytes
//! (counted as they are inflated, before the reader sees them), cells are
//! streamed, and a card sheet's cells must lie within the first
//! [`MAX_COLUMNS`] columns and [`MAX_ROWS`] rows (Meta's sheets use about 20
//! columns and 300 rows), so neither a "ZIP bomb" nor a stray cell in
//! `XFD1048576` can make ctbill hold gigabytes. Should calamine panic on a
//! malformed workbook, that is an error about the file, never a crash.

use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx, XlsxError};

use super::cells::{self, Row};
use super::error::CardError;
use super::files::CardFile;
use super::original;
use crate::shown::shown;

/// The first bytes of every ZIP archive, and so of every `.xlsx` file.
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";

/// Rows of a sheet that ctbill reads; a card sheet's cells lie above.
const MAX_ROWS: u32 = 10_000;

/// Columns of a sheet that ctbill reads; a card sheet's cells lie left.
const MAX_COLUMNS: u32 = 64;

/// Bytes a workbook may unpack to; Meta's unpack to well under 1 MiB.
const MAX_UNPACKED: u64 = 64 << 20;

/// Significant digits Excel keeps of a typed number and shows.
const EXCEL_DIGITS: usize = 15;

/// Whether `data` is a ZIP archive, as an Excel workbook (`.xlsx`) is:
/// such a file is read as a workbook, whatever its name.
#[must_use]
pub fn is_workbook(data: &[u8]) -> bool {
    data.starts_with(ZIP_MAGIC)
}

/// Reads every card sheet of a workbook. Never returns an empty list.
pub(super) fn parse_workbook(label: &str, data: &[u8]) -> Vec<Result<CardFile, Vec<CardError>>> {
    let damaged = |why: &str| {
        format!(
            "is a ZIP archive but not an Excel workbook ctbill can read ({}); expected Meta's rates or volume-tiers file as downloaded (.xlsx or CSV)",
            shown(why)
        )
    };
    if let Err(why) = check_unpacked_size(data, MAX_UNPACKED) {
        return vec![Err(vec![CardError::file(label, why)])];
    }
    let sheets = match guarded(|| read_workbook(data)) {
        Some(Ok(sheets)) => sheets,
        Some(Err(e)) => return vec![Err(vec![CardError::file(label, damaged(&e.to_string()))])],
        None => {
            return vec![Err(vec![CardError::file(
                label,
                damaged("its contents are malformed"),
            )])];
        }
    };
    let mut found = Vec::new();
    let mut unreadable = Vec::new();
    for (name, sheet) in &sheets {
        match sheet {
            Ok(sheet) if sheet.is_card() => found.push(parse_sheet(label, name, sheet)),
            Ok(_) => {}
            Err(why) => unreadable.push(CardError::file(
                &place(label, name, None, None),
                format!(
                    "the sheet cannot be read ({}); the workbook looks damaged: download it again",
                    shown(why)
                ),
            )),
        }
    }
    if !unreadable.is_empty() {
        found.push(Err(unreadable));
    }
    if found.is_empty() {
        let listed: Vec<String> = sheets
            .iter()
            .take(10)
            .map(|(n, _)| format!("\"{}\"", shown(n)))
            .collect();
        found.push(Err(vec![CardError::file(
            label,
            format!(
                "is an Excel workbook but not one of Meta's rate cards: no sheet starts with Meta's title \
                 (\"Cost per message in USD on the WhatsApp Business Platform, effective October 1, 2026\") in cell A1; \
                 its sheets: {}{}",
                if listed.is_empty() { "none".to_owned() } else { listed.join(", ") },
                if sheets.len() > listed.len() { ", ..." } else { "" }
            ),
        )]));
    }
    found
}

/// Refuses an archive that unpacks to more than `limit` bytes (a "ZIP
/// bomb" would make the reader hold gigabytes), counting the bytes actually
/// inflated, not the sizes the archive declares. An archive that cannot be
/// unpacked is left for the reader to name.
fn check_unpacked_size(data: &[u8], limit: u64) -> Result<(), String> {
    let Some(mut archive) = guarded(|| zip::ZipArchive::new(Cursor::new(data)).ok()).flatten()
    else {
        return Ok(());
    };
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let unpacked = guarded(|| {
            let entry = archive.by_index(index).ok()?;
            std::io::copy(
                &mut std::io::Read::take(entry, limit - total + 1),
                &mut std::io::sink(),
            )
            .ok()
        })
        .flatten();
        total = total.saturating_add(unpacked.unwrap_or(0));
        if total > limit {
            return Err(format!(
                "is a ZIP archive that unpacks to more than {} MiB; Meta's workbooks are far smaller: download the file again",
                limit >> 20
            ));
        }
    }
    Ok(())
}

/// Every sheet of a workbook, by name, as text cells (or why it cannot be
/// read).
type Sheets = Vec<(String, Result<Sheet, String>)>;

fn read_workbook(data: &[u8]) -> Result<Sheets, XlsxError> {
    let mut book = Xlsx::new(Cursor::new(data))?;
    let names = book.sheet_names();
    Ok(names
        .into_iter()
        .map(|name| {
            let sheet = read_sheet(&mut book, &name).map_err(|e| e.to_string());
            (name, sheet)
        })
        .collect())
}

/// Runs calamine on untrusted bytes: should it panic on a malformed
/// workbook it does not expect, that is `None` (and its panic message is
/// not printed), never a crash. ctbill's own code does not run in here.
fn guarded<T>(read: impl FnOnce() -> T) -> Option<T> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(read));
    std::panic::set_hook(hook);
    result.ok()
}

/// One sheet's cells as text, within the bounds.
#[derive(Default)]
struct Sheet {
    /// Rows from row 1; each holds cells from column A to its last filled one.
    rows: Vec<Vec<String>>,
    /// Columns up to the rightmost filled cell.
    width: usize,
    /// Cells whose value cannot be text: (row, column, why), 0-based.
    problems: Vec<(u32, u32, String)>,
    /// The first filled cell outside the bounds, 0-based.
    outside: Option<(u32, u32)>,
}

impl Sheet {
    /// Whether the first non-blank row holds Meta's title in column A.
    fn is_card(&self) -> bool {
        self.rows
            .iter()
            .find(|r| r.iter().any(|c| !c.trim().is_empty()))
            .and_then(|r| r.first())
            .is_some_and(|a| a.to_ascii_lowercase().contains("cost per message"))
    }
}

fn read_sheet(book: &mut Xlsx<Cursor<&[u8]>>, name: &str) -> Result<Sheet, XlsxError> {
    let mut reader = book.worksheet_cells_reader(name)?;
    let mut sheet = Sheet::default();
    while let Some(cell) = reader.next_cell()? {
        let value = cell.get_value();
        if matches!(value, DataRef::Empty) {
            continue;
        }
        let (row, col) = cell.get_position();
        if row >= MAX_ROWS || col >= MAX_COLUMNS {
            sheet.outside.get_or_insert((row, col));
            continue;
        }
        let text = cell_text(value).unwrap_or_else(|why| {
            sheet.problems.push((row, col, why));
            String::new()
        });
        let (r, c) = (row as usize, col as usize);
        if sheet.rows.len() <= r {
            sheet.rows.resize_with(r + 1, Vec::new);
        }
        let cells = &mut sheet.rows[r];
        if cells.len() <= c {
            cells.resize(c + 1, String::new());
        }
        cells[c] = text;
        sheet.width = sheet.width.max(c + 1);
    }
    Ok(sheet)
}

/// A cell's value as the text Excel shows for it.
fn cell_text(value: &DataRef<'_>) -> Result<String, String> {
    Ok(match value {
        DataRef::Empty => String::new(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Float(f) => number_text(*f)?,
        DataRef::Int(i) => i.to_string(),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        DataRef::DateTime(d) => d.to_string(),
        DataRef::Error(e) => e.to_string(),
    })
}

/// A numeric cell as the decimal typed into it: the shortest text that
/// reads back as the same double (see the module documentation).
///
/// # Errors
///
/// A number that is not finite, or that needs more than 15 significant
/// digits (a computed value, not one Excel shows exactly).
pub(super) fn number_text(value: f64) -> Result<String, String> {
    if !value.is_finite() {
        return Err(format!(
            "holds the number {value}, which is not a finite number"
        ));
    }
    let text = format!("{value}");
    if significant_digits(&text) > EXCEL_DIGITS {
        return Err(format!(
            "holds the number {text}, which has more than the {EXCEL_DIGITS} significant digits Excel keeps: \
             it looks computed; type the value as Meta prints it (e.g. 0.0118)"
        ));
    }
    Ok(text)
}

/// Digits of a plain decimal (`-0.01180` has 3), leading and trailing
/// zeros not counted.
fn significant_digits(text: &str) -> usize {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    digits.trim_start_matches('0').trim_end_matches('0').len()
}

fn parse_sheet(label: &str, name: &str, sheet: &Sheet) -> Result<CardFile, Vec<CardError>> {
    let at = |row: u32, col: u32, message: String| {
        CardError::file(
            &place(label, name, Some(u64::from(row) + 1), Some(col as usize)),
            message,
        )
    };
    let mut errors: Vec<CardError> = sheet
        .problems
        .iter()
        .map(|(row, col, why)| at(*row, *col, why.clone()))
        .collect();
    if let Some((row, col)) = sheet.outside {
        errors.push(at(
            row,
            col,
            format!(
                "a filled cell outside the first {MAX_COLUMNS} columns and {MAX_ROWS} rows, where a rate card's cells are; \
                 clear it, or download Meta's file again"
            ),
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let rows: Vec<Row> = (1_u64..)
        .zip(&sheet.rows)
        .skip_while(|(_, cells)| cells.iter().all(|c| c.trim().is_empty()))
        .map(|(line, cells)| {
            let mut cells = cells.clone();
            cells.resize(sheet.width, String::new());
            Row { line, cells }
        })
        .collect();
    if !rows.iter().any(|r| cells::key(r.cell(1)) == "currency") {
        return Err(vec![CardError::file(
            &place(label, name, None, None),
            "no header row with `Currency` in column B below the title \
             (Market | Currency | Marketing | Utility | Authentication | ... for list rates, \
             Market | Currency | From | To | Rate type | Rate | ... for volume tiers); the sheet looks truncated",
        )]);
    }
    original::parse_original(label, &rows).map_err(|errors| {
        errors
            .into_iter()
            .map(|e| CardError::file(&place(&e.file, name, e.line, e.cell), e.message))
            .collect()
    })
}

/// Where in a workbook: `USD.xlsx: sheet "List rates", cell D12`, or
/// `row 12` when no cell is named, or just the sheet.
fn place(label: &str, sheet: &str, line: Option<u64>, cell: Option<usize>) -> String {
    let sheet = format!("{label}: sheet \"{}\"", shown(sheet));
    match (line, cell) {
        (Some(row), Some(col)) => format!("{sheet}, cell {}{row}", column_name(col)),
        (Some(row), None) => format!("{sheet}, row {row}"),
        (None, _) => sheet,
    }
}

/// A 0-based column index as Excel names it: 0 is `A`, 26 is `AA`.
fn column_name(index: usize) -> String {
    let mut name = Vec::new();
    let mut n = index + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        name.push(b'A' + u8::try_from(rem).unwrap_or(0));
        n = (n - 1) / 26;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use rust_decimal::Decimal;

    use super::*;

    #[test]
    fn numbers_read_as_the_decimal_typed() {
        // Each literal below is the double nearest to the decimal written;
        // the text must be that decimal, never 0.011799999999999999.
        for (value, typed) in [
            (0.0118, "0.0118"),
            (0.0107, "0.0107"),
            (0.1, "0.1"),
            (0.0304, "0.0304"),
            (1.15, "1.15"),
            (0.0077, "0.0077"),
            (0.026, "0.026"),
            (100_001.0, "100001"),
            (30_000_001.0, "30000001"),
            (0.0, "0"),
            (123_456_789.012_345, "123456789.012345"),
        ] {
            let text = number_text(value).unwrap();
            assert_eq!(text, typed);
            let exact = Decimal::from_str_exact(&text).unwrap();
            assert_eq!(exact, Decimal::from_str(typed).unwrap());
        }
        // What the XML of a workbook saved by Excel may hold for 0.0118.
        let stored: f64 = "0.011799999999999999".parse().unwrap();
        assert_eq!(number_text(stored).unwrap(), "0.0118");
    }

    #[test]
    fn computed_and_non_finite_numbers_are_refused() {
        let sum = 0.1_f64 + 0.2;
        let err = number_text(sum).unwrap_err();
        assert!(err.contains("0.30000000000000004"), "{err}");
        assert!(number_text(f64::NAN).is_err());
        assert!(number_text(f64::INFINITY).is_err());
    }

    #[test]
    fn significant_digits_skip_leading_and_trailing_zeros() {
        assert_eq!(significant_digits("0.0118"), 3);
        assert_eq!(significant_digits("-0.01180"), 3);
        assert_eq!(significant_digits("100000"), 1);
        assert_eq!(significant_digits("0"), 0);
        assert_eq!(significant_digits("123456789.012345"), 15);
    }

    #[test]
    fn columns_are_named_as_excel_names_them() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(3), "D");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
    }

    #[test]
    fn only_zip_archives_are_workbooks() {
        assert!(is_workbook(b"PK\x03\x04rest"));
        assert!(!is_workbook(b"\"Cost per message in USD"));
        assert!(!is_workbook(b"PK"));
        assert!(!is_workbook(b""));
    }

    /// CRC-32 (IEEE), bit by bit: enough for a test archive.
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0_u32;
        for &byte in data {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    /// A ZIP archive of uncompressed entries.
    fn stored_zip(entries: &[(&str, &str)]) -> Vec<u8> {
        let (mut out, mut central) = (Vec::new(), Vec::new());
        for (name, text) in entries {
            let offset = u32::try_from(out.len()).unwrap();
            let (crc, size) = (crc32(text.as_bytes()), u32::try_from(text.len()).unwrap());
            let name_len = u16::try_from(name.len()).unwrap();
            let mut common = Vec::new();
            common.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            common.extend_from_slice(&crc.to_le_bytes());
            common.extend_from_slice(&size.to_le_bytes());
            common.extend_from_slice(&size.to_le_bytes());
            common.extend_from_slice(&name_len.to_le_bytes());
            common.extend_from_slice(&[0, 0]);
            out.extend_from_slice(b"PK\x03\x04");
            out.extend_from_slice(&common);
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(text.as_bytes());
            central.extend_from_slice(b"PK\x01\x02\x14\x00");
            central.extend_from_slice(&common);
            central.extend_from_slice(&[0; 10]);
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let (at, size) = (
            u32::try_from(out.len()).unwrap(),
            u32::try_from(central.len()).unwrap(),
        );
        let count = u16::try_from(entries.len()).unwrap();
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&at.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out
    }

    /// A one-sheet workbook whose sheet data is `rows` (raw XML).
    fn crafted(rows: &str) -> Vec<u8> {
        let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
        let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
        let pkg = "http://schemas.openxmlformats.org/package/2006/relationships";
        stored_zip(&[
            (
                "_rels/.rels",
                &format!(
                    r#"<Relationships xmlns="{pkg}"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
                ),
            ),
            (
                "xl/workbook.xml",
                &format!(
                    r#"<workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="List rates" sheetId="1" r:id="rId1"/></sheets></workbook>"#
                ),
            ),
            (
                "xl/_rels/workbook.xml.rels",
                &format!(
                    r#"<Relationships xmlns="{pkg}"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
                ),
            ),
            (
                "xl/worksheets/sheet1.xml",
                &format!(r#"<worksheet xmlns="{main}"><sheetData>{rows}</sheetData></worksheet>"#),
            ),
        ])
    }

    const TITLE_CELL: &str = r#"<c r="A1" t="inlineStr"><is><t>Cost per message in USD on the WhatsApp Business Platform, effective January 1, 2027</t></is></c>"#;

    fn first_error(data: &[u8]) -> String {
        let found = parse_workbook("w.xlsx", data);
        let errors = found.into_iter().find_map(Result::err).expect("an error");
        errors[0].to_string()
    }

    #[test]
    fn a_crafted_workbook_that_upsets_the_reader_is_an_error() {
        // A cell reference far past Excel's last column overflows inside
        // the reader; it must come out as an error about the file.
        let data = crafted(&format!(
            r#"<row r="1">{TITLE_CELL}</row><row r="2"><c r="ZZZZZZZZ99999999999"><v>1</v></c></row>"#
        ));
        let err = first_error(&data);
        assert!(
            err.starts_with("w.xlsx: is a ZIP archive but not an Excel workbook ctbill can read (its contents are malformed)"),
            "{err}"
        );
    }

    #[test]
    fn numbers_as_excel_stores_them_read_as_typed() {
        // Excel writes a double's 17 significant digits into the XML, and
        // sometimes an exponent: the cells still read 0.0118 and 0.0107.
        let text = |r: u32, c: char, t: &str| {
            format!(r#"<c r="{c}{r}" t="inlineStr"><is><t>{t}</t></is></c>"#)
        };
        let header: String = [
            "Market",
            "Currency",
            "Marketing",
            "Utility",
            "Authentication",
        ]
        .iter()
        .zip('A'..)
        .map(|(h, c)| text(3, c, h))
        .collect();
        let data = crafted(&format!(
            r#"<row r="1">{TITLE_CELL}</row><row r="3">{header}</row><row r="4">{}{}<c r="C4"><v>0.011799999999999999</v></c><c r="D4"><v>1.0699999999999999E-2</v></c><c r="E4"><v>0.0014</v></c></row>"#,
            text(4, 'A', "Other"),
            text(4, 'B', "USD"),
        ));
        let found = parse_workbook("w.xlsx", &data);
        let Ok(CardFile::Rates(rates)) = &found[0] else {
            panic!("{found:?}");
        };
        let other = &rates.markets[0];
        assert_eq!(other.rates[0].unwrap().to_string(), "0.0118");
        assert_eq!(other.rates[1].unwrap().to_string(), "0.0107");
        assert_eq!(other.rates[2].unwrap().to_string(), "0.0014");
        assert_eq!(other.line, 4);
    }

    #[test]
    fn cells_far_away_are_refused_not_allocated() {
        let data = crafted(&format!(
            r#"<row r="1">{TITLE_CELL}</row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#
        ));
        let err = first_error(&data);
        assert!(
            err.starts_with("w.xlsx: sheet \"List rates\", cell XFD1048576: a filled cell outside"),
            "{err}"
        );
    }

    #[test]
    fn a_sheet_the_reader_refuses_is_named() {
        let data = crafted(&format!(
            r#"<row r="1">{TITLE_CELL}</row><row r="2"><c r="B2" t="s"><v>99</v></c></row>"#
        ));
        let err = first_error(&data);
        assert!(
            err.starts_with("w.xlsx: sheet \"List rates\": the sheet cannot be read"),
            "{err}"
        );
    }

    #[test]
    fn an_archive_that_unpacks_too_far_is_refused() {
        use std::io::Write as _;

        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        out.start_file("xl/sharedStrings.xml", options).unwrap();
        out.write_all(&vec![b'a'; 3 << 20]).unwrap();
        let data = out.finish().unwrap().into_inner();
        assert!(data.len() < 100_000, "{}", data.len());
        let err = check_unpacked_size(&data, 2 << 20).unwrap_err();
        assert!(err.contains("unpacks to more than 2 MiB"), "{err}");
        assert_eq!(check_unpacked_size(&data, 4 << 20), Ok(()));
        // A real workbook is far below the limit.
        assert_eq!(
            check_unpacked_size(&super::fuzz::card(), MAX_UNPACKED),
            Ok(())
        );
    }

    #[test]
    fn a_zip_that_is_no_workbook_is_an_error() {
        let found = parse_workbook("x.csv", b"PK\x03\x04 not really a zip");
        assert_eq!(found.len(), 1);
        let errors = found.into_iter().next().unwrap().unwrap_err();
        assert!(
            errors[0]
                .to_string()
                .starts_with("x.csv: is a ZIP archive but not an Excel workbook"),
            "{errors:?}"
        );
    }
}

#[cfg(test)]
mod fuzz {
    use proptest::prelude::*;

    use super::*;

    /// A small rate card written by `rust_xlsxwriter`.
    pub(super) fn card() -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name("List rates").unwrap();
        let title =
            "Cost per message in USD on the WhatsApp Business Platform, effective January 1, 2027";
        sheet.write_string(0, 0, title).unwrap();
        for (c, h) in (0_u16..).zip([
            "Market",
            "Currency",
            "Marketing",
            "Utility",
            "Authentication",
        ]) {
            sheet.write_string(2, c, h).unwrap();
        }
        sheet.write_string(3, 0, "Other").unwrap();
        sheet.write_string(3, 1, "USD").unwrap();
        for c in 2..5 {
            sheet.write_number(3, c, 0.0118).unwrap();
        }
        book.save_to_buffer().unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn damaged_workbooks_never_panic(
            flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
            cut in any::<prop::sample::Index>(),
        ) {
            let mut bytes = card();
            for (at, x) in flips {
                let i = at.index(bytes.len());
                bytes[i] ^= x;
            }
            let keep = cut.index(bytes.len() * 2).max(4);
            bytes.truncate(keep);
            bytes[..4].copy_from_slice(b"PK\x03\x04");
            let _ = parse_workbook("f.xlsx", &bytes);
        }
    }
}
