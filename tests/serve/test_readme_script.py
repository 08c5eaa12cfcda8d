"""The README's odoorpc script, verbatim, on a served twin: stock, a confirmed PO, its receipt."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_script() -> str:
    text = README.read_text(encoding="utf-8")
    block = text.split("<!-- serve-demo:start -->", 1)[1].split("<!-- serve-demo:end -->", 1)[0]
    return block.split("```python\n", 1)[1].rsplit("```", 1)[0]


def test_readme_odoorpc_script_sees_the_receipt(served, monkeypatch):
    script = readme_script()
    assert 'odoorpc.ODOO("127.0.0.1", port=8069)' in script
    # the only change: the port the test server got, and the key it was started with
    script = script.replace("port=8069", f"port={served.port}")
    monkeypatch.setattr(served.server.credentials, "api_key", "change-me-0001")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(script, "README.md", "exec"), {})
    lines = out.getvalue().splitlines()
    assert any(line.startswith("dc stock: SKU") for line in lines)
    confirmed = next(line for line in lines if "'state'" in line)
    assert "'state': 'purchase'" in confirmed
    receipt = re.search(r"day (\d+): receipt (\S+) done .*'receipt_status': 'full'", lines[-1])
    assert receipt, lines[-1]
    # the receipt is the world's: the supplier shipped the order and the goods were booked in
    assert served.twin.mirror.receipts_validated >= 1
    # the README quotes this output
    readme = README.read_text(encoding="utf-8")
    assert confirmed in readme
    assert lines[-1] in readme
