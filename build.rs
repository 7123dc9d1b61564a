//! Embeds the shipped `plans/` directory (plan files and `meta/` rate cards)
//! into the binary, so an installed `ctbill` works from any directory.

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

/// Rate-card files: Meta's CSV or Excel workbooks, whatever the case of
/// the extension (`load::is_card_file`); Excel's `~$` lock files are not.
fn is_card(name: &str) -> bool {
    let extension = Path::new(name).extension().and_then(|e| e.to_str());
    !name.starts_with("~$")
        && extension.is_some_and(|e| {
            ["csv", "xlsx", "xlsm", "xlsb", "xls"]
                .iter()
                .any(|x| e.eq_ignore_ascii_case(x))
        })
}

fn list(dir: &Path, extension: &str) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .filter_map(|p| p.file_name()?.to_str().map(str::to_owned))
                .filter(|name| match extension {
                    "csv" => is_card(name),
                    _ => Path::new(name).extension().is_some_and(|e| e == extension),
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn main() {
    // Read at run time, not with `env!`: a build-script binary compiled in
    // one checkout and reused by another (same sources, shared target
    // directory) must embed the files of the checkout being built.
    let manifest_dir = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest_dir).join("plans");
    println!("cargo::rerun-if-changed=plans");
    println!("cargo::rerun-if-changed=plans/meta");
    let mut out = String::new();
    // Meta's Excel workbooks (told by content, whatever their names) are
    // embedded as bytes, apart from the text files.
    let mut workbooks = Vec::new();
    for (constant, dir, prefix, extension) in [
        ("PLANS", root.clone(), "", "toml"),
        ("CARDS", root.join("meta"), "meta/", "csv"),
    ] {
        writeln!(
            out,
            "/// Embedded `{prefix}*.{extension}` files: (name, contents)."
        )
        .unwrap();
        writeln!(out, "pub static {constant}: &[(&str, &str)] = &[").unwrap();
        for name in list(&dir, extension) {
            let path = dir.join(&name);
            println!("cargo::rerun-if-changed={}", path.display());
            if fs::read(&path).is_ok_and(|b| b.starts_with(b"PK\x03\x04")) {
                workbooks.push((format!("{prefix}{name}"), path.display().to_string()));
                continue;
            }
            writeln!(
                out,
                "    ({:?}, include_str!({:?})),",
                format!("{prefix}{name}"),
                path.display().to_string()
            )
            .unwrap();
        }
        writeln!(out, "];").unwrap();
    }
    writeln!(
        out,
        "/// Embedded Excel workbooks in `meta/`: (name, bytes)."
    )
    .unwrap();
    writeln!(out, "pub static WORKBOOKS: &[(&str, &[u8])] = &[").unwrap();
    for (name, path) in workbooks {
        writeln!(out, "    ({name:?}, include_bytes!({path:?})),").unwrap();
    }
    writeln!(out, "];").unwrap();
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("embedded_plans.rs");
    fs::write(dest, out).unwrap();
}
