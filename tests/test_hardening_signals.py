"""Issue 16, the cases that need a real process and a real signal (subprocesses).

- case 8: ``run --out`` interrupted by Ctrl-C (SIGINT) exits 130 saying what was kept, leaves
  no ``*.partial`` file and the earlier run in ``--out`` byte for byte;
- case 5: SIGKILL of a ``sweep --workers 2`` takes its pool workers with it (no orphan keeps
  computing and writing into the sweep directory).

Each waits for a state (a directory, a worker), never for a duration it asserts on.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

CLI = [sys.executable, "-c", "from cli.main import app; app()"]
LONG = ["--set", "horizon_days=365"]
WAIT_S = 60.0


def tree_hash(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        h.update(str(p.relative_to(root)).encode())
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


def wait_for(predicate, what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.1)


def start(args: list[str], cwd: Path) -> subprocess.Popen:
    env = {**os.environ, "CI": "1"}
    # Ctrl-C as a terminal delivers it: a suite started as a background job (``nohup ... &``)
    # inherits SIGINT ignored, and Python then installs no KeyboardInterrupt handler in the child
    return subprocess.Popen(
        [*CLI, *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def test_case8_ctrl_c_keeps_the_earlier_run_and_leaves_no_partial_file(tmp_path):
    out = tmp_path / "out"
    first = subprocess.run(
        [*CLI, "run", "tiny", "--set", "horizon_days=2", "--workers", "1", "--out", str(out)],
        cwd=tmp_path,
        capture_output=True,
        check=False,
    )
    assert first.returncode == 0, first.stderr.decode()
    before = tree_hash(out)
    proc = start(["run", "tiny", *LONG, "--workers", "1", "--out", str(out), "--force"], tmp_path)
    try:
        wait_for(lambda: list(tmp_path.glob(".out.partial-*/rep_000")), "the staged run")
        time.sleep(0.5)  # well inside the simulation
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=WAIT_S)
    finally:
        proc.kill()
        proc.communicate()
    text = stderr.decode()
    assert proc.returncode == 130, text
    assert "interrupted" in text
    assert f"{out} is as it was" in text
    assert "Traceback" not in text
    assert tree_hash(out) == before
    assert not [p for p in tmp_path.rglob("*") if ".partial" in p.name]


def test_case5_sigkill_of_a_sweep_takes_its_pool_workers_with_it(tmp_path):
    grid = ["--grid", "demand.promo_uplift=1.5,2.0", "--replications", "1"]
    proc = start(["sweep", "tiny", *grid, *LONG, "--workers", "2", "--out", "sw"], tmp_path)
    family: list[psutil.Process] = []
    alive: list[psutil.Process] = []
    try:
        driver = psutil.Process(proc.pid)

        def workers() -> list[psutil.Process]:
            # the fork server and its forks (the pool workers) are the driver's descendants
            out = []
            for p in driver.children(recursive=True):
                try:
                    if p.ppid() != proc.pid:
                        out.append(p)
                except psutil.NoSuchProcess:
                    pass
            return out

        wait_for(lambda: len(workers()) >= 2, "two pool workers")
        family = driver.children(recursive=True)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=WAIT_S)
        _, alive = psutil.wait_procs(family, timeout=WAIT_S)
    finally:
        proc.kill()
        for p in family:  # orphans of a failing run: stop them (they hold our pipes open)
            if p.is_running():
                p.kill()
        proc.communicate()
    assert alive == [], f"orphans still running: {[p.pid for p in alive]}"
