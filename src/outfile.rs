//! Files ctbill writes besides standard output (`--chart`; HTML later).
//!
//! PRODUCT.md: "A file ctbill writes is written whole or not at all (never a
//! half-written file in place of the old one), only when the command
//! succeeds, and never over one of its own inputs." So a file is written in
//! two steps: [`prepare`] refuses a target that is one of the command's
//! inputs and writes the contents to a temporary file beside the target;
//! [`Pending::commit`], called once everything else has succeeded, renames it
//! into place. A [`Pending`] dropped without commit removes its temporary
//! file, leaving any old file untouched.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::error::Error;

/// A file written to a temporary name beside its target, not yet in place.
#[derive(Debug)]
pub struct Pending {
    target: PathBuf,
    temp: Option<PathBuf>,
    what: &'static str,
}

impl Pending {
    /// The path the file goes to.
    #[must_use]
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Moves the file into place (an atomic rename on the same directory).
    ///
    /// # Errors
    ///
    /// The rename failed; the temporary file is removed and any old file at
    /// the target is left as it was.
    pub fn commit(mut self) -> Result<(), Error> {
        let Some(temp) = self.temp.take() else {
            return Ok(());
        };
        fs::rename(&temp, &self.target).map_err(|source| {
            let _ = fs::remove_file(&temp);
            cannot(self.what, &self.target, source)
        })
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(temp) = self.temp.take() {
            let _ = fs::remove_file(temp);
        }
    }
}

fn cannot(what: &str, target: &Path, source: io::Error) -> Error {
    Error::Io {
        context: format!(
            "cannot write the {what} to `{}`",
            crate::shown::shown(&target.display().to_string())
        ),
        source,
    }
}

/// Writes `contents` whole to a temporary file beside `target`, after
/// checking that `target` is none of `inputs` (the files the command read)
/// and not the file standard input reads from. `what` names the file in
/// messages (`chart`). Nothing is in place until [`Pending::commit`].
///
/// # Errors
///
/// The target is one of the inputs or a directory, or the temporary file
/// cannot be created or written (a full disk, say); no file is left behind.
pub fn prepare(
    target: &Path,
    contents: &[u8],
    what: &'static str,
    inputs: &[PathBuf],
) -> Result<Pending, Error> {
    let shown_target = crate::shown::shown(&target.display().to_string());
    // A symbolic link is written through: the file it leads to is replaced,
    // the link stays. One that leads nowhere is refused.
    let resolved;
    let target = if fs::symlink_metadata(target).is_ok_and(|m| m.is_symlink()) {
        resolved = fs::canonicalize(target).map_err(|_| {
            Error::Input(format!(
                "cannot write the {what} to `{shown_target}`: it is a symbolic link that leads to no file; remove it or give another file name"
            ))
        })?;
        resolved.as_path()
    } else {
        target
    };
    let existing = fs::metadata(target).ok();
    if let Some(meta) = &existing {
        if meta.is_dir() {
            return Err(Error::Input(format!(
                "cannot write the {what} to `{shown_target}`: it is a directory; give a file name such as tiers.svg"
            )));
        }
        if !meta.is_file() {
            // A device, FIFO or socket would be replaced by a plain file.
            return Err(Error::Input(format!(
                "will not write the {what} to `{shown_target}`: it is not a regular file (a device, pipe or socket); give a file name such as tiers.svg"
            )));
        }
        let input = inputs
            .iter()
            .find(|input| fs::metadata(input).is_ok_and(|m| same_file(meta, &m)));
        if let Some(input) = input {
            return Err(Error::Input(format!(
                "will not write the {what} over `{}`: ctbill reads it for this command; choose another file",
                crate::shown::shown(&input.display().to_string())
            )));
        }
        if stdin_metadata().is_some_and(|m| same_file(meta, &m)) {
            return Err(Error::Input(format!(
                "will not write the {what} over `{shown_target}`: it is this command's standard input; choose another file"
            )));
        }
    }
    let (temp, mut file) = create_temp(target).map_err(|e| cannot(what, target, e))?;
    let pending = Pending {
        target: target.to_owned(),
        temp: Some(temp),
        what,
    };
    let written = file
        .write_all(contents)
        .and_then(|()| file.sync_all())
        .and_then(|()| match &existing {
            // A file replaced keeps its permissions.
            Some(meta) => file.set_permissions(meta.permissions()),
            None => Ok(()),
        });
    if let Err(source) = written {
        drop(file);
        // Dropping `pending` removes the temporary file.
        return Err(cannot(what, target, source));
    }
    Ok(pending)
}

/// Creates a new file beside `target`, named after it so a leftover is
/// recognisable (`.tiers.svg.ctbill-1234-0.tmp`).
fn create_temp(target: &Path) -> io::Result<(PathBuf, File)> {
    let name = target
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "it names no file"))?;
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut attempt = 0u32;
    loop {
        let mut temp_name = std::ffi::OsString::from(".");
        temp_name.push(name);
        temp_name.push(format!(".ctbill-{}-{attempt}.tmp", std::process::id()));
        let temp = dir.join(temp_name);
        match OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(file) => return Ok((temp, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(e) => return Err(e),
        }
    }
}

#[cfg(unix)]
fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    // Without inode numbers: a conservative guess from size and times.
    a.len() == b.len()
        && a.modified().ok() == b.modified().ok()
        && a.created().ok() == b.created().ok()
}

/// What standard input is, when it is a file (`< plans/connect.toml`).
#[cfg(unix)]
fn stdin_metadata() -> Option<fs::Metadata> {
    use std::os::fd::AsFd;
    let fd = io::stdin().as_fd().try_clone_to_owned().ok()?;
    File::from(fd).metadata().ok().filter(fs::Metadata::is_file)
}

#[cfg(not(unix))]
fn stdin_metadata() -> Option<fs::Metadata> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("ctbill-outfile-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn leftovers(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| Path::new(n).extension().is_some_and(|e| e == "tmp"))
            .collect()
    }

    #[test]
    fn nothing_is_in_place_until_commit() {
        let dir = scratch("commit");
        let target = dir.join("chart.svg");
        fs::write(&target, "old").unwrap();
        let pending = prepare(&target, b"new", "chart", &[]).unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "old");
        pending.commit().unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
        assert!(leftovers(&dir).is_empty());
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_dropped_file_leaves_the_old_one_and_no_temporary() {
        let dir = scratch("drop");
        let target = dir.join("chart.svg");
        fs::write(&target, "old").unwrap();
        drop(prepare(&target, b"new", "chart", &[]).unwrap());
        assert_eq!(fs::read_to_string(&target).unwrap(), "old");
        assert!(leftovers(&dir).is_empty());
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn refuses_to_write_over_an_input_however_named() {
        let dir = scratch("input");
        let plans = dir.join("plans.toml");
        fs::write(&plans, "[[plan]]").unwrap();
        // The same file by another path: `dir/./plans.toml`.
        let other_name = dir.join(".").join("plans.toml");
        let err = prepare(
            &other_name,
            b"<svg/>",
            "chart",
            std::slice::from_ref(&plans),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("will not write the chart over"), "{err}");
        assert_eq!(fs::read_to_string(&plans).unwrap(), "[[plan]]");
        assert!(leftovers(&dir).is_empty());
        fs::remove_dir_all(dir).unwrap();
    }
}
