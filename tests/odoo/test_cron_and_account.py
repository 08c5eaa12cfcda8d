"""ODOO.md §8 item 10 (ir.cron engine, and its SimPy worker) and item 11 (3-way match)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import simpy

from orchestration.odoo import (
    AutomationRule,
    Env,
    ScheduledAction,
    ServerAction,
    SimClock,
    UserError,
    start_cron_runner,
)


def _job(env, name="job", calls=None, fail=False, **kw):
    def run(e):
        if calls is not None:
            calls.append(e.now())
        if fail:
            raise UserError("boom")

    return env.cron.create(ScheduledAction(name=name, callback=run, **kw))


def test_missed_runs_are_skipped_not_replayed(env, clock):
    """A job hourly, polled after 5 h: it runs once and nextcall jumps past now."""
    calls: list = []
    start = clock.now()
    job = _job(env, calls=calls, interval_number=1, interval_type="hours", nextcall=start)
    clock.advance(hours=5, minutes=30)
    env.cron.run_pending()
    env.cron.run_pending()
    assert len(calls) == 1
    assert job.nextcall == start + timedelta(hours=6)
    assert job.lastcall == clock.now()


def test_ready_jobs_run_by_failure_count_then_priority_then_id(env, clock):
    """Order: (failure_count, priority, id)."""
    order: list = []
    for name, prio in (("low", 10), ("high", 0), ("mid", 5)):
        env.cron.create(
            ScheduledAction(name=name, callback=lambda e, n=name: order.append(n), priority=prio)
        )
    env.cron.jobs[0].failure_count = 0
    env.cron.by_name("high").failure_count = 1
    env.cron.run_pending()
    assert order == ["mid", "low", "high"]


def test_trigger_runs_a_job_before_its_nextcall(env, clock):
    """_trigger() makes a job ready now even if its nextcall is days away."""
    calls: list = []
    job = _job(
        env,
        calls=calls,
        interval_number=1,
        interval_type="days",
        nextcall=clock.now() + timedelta(days=3),
    )
    env.cron.run_pending()
    env.cron.trigger(job)
    env.cron.run_pending()
    env.cron.run_pending()
    assert len(calls) == 1
    assert job.nextcall == clock.now() + timedelta(days=3)


def test_a_running_job_is_not_started_again(env, clock):
    """No concurrent self-run: a job re-entering the worker does not run itself twice."""
    calls: list = []

    def reenter(e):
        calls.append(1)
        e.cron.run_pending()

    env.cron.create(ScheduledAction(name="re", callback=reenter))
    env.cron.run_pending()
    assert calls == [1]


def test_failures_roll_back_and_deactivate_after_five_over_seven_days(env, clock):
    """A failing job is rolled back each time; deactivated only once it has failed >= 5
    times AND for more than 7 days; a success resets the counters."""
    partner = env["res.partner"].create({"name": "P"})

    def fail(e):
        partner.write({"name": "changed"})
        raise UserError("boom")

    job = env.cron.create(
        ScheduledAction(name="sync", callback=fail, interval_number=1, interval_type="days")
    )
    for _ in range(6):
        env.cron.run_pending()
        clock.advance(days=1)
    assert partner.name == "P"
    assert job.failure_count == 6
    assert job.active  # six failures but first one only 5 days ago
    clock.advance(days=2)
    env.cron.run_pending()
    assert not job.active
    ok = _job(env, name="flaky", fail=True)
    env.cron.run_pending()
    ok.callback = lambda e: None
    env.cron.trigger(ok)
    env.cron.run_pending()
    assert (ok.failure_count, ok.first_failure_date) == (0, None)


def test_cron_interval_must_be_positive(env):
    """interval_number > 0 (SQL CHECK)."""
    from orchestration.odoo import ValidationError

    with pytest.raises(ValidationError):
        _job(env, interval_number=0)


def test_simpy_worker_polls_every_minute_and_wakes_on_trigger():
    """On SimPy (hours): a 6-minute automation cron (1 h delay) runs on the 60 s poll grid; a
    time rule fires within the window; a _trigger() wakes the worker at once."""
    sim = simpy.Environment()
    start = datetime(2024, 3, 4, 8, 0, 0)
    env = Env(clock=SimClock(sim, start))
    vendor = env["res.partner"].create({"name": "V"})
    po = env["purchase.order"].create(
        {"partner_id": vendor.id, "date_order": start + timedelta(minutes=30)}
    )
    env.automation.add_rule(
        AutomationRule(
            name="remind",
            model="purchase.order",
            trigger="on_time",
            trg_date_field="date_order",
            trg_date_range=1,
            trg_date_range_type="hour",
            actions=[
                ServerAction(
                    "flag", "object_write", values={"partner_ref": lambda r: str(r.env.now())}
                )
            ],
        )
    )
    job = env.cron.automation_job
    assert job.interval_number == 6
    start_cron_runner(sim, env, poll_interval_s=60)
    sim.run(until=2.0)
    runs = [r.at for r in env.cron.runs if r.cron_id == job.id]
    assert runs[:3] == [start, start + timedelta(minutes=6), start + timedelta(minutes=12)]
    assert po.partner_ref == "2024-03-04 09:36:00"  # first run after 09:30 is 09:36
    calls: list = []
    later = env.cron.create(
        ScheduledAction(
            name="later",
            callback=lambda e: calls.append(sim.now),
            interval_number=1,
            interval_type="days",
            nextcall=start + timedelta(days=5),
        )
    )

    def poke():
        yield sim.timeout(0.25)
        env.cron.trigger(later)

    sim.process(poke())
    sim.run(until=3.0)
    assert calls == [pytest.approx(2.25)]


# ------------------------------------------------------------------ 3-way match


@pytest.fixture
def received_po(env, make_po, product):
    po = make_po(qty=10, price=10.0)
    env.execute("purchase.order", "button_confirm", [po.id])
    receipt = po.picking_ids
    receipt.move_ids.write({"quantity": 6.0})
    env.execute("stock.picking", "button_validate", receipt.ids, create_backorder=True)
    return po


def _bill(env, po, qty, price):
    line = po.order_line
    return env["account.move"].create(
        {
            "move_type": "in_invoice",
            "partner_id": po.partner_id.id,
            "purchase_id": po.id,
            "invoice_date": env.now().date(),
            "invoice_line_ids": [
                (
                    0,
                    0,
                    {
                        "product_id": line.product_id.id,
                        "purchase_line_id": line.id,
                        "quantity": qty,
                        "price_unit": price,
                    },
                )
            ],
        }
    )


def test_price_mismatch_blocks_payment(env, received_po):
    """3-way match: a bill price differing from the PO is an exception and cannot be paid."""
    bill = _bill(env, received_po, qty=6, price=10.5)
    env.execute("account.move", "action_post", bill.ids)
    assert bill.invoice_line_ids.can_be_paid == "exception"
    assert bill.release_to_pay == "exception"
    with pytest.raises(UserError, match="not released to pay"):
        env.execute("account.move", "action_register_payment", bill.ids)
    assert bill.payment_state == "not_paid"


def test_received_quantity_policy(env, received_po):
    """purchase_method='receive': billing up to the received 6 is payable; billing 10 of which
    6 received is an exception."""
    ok = _bill(env, received_po, qty=6, price=10.0)
    assert ok.release_to_pay == "yes"
    env.execute("account.move", "action_post", ok.ids)
    env.execute("account.move", "action_register_payment", ok.ids, 20.0)
    assert (ok.payment_state, ok.amount_residual) == ("partial", 40.0)
    env.execute("account.move", "action_register_payment", ok.ids)
    assert (ok.payment_state, ok.release_to_pay) == ("paid", "no")
    over = _bill(env, received_po, qty=4, price=10.0)
    assert over.release_to_pay == "exception"


def test_ordered_quantity_policy_and_nothing_received(env, make_po, product):
    """purchase_method='purchase': bill up to the ordered qty is payable before receipt; with
    'receive' and nothing received the bill is 'no' (wait)."""
    po = make_po(qty=10, price=10.0)
    env.execute("purchase.order", "button_confirm", [po.id])
    wait = _bill(env, po, qty=10, price=10.0)
    assert wait.release_to_pay == "no"
    product.write({"purchase_method": "purchase"})
    assert wait.release_to_pay == "yes"
    env.execute("account.move", "button_cancel", wait.ids)
    bills = env.execute("purchase.order", "action_create_invoice", [po.id])
    assert env["account.move"].browse(bills).invoice_line_ids.quantity == 10


def test_posted_bill_blocks_po_cancel(env, received_po):
    """button_cancel refuses while a bill is posted."""
    bill = _bill(env, received_po, qty=6, price=10.0)
    env.execute("account.move", "action_post", bill.ids)
    with pytest.raises(UserError, match="vendor bills"):
        env.execute("purchase.order", "button_cancel", [received_po.id])
    assert bill.name.startswith("BILL/2024/")
