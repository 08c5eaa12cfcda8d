"""The data a fresh mocked Odoo starts with (Odoo's XML data files, reduced).

One company in USD with the purchase settings at their defaults (one_step, 5000, edit); the
root user (id 1) and ``admin`` (id 2), both purchase and stock managers; the partner, virtual
and warehouse locations; the warehouse ``WH``; the two standard scheduled actions:
"Automation Rules: check and execute" (inactive until a time rule exists, 4 h) and
"Procurement: run scheduler" (daily, first run at the next midnight).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from orchestration.odoo.addons.base import ALL_MANAGER_GROUPS

if TYPE_CHECKING:
    from orchestration.odoo.env import Env

AUTOMATION_CRON = "Automation Rules: check and execute"
SCHEDULER_CRON = "Procurement: run scheduler"


def bootstrap(env: Env) -> None:
    from orchestration.odoo.cron import ScheduledAction

    usd = env["res.currency"].create({"name": "USD", "rate": 1.0})
    env.set_xmlid("base.USD", usd)
    company = env["res.company"].create({"name": "My Company", "currency_id": usd.id})
    env.set_xmlid("base.main_company", company)
    groups = " ".join(ALL_MANAGER_GROUPS)
    for xmlid, name, login in (
        ("base.user_root", "OdooBot", "__system__"),
        ("base.user_admin", "Mitchell Admin", "admin"),
    ):
        partner = env["res.partner"].create({"name": name})
        user = env["res.users"].create(
            {
                "name": name,
                "login": login,
                "partner_id": partner.id,
                "group_xmlids": groups,
                "password": "admin" if login == "admin" else "",
            }
        )
        env.set_xmlid(xmlid, user)
    locations = env["stock.location"]
    partners = locations.create({"name": "Partners", "usage": "view"})
    virtual = locations.create({"name": "Virtual Locations", "usage": "view"})
    for xmlid, name, usage, parent in (
        ("stock.stock_location_suppliers", "Vendors", "supplier", partners),
        ("stock.stock_location_customers", "Customers", "customer", partners),
        ("stock.location_inventory", "Inventory adjustment", "inventory", virtual),
    ):
        env.set_xmlid(
            xmlid, locations.create({"name": name, "usage": usage, "location_id": parent.id})
        )
    view = locations.create({"name": "WH", "usage": "view"})
    stock = locations.create({"name": "WH/Stock", "usage": "internal", "location_id": view.id})
    warehouse = env["stock.warehouse"].create(
        {
            "name": "My Warehouse",
            "code": "WH",
            "view_location_id": view.id,
            "lot_stock_id": stock.id,
        }
    )
    for loc in (view, stock):
        loc.write({"warehouse_id": warehouse.id})
    env.set_xmlid("stock.stock_location_stock", stock)
    env.set_xmlid("stock.warehouse0", warehouse)
    env.set_xmlid("stock.rule_buy", env["stock.rule"].create({"name": "Buy"}))

    now = env.now()
    env.cron.automation_job = env.cron.create(
        ScheduledAction(
            name=AUTOMATION_CRON,
            callback=lambda e: e.automation.check_time_rules(),
            interval_number=4,
            interval_type="hours",
            active=False,
            nextcall=now,
        )
    )
    env.cron.create(
        ScheduledAction(
            name=SCHEDULER_CRON,
            callback=lambda e: e["stock.rule"].run_scheduler(True),
            interval_number=1,
            interval_type="days",
            nextcall=datetime.combine(now.date() + timedelta(days=1), time()),
        )
    )
