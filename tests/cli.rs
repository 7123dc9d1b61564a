//! Command-line cases: each `tests/cmd/*.toml` holds the arguments, stdin,
//! expected stdout and stderr, and exit status of one run of `ctbill`.
//! Refresh after an intended change with `TRYCMD=overwrite cargo test --test cli`
//! and review every changed figure by hand.

#[test]
fn cli_cases() {
    trycmd::TestCases::new().case("tests/cmd/*.toml");
}
