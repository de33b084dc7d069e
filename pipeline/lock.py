"""One run at a time per output folder.

A nightly cron job can outlast its night, and a person may start a run by hand while
it works. Two runs writing the same tables would each replace the other's rows, so a
run takes OUT/.gazette.lock (an OS file lock, via filelock: released by the kernel when
the holder dies, even by kill -9, so a crashed run never blocks the next one) and
either waits for it or stops with a message naming the run that holds it.

OUT may be shared, and the run may be root's cron job: the holder file, which names the
run for that message, is created afresh, never written or read through a symbolic link
planted in its place (which would make the run overwrite, or print, the file it points
to). The lock file itself is opened without following links by filelock.
"""
from __future__ import annotations

import datetime as dt
import os
import socket
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

LOCK_FILE = ".gazette.lock"
HOLDER_FILE = ".gazette.lock.holder"  # who holds the lock, for the message of the run that waits
HOLDER_BYTES = 200  # what a waiting run reads of it: one line


class OutputBusy(RuntimeError):
    """Another run holds the output folder's lock."""


@contextmanager
def output_lock(out_dir: Path, wait_s: float = 0) -> Iterator[None]:
    """Hold `out_dir`'s lock; wait up to `wait_s` seconds for it (0: do not wait, a
    negative number: wait as long as it takes), then raise OutputBusy."""
    out_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(out_dir / LOCK_FILE, timeout=wait_s, preserve_lock_file=True)
    try:
        lock.acquire()
    except Timeout:
        holder = _read_holder(out_dir)
        waited = f" after waiting {wait_s:g} s" if wait_s > 0 else ""
        raise OutputBusy(f"another gazette run ({holder}) is writing {out_dir}{waited}; "
                         "try again when it is done, or pass --wait SECONDS") from None
    try:
        _write_holder(out_dir / HOLDER_FILE)
        yield
    finally:
        (out_dir / HOLDER_FILE).unlink(missing_ok=True)
        lock.release()


def _write_holder(path: Path) -> None:
    """Say who holds the lock, in a file of our own: whatever is at `path` (a holder file a
    killed run left, or a symbolic link planted to make this run, perhaps root's cron job,
    overwrite the file it points to) is removed, and the new file is created where the
    name is, never through a link (O_EXCL, O_NOFOLLOW)."""
    text = (f"pid {os.getpid()} on {socket.gethostname()}, "
            f"started {dt.datetime.now().astimezone().isoformat(timespec='seconds')}")
    try:
        path.unlink(missing_ok=True)  # a link goes, not what it points to
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError:  # (a folder by that name): the holder only names this run to one that waits
        return
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def _read_holder(out_dir: Path) -> str:
    """What the holder file says, when it is a small regular file: a link or a FIFO planted
    in its place is not followed or waited on, so the message cannot show another file."""
    try:
        fd = os.open(out_dir / HOLDER_FILE, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return "unknown process"
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return "unknown process"
        return handle.read(HOLDER_BYTES).decode("utf-8", "replace").strip() or "unknown process"
