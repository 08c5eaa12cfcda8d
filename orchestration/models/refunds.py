"""Refunds in the automated models: paid at initiation, or decided once the parcel is back.

A return (``ReturnInitiated``) is put to the model's refund policy: a touchless decision pays it
at once through the n8n "Refund at carrier scan" workflow (the payment gateway: ``IssueRefund``,
keyed ``refund:<id>`` for idempotency); otherwise it waits until the parcel is received and
inspected (``ReturnReceived``), when the policy names the approval steps and the verdict (refused
when nothing usable came back, for the models that check). A payment that still fails after
Retry On Fail goes to the dead-letter queue. Amounts in the scenario's currency.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from orchestration.backoffice import Request
from orchestration.models.flow import Flow
from orchestration.policies.refund import RefundCase
from orchestration.policies.route import tier
from sim.events import IssueRefund, ReturnInitiated, ReturnReceived

if TYPE_CHECKING:
    from orchestration.models.wiring import AutomatedModel


class RefundFlow(Flow):
    def __init__(self, model: AutomatedModel):
        super().__init__(model)
        self._awaiting_return: dict[int, ReturnInitiated] = {}

    def initiated(self, e: ReturnInitiated) -> None:
        risk = tier(e.amount, self.s.policy.refund)
        case = RefundCase(e.return_id, e.amount, risk, e.fraud_signal, e.correlation)
        route = self.table.refund.decide(case)
        if route is None:
            self._awaiting_return[e.return_id] = e  # decided when the parcel is back
            return
        self.bo.approvals.request(
            Request(
                "refund",
                risk,
                self.env.now,
                f"customer:{e.order_id}",
                route.steps,
                lambda ok: self._pay_refund(e, ok),
                approve=route.approve,
                subject=e.correlation,
                rule=route.rule,
            )
        )

    def received(self, r: ReturnReceived) -> None:
        init = self._awaiting_return.pop(r.return_id, None)
        if init is None:
            return
        risk = tier(init.amount, self.s.policy.refund)
        back = bool(r.qty.sum() > 0)  # inspection: did anything usable come back?
        case = RefundCase(
            init.return_id, init.amount, risk, init.fraud_signal, init.correlation, True, back
        )
        route = self.table.refund.decide(case)
        self.bo.approvals.request(
            Request(
                "refund",
                risk,
                self.env.now,
                f"customer:{init.order_id}",
                route.steps,
                lambda ok: self._pay_refund(init, ok),
                approve=route.approve,
                subject=init.correlation,
                rule=route.rule,
            ),
            pickup=self.table.pickup("refund") if route.steps else None,
        )

    def _pay_refund(self, e: ReturnInitiated, approved: bool) -> None:
        if not approved:
            self._settle(e)
            return

        item = (e.return_id, e.amount)

        def done(ok: bool) -> None:
            if ok:
                self._settle(e)
            else:
                self.stack.dead_letter(e, "wf-refund", item, self._settle, self._fail)

        self.stack.run("wf-refund", item, done, key=e.correlation)

    def pay_node(self, item: tuple[int, float]) -> tuple[int, float]:
        """n8n node: pay the refund through the payment gateway."""
        rid, amount = item
        key = f"refund:{rid}" if self.p.idempotency else self.bo.key(f"refund:{rid}/send")
        self.stack.command(IssueRefund(key=key, need=f"refund:{rid}", return_id=rid, amount=amount))
        return item
