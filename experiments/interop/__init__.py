"""Interoperability: the twin's runs as object-centric event logs (OCEL 2.0, XES), and back.

``ocel`` turns a run directory's event log into OCEL 2.0 tables (events, objects, qualified
event-to-object and object-to-object relations); ``ocel_io`` writes and reads them as OCEL 2.0
JSON and SQLite; ``xes`` flattens them on one object type; ``ocel_kpis`` recomputes KPIs from an
OCEL file alone. Nothing here imports PM4Py: it is only used by the tests to read our files back.
"""
