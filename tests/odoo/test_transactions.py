"""ODOO.md §8 item 1 (transactional semantics per RPC call) and item 9 (error formats)."""

from __future__ import annotations

import pytest

from orchestration.odoo import (
    AccessError,
    AutomationRule,
    MissingError,
    ServerAction,
    UserError,
    ValidationError,
    jsonrpc_error_envelope,
    xmlrpc_fault_code,
)
from orchestration.odoo.errors import AccessDenied, json2_http_status


def _raise_user_error(env, records):
    records.write({"partner_ref": "touched by the rule"})
    raise UserError("Orders above the margin floor need a manager")


def test_rule_error_rolls_back_the_write_and_the_rules_own_writes(env, make_po):
    """A write whose rule raises rolls back the write and the rule's own writes, and the
    caller sees UserError."""
    po = make_po()
    env.automation.add_rule(
        AutomationRule(
            name="block",
            model="purchase.order",
            trigger="on_write",
            trigger_fields=("origin",),
            actions=[ServerAction("raise", "code", code=_raise_user_error)],
        )
    )
    with pytest.raises(UserError) as info:
        env.execute("purchase.order", "write", [po.id], {"origin": "SO042"})
    assert info.value.context["exception_class"] == "base_automation"
    assert po.origin is False
    assert po.partner_ref is False


def test_a_failed_call_undoes_created_records_but_not_the_id_sequence(env, vendor):
    """Creates inside a failing call vanish; like PostgreSQL sequences, ids are not reused."""
    env.automation.add_rule(
        AutomationRule(
            name="refuse partners",
            model="res.partner",
            trigger="on_create",
            actions=[
                ServerAction("no", "code", code=lambda e, r: (_ for _ in ()).throw(UserError("no")))
            ],
        )
    )
    before = env["res.partner"].search_count([])
    with pytest.raises(UserError):
        env.execute("res.partner", "create", {"name": "Ghost"})
    assert env["res.partner"].search_count([]) == before
    env.automation.rules.clear()
    new_id = env.execute("res.partner", "create", {"name": "Real"})
    assert new_id == vendor.id + 2


def _refuse(env, records):
    raise UserError("Receiving dock closed")


def test_button_is_atomic_across_its_writes_and_the_receipt_it_created(env, make_po):
    """A rule failing when the receipt is created (last step of the approval) undoes the
    order's state and date_approve written just before."""
    po = make_po(qty=1, price=10)
    env.automation.add_rule(
        AutomationRule(
            name="receiving dock closed",
            model="stock.picking",
            trigger="on_create",
            actions=[ServerAction("raise", "code", code=_refuse)],
        )
    )
    with pytest.raises(UserError):
        env.execute("purchase.order", "button_confirm", [po.id])
    assert po.state == "draft"
    assert po.date_approve is False
    assert env["stock.picking"].search_count([]) == 0


def test_private_methods_cannot_be_called_remotely(env, make_po):
    """``_approval_allowed`` is private: AccessError over RPC."""
    po = make_po()
    with pytest.raises(AccessError, match="Private methods"):
        env.execute("purchase.order", "_approval_allowed", [po.id])


def test_reading_a_deleted_record_raises_missing_error(env, vendor):
    """A record unlinked in one call is missing in the next."""
    env.execute("res.partner", "unlink", [vendor.id])
    with pytest.raises(MissingError):
        _ = vendor.name


def test_authenticate_returns_false_on_bad_credentials_and_unknown_user_is_denied(env):
    """``common.authenticate`` answers False, not a fault; executing as nobody is AccessDenied."""
    assert env.authenticate("admin", "admin") == 2
    assert env.authenticate("admin", "wrong") is False
    with pytest.raises(AccessDenied):
        env.execute("res.partner", "search", [], user="nobody")


def test_jsonrpc_envelope_has_odoo_shape(env):
    """JSON-RPC errors: HTTP 200 body with code 200, 'Odoo Server Error', data.name."""
    envelope = jsonrpc_error_envelope(ValidationError("Bad qty"), request_id=7)
    assert envelope["jsonrpc"] == "2.0"
    assert envelope["id"] == 7
    assert envelope["error"]["code"] == 200
    assert envelope["error"]["message"] == "Odoo Server Error"
    assert envelope["error"]["data"]["name"] == "odoo.exceptions.ValidationError"
    assert envelope["error"]["data"]["message"] == "Bad qty"
    assert (
        jsonrpc_error_envelope(ValueError("x"), code=0)["error"]["data"]["name"]
        == "builtins.ValueError"
    )
    assert jsonrpc_error_envelope(ValueError("x"), code=0)["error"]["code"] == 0


@pytest.mark.parametrize(
    ("exc", "fault", "status"),
    [
        (AccessError("a"), 4, 403),
        (AccessDenied("d"), 3, 401),
        (UserError("u"), 2, 422),
        (ValidationError("v"), 2, 422),
        (MissingError("m"), 2, 404),
        (KeyError("k"), 1, 500),
    ],
)
def test_xmlrpc_fault_codes_and_json2_statuses(exc, fault, status):
    """XML-RPC faultCode AccessError 4, AccessDenied 3, UserError family 2, else 1."""
    assert xmlrpc_fault_code(exc) == fault
    assert json2_http_status(exc) == status


def test_writing_an_unknown_field_or_bad_selection_value_is_a_value_error(env, make_po):
    """Odoo raises ValueError for an invalid field or selection value."""
    po = make_po()
    with pytest.raises(ValueError, match="Invalid field"):
        env.execute("purchase.order", "write", [po.id], {"colour": "red"})
    with pytest.raises(ValueError, match="Wrong value"):
        env.execute("purchase.order", "write", [po.id], {"state": "approved"})


def test_nested_blocks_join_and_a_post_commit_hook_opens_a_transaction_of_its_own(env, vendor):
    """``env.transaction()`` (one context object per Env): an inner block joins the outer one
    (its error caught inside does not roll back), an uncaught error undoes the whole block and
    runs the post-rollback hooks, and a post-commit hook that writes runs in a new transaction."""
    partners = env["res.partner"]
    seen: list[str] = []

    def inner_fails() -> None:
        with env.transaction():
            partners.create({"name": "inner"})
            raise UserError("caught inside the outer block")

    with env.transaction():
        first = partners.create({"name": "outer"})
        with pytest.raises(UserError):
            inner_fails()
        env.postcommit(lambda: seen.append(f"committed, in a txn: {env.in_transaction}"))
        env.postcommit(lambda: partners.create({"name": "after commit"}))
    names = set(partners.search([]).mapped("name"))
    assert {"outer", "inner", "after commit"} <= names
    assert seen == ["committed, in a txn: False"]
    assert not env.in_transaction

    def all_fails() -> None:
        with env.transaction():
            env.postrollback(lambda: seen.append("rolled back"))
            first.write({"name": "renamed"})
            with env.transaction():
                partners.create({"name": "doomed"})
            raise UserError("undo both")

    with pytest.raises(UserError):
        all_fails()
    assert first.name == "outer"
    assert "doomed" not in set(partners.search([]).mapped("name"))
    assert seen[-1] == "rolled back"
    assert not env.in_transaction
