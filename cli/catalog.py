"""``retail-twin scenarios | models | schema``: what the twin ships and accepts.

The scenario library with a one-line description each, the registered orchestration models,
and the JSON Schema of a scenario file.
"""

from __future__ import annotations

import json
import sys

from rich.table import Table

from cli.app import app, out
from orchestration.models import describe_models
from scenarios.loader import describe_library
from scenarios.schema import Scenario


@app.command()
def scenarios() -> None:
    """List the shipped scenario library with a one-line description."""
    table = Table(title="scenario library")
    table.add_column("name")
    table.add_column("description")
    for name, desc in describe_library():
        table.add_row(name, desc)
    out.print(table)


@app.command()
def models() -> None:
    """List the registered orchestration models."""
    table = Table(title="orchestration models")
    table.add_column("name")
    table.add_column("description")
    for name, desc in describe_models():
        table.add_row(name, desc)
    out.print(table)


@app.command()
def schema() -> None:
    """Print the JSON Schema of a scenario file."""
    sys.stdout.write(json.dumps(Scenario.model_json_schema(), indent=2) + "\n")
