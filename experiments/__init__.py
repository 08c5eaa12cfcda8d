"""Experiments: run a scenario, replicate it, compare models, sweep parameters.

One execution path, from the command to the files:

- :mod:`experiments.plan` — a sweep as data (base, overrides, grid, models, replications),
  expanded and validated point by point before anything runs;
- :mod:`experiments.runner` — one replication (``run_replication``), returning the one result
  type, :class:`experiments.result.TaskResult`;
- :mod:`experiments.tasks` — a task is one (point, model, replication) shipped as a resolved
  scenario document; :func:`experiments.tasks.execute` runs it anywhere;
- :mod:`experiments.backends` — in-process, a local process pool, or Dask;
- :mod:`experiments.sweep`, :mod:`experiments.compare`, :mod:`experiments.replicate` — sweeps,
  model comparisons (paired: common random numbers) and plain replications (``run_scenario``)
  on a backend;
- :mod:`experiments.summary` — the summary object of KPIS.md over replications, and a run
  directory's ``summary.json`` and ``replications.parquet``;
- :mod:`experiments.store` / :mod:`experiments.results` — writing and reading run directories,
  sweep directories and their Parquet tables;
- :mod:`experiments.analysis`, :mod:`experiments.stats` — means, Student-t intervals, paired
  and Welch differences;
- :mod:`experiments.slo`, :mod:`experiments.replay`, :mod:`experiments.bench` — service-level
  checks, one order's trajectory from the event log, the benchmark suite;
- :mod:`experiments.report` — the rich tables and progress of the ``retail-twin`` command line
  (the commands themselves live a layer above, in the :mod:`cli` package).

Running at scale on a Dask cluster: ``experiments/SCALING.md``.
"""
