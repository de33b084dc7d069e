"""One run at a time per output folder.

A nightly cron job can outlast its night, and a person may start a run by hand while
it works. Two runs writing the same tables would each replace the other's rows, so a
run takes OUT/.gazette.lock (an OS file lock, via filelock: released by the kernel when
the holder dies, even by kill -9, so a crashed run never blocks the next one) and
either waits for it or stops with a message naming the run that holds it.
"""
from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

LOCK_FILE = ".gazette.lock"
HOLDER_FILE = ".gazette.lock.holder"  # who holds the lock, for the message of the run that waits


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
        (out_dir / HOLDER_FILE).write_text(
            f"pid {os.getpid()} on {socket.gethostname()}, "
            f"started {dt.datetime.now().astimezone().isoformat(timespec='seconds')}", encoding="utf-8")
        yield
    finally:
        (out_dir / HOLDER_FILE).unlink(missing_ok=True)
        lock.release()


def _read_holder(out_dir: Path) -> str:
    try:
        return (out_dir / HOLDER_FILE).read_text(encoding="utf-8").strip() or "unknown process"
    except OSError:
        return "unknown process"
