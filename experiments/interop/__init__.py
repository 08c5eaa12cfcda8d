"""Interoperability: a retailer's own data in, the twin's runs out, and the two compared.

- ``tables`` (formats and row-level validation), ``sales`` (the large sales table in one
  batched pass) and ``importer``: ``retail-twin import`` writes a scenario directory;
- ``history``: the samples a history holds, from those tables or from an OCEL 2.0 log;
- ``calibrate``: ``retail-twin calibrate`` fits a scenario to a history (scipy);
- ``fidelity``: ``retail-twin fidelity`` scores the twin against a history;
- ``ocel``, ``ocel_io``, ``xes`` and ``ocel_kpis``: ``retail-twin export`` writes a run as
  OCEL 2.0 (JSON, SQLite) or XES, and KPIs are recomputed from an OCEL file alone;
- ``synthetic``: a synthetic retailer's tables (the example, the tests, the benchmark).

Nothing here imports PM4Py: the tests use it to read our files back.
"""
