"""Orchestration: the models that run the retailer's workflows, and what they are built from.

The rooms, read from the tree (each package's docstring is the map of its room):

* ``models/`` — the registry (``build`` a model by name, each with its own parameters class),
  the five shipped models, and the shared wiring of the automated ones: a model is a table of
  policies (``event_driven``, ``approval_centric``, ``exception_driven``, ``hybrid``) over one
  wiring, or today's batch world (``manual``).
* ``policies/`` — one small decision object per process area (purchase, discount, refund, count
  variance, invoice match, bank change, tickets, availability, late supplier) and the
  ``PolicyTable`` that makes a model.
* ``backoffice/`` — the clerical machinery every model composes: stock records, work desks,
  approval requests, exception queues, payables, tickets, replenishment arithmetic.
* ``integration/`` — how the automated models reach other systems: the at-least-once inbound
  connector, the ERP adapter over the mocked Odoo, the n8n stack with its circuit breakers and
  dead-letter queue.
* ``odoo/`` — the mocked Odoo (records, automation rules, server actions, cron, webhooks); a leaf
  library.
* ``middleware/`` — the n8n-style middleware (workflows, node settings, executions); a leaf
  library.
* Building blocks: ``approvals/`` (audit trail, segregation of duties), ``triage/`` (simulated
  classifier and router), ``resilience/`` (retry, circuit breaker, dead letters, idempotency,
  accounting), ``security/`` (signatures, replay guard, scopes, attacks and the threat model).

Everything here reaches the simulated world through the narrow port of ``port.py``.
"""
