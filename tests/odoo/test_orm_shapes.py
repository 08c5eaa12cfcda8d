"""The mocked ORM's per-row fast paths (issue 17, s20): a create's or a per-record write's value
of the type its field stores as is (now also datetimes, dates, booleans, and a selection's
known key) is stored without ``convert_to_raw``; field names are checked once per row shape
(kept per model); the equality indexes are kept up to date without ``setdefault``; a bill
line's 3-way match reads its PO line and bill from their rows. Each is pinned here against
what the general path stores, raises or answers."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from orchestration.odoo.errors import MissingError, UserError

T = datetime(2024, 3, 5, 9, 30)


def _stored_by_conversion(model, vals: dict) -> dict:
    fields = model._fields
    return {name: fields[name].convert_to_raw(value, model._name) for name, value in vals.items()}


def _move_vals(env, product: int, **extra) -> dict:
    stock = env.ref("stock.stock_location_stock").id
    return {
        "name": "m",
        "product_id": product,
        "product_uom_qty": 3.0,
        "location_id": stock,
        "location_dest_id": stock,
        **extra,
    }


def test_values_stored_as_is_are_what_the_conversions_store(env):
    """A row of datetimes, a date, booleans and selection keys (the fast path) stores exactly
    what ``convert_to_raw`` returns for each; the same row with one int for a float (the
    general path, field by field) stores the same."""
    product = env["product.product"].create({"name": "P"}).id
    moves = env["stock.move"]
    vals = _move_vals(
        env, product, state="assigned", date=T, is_inventory=True, procure_method="make_to_order"
    )
    fast = moves.create(dict(vals))._row()
    general = moves.create({**vals, "product_uom_qty": 3})._row()
    expected = _stored_by_conversion(moves, vals)
    for row in (fast, general):
        assert {name: row[name] for name in vals} == expected
        assert type(row["product_uom_qty"]) is float
        assert row["date"] is T
    quant = env["stock.quant"]
    stock = env.ref("stock.stock_location_stock").id
    day = date(2024, 3, 6)
    with env.with_context(quant_update=True):
        row = quant.create(
            {
                "product_id": product,
                "location_id": stock,
                "inventory_date": day,
                "inventory_quantity_set": False,
            }
        )._row()
    assert row["inventory_date"] is day
    assert row["inventory_quantity_set"] is False


@pytest.mark.parametrize(
    ("field", "bad"),
    [("state", "shipped"), ("procure_method", "MTO"), ("date", "2024-03-05")],
)
def test_a_bad_value_raises_after_its_shape_was_seen(env, field, bad):
    """A shape already planned (in an earlier create and earlier in the same batch) does not
    let an unknown selection key or a string datetime through: ValueError naming the field."""
    product = env["product.product"].create({"name": "P"}).id
    moves = env["stock.move"]
    good = _move_vals(env, product, state="assigned", procure_method="make_to_stock", date=T)
    moves.create(dict(good))
    with pytest.raises(ValueError, match=rf"stock\.move\.{field}"):
        moves.create([dict(good), {**good, field: bad}])


def test_a_datetime_is_no_date_and_unknown_or_computed_fields_raise_in_any_shape(env, vendor):
    """A datetime for a date field raises (it is not a date stored as is); an unknown or a
    computed field raises in a create whichever shape came before it."""
    order = env["purchase.order"].create({"partner_id": vendor.id})
    bills = env["account.move"]
    bills.create({"move_type": "in_invoice", "invoice_date": date(2024, 3, 5)})
    with pytest.raises(ValueError, match="invoice_date"):
        bills.create({"move_type": "in_invoice", "invoice_date": T})
    lines = env["purchase.order.line"]
    lines.create({"order_id": order.id, "product_qty": 1.0})
    with pytest.raises(ValueError, match="Invalid field 'colour'"):
        lines.create([{"order_id": order.id, "product_qty": 1.0}, {"colour": "red"}])
    with pytest.raises(ValueError, match="computed"):
        lines.create([{"order_id": order.id, "qty_received": 2.0}])
    with pytest.raises(ValueError, match="computed"):  # the same shape again: still refused
        lines.create([{"order_id": order.id, "qty_received": 2.0}])


def test_values_written_each_at_once_are_what_one_write_each_stores(env, clock):
    """``_write_each``'s column write stores, per record, what ``write`` stores (a float as
    is, a selection key, a datetime, an int converted), refuses a bad key of a later shape,
    and keeps a model's own ``_check_write`` (quants need ``quant_update``)."""
    product = env["product.product"].create({"name": "P"}).id
    moves = env["stock.move"]
    updates = [
        {"quantity": 2.0},
        {"quantity": 1, "state": "assigned"},
        {"state": "done", "date": T, "product_uom_qty": 2.0},
        {"state": "done", "date": T, "product_uom_qty": 2},
    ]
    each = moves.create([_move_vals(env, product) for _ in updates])
    once = moves.create([_move_vals(env, product) for _ in updates])
    for record, vals in zip(each, updates, strict=True):
        record.write(dict(vals))
    once._write_each([(rid, dict(v)) for rid, v in zip(once._ids, updates, strict=True)])
    columns = ("quantity", "state", "date", "product_uom_qty", "write_date")
    assert [[r[c] for c in columns] for r in once._rows()] == [
        [r[c] for c in columns] for r in each._rows()
    ]
    assert [type(r["quantity"]) for r in once._rows()[:2]] == [float] * 2  # the written ones
    assert [type(r["product_uom_qty"]) for r in once._rows()[2:]] == [float] * 2
    with pytest.raises(ValueError, match=r"stock\.move\.state"):
        once._write_each([(once._ids[0], {"quantity": 1.0}), (once._ids[1], {"state": "gone"})])
    with pytest.raises(ValueError, match="Invalid field 'colour'"):
        once._write_each([(once._ids[0], {"quantity": 1.0}), (once._ids[1], {"colour": "red"})])
    stock = env.ref("stock.stock_location_stock").id
    with env.with_context(quant_update=True):
        quant = env["stock.quant"].create({"product_id": product, "location_id": stock})
    with pytest.raises(UserError, match="restricted"):
        quant._write_each([(quant.id, {"quantity": 4.0})])
    with env.with_context(quant_update=True):
        quant._write_each([(quant.id, {"quantity": 4.0})])
    assert quant.quantity == 4.0


def test_equality_indexes_follow_batch_creates_and_writes_as_a_rebuilt_index(env, vendor):
    """After batch creates and column writes the kept index of each indexed column equals
    the index built afresh from the rows (value -> ids), keys in the same order."""
    products = [env["product.product"].create({"name": f"P{i}"}).id for i in range(5)]
    order = env["purchase.order"].create(
        {
            "partner_id": vendor.id,
            "order_line": [
                (0, 0, {"product_id": pid, "product_qty": 4.0, "price_unit": 1.0})
                for pid in products
            ],
        }
    )
    moves = env["stock.move"]
    moves._ids_where("purchase_line_id", 0)  # the indexes exist before the creates
    moves._ids_where("state", "draft")
    order.button_confirm()
    picking = order.picking_ids
    picking.move_ids._write_each([(rid, {"quantity": 3.0}) for rid in picking.move_ids._ids])
    picking.button_validate(create_backorder=False)
    for name, kept in env._indexes["stock.move"].items():
        rebuilt: dict = {}
        for rid, row in env._tables["stock.move"].items():
            rebuilt.setdefault(row.get(name), set()).add(rid)
        assert {k: v for k, v in kept.items() if v} == rebuilt, name


def test_a_bill_line_match_reads_its_po_line_and_bill_rows_as_the_records_do(env, vendor):
    """``can_be_paid`` and ``qty_invoiced`` from rows: a cancelled bill does not count, a
    refund counts negative, a price off the PO line is an exception; a deleted PO line still
    raises MissingError."""
    product = env["product.product"].create({"name": "P"}).id
    order = env["purchase.order"].create(
        {
            "partner_id": vendor.id,
            "order_line": [(0, 0, {"product_id": product, "product_qty": 5.0, "price_unit": 2.0})],
        }
    )
    order.button_confirm()
    order.picking_ids.button_validate(create_backorder=False)
    line = order.order_line

    def bill(move_type="in_invoice", qty=5.0, price=2.0):
        return env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": vendor.id,
                "purchase_id": order.id,
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": product,
                            "purchase_line_id": line.id,
                            "quantity": qty,
                            "price_unit": price,
                        },
                    )
                ],
            }
        )

    first = bill()
    assert line.qty_invoiced == 5.0
    assert first.release_to_pay == "yes"
    assert bill(price=2.5).release_to_pay == "exception"
    cancelled = bill()
    cancelled.button_cancel()
    refund = bill("in_refund", qty=2.0)
    assert line.qty_invoiced == 5.0 + 5.0 - 2.0  # the cancelled bill's line does not count
    assert refund.invoice_line_ids.can_be_paid == "exception"  # 8 invoiced > 5 received
    orphan = env["account.move.line"].browse(refund.invoice_line_ids.id)
    env._tables["purchase.order.line"].pop(line.id)
    with pytest.raises(MissingError):
        orphan.can_be_paid  # noqa: B018


@pytest.mark.parametrize("load", [None, "_classic_read"])
def test_read_of_stored_columns_is_the_raw_values(env, vendor, load):
    """``read`` takes a stored column from the record's row: what ``_raw`` returns (a
    many2one's id or False, a many2many's ids as a list, a scalar as stored); a computed field
    is computed; a deleted record raises MissingError."""
    product = env["product.product"].create({"name": "P"}).id
    order = env["purchase.order"].create(
        {
            "partner_id": vendor.id,
            "origin": "REQ-1",
            "order_line": [(0, 0, {"product_id": product, "product_qty": 2.0, "price_unit": 3.0})],
        }
    )
    names = ["name", "partner_id", "user_id", "origin", "amount_total", "state", "date_order"]
    (row,) = order.read(names, load=load)
    for name in names:
        if load == "_classic_read" and order._fields[name].type == "many2one":
            value = order[name]
            assert row[name] == ([value.id, value.display_name_of()] if value else False)
        else:
            assert row[name] == order._raw(name), name
    assert row["user_id"] is False
    assert row["amount_total"] == 6.0
    tags = [env["helpdesk.tag"].create({"name": n}).id for n in ("late", "vip")]
    ticket = env["helpdesk.ticket"].create({"name": "Where is it?", "tag_ids": [(6, 0, tags)]})
    (read,) = ticket.read(["tag_ids", "active", "team_id"], load=load)
    assert read["tag_ids"] == tags
    assert type(read["tag_ids"]) is list
    assert read["active"] is True
    assert read["team_id"] is False
    env._tables["purchase.order"].pop(order.id)
    with pytest.raises(MissingError):
        order.read(["origin"], load=load)


def test_filtered_and_a_rule_predicate_on_one_record_match_the_iteration(env, vendor):
    """On a singleton ``filtered`` and ``_filtered_predicate`` call their test on the record
    itself instead of iterating: the same records kept or dropped as for each record of a
    larger set, and the test sees a recordset of that one id."""
    orders = env["purchase.order"].create(
        [{"partner_id": vendor.id, "origin": o} for o in ("A", "B", "A")]
    )
    seen: list[tuple[int, ...]] = []

    def is_a(order) -> bool:
        seen.append(order._ids)
        return order.origin == "A"

    each = [order.filtered(is_a)._ids for order in orders]
    assert each == [(orders._ids[0],), (), (orders._ids[2],)]
    assert seen == [(i,) for i in orders._ids]
    assert orders.filtered(is_a)._ids == (orders._ids[0], orders._ids[2])
    predicate = lambda get: get("origin") == ["A"]  # noqa: E731
    singles = [order._filtered_predicate(predicate)._ids for order in orders]
    assert singles == each
    assert orders._filtered_predicate(predicate)._ids == orders.filtered(is_a)._ids
