//! Stores: source offsets (`offsets.rs`), connector configs and target states
//! (`configs.rs`), sink connectors' consumer group offsets (`group_offsets.rs`), connector
//! and task status (`status.rs`); in distributed mode the same in Kafka Connect's
//! internal topics (`kafka_offsets.rs`, `kafka_configs.rs`, `kafka_status.rs`), each on a
//! `kafka_log::CompactedLog`: the broker's compacted topic (`KafkaLog`, with the topic
//! checks) or one in memory (`MemoryLog`), which the stores' own tests share between
//! several "workers".

pub mod configs;
pub mod group_offsets;
pub mod kafka_configs;
pub mod kafka_log;
pub mod kafka_offsets;
pub mod kafka_status;
pub mod offsets;
pub mod status;

use std::io::Write;
use std::path::{Path, PathBuf};

/// The temporary file a write of `path` goes through: `<file name>.tmp` beside it.
pub(crate) fn temp_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".tmp");
    path.with_file_name(name)
}

/// Removes the temporary file a crash during a write may have left (the file itself is
/// intact: it is replaced only by the rename).
pub(crate) fn remove_stale_temp(path: &Path) {
    let tmp = temp_path(path);
    if tmp.is_file() {
        match std::fs::remove_file(&tmp) {
            Ok(()) => {
                tracing::info!(file = %tmp.display(), "removed a temporary file left by an interrupted write")
            }
            Err(e) => {
                tracing::warn!(file = %tmp.display(), error = %e, "cannot remove a temporary file left by an interrupted write")
            }
        }
    }
}

/// Writes `path` atomically: a temporary file (mode 0600: configs and offsets may hold
/// credentials or reveal data), fsync, rename, fsync of the directory. A failed write
/// leaves `path` as it was and removes its temporary file.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    if let Some(dir) = dir {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = temp_path(path);
    let written = (|| {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        if tmp.is_file() {
            let _ = std::fs::remove_file(&tmp);
        }
        return Err(e);
    }
    if let Some(dir) = dir {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn mode(p: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn writes_owner_only_files_and_cleans_up_after_a_failure() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/offsets.json");
        write_atomically(&path, b"{}").unwrap();
        #[cfg(unix)]
        assert_eq!(mode(&path), 0o600);
        assert!(!temp_path(&path).exists());
        // The rename fails (a non-empty directory where the file goes): the temporary file goes.
        let blocked = dir.path().join("blocked.json");
        std::fs::create_dir_all(blocked.join("x")).unwrap();
        assert!(write_atomically(&blocked, b"{}").is_err());
        assert!(!temp_path(&blocked).exists(), "temporary file left behind");
    }
}
