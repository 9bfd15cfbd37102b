//! Temporary folders and files of the output, and how they become results. Each is named after
//! the process that owns it (`.NAME.partial-<pid>-<random>`, `.NAME.old-<pid>`), so that a later
//! run can tell an interrupted run's leftovers (owner gone) from a live run's (owner running).
//! While live, each is registered here, so that SIGINT and SIGTERM remove it before the process
//! exits ([`remove_on_termination`]). Every file is `fsync`ed before its rename, and a finished
//! folder replaces an earlier result with one atomic exchange where the system has one.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use crate::error::{Error, Result};

/// The temporary paths this process owns now. A signal handler removes them; the lock is also
/// held across each final rename, so that a handler never sees a half-done swap.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// How old a leftover named without an owner (as versions before the pid was put in the name
/// wrote them) must be before it is removed: nobody runs that long without touching it.
const UNOWNED_AGE: Duration = Duration::from_secs(24 * 3600);

/// The registry, even if a thread panicked while holding it: it holds plain paths, which stay
/// valid.
fn live() -> MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// An I/O error's mapper that names `path`.
pub(super) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + use<> {
    let path = path.to_owned();
    move |source| Error::Write { path, source }
}

/// Writes `bytes` to `path`.
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).map_err(io(path))
}

/// Removes a file or a folder with everything in it; a path already gone is no error.
fn remove(path: &Path) -> std::io::Result<()> {
    let result = match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(e) => Err(e),
    };
    match result {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// A temporary folder or file that this process is writing. Dropped before [`put_in_place`]
/// (an error, a panic), it removes itself.
#[derive(Debug)]
pub struct Staging {
    path: PathBuf,
    /// Set once the path has become a result, which must then stay.
    published: bool,
}

impl Staging {
    /// A new empty folder `parent/.NAME.partial-<pid>-<random>`.
    pub fn dir(parent: &Path, name: &str) -> Result<Self> {
        let mut live = live();
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}.partial-{}-", std::process::id()))
            .tempdir_in(parent)
            .map_err(io(parent))?;
        let path = tmp.keep();
        live.push(path.clone());
        Ok(Self {
            path,
            published: false,
        })
    }

    /// The path `parent/.NAME.partial-<pid>` for a single file, not yet created.
    pub fn file(parent: &Path, name: &str) -> Self {
        let path = parent.join(format!(".{name}.partial-{}", std::process::id()));
        live().push(path.clone());
        Self {
            path,
            published: false,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let mut live = live();
        // Best effort: what cannot be removed now is a leftover of a gone owner later, and the
        // next run into the same folder removes it.
        if !self.published {
            let _ = remove(&self.path);
        }
        live.retain(|p| p != &self.path);
    }
}

/// `fsync`s every file and folder under `path` (and `path` itself), so that what a rename
/// publishes is on disk before the rename is.
pub fn sync_tree(path: &Path) -> Result<()> {
    let meta = std::fs::symlink_metadata(path).map_err(io(path))?;
    if meta.is_dir() {
        for entry in std::fs::read_dir(path).map_err(io(path))? {
            sync_tree(&entry.map_err(io(path))?.path())?;
        }
    } else if !meta.is_file() {
        return Ok(());
    }
    File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(io(path))
}

/// `fsync`s the folder holding `path`, so that a rename into it is durable.
fn sync_parent(path: &Path) -> Result<()> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    File::open(parent)
        .and_then(|f| f.sync_all())
        .map_err(io(parent))
}

/// Swaps two existing paths in one step. `Ok(false)` when the file system cannot (not Linux,
/// or a file system without `RENAME_EXCHANGE`).
fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        use rustix::io::Errno;
        match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
            Ok(()) => Ok(true),
            Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (a, b);
        Ok(false)
    }
}

/// Moves the finished `staging` to `target`, after `fsync`ing all of it (see [`publish`]).
pub fn put_in_place(mut staging: Staging, target: &Path) -> Result<()> {
    if !publish(staging.path(), target)? {
        // The path is the result now: unregister it, but keep it.
        staging.published = true;
    }
    // Otherwise `staging` now holds the earlier result, and dropping it removes it.
    Ok(())
}

/// Writes the result folder `out_root/NAME` atomically: `fill` writes every file into a
/// temporary folder beside it, which replaces any earlier result only once all are written
/// and synced ([`put_in_place`]); if `fill` fails, the temporary folder is removed and the
/// earlier result stays. Leftovers of earlier interrupted writes of the same name are removed
/// first ([`sweep`]). Returns the folder's path. Runs and studies both write this way.
pub fn write_folder(
    out_root: &Path,
    name: &str,
    fill: impl FnOnce(&Path) -> Result<()>,
) -> Result<PathBuf> {
    std::fs::create_dir_all(out_root).map_err(io(out_root))?;
    let final_dir = out_root.join(name);
    sweep(out_root, name)?;
    let tmp = Staging::dir(out_root, name)?;
    fill(tmp.path())?;
    put_in_place(tmp, &final_dir)?;
    Ok(final_dir)
}

/// Moves the finished `src` to `target`, after `fsync`ing all of it; `Ok(true)` when an earlier
/// `target` was there, which `src` then holds, for the caller to remove. The earlier one is
/// exchanged with the new one atomically (Linux `renameat2(RENAME_EXCHANGE)`), so `target` is
/// never missing. Where there is no exchange, the earlier one is first renamed to
/// `.NAME.old-<pid>`; if the process is killed between the two renames, the next run into the
/// folder ([`sweep`]) renames it back.
pub fn publish(src: &Path, target: &Path) -> Result<bool> {
    sync_tree(src)?;
    // A SIGINT or SIGTERM waits for the lock, so it finds either the old state or the new.
    let _live = live();
    let had_old = std::fs::symlink_metadata(target).is_ok();
    if !had_old {
        std::fs::rename(src, target).map_err(io(target))?;
    } else if !exchange(src, target).map_err(io(target))? {
        let old =
            target.with_file_name(format!(".{}.old-{}", file_name(target), std::process::id()));
        std::fs::rename(target, &old).map_err(io(target))?;
        if let Err(source) = std::fs::rename(src, target) {
            let _ = std::fs::rename(&old, target);
            return Err(Error::Write {
                path: target.to_owned(),
                source,
            });
        }
        std::fs::rename(&old, src).map_err(io(&old))?;
    }
    sync_parent(target)?;
    Ok(had_old)
}

/// A path's last component as text.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or(String::new(), |n| n.to_string_lossy().into_owned())
}

/// Whether process `pid` is running. A zombie (killed, not yet reaped) counts as gone. Where it
/// cannot tell, it says running, so that nothing of a live run is ever removed.
fn running(pid: u32) -> bool {
    let Some(p) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return true;
    };
    match rustix::process::test_kill_process(p) {
        Err(rustix::io::Errno::SRCH) => false,
        _ => !zombie(pid),
    }
}

/// Whether `/proc` says `pid` has exited and waits to be reaped.
fn zombie(pid: u32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // The state follows the command name, which is in parentheses and may hold anything.
    stat.rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .is_some_and(|state| state == "Z" || state == "X")
}

/// What a leftover's name says about it.
#[derive(Debug, PartialEq)]
enum Owner {
    /// Named with the pid of the process that made it.
    Pid(u32),
    /// Named without one (by fleetsim before it put the pid in the name).
    Unknown,
}

/// The owner named in `rest`, the part of a temporary name after `partial-` or `old-`:
/// `<pid>` or `<pid>-<random>`.
fn owner(rest: &str) -> Owner {
    let (digits, tail) = rest.split_once('-').unwrap_or((rest, ""));
    let ours = digits.len() == rest.len() || !tail.is_empty();
    if ours && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse().map_or(Owner::Unknown, Owner::Pid)
    } else {
        Owner::Unknown
    }
}

/// Whether a leftover whose owner is `owner` may be removed: its owner is gone, or it is this
/// process and the path is not one this process is using, or it has no owner in its name and
/// has not been touched for a day.
fn abandoned(path: &Path, owner: &Owner) -> bool {
    match owner {
        Owner::Pid(pid) if *pid == std::process::id() => !live().iter().any(|p| p == path),
        Owner::Pid(pid) => !running(*pid),
        Owner::Unknown => std::fs::symlink_metadata(path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| SystemTime::now().duration_since(t).ok())
            .is_some_and(|age| age > UNOWNED_AGE),
    }
}

/// Cleans up after interrupted runs that wrote `parent/NAME`: removes every
/// `.NAME.partial-<pid>…` and `.NAME.old-<pid>` whose owner is gone, except that when `NAME`
/// itself is missing, an abandoned `.NAME.old-<pid>` (a result hidden by a run killed between
/// its two renames) is renamed back to `NAME`. A live run's entries are left alone. Returns
/// what it removed or restored.
pub fn sweep(parent: &Path, name: &str) -> Result<Vec<PathBuf>> {
    let partial = format!(".{name}.partial-");
    let old = format!(".{name}.old-");
    let target = parent.join(name);
    let mut done = Vec::new();
    let entries = match std::fs::read_dir(parent) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(done),
        Err(source) => {
            return Err(Error::Read {
                path: parent.to_owned(),
                source,
            });
        }
    };
    let mut found: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    // Old results first, so that one is restored before its siblings are judged.
    found.sort_by_key(|p| !file_name(p).starts_with(&old));
    for path in found {
        let file = file_name(&path);
        let (is_old, rest) = if let Some(rest) = file.strip_prefix(&old) {
            (true, rest)
        } else if let Some(rest) = file.strip_prefix(&partial) {
            (false, rest)
        } else {
            continue;
        };
        if !abandoned(&path, &owner(rest)) {
            continue;
        }
        if is_old && std::fs::symlink_metadata(&target).is_err() {
            std::fs::rename(&path, &target).map_err(io(&target))?;
            sync_parent(&target)?;
        } else {
            remove(&path).map_err(io(&path))?;
        }
        done.push(path);
    }
    Ok(done)
}

/// Installs a handler for SIGINT and SIGTERM: it removes every temporary path this process
/// owns, then exits with 130 (SIGINT) or 143 (SIGTERM), as a shell reports a process killed by
/// them. A final rename in progress is finished first (the handler waits for its lock).
pub fn remove_on_termination() -> std::io::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
    std::thread::Builder::new()
        .name("fleetsim-signals".to_owned())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let live = live();
                let mut left = Vec::new();
                for path in live.iter() {
                    // A writer may recreate nothing inside a removed folder (every write
                    // needs its parent), so one more try catches a file created meanwhile.
                    if remove(path).is_err() && remove(path).is_err() {
                        left.push(path.display().to_string());
                    }
                }
                let name = if signal == SIGINT {
                    "SIGINT"
                } else {
                    "SIGTERM"
                };
                if left.is_empty() {
                    eprintln!("fleetsim: stopped by {name}; temporary files removed");
                } else {
                    eprintln!(
                        "fleetsim: stopped by {name}; could not remove {}",
                        left.join(", ")
                    );
                }
                std::process::exit(128 + signal);
            }
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pid of a process that has exited and been reaped.
    fn dead_pid() -> u32 {
        let mut child = std::process::Command::new("true")
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"));
        let pid = child.id();
        child.wait().unwrap_or_else(|e| panic!("{e}"));
        pid
    }

    #[test]
    fn a_failed_write_removes_its_partial_file() {
        let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let index = Staging::file(root.path(), "index.html");
        let partial = index.path().to_owned();
        assert_eq!(
            file_name(&partial),
            format!(".index.html.partial-{}", std::process::id())
        );
        // Half a page written, then the disk is full: the error drops the staging file.
        std::fs::write(&partial, "<html>").unwrap_or_else(|e| panic!("{e}"));
        drop(index);
        assert!(!partial.exists());
        assert!(!live().iter().any(|p| p == &partial));
    }

    #[test]
    fn owners_are_read_from_the_name() {
        assert_eq!(owner("123-abc"), Owner::Pid(123));
        assert_eq!(owner("123"), Owner::Pid(123));
        assert_eq!(owner("abc123"), Owner::Unknown);
        assert_eq!(owner("12a-x"), Owner::Unknown);
        assert_eq!(owner(""), Owner::Unknown);
    }

    #[test]
    fn sweep_removes_only_what_a_gone_owner_left_and_restores_a_hidden_result() {
        let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let r = root.path();
        let dead = dead_pid();
        let live_pid = std::process::id();
        let parent_pid = std::os::unix::process::parent_id(); // running, not this process
        let make = |name: &str| {
            std::fs::create_dir(r.join(name)).unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(r.join(name).join("summary.csv"), name)
                .unwrap_or_else(|e| panic!("{e}"));
        };
        make(&format!(".bp.partial-{dead}-AbC123"));
        make(&format!(".bp.old-{dead}"));
        make(&format!(".bp.partial-{parent_pid}-XyZ987"));
        make(&format!(".bp.partial-{live_pid}-notmine"));
        make(".bp.partial-Qw3rty");
        make(&format!(".bpx.partial-{dead}-AbC123"));
        std::fs::write(r.join(format!(".index.html.partial-{dead}")), "x")
            .unwrap_or_else(|e| panic!("{e}"));

        let done = sweep(r, "bp").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(done.len(), 3, "{done:?}");
        let restored =
            std::fs::read_to_string(r.join("bp/summary.csv")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(restored, format!(".bp.old-{dead}"));
        let mut left: Vec<String> = std::fs::read_dir(r)
            .unwrap_or_else(|e| panic!("{e}"))
            .filter_map(|e| e.ok().map(|e| file_name(&e.path())))
            .collect();
        left.sort();
        let mut expected = vec![
            format!(".bp.partial-{parent_pid}-XyZ987"),
            ".bp.partial-Qw3rty".to_owned(),
            format!(".bpx.partial-{dead}-AbC123"),
            format!(".index.html.partial-{dead}"),
            "bp".to_owned(),
        ];
        expected.sort();
        assert_eq!(left, expected);

        let done = sweep(r, "index.html").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(done, vec![r.join(format!(".index.html.partial-{dead}"))]);
    }

    #[test]
    fn a_live_staging_folder_is_not_swept_and_its_swap_keeps_the_target() {
        let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let r = root.path();
        std::fs::create_dir(r.join("bp")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(r.join("bp/v"), "old").unwrap_or_else(|e| panic!("{e}"));
        let s = Staging::dir(r, "bp").unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(s.path().join("v"), "new").unwrap_or_else(|e| panic!("{e}"));
        assert!(sweep(r, "bp").unwrap_or_else(|e| panic!("{e}")).is_empty());
        put_in_place(s, &r.join("bp")).unwrap_or_else(|e| panic!("{e}"));
        let v = std::fs::read_to_string(r.join("bp/v")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(v, "new");
        let names: Vec<String> = std::fs::read_dir(r)
            .unwrap_or_else(|e| panic!("{e}"))
            .filter_map(|e| e.ok().map(|e| file_name(&e.path())))
            .collect();
        assert_eq!(names, vec!["bp".to_owned()]);
        assert!(live().is_empty() || !live().iter().any(|p| p.starts_with(r)));
    }
}
