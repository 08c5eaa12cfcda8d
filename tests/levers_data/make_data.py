"""Write the data files the lever cases of ``tests/levers.py`` import (run from the repo root).

``python tests/levers_data/make_data.py`` rewrites them: ``stores.parquet`` and
``catalogue.parquet`` (the tables ``retail-twin import`` writes, sized for ``tiny``: 3 stores,
40 SKUs) and ``po_code.json`` (the shipped n8n export with a Code node before the PO is sent to
the supplier, so ``n8n_node_profiles`` of a Code node have something to act on).
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from orchestration.integration.n8n_flows import BUILTIN

HERE = Path(__file__).parent


def main() -> None:
    # one big store and two small ones (tiny's generated sizes are lognormal around 1)
    stores = {"name": ["big", "small_a", "small_b"], "size": [2.4, 0.3, 0.3], "dc": ["dc"] * 3}
    pq.write_table(pa.table(stores), HERE / "stores.parquet")
    n = 40
    catalogue = {
        "sku": [f"S{i:03d}" for i in range(n)],
        "category": ["home" if i % 2 else "garden" for i in range(n)],
        "price": [120.0 + i for i in range(n)],  # dearer goods than tiny's (median 25)
        "cost": [70.0 + i for i in range(n)],
        "supplier": ["alpha" if i % 3 else "beta" for i in range(n)],
        "popularity": [1.0 / (i + 1) for i in range(n)],
    }
    pq.write_table(pa.table(catalogue), HERE / "catalogue.parquet")
    flows = json.loads(BUILTIN.read_text(encoding="utf-8"))
    po = next(wf for wf in flows if wf["id"] == "wf-po")
    trigger = po["nodes"][0]["name"]
    po["nodes"].append(
        {
            "name": "Check order",
            "type": "n8n-nodes-base.code",
            "parameters": {"jsCode": "return items;"},
        }
    )
    po["connections"][trigger] = {"main": [[{"node": "Check order", "type": "main", "index": 0}]]}
    po["connections"]["Check order"] = {
        "main": [[{"node": "Send order to supplier", "type": "main", "index": 0}]]
    }
    (HERE / "po_code.json").write_text(json.dumps(flows, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
