"""The mocked Odoo addons: the models the twin needs, by Odoo module (base, product, stock,
purchase, sale, account, helpdesk)."""

from orchestration.odoo.addons.account import AccountMove, AccountMoveLine
from orchestration.odoo.addons.base import (
    MailMessage,
    ResCompany,
    ResCurrency,
    ResPartner,
    ResUsers,
)
from orchestration.odoo.addons.helpdesk import (
    HelpdeskStage,
    HelpdeskTag,
    HelpdeskTeam,
    HelpdeskTicket,
)
from orchestration.odoo.addons.orderpoint import StockRule, StockWarehouseOrderpoint
from orchestration.odoo.addons.product import ProductProduct, ProductSupplierinfo
from orchestration.odoo.addons.purchase import PurchaseOrder, PurchaseOrderLine
from orchestration.odoo.addons.sale import SaleOrder, SaleOrderLine
from orchestration.odoo.addons.stock import (
    StockLocation,
    StockMove,
    StockPicking,
    StockQuant,
    StockWarehouse,
)

ALL_MODELS = [
    ResCurrency,
    ResCompany,
    ResPartner,
    ResUsers,
    MailMessage,
    ProductProduct,
    ProductSupplierinfo,
    StockLocation,
    StockWarehouse,
    StockQuant,
    StockMove,
    StockPicking,
    StockWarehouseOrderpoint,
    StockRule,
    PurchaseOrder,
    PurchaseOrderLine,
    SaleOrder,
    SaleOrderLine,
    AccountMove,
    AccountMoveLine,
    HelpdeskTeam,
    HelpdeskStage,
    HelpdeskTag,
    HelpdeskTicket,
]
