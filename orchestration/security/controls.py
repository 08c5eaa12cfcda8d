"""The control board: which security controls are on, and what each one stops or lets through.

A *control* is one preventive check at the ERP boundary (:class:`Control`):

==============================  ===========================================================
``signature_check``             webhook signature and timestamp (:mod:`.signatures`)
``replay_protection``           each webhook id once within the tolerance (:mod:`.replay`)
``scope_check``                 integration key used within its scopes (:mod:`.credentials`)
``sod_check``                   nobody approves their own request (:func:`approvals.sod.eligible`)
``bank_change_dual_control``    a supplier bank change blocks payments to it until somebody
                                else confirms it (:class:`approvals.sod.BankChangeGuard`)
==============================  ===========================================================

:class:`ControlBoard` screens each :class:`~.attacks.Attack` through the controls that are ON,
in that order (:data:`PIPELINE`), each only where it applies (signature and replay to webhooks,
scope to integration credentials, SoD to approvals, dual control to payments after a bank
change). The checks are the real ones: the HMAC is verified over the attack's raw body and
headers, the replay store is consulted and updated, the scope guard and the bank-change guard
keep their state. The first control that refuses gives ``blocked_by``; an attempt nobody
refuses *got through* and its ``amount`` is lost.

Counters per control (:class:`ControlStats`): ``attempts`` — attempts of the attack classes the
control is designed to stop (:data:`GUARDS`), whether it is on or off; ``evaluated`` — attempts
it inspected; ``blocked`` — attempts it refused; ``losses_through`` — EUR lost to attempts of
its classes that got through. So with every control on, losses are zero, and switching one off
moves the loss it prevents into its ``losses_through``. Genuine traffic that reaches the board
(the original of a replayed webhook) is counted apart: ``genuine_admitted`` and
``genuine_rejected`` (a false positive; should stay 0).

Time: the board reads one injected clock in SIMULATED SECONDS; :meth:`ControlBoard.run` drives a
:class:`~orchestration.resilience.ManualClock` to each arrival (``t_h * 3600``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from types import MappingProxyType

from orchestration.approvals.sod import BankChangeGuard, eligible
from orchestration.resilience.clock import SECONDS_PER_HOUR, Clock, ManualClock
from orchestration.security.attacks import SIMULATION_SECRET, Attack, AttackKind, Request
from orchestration.security.credentials import (
    Credential,
    ScopeDenied,
    ScopeGuard,
    default_credentials,
)
from orchestration.security.replay import (
    DEFAULT_MAX_IDS,
    ReplayedDelivery,
    ReplayGuard,
    ReplayStoreFull,
)
from orchestration.security.signatures import (
    DEFAULT_TOLERANCE_S,
    HEADER_ID,
    HEADER_TIMESTAMP,
    SignatureError,
    WebhookVerifier,
)

__all__ = [
    "ALL_CONTROLS",
    "GUARDS",
    "PIPELINE",
    "Control",
    "ControlBoard",
    "ControlStats",
    "Outcome",
]


class Control(StrEnum):
    SIGNATURE_CHECK = "signature_check"
    REPLAY_PROTECTION = "replay_protection"
    SCOPE_CHECK = "scope_check"
    SOD_CHECK = "sod_check"
    BANK_CHANGE_DUAL_CONTROL = "bank_change_dual_control"


#: The order in which the board screens a request (authenticity first, business rules last).
PIPELINE: tuple[Control, ...] = tuple(Control)
ALL_CONTROLS: frozenset[Control] = frozenset(Control)

#: The control each attack class is designed to be stopped by.
GUARDS: Mapping[AttackKind, Control] = MappingProxyType(
    {
        AttackKind.FORGED_REFUND: Control.SIGNATURE_CHECK,
        AttackKind.TAMPERED_PAYLOAD: Control.SIGNATURE_CHECK,
        AttackKind.REPLAYED_WEBHOOK: Control.REPLAY_PROTECTION,
        AttackKind.SCOPE_MISUSE: Control.SCOPE_CHECK,
        AttackKind.SELF_APPROVAL: Control.SOD_CHECK,
        AttackKind.BANK_CHANGE_FRAUD: Control.BANK_CHANGE_DUAL_CONTROL,
    }
)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one attempt: the control that blocked it, or the loss (EUR) it caused."""

    attack: Attack
    blocked_by: Control | None
    loss: float
    reason: str

    @property
    def got_through(self) -> bool:
        return self.blocked_by is None


@dataclass(slots=True)
class ControlStats:
    """Counters of one control over a run (see the module docstring); losses in EUR."""

    attempts: int = 0
    evaluated: int = 0
    blocked: int = 0
    losses_through: float = 0.0


@dataclass(frozen=True, slots=True)
class _Parties:
    requester: str | None
    approvers: tuple[str, ...] = ()


class ControlBoard:
    """Screens attempts through the controls that are on; counts attempts, blocks and losses.

    ``on`` lists the controls switched on (all by default). ``secrets`` are the active webhook
    secrets of the inbound endpoint; ``credentials`` the integration keys the ERP knows, by
    integration name (least-privilege defaults).
    """

    def __init__(
        self,
        on: Iterable[Control | str] = ALL_CONTROLS,
        *,
        clock: Clock,
        secrets: Sequence[str] = (SIMULATION_SECRET,),
        credentials: Mapping[str, Credential] | None = None,
        tolerance_s: float = DEFAULT_TOLERANCE_S,
        replay_max_ids: int | None = DEFAULT_MAX_IDS,
    ) -> None:
        self.on = frozenset(Control(c) for c in on)
        self.clock = clock
        self.verifier = WebhookVerifier(secrets, clock, tolerance_s)
        self.replay_guard = ReplayGuard(clock, tolerance_s, replay_max_ids)
        self.scope_guard = ScopeGuard()
        self.bank_guard = BankChangeGuard()
        self.credentials = dict(default_credentials() if credentials is None else credentials)
        self.stats = {c: ControlStats() for c in Control}
        self.genuine_admitted = 0
        self.genuine_rejected = 0
        self._checks: dict[Control, Callable[[Request], str | None]] = {
            Control.SIGNATURE_CHECK: self._check_signature,
            Control.REPLAY_PROTECTION: self._check_replay,
            Control.SCOPE_CHECK: self._check_scope,
            Control.SOD_CHECK: self._check_sod,
            Control.BANK_CHANGE_DUAL_CONTROL: self._check_bank_change,
        }

    # ----------------------------------------------------------------------- screening
    @staticmethod
    def applies(control: Control, request: Request) -> bool:
        """Whether ``control`` has anything to check on ``request``."""
        if control in (Control.SIGNATURE_CHECK, Control.REPLAY_PROTECTION):
            return request.delivery is not None
        if control is Control.SCOPE_CHECK:
            return request.integration is not None
        if control is Control.SOD_CHECK:
            return request.approved_by is not None
        return request.bank_change is not None

    def _screen(self, request: Request, stats: bool) -> tuple[Control, str] | None:
        for control in PIPELINE:
            if control not in self.on or not self.applies(control, request):
                continue
            if stats:
                self.stats[control].evaluated += 1
            reason = self._checks[control](request)
            if reason is not None:
                return control, reason
        return None

    def admit(self, request: Request) -> bool:
        """Screen a genuine request (legitimate traffic); False is a false positive."""
        if self._screen(request, stats=False) is None:
            self.genuine_admitted += 1
            return True
        self.genuine_rejected += 1
        return False

    def evaluate(self, attack: Attack) -> Outcome:
        """Screen one attempt at the clock's current time and count its outcome."""
        if attack.captured is not None:
            self.admit(attack.captured)
        target = self.stats[GUARDS[attack.kind]]
        target.attempts += 1
        refused = self._screen(attack.request, stats=True)
        if refused is not None:
            control, reason = refused
            self.stats[control].blocked += 1
            return Outcome(attack, control, 0.0, reason)
        target.losses_through += attack.amount
        return Outcome(attack, None, attack.amount, f"got through: {attack.amount:.2f} EUR lost")

    def run(self, attacks: Iterable[Attack]) -> list[Outcome]:
        """Evaluate attempts in arrival order, moving the board's ManualClock to each arrival."""
        clock = self.clock
        if not isinstance(clock, ManualClock):
            raise TypeError(
                "run() drives time by hand and needs a ManualClock; in a SimPy model call "
                "evaluate() at each arrival instead"
            )
        outcomes = []
        for attack in sorted(attacks, key=lambda a: a.t_h):
            clock.set(max(clock(), attack.t_h * SECONDS_PER_HOUR))
            outcomes.append(self.evaluate(attack))
        return outcomes

    # ----------------------------------------------------------------------- totals
    @property
    def attempts_total(self) -> int:
        return sum(s.attempts for s in self.stats.values())

    @property
    def blocked_total(self) -> int:
        return sum(s.blocked for s in self.stats.values())

    @property
    def losses_total(self) -> float:
        return sum(s.losses_through for s in self.stats.values())

    def summary(self) -> list[dict[str, object]]:
        """One row per control (``control``, ``on`` and the counters), for a KPI frame."""
        return [{"control": str(c), "on": c in self.on, **asdict(self.stats[c])} for c in PIPELINE]

    # ----------------------------------------------------------------------- the checks
    def _check_signature(self, request: Request) -> str | None:
        assert request.delivery is not None
        try:
            self.verifier.verify_delivery(request.delivery)
        except SignatureError as exc:
            return f"{type(exc).__name__}: {exc}"
        return None

    def _check_replay(self, request: Request) -> str | None:
        assert request.delivery is not None
        headers = request.delivery.header_map
        delivery_id = headers.get(HEADER_ID, "")
        stamp = headers.get(HEADER_TIMESTAMP, "")
        # With the signature check off the timestamp is unverified; the guard clamps it.
        timestamp_s = int(stamp) if stamp.isascii() and stamp.isdigit() else self.clock()
        try:
            self.replay_guard.check_and_record(delivery_id, timestamp_s)
        except (ReplayedDelivery, ReplayStoreFull) as exc:
            return f"{type(exc).__name__}: {exc}"
        return None

    def _check_scope(self, request: Request) -> str | None:
        assert request.integration is not None
        credential = self.credentials.get(request.integration)
        if credential is None:
            return f"no credential is issued to integration {request.integration!r}"
        try:
            self.scope_guard.check(credential, request.action)
        except ScopeDenied as exc:
            return f"ScopeDenied: {exc}"
        return None

    def _check_sod(self, request: Request) -> str | None:
        assert request.approved_by is not None
        if eligible(request.approved_by, _Parties(request.requested_by)):
            return None
        return f"segregation of duties: {request.approved_by} approved their own request"

    def _check_bank_change(self, request: Request) -> str | None:
        change = request.bank_change
        assert change is not None
        guard = self.bank_guard
        guard.request(change.supplier, change.requested_by, self.clock() / SECONDS_PER_HOUR)
        if change.confirmed_by is not None:
            guard.confirm(change.supplier, change.confirmed_by)
        if guard.payments_blocked(change.supplier):
            return (
                f"payments to {change.supplier} held: its bank change by {change.requested_by} "
                "awaits confirmation by somebody else"
            )
        return None
