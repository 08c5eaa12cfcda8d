"""A retailer's history as the samples calibration and fidelity need, from tables or OCEL 2.0.

:class:`History` holds, in simulated or real time alike: daily units per store (walk-in sales),
daily online units, units per SKU, promotion rows, supplier lead times (days from order to
receipt), in-full flags and confirmation delays, approval requests (type, role, created,
started, decided), and online orders (declined, delivered, returned).

From a tables directory (:mod:`.tables`): ``sales`` (stores vs the fc), ``purchase_orders``,
``supplier_lead_times``, ``approvals`` (``started`` is optional: without it the pickup cannot be
told from the handling), ``orders``. From an OCEL 2.0 file (this twin's export or another
producer using the same vocabulary): ``PosSalesPosted`` per store ``location`` object and day,
``OrderPlaced`` units per day, ``CreatePurchaseOrder`` -> ``GoodsReceived`` of each
``purchase_order`` (its supplier by the ``vendor`` relation; in full when the units received
reach the units ordered), ``SupplierConfirmed``, ``approval.requested`` / ``assigned`` (the
role: ``to desk ROLE``) / ``started`` / ``closed`` of each ``approval_request``, and orders'
``PaymentFailed``, ``OrderDelivered`` and ``ReturnInitiated``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.interop.importer import read_retailer
from experiments.interop.ocel import Ocel
from experiments.interop.ocel_io import read_ocel


@dataclass
class History:
    start: dt.date
    days: int
    store_daily: pd.DataFrame  # store, date, units
    online_daily: pd.Series  # date -> units (empty: unknown)
    sku_units: pd.Series  # sku id -> units (empty: unknown)
    promo: pd.DataFrame  # sku, promo, units, rows (empty: unknown)
    lead_times: pd.DataFrame  # supplier, days
    in_full: pd.DataFrame  # supplier, in_full (bool)
    confirmations: pd.DataFrame  # supplier, hours
    approvals: pd.DataFrame  # type, role, created, started, decided (datetimes, NaT)
    orders: (
        pd.DataFrame
    )  # declined, delivered, returned (bool), placed_t; OCEL: delivered_t, returned_t
    source: str
    stockouts_daily: pd.Series | None = None  # date -> location x SKU newly empty (OCEL only)


def _empty(*cols: str) -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in cols})


def from_tables(directory: Path) -> History:
    """Read and check a tables directory (raises ``TableError`` listing every problem)."""
    r = read_retailer(Path(directory))
    loc = r.locations.reset_index(drop=True)
    s = r.sales
    daily = s.daily.copy()
    daily["kind"] = loc["kind"].to_numpy()[daily["location"].to_numpy()]
    daily["store"] = loc["location_id"].to_numpy()[daily["location"].to_numpy()]
    daily["date"] = pd.to_datetime(daily["date"]).dt.date
    stores = daily[daily["kind"] == "store"][["store", "date", "units"]].reset_index(drop=True)
    online = daily[daily["kind"] == "fc"].groupby("date")["units"].sum()
    sku_units = pd.Series(s.units.sum(axis=0), index=r.skus["sku_id"].to_numpy())
    promo = s.promo.copy()
    if len(promo):
        promo["sku"] = r.skus["sku_id"].to_numpy()[promo["sku"].to_numpy(dtype=int)]
    lead = []
    if r.lead_times is not None:
        lead.append(
            pd.DataFrame(
                {"supplier": r.lead_times["supplier_id"], "days": r.lead_times["lead_time_days"]}
            )
        )
    full = _empty("supplier", "in_full")
    conf = _empty("supplier", "hours")
    po = r.purchase_orders
    if po is not None:
        got = po[po["received"].notna()]
        lead.append(
            pd.DataFrame(
                {
                    "supplier": got["supplier_id"],
                    "days": (got["received"] - got["ordered"]).dt.total_seconds() / 86400.0,
                }
            )
        )
        if "units_ordered" in got and "units_received" in got:
            full = pd.DataFrame(
                {
                    "supplier": got["supplier_id"],
                    "in_full": got["units_received"] >= got["units_ordered"],
                }
            )
        c = po[po["confirmed"].notna()]
        conf = pd.DataFrame(
            {
                "supplier": c["supplier_id"],
                "hours": (c["confirmed"] - c["ordered"]).dt.total_seconds() / 3600.0,
            }
        )
    lead_df = pd.concat(lead, ignore_index=True) if lead else _empty("supplier", "days")
    ap = _empty("type", "role", "created", "started", "decided")
    if r.approvals is not None:
        a = r.approvals
        ap = pd.DataFrame(
            {
                "type": a["type"],
                "role": a["approver_role"],
                "created": a["created"],
                "started": a.get("started", pd.NaT),
                "decided": a["decided"],
            }
        )
    orders = _empty("declined", "delivered", "returned")
    if r.orders is not None:
        o = r.orders
        captured = o["payment"] == "captured"
        orders = pd.DataFrame(
            {
                "declined": ~captured,
                "delivered": captured,
                "returned": o["returned"] == 1,
                "placed_t": o["placed"],
            }
        )
    return History(
        s.first,
        s.days,
        stores,
        online,
        sku_units,
        promo,
        lead_df,
        full,
        conf,
        ap,
        orders,
        str(directory),
    )


def _rel(o: Ocel) -> pd.DataFrame:
    """E2O with the event's type, time and qty and the object's type."""
    kinds = o.objects[["ocel_id", "ocel_type"]].rename(
        columns={"ocel_id": "ocel_object_id", "ocel_type": "object_type"}
    )
    ev = o.events[["ocel_id", "ocel_type", "ocel_time", "qty", "detail"]].rename(
        columns={"ocel_id": "ocel_event_id"}
    )
    return o.e2o.merge(ev, on="ocel_event_id").merge(kinds, on="ocel_object_id")


def from_ocel(o: Ocel, source: str = "<ocel>") -> History:
    """The history an OCEL 2.0 log shows (see the module docstring for what is read)."""
    rel = _rel(o)
    ev = o.events
    start = ev["ocel_time"].min().normalize()
    # whole days from the first midnight to the last event (an event at the horizon's last
    # midnight does not open another day)
    span_d = (ev["ocel_time"].max() - start) / pd.Timedelta(days=1)
    days = max(int(np.ceil(span_d)), 1)
    role = (
        o.objects.set_index("ocel_id")["role"] if "role" in o.objects else pd.Series(dtype=object)
    )
    pos = rel[(rel["ocel_type"] == "PosSalesPosted") & (rel["object_type"] == "location")]
    pos = pos[pos["ocel_object_id"].map(role).fillna("store") == "store"]
    stores = pd.DataFrame(
        {
            "store": pos["ocel_object_id"].str.removeprefix("location:").to_numpy(),
            "date": pos["ocel_time"].dt.date.to_numpy(),
            "units": pos["qty"].astype(float).to_numpy(),
        }
    )
    stores = stores.groupby(["store", "date"], as_index=False)["units"].sum()
    placed = ev[ev["ocel_type"] == "OrderPlaced"]
    online = placed.groupby(placed["ocel_time"].dt.date)["qty"].sum().astype(float)
    # SKU popularity from one-line online orders (a line's SKU is drawn by popularity)
    lines = rel[(rel["ocel_type"] == "OrderPlaced") & (rel["object_type"] == "sku")]
    sku_units = lines.groupby("ocel_object_id")["qty"].sum().astype(float)
    # purchase orders
    po = rel[rel["object_type"] == "purchase_order"]
    created = (
        po[po["ocel_type"] == "CreatePurchaseOrder"]
        .groupby("ocel_object_id")
        .agg(t0=("ocel_time", "min"), ordered=("qty", "first"))
    )
    recv = (
        po[po["ocel_type"] == "GoodsReceived"]
        .groupby("ocel_object_id")
        .agg(t1=("ocel_time", "min"), received=("qty", "sum"))
    )
    conf = po[po["ocel_type"] == "SupplierConfirmed"].groupby("ocel_object_id")["ocel_time"].min()
    vend = rel[(rel["ocel_type"] == "CreatePurchaseOrder") & (rel["object_type"] == "supplier")]
    po_ev = rel[
        (rel["ocel_type"] == "CreatePurchaseOrder") & (rel["object_type"] == "purchase_order")
    ]
    supplier_of = pd.Series(
        vend.set_index("ocel_event_id")["ocel_object_id"].str.removeprefix("supplier:")
    )
    po_sup = po_ev.set_index("ocel_object_id")["ocel_event_id"].map(supplier_of)
    po_sup = po_sup[~po_sup.index.duplicated()].dropna()
    j = created.join(recv, how="inner").join(po_sup.rename("supplier"), how="inner")
    lead = pd.DataFrame(
        {"supplier": j["supplier"], "days": (j["t1"] - j["t0"]).dt.total_seconds() / 86400.0}
    )
    full = pd.DataFrame({"supplier": j["supplier"], "in_full": j["received"] >= j["ordered"]})
    c = created.join(conf.rename("tc"), how="inner").join(po_sup.rename("supplier"), how="inner")
    confirmations = pd.DataFrame(
        {"supplier": c["supplier"], "hours": (c["tc"] - c["t0"]).dt.total_seconds() / 3600.0}
    )
    # approvals: the first step's assignment (role), start, and the request's close
    ap = rel[rel["object_type"] == "approval_request"]
    first = ap.groupby(["ocel_object_id", "ocel_type"])["ocel_time"].min().unstack()
    assigned = ap[ap["ocel_type"] == "approval.assigned"].sort_values("ocel_time")
    roles = assigned.groupby("ocel_object_id")["detail"].first().str.extract(r"to desk (\S+),")[0]
    atype = (
        o.objects.set_index("ocel_id")["approval_type"]
        if "approval_type" in o.objects
        else pd.Series(dtype=object)
    )
    approvals = pd.DataFrame(
        {
            "type": first.index.map(atype),
            "role": first.index.map(roles),
            "created": first.get("approval.requested"),
            "started": first.get("approval.started", pd.Series(pd.NaT, index=first.index)),
            "decided": first.get("approval.closed", pd.Series(pd.NaT, index=first.index)),
        }
    ).reset_index(drop=True)
    # orders
    orders_rel = rel[rel["object_type"] == "order"]
    by_order = orders_rel.groupby("ocel_object_id")["ocel_type"].agg(set)
    orders = pd.DataFrame(
        {
            "declined": by_order.map(lambda k: "PaymentFailed" in k).to_numpy(dtype=bool),
            "delivered": by_order.map(lambda k: "OrderDelivered" in k).to_numpy(dtype=bool),
            "returned": by_order.map(lambda k: "ReturnInitiated" in k).to_numpy(dtype=bool),
        }
    )
    by_order_placed = by_order.map(lambda k: bool(k & {"OrderPlaced", "PaymentFailed"}))
    times = orders_rel.pivot_table(
        index="ocel_object_id", columns="ocel_type", values="ocel_time", aggfunc="min"
    ).reindex(by_order.index)
    placed_t = times.reindex(columns=["OrderPlaced", "PaymentFailed"]).min(axis=1)
    orders["placed_t"] = placed_t.to_numpy()
    for col, kind in (("delivered_t", "OrderDelivered"), ("returned_t", "ReturnInitiated")):
        orders[col] = (
            times[kind].to_numpy()
            if kind in times
            else np.full(len(orders), np.datetime64("NaT", "ns"))
        )
    orders = orders[by_order_placed.to_numpy(dtype=bool)].reset_index(drop=True)
    depleted = ev[ev["ocel_type"] == "StockDepleted"]
    stockouts = depleted.groupby(depleted["ocel_time"].dt.date)["qty"].sum().astype(float)
    return History(
        start.date(),
        days,
        stores,
        online,
        sku_units,
        _empty("sku", "promo", "units", "rows"),
        lead.reset_index(drop=True),
        full.reset_index(drop=True),
        confirmations.reset_index(drop=True),
        approvals,
        orders,
        source,
        stockouts.reindex(
            [(start + pd.Timedelta(days=d)).date() for d in range(days)], fill_value=0.0
        ),
    )


def load_history(path: Path) -> History:
    """A tables directory or an OCEL 2.0 file (JSON or SQLite)."""
    path = Path(path)
    if path.is_dir():
        return from_tables(path)
    return from_ocel(read_ocel(path), str(path))


def working_hours_between(
    a: pd.Series, b: pd.Series, weekdays: list[int], open_h: float, close_h: float
) -> np.ndarray:
    """Working hours of a calendar between each pair of datetimes ``a`` <= ``b`` (vectorised)."""
    ta = a.to_numpy(dtype="datetime64[ns]")
    tb = b.to_numpy(dtype="datetime64[ns]")
    origin = np.datetime64(pd.Timestamp(min(ta.min(), tb.min())).normalize().to_datetime64())
    ha = (ta - origin) / np.timedelta64(1, "h")
    hb = (tb - origin) / np.timedelta64(1, "h")
    n_days = int(np.ceil(max(ha.max(), hb.max()) / 24.0)) + 2
    wd0 = pd.Timestamp(origin).weekday()
    works = np.isin((wd0 + np.arange(n_days)) % 7, weekdays)
    per_day = np.where(works, close_h - open_h, 0.0)
    cum = np.concatenate([[0.0], np.cumsum(per_day)])

    def worked(h: np.ndarray) -> np.ndarray:
        day = np.floor(h / 24.0).astype(int)
        tod = h - day * 24.0
        part = np.clip(tod - open_h, 0.0, close_h - open_h) * works[day]
        return cum[day] + part

    return worked(hb) - worked(ha)


def returns_observable(orders: pd.DataFrame) -> pd.DataFrame:
    """The delivered orders whose return, if any, would already show: when delivery and return
    times are known, those delivered at least the longest observed delivery-to-return delay
    before the last delivery (a later one's return may not have started: right censoring)."""
    delivered = orders[orders["delivered"]]
    if "delivered_t" in orders and delivered["returned_t"].notna().any():
        delay = (delivered["returned_t"] - delivered["delivered_t"]).max()
        delivered = delivered[delivered["delivered_t"] <= orders["delivered_t"].max() - delay]
    return delivered
