"""Data files a scenario names: the imported stores and catalogue tables (Parquet).

A scenario written by ``retail-twin import`` names two tables beside it:
``network.stores.file`` (``name``, ``size``, ``dc``) and ``catalogue.file`` (``sku``,
``category``, ``price``, ``cost``, ``supplier``, ``popularity``). A relative path is relative to
the YAML file that sets it (:func:`anchor`, applied to each file of an ``extends`` chain before
merging), so a calibrated scenario in another directory that extends the imported one still
finds them. :func:`problems` checks, at load, that each file exists, is Parquet, has its
columns, has as many rows as the scenario says, and names only warehouses and suppliers the
scenario has; every problem is reported (as ``(path, expected, found)``), none raised alone.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

STORE_COLUMNS = {"name": "string", "size": "double", "dc": "string"}
CATALOGUE_COLUMNS = {
    "sku": "string",
    "category": "string",
    "price": "double",
    "cost": "double",
    "supplier": "string",
    "popularity": "double",
}
#: (dotted path of the field, columns)
FILES = (("network.stores.file", STORE_COLUMNS), ("catalogue.file", CATALOGUE_COLUMNS))


def anchor(doc: dict[str, Any], path: Path) -> dict[str, Any]:
    """``doc`` with its relative data-file paths made absolute against ``path``'s directory."""
    for dotted, _ in FILES:
        *parents, leaf = dotted.split(".")
        node: Any = doc
        for key in parents:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict) and isinstance(node.get(leaf), str) and node[leaf]:
            p = Path(node[leaf])
            if not p.is_absolute():
                # abspath, not resolve: no file system access, so any string is accepted here
                # and a bad one is reported by problems() below
                node[leaf] = os.path.abspath(path.parent / p)
    return doc


def _type_ok(found: pa.DataType, want: str) -> bool:
    if want == "string":
        return pa.types.is_string(found) or pa.types.is_large_string(found)
    return pa.types.is_floating(found) or pa.types.is_integer(found)


def _table_problems(field: str, file: str, columns: dict[str, str], rows: int, s) -> list:
    path = Path(file)
    if not path.is_file():
        return [(field, "an existing Parquet file", file)]
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowInvalid) as exc:
        return [(field, "a readable Parquet file", f"{file}: {exc}")]
    problems = []
    for name, want in columns.items():
        if name not in table.column_names:
            problems.append((field, f"a column {name!r} ({want})", f"{file}: no such column"))
        elif not _type_ok(table.schema.field(name).type, want):
            found = table.schema.field(name).type
            problems.append((field, f"column {name!r} of type {want}", f"{file}: {found}"))
    if table.num_rows != rows:
        problems.append((field, f"{rows} rows (the scenario's count)", f"{table.num_rows}"))
    if problems:
        return problems
    if field == "network.stores.file":
        dcs = {w.name for w in s.network.warehouses if not w.serves_online}
        bad = sorted(set(table.column("dc").to_pylist()) - dcs)
        if bad:
            problems.append((field, f"dc naming a store warehouse ({sorted(dcs)})", str(bad)))
        if min(table.column("size").to_pylist()) <= 0:
            problems.append((field, "size > 0 for every store", "a size <= 0"))
    else:
        sups = {x.name for x in s.network.suppliers}
        bad = sorted(set(table.column("supplier").to_pylist()) - sups)
        if bad:
            problems.append(
                (field, f"supplier naming a network supplier ({sorted(sups)})", str(bad))
            )
        if min(table.column("price").to_pylist()) <= 0:
            problems.append((field, "price > 0 for every SKU", "a price <= 0"))
        if sum(table.column("popularity").to_pylist()) <= 0:
            problems.append((field, "popularity summing to more than 0", "0"))
    return problems


def problems(s) -> list[tuple[str, str, str]]:
    """Every problem of the scenario's data files (none when it names none)."""
    out = []
    if s.network.stores.file is not None:
        out += _table_problems(
            "network.stores.file", s.network.stores.file, STORE_COLUMNS, s.network.stores.count, s
        )
    if s.catalogue.file is not None:
        out += _table_problems(
            "catalogue.file", s.catalogue.file, CATALOGUE_COLUMNS, s.catalogue.skus, s
        )
    return out
