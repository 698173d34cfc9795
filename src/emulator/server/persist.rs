//! `--state FILE`: the org is loaded from FILE at start (when it exists)
//! and saved after every successful write, atomically — a temporary file
//! in the same directory, flushed to disk, then renamed over FILE, and the
//! directory flushed — so a kill at any moment leaves either the old state
//! or the new one, never a torn file. The file is created with mode 0600:
//! an org's state is nobody else's business.
//!
//! Saves are ordered: each snapshot is numbered while the org is locked,
//! and a snapshot older than the one already on disk is skipped, so
//! concurrent writers never put an older state over a newer one.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use crate::emulator::org::{Org, OrgState};

/// Why the state file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum PersistError {
    #[error("cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("{} is not an emulator state file: {source}", path.display())]
    Parse {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("cannot write {}: {source}", path.display())]
    Write { path: PathBuf, source: io::Error },
    #[error("cannot serialise the org state: {0}")]
    Serialise(#[source] serde_json::Error),
}

/// The org state as JSON, numbered in the order the writes happened.
#[derive(Debug)]
pub struct Snapshot {
    generation: u64,
    bytes: Vec<u8>,
}

/// Saves the org to one file.
#[derive(Debug)]
pub struct Persister {
    path: PathBuf,
    next_generation: AtomicU64,
    /// The generation on disk; held while writing, so saves do not interleave.
    written: Arc<Mutex<u64>>,
}

impl Persister {
    /// A persister for `path` (nothing is read or written yet).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Persister {
            path: path.into(),
            next_generation: AtomicU64::new(1),
            written: Arc::new(Mutex::new(0)),
        }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The saved state, or `None` when the file does not exist yet.
    pub fn load(&self) -> Result<Option<OrgState>, PersistError> {
        let bytes = match fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(PersistError::Read {
                    path: self.path.clone(),
                    source,
                });
            }
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|source| PersistError::Parse {
                path: self.path.clone(),
                source,
            })
    }

    /// Serialises the org; call with the org locked, right after the write.
    pub fn snapshot(&self, org: &Org) -> Result<Snapshot, PersistError> {
        let bytes = serde_json::to_vec(org.state()).map_err(PersistError::Serialise)?;
        Ok(Snapshot {
            generation: self.next_generation.fetch_add(1, Ordering::SeqCst),
            bytes,
        })
    }

    /// Writes a snapshot unless a newer one is already on disk.
    pub async fn save(&self, snapshot: Snapshot) -> Result<(), PersistError> {
        let path = self.path.clone();
        let written = Arc::clone(&self.written);
        let result = tokio::task::spawn_blocking(move || {
            let mut on_disk = written.lock().unwrap_or_else(PoisonError::into_inner);
            if snapshot.generation <= *on_disk {
                return Ok(());
            }
            write_atomically(&path, &snapshot.bytes)?;
            *on_disk = snapshot.generation;
            Ok(())
        })
        .await
        .unwrap_or_else(|join| Err(io::Error::other(join.to_string())));
        result.map_err(|source| PersistError::Write {
            path: self.path.clone(),
            source,
        })
    }
}

/// Replaces `path` with `bytes` so that a crash leaves the old or the new
/// content: temp file in the same directory, fsync, rename, fsync the
/// directory.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"))?;
    let temp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = (|| {
        let mut file = create_private(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&temp);
    }
    written?;
    // Makes the rename itself durable; not every platform can open a directory.
    if let Ok(dir) = File::open(&dir) {
        dir.sync_all()?;
    }
    Ok(())
}

/// Creates (truncating) a file only its owner can read and write.
fn create_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let file = options.open(path)?;
        // A temp file left by a crashed run keeps its old mode; set it anew.
        file.set_permissions(fs::Permissions::from_mode(0o600))?;
        Ok(file)
    }
    #[cfg(not(unix))]
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_the_file_privately() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state.json");
        fs::write(&path, b"old").expect("seed file");
        write_atomically(&path, b"new").expect("write");
        assert_eq!(fs::read(&path).expect("read"), b"new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .expect("list")
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .collect();
        assert_eq!(leftovers.len(), 1, "{leftovers:?}");
    }

    #[test]
    fn missing_file_is_no_state_and_garbage_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let persister = Persister::new(dir.path().join("none.json"));
        assert!(matches!(persister.load(), Ok(None)));
        let garbage = dir.path().join("garbage.json");
        fs::write(&garbage, b"{not json").expect("write");
        assert!(matches!(
            Persister::new(&garbage).load(),
            Err(PersistError::Parse { .. })
        ));
    }
}
