//! CLI cases: each `tests/cmd/*.toml` holds args, stdin, stdout, stderr and
//! the exit status (update with `SNAPSHOTS=overwrite cargo test --test cli`).

#[test]
fn cli_tests() {
    trycmd::TestCases::new().case("tests/cmd/*.toml");
}
