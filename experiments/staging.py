"""Staged output directories: a run directory appears whole, or not at all.

``retail-twin run --out DIR`` writes everything into a fresh sibling directory
``.DIR.partial-PID`` and renames it to ``DIR`` only once ``summary.json`` is written. So:

- an interrupted or failed run leaves ``DIR`` exactly as it was (the staging directory is
  removed on the way out; only a SIGKILL can leave one behind, hidden and named ``*.partial-*``);
- an existing non-empty ``DIR`` is refused (:class:`OutDirError`, exit 2), never mixed with new
  files: a second run into the same directory would otherwise leave the first run's
  ``rep_001`` beside a summary of one replication;
- with ``force=True`` an existing run or sweep directory is *replaced*: on Linux both
  directories are swapped in one ``renameat2(RENAME_EXCHANGE)`` call, then the old one is
  deleted; elsewhere the old directory is renamed aside first (a window of microseconds in which
  ``DIR`` does not exist). A directory that holds neither a run nor a sweep is refused even with
  ``force``: ``--out ~ --force`` must not empty a home directory.

Checks happen before any simulation starts, so a bad ``--out`` (a file, an unwritable parent,
the working directory itself) costs nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

#: files whose presence makes a directory ours to replace with ``--force``
OWN_MARKERS = ("summary.json", "scenario.yaml", "plan.json", "replications.parquet")
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


class OutDirError(OSError):
    """An output directory that cannot be written as asked (the CLI exits with 2; an OSError,
    so that callers which report unusable directories, like the dashboard, report it too)."""


def _non_empty(path: Path) -> bool:
    with os.scandir(path) as it:
        return any(True for _ in it)


def check_out_dir(final: Path, force: bool = False) -> None:
    """Refuse, before anything runs, an ``--out`` that would lose or mix data."""
    if final.name in ("", ".", ".."):
        raise OutDirError(f"{final}: --out must name a directory (not . or ..)")
    try:
        if final.is_symlink() or (final.exists() and not final.is_dir()):
            raise OutDirError(f"{final}: --out names a file, not a directory")
        here = Path.cwd().resolve()
        target = final.resolve()
        if target == here or target in here.parents:
            raise OutDirError(f"{final}: --out would replace the working directory or its parent")
        if final.is_dir() and _non_empty(final):
            if not force:
                raise OutDirError(
                    f"{final}: not empty (it holds an earlier run?): choose a new --out, "
                    "or pass --force to replace it"
                )
            if not any((final / m).exists() for m in OWN_MARKERS):
                raise OutDirError(
                    f"{final}: not empty and not a RetailTwin run or sweep directory; "
                    "--force replaces only those"
                )
    except OutDirError:
        raise
    except OSError as exc:
        raise OutDirError(f"{final}: cannot use as --out: {exc.strerror or exc}") from None


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False where that is not available."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        return False
    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return rc == 0


def _publish(stage: Path, final: Path) -> None:
    """Move the finished ``stage`` to ``final``, replacing what is there."""
    if not final.exists():
        os.rename(stage, final)
        return
    if _exchange(stage, final):
        shutil.rmtree(stage, ignore_errors=True)  # ``stage`` now holds the old directory
        return
    old = final.with_name(f".{final.name}.old-{os.getpid()}")  # pragma: no cover - not Linux
    os.rename(final, old)  # pragma: no cover
    os.rename(stage, final)  # pragma: no cover
    shutil.rmtree(old, ignore_errors=True)  # pragma: no cover


def stage_path(final: Path) -> Path:
    return final.with_name(f".{final.name}.partial-{os.getpid()}")


@contextlib.contextmanager
def staged_dir(final: Path, force: bool = False) -> Iterator[Path]:
    """Yield a fresh directory to write into; publish it as ``final`` when the block succeeds.

    On any exception (Ctrl-C included) the staging directory is deleted and ``final`` is left
    untouched; the exception propagates.
    """
    check_out_dir(final, force)
    stage = stage_path(final)
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        if stage.exists():
            shutil.rmtree(stage)
        stage.mkdir()
    except OSError as exc:
        raise OutDirError(f"{final}: cannot write here: {exc.strerror or exc}") from None
    try:
        yield stage
        _publish(stage, final)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
