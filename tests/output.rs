//! Where output goes wrong: a closed pipe, a full disk, and files ctbill
//! writes (`--chart`), which are written whole or not at all, only when the
//! command succeeds, and never over one of its own inputs.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_ctbill");

/// A fresh directory holding a copy of the shipped plan files.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ctbill-output-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("plans")).unwrap();
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("plans");
    for entry in fs::read_dir(shipped).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            fs::copy(&path, dir.join("plans").join(path.file_name().unwrap())).unwrap();
        }
    }
    dir
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn no_panic(output: &Output) {
    let err = stderr(output);
    assert_ne!(output.status.code(), Some(101), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// Files in `dir` that are not `keep`: what a command left behind.
fn others(dir: &Path, keep: &[&str]) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !keep.contains(&n.as_str()))
        .collect()
}

#[test]
fn completions_into_a_closed_pipe_end_quietly() {
    // The read end is closed before ctbill starts, so its first write fails.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let output = Command::new(BIN)
        .args(["completions", "bash"])
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    no_panic(&output);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
}

#[cfg(target_os = "linux")]
#[test]
fn completions_onto_a_full_disk_are_an_error() {
    let output = Command::new(BIN)
        .args(["completions", "bash"])
        .stdout(fs::File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    no_panic(&output);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.starts_with("ctbill: error: cannot write the output: "),
        "{err}"
    );
    assert!(!err.contains(".rs"), "a source path leaked: {err}");
}

#[cfg(unix)]
#[test]
fn a_chart_never_replaces_a_plans_file() {
    let dir = scratch("over-input");
    let plans = dir.join("plans");
    let target = plans.join("connect.toml");
    let before = fs::read(&target).unwrap();
    // A chart must be named .svg, so the plans file is reached through a
    // link named like a chart: the file it leads to is still an input.
    let link = dir.join("tiers.svg");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let output = Command::new(BIN)
        .arg("--plans")
        .arg(&plans)
        .args(["compare", "--sent", "15000", "--chart"])
        .arg(&link)
        .output()
        .unwrap();
    no_panic(&output);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let err = stderr(&output);
    assert!(err.contains("will not write the chart over"), "{err}");
    assert!(err.contains("connect.toml"), "{err}");
    assert_eq!(fs::read(&target).unwrap(), before);
    assert_eq!(
        others(&plans, &["connect.toml", "direct.toml", "free.toml"]),
        Vec::<String>::new()
    );
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_chart_never_replaces_standard_input() {
    let dir = scratch("over-stdin");
    let target = dir.join("notes.svg");
    fs::write(&target, "keep me").unwrap();
    let output = Command::new(BIN)
        .arg("--plans")
        .arg(dir.join("plans"))
        .args(["compare", "--sent", "15000", "--chart"])
        .arg(&target)
        .stdin(fs::File::open(&target).unwrap())
        .output()
        .unwrap();
    no_panic(&output);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("standard input"),
        "{}",
        stderr(&output)
    );
    assert_eq!(fs::read_to_string(&target).unwrap(), "keep me");
    fs::remove_dir_all(dir).unwrap();
}

#[cfg(target_os = "linux")]
#[test]
fn no_chart_when_the_command_fails() {
    // The table cannot be written (a full disk): the command fails, so the
    // old chart stays as it was and no temporary file is left.
    let dir = scratch("fails");
    let target = dir.join("tiers.svg");
    fs::write(&target, "old chart").unwrap();
    let output = Command::new(BIN)
        .arg("--plans")
        .arg(dir.join("plans"))
        .args(["compare", "--sent", "15000", "--chart"])
        .arg(&target)
        .stdout(fs::File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    no_panic(&output);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(fs::read_to_string(&target).unwrap(), "old chart");
    assert_eq!(others(&dir, &["plans", "tiers.svg"]), Vec::<String>::new());
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_chart_is_written_whole_when_the_command_succeeds() {
    let dir = scratch("succeeds");
    let target = dir.join("tiers.svg");
    fs::write(&target, "old chart").unwrap();
    let output = Command::new(BIN)
        .arg("--plans")
        .arg(dir.join("plans"))
        .args(["compare", "--sent", "15000", "--chart"])
        .arg(&target)
        .output()
        .unwrap();
    no_panic(&output);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let svg = fs::read_to_string(&target).unwrap();
    assert!(
        svg.starts_with("<svg") || svg.starts_with("<?xml"),
        "{svg:.80}"
    );
    assert!(svg.trim_end().ends_with("</svg>"));
    assert_eq!(others(&dir, &["plans", "tiers.svg"]), Vec::<String>::new());
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_chart_is_never_written_over_a_device_or_a_pipe() {
    // /dev/null stands for any device: renaming a file over it would put a
    // plain file where the device was.
    let output = Command::new(BIN)
        .args(["compare", "--sent", "15000", "--chart", "/dev/null.svg"])
        .output()
        .unwrap();
    no_panic(&output);
    let dir = scratch("fifo");
    let fifo = dir.join("pipe.svg");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        let output = Command::new(BIN)
            .arg("--plans")
            .arg(dir.join("plans"))
            .args(["compare", "--sent", "15000", "--chart"])
            .arg(&fifo)
            .output()
            .unwrap();
        no_panic(&output);
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(
            stderr(&output).contains("not a regular file"),
            "{}",
            stderr(&output)
        );
        assert!(stderr(&output).contains("pipe.svg"), "{}", stderr(&output));
        assert!(output.stdout.is_empty());
        let kind = fs::symlink_metadata(&fifo).unwrap().file_type();
        assert!(!kind.is_file(), "the FIFO was replaced by a plain file");
    }
    fs::remove_dir_all(dir).unwrap();
}

#[cfg(unix)]
#[test]
fn a_chart_is_written_through_a_symbolic_link() {
    let dir = scratch("link");
    let real = dir.join("real.svg");
    fs::write(&real, "old chart").unwrap();
    let link = dir.join("link.svg");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let output = Command::new(BIN)
        .arg("--plans")
        .arg(dir.join("plans"))
        .args(["compare", "--sent", "15000", "--chart"])
        .arg(&link)
        .output()
        .unwrap();
    no_panic(&output);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        fs::symlink_metadata(&link).unwrap().is_symlink(),
        "the link was replaced"
    );
    assert!(
        fs::read_to_string(&real)
            .unwrap()
            .trim_end()
            .ends_with("</svg>")
    );
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_chart_must_be_named_svg() {
    let dir = scratch("png");
    let output = Command::new(BIN)
        .arg("--plans")
        .arg(dir.join("plans"))
        .args(["compare", "--sent", "15000", "--chart"])
        .arg(dir.join("tiers.png"))
        .output()
        .unwrap();
    no_panic(&output);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("ending in .svg"),
        "{}",
        stderr(&output)
    );
    assert!(output.stdout.is_empty());
    assert!(!dir.join("tiers.png").exists());
    fs::remove_dir_all(dir).unwrap();
}
