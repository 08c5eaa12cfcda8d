"""The ``retail-twin`` entry point: the shared app with every command registered on it.

Importing a command module registers its command on :data:`cli.app.app`; the order of the
imports below is the order ``retail-twin --help`` lists the commands (hence not sorted).
"""

from __future__ import annotations

from cli.app import app

# isort: off
import cli.run
import cli.audit
import cli.catalog
import cli.bench
import cli.check
import cli.replay
import cli.serve
import cli.compare
import cli.sweep
import cli.results
import cli.report
import cli.dashboard
import cli.interop  # noqa: F401  (export, import, calibrate, fidelity)
# isort: on

__all__ = ["app", "main"]


def main() -> None:  # pragma: no cover - console entry
    app()
