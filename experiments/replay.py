"""Deterministic replay: the trajectory of one order or one approval request, from the event log.

A run written with ``--out`` keeps ``rep_NNN/events.parquet``: world events (``key`` = the
business object's correlation: ``order:17``, ``return:8``, ``discount:3``, a PO key such as
``PO-12`` or Odoo's ``P00012``, ``count:<loc>:<day>``), commands (``key`` = the idempotency
key), traces of the orchestration layer's decisions and faults. This module selects the rows of
one business object and everything that derives from it, and orders them in time.

**Linking.** Which keys belong to a root is stated in the log itself, by ``trace`` rows of kind
``link`` (``key`` = parent, ``detail`` = child) written by the orchestration layer
(:meth:`orchestration.backoffice.Backoffice.link`):

- an order ``order:N`` -> its returns ``return:R`` (when the return is initiated);
- a business object -> the commands about it (``CancelOrder`` / ``NotifyCustomer`` by order,
  ``IssueRefund`` by return, ``DecideDiscount`` by till request, ``ExpediteShipment`` by PO), and a
  PO name -> the key it was sent to the supplier under, when that differs;
- a business object -> the approval requests opened for it (``purchase-4``, ``refund-9``...: the
  request id of the audit trail), and a request -> the commands its decision submitted.

``--order ID`` (:func:`order_keys`) follows the links down from the root transitively: an
order's trajectory holds its placement, payment, allocation, shipment, delivery or cancellation,
its returns, the refund requests of those returns with every approval step, and the refunds.
Any key can be a root (``P00012``, ``return:8``, ``count:2:5``); a bare number means
``order:<number>``.

``--request ID`` (:func:`request_keys`) holds the request's own traces (requested with tier and
rule, assigned, reminded, escalated, delegated, SoD waits, each decision with its approver,
closed), the commands it caused, its business object's own rows (e.g. the ``DiscountRequested``
event and the ``DecideDiscount`` command, or a PO's confirmation, receipt and invoice) — but not
other requests of the same object.

Reading is columnar and filtered (``pyarrow.parquet.read_table(filters=...)``): the link rows
first (two columns), then only the rows whose ``key`` is in the selected set, so a large log is
never loaded whole. Link rows are bookkeeping and are not part of the trajectory.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from experiments.estimate import estimate, refusal
from experiments.runner import run_replication
from scenarios.loader import ScenarioError, bounded_text, read_document, scenario_from_resolved

COLUMNS = ("seq", "t_h", "record", "kind", "id", "key", "location", "sku", "qty", "value", "detail")
LINK = "link"
REQUESTED = "approval.requested"


class ReplayError(Exception):
    """A run directory, replication or id that cannot be replayed (the CLI exits with 2)."""


@dataclass(frozen=True, slots=True)
class Step:
    """One row of a trajectory."""

    seq: int
    t_h: float
    time: str  # the simulated date and time (scenario start_date + t_h)
    record: str
    kind: str
    id: int
    key: str
    location: int
    sku: int
    qty: int
    value: float
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Trajectory:
    root: str
    replication: int
    keys: tuple[str, ...]
    steps: tuple[Step, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "root": self.root,
            "replication": self.replication,
            "keys": list(self.keys),
            "rows": [s.as_dict() for s in self.steps],
        }


@dataclass(frozen=True, slots=True)
class Verification:
    reproduced: bool
    rows: int  # rows compared (identical ones when reproduced)
    index: int | None = None  # position of the first difference
    original: Step | None = None
    rerun: Step | None = None

    def describe(self) -> str:
        if self.reproduced:
            return f"reproduced: {self.rows} rows identical"
        where = f"first difference at row {self.index}"
        a = _short(self.original) if self.original else "(no row: the log ends here)"
        b = _short(self.rerun) if self.rerun else "(no row: the re-run ends here)"
        return f"NOT reproduced: {where}\n  log:    {a}\n  re-run: {b}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "reproduced": self.reproduced,
            "rows": self.rows,
            "first_difference": None
            if self.reproduced
            else {
                "index": self.index,
                "log": self.original.as_dict() if self.original else None,
                "rerun": self.rerun.as_dict() if self.rerun else None,
            },
        }


def _short(s: Step) -> str:
    return (
        f"seq {s.seq} t={s.t_h:.4f} {s.record} {s.kind} key={s.key} qty={s.qty} "
        f"value={s.value:g} {s.detail}".rstrip()
    )


# --------------------------------------------------------------------------- files
def events_path(run_dir: Path, replication: int = 0) -> Path:
    """The event log of one replication of a run, or a :class:`ReplayError` saying why not."""
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise ReplayError(
            f"{run_dir}: no such run directory (write one with `retail-twin run "
            "SCENARIO --out DIR`)"
        )
    reps = sorted(p.name for p in run_dir.glob("rep_[0-9][0-9][0-9]") if p.is_dir())
    rep = run_dir / f"rep_{replication:03d}"
    if not rep.is_dir():
        have = ", ".join(reps) if reps else "none"
        raise ReplayError(f"{rep}: no such replication (the run has: {have})")
    path = rep / "events.parquet"
    if not path.is_file():
        raise ReplayError(
            f"{path}: the run was written without an event log (sweeps with --no-outputs keep "
            "KPIs only); rerun with `retail-twin run DIR/scenario.yaml --out NEW_DIR`"
        )
    return path


def start_date(run_dir: Path) -> dt.date:
    """The scenario's start date, from the run's resolved ``scenario.yaml``."""
    path = Path(run_dir) / "scenario.yaml"
    if not path.is_file():
        raise ReplayError(f"{path}: missing (a run directory holds its resolved scenario)")
    try:
        doc = read_document(path)
    except ScenarioError as exc:  # unreadable, not YAML, over the limits: not start_date's fault
        raise ReplayError(str(exc)) from None
    value = doc.get("start_date")
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ReplayError(
            f"{path}: start_date: expected an ISO date; found {bounded_text(value)}"
        ) from None


def sim_time(start: dt.date, t_h: float) -> str:
    """``t_h`` simulated hours after midnight of ``start``, as ``YYYY-MM-DD HH:MM:SS``."""
    at = dt.datetime.combine(start, dt.time()) + dt.timedelta(hours=t_h)
    return at.strftime("%Y-%m-%d %H:%M:%S")


def _read(path: Path, columns: Iterable[str], filters) -> dict[str, list]:
    try:
        table = pq.read_table(path, columns=list(columns), filters=filters)
    except (OSError, ValueError) as exc:  # pyarrow raises ArrowInvalid (a ValueError) / OSError
        raise ReplayError(f"{path}: not a readable event log ({exc})") from None
    return table.to_pydict()


# --------------------------------------------------------------------------- linking
def _links(path: Path) -> dict[str, list[str]]:
    cols = _read(path, ("key", "detail"), [("record", "=", "trace"), ("kind", "=", LINK)])
    children: dict[str, list[str]] = defaultdict(list)
    for parent, child in zip(cols["key"], cols["detail"], strict=True):
        if child not in children[parent]:
            children[parent].append(child)
    return children


def _descendants(children: dict[str, list[str]], root: str, skip: set[str]) -> list[str]:
    seen, todo, order = {root}, deque([root]), [root]
    while todo:
        for child in children.get(todo.popleft(), ()):
            if child not in seen and child not in skip:
                seen.add(child)
                order.append(child)
                todo.append(child)
    return order


def normalise_order(ident: str) -> str:
    """``17`` -> ``order:17``; any other key is taken as given."""
    ident = ident.strip()
    return f"order:{ident}" if ident.isdigit() else ident


def _exists(path: Path, key: str) -> bool:
    cols = _read(path, ("record", "kind"), [("key", "=", key)])
    return any(k != LINK for k in cols["kind"])


def _examples(path: Path, record: str, kind: str, n: int = 5) -> list[str]:
    cols = _read(path, ("key",), [("record", "=", record), ("kind", "=", kind)])
    return list(dict.fromkeys(cols["key"]))[:n]


def order_keys(path: Path, ident: str) -> tuple[str, list[str]]:
    """(root, keys): the business object ``ident`` and every key linked below it."""
    root = normalise_order(ident)
    if not _exists(path, root):
        some = _examples(path, "event", "OrderPlaced")
        hint = ", ".join(s.removeprefix("order:") for s in some) or "none in this log"
        raise ReplayError(
            f"{path}: no order or key {root!r} in this replication; orders in the log: {hint} "
            "(any key of the log works too: order:N, return:N, discount:N, a PO name; "
            "see docs/replay.md)"
        )
    return root, _descendants(_links(path), root, set())


def request_keys(path: Path, ident: str) -> tuple[str, list[str]]:
    """(root, keys): a request, what its decision caused, and its business object's own rows."""
    root = ident.strip()
    requests = set(
        _read(path, ("key",), [("record", "=", "trace"), ("kind", "=", REQUESTED)])["key"]
    )
    if root not in requests:
        some = _examples(path, "trace", REQUESTED)
        hint = ", ".join(some) or "none traced in this log"
        raise ReplayError(
            f"{path}: no approval request {root!r} in this replication; requests in the log: "
            f"{hint} (the ids of the audit trail, rep_NNN/audit.jsonl)"
        )
    children = _links(path)
    parents = [p for p, kids in children.items() if root in kids]
    others = requests - {root}
    keys = _descendants(children, root, others)
    for subject in parents:  # the business object: its own rows and its commands
        for key in _descendants(children, subject, others | set(keys)):
            if key not in keys:
                keys.append(key)
    return root, keys


# --------------------------------------------------------------------------- trajectories
def read_trajectory(
    path: Path, keys: Iterable[str], start: dt.date, *, root: str = "", replication: int = 0
) -> Trajectory:
    keys = tuple(dict.fromkeys(keys))
    cols = _read(path, COLUMNS, [("key", "in", list(keys))])
    steps = [
        Step(
            seq=int(seq),
            t_h=float(t),
            time=sim_time(start, float(t)),
            record=rec,
            kind=kind,
            id=int(ident),
            key=key,
            location=int(loc),
            sku=int(sku),
            qty=int(qty),
            value=float(value),
            detail=detail or "",
        )
        for seq, t, rec, kind, ident, key, loc, sku, qty, value, detail in zip(
            *(cols[c] for c in COLUMNS), strict=True
        )
        if not (rec == "trace" and kind == LINK)
    ]
    steps.sort(key=lambda s: (s.t_h, s.seq))
    return Trajectory(root, replication, keys, tuple(steps))


def trajectory(
    run_dir: Path, *, order: str | None = None, request: str | None = None, replication: int = 0
) -> Trajectory:
    """The trajectory of one order (any business key) or one approval request of a run."""
    if (order is None) == (request is None):
        raise ReplayError("give exactly one of --order ID or --request ID")
    path = events_path(Path(run_dir), replication)
    start = start_date(Path(run_dir))
    if order is not None:
        root, keys = order_keys(path, order)
    else:
        root, keys = request_keys(path, request)  # type: ignore[arg-type]
    return read_trajectory(path, keys, start, root=root, replication=replication)


def compare(original: Trajectory, rerun: Trajectory) -> Verification:
    """Row-by-row comparison of two trajectories (every column)."""
    a, b = original.steps, rerun.steps
    for i in range(max(len(a), len(b))):
        x = a[i] if i < len(a) else None
        y = b[i] if i < len(b) else None
        if x != y:
            return Verification(False, i, i, x, y)
    return Verification(True, len(a))


def rerun_log(run_dir: Path, replication: int, into: Path) -> Path:
    """Re-run replication ``replication`` of the run's resolved scenario into ``into``."""
    source = Path(run_dir) / "scenario.yaml"
    try:  # the resolved document (dates as ISO strings), exactly as the run wrote it
        scenario = scenario_from_resolved(read_document(source))
    except ScenarioError as exc:
        raise ReplayError(f"{source}: cannot be re-run:\n{exc}") from None
    too_big = refusal([estimate(scenario)], 1)
    if too_big:  # an edited scenario.yaml must not take the machine down
        raise ReplayError(f"{source}: cannot be re-run here: {too_big.split('. Make')[0]}")
    out = into / f"rep_{replication:03d}"
    run_replication(scenario, replication, out)
    return out / "events.parquet"


def verify(
    run_dir: Path, *, order: str | None = None, request: str | None = None, replication: int = 0
) -> tuple[Trajectory, Verification]:
    """Re-run the run's scenario with its seed and replication in a temporary directory and
    compare the trajectory there with the one in the log, row for row."""
    original = trajectory(run_dir, order=order, request=request, replication=replication)
    start = start_date(Path(run_dir))
    with tempfile.TemporaryDirectory(prefix="retail-twin-replay-") as tmp:
        path = rerun_log(Path(run_dir), replication, Path(tmp))
        try:
            if order is not None:
                _, keys = order_keys(path, order)
            else:
                _, keys = request_keys(path, request)  # type: ignore[arg-type]
        except ReplayError:
            keys = []  # the re-run does not know the id at all: every row differs
        rerun = read_trajectory(path, keys, start, root=original.root, replication=replication)
    return original, compare(original, rerun)
