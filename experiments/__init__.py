"""Experiments: run a scenario, replicate it, compare models, sweep parameters.

One execution path, from the command to the files:

- :mod:`experiments.plan` — a sweep as data (base, overrides, grid, models, replications),
  expanded and validated point by point before anything runs;
- :mod:`experiments.tasks` — a task is one (point, model, replication) shipped as a resolved
  scenario document; :func:`experiments.tasks.execute` runs it anywhere;
- :mod:`experiments.backends` — in-process, a local process pool, or Dask;
- :mod:`experiments.sweep`, :mod:`experiments.compare`, :mod:`experiments.replicate` — sweeps,
  model comparisons (paired: common random numbers) and plain replications on a backend;
- :mod:`experiments.store` / :mod:`experiments.results` — writing and reading run directories,
  sweep directories and their Parquet tables;
- :mod:`experiments.analysis`, :mod:`experiments.stats` — means, Student-t intervals, paired
  and Welch differences;
- :mod:`experiments.runner` — one replication (``run_replication``);
- :mod:`experiments.report` — the rich tables and progress of the ``retail-twin`` command line
  (the commands themselves live a layer above, in the :mod:`cli` package).

Running at scale on a Dask cluster: ``experiments/SCALING.md``.
"""
