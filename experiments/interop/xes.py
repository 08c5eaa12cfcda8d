"""XES (IEEE 1849): an OCEL log flattened on one object type.

Each object of the chosen type (``order`` by default) is one trace (``concept:name`` = its id);
its events are every OCEL event related to it, in time order, each with ``concept:name`` (the
event type), ``time:timestamp`` (UTC) and the event's ``record``, ``qty``, ``value`` and
``t_h``. An event related to several objects of the type appears in each of their traces (the
usual convergence of flattening). Written to a temporary name and renamed when complete.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import quoteattr

import pandas as pd

from experiments.interop.ocel import Ocel
from experiments.interop.ocel_io import _replace_atomically


def flatten(o: Ocel, object_type: str = "order") -> pd.DataFrame:
    """One row per (object of ``object_type``, related event), ordered by case then time."""
    ids = o.objects.loc[o.objects["ocel_type"] == object_type, "ocel_id"]
    rel = o.e2o[o.e2o["ocel_object_id"].isin(ids)]
    rows = rel.merge(o.events, left_on="ocel_event_id", right_on="ocel_id")
    return rows.sort_values(["ocel_object_id", "ocel_time", "ocel_event_id"], kind="stable")


def write_xes(o: Ocel, path: Path, object_type: str = "order") -> int:
    """Write the flattened log; returns the number of traces."""
    rows = flatten(o, object_type)
    times = rows["ocel_time"].dt.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00").tolist()
    cols = {c: rows[c].tolist() for c in ("ocel_object_id", "ocel_type", "record", "qty", "value")}
    t_h = rows["t_h"].tolist()
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<log xes.version="1849-2016" xes.features="nested-attributes" '
        'xmlns="http://www.xes-standard.org/">',
        '<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>',
        '<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>',
        f'<string key="concept:name" value={quoteattr(f"RetailTwin {object_type}s")}/>',
    ]
    current = None
    traces = 0
    for i, case in enumerate(cols["ocel_object_id"]):
        if case != current:
            if current is not None:
                lines.append("</trace>")
            lines.append(f'<trace><string key="concept:name" value={quoteattr(case)}/>')
            current = case
            traces += 1
        lines.append(
            f'<event><string key="concept:name" value={quoteattr(cols["ocel_type"][i])}/>'
            f'<date key="time:timestamp" value="{times[i]}"/>'
            f'<string key="record" value={quoteattr(cols["record"][i])}/>'
            f'<int key="qty" value="{int(cols["qty"][i])}"/>'
            f'<float key="value" value="{float(cols["value"][i])!r}"/>'
            f'<float key="t_h" value="{float(t_h[i])!r}"/></event>'
        )
    if current is not None:
        lines.append("</trace>")
    lines.append("</log>")

    def write(tmp: Path) -> None:
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")

    _replace_atomically(path, write)
    return traces
