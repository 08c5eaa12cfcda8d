"""The writer lock of an output directory: one live process writes a sweep at a time.

``DIR/.lock`` holds the PID and host of the process writing ``DIR`` (a sweep or a compare
directory, started or resumed). It is created with ``O_CREAT | O_EXCL`` and removed when the
writer finishes, fails or is interrupted. A second writer (a ``--resume`` started while the first
still runs, or while its orphaned workers still write) finds the lock and:

- refuses with :class:`LockedError` (the CLI exits with 2) if the holder is alive on this host;
- takes the lock over if the holder is gone (a SIGKILLed driver leaves its lock behind: a stale
  lock must not block the resume that repairs the sweep).

Pool workers die with their driver (:mod:`experiments.backends`), so once the holder PID is gone
nobody writes into ``DIR`` any more.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path

LOCK_NAME = ".lock"


class LockedError(Exception):
    """Another live process writes this directory."""


def pid_alive(pid: int) -> bool:
    """Is ``pid`` a live process (not a zombie) on this host?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc: trust kill(0)
    return stat.rpartition(")")[2].split()[0] != "Z"


def holder(path: Path) -> dict | None:
    """The lock record in ``path`` (None when absent or unreadable)."""
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return obj if isinstance(obj, dict) else None


def _try_create(path: Path, record: dict) -> bool:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")
    return True


@contextlib.contextmanager
def writer_lock(directory: Path) -> Iterator[None]:
    """Hold ``directory/.lock`` for the duration of the block (see the module docstring)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / LOCK_NAME
    me = {"pid": os.getpid(), "host": socket.gethostname()}
    for _ in range(3):  # a stale lock is removed and creation retried; a race loses cleanly
        if _try_create(path, me):
            break
        rec = holder(path)
        pid = rec.get("pid") if rec else None
        same_host = rec is not None and rec.get("host") == me["host"]
        if isinstance(pid, int) and (not same_host or pid_alive(pid)):
            where = "" if same_host else f" on {rec.get('host')}"
            raise LockedError(
                f"{directory}: another process (PID {pid}{where}) is writing it; wait for it "
                f"to finish or stop it (if it is gone, delete {path})"
            )
        with contextlib.suppress(FileNotFoundError):
            path.unlink()  # stale: its holder is gone
    else:
        raise LockedError(f"{directory}: could not take {path} (another writer keeps taking it)")
    try:
        yield
    finally:
        if (holder(path) or {}).get("pid") == me["pid"]:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
