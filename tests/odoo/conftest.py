"""Fixtures for the mocked Odoo: a fresh Env on a manual clock, a vendor, products, a buyer."""

from __future__ import annotations

from datetime import datetime

import pytest

from orchestration.odoo import Env, ManualClock, OdooOptions
from orchestration.odoo.addons.base import GROUP_PURCHASE_USER, GROUP_USER

START = datetime(2024, 3, 4, 8, 0, 0)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def env(clock: ManualClock) -> Env:
    return Env(clock=clock)


@pytest.fixture
def vendor(env: Env):
    return env["res.partner"].create({"name": "Acme Supplies", "supplier_rank": 1})


@pytest.fixture
def customer(env: Env):
    return env["res.partner"].create({"name": "Jane Customer", "customer_rank": 1})


@pytest.fixture
def product(env: Env, vendor):
    product = env["product.product"].create(
        {"name": "Espresso beans 1kg", "list_price": 25.0, "standard_price": 10.0}
    )
    env["product.supplierinfo"].create(
        {"partner_id": vendor.id, "product_id": product.id, "price": 10.0}
    )
    return product


@pytest.fixture
def buyer(env: Env):
    """A purchase user who is NOT a purchase manager."""
    return env["res.users"].create(
        {
            "name": "Bob Buyer",
            "login": "buyer",
            "group_xmlids": f"{GROUP_USER} {GROUP_PURCHASE_USER}",
        }
    )


@pytest.fixture
def make_env(clock: ManualClock):
    def make(**options) -> Env:
        return Env(clock=clock, options=OdooOptions(**options))

    return make


@pytest.fixture
def make_po(env: Env, vendor, product):
    def make(qty: float = 10.0, price: float = 10.0, **vals):
        return env["purchase.order"].create(
            {
                "partner_id": vendor.id,
                "order_line": [
                    (0, 0, {"product_id": product.id, "product_qty": qty, "price_unit": price})
                ],
                **vals,
            }
        )

    return make


@pytest.fixture
def stock_loc(env: Env):
    return env.ref("stock.stock_location_stock")


@pytest.fixture
def put_stock(env: Env, stock_loc):
    def put(product, qty: float) -> None:
        env["stock.quant"]._update_available_quantity(product, stock_loc, qty)

    return put
