"""The ``retail-twin`` command line: the top layer, above the experiments and dashboards.

A map of the room:

- :mod:`cli.app` — the shared Typer app, the consoles, the common options (``--workers``,
  ``--dask``, ``--plugin``, ``--set``, ``--kpi``, ``--json``, ``--out``...) and helpers
  (``fail``: exit 2; ``load_scenario_arg``; ``run_guarded``; ``kpi_table``);
- one module per command, each importing only :mod:`cli.app` and the layers below:
  :mod:`cli.run`, :mod:`cli.audit`, :mod:`cli.catalog` (``scenarios``, ``models``, ``schema``),
  :mod:`cli.bench`, :mod:`cli.check`, :mod:`cli.replay`, :mod:`cli.compare`, :mod:`cli.sweep`,
  :mod:`cli.results`, :mod:`cli.dashboard`;
- :mod:`cli.main` — registers them all; ``retail-twin = cli.main:app``.
"""
