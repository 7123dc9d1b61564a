//! Embeds the shipped `plans/` directory (plan files and `meta/` rate cards)
//! into the binary, so an installed `ctbill` works from any directory.

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

fn list(dir: &Path, extension: &str) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == extension))
                .filter_map(|p| p.file_name()?.to_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn main() {
    // Read when the script runs, not when it was compiled: a compiled build
    // script reused from another checkout (a shared target directory) must
    // still embed this checkout's plans.
    let manifest_dir = env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest_dir).join("plans");
    println!("cargo::rerun-if-changed=plans");
    println!("cargo::rerun-if-changed=plans/meta");
    let mut out = String::new();
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
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("embedded_plans.rs");
    fs::write(dest, out).unwrap();
}
