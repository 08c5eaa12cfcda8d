"""KPIs recomputed from an OCEL 2.0 log alone, with the definitions of ``shared/KPIS.md``.

What an object-centric log can show, and how:

- ``online_orders_total``: distinct ``order`` objects of ``OrderPlaced`` (payment captured) and
  ``PaymentFailed`` events (an order whose customer gave up never gets an ``OrderPlaced``);
- ``payment_failures_total``: ``PaymentFailed`` events;
- ``online_orders_oversold_total`` and ``oversell_rate``: ``OrderBackordered`` events over
  ``OrderPlaced`` events (accepted orders);
- ``approvals_total``, ``pending_approvals_at_end`` and ``approval_cycle_time_{mean,p50,p95}_h``
  (also per ``approval_type``): ``approval.requested`` and ``approval.closed`` events of each
  ``approval_request`` object; the cycle is the difference of their ``t_h`` (exact simulated
  hours; the ISO timestamps carry microseconds);
- ``refunds_paid``: the value of each distinct refund ``payment`` object (an ``IssueRefund``
  delivered twice under one idempotency key is paid once, as the world applies it once).

Not recomputable from the log: ``orders_total`` (it counts walk-in baskets, which the POS upload
summarises per store and day), and ``refunds_paid`` exactly under payment-gateway faults (a
refund command that failed and was never retried is logged but paid nothing).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.interop.ocel import Ocel


def _of_type(o: Ocel, event_types: list[str], object_type: str) -> pd.DataFrame:
    ev = o.events.loc[o.events["ocel_type"].isin(event_types), ["ocel_id", "ocel_type", "t_h"]]
    rel = o.e2o.merge(
        o.objects[["ocel_id", "ocel_type"]].rename(
            columns={"ocel_id": "ocel_object_id", "ocel_type": "object_type"}
        ),
        on="ocel_object_id",
    )
    rel = rel[rel["object_type"] == object_type]
    return ev.merge(rel, left_on="ocel_id", right_on="ocel_event_id")


def _stats(cycles: np.ndarray, prefix: str) -> dict[str, float | None]:
    if len(cycles) == 0:
        return {f"{prefix}_mean_h": None, f"{prefix}_p50_h": None, f"{prefix}_p95_h": None}
    return {
        f"{prefix}_mean_h": float(cycles.mean()),
        f"{prefix}_p50_h": float(np.percentile(cycles, 50)),
        f"{prefix}_p95_h": float(np.percentile(cycles, 95)),
    }


def approval_cycles(o: Ocel) -> pd.DataFrame:
    """One row per decided approval request: ``approval_type``, ``cycle_h``."""
    rel = _of_type(o, ["approval.requested", "approval.closed"], "approval_request")
    t = rel.pivot_table(index="ocel_object_id", columns="ocel_type", values="t_h", aggfunc="min")
    t = t.dropna()
    if "approval_type" in o.objects:
        kinds = o.objects.set_index("ocel_id")["approval_type"]
        atype = kinds.reindex(t.index).to_numpy()
    else:
        atype = np.full(len(t), None)
    return pd.DataFrame(
        {
            "approval_type": atype,
            "cycle_h": (t["approval.closed"] - t["approval.requested"]).to_numpy(),
        },
        index=t.index,
    )


def recompute(o: Ocel) -> dict:
    """The KPIs listed in the module docstring, from ``o`` alone."""
    typ = o.events["ocel_type"]
    orders = _of_type(o, ["OrderPlaced", "PaymentFailed"], "order")
    accepted = int((typ == "OrderPlaced").sum())
    oversold = int((typ == "OrderBackordered").sum())
    requested = int((typ == "approval.requested").sum())
    cycles = approval_cycles(o)
    refunds = _of_type(o, ["IssueRefund"], "payment").drop_duplicates("ocel_object_id")
    value = o.events.set_index("ocel_id")["value"]
    out = {
        "online_orders_total": int(orders["ocel_object_id"].nunique()),
        "payment_failures_total": int((typ == "PaymentFailed").sum()),
        "online_orders_oversold_total": oversold,
        "oversell_rate": None if accepted == 0 else oversold / accepted,
        "approvals_total": requested,
        "pending_approvals_at_end": requested - len(cycles),
        **_stats(cycles["cycle_h"].to_numpy(dtype=float), "approval_cycle_time"),
        "refunds_paid": round(float(value.reindex(refunds["ocel_id"]).astype(float).sum()), 2),
    }
    by_type = {}
    for kind, group in cycles.groupby("approval_type"):
        by_type[kind] = _stats(group["cycle_h"].to_numpy(dtype=float), "cycle_time")
    out["by_approval_type"] = by_type
    return out
