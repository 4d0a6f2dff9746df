"""Write report files and whole report folders atomically, so no reader ever sees half a report.

A planner may open ``report.html`` while a run is still writing it, or a run may die at
Ctrl-C: either way they must see the previous complete file or nothing, never a truncated
one. The technique: write to a temporary name in the *same*
directory, ``flush`` + ``fsync``, then ``os.replace`` (a rename, atomic within one file
system). A whole run's folder is staged as ``.partial-<label>-<hex>`` next to its final name
and renamed into place at the end. On POSIX a directory rename onto an *empty* directory
succeeds silently, so the final folder must not exist beforehand: each run gets a unique
label (:func:`unique_run_label`) and a previous report is never overwritten in place.

SIGKILL and power loss cannot be caught; they leave ``.partial-*`` folders or ``.tmp-*``
files behind, which :func:`clean_stale_partials` removes on a later run: at once when the
staging folder's owner marker (``.owner``: pid, host, boot and process start time) shows
that the run which made it is dead, otherwise once it has not changed for an hour.
"""

from __future__ import annotations

import errno
import json
import os
import re
import secrets
import shutil
import socket
import tempfile
import time
from datetime import datetime
from pathlib import Path
from types import TracebackType

from .stages import pause_at

__all__ = [
    "ReportFolder",
    "atomic_write_bytes",
    "atomic_write_text",
    "clean_stale_partials",
    "clean_stale_reports",
    "unique_run_label",
]

PARTIAL_PREFIX = ".partial-"
TMP_PREFIX = ".tmp-"
#: Inside a staging folder: who is writing it, so a later run can tell when its writer died.
OWNER_FILE = ".owner"
_TOKEN_HEX_CHARS = 16  # secrets.token_hex(8)
_DIR_FSYNC_UNSUPPORTED = {errno.EINVAL, errno.EBADF, errno.ENOTSUP}
_PARTIAL_NAME = re.compile(
    rf"{re.escape(PARTIAL_PREFIX)}(?P<label>.+)-(?P<token>[0-9a-f]{{{_TOKEN_HEX_CHARS}}})"
)


def atomic_write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    """Replace ``path`` with ``text`` in one step; on failure the old content stays.

    The text is encoded and written as bytes, so ``\\n`` is never translated to ``\\r\\n``:
    a report is byte-identical on every platform, which golden-file tests rely on.
    """
    atomic_write_bytes(path, text.encode(encoding))


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step; on any exception the temp file is removed.

    The temporary file is created in the target's directory because ``os.replace`` is only
    atomic within one file system. ``NamedTemporaryFile`` creates it with mode 0600; it is
    widened to what a plain ``open`` would give (the old file's mode, else 0666 minus the
    umask) so a report in a shared folder stays readable by colleagues.
    """
    target = Path(path)
    mode = _mode_for(target)
    tmp = tempfile.NamedTemporaryFile(dir=target.parent, delete=False, prefix=TMP_PREFIX)
    tmp_path = Path(tmp.name)
    try:
        with tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.chmod(tmp_path, mode)
        os.replace(tmp_path, target)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)


class ReportFolder:
    """Stage a whole run's output folder and move it into place only if the run succeeds.

    ``with ReportFolder(out / label) as staging:`` yields the staging folder (a ``Path``) to
    write into. On a clean exit its contents are fsynced and it is renamed to ``final_dir``;
    on any exception, including ``KeyboardInterrupt``, it is deleted and the exception
    propagates, so ``final_dir`` either holds a complete report or does not exist.

    ``final_dir`` must not exist: ``FileExistsError`` is raised on entry, before any work,
    and again at commit if another process claimed the name meanwhile (the staged report is
    then discarded, keeping "no partial left behind" true). The parent folder is created if
    needed. Enter the context when ready to write, not at the start of a long simulation:
    :func:`clean_stale_partials` in another run judges staleness by modification time when
    it cannot tell whether the writer is alive. The staging folder holds an ``OWNER_FILE``
    marker while it is written; it is removed before the folder is renamed into place.
    """

    def __init__(self, final_dir: str | os.PathLike[str]) -> None:
        self.final_dir = Path(final_dir)
        self.staging: Path | None = None

    def __enter__(self) -> Path:
        if os.path.lexists(self.final_dir):
            raise FileExistsError(
                errno.EEXIST,
                "report folder already exists; pick a new run label",
                str(self.final_dir),
            )
        parent = self.final_dir.parent
        parent.mkdir(parents=True, exist_ok=True)
        while True:
            name = f"{PARTIAL_PREFIX}{self.final_dir.name}-{secrets.token_hex(8)}"
            try:
                # mkdir, not mkdtemp: mkdtemp's 0700 would make the report private to its
                # writer once renamed; mkdir honours the umask like any other folder.
                os.mkdir(parent / name)
            except FileExistsError:
                continue
            self.staging = parent / name
            try:
                (self.staging / OWNER_FILE).write_text(
                    json.dumps(_owner_record(os.getpid())), encoding="utf-8"
                )
            except BaseException:
                shutil.rmtree(self.staging, ignore_errors=True)
                self.staging = None
                raise
            pause_at("staged")
            return self.staging

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        staging = self.staging
        if staging is None:
            return
        self.staging = None
        if exc_type is not None:
            shutil.rmtree(staging, ignore_errors=True)
            return  # the exception propagates
        try:
            _fsync_tree(staging)
            if os.path.lexists(self.final_dir):
                raise FileExistsError(
                    errno.EEXIST,
                    "report folder appeared while the run was writing",
                    str(self.final_dir),
                )
            pause_at("renaming")
            # Last, so a kill at any earlier moment leaves a marked (removable) partial.
            (staging / OWNER_FILE).unlink(missing_ok=True)
            os.replace(staging, self.final_dir)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _fsync_dir(self.final_dir.parent)
        pause_at("renamed")


def clean_stale_partials(
    parent: str | os.PathLike[str], older_than_seconds: float = 3600
) -> list[Path]:
    """Remove ``.partial-*`` folders and ``.tmp-*`` files left in ``parent`` by killed runs.

    A staging folder whose owner marker names a process on this machine that no longer
    runs (killed with SIGKILL, or the machine rebooted since) goes at once. Anything else
    goes only when not modified for ``older_than_seconds``, so a run writing in the same
    folder right now keeps its staging folder. A folder's age is that of its newest entry.
    Symlinks are never followed or removed. Returns the removed paths, sorted.
    """
    root = Path(parent)
    if not root.is_dir():
        return []
    cutoff = time.time() - older_than_seconds
    removed: list[Path] = []
    for entry in sorted(root.iterdir()):
        if entry.is_symlink():
            continue
        try:
            if entry.name.startswith(PARTIAL_PREFIX) and entry.is_dir():
                if _owner_is_dead(entry) or _newest_mtime(entry) < cutoff:
                    shutil.rmtree(entry)
                    removed.append(entry)
            elif entry.name.startswith(TMP_PREFIX) and entry.is_file():
                if entry.stat().st_mtime < cutoff:
                    entry.unlink()
                    removed.append(entry)
        except FileNotFoundError:
            continue  # another run cleaned or committed it first
    return removed


def clean_stale_reports(
    out_root: str | os.PathLike[str], older_than_seconds: float = 3600
) -> list[Path]:
    """:func:`clean_stale_partials` in ``out_root`` and in each of its scenario folders.

    A run killed while writing leaves its staging folder in *its* scenario's folder; the
    next run into the same ``--out`` may be of another scenario, or ``size-stockpiles``,
    and must still remove it. Only ``out_root`` and its direct sub-folders are swept (a
    report folder never holds staging folders), symlinked sub-folders are not followed,
    and each staging folder is judged by its owner marker exactly as in a single folder.
    Returns the removed paths, sorted.
    """
    root = Path(out_root)
    if not root.is_dir() or root.is_symlink():
        return []
    removed = clean_stale_partials(root, older_than_seconds)
    for entry in sorted(root.iterdir()):
        if entry.name.startswith((PARTIAL_PREFIX, TMP_PREFIX)) or entry.is_symlink():
            continue
        try:
            if entry.is_dir():
                removed += clean_stale_partials(entry, older_than_seconds)
        except OSError:  # unreadable, or gone meanwhile: not this run's to clean
            continue
    return sorted(removed)


def unique_run_label(parent: str | os.PathLike[str], now: datetime, suffix: str = "") -> str:
    """A folder name for this run under ``parent``: ``20261121-143005`` (then ``-`` and
    ``suffix``, a folder-safe word saying what the run holds), else ``…-2``, ``…-3``.

    A label counts as taken if the folder exists or a ``.partial-`` staging folder for that
    exact label does, so two runs started in the same second do not collide. ``now`` is
    passed in, not read from the clock, so callers and tests decide the time zone.
    """
    root = Path(parent)
    base = now.strftime("%Y%m%d-%H%M%S") + (f"-{suffix}" if suffix else "")
    taken: set[str] = set()
    if root.is_dir():
        for entry in root.iterdir():
            match = _PARTIAL_NAME.fullmatch(entry.name)
            taken.add(match["label"] if match else entry.name)
    label, k = base, 1
    while label in taken:
        k += 1
        label = f"{base}-{k}"
    return label


# --- helpers -------------------------------------------------------------------------------


def _owner_record(pid: int) -> dict:
    """What identifies a running process across PID reuse: pid, host, boot and start time."""
    return {
        "pid": pid,
        "host": socket.gethostname(),
        "boot": _boot_id(),
        "start": _process_start(pid),
    }


def _owner_is_dead(partial: Path) -> bool:
    """True only when the staging folder's writer is known to be gone; False when unsure.

    Unsure means: no marker (a folder from an older version, or one whose marker is not
    written yet), another host (a shared network folder), or not POSIX (``os.kill(pid, 0)``
    would terminate the process on Windows).
    """
    if os.name != "posix":
        return False
    try:
        record = json.loads((partial / OWNER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(record, dict) or record.get("host") != socket.gethostname():
        return False
    pid = record.get("pid")
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return False
    boot = _boot_id()
    if boot is not None and record.get("boot") not in (None, boot):
        return True  # written before the last reboot
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # PermissionError: alive, but another user's
        return False
    start = record.get("start")
    return start is not None and _process_start(pid) not in (None, start)  # pid reused


def _boot_id() -> str | None:
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as handle:
            return handle.read().strip() or None
    except OSError:
        return None


def _process_start(pid: int) -> int | None:
    """A process's start time in clock ticks since boot (Linux ``/proc/<pid>/stat``)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            stat = handle.read()
        return int(stat.rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def _mode_for(target: Path) -> int:
    """Permission bits an ordinary ``open(target, "w")`` would leave on the file."""
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        return 0o666 & ~_umask()


def _umask() -> int:
    """The process umask, read without changing it where the OS allows (Linux ≥ 4.7)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere the only way to read it is to set it
    os.umask(mask)
    return mask


def _fsync_dir(path: Path) -> None:
    """Persist a rename by fsyncing its directory, where the platform allows it.

    Windows cannot open directories, and some network file systems refuse a directory fsync
    with EINVAL; the rename is atomic either way, only its durability on power loss is lost.
    """
    if os.name == "nt":
        return
    try:
        fd = os.open(path, os.O_RDONLY)
    except PermissionError:
        return
    try:
        os.fsync(fd)
    except OSError as error:
        if error.errno not in _DIR_FSYNC_UNSUPPORTED:
            raise
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    """Flush every file and folder under ``root`` before the folder is renamed into place."""
    if os.name == "nt":  # fsync needs a writable handle there; the rename is still atomic
        return
    for dirpath, _dirnames, filenames in os.walk(root):
        for name in filenames:
            file_path = Path(dirpath, name)
            if file_path.is_symlink():
                continue
            fd = os.open(file_path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(dirpath))


def _newest_mtime(root: Path) -> float:
    newest = root.lstat().st_mtime
    for dirpath, dirnames, filenames in os.walk(root):
        for name in (*dirnames, *filenames):
            try:
                newest = max(newest, os.lstat(os.path.join(dirpath, name)).st_mtime)
            except FileNotFoundError:
                continue
    return newest
