"""Customers in the automated models: messages by n8n, backorders cancelled, tickets routed.

A payment failure or a carrier delay is an anomaly resolved by a rule: the n8n "Customer
message" workflow tells the customer (``NotifyCustomer``; a message that still fails goes to the
dead-letter queue). A backorder is cancelled after ``backorder_cancel_after_days`` if still
short. A customer ticket is routed by the model's ticket policy and worked by people.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from orchestration.models.flow import Flow
from orchestration.policies.tickets import TicketCase
from sim.clock import HOURS_PER_DAY
from sim.events import (
    CancelOrder,
    Event,
    NotifyCustomer,
    OrderBackordered,
    PaymentFailed,
    ShipmentDelayed,
    TicketOpened,
)

if TYPE_CHECKING:
    pass


class CustomerFlow(Flow):
    def notify_node(self, item: tuple[int, str]) -> tuple[int, str]:
        order_id, reason = item
        self.stack.command(
            NotifyCustomer(
                key=f"notify:{order_id}:{reason}",
                need=f"notify:{order_id}",
                order_id=order_id,
                reason=reason,
            )
        )
        return item

    def _message(self, e: Event, order_id: int, reason: str) -> None:
        def done(ok: bool) -> None:  # an anomaly resolved by a rule: the customer is told
            if self.w.tracing:
                told = "customer told" if ok else "message failed: dead-lettered"
                self.w.trace("exception.auto_resolved", e.correlation, f"{e.kind}: {told}")
            self.kpi.exception_raised()
            self.kpi.exception_resolved(e.t, self.env.now, auto=True)
            if ok:
                self._settle(e)
            else:
                self.stack.dead_letter(e, "wf-notify", item, self._settle, self._fail)

        item = (order_id, reason)
        self.stack.run("wf-notify", item, done, key=f"order:{order_id}")

    def payment_failed(self, e: PaymentFailed) -> None:
        self._message(e, e.order_id, "payment_failed")

    def shipment_delayed(self, e: ShipmentDelayed) -> None:
        self._message(e, e.order_id, "shipment_delayed")

    def backordered(self, e: OrderBackordered) -> None:
        wait = self.p.backorder_cancel_after_days * HOURS_PER_DAY
        if self.w.tracing:
            self.w.trace(
                "rule.backorder_cancel",
                e.correlation,
                f"cancel if still short in {wait:g} h (backorder_cancel_after_days)",
            )
        ev = self.env.timeout(wait)
        ev.callbacks.append(
            lambda _ev: self.bo.submit(
                CancelOrder(
                    key=f"cancel:{e.order_id}",
                    need=f"cancel:{e.order_id}",
                    order_id=e.order_id,
                    reason="backorder_timeout",
                )
            )
        )
        if self.w.is_pending(e.id):
            self.bo.exceptions.auto_resolved(e, "backorder: cancel timer set by rule")

    def ticket(self, e: TicketOpened) -> None:
        """Route a ticket (classifier, rules or people) and have it worked."""
        policy = self.table.tickets
        route = policy.route(TicketCase(e.correlation, e.topic))
        inbox = getattr(policy, "pickup", None)  # a rollout's manual area: the shared inbox
        self.bo.tickets.work(
            e,
            route.tasks,
            0.0 if inbox is None else self.bo.pickup_gov(inbox),
            first_done=route.on_first_done,
            settle=self._settle,
        )
