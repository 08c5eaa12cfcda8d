"""A run as an object-centric event log (OCEL 2.0): events, objects and qualified relations.

The source is a run directory written with ``--out``: ``scenario.yaml`` (the resolved scenario,
rebuilt here into its network so SKUs, locations and suppliers carry their attributes) and
``rep_NNN/events.parquet`` (:mod:`sim.eventlog`). Every row of the log except the ``link``
traces becomes one OCEL event: its type is the row's ``kind`` (``OrderPlaced``,
``CreatePurchaseOrder``, ``approval.requested``...), its time the scenario's ``start_date`` at
00:00 plus ``t_h`` simulated hours, and its attributes ``t_h`` (the exact simulated hour),
``record`` (event, command, trace, fault), ``qty``, ``value`` and ``detail``.

**Objects** (type: where they come from):

- ``order`` (``order:N``) and its ``payment`` (``payment:order:N``: captured on ``OrderPlaced``,
  declined on ``PaymentFailed``) and ``shipment`` (``shipment:order:N``);
- ``return`` (``return:N``), ``ticket`` (``ticket:N``), ``discount_request`` (``discount:N``);
- ``purchase_order`` (the key of ``CreatePurchaseOrder``), with its ``supplier`` (a one-line PO's
  SKU's supplier, else the ``supplier N`` a requisition trace names);
- ``shipment`` (the key of ``TransferStock``: a transfer between locations);
- ``payment`` (the keys of ``IssueRefund`` and ``PayInvoice``: money paid out);
- ``approval_request`` (the request id of ``approval.*`` traces), attribute ``approval_type``;
- ``sku`` (``sku:N``: price, cost, supplier), ``location`` (``location:NAME``: role store,
  warehouse or fc), ``supplier`` (``supplier:NAME``): the whole network, referenced or not.

**Event-to-object relations** are qualified: an event relates to its own business object (the
row's key, qualifier from :data:`QUALIFIERS`, else the object type), to the objects its key
was linked from by the orchestration layer (``link`` traces, qualifier ``of <type>``: a return's
order, an approval's purchase order, a refund's return and approval request), to its location
(``at``; a transfer ships ``from`` and is created ``to``) and SKU (``line``, when one SKU). The
``link`` traces between two typed objects become object-to-object relations, beside
``supplied by`` (SKU -> supplier), ``vendor`` (PO -> supplier), ``paid by`` / ``shipped as``
(order -> payment / shipment) and ``replenished from`` (store -> its DC).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from scenarios.loader import ScenarioError, load_scenario
from sim.network import Network, build_network
from sim.rng import Streams

#: OCEL 2.0 attribute types of every event (the same set for each event type)
EVENT_ATTRIBUTES = {
    "t_h": "float",
    "record": "string",
    "qty": "integer",
    "value": "float",
    "detail": "string",
}
#: OCEL 2.0 attribute types per object type (types not listed carry none)
OBJECT_ATTRIBUTES = {
    "sku": {"price": "float", "cost": "float", "supplier": "string"},
    "location": {"name": "string", "role": "string"},
    "supplier": {"name": "string"},
    "approval_request": {"approval_type": "string"},
}
#: a command's own key is an object of this type
COMMAND_OBJECTS = {
    "CreatePurchaseOrder": "purchase_order",
    "TransferStock": "shipment",
    "IssueRefund": "payment",
    "PayInvoice": "payment",
}
#: an event's correlation prefix names its object type
CORRELATION_PREFIXES = {
    "order:": "order",
    "return:": "return",
    "ticket:": "ticket",
    "discount:": "discount_request",
}
#: qualifier of (event type, own object type); default: the object type
QUALIFIERS = {
    ("OrderPlaced", "order"): "placed",
    ("PaymentFailed", "order"): "payment failed",
    ("OrderBackordered", "order"): "oversold",
    ("OrderShipped", "order"): "shipped",
    ("OrderDelivered", "order"): "delivered",
    ("OrderCancelled", "order"): "cancelled",
    ("CreatePurchaseOrder", "purchase_order"): "created",
    ("GoodsReceived", "purchase_order"): "received",
    ("GoodsReceived", "shipment"): "received",
    ("SupplierConfirmed", "purchase_order"): "confirmed",
    ("InvoiceReceived", "purchase_order"): "invoiced",
    ("IssueRefund", "payment"): "refund",
    ("PayInvoice", "payment"): "supplier payment",
    ("ReturnInitiated", "return"): "initiated",
    ("ReturnReceived", "return"): "received",
}
APPROVAL_TRACE = "approval."
LINK = "link"


class OcelError(Exception):
    """A run directory that cannot be exported (the CLI exits with 2)."""


@dataclass(frozen=True)
class Ocel:
    """OCEL 2.0 tables. ``events``: ocel_id, ocel_type, ocel_time and :data:`EVENT_ATTRIBUTES`;
    ``objects``: ocel_id, ocel_type and the attribute columns of :data:`OBJECT_ATTRIBUTES`;
    ``e2o``: ocel_event_id, ocel_object_id, ocel_qualifier; ``o2o``: ocel_source_id,
    ocel_target_id, ocel_qualifier."""

    events: pd.DataFrame
    objects: pd.DataFrame
    e2o: pd.DataFrame
    o2o: pd.DataFrame

    def object_types(self) -> list[str]:
        return sorted(self.objects["ocel_type"].unique().tolist())

    def event_types(self) -> list[str]:
        return sorted(self.events["ocel_type"].unique().tolist())


def _rel(eid, oid, qualifier) -> pd.DataFrame:
    return pd.DataFrame({"ocel_event_id": eid, "ocel_object_id": oid, "ocel_qualifier": qualifier})


def _o2o(src, dst, qualifier) -> pd.DataFrame:
    return pd.DataFrame({"ocel_source_id": src, "ocel_target_id": dst, "ocel_qualifier": qualifier})


def _location_names(net: Network) -> np.ndarray:
    return np.array(["location:" + net.location_name(i) for i in range(net.n_locations)])


def _network_objects(net: Network) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The catalogue, locations and suppliers as objects, and their static relations."""
    sup = np.array(net.supplier_names, dtype=object)
    skus = pd.DataFrame(
        {
            "ocel_id": [f"sku:{i}" for i in range(net.n_skus)],
            "ocel_type": "sku",
            "price": net.price,
            "cost": net.cost,
            "supplier": sup[net.sku_supplier],
        }
    )
    names = [net.location_name(i) for i in range(net.n_locations)]
    roles = ["store"] * net.n_stores + [
        "fc" if net.n_stores + i == net.fc else "warehouse" for i in range(len(net.warehouse_names))
    ]
    locs = pd.DataFrame(
        {"ocel_id": [f"location:{n}" for n in names], "ocel_type": "location", "name": names}
    )
    locs["role"] = roles
    sups = pd.DataFrame(
        {"ocel_id": [f"supplier:{n}" for n in sup], "ocel_type": "supplier", "name": sup}
    )
    loc_ids = _location_names(net)
    o2o = pd.concat(
        [
            _o2o(skus["ocel_id"], "supplier:" + skus["supplier"], "supplied by"),
            _o2o(loc_ids[: net.n_stores], loc_ids[net.store_dc], "replenished from"),
        ]
    )
    return pd.concat([skus, locs, sups], ignore_index=True), o2o


def _key_types(rows: pd.DataFrame) -> dict[str, str]:
    """Which keys of the log are business objects, and of which type."""
    types: dict[str, str] = {}
    cmd = rows["record"] == "command"
    for kind, typ in COMMAND_OBJECTS.items():
        for k in rows.loc[cmd & (rows["kind"] == kind), "key"].unique().tolist():
            types[k] = typ
    approvals = (rows["record"] == "trace") & rows["kind"].str.startswith(APPROVAL_TRACE)
    for k in rows.loc[approvals, "key"].unique().tolist():
        types[k] = "approval_request"
    ev = rows.loc[rows["record"] == "event", "key"].unique().tolist()
    for k in ev:
        for prefix, typ in CORRELATION_PREFIXES.items():
            if k.startswith(prefix):
                types[k] = typ
                break
    return types


def _po_suppliers(rows: pd.DataFrame, net: Network) -> pd.Series:
    """PO key -> supplier name: a one-line PO's SKU, else the requisition trace's ``supplier N``."""
    names = np.array(net.supplier_names, dtype=object)
    po = rows[(rows["record"] == "command") & (rows["kind"] == "CreatePurchaseOrder")]
    one = po[po["sku"] >= 0]
    out = pd.Series(names[net.sku_supplier[one["sku"].to_numpy()]], index=one["key"].to_numpy())
    req = rows[(rows["record"] == "trace") & rows["detail"].str.contains(r"supplier \d+", na=False)]
    if len(req):
        idx = req["detail"].str.extract(r"supplier (\d+)")[0].astype(int).to_numpy()
        ok = idx < len(names)
        named = pd.Series(names[idx[ok]], index=req["key"].to_numpy()[ok])
        out = pd.concat([out, named[~named.index.isin(out.index)]])
    out = out[~out.index.duplicated()]
    return out[out.index.isin(po["key"])]


def build_ocel(run_dir: Path | str, replication: int = 0) -> Ocel:
    """The OCEL 2.0 tables of one replication of a run directory."""
    run_dir = Path(run_dir)
    scen = run_dir / "scenario.yaml"
    path = run_dir / f"rep_{replication:03d}" / "events.parquet"
    if not scen.is_file():
        raise OcelError(f"{run_dir}: not a run directory (no scenario.yaml)")
    if not path.is_file():
        raise OcelError(f"{path}: no event log (was the run written with --out?)")
    try:
        s = load_scenario(scen)
    except ScenarioError as exc:
        raise OcelError(str(exc)) from None
    net = build_network(s, Streams(s.seed, 0))
    log = pq.read_table(path).to_pandas()
    is_link = (log["record"] == "trace") & (log["kind"] == LINK)
    links = log.loc[is_link, ["key", "detail"]].rename(columns={"key": "parent", "detail": "child"})
    rows = log[~is_link].reset_index(drop=True)
    start = pd.Timestamp(dt.datetime.combine(s.start_date, dt.time()))
    eid = "e" + rows["seq"].astype(str)
    events = pd.DataFrame(
        {
            "ocel_id": eid,
            "ocel_type": rows["kind"],
            "ocel_time": (start + pd.to_timedelta(rows["t_h"] * 3600e6, unit="us")).dt.floor("us"),
            "t_h": rows["t_h"],
            "record": rows["record"],
            "qty": rows["qty"],
            "value": rows["value"],
            "detail": rows["detail"],
        }
    )
    types = _key_types(rows)
    own_type = rows["key"].map(types)
    rel = []
    # 1. the row's own business object
    own = own_type.notna() & (rows["record"] != "fault")
    qual = [
        QUALIFIERS.get((k, t), t) for k, t in zip(rows.loc[own, "kind"], own_type[own], strict=True)
    ]
    rel.append(_rel(eid[own], rows.loc[own, "key"], qual))
    # 2. the objects its key was linked from
    typed_links = links[links["parent"].map(types).notna()]
    ctx = pd.DataFrame({"ocel_event_id": eid, "child": rows["key"]}).merge(
        typed_links, on="child", how="inner"
    )
    rel.append(_rel(ctx["ocel_event_id"], ctx["parent"], "of " + ctx["parent"].map(types)))
    # 3. location and SKU
    loc_ids = _location_names(net)
    has_loc = (rows["location"] >= 0) & (rows["location"] < net.n_locations)
    loc_q = rows.loc[has_loc, "kind"].map({"TransferShipped": "from", "TransferStock": "to"})
    rel.append(
        _rel(eid[has_loc], loc_ids[rows.loc[has_loc, "location"].to_numpy()], loc_q.fillna("at"))
    )
    has_sku = (rows["sku"] >= 0) & (rows["sku"] < net.n_skus)
    rel.append(_rel(eid[has_sku], "sku:" + rows.loc[has_sku, "sku"].astype(str), "line"))
    # 4. an order's payment and shipment
    is_order = own_type == "order"
    pay = is_order & rows["kind"].isin(["OrderPlaced", "PaymentFailed"])
    pay_q = rows.loc[pay, "kind"].map({"OrderPlaced": "captured", "PaymentFailed": "declined"})
    rel.append(_rel(eid[pay], "payment:" + rows.loc[pay, "key"], pay_q))
    ship = is_order & rows["kind"].isin(["OrderShipped", "OrderDelivered", "ShipmentDelayed"])
    rel.append(_rel(eid[ship], "shipment:" + rows.loc[ship, "key"], "shipment"))
    # 5. a purchase order's supplier
    po_sup = _po_suppliers(rows, net)
    created = (rows["kind"] == "CreatePurchaseOrder") & rows["key"].isin(po_sup.index)
    rel.append(_rel(eid[created], "supplier:" + rows.loc[created, "key"].map(po_sup), "vendor"))
    e2o = pd.concat(rel, ignore_index=True).drop_duplicates(["ocel_event_id", "ocel_object_id"])

    # objects: the network, then every business object referenced
    static, static_o2o = _network_objects(net)
    ref = pd.Series(e2o["ocel_object_id"].unique())
    dynamic = ref[~ref.isin(static["ocel_id"])]
    dyn_type = dynamic.map(types)
    dyn_type[dynamic.str.startswith("payment:")] = "payment"
    dyn_type[dynamic.str.startswith("shipment:")] = "shipment"
    objs = pd.DataFrame({"ocel_id": dynamic.to_numpy(), "ocel_type": dyn_type.to_numpy()})
    requested = rows[rows["kind"] == APPROVAL_TRACE + "requested"]
    approval_type = pd.Series(
        requested["detail"].str.split(" ", n=1).str[0].to_numpy(), index=requested["key"]
    )
    approval_type = approval_type[~approval_type.index.duplicated()]
    objs["approval_type"] = objs["ocel_id"].map(approval_type)
    objects = pd.concat([static, objs], ignore_index=True)

    orders = objs.loc[objs["ocel_type"] == "order", "ocel_id"]
    known = set(objects["ocel_id"])
    lk = typed_links[typed_links["child"].map(types).notna()]
    o2o = pd.concat(
        [
            static_o2o,
            _o2o(lk["parent"], lk["child"], lk["child"].map(types)),
            _o2o(po_sup.index, "supplier:" + po_sup, "vendor"),
            _o2o(orders, "payment:" + orders, "paid by"),
            _o2o(orders, "shipment:" + orders, "shipped as"),
        ],
        ignore_index=True,
    )
    o2o = o2o[o2o["ocel_source_id"].isin(known) & o2o["ocel_target_id"].isin(known)]
    o2o = o2o.drop_duplicates(["ocel_source_id", "ocel_target_id"]).reset_index(drop=True)
    return Ocel(events, objects, e2o.reset_index(drop=True), o2o)


def type_table_names(names: list[str]) -> dict[str, str]:
    """OCEL 2.0 SQLite table suffixes for type names: letters, digits and ``_``, unique."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        base = re.sub(r"[^0-9A-Za-z_]", "_", name) or "Type"
        cand, n = base, 2
        while cand.casefold() in used:
            cand, n = f"{base}_{n}", n + 1
        used.add(cand.casefold())
        out[name] = cand
    return out
