"""Backends: where tasks run — this process, a local process pool, or a Dask cluster.

One execution path for ``run``, ``compare`` and ``sweep``: the caller builds a list of
:class:`experiments.tasks.Task` and iterates :func:`run_tasks`, which yields each
:class:`~experiments.result.TaskResult` as its task completes (completion order; callers sort).
Every backend calls the same function, :func:`experiments.tasks.execute`, on the same shipped
task, so the KPIs are identical bit for bit whatever the backend and the number of workers.

- **in-process** (``workers=1``, or a single task): tasks run one after the other here; the
  only backend that reports progress inside a task (day by day).
- **process pool** (``workers=N``): :class:`concurrent.futures.ProcessPoolExecutor` with the
  ``forkserver`` start method (``spawn`` where there is none): workers are forks of a clean,
  single-threaded server process that imported the simulation once — cheap to start, and safe
  in a driver that runs threads (a progress bar, a Dask client). Children ignore SIGINT; on
  Ctrl-C (or any exception in the caller) the pending tasks are cancelled and the children
  terminated — a child killed mid-task leaves only ``*.partial`` files, never a half-written
  file under a final name.
- **Dask** (``dask="tcp://host:8786"`` for a running scheduler, ``dask="local"`` to start a
  :class:`dask.distributed.LocalCluster` of ``workers`` single-threaded processes): tasks go
  through :meth:`Client.submit` and come back through :func:`dask.distributed.as_completed`.
  Before submitting to a remote cluster the driver checks that every worker runs the same code
  (:func:`code_fingerprint`); a mismatch is a :class:`BackendError`, not a silent difference.
  Before it even builds a client, :func:`probe_scheduler` connects with a bounded timeout and
  reads the scheduler's opening handshake (a Dask scheduler speaks first: an 8-byte frame
  length, then a small message): a silent listener or a server speaking another protocol (HTTP)
  is a :class:`BackendError` within :data:`CONNECT_TIMEOUT_S`, not a hang or a 3 EiB
  allocation.

Pool workers die with their driver: each sets ``PR_SET_PDEATHSIG`` (Linux) and watches the
driver's PID from a daemon thread, so a SIGKILLed ``sweep`` leaves no worker computing and writing
into its directory (the fork server they descend from exits with the driver too).

A task whose worker dies (a killed Dask worker, a broken pool) comes back as a failed result
when the task captures errors, so a sweep records it and goes on.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import ctypes
import hashlib
import importlib
import multiprocessing
import os
import signal
import socket
import struct
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from experiments.lock import pid_alive
from experiments.result import TaskResult
from experiments.tasks import Task, execute, failure
from sim.progress import RunProgress

#: packages whose code determines a result; a remote worker must hold the same bytes
CODE_PACKAGES = ("scenarios", "sim", "orchestration", "experiments")
WORKER_WAIT_S = 60.0
#: how long ``--dask ADDRESS`` may take to connect and hear the scheduler's handshake
CONNECT_TIMEOUT_S = 10.0
#: a Dask handshake is a few hundred bytes; anything over this is not one
MAX_HANDSHAKE_BYTES = 1 << 20
#: how often a pool worker checks that its driver is alive (seconds)
PARENT_WATCH_S = 0.5
_PR_SET_PDEATHSIG = 1


class BackendError(RuntimeError):
    """A backend that cannot start, or workers that cannot run this code."""


def default_workers() -> int:
    """All the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class BackendSpec:
    """Where to run: ``workers`` processes (None: all cores), or a Dask address / ``"local"``."""

    workers: int | None = 1
    dask: str | None = None

    @property
    def n_workers(self) -> int:
        return default_workers() if self.workers is None else max(1, self.workers)

    def describe(self) -> str:
        if self.dask == "local":
            return f"Dask LocalCluster ({self.n_workers} workers)"
        if self.dask:
            return f"Dask cluster {self.dask}"
        if self.n_workers <= 1:
            return "in-process"
        return f"process pool ({self.n_workers} workers)"


#: the default backend of the Python API: tasks run one after the other in this process
IN_PROCESS = BackendSpec(workers=1)


def code_fingerprint() -> str:
    """SHA-256 over the source and data files of the packages that compute a result."""
    h = hashlib.sha256()
    for name in CODE_PACKAGES:
        root = Path(importlib.import_module(name).__file__).parent
        files = sorted(
            p
            for p in root.rglob("*")
            if p.suffix in {".py", ".yaml"} and "__pycache__" not in p.parts
        )
        for p in files:
            h.update(f"{name}/{p.relative_to(root).as_posix()}\0".encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def run_tasks(
    tasks: Sequence[Task],
    backend: BackendSpec = IN_PROCESS,
    on_partial: Callable[[float], None] | None = None,
    on_status: Callable[[RunProgress], None] | None = None,
) -> Iterator[TaskResult]:
    """Yield the result of every task as it completes.

    ``on_partial`` receives the completed fraction of the task now running, ``on_status`` its
    :class:`~sim.progress.RunProgress` (simulated date, online orders), in-process only.
    Closing the iterator early (an exception in the caller, Ctrl-C) cancels what has not run.
    """
    if not tasks:
        return
    if backend.dask:
        yield from _run_dask(tasks, backend)
    elif backend.n_workers <= 1 or len(tasks) == 1:
        yield from _run_in_process(tasks, on_partial, on_status)
    else:
        yield from _run_pool(tasks, min(backend.n_workers, len(tasks)))


# ---------------------------------------------------------------------------------- in-process
def _run_in_process(
    tasks: Sequence[Task],
    on_partial: Callable[[float], None] | None,
    on_status: Callable[[RunProgress], None] | None = None,
) -> Iterator[TaskResult]:
    for task in tasks:
        prog = None
        if on_partial is not None or on_status is not None:

            def prog(p: RunProgress) -> None:
                if on_partial is not None:
                    on_partial(p.fraction)
                if on_status is not None:
                    on_status(p)

        yield execute(task, prog)


# ---------------------------------------------------------------------------------- process pool
def _watch_driver(pid: int) -> None:
    while pid_alive(pid):
        time.sleep(PARENT_WATCH_S)
    os._exit(1)  # the driver is gone: nobody will read what this worker would write


def _worker_init(driver: int) -> None:
    """Pool-child initializer: Ctrl-C is the driver's to handle (it terminates the children);
    the child dies with the driver (parent-death signal, and a watch on the driver's PID)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    threading.Thread(target=_watch_driver, args=(driver,), daemon=True).start()


def _outcome(task: Task, get: Callable[[], Any]) -> TaskResult:
    try:
        return get()
    except Exception as exc:  # the worker died or the result could not come back
        if not task.capture_errors:
            raise
        return failure(task, exc)


def _terminate(pool: cf.ProcessPoolExecutor) -> None:
    terminate = getattr(pool, "terminate_workers", None)  # Python >= 3.14
    if terminate is not None:
        terminate()
        return
    procs = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        if p.is_alive():
            p.terminate()
    for p in procs:
        p.join(timeout=10)


#: imported once by the fork server, so that pool workers start as cheap forks of it
PRELOAD = ["experiments.tasks", "experiments.runner", "scenarios.loader"]


def _mp_context() -> multiprocessing.context.BaseContext:
    """``forkserver`` where it exists (POSIX): a clean single-threaded server process imports
    the simulation once, and every pool worker is a fork of it; ``spawn`` elsewhere."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")  # pragma: no cover - Windows


def _run_pool(tasks: Sequence[Task], workers: int) -> Iterator[TaskResult]:
    pool = cf.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=_mp_context(),
        initializer=_worker_init,
        initargs=(os.getpid(),),
    )
    futures: dict[cf.Future, Task] = {}
    try:
        for t in tasks:
            futures[pool.submit(execute, t)] = t
        for fut in cf.as_completed(futures):
            yield _outcome(futures[fut], fut.result)
    except BaseException:  # Ctrl-C, a caller that stopped iterating, or an uncaptured error
        for fut in futures:
            fut.cancel()
        _terminate(pool)
        raise
    pool.shutdown(wait=True)


# ---------------------------------------------------------------------------------- Dask
def probe_scheduler(address: str, timeout: float = CONNECT_TIMEOUT_S) -> None:
    """Connect to a ``tcp://`` scheduler and read its handshake; raise :class:`BackendError`
    if nothing answers, or something that is not a Dask scheduler does, within ``timeout``."""
    scheme, sep, rest = address.partition("://")
    if not sep:
        scheme, rest = "tcp", address
    if scheme != "tcp":
        return  # tls:// and others: the client's own (bounded) connect applies
    host, _, port_text = rest.rpartition(":")
    host = host.strip("[]")
    try:
        port = int(port_text.split("/")[0])
    except ValueError:
        raise BackendError(f"--dask {address}: expected tcp://HOST:PORT or 'local'") from None
    try:
        with socket.create_connection((host or "127.0.0.1", port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            head = b""
            while len(head) < 8:
                chunk = sock.recv(8 - len(head))
                if not chunk:
                    raise BackendError(
                        f"{address} closed the connection without a Dask handshake "
                        "(not a Dask scheduler?)"
                    )
                head += chunk
    except TimeoutError:
        raise BackendError(
            f"{address} did not answer like a Dask scheduler within {timeout:.0f} s "
            "(a silent listener, or another kind of server)"
        ) from None
    except OSError as exc:
        raise BackendError(
            f"cannot reach the Dask scheduler {address}: {exc.strerror or exc}"
        ) from None
    (size,) = struct.unpack("<Q", head)
    if not 0 < size <= MAX_HANDSHAKE_BYTES:
        raise BackendError(
            f"{address} is not a Dask scheduler: it answered {head!r} (an HTTP or other server?)"
        )


def _check_workers(client: Any, address: str) -> None:
    try:
        client.wait_for_workers(1, timeout=WORKER_WAIT_S)
    except TimeoutError:
        raise BackendError(
            f"no Dask worker joined the scheduler {address} within {WORKER_WAIT_S:.0f} s"
        ) from None
    mine = code_fingerprint()
    try:
        theirs = client.run(code_fingerprint)
    except Exception as exc:
        raise BackendError(
            f"Dask workers of {address} cannot import RetailTwin ({type(exc).__name__}: {exc}); "
            "install this package on every worker (pip install -e . of the same commit)"
        ) from None
    stale = sorted(w for w, fp in theirs.items() if fp != mine)
    if stale:
        raise BackendError(
            f"{len(stale)} of {len(theirs)} Dask worker(s) run different RetailTwin code than "
            f"this driver ({', '.join(stale[:3])}{'...' if len(stale) > 3 else ''}); "
            "install the same commit on every worker"
        )


def _run_dask(tasks: Sequence[Task], backend: BackendSpec) -> Iterator[TaskResult]:
    # lazy: dask.distributed is heavy to import and only the --dask backend needs it
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    address = backend.dask or ""
    try:
        if address == "local":
            cluster = LocalCluster(
                n_workers=backend.n_workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",  # a free port: never clash with a running cluster
            )
            client = Client(cluster)
        else:
            probe_scheduler(address)
            client = Client(address, timeout=f"{CONNECT_TIMEOUT_S:.0f}s")
    except BackendError:
        raise
    except (OSError, ValueError, MemoryError, TypeError) as exc:
        if cluster is not None:
            cluster.close()
        raise BackendError(f"cannot reach the Dask scheduler {address}: {exc}") from None
    token = uuid.uuid4().hex[:8]  # Dask keys only; never part of a result
    futures: dict[str, tuple[Any, Task]] = {}
    try:
        if cluster is None:
            _check_workers(client, address)
        for t in tasks:
            fut = client.submit(execute, t, key=f"retail-twin-{t.key}-{token}", pure=False)
            futures[fut.key] = (fut, t)
        for fut in as_completed([f for f, _ in futures.values()]):
            yield _outcome(futures[fut.key][1], fut.result)
    except BaseException:
        client.cancel([f for f, _ in futures.values()])
        raise
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
