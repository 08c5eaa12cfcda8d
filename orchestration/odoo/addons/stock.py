"""Stock documents: locations, warehouses, quants, moves and pickings (ODOO.md §5.2, §8 item 8).

Why one module over 450 lines: these five models call each other's private methods as Odoo's
``stock`` module does (a picking confirms its moves, a move reserves and updates quants); each
bulk path sits beside the per-record path it must match.

Concept: a ``stock.quant`` is the quantity of a product at a location; a ``stock.move`` moves a
quantity between locations through ``draft -> confirmed (or waiting) -> partially_available /
assigned -> done`` (or ``cancel``); a ``stock.picking`` groups moves (receipt, delivery, internal)
and its state follows its moves (move_type 'direct'). ``button_validate`` moves the quants; with
less than the demand done it returns the backorder wizard action instead of finishing, unless
the caller decides (``create_backorder=True/False``). Confirming moves out of an internal
location re-runs the ``auto`` reorder rules there at once (``_trigger_scheduler``), unless the
``stock.no_auto_scheduler`` parameter is set.

Units: quantities in the product's unit. Simplifications: picking types are a ``picking_type_code``
selection; no lots/packages/owners; reservations are per move (quant ``reserved_quantity``
totals them); quants exist only on internal locations and may go negative; inventory moves are
created directly done.
"""

from __future__ import annotations

from typing import Any

from orchestration.odoo.addons.base import GROUP_STOCK_MANAGER
from orchestration.odoo.automation import CREATE_TRIGGERS
from orchestration.odoo.errors import UserError
from orchestration.odoo.fields import Field
from orchestration.odoo.models import Model

OPEN_MOVE_STATES = ("waiting", "confirmed", "partially_available", "assigned")
MOVE_STATES = [
    ("draft", "New"),
    ("waiting", "Waiting Another Move"),
    ("confirmed", "Waiting Availability"),
    ("partially_available", "Partially Available"),
    ("assigned", "Available"),
    ("done", "Done"),
    ("cancel", "Cancelled"),
]
PICKING_STATES = [
    ("draft", "Draft"),
    ("waiting", "Waiting Another Operation"),
    ("confirmed", "Waiting"),
    ("assigned", "Ready"),
    ("done", "Done"),
    ("cancel", "Cancelled"),
]


class StockLocation(Model):
    _name = "stock.location"
    name = Field("char", required=True)
    usage = Field(
        "selection",
        selection=[
            ("supplier", "Vendor"),
            ("view", "View"),
            ("internal", "Internal"),
            ("customer", "Customer"),
            ("inventory", "Inventory Loss"),
            ("transit", "Transit"),
        ],
        default="internal",
    )
    location_id = Field("many2one", comodel="stock.location")
    warehouse_id = Field("many2one", comodel="stock.warehouse")
    active = Field("boolean", default=True)

    def _tree_ids(self) -> set[int]:
        """Ids of these locations and all their descendants (``child_of``)."""
        ids = set(self.ids)
        table = self.env._tables[self._name]
        grew = True
        while grew:
            new = {rid for rid, row in table.items() if row["location_id"] in ids} - ids
            ids |= new
            grew = bool(new)
        return ids

    def _internal_roots(self) -> Model:
        return self.search([("usage", "=", "internal")])

    def qty_on_hand(self, product: Model) -> float:
        tree = self._tree_ids()
        quants = self.env["stock.quant"].search([("product_id", "=", product.id)])
        return sum(q.quantity for q in quants if q.location_id.id in tree)

    def qty_forecast(self, product: Model) -> float:
        """On hand + open incoming moves - open outgoing moves (no horizon: all dates)."""
        tree = self._tree_ids()
        moves = self.env["stock.move"].search(
            [("product_id", "=", product.id), ("state", "in", list(OPEN_MOVE_STATES))]
        )
        qty = self.qty_on_hand(product)
        for move in moves:
            src, dst = move.location_id.id in tree, move.location_dest_id.id in tree
            if dst and not src:
                qty += move.product_uom_qty
            elif src and not dst:
                qty -= move.product_uom_qty
        return qty


class StockWarehouse(Model):
    _name = "stock.warehouse"
    name = Field("char", required=True)
    code = Field("char")
    view_location_id = Field("many2one", comodel="stock.location")
    lot_stock_id = Field("many2one", comodel="stock.location")
    active = Field("boolean", default=True)


class StockQuant(Model):
    _name = "stock.quant"
    _rec_name = "product_id"
    product_id = Field("many2one", comodel="product.product", required=True)
    location_id = Field("many2one", comodel="stock.location", required=True)
    quantity = Field("float")
    reserved_quantity = Field("float")
    available_quantity = Field("float", compute="_compute_available_quantity")
    inventory_quantity = Field("float")
    inventory_quantity_set = Field("boolean")
    inventory_date = Field("date")
    user_id = Field("many2one", comodel="res.users")

    def _compute_available_quantity(self) -> float:
        return self.quantity - self.reserved_quantity

    def _check_write(self, vals: dict[str, Any]) -> None:
        if "quantity" in vals and not self.env.context.get("quant_update"):
            raise UserError("Quant's editing is restricted, you can't do this operation.")

    def _quant(self, product: Model, location: Model) -> Model:
        rid = self._first_quant(product.id, location.id)
        if rid is not None:
            return self.browse(rid)
        with self.env.with_context(quant_update=True):
            return self.create({"product_id": product.id, "location_id": location.id})

    def _first_quant(self, product_id: int, location_id: int) -> int | None:
        """The id of the product's first quant at the location, in id order (what ``search``
        on both fields answers): a lookup on the indexed product column."""
        table = self._table
        for rid in self._ids_where("product_id", product_id):
            if table[rid]["location_id"] == location_id:
                return rid
        return None

    def _update_available_quantity(self, product: Model, location: Model, delta: float) -> None:
        if location.usage != "internal" or not product.is_storable:
            return
        quant = self._quant(product, location)
        with self.env.with_context(quant_update=True):
            quant.write({"quantity": quant.quantity + delta})

    def _update_reserved_quantity(self, product: Model, location: Model, delta: float) -> None:
        if location.usage != "internal":
            return
        quant = self._quant(product, location)
        quant.write({"reserved_quantity": quant.reserved_quantity + delta})

    def _add_quantities(
        self, deltas: dict[tuple[int, int], tuple[list[float], list[float]]]
    ) -> None:
        """Add deltas to the quants: per (product id, location id), in the dict's order, the
        quant found (or created), then one write of its reserved quantity plus its reserved
        deltas in order, and one of its on-hand quantity plus its on-hand deltas in order —
        what ``_update_reserved_quantity``/``_update_available_quantity`` per delta leave."""
        products, locations = self.env["product.product"], self.env["stock.location"]
        automation = self.env.automation
        if (
            automation.watches(self._name, "reserved_quantity")
            or automation.watches(self._name, "quantity")
            or automation._rules_for(self._name, CREATE_TRIGGERS)
        ):  # a rule sees each quant's create and writes, in this order
            for (product, location), (reserved, on_hand) in deltas.items():
                quant = self._quant(products._new((product,)), locations._new((location,)))
                if reserved:
                    quant.write({"reserved_quantity": _added(quant.reserved_quantity, reserved)})
                if on_hand:
                    with self.env.with_context(quant_update=True):
                        quant.write({"quantity": _added(quant.quantity, on_hand)})
            return
        # nothing watches them: the quants found, the missing ones created in one batch (ids in
        # first-touch order), then one column write of the reserved quantities and one of the
        # on-hand quantities
        table = self._table
        found: dict[tuple[int, int], int | None] = {}
        missing = []
        for key in deltas:
            found[key] = quant = self._first_quant(*key)
            if quant is None:
                missing.append(key)
        if missing:
            with self.env.with_context(quant_update=True):
                created = self.create(
                    [
                        {"product_id": product, "location_id": location}
                        for product, location in missing
                    ]
                )
            found.update(zip(missing, created._ids, strict=True))
        reserved_values, on_hand_values = [], []
        for key, (reserved, on_hand) in deltas.items():
            rid = found[key]
            row = table[rid]
            if reserved:
                reserved_values.append(
                    (rid, {"reserved_quantity": _added(row["reserved_quantity"], reserved)})
                )
            if on_hand:
                on_hand_values.append((rid, {"quantity": _added(row["quantity"], on_hand)}))
        self._write_each(reserved_values)
        with self.env.with_context(quant_update=True):
            self._write_each(on_hand_values)

    def action_apply_inventory(self) -> bool:
        """Apply counted quantities; 17/18: only a stock manager may (UserError otherwise)."""
        if self.env.options.version < 19 and not self.env.user.has_group(GROUP_STOCK_MANAGER):
            raise UserError("Only a stock manager can validate an inventory adjustment.")
        loss = self.env.ref("stock.location_inventory")
        for quant in self.filtered("inventory_quantity_set"):
            diff = quant.inventory_quantity - quant.quantity
            src, dst = (loss, quant.location_id) if diff > 0 else (quant.location_id, loss)
            self.env["stock.move"].create(
                {
                    "name": "Product Quantity Updated",
                    "product_id": quant.product_id.id,
                    "product_uom_qty": abs(diff),
                    "quantity": abs(diff),
                    "location_id": src.id,
                    "location_dest_id": dst.id,
                    "is_inventory": True,
                    "state": "done",
                    "date": self.env.now(),
                }
            )
            with self.env.with_context(quant_update=True):
                quant.write(
                    {
                        "quantity": quant.inventory_quantity,
                        "inventory_quantity_set": False,
                        "inventory_date": self.env.now().date(),
                    }
                )
        return True


class StockMove(Model):
    _name = "stock.move"
    name = Field("char", default="/")
    product_id = Field("many2one", comodel="product.product", required=True)
    product_uom_qty = Field("float", string="Demand")
    quantity = Field("float", string="Quantity (reserved/picked)")
    location_id = Field("many2one", comodel="stock.location", required=True)
    location_dest_id = Field("many2one", comodel="stock.location", required=True)
    picking_id = Field("many2one", comodel="stock.picking")
    state = Field("selection", selection=MOVE_STATES, default="draft")
    procure_method = Field(
        "selection",
        selection=[("make_to_stock", "Default"), ("make_to_order", "Advanced")],
        default="make_to_stock",
    )
    origin = Field("char")
    purchase_line_id = Field("many2one", comodel="purchase.order.line")
    sale_line_id = Field("many2one", comodel="sale.order.line")
    is_inventory = Field("boolean")
    date = Field("datetime")

    def _qty_done_by_purchase_line(self, line_ids: Any) -> list[float]:
        """Per purchase line id, the quantity of its done moves, summed in move id order
        (``qty_received``: a lookup on the indexed ``purchase_line_id`` column per line)."""
        table = self.env._tables[self._name]  # ``_table``, without the property call
        index = self.env.equality_index(self._name, "purchase_line_id")
        return [
            sum([table[i]["quantity"] for i in sorted(ids) if table[i]["state"] == "done"])
            if (ids := index.get(line_id))
            else 0
            for line_id in line_ids
        ]

    def _open(self) -> Model:
        """These moves less the done and cancelled ones (read from their rows)."""
        return self.browse(
            rid
            for rid, row in zip(self._ids, self._rows(), strict=True)
            if row["state"] not in ("done", "cancel")
        )

    def _action_confirm(self) -> Model:
        drafts = self.browse(
            rid for rid, row in zip(self._ids, self._rows(), strict=True) if row["state"] == "draft"
        )
        drafts.write({"state": "confirmed"})
        drafts._trigger_scheduler()
        return drafts

    def _trigger_scheduler(self) -> None:
        """Re-run the ``auto`` orderpoints covering these moves' source locations."""
        if self.env.params.get("stock.no_auto_scheduler"):
            return
        orderpoints = self.env["stock.warehouse.orderpoint"].browse([])
        usage: dict[Any, Any] = {}  # location id -> its usage, read once per call
        peek = self._peek
        for row in self._rows():
            location = row["location_id"]
            if location not in usage:
                usage[location] = peek("stock.location", location, "usage")
            if usage[location] != "internal":
                continue  # a receipt's moves (from the vendor) never reach this far
            move = self._new((row["id"],))
            for op in self.env["stock.warehouse.orderpoint"].search(
                [("product_id", "=", move.product_id.id), ("trigger", "=", "auto")]
            ):
                if move.location_id.id in op.location_id._tree_ids():
                    orderpoints = orderpoints | op
        if orderpoints:
            orderpoints._procure_orderpoint_confirm()

    def _action_assign(self) -> None:
        """Reserve what each open move can take, then write the outcome over the whole set: one
        write per distinct (quantity, state), moves in order (Odoo writes the assigned and the
        partially available moves' state in one write each). A move from a non-internal
        location (a receipt's) takes its whole demand, decided from its row alone."""
        quants = self.env["stock.quant"]
        outcomes: dict[tuple[float, str], list[int]] = {}
        usage: dict[Any, Any] = {}  # location id -> its usage, read once per call
        peek = self._peek
        for row in self._rows():
            if row["state"] not in ("confirmed", "partially_available"):
                continue
            demand, reserved = row["product_uom_qty"], row["quantity"]
            missing = demand - reserved
            location = row["location_id"]
            if location not in usage:
                usage[location] = peek("stock.location", location, "usage")
            if usage[location] != "internal" or not peek(
                "product.product", row["product_id"], "is_storable"
            ):
                take = missing
            else:
                move = self._new((row["id"],))
                product = move.product_id
                free = sum(
                    q.available_quantity
                    for q in quants.search(
                        [
                            ("product_id", "=", product.id),
                            ("location_id", "=", move.location_id.id),
                        ]
                    )
                )
                take = max(0.0, min(missing, free))
                quants._update_reserved_quantity(product, move.location_id, take)
            quantity = reserved + take
            if quantity >= demand:
                state = "assigned"
            else:
                state = "partially_available" if quantity > 0 else "confirmed"
            outcomes.setdefault((quantity, state), []).append(row["id"])
        for (quantity, state), ids in outcomes.items():
            self.browse(ids).write({"quantity": quantity, "state": state})

    def _action_done(self) -> None:
        """Move the quants, then mark the moves done: one write per distinct done quantity,
        moves in order. The quants are updated once per (product, location) touched, in the
        order first touched, each adding its moves' quantities in move order (what updating
        them move by move leaves)."""
        peek = self._peek
        usage: dict[Any, Any] = {}  # location id -> its usage, read once per call
        storable: dict[Any, Any] = {}  # product id -> is_storable, read once per call
        # (product id, location id) -> (reserved deltas, on-hand deltas), in first-touch order
        deltas: dict[tuple[int, int], tuple[list[float], list[float]]] = {}
        done: dict[float, list[int]] = {}
        for row in self._open()._rows():
            qty, product = row["quantity"], row["product_id"]
            source, dest = row["location_id"], row["location_dest_id"]
            for location in (source, dest):
                if location not in usage:
                    usage[location] = peek("stock.location", location, "usage")
            if product not in storable:
                storable[product] = peek("product.product", product, "is_storable")
            if usage[source] == "internal":
                reserved, on_hand = deltas.setdefault((product, source), ([], []))
                reserved.append(-qty)
                if storable[product]:
                    on_hand.append(-qty)
            if usage[dest] == "internal" and storable[product]:
                deltas.setdefault((product, dest), ([], []))[1].append(qty)
            done.setdefault(qty, []).append(row["id"])
        self.env["stock.quant"]._add_quantities(deltas)
        now = self.env.now()
        if not self._writes_unwatched(("state", "date", "product_uom_qty")):
            for qty, ids in done.items():  # a rule sees one write per done quantity
                self.browse(ids).write({"state": "done", "date": now, "product_uom_qty": qty})
            return
        self._write_each(
            [
                (rid, {"state": "done", "date": now, "product_uom_qty": qty})
                for qty, ids in done.items()
                for rid in ids
            ]
        )

    def _action_cancel(self) -> None:
        for move in self.filtered(lambda m: m.state not in ("done", "cancel")):
            if move.location_id.usage == "internal" and move.quantity:
                self.env["stock.quant"]._update_reserved_quantity(
                    move.product_id, move.location_id, -move.quantity
                )
            move.write({"state": "cancel", "quantity": 0.0})


class StockPicking(Model):
    _name = "stock.picking"
    name = Field("char", default="/")
    partner_id = Field("many2one", comodel="res.partner")
    picking_type_code = Field(
        "selection",
        selection=[("incoming", "Receipt"), ("outgoing", "Delivery"), ("internal", "Internal")],
        required=True,
    )
    location_id = Field("many2one", comodel="stock.location", required=True)
    location_dest_id = Field("many2one", comodel="stock.location", required=True)
    origin = Field("char")
    state = Field("selection", selection=PICKING_STATES, default="draft")
    scheduled_date = Field("datetime")
    date_done = Field("datetime")
    move_ids = Field("one2many", comodel="stock.move", inverse="picking_id")
    backorder_id = Field("many2one", comodel="stock.picking")
    purchase_id = Field("many2one", comodel="purchase.order")
    sale_id = Field("many2one", comodel="sale.order")

    def _create(self, vals_list: list[dict[str, Any]]) -> Model:
        prefixes = {"incoming": "WH/IN/", "outgoing": "WH/OUT/", "internal": "WH/INT/"}
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                code = vals.get("picking_type_code", "internal")
                vals["name"] = self.env.next_sequence(f"picking.{code}", prefixes[code])
        return super()._create(vals_list)

    def _sync_state(self) -> None:
        """The picking's state from its moves (Odoo's computed, stored ``state``)."""
        for picking in self:
            states = {row["state"] for row in picking.move_ids._rows()}
            if not states or "draft" in states:
                state = "draft"
            elif states <= {"cancel"}:
                state = "cancel"
            elif states <= {"done", "cancel"}:
                state = "done"
            elif states & {"assigned", "partially_available"}:
                state = "assigned"
            elif "waiting" in states:
                state = "waiting"
            else:
                state = "confirmed"
            if picking.state != state:
                picking.write({"state": state})

    def action_confirm(self) -> bool:
        self.move_ids._action_confirm()
        self.move_ids._action_assign()
        self._sync_state()
        return True

    def action_assign(self) -> bool:
        self.filtered(lambda p: p.state == "draft").action_confirm()
        self.move_ids._action_assign()
        self._sync_state()
        return True

    def button_validate(self, create_backorder: bool | None = None) -> bool | dict[str, Any]:
        """Finish the transfer; partial -> the backorder wizard action unless decided."""
        for picking in self:
            if picking.state in ("done", "cancel"):
                raise UserError(f"The transfer {picking.name} is already {picking.state}.")
        self.filtered(lambda p: p.state == "draft").action_confirm()
        moves = self.move_ids._open()
        rows = moves._rows()
        if not any(row["quantity"] for row in rows):
            raise UserError(
                "You cannot validate a transfer if no quantities are reserved nor done."
            )
        short = moves.browse(row["id"] for row in rows if row["quantity"] < row["product_uom_qty"])
        if short and create_backorder is None:
            return {
                "type": "ir.actions.act_window",
                "res_model": "stock.backorder.confirmation",
                "view_mode": "form",
                "target": "new",
                "context": {"button_validate_picking_ids": self.ids},
            }
        for picking in self:
            picking_short = short.browse(
                row["id"] for row in short._rows() if row["picking_id"] == picking.id
            )
            if picking_short and create_backorder:
                picking._create_backorder(picking_short)
            elif picking_short:
                for move in picking_short:
                    if move.quantity == 0:
                        move._action_cancel()
        self.move_ids._open()._action_done()
        self.write({"date_done": self.env.now()})
        self._sync_state()
        return True

    def _create_backorder(self, short_moves: Model) -> Model:
        backorder = self.create(
            {
                "picking_type_code": self.picking_type_code,
                "partner_id": self.partner_id.id,
                "location_id": self.location_id.id,
                "location_dest_id": self.location_dest_id.id,
                "origin": self.origin,
                "backorder_id": self.id,
                "purchase_id": self.purchase_id.id,
                "sale_id": self.sale_id.id,
                "scheduled_date": self.scheduled_date,
            }
        )
        for move in short_moves:
            self.env["stock.move"].create(
                {
                    "name": move.name,
                    "product_id": move.product_id.id,
                    "product_uom_qty": move.product_uom_qty - move.quantity,
                    "location_id": move.location_id.id,
                    "location_dest_id": move.location_dest_id.id,
                    "picking_id": backorder.id,
                    "purchase_line_id": move.purchase_line_id.id,
                    "sale_line_id": move.sale_line_id.id,
                    "origin": move.origin,
                }
            )
        backorder.action_confirm()
        return backorder

    def action_cancel(self) -> bool:
        self.move_ids._action_cancel()
        self._sync_state()
        return True


def _added(value: float, deltas: list[float]) -> float:
    """``value`` plus each delta in turn (the same float arithmetic as one update per delta)."""
    for delta in deltas:
        value = value + delta
    return value
