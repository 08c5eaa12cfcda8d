"""A faithful in-process mock of Odoo 17/18/19 for the twin (see /work/shared/ODOO.md).

Public API::

    env = Env(clock=SimClock(simpy_env, start), transport=post)     # one Odoo instance
    env.execute("purchase.order", "button_confirm", [po_id], user="buyer")   # one atomic RPC
    env.automation.add_rule(AutomationRule(...))                    # or build_automation(env, cfg)
    start_cron_runner(simpy_env, env, poll_interval_s=60)           # the cron worker
"""

from orchestration.odoo.actions import ServerAction
from orchestration.odoo.automation import AutomationRule
from orchestration.odoo.clock import ManualClock, SimClock
from orchestration.odoo.cron import ScheduledAction
from orchestration.odoo.env import Env, OdooOptions
from orchestration.odoo.errors import (
    AccessDenied,
    AccessError,
    MissingError,
    OdooError,
    UserError,
    ValidationError,
    jsonrpc_error_envelope,
    xmlrpc_fault_code,
)
from orchestration.odoo.runner import start_cron_runner
from orchestration.odoo.webhooks import WebhookCall

__all__ = [
    "AccessDenied",
    "AccessError",
    "AutomationRule",
    "Env",
    "ManualClock",
    "MissingError",
    "OdooError",
    "OdooOptions",
    "ScheduledAction",
    "ServerAction",
    "SimClock",
    "UserError",
    "ValidationError",
    "WebhookCall",
    "jsonrpc_error_envelope",
    "start_cron_runner",
    "xmlrpc_fault_code",
]
