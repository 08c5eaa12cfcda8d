"""Products and their vendors (``product.product``, ``product.supplierinfo``).

Units: quantities in the product's unit (one UoM per product, no conversion); prices in the
company currency. ``qty_available`` / ``virtual_available`` are company-wide (all internal
locations); location-scoped figures come from ``stock.location`` helpers. ``is_storable``
follows 18+ (17 used ``type='product'``). ``purchase_method`` drives the 3-way match.
"""

from __future__ import annotations

from orchestration.odoo.fields import Field
from orchestration.odoo.models import Model


class ProductProduct(Model):
    _name = "product.product"
    name = Field("char", required=True)
    default_code = Field("char")
    barcode = Field("char")
    type = Field(
        "selection",
        selection=[("consu", "Goods"), ("service", "Service"), ("combo", "Combo")],
        default="consu",
    )
    is_storable = Field("boolean", default=True)
    list_price = Field("float", default=1.0)
    standard_price = Field("float")
    purchase_method = Field(
        "selection",
        selection=[("purchase", "On ordered quantities"), ("receive", "On received quantities")],
        default="receive",
    )
    invoice_policy = Field(
        "selection", selection=[("order", "Ordered"), ("delivery", "Delivered")], default="order"
    )
    seller_ids = Field("one2many", comodel="product.supplierinfo", inverse="product_id")
    active = Field("boolean", default=True)
    qty_available = Field("float", compute="_compute_qty_available")
    virtual_available = Field("float", compute="_compute_virtual_available")

    def _compute_qty_available(self) -> float:
        return self.env["stock.location"]._internal_roots().qty_on_hand(self)

    def _compute_virtual_available(self) -> float:
        return self.env["stock.location"]._internal_roots().qty_forecast(self)

    def _select_seller(self) -> Model:
        sellers = self.seller_ids.sorted(key=lambda s: (s.sequence, s.id))
        return sellers[0] if sellers else sellers


class ProductSupplierinfo(Model):
    _name = "product.supplierinfo"
    _rec_name = "product_id"
    partner_id = Field("many2one", comodel="res.partner", required=True)
    product_id = Field("many2one", comodel="product.product")
    price = Field("float")
    min_qty = Field("float")
    delay = Field("integer", default=1)
    sequence = Field("integer", default=1)
