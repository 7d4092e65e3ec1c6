"""The index's write lock: one writer at a time across processes, readers never blocked.

Ingest and remove hold it for their whole run. A reader that rebuilt a derived file (BM25)
saves it only when it can take the lock at once; otherwise it keeps its copy in memory and
leaves saving to the writer. The lock is an `flock` on `<index>/write.lock`, released by the
kernel when its process dies, so a killed ingest never leaves the index locked. Within a
process it is re-entrant for the thread holding it; other threads are refused like processes.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.errors import IndexBusyError

LOCK_FILE = "write.lock"

# index folder -> (holding thread, hold depth, lock file descriptor)
_HELD: dict[str, tuple[int, int, int]] = {}
_HELD_LOCK = threading.Lock()


@contextmanager
def writing(directory: Path) -> Iterator[None]:
    """Hold the write lock of the index at directory, or raise IndexBusyError at once."""
    if not try_lock(directory):
        raise IndexBusyError(
            f"another ingest{_holder(directory)} is writing to the index at {directory}/ — "
            "wait for it to finish, then run this again"
        )
    try:
        yield
    finally:
        unlock(directory)


@contextmanager
def saving(directory: Path) -> Iterator[bool]:
    """Yield whether this process may write derived files now (it holds or took the lock)."""
    taken = try_lock(directory)
    try:
        yield taken
    finally:
        if taken:
            unlock(directory)


def try_lock(directory: Path) -> bool:
    """Take the lock without waiting (re-entrant in one thread); return whether it was taken."""
    import fcntl

    key = str(Path(directory).resolve())
    me = threading.get_ident()
    with _HELD_LOCK:
        if key in _HELD:
            owner, depth, fd = _HELD[key]
            if owner != me:
                return False
            _HELD[key] = (owner, depth + 1, fd)
            return True
        Path(directory).mkdir(parents=True, exist_ok=True)
        fd = os.open(Path(directory) / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        _HELD[key] = (me, 1, fd)
        return True


def unlock(directory: Path) -> None:
    """Release one level of this process's hold on the lock."""
    import fcntl

    key = str(Path(directory).resolve())
    with _HELD_LOCK:
        owner, depth, fd = _HELD[key]
        if depth > 1:
            _HELD[key] = (owner, depth - 1, fd)
            return
        del _HELD[key]
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _holder(directory: Path) -> str:
    try:
        pid = (Path(directory) / LOCK_FILE).read_text().strip()
    except OSError:
        return ""
    return f" (pid {pid})" if pid.isdigit() else ""
