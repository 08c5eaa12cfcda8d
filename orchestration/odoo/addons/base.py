"""Base models: currencies, the company (with the purchase approval settings), partners, users
with their groups, and a minimal ``mail.thread`` (``message_post`` firing message triggers).

Units: ``res.currency.rate`` is units of this currency per one unit of the company currency;
``po_double_validation_amount`` is in the company currency (default 5000).
Simplifications: groups are a space-separated list of xml ids on the user (no ``res.groups``
model, no implied groups); a partner is "share" (customer/portal) when no user is linked.
"""

from __future__ import annotations

from typing import Any

from orchestration.odoo.fields import Field
from orchestration.odoo.models import Model, api_model

GROUP_USER = "base.group_user"
GROUP_PURCHASE_USER = "purchase.group_purchase_user"
GROUP_PURCHASE_MANAGER = "purchase.group_purchase_manager"
GROUP_STOCK_USER = "stock.group_stock_user"
GROUP_STOCK_MANAGER = "stock.group_stock_manager"
ALL_MANAGER_GROUPS = (GROUP_USER, GROUP_PURCHASE_MANAGER, GROUP_PURCHASE_USER, GROUP_STOCK_MANAGER)


class ResCurrency(Model):
    _name = "res.currency"
    name = Field("char", required=True)
    rate = Field("float", default=1.0)
    rounding = Field("float", default=0.01)
    active = Field("boolean", default=True)

    def _convert(self, amount: float, to_currency: Model) -> float:
        """Convert ``amount`` of this currency into ``to_currency``."""
        if not to_currency or to_currency == self:
            return amount
        return round(amount / self.rate * to_currency.rate, 6)


class ResCompany(Model):
    _name = "res.company"
    name = Field("char", required=True)
    currency_id = Field("many2one", comodel="res.currency")
    po_double_validation = Field(
        "selection",
        selection=[
            ("one_step", "Confirm purchase orders in one step"),
            ("two_step", "Get 2 levels of approvals to confirm a purchase order"),
        ],
        default="one_step",
    )
    po_double_validation_amount = Field("monetary", default=5000.0)
    po_lock = Field(
        "selection",
        selection=[("edit", "Allow to edit"), ("lock", "Confirmed orders are locked")],
        default="edit",
    )
    sale_lock_confirmed = Field("boolean", default=False)


class ResPartner(Model):
    _name = "res.partner"
    name = Field("char", required=True)
    is_company = Field("boolean")
    email = Field("char")
    phone = Field("char")
    customer_rank = Field("integer")
    supplier_rank = Field("integer")
    active = Field("boolean", default=True)
    partner_share = Field("boolean", compute="_compute_partner_share")

    def _compute_partner_share(self) -> bool:
        return not self.env["res.users"].search([("partner_id", "=", self.id)], active_test=False)


class ResUsers(Model):
    _name = "res.users"
    _rec_name = "login"
    name = Field("char", required=True)
    login = Field("char", required=True)
    password = Field("char", default="")
    partner_id = Field("many2one", comodel="res.partner")
    group_xmlids = Field("char", default=GROUP_USER)
    active = Field("boolean", default=True)

    def has_group(self, xmlid: str) -> bool:
        return xmlid in (self.group_xmlids or "").split()

    @api_model
    def context_get(self) -> dict[str, Any]:
        """The current user's context (language, timezone: the mock's datetimes are UTC)."""
        return {"lang": "en_US", "tz": "UTC", "uid": self.env.uid}


class MailMessage(Model):
    _name = "mail.message"
    model = Field("char")
    res_id = Field("integer")
    body = Field("text")
    author_id = Field("many2one", comodel="res.partner")
    message_type = Field(
        "selection",
        selection=[
            ("email", "Email"),
            ("comment", "Comment"),
            ("notification", "Notification"),
            ("auto_comment", "Automated"),
            ("user_notification", "User notification"),
        ],
        default="comment",
    )
    is_internal = Field("boolean")


class MailThread(Model):
    """Mixin: ``message_post`` and the message triggers (ODOO.md §1.4 "Messages")."""

    _mail_thread = True

    def message_post(
        self,
        body: str = "",
        author_id: int | bool = False,
        message_type: str = "comment",
        is_internal: bool = False,
        **_kwargs: Any,
    ) -> Model:
        self.ensure_one()
        message = self.env["mail.message"].create(
            {
                "model": self._name,
                "res_id": self.id,
                "body": body,
                "author_id": author_id,
                "message_type": message_type,
                "is_internal": is_internal,
            }
        )
        skip = (
            "__action_done" in self.env.context
            or is_internal
            or message_type in ("notification", "auto_comment", "user_notification")
        )
        if not skip:
            author = message.author_id
            received = not author or author.partner_share
            trigger = "on_message_received" if received else "on_message_sent"
            self.env.automation.on_message(self, trigger)
        return message
