"""OCEL 2.0 files: the JSON and SQLite layouts of the standard, written and read back.

JSON (``ocel2-json``): ``objectTypes`` and ``eventTypes`` (name and typed attribute list),
``objects`` (id, type, attributes with a ``time`` — ``1970-01-01T00:00:00Z`` for a value that
never changes — and ``relationships``: object-to-object, qualified), ``events`` (id, type, ISO
``time`` in UTC, attributes, ``relationships``: event-to-object, qualified).

SQLite (``ocel2-sqlite``): tables ``event`` and ``object`` (ocel_id, ocel_type),
``event_map_type`` / ``object_map_type`` (type -> table suffix), one ``event_<suffix>`` per
event type (ocel_id, ocel_time, attributes) and one ``object_<suffix>`` per object type
(ocel_id, ocel_time, ocel_changed_field, attributes), ``event_object`` (ocel_event_id,
ocel_object_id, ocel_qualifier) and ``object_object`` (ocel_source_id, ocel_target_id,
ocel_qualifier).

Both are written to a temporary name beside the target and renamed when complete. Simulated time
is written as UTC. :func:`read_ocel` reads either layout (from this twin or any other OCEL 2.0
producer) back into :class:`~experiments.interop.ocel.Ocel` tables, without PM4Py.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.interop.ocel import EVENT_ATTRIBUTES, OBJECT_ATTRIBUTES, Ocel, type_table_names

STATIC_TIME = "1970-01-01T00:00:00Z"
SQLITE_MAGIC = b"SQLite format 3\x00"


class OcelReadError(Exception):
    """A file that is not a readable OCEL 2.0 log (the CLI exits with 2)."""


def _iso(times: pd.Series) -> list[str]:
    return times.dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ").tolist()


def _py(value):
    if isinstance(value, np.generic):
        return value.item()
    return value


def _grouped(df: pd.DataFrame, key: str, a: str, b: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for k, oid, q in zip(df[key].tolist(), df[a].tolist(), df[b].tolist(), strict=True):
        out.setdefault(k, []).append({"objectId": oid, "qualifier": q})
    return out


def _replace_atomically(path: Path, write) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


# --------------------------------------------------------------------------- JSON
def write_json(o: Ocel, path: Path) -> None:
    ev_attrs = [{"name": k, "type": t} for k, t in EVENT_ATTRIBUTES.items()]
    doc: dict = {
        "objectTypes": [
            {
                "name": t,
                "attributes": [
                    {"name": k, "type": ty} for k, ty in OBJECT_ATTRIBUTES.get(t, {}).items()
                ],
            }
            for t in o.object_types()
        ],
        "eventTypes": [{"name": t, "attributes": ev_attrs} for t in o.event_types()],
        "objects": [],
        "events": [],
    }
    o2o = _grouped(o.o2o, "ocel_source_id", "ocel_target_id", "ocel_qualifier")
    objs = o.objects
    for typ, group in objs.groupby("ocel_type", sort=True):
        names = list(OBJECT_ATTRIBUTES.get(typ, {}))
        cols = [group[n].tolist() for n in names]
        for i, oid in enumerate(group["ocel_id"].tolist()):
            obj: dict = {"id": oid, "type": typ}
            attrs = [
                {"name": n, "time": STATIC_TIME, "value": _py(c[i])}
                for n, c in zip(names, cols, strict=True)
                if not pd.isna(c[i])
            ]
            if attrs:
                obj["attributes"] = attrs
            if oid in o2o:
                obj["relationships"] = o2o[oid]
            doc["objects"].append(obj)
    e2o = _grouped(o.e2o, "ocel_event_id", "ocel_object_id", "ocel_qualifier")
    ev = o.events
    names = list(EVENT_ATTRIBUTES)
    cols = [ev[n].tolist() for n in names]
    for i, (eid, typ, time) in enumerate(
        zip(ev["ocel_id"].tolist(), ev["ocel_type"].tolist(), _iso(ev["ocel_time"]), strict=True)
    ):
        doc["events"].append(
            {
                "id": eid,
                "type": typ,
                "time": time,
                "attributes": [
                    {"name": n, "value": c[i]} for n, c in zip(names, cols, strict=True)
                ],
                "relationships": e2o.get(eid, []),
            }
        )

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(doc, fh, separators=(",", ":"))

    _replace_atomically(path, write)


# --------------------------------------------------------------------------- SQLite
def _sql_time(times: pd.Series) -> pd.Series:
    return times.dt.strftime("%Y-%m-%d %H:%M:%S.%f")


def write_sqlite(o: Ocel, path: Path) -> None:
    def write(tmp: Path) -> None:
        conn = sqlite3.connect(tmp)
        try:
            _write_tables(o, conn)
            conn.commit()
        finally:
            conn.close()

    _replace_atomically(path, write)


def _write_tables(o: Ocel, conn: sqlite3.Connection) -> None:
    ev, objs = o.events, o.objects
    ev[["ocel_id", "ocel_type"]].to_sql("event", conn, index=False)
    objs[["ocel_id", "ocel_type"]].to_sql("object", conn, index=False)
    emap = type_table_names(o.event_types())
    omap = type_table_names(o.object_types())
    pd.DataFrame({"ocel_type": list(emap), "ocel_type_map": list(emap.values())}).to_sql(
        "event_map_type", conn, index=False
    )
    pd.DataFrame({"ocel_type": list(omap), "ocel_type_map": list(omap.values())}).to_sql(
        "object_map_type", conn, index=False
    )
    o.e2o.to_sql("event_object", conn, index=False)
    o.o2o.to_sql("object_object", conn, index=False)
    for typ, group in ev.groupby("ocel_type", sort=True):
        table = group[["ocel_id", *EVENT_ATTRIBUTES]].copy()
        table.insert(1, "ocel_time", _sql_time(group["ocel_time"]))
        table.to_sql(f"event_{emap[typ]}", conn, index=False)
    for typ, group in objs.groupby("ocel_type", sort=True):
        table = group[["ocel_id", *OBJECT_ATTRIBUTES.get(typ, {})]].copy()
        table.insert(1, "ocel_time", "1970-01-01 00:00:00")
        table.insert(2, "ocel_changed_field", None)
        table.to_sql(f"object_{omap[typ]}", conn, index=False)


# --------------------------------------------------------------------------- reading
def read_ocel(path: Path | str) -> Ocel:
    """An OCEL 2.0 JSON or SQLite file as tables (attributes as columns, times as UTC-naive)."""
    path = Path(path)
    if not path.is_file():
        raise OcelReadError(f"{path}: no such file")
    with path.open("rb") as fh:
        head = fh.read(len(SQLITE_MAGIC))
    try:
        return _read_sqlite(path) if head == SQLITE_MAGIC else _read_json(path)
    except (KeyError, TypeError, ValueError, sqlite3.Error) as exc:
        raise OcelReadError(f"{path}: not an OCEL 2.0 log ({type(exc).__name__}: {exc})") from None


def _times(values) -> pd.Series:
    t = pd.to_datetime(pd.Series(values), utc=True, format="ISO8601")
    return t.dt.tz_localize(None)


def _read_json(path: Path) -> Ocel:
    with path.open(encoding="utf-8") as fh:
        doc = json.load(fh)
    ev_rows, e2o = [], []
    for e in doc["events"]:
        row = {"ocel_id": e["id"], "ocel_type": e["type"], "ocel_time": e["time"]}
        for a in e.get("attributes", []):
            row[a["name"]] = a["value"]
        ev_rows.append(row)
        for r in e.get("relationships", []):
            e2o.append((e["id"], r["objectId"], r.get("qualifier", "")))
    obj_rows, o2o = [], []
    for ob in doc["objects"]:
        row = {"ocel_id": ob["id"], "ocel_type": ob["type"]}
        for a in ob.get("attributes", []):
            row[a["name"]] = a["value"]  # the latest value wins (attributes are time-ordered)
        obj_rows.append(row)
        for r in ob.get("relationships", []):
            o2o.append((ob["id"], r["objectId"], r.get("qualifier", "")))
    events = pd.DataFrame(ev_rows, columns=None if ev_rows else ["ocel_id", "ocel_type"])
    events["ocel_time"] = _times(events.get("ocel_time", []))
    return Ocel(
        events,
        pd.DataFrame(obj_rows, columns=None if obj_rows else ["ocel_id", "ocel_type"]),
        pd.DataFrame(e2o, columns=["ocel_event_id", "ocel_object_id", "ocel_qualifier"]),
        pd.DataFrame(o2o, columns=["ocel_source_id", "ocel_target_id", "ocel_qualifier"]),
    )


def _read_sqlite(path: Path) -> Ocel:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        emap = pd.read_sql("SELECT * FROM event_map_type", conn)
        omap = pd.read_sql("SELECT * FROM object_map_type", conn)
        events = []
        for typ, suffix in zip(emap["ocel_type"], emap["ocel_type_map"], strict=True):
            df = pd.read_sql(f'SELECT * FROM "event_{suffix}"', conn)
            df.insert(1, "ocel_type", typ)
            events.append(df)
        objects = []
        for typ, suffix in zip(omap["ocel_type"], omap["ocel_type_map"], strict=True):
            df = pd.read_sql(f'SELECT * FROM "object_{suffix}"', conn)
            df = df.drop(columns=["ocel_time", "ocel_changed_field"], errors="ignore")
            df = df.drop_duplicates("ocel_id", keep="last")
            df.insert(1, "ocel_type", typ)
            objects.append(df)
        e2o = pd.read_sql("SELECT * FROM event_object", conn)
        o2o = pd.read_sql("SELECT * FROM object_object", conn)
    finally:
        conn.close()
    ev = pd.concat(events, ignore_index=True)
    ev["ocel_time"] = _times(ev["ocel_time"])
    return Ocel(ev, pd.concat(objects, ignore_index=True), e2o, o2o)
