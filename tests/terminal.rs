//! Output in a terminal: through a pseudo-terminal (util-linux `script`),
//! at 80 and 120 columns, every line of a table and of the prose around
//! it fits the terminal, figures are whole, and wide characters keep
//! columns aligned. Skipped where `script` is not installed.

use std::process::Command;

use unicode_width::UnicodeWidthStr as _;

const BIN: &str = env!("CARGO_BIN_EXE_ctbill");

/// The commands whose tables are widest when piped (85 to 146 columns).
const WIDE: &[&str] = &[
    "estimate --plan direct-25k --conversations 130000 --meta utility:IN=150000 \
     --meta marketing:AR=2000 --month 2026-10 --explain",
    "plans",
    "plans show direct-in-25k",
    "rates",
    "rates show --month 2026-04",
    "rates show --month 2026-04 --market ar",
    "compare --conversations 30000 --meta utility:AR=150000 --month 2026-10 --currency USD",
    "compare --sent 15000 --budget 500",
    "rates diff --month 2026-10 --vs-month 2026-07",
    "rates diff --month 2026-07 --vs-month 2026-04",
];

/// Runs `ctbill ARGS` in a pseudo-terminal `columns` wide: with `COLUMNS`
/// set, or with the terminal itself set to that size (`stty`). `None`
/// when `script` is missing.
fn in_terminal(args: &str, columns: usize, by_stty: bool, plans: Option<&str>) -> Option<String> {
    let inner = if by_stty {
        format!("stty cols {columns} rows 50; {BIN} {args}")
    } else {
        format!("{BIN} {args}")
    };
    let mut command = Command::new("script");
    command
        .args(["-q", "-e", "-c", &inner, "/dev/null"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("CTBILL_PLANS");
    if by_stty {
        command.env_remove("COLUMNS");
    } else {
        command.env("COLUMNS", columns.to_string());
    }
    if let Some(dir) = plans {
        command.env("CTBILL_PLANS", dir);
    }
    let output = command.output().ok()?;
    let text = String::from_utf8(output.stdout).expect("UTF-8 output");
    assert!(output.status.success(), "ctbill {args}: {text}");
    Some(text.replace("\r\n", "\n"))
}

fn piped(args: &str) -> String {
    let output = Command::new(BIN)
        .args(args.split_whitespace())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("CTBILL_PLANS")
        .output()
        .unwrap();
    assert!(output.status.success());
    String::from_utf8(output.stdout).unwrap()
}

fn too_long(text: &str, columns: usize) -> Vec<String> {
    text.lines()
        .filter(|l| l.width() > columns)
        .map(|l| format!("{} columns: {l}", l.width()))
        .collect()
}

#[test]
fn every_line_fits_80_and_120_columns() {
    for &columns in &[80, 120] {
        for (i, args) in WIDE.iter().enumerate() {
            // Half the cases learn the size from the terminal, half from COLUMNS.
            let Some(text) = in_terminal(args, columns, i % 2 == 0, None) else {
                return;
            };
            let long = too_long(&text, columns);
            assert!(
                long.is_empty(),
                "ctbill {args} at {columns}:\n{}",
                long.join("\n")
            );
        }
    }
}

#[test]
fn piped_tables_are_wider_than_80_columns() {
    // The cases above are only worth something if the piped layout overflows.
    for args in [
        "plans",
        "rates",
        "rates diff --month 2026-07 --vs-month 2026-04",
        "estimate --plan direct-25k --conversations 130000 \
                  --meta utility:IN=150000 --month 2026-10 --explain",
    ] {
        assert!(!too_long(&piped(args), 80).is_empty(), "{args}");
    }
}

#[test]
fn figures_stay_whole_in_a_narrow_terminal() {
    // Direct 25K at 130,000 conversations and USD 1,234.565 of Meta charges
    // (see tests/cmd/estimate-direct-explain.toml): 250.00 + 900.00 + 600.00
    // + 1,234.57 + 123.46 = USD 3,108.03.
    let args = "estimate --plan direct-25k --conversations 130000 --meta-amount 1234.565 --explain";
    let Some(text) = in_terminal(args, 80, true, None) else {
        return;
    };
    for figure in [
        "250.00",
        "900.00",
        "600.00",
        "1,234.57",
        "123.46",
        "USD 3,108.03",
    ] {
        assert!(text.contains(figure), "{figure} in\n{text}");
    }
    assert!(too_long(&text, 80).is_empty(), "{text}");
}

#[test]
fn a_wide_character_name_keeps_the_columns_aligned() {
    // コネクト 10K is 12 columns wide in 8 characters: the Product column of
    // its row must start at the same terminal column as the row under it.
    for columns in [80, 120] {
        let Some(text) = in_terminal("plans", columns, false, Some("tests/fixtures/wide-plans"))
        else {
            return;
        };
        let column_of = |needle: &str| {
            let line = text.lines().find(|l| l.contains(needle)).expect(needle);
            let at = line.find(" connect ").expect("a Product cell");
            line[..at].width()
        };
        assert_eq!(
            column_of("connect-jp-10k"),
            column_of("connect-10k "),
            "{text}"
        );
        assert!(too_long(&text, columns).is_empty(), "{text}");
    }
}
